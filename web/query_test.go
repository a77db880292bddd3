package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"warden"
	"warden/auth"
	"warden/internal/textio"
	"warden/store/storetest"
)

// TestQueryParams: an API route takes only the query parameters its route
// declares, each once, numbers written as plain decimals and no value with
// a control character; each refusal is a 400 naming the parameter. They
// used to be ignored (limit=x on a route without a limit), read loosely
// (threshold=0x1p-1, a hex float, was 0.5) or passed on (after=%00).
func TestQueryParams(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	yente := `{"queries":{"q":{"schema":"Person","properties":{"name":["Maksim Yakubets"]}}}}`
	tests := []struct {
		name, method, path, body string
		role                     warden.Role
		status                   int
		param                    string // named in the detail
	}{
		{"unknown on a route without parameters", "GET", "/v1/lists/ofac/versions?limit=x", "", warden.RoleAnalyst, 400, "limit"},
		{"unknown beside known ones", "GET", "/v1/customers?status=cleared&sort=name", "", warden.RoleAdmin, 400, "sort"},
		{"NUL in a value", "GET", "/v1/customers?after=%00", "", warden.RoleAdmin, 400, "after"},
		{"ESC in a value", "GET", "/v1/blocked-property?holder=%1B%5B31m", "", warden.RoleAuditor, 400, "holder"},
		{"line break in a value", "GET", "/v1/audit?actor=a%0Ab", "", warden.RoleAuditor, 400, "actor"},
		{"bidi override in a value", "GET", "/v1/blocked-property?holder=%E2%80%AE0-NEB", "", warden.RoleAuditor, 400, "holder"},
		{"invalid UTF-8 in a value", "GET", "/v1/blocked-property?holder=%FF", "", warden.RoleAuditor, 400, "holder"},
		{"hex float threshold", "POST", "/match/default?threshold=0x1p-1", yente, warden.RoleScreener, 400, "threshold"},
		{"exponent threshold", "POST", "/match/default?threshold=5e-1", yente, warden.RoleScreener, 400, "threshold"},
		{"underscored threshold", "POST", "/match/default?threshold=0.5_0", yente, warden.RoleScreener, 400, "threshold"},
		{"inf threshold", "POST", "/match/default?threshold=inf", yente, warden.RoleScreener, 400, "threshold"},
		{"nan threshold", "POST", "/match/default?threshold=nan", yente, warden.RoleScreener, 400, "threshold"},
		{"threshold without a leading digit", "POST", "/match/default?threshold=.5", yente, warden.RoleScreener, 400, "threshold"},
		{"signed limit", "POST", "/match/default?limit=%2B3", yente, warden.RoleScreener, 400, "limit"},
		{"hex limit", "GET", "/v1/cases?limit=0x10", "", warden.RoleAnalyst, 400, "limit"},
		{"fraction for an integer", "GET", "/v1/audit?after=1.5", "", warden.RoleAuditor, 400, "after"},
		{"given twice", "GET", "/v1/cases?limit=5&limit=500", "", warden.RoleAnalyst, 400, "limit"},
		{"unknown on a public route", "GET", "/healthz?x=1", "", "", 400, "x"},
		// What the routes take, they answer.
		{"declared parameters", "GET", "/v1/cases?status=open&limit=5", "", warden.RoleAnalyst, 200, ""},
		{"plain decimals", "POST", "/match/default?threshold=0.5&limit=3", yente, warden.RoleScreener, 200, ""},
		{"an empty value is absent", "GET", "/v1/blocked-property?currency=&limit=10", "", warden.RoleAuditor, 200, ""},
		{"a name with a joiner", "GET", "/v1/audit?actor=%D9%85%DB%8C%E2%80%8C%D8%AE", "", warden.RoleAuditor, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := p.do(t, tt.method, tt.path, p.tokens[tt.role], "application/json", tt.body)
			if tt.status == 200 {
				if resp.StatusCode != 200 {
					t.Errorf("%d %v; want 200", resp.StatusCode, problem(t, resp))
				}
				return
			}
			m := problem(t, resp)
			detail, _ := m["detail"].(string)
			if resp.StatusCode != tt.status || m["code"] != "invalid" || !strings.HasPrefix(detail, tt.param+" (query parameter) ") {
				t.Errorf("%d %v; want %d naming query parameter %s", resp.StatusCode, m, tt.status, tt.param)
			}
		})
	}

	// The pages refuse control characters too (they may take parameters of
	// their own, such as paging links, so only the values are checked).
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := auth.New(p.db).CreateUser(ctx, "alice", warden.RoleAdmin, "", "a long admin passphrase", ""); err != nil {
		t.Fatal(err)
	}
	cookie, _ := login(t, p, "alice", "a long admin passphrase")
	for path, want := range map[string]int{"/customers?after=%00": 400, "/ledger?holder=%07": 400, "/customers?after=K1": 200} {
		req, _ := http.NewRequest("GET", p.srv.URL+path, nil)
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d; want %d", path, resp.StatusCode, want)
		}
	}
}

// TestDuplicateJSONKeys: a JSON body that gives a key twice in one object
// is refused naming it, keys compared as encoding/json matches them to
// fields (ignoring case); the decoder used to keep the last value, so a
// proxy or a log reading the first saw another request than the one
// screened.
func TestDuplicateJSONKeys(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	tok := p.tokens[warden.RoleScreener]
	tests := []struct {
		name, path, body string
		status           int
		detail           string
	}{
		{"top level", "/v1/screen", `{"name":"John Smith","name":"Maksim Yakubets"}`, 400, "name appears twice"},
		{"escaped spelling", "/v1/screen", `{"name":"John Smith","n\u0061me":"Maksim Yakubets"}`, 400, "name appears twice"},
		{"other case", "/v1/screen", `{"name":"John Smith","NAME":"Maksim Yakubets"}`, 400, "NAME appears twice"},
		{"in a batch query", "/v1/screen/batch", `{"queries":[{"name":"a"},{"name":"b","threshold":0.5,"threshold":1}]}`, 400, "queries[1].threshold appears twice"},
		{"yente query ids", "/match/default", `{"queries":{"q":{"properties":{"name":["a"]}},"q":{"properties":{"name":["b"]}}}}`, 400, "queries.q appears twice"},
		{"nested object", "/v1/transactions", `{"reference":"r1","amount":{"currency":"USD","minor":1,"minor":100000},"parties":[{"role":"beneficiary","name":"John Smith"}]}`, 400, "amount.minor appears twice"},
		{"same key in sibling objects", "/v1/screen/batch", `{"queries":[{"name":"Maksim Yakubets"},{"name":"John Smith"}]}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := p.do(t, "POST", tt.path, tok, "application/json", tt.body)
			if tt.status == 200 {
				if resp.StatusCode != 200 {
					t.Errorf("%d %v; want 200", resp.StatusCode, problem(t, resp))
				}
				return
			}
			m := problem(t, resp)
			detail, _ := m["detail"].(string)
			if resp.StatusCode != tt.status || !strings.Contains(detail, tt.detail) {
				t.Errorf("%d %v; want %d %q", resp.StatusCode, m, tt.status, tt.detail)
			}
		})
	}
}

// BenchmarkDecodeBatch measures decoding a 10,000-query batch (the
// largest allowed), its duplicate-key scan included, and the scan alone.
func BenchmarkDecodeBatch(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"queries":[`)
	for i := range MaxBatch {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"name":"Maksim Viktorovich Yakubets","schema":"Person","birth_date":"1987-05-20","country":"ru","lists":["ofac"],"threshold":0.8}`)
	}
	sb.WriteString(`],"limit":5}`)
	body := sb.String()
	b.Logf("body: %d bytes", len(body))
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			r := httptest.NewRequest("POST", "/v1/screen/batch", strings.NewReader(body))
			var req batchRequest
			if err := decode(httptest.NewRecorder(), r, maxBatchBody, &req); err != nil || len(req.Queries) != MaxBatch {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if err := textio.UniqueKeys([]byte(body)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
