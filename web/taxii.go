package web

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/intel"
	"warden/stix"
	"warden/taxii"
)

// The TAXII 2.1 server (docs/taxii.md): one API root, "api", whose
// collections are the intelligence service's (a counterpart knows only its
// organisation's). Every read goes through intel.Service, which applies
// the TLP rules; every object written is checked once more here, so that
// nothing RED leaves, whatever a collection holds. Requests and answers are
// in TAXII's media type (406 for an Accept without it, 415 for a POST in
// another), errors are TAXII error messages.

// taxiiObjectParams are the query parameters of the routes that list
// objects of a collection.
var taxiiObjectParams = []param{{"added_after", "string", "only what was added to the collection after this RFC 3339 time"},
	{"limit", "integer", "at most this many (1-10000, default 100)"}, {"next", "string", "the page a previous answer's next names"},
	{"match[id]", "string", "object ids, comma-separated"}, {"match[type]", "string", "object types, comma-separated"},
	{"match[version]", "string", "last (default), first, all, or modified timestamps comma-separated"},
	{"match[spec_version]", "string", "spec versions, comma-separated"}}

// taxiiRoutes are the TAXII 2.1 server's routes (/taxii2/...).
func (s *Server) taxiiRoutes() []route {
	obj := "/taxii2/api/collections/{id}/objects/{object}/"
	one := []param{taxiiObjectParams[0], taxiiObjectParams[1], taxiiObjectParams[2], taxiiObjectParams[5], taxiiObjectParams[6]}
	rs := []route{
		{method: "GET", path: "/taxii2/", h: s.taxiiDiscovery, action: warden.ActIntelRead, summary: "TAXII 2.1 discovery: the API root", resp: "TAXIIDiscovery"},
		{method: "GET", path: "/taxii2/api/", h: s.taxiiAPIRoot, action: warden.ActIntelRead, summary: "TAXII 2.1 API root", resp: "TAXIIApiRoot"},
		{method: "GET", path: "/taxii2/api/collections/", h: s.taxiiCollections, action: warden.ActIntelRead, summary: "TAXII collections the caller may know of (a counterpart: its organisation's), with can_read and can_write", resp: "TAXIICollections"},
		{method: "GET", path: "/taxii2/api/collections/{id}/", h: s.taxiiCollection, action: warden.ActIntelRead, summary: "One TAXII collection (404 for another organisation's)", resp: "TAXIICollection"},
		{method: "GET", path: "/taxii2/api/collections/{id}/objects/", h: s.taxiiObjects, action: warden.ActIntelRead, summary: "A page of a collection's objects the caller may see, oldest added first (X-TAXII-Date-Added-First and -Last; next to go on)", resp: "TAXIIEnvelope", params: taxiiObjectParams},
		{method: "POST", path: "/taxii2/api/collections/{id}/objects/", h: s.taxiiAdd, action: warden.ActIntelSubmit, summary: "Add an envelope of STIX objects to a writable collection: stored at once (202 with the status, complete), or nothing stored if any object is invalid (400 naming the problems)", body: "TAXIIEnvelope", resp: "TAXIIStatus", status: http.StatusAccepted},
		{method: "GET", path: obj, h: s.taxiiObject, action: warden.ActIntelRead, summary: "An object of a collection (its last version, or those match[version] names)", resp: "TAXIIEnvelope", params: one},
		{method: "DELETE", path: obj, h: s.taxiiDelete, action: warden.ActIntelWrite, summary: "Remove an object from a collection (it is no longer shared there; Warden keeps it)"},
		{method: "GET", path: obj + "versions/", h: s.taxiiVersions, action: warden.ActIntelRead, summary: "The versions (modified timestamps) of an object of a collection", resp: "TAXIIVersions", params: []param{taxiiObjectParams[0], taxiiObjectParams[1], taxiiObjectParams[2], taxiiObjectParams[6]}},
		{method: "GET", path: "/taxii2/api/collections/{id}/manifest/", h: s.taxiiManifest, action: warden.ActIntelRead, summary: "A page of a collection's manifest: id, date added, version and media type of each object version", resp: "TAXIIManifest", params: taxiiObjectParams},
		{method: "GET", path: "/taxii2/api/status/{id}/", h: s.taxiiStatus, action: warden.ActIntelRead, summary: "The status of an envelope posted (the caller's own organisation's, for a counterpart)", resp: "TAXIIStatus"},
	}
	for i := range rs {
		rs[i].h = s.taxiiHandler(rs[i])
	}
	return rs
}

// taxiiHandler checks what every TAXII request must carry before h runs:
// the path exactly as the route's (the routes end in / and so match
// every path below them too), and an Accept of TAXII 2.1; a server
// without the intelligence service answers 503.
func (s *Server) taxiiHandler(rt route) http.HandlerFunc {
	depth := strings.Count(rt.path, "/")
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.Count(r.URL.Path, "/") != depth {
			s.taxiiError(w, r, warden.Errorf(warden.ENOTFOUND, "no such TAXII resource: %s", r.URL.Path))
			return
		}
		if s.Intel == nil {
			s.taxiiError(w, r, warden.Errorf(warden.EUNAVAILABLE, "intelligence is not configured on this server"))
			return
		}
		if !acceptsTAXII(r.Header.Get("Accept")) {
			s.taxiiFail(w, r, http.StatusNotAcceptable, "Not Acceptable", "Accept must include "+taxii.MediaType)
			return
		}
		rt.h(w, r)
	}
}

// acceptsTAXII reports whether an Accept header takes TAXII 2.1: its
// media type, without version or with 2.1, or any type (a missing header
// included, as many clients send none), at a quality above 0. The most
// specific range that covers TAXII 2.1 gives its quality, so that
// "application/taxii+json;version=2.1;q=0, */*" refuses it (RFC 9110,
// 12.5.1).
func acceptsTAXII(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	best, q := -1, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		rank := -1
		switch mt {
		case "*/*":
			rank = 0
		case "application/*":
			rank = 1
		case "application/taxii+json":
			switch v, ok := params["version"]; {
			case !ok:
				rank = 2
			case v == "2.1":
				rank = 3
			}
		}
		if rank <= best {
			continue
		}
		pq := 1.0
		if v, ok := params["q"]; ok {
			if pq, err = strconv.ParseFloat(v, 64); err != nil || pq < 0 || pq > 1 {
				continue
			}
		}
		best, q = rank, pq
	}
	return best >= 0 && q > 0
}

// isTAXII reports whether a Content-Type is TAXII 2.1's.
func isTAXII(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/taxii+json" {
		return false
	}
	v, ok := params["version"]
	return !ok || v == "2.1"
}

// writeTAXII answers v in TAXII's media type.
func writeTAXII(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.Header().Set("Content-Type", taxii.MediaType)
		w.WriteHeader(http.StatusInternalServerError)
		b, _ = json.Marshal(taxii.Error{Title: "Internal Server Error", Description: "the answer could not be written as JSON", HTTPStatus: "500"})
		w.Write(b)
		return
	}
	w.Header().Set("Content-Type", taxii.MediaType)
	w.WriteHeader(status)
	w.Write(b)
}

// taxiiError answers err as a TAXII error message, with the status and
// code Error would give it.
func (s *Server) taxiiError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, detail := s.status(r, err)
	writeTAXII(w, status, taxii.Error{Title: http.StatusText(status), Description: detail, ErrorID: RequestID(r.Context()), ErrorCode: code, HTTPStatus: strconv.Itoa(status)})
}

// taxiiFail answers a TAXII error message of a status Warden's error codes
// do not have (406, 415), with the status as its error_code.
func (s *Server) taxiiFail(w http.ResponseWriter, r *http.Request, status int, title, description string) {
	writeTAXII(w, status, taxii.Error{Title: title, Description: description, ErrorID: RequestID(r.Context()), ErrorCode: strconv.Itoa(status), HTTPStatus: strconv.Itoa(status)})
}

func (s *Server) taxiiDiscovery(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	root := scheme + "://" + r.Host + "/taxii2/api/"
	writeTAXII(w, http.StatusOK, taxii.Discovery{Title: "Warden", Description: "Intelligence that sanctions and cooperation requests rest on, in STIX 2.1, shared by TLP 2.0 markings",
		Default: root, APIRoots: []string{root}})
}

func (s *Server) taxiiAPIRoot(w http.ResponseWriter, r *http.Request) {
	writeTAXII(w, http.StatusOK, taxii.APIRoot{Title: "Warden intelligence", Versions: []string{taxii.MediaType}, MaxContentLength: stix.MaxBundle})
}

// taxiiCollectionOf describes a collection to p: it may write to it only
// if its role may submit.
func taxiiCollectionOf(p warden.Principal, c warden.Collection) taxii.Collection {
	return taxii.Collection{ID: c.ID, Title: c.Title, Description: c.Description, CanRead: c.CanRead,
		CanWrite: c.CanWrite && warden.Allowed(p.Role, warden.ActIntelSubmit), MediaTypes: []string{taxii.MediaSTIX}}
}

func (s *Server) taxiiCollections(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Intel.Collections(r.Context())
	if err != nil {
		s.taxiiError(w, r, err)
		return
	}
	p, _ := warden.PrincipalFrom(r.Context())
	out := taxii.Collections{}
	for _, c := range cs {
		out.Collections = append(out.Collections, taxiiCollectionOf(p, c))
	}
	writeTAXII(w, http.StatusOK, out)
}

func (s *Server) taxiiCollection(w http.ResponseWriter, r *http.Request) {
	c, err := s.Intel.Collection(r.Context(), r.PathValue("id"))
	if err != nil {
		s.taxiiError(w, r, err)
		return
	}
	p, _ := warden.PrincipalFrom(r.Context())
	writeTAXII(w, http.StatusOK, taxiiCollectionOf(p, c))
}

// readableCollection returns the collection of the request, refusing one
// the caller may not read (403: TAXII's answer for can_read false).
func (s *Server) readableCollection(r *http.Request) (warden.Collection, error) {
	c, err := s.Intel.Collection(r.Context(), r.PathValue("id"))
	if err == nil && !c.CanRead {
		err = warden.Errorf(warden.EFORBIDDEN, "collection %s is not readable", c.ID)
	}
	return c, err
}

// taxiiFilter reads the query parameters of an objects, object, versions
// or manifest request.
func taxiiFilter(r *http.Request, collection string) (intel.Filter, error) {
	q := r.URL.Query()
	f := intel.Filter{Collection: collection, Next: q.Get("next"), Versions: q.Get("match[version]")}
	if v := q.Get("added_after"); v != "" {
		t, err := taxii.ParseTime(v)
		if err != nil {
			return f, warden.Errorf(warden.EINVALID, "added_after: %q is not an RFC 3339 time", v)
		}
		f.AddedAfter = t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return f, warden.Errorf(warden.EINVALID, "limit: %q is not a number from 1 to 10000", v)
		}
		f.Limit = n
	}
	f.IDs = commaList(q.Get("match[id]"))
	f.Types = commaList(q.Get("match[type]"))
	f.SpecVersion = commaList(q.Get("match[spec_version]"))
	return f, nil
}

func commaList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// page reads a page of the collection's objects the request asks for;
// object, if set, narrows it to one object's versions.
func (s *Server) taxiiPage(w http.ResponseWriter, r *http.Request, object, versions string) (intel.Page, bool) {
	c, err := s.readableCollection(r)
	if err != nil {
		s.taxiiError(w, r, err)
		return intel.Page{}, false
	}
	f, err := taxiiFilter(r, c.ID)
	if err == nil && object != "" {
		f.IDs = []string{object}
	}
	if err == nil && versions != "" {
		f.Versions = versions
	}
	var page intel.Page
	if err == nil {
		page, err = s.Intel.Objects(r.Context(), f)
	}
	if err != nil {
		s.taxiiError(w, r, err)
		return page, false
	}
	// The defence: whatever the service returned, nothing RED is written.
	kept := page.Objects[:0]
	for _, o := range page.Objects {
		if o.TLP == warden.TLPRed || o.TLP.Rank() < 0 || intel.IsRed(o.Object) {
			s.Log.Error("taxii: a RED object was about to leave; left out", "id", RequestID(r.Context()), "object", o.ID, "collection", c.ID)
			continue
		}
		kept = append(kept, o)
	}
	page.Objects = kept
	if object != "" && len(page.Objects) == 0 && f.Next == "" {
		s.taxiiError(w, r, warden.Errorf(warden.ENOTFOUND, "no object %s in collection %s", object, c.ID))
		return page, false
	}
	if !page.First.IsZero() {
		w.Header().Set("X-TAXII-Date-Added-First", taxii.Timestamp(page.First))
		w.Header().Set("X-TAXII-Date-Added-Last", taxii.Timestamp(page.Last))
	}
	return page, true
}

// envelope writes a page as TAXII's envelope: each object with its TLP
// marking, added when its JSON carries none; a marking definition goes out
// exactly as defined, never marked itself.
func envelope(page intel.Page) taxii.Envelope {
	e := taxii.Envelope{More: page.More, Next: page.Next}
	for _, o := range page.Objects {
		raw := o.Object
		if o.Type != "marking-definition" {
			raw, _ = stix.WithTLP(o.Object, o.TLP)
		}
		e.Objects = append(e.Objects, raw)
	}
	return e
}

func (s *Server) taxiiObjects(w http.ResponseWriter, r *http.Request) {
	if page, ok := s.taxiiPage(w, r, "", ""); ok {
		writeTAXII(w, http.StatusOK, envelope(page))
	}
}

func (s *Server) taxiiObject(w http.ResponseWriter, r *http.Request) {
	if page, ok := s.taxiiPage(w, r, r.PathValue("object"), ""); ok {
		writeTAXII(w, http.StatusOK, envelope(page))
	}
}

func (s *Server) taxiiVersions(w http.ResponseWriter, r *http.Request) {
	page, ok := s.taxiiPage(w, r, r.PathValue("object"), "all")
	if !ok {
		return
	}
	v := taxii.Versions{More: page.More, Next: page.Next}
	for _, o := range page.Objects {
		v.Versions = append(v.Versions, versionOf(o))
	}
	writeTAXII(w, http.StatusOK, v)
}

func (s *Server) taxiiManifest(w http.ResponseWriter, r *http.Request) {
	page, ok := s.taxiiPage(w, r, "", "")
	if !ok {
		return
	}
	m := taxii.Manifest{More: page.More, Next: page.Next}
	for _, o := range page.Objects {
		m.Objects = append(m.Objects, taxii.ManifestRecord{ID: o.ID, DateAdded: taxii.Timestamp(o.Added), Version: versionOf(o), MediaType: taxii.MediaSTIX})
	}
	writeTAXII(w, http.StatusOK, m)
}

// versionOf is an object version's TAXII version: its own modified (or
// created) as written, else Warden's reading of it.
func versionOf(o warden.IntelObject) string {
	var v struct{ Modified, Created string }
	if json.Unmarshal(o.Object, &v) == nil {
		if v.Modified != "" {
			return v.Modified
		}
		if v.Created != "" {
			return v.Created
		}
	}
	return o.Modified.UTC().Format("2006-01-02T15:04:05.000Z")
}

func (s *Server) taxiiDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Intel.Unshare(r.Context(), r.PathValue("id"), r.PathValue("object")); err != nil {
		s.taxiiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", taxii.MediaType)
	w.WriteHeader(http.StatusOK)
}

// taxiiAdd stores a posted envelope in the collection: all of it, or —
// if any object is invalid — nothing, answered 400 naming the problems
// (Warden does not store part of an envelope, so a status never has
// failures next to successes).
func (s *Server) taxiiAdd(w http.ResponseWriter, r *http.Request) {
	if !isTAXII(r.Header.Get("Content-Type")) {
		s.taxiiFail(w, r, http.StatusUnsupportedMediaType, "Unsupported Media Type", "Content-Type must be "+taxii.MediaType)
		return
	}
	body, err := readBody(w, r, stix.MaxBundle)
	if err != nil {
		s.taxiiError(w, r, err)
		return
	}
	rep, err := s.Intel.Import(r.Context(), bytes.NewReader(body), intel.ImportOptions{Source: "taxii:post", Collection: r.PathValue("id")})
	if err != nil {
		s.taxiiImportError(w, r, rep, err)
		return
	}
	writeTAXII(w, http.StatusAccepted, taxiiStatusOf(rep, postedVersions(body)))
}

// taxiiImportError answers a refused envelope: its schema problems, by
// object and path, in the error's details; the second and later problems
// at one object and path as "#2", "#3" after it, so that none is lost.
func (s *Server) taxiiImportError(w http.ResponseWriter, r *http.Request, rep warden.IntelImport, err error) {
	if len(rep.Errors) == 0 {
		s.taxiiError(w, r, err)
		return
	}
	status, code, detail := s.status(r, err)
	details := map[string]string{}
	seen := map[string]int{}
	for i, p := range rep.Errors {
		if i == 20 {
			details["more"] = strconv.Itoa(len(rep.Errors)-i) + " more problems"
			break
		}
		key := p.Object
		if p.Path != "" {
			key += " " + p.Path
		}
		if seen[key]++; seen[key] > 1 {
			key += " #" + strconv.Itoa(seen[key])
		}
		details[key] = p.Message
	}
	writeTAXII(w, status, taxii.Error{Title: "The envelope is invalid: nothing was stored", Description: detail, ErrorID: RequestID(r.Context()), ErrorCode: code,
		HTTPStatus: strconv.Itoa(status), Details: details})
}

// postedVersions reads the version (modified, else created) of each
// object of a posted envelope, by id.
func postedVersions(body []byte) map[string]string {
	var e struct {
		Objects []struct{ ID, Modified, Created string } `json:"objects"`
	}
	json.Unmarshal(body, &e)
	out := make(map[string]string, len(e.Objects))
	for _, o := range e.Objects {
		v := o.Modified
		if v == "" {
			v = o.Created
		}
		out[o.ID] = v
	}
	return out
}

// taxiiStatusOf is the TAXII status of an import: complete, since Warden
// stores an envelope at once (and stores nothing of an invalid one). Its
// failures are the objects the import kept out (rep.Skipped: another
// source's id, a reserved id, a conflicting version). versions gives each
// object's version as posted:
// with it, the successes are listed; without it (a status read later,
// when the report no longer says which version of each id was posted),
// only counted, as TAXII allows.
func taxiiStatusOf(rep warden.IntelImport, versions map[string]string) taxii.Status {
	st := taxii.Status{ID: rep.ID, Status: "complete", RequestTimestamp: rep.At.UTC().Format(time.RFC3339Nano), TotalCount: rep.Total,
		SuccessCount: rep.Added + rep.Versions + rep.Unchanged, FailureCount: rep.Total - rep.Added - rep.Versions - rep.Unchanged}
	if versions != nil {
		for _, id := range rep.Successes {
			st.Successes = append(st.Successes, taxii.StatusDetail{ID: id, Version: versions[id]})
		}
	}
	// What an import kept out (another source's id, a reserved id, a
	// conflicting version) failed.
	for _, p := range rep.Skipped {
		st.Failures = append(st.Failures, taxii.StatusDetail{ID: p.Object, Version: versions[p.Object], Message: p.Message})
	}
	return st
}

func (s *Server) taxiiStatus(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Intel.ImportReport(r.Context(), r.PathValue("id"))
	if err != nil {
		s.taxiiError(w, r, err)
		return
	}
	writeTAXII(w, http.StatusOK, taxiiStatusOf(rep, nil))
}
