package hotline_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/notify/notifytest"
	"warden/store"
	"warden/store/storetest"
)

var (
	loadAlerts  = flag.Int("hotline.alerts", 10000, "alerts BenchmarkEscalationLoad raises")
	loadSpread  = flag.Int("hotline.spread", 60, "seconds over which BenchmarkEscalationLoad's first steps fall due, besides the time raising takes")
	loadDelay   = flag.Duration("hotline.delay", 10*time.Second, "BenchmarkEscalationLoad's delay of the second and third steps (the spread, in seconds, gives each layer of steps its own window)")
	loadWorkers = flag.Int("hotline.workers", 100, "jobs BenchmarkEscalationLoad's engine runs at once")
	loadPoll    = flag.Duration("hotline.poll", 100*time.Millisecond, "BenchmarkEscalationLoad's job engine poll interval")
)

// BenchmarkEscalationLoad measures how close to their due time the job
// engine fires escalation steps when many alerts are open: -hotline.alerts
// alerts (10,000) on 3-step policies whose steps go to a webhook endpoint
// (an in-process receiver, so delivery is measured too). The first step of
// an alert is due 10 s + k s after it is raised, k = 0..spread-1 in turn,
// the second and third -hotline.delay (10 s) after the one before; raising
// takes its own time on top. With the delay as long as the spread, each
// layer of steps falls due in its own window, at alerts/spread steps a
// second, while all the alerts stay open. The engine runs as serve runs it: River's defaults from
// package jobs (poll 100 ms, 100 workers), reconcile every second.
//
// Lag is the time from a step's due time to its firing (the notification
// row's created_at minus its due_at) and to its delivery (delivered_at
// minus due_at). Run it once per engine:
//
//	WARDEN_TEST_POSTGRES=... go test ./hotline -run '^$' -bench EscalationLoad -benchtime 1x -timeout 30m
func BenchmarkEscalationLoad(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchLoad(b, storetest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchLoad(b, storetest.OpenPostgres(b)) })
}

func benchLoad(b *testing.B, db *store.DB) {
	n, spread := *loadAlerts, *loadSpread
	const lead = 10 * time.Second
	delay := *loadDelay
	r := newRig(b, db, rigConfig{attempts: 5, hookTimeout: 10 * time.Second, every: time.Second, workers: *loadWorkers, poll: *loadPoll})
	hook := notifytest.NewWebhook(b)
	target := endpointTarget(r.endpoint("load", hook.URL))
	policies := make([]int64, spread)
	for k := range policies {
		policies[k] = r.policy(fmt.Sprintf("load %d", k), 0,
			step(lead+time.Duration(k)*time.Second, "", target), step(delay, "", target), step(delay, "", target)).ID
	}
	for b.Loop() {
		start := time.Now()
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					j := next.Add(1) - 1
					if j >= int64(n) {
						return
					}
					_, _, err := r.s.Raise(r.admin, hotline.RaiseInput{Summary: fmt.Sprintf("load alert %d", j), Severity: warden.SeverityHigh, Policy: policies[j%int64(spread)]})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		raised := time.Since(start)
		want := 3 * n
		// Counting the delivered rows scans them: once a second, so that the
		// count does not take the engine's CPU.
		deadline := time.Now().Add(raised + lead + time.Duration(spread)*time.Second + 2*delay + 5*time.Minute)
		for done := 0; done < want; time.Sleep(time.Second) {
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d steps delivered by the deadline", done, want)
			}
			if err := r.raw.QueryRow(`SELECT COUNT(*) FROM hotline_notifications WHERE kind = 'alert' AND status = 'delivered'`).Scan(&done); err != nil {
				b.Fatal(err)
			}
		}
		end := time.Now()
		b.StopTimer()
		fired, delivered, dues := lags(b, r)
		if len(fired) != want {
			b.Fatalf("%d steps fired, want %d", len(fired), want)
		}
		first, last := dues[0], dues[len(dues)-1]
		dup := 0
		for _, c := range hook.Deliveries() {
			if c > 1 {
				dup++
			}
		}
		if got := len(hook.Deliveries()); got != want || dup > 0 {
			b.Errorf("the receiver took %d deliveries (%d more than once), want %d once each", got, dup, want)
		}
		late, lateDone := 0, 0
		for i := range fired {
			if fired[i] > time.Second {
				late++
			}
			if delivered[i] > time.Second {
				lateDone++
			}
		}
		b.Logf("%d alerts raised in %s (%.0f/s); %d steps due from %s to %s after the start, fired and delivered by %s",
			n, raised.Round(time.Millisecond), float64(n)/raised.Seconds(), want, first.Sub(start).Round(time.Second), last.Sub(start).Round(time.Second), end.Sub(start).Round(time.Second))
		b.Logf("offered %.0f steps/s on average, %.0f at most over 10 s", float64(want)/last.Sub(first).Seconds(), peak(dues, 10*time.Second))
		b.Logf("fire lag p50 %s p99 %s max %s; %d steps more than 1 s late", pct(fired, 50), pct(fired, 99), pct(fired, 100), late)
		b.Logf("delivery lag p50 %s p99 %s max %s; %d steps delivered more than 1 s late", pct(delivered, 50), pct(delivered, 99), pct(delivered, 100), lateDone)
		b.ReportMetric(float64(pct(fired, 50).Microseconds())/1000, "p50-fire-lag-ms")
		b.ReportMetric(float64(pct(fired, 99).Microseconds())/1000, "p99-fire-lag-ms")
		b.ReportMetric(float64(pct(fired, 100).Microseconds())/1000, "max-fire-lag-ms")
		b.ReportMetric(float64(pct(delivered, 99).Microseconds())/1000, "p99-delivery-lag-ms")
		b.ReportMetric(float64(late), "late-steps")
		b.ReportMetric(float64(want)/last.Sub(first).Seconds(), "offered-steps/s")
		b.ReportMetric(peak(dues, 10*time.Second), "peak-offered-steps/s")
		b.ReportMetric(float64(want)/end.Sub(start.Add(lead)).Seconds(), "done-steps/s")
		b.StartTimer()
	}
}

// lags returns, for every alert notification, the time from its due time
// to its firing and to its delivery, and its due time, each sorted.
func lags(b *testing.B, r *rig) (fired, delivered []time.Duration, dues []time.Time) {
	b.Helper()
	rows, err := r.raw.QueryContext(context.Background(), `SELECT due_at, created_at, delivered_at FROM hotline_notifications WHERE kind = 'alert'`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var due, created, done string
		if err := rows.Scan(&due, &created, &done); err != nil {
			b.Fatal(err)
		}
		d, c, x := parseStamp(b, due), parseStamp(b, created), parseStamp(b, done)
		fired, delivered, dues = append(fired, c.Sub(d)), append(delivered, x.Sub(d)), append(dues, d)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	slices.Sort(fired)
	slices.Sort(delivered)
	slices.SortFunc(dues, time.Time.Compare)
	return fired, delivered, dues
}

// peak returns the most steps due in any window of length w, over w: the
// offered rate at its highest, where the average over the whole span
// counts the gaps between layers of steps too. Steps due within less than
// w in all are offered at their average.
func peak(dues []time.Time, w time.Duration) float64 {
	if span := dues[len(dues)-1].Sub(dues[0]); span < w {
		return float64(len(dues)) / span.Seconds()
	}
	most := 0
	for i, j := 0, 0; j < len(dues); j++ {
		for dues[j].Sub(dues[i]) >= w {
			i++
		}
		most = max(most, j-i+1)
	}
	return float64(most) / w.Seconds()
}

func parseStamp(b *testing.B, s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000000Z", s)
	if err != nil {
		b.Fatalf("time %q: %v", s, err)
	}
	return t
}

// pct returns the p-th percentile of sorted ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, len(ds)*p/100)]
}
