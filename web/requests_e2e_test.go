package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/store/storetest"
	"warden/web"
)

// clock is a time the test moves, read by the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestBrowserCooperation walks one request through the pages, the clock
// moved by the test: analyst bob drafts a request to China's Ministry of
// Public Security in the form and sends it (Monday 2 March 2026, 09:00
// in Beijing); li of the ministry signs in to the portal two hours later,
// acknowledges it (in Chinese for a moment), and a day and four hours
// after sending answers it in full with an attachment; bob rates the
// answer low; officer olga refers the request for sanctions and its page
// links the designation proposal opened; the scorecard page shows the
// figures (1 request, acknowledged and answered on time, 2 and 30 hours,
// 2 and 14 business hours, the ratings) and the chart.
func TestBrowserCooperation(t *testing.T) {
	ctx := browser(t)
	db := storetest.OpenSQLite(t)
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	a := auth.New(db)
	if _, err := a.CreateOrg(op, "cn-mps", "Ministry of Public Security", "counterpart"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role warden.Role
		org  string
	}{{"bob", warden.RoleAnalyst, ""}, {"olga", warden.RoleSanctionsOfficer, ""}, {"li", warden.RoleCounterpart, "cn-mps"}} {
		if _, err := a.CreateUser(op, u.name, u.role, u.org, "amber quarry nine swallows "+u.name, ""); err != nil {
			t.Fatal(err)
		}
	}
	clk := &clock{t: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)}
	ws := web.NewTestServer(db, nil, a)
	ws.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ws.Now, ws.Cooperation.Now = clk.now, clk.now
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	base := srv.URL
	report := filepath.Join(t.TempDir(), "subscriber-records.txt")
	if err := os.WriteFile(report, []byte("Subscriber of 203.0.113.7 from 2026-01-01 to 2026-02-28: Hangzhou Yunfan Network Co.\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// Bob drafts the request in the form and sends it.
	var nav, status, sentAt, ackDue string
	run(t, ctx,
		loginAs(base, "bob"),
		chromedp.Text(`header.top nav`, &nav, chromedp.ByQuery),
		chromedp.Click(`header.top nav a[href="/requests"]`, chromedp.ByQuery),
		chromedp.Click(`#new-request`, chromedp.ByQuery),
		chromedp.WaitVisible(`#request-form`, chromedp.ByQuery),
		chromedp.SetValue(`#f-counterpart`, "cn-mps", chromedp.ByQuery),
		chromedp.SendKeys(`#f-reference`, "OCS-2026-017", chromedp.ByQuery),
		chromedp.SetValue(`#f-type`, "information", chromedp.ByQuery),
		chromedp.SetValue(`#f-priority`, "routine", chromedp.ByQuery),
		chromedp.Click(`#f-pcase`, chromedp.ByQuery),
		chromedp.SendKeys(`#f-requesting-name`, "Office of Cyber Sanctions", chromedp.ByQuery),
		chromedp.SendKeys(`#f-requesting-contact`, "Bob Analyst", chromedp.ByQuery),
		chromedp.SendKeys(`#f-requesting-tz`, "America/New_York", chromedp.ByQuery),
		chromedp.SendKeys(`#f-requesting-country`, "US", chromedp.ByQuery),
		chromedp.SendKeys(`#f-requested-name`, "Cybersecurity Bureau, Ministry of Public Security", chromedp.ByQuery),
		chromedp.SendKeys(`#f-requested-contact`, "Li Wei", chromedp.ByQuery),
		chromedp.SendKeys(`#f-requested-hours`, "09:00-17:00", chromedp.ByQuery),
		chromedp.SendKeys(`#f-requested-tz`, "Asia/Shanghai", chromedp.ByQuery),
		chromedp.SendKeys(`#f-requested-country`, "CN", chromedp.ByQuery),
		chromedp.SendKeys(`#f-investigating`, "FBI Cyber Division", chromedp.ByQuery),
		chromedp.SendKeys(`#f-cases`, "26-CY-0042", chromedp.ByQuery),
		chromedp.SendKeys(`#f-legal`, "2015 bilateral cyber arrangement; Budapest Convention article 25 by analogy", chromedp.ByQuery),
		chromedp.SendKeys(`#f-offence`, "Intrusion into protected computers and extortion", chromedp.ByQuery),
		chromedp.SendKeys(`#f-facts`, "Ransomware operators used the server at 203.0.113.7 for command and control against US hospitals.", chromedp.ByQuery),
		chromedp.SendKeys(`#f-sought`, "Subscriber records of 203.0.113.7 for January and February 2026.", chromedp.ByQuery),
		chromedp.SendKeys(`#f-need`, "To identify the operators.", chromedp.ByQuery),
		chromedp.SendKeys(`#f-parties`, "Organization | Shadow Panda Group | CN", chromedp.ByQuery),
		chromedp.Click(`#f-save`, chromedp.ByQuery),
		chromedp.WaitVisible(`#send`, chromedp.ByQuery),
		chromedp.Click(`#send`, chromedp.ByQuery),
		chromedp.WaitVisible(`#acked-at`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#send`, chromedp.ByQuery),
		chromedp.Text(`#status`, &status, chromedp.ByQuery),
		chromedp.Text(`#sent-at`, &sentAt, chromedp.ByQuery),
		chromedp.Text(`#ack-due`, &ackDue, chromedp.ByQuery),
		logout(),
	)
	if !strings.Contains(nav, "Requests") || !strings.Contains(nav, "Scorecards") {
		t.Errorf("the analyst's navigation: %q", nav)
	}
	// Routine: acknowledged by the close of the third working day in
	// Beijing, Thursday 17:00 there.
	if status != "sent" || sentAt != "2026-03-02 01:00 UTC" || ackDue != "2026-03-05 09:00 UTC" {
		t.Fatalf("after sending: status %q, sent %q, acknowledge by %q", status, sentAt, ackDue)
	}

	// Li signs in to the portal two hours later, acknowledges, and looks
	// at the page in Chinese.
	clk.add(2 * time.Hour)
	var portal, liSent, zhStatus, flash string
	run(t, ctx,
		loginAs(base, "li"),
		chromedp.WaitVisible(`#to-you`, chromedp.ByQuery),
		chromedp.Text(`#to-you`, &portal, chromedp.ByQuery),
		chromedp.Click(`#to-you tbody a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#acknowledge`, chromedp.ByQuery),
		chromedp.Text(`#sent-at`, &liSent, chromedp.ByQuery),
		chromedp.Click(`#acknowledge`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &flash, chromedp.ByQuery),
		chromedp.Click(`#lang-zh`, chromedp.ByQuery),
		chromedp.WaitVisible(`#lang-en`, chromedp.ByQuery),
		chromedp.Text(`#status`, &zhStatus, chromedp.ByQuery),
		chromedp.Click(`#lang-en`, chromedp.ByQuery),
		chromedp.WaitVisible(`#lang-zh`, chromedp.ByQuery),
	)
	if !strings.Contains(portal, "OCS-2026-017") || liSent != "2026-03-02 09:00 CST" {
		t.Errorf("li's portal: %q, sent %q", portal, liSent)
	}
	if flash != "The request is now acknowledged." || zhStatus != "已确认" {
		t.Errorf("acknowledged: %q, in Chinese %q", flash, zhStatus)
	}

	// A day and four hours after sending, li answers in full with the
	// records attached.
	clk.add(28 * time.Hour)
	var answered, thread string
	run(t, ctx,
		chromedp.SendKeys(`#answer-body`, "The server was rented by the company in the attached records; its operators paid in cryptocurrency.", chromedp.ByQuery),
		chromedp.SetUploadFiles(`#answer-files`, []string{report}, chromedp.ByQuery),
		chromedp.Click(`#answer-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#answer-kind`, chromedp.ByQuery),
		chromedp.Text(`#answered-at`, &answered, chromedp.ByQuery),
		chromedp.Text(`#thread`, &thread, chromedp.ByQuery),
		logout(),
	)
	if answered != "2026-03-03 15:00 CST" || !strings.Contains(thread, "subscriber-records.txt") || !strings.Contains(thread, "full answer") {
		t.Errorf("answered %q; thread %q", answered, thread)
	}

	// Bob rates the answer low.
	var review string
	run(t, ctx,
		loginAs(base, "bob"),
		chromedp.Navigate(base+"/requests/1"),
		chromedp.WaitVisible(`.review-form`, chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=completeness]`, "1", chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=accuracy]`, "2", chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=actionability]`, "1", chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=updates]`, "1", chromedp.ByQuery),
		chromedp.SetValue(`.review-form select[name=use]`, "no_use", chromedp.ByQuery),
		chromedp.SendKeys(`.review-form textarea[name=comments]`, "A company name only; no account holder, no logs.", chromedp.ByQuery),
		chromedp.Click(`.review-form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.review`, chromedp.ByQuery),
		chromedp.Text(`.review`, &review, chromedp.ByQuery),
		logout(),
	)
	if !strings.Contains(review, "no use") || !strings.Contains(review, "no account holder") {
		t.Errorf("the rating: %q", review)
	}

	// Olga refers the request for sanctions; the page links the
	// designation proposal, whose evidence is the request.
	var referred, referrals, proposal string
	run(t, ctx,
		loginAs(base, "olga"),
		chromedp.Navigate(base+"/requests/1"),
		chromedp.WaitVisible(`#refer-form`, chromedp.ByQuery),
		chromedp.SetValue(`#refer-ground`, "low_quality", chromedp.ByQuery),
		chromedp.SetValue(`#refer-program`, "CYBER2", chromedp.ByQuery),
		chromedp.SendKeys(`#refer-order`, "Executive Order 13694, as amended", chromedp.ByQuery),
		chromedp.SendKeys(`#refer-criterion`, "Section 1(a)(ii)(A): harm to critical infrastructure", chromedp.ByQuery),
		chromedp.SendKeys(`#refer-reason`, "The counterpart's answer withheld what it holds.", chromedp.ByQuery),
		chromedp.Click(`#refer`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &referred, chromedp.ByQuery),
		chromedp.Text(`#referrals`, &referrals, chromedp.ByQuery),
		chromedp.Click(`#referrals a.designation-link`, chromedp.ByQuery),
		chromedp.WaitVisible(`#proposal`, chromedp.ByQuery),
		chromedp.Text(`#proposal`, &proposal, chromedp.ByQuery),
	)
	if !strings.Contains(referred, "1 designation proposal") || !strings.Contains(referrals, "low_quality") || !strings.Contains(referrals, "designation 1") {
		t.Errorf("referred: %q; referrals %q", referred, referrals)
	}
	if !strings.Contains(proposal, "Shadow Panda Group") || !strings.Contains(proposal, "request.json") || !strings.Contains(proposal, "timeline.json") {
		t.Errorf("the proposal: %q", proposal)
	}

	// The scorecard of the ministry for the quarter.
	figures := map[string]string{}
	var cells []map[string]string
	var bars int
	var chartText string
	run(t, ctx,
		chromedp.Click(`header.top nav a[href="/scorecards"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#figures`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('#figures tbody tr')].map(r => ({id: r.id, out: r.querySelector('.out').textContent, in: r.querySelector('.in').textContent}))`, &cells),
		chromedp.Evaluate(`[...document.querySelectorAll('#chart svg path')].filter(p => p.getAttribute('fill') === 'rgba(31,95,153,1.0)').length`, &bars),
		chromedp.Evaluate(`document.querySelector('#chart svg').textContent`, &chartText),
	)
	for _, c := range cells {
		figures[c["id"]] = c["out"] + " | " + c["in"]
	}
	for id, want := range map[string]string{
		"row-requests":              "1 | 0",
		"row-acknowledged":          "1 | 0",
		"row-ack-on-time":           "100.0% (1) | –",
		"row-answered":              "1 | 0",
		"row-answer-on-time":        "100.0% (1) | –",
		"row-ack-hours":             "2.00 / 2.00 | –",
		"row-ack-business-hours":    "2.00 / 2.00 | –",
		"row-answer-hours":          "30.00 / 30.00 | –",
		"row-answer-business-hours": "14.00 / 14.00 | –",
		"row-reviews":               "1 | 0",
		"row-completeness":          "1.00 | –",
		"row-accuracy":              "2.00 | –",
		"row-overall":               "1.25 | –",
		"row-open":                  "0 | 0",
		"row-overdue":               "0 | 0",
	} {
		if figures[id] != want {
			t.Errorf("scorecard %s: %q, want %q", id, figures[id], want)
		}
	}
	// Blue bars for the ministry's figures above zero: acknowledged,
	// answered and by the first deadline (100%), and the five ratings.
	if bars != 8 || !strings.Contains(chartText, "Them: acknowledged 100.0%") || !strings.Contains(chartText, "Them: overall") || !strings.Contains(chartText, "1.25") {
		t.Errorf("the chart: %d blue bars; %q", bars, chartText)
	}
}
