package cooperation

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"warden"
	"warden/store"
)

// Scorecard returns the status report of counterpart org for the
// requests sent in [from, to): its figures as Compute makes them at the
// service's clock. EINVALID names "from" when from is not before to, "to"
// when the period is longer than two years (so that one report never
// reads a counterpart's whole history); ENOTFOUND when org is not a
// counterpart organisation. Needs scorecards.read.
func (s *Service) Scorecard(ctx context.Context, org string, from, to time.Time) (warden.Scorecard, error) {
	if _, err := warden.Authorize(ctx, warden.ActScorecardsRead); err != nil {
		return warden.Scorecard{}, err
	}
	from, to = from.UTC(), to.UTC()
	if err := CheckDay("from", from); err != nil {
		return warden.Scorecard{}, err
	}
	if err := CheckDay("to", to); err != nil {
		return warden.Scorecard{}, err
	}
	if !from.Before(to) {
		return warden.Scorecard{}, warden.Errorf(warden.EINVALID, "from: %s must be before to (%s)", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if to.After(from.AddDate(2, 0, 0)) {
		return warden.Scorecard{}, warden.Errorf(warden.EINVALID, "to: a scorecard covers at most 2 years (from %s to %s)",
			from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	o, err := s.DB.Org(ctx, org)
	if err != nil {
		return warden.Scorecard{}, err
	}
	if o.Kind != "counterpart" {
		return warden.Scorecard{}, warden.Errorf(warden.ENOTFOUND, "no counterpart organisation %q", org)
	}
	rows, err := s.DB.ScorecardRows(ctx, org, from, to)
	if err != nil {
		return warden.Scorecard{}, err
	}
	sc := Compute(rows, s.now())
	sc.Org, sc.From, sc.To = org, from, to
	return sc, nil
}

// firstDay and lastDay bound the days a scorecard's from, to and at may
// be: the years 2000 to 2100, so that a period's end is a time JSON and
// SQL write (year 10000 is not) and a typo such as 0001 is caught.
var firstDay, lastDay = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC)

// CheckDay refuses a day of a scorecard (name says which: from, to or at)
// outside the years 2000 to 2100, EINVALID naming it.
func CheckDay(name string, t time.Time) error {
	if t.Before(firstDay) || t.After(lastDay) {
		return warden.Errorf(warden.EINVALID, "%s: %s must be in the years 2000 to 2100", name, t.UTC().Format(time.DateOnly))
	}
	return nil
}

// Period returns the period of a scorecard of the given kind: "month" and
// "quarter" are the calendar month or quarter (UTC) that contains at;
// "dialogue" runs from the day of the last dialogue (lastDialogue, UTC
// midnight) to the end of at's day (UTC), and needs one held before at,
// at most 2 years before. EINVALID names "period"
// for an unknown kind or a dialogue period without a dialogue before at,
// "at" for a day outside the years 2000 to 2100 (CheckDay).
func Period(kind string, at time.Time, lastDialogue *time.Time) (from, to time.Time, err error) {
	at = at.UTC()
	if err := CheckDay("at", at); err != nil {
		return from, to, err
	}
	switch kind {
	case "month":
		from = time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC)
		return from, from.AddDate(0, 1, 0), nil
	case "quarter":
		from = time.Date(at.Year(), (at.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
		return from, from.AddDate(0, 3, 0), nil
	case "dialogue":
		if lastDialogue == nil || !lastDialogue.Before(at) {
			return from, to, warden.Errorf(warden.EINVALID, "period: no dialogue was held before %s to run a scorecard from", at.Format(time.RFC3339))
		}
		// To the end of at's day, as a month or quarter includes it.
		from, to = lastDialogue.UTC(), time.Date(at.Year(), at.Month(), at.Day()+1, 0, 0, 0, 0, time.UTC)
		if to.After(from.AddDate(2, 0, 0)) {
			return time.Time{}, time.Time{}, warden.Errorf(warden.EINVALID, "period: the last dialogue before %s was held on %s, more than 2 years before; give from and to",
				at.Format(time.DateOnly), from.Format(time.DateOnly))
		}
		return from, to, nil
	}
	return from, to, warden.Errorf(warden.EINVALID, "period: %q must be month, quarter or dialogue", kind)
}

// Compute makes a scorecard's figures and its list of priority cases from
// the rows store.ScorecardRows returns, at now (Generated); the caller
// sets Org, From and To. Each direction's figures count the requests sent
// in the period (InPeriod):
//
//   - Requests; Acknowledged; Answered (in full).
//   - AckOnTime: acknowledged at or before ack_due. AnswerOnTime: answered
//     in full at or before answer_due as extended; AnswerOnTimeOriginal:
//     at or before answer_due_original, as if no extension was granted.
//   - Each percentage is the on-time count over the requests the deadline
//     was due for: those that met it, and those whose deadline passed
//     (before now) while they were live, that is before they were closed,
//     refused, withdrawn or lapsed. A request still inside its deadline is
//     not counted yet, nor one withdrawn or refused before it came. 0 when
//     none was due.
//   - AckHours and AnswerHours: the time from sent to acknowledged and to
//     the full answer, in calendar hours and in the requested side's
//     business hours (the business seconds stored at the time).
//   - MissedByHours: how late the late full answers were past answer_due
//     as extended, in calendar hours (business hours are not stored for
//     it, so its business figures stay 0).
//   - Quality: the mean score per criterion of the reviews of the
//     direction's answers, Overall the mean of all four; Uses counts the
//     reviews by the use made of the answer.
//   - Refusals by reason, ByPriority, ByStatus: counts, with only the keys
//     that occur.
//   - Open: still waiting on the requested side (sent, acknowledged, in
//     progress, or answered in part only). Overdue: open and past a
//     deadline it has not met (ack_due unacknowledged, or answer_due).
//   - ExtensionsAsked and ExtensionsGranted: the extensions asked and
//     granted on the requests.
//
// Median and p90 are nearest-rank: of n values in ascending order, the
// ⌈p/100·n⌉-th (the median of an even count is the lower middle value).
// Hours, scores and percentages are rounded to 2 decimals.
//
// PriorityCases lists the priority cases sent in the period, whatever
// their status, and those sent before it that are still open, by sent
// time.
func Compute(rows []store.ScorecardRow, now time.Time) warden.Scorecard {
	now = now.UTC()
	out, in := &tally{side: newSide()}, &tally{side: newSide()}
	sc := warden.Scorecard{PriorityCases: []warden.ScorecardCase{}, Generated: now}
	for i := range rows {
		r := &rows[i]
		if r.PriorityCase && (r.InPeriod || open(r)) {
			sc.PriorityCases = append(sc.PriorityCases, priorityCase(r, now))
		}
		if !r.InPeriod {
			continue
		}
		if r.Direction == warden.Incoming {
			in.add(r, now)
		} else {
			out.add(r, now)
		}
	}
	slices.SortFunc(sc.PriorityCases, func(a, b warden.ScorecardCase) int {
		if c := a.SentAt.Compare(*b.SentAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	sc.Outgoing, sc.Incoming = out.figures(), in.figures()
	return sc
}

func newSide() warden.ScorecardSide {
	return warden.ScorecardSide{Refusals: map[warden.RefusalReason]int{}, Uses: map[warden.Use]int{}, ByPriority: map[warden.Priority]int{},
		ByStatus: map[warden.RequestStatus]int{}}
}

// tally gathers one direction's requests before the figures are made.
type tally struct {
	side                                    warden.ScorecardSide
	ackCal, ackBus, answerCal, answerBus    []float64
	missedBy                                []float64
	completeness, accuracy, action, updates int
}

func (t *tally) add(r *store.ScorecardRow, now time.Time) {
	s := &t.side
	s.Requests++
	s.ByPriority[r.Priority]++
	s.ByStatus[r.Status]++
	// The clock of a request stops when it ends.
	end := now
	if !r.ClosedAt.IsZero() && r.ClosedAt.Before(now) {
		end = r.ClosedAt
	}
	if due, met := deadline(r.AckDue, r.AcknowledgedAt, end); due {
		s.AckDue++
		if met {
			s.AckOnTime++
		}
	}
	if due, met := deadline(r.AnswerDue, r.AnsweredAt, end); due {
		s.AnswerDue++
		if met {
			s.AnswerOnTime++
		}
	}
	if due, met := deadline(r.AnswerDueOriginal, r.AnsweredAt, end); due {
		s.AnswerDueOriginal++
		if met {
			s.AnswerOnTimeOriginal++
		}
	}
	if !r.AcknowledgedAt.IsZero() {
		s.Acknowledged++
		t.ackCal = append(t.ackCal, r.AcknowledgedAt.Sub(r.SentAt).Hours())
		if r.AckBusinessSecs >= 0 {
			t.ackBus = append(t.ackBus, float64(r.AckBusinessSecs)/3600)
		}
	}
	if !r.AnsweredAt.IsZero() {
		s.Answered++
		t.answerCal = append(t.answerCal, r.AnsweredAt.Sub(r.SentAt).Hours())
		if r.AnswerBusinessSecs >= 0 {
			t.answerBus = append(t.answerBus, float64(r.AnswerBusinessSecs)/3600)
		}
		if !r.AnswerDue.IsZero() && r.AnsweredAt.After(r.AnswerDue) {
			t.missedBy = append(t.missedBy, r.AnsweredAt.Sub(r.AnswerDue).Hours())
		}
	}
	if r.RefusalReason != "" {
		s.Refusals[r.RefusalReason]++
	}
	for _, v := range r.Reviews {
		s.Quality.N++
		t.completeness += v.Rubric.Completeness
		t.accuracy += v.Rubric.Accuracy
		t.action += v.Rubric.Actionability
		t.updates += v.Rubric.Updates
		s.Uses[v.Use]++
	}
	if open(r) {
		s.Open++
		if overdue(r, now) {
			s.Overdue++
		}
	}
	s.ExtensionsAsked += r.ExtensionsAsked
	s.ExtensionsGranted += r.ExtensionsGranted
}

func (t *tally) figures() warden.ScorecardSide {
	s := t.side
	s.AckOnTimePct = pct(s.AckOnTime, s.AckDue)
	s.AnswerOnTimePct = pct(s.AnswerOnTime, s.AnswerDue)
	s.AnswerOnTimeOriginalPct = pct(s.AnswerOnTimeOriginal, s.AnswerDueOriginal)
	s.AckHours = quantile(t.ackCal, t.ackBus)
	s.AnswerHours = quantile(t.answerCal, t.answerBus)
	s.MissedByHours = quantile(t.missedBy, nil)
	if n := float64(s.Quality.N); n > 0 {
		s.Quality.Completeness = round2(float64(t.completeness) / n)
		s.Quality.Accuracy = round2(float64(t.accuracy) / n)
		s.Quality.Actionability = round2(float64(t.action) / n)
		s.Quality.Updates = round2(float64(t.updates) / n)
		s.Quality.Overall = round2(float64(t.completeness+t.accuracy+t.action+t.updates) / (4 * n))
	}
	return s
}

// deadline says whether a deadline was due for a request whose clock
// ended at end (now, or when it ended) and whether it was met: due when
// met (at or before it) or passed before end; never when unset.
func deadline(due, met, end time.Time) (bool, bool) {
	switch {
	case due.IsZero():
		return false, false
	case !met.IsZero() && !met.After(due):
		return true, true
	}
	return due.Before(end), false
}

// open reports whether a request still waits on the requested side: sent,
// acknowledged, in progress, or answered in part only (rated or not).
func open(r *store.ScorecardRow) bool {
	return r.Status.Open() || (r.Status == warden.RequestAnswered || r.Status == warden.RequestReviewed) && r.AnsweredAt.IsZero()
}

// overdue reports whether an open request is past a deadline it has not
// met at now.
func overdue(r *store.ScorecardRow, now time.Time) bool {
	return open(r) && (r.AcknowledgedAt.IsZero() && !r.AckDue.IsZero() && r.AckDue.Before(now) || !r.AnswerDue.IsZero() && r.AnswerDue.Before(now))
}

func priorityCase(r *store.ScorecardRow, now time.Time) warden.ScorecardCase {
	sent, due := r.SentAt, r.AnswerDue
	c := warden.ScorecardCase{ID: r.ID, Reference: r.Reference, Direction: r.Direction, Type: r.Type, Priority: r.Priority, Status: r.Status,
		SentAt: &sent, Overdue: overdue(r, now)}
	if !due.IsZero() {
		c.AnswerDue = &due
	}
	return c
}

// pct is n of d in percent, 0 when d is.
func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return round2(100 * float64(n) / float64(d))
}

// quantile is the nearest-rank median and p90 of calendar and business
// hours; N counts the calendar ones.
func quantile(cal, bus []float64) warden.Quantile {
	return warden.Quantile{N: len(cal), MedianCalendar: rank(cal, 50), P90Calendar: rank(cal, 90), MedianBusiness: rank(bus, 50), P90Business: rank(bus, 90)}
}

// rank is the nearest-rank p-th percentile of xs: the ⌈p·n/100⌉-th
// smallest; 0 for none.
func rank(xs []float64, p int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	return round2(s[(p*len(s)+99)/100-1])
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
