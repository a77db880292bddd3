package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"warden"
	"warden/auth"
	"warden/sources/sourcetest"
	"warden/store/storetest"
)

// formSession signs a person of role in and returns a function posting a
// multipart form in their session as a browser does without htmx: the
// CSRF token as the form's csrf field, no header.
func formSession(t *testing.T, p *platform, role warden.Role) func(path string, fields map[string]string, file, name string, content []byte) (*http.Response, string) {
	t.Helper()
	name, pw := "f-"+string(role), "amber quarry nine swallows f-"+string(role)
	if _, err := auth.New(p.db).CreateUser(warden.WithPrincipal(context.Background(), warden.Operator), name, role, "", pw, ""); err != nil {
		t.Fatal(err)
	}
	var c *http.Cookie
	for _, x := range postLogin(t, p, name, pw).Cookies() {
		if x.Name == sessionCookie {
			c = x
		}
	}
	if c == nil {
		t.Fatalf("%s: no session", name)
	}
	req, _ := http.NewRequest("GET", p.srv.URL+"/account", nil)
	req.AddCookie(c)
	home, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(home.Body)
	home.Body.Close()
	csrf := between(string(b), `name="csrf" value="`, `"`)
	return func(path string, fields map[string]string, file, fname string, content []byte) (*http.Response, string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if _, ok := fields["csrf"]; !ok {
			mw.WriteField("csrf", csrf)
		}
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if file != "" {
			fw, _ := mw.CreateFormFile(file, fname)
			fw.Write(content)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", p.srv.URL+path, &body)
		req.AddCookie(c)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
}

// TestIntelImportPlainForm: the import form posted as a plain multipart
// form (no htmx: the CSRF token a field of the form, not a header) with
// the 90 KB poisonivy.json imports its 155 objects; a wrong token is
// refused.
func TestIntelImportPlainForm(t *testing.T) {
	p, _ := intelPlatform(t, storetest.OpenSQLite(t))
	post := formSession(t, p, warden.RoleAnalyst)
	bundle, err := os.ReadFile(sourcetest.Data(t, "reference/stix2/examples/threat-reports/poisonivy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(bundle) <= maxFormBody {
		t.Fatalf("poisonivy.json is %d bytes, not over the form limit", len(bundle))
	}
	resp, body := post("/intel/import", map[string]string{"tlp": "green"}, "bundle", "poisonivy.json", bundle)
	if got := between(body, `id="r-added">`, "<"); resp.StatusCode != http.StatusOK || got != "155" {
		t.Fatalf("plain import of poisonivy.json: %d, added %q\n%s", resp.StatusCode, got, between(body, `<main`, "</main>"))
	}
	resp, body = post("/intel/import", map[string]string{"csrf": "wrong"}, "bundle", "x.json", []byte("{}"))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "CSRF") {
		t.Errorf("a wrong CSRF field: %d", resp.StatusCode)
	}
}

// TestIntelMessages: the pages name fields by the forms' labels, not the
// STIX properties Warden keeps them in, and count one problem in the
// singular.
func TestIntelMessages(t *testing.T) {
	p, _ := intelPlatform(t, storetest.OpenSQLite(t))
	for _, c := range []struct {
		name      string
		post      func() (int, string)
		want, not string
	}{
		{"last seen before first seen", func() (int, string) {
			resp, body := p.postForm(t, warden.RoleAnalyst, "/intel/incidents", url.Values{"name": {"Outage"}, "status": {"open"}, "tlp": {"amber"},
				"first_seen": {"2026-02-01"}, "last_seen": {"2026-01-01"}})
			return resp.StatusCode, body
		}, "Last seen: before first seen", "x_warden_"},
		{"a first seen that is no date", func() (int, string) {
			resp, body := p.postForm(t, warden.RoleAnalyst, "/intel/incidents", url.Values{"name": {"Outage"}, "status": {"open"}, "tlp": {"amber"},
				"first_seen": {"yesterday"}})
			return resp.StatusCode, body
		}, "First seen: &#34;yesterday&#34; is not a date", "first_seen:"},
		{"a bundle with one problem", func() (int, string) {
			return p.upload(t, warden.RoleAnalyst, "bad.json", `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56e","objects":[
		{"type":"indicator","spec_version":"2.1","id":"indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"no pattern","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}]}`)
		}, "bundle: 1 problem, nothing stored", "1 problems"},
	} {
		code, body := c.post()
		alert := between(body, `role="alert"`, "</")
		if code != http.StatusBadRequest || !strings.Contains(alert, c.want) || strings.Contains(alert, c.not) {
			t.Errorf("%s: %d %q, want %q", c.name, code, alert, c.want)
		}
	}
}
