package main

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"motcua"
	"motcua/internal/pades"
)

// maxSignInput caps the PDF the sign command reads.
const maxSignInput = 256 << 20

// signCmd adds one signature to a PDF with a local PKCS#12 key, as an incremental
// update. Production signing goes through the signature service; this is for operators
// and tests.
//
//	motcua sign -p12 FILE [-pass PASS] [-certify] [-visible page,x1,y1,x2,y2 [-image PNG]]
//	            [-tsa URL] [-reason TEXT] [-location TEXT] in.pdf out.pdf
//
// The PKCS#12 file is read with go-pkcs12, which understands what OpenSSL 3 and NSS write
// today (PBES2/AES, SHA-256 MAC) and a bundled chain; golang.org/x/crypto/pkcs12 does
// not.
func signCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	p12Path := fs.String("p12", "", "PKCS#12 file with the signing key, its certificate and chain (required)")
	pass := fs.String("pass", "", "password of the PKCS#12 file (default: env MOTCUA_P12_PASS)")
	certify := fs.Bool("certify", false, "certification signature (DocMDP P=2: form filling and signing allowed) instead of approval")
	visible := fs.String("visible", "", "draw the signature on page,x1,y1,x2,y2 (PDF points from the lower left)")
	imagePath := fs.String("image", "", "PNG to draw with -visible (default: the signer's name, drawn in blue)")
	tsa := fs.String("tsa", "", "RFC 3161 time-stamping service URL")
	reason := fs.String("reason", "", "reason for signing")
	location := fs.String("location", "", "place of signing")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: motcua sign -p12 FILE -pass PASS [-certify] [-visible page,x1,y1,x2,y2] [-tsa URL] in.pdf out.pdf")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("sign: %v", err)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return usageError("sign: want in.pdf and out.pdf, got %d arguments", fs.NArg())
	}
	if *p12Path == "" {
		return usageError("sign: -p12 is required")
	}
	if *pass == "" {
		*pass = env.Getenv("MOTCUA_P12_PASS")
	}
	key, chain, err := loadP12(*p12Path, *pass)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("sign: %v", err)}
	}
	in, err := readLimited(fs.Arg(0), maxSignInput)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("sign: %v", err)}
	}
	opts := pades.SignOptions{
		Kind: pades.Approval, Key: key, Chain: chain,
		Name: chain[0].Subject.CommonName, Reason: *reason, Location: *location,
		Time: time.Now().In(motcua.Vietnam),
	}
	if *certify {
		opts.Kind, opts.DocMDP = pades.Certification, pades.FormFillAndSign
	}
	if *tsa != "" {
		opts.TSA = &pades.TSA{URL: *tsa}
	}
	if *visible != "" {
		a, err := parseVisible(*visible)
		if err != nil {
			return usageError("sign: -visible: %v", err)
		}
		if *imagePath != "" {
			if a.Image, err = readLimited(*imagePath, 32<<20); err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("sign: %v", err)}
			}
		} else if a.Image, err = pades.SignatureImage(opts.Name); err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		opts.Appearance = a
	}
	out, err := pades.Sign(ctx, in, opts)
	if err != nil {
		return fmt.Errorf("sign %s: %w", fs.Arg(0), err)
	}
	if err := writeAtomic(fs.Arg(1), out); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	return nil
}

// loadP12 returns the key of a PKCS#12 file and its chain, leaf first.
func loadP12(path, pass string) (crypto.Signer, []*x509.Certificate, error) {
	data, err := readLimited(path, 1<<20)
	if err != nil {
		return nil, nil, err
	}
	k, cert, cas, err := pkcs12.DecodeChain(data, pass)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	key, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("read %s: key of type %T cannot sign", path, k)
	}
	return key, append([]*x509.Certificate{cert}, cas...), nil
}

// parseVisible parses "page,x1,y1,x2,y2".
func parseVisible(s string) (*pades.Appearance, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 5 {
		return nil, fmt.Errorf("want page,x1,y1,x2,y2, got %q", s)
	}
	page, err := strconv.Atoi(strings.TrimSpace(parts[0]))
	if err != nil || page < 1 {
		return nil, fmt.Errorf("bad page %q", parts[0])
	}
	a := &pades.Appearance{Page: page}
	for i := 0; i < 4; i++ {
		v, err := strconv.ParseFloat(strings.TrimSpace(parts[i+1]), 64)
		if err != nil {
			return nil, fmt.Errorf("bad coordinate %q", parts[i+1])
		}
		a.Rect[i] = v
	}
	return a, nil
}

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes, more than %d", path, st.Size(), max)
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil && st.Size() > 0 {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// writeAtomic writes data to path through a temporary file in the same directory, so a
// failure never leaves half a signed PDF.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".motcua-sign-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
