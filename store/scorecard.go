package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"warden"
)

// ScorecardRow is one request as a scorecard counts it: its clock, its
// extensions and the reviews of its answers. Unset times are zero;
// business seconds are -1 until the moment they measure has come.
type ScorecardRow struct {
	ID           int64
	Reference    string
	Direction    warden.Direction
	Status       warden.RequestStatus
	Priority     warden.Priority
	Type         warden.RequestType
	PriorityCase bool
	// InPeriod is set for a request sent in the period. The others are
	// priority cases sent before it and not closed, which a scorecard
	// lists but does not count.
	InPeriod           bool
	SentAt             time.Time
	AcknowledgedAt     time.Time
	AnsweredAt         time.Time // the first full answer
	ClosedAt           time.Time // closed, refused, withdrawn or lapsed
	AckDue             time.Time
	AnswerDue          time.Time // as extended
	AnswerDueOriginal  time.Time
	AckBusinessSecs    int64
	AnswerBusinessSecs int64
	RefusalReason      warden.RefusalReason
	ExtensionsAsked    int
	ExtensionsGranted  int
	Reviews            []ScorecardReview
}

// ScorecardReview is what a scorecard takes from a review: the rubric
// and the use made of the answer.
type ScorecardReview struct {
	Rubric warden.Rubric
	Use    warden.Use
}

// scorecardColumns are a request's columns a scorecard reads. The index
// requests_scorecard holds them all, so that the period's rows are read
// from it alone: a column added here goes there too (a migration).
const scorecardColumns = `r.id, r.reference, r.direction, r.status, r.priority, r.type, r.priority_case, r.sent_at, r.acknowledged_at,
	r.answered_at, r.closed_at, r.ack_due, r.answer_due, r.answer_due_original, r.ack_business_secs, r.answer_business_secs, r.refusal_reason`

// ScorecardRows returns the requests a scorecard of counterpart org
// reads: those sent in [from, to), each once with its extension counts
// and its reviews, then the priority cases of org sent before the
// period and not closed (one sent after it is not the period's concern) (without their extensions or reviews, which
// a scorecard does not count), in no particular order. It is one
// query, so the figures come from one snapshot. The period is read from
// the covering index requests_scorecard, the other priority cases from
// the partial index requests_priority_open; the extensions are
// counted per request in one pass over their table (a probe per request
// made the query cost enough for PostgreSQL to compile it, 100 ms).
func (db *DB) ScorecardRows(ctx context.Context, org string, from, to time.Time) ([]ScorecardRow, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+scorecardColumns+`, COALESCE(x.asked, 0), COALESCE(x.granted, 0), 1 AS in_period,
			v.completeness, v.accuracy, v.actionability, v.updates, v.use_made
		FROM requests r
		LEFT JOIN (SELECT request, COUNT(*) AS asked, COUNT(CASE WHEN status = 'granted' THEN 1 END) AS granted
			FROM request_extensions GROUP BY request) x ON x.request = r.id
		LEFT JOIN request_reviews v ON v.request = r.id
		WHERE r.counterpart = $1 AND r.sent_at >= $2 AND r.sent_at < $3
		UNION ALL
		SELECT `+scorecardColumns+`, 0, 0, 0, NULL, NULL, NULL, NULL, NULL
		FROM requests r
		WHERE r.counterpart = $1 AND r.priority_case = 1 AND r.closed_at = '' AND r.sent_at <> '' AND r.sent_at < $2`,
		org, timestamp(from), timestamp(to))
	if err != nil {
		return nil, fmt.Errorf("scorecard: %w", err)
	}
	defer rows.Close()
	out := []ScorecardRow{}
	at := map[int64]int{} // a request's index in out
	for rows.Next() {
		var r ScorecardRow
		var dir, status, prio, typ, sent, acked, answered, closed, ackDue, answerDue, answerDueOriginal, refusal string
		var prioCase, inPeriod int
		var comp, acc, act, upd sql.NullInt64
		var use sql.NullString
		if err := rows.Scan(&r.ID, &r.Reference, &dir, &status, &prio, &typ, &prioCase, &sent, &acked, &answered, &closed,
			&ackDue, &answerDue, &answerDueOriginal, &r.AckBusinessSecs, &r.AnswerBusinessSecs, &refusal, &r.ExtensionsAsked, &r.ExtensionsGranted,
			&inPeriod, &comp, &acc, &act, &upd, &use); err != nil {
			return nil, fmt.Errorf("scorecard: %w", err)
		}
		var review []ScorecardReview
		if use.Valid {
			review = []ScorecardReview{{Rubric: warden.Rubric{Completeness: int(comp.Int64), Accuracy: int(acc.Int64), Actionability: int(act.Int64),
				Updates: int(upd.Int64)}, Use: warden.Use(use.String)}}
		}
		// A request with several reviews comes once per review.
		if k, ok := at[r.ID]; ok {
			out[k].Reviews = append(out[k].Reviews, review...)
			continue
		}
		at[r.ID] = len(out)
		r.Direction, r.Status, r.Priority, r.Type = warden.Direction(dir), warden.RequestStatus(status), warden.Priority(prio), warden.RequestType(typ)
		r.PriorityCase, r.InPeriod, r.RefusalReason = prioCase == 1, inPeriod == 1, warden.RefusalReason(refusal)
		r.SentAt, r.AcknowledgedAt, r.AnsweredAt, r.ClosedAt = parseTime(sent), parseTime(acked), parseTime(answered), parseTime(closed)
		r.AckDue, r.AnswerDue, r.AnswerDueOriginal = parseTime(ackDue), parseTime(answerDue), parseTime(answerDueOriginal)
		r.Reviews = review
		out = append(out, r)
	}
	return out, rows.Err()
}
