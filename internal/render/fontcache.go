package render

import (
	"fmt"
	"sort"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	pdffont "github.com/pdfcpu/pdfcpu/pkg/pdfcpu/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// sharedFonts keeps, per face, the PDF objects of one font subset that covers the
// letters nearly every notice uses (commonRunes), made once per Renderer. A document
// whose glyphs of a face all fall in that subset gets a copy of those objects instead of
// a subset of its own. Subsetting and deflating the fonts was most of a render's CPU
// (docs/perf/render.md); copying a few objects is nothing. A document with a rarer
// glyph gets its own subset, as before.
type sharedFonts struct {
	mu    sync.Mutex
	faces [3]*sharedFace
	err   [3]error
}

// sharedFace is one face's subset: its glyphs, and the objects reachable from its
// Type0 font dictionary, by object number in the scratch table they were made in.
type sharedFace struct {
	gids  map[uint16]bool
	root  int
	order []int // object numbers, in the order they are copied
	objs  map[int]types.Object
}

// commonRunes are the characters of the shared subsets: ASCII, the Vietnamese
// alphabet, and the punctuation the templates and Vietnamese text use.
func commonRunes() []rune {
	return append(vietnameseRunes(), []rune("–—‘’“”«»…•·°§№×")...)
}

// face returns face f's shared subset, making it on first use.
func (s *sharedFonts) face(f face, m [3]*metrics) (*sharedFace, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faces[f] != nil || s.err[f] != nil {
		return s.faces[f], s.err[f]
	}
	s.faces[f], s.err[f] = makeSharedFace(f, m)
	return s.faces[f], s.err[f]
}

func makeSharedFace(f face, m [3]*metrics) (*sharedFace, error) {
	conf := model.NewDefaultConfiguration()
	conf.Cmd = model.CREATE
	ctx, err := pdfcpu.CreateContextWithXRefTable(conf, &types.Dim{Width: pageWidth, Height: pageHeight})
	if err != nil {
		return nil, fmt.Errorf("shared font %s: %w", f.name(), err)
	}
	xt := ctx.XRefTable
	b := newPDFBuilder(m)
	for _, r := range commonRunes() {
		if g, ok := m[f].gid(r); ok {
			b.used[f][g] = true
			if _, seen := b.uni[f][g]; !seen {
				b.uni[f][g] = r
			}
		}
	}
	xt.UsedGIDs[f.name()] = b.used[f]
	ir, err := pdffont.EnsureFontDict(xt, f.name(), "", "", false, nil)
	if err != nil {
		return nil, fmt.Errorf("shared font %s: %w", f.name(), err)
	}
	if err := b.replaceToUnicode(xt, f, ir); err != nil {
		return nil, fmt.Errorf("shared font %s: %w", f.name(), err)
	}
	sf := &sharedFace{gids: b.used[f], root: ir.ObjectNumber.Value(), objs: map[int]types.Object{}}
	var walk func(o types.Object) error
	walk = func(o types.Object) error {
		switch v := o.(type) {
		case types.IndirectRef:
			n := v.ObjectNumber.Value()
			if _, seen := sf.objs[n]; seen {
				return nil
			}
			e, ok := xt.FindTableEntryLight(n)
			if !ok || e.Object == nil {
				return fmt.Errorf("shared font %s: object %d is missing", f.name(), n)
			}
			sf.objs[n] = e.Object
			sf.order = append(sf.order, n)
			return walk(e.Object)
		case types.Dict:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if err := walk(v[k]); err != nil {
					return err
				}
			}
		case types.StreamDict:
			return walk(v.Dict)
		case types.Array:
			for _, x := range v {
				if err := walk(x); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(*ir); err != nil {
		return nil, err
	}
	return sf, nil
}

// covers reports whether every glyph in used is in the shared subset.
func (sf *sharedFace) covers(used map[uint16]bool) bool {
	for g := range used {
		if !sf.gids[g] {
			return false
		}
	}
	return true
}

// copyInto adds a copy of the subset's objects to xt, with new object numbers, and
// returns the reference of the copied font dictionary. Stream bytes are shared, not
// copied: they are only read.
func (sf *sharedFace) copyInto(xt *model.XRefTable) (*types.IndirectRef, error) {
	refs := make(map[int]types.IndirectRef, len(sf.order))
	for _, n := range sf.order {
		ir, err := xt.IndRefForNewObject(types.Integer(0)) // replaced below, once every number is known
		if err != nil {
			return nil, err
		}
		refs[n] = *ir
	}
	var remap func(o types.Object) types.Object
	remap = func(o types.Object) types.Object {
		switch v := o.(type) {
		case types.IndirectRef:
			return refs[v.ObjectNumber.Value()]
		case types.Dict:
			d := make(types.Dict, len(v))
			for k, x := range v {
				d[k] = remap(x)
			}
			return d
		case types.StreamDict:
			c := v
			c.Dict = remap(v.Dict).(types.Dict)
			return c
		case types.Array:
			a := make(types.Array, len(v))
			for i, x := range v {
				a[i] = remap(x)
			}
			return a
		}
		return o
	}
	for _, n := range sf.order {
		e, ok := xt.FindTableEntryLight(refs[n].ObjectNumber.Value())
		if !ok {
			return nil, fmt.Errorf("copy font object %d: no table entry", n)
		}
		e.Object = remap(sf.objs[n])
	}
	root := refs[sf.root]
	return &root, nil
}
