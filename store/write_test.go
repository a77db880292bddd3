package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestEngineWritesBesideChanges: the hotline engine's writes (fires,
// claims, finishes) race each other and audited changes on the same
// alerts: no write fails, each step fires once, every notification and log
// line gets its own id, log ids follow commit order (a reader tailing the
// log misses no line), and the audit chain stays whole.
func TestEngineWritesBesideChanges(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		const alerts = 12
		pol := &warden.EscalationPolicy{Name: "writes", Steps: []warden.EscalationStep{{Delay: warden.Duration(time.Minute)}, {Delay: warden.Duration(time.Minute)}}}
		if err := db.SaveEscalationPolicy(ctx, pol, nil); err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, alerts)
		for i := range ids {
			a := &warden.Alert{Summary: fmt.Sprintf("alert %d", i), Severity: warden.SeverityHigh, Policy: pol.ID, Source: "api",
				Status: warden.AlertTriggered, NextAt: &now, CreatedBy: "alice", CreatedAt: now}
			if _, err := db.RaiseAlert(ctx, a, false, time.Time{}, nil, nil); err != nil {
				t.Fatal(err)
			}
			ids[i] = a.ID
		}
		fire := func(alert int64) (*store.AlertFire, bool, error) {
			f := &store.AlertFire{Alert: alert, At: now, NextStep: 1, NextAt: now.Add(time.Minute), ClaimUntil: now.Add(time.Minute),
				Notifications: []store.Outgoing{{Notification: warden.Notification{Alert: alert, Kind: "alert", Channel: warden.ChannelWebhook,
					Address: "https://example.org/hook", DueAt: now}, Destination: "endpoint:1"}},
				Log: []warden.HotlineEntry{{At: now, Alert: alert, Kind: "escalated"}}}
			ok, err := db.FireAlert(ctx, f, nil)
			return f, ok, err
		}
		// A reader tails the log by id while the writes race: as log ids
		// follow commit order, it misses no line.
		tailed := map[int64]bool{}
		var last int64
		tail := func() {
			lines, err := db.HotlineLog(ctx, 0, last, 0)
			if err != nil {
				t.Error(err)
				return
			}
			for _, l := range lines {
				tailed[l.ID], last = true, l.ID
			}
		}
		stop, tailing := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(tailing)
			for {
				select {
				case <-stop:
					return
				default:
					tail()
				}
			}
		}()
		var mu sync.Mutex
		fired := map[int64]int{}
		var notifications []int64
		var wg sync.WaitGroup
		for i, id := range ids {
			for range 2 {
				wg.Go(func() {
					f, ok, err := fire(id)
					if err != nil {
						t.Errorf("fire %d: %v", id, err)
						return
					}
					if ok {
						mu.Lock()
						fired[id]++
						notifications = append(notifications, f.Notifications[0].ID)
						mu.Unlock()
					}
				})
			}
			wg.Go(func() {
				if err := db.AddHotlineLog(ctx, warden.HotlineEntry{At: now, Alert: id, Kind: "note"}); err != nil {
					t.Errorf("log %d: %v", id, err)
				}
			})
			wg.Go(func() {
				if err := db.Audit(ctx, warden.NewAuditEvent(ctx, "test.audit", fmt.Sprintf("alert:%d", id), "", nil)); err != nil {
					t.Errorf("audit %d: %v", id, err)
				}
			})
			if i%3 == 0 {
				// An acknowledgement racing the fire: it cancels the
				// notification if it comes second, and the fire does
				// nothing if it comes first.
				wg.Go(func() {
					_, err := db.SetAlertStatus(ctx, id, []warden.AlertStatus{warden.AlertTriggered}, warden.AlertAcknowledged, "alice", now,
						nil, []warden.HotlineEntry{{At: now, Alert: id, Kind: "acknowledged"}}, warden.NewAuditEvent(ctx, "hotline.ack", "", "", nil))
					if err != nil {
						t.Errorf("acknowledge %d: %v", id, err)
					}
				})
			}
		}
		wg.Wait()
		for i, id := range ids {
			if want := 1; fired[id] != want && !(i%3 == 0 && fired[id] == 0) {
				t.Errorf("alert %d fired %d times, want %d", id, fired[id], want)
			}
		}
		for _, n := range notifications {
			wg.Go(func() {
				o, ok, err := db.ClaimNotification(ctx, n, now.Add(2*time.Minute), now.Add(3*time.Minute))
				if err != nil {
					t.Errorf("claim %d: %v", n, err)
					return
				}
				if !ok && o.ID != 0 {
					t.Errorf("claim %d: not claimed but returned %d", n, o.ID)
				}
				if err := db.FinishNotification(ctx, n, warden.NotificationDelivered, now, now, "", warden.HotlineEntry{At: now, Notification: n, Kind: "delivered"}); err != nil {
					t.Errorf("finish %d: %v", n, err)
				}
			})
		}
		wg.Wait()
		close(stop)
		<-tailing
		tail()

		lines, err := db.HotlineLog(ctx, 0, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		acks := 0
		for i := range ids {
			if i%3 == 0 {
				acks++
			}
		}
		// Per fire: "escalated" and "notified"; per notification:
		// "delivered"; per alert: "note"; per acknowledgement: its line.
		if want := 3*len(notifications) + alerts + acks; len(lines) != want {
			t.Errorf("%d log lines, want %d", len(lines), want)
		}
		seen := map[int64]bool{}
		for _, l := range lines {
			if seen[l.ID] {
				t.Errorf("log id %d twice", l.ID)
			}
			seen[l.ID] = true
			if !tailed[l.ID] {
				t.Errorf("the reader tailing the log missed line %d (%s)", l.ID, l.Kind)
			}
		}
		var prev string
		n := 0
		err = db.AuditEvents(ctx, warden.AuditFilter{}, func(e warden.AuditEvent) error {
			if e.Prev != prev || !e.Intact() {
				t.Errorf("audit event %d breaks the chain", e.Seq)
			}
			prev = e.Hash
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := alerts + acks; n != want {
			t.Errorf("%d audit events, want %d", n, want)
		}
	})
}
