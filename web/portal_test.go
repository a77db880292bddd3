package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/store/storetest"
)

// viewer is a person signed in, browsing the pages with a cookie jar (so
// that the language and time zone chosen are remembered).
type viewer struct {
	t    *testing.T
	p    *platform
	c    *http.Client
	csrf string
}

func newViewer(t *testing.T, p *platform, name string, role warden.Role, org string) *viewer {
	t.Helper()
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := p.s.Auth.CreateUser(op, name, role, org, testPassword, ""); err != nil {
		t.Fatal(err)
	}
	cookie, csrf, err := p.s.Auth.Login(context.Background(), name, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(p.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: cookie, Path: "/"}})
	return &viewer{t: t, p: p, csrf: csrf, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches a page, with the headers given as name, value pairs.
func (v *viewer) get(path string, header ...string) (int, string) {
	v.t.Helper()
	req, _ := http.NewRequest("GET", v.p.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return v.do(req)
}

// post posts a page's form.
func (v *viewer) post(path string, form url.Values) (int, string) {
	v.t.Helper()
	form.Set("csrf", v.csrf)
	req, _ := http.NewRequest("POST", v.p.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

func (v *viewer) do(req *http.Request) (int, string) {
	resp, err := v.c.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// shownText is what a page shows a reader: its text without the tags, and
// the labels of its attributes that are read out (aria-label, title,
// placeholder).
func shownText(page string) string {
	var labels []string
	for _, m := range regexp.MustCompile(`(?:aria-label|title|placeholder)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		labels = append(labels, m[1])
	}
	page = regexp.MustCompile(`(?s)<head>.*?</head>`).ReplaceAllString(page, "")
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, "\n")
	return html.UnescapeString(text + "\n" + strings.Join(labels, "\n"))
}

// segments are the pieces of text a page shows, each as a whole: the
// text between its tags and the labels read out, split at the " · "
// that joins short items, trimmed.
func segments(page string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(shownText(page), "\n") {
		for _, seg := range strings.Split(line, "·") {
			if seg = strings.TrimSpace(seg); seg != "" {
				out[seg] = true
			}
		}
	}
	return out
}

// cooperationPlatform is a platform whose clock the test sets (cooperation
// and pages), at Monday 2 March 2026 01:00 UTC, 09:00 in Beijing.
func cooperationPlatform(t *testing.T) (*platform, *time.Time) {
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	p := newPlatform(t, storetest.OpenSQLite(t), func(s *Server) { s.Now, s.Cooperation.Now = clock, clock })
	return p, &now
}

// sentRequest drafts and sends, as an analyst, a routine request to org,
// whose side is in Beijing.
func sentRequest(t *testing.T, p *platform, org, reference string) warden.Request {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Principal{Name: "ana", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "user"})
	q, err := p.s.Cooperation.Create(ctx, cooperation.Input{Reference: reference, Kind: warden.KindNew, Type: warden.RequestInformation, Counterpart: org,
		Requesting: warden.Authority{Org: warden.HomeOrg, Name: "Office of Cyber Sanctions", TimeZone: "America/New_York", Country: "US"},
		Requested:  warden.Authority{Org: org, Name: "网络安全保卫局", Contact: "李伟", TimeZone: "Asia/Shanghai", Country: "CN"},
		LegalBasis: "双边网络安全合作谅解", Facts: "勒索软件控制服务器 203.0.113.7", Offence: "破坏计算机信息系统罪", Sought: "服务器托管方的用户资料",
		Need: "追查资金", Priority: warden.PriorityRoutine, Parties: []warden.RequestParty{{Name: "影子熊猫", Schema: warden.SchemaOrganization}}})
	if err != nil {
		t.Fatal(err)
	}
	if q, err = p.s.Cooperation.Send(ctx, q.ID); err != nil {
		t.Fatal(err)
	}
	return q
}

// TestCatalogueComplete: every string the portal's templates translate,
// every value of the lists they show, and every message the pages say is
// in both catalogues; the Chinese is a translation (not the English, with
// the same verbs to fill).
func TestCatalogueComplete(t *testing.T) {
	keys := map[string]bool{}
	for _, m := range messages {
		if keys[m.Key] {
			t.Errorf("%q twice", m.Key)
		}
		keys[m.Key] = true
		en := m.EN
		if en == "" {
			en = m.Key
		}
		verbs := regexp.MustCompile(`%[a-z]`)
		if m.ZH == "" || m.ZH == en || strings.Join(verbs.FindAllString(m.ZH, -1), "") != strings.Join(verbs.FindAllString(en, -1), "") {
			t.Errorf("%q: Chinese %q for %q", m.Key, m.ZH, en)
		}
	}
	var want []string
	for _, name := range []string{"templates/requests.html", "templates/portal.html"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`\bT "([^"]*)"`).FindAllStringSubmatch(string(b), -1) {
			want = append(want, m[1])
		}
		// T (print "status." .Status) and the like: every value.
		for _, m := range regexp.MustCompile(`\bT \(print "([a-z]+)\.`).FindAllStringSubmatch(string(b), -1) {
			want = append(want, "values of "+m[1]+".")
		}
	}
	values := map[string][]string{"side.": {"requester", "responder"}, "channel.": replyChannels, "rubric.": {"completeness", "accuracy", "actionability", "updates"},
		"schema.": {string(warden.SchemaPerson), string(warden.SchemaOrganization)}, "direction.": {string(warden.Outgoing), string(warden.Incoming)},
		"answer.": {string(warden.AnswerPartial), string(warden.AnswerFull)}, "extension.": {string(warden.ExtensionAsked), string(warden.ExtensionGranted), string(warden.ExtensionRefused)},
		"message.": {string(warden.MessageQuestion), string(warden.MessageAnswer), string(warden.MessageUpdate), string(warden.MessageNote)}}
	values["event."] = []string{warden.EventRequestSent, warden.EventRequestAcknowledged, warden.EventRequestInProgress, warden.EventRequestMessage,
		warden.EventRequestAnswered, warden.EventRequestReviewed, warden.EventRequestReviewResponded, warden.EventRequestClosed, warden.EventRequestRefused,
		warden.EventRequestWithdrawn, warden.EventRequestLapsed, warden.EventRequestExtensionAsked, warden.EventRequestExtensionDecided,
		warden.EventRequestDeadlineNear, warden.EventRequestDeadlineMissed, warden.EventRequestReferred}
	for _, s := range warden.RequestStatuses {
		values["status."] = append(values["status."], string(s))
	}
	for _, x := range warden.RequestTypes {
		values["type."] = append(values["type."], string(x))
	}
	for _, x := range warden.RequestKinds {
		values["kind."] = append(values["kind."], string(x))
	}
	for _, x := range warden.Priorities {
		values["priority."] = append(values["priority."], string(x))
	}
	for _, x := range warden.RefusalReasons {
		values["refusal."] = append(values["refusal."], string(x))
	}
	for _, x := range warden.Uses {
		values["use."] = append(values["use."], string(x))
	}
	for _, k := range want {
		k, enum := strings.CutPrefix(k, "values of ")
		if !enum {
			if !keys[k] {
				t.Errorf("template string %q is not in the catalogues", k)
			}
			continue
		}
		if len(values[k]) == 0 {
			t.Errorf("the values of %q are not known to the test", k)
		}
		for _, v := range values[k] {
			if !keys[k+v] {
				t.Errorf("%q is not in the catalogues", k+v)
			}
		}
	}
	// What the pages say after an action, and the error pages' titles.
	for _, k := range []string{"The request is now %s.", "Extension asked.", "Extension granted.", "Extension refused.", "Message posted.", "Rating saved.", "Response saved.",
		"Cooperation requests", "New request", "Request %s"} {
		if !keys[k] {
			t.Errorf("%q is not in the catalogues", k)
		}
	}
	for code := range statusOf {
		if text := http.StatusText(statusOf[code]); !keys[text] {
			t.Errorf("the title %q is not in the catalogues", text)
		}
	}
}

// TestPortalChinese: the portal in Chinese has no English string of the
// catalogues left on its pages (the list, a request with its actions, the
// form), each shown in Chinese instead; the language comes from
// Accept-Language, and a choice on the page (?lang=) is remembered.
// Times are shown in the counterpart's own zone (Asia/Shanghai, from its
// latest request) with the zone's abbreviation, or in the one chosen.
func TestPortalChinese(t *testing.T) {
	p, now := cooperationPlatform(t)
	q := sentRequest(t, p, "ru-cert", "HOME-2026-1")
	li := newViewer(t, p, "li", warden.RoleCounterpart, "ru-cert")
	path := "/portal/requests/" + strconv.FormatInt(q.ID, 10)
	pages := []string{"/portal", path, "/portal/requests/new"}

	english := map[string]map[string]bool{}
	for _, page := range pages {
		code, body := li.get(page, "Accept-Language", "en-GB,en;q=0.8")
		if code != 200 {
			t.Fatalf("GET %s in English: %d %s", page, code, body)
		}
		english[page] = segments(body)
	}
	// The request's page offers the requested side its actions.
	for _, s := range []string{"Acknowledge receipt", "Send the answer", "Ask for an extension", "Refuse the request"} {
		if !english[path][s] {
			t.Errorf("the request's page lacks %q", s)
		}
	}
	for _, page := range pages {
		code, body := li.get(page, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
		if code != 200 {
			t.Fatalf("GET %s in Chinese: %d", page, code)
		}
		if !strings.Contains(body, `<html lang="zh">`) {
			t.Errorf("%s: not marked as Chinese", page)
		}
		zh := segments(body)
		shown := 0
		for _, m := range messages {
			en := m.EN
			if en == "" {
				en = m.Key
			}
			if zh[en] {
				t.Errorf("%s in Chinese still shows %q", page, en)
			}
			if !english[page][en] {
				continue
			}
			shown++
			if !zh[m.ZH] {
				t.Errorf("%s in Chinese lacks %q (for %q)", page, m.ZH, en)
			}
		}
		if shown < 20 {
			t.Errorf("%s: only %d catalogue strings found on the English page", page, shown)
		}
	}

	// The authority's people are the authority, in the viewer's language,
	// never the raw "home".
	for lang, want := range map[string]string{"zh-CN,zh;q=0.9": "主管机关", "en": "the authority"} {
		_, body := li.get(path, "Accept-Language", lang)
		created := between(between(body, `<th scope="row">`+map[string]string{"en": "Created", "zh-CN,zh;q=0.9": "创建"}[lang]+`</th>`, "</tr>"), "<bdi>", "</bdi>")
		if created != want {
			t.Errorf("created by %q in %s, want %q", created, lang, want)
		}
	}

	// Sent at 01:00 UTC: 09:00 in Beijing, the counterpart's zone.
	_, body := li.get(path)
	if sent := between(body, `<td id="sent-at">`, "<"); sent != "2026-03-02 09:00 CST" {
		t.Errorf("sent at %q in the counterpart's zone", sent)
	}
	// A choice of zone and language is remembered.
	_, body = li.get(path + "?tz=Europe/Paris&lang=zh")
	if sent := between(body, `<td id="sent-at">`, "<"); sent != "2026-03-02 02:00 CET" {
		t.Errorf("sent at %q in Paris", sent)
	}
	_, body = li.get("/portal", "Accept-Language", "en")
	if !strings.Contains(body, "向贵组织提出的请求") || !strings.Contains(body, "2026-03-02 02:00 CET") {
		t.Errorf("the choices are not remembered:\n%s", shownText(body))
	}
	if !strings.Contains(body, `<option value="Europe/Paris" selected>`) {
		t.Errorf("the zone chosen is not selected")
	}
	// An action says what it did in the viewer's language.
	*now = now.Add(2 * time.Hour)
	code, body := li.post(path, url.Values{"op": {"acknowledge"}})
	if code != 200 || !strings.Contains(body, "请求现在的状态：已确认。") {
		t.Errorf("acknowledging in Chinese: %d %s", code, between(body, `<main id="main">`, "</h1>"))
	}
	// A refused form names the field, in a page still in Chinese.
	code, body = li.post(path, url.Values{"op": {"ask_extension"}, "until": {"next week"}, "reason": {"节假日"}})
	if code != 400 || !strings.Contains(body, "until: write a date and time") || !strings.Contains(body, "往来消息") {
		t.Errorf("a bad extension date: %d %s", code, between(body, `<main id="main">`, "</h1>"))
	}
}

// TestPortalIsolation: a counterpart's pages are the portal's, and show
// only its organisation's requests: another organisation's request, its
// attachments and every page of the authority's are not found for it
// (the scorecards too, which its role may not read; the dashboard is
// forbidden); the portal
// is not found for the authority's people. A counterpart signing in
// lands on the portal, whose navigation is all it shows.
func TestPortalIsolation(t *testing.T) {
	p, _ := cooperationPlatform(t)
	ru := sentRequest(t, p, "ru-cert", "HOME-RU-1")
	cn := sentRequest(t, p, "cn-cert", "HOME-CN-SECRET-1")
	ivan := newViewer(t, p, "ivan", warden.RoleCounterpart, "ru-cert")
	ana := newViewer(t, p, "ana", warden.RoleAnalyst, "")
	ruPath, cnPath := "/portal/requests/"+strconv.FormatInt(ru.ID, 10), "/portal/requests/"+strconv.FormatInt(cn.ID, 10)

	code, body := ivan.get("/portal")
	if code != 200 || !strings.Contains(body, "HOME-RU-1") || strings.Contains(body, "HOME-CN") {
		t.Errorf("ru-cert's portal: %d %s", code, shownText(body))
	}
	nav := between(body, `<nav aria-label="Main">`, "</nav>")
	if strings.Count(nav, "<a ") != 2 || !strings.Contains(nav, `href="/portal"`) || !strings.Contains(nav, `href="/portal/requests/new"`) {
		t.Errorf("the portal's navigation: %s", nav)
	}
	if code, _ := ivan.get(ruPath); code != 200 {
		t.Errorf("its own request: %d", code)
	}
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", cnPath, 404}, {"POST", cnPath, 404}, {"POST", cnPath + "/review", 404}, {"GET", cnPath + "/attachments/1", 404},
		{"GET", "/requests", 404}, {"GET", "/requests/new", 404}, {"GET", "/requests/" + strconv.FormatInt(ru.ID, 10), 404},
		{"POST", "/requests/" + strconv.FormatInt(ru.ID, 10), 404}, {"GET", "/requests/" + strconv.FormatInt(ru.ID, 10) + "/edit", 404},
		{"GET", "/scorecards", 404}, {"GET", "/scorecards?org=ru-cert", 404}, {"GET", "/", 403},
	} {
		var code int
		var body string
		if c.method == "GET" {
			code, body = ivan.get(c.path)
		} else {
			code, body = ivan.post(c.path, url.Values{"op": {"acknowledge"}})
		}
		if code != c.want || strings.Contains(body, "HOME-CN") {
			t.Errorf("%s %s as ru-cert: %d, want %d", c.method, c.path, code, c.want)
		}
	}
	if q, err := p.s.Cooperation.Get(warden.WithPrincipal(context.Background(), warden.Operator), cn.ID); err != nil || q.Status != warden.RequestSent {
		t.Errorf("cn-cert's request after ru-cert's tries: %+v %v", q.Status, err)
	}
	for _, path := range []string{"/portal", ruPath, "/portal/requests/new"} {
		if code, _ := ana.get(path); code != 404 {
			t.Errorf("GET %s as an analyst: %d, want 404", path, code)
		}
	}
	if code, body := ana.get("/requests"); code != 200 || !strings.Contains(body, "HOME-RU-1") || !strings.Contains(body, "HOME-CN-SECRET-1") {
		t.Errorf("the authority's list: %d", code)
	}
	// Signing in: a counterpart lands on the portal, others on the dashboard.
	if resp := postLogin(t, p, "ivan", testPassword); resp.Header.Get("Location") != "/portal" {
		t.Errorf("a counterpart signs in to %q", resp.Header.Get("Location"))
	}
	if resp := postLogin(t, p, "ana", testPassword); resp.Header.Get("Location") != "/" {
		t.Errorf("an analyst signs in to %q", resp.Header.Get("Location"))
	}
}

// TestRequestFormRefused: the authority's request form, refused by the
// service, is shown again as typed with the error naming the field, the
// field marked; nothing is stored. Filled in, it stores a draft with
// every field, parties and links read from their lines.
func TestRequestFormRefused(t *testing.T) {
	p, _ := cooperationPlatform(t)
	ana := newViewer(t, p, "ana", warden.RoleAnalyst, "")
	// The links name objects Warden holds: a listed party, and a payment.
	resp := p.do(t, "POST", "/v1/transactions", p.tokens[warden.RoleScreener], "application/json",
		`{"reference":"PAY-1","amount":{"currency":"USD","minor":125000},"parties":[{"role":"beneficiary","name":"Northwind Traders","account":"DE-2"}]}`)
	if resp.StatusCode != 200 {
		t.Fatalf("payment PAY-1: %d", resp.StatusCode)
	}
	form := url.Values{"counterpart": {"ru-cert"}, "kind": {"new"}, "type": {"preservation"}, "priority": {"urgent"},
		"urgency": {"The server is due to be wiped on Friday."}, "requesting.name": {"Office of Cyber Sanctions"}, "requesting.time_zone": {"America/New_York"},
		"requesting.country": {"us"}, "requested.name": {"Cyber Police"}, "requested.time_zone": {"Europe/London"}, "requested.country": {"gb"},
		"requested.office_hours": {"10:00-18:00"}, "requested.reply_channel": {"email"}, "investigating_authority": {"FBI Pittsburgh"}, "case_numbers": {"19-CR-123, 19-CR-124"},
		"facts": {"Dridex C2 at 198.51.100.9."}, "offence": {"Computer fraud"}, "sought": {"Preserve the server's disk images."}, "need": {"Evidence for trial."},
		"preservation.custodian": {"Hoster LLC"}, "preservation.days": {"90"}, "links": {"entity:ofac:26663"}, "links_private": {"tx:PAY-1"},
		"parties": {"Person | Maksim YAKUBETS | RU | 1987-05-20 | ofac:26663 | bc1qexample\nOrganization | Evil Corp"}}
	form.Set("parties", "Person | Maksim YAKUBETS | RU | 1987-05-20 | ofac:26663 | bc1qexample\nOrganization | Evil Corp")
	form.Set("parties", strings.ReplaceAll(form.Get("parties"), `\n`, "\n"))
	code, body := ana.post("/requests/new", form)
	if code != 400 || !strings.Contains(body, "legal_basis") || !strings.Contains(body, `name="legal_basis" rows="2" aria-invalid="true"`) {
		t.Errorf("without a legal basis: %d %s", code, between(body, `<main id="main">`, "</fieldset>"))
	}
	if !strings.Contains(body, "Dridex C2 at 198.51.100.9.") || !strings.Contains(body, `value="Hoster LLC"`) || !strings.Contains(body, "Evil Corp") {
		t.Errorf("the input is not kept: %s", shownText(body))
	}
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	if qs, err := p.s.Cooperation.List(op, cooperation.Filter{}); err != nil || len(qs) != 0 {
		t.Fatalf("a refused form stored %d requests (%v)", len(qs), err)
	}
	form.Set("legal_basis", "Budapest Convention, article 29")
	code, body = ana.post("/requests/new", form)
	if code != 303 {
		t.Fatalf("the form filled in: %d %s", code, between(body, `<main id="main">`, "</fieldset>"))
	}
	qs, err := p.s.Cooperation.List(op, cooperation.Filter{})
	if err != nil || len(qs) != 1 {
		t.Fatalf("stored: %d %v", len(qs), err)
	}
	q := qs[0]
	if q.Status != warden.RequestDraft || q.Counterpart != "ru-cert" || q.Type != warden.RequestPreservation || q.Requested.Country != "GB" ||
		q.Requested.OfficeHours != "10:00-18:00" || q.Requested.ReplyChannel != "email" || q.Preservation == nil || q.Preservation.Days != 90 ||
		strings.Join(q.CaseNumbers, "|") != "19-CR-123|19-CR-124" || len(q.Links) != 2 || !q.Links[0].Shared || q.Links[1].Shared {
		t.Errorf("the draft: %+v", q)
	}
	if len(q.Parties) != 2 || q.Parties[0].Schema != warden.SchemaPerson || q.Parties[0].EntityID != "ofac:26663" || q.Parties[0].BirthDate != "1987-05-20" ||
		len(q.Parties[0].Wallets) != 1 || q.Parties[1].Name != "Evil Corp" || q.Parties[1].Schema != warden.SchemaOrganization {
		t.Errorf("the parties: %+v", q.Parties)
	}
}

// multipart posts a form with files (name → content) in its files part,
// as the answer and message forms send them.
func (v *viewer) multipart(path string, fields map[string]string, files map[string]string) (int, string) {
	v.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, x := range fields {
		w.WriteField(k, x)
	}
	for name, content := range files {
		f, _ := w.CreateFormFile("files", name)
		f.Write([]byte(content))
	}
	w.Close()
	req, _ := http.NewRequest("POST", v.p.srv.URL+path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", v.csrf)
	return v.do(req)
}

// TestRequestPageActions: the forms of a request's page on both sides.
// The counterpart asks for more time, in its own zone, and the analyst
// grants it (the page shows the deadline moved and the first one); the
// counterpart answers in part with a file, which both sides download;
// the analyst rates the answer and the counterpart responds; a refusal
// without the text "other" needs is refused naming the field; each page
// offers only its side's actions.
func TestRequestPageActions(t *testing.T) {
	p, now := cooperationPlatform(t)
	q := sentRequest(t, p, "ru-cert", "HOME-2026-9")
	ivan := newViewer(t, p, "ivan", warden.RoleCounterpart, "ru-cert")
	ana := newViewer(t, p, "ana", warden.RoleAnalyst, "")
	aud := newViewer(t, p, "audrey", warden.RoleAuditor, "")
	id := strconv.FormatInt(q.ID, 10)
	portal, home := "/portal/requests/"+id, "/requests/"+id

	_, page := ana.get(home)
	for form, want := range map[string]bool{`id="send-form"`: false, `id="ack-form"`: false, `id="answer-form"`: false, `id="end-form"`: true, `id="message-form"`: true, `id="refer-form"`: false} {
		if strings.Contains(page, form) != want {
			t.Errorf("the analyst's page shows %s: %v", form, !want)
		}
	}
	if _, page := aud.get(home); strings.Contains(page, `id="actions"`) || !strings.Contains(page, "HOME-2026-9") {
		t.Errorf("an auditor's page offers actions, or no request")
	}
	if code, page := ivan.post(portal, url.Values{"op": {"refuse"}, "reason": {"other"}}); code != 400 || !strings.HasPrefix(between(page, `role="alert">`, "<"), "text") {
		t.Errorf("refusing for other without text: %d %s", code, between(page, `role="alert">`, "<"))
	}
	// 17:00 in Beijing on 6 May, after the answer deadline of 14 April.
	*now = now.Add(2 * time.Hour)
	if code, page := ivan.post(portal, url.Values{"op": {"ask_extension"}, "until": {"2026-05-06T17:00"}, "reason": {"The hoster answers slowly."}}); code != 200 || !strings.Contains(page, "Extension asked.") {
		t.Fatalf("asking: %d %s", code, between(page, `role="alert">`, "<"))
	}
	_, page = ana.get(home)
	ext := between(page, `name="extension" value="`, `"`)
	if code, page := ana.post(home, url.Values{"op": {"decide_extension"}, "extension": {ext}, "decision": {"grant"}, "reason": {"fine"}}); code != 200 || !strings.Contains(page, "Extension granted.") {
		t.Fatalf("granting: %d %s", code, between(page, `role="alert">`, "<"))
	}
	_, page = ana.get(home)
	if due := between(page, `<td id="answer-due">`, "</td>"); !strings.Contains(due, "2026-05-06 09:00 UTC") || !strings.Contains(due, "first set for 2026-04-14 09:00 UTC") {
		t.Errorf("the answer deadline after the extension: %q", due)
	}
	code, page := ivan.multipart(portal, map[string]string{"op": "answer", "completeness": "partial", "body": "The first records."}, map[string]string{"records.txt": "203.0.113.7 rented by Example Hosting\n"})
	if code != 200 || !strings.Contains(page, "The request is now answered.") || !strings.Contains(page, "records.txt") {
		t.Fatalf("answering in part: %d %s", code, between(page, `role="alert">`, "<"))
	}
	att := between(page, portal+"/attachments/", `"`)
	for _, c := range []struct {
		v    *viewer
		path string
	}{{ivan, portal + "/attachments/" + att}, {ana, home + "/attachments/" + att}} {
		code, body := c.v.get(c.path)
		if code != 200 || body != "203.0.113.7 rented by Example Hosting\n" {
			t.Errorf("downloading %s: %d %q", c.path, code, body)
		}
	}
	_, page = ana.get(home)
	msg := between(page, `name="message" value="`, `"`)
	if code, page := ana.post(home+"/review", url.Values{"op": {"review"}, "message": {msg}, "completeness": {"2"}, "accuracy": {"4"}, "actionability": {"3"}, "updates": {"6"}, "use": {"takedown"}}); code != 400 || !strings.Contains(between(page, `role="alert">`, "<"), "rubric.updates") {
		t.Errorf("a score of 6: %d %s", code, between(page, `role="alert">`, "<"))
	}
	if code, page := ana.post(home+"/review", url.Values{"op": {"review"}, "message": {msg}, "completeness": {"2"}, "accuracy": {"4"}, "actionability": {"3"}, "updates": {"3"}, "use": {"takedown"}, "comments": {"Partial."}}); code != 200 || !strings.Contains(page, "Rating saved.") {
		t.Fatalf("rating: %d %s", code, between(page, `role="alert">`, "<"))
	}
	_, page = ivan.get(portal)
	rv := between(page, `name="review" value="`, `"`)
	if !strings.Contains(page, "led to a takedown") || rv == "" {
		t.Fatalf("the counterpart does not see the rating to respond to")
	}
	if code, page := ivan.post(portal+"/review", url.Values{"op": {"respond"}, "review": {rv}, "text": {"The rest follows next week."}}); code != 200 || !strings.Contains(page, "Response saved.") {
		t.Fatalf("responding: %d %s", code, between(page, `role="alert">`, "<"))
	}
	if _, page := ana.get(home); !strings.Contains(page, "The rest follows next week.") {
		t.Errorf("the analyst does not see the response")
	}
}

// TestPortalNewRequest: a counterpart's own request, drafted in the
// portal's form: incoming from its organisation whatever the form says,
// with no links (it cannot name the authority's objects), its due date
// read in the viewer's zone; the authority sees it among its requests.
func TestPortalNewRequest(t *testing.T) {
	p, _ := cooperationPlatform(t)
	sentRequest(t, p, "ru-cert", "HOME-2026-2") // its zone: Asia/Shanghai
	ivan := newViewer(t, p, "ivan", warden.RoleCounterpart, "ru-cert")
	_, page := ivan.get("/portal/requests/new")
	if !strings.Contains(page, `id="f-requesting-tz" name="requesting.time_zone" maxlength="64" value="Asia/Shanghai"`) || strings.Contains(page, `name="links"`) || strings.Contains(page, `name="counterpart"`) {
		t.Errorf("the portal's form: %s", between(page, `<form class="panel" id="request-form"`, "</fieldset>"))
	}
	form := url.Values{"counterpart": {"cn-cert"}, "reference": {"CN-MPS-2026-3"}, "kind": {"new"}, "type": {"assistance"}, "priority": {"routine"},
		"requesting.name": {"Cyber Police"}, "requesting.time_zone": {"Asia/Shanghai"}, "requesting.country": {"CN"},
		"requested.name": {"Office of Cyber Sanctions"}, "requested.time_zone": {"America/New_York"}, "requested.country": {"US"},
		"legal_basis": {"Memorandum of 2015"}, "facts": {"Phishing from 198.51.100.20."}, "offence": {"Fraud"}, "sought": {"The hoster's records."},
		"due_by": {"2026-04-01T17:00"}, "links": {"case:1"}}
	code, page := ivan.post("/portal/requests/new", form)
	if code != 303 {
		t.Fatalf("the portal's form: %d %s", code, between(page, `role="alert">`, "<"))
	}
	qs, err := p.s.Cooperation.List(warden.WithPrincipal(context.Background(), warden.Operator), cooperation.Filter{Query: "CN-MPS-2026-3"})
	if err != nil || len(qs) != 1 {
		t.Fatalf("stored: %d %v", len(qs), err)
	}
	q := qs[0]
	if q.Direction != warden.Incoming || q.Counterpart != "ru-cert" || len(q.Links) != 0 || q.DueBy == nil || !q.DueBy.Equal(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("the counterpart's request: %+v", q)
	}
	ana := newViewer(t, p, "ana", warden.RoleAnalyst, "")
	if _, page := ana.get("/requests?direction=incoming"); !strings.Contains(page, "CN-MPS-2026-3") || strings.Contains(page, "HOME-2026-2") {
		t.Errorf("the authority's incoming requests: %s", between(page, `<table id="requests">`, "</table>"))
	}
}
