package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/signing"
)

// signerSyncBuffer is a bytes.Buffer safe for the command's goroutine and the test.
type signerSyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *signerSyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *signerSyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func signerEnv(vars map[string]string, stdout, stderr io.Writer) *Env {
	return &Env{Getenv: func(k string) string { return vars[k] }, Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr}
}

var signerURLPattern = regexp.MustCompile(`CSC API:\s+(http://\S+)`)

// startSignerCmd runs `motcua signer` with args and waits for its banner.
func startSignerCmd(t *testing.T, vars map[string]string, args ...string) (cscURL, banner string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &signerSyncBuffer{}, &signerSyncBuffer{}
	done := make(chan error, 1)
	go func() { done <- signerCmd(ctx, args, signerEnv(vars, out, errOut)) }()
	deadline := time.After(2 * time.Minute) // first start generates RSA keys on a shared machine
	for {
		if m := signerURLPattern.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "G09-seal") {
			cscURL = m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("signer exited early: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
		case <-deadline:
			cancel()
			t.Fatalf("no banner:\n%s\n%s", out, errOut)
		case <-time.After(20 * time.Millisecond):
		}
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("signer did not stop")
		}
	}
	t.Cleanup(func() { stop() })
	return cscURL, out.String(), stop
}

func TestSignerCommandServesCSCAndPrintsCredentialsAndDevPINs(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"MOTCUA_SIGNER_ADDR": "127.0.0.1:0", "MOTCUA_SIGNER_TOKEN": "cli-token"}
	cscURL, banner, stop := startSignerCmd(t, vars, "-data", dir, "-pins", "lanhdao1=246810")
	for _, want := range []string{"/tsa", "/ca/root.pem", "lanhdao1", "user lanhdao1", "PIN 246810", "G09-seal", "user G09", "PIN 123456",
		"Nguyễn Thị Bích Lĩnh", "made now"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Contains(banner, "cli-token") {
		t.Error("the banner prints a token it was given")
	}

	client := signing.NewClient(cscURL, "cli-token", nil)
	s, err := client.Signer(context.Background(), "lanhdao1", signing.PIN("246810"))
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("tờ trình"))
	sig, err := s.Sign(nil, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(s.Public().(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("signer did not stop cleanly: %v", err)
	}

	// A second start over the same directory reuses the keys.
	_, banner2, stop2 := startSignerCmd(t, vars, "-data", dir)
	if !strings.Contains(banner2, "(reused)") {
		t.Errorf("second start did not reuse the data directory:\n%s", banner2)
	}
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
}

func TestSignerCommandGeneratesATokenWhenNoneIsGiven(t *testing.T) {
	_, banner, _ := startSignerCmd(t, map[string]string{}, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-key", "ecdsa-p256")
	if !regexp.MustCompile(`token:\s+[0-9a-f]{48}\s+\(generated`).MatchString(banner) {
		t.Errorf("no generated token in:\n%s", banner)
	}
	if !strings.Contains(banner, "ecdsa-256") {
		t.Errorf("-key ecdsa-p256 did not make ECDSA keys:\n%s", banner)
	}
}

func TestSignerCommandRejectsBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-key", "dsa"},
		{"-pins", "lanhdao1"},
		{"-nosuchflag"},
		{"extra"},
	} {
		var out, errOut bytes.Buffer
		err := signerCmd(context.Background(), args, signerEnv(map[string]string{}, &out, &errOut))
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("signer %v: %v, want a usage error", args, err)
		}
	}
}
