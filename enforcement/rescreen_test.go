package enforcement_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/jobs"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// node is a second node on e's database: its own store handle, screening
// index and service, with e's policy and clock.
func node(t *testing.T, e *env) *enforcement.Service {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	dsn := e.db.DSN()
	if e.db.Driver() == "sqlite" { // the file the URL names
		dsn, _, _ = strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	a.Now = func() time.Time { return *e.now }
	svc := enforcement.New(db, sc, a.Approvals)
	svc.Policy = e.svc.Policy
	svc.Now = func() time.Time { return *e.now }
	return svc
}

// onboardMany registers n customers, every third of them a namesake of
// the party that listUK lists, and returns how many namesakes there are.
func onboardMany(t *testing.T, e *env, n int) int {
	t.Helper()
	var cs []warden.Customer
	var lines []int
	namesakes := 0
	for i := range n {
		c := warden.Customer{ID: fmt.Sprintf("C%04d", i), Schema: warden.SchemaPerson, Name: fmt.Sprintf("Jane Doe %d", i), Country: "US"}
		if i%3 == 0 {
			c.Name, c.Country = "Boris Ivanovich Grebenshchikov", "CY"
			namesakes++
		}
		cs, lines = append(cs, c), append(lines, i+2)
	}
	_, sum, err := e.svc.Import(as("kyc", warden.RoleScreener), cs, lines, nil)
	if err != nil || sum.Decision[warden.DecisionCleared] != n {
		t.Fatalf("onboarding: %+v %v", sum, err)
	}
	return namesakes
}

// listUK imports a new list that names the namesakes, and refreshes the
// nodes' indexes.
func listUK(t *testing.T, db *store.DB, nodes ...*enforcement.Service) {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "uk", "uk-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "CYB0042", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "GREBENSHCHIKOV, Boris Ivanovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER"},
		Nationalities: []string{"CY"}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if _, err := n.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRescreenTwoNodes: two nodes on one database re-screen the register
// at once after a list change. One claims the run and does it; the other
// sees it claimed and skips: every customer is screened once, and the
// run's record holds the full counts (the nodes used to both screen
// everyone, split the changes between them and record whichever partial
// count finished first).
func TestRescreenTwoNodes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		namesakes := onboardMany(t, e, 300)
		clerk := as("kyc", warden.RoleScreener)
		a, b := e.svc, node(t, e)
		if _, err := a.RescreenIfNew(clerk); err != nil {
			t.Fatal(err)
		}
		listUK(t, db, a, b)
		var wg sync.WaitGroup
		res := make([]enforcement.RescreenResult, 2)
		errs := make([]error, 2)
		for i, n := range []*enforcement.Service{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i], errs[i] = n.RescreenIfNew(clerk)
			}()
		}
		wg.Wait()
		for i := range res {
			if errs[i] != nil {
				t.Fatalf("node %d: %v", i, errs[i])
			}
		}
		if screened := res[0].Customers + res[1].Customers; screened != 300 || res[0].Changed+res[1].Changed != namesakes || res[0].Skipped == res[1].Skipped {
			t.Errorf("the nodes screened %d customers (want 300, each once) and changed %d (want %d): %+v %+v", screened, res[0].Changed+res[1].Changed, namesakes, res[0], res[1])
		}
		key := fmt.Sprint(a.Screening.Versions())
		r, err := db.Rescreened(context.Background(), key)
		if err != nil || r.Customers != 300 || r.Changed != namesakes {
			t.Errorf("the run's record: %+v %v, want 300 customers, %d changed", r, err, namesakes)
		}
		blocked, _ := db.CountCustomers(context.Background(), warden.DecisionBlocked)
		if blocked != namesakes {
			t.Errorf("%d customers blocked, want %d", blocked, namesakes)
		}
	})
}

// importOFAC imports a new version of the ofac list setup made, with
// fn's changes to its parties, and refreshes the nodes' indexes.
func importOFAC(t *testing.T, db *store.DB, fn func(map[string]*warden.Entity), nodes ...*enforcement.Service) {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	ps := map[string]*warden.Entity{}
	if err := db.Entities(ctx, "ofac", 0, func(e *warden.Entity) error { ps[e.SourceID] = e; return nil }); err != nil {
		t.Fatal(err)
	}
	fn(ps)
	im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ps {
		e.Version = 0
		im.Put(e)
	}
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if _, err := n.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRescreenDelta: after a list's new version, the register is
// screened against what changed: a customer named as a new alias and one
// holding a new wallet get the full decision and are stopped, the others
// are not given it; the open case of a party delisted is flagged, as the
// system, with the version. A new list is screened in full.
func TestRescreenDelta(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		clerk, auditor := as("kyc", warden.RoleScreener), as("audrey", warden.RoleAuditor)
		const others = 40
		onboardMany(t, e, others) // namesakes of nobody yet
		const newWallet = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
		for _, c := range []warden.Customer{
			{ID: "ALIAS", Schema: warden.SchemaPerson, Name: "Viktor Zaytsev"},
			{ID: "WALLET", Wallet: newWallet},
			{ID: "HELD", Name: "Andrei Kolosov Petrovich", Account: "DE-77"},
		} {
			if _, _, err := e.svc.Onboard(clerk, c); err != nil {
				t.Fatal(err)
			}
		}
		held, _ := e.svc.Customer(auditor, "HELD")
		if held.Status != warden.DecisionHeld || len(held.Cases) != 1 {
			t.Fatalf("HELD: %+v", held)
		}
		first, err := e.svc.RescreenIfNew(clerk)
		if err != nil || first.Mode != warden.RescreenFull || first.Customers != others+2 || first.Decided != others+2 || first.Changed != 0 {
			t.Fatalf("first run: %+v %v", first, err)
		}

		// Version 2: Ivanov gets an alias, Evil Corp a wallet, Kolosov is
		// delisted.
		importOFAC(t, db, func(ps map[string]*warden.Entity) {
			ps["2"].Names = append(ps["2"].Names, warden.Name{Full: "ZAYTSEV, Viktor", Kind: warden.NameAKA})
			ps["1"].Identifiers = append(ps["1"].Identifiers, warden.Identifier{Type: warden.IDCrypto, Value: newWallet, Currency: "XBT"})
			delete(ps, "3")
		}, e.svc)
		*e.now = e.now.Add(time.Hour)
		res, err := e.svc.RescreenIfNew(clerk)
		if err != nil || res.Mode != warden.RescreenDelta || res.Parties != 2 || res.Delisted != 1 {
			t.Fatalf("delta run: %+v %v", res, err)
		}
		if res.Customers != others+2 || res.Decided != 2 || res.Changed != 2 || res.Decisions[warden.DecisionHeld] != 1 || res.Decisions[warden.DecisionBlocked] != 1 {
			t.Errorf("delta run: %+v, want %d customers screened, 2 given the full decision and changed (held, blocked)", res, others+2)
		}
		for id, want := range map[string]string{"ALIAS": warden.DecisionHeld, "WALLET": warden.DecisionBlocked, "C0001": warden.DecisionCleared} {
			if c, _ := e.svc.Customer(auditor, id); c.Status != want {
				t.Errorf("%s: %s, want %s (%+v)", id, c.Status, want, c.Hits)
			}
		}
		notes, _ := db.CaseNotes(context.Background(), held.Cases[0])
		if len(notes) != 1 || notes[0].AddedBy != warden.Operator.Name || !strings.Contains(notes[0].Text, "ofac:3") || !strings.Contains(notes[0].Text, "removed from ofac version 2") {
			t.Errorf("the delisted party's case: notes %+v", notes)
		}
		r, err := db.Rescreened(context.Background(), fmt.Sprint(e.svc.Screening.Versions()))
		if err != nil || r.State != warden.RescreenDone || r.Mode != warden.RescreenDelta || r.Customers != others+2 || r.Changed != 2 || r.Decided != 2 || r.Base == "" {
			t.Errorf("the run's record: %+v %v", r, err)
		}
		if p, err := e.svc.RescreenProgress(auditor); err != nil || p.Versions != r.Versions || p.PartsDone != p.Parts || p.Parts != 1 {
			t.Errorf("progress: %+v %v", p, err)
		}

		// A new list: in full.
		listUK(t, db, e.svc)
		res, err = e.svc.RescreenIfNew(clerk)
		if err != nil || res.Mode != warden.RescreenFull || res.Decided != others {
			t.Errorf("after a new list: %+v %v, want a full run deciding the %d cleared", res, err, others)
		}
	})
}

// TestRescreenFullFlagsDelisted: a run that goes full (here because a new
// list came in the same window) still flags the open case of a party
// delisted since the last run, as a delta run does (it flagged none).
func TestRescreenFullFlagsDelisted(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		clerk, auditor := as("kyc", warden.RoleScreener), as("audrey", warden.RoleAuditor)
		if _, _, err := e.svc.Onboard(clerk, warden.Customer{ID: "HELD", Name: "Andrei Kolosov Petrovich", Account: "DE-77"}); err != nil {
			t.Fatal(err)
		}
		held, _ := e.svc.Customer(auditor, "HELD")
		if held.Status != warden.DecisionHeld || len(held.Cases) != 1 {
			t.Fatalf("HELD: %+v", held)
		}
		if first, err := e.svc.RescreenIfNew(clerk); err != nil || first.Mode != warden.RescreenFull || first.Delisted != 0 {
			t.Fatalf("first run: %+v %v", first, err)
		}
		importOFAC(t, db, func(ps map[string]*warden.Entity) { delete(ps, "3") }, e.svc)
		listUK(t, db, e.svc)
		*e.now = e.now.Add(time.Hour)
		res, err := e.svc.RescreenIfNew(clerk)
		if err != nil || res.Mode != warden.RescreenFull || res.Delisted != 1 {
			t.Fatalf("full run after a delisting and a new list: %+v %v, want full with 1 case flagged", res, err)
		}
		notes, _ := db.CaseNotes(context.Background(), held.Cases[0])
		if len(notes) != 1 || notes[0].AddedBy != warden.Operator.Name || !strings.Contains(notes[0].Text, "ofac:3") || !strings.Contains(notes[0].Text, "removed from ofac version 2") {
			t.Errorf("the delisted party's case: notes %+v", notes)
		}
	})
}

// queueFor opens a job queue on n's database that works n's re-screening
// parts, and makes it n's.
func queueFor(t *testing.T, n *enforcement.Service, cfg jobs.Config) *jobs.Queue {
	t.Helper()
	w := river.NewWorkers()
	enforcement.Workers(n, w)
	cfg.Workers, cfg.PollInterval = w, 50*time.Millisecond
	q, err := jobs.Open(context.Background(), n.DB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.Rescreening.Queue = q
	return q
}

// waitRun waits for the run keyed key to be done.
func waitRun(t *testing.T, db *store.DB, key string, within time.Duration) warden.Rescreen {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r, err := db.Rescreened(context.Background(), key)
		if err == nil && r.State == warden.RescreenDone {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s not done after %s: %+v %v", key, within, r, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// count counts the audit events of action.
func count(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	n := 0
	if err := db.AuditEvents(context.Background(), warden.AuditFilter{Action: action}, func(warden.AuditEvent) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRescreenJobs: a run's parts are jobs that two nodes, each with its
// own store handle and queue, share: the run is queued once, its parts
// are done once, and every customer is given the full decision once.
func TestRescreenJobs(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		namesakes := onboardMany(t, e, 300)
		clerk := as("kyc", warden.RoleScreener)
		a, b := e.svc, node(t, e)
		for i, n := range []*enforcement.Service{a, b} {
			n.Rescreening.PartSize = 40
			q := queueFor(t, n, jobs.Config{ID: fmt.Sprintf("node-%d", i)})
			if err := q.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { q.Stop(context.Background()) })
		}
		if res, err := a.RescreenIfNew(clerk); err != nil || !res.Queued || res.Parts != 8 { // 7 of 40, the last of 20
			t.Fatalf("first run: %+v %v, want 8 parts queued", res, err)
		}
		waitRun(t, db, fmt.Sprint(a.Screening.Versions()), 30*time.Second)
		listUK(t, db, a, b)
		var wg sync.WaitGroup
		res := make([]enforcement.RescreenResult, 2)
		for i, n := range []*enforcement.Service{a, b} {
			wg.Go(func() {
				var err error
				if res[i], err = n.RescreenIfNew(clerk); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if res[0].Queued == res[1].Queued || res[0].Skipped == res[1].Skipped {
			t.Fatalf("one node queues the run, the other skips it: %+v %+v", res[0], res[1])
		}
		r := waitRun(t, db, fmt.Sprint(a.Screening.Versions()), 30*time.Second)
		if r.Mode != warden.RescreenFull || r.Parts != 8 || r.PartsDone != 8 || r.Customers != 300 || r.Decided != 300 || r.Changed != namesakes {
			t.Errorf("the run: %+v, want 8 parts, 300 customers decided once, %d changed", r, namesakes)
		}
		if n := count(t, db, "customer.rescreen"); n != namesakes {
			t.Errorf("%d customers' changes audited, want %d", n, namesakes)
		}
		if n := count(t, db, "customers.rescreen"); n != 2 {
			t.Errorf("%d runs audited, want 2", n)
		}
	})
}

// TestRescreenRescue: a node dies part way through its jobs (after
// screening a page, before recording it); River's rescuer on the other
// node hands the jobs to it, which resumes each part where its progress
// was recorded: the run finishes with every customer counted once.
func TestRescreenRescue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		onboardMany(t, e, 120)
		clerk := as("kyc", warden.RoleScreener)
		if _, err := e.svc.RescreenIfNew(clerk); err != nil { // the base: in full, here
			t.Fatal(err)
		}
		a, b := node(t, e), node(t, e)
		// Every third customer is named as the new list's party: every
		// page changes some.
		listUK(t, db, a, b)
		hung := make(chan struct{})
		t.Cleanup(func() { close(hung) })
		pages := make(chan int, 10)
		enforcement.SetRescreenPage(a, 10, func(run string, part int) {
			pages <- part
			<-hung // the node dies here
		})
		a.Rescreening.PartSize = 60
		qa := queueFor(t, a, jobs.Config{ID: "dying", RescueAfter: time.Hour})
		if err := qa.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		res, err := a.RescreenIfNew(clerk)
		if err != nil || !res.Queued || res.Parts != 2 {
			t.Fatalf("run: %+v %v", res, err)
		}
		key := fmt.Sprint(a.Screening.Versions())
		for range 2 {
			select {
			case <-pages:
			case <-time.After(20 * time.Second):
				t.Fatal("the dying node screened no page")
			}
		}
		// The node is gone: its jobs stay running in the queue.
		stop, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		qa.Stop(stop)
		// Time passes beyond the rescue delay: the jobs were attempted long ago.
		past := `now() - interval '1 hour'`
		if db.Driver() == "sqlite" {
			past = `datetime('now', '-1 hour', 'subsec')`
		}
		raw := rawDB(t, db)
		if _, err := raw.Exec(`UPDATE river_job SET attempted_at = ` + past + ` WHERE state = 'running'`); err != nil {
			t.Fatal(err)
		}
		b.Rescreening.PartSize = 60
		qb := queueFor(t, b, jobs.Config{ID: "rescuer", RescueAfter: time.Minute})
		if err := qb.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { qb.Stop(context.Background()) })
		r := waitRun(t, db, key, 30*time.Second)
		if r.Customers != 120 || r.Decided != 120 || r.Changed != 40 || r.PartsDone != 2 {
			t.Errorf("the run after the rescue: %+v, want 120 customers, 40 changed", r)
		}
		if n := count(t, db, "customer.rescreen"); n != 40 {
			t.Errorf("%d customers' changes audited, want 40", n)
		}
		var n, attempts int
		if err := raw.QueryRow(`SELECT COUNT(*), MIN(attempt) FROM river_job WHERE kind = 'customers.rescreen'`).Scan(&n, &attempts); err != nil || n != 2 || attempts != 2 {
			t.Errorf("%d jobs, attempts from %d (%v), want 2 jobs each on its second attempt (rescued)", n, attempts, err)
		}
	})
}

// rawDB opens a plain connection to db's database.
func rawDB(t *testing.T, db *store.DB) *sql.DB {
	t.Helper()
	c, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestRescreenTakeover: a run claimed by a node that then died (its claim
// not renewed) is skipped while the claim lasts and taken over once it
// lapses.
func TestRescreenTakeover(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		onboardMany(t, e, 30)
		clerk := as("kyc", warden.RoleScreener)
		now := time.Now()
		dead := warden.Rescreen{Versions: fmt.Sprint(e.svc.Screening.Versions()), Lists: e.svc.Screening.Versions(), Actor: "kyc", Started: now}
		if ok, err := db.ClaimRescreen(context.Background(), &dead, "dead-node", now, now.Add(500*time.Millisecond)); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if res, err := e.svc.RescreenIfNew(clerk); err != nil || !res.Skipped {
			t.Errorf("while the dead node's claim lasts: %+v %v", res, err)
		}
		time.Sleep(600 * time.Millisecond)
		res, err := e.svc.RescreenIfNew(clerk)
		if err != nil || res.Skipped || res.Customers != 30 || res.Mode != warden.RescreenFull {
			t.Errorf("once it lapsed: %+v %v", res, err)
		}
		if r, err := db.Rescreened(context.Background(), dead.Versions); err != nil || r.State != warden.RescreenDone || r.Customers != 30 {
			t.Errorf("the run: %+v %v", r, err)
		}
	})
}
