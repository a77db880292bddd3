package web

import (
	"errors"
	"math"
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

// allow takes a token from key's bucket, or returns a *retryAfter
// (ERATELIMITED) saying how long until one is available.
func (l *limiter) allow(key string) error {
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
	if b.tokens >= 1 {
		b.tokens--
		return nil
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return &retryAfter{warden.Errorf(warden.ERATELIMITED, "rate limit of %.0f requests per second exceeded; retry after %s", l.rate, wait.Round(time.Millisecond)), wait}
}

func errAs[T error](err error, target *T) bool { return err != nil && errors.As(err, target) }
