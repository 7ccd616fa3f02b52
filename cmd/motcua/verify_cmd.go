package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"motcua"
	"motcua/internal/pades"
)

// verifyCmd verifies the signatures of a PDF and prints the report. Exit status: 0 valid,
// 1 invalid (or unsigned), 2 bad usage or an unreadable file.
//
//	motcua verify [-roots CA.pem] [-fields motcua.number,motcua.date] [-json] FILE.pdf
func verifyCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	rootsPath := fs.String("roots", "", "PEM file of trusted root certificates (default: the system's)")
	asJSON := fs.Bool("json", false, "print the report as JSON (as POST /api/v1/verify answers)")
	fields := fs.String("fields", "", "comma-separated form fields that may be filled after signing (default: any the DocMDP level allows)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: motcua verify [-roots CA.pem] [-fields a,b] [-json] FILE.pdf")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("verify: %v", err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("verify: want one FILE.pdf, got %d arguments", fs.NArg())
	}
	opts := pades.VerifyOptions{}
	if *rootsPath != "" {
		pool, err := loadRoots(*rootsPath)
		if err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("verify: %v", err)}
		}
		opts.Roots = pool
	} else if pool, err := x509.SystemCertPool(); err == nil {
		opts.Roots = pool
	}
	if *fields != "" {
		for _, f := range strings.Split(*fields, ",") {
			if f = strings.TrimSpace(f); f != "" {
				opts.AllowedFields = append(opts.AllowedFields, f)
			}
		}
	}
	data, err := readLimited(fs.Arg(0), pades.DefaultMaxSize)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("verify: %v", err)}
	}
	rep, err := pades.Verify(data, opts)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("verify %s: %v", fs.Arg(0), err)}
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := printReport(env.Stdout, fs.Arg(0), rep); err != nil {
		return err
	}
	if !rep.Valid {
		return &exitError{code: 1}
	}
	return nil
}

func loadRoots(path string) (*x509.CertPool, error) {
	data, err := readLimited(path, 4<<20)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	n := 0
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate", path)
	}
	return pool, nil
}

// printReport writes the report for people: the verdict in Vietnamese, then each
// signature with its checks and the codes of its problems.
func printReport(w io.Writer, name string, r *pades.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n%s\n", name, strings.ToUpper(r.Verdict), r.Message)
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  ! %s: %s (%s)\n", p.Code, p.Message, p.Detail)
	}
	for i, s := range r.Signatures {
		state := "HỢP LỆ / valid"
		if !s.Valid {
			state = "KHÔNG HỢP LỆ / invalid"
		}
		fmt.Fprintf(&b, "\nChữ ký %d (%s, field %q, %s): %s\n", i+1, s.Kind, s.Field, s.SubFilter, state)
		if s.Signer != nil {
			fmt.Fprintf(&b, "  Người ký: %s\n  Cấp bởi:  %s\n", s.Signer.Subject, s.Signer.Issuer)
		}
		if s.Claimed != nil {
			fmt.Fprintf(&b, "  Thời điểm ký (khai báo): %s\n", s.Claimed.In(motcua.Vietnam).Format(time.RFC3339))
		}
		if s.Timestamp != nil {
			fmt.Fprintf(&b, "  Dấu thời gian: %s (%s, valid=%v)\n", s.Timestamp.Time.In(motcua.Vietnam).Format(time.RFC3339), s.Timestamp.TSA, s.Timestamp.Valid)
		}
		if s.DocMDP > 0 {
			fmt.Fprintf(&b, "  DocMDP P=%d\n", s.DocMDP)
		}
		fmt.Fprintf(&b, "  Phiên bản %d/%d, phủ toàn bộ tệp: %v\n", s.Revision, r.Revisions, s.CoversWholeFile)
		c := s.Checks
		fmt.Fprintf(&b, "  byte_range=%v integrity=%v signature=%v trusted=%v key_usage=%v timestamp=%v later_changes_allowed=%v\n",
			c.ByteRange, c.Integrity, c.Signature, c.Trusted, c.KeyUsage, c.Timestamp, c.LaterChange)
		for _, ch := range s.Changes {
			fmt.Fprintf(&b, "  + revision %d: %s %s %s\n", ch.Revision, ch.Kind, ch.Field, ch.Value)
		}
		for _, p := range s.Problems {
			fmt.Fprintf(&b, "  ! %s: %s (%s)\n", p.Code, p.Message, p.Detail)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
