package match

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"warden"
)

// TestBirthDates requires query birth dates to be dates of the calendar:
// impossible ones are EINVALID naming the field, not compared as text, and
// so are dates after the day of screening (Query.AsOf, here 2024-07-02).
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
		{"2024-07-02", true},
		{"2024-07", true},
		{"2024", true},
		{"2024-07-03", false},
		{"2024-08", false},
		{"2025", false},
		{"2999-01-01", false},
		{"9999-12-31", false},
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
		_, err := Prepare(Query{Names: []string{"Maksim Yakubets"}, BirthDates: []string{c.date}, AsOf: time.Date(2024, 7, 2, 23, 0, 0, 0, time.UTC)})
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

// TestFutureBirthDateToday: without AsOf, today is the day of screening.
func TestFutureBirthDateToday(t *testing.T) {
	next := time.Now().AddDate(1, 0, 0).Format("2006")
	for _, d := range []string{"2999-01-01", next} {
		if _, err := Prepare(Query{Names: []string{"Maksim Yakubets"}, BirthDates: []string{d}}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%q: err = %v, want EINVALID", d, err)
		}
	}
}

// TestEveryNameScreened puts a listed name behind decoys of every script,
// each read in several ways: it must be screened all the same, wherever it
// stands, and a query of more names than MaxQueryNames is EINVALID rather
// than screened in part.
func TestEveryNameScreened(t *testing.T) {
	ix := ofac(t)
	decoys := []string{
		"Иван Петрович Сидоров", "Сергей Смирнов", "Екатерина Волкова", "Жанна Щукина",
		"王小明", "李华有限公司", "محمد عبد الله", "Γιώργος Παπαδόπουλος",
		"John Smith", "Acme Trading Company",
	}
	for _, at := range []int{0, 5, len(decoys)} {
		names := append(append(append([]string{}, decoys[:at]...), "Maksim Yakubets"), decoys[at:]...)
		hits, err := ix.Search(Query{Names: names}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.Entity.SourceID == "26663" && h.Match
		}
		if !found {
			t.Errorf("Maksim Yakubets at %d of %d names: not matched; hits %v", at, len(names), sourceIDs(hits))
		}
	}
	var many []string
	for i := range MaxQueryNames + 1 {
		many = append(many, fmt.Sprintf("Decoy Number%c", 'a'+i%26))
	}
	if _, err := Prepare(Query{Names: many}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("%d names: err = %v, want EINVALID", len(many), err)
	}
}
