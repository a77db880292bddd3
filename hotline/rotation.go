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
	if at.Before(earliest) || !at.Before(latest) {
		return nil, warden.Errorf(warden.EINVALID, "ask who is on call between 2000-01-01 and 2200-01-01, not %s", at.UTC().Format(time.RFC3339))
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
		if err := s.active(ctx, r, &now); err != nil {
			return nil, err
		}
		if err := s.active(ctx, r, &next); err != nil {
			return nil, err
		}
		out = append(out, OnCall{Rotation: r, Now: now, Next: next})
	}
	return out, nil
}

// active puts in sh, if its person is disabled, the next participant who
// is not (as a step firing then would page them), naming the disabled one
// in Instead.
func (s *Service) active(ctx context.Context, r warden.Rotation, sh *warden.Shift) error {
	off, err := s.db.Disabled(ctx, sh.Person)
	if err != nil || off == nil {
		return err
	}
	for _, p := range after(r, sh.Person, sh.Start) {
		off, err := s.db.Disabled(ctx, p)
		if err != nil {
			return err
		}
		if off == nil {
			sh.Person, sh.Instead = p, sh.Person
			return nil
		}
	}
	sh.Person, sh.Instead = "", sh.Person
	return nil
}

// ShiftAt returns the shift of r that holds at, and the one after it, with
// r's overrides applied. Shifts of days and weeks are counted on the
// calendar of r's time zone, so a hand-off keeps its local time across a
// daylight-saving change (a day shift is then 23 or 25 hours long); shifts
// of hours are counted in absolute time. EINVALID for a rotation outside
// checkShifts' bounds.
func ShiftAt(r warden.Rotation, at time.Time) (now, next warden.Shift, err error) {
	loc, err := checkShifts(r)
	if err != nil {
		return now, next, err
	}
	if now, err = effective(r, loc, at); err != nil {
		return now, next, err
	}
	next, err = effective(r, loc, now.End)
	return now, next, err
}

// Bounds of a rotation, which keep its arithmetic exact and quick: a
// start between earliest and latest, at most a year's shift, at most
// maxParticipants people.
var (
	earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

const maxParticipants = 100

// maxShift is the longest shift in each unit: a year.
var maxShift = map[warden.ShiftUnit]int{warden.ShiftHours: 8760, warden.ShiftDays: 366, warden.ShiftWeeks: 52}

// checkShifts checks what r's shifts are computed from and returns its
// time zone: an IANA name (UTC allowed; not "Local", which is whatever
// the server is set to).
func checkShifts(r warden.Rotation) (*time.Location, error) {
	if r.TimeZone == "" || r.TimeZone == "Local" {
		return nil, warden.Errorf(warden.EINVALID, "rotation %q: time zone %q is not an IANA name such as Europe/Paris or UTC", r.Name, r.TimeZone)
	}
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "rotation %q: unknown time zone %q: say it like Europe/Paris", r.Name, r.TimeZone)
	}
	if r.Start.Before(earliest) || !r.Start.Before(latest) {
		return nil, warden.Errorf(warden.EINVALID, "rotation %q: the start must be between 2000-01-01 and 2200-01-01, not %s", r.Name, r.Start.UTC().Format(time.RFC3339))
	}
	most, ok := maxShift[r.ShiftUnit]
	if !ok {
		return nil, warden.Errorf(warden.EINVALID, "shift unit %q is not hours, days or weeks", r.ShiftUnit)
	}
	if r.ShiftLength < 1 || r.ShiftLength > most {
		return nil, warden.Errorf(warden.EINVALID, "a shift is 1 to %d %s, not %d", most, r.ShiftUnit, r.ShiftLength)
	}
	if len(r.Participants) == 0 || len(r.Participants) > maxParticipants {
		return nil, warden.Errorf(warden.EINVALID, "rotation %q has %d participants: it takes 1 to %d", r.Name, len(r.Participants), maxParticipants)
	}
	return loc, nil
}

// effective is the shift holding at t: an override's, or the rotation's
// own, cut short where an override begins and begun where one ends.
func effective(r warden.Rotation, loc *time.Location, t time.Time) (warden.Shift, error) {
	for _, o := range r.Overrides {
		if !t.Before(o.Start) && t.Before(o.End) {
			return warden.Shift{Person: o.Person, Start: o.Start, End: o.End, Override: true}, nil
		}
	}
	sh, err := regular(r, loc, t)
	if err != nil {
		return sh, err
	}
	for _, o := range r.Overrides {
		if o.Start.After(t) && o.Start.Before(sh.End) {
			sh.End = o.Start
		}
		if !o.End.After(t) && o.End.After(sh.Start) {
			sh.Start = o.End
		}
	}
	return sh, nil
}

// regular is the rotation's own shift holding at t. The shift's number is
// computed from seconds since the start, which cannot overflow for any
// time a time.Time parsed from text holds; a day or week shift, counted
// on the calendar, is at most an hour off that (a daylight-saving
// change), which a step or two corrects.
func regular(r warden.Rotation, loc *time.Location, t time.Time) (warden.Shift, error) {
	start := r.Start.In(loc)
	length := int64(r.ShiftLength) * 3600 // seconds
	switch r.ShiftUnit {
	case warden.ShiftDays:
		length *= 24
	case warden.ShiftWeeks:
		length *= 24 * 7
	}
	bound := func(k int64) time.Time {
		switch r.ShiftUnit {
		case warden.ShiftDays:
			return start.AddDate(0, 0, int(k)*r.ShiftLength)
		case warden.ShiftWeeks:
			return start.AddDate(0, 0, 7*int(k)*r.ShiftLength)
		}
		return time.Unix(start.Unix()+k*length, int64(start.Nanosecond())).In(loc)
	}
	d := t.Unix() - start.Unix()
	k := d / length
	if d%length < 0 {
		k-- // floor, not truncation, before the start
	}
	for range 4 {
		switch {
		case bound(k).After(t):
			k--
		case !bound(k + 1).After(t):
			k++
		default:
			n := int64(len(r.Participants))
			return warden.Shift{Person: r.Participants[((k%n)+n)%n], Start: bound(k), End: bound(k + 1)}, nil
		}
	}
	return warden.Shift{}, warden.Errorf(warden.EINVALID, "rotation %q has no shift at %s", r.Name, t.UTC().Format(time.RFC3339))
}
