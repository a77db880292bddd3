package cooperation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"warden"
	"warden/workcal"
)

// calendar is the business calendar of side a of a request sent at
// sent: its country's public holidays and make-up working days, its
// organisation's own closures in force when the request was sent, its
// office hours, in its time zone.
func (s *Service) calendar(ctx context.Context, a warden.Authority, sent time.Time) (*workcal.Calendar, error) {
	loc, err := zone("requested.time_zone", a.TimeZone)
	if err != nil {
		return nil, err
	}
	cs, err := s.DB.ClosuresAt(ctx, a.Org, sent)
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
// calendar (its organisation's, if it has one set by now: see
// orgCalendar), the answer's brought forward to r.DueBy when the
// requester asked for an earlier date. The acknowledgement's never
// moves: EINVALID naming due_by if that date has passed or comes before
// the acknowledgement deadline.
func (s *Service) deadlines(ctx context.Context, r *warden.Request, now time.Time) error {
	if r.DueBy != nil && !r.DueBy.After(now) {
		return warden.Errorf(warden.EINVALID, "due_by: %s has passed; change it in the draft", r.DueBy.Format(time.RFC3339))
	}
	if err := s.orgCalendar(ctx, &r.Requested); err != nil {
		return err
	}
	row, err := s.row(ctx, r.Priority)
	if err != nil {
		return err
	}
	cal, err := s.calendar(ctx, r.Requested, now)
	if err != nil {
		return err
	}
	ack := cal.Add(now, row.Acknowledge).UTC().Truncate(time.Microsecond)
	answer := cal.Add(now, row.Answer).UTC().Truncate(time.Microsecond)
	if r.DueBy != nil {
		if r.DueBy.Before(ack) {
			return warden.Errorf(warden.EINVALID, "due_by: %s comes before the acknowledgement deadline; the earliest allowed is %s (change it in the draft)",
				r.DueBy.Format(time.RFC3339), ack.Format(time.RFC3339))
		}
		if r.DueBy.Before(answer) {
			answer = *r.DueBy
		}
	}
	original := answer
	r.AckDue, r.AnswerDue, r.AnswerDueOriginal = &ack, &answer, &original
	noteCalendar(r, cal, now, answer)
	if r.Requested.Org == warden.HomeOrg && r.Requested.Country == "" {
		r.CalendarNote = homeDefaultNote
	}
	return nil
}

// noteCalendar sets r's calendar note if the time from from to until, in
// which its deadlines fall, reaches beyond the years whose public
// holidays cal knows: those days count weekends only, and the pages say
// so. A note once set stays.
func noteCalendar(r *warden.Request, cal *workcal.Calendar, from, until time.Time) {
	if cal.Covers(from) && cal.Covers(until) {
		return
	}
	r.CalendarNote = fmt.Sprintf("%s public holidays are known through %d: days after it count weekends only", r.Requested.Country, cal.Through())
}

// homeDefaultNote is the calendar note of a request counted in the
// authority's default calendar, because none is set.
const homeDefaultNote = "the authority's calendar is not set: UTC, weekends only"

// orgCalendar sets side a's time zone, country and office hours to its
// organisation's calendar, if it has one set: the requester does not
// choose the requested side's working time. Without one, the authority's
// side is counted in UTC, weekends only, 09:00-17:00 (a counterpart's
// form never says how the authority works), and a counterpart's keeps
// what the form says (the authority's people filled it).
func (s *Service) orgCalendar(ctx context.Context, a *warden.Authority) error {
	c, err := s.DB.OrgCalendar(ctx, a.Org)
	switch {
	case err != nil:
		return err
	case c.Set():
		a.TimeZone, a.Country, a.OfficeHours = c.TimeZone, c.Country, c.OfficeHours
	case a.Org == warden.HomeOrg:
		a.TimeZone, a.Country, a.OfficeHours = "UTC", "", defaultOfficeHours
	}
	return nil
}

// OrgCalendar returns organisation org's business calendar, empty if it
// has none (requests.read). A counterpart reads its own and the
// authority's, in which its requests are counted; another's is not
// found. ENOTFOUND if there is no such organisation.
func (s *Service) OrgCalendar(ctx context.Context, org string) (warden.OrgCalendar, error) {
	p, err := warden.Authorize(ctx, warden.ActRequestsRead)
	if err != nil {
		return warden.OrgCalendar{}, err
	}
	if org != warden.HomeOrg && !warden.Sees(p, org) {
		return warden.OrgCalendar{}, warden.Errorf(warden.ENOTFOUND, "no organisation %q", org)
	}
	return s.DB.OrgCalendar(ctx, org)
}

// SetOrgCalendar sets organisation org's business calendar
// (cooperation.manage, audited): its IANA time zone, its country (one
// workcal supports) and its office hours ("" is 09:00-17:00). From then
// on the requests it is asked take it when they are drafted, edited or
// sent, whatever their form says; deadlines already set do not move.
// All three empty clears it. EINVALID naming time_zone, country or
// office_hours; ENOTFOUND if there is no such organisation.
func (s *Service) SetOrgCalendar(ctx context.Context, org, tz, country, hours string) (warden.OrgCalendar, error) {
	if _, err := warden.Authorize(ctx, warden.ActCooperationManage); err != nil {
		return warden.OrgCalendar{}, err
	}
	c := warden.OrgCalendar{Org: org, TimeZone: tz, Country: strings.ToUpper(country), OfficeHours: hours}
	if c.Set() || c.Country != "" || c.OfficeHours != "" {
		loc, err := zone("time_zone", tz)
		if err != nil {
			return warden.OrgCalendar{}, err
		}
		if c.Country == "" {
			return warden.OrgCalendar{}, warden.Errorf(warden.EINVALID, "country is required: its holidays count in the deadlines")
		}
		if _, err := workcal.New(c.Country, loc, hours, nil); err != nil {
			return warden.OrgCalendar{}, err
		}
		if err := checkOfficeHours("office_hours", hours); err != nil {
			return warden.OrgCalendar{}, err
		}
		if c.OfficeHours == "" {
			c.OfficeHours = defaultOfficeHours // what it is counted in, shown
		}
	}
	ev := warden.NewAuditEvent(ctx, "organisation.calendar", "org:"+org, "", c)
	if err := s.DB.SetOrgCalendar(ctx, c, ev); err != nil {
		return warden.OrgCalendar{}, err
	}
	return c, nil
}

// defaultOfficeHours are the office hours of a calendar that names none.
const defaultOfficeHours = "09:00-17:00"

// checkOfficeHours refuses office hours (well-formed, as workcal.New
// checks) shorter than an hour a day, EINVALID naming field: a side
// keeping a minute a day would have its business deadlines pass in
// minutes.
func checkOfficeHours(field, hours string) error {
	var h1, m1, h2, m2 int
	if _, err := fmt.Sscanf(hours, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil {
		return nil // none (the default) or malformed, which workcal.New names
	}
	if (h2*60+m2)-(h1*60+m1) < 60 {
		return warden.Errorf(warden.EINVALID, "%s: %q is less than an hour a day; office hours are at least one hour", field, hours)
	}
	return nil
}

// businessSecs is the requested side's business time from r's sending to
// at, in whole seconds.
func (s *Service) businessSecs(ctx context.Context, r *warden.Request, at time.Time) (int64, error) {
	if r.SentAt == nil {
		return 0, nil
	}
	cal, err := s.calendar(ctx, r.Requested, *r.SentAt)
	if err != nil {
		return 0, err
	}
	return int64(cal.BusinessBetween(*r.SentAt, at) / time.Second), nil
}
