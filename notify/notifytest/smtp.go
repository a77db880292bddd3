// Package notifytest runs real receivers in process for tests of what the
// hotline sends: an SMTP server (STARTTLS with a certificate made at
// start, optional AUTH PLAIN) that keeps the messages it receives, and an
// HTTP server that keeps the webhook requests it receives, verifies their
// signatures and answers as a test programs it.
package notifytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the SMTP server accepted.
type Mail struct {
	From     string
	To       []string
	Data     []byte      // the message as received
	Header   mail.Header // its header
	Subject  string      // decoded
	Text     string      // the text/plain part, decoded, lines ending in \n
	HTML     string      // the text/html part, decoded, lines ending in \n
	Delivery string      // X-Warden-Delivery
	TLS      bool        // the session had switched to TLS with STARTTLS
	User     string      // who authenticated, if anyone
}

// SMTPOption configures an SMTPServer before it starts.
type SMTPOption func(*SMTPServer)

// WithAuth makes the server offer AUTH PLAIN (over TLS) and require it
// before MAIL, accepting only username and password.
func WithAuth(username, password string) SMTPOption {
	return func(s *SMTPServer) { s.user, s.pass = username, password }
}

// WithoutTLS makes the server not offer STARTTLS, like an old relay.
func WithoutTLS() SMTPOption {
	return func(s *SMTPServer) { s.noTLS = true }
}

// SMTPServer is a real SMTP server on 127.0.0.1 for tests.
type SMTPServer struct {
	user, pass string
	noTLS      bool
	roots      *x509.CertPool
	srv        *smtp.Server
	ln         net.Listener

	mu       sync.Mutex
	changed  *sync.Cond
	mails    []Mail
	failures []int // reply codes for the next messages' DATA, in order
}

// NewSMTP starts an SMTP server on 127.0.0.1 with a random port, offering
// STARTTLS with a self-signed certificate for 127.0.0.1 and localhost
// (unless WithoutTLS); it stops when the test ends.
func NewSMTP(t testing.TB, opts ...SMTPOption) *SMTPServer {
	t.Helper()
	s := &SMTPServer{}
	s.changed = sync.NewCond(&s.mu)
	for _, o := range opts {
		o(s)
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	if !s.noTLS {
		cert, roots, err := selfSigned()
		if err != nil {
			t.Fatalf("notifytest: certificate: %v", err)
		}
		s.roots = roots
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("notifytest: listen: %v", err)
	}
	s.ln = ln
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		// Close the listener too: a test that sent nothing may end
		// before Serve has taken it, and the server's Close would then
		// leave Serve to accept for ever.
		s.srv.Close()
		ln.Close()
		<-done
	})
	return s
}

// Addr returns the host and port the server listens on.
func (s *SMTPServer) Addr() (host string, port int) {
	a := s.ln.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

// RootCAs returns a pool trusting the server's certificate, or nil for a
// server WithoutTLS.
func (s *SMTPServer) RootCAs() *x509.CertPool { return s.roots }

// TLSConfig returns a client configuration that trusts the server's
// certificate, for notify.Email.TLSConfig.
func (s *SMTPServer) TLSConfig() *tls.Config {
	host, _ := s.Addr()
	return &tls.Config{RootCAs: s.roots, ServerName: host, MinVersion: tls.VersionTLS12}
}

// Fail makes the server refuse the next n messages at the end of DATA with
// code: 4xx for a temporary failure, 5xx for a permanent one. Refused
// messages are not recorded.
func (s *SMTPServer) Fail(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, code)
	}
}

// Messages returns the messages accepted so far, in order.
func (s *SMTPServer) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Count returns how many accepted messages carry X-Warden-Delivery id.
func (s *SMTPServer) Count(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.mails {
		if m.Delivery == id {
			n++
		}
	}
	return n
}

// WaitFor waits until at least n messages have arrived, or timeout has
// passed, and returns the messages accepted by then. It waits for
// arrival, which is asynchronous; it is no assertion about time.
func (s *SMTPServer) WaitFor(n int, timeout time.Duration) []Mail {
	return waitFor(&s.mu, s.changed, &s.mails, n, timeout)
}

// waitFor waits, holding mu, until items holds at least n, or timeout has
// passed (changed is broadcast on every arrival), and returns a copy.
func waitFor[T any](mu *sync.Mutex, changed *sync.Cond, items *[]T, n int, timeout time.Duration) []T {
	mu.Lock()
	defer mu.Unlock()
	expired := false
	stop := time.AfterFunc(timeout, func() {
		mu.Lock()
		defer mu.Unlock()
		expired = true
		changed.Broadcast()
	})
	defer stop.Stop()
	for len(*items) < n && !expired {
		changed.Wait()
	}
	return append([]T(nil), (*items)...)
}

// session is one SMTP connection's transaction.
type session struct {
	s    *SMTPServer
	c    *smtp.Conn
	user string
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) AuthMechanisms() []string {
	if x.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || x.s.user == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != x.s.user || password != x.s.pass {
			return smtp.ErrAuthFailed
		}
		x.user = username
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.user != "" && x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := x.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) > 0 {
		code := s.failures[0]
		s.failures = s.failures[1:]
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: "refused as the test asked"}
	}
	m, err := parse(data)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCodeNotSet, Message: "unreadable message: " + err.Error()}
	}
	_, m.TLS = x.c.TLSConnectionState()
	m.From, m.To, m.User = x.from, append([]string(nil), x.to...), x.user
	s.mails = append(s.mails, m)
	s.changed.Broadcast()
	return nil
}

// parse reads a received message: its header, decoded subject and its
// plain-text and HTML parts, single or in a multipart tree.
func parse(data []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return Mail{}, err
	}
	m := Mail{Data: data, Header: msg.Header, Delivery: msg.Header.Get("X-Warden-Delivery")}
	var dec mime.WordDecoder
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Mail{}, err
	}
	err = walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	return m, err
}

// walk reads one MIME part into m, descending into multiparts.
func walk(contentType, encoding string, body io.Reader, m *Mail) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, m); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for a
// day, and a pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "notifytest " + strconv.FormatInt(now.Unix(), 10)},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
