package server_test

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/moatdev/moat/internal/server"
)

// smtpSink is a minimal SMTP server on loopback that keeps each message.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
}

func newSMTPSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 sink ready")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "DATA"):
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
				b.WriteString(l)
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, b.String())
			s.mu.Unlock()
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpSink) find(part string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.msgs {
		if strings.Contains(m, part) {
			return true
		}
	}
	return false
}

// With --smtp, SNS e-mail goes through the SMTP server instead of the
// mailbox directory.
func TestSNSEmailOverSMTP(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	sink := newSMTPSink(t)
	ts := start(t, func(c *server.Config) { c.SMTP = sink.ln.Addr().String() })
	f := newFlow(t, ts, v2)
	topic := str(f.ok("moat-root", "sns", "create-topic", "--name", "mail"), "TopicArn")
	f.ok("moat-root", "sns", "subscribe", "--topic-arn", topic, "--protocol", "email", "--notification-endpoint", "ops@example.com")
	waitFor(t, func() bool { return sink.find("Subscription Confirmation") && sink.find("To: ops@example.com") })
	if _, err := os.Stat(filepath.Join(ts.Data, "sns", "mailbox", "ops@example.com")); err == nil {
		t.Errorf("with --smtp, the mailbox directory was written too")
	}
}
