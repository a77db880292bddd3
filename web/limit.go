package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"warden"
)

// Login attempts per client address: a few a second, bursts of 20 (a
// person mistyping; not a password-guessing script).
const (
	loginRate  = 2
	loginBurst = 20
)

// limiter is a token bucket per principal: rate requests per second on
// average, bursts of burst. Buckets idle long enough to be full again are
// dropped, so memory follows the active principals.
//
// With a shared store (several nodes on one PostgreSQL) the buckets are
// the database's, one per key for every node: a node takes tokens from
// one in leases of up to lease tokens, one statement (some 1.5 ms) per
// lease rather than per request, and spends a lease's tokens within
// leaseFor; what it does not spend is lost, so every node together never
// exceeds the limit. Should the database not answer, the node falls back
// on its own bucket.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time // when buckets were last swept

	sharedSwept time.Time // when leases and the shared store were last swept

	shared RateStore
	prefix string             // of the keys in the shared store: "api:" or "login:"
	lease  int                // tokens taken from the shared store at once
	leases map[string]*bucket // tokens of a lease left, and when it was taken
	logf   func(string, ...any)
	failed time.Time // when a failure of shared was last logged
}

// leaseFor is how long a node may spend the tokens it took from a shared
// bucket: a lease cannot be saved up to exceed the rate later.
const leaseFor = time.Second

// leaseShare is the share of the burst a lease takes: at the default
// 10,000 requests a second (burst 20,000), a statement per 400 requests.
const leaseShare = 50

// RateStore keeps rate limits that several nodes share (the store on
// PostgreSQL): TakeRate takes cost from key's bucket of depth limit, or
// says how long until it could; SweepRates drops the buckets full again.
type RateStore interface {
	TakeRate(ctx context.Context, key string, now time.Time, cost, limit time.Duration) (time.Duration, error)
	SweepRates(ctx context.Context, now time.Time) error
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	if burst < 1 {
		burst = int(math.Max(1, rate))
	}
	return &limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// share makes l take its tokens from rs, under keys starting with prefix;
// failures of rs go to logf.
func (l *limiter) share(rs RateStore, prefix string, logf func(string, ...any)) *limiter {
	l.shared, l.prefix, l.logf = rs, prefix, logf
	l.lease = max(1, int(l.burst)/leaseShare)
	l.leases = map[string]*bucket{}
	return l
}

// retryAfter is a rate-limit error that says when to retry.
type retryAfter struct {
	err  *warden.Error
	wait time.Duration
}

func (e *retryAfter) Error() string { return e.err.Error() }

// Unwrap exposes the coded error, so that it maps to 429.
func (e *retryAfter) Unwrap() error { return e.err }

func (e *retryAfter) seconds() string {
	return strconv.Itoa(int(math.Ceil(e.wait.Seconds())))
}

// allow takes n tokens from key's bucket at once, or none: it returns a
// *retryAfter (ERATELIMITED) saying how long until n are available.
func (l *limiter) allow(ctx context.Context, key string, n int) error {
	if l.shared == nil {
		return l.local(key, n)
	}
	now := l.now()
	l.mu.Lock()
	if now.Sub(l.sharedSwept) > time.Minute {
		l.sharedSwept = now
		for k, b := range l.leases {
			if now.Sub(b.at) > leaseFor {
				delete(l.leases, k)
			}
		}
		go func() {
			if err := l.shared.SweepRates(context.WithoutCancel(ctx), now); err != nil {
				l.failing(now, fmt.Sprintf("rate limits: %v", err))
			}
		}()
	}
	if b := l.leases[key]; b != nil && now.Sub(b.at) < leaseFor && b.tokens >= float64(n) {
		b.tokens -= float64(n)
		l.mu.Unlock()
		return nil
	}
	l.mu.Unlock()
	take := max(n, l.lease)
	wait, err := l.shared.TakeRate(ctx, l.prefix+key, now, l.cost(take), l.cost(int(l.burst)))
	if err == nil && wait > 0 && take > n {
		take = n
		wait, err = l.shared.TakeRate(ctx, l.prefix+key, now, l.cost(take), l.cost(int(l.burst)))
	}
	if err != nil {
		if ctx.Err() == nil {
			l.failing(now, fmt.Sprintf("rate limits: %v; limiting in this process until the database answers (said once a minute)", err))
		}
		return l.local(key, n)
	}
	if wait > 0 {
		return l.refuse(wait)
	}
	if take > n {
		l.mu.Lock()
		if b := l.leases[key]; b != nil && now.Sub(b.at) < leaseFor {
			b.tokens += float64(take - n)
		} else {
			l.leases[key] = &bucket{tokens: float64(take - n), at: now}
		}
		l.mu.Unlock()
	}
	return nil
}

// failing logs msg, a failure of the shared store, unless one was logged
// in the last minute: a database that is down fails every request and
// every sweep, and one line a minute says so.
func (l *limiter) failing(now time.Time, msg string) {
	l.mu.Lock()
	quiet := !l.failed.IsZero() && now.Sub(l.failed) < time.Minute
	if !quiet {
		l.failed = now
	}
	l.mu.Unlock()
	if !quiet {
		l.logf("%s", msg)
	}
}

// cost is how long n requests hold a bucket: n/rate.
func (l *limiter) cost(n int) time.Duration {
	return time.Duration(float64(n) / l.rate * float64(time.Second))
}

// local takes n tokens from key's bucket in this process's memory.
func (l *limiter) local(key string, n int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > time.Minute {
		full := time.Duration(l.burst / l.rate * float64(time.Second))
		for k, b := range l.buckets {
			if now.Sub(b.at) > full {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= float64(n) {
		b.tokens -= float64(n)
		return nil
	}
	return l.refuse(time.Duration((float64(n) - b.tokens) / l.rate * float64(time.Second)))
}

// refuse is the rate-limit error for a wait.
func (l *limiter) refuse(wait time.Duration) error {
	return &retryAfter{warden.Errorf(warden.ERATELIMITED, "rate limit of %.0f requests per second exceeded; retry after %s", l.rate, wait.Round(time.Millisecond)), wait}
}

// charge takes n requests' worth from p's rate limit, setting Retry-After
// on w when it says no. Every request is charged 1 on arrival; batch
// routes charge each query beyond the first once they know how many there
// are, so a 10,000-query batch costs what 10,000 single queries cost.
func (s *Server) charge(ctx context.Context, w http.ResponseWriter, p warden.Principal, n int) error {
	err := s.limiter.allow(ctx, p.Kind+":"+p.Name, n)
	var rl *retryAfter
	if errAs(err, &rl) {
		w.Header().Set("Retry-After", rl.seconds())
	}
	return err
}

// chargeQueries charges a batch request for its queries beyond the first
// (which its arrival paid for). A batch of more queries than the burst
// could never pass, so it is EINVALID rather than a 429 to retry.
func (s *Server) chargeQueries(w http.ResponseWriter, r *http.Request, queries int) error {
	if float64(queries) > s.limiter.burst {
		return warden.Errorf(warden.EINVALID, "%d queries in one request exceed the rate limit's burst of %.0f; send fewer at a time", queries, s.limiter.burst)
	}
	if queries <= 1 {
		return nil
	}
	p, _ := warden.PrincipalFrom(r.Context())
	return s.charge(r.Context(), w, p, queries-1)
}

func errAs[T error](err error, target *T) bool { return err != nil && errors.As(err, target) }
