package hotline_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/cooperation"
	"warden/hotline"
	"warden/store"
	"warden/store/storetest"
)

// TestRequestDeadlineTrigger: the cooperation service's sweep writes
// request.deadline_missed when a counterpart lets an emergency request's
// acknowledgement deadline pass; a trigger on it raises one alert that
// names the request, its counterpart and the deadline, and pages the
// policy's step. People whose role reads requests take the request events
// they subscribed to; a role that may not read requests cannot subscribe.
func TestRequestDeadlineTrigger(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		ctx := context.Background()
		if _, err := auth.New(db).CreateOrg(e.admin, "de-bsi", "Federal Office for Information Security", "counterpart"); err != nil {
			t.Fatal(err)
		}
		pol := e.policy(warden.EscalationPolicy{Name: "deadlines", Steps: []warden.EscalationStep{step(0, "", person("bob"))}})
		if _, err := e.s.CreateTrigger(e.admin, warden.Trigger{Event: warden.EventRequestDeadlineMissed, Severity: warden.SeverityHigh, Policy: pol.ID, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.UpdateContactMethod(as("carol", warden.RoleAnalyst), 3, 0, []string{warden.EventRequestSent, warden.EventRequestDeadlineNear}); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.AddContactMethod(as("sam", warden.RoleScreener), warden.ContactMethod{Channel: warden.ChannelEmail, Address: "sam@example.org", Events: []string{warden.EventRequestAnswered}})
		if warden.ErrorCode(err) != warden.EFORBIDDEN || !strings.Contains(err.Error(), "request.answered") {
			t.Errorf("a screener taking request.answered: %v, want forbidden", err)
		}

		coop := cooperation.New(db, nil)
		coop.Now = e.clk.Now
		alice := as("alice", warden.RoleAnalyst)
		r, err := coop.Create(alice, cooperation.Input{Reference: "US-2026-0007", Type: warden.RequestPreservation, Counterpart: "de-bsi",
			Requesting: warden.Authority{Name: "Cyber Sanctions Office", TimeZone: "America/New_York", Country: "US"},
			Requested:  warden.Authority{Name: "BSI", TimeZone: "Europe/Berlin", Country: "DE"},
			LegalBasis: "Budapest Convention art. 29", Facts: "A command server in Frankfurt.", Offence: "unauthorised access", Sought: "preserve the server's disk",
			Preservation: &warden.Preservation{Custodian: "Hosting GmbH", Days: 90}, Priority: warden.PriorityEmergency, Urgency: "the lease ends on Friday"})
		if err == nil {
			r, err = coop.Send(alice, r.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		if due := t0.Add(8 * time.Hour); r.AckDue == nil || !r.AckDue.Equal(due) {
			t.Fatalf("ack due %v, want %v", r.AckDue, due)
		}
		sweep := func(want int) {
			t.Helper()
			if n, err := coop.Sweep(e.admin); err != nil || n != want {
				t.Fatalf("at %s the sweep wrote %d events (%v), want %d", e.clk.Now().Format(time.TimeOnly), n, err, want)
			}
		}
		handle := func(want int) {
			t.Helper()
			if n, err := e.s.HandleEvents(ctx); err != nil || n != want {
				t.Fatalf("HandleEvents: %d (%v), want %d", n, err, want)
			}
		}
		sweep(0)
		handle(1)                // request.sent
		e.clk.Add(6 * time.Hour) // 75% of the 8 hours to acknowledge
		sweep(1)
		handle(1)
		if alerts, _ := e.s.Alerts(e.admin, hotline.AlertFilter{}); len(alerts) != 0 {
			t.Fatalf("alerts before the deadline: %+v", alerts)
		}
		e.clk.Add(2*time.Hour + time.Minute)
		sweep(1)
		sweep(0)
		handle(1)
		handle(0)
		alerts, _ := e.s.Alerts(e.admin, hotline.AlertFilter{})
		if len(alerts) != 1 || alerts[0].Summary != "request US-2026-0007 (counterpart de-bsi) deadline to acknowledge missed (due 2026-03-02 17:00 UTC)" ||
			alerts[0].Object != "request:1" || alerts[0].Details != "See request 1 in Warden." || alerts[0].Severity != warden.SeverityHigh || alerts[0].Policy != pol.ID {
			t.Fatalf("alerts: %+v", alerts)
		}
		e.run()
		if got := e.rec.alerts(); !slices.Equal(got, []string{"bob@example.org"}) {
			t.Errorf("alert messages went to %v, want bob", got)
		}
		all, _ := db.NotificationsWith(ctx, warden.NotificationDelivered, time.Time{})
		var subs []string
		for _, n := range all {
			if strings.HasPrefix(n.Kind, "request.") {
				subs = append(subs, n.Address+" "+n.Subject)
			}
		}
		if want := []string{"carol@example.org Warden: request US-2026-0007 (counterpart de-bsi) sent",
			"carol@example.org Warden: request US-2026-0007 (counterpart de-bsi) deadline to acknowledge approaching (due 2026-03-02 17:00 UTC)"}; !slices.Equal(subs, want) {
			t.Errorf("subscriptions delivered: %q, want %q", subs, want)
		}
	})
}
