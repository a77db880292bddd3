package cooperation

import (
	"context"
	"fmt"
	"math"
	"time"

	"warden"
	"warden/workcal"
)

// The keys of the settings an administrator changes.
const (
	keyPriorityTable = "priority_table"
	keyThresholds    = "referral_thresholds"
)

// table is the priority table in force: the one set, or
// warden.DefaultPriorityTable.
func (s *Service) table(ctx context.Context) ([]warden.PriorityDeadlines, error) {
	var t []warden.PriorityDeadlines
	ok, err := s.DB.CooperationSetting(ctx, keyPriorityTable, &t)
	if err != nil {
		return nil, err
	}
	if !ok {
		return append([]warden.PriorityDeadlines(nil), warden.DefaultPriorityTable...), nil
	}
	return t, nil
}

// row is the priority table's row for p.
func (s *Service) row(ctx context.Context, p warden.Priority) (warden.PriorityDeadlines, error) {
	t, err := s.table(ctx)
	if err != nil {
		return warden.PriorityDeadlines{}, err
	}
	for _, r := range t {
		if r.Priority == p {
			return r, nil
		}
	}
	return warden.PriorityDeadlines{}, warden.Errorf(warden.EINVALID, "priority %q has no row in the priority table", p)
}

// PriorityTable returns the deadlines each priority sets. Anyone who
// reads requests may read it: a counterpart knows its deadlines.
func (s *Service) PriorityTable(ctx context.Context) ([]warden.PriorityDeadlines, error) {
	if _, err := warden.Authorize(ctx, warden.ActRequestsRead); err != nil {
		return nil, err
	}
	return s.table(ctx)
}

// spanFrom is the instant SetPriorityTable compares spans from: a Monday
// at the opening of default office hours, on a calendar of weekends only.
var spanFrom = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// SetPriorityTable replaces the priority table (cooperation.manage): one
// row for each priority, with spans of 1 to 3660 units, the
// acknowledgement due no later than the answer (compared from a Monday
// 09:00 on a calendar of weekends only). It applies to requests sent
// from then on; the deadlines of those sent before stay. EINVALID naming
// the row and field as the API's body has them
// (priorities[2].acknowledge).
func (s *Service) SetPriorityTable(ctx context.Context, t []warden.PriorityDeadlines) error {
	if _, err := warden.Authorize(ctx, warden.ActCooperationManage); err != nil {
		return err
	}
	weekends, err := workcal.New("", time.UTC, "", nil)
	if err != nil {
		return err
	}
	seen := map[warden.Priority]bool{}
	for i, r := range t {
		field := fmt.Sprintf("priorities[%d]", i)
		if !r.Priority.Valid() {
			return warden.Errorf(warden.EINVALID, "%s.priority %q must be one of %s", field, r.Priority, join(warden.Priorities))
		}
		if seen[r.Priority] {
			return warden.Errorf(warden.EINVALID, "%s.priority: %s has a row already", field, r.Priority)
		}
		seen[r.Priority] = true
		if err := r.Acknowledge.Check(field + ".acknowledge"); err != nil {
			return err
		}
		if err := r.Answer.Check(field + ".answer"); err != nil {
			return err
		}
		if weekends.Add(spanFrom, r.Acknowledge).After(weekends.Add(spanFrom, r.Answer)) {
			return warden.Errorf(warden.EINVALID, "%s.acknowledge: %s is longer than the answer's %s", field, r.Acknowledge, r.Answer)
		}
	}
	for _, p := range warden.Priorities {
		if !seen[p] {
			return warden.Errorf(warden.EINVALID, "priorities: %s has no row", p)
		}
	}
	return s.DB.SetCooperationSetting(ctx, keyPriorityTable, t, warden.NewAuditEvent(ctx, "cooperation.priority_table", "cooperation:priority_table", "", t))
}

// thresholds are the referral thresholds in force.
func (s *Service) thresholds(ctx context.Context) (warden.ReferralThresholds, error) {
	t := warden.DefaultReferralThresholds
	_, err := s.DB.CooperationSetting(ctx, keyThresholds, &t)
	return t, err
}

// Thresholds returns when a request may be referred for sanctions
// (scorecards.read: not shown to counterparts).
func (s *Service) Thresholds(ctx context.Context) (warden.ReferralThresholds, error) {
	if _, err := warden.Authorize(ctx, warden.ActScorecardsRead); err != nil {
		return warden.ReferralThresholds{}, err
	}
	return s.thresholds(ctx)
}

// SetThresholds replaces the referral thresholds (cooperation.manage):
// overdue_days 0 to 3650, min_quality 1 to 5. EINVALID naming the field.
func (s *Service) SetThresholds(ctx context.Context, t warden.ReferralThresholds) error {
	if _, err := warden.Authorize(ctx, warden.ActCooperationManage); err != nil {
		return err
	}
	if t.OverdueDays < 0 || t.OverdueDays > 3650 {
		return warden.Errorf(warden.EINVALID, "overdue_days: %d must be 0 to 3650", t.OverdueDays)
	}
	if math.IsNaN(t.MinQuality) || t.MinQuality < 1 || t.MinQuality > 5 {
		return warden.Errorf(warden.EINVALID, "min_quality: %v must be 1 to 5", t.MinQuality)
	}
	return s.DB.SetCooperationSetting(ctx, keyThresholds, t, warden.NewAuditEvent(ctx, "cooperation.thresholds", "cooperation:referral_thresholds", "", t))
}

// Closures returns organisation org's own closures, by date. A
// counterpart reads only its own (another's: ENOTFOUND).
func (s *Service) Closures(ctx context.Context, org string) ([]warden.Closure, error) {
	p, err := warden.Authorize(ctx, warden.ActRequestsRead)
	if err != nil {
		return nil, err
	}
	if !warden.Sees(p, org) {
		return nil, warden.Errorf(warden.ENOTFOUND, "no organisation %q", org)
	}
	return s.DB.Closures(ctx, org)
}

// Limits on closures: a closure is a day from today (UTC) to
// closureDays ahead, and an organisation has at most closuresPerYear in a
// calendar year, so that a side cannot stretch its deadlines at will.
const (
	closureDays     = 400
	closuresPerYear = 15
)

// AddClosure records a day organisation c.Org does not work
// (closures.manage; a counterpart for its own organisation only, another
// is not found), stamping c.AddedAt. The deadlines and the business time
// of requests sent from then on skip it; those of requests sent before
// do not. EINVALID naming org, date (not a date, before today in UTC,
// more than 400 days ahead, or the 16th of its year) or reason;
// ECONFLICT if the day is closed already.
func (s *Service) AddClosure(ctx context.Context, c warden.Closure) error {
	if err := s.closureOrg(ctx, c.Org); err != nil {
		return err
	}
	day, err := time.Parse(time.DateOnly, c.Date)
	if err != nil {
		return warden.Errorf(warden.EINVALID, "date: %q is not a date YYYY-MM-DD", c.Date)
	}
	now := s.now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if last := today.AddDate(0, 0, closureDays); day.Before(today) || day.After(last) {
		return warden.Errorf(warden.EINVALID, "date: %s is not from today (%s, UTC) to %d days ahead (%s)", c.Date, today.Format(time.DateOnly), closureDays, last.Format(time.DateOnly))
	}
	if err := warden.CheckText(warden.TextNote, "reason", c.Reason, maxLine); err != nil {
		return err
	}
	c.AddedAt = now
	return s.DB.AddClosure(ctx, c, closuresPerYear, warden.NewAuditEvent(ctx, "closure.add", "org:"+c.Org, c.Reason, map[string]any{"date": c.Date}))
}

// RemoveClosure removes a closure (closures.manage, as AddClosure) for
// the requests sent from then on; those sent while it was in force keep
// counting it. ENOTFOUND if there is none.
func (s *Service) RemoveClosure(ctx context.Context, org, date string) error {
	if err := s.closureOrg(ctx, org); err != nil {
		return err
	}
	return s.DB.RemoveClosure(ctx, org, date, s.now(), warden.NewAuditEvent(ctx, "closure.remove", "org:"+org, "", map[string]any{"date": date}))
}

// closureOrg authorises closures.manage on org's closures: ENOTFOUND for
// another counterpart's, EINVALID naming org for an organisation Warden
// does not hold.
func (s *Service) closureOrg(ctx context.Context, org string) error {
	p, err := warden.Authorize(ctx, warden.ActClosuresManage)
	if err != nil {
		return err
	}
	if !warden.Sees(p, org) {
		return warden.Errorf(warden.ENOTFOUND, "no organisation %q", org)
	}
	if _, err := s.DB.Org(ctx, org); warden.ErrorCode(err) == warden.ENOTFOUND {
		return warden.Errorf(warden.EINVALID, "org: no organisation %q", org)
	} else if err != nil {
		return err
	}
	return nil
}

// Dialogues returns the dialogues held with organisation org ("" for
// all), by date (scorecards.read).
func (s *Service) Dialogues(ctx context.Context, org string) ([]warden.Dialogue, error) {
	if _, err := warden.Authorize(ctx, warden.ActScorecardsRead); err != nil {
		return nil, err
	}
	return s.DB.Dialogues(ctx, org)
}

// AddDialogue records a dialogue held with a counterpart
// (cooperation.manage), so that a scorecard can run from it. EINVALID
// naming org (not a counterpart), held_on (not a date, or in the future)
// or notes.
func (s *Service) AddDialogue(ctx context.Context, d warden.Dialogue) (warden.Dialogue, error) {
	p, err := warden.Authorize(ctx, warden.ActCooperationManage)
	if err != nil {
		return warden.Dialogue{}, err
	}
	if err := s.counterpartOrg(ctx, "org", d.Org); err != nil {
		return warden.Dialogue{}, err
	}
	now := s.now()
	on, err := time.Parse(time.DateOnly, d.HeldOn)
	if err != nil {
		return warden.Dialogue{}, warden.Errorf(warden.EINVALID, "held_on: %q is not a date YYYY-MM-DD", d.HeldOn)
	}
	if on.After(now) {
		return warden.Dialogue{}, warden.Errorf(warden.EINVALID, "held_on: %s is in the future", d.HeldOn)
	}
	if err := warden.CheckText(warden.TextNote, "notes", d.Notes, maxText); err != nil {
		return warden.Dialogue{}, err
	}
	d.ID, d.AddedBy, d.AddedAt = 0, p.Name, now
	if err := s.DB.AddDialogue(ctx, &d, warden.NewAuditEvent(ctx, "dialogue.add", "", d.Notes, map[string]any{"org": d.Org, "held_on": d.HeldOn})); err != nil {
		return warden.Dialogue{}, err
	}
	return d, nil
}

// counterpartOrg checks that org, named by field, is a counterpart
// organisation: EINVALID otherwise.
func (s *Service) counterpartOrg(ctx context.Context, field, org string) error {
	if warden.Blank(org) {
		return warden.Errorf(warden.EINVALID, "%s is required: the counterpart organisation's id", field)
	}
	o, err := s.DB.Org(ctx, org)
	if warden.ErrorCode(err) == warden.ENOTFOUND || err == nil && o.Kind != "counterpart" {
		return warden.Errorf(warden.EINVALID, "%s: %q is not a counterpart organisation", field, org)
	}
	return err
}
