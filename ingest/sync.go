package ingest

import (
	"context"
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
	"warden/store"
)

// Source is a list that sync fetches: the list name, its format, and the
// URLs of its files. SHA256, where set, pins the expected digest of each URL.
type Source struct {
	List   string            `json:"list"`
	Format string            `json:"format"`
	URLs   []string          `json:"urls"`
	SHA256 map[string]string `json:"sha256,omitempty"`
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

// LoadSources reads a JSON array of sources from a file.
func LoadSources(file string) ([]Source, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "sources file: %w", err)
	}
	var out []Source
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, warden.Errorf(warden.EINVALID, "sources file %s: %w", file, err)
	}
	for _, s := range out {
		if s.List == "" || len(s.URLs) == 0 {
			return nil, warden.Errorf(warden.EINVALID, "sources file %s: each source needs a list and urls", file)
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
	var files []fetched
	changed := false
	for _, u := range src.URLs {
		f, err := s.fetch(ctx, dir, u, src.SHA256[u])
		if err != nil {
			return res, err
		}
		changed = changed || f.changed
		files = append(files, f)
	}
	if !changed {
		res.Unchanged = true
		for _, f := range files {
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
	v, err := Import(ctx, s.DB, Request{List: src.List, Format: src.Format, Input: in, MaxRemoved: s.MaxRemoved}, s.Progress)
	if err != nil {
		return res, err
	}
	res.Version = &v
	for _, f := range files {
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
