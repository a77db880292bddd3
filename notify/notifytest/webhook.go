package notifytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"warden/notify"
)

// SignatureTolerance is how far from the server's clock a request's
// X-Warden-Timestamp may be for WebhookServer to count its signature valid.
const SignatureTolerance = 5 * time.Minute

// Request is one webhook request the server received.
type Request struct {
	Header   http.Header
	Body     []byte
	Delivery string // X-Warden-Delivery
	Event    string // X-Warden-Event
	// Signed says whether the server had a secret when the request came;
	// Valid whether the request's signature verified with it.
	Signed, Valid bool
	Status        int // the status answered, 0 if the server hung
}

// WebhookServer is a real HTTP server that receives webhooks for tests. By
// default it answers 200; Fail and Hang program other answers.
type WebhookServer struct {
	// URL is the server's base URL; every path is served.
	URL string

	srv  *httptest.Server
	quit chan struct{}

	mu       sync.Mutex
	changed  *sync.Cond
	requests []Request
	failures []int // statuses for the next requests, in order
	hang     bool
	secret   string
}

// NewWebhook starts a webhook receiver on 127.0.0.1 with a random port; it
// stops when the test ends, releasing any request it holds.
func NewWebhook(t testing.TB) *WebhookServer {
	t.Helper()
	s := &WebhookServer{quit: make(chan struct{})}
	s.changed = sync.NewCond(&s.mu)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		close(s.quit)
		s.srv.Close()
	})
	return s
}

// Fail makes the server answer the next n requests with status.
func (s *WebhookServer) Fail(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, status)
	}
}

// Hang makes the server answer no request, once the failures programmed
// with Fail are used up, until Heal: each waits until its client gives up.
func (s *WebhookServer) Hang() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = true
}

// Heal ends Hang and drops the failures still programmed: the server
// answers 200 again.
func (s *WebhookServer) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = false
	s.failures = nil
}

// SetSecret makes the server verify the signatures of the requests that
// follow with secret, as a receiver holding that secret would (the empty
// secret turns verification off).
func (s *WebhookServer) SetSecret(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret = secret
}

// Requests returns the requests received so far, in order, answered or
// not.
func (s *WebhookServer) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many times the delivery id was delivered: answered
// with a 2xx status.
func (s *WebhookServer) Count(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Delivery == id && delivered(r.Status) {
			n++
		}
	}
	return n
}

// Deliveries returns how many times each delivery id was delivered
// (answered with a 2xx status).
func (s *WebhookServer) Deliveries() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := make(map[string]int)
	for _, r := range s.requests {
		if delivered(r.Status) {
			d[r.Delivery]++
		}
	}
	return d
}

// WaitFor waits until at least n requests have been received, or timeout
// has passed, and returns the requests received by then. It waits for
// arrival, which is asynchronous; it is no assertion about time.
func (s *WebhookServer) WaitFor(n int, timeout time.Duration) []Request {
	return waitFor(&s.mu, s.changed, &s.requests, n, timeout)
}

// serve records a request and answers it as programmed.
func (s *WebhookServer) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := Request{
		Header:   r.Header.Clone(),
		Body:     body,
		Delivery: r.Header.Get("X-Warden-Delivery"),
		Event:    r.Header.Get("X-Warden-Event"),
	}
	s.mu.Lock()
	if s.secret != "" {
		req.Signed = true
		req.Valid = notify.VerifySignature(s.secret, r.Header.Get("X-Warden-Signature"), r.Header.Get("X-Warden-Timestamp"), body, time.Now(), SignatureTolerance) == nil
	}
	status, hang := http.StatusOK, false
	switch {
	case len(s.failures) > 0:
		status = s.failures[0]
		s.failures = s.failures[1:]
	case s.hang:
		status, hang = 0, true
	}
	req.Status = status
	s.requests = append(s.requests, req)
	s.changed.Broadcast()
	s.mu.Unlock()
	if hang {
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		// Drop the connection without an answer, as a dead receiver would.
		panic(http.ErrAbortHandler)
	}
	w.WriteHeader(status)
	if !delivered(status) {
		io.WriteString(w, `{"error":"refused as the test asked"}`)
	}
}

// delivered reports whether status means the receiver took the request.
func delivered(status int) bool { return status >= 200 && status < 300 }
