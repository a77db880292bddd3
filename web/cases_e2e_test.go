package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"warden"
)

// TestBrowserTwoLevelReview: a held payment reviewed in two levels. An
// analyst claims the case and clears a hit above the second-review
// score: it waits, the payment stays held, and the analyst cannot approve
// their own clearing; a sanctions officer finds it pending and approves
// it, and the payment is cleared. Every form redirects, so a reload
// sends nothing again.
func TestBrowserTwoLevelReview(t *testing.T) {
	ctx := browser(t)
	base, ws := uiServer(t)
	ws.Enforcement.Casework.SecondReviewAbove = 0.5
	client := warden.WithPrincipal(context.Background(), warden.Principal{Name: "payments", Role: warden.RoleScreener, Org: warden.HomeOrg, Kind: "token"})
	held, _, err := ws.Enforcement.Screen(client, warden.Transaction{Reference: "inv-2l", Amount: warden.Money{Currency: "USD", Minor: 99000},
		Parties: []warden.TxParty{{Role: "originator", Name: "Jane Doe", Account: "US-1"}, {Role: "beneficiary", Name: "Turashev Holdings", Account: "CY-1"}}})
	if err != nil || held.Decision != warden.DecisionHeld || held.Case == nil {
		t.Fatalf("held payment: %+v %v", held, err)
	}
	var compare, why, pending, ownFlash, state string
	run(t, ctx,
		loginAs(base, "bob"),
		chromedp.Navigate(base+"/cases"),
		chromedp.WaitVisible(`section.case h2 a`, chromedp.ByQuery),
		chromedp.Click(`section.case h2 a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#compare`, chromedp.ByQuery),
		chromedp.Text(`#compare`, &compare, chromedp.ByQuery),
		chromedp.Text(`table.explain`, &why, chromedp.ByQuery),
		chromedp.Click(`#decide button[value=claim]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.SendKeys(`#reason`, "a Cypriot bakery, registered 2019", chromedp.ByQuery),
		chromedp.Click(`#decide button[value=clear]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#pending`, chromedp.ByQuery),
		chromedp.Text(`#pending`, &pending, chromedp.ByQuery),
		// The same analyst may not be the second pair of eyes.
		chromedp.Click(`#review button[value=approve]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.error`, chromedp.ByQuery),
		chromedp.Text(`.flash.error`, &ownFlash, chromedp.ByQuery),
		chromedp.Text(`#case-state`, &state, chromedp.ByQuery),
	)
	if !strings.Contains(compare, "Turashev Holdings") || !strings.Contains(compare, "TURASHEV") || !strings.Contains(compare, "CY-1") {
		t.Errorf("parties side by side: %q", compare)
	}
	if !strings.Contains(strings.ToLower(why), "turashev") {
		t.Errorf("word by word: %q", why)
	}
	if !strings.Contains(pending, "Cleared by bob") || !strings.Contains(pending, "a Cypriot bakery") {
		t.Errorf("pending: %q", pending)
	}
	if !strings.Contains(ownFlash, "four eyes") || !strings.Contains(state, "pending second review") || !strings.Contains(state, "assigned to bob") {
		t.Errorf("approving one's own clearing: %q, state %q", ownFlash, state)
	}
	if d, _ := ws.Enforcement.Transaction(warden.WithPrincipal(context.Background(), warden.Operator), "inv-2l"); d.Status != warden.DecisionHeld {
		t.Errorf("payment after the first level: %s", d.Status)
	}
	var queue, flash, decision, history, reloaded string
	run(t, ctx,
		logout(),
		loginAs(base, "olga"),
		chromedp.Navigate(base+"/cases"),
		chromedp.WaitVisible(`#f-status`, chromedp.ByQuery),
		chromedp.SetValue(`#f-status`, "pending_review", chromedp.ByQuery),
		chromedp.Click(`#f-apply`, chromedp.ByQuery),
		// The filtered page, not the waiting queue it replaces (both
		// show the case).
		waitURL("status=pending_review"),
		chromedp.WaitVisible(`section.case`, chromedp.ByQuery),
		chromedp.Text(`main`, &queue, chromedp.ByQuery),
		chromedp.Click(`section.case button[value=approve]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &flash, chromedp.ByQuery),
		chromedp.Navigate(base+"/cases/"+strconv.FormatInt(*held.Case, 10)),
		chromedp.WaitVisible(`#decision`, chromedp.ByQuery),
		chromedp.Text(`#decision`, &decision, chromedp.ByQuery),
		chromedp.Text(`#history`, &history, chromedp.ByQuery),
		chromedp.Reload(),
		chromedp.WaitVisible(`#decision`, chromedp.ByQuery),
		chromedp.Text(`main`, &reloaded, chromedp.ByQuery),
	)
	if !strings.Contains(queue, "Cleared by bob") || !strings.Contains(queue, "inv-2l") {
		t.Errorf("pending queue: %q", queue)
	}
	if !strings.Contains(flash, "clearing approved") {
		t.Errorf("approval: %q", flash)
	}
	if !strings.Contains(decision, "cleared by olga") || !strings.Contains(decision, "cleared first by bob") {
		t.Errorf("decision: %q", decision)
	}
	for _, want := range []string{"opened", "bob claimed", "bob cleared, pending second review", "olga cleared"} {
		if !strings.Contains(strings.Join(strings.Fields(history), " "), want) {
			t.Errorf("history has no %q: %q", want, history)
		}
	}
	if strings.Contains(reloaded, "four eyes") || strings.Count(history, "olga") != 1 {
		t.Errorf("after a reload: %q", reloaded)
	}
	if d, _ := ws.Enforcement.Transaction(warden.WithPrincipal(context.Background(), warden.Operator), "inv-2l"); d.Status != warden.DecisionCleared {
		t.Errorf("payment after the second level: %s", d.Status)
	}
}

// TestBrowserCaseFilterSearch: a case found by filter and search. Among
// held payments and a held customer, an analyst filters the queue to
// customers and searches a name: one case is left, and its page opens.
func TestBrowserCaseFilterSearch(t *testing.T) {
	ctx := browser(t)
	base, ws := uiServer(t)
	ws.Enforcement.Policy.Match = 1 // every name hit is held
	client := warden.WithPrincipal(context.Background(), warden.Principal{Name: "payments", Role: warden.RoleScreener, Org: warden.HomeOrg, Kind: "token"})
	for i, name := range []string{"Turashev Holdings", "Maksim Yakubets", "Igor Turashev"} {
		d, _, err := ws.Enforcement.Screen(client, warden.Transaction{Reference: "pay-" + strconv.Itoa(i), Amount: warden.Money{Currency: "EUR", Minor: 500},
			Parties: []warden.TxParty{{Role: "beneficiary", Name: name}}})
		if err != nil || d.Decision != warden.DecisionHeld {
			t.Fatalf("%s: %+v %v", name, d, err)
		}
	}
	c, _, err := ws.Enforcement.Onboard(client, warden.Customer{ID: "C-7", Name: "Maksim Yakubets"})
	if err != nil || c.Decision != warden.DecisionHeld {
		t.Fatalf("customer: %+v %v", c, err)
	}
	var all, found, count, page string
	run(t, ctx,
		loginAs(base, "bob"),
		chromedp.Navigate(base+"/cases"),
		chromedp.WaitVisible(`#case-count`, chromedp.ByQuery),
		chromedp.Text(`#case-count`, &all, chromedp.ByQuery),
		chromedp.SendKeys(`#f-q`, "yakubets", chromedp.ByQuery),
		chromedp.SetValue(`#f-source`, "customer", chromedp.ByQuery),
		chromedp.Click(`#f-apply`, chromedp.ByQuery),
		// The filtered page, not the queue it replaces (both have cases).
		waitURL("q=yakubets"),
		chromedp.WaitVisible(`section.case`, chromedp.ByQuery),
		chromedp.Text(`#case-count`, &count, chromedp.ByQuery),
		chromedp.Text(`main`, &found, chromedp.ByQuery),
		chromedp.Click(`section.case h2 a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#compare`, chromedp.ByQuery),
		chromedp.Text(`main`, &page, chromedp.ByQuery),
	)
	if strings.Contains(all, "of 1.") || !strings.Contains(all, "Cases 1–") {
		t.Errorf("the whole queue: %q", all)
	}
	if !strings.Contains(count, "of 1.") || !strings.Contains(found, "customer:C-7") || strings.Contains(found, "pay-") {
		t.Errorf("filtered: %q\n%q", count, found)
	}
	if !strings.Contains(page, "customer:C-7") || !strings.Contains(page, "YAKUBETS") {
		t.Errorf("case page: %q", page)
	}
}

// waitURL waits until the page's address holds part: after a submit whose
// answer has the same elements as the page it replaces, reading those
// elements before would read the old page.
func waitURL(part string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for range 200 {
			var u string
			if err := chromedp.Location(&u).Do(ctx); err == nil && strings.Contains(u, part) {
				return nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		return fmt.Errorf("the page's address never held %q", part)
	})
}
