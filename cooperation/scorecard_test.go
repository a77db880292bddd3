package cooperation_test

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store"
	"warden/store/storetest"
)

// scT0 is Monday 7 April 2025, 09:00 UTC: the scorecard set's requests
// are sent from there, in the second quarter of 2025.
var scT0 = time.Date(2025, 4, 7, 9, 0, 0, 0, time.UTC)

// h is t plus n hours (fractions allowed).
func h(t time.Time, n float64) time.Time { return t.Add(time.Duration(n * float64(time.Hour))) }

// scRow is a request of the hand-built set: sent at sent, its deadlines
// and moments in hours after it (0: unset; ackBus and ansBus in business
// hours, -1: unset).
type scRow struct {
	id                         int64
	dir                        warden.Direction
	status                     warden.RequestStatus
	prio                       warden.Priority
	prioCase, inPeriod         bool
	sent                       time.Time
	ackDue, ansDue, ansDueOrig float64
	acked, answered, closed    float64
	ackBus, ansBus             float64
	refusal                    warden.RefusalReason
	asked, granted             int
	reviews                    []store.ScorecardReview
}

func (s scRow) row() store.ScorecardRow {
	at := func(n float64) time.Time {
		if n == 0 {
			return time.Time{}
		}
		return h(s.sent, n)
	}
	secs := func(n float64) int64 {
		if n < 0 {
			return -1
		}
		return int64(n * 3600)
	}
	return store.ScorecardRow{ID: s.id, Reference: fmt.Sprintf("R-%d", s.id), Direction: s.dir, Status: s.status, Priority: s.prio,
		Type: warden.RequestInformation, PriorityCase: s.prioCase, InPeriod: s.inPeriod, SentAt: s.sent, AcknowledgedAt: at(s.acked),
		AnsweredAt: at(s.answered), ClosedAt: at(s.closed), AckDue: at(s.ackDue), AnswerDue: at(s.ansDue), AnswerDueOriginal: at(s.ansDueOrig),
		AckBusinessSecs: secs(s.ackBus), AnswerBusinessSecs: secs(s.ansBus), RefusalReason: s.refusal, ExtensionsAsked: s.asked,
		ExtensionsGranted: s.granted, Reviews: s.reviews}
}

func review(c, a, act, u int, use warden.Use) store.ScorecardReview {
	return store.ScorecardReview{Rubric: warden.Rubric{Completeness: c, Accuracy: a, Actionability: act, Updates: u}, Use: use}
}

// scNow is when the set's scorecard is computed: the day after the
// quarter ends, at noon.
var scNow = time.Date(2025, 7, 2, 12, 0, 0, 0, time.UTC)

// scSet is the hand-built set: 8 outgoing and 4 incoming requests sent in
// the quarter, and 3 priority cases sent outside it. The figures the
// tests expect were worked out by hand from it (see TestCompute).
var scSet = []scRow{
	// Outgoing. O1: acknowledged after 10 h, answered after 240 h, both in
	// time; reviewed.
	{id: 1, dir: warden.Outgoing, status: warden.RequestReviewed, prio: warden.PriorityRoutine, inPeriod: true, sent: scT0,
		ackDue: 72, ansDue: 720, ansDueOrig: 720, acked: 10, answered: 240, ackBus: 8, ansBus: 80,
		reviews: []store.ScorecardReview{review(5, 4, 4, 3, warden.UseArrest)}},
	// O2: both late (answered 80 h past its deadline); closed.
	{id: 2, dir: warden.Outgoing, status: warden.RequestClosed, prio: warden.PriorityRoutine, inPeriod: true, sent: h(scT0, 24),
		ackDue: 72, ansDue: 720, ansDueOrig: 720, acked: 80, answered: 800, closed: 900, ackBus: 24, ansBus: 200,
		reviews: []store.ScorecardReview{review(2, 3, 2, 1, warden.UseNone)}},
	// O3: an extension granted from 168 h to 336 h; answered at 300 h: in
	// time as extended, late by the original deadline; two answers
	// reviewed.
	{id: 3, dir: warden.Outgoing, status: warden.RequestAnswered, prio: warden.PriorityUrgent, inPeriod: true, sent: h(scT0, 48),
		ackDue: 24, ansDue: 336, ansDueOrig: 168, acked: 20, answered: 300, ackBus: 5, ansBus: 90, asked: 1, granted: 1,
		reviews: []store.ScorecardReview{review(4, 4, 4, 4, warden.UseTakedown), review(3, 3, 5, 5, warden.UseTakedown)}},
	// O4: acknowledged in time, refused at 30 h, past its 24 h answer
	// deadline.
	{id: 4, dir: warden.Outgoing, status: warden.RequestRefused, prio: warden.PriorityEmergency, inPeriod: true, sent: h(scT0, 72),
		ackDue: 8, ansDue: 24, ansDueOrig: 24, acked: 4, closed: 30, ackBus: 2, ansBus: -1, refusal: warden.RefusalSovereignty},
	// O5: withdrawn at 48 h, before either deadline: counted for neither.
	{id: 5, dir: warden.Outgoing, status: warden.RequestWithdrawn, prio: warden.PriorityRoutine, inPeriod: true, sent: h(scT0, 96),
		ackDue: 72, ansDue: 720, ansDueOrig: 720, closed: 48, ackBus: -1, ansBus: -1},
	// O6: a priority case acknowledged in time, in progress, its answer
	// due after now: not counted for the answer yet.
	{id: 6, dir: warden.Outgoing, status: warden.RequestInProgress, prio: warden.PriorityRoutine, prioCase: true, inPeriod: true,
		sent: time.Date(2025, 6, 20, 9, 0, 0, 0, time.UTC), ackDue: 72, ansDue: 720, ansDueOrig: 720, acked: 24, ackBus: 8, ansBus: -1},
	// O7: never acknowledged, both deadlines passed: open and overdue; an
	// extension asked and refused.
	{id: 7, dir: warden.Outgoing, status: warden.RequestSent, prio: warden.PriorityUrgent, inPeriod: true,
		sent: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC), ackDue: 24, ansDue: 168, ansDueOrig: 168, ackBus: -1, ansBus: -1, asked: 1},
	// O8: a priority case acknowledged after 48 h, answered in part only,
	// its answer deadline passed: open and overdue.
	{id: 8, dir: warden.Outgoing, status: warden.RequestAnswered, prio: warden.PriorityRoutine, prioCase: true, inPeriod: true,
		sent: time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), ackDue: 72, ansDue: 720, ansDueOrig: 720, acked: 48, ackBus: 16, ansBus: -1},
	// Incoming. I1: in time; closed; rated 5 on every criterion.
	{id: 9, dir: warden.Incoming, status: warden.RequestClosed, prio: warden.PriorityRoutine, inPeriod: true, sent: scT0,
		ackDue: 72, ansDue: 720, ansDueOrig: 720, acked: 2, answered: 100, closed: 200, ackBus: 2, ansBus: 30,
		reviews: []store.ScorecardReview{review(5, 5, 5, 5, warden.UseIndictment)}},
	// I2: a priority case acknowledged 6 h late and answered 32 h late.
	{id: 10, dir: warden.Incoming, status: warden.RequestAnswered, prio: warden.PriorityUrgent, prioCase: true, inPeriod: true,
		sent: time.Date(2025, 5, 5, 9, 0, 0, 0, time.UTC), ackDue: 24, ansDue: 168, ansDueOrig: 168, acked: 30, answered: 200, ackBus: 6, ansBus: 50},
	// I3: never acknowledged, lapsed at 48 h past both deadlines.
	{id: 11, dir: warden.Incoming, status: warden.RequestLapsed, prio: warden.PriorityEmergency, inPeriod: true,
		sent: time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC), ackDue: 8, ansDue: 24, ansDueOrig: 24, closed: 48, ackBus: -1, ansBus: -1},
	// I4: sent the day before the quarter ends; no deadline passed yet.
	{id: 12, dir: warden.Incoming, status: warden.RequestSent, prio: warden.PriorityRoutine, inPeriod: true,
		sent: time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC), ackDue: 77, ansDue: 750, ansDueOrig: 750, ackBus: -1, ansBus: -1},
	// Outside the quarter: P1, an open priority case sent before it, its
	// answer overdue; P2, one answered and reviewed (not open, not
	// listed); P3, one sent after it, its acknowledgement due 2 h before
	// now (Compute lists what it is given; the store does not read P3).
	{id: 13, dir: warden.Outgoing, status: warden.RequestAcknowledged, prio: warden.PriorityRoutine, prioCase: true,
		sent: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), ackDue: 72, ansDue: 960, ansDueOrig: 960, acked: 5, ackBus: 5, ansBus: -1},
	{id: 14, dir: warden.Incoming, status: warden.RequestReviewed, prio: warden.PriorityRoutine, prioCase: true,
		sent: time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC), ackDue: 72, ansDue: 720, ansDueOrig: 720, acked: 5, answered: 50, ackBus: 5, ansBus: 20},
	{id: 15, dir: warden.Outgoing, status: warden.RequestSent, prio: warden.PriorityUrgent, prioCase: true,
		sent: time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC), ackDue: 24, ansDue: 168, ansDueOrig: 168, ackBus: -1, ansBus: -1},
}

func scRows(set []scRow) []store.ScorecardRow {
	rows := make([]store.ScorecardRow, len(set))
	for i, s := range set {
		rows[i] = s.row()
	}
	return rows
}

func scCase(s scRow, overdue bool) warden.ScorecardCase {
	r := s.row()
	return warden.ScorecardCase{ID: r.ID, Reference: r.Reference, Direction: r.Direction, Type: r.Type, Priority: r.Priority, Status: r.Status,
		SentAt: &r.SentAt, AnswerDue: &r.AnswerDue, Overdue: overdue}
}

// scWant is the scorecard of scSet at scNow, worked out by hand.
//
// Outgoing. Acknowledgement due for O1, O2, O3, O4, O6, O7, O8 (O5 was
// withdrawn before it): on time O1, O3, O4, O6, O8 = 5 of 7 = 71.43 %.
// Answer as extended due for O1, O2, O3, O4 (refused after it), O7, O8
// (O5 withdrawn before, O6 not due): on time O1, O3 = 2 of 6 = 33.33 %;
// by the original deadlines O3 is late: 1 of 6 = 16.67 %. Acknowledged
// after 4, 10, 20, 24, 48, 80 h: median the 3rd = 20, p90 the 6th = 80;
// business 2, 5, 8, 8, 16, 24: 8 and 24. Answered after 240, 300, 800 h:
// median the 2nd = 300, p90 the 3rd = 800; business 80, 90, 200: 90 and
// 200. O2 answered 80 h late. Four reviews: completeness
// (5+2+4+3)/4 = 3.5, accuracy (4+3+4+3)/4 = 3.5, actionability
// (4+2+4+5)/4 = 3.75, updates (3+1+4+5)/4 = 3.25, overall 56/16 = 3.5.
// Open O6, O7, O8; overdue O7 (both deadlines) and O8 (answer).
//
// Incoming. Acknowledgement due for I1, I2, I3: on time I1 = 33.33 %;
// answer the same. Acknowledged after 2 and 30 h (business 2 and 6):
// median the 1st, p90 the 2nd; answered after 100 and 200 h (business 30
// and 50); I2 answered 200 - 168 = 32 h late. Open I4, not overdue.
//
// Priority cases by sent time: P1 (overdue: its answer was due on 10
// April), O8 (overdue), I2, O6, P3 (its acknowledgement overdue).
func scWant() warden.Scorecard {
	return warden.Scorecard{
		Outgoing: warden.ScorecardSide{
			Requests: 8, AckDue: 7, AnswerDue: 6, AnswerDueOriginal: 6, Acknowledged: 6, AckOnTime: 5, AckOnTimePct: 71.43, Answered: 3, AnswerOnTime: 2, AnswerOnTimePct: 33.33,
			AnswerOnTimeOriginal: 1, AnswerOnTimeOriginalPct: 16.67,
			AckHours:      warden.Quantile{N: 6, MedianCalendar: 20, P90Calendar: 80, MedianBusiness: 8, P90Business: 24},
			AnswerHours:   warden.Quantile{N: 3, MedianCalendar: 300, P90Calendar: 800, MedianBusiness: 90, P90Business: 200},
			MissedByHours: warden.Quantile{N: 1, MedianCalendar: 80, P90Calendar: 80},
			Quality:       warden.QualityAverage{N: 4, Completeness: 3.5, Accuracy: 3.5, Actionability: 3.75, Updates: 3.25, Overall: 3.5},
			Refusals:      map[warden.RefusalReason]int{warden.RefusalSovereignty: 1},
			Uses:          map[warden.Use]int{warden.UseArrest: 1, warden.UseNone: 1, warden.UseTakedown: 2},
			Open:          3, Overdue: 2, ExtensionsAsked: 2, ExtensionsGranted: 1,
			ByPriority: map[warden.Priority]int{warden.PriorityRoutine: 5, warden.PriorityUrgent: 2, warden.PriorityEmergency: 1},
			ByStatus: map[warden.RequestStatus]int{warden.RequestReviewed: 1, warden.RequestClosed: 1, warden.RequestAnswered: 2, warden.RequestRefused: 1,
				warden.RequestWithdrawn: 1, warden.RequestInProgress: 1, warden.RequestSent: 1},
		},
		Incoming: warden.ScorecardSide{
			Requests: 4, AckDue: 3, AnswerDue: 3, AnswerDueOriginal: 3, Acknowledged: 2, AckOnTime: 1, AckOnTimePct: 33.33, Answered: 2, AnswerOnTime: 1, AnswerOnTimePct: 33.33,
			AnswerOnTimeOriginal: 1, AnswerOnTimeOriginalPct: 33.33,
			AckHours:      warden.Quantile{N: 2, MedianCalendar: 2, P90Calendar: 30, MedianBusiness: 2, P90Business: 6},
			AnswerHours:   warden.Quantile{N: 2, MedianCalendar: 100, P90Calendar: 200, MedianBusiness: 30, P90Business: 50},
			MissedByHours: warden.Quantile{N: 1, MedianCalendar: 32, P90Calendar: 32},
			Quality:       warden.QualityAverage{N: 1, Completeness: 5, Accuracy: 5, Actionability: 5, Updates: 5, Overall: 5},
			Refusals:      map[warden.RefusalReason]int{},
			Uses:          map[warden.Use]int{warden.UseIndictment: 1},
			Open:          1,
			ByPriority:    map[warden.Priority]int{warden.PriorityRoutine: 2, warden.PriorityUrgent: 1, warden.PriorityEmergency: 1},
			ByStatus: map[warden.RequestStatus]int{warden.RequestClosed: 1, warden.RequestAnswered: 1, warden.RequestLapsed: 1,
				warden.RequestSent: 1},
		},
		PriorityCases: []warden.ScorecardCase{scCase(scSet[12], true), scCase(scSet[7], true), scCase(scSet[9], false), scCase(scSet[5], false),
			scCase(scSet[14], true)},
		Generated: scNow,
	}
}

func emptySide() warden.ScorecardSide {
	return warden.ScorecardSide{Refusals: map[warden.RefusalReason]int{}, Uses: map[warden.Use]int{}, ByPriority: map[warden.Priority]int{},
		ByStatus: map[warden.RequestStatus]int{}}
}

// TestCompute checks every figure of a scorecard against one worked out
// by hand: the set above, an empty one, and the edges of a deadline (met
// on the second, passed at the second, the clock stopped by a refusal).
func TestCompute(t *testing.T) {
	edge := func(status warden.RequestStatus, acked, closed float64) scRow {
		return scRow{id: 1, dir: warden.Outgoing, status: status, prio: warden.PriorityEmergency, inPeriod: true, sent: scT0,
			ackDue: 8, ansDue: 24, ansDueOrig: 24, acked: acked, closed: closed, ackBus: -1, ansBus: -1}
	}
	side := func(f func(s *warden.ScorecardSide)) warden.ScorecardSide {
		s := emptySide()
		s.Requests = 1
		s.ByPriority[warden.PriorityEmergency] = 1
		f(&s)
		return s
	}
	for _, c := range []struct {
		name string
		set  []scRow
		now  time.Time
		want warden.Scorecard
	}{
		{"set", scSet, scNow, scWant()},
		{"empty", nil, scNow, warden.Scorecard{Outgoing: emptySide(), Incoming: emptySide(), PriorityCases: []warden.ScorecardCase{}, Generated: scNow}},
		{"acknowledged on the deadline's second", []scRow{edge(warden.RequestAcknowledged, 8, 0)}, h(scT0, 10), warden.Scorecard{
			Outgoing: side(func(s *warden.ScorecardSide) {
				s.AckDue, s.Acknowledged, s.AckOnTime, s.AckOnTimePct, s.Open = 1, 1, 1, 100, 1
				s.AckHours = warden.Quantile{N: 1, MedianCalendar: 8, P90Calendar: 8}
				s.ByStatus[warden.RequestAcknowledged] = 1
			}), Incoming: emptySide(), PriorityCases: []warden.ScorecardCase{}, Generated: h(scT0, 10)}},
		{"now on the deadline: not passed yet", []scRow{edge(warden.RequestSent, 0, 0)}, h(scT0, 8), warden.Scorecard{
			Outgoing: side(func(s *warden.ScorecardSide) {
				s.Open = 1
				s.ByStatus[warden.RequestSent] = 1
			}), Incoming: emptySide(), PriorityCases: []warden.ScorecardCase{}, Generated: h(scT0, 8)}},
		{"a second later: missed and overdue", []scRow{edge(warden.RequestSent, 0, 0)}, h(scT0, 8+1.0/3600), warden.Scorecard{
			Outgoing: side(func(s *warden.ScorecardSide) {
				s.AckDue, s.Open, s.Overdue = 1, 1, 1 // 0 % on time of 1 due
				s.ByStatus[warden.RequestSent] = 1
			}), Incoming: emptySide(), PriorityCases: []warden.ScorecardCase{}, Generated: h(scT0, 8+1.0/3600)}},
		{"refused before the deadline stops the clock", []scRow{edge(warden.RequestRefused, 0, 7)}, h(scT0, 100), warden.Scorecard{
			Outgoing: side(func(s *warden.ScorecardSide) {
				s.ByStatus[warden.RequestRefused] = 1
			}), Incoming: emptySide(), PriorityCases: []warden.ScorecardCase{}, Generated: h(scT0, 100)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := cooperation.Compute(scRows(c.set), c.now)
			if !reflect.DeepEqual(got, c.want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(c.want, "", " ")
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
}

// seeder gathers rows for the cooperation tables and writes them with
// multi-row INSERTs in one transaction: how the tests and the benchmark
// seed requests without going through the workflow.
type seeder struct {
	requests, messages, reviews, extensions, events [][]any
	// data is each request's data column: the form as JSON ("{}" if
	// empty).
	data string
}

const seedLayout = "2006-01-02T15:04:05.000000Z"

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(seedLayout)
}

// add adds request r of counterpart org with its reviews (each on an
// answer message of its own), its extensions (the granted ones first, the
// others refused) and its sent, acknowledged and answered events.
func (sd *seeder) add(org string, r store.ScorecardRow) {
	object := fmt.Sprintf("request:%d", r.ID)
	sd.requests = append(sd.requests, []any{r.ID, r.Reference, string(r.Direction), org, string(r.Status), string(r.Priority), string(r.Type),
		map[bool]int{true: 1}[r.PriorityCase], stamp(r.SentAt), stamp(r.AcknowledgedAt), stamp(r.AnsweredAt), stamp(r.ClosedAt), stamp(r.AckDue),
		stamp(r.AnswerDue), stamp(r.AnswerDueOriginal), r.AckBusinessSecs, r.AnswerBusinessSecs, string(r.RefusalReason), cmp.Or(sd.data, "{}"), "seed",
		stamp(r.SentAt), stamp(r.SentAt)})
	event := func(typ string, at time.Time) {
		if !at.IsZero() {
			sd.events = append(sd.events, []any{int64(len(sd.events) + 1), typ, object, `{"reference":"` + r.Reference + `"}`, stamp(at)})
		}
	}
	event(warden.EventRequestSent, r.SentAt)
	event(warden.EventRequestAcknowledged, r.AcknowledgedAt)
	event(warden.EventRequestAnswered, r.AnsweredAt)
	for k, v := range r.Reviews {
		id := r.ID*10 + int64(k)
		at := h(r.SentAt, float64(k+1))
		sd.messages = append(sd.messages, []any{id, r.ID, string(warden.MessageAnswer), string(warden.AnswerFull), "answer", "seed", org, stamp(at)})
		sd.reviews = append(sd.reviews, []any{id, r.ID, id, v.Rubric.Completeness, v.Rubric.Accuracy, v.Rubric.Actionability, v.Rubric.Updates,
			string(v.Use), "seed", stamp(at)})
	}
	for k := range r.ExtensionsAsked {
		status := warden.ExtensionRefused
		if k < r.ExtensionsGranted {
			status = warden.ExtensionGranted
		}
		sd.extensions = append(sd.extensions, []any{r.ID*10 + int64(k), r.ID, stamp(h(r.SentAt, 1000)), "more time", string(status), "seed", stamp(r.SentAt)})
	}
}

// write inserts what sd gathered through raw, a handle on a database of
// driver ("sqlite" or "pgx"), in one transaction.
func (sd *seeder) write(tb testing.TB, raw *sql.DB, driver string) {
	tb.Helper()
	tx, err := raw.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	for _, t := range []struct {
		table, cols string
		rows        [][]any
	}{
		{"requests", "id, reference, direction, counterpart, status, priority, type, priority_case, sent_at, acknowledged_at, answered_at, closed_at, " +
			"ack_due, answer_due, answer_due_original, ack_business_secs, answer_business_secs, refusal_reason, data, created_by, created_at, updated_at", sd.requests},
		{"request_messages", "id, request, kind, answer, body, author, org, created_at", sd.messages},
		{"request_reviews", "id, request, message, completeness, accuracy, actionability, updates, use_made, reviewed_by, reviewed_at", sd.reviews},
		{"request_extensions", "id, request, until_at, reason, status, asked_by, asked_at", sd.extensions},
		{"events", "id, type, object, payload, created_at", sd.events},
	} {
		if len(t.rows) == 0 {
			continue
		}
		// About 1,000 parameters a statement: the SQLite driver binds each
		// by a search through all of them.
		per := 1000 / len(t.rows[0])
		for i := 0; i < len(t.rows); i += per {
			batch := t.rows[i:min(i+per, len(t.rows))]
			var q strings.Builder
			args := make([]any, 0, len(batch)*len(batch[0]))
			fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", t.table, t.cols)
			for j, row := range batch {
				if j > 0 {
					q.WriteString(", ")
				}
				q.WriteByte('(')
				for k, v := range row {
					if k > 0 {
						q.WriteString(", ")
					}
					args = append(args, v)
					if driver == "sqlite" {
						q.WriteByte('?') // found by position, not by name
					} else {
						fmt.Fprintf(&q, "$%d", len(args))
					}
				}
				q.WriteByte(')')
			}
			if _, err := tx.Exec(q.String(), args...); err != nil {
				tb.Fatalf("seed %s: %v", t.table, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// rawDB opens a second handle on db's database, for seeding.
func rawDB(tb testing.TB, db *store.DB) *sql.DB {
	tb.Helper()
	raw, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

func addOrgs(tb testing.TB, raw *sql.DB, ids ...string) {
	tb.Helper()
	for _, id := range ids {
		if _, err := raw.Exec(`INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, 'counterpart', $3)`, id, "Org "+id, stamp(scT0)); err != nil {
			tb.Fatal(err)
		}
	}
}

func asRole(role warden.Role, org string) context.Context {
	return warden.WithPrincipal(context.Background(), warden.Principal{Name: "p", Role: role, Org: org, Kind: "person", Person: "p"})
}

// TestScorecardService: the set stored, with a request of another
// counterpart and a draft beside it, comes out of Service.Scorecard with
// the figures worked out by hand, on both engines; the arguments and the
// principal are checked first.
func TestScorecardService(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		raw := rawDB(t, db)
		addOrgs(t, raw, "cn-mps", "other")
		var sd seeder
		for _, s := range scSet {
			sd.add("cn-mps", s.row())
		}
		stray := scSet[0]
		stray.id = 100
		sd.add("other", stray.row())
		draft := scSet[0]
		draft.id, draft.status, draft.sent = 101, warden.RequestDraft, time.Time{}
		sd.add("cn-mps", draft.row())
		sd.write(t, raw, db.Driver())

		s := cooperation.New(db, nil)
		s.Now = func() time.Time { return scNow }
		from, to := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
		got, err := s.Scorecard(asRole(warden.RoleLiaison, warden.HomeOrg), "cn-mps", from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := scWant()
		want.Org, want.From, want.To = "cn-mps", from, to
		// P3, sent after the quarter, is no priority case of the quarter:
		// the store does not read it.
		want.PriorityCases = slices.DeleteFunc(want.PriorityCases, func(c warden.ScorecardCase) bool { return c.ID == scSet[14].id })
		if len(want.PriorityCases) != 4 {
			t.Fatalf("P3 not among the cases: %v", want.PriorityCases)
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("got\n%s\nwant\n%s", g, w)
		}

		analyst := asRole(warden.RoleAnalyst, warden.HomeOrg)
		if _, err := s.Scorecard(analyst, "cn-mps", from, from.AddDate(2, 0, 0)); err != nil {
			t.Errorf("two years: %v", err)
		}
		for _, c := range []struct {
			name     string
			ctx      context.Context
			org      string
			from, to time.Time
			code     string
			field    string
		}{
			{"no principal", context.Background(), "cn-mps", from, to, warden.EUNAUTHORIZED, ""},
			{"a counterpart", asRole(warden.RoleCounterpart, "cn-mps"), "cn-mps", from, to, warden.EFORBIDDEN, ""},
			{"a screener", asRole(warden.RoleScreener, warden.HomeOrg), "cn-mps", from, to, warden.EFORBIDDEN, ""},
			{"from = to", analyst, "cn-mps", from, from, warden.EINVALID, "from:"},
			{"from after to", analyst, "cn-mps", to, from, warden.EINVALID, "from:"},
			{"over two years", analyst, "cn-mps", from, from.AddDate(2, 0, 0).Add(time.Second), warden.EINVALID, "to:"},
			{"from year 1", analyst, "cn-mps", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), to, warden.EINVALID, "from:"},
			{"to year 10000", analyst, "cn-mps", from, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), warden.EINVALID, "to:"},
			{"no such org", analyst, "nobody", from, to, warden.ENOTFOUND, ""},
			{"the home org", analyst, warden.HomeOrg, from, to, warden.ENOTFOUND, ""},
		} {
			_, err := s.Scorecard(c.ctx, c.org, c.from, c.to)
			if warden.ErrorCode(err) != c.code || !strings.HasPrefix(warden.ErrorMessage(err), c.field) {
				t.Errorf("%s: %v, want %s naming %q", c.name, err, c.code, c.field)
			}
		}
	})
}

// TestPeriod: the month and quarter around a time (UTC), the period since
// the last dialogue, and the kinds refused.
func TestPeriod(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	at := time.Date(2025, 8, 31, 23, 30, 0, 0, time.FixedZone("-02", -2*3600)) // 1 September 01:30 UTC
	dialogue := day(2025, 6, 12)
	later := day(2025, 9, 2)
	old := day(2023, 9, 1)
	for _, c := range []struct {
		kind     string
		at       time.Time
		last     *time.Time
		from, to time.Time
		code     string
	}{
		{"month", at, nil, day(2025, 9, 1), day(2025, 10, 1), ""},
		{"month", day(2024, 12, 31), nil, day(2024, 12, 1), day(2025, 1, 1), ""},
		{"quarter", at, nil, day(2025, 7, 1), day(2025, 10, 1), ""},
		{"quarter", day(2025, 3, 31), nil, day(2025, 1, 1), day(2025, 4, 1), ""},
		{"quarter", day(2025, 12, 1), nil, day(2025, 10, 1), day(2026, 1, 1), ""},
		{"dialogue", at, &dialogue, dialogue, day(2025, 9, 2), ""}, // to the end of at's day, 1 September
		{"dialogue", day(2025, 9, 1), &dialogue, dialogue, day(2025, 9, 2), ""},
		{"dialogue", at, &old, time.Time{}, time.Time{}, warden.EINVALID}, // over 2 years back
		{"dialogue", at, nil, time.Time{}, time.Time{}, warden.EINVALID},
		{"dialogue", at, &later, time.Time{}, time.Time{}, warden.EINVALID},
		{"year", at, nil, time.Time{}, time.Time{}, warden.EINVALID},
		{"", at, nil, time.Time{}, time.Time{}, warden.EINVALID},
	} {
		from, to, err := cooperation.Period(c.kind, c.at, c.last)
		if c.code != "" {
			if warden.ErrorCode(err) != c.code || !strings.HasPrefix(warden.ErrorMessage(err), "period:") {
				t.Errorf("%q at %s: %v, want %s naming period", c.kind, c.at, err, c.code)
			}
			continue
		}
		if err != nil || !from.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("%q at %s: %s .. %s, %v; want %s .. %s", c.kind, c.at, from, to, err, c.from, c.to)
		}
	}
	// A day outside the years 2000 to 2100 (a month of year 9999 would
	// end in year 10000, which JSON cannot write).
	for _, at := range []time.Time{day(9999, 12, 15), day(1999, 12, 31), day(1, 1, 1)} {
		if _, _, err := cooperation.Period("month", at, nil); warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "at:") {
			t.Errorf("a month at %s: %v, want EINVALID naming at", at, err)
		}
	}
}

// scFull is the set's scorecard with its period, as the service returns it.
func scFull() warden.Scorecard {
	sc := scWant()
	sc.Org, sc.From, sc.To = "cn-mps", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	return sc
}

// TestScorecardSVG: the chart is one well-formed SVG document, the same
// bytes each time, with a bar per figure in each direction's colour, bar
// heights in proportion to the figures, and labels carrying the figures.
func TestScorecardSVG(t *testing.T) {
	sc := scFull()
	var a, b bytes.Buffer
	if err := cooperation.ScorecardSVG(sc, &a); err != nil {
		t.Fatal(err)
	}
	if err := cooperation.ScorecardSVG(sc, &b); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("a second rendering differs (%v)", err)
	}
	dec := xml.NewDecoder(bytes.NewReader(a.Bytes()))
	var texts []string
	bars := map[string][]float64{} // fill colour: bar heights
	depth, roots := 0, 0
	var inText bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if e.Name.Local != "svg" || e.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root %v", e.Name)
				}
			}
			depth++
			inText = e.Name.Local == "text"
			if e.Name.Local != "path" {
				continue
			}
			var d, style string
			for _, at := range e.Attr {
				switch at.Name.Local {
				case "d":
					d = at.Value
				case "style":
					style = at.Value
				}
			}
			for _, c := range []string{"rgba(31,95,153,1.0)", "rgba(192,115,26,1.0)"} {
				if strings.Contains(style, "fill:"+c) {
					var x0, top, x1, y1, x2, bottom float64
					if _, err := fmt.Sscanf(d, "M %g %g\nL %g %g\nL %g %g", &x0, &top, &x1, &y1, &x2, &bottom); err != nil {
						t.Fatalf("bar path %q: %v", d, err)
					}
					bars[c] = append(bars[c], bottom-top)
				}
			}
		case xml.EndElement:
			depth--
			inText = false
		case xml.CharData:
			if inText {
				texts = append(texts, string(e))
			}
		}
	}
	if roots != 1 {
		t.Errorf("%d root elements", roots)
	}
	blue, orange := bars["rgba(31,95,153,1.0)"], bars["rgba(192,115,26,1.0)"]
	if len(blue) != 8 || len(orange) != 8 {
		t.Fatalf("%d outgoing and %d incoming bars, want 3 + 5 each", len(blue), len(orange))
	}
	// Timeliness: 71.43, 33.33, 16.67 % outgoing; quality 3.5, 3.5, 3.75,
	// 3.25, 3.5 outgoing and 5 on every incoming criterion.
	for _, c := range []struct {
		name   string
		hi, lo float64
		ratio  float64
	}{
		{"acknowledged / answered on time", blue[0], blue[1], 71.43 / 33.33},
		{"answered / by the first deadline", blue[1], blue[2], 33.33 / 16.67},
		{"actionability / updates", blue[5], blue[6], 3.75 / 3.25},
		{"incoming completeness / outgoing", orange[3], blue[3], 5 / 3.5},
	} {
		if got := c.hi / c.lo; got < c.ratio*0.97 || got > c.ratio*1.03 {
			t.Errorf("%s: bar heights %g / %g = %.3f, want %.3f", c.name, c.hi, c.lo, got, c.ratio)
		}
	}
	all := strings.Join(texts, " ")
	for _, want := range []string{"Them: acknowledged 71.4%", "Them: answered 33.3%", "Them: by first deadline 16.7%", "Us: acknowledged 33.3%",
		"Us: answered 33.3%", "Them: complete 3.50", "Them: actionable 3.75", "Them: updates 3.25", "Us: overall 5.00"} {
		if !strings.Contains(all, want) {
			t.Errorf("no label %q in %q", want, all)
		}
	}
}

// TestWriteCSV: a header, the period, a row per figure with both
// directions, a row per priority case in its direction's column, and a
// reference that would be a formula made text.
func TestWriteCSV(t *testing.T) {
	sc := scFull()
	sc.PriorityCases[2].Reference = "=HYPERLINK(\"http://x\")"
	var b bytes.Buffer
	if err := cooperation.WriteCSV(&b, sc); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range rows {
		got[r[0]+"/"+r[1]] = r[2:]
	}
	if fmt.Sprint(rows[0]) != "[section figure outgoing incoming]" {
		t.Errorf("header %q", rows[0])
	}
	for key, want := range map[string]string{
		"scorecard/org":                            "[cn-mps cn-mps]",
		"scorecard/from":                           "[2025-04-01T00:00:00Z 2025-04-01T00:00:00Z]",
		"scorecard/to":                             "[2025-07-01T00:00:00Z 2025-07-01T00:00:00Z]",
		"scorecard/generated":                      "[2025-07-02T12:00:00Z 2025-07-02T12:00:00Z]",
		"requests/requests":                        "[8 4]",
		"requests/overdue":                         "[2 0]",
		"acknowledgement/on time %":                "[71.43 33.33]",
		"acknowledgement/due":                      "[7 3]",
		"answer/due":                               "[6 3]",
		"acknowledgement/p90 business hours":       "[24 6]",
		"answer/median hours":                      "[300 100]",
		"answer/on time by the first deadline %":   "[16.67 33.33]",
		"answer/late answers":                      "[1 1]",
		"answer/p90 hours late":                    "[80 32]",
		"extensions/granted":                       "[1 0]",
		"quality/actionability":                    "[3.75 5]",
		"quality/overall":                          "[3.5 5]",
		"refusals/sovereignty":                     "[1 0]",
		"refusals/no_data":                         "[0 0]",
		"uses/takedown":                            "[2 0]",
		"priority/routine":                         "[5 2]",
		"status/withdrawn":                         "[1 0]",
		"priority cases/R-13":                      "[acknowledged; overdue; sent 2025-03-01; answer due 2025-04-10 ]",
		"priority cases/R-8":                       "[answered; overdue; sent 2025-05-01; answer due 2025-05-31 ]",
		"priority cases/'=HYPERLINK(\"http://x\")": "[ answered; sent 2025-05-05; answer due 2025-05-12]",
	} {
		if fmt.Sprint(got[key]) != want {
			t.Errorf("%s = %q, want %s", key, got[key], want)
		}
	}
	want := 1 + 4 + 3 + 8 + 14 + 2 + 6 + len(warden.RefusalReasons) + len(warden.Uses) + len(warden.Priorities) + len(warden.RequestStatuses) + 5
	if len(rows) != want {
		t.Errorf("%d rows, want %d", len(rows), want)
	}
}

// TestWriteHTML: the printable report is one page with print CSS, the
// chart inline, the headline figures, refusals and priority cases, the
// time it was generated, text escaped, and nothing fetched or run.
func TestWriteHTML(t *testing.T) {
	sc := scFull()
	sc.PriorityCases[0].Reference = "<b>R-13</b>"
	var svg, b bytes.Buffer
	if err := cooperation.ScorecardSVG(sc, &svg); err != nil {
		t.Fatal(err)
	}
	if err := cooperation.WriteHTML(&b, sc, svg.Bytes()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<!DOCTYPE html>", "@page { size: A4", "Cooperation scorecard: cn-mps", "from 2025-04-01 00:00 UTC up to 2025-07-01 00:00 UTC",
		svg.String(), "<td class=\"n\">71.4 %</td><td class=\"n\">33.3 %</td>", "<td class=\"n\">3, 2</td><td class=\"n\">1, 0</td>",
		"<td>sovereignty</td><td class=\"n\">1</td><td class=\"n\">0</td>", "&lt;b&gt;R-13&lt;/b&gt;",
		"<td class=\"overdue\">acknowledged, overdue</td><td>2025-03-01</td><td>2025-04-10</td>", "<td>R-8</td>", "Generated 2025-07-02 12:00 UTC"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "src=", "href=", "<link", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page has %q", bad)
		}
	}
	if n := strings.Count(page, "<tr><td>"); n < 40 {
		t.Errorf("%d figure rows", n)
	}
}

// TestNothingDue: a side no deadline was due for shows n/a, not 0 %, in
// the CSV, the report and the chart, and its hours and ratings – or n/a,
// not 0; one due and missed stays 0 %.
func TestNothingDue(t *testing.T) {
	// One outgoing request sent 8 h before now, its acknowledgement due
	// now: not passed yet; one incoming due 8 h after it was sent, a
	// second past it: missed.
	rows := scRows([]scRow{
		{id: 1, dir: warden.Outgoing, status: warden.RequestSent, prio: warden.PriorityEmergency, inPeriod: true, sent: scT0,
			ackDue: 8, ansDue: 24, ansDueOrig: 24, ackBus: -1, ansBus: -1},
		{id: 2, dir: warden.Incoming, status: warden.RequestSent, prio: warden.PriorityEmergency, inPeriod: true, sent: h(scT0, -1.0/3600),
			ackDue: 8, ansDue: 24, ansDueOrig: 24, ackBus: -1, ansBus: -1},
	})
	sc := cooperation.Compute(rows, h(scT0, 8))
	sc.Org = "cn-mps"
	if sc.Outgoing.AckDue != 0 || sc.Incoming.AckDue != 1 || sc.Incoming.AckOnTimePct != 0 || sc.Incoming.AnswerDue != 0 {
		t.Fatalf("due: outgoing %+v, incoming %+v", sc.Outgoing, sc.Incoming)
	}
	var c bytes.Buffer
	if err := cooperation.WriteCSV(&c, sc); err != nil {
		t.Fatal(err)
	}
	csvText := c.String()
	for _, want := range []string{"acknowledgement,due,0,1\n", "acknowledgement,on time %,n/a,0\n", "answer,on time %,n/a,n/a\n",
		"answer,median hours,n/a,n/a\n", "quality,overall,n/a,n/a\n"} {
		if !strings.Contains(strings.ReplaceAll(csvText, "\r\n", "\n"), want) {
			t.Errorf("the CSV lacks %q:\n%s", want, csvText)
		}
	}
	var svg, page bytes.Buffer
	if err := cooperation.ScorecardSVG(sc, &svg); err != nil {
		t.Fatal(err)
	}
	if err := cooperation.WriteHTML(&page, sc, svg.Bytes()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Them: acknowledged n/a", "Us: acknowledged 0.0%", "Us: answered n/a"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	for _, want := range []string{"<tr><th>Acknowledged on time</th><td class=\"n\">n/a</td><td class=\"n\">0.0 %</td></tr>",
		"<tr><th>Answered on time</th><td class=\"n\">n/a</td><td class=\"n\">n/a</td></tr>",
		"<tr><th>Median hours to answer</th><td class=\"n\">–</td><td class=\"n\">–</td></tr>",
		"<tr><th>Mean quality (1-5)</th><td class=\"n\">–</td><td class=\"n\">–</td></tr>"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
