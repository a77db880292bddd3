package web

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"slices"
	"strconv"
	"sync"
	"time"

	"warden"
	"warden/publish"
)

// Public signs what is published to anyone, without authentication, at
// /public/lists/{name}/..., and keeps it. Which lists are public is the
// lists service's Public: any other list, known or not, is 404 on the
// public routes, so they reveal nothing.
type Public struct {
	// Key signs the manifests. Without it the export routes answer 503
	// rather than serve a set nobody can verify.
	Key ed25519.PrivateKey

	cache *exportCache
	limit *limiter // requests per client address
}

// Public routes are limited per client address (no principal): polling
// consumers fetch a few files a minute; a burst covers a whole set.
const (
	publicRate  = 20
	publicBurst = 200
)

// maxCacheBytes bounds the exports kept in memory; the oldest go first.
const maxCacheBytes = 256 << 20

func (p *Public) init(now func() time.Time) {
	p.cache = &exportCache{sets: map[string]*publish.Set{}, making: map[string]*making{}}
	p.limit = newLimiter(publicRate, publicBurst, now)
}

// exportCache keeps signed sets by list, version and format. The bytes of
// a version never change, so an entry never goes stale; it is only
// evicted, oldest first, to stay under maxCacheBytes. Requests for a set
// being made wait for it rather than make it again (a whole list takes
// about half a second).
type exportCache struct {
	mu     sync.Mutex
	sets   map[string]*publish.Set
	making map[string]*making
	order  []string
	bytes  int
}

// making is a set being made; done closes when set or err is there.
type making struct {
	done chan struct{}
	set  *publish.Set
	err  error
}

// get returns the set under key, making it with export if no request has.
func (c *exportCache) get(key string, export func() (*publish.Set, error)) (*publish.Set, error) {
	c.mu.Lock()
	if set := c.sets[key]; set != nil {
		c.mu.Unlock()
		return set, nil
	}
	if m := c.making[key]; m != nil {
		c.mu.Unlock()
		<-m.done
		return m.set, m.err
	}
	m := &making{done: make(chan struct{})}
	c.making[key] = m
	c.mu.Unlock()
	m.set, m.err = export()
	c.mu.Lock()
	delete(c.making, key)
	if m.err == nil {
		c.put(key, m.set)
	}
	c.mu.Unlock()
	close(m.done)
	return m.set, m.err
}

// put keeps set under key; c.mu is held.
func (c *exportCache) put(key string, set *publish.Set) {
	size := 0
	for _, b := range set.Files {
		size += len(b)
	}
	if size > maxCacheBytes {
		return
	}
	for c.bytes+size > maxCacheBytes && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		for _, b := range c.sets[old].Files {
			c.bytes -= len(b)
		}
		delete(c.sets, old)
	}
	c.sets[key] = set
	c.order = append(c.order, key)
	c.bytes += size
}

// publicLimit charges the client address of a public request, setting
// Retry-After when it says no.
func (s *Server) publicLimit(w http.ResponseWriter, r *http.Request) error {
	err := s.Public.limit.allow(r.Context(), s.clientIP(r), 1)
	var rl *retryAfter
	if errAs(err, &rl) {
		w.Header().Set("Retry-After", rl.seconds())
	}
	return err
}

// publicGate limits the client address and refuses lists that are not
// public with the 404 an unknown list gets.
func (s *Server) publicGate(w http.ResponseWriter, r *http.Request) (string, error) {
	if err := s.publicLimit(w, r); err != nil {
		return "", err
	}
	name := r.PathValue("name")
	if !s.Lists.IsPublic(name) {
		return "", warden.Errorf(warden.ENOTFOUND, "no public list %q", name)
	}
	return name, nil
}

// pathVersion reads {v}: a positive number, or 0 (latest) on the latest routes.
func pathVersion(r *http.Request) (int, error) {
	raw := r.PathValue("v")
	if raw == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < 1 || strconv.Itoa(v) != raw {
		return 0, warden.Errorf(warden.ENOTFOUND, "no version %q", raw)
	}
	return v, nil
}

// publicFile serves one file of a public list version's signed export:
// /public/lists/{name}/versions/{v}/{format}/{file}, and the same files at
// /public/lists/{name}/latest/{format}/{file}. An ftm-delta runs from the
// version before. ETag is the file's SHA-256, Last-Modified the version's
// publication time; conditional and range requests are answered by
// http.ServeContent.
func (s *Server) publicFile(w http.ResponseWriter, r *http.Request) {
	set, lv, err := s.publicSet(w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	file := r.PathValue("file")
	b, ok := set.Files[file]
	if !ok {
		s.Error(w, r, warden.Errorf(warden.ENOTFOUND, "%s version %d in %s has no file %q", lv.List, lv.Version, set.Manifest.Format, file))
		return
	}
	h := w.Header()
	h.Set("ETag", `"`+publish.Describe(file, b).SHA256+`"`)
	h.Set("Content-Type", contentType(file))
	if r.PathValue("v") == "" {
		h.Set("Cache-Control", "public, no-cache") // latest moves: revalidate
	} else {
		h.Set("Cache-Control", "public, max-age=86400")
	}
	http.ServeContent(w, r, file, lv.ImportedAt, bytes.NewReader(b))
}

// publicSet resolves the request's list, version and format to the signed
// set, exporting it on first use.
func (s *Server) publicSet(w http.ResponseWriter, r *http.Request) (*publish.Set, warden.ListVersion, error) {
	name, err := s.publicGate(w, r)
	if err != nil {
		return nil, warden.ListVersion{}, err
	}
	if s.Public.Key == nil {
		return nil, warden.ListVersion{}, warden.Errorf(warden.EUNAVAILABLE, "no signing key configured: public exports are served signed only")
	}
	v, err := pathVersion(r)
	if err != nil {
		return nil, warden.ListVersion{}, err
	}
	format := r.PathValue("format")
	if !slices.Contains(publish.Formats, format) {
		return nil, warden.ListVersion{}, warden.Errorf(warden.ENOTFOUND, "no export format %q (one of ofac-csv, ftm, ftm-delta, stix)", format)
	}
	lv, err := s.Lists.PublicVersion(r.Context(), name, v)
	if err != nil {
		return nil, lv, err
	}
	key := fmt.Sprintf("%s/%d/%s", name, lv.Version, format)
	set, err := s.Public.cache.get(key, func() (*publish.Set, error) {
		// Not the request's context: waiting requests share the result.
		set, err := s.Lists.PublicExport(context.WithoutCancel(r.Context()), lv, format)
		if err != nil {
			return nil, err
		}
		return set.Signed(s.Public.Key), nil
	})
	return set, lv, err
}

func contentType(file string) string {
	switch path.Ext(file) {
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".json":
		return "application/json"
	default:
		return "text/plain; charset=utf-8"
	}
}

// signingKey serves the public half of the signing key as PKIX PEM, which
// consumers pin to verify manifests.
func (s *Server) signingKey(w http.ResponseWriter, r *http.Request) {
	if err := s.publicLimit(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	if s.Public.Key == nil {
		s.Error(w, r, warden.Errorf(warden.EUNAVAILABLE, "no signing key configured"))
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Write(publish.EncodePublicKey(s.Public.Key.Public().(ed25519.PublicKey)))
}

// notice answers GET /v1/lists/{name}/versions/{v}/notice for a person or
// client with lists.read: what the version added, changed and removed.
func (s *Server) notice(w http.ResponseWriter, r *http.Request) {
	v, err := pathVersion(r)
	if err == nil && v == 0 {
		err = warden.Errorf(warden.ENOTFOUND, "no version")
	}
	var lv warden.ListVersion
	if err == nil {
		lv, err = s.Lists.Version(r.Context(), r.PathValue("name"), v) // authorises lists.read
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.writeNotice(w, r, lv, s.Lists.Notice)
}

// publicNotice is the notice of a public list's version, without
// authentication.
func (s *Server) publicNotice(w http.ResponseWriter, r *http.Request) {
	name, err := s.publicGate(w, r)
	var v int
	if err == nil {
		v, err = pathVersion(r)
	}
	var lv warden.ListVersion
	if err == nil {
		lv, err = s.Lists.PublicVersion(r.Context(), name, v)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.writeNotice(w, r, lv, s.Lists.PublicNotice)
}

// writeNotice writes a version's notice, made by build, as HTML, or as
// plain text with ?format=text.
func (s *Server) writeNotice(w http.ResponseWriter, r *http.Request, lv warden.ListVersion, build func(context.Context, warden.ListVersion) (*publish.Notice, error)) {
	format := r.URL.Query().Get("format")
	if format != "" && format != "text" && format != "html" {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "format must be html or text"))
		return
	}
	n, err := build(r.Context(), lv)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Last-Modified", lv.ImportedAt.UTC().Format(http.TimeFormat))
	if format == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(n.Text()))
		return
	}
	var buf bytes.Buffer
	if err := noticeHTML.Execute(&buf, n); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// noticeHTML is a page of its own, without the UI's layout, so that the
// public copy shows nothing of the signed-in UI.
var noticeHTML = template.Must(template.New("notice").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.List}} version {{.Version}}: notice</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><main class="notice">
<h1>{{.List}}, version {{.Version}}</h1>
<p>Published {{.Published.Format "2 January 2006 15:04 UTC"}}.</p>
{{if not (or .Added .Changed .Removed)}}<p>This version changed no entry.</p>{{end}}
{{with .Added}}<h2>The following have been added to the {{$.List}} list:</h2>
{{range .}}<p><bdi>{{.}}</bdi></p>
{{end}}{{end}}
{{with .Changed}}<h2>The following entries on the {{$.List}} list have been changed:</h2>
{{range .}}<p><bdi>{{.Before}}</bdi> -to- <bdi>{{.After}}</bdi></p>
{{with .Dropped}}<p>Removed: {{range $i, $p := .}}{{if $i}}; {{end}}<bdi>{{$p}}</bdi>{{end}}</p>{{end}}
{{with .Gained}}<p>Added: {{range $i, $p := .}}{{if $i}}; {{end}}<bdi>{{$p}}</bdi>{{end}}</p>{{end}}
{{end}}{{end}}
{{with .Removed}}<h2>The following have been removed from the {{$.List}} list:</h2>
{{range .}}<p><bdi>{{.}}</bdi></p>
{{end}}{{end}}
{{if .Omitted}}<p>{{.Omitted}} further changes are not listed here; see the version's export.</p>{{end}}
</main></body></html>
`))
