package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// startNodes starts n `warden serve` processes with args at the same
// moment and returns their base URLs once every one is ready; they are
// killed when the test ends.
func startNodes(t *testing.T, n int, args []string) []string {
	t.Helper()
	a, _ := json.Marshal(args)
	var logs []*os.File
	for range n {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "WARDEN_TEST_MAIN="+string(a))
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = w
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
			r.Close()
		})
		logs = append(logs, r)
	}
	var bases []string
	for _, r := range logs {
		base := "http://" + listening(t, r)
		waitReady(t, base)
		bases = append(bases, base)
	}
	return bases
}

// TestNodes: two `warden serve` processes started at the same moment on an
// empty PostgreSQL database both get ready, the migrations (Warden's and
// the job engine's) applied once; a list version imported from the
// command line, a third process, is screened against by both within 2 s
// although they poll only every minute (PostgreSQL's notification), and so
// is a designation two sanctions officers propose and approve through the
// first node's API, which publishes it as a version of the authority's
// list; a person locked out on one node is locked out on the other, a session
// opened on one works on the other and, closed on one, is refused by the
// other; and a token's rate limit holds across both.
func TestNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dsn := storetest.EmptyPostgres(t)
	nodes := startNodes(t, 2, []string{"--db", dsn, "serve", "--addr", "127.0.0.1:0", "--no-snapshot", "--refresh", "1m",
		"--lock-after", "3", "--rate-limit", "0.01", "--rate-burst", "100"})
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	files, _ := filepath.Glob("../../store/migrations/*.sql")
	for _, q := range []struct{ table, key string }{{"schema_migrations", "version"}, {"river_migration", "line || version"}} {
		var rows, distinct int
		if err := raw.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT `+q.key+`) FROM `+q.table).Scan(&rows, &distinct); err != nil {
			t.Fatal(err)
		}
		if rows == 0 || rows != distinct || q.table == "schema_migrations" && rows != len(files) {
			t.Errorf("%s: %d rows, %d distinct (%d migration files)", q.table, rows, distinct, len(files))
		}
	}
	for _, n := range nodes {
		var ready struct{ Listening *bool }
		getJSON(t, n+"/readyz", "", &ready)
		if ready.Listening == nil || !*ready.Listening {
			t.Errorf("%s/readyz: listening %v, want true", n, ready.Listening)
		}
	}

	t.Run("index swap", func(t *testing.T) {
		_, out, _ := cli(t, dsn, "token", "create", "--role", "screener", "--name", "screener")
		tok := lastLine(out)
		if code, _, errs := cli(t, dsn, "import", "--list", "small", "testdata/small.ftm.json"); code != 0 {
			t.Fatalf("import: exit %d: %s", code, errs)
		}
		imported := time.Now()
		for _, n := range nodes {
			for {
				var res struct{ Hits []struct{ Name string } }
				if code := postJSON(t, n+"/v1/screen", tok, `{"name":"Evil Corp"}`, &res); code != 200 {
					t.Fatalf("%s/v1/screen: %d", n, code)
				}
				if len(res.Hits) > 0 {
					t.Logf("%s screens against the new version %s after the import", n, time.Since(imported).Round(time.Millisecond))
					break
				}
				if time.Since(imported) > 2*time.Second {
					t.Fatalf("%s does not screen against the new version within 2 s", n)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	})

	t.Run("designation published", func(t *testing.T) {
		ctx := context.Background()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		people := auth.New(db)
		const pw = "amber quarry whistle 17"
		var sessions [2]struct{ cookie, csrf string }
		for i, name := range []string{"sofia", "oscar"} {
			if _, err := people.CreateUser(warden.WithPrincipal(ctx, warden.Operator), name, warden.RoleSanctionsOfficer, "", pw, "test"); err != nil {
				t.Fatal(err)
			}
			if sessions[i].cookie, sessions[i].csrf, err = people.Login(ctx, name, pw); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile("../../designation/testdata/party.json")
		if err != nil {
			t.Fatal(err)
		}
		code, out, errs := cli(t, dsn, "token", "create", "--role", "screener", "--name", "designation-screener")
		if code != 0 {
			t.Fatalf("token create: exit %d: %s", code, errs)
		}
		tok := lastLine(out)
		body := strings.Replace(string(b), "{", `{"propose": true,`, 1)
		// One officer proposes and the other approves, both on the first
		// node: the approval publishes the list version there.
		var d warden.Designation
		if code := postSession(t, nodes[0]+"/v1/designations", sessions[0].cookie, sessions[0].csrf, body, &d); code != http.StatusCreated || d.Status != warden.DesignationProposed {
			t.Fatalf("propose: %d %+v", code, d)
		}
		if code := postSession(t, fmt.Sprintf("%s/v1/designations/%d/approve", nodes[0], d.ID), sessions[1].cookie, sessions[1].csrf, `{"reason":"evidence checked"}`, &d); code != 200 || d.Status != warden.DesignationPublished {
			t.Fatalf("approve: %d %+v", code, d)
		}
		published := time.Now()
		for _, n := range []string{nodes[1], nodes[0]} {
			for {
				var res screening.Response
				if code := postJSON(t, n+"/v1/screen", tok, `{"name":"Dmitri Olegovich Korsakov"}`, &res); code != 200 {
					t.Fatalf("%s/v1/screen: %d", n, code)
				}
				if len(res.Hits) > 0 && res.Hits[0].EntityID == "cyber_sanctions:1" {
					t.Logf("%s screens against the designation %s after its publication", n, time.Since(published).Round(time.Millisecond))
					break
				}
				if time.Since(published) > 2*time.Second {
					t.Fatalf("%s does not screen against the published designation within 2 s: %+v", n, res.Hits)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	})

	t.Run("sessions and lock-outs", func(t *testing.T) {
		ctx := context.Background()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		people := auth.New(db)
		const pw = "violet harbour lantern 42"
		for _, name := range []string{"ana", "lou"} {
			if _, err := people.CreateUser(warden.WithPrincipal(ctx, warden.Operator), name, warden.RoleAnalyst, "", pw, "test"); err != nil {
				t.Fatal(err)
			}
		}
		a, b := nodes[0], nodes[1]
		for range 3 {
			if code, _ := login(t, a, "lou", "wrong password"); code != http.StatusUnauthorized {
				t.Fatalf("a wrong password: %d", code)
			}
		}
		if code, _ := login(t, b, "lou", pw); code != http.StatusUnauthorized {
			t.Errorf("locked out on the first node, the right password on the second: %d, want 401", code)
		}
		code, cookie := login(t, a, "ana", pw)
		if code != http.StatusSeeOther || cookie == nil {
			t.Fatalf("login on the first node: %d, cookie %v", code, cookie)
		}
		var me struct{ Name string }
		if code := getJSON(t, b+"/v1/me", "", &me, cookie); code != 200 || me.Name != "ana" {
			t.Errorf("the session on the second node: %d %+v", code, me)
		}
		_, csrf, err := people.Session(ctx, cookie.Value)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", a+"/logout", strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout on the first node: %d", resp.StatusCode)
		}
		if code := getJSON(t, b+"/v1/me", "", &me, cookie); code != http.StatusUnauthorized {
			t.Errorf("the closed session on the second node: %d, want 401", code)
		}
	})

	t.Run("rate limit", func(t *testing.T) {
		_, out, _ := cli(t, dsn, "token", "create", "--role", "analyst", "--name", "limited")
		tok := lastLine(out)
		passed := 0
		for i := range 150 {
			switch code := getJSON(t, nodes[i%2]+"/v1/lists", tok, nil); code {
			case 200:
				passed++
			case http.StatusTooManyRequests:
			default:
				t.Fatalf("request %d: %d", i, code)
			}
		}
		// A node's unspent lease (2 requests) lapses after a second: a few
		// may be lost, none gained.
		if passed < 95 || passed > 100 {
			t.Errorf("%d of 150 requests passed between two nodes, want the burst of 100", passed)
		}
	})
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// login posts the login form (its CSRF check is a double submit: the
// cookie and the field agree) and returns the status and the session
// cookie, if one was set.
func login(t *testing.T, base, name, pw string) (int, *http.Cookie) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"name": {name}, "password": {pw}, "csrf": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "warden_login", Value: "x"})
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "warden_session" && c.Value != "" {
			return resp.StatusCode, c
		}
	}
	return resp.StatusCode, nil
}

// getJSON gets url with a bearer token or cookies and decodes the answer
// into v (if not nil); it returns the status.
func getJSON(t *testing.T, url, token string, v any, cookies ...*http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		json.NewDecoder(resp.Body).Decode(v)
	}
	return resp.StatusCode
}

// postJSON posts body with a bearer token and decodes the answer into v.
func postJSON(t *testing.T, url, token, body string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(v)
	return resp.StatusCode
}

// postSession posts body as the person whose session cookie and CSRF
// token are given, and decodes the answer into v; it returns the status.
func postSession(t *testing.T, url, cookie, csrf, body string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	req.AddCookie(&http.Cookie{Name: "warden_session", Value: cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(v)
	return resp.StatusCode
}

// TestNewerSchemaRefused: against a database that a newer binary has
// migrated, `warden serve` exits with status 1 naming the migration it does
// not know, and so does a command that only reads.
func TestNewerSchemaRefused(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dsn, driver := filepath.Join(t.TempDir(), "w.db"), "sqlite"
			if engine == "postgres" {
				dsn, driver = storetest.EmptyPostgres(t), "pgx"
			}
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES ('migrations/9999_future.sql', '2030-01-01T00:00:00.000000Z')`); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0", "--no-snapshot"}, {"lists"}} {
				code, _, errs := cli(t, dsn, args...)
				if code != 1 || !strings.Contains(errs, "migrations/9999_future.sql") || !strings.Contains(errs, "newer") {
					t.Errorf("%s: exit %d, %q; want 1 naming the unknown migration", args[0], code, errs)
				}
			}
		})
	}
}
