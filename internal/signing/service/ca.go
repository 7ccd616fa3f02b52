package service

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// KeyAlgorithm is the kind of key the development CA makes for new end-entity keys
// (credentials and the TSA). Keys already on disk keep their algorithm.
type KeyAlgorithm string

const (
	// RSA2048 is the default: it is what Vietnamese public CAs and the Government CA
	// issue for document signing, and every PDF validator (Acrobat, Foxit, pdfsig, EU DSS,
	// the national verification portals) accepts it, so documents signed on a laptop
	// exercise the same path as in production.
	RSA2048 KeyAlgorithm = "rsa2048"
	// ECDSAP256 gives smaller keys and signatures and faster key generation; supported
	// end to end (CSC ecdsa-with-SHA256, crypto.Signer ASN.1 signatures).
	ECDSAP256 KeyAlgorithm = "ecdsa-p256"
)

// Object identifiers the certificates use.
var (
	oidTitle               = asn1.ObjectIdentifier{2, 5, 4, 12}
	oidCommonName          = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidCountry             = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidLocality            = asn1.ObjectIdentifier{2, 5, 4, 7}
	oidProvince            = asn1.ObjectIdentifier{2, 5, 4, 8}
	oidOrganization        = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrganizationalUnit  = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidExtKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidKPTimeStamping      = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
	defaultTSAPolicyOID    = asn1.ObjectIdentifier{2, 999, 1, 1}
	errDataDirInconsistent = errors.New("the signer data directory is inconsistent")
)

// OIDKPDocumentSigning is id-kp-documentSigning (RFC 9336), which crypto/x509 reports in
// Certificate.UnknownExtKeyUsage: verifiers look for it there.
var OIDKPDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// Subject is the distinguished name of a certificate. Every string is written as a
// UTF8String (the country as the PrintableString X.520 requires), normalized to NFC, so
// Vietnamese names survive any reader.
type Subject struct {
	Country            string
	Province           string
	Locality           string
	Organization       string
	OrganizationalUnit string
	Title              string
	CommonName         string
}

// CredentialSpec describes one credential the service holds: a leader's personal
// signing key or an organization's seal.
type CredentialSpec struct {
	// ID is the CSC credentialID (letters, digits, '.', '_' and '-').
	ID string
	// UserID is the CSC userID that credentials/list filters on: the motcua user name of
	// a leader, the unit code of a seal.
	UserID      string
	Description string
	// Seal marks an organization's seal (the legal person signs), not a person.
	Seal    bool
	Subject Subject
}

// DevCredentials returns the credentials of the demo organization: the leaders lanhdao1
// (Thứ trưởng Nguyễn Thị Bích Lĩnh), lanhdao2 (Phó Cục trưởng of Cục Văn thư và Lưu trữ
// nhà nước) and lanhdao3 (Chánh Văn phòng, who signs TUQ. when a delegation says so),
// each certificate carrying the title the demo account has (store.DemoAccounts: the
// signing activity refuses a certificate whose title is not the signature block's), and
// the seals of the units that issue results in their own name, which the clerical officer
// applies after numbering: Bộ Nội vụ (G09) and Cục Văn thư và Lưu trữ nhà nước (CVTLT),
// each certificate naming its unit as the organization (the issuing activity refuses a
// seal whose organization is not the result's issuing agency).
func DevCredentials() []CredentialSpec {
	return []CredentialSpec{
		{
			ID:          "lanhdao1",
			UserID:      "lanhdao1",
			Description: "Chữ ký số của Thứ trưởng Nguyễn Thị Bích Lĩnh",
			Subject: Subject{
				Country:      "VN",
				Locality:     "Hà Nội",
				Organization: "Bộ Nội vụ",
				Title:        "Thứ trưởng",
				CommonName:   "Nguyễn Thị Bích Lĩnh",
			},
		},
		{
			ID:          "lanhdao2",
			UserID:      "lanhdao2",
			Description: "Chữ ký số của Phó Cục trưởng Đặng Minh Tuấn",
			Subject: Subject{
				Country:            "VN",
				Locality:           "Hà Nội",
				Organization:       "Bộ Nội vụ",
				OrganizationalUnit: "Cục Văn thư và Lưu trữ nhà nước",
				Title:              "Phó Cục trưởng",
				CommonName:         "Đặng Minh Tuấn",
			},
		},
		{
			ID:          "lanhdao3",
			UserID:      "lanhdao3",
			Description: "Chữ ký số của Chánh Văn phòng Phan Thị Thu Hà",
			Subject: Subject{
				Country:            "VN",
				Locality:           "Hà Nội",
				Organization:       "Bộ Nội vụ",
				OrganizationalUnit: "Văn phòng Bộ",
				Title:              "Chánh Văn phòng",
				CommonName:         "Phan Thị Thu Hà",
			},
		},
		{
			ID:          "G09-seal",
			UserID:      "G09",
			Description: "Con dấu số của Bộ Nội vụ (mã định danh 000.00.00.G09)",
			Seal:        true,
			Subject: Subject{
				Country:      "VN",
				Locality:     "Hà Nội",
				Organization: "Bộ Nội vụ",
				CommonName:   "Bộ Nội vụ",
			},
		},
		{
			ID:          "CVTLT-seal",
			UserID:      "CVTLT",
			Description: "Con dấu số của Cục Văn thư và Lưu trữ nhà nước (mã định danh 000.00.03.G09)",
			Seal:        true,
			Subject: Subject{
				Country:      "VN",
				Locality:     "Hà Nội",
				Organization: "Cục Văn thư và Lưu trữ nhà nước",
				CommonName:   "Cục Văn thư và Lưu trữ nhà nước",
			},
		},
	}
}

var credentialIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// shortNames are the RFC 4514 names of the attributes motcua writes; title has no
// registered short name there, "T" is what OpenSSL and Windows print.
var shortNames = map[string]string{
	"2.5.4.3": "CN", "2.5.4.12": "T", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.6": "C",
}

// DN formats a name as an RFC 4514 string, most specific attribute first, with readable
// Vietnamese (crypto/x509's String prints the title as hex).
func DN(n pkix.Name) string {
	var parts []string
	for i := len(n.Names) - 1; i >= 0; i-- {
		a := n.Names[i]
		key, ok := shortNames[a.Type.String()]
		if !ok {
			key = a.Type.String()
		}
		parts = append(parts, key+"="+escapeDN(fmt.Sprint(a.Value)))
	}
	return strings.Join(parts, ",")
}

func escapeDN(v string) string {
	var b strings.Builder
	for i, r := range v {
		switch {
		case strings.ContainsRune(`,+"\<>;=`, r),
			i == 0 && (r == '#' || r == ' '),
			i == len(v)-1 && r == ' ':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// issued is a key and its certificate.
type issued struct {
	key  crypto.Signer
	cert *x509.Certificate
}

// rawName encodes s as a DER Name with UTF8String values.
func rawName(s Subject) ([]byte, error) {
	var rdns pkix.RDNSequence
	add := func(oid asn1.ObjectIdentifier, v string, tag int) {
		if v == "" {
			return
		}
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{
			Type:  oid,
			Value: asn1.RawValue{Class: asn1.ClassUniversal, Tag: tag, Bytes: []byte(norm.NFC.String(v))},
		}})
	}
	add(oidCountry, s.Country, asn1.TagPrintableString)
	add(oidProvince, s.Province, asn1.TagUTF8String)
	add(oidLocality, s.Locality, asn1.TagUTF8String)
	add(oidOrganization, s.Organization, asn1.TagUTF8String)
	add(oidOrganizationalUnit, s.OrganizationalUnit, asn1.TagUTF8String)
	add(oidTitle, s.Title, asn1.TagUTF8String)
	add(oidCommonName, s.CommonName, asn1.TagUTF8String)
	return asn1.Marshal(rdns)
}

func newKey(alg KeyAlgorithm) (crypto.Signer, error) {
	switch alg {
	case RSA2048, "":
		return rsa.GenerateKey(rand.Reader, 2048)
	case ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	return nil, fmt.Errorf("unknown key algorithm %q", alg)
}

func serialNumber() (*big.Int, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	b[0] &= 0x7f
	b[0] |= 0x01 // never zero, never negative
	return new(big.Int).SetBytes(b), nil
}

func keyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	return sum[:20], nil
}

// certKind is what a certificate is for.
type certKind int

const (
	kindRoot certKind = iota
	kindIntermediate
	kindSigner // a leader or a seal: document signing
	kindTSA
)

// issue makes a key of alg and a certificate of kind for subj, signed by parent (or
// self-signed when parent is nil).
func issue(kind certKind, subj Subject, alg KeyAlgorithm, parent *issued, now time.Time) (*issued, error) {
	key, err := newKey(alg)
	if err != nil {
		return nil, err
	}
	raw, err := rawName(subj)
	if err != nil {
		return nil, fmt.Errorf("encode subject: %w", err)
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	skid, err := keyID(key.Public())
	if err != nil {
		return nil, err
	}
	now = now.UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		RawSubject:            raw,
		NotBefore:             now.Add(-time.Hour), // tolerate clock skew between processes
		SubjectKeyId:          skid,
		BasicConstraintsValid: true,
	}
	switch kind {
	case kindRoot:
		tmpl.NotAfter = now.AddDate(20, 0, 0)
		tmpl.IsCA = true
		tmpl.MaxPathLen = 1
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	case kindIntermediate:
		tmpl.NotAfter = now.AddDate(10, 0, 0)
		tmpl.IsCA = true
		tmpl.MaxPathLenZero = true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	case kindSigner:
		tmpl.NotAfter = now.AddDate(3, 0, 0)
		// Document signing (RFC 9336) says what the key is for; emailProtection is
		// what Acrobat and Go-based validators (pdfsign's verify) accept today.
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		tmpl.UnknownExtKeyUsage = []asn1.ObjectIdentifier{OIDKPDocumentSigning}
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	case kindTSA:
		tmpl.NotAfter = now.AddDate(5, 0, 0)
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		// RFC 3161 2.3: exactly one extended key usage, id-kp-timeStamping, critical.
		// crypto/x509 writes extKeyUsage non-critical, so the extension is built here.
		val, err := asn1.Marshal([]asn1.ObjectIdentifier{oidKPTimeStamping})
		if err != nil {
			return nil, err
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidExtKeyUsage, Critical: true, Value: val}}
	}
	parentCert, parentKey := tmpl, key
	if parent != nil {
		parentCert, parentKey = parent.cert, parent.key
		if tmpl.NotAfter.After(parent.cert.NotAfter) {
			tmpl.NotAfter = parent.cert.NotAfter
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &issued{key: key, cert: cert}, nil
}

// store reads and writes the CA's files under one directory. Every file is 0600 and the
// directory 0700; a key file readable by others is refused, as ssh refuses one.
type store struct{ dir string }

func (st store) path(name string) string { return filepath.Join(st.dir, name) }

// load reads name.key and name.crt; ok is false when neither exists.
func (st store) load(name string) (_ *issued, ok bool, err error) {
	keyPath, certPath := st.path(name+".key"), st.path(name+".crt")
	_, kerr := os.Stat(keyPath)
	_, cerr := os.Stat(certPath)
	if errors.Is(kerr, fs.ErrNotExist) && errors.Is(cerr, fs.ErrNotExist) {
		return nil, false, nil
	}
	key, err := readKey(keyPath)
	if err != nil {
		return nil, false, err
	}
	cert, err := readCert(certPath)
	if err != nil {
		return nil, false, err
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, false, fmt.Errorf("%s: key and certificate do not match: %w", name, errDataDirInconsistent)
	}
	return &issued{key: key, cert: cert}, true, nil
}

func (st store) save(name string, it *issued) error {
	der, err := x509.MarshalPKCS8PrivateKey(it.key)
	if err != nil {
		return fmt.Errorf("marshal %s key: %w", name, err)
	}
	if err := writeFile0600(st.path(name+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
		return err
	}
	return writeFile0600(st.path(name+".crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: it.cert.Raw}))
}

func readKey(path string) (crypto.Signer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s has mode %04o; it must be 0600 (chmod 600 it)", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: no PRIVATE KEY PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: key of type %T cannot sign", path, k)
	}
	return s, nil
}

func readCert(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: no CERTIFICATE PEM block", path)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cert, nil
}

// writeFile0600 writes data to path atomically (a temporary file renamed over it) with
// mode 0600, so a crash never leaves half a key and no other user can read it.
func writeFile0600(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// pki is the development CA and the keys it issued.
type pki struct {
	root, intermediate, tsa *issued
	creds                   map[string]*issued
	created                 []string // names made on this start, for the start-up report
}

// loadOrCreatePKI reads the CA under dir, making what is missing. A certificate on disk
// that does not chain to its parent on disk is an error, never silently replaced: that
// would invalidate every document signed so far without anyone noticing.
func loadOrCreatePKI(dir string, specs []CredentialSpec, alg KeyAlgorithm, now time.Time) (*pki, error) {
	if err := os.MkdirAll(filepath.Join(dir, "credentials"), 0o700); err != nil {
		return nil, fmt.Errorf("make signer data directory: %w", err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "credentials")} {
		if err := os.Chmod(d, 0o700); err != nil {
			return nil, err
		}
	}
	st := store{dir: dir}
	p := &pki{creds: make(map[string]*issued)}
	get := func(name string, kind certKind, subj Subject, keyAlg KeyAlgorithm, parent *issued) (*issued, error) {
		it, ok, err := st.load(name)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
		if ok {
			if parent != nil {
				if err := it.cert.CheckSignatureFrom(parent.cert); err != nil {
					return nil, fmt.Errorf("load %s: not issued by the CA on disk: %w (%w)", name, err, errDataDirInconsistent)
				}
			}
			return it, nil
		}
		it, err = issue(kind, subj, keyAlg, parent, now)
		if err != nil {
			return nil, fmt.Errorf("issue %s: %w", name, err)
		}
		if err := st.save(name, it); err != nil {
			return nil, fmt.Errorf("save %s: %w", name, err)
		}
		p.created = append(p.created, name)
		return it, nil
	}
	var err error
	// The CA keys are RSA whatever alg says: the chain then verifies in every reader.
	p.root, err = get("root-ca", kindRoot, Subject{Country: "VN", Organization: "motcua (phát triển)",
		CommonName: "motcua Dev Root CA – KHÔNG DÙNG THẬT"}, RSA2048, nil)
	if err != nil {
		return nil, err
	}
	p.intermediate, err = get("intermediate-ca", kindIntermediate, Subject{Country: "VN", Organization: "motcua (phát triển)",
		CommonName: "motcua Dev Signing CA"}, RSA2048, p.root)
	if err != nil {
		return nil, err
	}
	p.tsa, err = get("tsa", kindTSA, Subject{Country: "VN", Organization: "motcua (phát triển)",
		CommonName: "motcua Dev Timestamping Authority"}, alg, p.intermediate)
	if err != nil {
		return nil, err
	}
	for _, c := range specs {
		if !credentialIDPattern.MatchString(c.ID) {
			return nil, fmt.Errorf("credential id %q: use letters, digits, '.', '_' and '-'", c.ID)
		}
		if _, dup := p.creds[c.ID]; dup {
			return nil, fmt.Errorf("credential id %q appears twice", c.ID)
		}
		it, err := get(filepath.Join("credentials", c.ID), kindSigner, c.Subject, alg, p.intermediate)
		if err != nil {
			return nil, err
		}
		p.creds[c.ID] = it
	}
	return p, nil
}
