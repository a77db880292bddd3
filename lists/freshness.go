package lists

import (
	"context"
	"fmt"
	"slices"
	"time"

	"warden"
)

// MaxListAge is how old a list's date may be before the list is flagged
// as stale whatever its cadence: official lists change every few days to
// weeks, and a list dated more than a month ago is most likely not being
// fetched (the bundled OFAC snapshot is dated 2024-07-02).
const MaxListAge = 30 * 24 * time.Hour

// Freshness is how current a list is, for the dashboard: its dates, its
// usual cadence, and why it looks stale, if it does.
type Freshness struct {
	List warden.List
	// Age is how old the list date is (zero without one).
	Age time.Duration
	// Cadence is the usual time between two changes of the list: the
	// median gap between its versions' list dates (their imports', for
	// versions that stated none). Zero with fewer than two versions.
	Cadence time.Duration
	// Unchanged is how long ago the list last changed.
	Unchanged time.Duration
	// Warnings say why the list looks stale; none when it is fresh.
	Warnings []string
}

// Stale reports whether any warning was raised.
func (f Freshness) Stale() bool { return len(f.Warnings) > 0 }

// Fresh judges list l, whose versions are vs (any order), as of now: a
// warning when its list date is older than maxAge, when it has none, and
// when it has not changed for more than twice its usual cadence (one
// missed publication may be a quiet week; two are not).
func Fresh(l warden.List, vs []warden.ListVersion, now time.Time, maxAge time.Duration) Freshness {
	f := Freshness{List: l, Cadence: cadence(vs)}
	if !l.LastChanged.IsZero() {
		f.Unchanged = now.Sub(l.LastChanged)
	}
	switch d, err := time.Parse(time.DateOnly, l.ListDate); {
	case l.ListDate == "":
		f.Warnings = append(f.Warnings, "no list date: its files state none; give it with warden import --list-date")
	case err != nil:
		f.Warnings = append(f.Warnings, fmt.Sprintf("list date %q is not a date", l.ListDate))
	default:
		f.Age = now.Sub(d)
		if f.Age > maxAge {
			f.Warnings = append(f.Warnings, fmt.Sprintf("list date %s is %s old, more than %s", l.ListDate, days(f.Age), days(maxAge)))
		}
	}
	if f.Cadence > 0 && f.Unchanged > 2*f.Cadence {
		f.Warnings = append(f.Warnings, fmt.Sprintf("not changed for %s, more than twice its usual %s between changes", days(f.Unchanged), days(f.Cadence)))
	}
	return f
}

// cadence is the median gap between consecutive versions, each dated by
// its list date, or its import where it has none.
func cadence(vs []warden.ListVersion) time.Duration {
	var at []time.Time
	for _, v := range vs {
		t := v.ImportedAt
		if d, err := time.Parse(time.DateOnly, v.Published); err == nil {
			t = d
		}
		at = append(at, t)
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	var gaps []time.Duration
	for i := 1; i < len(at); i++ {
		if g := at[i].Sub(at[i-1]); g > 0 {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return 0
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2]
}

// days writes a duration in whole days, "1 day" or "12 days", or hours
// under a day.
func days(d time.Duration) string {
	switch n := int(d.Hours() / 24); {
	case n == 0:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case n == 1:
		return "1 day"
	default:
		return fmt.Sprintf("%d days", n)
	}
}

// Freshness judges every list as of now (see Fresh), for a principal
// with lists.read.
func (s *Service) Freshness(ctx context.Context, now time.Time) ([]Freshness, error) {
	ls, err := s.Lists(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Freshness, 0, len(ls))
	for _, l := range ls {
		vs, err := s.DB.Versions(ctx, l.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, Fresh(l, vs, now, MaxListAge))
	}
	return out, nil
}
