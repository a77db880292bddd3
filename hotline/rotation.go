package hotline

import (
	"context"
	"time"

	"warden"
)

// OnCall is who is on call in a rotation at a time, and who is next.
type OnCall struct {
	Rotation warden.Rotation `json:"rotation"`
	Now      warden.Shift    `json:"now"`
	Next     warden.Shift    `json:"next"`
}

// OnCall returns, for every rotation, who is on call at at and who is next
// (hotline.read).
func (s *Service) OnCall(ctx context.Context, at time.Time) ([]OnCall, error) {
	if _, err := warden.Authorize(ctx, warden.ActHotlineRead); err != nil {
		return nil, err
	}
	rs, err := s.db.Rotations(ctx)
	if err != nil {
		return nil, err
	}
	out := []OnCall{}
	for _, r := range rs {
		now, next, err := ShiftAt(r, at)
		if err != nil {
			return nil, err
		}
		out = append(out, OnCall{Rotation: r, Now: now, Next: next})
	}
	return out, nil
}

// ShiftAt returns the shift of r that holds at, and the one after it, with
// r's overrides applied. Shifts of days and weeks are counted on the
// calendar of r's time zone, so a hand-off keeps its local time across a
// daylight-saving change (a day shift is then 23 or 25 hours long); shifts
// of hours are counted in absolute time.
func ShiftAt(r warden.Rotation, at time.Time) (now, next warden.Shift, err error) {
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil || r.TimeZone == "" {
		return now, next, warden.Errorf(warden.EINVALID, "rotation %q: unknown time zone %q", r.Name, r.TimeZone)
	}
	if r.ShiftLength < 1 || len(r.Participants) == 0 {
		return now, next, warden.Errorf(warden.EINVALID, "rotation %q has no shifts", r.Name)
	}
	now = effective(r, loc, at)
	next = effective(r, loc, now.End)
	return now, next, nil
}

// effective is the shift holding at t: an override's, or the rotation's
// own, cut short where an override begins and begun where one ends.
func effective(r warden.Rotation, loc *time.Location, t time.Time) warden.Shift {
	for _, o := range r.Overrides {
		if !t.Before(o.Start) && t.Before(o.End) {
			return warden.Shift{Person: o.Person, Start: o.Start, End: o.End, Override: true}
		}
	}
	sh := regular(r, loc, t)
	for _, o := range r.Overrides {
		if o.Start.After(t) && o.Start.Before(sh.End) {
			sh.End = o.Start
		}
		if !o.End.After(t) && o.End.After(sh.Start) {
			sh.Start = o.End
		}
	}
	return sh
}

// regular is the rotation's own shift holding at t.
func regular(r warden.Rotation, loc *time.Location, t time.Time) warden.Shift {
	start := r.Start.In(loc)
	bound := func(k int) time.Time {
		switch r.ShiftUnit {
		case warden.ShiftDays:
			return start.AddDate(0, 0, k*r.ShiftLength)
		case warden.ShiftWeeks:
			return start.AddDate(0, 0, 7*k*r.ShiftLength)
		}
		return start.Add(time.Duration(k*r.ShiftLength) * time.Hour)
	}
	// An estimate in absolute time, corrected on the calendar: a
	// daylight-saving change moves a boundary by an hour at most.
	approx := time.Duration(r.ShiftLength) * time.Hour
	switch r.ShiftUnit {
	case warden.ShiftDays:
		approx *= 24
	case warden.ShiftWeeks:
		approx *= 24 * 7
	}
	k := int(t.Sub(start) / approx)
	for bound(k).After(t) {
		k--
	}
	for !bound(k + 1).After(t) {
		k++
	}
	n := len(r.Participants)
	return warden.Shift{Person: r.Participants[((k%n)+n)%n], Start: bound(k).In(loc), End: bound(k + 1).In(loc)}
}
