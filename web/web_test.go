package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"warden"
	"warden/auth"
	"warden/store/storetest"
	"warden/web"
)

func newServer(t *testing.T) (*httptest.Server, string) {
	db := storetest.OpenSQLite(t)
	im, _ := db.BeginImport(context.Background(), "ofac", "ofac-csv", false)
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
	if _, err := im.Commit(warden.SourceMeta{Published: "2024-07-02"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.NewTestServer(db, nil, nil).Handler())
	t.Cleanup(srv.Close)
	tok, _, err := auth.New(db).CreateToken(warden.WithPrincipal(context.Background(), warden.Operator), "reader", warden.RoleAnalyst, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return srv, tok
}

func get(t *testing.T, url, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestAPI(t *testing.T) {
	srv, tok := newServer(t)
	tests := []struct {
		path   string
		status int
		check  func(map[string]any) bool
	}{
		{"/healthz", 200, func(m map[string]any) bool { return m["status"] == "ok" }},
		{"/readyz", 200, func(m map[string]any) bool { return m["status"] == "ready" }},
		{"/v1/lists", 200, func(m map[string]any) bool {
			ls := m["lists"].([]any)
			return len(ls) == 1 && ls[0].(map[string]any)["entities"] == 1.0
		}},
		{"/v1/lists/ofac/versions", 200, func(m map[string]any) bool {
			return m["versions"].([]any)[0].(map[string]any)["published"] == "2024-07-02"
		}},
		{"/v1/entities/ofac:26663", 200, func(m map[string]any) bool { return m["programs"].([]any)[0] == "CYBER2" }},
		{"/v1/entities/ofac:26663?version=1", 200, func(m map[string]any) bool { return m["version"] == 1.0 }},
		{"/v1/entities/ofac:1", 404, func(m map[string]any) bool { return m["code"] == "not_found" && m["request_id"] != "" }},
		{"/v1/entities/ofac:26663?version=x", 400, func(m map[string]any) bool { return m["code"] == "invalid" }},
		{"/v1/entities/nocolon", 400, func(m map[string]any) bool { return m["code"] == "invalid" }},
		{"/v1/lists/nope/versions", 404, func(m map[string]any) bool { return m["code"] == "not_found" }},
	}
	for _, tt := range tests {
		resp := get(t, srv.URL+tt.path, tok)
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !tt.check(m) {
			t.Errorf("GET %s = %d %v", tt.path, resp.StatusCode, m)
		}
		if tt.status >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: content type %q", tt.path, resp.Header.Get("Content-Type"))
		}
	}
	if resp := get(t, srv.URL+"/v1/lists", ""); resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("GET /v1/lists without a token = %d", resp.StatusCode)
	}
	resp, _ := http.Post(srv.URL+"/v1/lists", "application/json", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /v1/lists = %d", resp.StatusCode)
	}
}
