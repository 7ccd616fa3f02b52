// Package mailtest is an SMTP server for tests: it speaks enough of RFC 5321 (EHLO,
// MAIL, RCPT, DATA, RSET, NOOP, QUIT) for a real client to deliver to it, and keeps
// what it receives.
package mailtest

import (
	"bufio"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
)

// Received is one delivered message.
type Received struct {
	From string
	To   []string
	Msg  *mail.Message
	Raw  string
}

// Server is a running SMTP server on loopback.
type Server struct {
	Addr string
	ln   net.Listener
	// RejectRcpt, when it returns true for an address, answers RCPT with 550.
	RejectRcpt func(addr string) bool

	mu  sync.Mutex
	got []Received
}

// Start starts a server that stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln}
	t.Cleanup(func() { ln.Close() })
	go s.serve()
	return s
}

// Messages returns what was delivered so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

func (s *Server) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(c)
	}
}

func (s *Server) session(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = c.Write([]byte(line + "\r\n")) }
	say("220 mailtest ESMTP")
	var cur Received
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO":
			say("250-mailtest")
			say("250 8BITMIME")
		case "HELO", "NOOP":
			say("250 OK")
		case "RSET":
			cur = Received{}
			say("250 OK")
		case "MAIL":
			cur = Received{From: addrOf(line)}
			say("250 OK")
		case "RCPT":
			a := addrOf(line)
			if s.RejectRcpt != nil && s.RejectRcpt(a) {
				say("550 no such user")
				continue
			}
			cur.To = append(cur.To, a)
			say("250 OK")
		case "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Raw = b.String()
			cur.Msg, _ = mail.ReadMessage(strings.NewReader(cur.Raw))
			s.mu.Lock()
			s.got = append(s.got, cur)
			s.mu.Unlock()
			say("250 OK queued")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

func addrOf(line string) string {
	i, j := strings.Index(line, "<"), strings.LastIndex(line, ">")
	if i < 0 || j < i {
		return ""
	}
	return line[i+1 : j]
}
