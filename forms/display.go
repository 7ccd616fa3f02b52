package forms

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Display turns stored form data into the text a document prints, keyed like the form:
// a date as dd/mm/yyyy, a choice as its label, money as "5.500.000.000 đồng", a number
// with a decimal comma, an address as one line, yes/no as "Có"/"Không", a group as a
// list of such maps. Every field of the form has a key, "" when the applicant left it
// empty, so a result template can name any field without checking first. File fields
// are left out.
func (p *Procedure) Display(data map[string]any) map[string]any {
	return displayObject(p.Form.all, data)
}

func displayObject(fields []Field, data map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for i := range fields {
		fd := &fields[i]
		if fd.Kind == KindFile {
			continue
		}
		out[fd.Key] = displayValue(fd, data[fd.Key])
	}
	return out
}

func displayValue(fd *Field, v any) any {
	if fd.Kind == KindGroup {
		items, _ := v.([]any)
		list := make([]map[string]any, 0, len(items))
		for _, it := range items {
			m, _ := it.(map[string]any)
			list = append(list, displayObject(fd.Fields, m))
		}
		return list
	}
	if v == nil {
		return ""
	}
	switch fd.Kind {
	case KindDate:
		s, _ := v.(string)
		return ShowDate(s)
	case KindChoice:
		s, _ := v.(string)
		for _, o := range fd.Options {
			if o.Value == s {
				return o.Label
			}
		}
		return s
	case KindYesNo:
		if b, ok := v.(bool); ok && b {
			return "Có"
		}
		return "Không"
	case KindMoney:
		if x, ok := number(v); ok {
			return groupThousands(strconv.FormatInt(int64(math.Round(x)), 10)) + " đồng"
		}
	case KindNumber:
		if x, ok := number(v); ok {
			if x == math.Trunc(x) && math.Abs(x) < 1e15 {
				if math.Abs(x) < 10000 { // years and counts read without a dot
					return strconv.FormatInt(int64(x), 10)
				}
				return groupThousands(strconv.FormatInt(int64(x), 10))
			}
			return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
		}
	case KindAddress:
		m, _ := v.(map[string]any)
		var parts []string
		for _, k := range []string{"street", "ward", "province"} {
			if s, _ := m[k].(string); strings.TrimSpace(s) != "" {
				parts = append(parts, strings.TrimSpace(s))
			}
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}
