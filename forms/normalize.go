package forms

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalizeObject keeps the known fields of in, each normalized for its kind; unknown keys
// are reported. Empty values (null, "", [], {}) count as not given, so that "required" is
// the one rule that speaks about them.
func (c *collector) normalizeObject(fields []Field, index map[string]int, in map[string]any, tokens []string) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		i, ok := index[k]
		if !ok {
			c.add(append(tokens[:len(tokens):len(tokens)], k), "unknown_field", nil)
			continue
		}
		fd := &fields[i]
		if nv, present := c.normalizeValue(fd, v, append(tokens[:len(tokens):len(tokens)], k)); present {
			out[k] = nv
		}
	}
	return out
}

func (c *collector) normalizeValue(fd *Field, v any, tokens []string) (any, bool) {
	if v == nil {
		return nil, false
	}
	switch fd.Kind {
	case KindText, KindLongText:
		if s, ok := v.(string); ok {
			s = cleanText(s, fd.Kind == KindLongText)
			return s, s != ""
		}
	case KindDate:
		if s, ok := v.(string); ok {
			s = normalizeDate(strings.TrimSpace(s))
			return s, s != ""
		}
	case KindNumber:
		if x, ok := parseNumber(v); ok {
			return x, true
		}
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			return nil, false
		}
	case KindMoney:
		if x, ok := parseMoney(v); ok {
			return x, true
		}
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			return nil, false
		}
	case KindChoice:
		if s, ok := v.(string); ok {
			s = strings.TrimSpace(s)
			return s, s != ""
		}
	case KindYesNo:
		switch t := v.(type) {
		case bool:
			return t, true
		case string:
			switch strings.ToLower(cleanText(t, false)) {
			case "true", "có", "co":
				return true, true
			case "false", "không", "khong":
				return false, true
			case "":
				return nil, false
			}
		}
	case KindCCCD:
		s, ok := v.(string)
		if n, isNum := v.(json.Number); isNum {
			s, ok = string(n), true
		}
		if ok {
			s = strings.Map(func(r rune) rune {
				if r == ' ' || r == '.' || r == '-' {
					return -1
				}
				return r
			}, s)
			return s, s != ""
		}
	case KindPhone:
		s, ok := v.(string)
		if n, isNum := v.(json.Number); isNum {
			s, ok = string(n), true
		}
		if ok {
			s = normalizePhone(strings.TrimSpace(s))
			return s, s != ""
		}
	case KindEmail:
		if s, ok := v.(string); ok {
			s = cleanText(s, false)
			if at := strings.LastIndexByte(s, '@'); at >= 0 {
				s = s[:at] + strings.ToLower(s[at:])
			}
			return s, s != ""
		}
	case KindAddress:
		if m, ok := v.(map[string]any); ok {
			out := c.normalizeObject(fd.Fields, fd.index, m, tokens)
			return out, len(out) > 0
		}
	case KindGroup:
		if a, ok := v.([]any); ok {
			if len(a) == 0 {
				return nil, false
			}
			out := make([]any, len(a))
			for i, item := range a {
				if m, ok := item.(map[string]any); ok {
					out[i] = c.normalizeObject(fd.Fields, fd.index, m, append(tokens[:len(tokens):len(tokens)], strconv.Itoa(i)))
				} else {
					out[i] = sanitize(item)
				}
			}
			return out, true
		}
	case KindFile:
		switch t := v.(type) {
		case string:
			t = strings.TrimSpace(t)
			return []any{t}, t != ""
		case []any:
			if len(t) == 0 {
				return nil, false
			}
			out := make([]any, len(t))
			for i, x := range t {
				if s, ok := x.(string); ok {
					out[i] = strings.TrimSpace(s)
				} else {
					out[i] = sanitize(x)
				}
			}
			return out, true
		}
	}
	// A value of the wrong type stays, made safe for the schema validator, which reports it.
	return sanitize(v), true
}

// cleanText puts text in NFC, turns control characters into spaces (keeping line breaks and
// tabs in multi-line text) and trims it.
func cleanText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = strings.Map(func(r rune) rune {
		if multiline && (r == '\n' || r == '\t') {
			return r
		}
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(norm.NFC.String(s))
}

// parseNumber reads a JSON number, or a number typed by a person: spaces ignored, and with a
// comma the Vietnamese way (dots group thousands, the comma is the decimal mark).
func parseNumber(v any) (any, bool) {
	var s string
	switch t := v.(type) {
	case json.Number:
		s = string(t)
	case float64, int64:
		return t, true
	case int:
		return int64(t), true
	case string:
		s = strings.ReplaceAll(strings.TrimSpace(t), " ", "")
		if strings.Contains(s, ",") {
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		}
	default:
		return nil, false
	}
	if s == "" {
		return nil, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	return f, true
}

// parseMoney reads an amount in đồng: a JSON integer, or text such as "5.000.000", "5 000 000
// đồng" or "5,000,000 VND". A fractional or negative amount stays as it is for the schema to
// reject.
func parseMoney(v any) (any, bool) {
	switch t := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return n, true
		}
		if f, err := strconv.ParseFloat(string(t), 64); err == nil && !math.IsInf(f, 0) {
			if f == math.Trunc(f) && math.Abs(f) <= maxMoney {
				return int64(f), true
			}
			return f, true
		}
		return nil, false
	case float64:
		if t == math.Trunc(t) && math.Abs(t) <= maxMoney {
			return int64(t), true
		}
		return t, true
	case int64:
		return t, true
	case int:
		return int64(t), true
	case string:
		s := strings.ToLower(strings.TrimSpace(t))
		for _, suf := range []string{"vnđ", "vnd", "đồng", "đ", "₫"} {
			s = strings.TrimSpace(strings.TrimSuffix(s, suf))
		}
		if !moneyTextRE.MatchString(s) {
			return nil, false
		}
		s = strings.NewReplacer(".", "", ",", "", " ", "").Replace(s)
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, false
		}
		return n, true
	}
	return nil, false
}

// moneyTextRE accepts digits alone or grouped by three with dots, commas or spaces; a
// decimal part is refused rather than guessed.
var moneyTextRE = regexp.MustCompile(`^([0-9]+|[0-9]{1,3}([., ][0-9]{3})+)$`)

// sanitize turns json.Number into float64 (or its text when out of range) so that nothing
// the schema validator does with a number can be made slow by its spelling.
func sanitize(v any) any {
	switch t := v.(type) {
	case json.Number:
		if f, err := strconv.ParseFloat(string(t), 64); err == nil {
			return f
		}
		return string(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = sanitize(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = sanitize(x)
		}
		return out
	}
	return v
}
