package cooperation

import (
	"context"
	"time"

	"warden"
	"warden/store"
)

// Sweep writes the deadline events that are due (cooperation.manage; the
// River job "request.deadlines" runs it as the operator) and returns how
// many it wrote. For a request sent and not yet acknowledged it writes
// request.deadline_approaching (deadline "acknowledge") once 75% of the
// time from sending to ack_due has passed, and request.deadline_missed
// once ack_due has passed; for a request awaiting its answer (not
// answered in full), the same for answer_due. Each is written once, by
// a conditional mark in the event's own transaction, however many nodes
// sweep at once; a deadline found already missed gets no warning; a
// granted extension clears the answer marks, so the new deadline is
// watched.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	if _, err := warden.Authorize(ctx, warden.ActCooperationManage); err != nil {
		return 0, err
	}
	now := s.now()
	ws, err := s.DB.Watched(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, w := range ws {
		r := w.Request
		if r.SentAt == nil {
			continue
		}
		checks := []struct {
			pending      bool
			due          *time.Time
			warned, miss bool
			deadline     string
			warn, missed store.DeadlineMark
		}{
			{r.AcknowledgedAt == nil, r.AckDue, w.AckWarned, w.AckMissed, "acknowledge", store.AckWarned, store.AckMissed},
			{r.AnsweredAt == nil, r.AnswerDue, w.AnswerWarned, w.AnswerMissed, "answer", store.AnswerWarned, store.AnswerMissed},
		}
		for _, c := range checks {
			if !c.pending || c.due == nil || c.miss {
				continue
			}
			mark, typ := store.DeadlineMark(""), ""
			switch {
			case now.After(*c.due):
				mark, typ = c.missed, warden.EventRequestDeadlineMissed
			case !c.warned && 4*now.Sub(*r.SentAt) >= 3*c.due.Sub(*r.SentAt):
				mark, typ = c.warn, warden.EventRequestDeadlineNear
			default:
				continue
			}
			ev := audit(ctx, typ, &r, "", map[string]any{"deadline": c.deadline, "due": c.due})
			ok, err := s.DB.MarkDeadline(ctx, r.ID, mark, *c.due, event(typ, &r, now, c.deadline, c.due), ev)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
	}
	return n, nil
}
