package lists

import (
	"strings"
	"testing"
	"time"

	"warden"
)

// TestFresh: the list date's age, a missing date, and the time since the
// last change against the list's cadence each raise their warning, and
// only they do.
func TestFresh(t *testing.T) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	// weekly versions, dated by the files, the last one imported at last.
	weekly := func(last time.Time, n int) []warden.ListVersion {
		var vs []warden.ListVersion
		for i := range n {
			at := last.Add(-time.Duration(n-1-i) * 7 * day)
			vs = append(vs, warden.ListVersion{Version: i + 1, Published: at.Format(time.DateOnly), ImportedAt: at.Add(time.Hour)})
		}
		return vs
	}
	tests := []struct {
		name    string
		date    string
		changed time.Time
		vs      []warden.ListVersion
		cadence time.Duration
		want    []string // a part of each warning, in order
	}{
		{"the bundled snapshot", "2024-07-02", now.Add(-time.Hour), []warden.ListVersion{{Version: 1, Published: "2024-07-02", ImportedAt: now.Add(-time.Hour)}}, 0,
			[]string{"list date 2024-07-02 is 881 days old, more than 30 days"}},
		{"weekly, on time", now.Add(-3 * day).Format(time.DateOnly), now.Add(-3 * day), weekly(now.Add(-3*day), 5), 7 * day, nil},
		{"weekly, three weeks quiet", now.Add(-21 * day).Format(time.DateOnly), now.Add(-21 * day), weekly(now.Add(-21*day), 5), 7 * day,
			[]string{"not changed for 21 days, more than twice its usual 7 days between changes"}},
		{"no date", "", now.Add(-day), []warden.ListVersion{{Version: 1, ImportedAt: now.Add(-day)}}, 0, []string{"no list date"}},
		{"old and quiet", "2026-09-01", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), weekly(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 3), 7 * day,
			[]string{"list date 2026-09-01 is 90 days old", "not changed for 90 days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Fresh(warden.List{Name: "x", ListDate: tt.date, LastChanged: tt.changed}, tt.vs, now, MaxListAge)
			if f.Cadence != tt.cadence {
				t.Errorf("cadence %v, want %v", f.Cadence, tt.cadence)
			}
			if len(f.Warnings) != len(tt.want) || f.Stale() != (len(tt.want) > 0) {
				t.Fatalf("warnings %q, want %q", f.Warnings, tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(f.Warnings[i], w) {
					t.Errorf("warning %q, want %q in it", f.Warnings[i], w)
				}
			}
		})
	}
}
