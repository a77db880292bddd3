package notify

import (
	"encoding/hex"
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestVerifySignature(t *testing.T) {
	now := time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"delivery":"warden-n-1"}`)
	both := sign([]string{"old", "new"}, ts, body)
	tests := []struct {
		name, secret, header, ts string
		body                     []byte
		now                      time.Time
		ok                       bool
	}{
		{"valid", "old", sign([]string{"old"}, ts, body), ts, body, now, true},
		{"first of two", "old", both, ts, body, now, true},
		{"second of two", "new", both, ts, body, now, true},
		{"spaces after commas", "new", "v1=" + hex.EncodeToString(mac("old", ts, body)) + ", v1=" + hex.EncodeToString(mac("new", ts, body)), ts, body, now, true},
		{"within tolerance", "old", sign([]string{"old"}, ts, body), ts, body, now.Add(5 * time.Minute), true},
		{"other secret", "other", both, ts, body, now, false},
		{"tampered body", "old", both, ts, []byte(`{"delivery":"warden-n-2"}`), now, false},
		{"timestamp changed", "old", both, strconv.FormatInt(now.Unix()+1, 10), body, now, false},
		{"stale", "old", both, ts, body, now.Add(5*time.Minute + time.Second), false},
		{"from the future", "old", both, ts, body, now.Add(-6 * time.Minute), false},
		{"timestamp not a number", "old", both, "yesterday", body, now, false},
		{"no header", "old", "", ts, body, now, false},
		{"other scheme only", "old", "v0=" + hex.EncodeToString(mac("old", ts, body)), ts, body, now, false},
		{"not hex", "old", "v1=zz", ts, body, now, false},
		{"empty secret", "", sign([]string{""}, ts, body), ts, body, now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifySignature(tt.secret, tt.header, tt.ts, tt.body, tt.now, 5*time.Minute)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrSignature) {
				t.Errorf("err %v does not wrap ErrSignature", err)
			}
		})
	}
}

// TestSignatureKnown pins the scheme that receivers implement, against
// values computed with openssl:
//
//	printf '%s' '1767225600.{"event":"alert.triggered"}' | openssl dgst -sha256 -hmac whsec_test
func TestSignatureKnown(t *testing.T) {
	got := sign([]string{"whsec_test", "", "whsec_next"}, "1767225600", []byte(`{"event":"alert.triggered"}`))
	want := "v1=8c432b0579912095bfa6a8b4da324a2ee8206d16af67851473ef0ace3a68c4d4" +
		",v1=110d5517f3a88f82f54a8693bce4095d0a48a9a64ba922f1eebdd30a5a3b7583"
	if got != want {
		t.Errorf("sign = %q, want %q", got, want)
	}
}
