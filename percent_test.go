package warden

import (
	"encoding/json"
	"testing"
)

// TestParsePercent: shares are read exactly, to the hundredth of a
// percent, and anything finer, signed, exponential or over 100% is
// refused rather than rounded.
func TestParsePercent(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Percent
		ok   bool
	}{
		{"0", 0, true},
		{"0.8", 80, true},
		{"32.3", 3230, true},
		{"16.9", 1690, true},
		{"0.01", 1, true},
		{"50", 5000, true},
		{"50.000", 5000, true},
		{"007.5", 750, true},
		{"100", Whole, true},
		{"100.00", Whole, true},
		{"100.01", 0, false},
		{"101", 0, false},
		{"99999999999999999999", 0, false},
		{"0.001", 0, false},
		{"33.333", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e1", 0, false},
		{"1e999", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{".5", 0, false},
		{"5.", 0, false},
		{"5,5", 0, false},
		{" 5", 0, false},
		{"", 0, false},
	} {
		got, err := ParsePercent(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ParsePercent(%q): %v is not EINVALID", tc.in, err)
		}
	}
	// The reviewer's case: in floating point 0.8 + 32.3 + 16.9 < 50.
	var sum Percent
	for _, s := range []string{"0.8", "32.3", "16.9"} {
		p, _ := ParsePercent(s)
		sum += p
	}
	if sum != 50*100 {
		t.Errorf("0.8 + 32.3 + 16.9 = %s; want 50", sum)
	}
}

func TestPercentJSON(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		ok      bool
	}{
		{`32.3`, `32.3`, true},
		{`"32.3"`, `32.3`, true},
		{`0.08`, `0.08`, true},
		{`100`, `100`, true},
		{`50.5`, `50.5`, true},
		{`1e999`, ``, false},
		{`33.333`, ``, false},
		{`"NaN"`, ``, false},
		{`true`, ``, false},
		{`-0`, ``, false},
	} {
		var p Percent
		err := json.Unmarshal([]byte(tc.in), &p)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v; want ok %v", tc.in, err, tc.ok)
			continue
		}
		if err != nil {
			continue
		}
		b, _ := json.Marshal(p)
		if string(b) != tc.out {
			t.Errorf("%s: marshals as %s; want %s", tc.in, b, tc.out)
		}
	}
	for f, want := range map[float64]Percent{33.3: 3330, 0.8: 80, 16.9: 1690, 12.345: 1235, 0.004: 0, -5: 0} {
		if got := PercentOf(f); got != want {
			t.Errorf("PercentOf(%v) = %d; want %d", f, got, want)
		}
	}
}
