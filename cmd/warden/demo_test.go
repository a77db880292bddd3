package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/demo"
	"warden/store"
	"warden/store/storetest"
)

// demoPasswords reads the people and passwords warden demo printed.
func demoPasswords(t *testing.T, out string) map[string]string {
	t.Helper()
	pw := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && strings.HasPrefix(f[2], "demo-") {
			pw[f[2]] = f[3]
		}
	}
	if len(pw) != len(demo.Users) {
		t.Fatalf("warden demo printed %d people, want %d:\n%s", len(pw), len(demo.Users), out)
	}
	return pw
}

// demoScorecardURL is the scorecard page warden demo printed.
var demoScorecardURL = regexp.MustCompile(`(?m)^    (\S+/scorecards\?\S+)$`)

// demoScorecard returns the path and query of the scorecard page warden
// demo printed, on the server at base.
func demoScorecard(t *testing.T, out, base string) string {
	t.Helper()
	m := demoScorecardURL.FindStringSubmatch(out)
	if m == nil || !strings.HasPrefix(m[1], base+"/scorecards?") {
		t.Fatalf("warden demo printed no scorecard page on %s:\n%s", base, out)
	}
	return strings.TrimPrefix(m[1], base)
}

// demoSent is when the demo's request in db was sent.
func demoSent(t *testing.T, db string) time.Time {
	t.Helper()
	d, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rs, err := d.Requests(context.Background(), store.RequestFilter{})
	if err != nil || len(rs) != 1 || rs[0].SentAt == nil {
		t.Fatalf("the demo's requests: %+v (%v), want the one sent", rs, err)
	}
	return *rs[0].SentAt
}

// demoLogin checks that each person logs in to db with the password
// printed.
func demoLogin(t *testing.T, db string, pw map[string]string) {
	t.Helper()
	ctx := context.Background()
	d, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	a := auth.New(d)
	for name, p := range pw {
		if _, _, err := a.Login(ctx, name, p); err != nil {
			t.Errorf("login as %s with the printed password: %v", name, err)
		}
	}
	if built, err := demo.Built(ctx, d); err != nil || !built {
		t.Errorf("Built: %v (%v)", built, err)
	}
}

// TestDemoCommand: warden demo, run as its own process, builds the demo
// and prints a password for each person that logs in, and the scorecard
// page of the quarter the request was sent in; a second run
// refuses naming --reset; --reset removes the database only once
// confirmed (the file's name typed, or --yes) and builds it again with new
// passwords; a database with people of its own is refused; on PostgreSQL
// --reset is refused.
func TestDemoCommand(t *testing.T) {
	db := smallDB(t) // lists already: the bundled snapshot is not loaded
	args, _ := json.Marshal([]string{"--db", db, "demo"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WARDEN_TEST_MAIN="+string(args))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warden demo: %v\n%s", err, out)
	}
	if want := "warden serve --db " + db + " --signing-key " + filepath.Join(db+".keys", "warden-signing-key.pem"); !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	first := demoPasswords(t, string(out))
	demoLogin(t, db, first)
	// The scorecard page printed names the quarter the request was sent
	// in, not the page's default, today's (TestServeDemoPages opens it).
	sc, err := url.Parse(demoScorecard(t, string(out), demoBase))
	if err != nil {
		t.Fatal(err)
	}
	if q, sent := sc.Query(), demoSent(t, db).UTC().Format(time.DateOnly); q.Get("org") != demo.CounterpartOrg || q.Get("period") != "quarter" || q.Get("at") != sent {
		t.Errorf("the scorecard page printed %s, want org %s, period quarter at %s, when the request was sent", sc, demo.CounterpartOrg, sent)
	}

	code, _, stderr := runArgs(t, "", "--db", db, "demo")
	if code != 1 || !strings.Contains(stderr, "holds the demo already") || !strings.Contains(stderr, "--reset") {
		t.Errorf("second run: exit %d, %q; want 1 naming --reset", code, stderr)
	}
	code, _, stderr = runArgs(t, "w.d\n", "--db", db, "demo", "--reset")
	if code != 1 || !strings.Contains(stderr, "not confirmed") {
		t.Errorf("--reset with the wrong name typed: exit %d, %q", code, stderr)
	}
	demoLogin(t, db, first)
	if code, _, _ := runArgs(t, "", "--db", db, "demo", "--yes"); code != 2 {
		t.Errorf("--yes without --reset: exit %d, want 2", code)
	}

	code, stdout, stderr := runArgs(t, filepath.Base(db)+"\n", "--db", db, "demo", "--reset", "--no-snapshot")
	if code != 0 {
		t.Fatalf("--reset confirmed: exit %d, %s", code, stderr)
	}
	second := demoPasswords(t, stdout)
	demoLogin(t, db, second)
	if second["demo-admin"] == first["demo-admin"] {
		t.Error("the rebuilt demo has the same passwords")
	}
	d, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := d.Lists(warden.WithPrincipal(context.Background(), warden.Operator))
	d.Close()
	if err != nil || len(ls) != 1 || ls[0].Name != "cyber_sanctions" {
		t.Errorf("after --reset the database holds %+v (%v), want only the demo's list (the old lists removed, no snapshot)", ls, err)
	}
	// The commands the output names to change a password, and to set a
	// lost one.
	for _, hint := range []string{"`warden user passwd NAME`", "`warden user passwd --reset NAME`"} {
		if !strings.Contains(stdout, hint) {
			t.Errorf("output lacks %s:\n%s", hint, stdout)
		}
	}
	const changed, reset = "a new demo passphrase 7Qx", "a reset demo passphrase 9Lw"
	if code, _, errOut := runArgs(t, second["demo-analyst"]+"\n"+changed+"\n", "--db", db, "user", "passwd", "demo-analyst"); code != 0 {
		t.Errorf("warden user passwd demo-analyst: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runArgs(t, reset+"\n", "--db", db, "user", "passwd", "--reset", "demo-screener"); code != 0 {
		t.Errorf("warden user passwd --reset demo-screener: exit %d, %s", code, errOut)
	}
	demoLogin(t, db, map[string]string{"demo-analyst": changed, "demo-screener": reset})

	inUse := smallDB(t)
	if code, _, errOut := cliIn(t, inUse, "a long admin passphrase\n", "user", "add", "alice", "--role", "admin"); code != 0 {
		t.Fatal(errOut)
	}
	code, _, stderr = runArgs(t, "", "--db", inUse, "demo")
	if code != 1 || !strings.Contains(stderr, "not a fresh database") || !strings.Contains(stderr, "alice") {
		t.Errorf("demo on a database with people of its own: exit %d, %q", code, stderr)
	}

	code, _, stderr = runArgs(t, "", "--db", "postgres://nobody@127.0.0.1:1/none", "demo", "--reset", "--yes")
	if code != 1 || !strings.Contains(stderr, "only a SQLite database") {
		t.Errorf("--reset on PostgreSQL: exit %d, %q", code, stderr)
	}
}

// TestDemoCommandPostgres: on PostgreSQL warden demo builds the demo once
// and refuses the second run, saying what to do there (a new database, or
// dropdb and createdb), not to give --reset, which only SQLite takes.
func TestDemoCommandPostgres(t *testing.T) {
	dsn := storetest.EmptyPostgres(t)
	keys := t.TempDir() // not ./warden-demo-keys, the default on PostgreSQL
	code, stdout, stderr := runArgs(t, "", "--db", dsn, "demo", "--no-snapshot", "--keys", keys)
	if code != 0 {
		t.Fatalf("warden demo on PostgreSQL: exit %d, %s", code, stderr)
	}
	demoLogin(t, dsn, demoPasswords(t, stdout))
	if want := "--signing-key " + filepath.Join(keys, "warden-signing-key.pem"); !strings.Contains(stdout, want) {
		t.Errorf("output lacks %q:\n%s", want, stdout)
	}

	code, _, stderr = runArgs(t, "", "--db", dsn, "demo", "--no-snapshot", "--keys", keys)
	if code != 1 || !strings.Contains(stderr, "holds the demo already") || !strings.Contains(stderr, "createdb") ||
		!strings.Contains(stderr, "dropdb") || strings.Contains(stderr, "give --reset") {
		t.Errorf("second run on PostgreSQL: exit %d, %q; want 1 naming createdb and dropdb, not --reset", code, stderr)
	}
}

// TestServeDemo: warden serve --demo builds the demo into a database that
// does not hold it and serves its signed exports with the demo's key;
// started again on it, it serves without building anything.
func TestServeDemo(t *testing.T) {
	db := smallDB(t)
	for i := range 2 {
		srv := startServe(t, db, "--demo", "--no-snapshot")
		waitReady(t, srv.base)
		resp, err := http.Get(srv.base + "/public/lists/cyber_sanctions/latest/ofac-csv/manifest.json.sig")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("start %d: the signed export's signature: %d, want 200", i+1, resp.StatusCode)
		}
		if code := srv.stop(); code != 0 {
			t.Fatalf("start %d: serve --demo exit %d", i+1, code)
		}
	}
	d, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if built, err := demo.Built(context.Background(), d); err != nil || !built {
		t.Errorf("Built: %v (%v)", built, err)
	}
}
