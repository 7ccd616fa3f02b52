package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// Limits bound what Validate accepts before any rule runs. They are caps for the whole
// input; the form's own limits (lengths, items) are usually much lower and give better
// messages.
type Limits struct {
	// MaxBytes is the size of the whole JSON input.
	MaxBytes int
	// MaxDepth is the nesting of objects and arrays (the root object is depth 1).
	MaxDepth int
	// MaxValues is the number of values (strings, numbers, objects...) in the input.
	MaxValues int
	// MaxStringBytes is the length of one string or object key, in bytes.
	MaxStringBytes int
	// MaxNumberBytes is the length of one number as written.
	MaxNumberBytes int
}

// DefaultLimits suit the ministry's forms: the largest expected input (a fund's founding
// board of 50 members with addresses) is under 100 KB.
var DefaultLimits = Limits{
	MaxBytes:       1 << 20,
	MaxDepth:       8,
	MaxValues:      50_000,
	MaxStringBytes: 64 << 10,
	MaxNumberBytes: 32,
}

// inputError is a problem with the input as a whole; validation stops at the first.
type inputError struct {
	path, code, message string
}

func (e *inputError) Error() string { return e.code + " at " + e.path + ": " + e.message }

// decodeBounded decodes a JSON object with the limits enforced while reading, so that memory
// and time stay proportional to MaxBytes whatever the input. Numbers stay json.Number;
// duplicate keys are refused (the last one would silently win otherwise).
func decodeBounded(data []byte, lim Limits) (map[string]any, error) {
	if len(data) > lim.MaxBytes {
		return nil, &inputError{"", "too_large",
			fmt.Sprintf("Dữ liệu gửi lên quá lớn (%s, tối đa %s).", byteSize(int64(len(data))), byteSize(int64(lim.MaxBytes)))}
	}
	d := &decoder{dec: json.NewDecoder(bytes.NewReader(data)), lim: lim}
	d.dec.UseNumber()
	tok, err := d.token()
	if err != nil {
		return nil, err
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return nil, &inputError{"", "not_object", "Dữ liệu biểu mẫu phải là một đối tượng JSON."}
	}
	v, err := d.object("", 1)
	if err != nil {
		return nil, err
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return nil, invalidJSON()
	}
	return v, nil
}

func invalidJSON() error {
	return &inputError{"", "invalid_json", "Dữ liệu gửi lên không phải JSON hợp lệ."}
}

type decoder struct {
	dec    *json.Decoder
	lim    Limits
	values int
}

func (d *decoder) token() (json.Token, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, invalidJSON()
	}
	return tok, nil
}

func (d *decoder) value(tok json.Token, path string, depth int) (any, error) {
	d.values++
	if d.values > d.lim.MaxValues {
		return nil, &inputError{path, "too_many_values",
			fmt.Sprintf("Dữ liệu gửi lên có quá nhiều giá trị (tối đa %d).", d.lim.MaxValues)}
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth+1 > d.lim.MaxDepth {
			return nil, &inputError{path, "too_deep",
				fmt.Sprintf("Dữ liệu gửi lên lồng nhau quá nhiều cấp (tối đa %d).", d.lim.MaxDepth)}
		}
		if t == '{' {
			return d.object(path, depth+1)
		}
		return d.array(path, depth+1)
	case string:
		if len(t) > d.lim.MaxStringBytes {
			return nil, &inputError{path, "value_too_long",
				fmt.Sprintf("Một giá trị gửi lên quá dài (tối đa %s).", byteSize(int64(d.lim.MaxStringBytes)))}
		}
		return t, nil
	case json.Number:
		if len(t) > d.lim.MaxNumberBytes {
			return nil, &inputError{path, "value_too_long", "Một số gửi lên quá dài."}
		}
		return t, nil
	default: // bool, nil
		return t, nil
	}
}

func (d *decoder) object(path string, depth int) (map[string]any, error) {
	m := map[string]any{}
	for d.dec.More() {
		tok, err := d.token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, invalidJSON()
		}
		if len(key) > d.lim.MaxStringBytes {
			return nil, &inputError{path, "value_too_long", "Tên trường gửi lên quá dài."}
		}
		p := path + "/" + escapePointer(key)
		if _, dup := m[key]; dup {
			return nil, &inputError{p, "duplicate_key", fmt.Sprintf("Trường «%s» xuất hiện hai lần.", shorten(key))}
		}
		tok, err = d.token()
		if err != nil {
			return nil, err
		}
		v, err := d.value(tok, p, depth)
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
	if _, err := d.token(); err != nil { // '}'
		return nil, err
	}
	return m, nil
}

func (d *decoder) array(path string, depth int) ([]any, error) {
	var a []any
	for d.dec.More() {
		tok, err := d.token()
		if err != nil {
			return nil, err
		}
		v, err := d.value(tok, path+"/"+strconv.Itoa(len(a)), depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	if _, err := d.token(); err != nil { // ']'
		return nil, err
	}
	if a == nil {
		a = []any{}
	}
	return a, nil
}

// checkBounded applies the same limits to a value that was decoded elsewhere (ValidateMap),
// walking it once. It also refuses Go types a JSON decoder never produces.
func checkBounded(v any, lim Limits) error {
	w := walker{lim: lim}
	if err := w.walk(v, "", 1); err != nil {
		return err
	}
	if w.bytes > lim.MaxBytes {
		return &inputError{"", "too_large", fmt.Sprintf("Dữ liệu gửi lên quá lớn (tối đa %s).", byteSize(int64(lim.MaxBytes)))}
	}
	return nil
}

type walker struct {
	lim           Limits
	values, bytes int
}

func (w *walker) walk(v any, path string, depth int) error {
	w.values++
	if w.values > w.lim.MaxValues {
		return &inputError{path, "too_many_values", fmt.Sprintf("Dữ liệu gửi lên có quá nhiều giá trị (tối đa %d).", w.lim.MaxValues)}
	}
	if depth > w.lim.MaxDepth {
		return &inputError{path, "too_deep", fmt.Sprintf("Dữ liệu gửi lên lồng nhau quá nhiều cấp (tối đa %d).", w.lim.MaxDepth)}
	}
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			w.bytes += len(k) + 4
			if len(k) > w.lim.MaxStringBytes {
				return &inputError{path, "value_too_long", "Tên trường gửi lên quá dài."}
			}
			if err := w.walk(x, path+"/"+escapePointer(k), depth+1); err != nil {
				return err
			}
		}
	case []any:
		for i, x := range t {
			if err := w.walk(x, path+"/"+strconv.Itoa(i), depth+1); err != nil {
				return err
			}
		}
	case string:
		w.bytes += len(t) + 2
		if len(t) > w.lim.MaxStringBytes {
			return &inputError{path, "value_too_long", "Một giá trị gửi lên quá dài."}
		}
	case json.Number:
		if len(t) > w.lim.MaxNumberBytes {
			return &inputError{path, "value_too_long", "Một số gửi lên quá dài."}
		}
		w.bytes += len(t)
	case float64, int, int64, bool, nil:
		w.bytes += 8
	default:
		return &inputError{path, "invalid_json", fmt.Sprintf("Giá trị kiểu %T không phải dữ liệu JSON.", v)}
	}
	if w.bytes > w.lim.MaxBytes {
		return &inputError{"", "too_large", fmt.Sprintf("Dữ liệu gửi lên quá lớn (tối đa %s).", byteSize(int64(w.lim.MaxBytes)))}
	}
	return nil
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(s string) string {
	if !bytes.ContainsAny([]byte(s), "~/") {
		return s
	}
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// shorten keeps a key quoted in a message short.
func shorten(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
