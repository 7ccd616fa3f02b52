package pades

import (
	"errors"
	"strings"
)

// field is one terminal form field of the AcroForm (its dictionary may also be its
// widget).
type field struct {
	ref  Ref
	dict Dict
	name string // fully qualified, parts joined by "."
	ft   Name   // inherited field type
}

// fields lists the terminal fields of revision rev's AcroForm.
func (f *File) fields(rev int) ([]field, error) {
	cat, _, err := f.catalog(rev)
	if err != nil {
		return nil, err
	}
	acro, _ := f.resolveAt(cat["AcroForm"], rev).(Dict)
	if acro == nil {
		return nil, nil
	}
	top, _ := f.resolveAt(acro["Fields"], rev).(Array)
	var out []field
	seen := map[int]bool{}
	visits := 0
	var walk func(o Object, prefix string, ft Name, depth int) error
	walk = func(o Object, prefix string, ft Name, depth int) error {
		r, ok := o.(Ref)
		if !ok {
			return errors.New("form field is not an indirect object")
		}
		if depth > maxDepth || seen[r.Num] || len(out) > maxCollection {
			return errors.New("form field tree is malformed")
		}
		seen[r.Num] = true
		d, ok := f.resolveAt(r, rev).(Dict)
		if !ok {
			return errors.New("form field is not a dictionary")
		}
		name := prefix
		if t, ok := d["T"].(String); ok {
			part := decodeText(t.B)
			if name != "" {
				name += "." + part
			} else {
				name = part
			}
		}
		if v, ok := d["FT"].(Name); ok {
			ft = v
		}
		kids, _ := f.resolveAt(d["Kids"], rev).(Array)
		visits += len(kids)
		if visits > maxVisits {
			return errors.New("form field tree is too large")
		}
		// Kids that carry /T are fields; kids without are only widgets of this field.
		hasFieldKids := false
		for _, k := range kids {
			if kd, ok := f.resolveAt(k, rev).(Dict); ok {
				if _, ok := kd["T"]; ok {
					hasFieldKids = true
				}
			}
		}
		if !hasFieldKids {
			out = append(out, field{ref: r, dict: d, name: name, ft: ft})
			return nil
		}
		for _, k := range kids {
			if err := walk(k, name, ft, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, o := range top {
		if err := walk(o, "", "", 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// signatureFields lists the signature fields of revision rev.
func (f *File) signatureFields(rev int) ([]field, error) {
	all, err := f.fields(rev)
	if err != nil {
		return nil, err
	}
	var out []field
	for _, fl := range all {
		if fl.ft == "Sig" {
			out = append(out, fl)
		}
	}
	return out, nil
}

// allSignatureFields lists the signature fields of the AcroForm and, after them, the
// signature widgets found only on pages: some signers (poppler 22's pdfsig with an
// indirect /Fields array) add the widget to the page but not to the form, and viewers
// still show the signature, so the verifier must check it.
func (f *File) allSignatureFields(rev int) ([]field, error) {
	out, err := f.signatureFields(rev)
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	for _, x := range out {
		seen[x.ref.Num] = true
	}
	pages, err := f.pageRefs(rev)
	if err != nil {
		return out, err
	}
	visits := 0
	for _, pr := range pages {
		pg, _ := f.resolveAt(pr, rev).(Dict)
		annots, _ := f.resolveAt(pg["Annots"], rev).(Array)
		visits += len(annots)
		if visits > maxVisits {
			return out, errors.New("too many annotations")
		}
		for _, a := range annots {
			r, ok := a.(Ref)
			if !ok || seen[r.Num] {
				continue
			}
			d, _ := f.resolveAt(r, rev).(Dict)
			if d["Subtype"] != Name("Widget") || d["FT"] != Name("Sig") {
				continue
			}
			seen[r.Num] = true
			out = append(out, field{ref: r, dict: d, name: fieldName(d), ft: "Sig"})
		}
	}
	return out, nil
}

// docMDP returns the DocMDP permission level recorded in revision rev's catalog (/Perms
// /DocMDP), or 0 when the document is not certified.
func (f *File) docMDP(rev int) int {
	cat, _, err := f.catalog(rev)
	if err != nil {
		return 0
	}
	perms, _ := f.resolveAt(cat["Perms"], rev).(Dict)
	sig, _ := f.resolveAt(perms["DocMDP"], rev).(Dict)
	if sig == nil {
		return 0
	}
	return docMDPOf(f, sig, rev)
}

// docMDPOf returns the P of a signature dictionary's DocMDP reference (default 2), or 0 if
// it has none.
func docMDPOf(f *File, sig Dict, rev int) int {
	refs, _ := f.resolveAt(sig["Reference"], rev).(Array)
	for _, r := range refs {
		d, _ := f.resolveAt(r, rev).(Dict)
		if d["TransformMethod"] != Name("DocMDP") {
			continue
		}
		params, _ := f.resolveAt(d["TransformParams"], rev).(Dict)
		if p, ok := params["P"].(int64); ok && p >= 1 && p <= 3 {
			return int(p)
		}
		return FormFillAndSign
	}
	return 0
}

// fieldLock describes which fields a signature locks (FieldMDP or the field's /Lock).
type fieldLock struct {
	all     bool
	include []string
	exclude []string
}

func (l fieldLock) locks(name string) bool {
	if l.all {
		return true
	}
	for _, n := range l.include {
		if n == name || strings.HasPrefix(name, n+".") {
			return true
		}
	}
	if l.exclude != nil {
		for _, n := range l.exclude {
			if n == name || strings.HasPrefix(name, n+".") {
				return false
			}
		}
		return true
	}
	return false
}

// lockOf reads the FieldMDP transform of a signature dictionary, or the signature
// field's /Lock.
func lockOf(f *File, sig, fieldDict Dict, rev int) fieldLock {
	var l fieldLock
	apply := func(d Dict) {
		names := func(o Object) []string {
			arr, _ := f.resolveAt(o, rev).(Array)
			out := []string{}
			for _, x := range arr {
				if s, ok := f.resolveAt(x, rev).(String); ok {
					out = append(out, decodeText(s.B))
				}
			}
			return out
		}
		switch d["Action"] {
		case Name("All"):
			l.all = true
		case Name("Include"):
			l.include = append(l.include, names(d["Fields"])...)
		case Name("Exclude"):
			l.exclude = append(l.exclude, names(d["Fields"])...)
		}
	}
	refs, _ := f.resolveAt(sig["Reference"], rev).(Array)
	for _, r := range refs {
		d, _ := f.resolveAt(r, rev).(Dict)
		if d["TransformMethod"] == Name("FieldMDP") {
			if p, ok := f.resolveAt(d["TransformParams"], rev).(Dict); ok {
				apply(p)
			}
		}
	}
	if lk, ok := f.resolveAt(fieldDict["Lock"], rev).(Dict); ok {
		apply(lk)
	}
	return l
}
