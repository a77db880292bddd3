package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"warden"
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

	// A server with a link key of its own: the demo signs with it too
	// (it signed with the database's, which such a server refuses).
	srv, out = startServeDemo(t, smallDB(t), "--hotline-link-key", filepath.Join(t.TempDir(), "link.key"))
	if m := demoAckURL.FindStringSubmatch(out); m == nil {
		t.Errorf("serve --demo --hotline-link-key printed no hotline link:\n%s", out)
	} else if code, body := page(t, m[1], nil); code != http.StatusBadRequest || !strings.Contains(body, "expired at") && !strings.Contains(body, "used already") {
		t.Errorf("the demo's link on a server with --hotline-link-key: %d, want 400 saying it expired or was used:\n%s", code, body)
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
	// The scorecard page the demo printed: the request's quarter, which
	// may be over.
	scorecard := demoScorecard(t, out, srv.base)
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
		{"demo-liaison", scorecard, []string{"<svg", `Requests sent</th><td class="num out">1<`, `Answers rated</th><td class="num out">1<`,
			fmt.Sprintf(`Quality: completeness (1-5)</th><td class="num out">%d.00<`, demo.ReviewCompleteness),
			fmt.Sprintf(`Quality: actionability</th><td class="num out">%d.00<`, demo.ReviewActionability), `Quality: overall</th><td class="num out">1.50<`}},
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

	checkDemoObjects(t, srv.base, cookies)

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

// checkDemoObjects opens the pages of one object docs/demo.md's table
// names: the incident's, with its graph of the actor and the indicators
// (the RED one marked so); the request's, with its clock (acknowledged
// late, the answer overdue), the thread with the partial answer, its
// rating, the referral's two proposals and the timeline's two missed
// deadlines; and each designation's, the two published with the request
// and the incident as links and the indicators' STIX bundle as evidence,
// the referral's two rejected.
func checkDemoObjects(t *testing.T, base string, cookies map[string]*http.Cookie) {
	t.Helper()
	analyst, officer := cookies["demo-analyst"], cookies["demo-officer-a"]
	_, intel := page(t, base+"/intel", analyst)
	inc := regexp.MustCompile(`href="/intel/objects/(incident--[0-9a-f-]+)"`).FindStringSubmatch(intel)
	if inc == nil {
		t.Fatalf("the analyst's /intel links no incident:\n%s", intel)
	}
	code, body := page(t, base+"/intel/objects/"+inc[1], analyst)
	if code != http.StatusOK || !strings.Contains(body, demo.IncidentName) {
		t.Errorf("the incident's page: %d, want 200 with %q", code, demo.IncidentName)
	}
	// The graph's nodes, each a list item with its TLP.
	nodes := map[string]string{}
	_, list, _ := strings.Cut(body, `id="graph-nodes"`)
	list, _, _ = strings.Cut(list, "</ul>")
	for _, li := range strings.Split(list, "<li>")[1:] {
		if m := regexp.MustCompile(`<bdi>([^<]*)</bdi>.*data-tlp="([^"]*)"`).FindStringSubmatch(li); m != nil {
			nodes[m[1]] = m[2]
		}
	}
	want := map[string]string{demo.ActorName: "amber", "ipv4: " + demo.RedIndicatorIP: "red"}
	for _, ind := range demo.Indicators {
		label := ind.Kind + ": " + ind.Value
		if ind.Chain != "" {
			label += " (" + ind.Chain + ")"
		}
		want[label] = "amber"
	}
	for label, tlp := range want {
		if nodes[label] != tlp {
			t.Errorf("the incident's graph: %q is %q, want it TLP:%s among the nodes %q", label, nodes[label], strings.ToUpper(tlp), nodes)
		}
	}
	if code, svg := page(t, base+"/intel/objects/"+inc[1]+"/graph.svg", analyst); code != http.StatusOK || !strings.Contains(svg, "<svg") || !strings.Contains(svg, html.EscapeString(demo.ActorName)) {
		t.Errorf("the incident's graph.svg: %d, want 200 with the drawing", code)
	}

	_, requests := page(t, base+"/requests", analyst)
	req := regexp.MustCompile(`href="/requests/(\d+)"><bdi>` + regexp.QuoteMeta(demo.RequestReference) + `<`).FindStringSubmatch(requests)
	if req == nil {
		t.Fatalf("the analyst's /requests links no %s:\n%s", demo.RequestReference, requests)
	}
	code, body = page(t, base+"/requests/"+req[1], analyst)
	if code != http.StatusOK {
		t.Errorf("the request's page: %d, want 200", code)
	}
	for what, re := range map[string]string{
		"the clock: acknowledged late":       `id="acked-at">[^<]+<span class="badge match">late</span>`,
		"the clock: the answer overdue":      `id="answer-due">[^<]+<span class="badge match">overdue</span>`,
		"the thread: the partial answer":     `(?s)id="thread".*` + regexp.QuoteMeta(html.EscapeString(demo.AnswerText)),
		"the rating: completeness":           fmt.Sprintf(`<th scope="row">Completeness</th><td class="num">%d</td>`, demo.ReviewCompleteness),
		"the rating: actionability":          fmt.Sprintf(`<th scope="row">Actionability</th><td class="num">%d</td>`, demo.ReviewActionability),
		"the referral on the low rating":     `(?s)id="referrals".*<td>` + string(warden.ReferralQuality) + `</td>.*class="designation-link".*class="designation-link"`,
		"the timeline: two missed deadlines": `(?s)id="timeline".*data-event="request.deadline_missed".*data-event="request.deadline_missed"`,
	} {
		if !regexp.MustCompile(re).MatchString(body) {
			t.Errorf("the request's page lacks %s (%s)", what, re)
		}
	}

	_, list = page(t, base+"/designations", officer)
	status := map[string][]string{}
	for _, id := range firstGroups(regexp.MustCompile(`href="/designations/(\d+)"`).FindAllStringSubmatch(list, -1)) {
		code, body := page(t, base+"/designations/"+id, officer)
		st := regexp.MustCompile(`id="status">([^<]*)<`).FindStringSubmatch(body)
		if code != http.StatusOK || st == nil {
			t.Errorf("designation %s's page: %d, no status", id, code)
			continue
		}
		status[st[1]] = append(status[st[1]], id)
		if st[1] != string(warden.DesignationPublished) {
			continue
		}
		for _, w := range []string{`id="published"`, "<bdi>request:" + req[1] + "</bdi>", "<bdi>incident:" + inc[1] + "</bdi>",
			`<td><bdi>indicators.stix.json</bdi></td><td>application/stix&#43;json`} {
			if !strings.Contains(body, w) {
				t.Errorf("published designation %s's page: no %q", id, w)
			}
		}
	}
	if len(status[string(warden.DesignationPublished)]) != 2 || len(status[string(warden.DesignationRejected)]) != 2 {
		t.Errorf("the designations' pages by status: %v, want 2 published and 2 rejected", status)
	}
}

// firstGroups is the first group of each match, once each, in order.
func firstGroups(ms [][]string) []string {
	var out []string
	for _, m := range ms {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}
