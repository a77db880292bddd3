package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"warden"
)

// evaluateAsync evaluates a promise-returning expression and waits for it.
func evaluateAsync(expr string, res any) chromedp.Action {
	return chromedp.Evaluate(expr, res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })
}

// TestBrowserDesignation: a designation cannot be published without a
// second officer, in the browser. Officer olga proposes a party with a
// wallet and evidence on the form; her page offers no approval and a
// direct POST of hers is refused; officer sasha sees the proposal beside
// what screening finds for it, approves it, and the party is on the
// authority's list.
func TestBrowserDesignation(t *testing.T) {
	ctx := browser(t)
	base, ws := uiServer(t)
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := ws.Auth.CreateUser(op, "sasha", warden.RoleSanctionsOfficer, "", "amber quarry nine swallows sasha", ""); err != nil {
		t.Fatal(err)
	}
	evidence := filepath.Join(t.TempDir(), "chainalysis-trace.txt")
	if err := os.WriteFile(evidence, []byte("Ransom payments traced to bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua (report 2025-117).\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	var nav, ownPage, pageURL string
	var noDecideForm bool
	var directStatus int
	run(t, ctx,
		loginAs(base, "olga"),
		chromedp.Text(`header.top nav`, &nav, chromedp.ByQuery),
		chromedp.Navigate(base+"/designations"),
		chromedp.Click(`#new-designation`, chromedp.ByQuery),
		chromedp.WaitVisible(`#designation-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#d-name`, "Maksim Viktorovich YAKUBETS", chromedp.ByQuery),
		chromedp.SendKeys(`#d-aliases`, "Якубец Максим Викторович\nAQUA", chromedp.ByQuery),
		chromedp.SendKeys(`#d-birth`, "1987-05-20", chromedp.ByQuery),
		chromedp.SendKeys(`#d-nat`, "RU", chromedp.ByQuery),
		chromedp.SendKeys(`#d-wallets`, "XBT bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua", chromedp.ByQuery),
		chromedp.SetValue(`#d-program`, "CYBER2", chromedp.ByQuery),
		chromedp.SendKeys(`#d-order`, "Executive Order 13694, as amended by Executive Order 13757", chromedp.ByQuery),
		chromedp.SendKeys(`#d-criterion`, "Section 1(a)(ii)(B): significant misappropriation of funds for private financial gain", chromedp.ByQuery),
		chromedp.SendKeys(`#d-reasons`, "Leads the group that ran the Dridex malware and laundered its proceeds through the wallet above.", chromedp.ByQuery),
		chromedp.SetUploadFiles(`#d-evidence`, []string{evidence}, chromedp.ByQuery),
		chromedp.Click(`#d-propose`, chromedp.ByQuery),
		chromedp.Click(`#d-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#second-officer`, chromedp.ByQuery),
		chromedp.Location(&pageURL),
		chromedp.Text(`main`, &ownPage, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#decide-form') === null`, &noDecideForm),
		// The proposer posting the decision anyway, as a crafted form would.
		evaluateAsync(`fetch(location.pathname + '/decide', {method: 'POST',
			headers: {'X-CSRF-Token': JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']},
			body: new URLSearchParams({op: 'approve', reason: 'looks right to me'})}).then(r => r.status)`, &directStatus),
		logout(),
	)
	if !strings.Contains(nav, "Designations") {
		t.Errorf("officer's navigation: %q", nav)
	}
	if !strings.HasSuffix(pageURL, "/designations/1") || !noDecideForm || !strings.Contains(ownPage, "proposed") {
		t.Fatalf("proposer's page at %s, no decision form: %v: %q", pageURL, noDecideForm, ownPage)
	}
	if !strings.Contains(ownPage, "chainalysis-trace.txt") || !strings.Contains(ownPage, "text/plain") || !strings.Contains(ownPage, "XBT") {
		t.Errorf("proposal page lacks the evidence or the wallet: %q", ownPage)
	}
	if directStatus != 403 {
		t.Errorf("proposer approving by a direct POST: %d, want 403", directStatus)
	}
	if d, err := ws.Designations.Get(op, 1); err != nil || d.Status != warden.DesignationProposed || len(d.Evidence) != 1 {
		t.Fatalf("after the proposer's own attempt: %+v %v", d, err)
	}
	if _, err := ws.Lists.Entity(op, "cyber_sanctions:1", 0); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Fatalf("the proposed party is listed before approval: %v", err)
	}

	var pending, proposal, screened, flash, party, delisting string
	run(t, ctx,
		loginAs(base, "sasha"),
		chromedp.Navigate(base+"/designations"),
		chromedp.Text(`#pending`, &pending, chromedp.ByQuery),
		chromedp.Click(`#pending tbody a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#decide-form`, chromedp.ByQuery),
		chromedp.Text(`#proposal`, &proposal, chromedp.ByQuery),
		chromedp.Text(`#screening`, &screened, chromedp.ByQuery),
		chromedp.SendKeys(`#decide-reason`, "evidence checked; not yet on our list", chromedp.ByQuery),
		chromedp.Click(`#decide-form button[value=approve]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &flash, chromedp.ByQuery),
		chromedp.Click(`#party-link`, chromedp.ByQuery),
		chromedp.WaitVisible(`#history`, chromedp.ByQuery), // the JSON is behind a toggle
		chromedp.Text(`main`, &party, chromedp.ByQuery),
		// A delisting is a proposal too, for olga to approve this time.
		chromedp.Navigate(base+"/designations/1"),
		chromedp.WaitVisible(`#delist-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#delist-reason`, "deceased", chromedp.ByQuery),
		chromedp.Click(`#delist-form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#second-officer`, chromedp.ByQuery),
		chromedp.Text(`main`, &delisting, chromedp.ByQuery),
	)
	if !strings.Contains(pending, "Maksim Viktorovich YAKUBETS") || !strings.Contains(pending, "olga") {
		t.Errorf("pending approval: %q", pending)
	}
	if !strings.Contains(proposal, "Якубец Максим Викторович") || !strings.Contains(proposal, "Executive Order 13694") {
		t.Errorf("the proposal side: %q", proposal)
	}
	// The duplicate check: screening finds the party OFAC lists already.
	if !strings.Contains(screened, "YAKUBETS") || !strings.Contains(screened, "ofac") {
		t.Errorf("the screening side: %q", screened)
	}
	if !strings.Contains(flash, "published: version 1 of cyber_sanctions") {
		t.Errorf("after approving: %q", flash)
	}
	if !strings.Contains(party, "Maksim Viktorovich YAKUBETS") || !strings.Contains(party, "CYBER2") || !strings.Contains(party, "bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua") {
		t.Errorf("party page: %q", party)
	}
	if !strings.Contains(delisting, "Designation 2") || !strings.Contains(delisting, "delist") || !strings.Contains(delisting, "deceased") {
		t.Errorf("delisting proposal page: %q", delisting)
	}
	if d, err := ws.Designations.Get(op, 1); err != nil || d.Status != warden.DesignationPublished || d.ApprovedBy != "sasha" {
		t.Errorf("designation after approval: %+v %v", d, err)
	}
}
