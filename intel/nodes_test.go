package intel_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"warden"
	"warden/audit"
	"warden/auth"
	"warden/cooperation"
	"warden/designation"
	"warden/enforcement"
	"warden/hotline"
	"warden/intel"
	"warden/jobs"
	"warden/lists"
	"warden/screening"
	sstix "warden/sources/stix"
	"warden/store"
	"warden/store/storetest"
	"warden/web"
)

// jobRow is a River job's row, as the test reads it.
type jobRow struct {
	state       string
	attempt     int
	args        string
	attemptedBy string
}

// jobRows reads the jobs of kind, oldest first.
func jobRows(t *testing.T, db *store.DB, kind string) []jobRow {
	t.Helper()
	raw, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT state, attempt, args::text, array_to_string(attempted_by, ',') FROM river_job WHERE kind = $1 ORDER BY id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var j jobRow
		var by sql.NullString
		if err := rows.Scan(&j.state, &j.attempt, &j.args, &by); err != nil {
			t.Fatal(err)
		}
		j.attemptedBy = by.String
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// taxiiPartner is another Warden, on a database of its own, whose TAXII
// server shares objs in a collection with the organisation "us"; it
// returns its API root, the collection, the token of "us" and a count of
// the requests for the collection's objects.
func taxiiPartner(t *testing.T, objs ...json.RawMessage) (root, collection, token string, asked *atomic.Int64) {
	t.Helper()
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	a := auth.New(db)
	if _, err := a.CreateOrg(ctx, "us", "Us", "counterpart"); err != nil {
		t.Fatal(err)
	}
	token, _, err := a.CreateToken(ctx, "us-taxii", warden.RoleCounterpart, "us", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := intel.New(db)
	b, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--6f1c2c55-0f0e-4b53-9d59-2f0f4bb0e2a1", "objects": objs})
	if rep, err := s.Import(feedAnalyst, bytes.NewReader(b), intel.ImportOptions{Source: "api"}); err != nil {
		t.Fatalf("the partner's import: %v %+v", err, rep.Errors)
	}
	c, err := s.CreateCollection(feedOfficer, warden.Collection{Title: "For us", Orgs: []string{"us"}, CanRead: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range objs {
		var x struct{ ID string }
		json.Unmarshal(o, &x)
		ids = append(ids, x.ID)
	}
	if err := s.Share(feedOfficer, c.ID, ids); err != nil {
		t.Fatal(err)
	}
	// Wired as warden serve wires it.
	sc := screening.New(db)
	des := designation.New(db, a.Approvals)
	s.Designator = des
	h := (&web.Server{Lists: &lists.Service{DB: db}, Audit: &audit.Service{DB: db}, Screening: sc, Auth: a, Enforcement: enforcement.New(db, sc, a.Approvals),
		Designations: des, Hotline: hotline.New(db, hotline.Options{}), Cooperation: cooperation.New(db, des), Intel: s,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	asked = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/collections/"+c.ID+"/objects/") {
			asked.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/taxii2/api/", c.ID, token, asked
}

// TestPullTwoNodes: two nodes on one PostgreSQL database, each with its
// own store handle and job queue configured as warden serve's (every
// feed's pull queued by intel.pull_all, run on start by the leader), pull
// a partner's feed once between them: one intel.pull_all job and one
// intel.pull job, each completed on its first attempt, one request for
// the partner's objects, each object imported once, one import and one
// pull recorded.
func TestPullTwoNodes(t *testing.T) {
	db1 := storetest.OpenPostgres(t)
	var objs []json.RawMessage
	for i := range 5 {
		objs = append(objs, feedIndicator(40+i))
	}
	root, collection, token, asked := taxiiPartner(t, objs...)
	ctx := context.Background()
	db2, err := store.Open(ctx, db1.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	var nodes []*intel.Service
	var queues []*jobs.Queue
	for i, db := range []*store.DB{db1, db2} {
		s := intel.New(db)
		w := river.NewWorkers()
		intel.Workers(s, w, t.Logf)
		q, err := jobs.Open(ctx, db, jobs.Config{ID: fmt.Sprint("node-", i), Workers: w, Periodic: intel.PeriodicJobs(time.Hour), PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		nodes, queues = append(nodes, s), append(queues, q)
	}
	if _, err := nodes[0].AddFeed(feedOfficer, intel.Feed{Name: "partner", URL: root, Collection: collection, Token: token}); err != nil {
		t.Fatal(err)
	}
	for _, q := range queues {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Stop(ctx) })
	}
	// The leader's periodic insertion starts up to seconds after the
	// start; the pull then takes moments.
	deadline := time.Now().Add(15 * time.Second)
	for {
		js := jobRows(t, db1, "intel.pull")
		if len(js) > 0 && js[0].state == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("intel.pull jobs after 15 s: %+v", js)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Time for a second pull, were there one, before the nodes stop.
	time.Sleep(500 * time.Millisecond)
	for _, q := range queues {
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range []string{"intel.pull_all", "intel.pull"} {
		js := jobRows(t, db1, kind)
		if len(js) != 1 || js[0].state != "completed" || js[0].attempt != 1 {
			t.Errorf("%s jobs: %+v, want one, completed on its first attempt", kind, js)
			continue
		}
		t.Logf("%s %s run by %s", kind, js[0].args, js[0].attemptedBy)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("the partner was asked for the objects %d times, want once", n)
	}
	if f := feed(t, nodes[1], "partner"); f.Pulled != 5 || f.LastError != "" || f.LastPull.IsZero() {
		t.Errorf("the feed after the pull: %+v, want 5 objects pulled once", f)
	}
	counts := coreCounts(t, db1)
	if counts["intel_imports"] != 1 || len(coreAudit(t, db1, "intel.import")) != 1 || counts["intel_objects"] != 5 {
		t.Errorf("%d imports, %d intel.import audit events and %d object versions, want one import of 5 objects", counts["intel_imports"], len(coreAudit(t, db1, "intel.import")), counts["intel_objects"])
	}
	for i := range 5 {
		id := sstix.ID("indicator", fmt.Sprintf("feeds-test:%d", 40+i))
		if o, err := nodes[1].Object(feedAnalyst, id); err != nil || o.Source != "taxii:partner" {
			t.Errorf("%s: source %q %v, want pulled from the feed", id, o.Source, err)
		}
	}
}
