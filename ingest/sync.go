package ingest

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"warden"
	"warden/publish"
	"warden/sources"
	"warden/store"
)

// Source is a list that sync fetches: the list name, its format, and the
// URLs of its files. SHA256, where set, pins the expected digest of each URL.
//
// A source may instead name the signed export of another Warden: Manifest
// is the URL of its manifest.json (e.g. .../public/lists/NAME/latest/
// ofac-csv/manifest.json) and PublicKey the publisher's Ed25519 public key,
// as PEM text or the path of a PEM file. Sync then fetches the manifest and
// manifest.json.sig beside it, checks the signature, fetches the files the
// manifest names from the same folder and imports them only if each has
// the size and SHA-256 the manifest gives, so that a file changed on the
// way, or a manifest not signed by that key, is refused. The manifest must
// be one of RemoteList, the publisher's name of the list (by default the
// NAME of a manifest URL .../public/lists/NAME/...), and of Format (by
// default the format the URL names), so that a set of another list signed
// with the same key is refused. Such a set, verified, is known whole: its
// import is not held to the share guards (see Request.Verified).
type Source struct {
	List      string            `json:"list"`
	Format    string            `json:"format"`
	URLs      []string          `json:"urls,omitempty"`
	SHA256    map[string]string `json:"sha256,omitempty"`
	Manifest  string            `json:"manifest,omitempty"`
	PublicKey string            `json:"public_key,omitempty"`
	// RemoteList is the list's name on the publisher.
	RemoteList string `json:"remote_list,omitempty"`
}

// remote returns the list and format a Manifest source's sets must be of:
// RemoteList and Format, or else those its URL names
// (/public/lists/NAME/latest/FORMAT/... or
// /public/lists/NAME/versions/V/FORMAT/...); "" for what neither says.
func (src Source) remote() (list, format string) {
	list, format = src.RemoteList, src.Format
	u, err := url.Parse(src.Manifest)
	if err != nil {
		return list, format
	}
	_, rest, ok := strings.Cut(u.Path, "/public/lists/")
	if !ok {
		return list, format
	}
	seg := strings.Split(rest, "/")
	if list == "" {
		list = seg[0]
	}
	if format == "" {
		switch {
		case len(seg) == 4 && seg[1] == "latest":
			format = seg[2]
		case len(seg) == 5 && seg[1] == "versions":
			format = seg[3]
		}
	}
	return list, format
}

// publicKey reads the key of a Manifest source: PEM text, or a PEM file.
func (src Source) publicKey() (ed25519.PublicKey, error) {
	b := []byte(src.PublicKey)
	if !strings.Contains(src.PublicKey, "-----BEGIN") {
		var err error
		if b, err = os.ReadFile(src.PublicKey); err != nil {
			return nil, warden.Errorf(warden.EINVALID, "source %s: public key: %v", src.List, err)
		}
	}
	pub, err := publish.ParsePublicKey(b)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "source %s: %w", src.List, err)
	}
	return pub, nil
}

// DefaultSources are the official publication URLs of the lists Warden
// reads. A sources file (see LoadSources) replaces them.
var DefaultSources = []Source{
	{List: "ofac", Format: "ofac-csv", URLs: []string{
		"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV",
		"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADD.CSV",
		"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ALT.CSV",
		"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_COMMENTS.CSV",
	}},
	{List: "ofac-cons", Format: "ofac-enhanced-xml", URLs: []string{
		"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ENHANCED.ZIP",
	}},
	{List: "un", Format: "un-xml", URLs: []string{"https://scsanctions.un.org/resources/xml/en/consolidated.xml"}},
	{List: "uk", Format: "uk-csv", URLs: []string{"https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"}},
	{List: "us-csl", Format: "csl-csv", URLs: []string{"https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"}},
}

// LoadSources reads a JSON array of sources from a file. A public key path
// is taken relative to the file's folder, and every key is read now, so
// that a bad one stops sync before it fetches anything.
func LoadSources(file string) ([]Source, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "sources file: %w", err)
	}
	var out []Source
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, warden.Errorf(warden.EINVALID, "sources file %s: %w", file, err)
	}
	for i, s := range out {
		if s.List == "" || (len(s.URLs) == 0) == (s.Manifest == "") {
			return nil, warden.Errorf(warden.EINVALID, "sources file %s: each source needs a list and either urls or a manifest", file)
		}
		if s.Manifest == "" {
			continue
		}
		if l, _ := s.remote(); l == "" {
			return nil, warden.Errorf(warden.EINVALID, "sources file %s: source %s names no remote_list, and its manifest URL is not .../public/lists/NAME/...", file, s.List)
		}
		if s.PublicKey == "" {
			return nil, warden.Errorf(warden.EINVALID, "sources file %s: source %s names a manifest without the public_key that signs it", file, s.List)
		}
		if !strings.Contains(s.PublicKey, "-----BEGIN") && !filepath.IsAbs(s.PublicKey) {
			out[i].PublicKey = filepath.Join(filepath.Dir(file), s.PublicKey)
		}
		if _, err := out[i].publicKey(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Syncer fetches sources and imports what changed.
type Syncer struct {
	DB       *store.DB
	Client   *http.Client
	CacheDir string // where the last copy of each file is kept
	MaxBytes int64  // per file
	// MaxRemoved is the largest share of a list's parties a new version
	// may remove (zero: DefaultMaxRemoved). A sync never forces: a
	// version the guards refuse fails the sync and is not stored.
	MaxRemoved float64
	Progress   Progress
	Log        func(format string, args ...any)
}

// SyncResult says what happened to one source.
type SyncResult struct {
	List      string              `json:"list"`
	Unchanged bool                `json:"unchanged"`
	Version   *warden.ListVersion `json:"version,omitempty"`
}

// Sync fetches every source and imports those whose files changed. It stops
// at the first error; lists already synced stay synced.
func (s *Syncer) Sync(ctx context.Context, srcs []Source) ([]SyncResult, error) {
	var out []SyncResult
	for _, src := range srcs {
		r, err := s.syncOne(ctx, src)
		if err != nil {
			return out, fmt.Errorf("sync %s: %w", src.List, err)
		}
		out = append(out, r)
	}
	return out, nil
}

type fetched struct {
	state   warden.SyncState
	path    string
	changed bool
}

func (s *Syncer) syncOne(ctx context.Context, src Source) (SyncResult, error) {
	res := SyncResult{List: src.List}
	dir := filepath.Join(s.CacheDir, src.List)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	// files are imported; signed are the manifest and signature of a
	// Manifest source, kept and recorded with them but not imported.
	var files, signed []fetched
	format := src.Format
	if src.Manifest != "" {
		var err error
		if signed, files, format, err = s.fetchSigned(ctx, dir, src); err != nil {
			return res, err
		}
	}
	for _, u := range src.URLs {
		f, err := s.fetch(ctx, dir, u, src.SHA256[u])
		if err != nil {
			return res, err
		}
		files = append(files, f)
	}
	changed := false
	for _, f := range append(files, signed...) {
		changed = changed || f.changed
	}
	if !changed {
		res.Unchanged = true
		for _, f := range append(files, signed...) {
			os.Remove(f.path + ".new")
		}
		return res, nil
	}
	// Import from the new downloads (or the cached copy of unchanged files),
	// each under its final name, since parsers recognise files by name; only
	// then replace the cache and record the state.
	actual := map[string]string{}
	var paths []string
	for _, f := range files {
		actual[f.path] = f.path
		if f.changed {
			actual[f.path] = f.path + ".new"
		}
		paths = append(paths, f.path)
	}
	in := warden.Input{Paths: paths, Open: func(p string) (io.ReadCloser, error) { return os.Open(actual[p]) }}
	v, err := Import(ctx, s.DB, Request{List: src.List, Format: format, Input: in, MaxRemoved: s.MaxRemoved, Verified: src.Manifest != ""}, s.Progress)
	if err != nil {
		return res, err
	}
	res.Version = &v
	for _, f := range append(files, signed...) {
		if f.changed {
			if err := os.Rename(f.path+".new", f.path); err != nil {
				return res, err
			}
		}
		if err := s.DB.SetSyncState(ctx, f.state); err != nil {
			return res, err
		}
	}
	return res, nil
}

// current is the file's content as fetched: the new download, or the
// cached copy when it did not change.
func (f fetched) current() string {
	if f.changed {
		return f.path + ".new"
	}
	return f.path
}

// fetchSigned fetches a Manifest source: the manifest and its signature,
// which must verify with the source's key before any file the manifest
// names is fetched, then each file, refused (naming it) unless its size
// and SHA-256 are the manifest's. It returns the manifest and signature,
// the files, and the format to import them as: the manifest's, which must
// be the source's when the source names one.
func (s *Syncer) fetchSigned(ctx context.Context, dir string, src Source) (signed, files []fetched, format string, err error) {
	pub, err := src.publicKey()
	if err != nil {
		return nil, nil, "", err
	}
	list, wantFormat := src.remote()
	if list == "" {
		return nil, nil, "", warden.Errorf(warden.EINVALID, "source %s names no remote_list, and its manifest URL is not .../public/lists/NAME/...", src.List)
	}
	base, err := url.Parse(src.Manifest)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, nil, "", warden.Errorf(warden.EINVALID, "bad manifest URL %q", src.Manifest)
	}
	beside := func(name string) string { return base.ResolveReference(&url.URL{Path: name}).String() }
	var raw [2][]byte
	for i, u := range []string{src.Manifest, beside(path.Base(base.Path) + ".sig")} {
		f, err := s.fetch(ctx, dir, u, "")
		if err != nil {
			return nil, nil, "", err
		}
		signed = append(signed, f)
		if raw[i], err = os.ReadFile(f.current()); err != nil {
			return nil, nil, "", err
		}
	}
	m, err := publish.VerifyManifest(pub, raw[0], raw[1])
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s: %w", src.Manifest, err)
	}
	// The cached manifest is the last one imported: a correctly signed
	// older set (a replay) must not take the list back.
	if last, err := os.ReadFile(signed[0].path); err == nil && signed[0].changed {
		if prev, err := publish.DecodeManifest(last); err == nil && m.Version < prev.Version {
			return nil, nil, "", warden.Errorf(warden.EINVALID, "%s is version %d of %s, older than version %d synced before", src.Manifest, m.Version, m.List, prev.Version)
		}
	}
	if m.List != list {
		return nil, nil, "", warden.Errorf(warden.EINVALID, "%s is a set of list %q, the source names %q", src.Manifest, m.List, list)
	}
	if wantFormat != "" && m.Format != wantFormat {
		return nil, nil, "", warden.Errorf(warden.EINVALID, "%s is a set of format %s, the source says %s", src.Manifest, m.Format, wantFormat)
	}
	if _, ok := sources.Formats[m.Format]; !ok {
		return nil, nil, "", warden.Errorf(warden.EINVALID, "%s is a set of format %s, which warden sync does not import", src.Manifest, m.Format)
	}
	if len(m.Files) == 0 {
		return nil, nil, "", warden.Errorf(warden.EINVALID, "%s lists no file", src.Manifest)
	}
	for _, mf := range m.Files {
		f, err := s.fetch(ctx, dir, beside(mf.Name), "")
		if err != nil {
			return nil, nil, "", fmt.Errorf("%s: %w", mf.Name, err)
		}
		b, err := os.ReadFile(f.current())
		if err == nil {
			err = mf.Check(b)
		}
		if err != nil {
			return nil, nil, "", err
		}
		files = append(files, f)
	}
	return signed, files, m.Format, nil
}

// fetch downloads u into dir with a conditional GET. A 304, or a body whose
// digest equals the last one, is unchanged.
func (s *Syncer) fetch(ctx context.Context, dir, u, wantSHA string) (fetched, error) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") {
		return fetched{}, warden.Errorf(warden.EINVALID, "bad source URL %q", u)
	}
	name := path.Base(pu.Path)
	if name == "" || name == "/" || name == "." {
		name = "download"
	}
	f := fetched{path: filepath.Join(dir, name)}
	prev, err := s.DB.SyncState(ctx, u)
	if err != nil {
		return f, err
	}
	f.state = prev
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return f, err
	}
	if _, err := os.Stat(f.path); err == nil {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	resp, err := client.Do(req)
	if err != nil {
		return f, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		s.logf("%s: not modified", u)
		return f, nil
	}
	if resp.StatusCode != http.StatusOK {
		return f, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	max := s.MaxBytes
	if max <= 0 {
		max = 512 << 20
	}
	if resp.ContentLength > max {
		return f, fmt.Errorf("GET %s: %d bytes exceeds the limit of %d", u, resp.ContentLength, max)
	}
	tmp, err := os.Create(f.path + ".new")
	if err != nil {
		return f, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, max+1))
	tmp.Close()
	if err != nil {
		os.Remove(tmp.Name())
		return f, fmt.Errorf("GET %s: %w", u, err)
	}
	if n > max {
		os.Remove(tmp.Name())
		return f, fmt.Errorf("GET %s: body exceeds the limit of %d bytes", u, max)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if wantSHA != "" && !strings.EqualFold(wantSHA, sum) {
		os.Remove(tmp.Name())
		return f, fmt.Errorf("GET %s: sha256 %s, want %s", u, sum, wantSHA)
	}
	f.state = warden.SyncState{URL: u, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), SHA256: sum}
	if _, err := os.Stat(f.path); err == nil && sum == prev.SHA256 {
		s.logf("%s: same content (sha256 %s)", u, sum[:12])
		os.Remove(tmp.Name())
		return f, nil
	}
	s.logf("%s: %d bytes, sha256 %s", u, n, sum[:12])
	f.changed = true
	return f, nil
}

func (s *Syncer) logf(format string, args ...any) {
	if s.Log != nil {
		s.Log(format, args...)
	}
}
