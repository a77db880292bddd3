package designation_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/designation"
	"warden/store"
	"warden/store/storetest"
)

func as(name string, role warden.Role) context.Context {
	return warden.WithPrincipal(context.Background(), warden.Principal{Name: name, Role: role, Org: warden.HomeOrg, Kind: "user"})
}

var (
	analyst = as("ana", warden.RoleAnalyst)
	so1     = as("sofia", warden.RoleSanctionsOfficer)
	so2     = as("oscar", warden.RoleSanctionsOfficer)
	admin   = as("adam", warden.RoleAdmin)
)

// fixture reads testdata/party.json.
func fixture(t *testing.T) designation.Input {
	t.Helper()
	b, err := os.ReadFile("testdata/party.json")
	if err != nil {
		t.Fatal(err)
	}
	var in designation.Input
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	return in
}

func newService(db *store.DB, now func() time.Time) *designation.Service {
	s := designation.New(db, auth.NewApprovals(db, now))
	s.Now = now
	return s
}

func events(t *testing.T, db *store.DB, typ string) []warden.DomainEvent {
	t.Helper()
	evs, err := db.Events(context.Background(), typ, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestFourEyes: an analyst drafts, only a sanctions officer proposes, the
// proposer cannot approve, nor an analyst or admin; a second officer's
// approval publishes the party and its company as a version of the list,
// with one designation.published event.
func TestFourEyes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s := newService(db, time.Now)
		d, err := s.Create(analyst, fixture(t), false)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != warden.DesignationDraft || d.Party.SourceID != "1" || d.Companies[0].SourceID != "1-1" {
			t.Fatalf("draft: %+v", d)
		}
		if _, err := s.Create(analyst, fixture(t), true); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("analyst proposes: %v", err)
		}
		if _, err := s.Propose(analyst, d.ID); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("analyst proposes a draft: %v", err)
		}
		if d, err = s.Propose(so1, d.ID); err != nil || d.Status != warden.DesignationProposed || d.Approval == 0 {
			t.Fatalf("propose: %+v %v", d, err)
		}
		for who, ctx := range map[string]context.Context{"the proposer": so1, "an analyst": analyst, "an admin": admin} {
			if _, err := s.Decide(ctx, d.ID, true, "ok"); warden.ErrorCode(err) != warden.EFORBIDDEN {
				t.Errorf("%s approves: %v", who, err)
			}
		}
		if _, err := db.List(context.Background(), designation.DefaultList); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("the list exists before approval: %v", err)
		}
		if d, err = s.Decide(so2, d.ID, true, "evidence checked"); err != nil {
			t.Fatal(err)
		}
		if d.Status != warden.DesignationPublished || d.Version != 1 || d.ApprovedBy != "oscar" || d.Decision != "evidence checked" {
			t.Fatalf("approved: %+v", d)
		}
		e, err := db.Entity(context.Background(), "cyber_sanctions:1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Wallets()) != 1 || e.Programs[0] != "CYBER2" || e.ListedOn == "" {
			t.Errorf("listed party: %+v", e)
		}
		c, err := db.Entity(context.Background(), "cyber_sanctions:1-1", 0)
		if err != nil || len(c.Links) != 1 || c.Links[0].Type != "owned_by" || c.Links[0].SourceID != "1" {
			t.Errorf("listed company: %+v %v", c, err)
		}
		if n := len(events(t, db, "designation.published")); n != 1 {
			t.Errorf("%d designation.published events", n)
		}
		var actions []string
		db.AuditEvents(context.Background(), warden.AuditFilter{Object: "designation:1"}, func(e warden.AuditEvent) error {
			actions = append(actions, e.Action)
			return nil
		})
		if got := strings.Join(actions, " "); got != "designation.draft designation.propose designation.publish designation.published" {
			t.Errorf("audit of designation:1: %s", got)
		}
		if _, err := s.Decide(so2, d.ID, true, "again"); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("decided twice: %v", err)
		}
	})
}

// TestReject: a rejected proposal publishes nothing.
func TestReject(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newService(db, time.Now)
	d, err := s.Create(so1, fixture(t), true)
	if err != nil {
		t.Fatal(err)
	}
	if d, err = s.Decide(so2, d.ID, false, "evidence too thin"); err != nil || d.Status != warden.DesignationRejected {
		t.Fatalf("reject: %+v %v", d, err)
	}
	if _, err := db.List(context.Background(), designation.DefaultList); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("rejected designation published: %v", err)
	}
}

// TestRejectThroughApprovals: whichever route rejects a designation's
// approval (the designation's own, or the four-eyes approval's), the
// designation is rejected with the decision, in the same transaction,
// and nothing is published.
func TestRejectThroughApprovals(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s := newService(db, time.Now)
		d, err := s.Create(so1, fixture(t), true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Approvals.Decide(so2, d.Approval, false, "evidence too thin"); err != nil {
			t.Fatal(err)
		}
		if d, err = s.Get(so2, d.ID); err != nil || d.Status != warden.DesignationRejected || d.ApprovedBy != "oscar" || d.Decision != "evidence too thin" {
			t.Fatalf("rejected through the approval: %+v %v", d, err)
		}
		if n := len(events(t, db, "designation.rejected")); n != 1 {
			t.Errorf("%d designation.rejected events", n)
		}
		if _, err := s.Decide(so2, d.ID, true, "changed my mind"); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("approving a rejected designation: %v", err)
		}
		if n, err := s.PublishDue(so2); n != 0 || err != nil {
			t.Errorf("published %d after rejection: %v", n, err)
		}
		if _, err := db.List(context.Background(), designation.DefaultList); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("rejected designation published: %v", err)
		}
	})
}

// TestProposeOneTransaction: proposing stores the approval and the
// designation's move to proposed together, so a proposal whose
// designation is no longer a draft when it is written (another request
// proposed it first) leaves no pending approval that nobody could
// approve, nor its audit events.
func TestProposeOneTransaction(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s := newService(db, time.Now)
		stale, err := s.Create(so1, fixture(t), false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Propose(so1, stale.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ProposeAs(so1, stale); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Fatalf("proposing a designation proposed already: %v", err)
		}
		pending, err := db.Approvals(context.Background(), "pending")
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending approvals: %+v %v", pending, err)
		}
		d, err := s.Get(so1, stale.ID)
		if err != nil || d.Status != warden.DesignationProposed || d.Approval != pending[0].ID {
			t.Fatalf("designation %+v, approval %d: %v", d, pending[0].ID, err)
		}
		var actions []string
		db.AuditEvents(context.Background(), warden.AuditFilter{}, func(e warden.AuditEvent) error {
			actions = append(actions, e.Action)
			return nil
		})
		if got := strings.Join(actions, " "); got != "designation.draft approval.propose designation.propose" {
			t.Errorf("audit: %s", got)
		}
		if d, err = s.Decide(so2, d.ID, true, "checked"); err != nil || d.Status != warden.DesignationPublished {
			t.Fatalf("approving the one proposal: %+v %v", d, err)
		}
	})
}

// TestBadInput: each input is a 400 naming what is wrong, and nothing is
// stored or audited.
func TestBadInput(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newService(db, time.Now)
	for _, tc := range []struct {
		name string
		edit func(*designation.Input)
		want string
	}{
		{"no legal basis", func(in *designation.Input) { in.LegalBasis = warden.LegalBasis{} }, "legal_basis"},
		{"no criterion", func(in *designation.Input) { in.LegalBasis.Criterion = " " }, "legal_basis.criterion"},
		{"no reasons", func(in *designation.Input) { in.Reasons = "" }, "reasons"},
		{"unknown program", func(in *designation.Input) { in.Program = "IRAN" }, `program "IRAN"`},
		{"no name", func(in *designation.Input) { in.Party.Names = nil }, "party.names"},
		{"impossible birth date", func(in *designation.Input) { in.Party.BirthDates[0].From = "1988-02-30" }, "birth_dates[0]"},
		{"wallet without ticker", func(in *designation.Input) { in.Party.Identifiers[0].Currency = "" }, "currency"},
		{"bidi override in a name", func(in *designation.Input) { in.Party.Names[0].Full = "KORSAKOV\u202e" }, "party.names[0]"},
		{"unknown country", func(in *designation.Input) { in.Party.Nationalities = []string{"Atlantis"} }, "nationalities[0]"},
		{"company as a person", func(in *designation.Input) { in.Companies[0].Schema = warden.SchemaPerson }, "companies[0].schema"},
		{"unknown source", func(in *designation.Input) { in.Source = "ofac:999999" }, "source"},
		{"unknown link kind", func(in *designation.Input) { in.Links = []string{"ticket:12"} }, "ticket:12"},
		{"payment not held", func(in *designation.Input) { in.Links = []string{"tx:NOPE-1"} }, "tx:NOPE-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := fixture(t)
			tc.edit(&in)
			_, err := s.Create(so1, in, true)
			if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(warden.ErrorMessage(err), tc.want) {
				t.Errorf("%v, want invalid naming %s", err, tc.want)
			}
		})
	}
	if ds, _ := db.Designations(context.Background(), ""); len(ds) != 0 {
		t.Errorf("%d designations stored", len(ds))
	}
	if seq, _, _ := db.AuditHead(context.Background()); seq != 0 {
		t.Errorf("%d audit events", seq)
	}
}

// TestEvidence: files are typed by content and size-limited; the hash is
// the content's.
func TestEvidence(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newService(db, time.Now)
	s.MaxEvidence = 1 << 10
	d, err := s.Create(analyst, fixture(t), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string // media type, or "" for refused
	}{
		{"report.pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "application/pdf"},
		{"shot.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image/png"},
		{"photo.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "image/jpeg"},
		{"notes.txt", []byte("Seen on the forum on 2025-03-01.\n"), "text/plain; charset=utf-8"},
		{"iocs.json", []byte(`{"wallets":["bc1q..."]}`), "application/json"},
		{"bundle.json", []byte(`{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]}`), "application/stix+json;version=2.1"},
		{"page.pdf", []byte("<html><script>alert(1)</script></html>"), ""},
		{"tool.exe", []byte("MZ\x90\x00\x03\x00\x00\x00"), ""},
		{"archive.zip", []byte("PK\x03\x04\x14\x00"), ""},
		{"big.txt", []byte(strings.Repeat("a", 1<<10+1)), ""},
		{"empty.txt", nil, ""},
	} {
		e, err := s.AddEvidence(analyst, d.ID, tc.name, tc.data)
		switch {
		case tc.want == "" && warden.ErrorCode(err) != warden.EINVALID:
			t.Errorf("%s: %+v %v, want refused", tc.name, e, err)
		case tc.want != "" && (err != nil || e.MediaType != tc.want || e.Size != int64(len(tc.data)) || len(e.SHA256) != 64):
			t.Errorf("%s: %+v %v, want %s", tc.name, e, err, tc.want)
		}
	}
	got, err := s.Get(analyst, d.ID)
	if err != nil || len(got.Evidence) < 6 {
		t.Fatalf("evidence kept: %+v %v", got.Evidence, err)
	}
	if _, err := s.AddEvidence(analyst, 99, "x.txt", []byte("x")); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("evidence for no designation: %v", err)
	}
}

// TestAmendAndDelist: an amendment adds a wallet as a new version; a
// delisting removes the party and its company as another, marks the
// designations delisted, and a second delisting is refused.
func TestAmendAndDelist(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db, time.Now)
		d, err := s.Create(so1, fixture(t), true)
		if err == nil {
			d, err = s.Decide(so2, d.ID, true, "ok")
		}
		if err != nil {
			t.Fatal(err)
		}
		in := fixture(t)
		in.Party.Identifiers = append(in.Party.Identifiers, warden.Identifier{Type: warden.IDCrypto, Value: "0x9f2c4e4b1f3a8d0c7e5b6a1d2c3b4a5f6e7d8c9b", Currency: "ETH"})
		in.Reasons = "A second wallet received the ransom of March 2025."
		in.LegalBasis, in.Companies = warden.LegalBasis{}, nil // kept from the listing
		a, err := s.Amend(so2, d.ID, in)
		if err != nil || a.Kind != warden.KindAmend || a.Party.SourceID != "1" || a.Status != warden.DesignationProposed {
			t.Fatalf("amend: %+v %v", a, err)
		}
		if _, err := s.Decide(so2, a.ID, true, "self"); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("the amendment's proposer approves it: %v", err)
		}
		if a, err = s.Decide(so1, a.ID, true, "ok"); err != nil || a.Version != 2 {
			t.Fatalf("amendment approved: %+v %v", a, err)
		}
		e, _ := db.Entity(ctx, "cyber_sanctions:1", 0)
		if e == nil || len(e.Wallets()) != 2 {
			t.Errorf("amended party: %+v", e)
		}
		if _, err := db.Entity(ctx, "cyber_sanctions:1-1", 0); err != nil {
			t.Errorf("company dropped by the amendment: %v", err)
		}
		if _, err := s.Delist(so1, d.ID, "", nil); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("delisting without reason: %v", err)
		}
		x, err := s.Delist(so1, d.ID, "Deceased; confirmed by the counterpart.", nil)
		if err != nil {
			t.Fatal(err)
		}
		if x, err = s.Decide(so2, x.ID, true, "ok"); err != nil || x.Version != 3 {
			t.Fatalf("delisting approved: %+v %v", x, err)
		}
		for _, id := range []string{"cyber_sanctions:1", "cyber_sanctions:1-1"} {
			if _, err := db.Entity(ctx, id, 0); warden.ErrorCode(err) != warden.ENOTFOUND {
				t.Errorf("%s still listed: %v", id, err)
			}
		}
		for id, want := range map[int64]warden.DesignationStatus{d.ID: warden.DesignationDelisted, a.ID: warden.DesignationDelisted, x.ID: warden.DesignationPublished} {
			if got, _ := db.Designation(ctx, id); got.Status != want {
				t.Errorf("designation %d: %s, want %s", id, got.Status, want)
			}
		}
		if _, err := s.Delist(so1, d.ID, "again", nil); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "not listed") {
			t.Errorf("delisting a party not listed: %v", err)
		}
		if _, err := s.Amend(so1, 99, in); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("amending no designation: %v", err)
		}
		if n := len(events(t, db, "designation.published")); n != 3 {
			t.Errorf("%d designation.published events, want 3", n)
		}
	})
}

// openTwice opens two handles on one fresh database, as two servers do.
func openTwice(t *testing.T, engine string) (*store.DB, *store.DB) {
	t.Helper()
	var dsn string
	switch engine {
	case "sqlite":
		dsn = filepath.Join(t.TempDir(), "w.db")
	default:
		base := os.Getenv(storetest.EnvPostgres)
		if base == "" {
			t.Skip(storetest.EnvPostgres + " is not set; skipping PostgreSQL (CI sets it)")
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		schema := fmt.Sprintf("t_%d", rand.Uint64()>>1)
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		})
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		dsn = base + sep + "search_path=" + schema
	}
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// TestScheduledOnce: a designation approved to take effect a minute
// later is not published before; when the clock passes it, two servers on
// one database sweeping at once publish it exactly once: one list
// version, one event, one audit event.
func TestScheduledOnce(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			db1, db2 := openTwice(t, engine)
			var mu sync.Mutex
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				return now
			}
			a, b := newService(db1, clock), newService(db2, clock)
			in := fixture(t)
			at := now.Add(time.Minute)
			in.PublishAt = &at
			d, err := a.Create(so1, in, true)
			if err == nil {
				d, err = b.Decide(so2, d.ID, true, "at nine past one minute")
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != warden.DesignationApproved {
				t.Fatalf("published before its time: %+v", d)
			}
			for _, s := range []*designation.Service{a, b} {
				if n, err := s.PublishDue(so1); n != 0 || err != nil {
					t.Fatalf("published early: %d %v", n, err)
				}
			}
			mu.Lock()
			now = now.Add(time.Minute)
			mu.Unlock()
			var wg sync.WaitGroup
			counts := make([]int, 8)
			for i := range counts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := []*designation.Service{a, b}[i%2]
					n, err := s.PublishDue(warden.WithPrincipal(context.Background(), warden.Operator))
					if err != nil {
						t.Error(err)
					}
					counts[i] = n
				}()
			}
			wg.Wait()
			total := 0
			for _, n := range counts {
				total += n
			}
			vs, err := db1.Versions(context.Background(), designation.DefaultList)
			if err != nil {
				t.Fatal(err)
			}
			if total != 1 || len(vs) != 1 || len(events(t, db2, "designation.published")) != 1 {
				t.Errorf("published %d times, %d versions, %d events", total, len(vs), len(events(t, db2, "designation.published")))
			}
			n := 0
			db1.AuditEvents(context.Background(), warden.AuditFilter{Action: "designation.published"}, func(warden.AuditEvent) error { n++; return nil })
			if got, _ := db2.Designation(context.Background(), d.ID); got.Status != warden.DesignationPublished || got.Version != 1 || n != 1 {
				t.Errorf("after the sweeps: %s v%d, %d audit events", got.Status, got.Version, n)
			}
		})
	}
}

// TestApproveOnOneConnection: approving reads the designation in the
// approval's own transaction, so it completes on a database with a single
// connection (an in-memory SQLite) instead of waiting for ever on the pool.
func TestApproveOnOneConnection(t *testing.T) {
	db, err := store.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := newService(db, time.Now)
	d, err := s.Create(so1, fixture(t), true)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(so2, 10*time.Second)
	defer cancel()
	if d, err = s.Decide(ctx, d.ID, true, "checked"); err != nil || d.Status != warden.DesignationPublished {
		t.Fatalf("approving on one connection: %+v %v", d, err)
	}
}
