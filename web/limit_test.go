package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"warden/store"
	"warden/store/storetest"
)

// TestSharedRateLimits: two servers on two handles of one PostgreSQL
// database, sharing their limits, let a principal make its burst of
// requests between them and no more (with leases of one request and of
// two), and a client address its login attempts; each alone in its memory
// would let through twice as many.
func TestSharedRateLimits(t *testing.T) {
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) // a stopped clock: no refill
	stopped := func() time.Time { return at }
	for _, burst := range []int{6, 100} {
		a := storetest.OpenPostgres(t)
		b, err := store.Open(context.Background(), a.DSN())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		nodes := []*platform{newPlatform(t, a, func(s *Server) { s.RateLimit, s.RateBurst, s.Now, s.SharedLimits = 1, burst, stopped, a })}
		second := NewTestServer(b, nil, nil)
		second.RateLimit, second.RateBurst, second.Now, second.SharedLimits = 1, burst, stopped, b
		second.Screening.Refresh(context.Background())
		srv := httptest.NewServer(second.Handler())
		t.Cleanup(srv.Close)
		nodes = append(nodes, &platform{srv: srv, s: second, db: b, tokens: nodes[0].tokens})
		if lease := nodes[0].s.limiter.lease; lease != max(1, burst/leaseShare) {
			t.Fatalf("burst %d: lease %d", burst, lease)
		}

		passed := 0
		for i := range burst * 3 / 2 {
			switch code := nodes[i%2].do(t, "GET", "/v1/lists", nodes[0].tokens["analyst"], "", "").StatusCode; code {
			case 200:
				passed++
			case http.StatusTooManyRequests:
			default:
				t.Fatalf("burst %d, request %d: %d", burst, i, code)
			}
		}
		if passed != burst {
			t.Errorf("burst %d between two nodes: %d requests passed, want %d", burst, passed, burst)
		}

		if burst == 6 {
			codes := map[int]int{}
			for i := range loginBurst + 4 {
				codes[postLogin(t, nodes[i%2], "nobody", "guessing a password").StatusCode]++
			}
			if codes[http.StatusUnauthorized] != loginBurst {
				t.Errorf("login answers between two nodes %v, want %d refused as wrong, then 429", codes, loginBurst)
			}
		}
	}
}

// TestSharedRateLimitsFallBack: when the shared store fails (here, a
// closed database), a node limits in its own memory, and says so once.
func TestSharedRateLimitsFallBack(t *testing.T) {
	ctx := context.Background()
	db := closedDB(t)
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var (
		mu   sync.Mutex // the sweep logs from its own goroutine
		said []string
	)
	l := newLimiter(1, 3, func() time.Time { return at }).share(db, "api:", func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		said = append(said, fmt.Sprintf(f, a...))
	})
	var passed int
	for range 5 {
		if l.allow(ctx, "token:t", 1) == nil {
			passed++
		}
	}
	// The failed sweep, which runs beside the requests, is the same
	// outage: it may be the one line said, never a second.
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if passed != 3 || len(said) != 1 {
		t.Errorf("with the shared store down: %d of 5 passed (want the burst of 3), logged %q (want once)", passed, said)
	}
}

// TestFallbackBucketsSwept: the buckets a node keeps in its memory while
// the shared store is down are dropped once full again, as on a node of
// its own, and do not pile up one per key seen during the outage.
func TestFallbackBucketsSwept(t *testing.T) {
	ctx := context.Background()
	db := closedDB(t)
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	l := newLimiter(1, 3, func() time.Time { return at }).share(db, "login:", func(string, ...any) {})
	for i := range 100 {
		l.allow(ctx, fmt.Sprintf("192.0.2.%d", i), 1)
	}
	at = at.Add(2 * time.Minute)
	l.allow(ctx, "198.51.100.1", 1)
	l.mu.Lock()
	n := len(l.buckets)
	l.mu.Unlock()
	if n != 1 {
		t.Errorf("%d buckets kept in memory two minutes after the outage's 100 addresses, want 1", n)
	}
}

// closedDB is a database already closed: a shared store that fails.
func closedDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return db
}
