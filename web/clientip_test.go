package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientIP: X-Forwarded-For is believed only from a trusted proxy, and
// only as far back as the hops that are trusted proxies themselves.
func TestClientIP(t *testing.T) {
	s := &Server{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	for _, tc := range []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"direct client", "203.0.113.7:5100", nil, "203.0.113.7"},
		{"direct client forging the header", "203.0.113.7:5100", []string{"198.51.100.1"}, "203.0.113.7"},
		{"trusted proxy", "10.0.0.2:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"trusted proxy, client's forged hop before it", "10.0.0.2:4000", []string{"192.0.2.66, 198.51.100.1"}, "198.51.100.1"},
		{"two trusted proxies", "10.0.0.2:4000", []string{"198.51.100.1, 10.0.0.9"}, "198.51.100.1"},
		{"header given twice", "10.0.0.2:4000", []string{"192.0.2.66", "198.51.100.1"}, "198.51.100.1"},
		{"IPv6 trusted proxy", "[::1]:4000", []string{"2001:db8::5"}, "2001:db8::5"},
		{"trusted proxy, no header", "10.0.0.2:4000", nil, "10.0.0.2"},
		{"trusted proxy, garbage", "10.0.0.2:4000", []string{"not-an-address"}, "10.0.0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientIP(r); got != tc.want {
				t.Errorf("clientIP = %q, want %q", got, tc.want)
			}
		})
	}
	// Without trusted proxies the header is never read.
	r := httptest.NewRequest("POST", "/login", nil)
	r.RemoteAddr = "10.0.0.2:4000"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	if got := (&Server{}).clientIP(r); got != "10.0.0.2" {
		t.Errorf("no trusted proxies: clientIP = %q, want the peer", got)
	}
}
