package hotline_test

import (
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/store/storetest"
)

func at(t *testing.T, zone, local string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestShiftAt(t *testing.T) {
	paris := func(s string) time.Time { return at(t, "Europe/Paris", s) }
	ny := func(s string) time.Time { return at(t, "America/New_York", s) }
	abc := []string{"alice", "bob", "carol"}
	daily := func(zone string, start time.Time) warden.Rotation {
		return warden.Rotation{Name: "daily " + zone, TimeZone: zone, Start: start, ShiftLength: 1, ShiftUnit: warden.ShiftDays, Participants: abc}
	}
	tests := []struct {
		name       string
		r          warden.Rotation
		at         time.Time
		now, next  string
		start, end time.Time
	}{
		{"Paris before the spring change", daily("Europe/Paris", paris("2026-03-27 09:00")), paris("2026-03-28 08:59"), "alice", "bob",
			paris("2026-03-27 09:00"), paris("2026-03-28 09:00")},
		{"Paris: the 23-hour day keeps the 09:00 hand-off", daily("Europe/Paris", paris("2026-03-27 09:00")), paris("2026-03-29 12:00"), "carol", "alice",
			paris("2026-03-29 09:00"), paris("2026-03-30 09:00")},
		{"Paris after the spring change", daily("Europe/Paris", paris("2026-03-27 09:00")), paris("2026-03-30 09:00"), "alice", "bob",
			paris("2026-03-30 09:00"), paris("2026-03-31 09:00")},
		{"Paris across the autumn change", daily("Europe/Paris", paris("2026-10-23 09:00")), paris("2026-10-26 08:59"), "carol", "alice",
			paris("2026-10-25 09:00"), paris("2026-10-26 09:00")},
		{"New York changes three weeks before Paris", daily("America/New_York", ny("2026-03-06 09:00")), ny("2026-03-09 09:30"), "alice", "bob",
			ny("2026-03-09 09:00"), ny("2026-03-10 09:00")},
		{"before the start, shifts count backwards", daily("America/New_York", ny("2026-03-06 09:00")), ny("2026-03-05 10:00"), "carol", "alice",
			ny("2026-03-05 09:00"), ny("2026-03-06 09:00")},
		{"weekly", warden.Rotation{TimeZone: "Europe/Paris", Start: paris("2026-03-23 10:00"), ShiftLength: 1, ShiftUnit: warden.ShiftWeeks, Participants: abc},
			paris("2026-04-06 09:59"), "bob", "carol", paris("2026-03-30 10:00"), paris("2026-04-06 10:00")},
		{"12-hour shifts count absolute hours across the change", warden.Rotation{TimeZone: "Europe/Paris", Start: paris("2026-03-28 08:00"), ShiftLength: 12,
			ShiftUnit: warden.ShiftHours, Participants: []string{"alice", "bob"}}, paris("2026-03-29 12:00"), "alice", "bob",
			paris("2026-03-29 09:00"), paris("2026-03-29 21:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, next, err := hotline.ShiftAt(tt.r, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if now.Person != tt.now || next.Person != tt.next || !now.Start.Equal(tt.start) || !now.End.Equal(tt.end) || !next.Start.Equal(tt.end) {
				t.Errorf("got now %s %s–%s, next %s from %s; want now %s %s–%s, next %s", now.Person, now.Start, now.End, next.Person, next.Start,
					tt.now, tt.start, tt.end, tt.next)
			}
		})
	}
}

func TestShiftAtOverride(t *testing.T) {
	paris := func(s string) time.Time { return at(t, "Europe/Paris", s) }
	r := warden.Rotation{TimeZone: "Europe/Paris", Start: paris("2026-03-02 09:00"), ShiftLength: 1, ShiftUnit: warden.ShiftDays, Participants: []string{"alice", "bob"},
		Overrides: []warden.Override{{Person: "dave", Start: paris("2026-03-02 13:00"), End: paris("2026-03-02 17:00")}}}
	tests := []struct {
		at                 string
		now, next          string
		nowStart, nowEnd   string
		override, nextOver bool
	}{
		{"2026-03-02 10:00", "alice", "dave", "2026-03-02 09:00", "2026-03-02 13:00", false, true},
		{"2026-03-02 14:00", "dave", "alice", "2026-03-02 13:00", "2026-03-02 17:00", true, false},
		{"2026-03-02 18:00", "alice", "bob", "2026-03-02 17:00", "2026-03-03 09:00", false, false},
	}
	for _, tt := range tests {
		now, next, err := hotline.ShiftAt(r, paris(tt.at))
		if err != nil {
			t.Fatal(err)
		}
		if now.Person != tt.now || next.Person != tt.next || !now.Start.Equal(paris(tt.nowStart)) || !now.End.Equal(paris(tt.nowEnd)) ||
			now.Override != tt.override || next.Override != tt.nextOver {
			t.Errorf("at %s: now %+v, next %+v", tt.at, now, next)
		}
	}
}

func TestRotationTarget(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), hotline.Options{})
	r, err := e.s.CreateRotation(e.admin, warden.Rotation{Name: "duty", TimeZone: "America/New_York", Start: at(t, "America/New_York", "2026-03-01 08:00"),
		ShiftLength: 1, ShiftUnit: warden.ShiftDays, Participants: []string{"alice", "bob", "carol"}})
	if err != nil {
		t.Fatal(err)
	}
	// t0 is 04:00 in New York on 2 March: the shift of 1 March (alice)
	// runs to 08:00.
	p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", warden.Target{Kind: warden.TargetRotation, ID: "1"}),
		step(5*time.Hour, "", warden.Target{Kind: warden.TargetRotation, ID: "1"})}})
	e.raise(hotline.RaiseInput{Policy: p.ID})
	e.play([]moment{{0, []string{"alice@example.org"}}, {5 * time.Hour, []string{"bob@example.org"}}})
	if _, err := e.s.AddOverride(e.admin, r.ID, warden.Override{Person: "carol", Start: t0, End: t0.Add(-time.Hour)}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("override ending before it starts: %v", err)
	}
	oc, err := e.s.OnCall(e.admin, t0.Add(5*time.Hour))
	if err != nil || len(oc) != 1 || oc[0].Now.Person != "bob" || oc[0].Next.Person != "carol" {
		t.Errorf("on call: %+v, %v", oc, err)
	}
}
