package main

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestLoadSchedule: --mix becomes a repeating sequence with each operation
// as often as its weight, interleaved; a bad mix is a usage error.
func TestLoadSchedule(t *testing.T) {
	tests := []struct {
		mix  string
		want []string // nil: a usage error
	}{
		{"screen=5,payment=4,customer=1", []string{"screen", "payment", "customer", "screen", "payment", "screen", "payment", "screen", "payment", "screen"}},
		{"payment=1", []string{"payment"}},
		{"payment=2, customer=1", []string{"payment", "customer", "payment"}},
		{"screen=0,payment=3", []string{"payment", "payment", "payment"}},
		{"screen=0", nil},
		{"pay=1", nil},
		{"payment", nil},
		{"payment=-1", nil},
		{"payment=1001", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := loadSchedule(tt.mix)
		if tt.want == nil {
			if err == nil {
				t.Errorf("%q: %v, want a usage error", tt.mix, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%q: %v %v, want %v", tt.mix, got, err, tt.want)
		}
	}
}

// TestBenchLoadRefuses: bench load sends load only to this machine and
// needs a token.
func TestBenchLoadRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "load", "--target", "http://example.org", "--token", "t"},
		{"bench", "load", "--target", "http://127.0.0.1:1,https://example.org", "--token", "t"},
		{"bench", "load", "--target", "http://127.0.0.1:1"},
		{"bench", "load", "--target", "http://127.0.0.1:1", "--token", "t", "--mix", "x=1"},
		{"bench", "load", "--target", "http://127.0.0.1:1", "--token", "t", "--concurrency", "0"},
	} {
		var errb bytes.Buffer
		if code := run(context.Background(), args, nil, io.Discard, &errb); code != 2 {
			t.Errorf("%s: exit %d, want 2 (usage)\n%s", strings.Join(args, " "), code, errb.String())
		}
	}
}
