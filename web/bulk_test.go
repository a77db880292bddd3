package web

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/screening"
	"warden/store/storetest"
)

// postFile posts a CSV file as the form's part "file" with role's token.
func (p *platform) postFile(t *testing.T, role warden.Role, path, name, content string) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	return p.do(t, "POST", path, p.tokens[role], mw.FormDataContentType(), b.String())
}

// waitJob follows a bulk job's page until it finishes and returns the
// last page.
func waitJob(t *testing.T, p *platform, role warden.Role, job string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, b := p.get(t, role, job)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", job, code, b)
		}
		if !strings.Contains(b, `hx-trigger="every 1s"`) {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still running:\n%s", job, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBulkScreen: an uploaded CSV is screened in the background; its page
// reaches 100% and links the result, one row per hit and one empty row
// for a query without; another person does not see the job; a bad file
// is refused on the form's page with its line.
func TestBulkScreen(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	const in = "name,birth_date,country\nMaksim Yakubets,1987-05-20,RU\nNobody Anywhere Atall,,\nMaxim Yakubets,,\n"
	resp := p.postFile(t, warden.RoleScreener, "/bulk/screen", "queries.csv", in)
	job := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/bulk/") {
		t.Fatalf("upload: %d %q\n%s", resp.StatusCode, job, body(t, resp))
	}
	page := waitJob(t, p, warden.RoleScreener, job)
	if !strings.Contains(page, `<strong id="job-percent">100%</strong>`) || !strings.Contains(page, `value="3"`) || !strings.Contains(page, "3 queries screened, 2 with a match.") {
		t.Errorf("finished page:\n%s", page)
	}
	// Recorded as evidence, every query with its place in the file.
	evidence := between(page, `<a href="/screenings/`, `"`)
	var sc warden.Screening
	if code := p.call(t, "GET", "/v1/screenings/"+evidence, p.tokens[warden.RoleScreener], "", &sc); code != 200 || sc.Queries != 3 || sc.Channel != warden.ChannelUI ||
		len(sc.Items) != 3 || sc.Items[1].Pos != "queries.csv:3" || sc.Actor != "t-screener" {
		t.Errorf("evidence %q: %d %+v", evidence, code, sc)
	}
	resp = p.do(t, "GET", job+"/results.csv", p.tokens[warden.RoleScreener], "", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("results: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// One row per query, in order, in the columns of warden screen's CSV.
	if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(screening.CSVHeader, ",") {
		t.Fatalf("results: %v", rows)
	}
	col := func(row []string, name string) string { return row[slices.Index(screening.CSVHeader, name)] }
	if r := rows[1]; col(r, "row") != "queries.csv:2" || col(r, "entity_id") != "ofac:26663" || col(r, "programs") != "CYBER2" ||
		!strings.Contains(col(r, "explanation"), "name score") || col(r, "query_birth_date") != "1987-05-20" {
		t.Errorf("the hit: %v", r)
	}
	if r := rows[2]; col(r, "row") != "queries.csv:3" || col(r, "query_name") != "Nobody Anywhere Atall" || col(r, "matches") != "0" || col(r, "entity_id") != "" {
		t.Errorf("no hit: %v", r)
	}
	// Another's job is not found, nor its result.
	for _, path := range []string{job, job + "/results.csv"} {
		if code, _ := p.get(t, warden.RoleAnalyst, path); code != http.StatusNotFound {
			t.Errorf("analyst GET %s: %d", path, code)
		}
	}
	// The bulk page lists the job for its owner only.
	if _, b := p.get(t, warden.RoleScreener, "/bulk"); !strings.Contains(b, `href="`+job+`"`) {
		t.Errorf("the bulk page does not list the job")
	}
	if _, b := p.get(t, warden.RoleAnalyst, "/bulk"); strings.Contains(b, job) {
		t.Errorf("the bulk page lists another's job")
	}
	for _, c := range []struct{ name, file, want string }{
		{"bad date", "name,birth_date\nA Person,1987-02-30\n", "q.csv:2: birth_date"},
		{"unknown column", "name,surname\nA,B\n", "unknown column"},
		{"empty", "name\n", "1 to 100000 rows"},
	} {
		resp := p.postFile(t, warden.RoleScreener, "/bulk/screen", "q.csv", c.file)
		if b := body(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b, c.want) || !strings.Contains(b, `id="bulk-screen-form"`) {
			t.Errorf("%s: %d\n%s", c.name, resp.StatusCode, b)
		}
	}
	// An auditor may not screen.
	if resp := p.postFile(t, warden.RoleAuditor, "/bulk/screen", "q.csv", in); resp.StatusCode != http.StatusForbidden {
		t.Errorf("auditor: %d", resp.StatusCode)
	}
}

// TestBulkCustomers: a customer CSV uploaded is onboarded in the
// background, each screened; the result has each row's decision; the
// register holds them; a liaison (screen, not customers.add) is refused.
func TestBulkCustomers(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	const in = "id,name,country\nB1,Jane Ordinary,GB\nB2,Maksim Yakubets,RU\nB3,John Plain,FR\n"
	resp := p.postFile(t, warden.RoleScreener, "/bulk/customers", "customers.csv", in)
	job := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", resp.StatusCode, body(t, resp))
	}
	page := waitJob(t, p, warden.RoleScreener, job)
	if !strings.Contains(page, `<strong id="job-percent">100%</strong>`) || !strings.Contains(page, "3 customers:") {
		t.Errorf("finished page:\n%s", page)
	}
	resp = p.do(t, "GET", job+"/results.csv", p.tokens[warden.RoleScreener], "", "")
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "line" {
		t.Fatalf("results: %v %v", rows, err)
	}
	if rows[2][1] != "B2" || rows[2][2] == warden.DecisionCleared || rows[1][2] != warden.DecisionCleared || rows[1][0] != "2" {
		t.Errorf("results: %v", rows)
	}
	if code, b := p.get(t, warden.RoleAnalyst, "/customers"); code != 200 || !strings.Contains(b, "Jane Ordinary") || !strings.Contains(b, "John Plain") {
		t.Errorf("the register: %d", code)
	}
	if resp := p.postFile(t, warden.RoleLiaison, "/bulk/customers", "c.csv", in); resp.StatusCode != http.StatusForbidden {
		t.Errorf("liaison: %d", resp.StatusCode)
	}
}
