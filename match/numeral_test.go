package match

import (
	"testing"

	"warden"
)

// TestNumeralAlts checks which words read as numbers and that every
// spelling of a number meets every other.
func TestNumeralAlts(t *testing.T) {
	classes := [][]string{
		{"4", "four", "fourth", "4th", "iv"},
		{"1", "one", "first", "1st"},
		{"2", "two", "second", "2nd", "ii"},
		{"3", "three", "third", "3rd", "iii"},
		{"9", "nine", "ninth", "9th", "ix"},
		{"12", "twelve", "twelfth", "12th", "xii"},
		{"19", "nineteen", "nineteenth", "19th", "xix"},
		{"20", "twenty", "twentieth", "20th", "xx"},
		{"40", "forty", "fortieth", "40th", "xl"},
		{"100", "hundred", "hundredth", "100th"},
		{"1000", "thousand", "thousandth", "1000th"},
	}
	for _, c := range classes {
		for _, a := range c {
			for _, b := range c {
				if a != b && !hasAlt(numeralAlts(a), b) {
					t.Errorf("numeralAlts(%q) lacks %q: %v", a, b, numeralAlts(a))
				}
			}
		}
	}
	for _, w := range []string{"i", "v", "x", "c", "m", "l", "mix", "civil", "xi", "vim", "dix", "forth", "tenant"} {
		if as := numeralAlts(w); len(as) > 0 {
			t.Errorf("numeralAlts(%q) = %v, want none: not a number", w, as)
		}
	}
	if testing.AllocsPerRun(100, func() { numeralAlts("four"); abbreviationAlts("intl") }) != 0 {
		t.Error("numeralAlts or abbreviationAlts allocates")
	}
}

// TestAbbreviationAlts checks that abbreviations and the words they
// shorten meet both ways.
func TestAbbreviationAlts(t *testing.T) {
	for _, tt := range [][2]string{
		{"intl", "international"}, {"mfg", "manufacturing"}, {"tech", "technology"}, {"ind", "industry"},
		{"natl", "national"}, {"assn", "association"}, {"bros", "brothers"}, {"svcs", "services"},
		{"mgmt", "management"}, {"eng", "engineering"}, {"sys", "systems"}, {"dev", "development"},
		{"grp", "group"}, {"hldgs", "holdings"}, {"hldg", "holding"},
	} {
		if !hasAlt(abbreviationAlts(tt[0]), tt[1]) || !hasAlt(abbreviationAlts(tt[1]), tt[0]) {
			t.Errorf("%q and %q do not meet: %v / %v", tt[0], tt[1], abbreviationAlts(tt[0]), abbreviationAlts(tt[1]))
		}
	}
	for _, w := range []string{"international", "saint", "street"} {
		for _, a := range abbreviationAlts(w) {
			if a.sim >= 1 {
				t.Errorf("abbreviationAlts(%q) has %q at %v: a shortening weighs less", w, a.text, a.sim)
			}
		}
	}
	if hasAlt(abbreviationAlts("saint"), "street") {
		t.Error("saint and street meet through st")
	}
}

// TestNumeralNames checks names that differ only in how they write a
// number or shorten a word match, and those that write another number do
// not.
func TestNumeralNames(t *testing.T) {
	tests := []struct {
		schema warden.Schema
		a, b   string
		match  bool
	}{
		{warden.SchemaOrganization, "Factory 4 Trading", "FACTORY FOUR TRADING", true},
		{warden.SchemaOrganization, "Fourth Ocean Shipping", "4TH OCEAN SHIPPING", true},
		{warden.SchemaOrganization, "Louis XIV Holdings", "LOUIS 14 HOLDINGS", true},
		{warden.SchemaOrganization, "Petrov Brothers Manufacturing", "PETROV BROS MFG", true},
		{warden.SchemaOrganization, "Almaz Intl Technology", "ALMAZ INTERNATIONAL TECH", true},
		{warden.SchemaOrganization, "Factory 4 Trading", "FACTORY 5 TRADING", false},
		{warden.SchemaOrganization, "Third Ocean Shipping", "FOURTH OCEAN SHIPPING", false},
	}
	for _, tt := range tests {
		if c := Compare(tt.schema, tt.a, tt.b, DefaultThreshold, nil); c.Match != tt.match {
			t.Errorf("Compare(%q, %q) = %v, want match %v", tt.a, tt.b, c.Score, tt.match)
		}
	}
}
