package web

import (
	"errors"
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
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time
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
func (l *limiter) allow(key string, n int) error {
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
	wait := time.Duration((float64(n) - b.tokens) / l.rate * float64(time.Second))
	return &retryAfter{warden.Errorf(warden.ERATELIMITED, "rate limit of %.0f requests per second exceeded; retry after %s", l.rate, wait.Round(time.Millisecond)), wait}
}

// charge takes n requests' worth from p's rate limit, setting Retry-After
// on w when it says no. Every request is charged 1 on arrival; batch
// routes charge each query beyond the first once they know how many there
// are, so a 10,000-query batch costs what 10,000 single queries cost.
func (s *Server) charge(w http.ResponseWriter, p warden.Principal, n int) error {
	err := s.limiter.allow(p.Kind+":"+p.Name, n)
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
	return s.charge(w, p, queries-1)
}

func errAs[T error](err error, target *T) bool { return err != nil && errors.As(err, target) }
