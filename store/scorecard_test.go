package store_test

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// scStamp writes t as the store does; "" for the zero time.
func scStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// scInsert stores a request of org with the columns a scorecard reads;
// reviews (use_made values) each on an answer message of their own, and
// extensions by status.
func scInsert(t *testing.T, raw *sql.DB, id int64, org string, dir warden.Direction, status warden.RequestStatus, prioCase bool, sent, closed time.Time,
	reviews []warden.Use, extensions ...warden.ExtensionStatus) {
	t.Helper()
	pc := 0
	if prioCase {
		pc = 1
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO requests (id, reference, direction, counterpart, status, priority, type, priority_case, sent_at, acknowledged_at, closed_at,
		ack_due, answer_due, answer_due_original, ack_business_secs, refusal_reason, data, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'routine', 'information', $6, $7, $8, $9, $10, $11, $12, 3600, 'no_data', '{}', 'seed', $13, $13)`,
		id, fmt.Sprintf("R-%d", id), string(dir), org, string(status), pc, scStamp(sent), scStamp(sent.Add(time.Hour)), scStamp(closed),
		scStamp(sent.Add(24*time.Hour)), scStamp(sent.Add(240*time.Hour)), scStamp(sent.Add(120*time.Hour)), scStamp(sent))
	for k, use := range reviews {
		mid := id*10 + int64(k)
		exec(`INSERT INTO request_messages (id, request, kind, answer, body, author, org, created_at) VALUES ($1, $2, 'answer', 'full', 'a', 'seed', $3, $4)`,
			mid, id, org, scStamp(sent))
		exec(`INSERT INTO request_reviews (id, request, message, completeness, accuracy, actionability, updates, use_made, reviewed_by, reviewed_at)
			VALUES ($1, $2, $1, $3, 2, 3, 4, $4, 'seed', $5)`, mid, id, k+1, string(use), scStamp(sent))
	}
	for k, st := range extensions {
		exec(`INSERT INTO request_extensions (id, request, until_at, reason, status, asked_by, asked_at) VALUES ($1, $2, $3, 'time', $4, 'seed', $3)`,
			id*10+int64(k), id, scStamp(sent), string(st))
	}
}

// TestScorecardRows: the requests of one counterpart sent in [from, to)
// with their reviews and extension counts, and its priority cases sent
// before the period and not closed, by id; nothing of another counterpart,
// drafts, priority cases sent after the period, or requests outside the
// period otherwise.
func TestScorecardRows(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		raw, err := sql.Open(db.Driver(), db.DSN())
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		from, to := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
		closed := to.Add(time.Hour)
		none := time.Time{}
		in, out := warden.Incoming, warden.Outgoing
		scInsert(t, raw, 1, "cn", out, warden.RequestReviewed, false, from, none, []warden.Use{warden.UseArrest, warden.UseTakedown},
			warden.ExtensionGranted, warden.ExtensionRefused, warden.ExtensionGranted)
		scInsert(t, raw, 2, "cn", in, warden.RequestSent, true, to.Add(-time.Microsecond), none, nil)
		scInsert(t, raw, 3, "cn", out, warden.RequestSent, false, to, none, nil)                                  // at to: outside
		scInsert(t, raw, 4, "cn", out, warden.RequestSent, false, from.Add(-time.Microsecond), none, nil)         // before
		scInsert(t, raw, 5, "cn", out, warden.RequestAcknowledged, true, from.AddDate(-1, 0, 0), none, nil)       // open priority case before
		scInsert(t, raw, 6, "cn", in, warden.RequestClosed, true, from.AddDate(0, -1, 0), closed, nil)            // closed priority case before
		scInsert(t, raw, 7, "cn", out, warden.RequestSent, true, to.AddDate(0, 0, 1), none, nil)                  // priority case after: not of the period
		scInsert(t, raw, 8, "other", out, warden.RequestSent, true, from.AddDate(0, 1, 0), none, nil)             // another counterpart
		scInsert(t, raw, 9, "cn", out, warden.RequestDraft, true, none, none, nil)                                // a draft
		scInsert(t, raw, 10, "cn", in, warden.RequestRefused, false, from.AddDate(0, 1, 0), closed, nil, "asked") // in the period

		rows, err := db.ScorecardRows(ctx, "cn", from, to)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(rows, func(a, b store.ScorecardRow) int { return cmp.Compare(a.ID, b.ID) })
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%d %s %s case=%t in=%t ext=%d/%d reviews=%v", r.ID, r.Direction, r.Status, r.PriorityCase, r.InPeriod,
				r.ExtensionsAsked, r.ExtensionsGranted, r.Reviews))
		}
		want := []string{
			"1 outgoing reviewed case=false in=true ext=3/2 reviews=[{{1 2 3 4} arrest} {{2 2 3 4} takedown}]",
			"2 incoming sent case=true in=true ext=0/0 reviews=[]",
			"5 outgoing acknowledged case=true in=false ext=0/0 reviews=[]",
			"10 incoming refused case=false in=true ext=1/0 reviews=[]",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("rows\n%q\nwant\n%q", got, want)
		}
		if len(rows) == 5 {
			r := rows[0]
			sent := from
			if r.Reference != "R-1" || r.Type != warden.RequestInformation || r.Priority != warden.PriorityRoutine || !r.SentAt.Equal(sent) ||
				!r.AcknowledgedAt.Equal(sent.Add(time.Hour)) || !r.AnsweredAt.IsZero() || !r.ClosedAt.IsZero() || !r.AckDue.Equal(sent.Add(24*time.Hour)) ||
				!r.AnswerDue.Equal(sent.Add(240*time.Hour)) || !r.AnswerDueOriginal.Equal(sent.Add(120*time.Hour)) || r.AckBusinessSecs != 3600 ||
				r.AnswerBusinessSecs != -1 || r.RefusalReason != warden.RefusalNoData {
				t.Errorf("row 1 = %+v", r)
			}
			if !rows[4].ClosedAt.Equal(closed) {
				t.Errorf("row 10 closed at %s", rows[4].ClosedAt)
			}
		}
		if rows, err := db.ScorecardRows(ctx, "nobody", from, to); err != nil || len(rows) != 0 {
			t.Errorf("no requests: %v, %v", rows, err)
		}

	})
}
