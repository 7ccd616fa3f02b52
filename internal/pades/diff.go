package pades

import (
	"fmt"
	"sort"
)

// The revision diff: what each incremental update changed, object by object, and
// whether that is allowed after the signatures before it. Following pyHanko's design,
// every change is disallowed unless one rule below clears it:
//
//   - new objects (they matter only through the changed objects that reference them,
//     which are checked);
//   - the catalog: /AcroForm (as below), /DSS, /Metadata, /Version, /Extensions;
//   - the AcroForm: new signature fields appended to /Fields, /SigFlags, fonts added to
//     /DR;
//   - a page: new signature widgets appended to /Annots (level 3 also other
//     annotations);
//   - a form field: /V, /AP, /AS of a text or choice field (form filling, level >= 2,
//     not locked by an earlier signature's FieldMDP, and among opts.AllowedFields when
//     that is set); an empty signature field getting its /V (signing);
//   - the document information dictionary and DSS contents.
//
// Anything else (content streams, resources, fonts, XObjects, pages, annotations,
// deleted objects, object streams redefined, signature dictionaries) is reported.

// revisionDiff is the outcome of one revision compared with the one before.
type revisionDiff struct {
	changes    []Change
	violations []Problem
	newSigs    map[int]bool // object numbers of signature fields added in this revision
}

// context of revision s-1 that tells what each old object is.
type diffContext struct {
	f          *File
	prev, cur  int
	catRef     Ref
	acroRef    Ref         // indirect AcroForm, if any
	fieldsRef  Ref         // indirect /Fields array, if any
	pages      map[int]int // page object number -> page number
	annotsRefs map[int]int // indirect /Annots array -> page number
	fields     map[int]field
	sigDicts   map[int]bool
	infoRef    Ref
	metaRef    Ref
	dssObjs    map[int]bool
	level      int // effective DocMDP level for this revision
	locks      []fieldLock
	allowed    map[string]bool // nil: any field may be filled
}

// diffRevision compares revision cur with cur-1. level is the DocMDP level in force
// (0 when no certification signature precedes it: treated as 2, as viewers do), and
// locks the FieldMDP locks of the signatures before it.
func diffRevision(f *File, cur, level int, locks []fieldLock, allowed map[string]bool) revisionDiff {
	rd := revisionDiff{newSigs: map[int]bool{}}
	c := &diffContext{f: f, prev: cur - 1, cur: cur, level: level, locks: locks, allowed: allowed,
		pages: map[int]int{}, annotsRefs: map[int]int{}, fields: map[int]field{}, sigDicts: map[int]bool{}, dssObjs: map[int]bool{}}
	if c.level == 0 {
		c.level = FormFillAndSign
	}
	rev := cur + 1 // 1-based for reports
	fail := func(code, format string, args ...any) {
		rd.violations = append(rd.violations, problem(code, rev, format, args...))
	}
	cat, catRef, err := f.catalog(c.prev)
	if err != nil {
		fail(CodeUnreadable, "revision %d: catalog: %v", cur, err)
		return rd
	}
	c.catRef = catRef
	if r, ok := f.revs[cur].trailer["Root"].(Ref); !ok || r != catRef {
		fail(CodeCatalogModified, "revision %d replaces the catalog reference", rev)
	}
	if _, ok := f.revs[cur].trailer["Encrypt"]; ok {
		fail(CodeCatalogModified, "revision %d adds encryption", rev)
	}
	c.acroRef, _ = cat["AcroForm"].(Ref)
	acro, _ := f.resolveAt(cat["AcroForm"], c.prev).(Dict)
	c.fieldsRef, _ = acro["Fields"].(Ref)
	c.metaRef, _ = cat["Metadata"].(Ref)
	c.infoRef, _ = f.revs[c.prev].trailer["Info"].(Ref)
	c.collectDSS(cat["DSS"], 0)
	if refs, err := f.pageRefs(c.prev); err == nil {
		for i, r := range refs {
			c.pages[r.Num] = i + 1
			if pd, ok := f.resolveAt(r, c.prev).(Dict); ok {
				if ar, ok := pd["Annots"].(Ref); ok {
					c.annotsRefs[ar.Num] = i + 1
				}
			}
		}
	} else {
		fail(CodeUnreadable, "revision %d: page tree: %v", cur, err)
	}
	if fl, err := f.fields(c.prev); err == nil {
		for _, x := range fl {
			c.fields[x.ref.Num] = x
			if kids, ok := f.resolveAt(x.dict["Kids"], c.prev).(Array); ok {
				for _, k := range kids {
					if kr, ok := k.(Ref); ok {
						c.fields[kr.Num] = field{ref: kr, name: x.name, ft: x.ft, dict: x.dict}
					}
				}
			}
			if x.ft == "Sig" {
				if r, ok := x.dict["V"].(Ref); ok {
					c.sigDicts[r.Num] = true
				}
			}
		}
	} else {
		fail(CodeUnreadable, "revision %d: form fields: %v", cur, err)
	}

	nums := make([]int, 0, len(f.revs[cur].entries))
	for n := range f.revs[cur].entries {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		e := f.revs[cur].entries[n]
		old, oldLoc, errOld := f.resolveLoc(n, c.prev)
		if e.typ == 0 {
			if old != nil {
				fail(CodeObjectDeleted, "revision %d frees object %d", rev, n)
			}
			continue
		}
		nw, newLoc, errNew := f.resolveLoc(n, cur)
		if oldLoc == newLoc && errOld == nil {
			continue
		}
		if errNew != nil {
			fail(CodeUnreadable, "revision %d: object %d: %v", rev, n, errNew)
			continue
		}
		if old == nil {
			if errOld != nil && oldLoc.off >= 0 {
				fail(CodeUnreadable, "revision %d redefines unreadable object %d", rev, n)
			}
			continue // new object
		}
		if equalObjects(old, nw) {
			continue
		}
		c.checkChanged(&rd, n, old, nw, fail)
	}
	return rd
}

func (c *diffContext) collectDSS(o Object, depth int) {
	if depth > 4 {
		return
	}
	if r, ok := o.(Ref); ok {
		if c.dssObjs[r.Num] {
			return
		}
		c.dssObjs[r.Num] = true
	}
	switch v := c.f.resolveAt(o, c.prev).(type) {
	case Dict:
		for _, x := range v {
			c.collectDSS(x, depth+1)
		}
	case Array:
		for _, x := range v {
			c.collectDSS(x, depth+1)
		}
	}
}

func (c *diffContext) checkChanged(rd *revisionDiff, n int, old, nw Object, fail func(code, format string, args ...any)) {
	rev := c.cur + 1
	switch {
	case n == c.catRef.Num:
		c.checkCatalog(rd, old, nw, fail)
	case n == c.acroRef.Num && c.acroRef.Num != 0:
		c.checkAcroForm(rd, old, nw, fail)
	case n == c.fieldsRef.Num && c.fieldsRef.Num != 0:
		c.checkAppended(rd, old, nw, 0, "AcroForm /Fields", fail)
	case c.pages[n] != 0:
		c.checkPage(rd, n, old, nw, fail)
	case c.annotsRefs[n] != 0:
		c.checkAppended(rd, old, nw, c.annotsRefs[n], fmt.Sprintf("/Annots of page %d", c.annotsRefs[n]), fail)
	case c.sigDicts[n]:
		fail(CodeSignatureReplaced, "revision %d changes signature dictionary %d", rev, n)
	case c.fields[n].ref.Num == n && c.fields[n].dict != nil:
		c.checkField(rd, n, old, nw, fail)
	case n == c.infoRef.Num && c.infoRef.Num != 0, n == c.metaRef.Num && c.metaRef.Num != 0:
		rd.changes = append(rd.changes, Change{Revision: rev, Kind: "metadata_changed"})
	case c.dssObjs[n]:
		rd.changes = append(rd.changes, Change{Revision: rev, Kind: "dss_added"})
	default:
		what := "object"
		switch v := old.(type) {
		case *Stream:
			what = "stream"
			if t, ok := v.Dict["Type"].(Name); ok {
				what = string(t)
			}
			if t, ok := v.Dict["Subtype"].(Name); ok {
				what += "/" + string(t)
			}
			if v.Dict["Type"] == Name("ObjStm") {
				fail(CodeContentModified, "revision %d redefines object stream %d", rev, n)
				return
			}
		case Dict:
			if t, ok := v["Type"].(Name); ok {
				what = string(t)
			}
			if t, ok := v["Subtype"].(Name); ok {
				what += "/" + string(t)
			}
		}
		fail(CodeContentModified, "revision %d changes %s %d", rev, what, n)
	}
}

// sameExcept reports the keys (other than allowed) whose values differ.
func sameExcept(old, nw Dict, allowed ...Name) []Name {
	skip := map[Name]bool{}
	for _, k := range allowed {
		skip[k] = true
	}
	var diff []Name
	for k, v := range old {
		if !skip[k] && !equalObjects(v, nw[k]) {
			diff = append(diff, k)
		}
	}
	for k := range nw {
		if _, ok := old[k]; !ok && !skip[k] {
			diff = append(diff, k)
		}
	}
	sort.Slice(diff, func(i, j int) bool { return diff[i] < diff[j] })
	return diff
}

func (c *diffContext) checkCatalog(rd *revisionDiff, old, nw Object, fail func(code, format string, args ...any)) {
	rev := c.cur + 1
	od, ok1 := old.(Dict)
	nd, ok2 := nw.(Dict)
	if !ok1 || !ok2 {
		fail(CodeCatalogModified, "revision %d: catalog is not a dictionary", rev)
		return
	}
	if d := sameExcept(od, nd, "AcroForm", "DSS", "Metadata", "Version", "Extensions"); len(d) > 0 {
		fail(CodeCatalogModified, "revision %d changes catalog keys %v", rev, d)
	}
	if !equalObjects(od["DSS"], nd["DSS"]) {
		rd.changes = append(rd.changes, Change{Revision: rev, Kind: "dss_added"})
	}
	if !equalObjects(od["Metadata"], nd["Metadata"]) {
		rd.changes = append(rd.changes, Change{Revision: rev, Kind: "metadata_changed"})
	}
	if !equalObjects(od["AcroForm"], nd["AcroForm"]) {
		oa, _ := c.f.resolveAt(od["AcroForm"], c.prev).(Dict)
		na, _ := c.f.resolveAt(nd["AcroForm"], c.cur).(Dict)
		if oa == nil {
			oa = Dict{}
		}
		if na == nil {
			fail(CodeFormModified, "revision %d removes the AcroForm", rev)
			return
		}
		if r, ok := nd["AcroForm"].(Ref); ok && r.Num == c.acroRef.Num && c.acroRef.Num != 0 {
			return // same indirect object: checked as an object of its own
		}
		c.checkAcroForm(rd, oa, na, fail)
	}
}

func (c *diffContext) checkAcroForm(rd *revisionDiff, old, nw Object, fail func(code, format string, args ...any)) {
	rev := c.cur + 1
	od, ok1 := old.(Dict)
	nd, ok2 := nw.(Dict)
	if !ok1 || !ok2 {
		fail(CodeFormModified, "revision %d: AcroForm is not a dictionary", rev)
		return
	}
	if d := sameExcept(od, nd, "Fields", "SigFlags", "DR", "NeedAppearances"); len(d) > 0 {
		fail(CodeFormModified, "revision %d changes AcroForm keys %v", rev, d)
	}
	if nd["NeedAppearances"] == true && od["NeedAppearances"] != true {
		// Viewers would redraw every field from its value: a way to change what a
		// signed field shows.
		fail(CodeFormModified, "revision %d sets /NeedAppearances", rev)
	}
	if !equalObjects(od["DR"], nd["DR"]) {
		c.checkAddedOnly(od["DR"], nd["DR"], "AcroForm /DR", fail)
	}
	if !equalObjects(od["Fields"], nd["Fields"]) {
		if r, ok := nd["Fields"].(Ref); ok && r == c.fieldsRef && r.Num != 0 {
			return // checked as its own object
		}
		of, _ := c.f.resolveAt(od["Fields"], c.prev).(Array)
		nf, _ := c.f.resolveAt(nd["Fields"], c.cur).(Array)
		c.checkAppended(rd, of, nf, 0, "AcroForm /Fields", fail)
	}
}

// checkAddedOnly allows a dictionary (like /DR) to gain entries but not to change or
// lose any, one level down (/DR /Font /F1 added is fine, /DR /Font /F0 changed is not).
func (c *diffContext) checkAddedOnly(old, nw Object, what string, fail func(code, format string, args ...any)) {
	rev := c.cur + 1
	od, _ := c.f.resolveAt(old, c.prev).(Dict)
	nd, _ := c.f.resolveAt(nw, c.cur).(Dict)
	if nd == nil {
		fail(CodeFormModified, "revision %d removes %s", rev, what)
		return
	}
	for k, v := range od {
		nv, ok := nd[k]
		if !ok {
			fail(CodeFormModified, "revision %d removes %s /%s", rev, what, k)
			continue
		}
		if equalObjects(v, nv) {
			continue
		}
		ov, _ := c.f.resolveAt(v, c.prev).(Dict)
		nvd, _ := c.f.resolveAt(nv, c.cur).(Dict)
		if ov == nil || nvd == nil {
			fail(CodeFormModified, "revision %d changes %s /%s", rev, what, k)
			continue
		}
		for kk, vv := range ov {
			if !equalObjects(vv, nvd[kk]) {
				fail(CodeFormModified, "revision %d changes %s /%s /%s", rev, what, k, kk)
			}
		}
	}
}

// checkAppended allows an array (/Fields or /Annots) to keep its old entries in order
// and gain new signature fields (or, at level 3, annotations on pages).
func (c *diffContext) checkAppended(rd *revisionDiff, old, nw Object, page int, what string, fail func(code, format string, args ...any)) {
	rev := c.cur + 1
	oa, _ := c.f.resolveAt(old, c.prev).(Array)
	na, ok := c.f.resolveAt(nw, c.cur).(Array)
	if !ok {
		fail(CodeFormModified, "revision %d: %s is not an array", rev, what)
		return
	}
	if len(na) < len(oa) {
		fail(CodeFormModified, "revision %d removes entries of %s", rev, what)
		return
	}
	for i := range oa {
		if !equalObjects(oa[i], na[i]) {
			fail(CodeFormModified, "revision %d reorders or replaces entries of %s", rev, what)
			return
		}
	}
	for _, x := range na[len(oa):] {
		r, ok := x.(Ref)
		if !ok {
			fail(CodeFormModified, "revision %d adds a direct object to %s", rev, what)
			continue
		}
		if o, _, _ := c.f.resolveLoc(r.Num, c.prev); o != nil {
			fail(CodeFormModified, "revision %d adds existing object %d to %s", rev, r.Num, what)
			continue
		}
		d, _ := c.f.resolveAt(r, c.cur).(Dict)
		if d["FT"] == Name("Sig") {
			v, ok := d["V"].(Ref)
			if !ok {
				fail(CodeUnsignedSigField, "revision %d adds signature field %d without a signature", rev, r.Num)
				continue
			}
			// The signature must be new and a field of the form: a widget that only
			// borrows an old signature would be an overlay, not a signature.
			if o, _, _ := c.f.resolveLoc(v.Num, c.prev); o != nil {
				fail(CodeUnsignedSigField, "revision %d adds signature widget %d reusing signature dictionary %d", rev, r.Num, v.Num)
				continue
			}
			if c.level == NoChanges {
				fail(CodeDocMDP, "revision %d adds a signature, which DocMDP P=1 forbids", rev)
				continue
			}
			if !rd.newSigs[r.Num] {
				rd.newSigs[r.Num] = true
				rd.changes = append(rd.changes, Change{Revision: rev, Kind: "signature_added", Field: fieldName(d)})
			}
			continue
		}
		if page != 0 && c.level == FormFillSignAnnots && d["Subtype"] != Name("Widget") {
			rd.changes = append(rd.changes, Change{Revision: rev, Kind: "annotation_added"})
			continue
		}
		if page != 0 {
			fail(CodeAnnotationAdded, "revision %d adds annotation %d to page %d", rev, r.Num, page)
		} else {
			fail(CodeFormModified, "revision %d adds form field %d", rev, r.Num)
		}
	}
}

func fieldName(d Dict) string {
	if t, ok := d["T"].(String); ok {
		return decodeText(t.B)
	}
	return ""
}

func (c *diffContext) checkPage(rd *revisionDiff, n int, old, nw Object, fail func(code, format string, args ...any)) {
	rev := c.cur + 1
	page := c.pages[n]
	od, ok1 := old.(Dict)
	nd, ok2 := nw.(Dict)
	if !ok1 || !ok2 {
		fail(CodePageModified, "revision %d: page %d is not a dictionary", rev, page)
		return
	}
	if d := sameExcept(od, nd, "Annots"); len(d) > 0 {
		fail(CodePageModified, "revision %d changes page %d keys %v", rev, page, d)
		return
	}
	if !equalObjects(od["Annots"], nd["Annots"]) {
		c.checkAppended(rd, od["Annots"], nd["Annots"], page, fmt.Sprintf("/Annots of page %d", page), fail)
	}
}

func (c *diffContext) checkField(rd *revisionDiff, n int, old, nw Object, fail func(code, format string, args ...any)) {
	rev := c.cur + 1
	fl := c.fields[n]
	od, ok1 := old.(Dict)
	nd, ok2 := nw.(Dict)
	if !ok1 || !ok2 {
		fail(CodeFormModified, "revision %d: field %q is not a dictionary", rev, fl.name)
		return
	}
	if fl.ft == "Sig" {
		// Signing an empty signature field: /V appears (and the widget's appearance).
		if d := sameExcept(od, nd, "V", "AP"); len(d) > 0 || od["V"] != nil {
			fail(CodeFormModified, "revision %d changes signature field %q", rev, fl.name)
			return
		}
		if c.level == NoChanges {
			fail(CodeDocMDP, "revision %d signs field %q, which DocMDP P=1 forbids", rev, fl.name)
			return
		}
		rd.newSigs[n] = true
		rd.changes = append(rd.changes, Change{Revision: rev, Kind: "signature_added", Field: fl.name})
		return
	}
	if d := sameExcept(od, nd, "V", "AP", "AS"); len(d) > 0 {
		fail(CodeFormModified, "revision %d changes field %q keys %v", rev, fl.name, d)
		return
	}
	if c.level < FormFillAndSign {
		fail(CodeDocMDP, "revision %d fills field %q, which DocMDP P=%d forbids", rev, fl.name, c.level)
		return
	}
	for _, l := range c.locks {
		if l.locks(fl.name) {
			fail(CodeFieldLocked, "revision %d fills field %q locked by an earlier signature", rev, fl.name)
			return
		}
	}
	if c.allowed != nil && !c.allowed[fl.name] {
		fail(CodeFieldNotAllowed, "revision %d fills field %q, not in the allowed list", rev, fl.name)
		return
	}
	value := ""
	if s, ok := c.f.resolveAt(nd["V"], c.cur).(String); ok {
		value = decodeText(s.B)
	} else if nm, ok := nd["V"].(Name); ok {
		value = string(nm)
	}
	rd.changes = append(rd.changes, Change{Revision: rev, Kind: "form_filled", Field: fl.name, Value: value})
}
