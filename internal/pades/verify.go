package pades

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"motcua"
)

// VerifyOptions says whom to trust and what may change after signing.
type VerifyOptions struct {
	// Roots are the trust anchors of signers (the national root and the licensed CAs in
	// production; a test CA in tests). Without roots no signature is trusted.
	Roots *x509.CertPool
	// TSARoots are the trust anchors of time-stamping services (default Roots).
	TSARoots *x509.CertPool
	// Now is the validation time when no trusted time-stamp exists (default now).
	Now time.Time
	// AllowedFields, when not nil, are the only form fields that may be filled after a
	// signature. motcua's own results set it to {"motcua.number", "motcua.date"}: a
	// document prepared to show other text later (a shadow attack through form
	// fields) is then reported.
	AllowedFields []string
	// MaxSize caps the file size (default DefaultMaxSize).
	MaxSize int
}

// DefaultMaxSize is the largest file Verify reads by default.
const DefaultMaxSize = 64 << 20

const maxCMS = 256 << 10

// Verify checks every signature of pdf and what every later revision changed. It
// returns an error only when pdf is not a PDF it can read at all; every other finding
// is in the report.
func Verify(pdf []byte, opts VerifyOptions) (rep *Report, err error) {
	defer func() {
		if r := recover(); r != nil {
			rep, err = nil, &motcua.Error{Code: motcua.EINVALID, Message: "Tệp PDF không đọc được.", Err: fmt.Errorf("verify: %v", r)}
		}
	}()
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.TSARoots == nil {
		opts.TSARoots = opts.Roots
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	rep = &Report{Size: int64(len(pdf)), Signatures: []SignatureReport{}}
	if len(pdf) > opts.MaxSize {
		rep.Problems = append(rep.Problems, problem(CodeTooLarge, 0, "%d bytes, limit %d", len(pdf), opts.MaxSize))
		rep.finish()
		return rep, nil
	}
	f, err := Open(pdf)
	if err != nil {
		return nil, &motcua.Error{Code: motcua.EINVALID, Message: "Tệp không phải là tệp PDF đọc được.", Err: err}
	}
	rep.Revisions = len(f.revs)
	rep.Problems = append(rep.Problems, f.structureProblems()...)

	last := len(f.revs) - 1
	sigFields, err := f.allSignatureFields(last)
	if err != nil {
		rep.Problems = append(rep.Problems, problem(CodeUnreadable, 0, "form fields: %v", err))
	}
	var allowed map[string]bool
	if opts.AllowedFields != nil {
		allowed = map[string]bool{}
		for _, n := range opts.AllowedFields {
			allowed[n] = true
		}
	}
	// Each later revision is compared once with the one before it.
	diffs := make([]revisionDiff, len(f.revs))
	for s := 1; s < len(f.revs); s++ {
		var locks []fieldLock
		if fl, err := f.allSignatureFields(s - 1); err == nil {
			for _, x := range fl {
				if sig, ok := f.resolveAt(x.dict["V"], s-1).(Dict); ok {
					locks = append(locks, lockOf(f, sig, x.dict, s-1))
				}
			}
		}
		diffs[s] = diffRevision(f, s, f.docMDP(s-1), locks, allowed)
	}
	if len(sigFields) > maxSignatures {
		rep.Problems = append(rep.Problems, problem(CodeTooLarge, 0, "%d signature fields, limit %d", len(sigFields), maxSignatures))
		sigFields = sigFields[:maxSignatures]
	}
	maxSigned := -1
	for _, fl := range sigFields {
		sr, k := f.verifySignature(fl, opts)
		if sr == nil {
			continue // an empty signature field
		}
		if k >= 0 {
			maxSigned = max(maxSigned, k)
			for s := k + 1; s < len(f.revs); s++ {
				sr.Changes = append(sr.Changes, diffs[s].changes...)
				sr.Problems = append(sr.Problems, diffs[s].violations...)
			}
			sr.Checks.LaterChange = true
			for s := k + 1; s < len(f.revs); s++ {
				if len(diffs[s].violations) > 0 {
					sr.Checks.LaterChange = false
				}
			}
		}
		sr.Valid = len(sr.Problems) == 0
		rep.Signatures = append(rep.Signatures, *sr)
	}
	if maxSigned >= 0 {
		for s := maxSigned + 1; s < len(f.revs); s++ {
			rep.Unsigned = append(rep.Unsigned, diffs[s].changes...)
		}
	}
	rep.finish()
	return rep, nil
}

func (r *Report) finish() {
	r.Valid = len(r.Problems) == 0 && len(r.Signatures) > 0
	for _, s := range r.Signatures {
		if !s.Valid {
			r.Valid = false
		}
	}
	switch {
	case len(r.Signatures) == 0 && len(r.Problems) == 0:
		r.Verdict = "unsigned"
		r.Problems = append(r.Problems, problem(CodeNoSignatures, 0, "no signed signature field"))
		r.Message = messages[CodeNoSignatures]
	case r.Valid:
		r.Verdict = "valid"
		r.Message = fmt.Sprintf("Văn bản có %d chữ ký số hợp lệ; nội dung không bị thay đổi sau khi ký.", len(r.Signatures))
	default:
		r.Verdict = "invalid"
		r.Message = "Chữ ký số của văn bản không hợp lệ hoặc văn bản đã bị thay đổi sau khi ký; xem chi tiết từng chữ ký."
	}
}

// structureProblems checks that the revisions follow one another in the file and that
// nothing lies after the last one.
func (f *File) structureProblems() []Problem {
	var out []Problem
	for i := 1; i < len(f.revs); i++ {
		if f.revs[i].xrefPos < f.revs[i-1].eofEnd {
			out = append(out, problem(CodeRevisionStructure, i+1, "xref of revision %d at %d precedes the end of revision %d at %d", i+1, f.revs[i].xrefPos, i, f.revs[i-1].eofEnd))
		}
	}
	last := f.revs[len(f.revs)-1]
	if last.eofEnd < int64(len(f.data)) {
		rest := bytes.Trim(f.data[last.eofEnd:], "\x00\t\r\n\f ")
		if len(rest) > 0 {
			out = append(out, problem(CodeTrailingData, 0, "%d bytes after the last %%%%EOF at %d", len(f.data)-int(last.eofEnd), last.eofEnd))
		}
	}
	return out
}

// verifySignature checks one signature field. It returns nil for an empty field, and the
// 0-based revision the signature covers (-1 when its byte range is unusable).
func (f *File) verifySignature(fl field, opts VerifyOptions) (*SignatureReport, int) {
	last := len(f.revs) - 1
	sr := &SignatureReport{Field: fl.name, Kind: "approval"}
	bad := func(code, format string, args ...any) {
		sr.Problems = append(sr.Problems, problem(code, 0, format, args...))
	}
	v, present := fl.dict["V"]
	if !present || v == nil {
		return nil, -1
	}
	vref, ok := v.(Ref)
	if !ok {
		bad(CodeSignatureDict, "/V is not an indirect reference")
		return sr, -1
	}
	e, ok := f.lookup(vref.Num, last)
	if !ok || e.typ != 1 {
		bad(CodeSignatureDict, "signature dictionary %d is not a plain object of the file", vref.Num)
		return sr, -1
	}
	sig, ok := f.resolveAt(vref, last).(Dict)
	if !ok {
		bad(CodeSignatureDict, "signature dictionary %d is unreadable", vref.Num)
		return sr, -1
	}
	sub, _ := sig["SubFilter"].(Name)
	sr.SubFilter = string(sub)
	if sig["Type"] == Name("DocTimeStamp") || sub == "ETSI.RFC3161" {
		sr.Kind = "document_timestamp"
	} else if p := docMDPOf(f, sig, last); p > 0 {
		sr.Kind, sr.DocMDP = "certification", p
	}
	for k, dst := range map[Name]*string{"Name": &sr.Name, "Reason": &sr.Reason, "Location": &sr.Location} {
		if s, ok := sig[k].(String); ok {
			*dst = decodeText(s.B)
		}
	}
	if s, ok := sig["M"].(String); ok {
		if t, err := parsePDFDate(string(s.B)); err == nil {
			sr.Claimed = &t
		}
	}
	switch sub {
	case "adbe.pkcs7.detached", "ETSI.CAdES.detached", "ETSI.RFC3161":
	default:
		bad(CodeSubFilter, "SubFilter %q", sub)
		return sr, -1
	}

	// The byte range: [0, gapStart) and [gapEnd, end) where the gap is exactly the
	// /Contents hex string and end is the end of a revision.
	contents, ok := sig["Contents"].(String)
	if !ok || len(contents.B) == 0 {
		bad(CodeContentsMissing, "/Contents is missing or empty")
		return sr, -1
	}
	if !contents.Hex || contents.Pos < 0 {
		bad(CodeByteRangeGap, "/Contents is not a hex string in the file")
		return sr, -1
	}
	arr, _ := sig["ByteRange"].(Array)
	var br [4]int64
	okBR := len(arr) == 4
	for i := 0; okBR && i < 4; i++ {
		n, isInt := arr[i].(int64)
		if !isInt || n < 0 || n > int64(len(f.data)) {
			okBR = false
			break
		}
		br[i] = n
	}
	if !okBR || br[0] != 0 || br[2]+br[3] > int64(len(f.data)) {
		bad(CodeByteRangeInvalid, "/ByteRange %v", arr)
		return sr, -1
	}
	if br[1] != contents.Pos || br[2] != contents.End {
		bad(CodeByteRangeGap, "gap [%d, %d) but /Contents at [%d, %d)", br[1], br[2], contents.Pos, contents.End)
		return sr, -1
	}
	for i := br[1] + 1; i < br[2]-1; i++ {
		if _, ok := hexVal(f.data[i]); !ok {
			bad(CodeByteRangeGap, "byte %d of the gap is not a hex digit", i)
			return sr, -1
		}
	}
	end := br[2] + br[3]
	k := -1
	for i, r := range f.revs {
		if end >= r.eofEnd && end <= r.end {
			k = i
			break
		}
	}
	if k < 0 {
		bad(CodeByteRangeRevision, "signed range ends at %d, not at a %%%%EOF", end)
		return sr, -1
	}
	if _, locK, err := f.resolveLoc(vref.Num, k); err != nil || locK.off != e.off {
		bad(CodeSignatureReplaced, "signature dictionary %d is redefined after revision %d", vref.Num, k+1)
		return sr, -1
	}
	sr.Revision = k + 1
	sr.CoversWholeFile = k == last
	sr.Checks.ByteRange = true

	der := contents.B
	if n := derLength(der); n > 0 && n <= len(der) {
		der = der[:n]
	}
	if len(der) > maxCMS {
		bad(CodeCMSInvalid, "CMS of %d bytes", len(der))
		return sr, k
	}
	signed := make([]byte, 0, br[1]+br[3])
	signed = append(signed, f.data[:br[1]]...)
	signed = append(signed, f.data[br[2]:end]...)

	if sr.Kind == "document_timestamp" {
		f.checkDocTimestamp(sr, der, signed, opts, bad)
		return sr, k
	}
	f.checkCMS(sr, der, signed, opts, bad)
	return sr, k
}

func derLength(b []byte) int {
	if len(b) < 2 || b[0] != 0x30 {
		return -1
	}
	l := int(b[1])
	if l < 0x80 {
		return 2 + l
	}
	n := l & 0x7f
	if n == 0 || n > 4 || len(b) < 2+n {
		return -1
	}
	v := 0
	for i := 0; i < n; i++ {
		v = v<<8 | int(b[2+i])
	}
	return 2 + n + v
}

func parseCMS(der []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p7, err = nil, fmt.Errorf("pkcs7 parser panicked: %v", r)
		}
	}()
	return pkcs7.Parse(der)
}

func parseTimestamp(der []byte) (ts *timestamp.Timestamp, err error) {
	defer func() {
		if r := recover(); r != nil {
			ts, err = nil, fmt.Errorf("time-stamp parser panicked: %v", r)
		}
	}()
	return timestamp.Parse(der)
}

var oidSigningTime = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}

func (f *File) checkCMS(sr *SignatureReport, der, signed []byte, opts VerifyOptions, bad func(code, format string, args ...any)) {
	p7, err := parseCMS(der)
	if err != nil {
		bad(CodeCMSInvalid, "%v", err)
		return
	}
	if len(p7.Signers) != 1 {
		bad(CodeCMSInvalid, "%d signer infos", len(p7.Signers))
		return
	}
	si := p7.Signers[0]
	hash, ok := map[string]crypto.Hash{
		oidSHA256.String(): crypto.SHA256, oidSHA384.String(): crypto.SHA384, oidSHA512.String(): crypto.SHA512,
	}[si.DigestAlgorithm.Algorithm.String()]
	if !ok {
		bad(CodeWeakAlgorithm, "digest algorithm %v", si.DigestAlgorithm.Algorithm)
		return
	}
	cert := p7.GetOnlySigner()
	if cert == nil {
		bad(CodeCMSInvalid, "no certificate for the signer")
		return
	}
	sr.Signer = certInfo(cert)
	h := hash.New()
	h.Write(signed)
	digest := h.Sum(nil)
	if len(si.AuthenticatedAttributes) > 0 {
		var md []byte
		if err := p7.UnmarshalSignedAttribute(oidMessageDigest, &md); err != nil {
			bad(CodeCMSInvalid, "message-digest attribute: %v", err)
			return
		}
		if !bytes.Equal(md, digest) {
			bad(CodeDigestMismatch, "message digest does not match the signed byte ranges")
			return
		}
		var st time.Time
		if err := p7.UnmarshalSignedAttribute(oidSigningTime, &st); err == nil && sr.Claimed == nil {
			sr.Claimed = &st
		}
	}
	p7.Content = signed
	if err := p7.Verify(); err != nil {
		var mm *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mm) {
			bad(CodeDigestMismatch, "%v", err)
		} else {
			bad(CodeSignatureInvalid, "%v", err)
		}
		return
	}
	sr.Checks.Integrity, sr.Checks.Signature = true, true

	// The signature time-stamp, over the signature value.
	at := opts.Now
	for _, a := range si.UnauthenticatedAttributes {
		if !a.Type.Equal(oidTimeStampToken) {
			continue
		}
		ti, ok := checkToken(a.Value.Bytes, si.EncryptedDigest, opts, bad)
		sr.Timestamp = ti
		if ok {
			sr.Checks.Timestamp = true
			at = ti.Time
		}
		break
	}
	sr.Checks.Trusted = verifyChain(cert, p7.Certificates, opts.Roots, at, nil)
	if !sr.Checks.Trusted {
		bad(CodeUntrusted, "certificate %q does not chain to a trusted root at %s", cert.Subject.String(), at.Format(time.RFC3339))
	}
	sr.Checks.KeyUsage = signingKeyUsage(cert)
	if !sr.Checks.KeyUsage {
		bad(CodeKeyUsage, "key usage %v, extended key usage %v", cert.KeyUsage, cert.ExtKeyUsage)
	}
}

// checkToken verifies an RFC 3161 token over message (hashed with the token's
// algorithm) and its TSA's chain.
func checkToken(der, message []byte, opts VerifyOptions, bad func(code, format string, args ...any)) (*TimestampInfo, bool) {
	ts, err := parseTimestamp(der)
	if err != nil {
		bad(CodeTimestampInvalid, "time-stamp token: %v", err)
		return nil, false
	}
	ti := &TimestampInfo{Time: ts.Time}
	if len(ts.Certificates) == 0 {
		bad(CodeTimestampInvalid, "time-stamp token carries no certificate; its signature cannot be checked")
		return ti, false
	}
	if !ts.HashAlgorithm.Available() || ts.HashAlgorithm == crypto.SHA1 || ts.HashAlgorithm == crypto.MD5 {
		bad(CodeTimestampInvalid, "time-stamp digest %v", ts.HashAlgorithm)
		return ti, false
	}
	h := ts.HashAlgorithm.New()
	h.Write(message)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		bad(CodeTimestampInvalid, "time-stamp imprint does not match")
		return ti, false
	}
	tsaCert := tsaCertificate(ts)
	ti.TSA = tsaCert.Subject.CommonName
	if !verifyChain(tsaCert, ts.Certificates, opts.TSARoots, ts.Time, []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}) {
		bad(CodeTimestampUntrusted, "TSA %q does not chain to a trusted root", tsaCert.Subject.String())
		return ti, false
	}
	ti.Valid = true
	return ti, true
}

func (f *File) checkDocTimestamp(sr *SignatureReport, der, signed []byte, opts VerifyOptions, bad func(code, format string, args ...any)) {
	ts, err := parseTimestamp(der)
	if err != nil {
		bad(CodeCMSInvalid, "document time-stamp: %v", err)
		return
	}
	if len(ts.Certificates) == 0 {
		bad(CodeCMSInvalid, "document time-stamp carries no certificate")
		return
	}
	tsaCert := tsaCertificate(ts)
	sr.Signer = certInfo(tsaCert)
	sr.Timestamp = &TimestampInfo{Time: ts.Time, TSA: tsaCert.Subject.CommonName}
	if !ts.HashAlgorithm.Available() || ts.HashAlgorithm == crypto.SHA1 || ts.HashAlgorithm == crypto.MD5 {
		bad(CodeWeakAlgorithm, "time-stamp digest %v", ts.HashAlgorithm)
		return
	}
	h := ts.HashAlgorithm.New()
	h.Write(signed)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		bad(CodeDigestMismatch, "document time-stamp imprint does not match the signed byte ranges")
		return
	}
	sr.Checks.Integrity, sr.Checks.Signature, sr.Checks.KeyUsage = true, true, true
	sr.Checks.Trusted = verifyChain(tsaCert, ts.Certificates, opts.TSARoots, ts.Time, []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping})
	if !sr.Checks.Trusted {
		bad(CodeTimestampUntrusted, "TSA does not chain to a trusted root")
		return
	}
	sr.Checks.Timestamp, sr.Timestamp.Valid = true, true
}

func verifyChain(cert *x509.Certificate, pool []*x509.Certificate, roots *x509.CertPool, at time.Time, eku []x509.ExtKeyUsage) bool {
	if roots == nil {
		return false
	}
	inter := x509.NewCertPool()
	for _, c := range pool {
		inter.AddCert(c)
	}
	if eku == nil {
		eku = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: eku})
	return err == nil
}

// Extended key usages accepted for document signing: none at all, any, document
// signing (RFC 9336), e-mail protection and client authentication (what Vietnamese CAs
// issue for personal and organizational signing certificates), Microsoft document
// signing and Adobe Authentic Documents.
var docSigningEKUs = []string{"1.3.6.1.5.5.7.3.36", "1.3.6.1.4.1.311.10.3.12", "1.2.840.113583.1.1.5"}

func signingKeyUsage(c *x509.Certificate) bool {
	if c.KeyUsage != 0 && c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return false
	}
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range c.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageAny, x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageClientAuth:
			return true
		}
	}
	for _, u := range c.UnknownExtKeyUsage {
		for _, ok := range docSigningEKUs {
			if u.String() == ok {
				return true
			}
		}
	}
	return false
}

func certInfo(c *x509.Certificate) *CertInfo {
	ci := &CertInfo{
		Subject: c.Subject.String(), CommonName: c.Subject.CommonName, Issuer: c.Issuer.String(),
		Serial: c.SerialNumber.Text(16), NotBefore: c.NotBefore, NotAfter: c.NotAfter,
	}
	if len(c.Subject.Organization) > 0 {
		ci.Organization = strings.Join(c.Subject.Organization, ", ")
	}
	return ci
}

// parsePDFDate parses D:YYYYMMDDHHmmSSOHH'mm' (with the usual omissions).
func parsePDFDate(s string) (time.Time, error) {
	s = strings.TrimPrefix(s, "D:")
	s = strings.ReplaceAll(s, "'", "")
	layouts := []string{"20060102150405-0700", "20060102150405Z0700", "20060102150405Z", "20060102150405", "200601021504", "20060102"}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad PDF date %q", s)
}

// tsaCertificate picks the TSA's own certificate among those a token carries.
func tsaCertificate(ts *timestamp.Timestamp) *x509.Certificate {
	for _, c := range ts.Certificates {
		for _, u := range c.ExtKeyUsage {
			if u == x509.ExtKeyUsageTimeStamping {
				return c
			}
		}
	}
	return ts.Certificates[0]
}
