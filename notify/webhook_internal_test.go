package notify

import (
	"net/netip"
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
		if got := Public(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("Public(%s) = %v, want %v", tt.ip, got, tt.want)
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
