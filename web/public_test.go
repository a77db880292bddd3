package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"warden"
	"warden/auth"
	"warden/publish"
	"warden/store"
	"warden/store/storetest"
	"warden/web"
)

// yakubets is the party the tests publish, with a name that HTML must
// escape beside his real one.
func yakubets() *warden.Entity {
	return &warden.Entity{SourceID: "CS-0001", Schema: warden.SchemaPerson,
		Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}, {Full: "<b>AQUA</b> & co", Kind: warden.NameAKA},
			{Full: "ЯКУБЕЦ, Максим Викторович", Kind: warden.NameAKA, Script: "Cyrl"}},
		BirthDates:    []warden.DateRange{{From: "1987-05-20"}},
		Nationalities: []string{"RU"},
		Identifiers: []warden.Identifier{{Type: warden.IDPassport, Value: "RU0313455106", Country: "RU"},
			{Type: warden.IDCrypto, Value: "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V", Currency: "XBT"}},
		Programs: []string{"CYBER2"}}
}

// publishVersions stores two versions of cyber_sanctions (the second adds
// a party, changes Yakubets and removes another) and one of ofac.
func publishVersions(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	put := func(list string, es ...*warden.Entity) {
		im, err := db.BeginImport(ctx, list, "designation", false)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if err := im.Put(e); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
	}
	gone := &warden.Entity{SourceID: "CS-0002", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "EVIL CORP", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}}
	put("cyber_sanctions", yakubets(), gone)
	changed := yakubets()
	changed.Identifiers = append(changed.Identifiers, warden.Identifier{Type: warden.IDCrypto, Value: "0x1234567890abcdef1234567890abcdef12345678", Currency: "ETH"})
	changed.BirthDates = []warden.DateRange{{From: "1987-05-21"}}
	added := &warden.Entity{SourceID: "CS-0003", Schema: warden.SchemaCompany, Names: []warden.Name{{Full: "GARANTEX EUROPE OU", Kind: warden.NamePrimary}},
		Identifiers: []warden.Identifier{{Type: warden.IDWebsite, Value: "garantex.io"}}, Programs: []string{"CYBER2"}}
	put("cyber_sanctions", changed, added)
	put("ofac", &warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
}

func publicServer(t *testing.T, db *store.DB, key ed25519.PrivateKey) *httptest.Server {
	t.Helper()
	s := web.NewTestServer(db, nil, nil)
	s.Lists.Public = []string{"cyber_sanctions"}
	s.Public = web.Public{Key: key}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// fetch GETs url with the given request headers.
func fetch(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestPublicExports: without authentication, a public list's signed sets
// verify against the served key in every format, latest is the current
// version byte for byte, conditional GETs answer 304, and a non-public or
// unknown list is the same 404.
func TestPublicExports(t *testing.T) { storetest.Engines(t, testPublicExports) }

func testPublicExports(t *testing.T, db *store.DB) {
	publishVersions(t, db)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := publicServer(t, db, key)

	resp, pemKey := fetch(t, srv.URL+"/.well-known/warden-signing-key")
	if resp.StatusCode != 200 {
		t.Fatalf("signing key: %d %s", resp.StatusCode, pemKey)
	}
	pub, err := publish.ParsePublicKey(pemKey)
	if err != nil {
		t.Fatal(err)
	}

	for _, format := range publish.Formats {
		for _, base := range []string{"/public/lists/cyber_sanctions/versions/2/", "/public/lists/cyber_sanctions/latest/"} {
			get := func(name string) ([]byte, error) {
				resp, b := fetch(t, srv.URL+base+format+"/"+name)
				if resp.StatusCode != 200 {
					t.Fatalf("%s%s/%s: %d %s", base, format, name, resp.StatusCode, b)
				}
				return b, nil
			}
			manifest, _ := get(publish.ManifestName)
			sig, _ := get(publish.SignatureName)
			m, err := publish.Verify(pub, manifest, sig, get)
			if err != nil {
				t.Fatalf("%s%s: %v", base, format, err)
			}
			if m.Version != 2 || m.Format != format || len(m.Files) == 0 {
				t.Errorf("%s%s: manifest %+v", base, format, m)
			}
			if format == publish.FormatFtMDelta && (m.Since == nil || *m.Since != 1) {
				t.Errorf("%s: the delta runs from %v, not version 1", base, m.Since)
			}
			bad := bytes.Clone(manifest)
			bad[len(bad)-2] ^= 1
			if _, err := publish.Verify(pub, bad, sig, get); err == nil {
				t.Errorf("%s%s: a changed manifest verifies", base, format)
			}
		}
	}

	// Version 1 is its own set; latest serves version 2's bytes.
	_, v1 := fetch(t, srv.URL+"/public/lists/cyber_sanctions/versions/1/ftm/entities.ftm.json")
	_, v2 := fetch(t, srv.URL+"/public/lists/cyber_sanctions/versions/2/ftm/entities.ftm.json")
	resp, latest := fetch(t, srv.URL+"/public/lists/cyber_sanctions/latest/ftm/entities.ftm.json")
	if !bytes.Equal(latest, v2) || bytes.Equal(v1, v2) || !strings.Contains(string(v2), "GARANTEX") || strings.Contains(string(v1), "GARANTEX") {
		t.Errorf("latest is not version 2:\nv1 %s\nv2 %s\nlatest %s", v1, v2, latest)
	}
	etag, modified := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if want := `"` + publish.Describe("x", v2).SHA256 + `"`; etag != want || modified == "" {
		t.Errorf("ETag %q (want %q), Last-Modified %q", etag, want, modified)
	}
	for _, tc := range []struct {
		name   string
		header []string
		status int
	}{
		{"If-None-Match", []string{"If-None-Match", etag}, 304},
		{"If-Modified-Since", []string{"If-Modified-Since", modified}, 304},
		{"another ETag", []string{"If-None-Match", `"0000"`}, 200},
	} {
		for _, path := range []string{"/public/lists/cyber_sanctions/latest/ftm/entities.ftm.json", "/public/lists/cyber_sanctions/versions/2/ftm/entities.ftm.json"} {
			resp, b := fetch(t, srv.URL+path, tc.header...)
			if resp.StatusCode != tc.status || tc.status == 304 && len(b) != 0 {
				t.Errorf("%s %s: %d with %d bytes, want %d", tc.name, path, resp.StatusCode, len(b), tc.status)
			}
		}
	}

	// Lists that are not public are indistinguishable from lists that do
	// not exist; so are unknown versions, formats and files.
	for _, path := range []string{
		"/public/lists/ofac/latest/ftm/entities.ftm.json",
		"/public/lists/ofac/versions/1/ftm/manifest.json",
		"/public/lists/nope/latest/ftm/manifest.json",
		"/public/lists/ofac/versions/1/notice",
		"/public/lists/cyber_sanctions/versions/3/ftm/manifest.json",
		"/public/lists/cyber_sanctions/versions/01/ftm/manifest.json",
		"/public/lists/cyber_sanctions/versions/2/xml/manifest.json",
		"/public/lists/cyber_sanctions/versions/2/ftm/sdn.csv",
	} {
		if resp, b := fetch(t, srv.URL+path); resp.StatusCode != 404 || strings.Contains(string(b), "26663") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
	_, ofac := fetch(t, srv.URL+"/public/lists/ofac/latest/ftm/manifest.json")
	_, nope := fetch(t, srv.URL+"/public/lists/nope/latest/ftm/manifest.json")
	cut := func(b []byte) string {
		s, _, _ := strings.Cut(strings.ReplaceAll(string(b), "ofac", "nope"), "request_id")
		return s
	}
	if cut(ofac) != cut(nope) {
		t.Errorf("a non-public list answers otherwise than an unknown one:\n%s\n%s", ofac, nope)
	}

	// Without a key nothing unverifiable is served.
	unsigned := publicServer(t, db, nil)
	for _, path := range []string{"/public/lists/cyber_sanctions/latest/ftm/manifest.json", "/.well-known/warden-signing-key"} {
		if resp, b := fetch(t, unsigned.URL+path); resp.StatusCode != 503 || !strings.Contains(string(b), "no signing key configured") {
			t.Errorf("unsigned %s: %d %s", path, resp.StatusCode, b)
		}
	}
}

// TestVersionNotice: a version's notice names what it added, changed (the
// parts that went and came) and removed, as text and as escaped HTML, to
// a reader with lists.read and, for a public list, to anyone.
func TestVersionNotice(t *testing.T) { storetest.Engines(t, testVersionNotice) }

func testVersionNotice(t *testing.T, db *store.DB) {
	publishVersions(t, db)
	srv := publicServer(t, db, nil) // notices need no key
	tok, _, err := auth.New(db).CreateToken(warden.WithPrincipal(context.Background(), warden.Operator), "reader", warden.RoleAnalyst, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	wants := []string{
		"The following have been added to the cyber_sanctions list:",
		"GARANTEX EUROPE OU; Website garantex.io [CYBER2].",
		"The following entries on the cyber_sanctions list have been changed:",
		"YAKUBETS, Maksim Viktorovich (a.k.a. <b>AQUA</b> & co; a.k.a. ЯКУБЕЦ, Максим Викторович); DOB 20 May 1987; nationality Russia; Passport RU0313455106 (Russia); Digital Currency Address - XBT 1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V (individual) [CYBER2]. -to- ",
		"Removed: DOB 20 May 1987",
		"Added: DOB 21 May 1987; Digital Currency Address - ETH 0x1234567890abcdef1234567890abcdef12345678",
		"The following have been removed from the cyber_sanctions list:",
		"EVIL CORP [CYBER2].",
	}
	for _, path := range []string{"/v1/lists/cyber_sanctions/versions/2/notice", "/public/lists/cyber_sanctions/versions/2/notice"} {
		resp, text := fetch(t, srv.URL+path+"?format=text", "Authorization", "Bearer "+tok)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, text)
		}
		for _, w := range wants {
			if !strings.Contains(string(text), w) {
				t.Errorf("%s text lacks %q:\n%s", path, w, text)
			}
		}
		resp, page := fetch(t, srv.URL+path, "Authorization", "Bearer "+tok)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, page)
		}
		for _, w := range []string{"&lt;b&gt;AQUA&lt;/b&gt; &amp; co", "GARANTEX EUROPE OU", "EVIL CORP", "Added: <bdi>DOB 21 May 1987</bdi>"} {
			if !strings.Contains(string(page), w) {
				t.Errorf("%s HTML lacks %q:\n%s", path, w, page)
			}
		}
		if strings.Contains(string(page), "<b>AQUA") {
			t.Errorf("%s: a name is not escaped:\n%s", path, page)
		}
	}
	// The version page links the notice, and the public copy of a public list.
	for _, tc := range []struct {
		page  string
		links []string
	}{
		{"/lists/cyber_sanctions/versions/2", []string{`href="/v1/lists/cyber_sanctions/versions/2/notice"`, `href="/v1/lists/cyber_sanctions/versions/2/notice?format=text"`, `href="/public/lists/cyber_sanctions/versions/2/notice"`}},
		{"/lists/ofac/versions/1", []string{`href="/v1/lists/ofac/versions/1/notice"`}},
	} {
		resp, page := fetch(t, srv.URL+tc.page, "Authorization", "Bearer "+tok)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", tc.page, resp.StatusCode)
		}
		for _, l := range tc.links {
			if !strings.Contains(string(page), l) {
				t.Errorf("%s lacks %s", tc.page, l)
			}
		}
		if tc.page == "/lists/ofac/versions/1" && strings.Contains(string(page), "/public/") {
			t.Errorf("%s links a public copy of a list that is not public", tc.page)
		}
	}

	for _, tc := range []struct {
		path, token string
		status      int
	}{
		{"/v1/lists/cyber_sanctions/versions/2/notice", "", 401},
		{"/v1/lists/ofac/versions/1/notice", tok, 200},
		{"/v1/lists/ofac/versions/2/notice", tok, 404},
		{"/v1/lists/cyber_sanctions/versions/2/notice?format=pdf", tok, 400},
		{"/public/lists/ofac/versions/1/notice", "", 404},
	} {
		var h []string
		if tc.token != "" {
			h = []string{"Authorization", "Bearer " + tc.token}
		}
		if resp, b := fetch(t, srv.URL+tc.path, h...); resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.path, resp.StatusCode, b, tc.status)
		}
	}
}

// TestPublicRateLimit: the public routes, which have no principal, are
// limited per client address: a burst of 200, then 429 with Retry-After.
func TestPublicRateLimit(t *testing.T) {
	db := storetest.OpenSQLite(t)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := publicServer(t, db, key)
	for i := 1; i <= 220; i++ {
		resp, _ := fetch(t, srv.URL+"/.well-known/warden-signing-key")
		switch {
		case resp.StatusCode == 429 && i > 200:
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			if resp, _ := fetch(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
				t.Errorf("the probe is limited too: %d", resp.StatusCode)
			}
			return
		case resp.StatusCode != 200:
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	t.Error("220 requests at once from one address were all served")
}

// TestPublicConcurrentFirst: requests that arrive together for a set not
// made yet all get the same bytes, which verify.
func TestPublicConcurrentFirst(t *testing.T) {
	db := storetest.OpenSQLite(t)
	publishVersions(t, db)
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := publicServer(t, db, key)
	const n = 20
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL + "/public/lists/cyber_sanctions/versions/2/stix/manifest.json")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			got[i], _ = io.ReadAll(resp.Body)
		}()
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i], got[0]) {
			t.Fatalf("request %d got other bytes:\n%s\n%s", i, got[i], got[0])
		}
	}
	_, sig := fetch(t, srv.URL+"/public/lists/cyber_sanctions/versions/2/stix/manifest.json.sig")
	open := func(name string) ([]byte, error) {
		_, b := fetch(t, srv.URL+"/public/lists/cyber_sanctions/versions/2/stix/"+name)
		return b, nil
	}
	if _, err := publish.Verify(pub, got[0], sig, open); err != nil {
		t.Error(err)
	}
}
