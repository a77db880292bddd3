package main

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"warden"
	"warden/store/storetest"
)

// TestHotlineTwoNodes: two `warden serve` processes on one PostgreSQL
// database run the hotline's engine together; every notification of the
// alerts raised is delivered exactly once, counted at the webhook and SMTP
// receivers by X-Warden-Delivery.
func TestHotlineTwoNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	db := storetest.OpenPostgres(t)
	w := newHotlineWorld(t, db.DSN(), db)
	p := w.policy(500*time.Millisecond, 300*time.Millisecond)
	startProcess(t, w.serveArgs())
	startProcess(t, w.serveArgs())
	var alerts []warden.Alert
	for i := range 20 {
		alerts = append(alerts, w.raise(p, fmt.Sprintf("payment blocked %d", i)))
	}
	want := 3 * len(alerts)
	poll(t, 30*time.Second, "every notification delivered", func() bool { return w.settled(alerts, want) })
	per, n := w.delivered(alerts)
	for id, c := range per {
		if c != 1 {
			t.Errorf("%s delivered %d times, want once", id, c)
		}
	}
	if n != want {
		t.Errorf("%d notifications, want %d (3 per alert)", n, want)
	}
	if hooks := len(w.hook.Requests()); hooks != 2*len(alerts) {
		t.Errorf("the webhook receiver got %d requests, want %d", hooks, 2*len(alerts))
	}
	raw, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT attempted_by[1], COUNT(*) FROM river_job WHERE kind IN ('hotline.fire', 'hotline.deliver') GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var node string
		var jobs int
		if err := rows.Scan(&node, &jobs); err != nil {
			t.Fatal(err)
		}
		t.Logf("node %s worked %d jobs", node, jobs)
	}
}
