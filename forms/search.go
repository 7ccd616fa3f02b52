package forms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Search lists the procedures in force whose name or code contains q, ignoring case and
// Vietnamese diacritics ("cap phep" finds "cấp phép"), in domain if one is given.
func (c *Catalog) Search(q, domain string) []*Procedure {
	q = fold(strings.TrimSpace(q))
	var out []*Procedure
	for _, p := range c.Procedures() {
		if domain != "" && p.Domain != domain {
			continue
		}
		if q != "" && !strings.Contains(fold(p.Name), q) && !strings.Contains(fold(p.Code), q) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// fold lowercases s and strips its diacritics (đ becomes d).
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
