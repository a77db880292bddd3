package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/sources/sourcetest"
	"warden/store/storetest"
)

// loadRun is `warden bench load` running in a process of its own, as a
// load generator beside the nodes.
type loadRun struct {
	cmd     *exec.Cmd
	out     bytes.Buffer
	answers string // the --answers file
}

// startLoad starts `warden bench load` against targets for d.
func startLoad(t *testing.T, targets []string, token string, d time.Duration, mix string) *loadRun {
	t.Helper()
	l := &loadRun{answers: filepath.Join(t.TempDir(), "answers.jsonl")}
	a, _ := json.Marshal([]string{"bench", "load", "--target", strings.Join(targets, ","), "--token", token, "--duration", d.String(),
		"--concurrency", "8", "--mix", mix, "--answers", l.answers, "--json"})
	l.cmd = exec.Command(os.Args[0], "-test.run=^$")
	l.cmd.Env = append(os.Environ(), "WARDEN_TEST_MAIN="+string(a))
	l.cmd.Stdout = &l.out
	l.cmd.Stderr = os.Stderr
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		l.cmd.Process.Kill()
		l.cmd.Wait()
	})
	return l
}

// wait waits for the load to end and returns its report and the answers
// it got, by reference (payments) or customer id.
func (l *loadRun) wait(t *testing.T) (report map[string]any, answers map[string]loadAnswer) {
	t.Helper()
	if err := l.cmd.Wait(); err != nil {
		t.Fatalf("bench load: %v\n%s", err, l.out.String())
	}
	if err := json.Unmarshal(l.out.Bytes(), &report); err != nil {
		t.Fatalf("bench load's report %q: %v", l.out.String(), err)
	}
	f, err := os.Open(l.answers)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	answers = map[string]loadAnswer{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a loadAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		if _, dup := answers[a.Op+":"+a.Ref]; dup {
			t.Errorf("%s %s answered twice", a.Op, a.Ref)
		}
		answers[a.Op+":"+a.Ref] = a
	}
	return report, answers
}

// failed is how many requests of the load got no 2xx answer from any node.
func failed(report map[string]any) int {
	return int(report["combined"].(map[string]any)["failed"].(float64))
}

// checkAnswered checks that every payment and customer answered is stored
// once with the decision answered, a blocked payment with one ledger entry
// and no other payment with any, and that the stored payments' ledger
// entries are one per blocked payment, whether or not its answer got out.
func checkAnswered(t *testing.T, raw *sql.DB, answers map[string]loadAnswer) (payments, blocked int) {
	t.Helper()
	stored := map[string]string{}
	rows, err := raw.Query(`SELECT reference, decision FROM transactions`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ref, dec string
		if err := rows.Scan(&ref, &dec); err != nil {
			t.Fatal(err)
		}
		stored[ref] = dec
	}
	rows.Close()
	ledger := map[string]int{}
	rows, err = raw.Query(`SELECT reference FROM ledger`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ref string
		if err := rows.Scan(&ref); err != nil {
			t.Fatal(err)
		}
		ledger[ref]++
	}
	rows.Close()
	for _, a := range answers {
		ref := a.Ref
		if a.Op == "customer" {
			ref = warden.CustomerReference(a.Ref)
		} else {
			payments++
		}
		if got, ok := stored[ref]; !ok || got != a.Decision {
			t.Errorf("%s %s: answered %s by %s, stored %q", a.Op, a.Ref, a.Decision, a.Target, got)
		}
		if a.Decision == warden.DecisionBlocked && a.Op == "payment" {
			blocked++
		}
	}
	for ref, dec := range stored {
		want := 0
		if dec == warden.DecisionBlocked && !strings.HasPrefix(ref, warden.CustomerReference("")) {
			want = 1
		}
		if ledger[ref] != want {
			t.Errorf("%s (%s): %d ledger entries, want %d", ref, dec, ledger[ref], want)
		}
	}
	return payments, blocked
}

// TestTwoNodesKilledUnderLoad: two `warden serve` processes on one
// PostgreSQL take payments and customers from `warden bench load` in a
// third process, which sends a request no node answered to the other one.
// Blocked payments raise hotline alerts, whose webhooks take a second
// each, so both nodes hold River jobs when one node is killed with
// SIGKILL mid-load. Every request still gets an answer (from the node
// left); every payment and customer answered is stored once with that
// decision; every blocked payment's alert is raised once and its webhook
// delivered, the dead node's jobs rescued; the killed node restarts and
// the audit chain verifies.
func TestTwoNodesKilledUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	ctx := context.Background()
	db := storetest.OpenPostgres(t)
	dsn := db.DSN()
	importJSON(t, dsn, "--list", "ofac", sourcetest.OFACSample(t, "ofac"))
	w := newHotlineWorld(t, dsn, db)
	// The webhooks go to the receiver through a proxy that holds each for
	// 300 ms, so that both nodes have deliveries running when one
	// dies; those of the dead node are cut off there.
	hook, _ := url.Parse(w.hook.URL)
	forward := httputil.NewSingleHostReverseProxy(hook)
	forward.ErrorLog = log.New(io.Discard, "", 0)
	slow := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		forward.ServeHTTP(rw, r)
	}))
	t.Cleanup(slow.Close)
	ep, _, err := w.s.CreateEndpoint(w.root, warden.Endpoint{Name: "slow", Channel: warden.ChannelWebhook, Address: slow.URL, Format: warden.FormatGeneric, Secret: "counterpart-secret-1"})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := w.s.CreatePolicy(w.root, warden.EscalationPolicy{Name: "blocked payments", Steps: []warden.EscalationStep{
		{Delay: warden.Duration(100 * time.Millisecond), Targets: []warden.Target{{Kind: warden.TargetEndpoint, ID: strconv.FormatInt(ep.ID, 10)}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.CreateTrigger(w.root, warden.Trigger{Event: "payment.blocked", Severity: warden.SeverityHigh, Policy: pol.ID, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	_, out, _ := cli(t, dsn, "token", "create", "--role", "screener", "--name", "load")
	token := lastLine(out)
	// A job running 4 s (serveArgs' --hotline-rescue-after) is the dead
	// node's: a live one cancels its own after 2 s.
	args := slices.Clip(append(w.serveArgs(), "--hotline-claim-for", "2s"))
	a, baseA := startProcess(t, append(args, "--node-name", "node-a"))
	_, baseB := startProcess(t, append(args, "--node-name", "node-b"))
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	load := startLoad(t, []string{baseA, baseB}, token, 4*time.Second, "screen=1,payment=4,customer=1")
	// The kill comes while node a runs a job that delivers a webhook the
	// slow proxy holds, so that there is one to rescue: one it began at
	// most 150 ms before, still held when the kill lands however loaded
	// the machine (one seen running near the end of its 300 ms had ended
	// before the kill once, on a CI machine running other packages' tests
	// beside).
	poll(t, 10*time.Second, "node a beginning a delivery", func() bool {
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM river_job WHERE state = 'running' AND kind = 'hotline.fire'
			AND attempted_by[array_length(attempted_by, 1)] = 'node-a' AND attempted_at > now() - interval '150 milliseconds'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	})
	kill(t, a)
	report, answers := load.wait(t)
	if n := failed(report); n != 0 {
		t.Errorf("%d requests got no answer from either node: %v", n, report)
	}
	// The node left carries on: it answers a payment now.
	carryOn(t, baseB, token, "after-the-kill")
	payments, blocked := checkAnswered(t, raw, answers)
	if payments == 0 || blocked == 0 {
		t.Fatalf("%d payments answered, %d blocked: too few to tell", payments, blocked)
	}

	// Every payment.blocked event raises one alert, whose webhook arrives:
	// the events job, the steps and deliveries of the dead node included.
	var events int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM events WHERE type = 'payment.blocked'`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	var alerts []warden.Alert
	// A rescued delivery waits the hotline's first backoff (15 s).
	for deadline := time.Now().Add(45 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if alerts, err = db.HotlineAlerts(ctx, "", "", 0); err != nil {
			t.Fatal(err)
		}
		if len(alerts) >= events && w.settled(alerts, len(alerts)) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%d alerts for %d blocked payments, not every webhook delivered within 45 s", len(alerts), events)
			for _, al := range alerts {
				ns, _ := w.s.Notifications(w.root, al.ID)
				for _, n := range ns {
					if n.Status != warden.NotificationDelivered {
						t.Logf("alert %d %s: notification %+v", al.ID, al.Object, n)
					}
				}
			}
			rows, _ := raw.Query(`SELECT id, kind, state, attempt, args::text, errors::text FROM river_job WHERE state <> 'completed' ORDER BY id`)
			for rows.Next() {
				var id, attempt int
				var kind, state, args, errs string
				rows.Scan(&id, &kind, &state, &attempt, &args, &errs)
				t.Logf("job %d %s %s attempt %d %s %.300s", id, kind, state, attempt, args, errs)
			}
			t.FailNow()
		}
	}
	objects := map[string]int{}
	for _, al := range alerts {
		objects[al.Object]++
	}
	for o, n := range objects {
		if n != 1 {
			t.Errorf("%d alerts for %s, want 1", n, o)
		}
	}
	if len(alerts) != events {
		t.Errorf("%d alerts for %d blocked payments", len(alerts), events)
	}
	per, _ := w.delivered(alerts)
	for id, c := range per {
		if c < 1 {
			t.Errorf("%s not delivered", id)
		}
	}
	// River records a job's end a moment after it, and a rescued job
	// that failed waits the hotline's first backoff (15 s) before it runs
	// again: poll for every hotline job completed, the rescued ones
	// included.
	var rescued, unfinished int
	poll(t, 45*time.Second, "every hotline job completed", func() bool {
		if err := raw.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind IN ('hotline.fire', 'hotline.deliver') AND state <> 'completed'`).Scan(&unfinished); err != nil {
			t.Fatal(err)
		}
		return unfinished == 0
	})
	if err := raw.QueryRow(`SELECT COUNT(*) FROM river_job WHERE errors::text LIKE '%rescued by JobRescuer%'`).Scan(&rescued); err != nil {
		t.Fatal(err)
	}
	if rescued == 0 {
		t.Error("no job of the killed node was rescued: it held none when killed")
	}

	_, baseA = startProcess(t, append(args, "--node-name", "node-a"))
	if code, out, errs := cli(t, dsn, "audit", "verify"); code != 0 {
		t.Errorf("audit verify after the restart: exit %d\n%s%s", code, out, errs)
	}
	t.Logf("%d payments (%d blocked) and %d customers answered, %d retried on the other node; %d alerts delivered; %d jobs rescued; report %v",
		payments, blocked, len(answers)-payments, int(report["combined"].(map[string]any)["retried"].(float64)), len(alerts), rescued, report["combined"])
}

// carryOn sends node base a payment and fails the test unless it is
// answered with a decision.
func carryOn(t *testing.T, base, token, ref string) {
	t.Helper()
	body := fmt.Sprintf(`{"reference":%q,"amount":{"currency":"EUR","minor":100},"parties":[{"role":"originator","name":"Jane Doe"},{"role":"beneficiary","name":"Peter Mueller","country":"DE"}]}`, ref)
	req, _ := http.NewRequest("POST", base+"/v1/transactions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", base, err)
	}
	defer resp.Body.Close()
	var d warden.TxDecision
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != http.StatusOK || d.Decision == "" {
		t.Fatalf("%s: payment %s: %d %+v %v", base, ref, resp.StatusCode, d, err)
	}
}

// privatePostgres is a PostgreSQL cluster of the test's own, which it may
// stop and start without disturbing the server other tests share.
type privatePostgres struct {
	t         *testing.T
	bin, data string
	opts      string // the server's options: port, socket folder
	dsn       string
}

// startPrivatePostgres initialises a cluster in a new folder and starts it
// on a free port of 127.0.0.1, stopped when the test ends. It skips the
// test unless it runs as root (initdb runs as the user postgres) with
// PostgreSQL's binaries installed.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("no /usr/lib/postgresql/*/bin/initdb: cannot start a private PostgreSQL")
	}
	pg, err := user.Lookup("postgres")
	if os.Geteuid() != 0 || err != nil {
		t.Skip("a private PostgreSQL needs root (to run initdb as the user postgres)")
	}
	dir, err := os.MkdirTemp("", "warden-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p := &privatePostgres{t: t, bin: filepath.Dir(bins[len(bins)-1]), data: filepath.Join(dir, "data"),
		opts: fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir),
		dsn:  fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	p.run("initdb", "-D", p.data, "-A", "trust", "-U", "postgres", "--no-sync")
	p.ctl("start")
	t.Cleanup(func() { p.run("pg_ctl", "-D", p.data, "-m", "immediate", "stop") })
	return p
}

// run runs one of PostgreSQL's programs as the user postgres.
func (p *privatePostgres) run(prog string, args ...string) {
	p.t.Helper()
	out, err := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(p.bin, prog)}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("%s %v: %v\n%s", prog, args, err, out)
	}
}

// ctl starts or stops the cluster, waiting until it is done.
func (p *privatePostgres) ctl(action string) {
	p.t.Helper()
	args := []string{"-D", p.data, "-w", "-l", filepath.Join(filepath.Dir(p.data), "log"), "-o", p.opts}
	if action == "stop" {
		args = append(args, "-m", "fast")
	}
	p.run("pg_ctl", append(args, action)...)
}

// readyz returns the status of base/readyz, 0 if it did not answer.
func readyz(base string) int {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestPostgresRestartedUnderLoad: two nodes on a PostgreSQL of the test's
// own take payments and customers from `warden bench load` in a third
// process when PostgreSQL stops: both report not ready (/readyz 503)
// while it is down and ready again once it is back, without a restart of
// their own; they answer payments again; every payment and customer
// answered, before, during or after, is stored once with the decision
// answered; and the audit chain verifies.
func TestPostgresRestartedUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes and a PostgreSQL")
	}
	pg := startPrivatePostgres(t)
	importJSON(t, pg.dsn, "--list", "ofac", sourcetest.OFACSample(t, "ofac"))
	_, out, _ := cli(t, pg.dsn, "token", "create", "--role", "screener", "--name", "load")
	token := lastLine(out)
	args := []string{"--db", pg.dsn, "serve", "--addr", "127.0.0.1:0", "--no-snapshot", "--hotline-every", "200ms"}
	_, baseA := startProcess(t, args)
	_, baseB := startProcess(t, args)
	nodes := []string{baseA, baseB}

	load := startLoad(t, nodes, token, 6*time.Second, "screen=1,payment=4,customer=1")
	time.Sleep(1500 * time.Millisecond)
	pg.ctl("stop")
	for _, base := range nodes {
		poll(t, 5*time.Second, base+" not ready while PostgreSQL is down", func() bool { return readyz(base) == http.StatusServiceUnavailable })
	}
	time.Sleep(time.Second)
	pg.ctl("start")
	for _, base := range nodes {
		poll(t, 15*time.Second, base+" ready again once PostgreSQL is back", func() bool { return readyz(base) == http.StatusOK })
	}
	for _, base := range nodes {
		carryOn(t, base, token, "after-the-restart-"+base[strings.LastIndexByte(base, ':')+1:])
	}
	report, answers := load.wait(t)
	raw, err := sql.Open("pgx", pg.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	payments, blocked := checkAnswered(t, raw, answers)
	if payments == 0 {
		t.Fatalf("no payment answered: %v", report)
	}
	if code, out, errs := cli(t, pg.dsn, "audit", "verify"); code != 0 {
		t.Errorf("audit verify: exit %d\n%s%s", code, out, errs)
	}
	t.Logf("%d payments (%d blocked) and %d customers answered, %d requests failed while PostgreSQL was down; report %v",
		payments, blocked, len(answers)-payments, failed(report), report["combined"])
}
