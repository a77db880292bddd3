package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/store/storetest"
)

// problem reads a problem+json answer.
func problem(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%d: not JSON: %v", resp.StatusCode, err)
	}
	return m
}

// TestNumericInputs: every numeric parameter of the screening API rejects
// NaN, the infinities and values out of range with a 400 naming the field;
// a NaN threshold used to compare false with every score and hide every
// match.
func TestNumericInputs(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	tok := p.tokens[warden.RoleScreener]
	yente := `{"queries":{"q":{"schema":"Person","properties":{"name":["Maksim Yakubets"]}}}}`
	tests := []struct {
		name, path, body, field string
	}{
		{"threshold NaN string", "/v1/screen", `{"name":"Maksim Yakubets","threshold":"NaN"}`, "threshold"},
		{"threshold overflow", "/v1/screen", `{"name":"Maksim Yakubets","threshold":1e400}`, "threshold"},
		{"threshold negative", "/v1/screen", `{"name":"Maksim Yakubets","threshold":-0.1}`, "threshold"},
		{"threshold above 1", "/v1/screen", `{"name":"Maksim Yakubets","threshold":1.5}`, "threshold"},
		{"limit negative", "/v1/screen", `{"name":"Maksim Yakubets","limit":-1}`, "limit"},
		{"limit too large", "/v1/screen", `{"name":"Maksim Yakubets","limit":501}`, "limit"},
		{"limit fraction", "/v1/screen", `{"name":"Maksim Yakubets","limit":2.5}`, "limit"},
		{"weight negative", "/v1/screen", `{"name":"Maksim Yakubets","weights":{"extra":-1}}`, "weights.extra"},
		{"weight above 1", "/v1/screen", `{"name":"Maksim Yakubets","weights":{"schema_conflict":7}}`, "weights.schema_conflict"},
		{"weight as string", "/v1/screen", `{"name":"Maksim Yakubets","weights":{"legal":"Infinity"}}`, "weights.legal"},
		{"batch threshold", "/v1/screen/batch", `{"queries":[{"name":"Maksim Yakubets"}],"threshold":"NaN"}`, "threshold"},
		{"batch weight", "/v1/screen/batch", `{"queries":[{"name":"Maksim Yakubets"}],"weights":{"initial":2}}`, "weights.initial"},
		{"match threshold NaN", "/match/default?threshold=NaN", yente, "threshold"},
		{"match threshold +Inf", "/match/default?threshold=%2BInf", yente, "threshold"},
		{"match threshold -Inf", "/match/default?threshold=-Inf", yente, "threshold"},
		{"match threshold Infinity", "/match/default?threshold=Infinity", yente, "threshold"},
		{"match threshold above 1", "/match/default?threshold=2", yente, "threshold"},
		{"match limit NaN", "/match/default?limit=NaN", yente, "limit"},
		{"match limit negative", "/match/default?limit=-3", yente, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := p.do(t, "POST", tt.path, tok, "application/json", tt.body)
			m := problem(t, resp)
			detail, _ := m["detail"].(string)
			if resp.StatusCode != 400 || m["code"] != "invalid" || !strings.HasPrefix(detail, tt.field+" ") {
				t.Errorf("%d %v; want 400 naming %s", resp.StatusCode, m, tt.field)
			}
		})
	}
	// In range, the same routes answer.
	for _, ok := range []struct{ path, body string }{
		{"/v1/screen", `{"name":"Maksim Yakubets","threshold":0.9,"limit":5,"weights":{"extra":0.3}}`},
		{"/match/default?threshold=0.9&limit=5", yente},
	} {
		if resp := p.do(t, "POST", ok.path, tok, "application/json", ok.body); resp.StatusCode != 200 {
			t.Errorf("%s %s: %d %v", ok.path, ok.body, resp.StatusCode, problem(t, resp))
		}
	}
}

// TestBodyErrors: a body that is not UTF-8 is refused rather than silently
// repaired; one over the limit is 413; decoding errors name the JSON field
// and type, never a Go type.
func TestBodyErrors(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	tok := p.tokens[warden.RoleScreener]
	tests := []struct {
		name, path, body string
		status           int
		code, detail     string
	}{
		{"invalid UTF-8", "/v1/screen", "{\"name\":\"Maksim Yakub\xffets\"}", 400, "invalid", "body is not valid UTF-8"},
		{"invalid UTF-8 in batch", "/v1/screen/batch", "{\"queries\":[{\"name\":\"\xc3\x28\"}]}", 400, "invalid", "body is not valid UTF-8"},
		{"too large", "/v1/screen", `{"name":"` + strings.Repeat("a", 100<<10) + `"}`, 413, "too_large", "request body larger than"},
		{"wrong type", "/v1/screen", `{"name":42}`, 400, "invalid", "name must be a string, not a number"},
		{"wrong nested type", "/v1/screen/batch", `{"queries":[{"names":"x"}]}`, 400, "invalid", "queries[0].names must be an array, not a string"},
		{"element of an array", "/v1/screen", `{"name":"x","lists":["ofac",1]}`, 400, "invalid", "lists[1] must be a string, not a number"},
		{"query of a batch", "/v1/screen/batch", `{"queries":[{"name":"a"},{"name":"b"},{"name":"c"},{"name":"d","threshold":"0.9"}]}`, 400, "invalid", "queries[3].threshold must be a number, not a string"},
		{"nested element", "/v1/transactions", `{"reference":"r","amount":{"currency":"USD","minor":1},"parties":[{"role":"originator","name":"A"},{"role":"beneficiary","identifiers":["x",{"a":1}]}]}`, 400, "invalid", "parties[1].identifiers[1] must be a string, not an object"},
		{"number overflowing a float", "/v1/screen", `{"name":"x","threshold":1e999}`, 400, "invalid", "threshold is out of range"},
		{"number overflowing an integer", "/v1/screen", `{"name":"x","limit":99999999999999999999}`, 400, "invalid", "limit is out of range"},
		{"fraction for an integer", "/v1/transactions", `{"reference":"r","amount":{"currency":"USD","minor":5.5}}`, 400, "invalid", "amount.minor must be an integer, not 5.5"},
		{"unknown field", "/v1/screen", `{"nme":"x"}`, 400, "invalid", `unknown field "nme"`},
		{"malformed", "/v1/screen", `{"name":`, 400, "invalid", "malformed JSON"},
		{"empty", "/v1/screen", ``, 400, "invalid", "empty body"},
		{"trailing data", "/v1/screen", `{"name":"x"} {}`, 400, "invalid", "data after the object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := p.do(t, "POST", tt.path, tok, "application/json", tt.body)
			m := problem(t, resp)
			detail, _ := m["detail"].(string)
			if resp.StatusCode != tt.status || m["code"] != tt.code || !strings.Contains(detail, tt.detail) {
				t.Errorf("%d %v; want %d %s %q", resp.StatusCode, m, tt.status, tt.code, tt.detail)
			}
			for _, goName := range []string{"web.", "Go ", "float64", "string into", "[]string", "screenRequest"} {
				if strings.Contains(detail, goName) {
					t.Errorf("detail %q names a Go type (%s)", detail, goName)
				}
			}
		})
	}
}

// TestBatchRateLimit: a batch costs one request per query, so a 10,000
// query batch cannot pass as one request; a batch larger than what is
// left is a 429 with Retry-After and takes nothing; one larger than the
// burst can never pass and is a 400.
func TestBatchRateLimit(t *testing.T) {
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) // a stopped clock: no refill
	p := newPlatform(t, storetest.OpenSQLite(t), func(s *Server) { s.RateLimit, s.RateBurst, s.Now = 1, 10, func() time.Time { return at } })
	tok := p.tokens[warden.RoleScreener]
	batch := func(n int) string {
		return `{"queries":[` + strings.TrimSuffix(strings.Repeat(`{"name":"Maksim Yakubets"},`, n), ",") + `]}`
	}
	yente := func(n int) string {
		var qs []string
		for i := range n {
			qs = append(qs, `"q`+string(rune('a'+i))+`":{"schema":"Person","properties":{"name":["Maksim Yakubets"]}}`)
		}
		return `{"queries":{` + strings.Join(qs, ",") + `}}`
	}
	steps := []struct {
		name, path, body string
		status           int
	}{
		{"batch of 11 exceeds the burst", "/v1/screen/batch", batch(11), 400}, // 9 left
		{"batch of 5", "/v1/screen/batch", batch(5), 200},                     // 4 left
		{"batch of 5 more than left", "/v1/screen/batch", batch(5), 429},      // 3 left: the request itself
		{"match of 2", "/match/default", yente(2), 200},                       // 1 left
		{"one query", "/v1/screen", `{"name":"Maksim Yakubets"}`, 200},        // 0 left
		{"nothing left", "/v1/screen", `{"name":"Maksim Yakubets"}`, 429},
	}
	for _, st := range steps {
		resp := p.do(t, "POST", st.path, tok, "application/json", st.body)
		if resp.StatusCode != st.status {
			t.Fatalf("%s: %d %v; want %d", st.name, resp.StatusCode, problem(t, resp), st.status)
		}
		if st.status == 429 && resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", st.name)
		}
	}
}

// TestIDsWithSlash: a party whose source id holds a slash opens in the API
// and in the UI, with the slash as it is or escaped; so do a payment
// reference and a customer id with slashes (INV/2026/001).
func TestIDsWithSlash(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "csl", "csl-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	const source = "7e1f/ISN-2019/04"
	im.Put(&warden.Entity{SourceID: source, Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "SLASHED TRADING LLC", Kind: warden.NamePrimary}}})
	if _, err := im.Commit(warden.SourceMeta{Published: "2026-01-02"}); err != nil {
		t.Fatal(err)
	}
	p := newPlatform(t, db, nil)
	id := warden.EntityID("csl", source)
	for _, path := range []string{"/v1/entities/" + id, "/v1/entities/" + url.PathEscape(id)} {
		resp := p.do(t, "GET", path, p.tokens[warden.RoleAnalyst], "", "")
		var e warden.Entity
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != 200 || e.ID != id {
			t.Errorf("GET %s: %d %+v %v", path, resp.StatusCode, e, err)
		}
	}
	if _, err := auth.New(db).CreateUser(ctx, "alice", warden.RoleAdmin, "", "a long admin passphrase", ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ create, body, get string }{
		{"/v1/transactions", `{"reference":"INV/2026/001","amount":{"currency":"USD","minor":100},"parties":[{"role":"beneficiary","name":"John Smith"}]}`, "/v1/transactions/INV/2026/001"},
		{"/v1/customers", `{"id":"BR/7/K1","name":"John Smith"}`, "/v1/customers/BR/7/K1"},
	} {
		if resp := p.do(t, "POST", c.create, p.tokens[warden.RoleAdmin], "application/json", c.body); resp.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %d %v", c.create, resp.StatusCode, problem(t, resp))
		}
		if resp := p.do(t, "GET", c.get, p.tokens[warden.RoleAdmin], "", ""); resp.StatusCode != 200 {
			t.Errorf("GET %s: %d %v", c.get, resp.StatusCode, problem(t, resp))
		}
	}
	cookie, _ := login(t, p, "alice", "a long admin passphrase")
	for _, path := range []string{"/parties/" + id, "/parties/" + url.PathEscape(id)} {
		req, _ := http.NewRequest("GET", p.srv.URL+path, nil)
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
}

// TestStakePercentNaN: the ownership form parses its percent as a float,
// which reads "NaN" and "Inf"; both are refused, not recorded.
func TestStakePercentNaN(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := auth.New(p.db).CreateUser(ctx, "alice", warden.RoleAdmin, "", "a long admin passphrase", ""); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := login(t, p, "alice", "a long admin passphrase")
	for _, pct := range []string{"NaN", "Inf", "-Inf", "101", "-1"} {
		form := url.Values{"owner": {"ofac:26663"}, "owned": {"Shell Company Ltd"}, "percent": {pct}, "csrf": {csrf}}
		req, _ := http.NewRequest("POST", p.srv.URL+"/ownership", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("percent %s: %d; want 400", pct, resp.StatusCode)
		}
	}
	stakes, err := p.db.Stakes(ctx)
	if err != nil || len(stakes) != 0 {
		t.Errorf("stakes recorded: %+v %v", stakes, err)
	}
}

// TestPartyInputs: a payment party or a customer is someone who can hold
// an account (Person, Organization, Company, LegalEntity), and its text
// fields hold no control characters and no more than MaxText characters;
// each refusal names the field. They used to be stored as they came.
func TestPartyInputs(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	screener := p.tokens[warden.RoleScreener]
	clerk := p.tokens[warden.RoleAdmin]
	payment := func(ref, party string) string {
		return `{"reference":"` + ref + `","amount":{"currency":"USD","minor":100},"parties":[{"role":"originator","name":"Jane Doe"},` + party + `]}`
	}
	long := strings.Repeat("9", 60000)
	tests := []struct {
		name, path, token, body string
		status                  int
		field                   string
	}{
		{"vessel party", "/v1/transactions", screener, payment("p1", `{"role":"beneficiary","name":"Ever Given","schema":"Vessel"}`), 400, "parties[1].schema"},
		{"wallet party", "/v1/transactions", screener, payment("p2", `{"role":"beneficiary","name":"x","schema":"CryptoWallet"}`), 400, "parties[1].schema"},
		{"NUL in account", "/v1/transactions", screener, payment("p3", `{"role":"beneficiary","name":"John Smith","account":"DE-1\u0000"}`), 400, "parties[1].account"},
		{"ESC in account", "/v1/transactions", screener, payment("p4", `{"role":"beneficiary","name":"John Smith","account":"\u001b[31mDE-1"}`), 400, "parties[1].account"},
		{"CR in account", "/v1/transactions", screener, payment("p5", `{"role":"beneficiary","name":"John Smith","account":"DE-1\r"}`), 400, "parties[1].account"},
		{"60,000 character account", "/v1/transactions", screener, payment("p6", `{"role":"beneficiary","name":"John Smith","account":"`+long+`"}`), 400, "parties[1].account"},
		{"control in identifier", "/v1/transactions", screener, payment("p7", `{"role":"beneficiary","name":"John Smith","identifiers":["A1","B\u00072"]}`), 400, "parties[1].identifiers[1]"},
		{"company party", "/v1/transactions", screener, payment("p8", `{"role":"beneficiary","name":"John Smith Ltd","schema":"Company","account":"GB-12"}`), 200, ""},
		{"vessel customer", "/v1/customers", clerk, `{"id":"C1","name":"Ever Given","schema":"Vessel"}`, 400, "customer C1: schema"},
		{"ESC in customer account", "/v1/customers", clerk, `{"id":"C2","name":"John Smith","account":"\u001b]0;x\u0007"}`, 400, "customer C2: account"},
		{"long customer wallet", "/v1/customers", clerk, `{"id":"C3","name":"John Smith","wallet":"` + long + `"}`, 400, "customer C3: wallet"},
		{"legal entity customer", "/v1/customers", clerk, `{"id":"C4","name":"John Smith Holdings","schema":"LegalEntity"}`, 201, ""},
		// Text that shows otherwise than it reads (F8): "\u202e0-NEB" shows as "BEN-0".
		{"RLO in reference", "/v1/transactions", screener, payment("RLO-\u202eREF", `{"role":"beneficiary","name":"John Smith","account":"BEN-0"}`), 400, "reference"},
		{"RLO in account", "/v1/transactions", screener, payment("p9", `{"role":"beneficiary","name":"John Smith","account":"\u202e0-NEB"}`), 400, "parties[1].account"},
		{"line separator in account", "/v1/transactions", screener, payment("p10", `{"role":"beneficiary","name":"John Smith","account":"BEN\u20280"}`), 400, "parties[1].account"},
		{"RLI in account", "/v1/transactions", screener, payment("p11", `{"role":"beneficiary","name":"John Smith","account":"\u2067BEN-0"}`), 400, "parties[1].account"},
		{"RLO in customer id", "/v1/customers", clerk, `{"id":"C-\u202e5","name":"John Smith"}`, 400, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := p.do(t, "POST", tt.path, tt.token, "application/json", tt.body)
			m := problem(t, resp)
			detail, _ := m["detail"].(string)
			if resp.StatusCode != tt.status || !strings.HasPrefix(detail, tt.field) {
				t.Errorf("%d %v; want %d naming %s", resp.StatusCode, m, tt.status, tt.field)
			}
		})
	}
}
