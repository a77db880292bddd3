package cooperation_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store"
	"warden/store/storetest"
)

var benchRequests = flag.Int("coop.requests", 100000, "requests BenchmarkScorecard seeds")

// benchOrgs are the benchmark's counterparts and their shares of the
// requests: the first, the busiest, is the one scored.
var benchOrgs = []struct {
	id    string
	share float64
}{{"cn-mps", 0.40}, {"cn-cac", 0.25}, {"ru-mvd", 0.15}, {"ir-fta", 0.10}, {"kp-rgb", 0.10}}

// benchSpan is how long a priority gives, in calendar hours: to
// acknowledge and to answer (the default table's, with business days as
// calendar ones).
var benchSpan = map[warden.Priority][2]float64{warden.PriorityEmergency: {8, 24}, warden.PriorityUrgent: {24, 168}, warden.PriorityRoutine: {72, 720}}

// benchSet draws n requests sent over the two years from 1 July 2024, the
// same ones for the same n: 70 % outgoing; 10 % emergency, 30 % urgent,
// the rest routine; 2 % priority cases; 90 % acknowledged, after 0.2 to
// 1.5 times the time allowed; 75 % answered in full after 0.3 to 1.6
// times it, 30 % of the answers reviewed, a share of them then closed;
// 5 % refused, 3 % withdrawn; 5 % with an extension asked, half granted.
// Business time is taken as 30 % of calendar time.
func benchSet(n int) map[string][]store.ScorecardRow {
	rnd := rand.New(rand.NewPCG(13, 2025))
	start := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	span := 2 * 365 * 24 * time.Hour
	now := start.Add(span)
	out := map[string][]store.ScorecardRow{}
	for i := range n {
		x, org := rnd.Float64(), benchOrgs[len(benchOrgs)-1].id
		for _, o := range benchOrgs {
			if x < o.share {
				org = o.id
				break
			}
			x -= o.share
		}
		r := store.ScorecardRow{ID: int64(i + 1), Reference: fmt.Sprintf("B-%06d", i+1), Direction: warden.Outgoing, Status: warden.RequestSent,
			Type: warden.RequestTypes[rnd.IntN(len(warden.RequestTypes))], Priority: warden.PriorityRoutine, PriorityCase: rnd.Float64() < 0.02,
			AckBusinessSecs: -1, AnswerBusinessSecs: -1}
		if rnd.Float64() >= 0.7 {
			r.Direction = warden.Incoming
		}
		switch p := rnd.Float64(); {
		case p < 0.1:
			r.Priority = warden.PriorityEmergency
		case p < 0.4:
			r.Priority = warden.PriorityUrgent
		}
		r.SentAt = start.Add(time.Duration(rnd.Int64N(int64(span)))).Truncate(time.Second)
		after := func(hours float64) time.Time { return r.SentAt.Add(time.Duration(hours * float64(time.Hour))) }
		ack, answer := benchSpan[r.Priority][0], benchSpan[r.Priority][1]
		r.AckDue, r.AnswerDue, r.AnswerDueOriginal = after(ack), after(answer), after(answer)
		if rnd.Float64() < 0.05 {
			r.ExtensionsAsked = 1
			if rnd.Float64() < 0.5 {
				r.ExtensionsGranted = 1
				r.AnswerDue = after(2 * answer)
			}
		}
		if rnd.Float64() < 0.9 {
			if t := after(ack * (0.2 + 1.3*rnd.Float64())); t.Before(now) {
				r.AcknowledgedAt, r.Status = t, warden.RequestAcknowledged
				r.AckBusinessSecs = int64(t.Sub(r.SentAt).Seconds() * 0.3)
			}
		}
		switch o := rnd.Float64(); {
		case o < 0.75:
			if t := after(answer * (0.3 + 1.3*rnd.Float64())); t.Before(now) {
				r.AnsweredAt, r.Status = t, warden.RequestAnswered
				r.AnswerBusinessSecs = int64(t.Sub(r.SentAt).Seconds() * 0.3)
				if r.AcknowledgedAt.IsZero() || r.AcknowledgedAt.After(t) {
					r.AcknowledgedAt, r.AckBusinessSecs = t, r.AnswerBusinessSecs
				}
				if rnd.Float64() < 0.3 {
					r.Status = warden.RequestReviewed
					r.Reviews = []store.ScorecardReview{{Rubric: warden.Rubric{Completeness: 1 + rnd.IntN(5), Accuracy: 1 + rnd.IntN(5),
						Actionability: 1 + rnd.IntN(5), Updates: 1 + rnd.IntN(5)}, Use: warden.Uses[rnd.IntN(len(warden.Uses))]}}
					if c := t.Add(72 * time.Hour); c.Before(now) && rnd.Float64() < 0.5 {
						r.Status, r.ClosedAt = warden.RequestClosed, c
					}
				}
			}
		case o < 0.80:
			if t := after(answer * rnd.Float64()); t.Before(now) {
				r.Status, r.ClosedAt, r.RefusalReason = warden.RequestRefused, t, warden.RefusalReasons[rnd.IntN(len(warden.RefusalReasons))]
			}
		case o < 0.83:
			if t := after(answer * rnd.Float64()); t.Before(now) {
				r.Status, r.ClosedAt = warden.RequestWithdrawn, t
			}
		}
		out[org] = append(out[org], r)
	}
	return out
}

// benchForm is the data column of every seeded request: a form as
// requests carry it (1.7 KB of JSON), so that the rows a scorecard reads
// are as wide as real ones.
var benchForm = func() string {
	b, err := json.Marshal(warden.Request{Kind: warden.KindNew, Type: warden.RequestDisclosure,
		Requesting: warden.Authority{Org: warden.HomeOrg, Name: "Cyber sanctions office", Contact: "Duty officer", Email: "duty@example.gov",
			Phone: "+1 202 555 0100", OfficeHours: "09:00-17:00", TimeZone: "America/New_York", Country: "US"},
		Requested: warden.Authority{Org: "cn-mps", Name: "Ministry of Public Security, cybercrime bureau", Contact: "Liaison desk",
			Email: "liaison@example.cn", OfficeHours: "09:00-18:00", TimeZone: "Asia/Shanghai", Country: "CN"},
		Investigating: "Federal investigators, field office 7", CaseNumbers: []string{"2025-CY-00417", "2025-CY-00418"},
		LegalBasis: "Budapest Convention articles 29 and 31; the 2015 arrangement on malicious cyber activity",
		Facts:      strings.Repeat("An intrusion into a regional utility's network was traced to servers rented in the requested territory. ", 4),
		Offence:    "Unauthorised access to a computer system and extortion", Sought: "Subscriber and traffic data of the accounts that rented the servers",
		Need: "To identify the operators and block their payments", Priority: warden.PriorityUrgent, Urgency: "Ongoing extortion",
		Links:   []warden.RequestLink{{Object: "incident:41", Shared: true}, {Object: "entity:ofac:36112"}},
		Parties: []warden.RequestParty{{Name: "Unknown operator", Schema: warden.SchemaPerson, Wallets: []string{"bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"}}}})
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// BenchmarkScorecard measures Service.Scorecard for the busiest
// counterpart (40 % of -coop.requests, 100,000 by default, with their
// sent, acknowledged and answered events, reviews and extensions, over two
// years) for the second quarter of 2025, on SQLite and on PostgreSQL
// (WARDEN_TEST_POSTGRES). Its baseline, fullscan, computes the same
// scorecard from a SELECT of every request with its reviews and
// extension counts, filtered in Go, and checks the figures agree. The
// target is 200 ms a scorecard. Run:
//
//	WARDEN_TEST_POSTGRES=... go test ./cooperation -run '^$' -bench Scorecard -benchtime 20x
func BenchmarkScorecard(b *testing.B) {
	set := benchSet(*benchRequests)
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := storetest.OpenSQLite(b)
			if engine == "postgres" {
				db = storetest.OpenPostgres(b)
			}
			raw := rawDB(b, db)
			start := time.Now()
			sd := seeder{data: benchForm}
			for _, o := range benchOrgs {
				addOrgs(b, raw, o.id)
				for _, r := range set[o.id] {
					sd.add(o.id, r)
				}
			}
			sd.write(b, raw, db.Driver())
			if engine == "postgres" {
				// What autovacuum does after a load this size.
				if _, err := raw.Exec(`ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("seeded %d requests, %d events, %d reviews, %d extensions in %s", len(sd.requests), len(sd.events), len(sd.reviews),
				len(sd.extensions), time.Since(start).Round(time.Millisecond))

			s := cooperation.New(db, nil)
			now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
			s.Now = func() time.Time { return now }
			ctx := asRole(warden.RoleLiaison, warden.HomeOrg)
			org := benchOrgs[0].id
			from, to, err := cooperation.Period("quarter", time.Date(2025, 5, 15, 0, 0, 0, 0, time.UTC), nil)
			if err != nil {
				b.Fatal(err)
			}
			want, err := s.Scorecard(ctx, org, from, to)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s, %s to %s: %d outgoing and %d incoming requests, %d priority cases", org, from.Format(time.DateOnly), to.Format(time.DateOnly),
				want.Outgoing.Requests, want.Incoming.Requests, len(want.PriorityCases))

			b.Run("quarter", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Scorecard(ctx, org, from, to); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("fullscan", func(b *testing.B) {
				for b.Loop() {
					sc := fullScan(b, raw, org, from, to, now)
					sc.Org, sc.From, sc.To = org, from, to
					if !reflect.DeepEqual(sc, want) {
						b.Fatalf("the full scan's scorecard differs:\n%+v\n%+v", sc, want)
					}
				}
			})
		})
	}
}

// fullScan is the baseline: every request with its reviews and extension
// counts, read without the index or the period, the scorecard's rows
// picked in Go.
func fullScan(b *testing.B, raw *sql.DB, org string, from, to, now time.Time) warden.Scorecard {
	rows, err := raw.QueryContext(context.Background(), `SELECT r.id, r.reference, r.direction, r.counterpart, r.status, r.priority, r.type, r.priority_case,
		r.sent_at, r.acknowledged_at, r.answered_at, r.closed_at, r.ack_due, r.answer_due, r.answer_due_original, r.ack_business_secs,
		r.answer_business_secs, r.refusal_reason,
		(SELECT COUNT(*) FROM request_extensions e WHERE e.request = r.id),
		(SELECT COUNT(*) FROM request_extensions e WHERE e.request = r.id AND e.status = 'granted'),
		v.completeness, v.accuracy, v.actionability, v.updates, v.use_made
		FROM requests r LEFT JOIN request_reviews v ON v.request = r.id ORDER BY r.id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	parse := func(s string) time.Time {
		t, _ := time.Parse(seedLayout, s)
		return t
	}
	var out []store.ScorecardRow
	for rows.Next() {
		var r store.ScorecardRow
		var dir, cp, status, prio, typ, sent, acked, answered, closed, ackDue, answerDue, answerDueOriginal, refusal string
		var prioCase int
		var comp, acc, act, upd sql.NullInt64
		var use sql.NullString
		if err := rows.Scan(&r.ID, &r.Reference, &dir, &cp, &status, &prio, &typ, &prioCase, &sent, &acked, &answered, &closed, &ackDue, &answerDue,
			&answerDueOriginal, &r.AckBusinessSecs, &r.AnswerBusinessSecs, &refusal, &r.ExtensionsAsked, &r.ExtensionsGranted,
			&comp, &acc, &act, &upd, &use); err != nil {
			b.Fatal(err)
		}
		r.SentAt, r.ClosedAt = parse(sent), parse(closed)
		r.InPeriod = !r.SentAt.Before(from) && r.SentAt.Before(to)
		if cp != org || sent == "" || !r.InPeriod && (prioCase == 0 || !r.ClosedAt.IsZero()) {
			continue
		}
		var review []store.ScorecardReview
		if use.Valid {
			review = []store.ScorecardReview{{Rubric: warden.Rubric{Completeness: int(comp.Int64), Accuracy: int(acc.Int64), Actionability: int(act.Int64),
				Updates: int(upd.Int64)}, Use: warden.Use(use.String)}}
		}
		if n := len(out); n > 0 && out[n-1].ID == r.ID {
			out[n-1].Reviews = append(out[n-1].Reviews, review...)
			continue
		}
		r.Direction, r.Status, r.Priority, r.Type = warden.Direction(dir), warden.RequestStatus(status), warden.Priority(prio), warden.RequestType(typ)
		r.PriorityCase, r.RefusalReason, r.Reviews = prioCase == 1, warden.RefusalReason(refusal), review
		r.AcknowledgedAt, r.AnsweredAt = parse(acked), parse(answered)
		r.AckDue, r.AnswerDue, r.AnswerDueOriginal = parse(ackDue), parse(answerDue), parse(answerDueOriginal)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return cooperation.Compute(out, now)
}
