package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/jobs"
	"warden/store"
	"warden/web"
)

// backlogArgs is a job kind no worker takes: it stays available.
type backlogArgs struct{}

func (backlogArgs) Kind() string { return "test.backlog" }

// TestReadyzAndHealthMetrics: /readyz answers, without credentials, the
// database's ping, the index this node answers with per list (its
// version, when built, how old), the job engine's backlog, the
// re-screening's progress and the LISTEN connection's state; /metrics has
// the same as series. With the database gone /readyz answers 503 and
// says so.
func TestReadyzAndHealthMetrics(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			db.Close()
		}
	})
	im, _ := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.Open(ctx, db, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := q.Insert(ctx, backlogArgs{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	q.Stop(ctx)
	s := web.NewTestServer(db, nil, nil)
	if _, err := s.Screening.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// The store moves on; this node's index has not followed yet.
	im, _ = db.BeginImport(ctx, "ofac", "ofac-csv", false)
	im.Put(&warden.Entity{SourceID: "1", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "Another Party", Kind: warden.NamePrimary}}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	s.Jobs = db.JobBacklog
	s.Listening = func() bool { return false }
	s.Rescreen = func(context.Context) (warden.Rescreen, error) {
		return warden.Rescreen{State: warden.RescreenQueued, Versions: "map[ofac:2] intel:3", Lists: map[string]int{"ofac": 2}, Basis: " intel:3", Parts: 4, PartsDone: 1, Total: 20000, Customers: 5000, Actor: "operator"}, nil
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Status   string
		Database struct {
			OK        bool
			LatencyMS *float64 `json:"latency_ms"`
		}
		Index struct {
			Parties    int
			Built      time.Time
			AgeSeconds *float64 `json:"age_seconds"`
			Lists      []struct {
				List       string
				Version    int
				AgeSeconds *float64 `json:"age_seconds"`
			}
		}
		Listening *bool
		Jobs      struct {
			Available       int
			OldestAvailable *float64 `json:"oldest_available_seconds"`
		}
		Rescreen map[string]any
	}
	json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != 200 || got.Status != "ready" || !got.Database.OK || got.Database.LatencyMS == nil {
		t.Errorf("readyz %d: status %q, database %+v", resp.StatusCode, got.Status, got.Database)
	}
	if ix := got.Index; ix.Parties != 1 || ix.Built.IsZero() || ix.AgeSeconds == nil || len(ix.Lists) != 1 ||
		ix.Lists[0].List != "ofac" || ix.Lists[0].Version != 1 || ix.Lists[0].AgeSeconds == nil {
		t.Errorf("readyz index: %+v", ix)
	}
	if got.Listening == nil || *got.Listening {
		t.Errorf("readyz listening: %v, want false", got.Listening)
	}
	if got.Jobs.Available != 2 || got.Jobs.OldestAvailable == nil || *got.Jobs.OldestAvailable < 0 {
		t.Errorf("readyz jobs: %+v", got.Jobs)
	}
	if r := got.Rescreen; r["running"] != true || r["screened"] != 5000.0 || r["customers"] != 20000.0 || r["parts_done"] != 1.0 || r["actor"] != nil ||
		fmt.Sprint(r["lists"]) != "map[ofac:2]" || r["basis"] != "intel:3" || r["versions"] != nil {
		t.Errorf("readyz rescreen: %v", r)
	}

	tok, _, err := auth.New(db).CreateToken(warden.WithPrincipal(ctx, warden.Operator), "prometheus", warden.RoleAuditor, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp = get(t, srv.URL+"/metrics", tok)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		"warden_database_up 1\n",
		"warden_database_ping_seconds ",
		`warden_screening_index_age_seconds{list="ofac"} `,
		`warden_screening_index_version{list="ofac"} 1` + "\n",
		`warden_list_version{list="ofac"} 2` + "\n",
		"warden_listen_connected 0\n",
		`warden_jobs{state="available",kind="test.backlog"} 2` + "\n",
		`warden_jobs_oldest_available_seconds{kind="test.backlog"} `,
		"warden_rescreen_running 1\n",
		`warden_rescreen_customers{state="done"} 5000` + "\n",
		`warden_rescreen_parts{state="planned"} 4` + "\n",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	db.Close()
	closed = true
	resp, err = http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || got.Status != "database unavailable" || got.Database.OK {
		t.Errorf("readyz with the database closed: %d %q %+v", resp.StatusCode, got.Status, got.Database)
	}
}
