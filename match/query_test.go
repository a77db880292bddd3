package match

import (
	"strings"
	"testing"

	"warden"
)

// TestBirthDates requires query birth dates to be dates of the calendar:
// impossible ones are EINVALID naming the field, not compared as text.
func TestBirthDates(t *testing.T) {
	for _, c := range []struct {
		date string
		ok   bool
	}{
		{"1990", true},
		{"1990-02", true},
		{"1990-02-28", true},
		{"2000-02-29", true}, // divisible by 400: leap
		{"2024-02-29", true},
		{"1990-12-31", true},
		{"0001-01-01", true},
		{"9999-12-31", true},
		{"1990-13-45", false},
		{"1990-02-30", false},
		{"1900-02-29", false}, // divisible by 100, not by 400: not leap
		{"2023-02-29", false},
		{"1990-04-31", false},
		{"1990-01-00", false},
		{"1990-01-32", false},
		{"0000", false},
		{"0000-01-01", false},
		{"1990-00", false},
		{"1990-1-1", false},
		{"19900", false},
		{"199a", false},
		{"1990/01/01", false},
		{"", false},
	} {
		_, err := Prepare(Query{Names: []string{"Maksim Yakubets"}, BirthDates: []string{c.date}})
		switch {
		case c.ok && err != nil:
			t.Errorf("%q: %v", c.date, err)
		case !c.ok && warden.ErrorCode(err) != warden.EINVALID:
			t.Errorf("%q: err = %v, want EINVALID", c.date, err)
		case !c.ok && !strings.Contains(err.Error(), "birth_date"):
			t.Errorf("%q: error %q does not name the field", c.date, err)
		}
	}
}
