package notify

import (
	"net/netip"
	"strings"
	"testing"
)

// TestPublic: global unicast addresses next to the special-purpose
// ranges are public; the ranges' edges are not.
func TestPublic(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"8.8.8.8", true},
		{"100.63.255.255", true},
		{"100.64.0.0", false},
		{"100.127.255.255", false},
		{"100.128.0.0", true},
		{"198.17.255.255", true},
		{"198.19.255.255", false},
		{"198.20.0.0", true},
		{"239.255.255.255", false},
		{"255.255.255.255", false},
		{"2606:4700::1111", true},
		{"2001:db8::1", false},
		{"2001:4860:4860::8888", true},
		{"64:ff9b::808:808", false},
		{"2002:808:808::", false},
		{"::808:808", false},
		{"::ffff:8.8.8.8", true},
		{"::ffff:10.0.0.1", false},
		{"fec0::1", false},
		{"fd00::1", false},
	}
	for _, tt := range tests {
		if got := public(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("public(%s) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"short", "short"},
		{strings.Repeat("a", maxSnippet), strings.Repeat("a", maxSnippet)},
		{strings.Repeat("a", maxSnippet+1), strings.Repeat("a", maxSnippet) + "…"},
		// A cut through a two-byte character drops its first byte too.
		{strings.Repeat("a", maxSnippet-1) + "é", strings.Repeat("a", maxSnippet-1) + "…"},
	}
	for _, tt := range tests {
		if got := snippet([]byte(tt.in)); got != tt.want {
			t.Errorf("snippet(%d bytes) = %q, want %q", len(tt.in), got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"ééééé", 4, "ééé…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
