package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"warden"
	"warden/auth"
	"warden/ingest"
	"warden/screening"
	"warden/sources"
	"warden/store/storetest"
	"warden/web"
)

// screeningServer is a real HTTP server over the OFAC list (see
// ofacFiles), with a token for a screener and one for an auditor.
func screeningServer(t *testing.T) (*httptest.Server, map[warden.Role]string) {
	paths, err := sources.Expand([]string{ofacFiles(t)})
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	if _, err := ingest.Import(ctx, db, ingest.Request{List: "ofac", Input: warden.Input{Paths: paths}}, nil); err != nil {
		t.Fatal(err)
	}
	svc := screening.New(db)
	if _, err := svc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	tokens := map[warden.Role]string{}
	for _, r := range []warden.Role{warden.RoleScreener, warden.RoleAuditor} {
		if tokens[r], _, err = auth.New(db).CreateToken(warden.WithPrincipal(ctx, warden.Operator), string(r), r, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(web.NewTestServer(db, svc, nil).Handler())
	t.Cleanup(srv.Close)
	return srv, tokens
}

func post(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func topHit(m map[string]any) (string, bool) {
	hits, _ := m["hits"].([]any)
	if len(hits) == 0 {
		return "", false
	}
	h := hits[0].(map[string]any)
	return h["source_id"].(string), h["match"].(bool)
}

func TestScreenAPI(t *testing.T) {
	srv, tok := screeningServer(t)
	code, m := post(t, srv.URL+"/v1/screen", tok[warden.RoleScreener], `{"name":"Якубец Максим","schema":"Person"}`)
	if id, ok := topHit(m); code != 200 || id != "26663" || !ok {
		t.Errorf("screen: %d %v", code, m)
	}
	code, m = post(t, srv.URL+"/v1/screen", tok[warden.RoleScreener], `{"wallet":"0x47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936"}`)
	if id, _ := topHit(m); code != 200 || id != "39796" {
		t.Errorf("wallet: %d %v", code, m)
	}
	tests := []struct {
		name, token, body string
		status            int
		code              string
	}{
		{"no token", "", `{"name":"x"}`, 401, "unauthorized"},
		{"bad token", "wdn_forged", `{"name":"x"}`, 401, "unauthorized"},
		{"wrong role", tok[warden.RoleAuditor], `{"name":"x"}`, 403, "forbidden"},
		{"empty", tok[warden.RoleScreener], `{}`, 400, "invalid"},
		{"malformed", tok[warden.RoleScreener], `{"name":`, 400, "invalid"},
		{"unknown field", tok[warden.RoleScreener], `{"nme":"x"}`, 400, "invalid"},
		{"long name", tok[warden.RoleScreener], `{"name":"` + strings.Repeat("a", 10000) + `"}`, 400, "invalid"},
		{"control char", tok[warden.RoleScreener], `{"name":"a\u0007b"}`, 400, "invalid"},
		{"bad schema", tok[warden.RoleScreener], `{"name":"x","schema":"Dragon"}`, 400, "invalid"},
		{"bad country", tok[warden.RoleScreener], `{"name":"x","country":"Atlantis"}`, 400, "invalid"},
		{"huge body", tok[warden.RoleScreener], `{"name":"` + strings.Repeat("a", 100<<10) + `"}`, 413, "too_large"},
	}
	for _, tt := range tests {
		code, m := post(t, srv.URL+"/v1/screen", tt.token, tt.body)
		if code != tt.status || m["code"] != tt.code {
			t.Errorf("%s: %d %v", tt.name, code, m)
		}
	}
}

func TestScreenBatchAPI(t *testing.T) {
	srv, tok := screeningServer(t)
	code, m := post(t, srv.URL+"/v1/screen/batch", tok[warden.RoleScreener],
		`{"queries":[{"name":"李尚福","schema":"Person"},{"name":"Peter Mueller"},{"wallet":"3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3"}]}`)
	rs, _ := m["responses"].([]any)
	if code != 200 || len(rs) != 3 {
		t.Fatalf("batch: %d %v", code, m)
	}
	want := []string{"24838", "", "37070"}
	for i, r := range rs {
		id, ok := topHit(r.(map[string]any))
		if !ok {
			id = ""
		}
		if id != want[i] {
			t.Errorf("batch[%d] = %q, want %q", i, id, want[i])
		}
	}
	code, m = post(t, srv.URL+"/v1/screen/batch", tok[warden.RoleScreener], `{"queries":[{"name":"x"},{"country":"ru"}]}`)
	if code != 400 || !strings.Contains(m["detail"].(string), "queries[1]") {
		t.Errorf("bad batch row: %d %v", code, m)
	}
}

func TestYenteMatch(t *testing.T) {
	srv, tok := screeningServer(t)
	body := `{"queries":{"q1":{"schema":"Person","properties":{"name":["Oleg Deripaska"],"birthDate":["1968"],"nationality":["ru"]}},
		"q2":{"schema":"Company","properties":{"name":["Sberbank Europe"]}}}}`
	code, m := post(t, srv.URL+"/match/default?limit=3", tok[warden.RoleScreener], body)
	if code != 200 {
		t.Fatalf("match: %d %v", code, m)
	}
	rs := m["responses"].(map[string]any)
	q1 := rs["q1"].(map[string]any)
	results := q1["results"].([]any)
	first := results[0].(map[string]any)
	if first["id"] != "ofac:24283" || first["match"] != true || first["schema"] != "Person" || first["caption"] == "" ||
		first["properties"].(map[string]any)["name"] == nil || first["datasets"].([]any)[0] != "ofac" || q1["total"].(map[string]any)["value"] == nil {
		t.Errorf("q1 first result: %v", first)
	}
	if f := first["features"].(map[string]any); f["birth_date_match"] == nil || f["name"] == nil {
		t.Errorf("features %v", f)
	}
	if q2 := rs["q2"].(map[string]any)["results"].([]any); q2[0].(map[string]any)["id"] != "ofac:18716" {
		t.Errorf("q2: %v", q2[0])
	}
	if code, _ := post(t, srv.URL+"/match/ofac", tok[warden.RoleScreener], body); code != 200 {
		t.Errorf("dataset ofac: %d", code)
	}
	if code, _ := post(t, srv.URL+"/match/nope", tok[warden.RoleScreener], body); code != 404 {
		t.Errorf("unknown dataset: %d", code)
	}
	if code, _ := post(t, srv.URL+"/match/default", tok[warden.RoleScreener], `{"queries":{"q":{"schema":"Dragon","properties":{"name":["x"]}}}}`); code != 400 {
		t.Errorf("bad schema: %d", code)
	}
	if code, _ := post(t, srv.URL+"/match/default", "", body); code != 401 {
		t.Errorf("no token: %d", code)
	}
}
