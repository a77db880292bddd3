package notify

import (
	"strings"
	"testing"
)

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
