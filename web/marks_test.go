package web

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"warden"
	"warden/auth"
	"warden/store/storetest"
)

// TestInvisibleMarksShown: names may hold invisible characters (screening
// reads through them, so such a name is screened, not refused), but the
// pages and reports that show them to analysts write each as a visible
// marker: "John\u200bSmith" and "JohnSmith" used to look identical on
// /customers, and a right-to-left mark inside <bdi> still turned the text
// around it.
func TestInvisibleMarksShown(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	admin := p.tokens[warden.RoleAdmin]
	for _, c := range []struct{ path, body string }{
		{"/v1/transactions", `{"reference":"m1","amount":{"currency":"USD","minor":100},"parties":[{"role":"beneficiary","name":"\ufeffMaksim\u200b Yakubets\u200f","account":"RU-1","country":"RU"}]}`},
		{"/v1/customers", `{"id":"K1","name":"John\u200bSmith\u061c"}`},
		{"/v1/customers", `{"id":"K2","name":"JohnSmith"}`},
	} {
		if resp := p.do(t, "POST", c.path, admin, "application/json", c.body); resp.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %d %v", c.path, resp.StatusCode, problem(t, resp))
		}
	}
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := auth.New(p.db).CreateUser(ctx, "alice", warden.RoleAdmin, "", "a long admin passphrase", ""); err != nil {
		t.Fatal(err)
	}
	cookie, _ := login(t, p, "alice", "a long admin passphrase")
	get := func(path string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", p.srv.URL+path, nil)
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	mark := func(code string) string {
		return `<span class="mark" title="invisible character ` + code + `">⟨` + code + `⟩</span>`
	}
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/customers", []string{"John" + mark("U+200B") + "Smith" + mark("U+061C"), "<bdi>JohnSmith</bdi>"}},
		{"/ledger", []string{mark("U+FEFF") + "Maksim" + mark("U+200B") + " Yakubets" + mark("U+200F")}},
		{"/v1/reports/initial?format=html", []string{mark("U+FEFF") + "Maksim" + mark("U+200B") + " Yakubets" + mark("U+200F")}},
		{"/v1/reports/initial?format=csv", []string{"<U+FEFF>Maksim<U+200B> Yakubets<U+200F>"}},
	} {
		body := get(tc.path)
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s does not show %q", tc.path, w)
			}
		}
		if i := strings.IndexAny(body, "\u200b\u200e\u200f\u061c\ufeff"); i >= 0 {
			t.Errorf("%s shows an invisible character raw: %q", tc.path, body[max(0, i-40):min(len(body), i+40)])
		}
	}
}
