package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/store"
)

// seedScorecard makes a database with a counterpart "cn", a dialogue held
// on 12 June 2025, and three of its requests sent in the second quarter
// of 2025: an outgoing one acknowledged in 2 h and answered in full in
// 10 h, both in time; an outgoing one never acknowledged, its deadlines
// long passed; an incoming one acknowledged 4 h late, sent after the
// dialogue.
func seedScorecard(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO organisations (id, name, kind, created_at) VALUES ('cn', 'Counterpart', 'counterpart', '2025-01-01T00:00:00.000000Z')`)
	exec(`INSERT INTO dialogues (id, org, held_on, added_by, added_at) VALUES (1, 'cn', '2025-06-12', 'seed', '2025-06-12T00:00:00.000000Z')`)
	for _, r := range []struct {
		id                   int64
		dir                  warden.Direction
		status               warden.RequestStatus
		sent                 time.Time
		acked, answered, due float64 // hours after sent; 0: unset
	}{
		{1, warden.Outgoing, warden.RequestAnswered, time.Date(2025, 4, 2, 9, 0, 0, 0, time.UTC), 2, 10, 24},
		{2, warden.Outgoing, warden.RequestSent, time.Date(2025, 5, 2, 9, 0, 0, 0, time.UTC), 0, 0, 24},
		{3, warden.Incoming, warden.RequestAcknowledged, time.Date(2025, 6, 20, 9, 0, 0, 0, time.UTC), 28, 0, 24},
	} {
		at := func(h float64) string {
			if h == 0 {
				return ""
			}
			return ts(r.sent.Add(time.Duration(h * float64(time.Hour))))
		}
		exec(`INSERT INTO requests (id, reference, direction, counterpart, status, priority, type, sent_at, acknowledged_at, answered_at,
			ack_due, answer_due, answer_due_original, data, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, 'cn', $4, 'urgent', 'disclosure', $5, $6, $7, $8, $9, $9, '{}', 'seed', $5, $5)`,
			r.id, "REF-"+string(rune('0'+r.id)), string(r.dir), string(r.status), ts(r.sent), at(r.acked), at(r.answered), at(r.due), at(10*r.due))
	}
	return path
}

// TestScorecardCLI: the scorecard of a quarter as JSON, CSV and HTML (to
// a file), by dates or by period; since the last dialogue; and the
// command line's mistakes refused with the usage exit code.
func TestScorecardCLI(t *testing.T) {
	db := seedScorecard(t)
	code, out, errs := cli(t, db, "scorecard", "--org", "cn", "--from", "2025-04-01", "--to", "2025-07-01", "--format", "json")
	var sc warden.Scorecard
	if err := json.Unmarshal([]byte(out), &sc); code != 0 || err != nil {
		t.Fatalf("json: %d %v %s", code, err, errs)
	}
	o, i := sc.Outgoing, sc.Incoming
	if sc.Org != "cn" || !sc.From.Equal(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)) || !sc.To.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) ||
		o.Requests != 2 || o.AckOnTime != 1 || o.AckOnTimePct != 50 || o.AnswerOnTimePct != 50 || o.AnswerHours.MedianCalendar != 10 || o.Open != 1 ||
		o.Overdue != 1 || i.Requests != 1 || i.Acknowledged != 1 || i.AckOnTimePct != 0 || i.AckHours.MedianCalendar != 28 {
		t.Errorf("scorecard %+v", sc)
	}

	code, out, errs = cli(t, db, "scorecard", "--org", "cn", "--period", "quarter", "--at", "2025-05-20")
	if code != 0 || !strings.HasPrefix(out, "section,figure,outgoing,incoming\n") || !strings.Contains(out, "\nacknowledgement,on time %,50,0\n") ||
		!strings.Contains(out, "\nscorecard,from,2025-04-01T00:00:00Z,2025-04-01T00:00:00Z\n") {
		t.Errorf("csv: %d %s %s", code, out, errs)
	}

	page := filepath.Join(t.TempDir(), "report.html")
	if code, out, errs := cli(t, db, "scorecard", "--org", "cn", "--from", "2025-04-01", "--to", "2025-07-01", "--format", "html", "--out", page); code != 0 || out != "" {
		t.Fatalf("html: %d %q %s", code, out, errs)
	}
	b, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "Them: acknowledged 50.0%") || !strings.Contains(string(b), "@page") {
		t.Errorf("report.html: %v %.300s", err, b)
	}

	// Since the dialogue of 12 June, to the end of 30 June: the incoming
	// request alone.
	code, out, errs = cli(t, db, "scorecard", "--org", "cn", "--period", "dialogue", "--at", "2025-07-01", "--format", "json")
	sc = warden.Scorecard{}
	if json.Unmarshal([]byte(out), &sc); code != 0 || sc.Outgoing.Requests != 0 || sc.Incoming.Requests != 1 ||
		!sc.From.Equal(time.Date(2025, 6, 12, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("since the dialogue: %d %+v %s", code, sc, errs)
	}
	if code, _, errs := cli(t, db, "scorecard", "--org", "cn", "--period", "dialogue", "--at", "2025-06-01"); code != 1 || !strings.Contains(errs, "period:") {
		t.Errorf("no dialogue before: %d %s", code, errs)
	}
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--from", "2025-04-01", "--to", "2025-07-01"}, 2, "--org"},
		{[]string{"--org", "cn"}, 2, "--period"},
		{[]string{"--org", "cn", "--from", "2025-04-01"}, 2, "--period"},
		{[]string{"--org", "cn", "--from", "2025-04-01", "--to", "2025-07-01", "--period", "month"}, 2, "not both"},
		{[]string{"--org", "cn", "--from", "2025-04-01", "--to", "2025-07-01", "--at", "2025-05-01"}, 2, "--at"},
		{[]string{"--org", "cn", "--from", "1 April", "--to", "2025-07-01"}, 2, "--from"},
		{[]string{"--org", "cn", "--from", "0001-01-01", "--to", "2025-07-01"}, 2, "--from: 0001-01-01 must be in the years 2000 to 2100"},
		{[]string{"--org", "cn", "--period", "month", "--at", "9999-12-15"}, 2, "--at: 9999-12-15 must be in the years 2000 to 2100"},
		{[]string{"--org", "cn", "--period", "month", "--format", "pdf"}, 2, "--format"},
		{[]string{"--org", "cn", "--period", "month", "extra"}, 2, "extra"},
		{[]string{"--org", "cn", "--period", "week"}, 1, "period:"},
		{[]string{"--org", "cn", "--from", "2025-07-01", "--to", "2025-04-01"}, 1, "from:"},
		{[]string{"--org", "cn", "--from", "2020-01-01", "--to", "2025-04-01"}, 1, "to:"},
		{[]string{"--org", "nobody", "--period", "month"}, 1, "no organisation"},
	} {
		code, _, errs := cli(t, db, append([]string{"scorecard"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.says) {
			t.Errorf("scorecard %v: exit %d %s; want %d saying %q", c.args, code, errs, c.code, c.says)
		}
	}
}
