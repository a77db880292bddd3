package cooperation

import (
	"context"
	"time"

	"warden"
	"warden/workcal"
)

// calendar is the business calendar of side a of a request: its
// country's public holidays and make-up working days, its organisation's
// own closures, its office hours, in its time zone.
func (s *Service) calendar(ctx context.Context, a warden.Authority) (*workcal.Calendar, error) {
	loc, err := zone("requested.time_zone", a.TimeZone)
	if err != nil {
		return nil, err
	}
	cs, err := s.DB.Closures(ctx, a.Org)
	if err != nil {
		return nil, err
	}
	days := make([]string, len(cs))
	for i, c := range cs {
		days[i] = c.Date
	}
	return workcal.New(a.Country, loc, a.OfficeHours, days)
}

// zone loads an IANA time zone; EINVALID naming field if it is blank,
// "Local" (the server's, which a request must not depend on) or unknown.
func zone(field, name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, warden.Errorf(warden.EINVALID, "%s: an IANA time zone (Asia/Shanghai, America/New_York) is required", field)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "%s: %q is not an IANA time zone", field, name)
	}
	return loc, nil
}

// deadlines sets r's acknowledgement and answer deadlines as it is sent
// at now: the priority table's spans counted in the requested side's
// calendar, the answer's brought forward to r.DueBy (and the
// acknowledgement's too) when the requester asked for an earlier date.
// EINVALID naming due_by if that date is not after now.
func (s *Service) deadlines(ctx context.Context, r *warden.Request, now time.Time) error {
	if r.DueBy != nil && !r.DueBy.After(now) {
		return warden.Errorf(warden.EINVALID, "due_by: %s has passed; change it in the draft", r.DueBy.Format(time.RFC3339))
	}
	row, err := s.row(ctx, r.Priority)
	if err != nil {
		return err
	}
	cal, err := s.calendar(ctx, r.Requested)
	if err != nil {
		return err
	}
	ack := cal.Add(now, row.Acknowledge).UTC().Truncate(time.Microsecond)
	answer := cal.Add(now, row.Answer).UTC().Truncate(time.Microsecond)
	if r.DueBy != nil {
		answer = earliest(answer, *r.DueBy)
		ack = earliest(ack, *r.DueBy)
	}
	original := answer
	r.AckDue, r.AnswerDue, r.AnswerDueOriginal = &ack, &answer, &original
	return nil
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// businessSecs is the requested side's business time from r's sending to
// at, in whole seconds.
func (s *Service) businessSecs(ctx context.Context, r *warden.Request, at time.Time) (int64, error) {
	if r.SentAt == nil {
		return 0, nil
	}
	cal, err := s.calendar(ctx, r.Requested)
	if err != nil {
		return 0, err
	}
	return int64(cal.BusinessBetween(*r.SentAt, at) / time.Second), nil
}
