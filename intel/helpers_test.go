package intel_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/intel"
	"warden/store"
)

// coreAs is a context acting as a person of org in role.
func coreAs(role warden.Role, org string) context.Context {
	name := string(role) + "@" + org
	return warden.WithPrincipal(context.Background(), warden.Principal{Name: name, Role: role, Org: org, Kind: "user", Person: name})
}

// The people of the core tests: the authority's analyst and admin, and a
// person of each of the counterparts A and B.
var (
	coreAnalyst = coreAs(warden.RoleAnalyst, warden.HomeOrg)
	coreAdmin   = coreAs(warden.RoleAdmin, warden.HomeOrg)
	coreA       = coreAs(warden.RoleCounterpart, "org-a")
	coreB       = coreAs(warden.RoleCounterpart, "org-b")
)

// coreClock is a clock the test moves.
type coreClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *coreClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *coreClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// coreService is a service over db, which holds the organisations org-a
// and org-b, with a clock starting on 1 March 2026.
func coreService(t *testing.T, db *store.DB) (*intel.Service, *coreClock) {
	t.Helper()
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"org-a", "org-b"} {
		if err := db.CreateOrg(context.Background(), warden.Organisation{ID: id, Name: "Org " + id, Kind: "counterpart", CreatedAt: start}, nil); err != nil {
			t.Fatal(err)
		}
	}
	clock := &coreClock{now: start}
	s := intel.New(db)
	s.Now = clock.Now
	return s, clock
}

// coreBundle is a bundle of objs, each a JSON object.
func coreBundle(objs ...string) string {
	return `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[` + strings.Join(objs, ",") + `]}`
}

// coreObject is a STIX object of type typ with id, modified and extra
// properties (a JSON object's inside, or "").
func coreObject(typ, id, modified, extra string) string {
	s := fmt.Sprintf(`{"type":%q,"spec_version":"2.1","id":%q,"created":"2026-01-01T00:00:00.000Z","modified":%q`, typ, id, modified)
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

// coreIndicator is an indicator of pattern, marked with marking refs.
func coreIndicator(id, modified, pattern string, markings ...string) string {
	extra := fmt.Sprintf(`"name":"ind %s","pattern":%q,"pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z","indicator_types":["malicious-activity"]`, id[len(id)-4:], pattern)
	if len(markings) > 0 {
		m, _ := json.Marshal(markings)
		extra += `,"object_marking_refs":` + string(m)
	}
	return coreObject("indicator", id, modified, extra)
}

// coreImport imports a bundle as the analyst, failing the test on error.
func coreImport(t *testing.T, s *intel.Service, bundle string) warden.IntelImport {
	t.Helper()
	rep, err := s.Import(coreAnalyst, bytes.NewReader([]byte(bundle)), intel.ImportOptions{Source: "test"})
	if err != nil {
		t.Fatalf("import: %v (%+v)", err, rep.Errors)
	}
	return rep
}

// coreCode is the error code of err, or "ok".
func coreCode(err error) string {
	if err == nil {
		return "ok"
	}
	return warden.ErrorCode(err)
}

// coreCounts counts the rows of every intelligence table, the domain
// events and the audit events, through a connection of its own.
func coreCounts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	conn, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out := map[string]int{}
	for _, table := range []string{"intel_objects", "intel_observables", "intel_unsupported", "intel_edges", "intel_links", "intel_collections",
		"intel_collection_orgs", "intel_shares", "intel_imports", "events", "audit_events"} {
		var n int
		if err := conn.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// coreAudit returns the audit events of action.
func coreAudit(t *testing.T, db *store.DB, action string) []warden.AuditEvent {
	t.Helper()
	var out []warden.AuditEvent
	if err := db.AuditEvents(context.Background(), warden.AuditFilter{Action: action}, func(e warden.AuditEvent) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
