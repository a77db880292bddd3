package cooperation_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store"
	"warden/store/storetest"
)

// twoHandles opens two handles on one fresh database of engine, as two
// servers do; it skips PostgreSQL, saying so, without a server.
func twoHandles(t *testing.T, engine string) (*store.DB, *store.DB) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "w.db")
	if engine == "postgres" {
		base := os.Getenv(storetest.EnvPostgres)
		if base == "" {
			t.Skip(storetest.EnvPostgres + " is not set; skipping PostgreSQL (CI sets it)")
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		schema := fmt.Sprintf("t_%d", rand.Uint64()>>1)
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		})
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		dsn = base + sep + "search_path=" + schema
	}
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// deadlineEvents counts the deadline events written so far, by type and
// deadline ("approaching acknowledge 1 missed answer 2").
func deadlineEvents(t *testing.T, db *store.DB) string {
	t.Helper()
	counts := map[string]int{}
	for _, typ := range []string{warden.EventRequestDeadlineNear, warden.EventRequestDeadlineMissed} {
		evs, err := db.Events(context.Background(), typ, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			var p warden.RequestEvent
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			counts[fmt.Sprintf("%s %s %s", e.Object, strings.TrimPrefix(typ, "request.deadline_"), p.Deadline)]++
		}
	}
	var out []string
	for _, k := range []string{"request:1 approaching acknowledge", "request:1 missed acknowledge", "request:1 approaching answer", "request:1 missed answer",
		"request:2 approaching acknowledge", "request:2 missed acknowledge", "request:2 approaching answer", "request:2 missed answer"} {
		if counts[k] > 0 {
			out = append(out, fmt.Sprintf("%s=%d", k, counts[k]))
		}
	}
	return strings.Join(out, ", ")
}

// TestSweepOnce: eight sweeps at once, on two handles of one database
// (two servers), write each deadline event exactly once. An emergency
// request sent at T (8 h to acknowledge, 24 h to answer) is warned at
// T+6h (75% of 8 h) and found missed after T+8h for its acknowledgement,
// warned at T+18h and missed after T+24h for its answer; acknowledging
// it late changes nothing already written. A granted extension to T+48h
// clears the answer's marks: the new deadline is warned at T+36h (75% of
// 48 h) and missed after T+48h. A request first swept after both its
// deadlines passed gets the missed events only.
func TestSweepOnce(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			db1, db2 := twoHandles(t, engine)
			t0 := utc(t, "2026-06-01T12:00:00Z")
			w := newWorld(t, db1, t0)
			other := cooperation.New(db2, nil)
			other.Now = w.clock
			in := form("cn", false)
			in.Priority, in.Urgency = warden.PriorityEmergency, "Ongoing attack."
			var ids []int64
			for range 2 {
				r, err := w.s.Create(liaison, in)
				if err == nil {
					r, err = w.s.Send(liaison, r.ID)
				}
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, r.ID)
			}
			operator := warden.WithPrincipal(context.Background(), warden.Operator)
			sweep := func(at time.Duration, want int) {
				t.Helper()
				w.at(t0.Add(at))
				var wg sync.WaitGroup
				counts := make([]int, 8)
				for i := range counts {
					wg.Add(1)
					go func() {
						defer wg.Done()
						s := []*cooperation.Service{w.s, other}[i%2]
						n, err := s.Sweep(operator)
						if err != nil {
							t.Error(err)
						}
						counts[i] = n
					}()
				}
				wg.Wait()
				total := 0
				for _, n := range counts {
					total += n
				}
				if total != want {
					t.Errorf("at T+%v: %d events written, want %d", at, total, want)
				}
			}
			sweep(5*time.Hour, 0)
			sweep(6*time.Hour, 2) // both requests' acknowledgements
			if got := deadlineEvents(t, db2); got != "request:1 approaching acknowledge=1, request:2 approaching acknowledge=1" {
				t.Errorf("at T+6h: %s", got)
			}
			sweep(8*time.Hour, 0) // due, not yet passed
			sweep(8*time.Hour+time.Second, 2)
			w.at(t0.Add(9 * time.Hour))
			if _, err := w.s.Acknowledge(cnUser, ids[0], "late"); err != nil {
				t.Fatal(err)
			}
			sweep(18*time.Hour, 2)
			sweep(24*time.Hour+time.Second, 2)
			sweep(25*time.Hour, 0)
			x, err := w.s.AskExtension(cnUser, ids[0], t0.Add(48*time.Hour), "the provider answers on Monday")
			if err == nil {
				_, err = w.s.DecideExtension(liaison, ids[0], x.ID, true, "Agreed.")
			}
			if err != nil {
				t.Fatal(err)
			}
			sweep(25*time.Hour, 0)
			sweep(35*time.Hour, 0) // 35 of 48 hours: under 75%
			sweep(36*time.Hour, 1) // 75% of 48 hours
			sweep(48*time.Hour+time.Second, 1)
			sweep(72*time.Hour, 0)
			want := "request:1 approaching acknowledge=1, request:1 missed acknowledge=1, request:1 approaching answer=2, request:1 missed answer=2, " +
				"request:2 approaching acknowledge=1, request:2 missed acknowledge=1, request:2 approaching answer=1, request:2 missed answer=1"
			if got := deadlineEvents(t, db1); got != want {
				t.Errorf("events:\n%s\nwant\n%s", got, want)
			}
			n := 0
			db2.AuditEvents(context.Background(), warden.AuditFilter{Action: "request."}, func(e warden.AuditEvent) error {
				if strings.HasPrefix(e.Action, "request.deadline_") {
					n++
				}
				return nil
			})
			if n != 10 {
				t.Errorf("%d deadline audit events, want 10", n)
			}
			tl := timeline(t, db1, ids[0])
			if want := "sent deadline_approaching deadline_missed acknowledged deadline_approaching deadline_missed extension_asked extension_decided deadline_approaching deadline_missed"; tl != want {
				t.Errorf("timeline of request 1: %s", tl)
			}

			// A request found with both deadlines passed.
			late, err := w.s.Create(liaison, in)
			if err == nil {
				late, err = w.s.Send(liaison, late.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			sweep(72*time.Hour+30*time.Hour, 2)
			if tl := timeline(t, db2, late.ID); tl != "sent deadline_missed deadline_missed" {
				t.Errorf("timeline of a request swept late: %s", tl)
			}
		})
	}
}

// TestRaceOnce: eight acknowledgements of one request at once, on two
// handles, acknowledge it once; the others are told it is no longer sent
// (the status error), and one request.acknowledged event is written.
func TestRaceOnce(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			db1, db2 := twoHandles(t, engine)
			w := newWorld(t, db1, utc(t, "2026-06-01T12:00:00Z"))
			other := cooperation.New(db2, nil)
			other.Now = w.clock
			r, err := w.s.Create(liaison, form("us", false))
			if err == nil {
				r, err = w.s.Send(liaison, r.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			w.at(utc(t, "2026-06-02T14:00:00Z"))
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = []*cooperation.Service{w.s, other}[i%2].Acknowledge(usUser, r.ID, "")
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "status: request 1 is acknowledged"):
					t.Errorf("a losing acknowledgement: %v", err)
				}
			}
			if n := len(events(t, db2, warden.EventRequestAcknowledged)); ok != 1 || n != 1 {
				t.Errorf("%d acknowledgements succeeded, %d events", ok, n)
			}
			got, _ := db2.Request(context.Background(), r.ID)
			// Sent Monday 1 June 08:00 in New York, acknowledged Tuesday
			// at 10:00: 8 + 1 business hours.
			if got.AckBusinessSecs == nil || *got.AckBusinessSecs != 9*3600 {
				t.Errorf("ack business seconds %v", got.AckBusinessSecs)
			}
		})
	}
}

func events(t *testing.T, db *store.DB, typ string) []warden.DomainEvent {
	t.Helper()
	evs, err := db.Events(context.Background(), typ, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}
