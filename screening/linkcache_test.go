package screening

import (
	"slices"
	"testing"

	"warden"
)

// TestLinksFileLayout checks that a links file gives back its links, and
// that every shorter file, a file of another key and a file with any byte
// changed are refused, never misread.
func TestLinksFileLayout(t *testing.T) {
	links := []warden.ListingLink{
		{A: "csl:21944", B: "ofac:21944", Rule: warden.LinkOFACID, Detail: "OFAC id 21944" + copiedBy + "csl:21944"},
		{A: "ofac:1", B: "un:2", Rule: warden.LinkNameBirth},
		{A: "é", B: "", Rule: "", Detail: "x"},
	}
	b := encodeLinks("k", links)
	got, err := decodeLinks(b, "k")
	if err != nil || !slices.Equal(got, links) {
		t.Fatalf("decoded %v, %v; want %v", got, err, links)
	}
	if got, err := decodeLinks(encodeLinks("k", nil), "k"); err != nil || len(got) != 0 {
		t.Errorf("no links: %v, %v", got, err)
	}
	if _, err := decodeLinks(b, "other"); err == nil {
		t.Error("a file of another key was read")
	}
	for i := range b {
		if _, err := decodeLinks(b[:i], "k"); err == nil {
			t.Fatalf("%d of %d bytes read without error", i, len(b))
		}
		c := slices.Clone(b)
		c[i] ^= 0x55
		if got, err := decodeLinks(c, "k"); err == nil && !slices.Equal(got, links) {
			t.Fatalf("byte %d changed: misread as %v", i, got)
		}
	}
}
