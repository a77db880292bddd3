package web_test

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"warden"
	"warden/auth"
	"warden/jobs"
	"warden/store/storetest"
	"warden/web"
)

// TestAlertRulesNameServedMetrics: every metric that the example alerting
// rules (deploy/alerts.yml) ask about is one a node serves, so that a rule
// cannot stay silent because of a misspelt or renamed series.
func TestAlertRulesNameServedMetrics(t *testing.T) {
	rules, err := os.ReadFile("../deploy/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, line := range strings.Split(string(rules), "\n") {
		if e, ok := strings.CutPrefix(strings.TrimSpace(line), "expr:"); ok {
			exprs = append(exprs, e)
		}
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`warden_[a-z_]+`).FindAllString(strings.Join(exprs, "\n"), -1) {
		names[strings.TrimSuffix(m, "_bucket")] = true
	}
	if len(exprs) < 5 || len(names) < 5 {
		t.Fatalf("%d rules naming %d warden metrics: the file lost its rules", len(exprs), len(names))
	}

	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	im, _ := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	// The job engine's tables, with a job waiting, as on a node.
	q, err := jobs.Open(ctx, db, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Insert(ctx, backlogArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	q.Stop(ctx)
	s := web.NewTestServer(db, nil, nil)
	if _, err := s.Screening.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// A node as serve wires it: the job engine, the LISTEN state and a
	// re-screening under way all report.
	s.Jobs = db.JobBacklog
	s.Listening = func() bool { return true }
	s.Rescreen = func(context.Context) (warden.Rescreen, error) {
		return warden.Rescreen{State: warden.RescreenQueued, Parts: 2, Total: 10}, nil
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	tok, _, err := auth.New(db).CreateToken(warden.WithPrincipal(ctx, warden.Operator), "prometheus", warden.RoleAuditor, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	get(t, srv.URL+"/v1/screen?q=x", tok).Body.Close() // a screening, for its histogram
	resp := get(t, srv.URL+"/metrics", tok)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, body)
	}
	for name := range names {
		if !strings.Contains(string(body), "# TYPE "+name+" ") {
			t.Errorf("deploy/alerts.yml asks for %s, which /metrics does not serve", name)
		}
	}
}
