package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"warden/demo"
)

// lockedBuffer is a bytes.Buffer the server writes and the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServeDemo runs `warden --db db serve --addr 127.0.0.1:0 --demo
// --no-snapshot args...` in process as startServe does, and returns the
// server with what the demo printed on stdout.
func startServeDemo(t *testing.T, db string, args ...string) (serving, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	out := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"--db", db, "serve", "--addr", "127.0.0.1:0", "--demo", "--no-snapshot"}, args...), nil, out, pw)
		pw.Close()
	}()
	var once sync.Once
	var code int
	stop := func() int {
		once.Do(func() {
			cancel()
			code = <-done
		})
		return code
	}
	t.Cleanup(func() { stop() })
	srv := serving{base: "http://" + listening(t, pr), stop: stop}
	waitReady(t, srv.base)
	return srv, out.String()
}

// demoAckURL is the hotline link the demo printed, which the liaison
// acknowledged by.
var demoAckURL = regexp.MustCompile(`(?m)^    (\S+/hotline/link/\S+)$`)

// page gets url with the session cookie c and returns the status and the
// body.
func page(t *testing.T, url string, c *http.Cookie) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestServeDemoLinks: warden serve --demo builds the demo with the
// hotline's links to where the server answers (its --addr, or its
// --base-url), not to the default http://localhost:8080: the link the
// liaison acknowledged by opens on the server, which knows its signature.
func TestServeDemoLinks(t *testing.T) {
	srv, out := startServeDemo(t, smallDB(t))
	m := demoAckURL.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("serve --demo printed no hotline link:\n%s", out)
	}
	if !strings.HasPrefix(m[1], srv.base+"/hotline/link/") {
		t.Fatalf("the demo's hotline link %s does not point to the server at %s", m[1], srv.base)
	}
	if !strings.Contains(out, "open "+srv.base+"/") {
		t.Errorf("serve --demo does not say to open %s:\n%s", srv.base, out)
	}
	// Expired or used, not "not valid": the server checked its signature.
	if code, body := page(t, m[1], nil); code != http.StatusBadRequest || !strings.Contains(body, "expired at") && !strings.Contains(body, "used already") {
		t.Errorf("the demo's link on the server: %d, want 400 saying it expired or was used:\n%s", code, body)
	}
	srv.stop()

	const public = "https://warden.example/"
	_, out = startServeDemo(t, smallDB(t), "--base-url", public)
	if m := demoAckURL.FindStringSubmatch(out); m == nil || !strings.HasPrefix(m[1], strings.TrimSuffix(public, "/")+"/hotline/link/") {
		t.Errorf("with --base-url %s the demo's hotline link is %v:\n%s", public, m, out)
	}
}

// TestServeDemoPages: on the server warden serve --demo starts, each
// person the demo printed logs in with the password printed and finds on
// the pages docs/demo.md names for their role what it says is there; the
// counterpart finds its request in its portal and the intelligence shared
// with it, nothing of the RED indicator or the internal note, and none of
// the authority's other pages.
func TestServeDemoPages(t *testing.T) {
	srv, out := startServeDemo(t, smallDB(t))
	pw := demoPasswords(t, out)
	// The scorecard of the story's days (the request's quarter may be over).
	played := regexp.MustCompile(`played from (\d{4}-\d{2}-\d{2}) \S+ \S+ to (\d{4}-\d{2}-\d{2})`).FindStringSubmatch(out)
	if played == nil {
		t.Fatalf("no dates of the story printed:\n%s", out)
	}
	end, err := time.Parse(time.DateOnly, played[2])
	if err != nil {
		t.Fatal(err)
	}
	scorecard := "/scorecards?org=" + demo.CounterpartOrg + "&from=" + played[1] + "&to=" + end.AddDate(0, 0, 1).Format(time.DateOnly)
	cookies := map[string]*http.Cookie{}
	for name, p := range pw {
		code, c := login(t, srv.base, name, p)
		if c == nil {
			t.Fatalf("login as %s with the printed password: %d", name, code)
		}
		cookies[name] = c
	}

	// What docs/demo.md's table of people says each finds, a page and a
	// text on it.
	tests := []struct {
		user, path string
		want       []string
	}{
		{"demo-analyst", "/intel", []string{demo.IncidentName, demo.RedIndicatorName}},
		{"demo-analyst", "/requests", []string{demo.RequestReference}},
		{"demo-analyst", "/cases", []string{demo.CustomerID}},
		{"demo-liaison", "/hotline/alerts", []string{"acknowledged"}},
		{"demo-liaison", "/hotline/log", []string{"triggered", "escalated", "on call", "notified", "delivered", "link used", "acknowledged", "link:demo-liaison"}},
		{"demo-liaison", "/hotline/oncall", []string{"Liaison on call", "demo-liaison"}},
		{"demo-liaison", scorecard, []string{"<svg", `Requests sent</th><td class="num out">1<`, `Quality: overall</th><td class="num out">1.50<`}},
		{"demo-officer-a", "/designations", []string{demo.CompanyName, demo.EmployeeName, "published", "rejected"}},
		{"demo-officer-b", "/public/lists/cyber_sanctions/versions/1/notice", []string{"Sichuan Silence"}},
		{"demo-officer-b", "/public/lists/cyber_sanctions/versions/2/notice", []string{"Guan Tianfeng"}},
		{"demo-screener", "/screen", []string{"Name (any script)"}},
		{"demo-auditor", "/ledger", []string{demo.PaymentReference}},
		{"demo-auditor", "/v1/reports/initial?format=html", []string{demo.PaymentReference}},
		{"demo-auditor", "/audit", []string{"approval.approve", "hotline.acknowledge", "transaction.screen"}},
		{"demo-admin", "/admin/users", []string{"demo-counterpart"}},
		{"demo-admin", "/hotline/policies", []string{"Cooperation deadlines"}},
		{"demo-admin", "/v1/hotline/triggers", []string{"request.deadline_missed"}},
		{"demo-counterpart", "/portal", []string{demo.RequestReference}},
		{"demo-counterpart", "/intel", []string{demo.IncidentName, demo.ActorName}},
	}
	for _, tt := range tests {
		code, body := page(t, srv.base+tt.path, cookies[tt.user])
		if code != http.StatusOK {
			t.Errorf("%s GET %s: %d, want 200", tt.user, tt.path, code)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s GET %s: no %q on the page", tt.user, tt.path, w)
			}
		}
	}

	// The counterpart: its request's page in the portal, without the
	// authority's secrets, and none of the authority's pages.
	cp := cookies["demo-counterpart"]
	_, home := page(t, srv.base+"/portal", cp)
	link := regexp.MustCompile(`href="(/portal/requests/\d+)"`).FindStringSubmatch(home)
	if link == nil {
		t.Fatalf("the counterpart's portal links no request:\n%s", home)
	}
	code, req := page(t, srv.base+link[1], cp)
	if code != http.StatusOK || !strings.Contains(req, demo.RequestReference) || !strings.Contains(req, "Completeness") {
		t.Errorf("the counterpart's request page %s: %d, want 200 with the request and the rating of its answer", link[1], code)
	}
	if strings.Contains(strings.ToLower(req), "referr") {
		t.Errorf("the counterpart's request page %s tells of the referral", link[1])
	}
	_, intelHome := page(t, srv.base+"/intel", cp)
	// A search for the RED indicator, by the first word of its name (the
	// query is shown back in the search field).
	first, _, _ := strings.Cut(demo.RedIndicatorName, " ")
	_, search := page(t, srv.base+"/intel?q="+first, cp)
	for path, body := range map[string]string{"/portal": home, link[1]: req, "/intel": intelHome, "/intel?q=" + first: search} {
		for _, secret := range []string{demo.RedIndicatorName, demo.RedIndicatorIP, `data-tlp="red"`, demo.InternalNote, "Internal assessment"} {
			if strings.Contains(body, secret) {
				t.Errorf("the counterpart sees %q on %s", secret, path)
			}
		}
	}
	for _, path := range []string{"/requests", "/cases", "/ledger", "/designations", "/hotline/log", "/scorecards", "/audit", "/admin/users"} {
		if code, _ := page(t, srv.base+path, cp); code != http.StatusForbidden && code != http.StatusNotFound {
			t.Errorf("the counterpart GET %s: %d, want 403 or 404", path, code)
		}
	}
}
