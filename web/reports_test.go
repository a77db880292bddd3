package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/evidence/pdftext"
	"warden/store"
	"warden/store/storetest"
)

// TestReportsRegulatorReady blocks a payment to a listed party with an
// address and reads the initial report in every format: headers in words
// (CSV keeps the column names), the party's name, address and program; the
// PDF is a valid PDF in landscape holding them. Marking the blocking's
// report as filed (API and the page's form, which redirects back) is
// audited and shown in the report.
func TestReportsRegulatorReady(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 6, 26, 10, 0, 0, 0, time.UTC)
		p := newPlatform(t, db, func(s *Server) { s.Now = func() time.Time { return now } })
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		im, err := db.BeginImport(ctx, "uk", "test", false)
		if err != nil {
			t.Fatal(err)
		}
		im.Put(&warden.Entity{SourceID: "CYB0001", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "FANCY BEAR HOLDINGS", Kind: warden.NamePrimary}},
			Identifiers: []warden.Identifier{{Type: warden.IDCrypto, Value: "bc1qv7k70u2zynvem59u88ctdlaw7hc735d8xep9rq", Currency: "XBT"}},
			Addresses:   []warden.Address{{Street: "22 Komsomolsky Prospekt", City: "Moscow", Country: "RU"}}, Programs: []string{"CYBER2"}})
		if _, err := im.Commit(warden.SourceMeta{Published: "2026-06-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.s.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if d := decision(t, p, "pay-77", `"name":"Fancy Bear","wallet":"bc1qv7k70u2zynvem59u88ctdlaw7hc735d8xep9rq","account":"GB-1"`); d != "blocked" {
			t.Fatalf("payment to a listed wallet: %s", d)
		}
		analyst := p.tokens[warden.RoleAnalyst]
		var rep struct {
			Columns, Headers []string
			Rows             [][]string
		}
		if code := p.call(t, "GET", "/v1/reports/initial", analyst, "", &rep); code != http.StatusOK || len(rep.Rows) != 1 {
			t.Fatalf("initial report: %d %+v", code, rep)
		}
		cell := func(col string) string {
			for i, c := range rep.Columns {
				if c == col {
					return rep.Rows[0][i]
				}
			}
			t.Fatalf("no column %s in %v", col, rep.Columns)
			return ""
		}
		if cell("party_name") != "FANCY BEAR HOLDINGS" || cell("party_address") != "22 Komsomolsky Prospekt, Moscow, RU" || cell("program") != "CYBER2" || cell("reference") != "pay-77" {
			t.Errorf("row %v", rep.Rows[0])
		}
		for _, h := range []string{"Listed party's name", "Listed party's address", "Sanctions program", "Payment reference", "Report due by"} {
			if !strings.Contains(strings.Join(rep.Headers, "|"), h) {
				t.Errorf("headers %v lack %q", rep.Headers, h)
			}
		}

		// Formats: CSV, HTML and PDF all head their columns in words (JSON keeps the names).
		resp := p.do(t, "GET", "/v1/reports/initial?format=csv", analyst, "", "")
		rows, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil || rows[0][5] != "Listed party's name" || rows[1][5] != "FANCY BEAR HOLDINGS" {
			t.Errorf("CSV %v %v", rows, err)
		}
		code, page := p.get(t, warden.RoleAnalyst, "/v1/reports/initial?format=html")
		if code != http.StatusOK || !strings.Contains(page, "Listed party&#39;s address") || !strings.Contains(page, "22 Komsomolsky Prospekt") || !strings.Contains(page, `id="file-form"`) {
			t.Errorf("report page %d:\n%s", code, page)
		}
		if _, page := p.get(t, warden.RoleAuditor, "/v1/reports/initial?format=html"); strings.Contains(page, `id="file-form"`) {
			t.Error("an auditor is offered the filing form")
		}
		resp = p.do(t, "GET", "/v1/reports/initial?format=pdf", analyst, "", "")
		b, _ := io.ReadAll(resp.Body)
		text, err := pdftext.Text(b)
		if err != nil || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF: %v %s", err, resp.Header.Get("Content-Type"))
		}
		flat := strings.Join(strings.Fields(text), " ")
		for _, w := range []string{"Initial reports of blocked property", "FANCY BEAR HOLDINGS", "Komsomolsky", "CYBER2", "pay-77", "Sanctions program"} {
			if !strings.Contains(flat, w) {
				t.Errorf("PDF lacks %q:\n%s", w, text)
			}
		}
		if !strings.Contains(string(b), "/MediaBox [0 0 841.89 595.28]") {
			t.Error("the wide report's PDF is not in landscape")
		}

		// Marking as filed: refused without a reference, then by the form,
		// redirected back to the report that shows it, and audited.
		if code := p.call(t, "POST", "/v1/reports/initial/filings", analyst, `{"subject":"pay-77"}`, nil); code != http.StatusBadRequest {
			t.Errorf("filing without a reference: %d", code)
		}
		if code := p.call(t, "POST", "/v1/reports/initial/filings", p.tokens[warden.RoleAuditor], `{"subject":"pay-77","reference":"X"}`, nil); code != http.StatusForbidden {
			t.Errorf("an auditor filing: %d", code)
		}
		resp, _ = p.postForm(t, warden.RoleAnalyst, "/reports/initial/filings", url.Values{"subject": {"pay-77"}, "reference": {"OFAC-2026-0042"}, "back": {"/v1/reports/initial?format=html"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/v1/reports/initial?") {
			t.Fatalf("filing form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if code, page := p.get(t, warden.RoleAnalyst, resp.Header.Get("Location")); code != http.StatusOK || !strings.Contains(page, "OFAC-2026-0042") || !strings.Contains(page, "The filing is recorded.") {
			t.Errorf("report after filing %d:\n%s", code, page)
		}
		if p.call(t, "GET", "/v1/reports/initial", analyst, "", &rep); cell("filed_on") != "2026-06-26" || cell("filing_reference") != "OFAC-2026-0042" {
			t.Errorf("filed row %v", rep.Rows[0])
		}
		var events []warden.AuditEvent
		db.AuditEvents(ctx, warden.AuditFilter{Action: "report.file"}, func(e warden.AuditEvent) error { events = append(events, e); return nil })
		if len(events) != 1 || events[0].Object != "report:initial:pay-77" || events[0].Actor != "t-analyst" || !strings.Contains(string(events[0].Detail), "OFAC-2026-0042") {
			t.Errorf("audit %+v", events)
		}
		// The annual report is filed whole, by its year.
		now = time.Date(2026, 7, 14, 10, 0, 0, 0, time.UTC)
		if code := p.call(t, "POST", "/v1/reports/annual/filings", analyst, `{"subject":"2026","reference":"ANN-26","note":"by e-mail"}`, nil); code != http.StatusCreated {
			t.Errorf("annual filing: %d", code)
		}
		var annual struct {
			Filing *warden.ReportFiling
		}
		if p.call(t, "GET", "/v1/reports/annual?year=2026", analyst, "", &annual); annual.Filing == nil || annual.Filing.Reference != "ANN-26" {
			t.Errorf("annual report's filing %+v", annual.Filing)
		}
		var raw json.RawMessage
		if code := p.call(t, "POST", "/v1/reports/annual/filings", analyst, `{"subject":"last year","reference":"A"}`, &raw); code != http.StatusBadRequest {
			t.Errorf("annual filing without a year: %d %s", code, raw)
		}
	})
}
