package mail_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"strings"
	"testing"
	"time"

	"motcua/internal/mail"
	"motcua/internal/mail/mailtest"
)

func TestSendDeliversAVietnameseMessage(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.New(mail.Config{Addr: srv.Addr, From: "Bộ phận Một cửa <motcua@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	body := "Hồ sơ 000.00.01.G09-261129-0001 đã được tiếp nhận.\nNgày hẹn trả kết quả: 10/12/2026."
	err = s.Send(context.Background(), mail.Message{To: "Trần Văn Minh <minh@example.com>",
		Subject: "Tiếp nhận hồ sơ 000.00.01.G09-261129-0001", Body: body, ID: "dossier/000.00.01.G09-261129-0001/receive/7"})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	m := got[0]
	if m.From != "motcua@example.com" || len(m.To) != 1 || m.To[0] != "minh@example.com" {
		t.Errorf("envelope %s -> %v", m.From, m.To)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Msg.Header.Get("Subject"))
	if err != nil || subject != "Tiếp nhận hồ sơ 000.00.01.G09-261129-0001" {
		t.Errorf("subject %q (%v)", subject, err)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Msg.Body))
	if err != nil || strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") != body {
		t.Errorf("body %q (%v)", b, err)
	}
	if id := m.Msg.Header.Get("Message-ID"); id != "<dossier/000.00.01.G09-261129-0001/receive/7@example.com>" {
		t.Errorf("Message-ID %q", id)
	}
	if ct := m.Msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestSendRefusals(t *testing.T) {
	srv := mailtest.Start(t)
	srv.RejectRcpt = func(a string) bool { return a == "nobody@example.com" }
	s, err := mail.New(mail.Config{Addr: srv.Addr, From: "motcua@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"not an address", "nobody@example.com"} {
		if err := s.Send(context.Background(), mail.Message{To: to, Subject: "x", Body: "y"}); !errors.Is(err, mail.ErrBadRecipient) {
			t.Errorf("to %q: %v, want ErrBadRecipient", to, err)
		}
	}
	down, _ := mail.New(mail.Config{Addr: "127.0.0.1:1", From: "motcua@example.com"})
	if err := down.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "x", Body: "y"}); err == nil || errors.Is(err, mail.ErrBadRecipient) {
		t.Errorf("server down: %v, want a retryable error", err)
	}
	for _, cfg := range []mail.Config{{Addr: "nohost", From: "a@example.com"}, {Addr: "h:25", From: "not an address"}} {
		if _, err := mail.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// TestAHungMailServerIsCutOffByTheTimeout: a server that accepts the connection and
// never greets holds a message no longer than Config.Timeout, and the error is
// retryable (not a bad recipient).
func TestAHungMailServerIsCutOffByTheTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, silent, until the test ends
		}
	}()
	s, err := mail.New(mail.Config{Addr: l.Addr().String(), From: "motcua@example.com", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "x", Body: "y"})
	}()
	select {
	case err := <-done:
		if err == nil || errors.Is(err, mail.ErrBadRecipient) {
			t.Errorf("a silent server: %v, want a retryable error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Send still waits for a silent server 10 s later; its timeout is 200 ms")
	}
}
