package pades

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/digitorus/timestamp"
	"golang.org/x/text/unicode/norm"

	"motcua"
)

// Kind is the kind of a signature.
type Kind int

const (
	// Certification is the first signature of a document (the leader's): it records a
	// DocMDP permission level that every later revision must respect.
	Certification Kind = iota + 1
	// Approval is any later signature (the organization's seal, a copy's signature).
	Approval
)

func (k Kind) String() string {
	switch k {
	case Certification:
		return "certification"
	case Approval:
		return "approval"
	}
	return "unknown"
}

// DocMDP permission levels (ISO 32000-1 Table 254).
const (
	NoChanges          = 1 // nothing but DSS and document time-stamps
	FormFillAndSign    = 2 // form filling and signing (motcua's default)
	FormFillSignAnnots = 3 // as 2, plus annotations
)

// Appearance places a visible signature: an image (PNG, transparency kept) drawn to fill
// Rect on page Page. Rect is x1, y1, x2, y2 in PDF points from the page's lower left.
type Appearance struct {
	Page  int
	Rect  [4]float64
	Image []byte
}

// TSA is an RFC 3161 time-stamping service.
type TSA struct {
	URL                string
	Username, Password string
	Client             *http.Client // nil: a client with Timeout
	// Timeout bounds the time-stamp request, whatever Client is (default 30 s): a hung
	// authority holds the signing activity no longer than this.
	Timeout time.Duration
}

// SignOptions says who signs and how.
type SignOptions struct {
	Kind Kind
	// DocMDP is the permission level of a certification signature (default
	// FormFillAndSign).
	DocMDP int
	// LockFields makes an approval signature lock every form field (FieldMDP /All):
	// after the seal, no field may change.
	LockFields bool

	// Key signs; it may be a remote signature service. Chain[0] is its certificate, then
	// the intermediates (the root may be left out).
	Key   crypto.Signer
	Chain []*x509.Certificate
	// Hash is the digest algorithm (default SHA-256).
	Hash crypto.Hash

	// Appearance is nil for an invisible signature.
	Appearance *Appearance
	// FieldName names the signature field (default "Signature<n>").
	FieldName string

	// Name, Reason, Location, ContactInfo go into the signature dictionary as text
	// strings (any Unicode, NFC).
	Name, Reason, Location, ContactInfo string
	// Time is the claimed signing time /M (default now). A time-stamp, when a TSA is
	// set, is the trusted one.
	Time time.Time
	TSA  *TSA
}

// Sign appends one signature to pdf as an incremental update and returns the signed
// file. Nothing before the end of pdf changes, so earlier signatures stay valid.
func Sign(ctx context.Context, pdf []byte, opts SignOptions) ([]byte, error) {
	if opts.Key == nil || len(opts.Chain) == 0 {
		return nil, &motcua.Error{Code: motcua.EINVALID, Message: "Thiếu khóa hoặc chứng thư số để ký."}
	}
	if opts.Hash == 0 {
		opts.Hash = crypto.SHA256
	}
	if opts.Kind == 0 {
		opts.Kind = Approval
	}
	if opts.Kind == Certification && opts.DocMDP == 0 {
		opts.DocMDP = FormFillAndSign
	}
	if opts.DocMDP < 0 || opts.DocMDP > 3 {
		return nil, fmt.Errorf("sign: DocMDP level %d is not 1, 2 or 3", opts.DocMDP)
	}
	if opts.Time.IsZero() {
		opts.Time = time.Now()
	}
	f, err := Open(pdf)
	if err != nil {
		return nil, &motcua.Error{Code: motcua.EINVALID, Message: "Tệp PDF không đọc được.", Err: err}
	}
	u, err := newIncremental(f)
	if err != nil {
		return nil, &motcua.Error{Code: motcua.EINVALID, Message: "Tệp PDF được mã hóa, không ký được.", Err: err}
	}
	last := len(f.revs) - 1
	cat, catRef, err := f.catalog(last)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	existing, err := f.signatureFields(last)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	if opts.Kind == Certification && len(existing) > 0 {
		return nil, &motcua.Error{Code: motcua.ECONFLICT, Message: "Văn bản đã có chữ ký số; chữ ký chứng nhận phải là chữ ký đầu tiên."}
	}
	if p := f.docMDP(last); p == NoChanges {
		return nil, &motcua.Error{Code: motcua.ECONFLICT, Message: "Văn bản đã được chứng nhận không cho phép thay đổi; không thể ký thêm."}
	}

	pageNo := 1
	if opts.Appearance != nil && opts.Appearance.Page > 0 {
		pageNo = opts.Appearance.Page
	}
	pages, err := f.pagesUpTo(last, pageNo)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	if pageNo > len(pages) {
		return nil, &motcua.Error{Code: motcua.EINVALID, Message: fmt.Sprintf("Văn bản có %d trang, không có trang %d để đặt chữ ký.", len(pages), pageNo)}
	}
	pageRef := pages[pageNo-1]
	page, ok := f.resolveAt(pageRef, last).(Dict)
	if !ok {
		return nil, errors.New("sign: page is not a dictionary")
	}

	// Objects of the update: the signature dictionary (written raw, with placeholders),
	// the field-and-widget, its appearance, the page's /Annots, the AcroForm, the
	// catalog (for /Perms).
	sigRef := u.add(nil)
	reserve := estimateContents(opts)
	sigDict := signatureDict(opts, reserve, catRef)
	u.set(sigRef, rawObject(sigDict))

	fieldName := opts.FieldName
	if fieldName == "" {
		fieldName = "Signature" + strconv.Itoa(len(existing)+1)
	}
	widget := Dict{
		"Type": Name("Annot"), "Subtype": Name("Widget"), "FT": Name("Sig"),
		"T": textString(fieldName), "V": sigRef, "P": pageRef,
		"F":    int64(4 | 128), // Print, Locked
		"Rect": Array{0.0, 0.0, 0.0, 0.0},
	}
	if opts.LockFields {
		widget["Lock"] = Dict{"Type": Name("SigFieldLock"), "Action": Name("All")}
	}
	if a := opts.Appearance; a != nil {
		x1, y1, x2, y2 := a.Rect[0], a.Rect[1], a.Rect[2], a.Rect[3]
		if x2 < x1 {
			x1, x2 = x2, x1
		}
		if y2 < y1 {
			y1, y2 = y2, y1
		}
		if x2-x1 < 1 || y2-y1 < 1 {
			return nil, &motcua.Error{Code: motcua.EINVALID, Message: "Vùng đặt chữ ký quá nhỏ."}
		}
		widget["Rect"] = Array{x1, y1, x2, y2}
		ap, err := imageAppearance(u, a.Image, x2-x1, y2-y1)
		if err != nil {
			return nil, fmt.Errorf("sign: appearance: %w", err)
		}
		widget["AP"] = Dict{"N": ap}
	} else {
		// An invisible signature still gets an empty appearance: PDF/A and some
		// validators want every widget to have one.
		widget["AP"] = Dict{"N": u.add(&Stream{Dict: Dict{"Type": Name("XObject"), "Subtype": Name("Form"), "BBox": Array{0.0, 0.0, 0.0, 0.0}}})}
	}
	widgetRef := u.add(widget)

	// The page's /Annots gets the widget (in the array object if it is indirect).
	switch annots := page["Annots"].(type) {
	case Ref:
		arr, _ := f.resolveAt(annots, last).(Array)
		u.set(annots, append(append(Array{}, arr...), widgetRef))
	case Array:
		p := page.clone()
		p["Annots"] = append(append(Array{}, annots...), widgetRef)
		u.set(pageRef, p)
	default:
		p := page.clone()
		p["Annots"] = Array{widgetRef}
		u.set(pageRef, p)
	}

	// The AcroForm keeps every field it had (text fields included) and gains this one.
	var acro Dict
	acroRef, acroIndirect := cat["AcroForm"].(Ref)
	if d, ok := f.resolveAt(cat["AcroForm"], last).(Dict); ok {
		acro = d.clone()
	} else {
		acro = Dict{}
		acroIndirect = false
	}
	var fields Array
	switch fl := acro["Fields"].(type) {
	case Ref:
		arr, _ := f.resolveAt(fl, last).(Array)
		fields = append(append(Array{}, arr...), widgetRef)
		u.set(fl, fields)
	default:
		arr, _ := fl.(Array)
		fields = append(append(Array{}, arr...), widgetRef)
		acro["Fields"] = fields
	}
	acro["SigFlags"] = int64(3)
	newCat := cat
	if opts.Kind == Certification {
		newCat = cat.clone()
		newCat["Perms"] = Dict{"DocMDP": sigRef}
	}
	if acroIndirect {
		u.set(acroRef, acro)
	} else {
		if opts.Kind != Certification {
			newCat = cat.clone()
		}
		newCat["AcroForm"] = acro
	}
	if opts.Kind == Certification || !acroIndirect {
		u.set(catRef, newCat)
	}

	out, offsets, err := u.write()
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return fillSignature(ctx, out, offsets[sigRef.Num], reserve, opts)
}

// estimateContents returns how many bytes of CMS to reserve in /Contents.
func estimateContents(opts SignOptions) int {
	n := 4096
	for _, c := range opts.Chain {
		n += len(c.Raw)
	}
	if opts.TSA != nil && opts.TSA.URL != "" {
		n += 12000
	}
	return n
}

const byteRangeWidth = 36 // room for "0 " and three 10-digit numbers

// signatureDict writes the signature dictionary with a /ByteRange and a /Contents
// placeholder at fixed widths.
func signatureDict(opts SignOptions, reserve int, catRef Ref) []byte {
	var b bytes.Buffer
	b.WriteString("<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached")
	b.WriteString("/ByteRange[" + strings.Repeat(" ", byteRangeWidth) + "]")
	b.WriteString("/Contents<" + strings.Repeat("0", 2*reserve) + ">")
	b.WriteString("/M")
	writeHexString(&b, []byte(pdfDate(opts.Time)))
	for _, kv := range []struct {
		k Name
		v string
	}{{"Name", opts.Name}, {"Reason", opts.Reason}, {"Location", opts.Location}, {"ContactInfo", opts.ContactInfo}} {
		if kv.v != "" {
			writeName(&b, kv.k)
			writeObject(&b, textString(norm.NFC.String(kv.v)))
		}
	}
	switch {
	case opts.Kind == Certification:
		b.WriteString("/Reference[")
		writeObject(&b, Dict{"Type": Name("SigRef"), "TransformMethod": Name("DocMDP"),
			"TransformParams": Dict{"Type": Name("TransformParams"), "P": int64(opts.DocMDP), "V": Name("1.2")}})
		b.WriteString("]")
	case opts.LockFields:
		b.WriteString("/Reference[")
		writeObject(&b, Dict{"Type": Name("SigRef"), "TransformMethod": Name("FieldMDP"), "Data": catRef,
			"TransformParams": Dict{"Type": Name("TransformParams"), "Action": Name("All"), "V": Name("1.2")}})
		b.WriteString("]")
	}
	b.WriteString("/Prop_Build<</App<</Name/motcua>>>>>>")
	return b.Bytes()
}

// pdfDate formats t as a PDF date in its own zone, e.g. D:20261122143000+07'00'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// fillSignature computes the byte range around the /Contents placeholder of the
// signature dictionary at sigOff, signs it and writes the CMS into the placeholder.
func fillSignature(ctx context.Context, out []byte, sigOff int64, reserve int, opts SignOptions) ([]byte, error) {
	br := indexOf(out, int(sigOff), "/ByteRange[")
	ct := indexOf(out, int(sigOff), "/Contents<")
	if br < 0 || ct < 0 {
		return nil, errors.New("sign: placeholders not found")
	}
	br += len("/ByteRange[")
	gapStart := ct + len("/Contents")
	gapEnd := gapStart + 2*reserve + 2
	ranges := fmt.Sprintf("0 %d %d %d", gapStart, gapEnd, len(out)-gapEnd)
	if len(ranges) > byteRangeWidth {
		return nil, errors.New("sign: file too large")
	}
	copy(out[br:], ranges+strings.Repeat(" ", byteRangeWidth-len(ranges)))

	h := opts.Hash.New()
	h.Write(out[:gapStart])
	h.Write(out[gapEnd:])
	cs := &cmsSigner{key: opts.Key, chain: opts.Chain, hash: opts.Hash}
	attrs, sig, err := cs.sign(h.Sum(nil))
	if err != nil {
		return nil, err
	}
	var token []byte
	if opts.TSA != nil && opts.TSA.URL != "" {
		token, err = fetchTimestamp(ctx, opts.TSA, opts.Hash, sig)
		if err != nil {
			return nil, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Không lấy được dấu thời gian từ dịch vụ cấp dấu thời gian.", Err: err}
		}
	}
	der, err := cs.assemble(attrs, sig, token)
	if err != nil {
		return nil, fmt.Errorf("sign: assemble CMS: %w", err)
	}
	if len(der) > reserve {
		return nil, fmt.Errorf("sign: CMS of %d bytes does not fit the %d reserved", len(der), reserve)
	}
	hex.Encode(out[gapStart+1:], der)
	return out, nil
}

// fetchTimestamp asks the TSA for a time-stamp token over the signature value (RFC 3161;
// the signature-time-stamp attribute of CAdES), and checks that the token answers this
// request.
func fetchTimestamp(ctx context.Context, tsa *TSA, hash crypto.Hash, sig []byte) ([]byte, error) {
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	req, err := timestamp.CreateRequest(bytes.NewReader(sig), &timestamp.RequestOptions{Hash: hash, Certificates: true, Nonce: nonce})
	if err != nil {
		return nil, fmt.Errorf("time-stamp request: %w", err)
	}
	timeout := tsa.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, tsa.URL, bytes.NewReader(req))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	if tsa.Username != "" {
		hr.SetBasicAuth(tsa.Username, tsa.Password)
	}
	client := tsa.Client
	if client == nil {
		client = &http.Client{Timeout: timeout}
	}
	resp, err := client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("time-stamp request: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("time-stamp response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("time-stamp service answered %s", resp.Status)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, fmt.Errorf("time-stamp response: %w", err)
	}
	h := hash.New()
	h.Write(sig)
	if !bytes.Equal(ts.HashedMessage, h.Sum(nil)) {
		return nil, errors.New("time-stamp token is not over this signature")
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		return nil, errors.New("time-stamp token does not carry the request's nonce")
	}
	return ts.RawToken, nil
}
