package enforcement

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"warden"
	"warden/auth"
	"warden/ingest"
	"warden/jobs"
	"warden/match"
	"warden/screening"
	"warden/snapshot"
	"warden/store"
	"warden/store/storetest"
)

// BenchmarkRescreen re-screens a register of WARDEN_BENCH_CUSTOMERS
// customers (20,000 if unset; docs/performance.md gives 1,000,000) as
// warden serve does, through the job queue: in full after the bundled OFAC
// snapshot is first listed, then against a day's change of 300 parties
// (150 given an alias and a wallet, 150 added). It reports the seconds
// and the CPU seconds of this process (the nodes; PostgreSQL's own are
// not counted) of each run, and the customers the delta gave the full
// decision; up to 50,000 customers, also how many customers a full
// re-screening after the delta still changes (delta-missed: what the delta
// missed). postgres-2nodes runs two nodes (store handles, screening
// indexes, services and queues) on one PostgreSQL; sqlite-1node one node.
// The customers are testdata/customers-20k.csv's names cycled, seeded as
// cleared (store.SeedClearedCustomers).
func BenchmarkRescreen(b *testing.B) {
	n := 20_000
	if v := os.Getenv("WARDEN_BENCH_CUSTOMERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("WARDEN_BENCH_CUSTOMERS=%q: a positive number", v)
		}
	}
	b.Run("sqlite-1node", func(b *testing.B) { benchRescreen(b, storetest.OpenSQLite(b), n, 1) })
	b.Run("postgres-2nodes", func(b *testing.B) { benchRescreen(b, storetest.OpenPostgres(b), n, 2) })
}

func benchRescreen(b *testing.B, db *store.DB, n, nodes int) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := ingest.Import(ctx, db, ingest.Request{List: snapshot.List, Format: snapshot.Format, Input: snapshot.Input(), Published: snapshot.Date}, nil); err != nil {
		b.Fatal(err)
	}
	cs := benchCustomers(b, n)
	start := time.Now()
	if err := db.SeedClearedCustomers(ctx, cs, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d customers seeded in %s", len(cs), time.Since(start).Round(time.Millisecond))
	var svcs []*Service
	for i := range nodes {
		h := db
		if i > 0 {
			var err error
			if h, err = store.Open(ctx, db.DSN()); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { h.Close() })
		}
		sc := screening.New(h)
		if _, err := sc.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		s := New(h, sc, auth.New(h).Approvals)
		w := river.NewWorkers()
		Workers(s, w)
		// Two parts at once per node: each screens on all cores.
		q, err := jobs.Open(ctx, h, jobs.Config{Workers: w, MaxWorkers: 2, ID: fmt.Sprintf("node-%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { q.Stop(context.Background()) })
		s.Rescreening.Queue = q
		svcs = append(svcs, s)
	}
	// One round whatever b.N (run it with -benchtime 1x): the register is
	// screened against these lists afterwards.
	full := benchRun(b, svcs)
	benchChange(b, db, svcs)
	delta := benchRun(b, svcs)
	b.ReportMetric(full.secs, "full-s")
	b.ReportMetric(full.cpu, "full-cpu-s")
	b.ReportMetric(delta.secs, "delta-s")
	b.ReportMetric(delta.cpu, "delta-cpu-s")
	b.ReportMetric(float64(delta.run.Decided), "delta-decided")
	b.Logf("full: %+v", full)
	b.Logf("delta: %+v", delta)
	if n <= 50_000 {
		// What the delta missed: the customers a full re-screening
		// against the same lists still changes.
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		before, _ := svcs[0].DB.Customers(op, warden.CustomerFilter{Status: warden.DecisionCleared, Limit: 1 << 30})
		res, err := svcs[0].Rescreen(op, nil)
		if err != nil {
			b.Fatal(err)
		}
		d, _ := svcs[0].deltaOf(op, delta.run)
		for _, c := range before {
			c2, _ := svcs[0].DB.Customer(op, c.ID)
			if c2.Status != warden.DecisionCleared {
				q := partyQuery(customerParty(c))
				hs, _ := d.ix.Search(q, match.Options{MinScore: 0.1, Limit: 3})
				var ds []string
				for _, h := range hs {
					ds = append(ds, fmt.Sprintf("%s %.3f", h.Entity.ID, h.Score))
				}
				b.Logf("MISSED %s %q %s: full hits %+v; delta %v", c.ID, c.Name, c2.Status, c2.Hits, ds)
			}
		}
		b.ReportMetric(float64(res.Changed), "delta-missed")
	}
}

type benchResult struct {
	secs, cpu float64
	run       warden.Rescreen
}

// benchRun has the first node queue a run and waits for the nodes to do
// it.
func benchRun(b *testing.B, svcs []*Service) benchResult {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	cpu0, start := cpuSeconds(), time.Now()
	res, err := svcs[0].RescreenIfNew(ctx)
	if err != nil || !res.Queued {
		b.Fatalf("run: %+v %v", res, err)
	}
	for {
		r, err := svcs[0].DB.Rescreened(ctx, fmt.Sprint(res.Versions))
		if err != nil {
			b.Fatal(err)
		}
		if r.State == warden.RescreenDone {
			return benchResult{secs: time.Since(start).Seconds(), cpu: cpuSeconds() - cpu0, run: r}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// benchChange lists a new version of the snapshot with 300 parties
// changed: 150 given an alias (their name's words reversed) and a wallet,
// 150 added (a first name of one party with the surname of another), and
// refreshes the nodes' indexes.
func benchChange(b *testing.B, db *store.DB, svcs []*Service) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	var ps []*warden.Entity
	if err := db.Entities(ctx, snapshot.List, 0, func(e *warden.Entity) error { ps = append(ps, e); return nil }); err != nil {
		b.Fatal(err)
	}
	im, err := db.BeginImport(ctx, snapshot.List, snapshot.Format, false)
	if err != nil {
		b.Fatal(err)
	}
	var people []*warden.Entity
	for _, e := range ps {
		if e.Schema == warden.SchemaPerson && len(strings.Fields(e.Caption())) >= 2 {
			people = append(people, e)
		}
	}
	changed := map[*warden.Entity]bool{}
	for i := range 150 {
		e := people[i*len(people)/150]
		w := strings.Fields(e.Caption())
		for l, r := 0, len(w)-1; l < r; l, r = l+1, r-1 {
			w[l], w[r] = w[r], w[l]
		}
		e.Names = append(e.Names, warden.Name{Full: strings.Join(w, " "), Kind: warden.NameAKA})
		e.Identifiers = append(e.Identifiers, warden.Identifier{Type: warden.IDCrypto, Value: fmt.Sprintf("0x%040x", 0xbe7c4+i), Currency: "ETH"})
		changed[e] = true
	}
	for _, e := range ps {
		e.Version = 0
		im.Put(e)
	}
	for i := range 150 {
		a, c := strings.Fields(people[(i*7+3)%len(people)].Caption()), strings.Fields(people[(i*13+5)%len(people)].Caption())
		im.Put(&warden.Entity{SourceID: fmt.Sprintf("BENCH-%d", i), Schema: warden.SchemaPerson, Programs: []string{"CYBER2"},
			Names: []warden.Name{{Full: c[0] + " " + a[len(a)-1], Kind: warden.NamePrimary}}})
	}
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		b.Fatal(err)
	}
	for _, s := range svcs {
		if _, err := s.Screening.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchCustomers is n customers: the names of testdata/customers-20k.csv
// cycled, with their birth dates, countries and schemas; rows a customer
// may not hold are left out.
func benchCustomers(b *testing.B, n int) []warden.Customer {
	f, err := os.Open("../cmd/warden/testdata/customers-20k.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	if _, err := r.Read(); err != nil { // name,birth_date,country,schema
		b.Fatal(err)
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, rec)
	}
	out := make([]warden.Customer, 0, n)
	for i := 0; len(out) < n; i++ {
		rec := rows[i%len(rows)]
		c := warden.Customer{ID: fmt.Sprintf("B%08d", i), Name: rec[0], BirthDate: rec[1], Country: rec[2], Schema: warden.Schema(rec[3])}
		if checkCustomer(&c) != nil {
			continue
		}
		out = append(out, c)
	}
	return out
}

// cpuSeconds is the CPU time this process has used, user and system.
func cpuSeconds() float64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()).Seconds()
}
