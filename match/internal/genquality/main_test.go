package main

import (
	"slices"
	"testing"
)

// The variations the labels rest on: if one of them went wrong, pairs
// labelled a match would not be the same party.
func TestVariations(t *testing.T) {
	kim := person{listed: "KIM, Yong Chol", surname: "KIM", given: []string{"Yong", "Chol"}}
	ri := person{listed: "RI, Song-hyok", surname: "RI", given: []string{"Song-hyok"}}
	o := person{listed: "O, Kuk-Ryol", surname: "O", given: []string{"Kuk-Ryol"}}
	for _, tt := range []struct{ got, want string }{
		{toHangul(kim), "김 영철"},
		{toHangul(ri), "리 성혁"},
		{toHangul(o), "오 국렬"},
		{toHangul(person{surname: "LAI", given: []string{"Leonard"}}), ""},
		{toRevised(ri), "Lee Seong-Hyeok"},
		{toRevised(person{listed: "HAN, Su", surname: "HAN", given: []string{"Su"}}), ""},
		{swap("petrov", 2), "pertov"},
		{title("KIM, YONG-CHOL"), "Kim, Yong-Chol"},
		{spellNumber(4, "digits"), "FOUR"},
		{spellNumber(1, "ordinal"), "1st"},
		{spellNumber(2, "roman"), "2"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	for _, tt := range []struct {
		name, core, form string
		spelled          bool
	}{
		{"VOLVO AB", "VOLVO", "AB", false},
		{"CEMEX, S.A. DE C.V.", "CEMEX", "S.A. DE C.V.", false},
		{"FERROSTAAL GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG", "FERROSTAAL", "GMBH", true},
	} {
		core, lf, spelled, ok := legalSplit(tt.name)
		if !ok || core != tt.core || lf[0] != tt.form || spelled != tt.spelled {
			t.Errorf("legalSplit(%q) = %q %v %v %v", tt.name, core, lf, spelled, ok)
		}
	}
	if _, _, _, ok := legalSplit("AB"); ok {
		t.Error("a legal form alone has no name before it")
	}
	if d := distinctive("SHENZHEN BIGUANG TRADING CO., LTD"); !slices.Equal(d, []string{"biguang"}) {
		t.Errorf("distinctive = %q, want [biguang]", d)
	}
	if g := genericOnly("SHENZHEN BIGUANG TRADING CO., LTD"); g != "SHENZHEN TRADING CO. LTD" {
		t.Errorf("genericOnly = %q", g)
	}
	if n, kind := numeralValue("IV"); n != 4 || kind != "roman" {
		t.Errorf("numeralValue(IV) = %d %s", n, kind)
	}
}
