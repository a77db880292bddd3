package warden

import (
	"testing"
	"time"
)

// TestParseDate: the three precisions the lists use are read to the first
// day they name; dates not of the calendar and other shapes are EINVALID.
func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // YYYY-MM-DD, or "" for an error
	}{
		{"1987-02-03", "1987-02-03"},
		{"1987-02", "1987-02-01"},
		{"1987", "1987-01-01"},
		{"2024-02-29", "2024-02-29"}, // leap year
		{"2000-02-29", "2000-02-29"}, // leap century
		{"0001-01-01", "0001-01-01"},
		{"1987-13-45", ""},
		{"1987-02-30", ""},
		{"1900-02-29", ""}, // not a leap year
		{"2023-02-29", ""},
		{"1987-04-31", ""},
		{"1987-00", ""},
		{"1987-13", ""},
		{"1987-00-10", ""},
		{"1987-01-00", ""},
		{"0000", ""},
		{"0000-01-01", ""},
		{"87", ""},
		{"19870203", ""},
		{"1987/02/03", ""},
		{"03-02-1987", ""},
		{"1987-2-3", ""},
		{"1987-02-03T00:00:00Z", ""},
		{" 1987", ""},
		{"1987-02-03 ", ""},
		{"+987", ""},
		{"", ""},
		{"born 1987", ""},
	} {
		got, err := ParseDate(tc.in)
		if tc.want == "" {
			if err == nil || ErrorCode(err) != EINVALID {
				t.Errorf("ParseDate(%q) = %v, %v; want an EINVALID error", tc.in, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tc.in, err)
			continue
		}
		if s := got.Format(time.DateOnly); s != tc.want || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) = %v, want %s UTC", tc.in, got, tc.want)
		}
	}
}
