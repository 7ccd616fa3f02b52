package pades

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// incremental builds one incremental update (ISO 32000-1 §7.5.6): new and changed
// objects, a new xref section and a trailer with /Prev, appended after the last byte of
// the file, so that every byte an earlier signature covers stays as it was.
type incremental struct {
	f    *File
	next int
	objs map[int]Object
}

func newIncremental(f *File) (*incremental, error) {
	if _, enc := f.trailer()["Encrypt"]; enc {
		return nil, errors.New("encrypted PDFs are not supported")
	}
	return &incremental{f: f, next: f.size(), objs: map[int]Object{}}, nil
}

// add appends a new object and returns its reference.
func (u *incremental) add(o Object) Ref {
	n := u.next
	u.next++
	u.objs[n] = o
	return Ref{Num: n}
}

// set writes a new version of an existing object.
func (u *incremental) set(r Ref, o Object) { u.objs[r.Num] = o }

// write returns the updated file and the offset of each written object.
func (u *incremental) write() ([]byte, map[int]int64, error) {
	data := u.f.data
	last := u.f.revs[len(u.f.revs)-1]
	// One allocation for the whole output: the old bytes, the streams and the
	// signature placeholder, plus room for dictionaries and the xref.
	extra := 16 << 10
	for _, o := range u.objs {
		switch x := o.(type) {
		case *Stream:
			extra += len(x.Data) + 256
		case rawObject:
			extra += len(x)
		default:
			extra += 512
		}
	}
	var buf bytes.Buffer
	buf.Grow(len(data) + extra)
	buf.Write(data)
	if len(data) > 0 && data[len(data)-1] != '\n' && data[len(data)-1] != '\r' {
		buf.WriteByte('\n')
	}
	nums := make([]int, 0, len(u.objs))
	for n := range u.objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	offsets := make(map[int]int64, len(nums)+1)
	for _, n := range nums {
		gen := 0
		if e, ok := u.f.lookup(n, len(u.f.revs)-1); ok && e.typ == 1 {
			gen = e.gen
		}
		offsets[n] = int64(buf.Len())
		fmt.Fprintf(&buf, "%d %d obj\n", n, gen)
		writeObject(&buf, u.objs[n])
		buf.WriteString("\nendobj\n")
	}
	trailer := Dict{"Size": int64(u.next), "Prev": last.xrefPos}
	for _, k := range []Name{"Root", "Info", "ID"} {
		if v, ok := last.trailer[k]; ok {
			trailer[k] = v
		}
	}
	xrefPos := int64(buf.Len())
	if last.stream {
		// The previous section is an xref stream: continue with one (readers that
		// understand the first understand the second).
		xn := u.next
		trailer["Size"] = int64(xn + 1)
		offsets[xn] = xrefPos
		nums = append(nums, xn)
		var rows bytes.Buffer
		var index Array
		for _, run := range runs(nums) {
			index = append(index, int64(run[0]), int64(run[1]-run[0]+1))
			for n := run[0]; n <= run[1]; n++ {
				off := offsets[n]
				if off > 0xffffffff {
					return nil, nil, errors.New("file too large for this xref stream")
				}
				rows.Write([]byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0, 0})
			}
		}
		trailer["Type"] = Name("XRef")
		trailer["W"] = Array{int64(1), int64(4), int64(2)}
		trailer["Index"] = index
		fmt.Fprintf(&buf, "%d 0 obj\n", xn)
		writeObject(&buf, &Stream{Dict: trailer, Data: rows.Bytes()})
		buf.WriteString("\nendobj\n")
	} else {
		buf.WriteString("xref\n")
		for _, run := range runs(nums) {
			fmt.Fprintf(&buf, "%d %d\n", run[0], run[1]-run[0]+1)
			for n := run[0]; n <= run[1]; n++ {
				gen := 0
				if e, ok := u.f.lookup(n, len(u.f.revs)-1); ok && e.typ == 1 {
					gen = e.gen
				}
				fmt.Fprintf(&buf, "%010d %05d n\r\n", offsets[n], gen)
			}
		}
		buf.WriteString("trailer\n")
		writeObject(&buf, trailer)
		buf.WriteByte('\n')
	}
	buf.WriteString("startxref\n" + strconv.FormatInt(xrefPos, 10) + "\n%%EOF\n")
	return buf.Bytes(), offsets, nil
}

// runs groups sorted object numbers into consecutive [first, last] runs.
func runs(nums []int) [][2]int {
	var out [][2]int
	for _, n := range nums {
		if len(out) > 0 && out[len(out)-1][1] == n-1 {
			out[len(out)-1][1] = n
			continue
		}
		out = append(out, [2]int{n, n})
	}
	return out
}
