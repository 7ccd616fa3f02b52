package forms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Search lists the procedures in force that match every word of q, in any order,
// ignoring case and Vietnamese diacritics ("chung chi luu tru" finds "Cấp Chứng chỉ
// hành nghề lưu trữ"), in domain if one is given. A word matches the start of a word of
// the procedure's name, or any part of its code or of a code it had before
// ("G09.CVTLT.01" finds 1.013929).
func (c *Catalog) Search(q, domain string) []*Procedure {
	words := searchWords(q)
	former := map[string][]string{}
	for old, code := range c.aliases {
		former[code] = append(former[code], old)
	}
	var out []*Procedure
	for _, p := range c.Procedures() {
		if domain != "" && p.Domain != domain {
			continue
		}
		if !matches(words, searchWords(p.Name), fold(strings.Join(append([]string{p.Code}, former[p.Code]...), " "))) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// matches reports whether every query word starts a word of the name or lies in the code.
func matches(query, name []string, code string) bool {
	for _, w := range query {
		found := strings.Contains(code, w)
		for _, n := range name {
			if found {
				break
			}
			found = strings.HasPrefix(n, w)
		}
		if !found {
			return false
		}
	}
	return true
}

// searchWords folds s and splits it into words at anything but letters, digits and the
// dots of a code ("1.014936").
func searchWords(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.'
	})
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
