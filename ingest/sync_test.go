package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"warden"
	"warden/ingest"
	"warden/publish"
	"warden/sources/sourcetest"
	"warden/store"
	"warden/store/storetest"
)

// dataServer serves the folder root with ETags and Last-Modified, as the
// official publishers do, and counts full responses.
func dataServer(t *testing.T, root string) (*httptest.Server, *atomic.Int32) {
	var full atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
		f, err := os.Open(p)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, _ := f.Stat()
		w.Header().Set("ETag", `"`+st.ModTime().Format(time.RFC3339Nano)+`"`)
		if r.Header.Get("If-None-Match") != w.Header().Get("ETag") {
			full.Add(1)
		}
		http.ServeContent(w, r, st.Name(), st.ModTime(), f)
	}))
	t.Cleanup(srv.Close)
	return srv, &full
}

// TestSync: a sync imports what the publishers serve, and a second one,
// answered 304 for every file, makes no version. OFAC serves the OFAC
// sample of 2021 (see sourcetest.OFACSample).
func TestSync(t *testing.T) {
	ofac, ofacFull := dataServer(t, sourcetest.OFACSample(t, "ofac/2021-07-07"))
	un, unFull := dataServer(t, sourcetest.Data(t, "un"))
	db := storetest.OpenSQLite(t)
	srcs := []ingest.Source{
		{List: "ofac", Format: "ofac-csv", URLs: []string{ofac.URL + "/sdn.csv", ofac.URL + "/add.csv", ofac.URL + "/alt.csv", ofac.URL + "/sdn_comments.csv"}},
		{List: "un", URLs: []string{un.URL + "/consolidated.xml"}},
	}
	s := &ingest.Syncer{DB: db, CacheDir: t.TempDir()}
	res, err := s.Sync(context.Background(), srcs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Version == nil || res[0].Version.Entities != 1152 || res[1].Version.Entities != 1003 {
		t.Fatalf("first sync = %+v", res)
	}
	if ofacFull.Load() != 4 || unFull.Load() != 1 {
		t.Errorf("first sync fetched %d OFAC and %d UN files in full, want 4 and 1", ofacFull.Load(), unFull.Load())
	}
	res, err = s.Sync(context.Background(), srcs)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Unchanged || !res[1].Unchanged || ofacFull.Load() != 4 || unFull.Load() != 1 {
		t.Errorf("second sync = %+v, full fetches %d OFAC, %d UN", res, ofacFull.Load(), unFull.Load())
	}
	l, _ := db.List(context.Background(), "ofac")
	if l.CurrentVersion != 1 {
		t.Errorf("unchanged sync made version %d", l.CurrentVersion)
	}
}

func TestSyncLimits(t *testing.T) {
	srv, _ := dataServer(t, sourcetest.Data(t, "un"))
	db := storetest.OpenSQLite(t)
	u := srv.URL + "/consolidated.xml"
	tests := []struct {
		name string
		s    *ingest.Syncer
		src  ingest.Source
		want string
	}{
		{"size limit", &ingest.Syncer{DB: db, CacheDir: t.TempDir(), MaxBytes: 1000}, ingest.Source{List: "un", URLs: []string{u}}, "limit"},
		{"checksum", &ingest.Syncer{DB: db, CacheDir: t.TempDir()}, ingest.Source{List: "un", URLs: []string{u}, SHA256: map[string]string{u: strings.Repeat("0", 64)}}, "sha256"},
		{"not found", &ingest.Syncer{DB: db, CacheDir: t.TempDir()}, ingest.Source{List: "un", URLs: []string{srv.URL + "/nope.xml"}}, "404"},
		{"bad url", &ingest.Syncer{DB: db, CacheDir: t.TempDir()}, ingest.Source{List: "un", URLs: []string{"ftp://x/y"}}, "bad source URL"},
	}
	for _, tt := range tests {
		_, err := tt.s.Sync(context.Background(), []ingest.Source{tt.src})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := db.List(context.Background(), "un"); err == nil {
		t.Error("a failed sync created the list")
	}
}

// TestSyncEmptyComponent: OFAC answering ALT.CSV with 0 bytes, or with
// its first lines only (30% of them, or 80% of its bytes cut at a line
// break, which drops fewer names than the guard allows but lacks the
// file's end-of-file mark), and the other files unchanged, fails the sync
// (which never forces): the list keeps its version and its parties their
// a.k.a.s, and the next sync tries the file again. OFAC serves the OFAC
// sample (see sourcetest.OFACSample).
func TestSyncEmptyComponent(t *testing.T) {
	sample := sourcetest.OFACSample(t, "ofac")
	alt := read(t, filepath.Join(sample, "alt.csv"))
	var altBody atomic.Pointer[[]byte]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.ToLower(strings.TrimPrefix(r.URL.Path, "/"))
		if b := altBody.Load(); name == "alt.csv" && b != nil {
			w.Write(*b)
			return
		}
		http.ServeFile(w, r, filepath.Join(sample, name))
	}))
	defer srv.Close()
	src := ingest.Source{List: "ofac", Format: "ofac-csv", URLs: []string{srv.URL + "/SDN.CSV", srv.URL + "/ADD.CSV", srv.URL + "/ALT.CSV", srv.URL + "/SDN_COMMENTS.CSV"}}
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	s := &ingest.Syncer{DB: db, CacheDir: t.TempDir()}
	if _, err := s.Sync(ctx, []ingest.Source{src}); err != nil {
		t.Fatal(err)
	}
	cut := read(t, cutLines(t, alt, 0.3, t.TempDir(), "alt.csv"))
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"empty", []byte{}, "ALT.CSV is empty"},
		{"cut", cut, "names"},
		{"cut short", cutBytes(alt, 0.8), "alt.csv ends without OFAC's end-of-file mark (0x1A)"},
	} {
		altBody.Store(&tc.body)
		for try := 1; try <= 2; try++ {
			res, err := s.Sync(ctx, []ingest.Source{src})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("sync %d with an ALT.CSV %s: %+v, err = %v, want %q", try, tc.name, res, err, tc.want)
			}
		}
	}
	l, err := db.List(ctx, "ofac")
	if err != nil || l.CurrentVersion != 1 || l.Entities != 2062 {
		t.Errorf("list is now %+v %v", l, err)
	}
	e, err := db.Entity(ctx, "ofac:306", 0)
	if err != nil || len(e.Names) < 2 {
		t.Errorf("ofac:306 is now %+v %v", e, err)
	}
	e, err = db.Entity(ctx, "ofac:44296", 0)
	if err != nil || !slices.ContainsFunc(e.Names, func(n warden.Name) bool { return n.Full == "FGBU TSNII VVKO MINOBORONY ROSSII" }) {
		t.Errorf("ofac:44296 is now %+v %v", e, err)
	}
}

// TestLoadSources: a source names urls or a signed manifest with the key
// that signs it, never both or neither; a key path is taken relative to
// the sources file and read at once, so a bad key stops sync early.
func TestLoadSources(t *testing.T) {
	dir := t.TempDir()
	_, pub, err := publish.GenerateKey(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := os.ReadFile(pub)
	pemJSON, _ := json.Marshal(string(pem))
	m := `"manifest": "https://host/public/lists/cyber_sanctions/latest/ftm/manifest.json"`
	for _, tc := range []struct {
		name, json, err string
	}{
		{"urls", `[{"list": "un", "urls": ["https://host/un.xml"]}]`, ""},
		{"key path", `[{"list": "p", ` + m + `, "public_key": "keys/warden-signing-key.pub.pem"}]`, ""},
		{"key text", `[{"list": "p", ` + m + `, "public_key": ` + string(pemJSON) + `}]`, ""},
		{"neither", `[{"list": "p"}]`, "either urls or a manifest"},
		{"both", `[{"list": "p", "urls": ["https://host/x"], ` + m + `, "public_key": "keys/warden-signing-key.pub.pem"}]`, "either urls or a manifest"},
		{"no key", `[{"list": "p", ` + m + `}]`, "without the public_key"},
		{"remote list", `[{"list": "p", "remote_list": "cyber", "manifest": "https://host/feed/manifest.json", "public_key": "keys/warden-signing-key.pub.pem"}]`, ""},
		{"no remote list", `[{"list": "p", "manifest": "https://host/feed/manifest.json", "public_key": "keys/warden-signing-key.pub.pem"}]`, "names no remote_list"},
		{"missing key file", `[{"list": "p", ` + m + `, "public_key": "nokey.pem"}]`, "nokey.pem"},
		{"not a key", `[{"list": "p", ` + m + `, "public_key": "-----BEGIN NONSENSE-----"}]`, "not a PEM public key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, "sources.json")
			if err := os.WriteFile(file, []byte(tc.json), 0o644); err != nil {
				t.Fatal(err)
			}
			srcs, err := ingest.LoadSources(file)
			if tc.err == "" {
				if err != nil || len(srcs) != 1 {
					t.Fatalf("got %v, %v", srcs, err)
				}
				return
			}
			if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("got %v, want EINVALID with %q", err, tc.err)
			}
		})
	}
}

// signedParty is a designated person as an authority lists it.
func signedParty(sid, name string) *warden.Entity {
	return &warden.Entity{SourceID: sid, Schema: warden.SchemaPerson,
		Names:    []warden.Name{{Full: name, Kind: warden.NamePrimary}, {Full: name + " ALIAS", Kind: warden.NameAKA}},
		Programs: []string{"CYBER2"}, Identifiers: []warden.Identifier{{Type: warden.IDPassport, Value: "P" + sid, Country: "RU"}}}
}

// publisher is another Warden's public export routes: the current version
// of each of its lists, signed, at /public/lists/{name}/latest/{format}/.
func publisher(t *testing.T) (db *store.DB, pubPEM string, srv *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	privPath, pubPath, err := publish.GenerateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := publish.LoadPrivateKey(privPath)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := os.ReadFile(pubPath)
	db = storetest.OpenSQLite(t)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/public/lists/"), "/")
		if len(parts) != 4 || parts[1] != "latest" {
			http.NotFound(w, r)
			return
		}
		l, err := db.List(r.Context(), parts[0])
		if err != nil {
			http.NotFound(w, r)
			return
		}
		set, err := publish.Export(r.Context(), db, publish.Request{List: parts[0], Version: l.CurrentVersion, Format: parts[2]})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		b, ok := set.Signed(priv).Files[parts[3]]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return db, string(pub), srv
}

// putParties stores es as the next version of list.
func putParties(t *testing.T, db *store.DB, list string, es ...*warden.Entity) {
	t.Helper()
	im, err := db.BeginImport(context.Background(), list, "ftm", false)
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

// TestSyncSignedDelisting: a signed set verified against its manifest is
// known whole, so the delisting of one of three parties (33%, and a third
// of the names and identifiers) reaches the consumer, in OFAC CSV and FtM,
// where an unsigned download removing as much is refused. An emptied list
// is still refused.
func TestSyncSignedDelisting(t *testing.T) {
	ctx := context.Background()
	pdb, pub, srv := publisher(t)
	a, b, c := signedParty("1", "YAKUBETS, Maksim"), signedParty("2", "RYZHENKOV, Aleksandr"), signedParty("3", "TURASHEV, Igor")
	putParties(t, pdb, "cyber_sanctions", a, b, c)
	db := storetest.OpenSQLite(t)
	s := &ingest.Syncer{DB: db, CacheDir: t.TempDir()}
	var srcs []ingest.Source
	for _, format := range []string{"ofac-csv", "ftm"} {
		srcs = append(srcs, ingest.Source{List: "partner_" + format, Format: format, PublicKey: pub,
			Manifest: srv.URL + "/public/lists/cyber_sanctions/latest/" + format + "/manifest.json"})
	}
	if _, err := s.Sync(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	putParties(t, pdb, "cyber_sanctions", a, c)
	res, err := s.Sync(ctx, srcs)
	if err != nil {
		t.Fatalf("sync after a delisting: %v", err)
	}
	for i, r := range res {
		if r.Version == nil || r.Version.Version != 2 || r.Version.Entities != 2 || r.Version.Removed != 1 {
			t.Errorf("%s: %+v", srcs[i].List, r.Version)
		}
	}
	putParties(t, pdb, "cyber_sanctions")
	if _, err := s.Sync(ctx, srcs[1:]); err == nil || !strings.Contains(err.Error(), "would be empty") {
		t.Errorf("sync of an emptied list: %v", err)
	}
}

// TestSyncSignedList: a correctly signed manifest of another list, or of
// another format, than the source names is refused naming both, before any
// file it lists is fetched; the list the source names is the remote_list,
// or the one of a manifest URL /public/lists/{name}/...
func TestSyncSignedList(t *testing.T) {
	ctx := context.Background()
	pdb, pub, srv := publisher(t)
	putParties(t, pdb, "cyber_sanctions", signedParty("1", "YAKUBETS, Maksim"))
	putParties(t, pdb, "other_list", signedParty("9", "SOMEONE, Else"))
	latest := srv.URL + "/public/lists/%s/latest/%s/manifest.json"
	// moved serves other_list's set under cyber_sanctions' URL.
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = strings.Replace(r.URL.Path, "/cyber_sanctions/", "/other_list/", 1)
		r.URL.Path = strings.Replace(r.URL.Path, "/stix/", "/ftm/", 1)
		srv.Config.Handler.ServeHTTP(w, r)
	}))
	defer moved.Close()
	for _, tc := range []struct {
		name string
		src  ingest.Source
		want string
	}{
		{"other list from the URL", ingest.Source{Manifest: moved.URL + "/public/lists/cyber_sanctions/latest/ftm/manifest.json"},
			`is a set of list "other_list", the source names "cyber_sanctions"`},
		{"other list named", ingest.Source{RemoteList: "cyber_sanctions", Manifest: fmt.Sprintf(latest, "other_list", "ftm")},
			`is a set of list "other_list", the source names "cyber_sanctions"`},
		{"other format from the URL", ingest.Source{Manifest: moved.URL + "/public/lists/other_list/latest/stix/manifest.json"},
			"is a set of format ftm, the source says stix"},
		{"no list", ingest.Source{Manifest: srv.URL + "/feed/manifest.json"}, "names no remote_list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.OpenSQLite(t)
			tc.src.List, tc.src.PublicKey = "partner", pub
			_, err := (&ingest.Syncer{DB: db, CacheDir: t.TempDir()}).Sync(ctx, []ingest.Source{tc.src})
			if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want EINVALID with %q", err, tc.want)
			}
			if _, err := db.List(ctx, "partner"); err == nil {
				t.Error("the refused set was imported")
			}
		})
	}
	db := storetest.OpenSQLite(t)
	res, err := (&ingest.Syncer{DB: db, CacheDir: t.TempDir()}).Sync(ctx, []ingest.Source{
		{List: "partner", RemoteList: "other_list", PublicKey: pub, Manifest: moved.URL + "/public/lists/cyber_sanctions/latest/ftm/manifest.json"}})
	if err != nil || res[0].Version == nil || res[0].Version.Entities != 1 {
		t.Errorf("remote_list other_list: %+v, %v", res, err)
	}
}
