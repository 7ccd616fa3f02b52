// Package mail sends notifications by e-mail over SMTP (STARTTLS when the server
// offers it, authentication when configured). It formats one plain-text UTF-8 message
// per call and knows nothing of dossiers; the activities decide what to send, and
// whether it was sent already.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// Config is how to reach the SMTP server.
type Config struct {
	Addr     string // host:port of the server (MOTCUA_SMTP_ADDR)
	From     string // the sender's address (MOTCUA_SMTP_FROM)
	Username string // for SMTP AUTH PLAIN, which net/smtp allows only over TLS or to localhost
	Password string
	// Timeout bounds one message's whole conversation (default 30 s).
	Timeout time.Duration
}

// Message is one e-mail.
type Message struct {
	To      string
	Subject string
	Body    string
	// ID makes the Message-ID header, so that a message sent again after a retry is
	// recognisable as the same one.
	ID string
}

// Sender sends messages through one SMTP server.
type Sender struct {
	cfg  Config
	from *mail.Address
}

// New checks cfg and returns a sender.
func New(cfg Config) (*Sender, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("SMTP address %q: want host:port", cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP sender %q: %w", cfg.From, err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg, from: from}, nil
}

// ErrBadRecipient is returned for an address that cannot receive mail; trying again
// will not help.
var ErrBadRecipient = errors.New("bad recipient address")

// Send delivers m to the server.
func (s *Sender) Send(ctx context.Context, m Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("%w %q: %v", ErrBadRecipient, m.To, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("connect to SMTP server %s: %w", s.cfg.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("SMTP greeting from %s: %w", s.cfg.Addr, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("SMTP STARTTLS with %s: %w", s.cfg.Addr, err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host)); err != nil {
			return fmt.Errorf("SMTP authentication with %s: %w", s.cfg.Addr, err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("SMTP MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return fmt.Errorf("%w %s: %v", ErrBadRecipient, to.Address, err)
		}
		return fmt.Errorf("SMTP RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if _, err := w.Write(s.format(to, m)); err != nil {
		return fmt.Errorf("SMTP message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP end of message: %w", err)
	}
	// The server has taken the message: a failed goodbye must not make the caller send
	// it again.
	_ = c.Quit()
	return nil
}

// format writes the message: UTF-8, the subject and names encoded for headers, the body
// quoted-printable.
func (s *Sender) format(to *mail.Address, m Message) []byte {
	var b bytes.Buffer
	domain := s.from.Address[strings.LastIndex(s.from.Address, "@")+1:]
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	if m.ID != "" {
		header("Message-ID", "<"+strings.NewReplacer("<", "", ">", "", " ", "", "@", ".").Replace(m.ID)+"@"+domain+">")
	}
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	_ = qp.Close()
	return b.Bytes()
}
