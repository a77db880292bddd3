package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"warden"
	"warden/intel"
	"warden/stix"
)

// The intelligence API (/v1/intel/...): STIX 2.1 objects with their TLP
// markings, imported and exported as bundles, recorded one by one,
// related, linked to Warden's records, shared in collections, pulled from
// and pushed to partners. The intel service authorises every call and
// applies TLP on every read (an object the caller may not see is 404);
// these handlers read requests and write answers.

// maxIntelBody bounds the JSON bodies of the intelligence API other than
// bundles: a report may list thousands of object_refs.
const maxIntelBody = 1 << 20

// intelRoutes are the intelligence API's routes (/v1/intel/...).
func (s *Server) intelRoutes() []route {
	exportParams := []param{{"id", "string", "STIX ids, comma-separated: these objects and everything they reference or are related to"},
		{"collection", "string", "everything shared in this collection"}, {"since", "string", "with collection, or for alone: shared since this RFC 3339 time"},
		{"for", "string", "an organisation: export as that counterpart would see it (no RED, AMBER only if shared with it); alone, everything shared with it"},
		{"entity", "string", "listed or designated parties (list:source_id), comma-separated, as identity objects"},
		{"request", "string", "cooperation request ids, comma-separated, as grouping objects with what they link"}}
	return []route{
		{method: "GET", path: "/v1/intel/objects", h: s.apiIntelObjects, action: warden.ActIntelRead, summary: "STIX objects the caller may see (current versions unless version says otherwise), oldest stored first", resp: "IntelObjects",
			params: []param{{"type", "string", "STIX types, comma-separated (incident, threat-actor, indicator...)"}, {"id", "string", "STIX ids, comma-separated"},
				{"q", "string", "text in the name"}, {"collection", "string", "only objects shared in this collection"},
				{"version", "string", "last (default), first, all, or modified times comma-separated"}, {"added_after", "string", "versions stored after this RFC 3339 time"},
				{"limit", "integer", "at most this many (1-1000, default 100)"}, {"next", "string", "the next of the previous page"}}},
		{method: "POST", path: "/v1/intel/objects", h: s.apiCreateIntel, action: warden.ActIntelWrite, summary: "Record an incident, threat actor, intrusion set, indicator (from a pattern or an observable), infrastructure, malware, report, identity, note or opinion as a STIX object Warden writes", body: "IntelInput", resp: "IntelObject", status: 201},
		{method: "GET", path: "/v1/intel/objects/{id}", h: s.apiIntelObject, action: warden.ActIntelRead, summary: "The current version of an object (404 if the caller may not see it)", resp: "IntelObject"},
		{method: "GET", path: "/v1/intel/objects/{id}/view", h: s.apiIntelView, action: warden.ActIntelRead, summary: "An object with its visible edges and neighbours, links to Warden's records, observables, related incidents (incidents sharing an indicator) and what an indicator touches", resp: "IntelView"},
		{method: "GET", path: "/v1/intel/objects/{id}/versions", h: s.apiIntelVersions, action: warden.ActIntelRead, summary: "Every version of an object, oldest first", resp: "IntelVersions"},
		{method: "PUT", path: "/v1/intel/objects/{id}", h: s.apiUpdateIntel, action: warden.ActIntelWrite, summary: "Write a new version: fields merged over the current version, the TLP changed if given", body: "IntelUpdate", resp: "IntelObject"},
		{method: "PATCH", path: "/v1/intel/objects/{id}", h: s.apiUpdateIntel, action: warden.ActIntelWrite, summary: "The same as PUT: a new version with fields merged over the current one", body: "IntelUpdate", resp: "IntelObject"},
		{method: "POST", path: "/v1/intel/objects/{id}/revoke", h: s.apiRevokeIntel, action: warden.ActIntelWrite, summary: "Revoke an object: a new version with revoked true (an indicator stops holding payments)", body: "IntelRevoke", resp: "IntelObject"},
		{method: "POST", path: "/v1/intel/relationships", h: s.apiRelateIntel, action: warden.ActIntelWrite, summary: "Relate two visible objects (attributed-to, uses, indicates, targets, related-to...) with a confidence", body: "IntelRelationship", resp: "IntelObject", status: 201},
		{method: "GET", path: "/v1/intel/links", h: s.apiIntelLinks, action: warden.ActIntelRead, summary: "The visible objects linked to a Warden record", resp: "IntelLinks",
			params: []param{{"kind", "string", "entity, designation, request, payment, customer or case"}, {"ref", "string", "the record: list:source_id, an id or a payment's reference"}}},
		{method: "POST", path: "/v1/intel/links", h: s.apiLinkIntel, action: warden.ActIntelWrite, summary: "Link an object to a Warden record: a threat actor attributed to a listed party, an incident behind a request or designation", body: "IntelLink", resp: "IntelLink", status: 201},
		{method: "DELETE", path: "/v1/intel/links", h: s.apiUnlinkIntel, action: warden.ActIntelWrite, summary: "Remove a link", status: 204,
			params: []param{{"object", "string", "the STIX id"}, {"kind", "string", "the record's kind"}, {"ref", "string", "the record"}}},
		{method: "POST", path: "/v1/intel/import", h: s.apiImportIntel, action: warden.ActIntelWrite, summary: "Import a STIX 2.1 bundle (a raw application/json or application/stix+json body, or multipart/form-data with a part named file; at most 64 MiB, 413 over): every object valid is stored with its versions, or nothing (400 listing each problem by object id and path); types Warden does not model are kept and reported", body: "Bundle", resp: "IntelImport", status: 201,
			params: []param{{"tlp", "string", "the TLP of objects without a TLP marking (default amber)"}, {"source", "string", "a name for where the bundle came from (recorded as api:NAME)"}}},
		{method: "GET", path: "/v1/intel/imports", h: s.apiIntelImports, action: warden.ActIntelRead, summary: "Imports, newest first (a counterpart: its own)", resp: "IntelImports",
			params: []param{{"limit", "integer", "at most this many (1-1000, default 100)"}}},
		{method: "GET", path: "/v1/intel/imports/{id}", h: s.apiIntelImport, action: warden.ActIntelRead, summary: "One import's report (also the TAXII status of a POSTed envelope)", resp: "IntelImport"},
		{method: "GET", path: "/v1/intel/export", h: s.apiExportIntel, action: warden.ActIntelRead, summary: "A STIX 2.1 bundle of a selection, valid against the official schemas, holding only what the caller (or the organisation named by for) may see", resp: "Bundle", params: exportParams},
		{method: "GET", path: "/v1/intel/collections", h: s.apiIntelCollections, action: warden.ActIntelRead, summary: "Collections (a counterpart: its organisation's)", resp: "Collections"},
		{method: "POST", path: "/v1/intel/collections", h: s.apiCreateCollection, action: warden.ActIntelManage, summary: "Create a collection: what one counterpart or a sharing group reads, and may write", body: "Collection", resp: "Collection", status: 201},
		{method: "GET", path: "/v1/intel/collections/{id}", h: s.apiIntelCollection, action: warden.ActIntelRead, summary: "One collection", resp: "Collection"},
		{method: "PUT", path: "/v1/intel/collections/{id}", h: s.apiUpdateCollection, action: warden.ActIntelManage, summary: "Change a collection's title, description, organisations or rights", body: "Collection", resp: "Collection"},
		{method: "POST", path: "/v1/intel/collections/{id}/shares", h: s.apiShareIntel, action: warden.ActIntelShare, summary: "Share objects in a collection (never a RED one: 400)", body: "ShareRequest", status: 204},
		{method: "DELETE", path: "/v1/intel/collections/{id}/shares/{object}", h: s.apiUnshareIntel, action: warden.ActIntelShare, summary: "Take an object out of a collection", status: 204},
		{method: "GET", path: "/v1/intel/feeds", h: s.apiIntelFeeds, action: warden.ActIntelManage, summary: "Partner TAXII servers Warden pulls from (never their tokens)", resp: "Feeds"},
		{method: "POST", path: "/v1/intel/feeds", h: s.apiAddFeed, action: warden.ActIntelManage, summary: "Add a partner's TAXII 2.1 collection to pull periodically", body: "Feed", resp: "Feed", status: 201},
		{method: "DELETE", path: "/v1/intel/feeds/{name}", h: s.apiRemoveFeed, action: warden.ActIntelManage, summary: "Stop pulling a feed", status: 204},
		{method: "POST", path: "/v1/intel/feeds/{name}/pull", h: s.apiPullFeed, action: warden.ActIntelWrite, summary: "Pull a feed now, resuming from its last added_after", resp: "IntelImport"},
		{method: "POST", path: "/v1/intel/push", h: s.apiPushIntel, action: warden.ActIntelShare, summary: "Push a selection to a partner's TAXII 2.1 collection (RED objects never leave)", body: "PushRequest", resp: "PushResult"},
		{method: "POST", path: "/v1/intel/actors/{id}/attribute", h: s.apiAttributeActor, action: warden.ActDesignationsPropose, summary: "Open a designation proposal for each party a threat actor or intrusion set is attributed to, with its incidents, indicators and reports as evidence", body: "AttributeRequest", resp: "AttributeResult", status: 201},
	}
}

// intelPage is a page of objects as the API answers it.
type intelPage struct {
	Objects []warden.IntelObject `json:"objects"`
	More    bool                 `json:"more"`
	Next    string               `json:"next,omitempty"`
}

func (s *Server) apiIntelObjects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := intel.Filter{Types: splitList(q.Get("type")), IDs: splitList(q.Get("id")), Query: q.Get("q"), Collection: q.Get("collection"),
		Versions: q.Get("version"), Next: q.Get("next")}
	var err error
	f.AddedAfter, err = queryTime(r, "added_after", time.Time{})
	if err == nil {
		f.Limit, err = queryLimit(q)
	}
	var pg intel.Page
	if err == nil {
		pg, err = s.Intel.Objects(r.Context(), f)
	}
	out := intelPage{Objects: pg.Objects, More: pg.More, Next: pg.Next}
	if out.Objects == nil {
		out.Objects = []warden.IntelObject{}
	}
	s.answer(w, r, http.StatusOK, out, err)
}

// intelInput is the body of POST /v1/intel/objects: the TLP is read as
// people write it ("TLP:AMBER", "amber").
type intelInput struct {
	Type       string             `json:"type"`
	TLP        string             `json:"tlp"`
	Fields     map[string]any     `json:"fields,omitempty"`
	Observable *warden.Observable `json:"observable,omitempty"`
}

// input is the body as the service takes it; a TLP left out is left to
// the service to refuse (or, for an update, to keep).
func (in intelInput) input() (intel.Input, error) {
	out := intel.Input{Type: in.Type, Fields: in.Fields, Observable: in.Observable}
	if in.TLP != "" {
		t, err := warden.ParseTLP(in.TLP)
		if err != nil {
			return out, err
		}
		out.TLP = t
	}
	return out, nil
}

func (s *Server) apiCreateIntel(w http.ResponseWriter, r *http.Request) {
	var body intelInput
	var o warden.IntelObject
	err := decode(w, r, maxIntelBody, &body)
	var in intel.Input
	if err == nil {
		in, err = body.input()
	}
	if err == nil {
		o, err = s.Intel.Create(r.Context(), in)
	}
	s.answer(w, r, http.StatusCreated, o, err)
}

func (s *Server) apiUpdateIntel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TLP    string         `json:"tlp,omitempty"`
		Fields map[string]any `json:"fields,omitempty"`
	}
	var o warden.IntelObject
	err := decode(w, r, maxIntelBody, &body)
	var in intel.Input
	if err == nil {
		in, err = intelInput{TLP: body.TLP, Fields: body.Fields}.input()
	}
	if err == nil {
		o, err = s.Intel.Update(r.Context(), r.PathValue("id"), in)
	}
	s.answer(w, r, http.StatusOK, o, err)
}

func (s *Server) apiRevokeIntel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	var err error
	if r.ContentLength != 0 {
		err = decodeJSON(w, r, &body)
	}
	var o warden.IntelObject
	if err == nil {
		o, err = s.Intel.Revoke(r.Context(), r.PathValue("id"), body.Reason)
	}
	s.answer(w, r, http.StatusOK, o, err)
}

func (s *Server) apiIntelObject(w http.ResponseWriter, r *http.Request) {
	o, err := s.Intel.Object(r.Context(), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, o, err)
}

func (s *Server) apiIntelVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.Intel.Versions(r.Context(), r.PathValue("id"))
	if vs == nil {
		vs = []warden.IntelObject{}
	}
	s.answer(w, r, http.StatusOK, map[string]any{"versions": vs}, err)
}

func (s *Server) apiIntelView(w http.ResponseWriter, r *http.Request) {
	v, err := s.Intel.View(r.Context(), r.PathValue("id"))
	// Lists are [] when empty, never null (IntelView).
	if v.Edges == nil {
		v.Edges = []warden.IntelEdge{}
	}
	if v.Neighbours == nil {
		v.Neighbours = []warden.IntelObject{}
	}
	if v.Links == nil {
		v.Links = []warden.IntelLink{}
	}
	if v.RelatedIncidents == nil {
		v.RelatedIncidents = []intel.Related{}
	}
	s.answer(w, r, http.StatusOK, v, err)
}

func (s *Server) apiRelateIntel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Source      string `json:"source_ref"`
		Type        string `json:"relationship_type"`
		Target      string `json:"target_ref"`
		Confidence  *int   `json:"confidence,omitempty"`
		Description string `json:"description,omitempty"`
		TLP         string `json:"tlp"`
	}
	var o warden.IntelObject
	err := decode(w, r, maxIntelBody, &body)
	var in intel.Input
	if err == nil {
		in, err = intelInput{TLP: body.TLP}.input()
	}
	if err == nil {
		confidence := -1
		if body.Confidence != nil {
			confidence = *body.Confidence
		}
		o, err = s.Intel.Relate(r.Context(), body.Source, body.Type, body.Target, confidence, body.Description, in.TLP)
	}
	s.answer(w, r, http.StatusCreated, o, err)
}

func (s *Server) apiIntelLinks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	os, err := s.Intel.LinksTo(r.Context(), q.Get("kind"), q.Get("ref"))
	if os == nil {
		os = []warden.IntelObject{}
	}
	s.answer(w, r, http.StatusOK, map[string]any{"objects": os}, err)
}

func (s *Server) apiLinkIntel(w http.ResponseWriter, r *http.Request) {
	var l warden.IntelLink
	err := decodeJSON(w, r, &l)
	if err == nil && (l.CreatedBy != "" || !l.CreatedAt.IsZero()) {
		err = warden.Errorf(warden.EINVALID, "created_by and created_at are set by the server")
	}
	if err == nil {
		l, err = s.Intel.Link(r.Context(), l)
	}
	s.answer(w, r, http.StatusCreated, l, err)
}

func (s *Server) apiUnlinkIntel(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	err := s.Intel.Unlink(r.Context(), warden.IntelLink{Object: q.Get("object"), Kind: q.Get("kind"), Ref: q.Get("ref")})
	s.done(w, r, err)
}

// done answers a change with no body: 204, or the error.
func (s *Server) done(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// maxImportProblems is the most problems a refused import's answer
// lists; problems_more counts the rest. A bundle of 20,000 invalid
// objects would otherwise answer megabytes of them.
const maxImportProblems = 100

// importProblem writes a refused import as problem+json with the
// report's problems (each object's id, the JSON path and what is wrong),
// so that a client can fix many at once: the first maxImportProblems,
// and how many more there are.
func (s *Server) importProblem(w http.ResponseWriter, r *http.Request, rep warden.IntelImport, err error) {
	status, code, detail := s.status(r, err)
	problems, more := rep.Errors, 0
	if len(problems) > maxImportProblems {
		problems, more = problems[:maxImportProblems], len(problems)-maxImportProblems
	}
	body := map[string]any{
		"type":       "https://warden.invalid/problems/" + code,
		"title":      http.StatusText(status),
		"status":     status,
		"detail":     detail,
		"code":       code,
		"request_id": RequestID(r.Context()),
		"problems":   problems,
	}
	if more > 0 {
		body["problems_more"] = more
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(body)
}

// importIntel reads a bundle from the body (raw JSON, or the part named
// file of a multipart form) and imports it.
func (s *Server) apiImportIntel(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	opt := intel.ImportOptions{Source: "api"}
	var err error
	if v := q.Get("tlp"); v != "" {
		opt.DefaultTLP, err = warden.ParseTLP(v)
	}
	if v := q.Get("source"); err == nil && v != "" {
		err = warden.CheckText(warden.TextID, "source (query parameter)", v, 200)
		opt.Source = "api:" + v
	}
	var body []byte
	if err == nil {
		body, opt.Source, err = readBundle(w, r, opt.Source)
	}
	var rep warden.IntelImport
	if err == nil {
		rep, err = s.Intel.Import(r.Context(), bytes.NewReader(body), opt)
	}
	if err != nil && len(rep.Errors) > 0 {
		s.importProblem(w, r, rep, err)
		return
	}
	s.answer(w, r, http.StatusCreated, rep, err)
}

// bundleTooLarge is the error of a bundle over stix.MaxBundle, as
// Service.Import says it of one it reads: the handlers, which stop
// reading the request at the limit, say it the same way.
func bundleTooLarge() error {
	return warden.Errorf(warden.ETOOLARGE, "bundle: larger than %d MiB (%d bytes)", stix.MaxBundle>>20, stix.MaxBundle)
}

// readBundle reads the bundle of an import: the raw body as JSON or
// STIX, or the part named file of a multipart form (its source is then
// upload:FILE). At most stix.MaxBundle bytes: ETOOLARGE over.
func readBundle(w http.ResponseWriter, r *http.Request, source string) ([]byte, string, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil && r.Header.Get("Content-Type") != "":
		return nil, "", warden.Errorf(warden.EINVALID, "Content-Type: %v", err)
	case mt == "application/json" || mt == "application/stix+json" || mt == "":
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, stix.MaxBundle))
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", bundleTooLarge()
		}
		if err != nil {
			return nil, "", warden.Errorf(warden.EINVALID, "reading the request body: %w", err)
		}
		return b, source, nil
	case mt == "multipart/form-data":
	default:
		return nil, "", warden.Errorf(warden.EINVALID, "Content-Type: %s is not application/json, application/stix+json or multipart/form-data", mt)
	}
	r.Body = http.MaxBytesReader(w, r.Body, stix.MaxBundle+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", warden.Errorf(warden.EINVALID, "the multipart body is malformed")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", warden.Errorf(warden.EINVALID, "file: the form has no part named file")
		}
		if err != nil {
			return nil, "", bodyError(err)
		}
		if part.FormName() != "file" {
			return nil, "", warden.Errorf(warden.EINVALID, "unknown form field %q: the bundle is the part named file", part.FormName())
		}
		b, err := io.ReadAll(io.LimitReader(part, stix.MaxBundle+1))
		if err != nil {
			return nil, "", bodyError(err)
		}
		if len(b) > stix.MaxBundle {
			return nil, "", bundleTooLarge()
		}
		name := part.FileName()
		if name == "" {
			name = "bundle.json"
		}
		if err := warden.CheckText(warden.TextName, "file name", name, 200); err != nil {
			return nil, "", err
		}
		return b, "upload:" + name, nil
	}
}

func (s *Server) apiIntelImports(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r.URL.Query())
	var is []warden.IntelImport
	if err == nil {
		is, err = s.Intel.Imports(r.Context(), limit)
	}
	if is == nil {
		is = []warden.IntelImport{}
	}
	s.answer(w, r, http.StatusOK, map[string]any{"imports": is}, err)
}

func (s *Server) apiIntelImport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Intel.ImportReport(r.Context(), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, rep, err)
}

// exportSelection reads an export's selection from the query.
func exportSelection(r *http.Request) (intel.Selection, error) {
	q := r.URL.Query()
	sel := intel.Selection{IDs: splitList(q.Get("id")), Collection: q.Get("collection"), For: q.Get("for"), Entities: splitList(q.Get("entity"))}
	var err error
	sel.Since, err = queryTime(r, "since", time.Time{})
	for _, v := range splitList(q.Get("request")) {
		id, perr := parseDigits(v)
		if err == nil && (perr != nil || id < 1) {
			err = warden.Errorf(warden.EINVALID, "request (query parameter): %q is not a request id", v)
		}
		sel.Requests = append(sel.Requests, id)
	}
	if err == nil && len(sel.IDs) == 0 && sel.Collection == "" && sel.For == "" && len(sel.Entities) == 0 && len(sel.Requests) == 0 {
		err = warden.Errorf(warden.EINVALID, "id (query parameter): name what to export: id, collection, for, entity or request")
	}
	return sel, err
}

// exportIntel writes a bundle of the selection as a STIX file.
func (s *Server) apiExportIntel(w http.ResponseWriter, r *http.Request) {
	sel, err := exportSelection(r)
	var b []byte
	var n int
	if err == nil {
		b, n, err = s.Intel.Export(r.Context(), sel)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name := "warden-intel-" + s.now().UTC().Format("20060102T150405Z") + ".json"
	h := w.Header()
	h.Set("Content-Type", stix.MediaSTIX)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Warden-Objects", strconv.Itoa(n))
	h.Set("Cache-Control", "private, no-cache")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (s *Server) apiIntelCollections(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Intel.Collections(r.Context())
	if cs == nil {
		cs = []warden.Collection{}
	}
	s.answer(w, r, http.StatusOK, map[string]any{"collections": cs}, err)
}

func (s *Server) apiIntelCollection(w http.ResponseWriter, r *http.Request) {
	c, err := s.Intel.Collection(r.Context(), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, c, err)
}

// collectionBody reads a collection from the body: what the server sets
// (its id on creation, created_by, created_at) may not be given.
func collectionBody(w http.ResponseWriter, r *http.Request) (warden.Collection, error) {
	var c warden.Collection
	if err := decodeJSON(w, r, &c); err != nil {
		return c, err
	}
	if c.CreatedBy != "" || !c.CreatedAt.IsZero() {
		return c, warden.Errorf(warden.EINVALID, "created_by and created_at are set by the server")
	}
	return c, nil
}

func (s *Server) apiCreateCollection(w http.ResponseWriter, r *http.Request) {
	c, err := collectionBody(w, r)
	if err == nil && c.ID != "" {
		err = warden.Errorf(warden.EINVALID, "id: a collection's id is drawn by the server")
	}
	if err == nil {
		c, err = s.Intel.CreateCollection(r.Context(), c)
	}
	s.answer(w, r, http.StatusCreated, c, err)
}

func (s *Server) apiUpdateCollection(w http.ResponseWriter, r *http.Request) {
	c, err := collectionBody(w, r)
	if err == nil && c.ID != "" && c.ID != r.PathValue("id") {
		err = warden.Errorf(warden.EINVALID, "id: %q is not the collection of the path", c.ID)
	}
	if err == nil {
		c.ID = r.PathValue("id")
		c, err = s.Intel.UpdateCollection(r.Context(), c)
	}
	s.answer(w, r, http.StatusOK, c, err)
}

func (s *Server) apiShareIntel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		IDs []string `json:"ids"`
	}
	err := decode(w, r, maxIntelBody, &body)
	if err == nil && len(body.IDs) == 0 {
		err = warden.Errorf(warden.EINVALID, "ids: name at least one object")
	}
	if err == nil && len(body.IDs) > 10000 {
		err = warden.Errorf(warden.EINVALID, "ids: at most 10000 at once")
	}
	if err == nil {
		err = s.Intel.Share(r.Context(), r.PathValue("id"), body.IDs)
	}
	s.done(w, r, err)
}

func (s *Server) apiUnshareIntel(w http.ResponseWriter, r *http.Request) {
	err := s.Intel.Unshare(r.Context(), r.PathValue("id"), r.PathValue("object"))
	s.done(w, r, err)
}

func (s *Server) apiIntelFeeds(w http.ResponseWriter, r *http.Request) {
	fs, err := s.Intel.Feeds(r.Context())
	if fs == nil {
		fs = []intel.Feed{}
	}
	s.answer(w, r, http.StatusOK, map[string]any{"feeds": fs}, err)
}

func (s *Server) apiAddFeed(w http.ResponseWriter, r *http.Request) {
	var f intel.Feed
	err := decodeJSON(w, r, &f)
	if err == nil {
		f, err = s.Intel.AddFeed(r.Context(), f)
	}
	s.answer(w, r, http.StatusCreated, f, err)
}

func (s *Server) apiRemoveFeed(w http.ResponseWriter, r *http.Request) {
	err := s.Intel.RemoveFeed(r.Context(), r.PathValue("name"))
	s.done(w, r, err)
}

func (s *Server) apiPullFeed(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Intel.Pull(r.Context(), r.PathValue("name"))
	s.answer(w, r, http.StatusOK, rep, err)
}

func (s *Server) apiPushIntel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		URL        string   `json:"url"`
		Collection string   `json:"collection"`
		Token      string   `json:"token"`
		IDs        []string `json:"ids"`
		For        string   `json:"for"`
	}
	err := decodeJSON(w, r, &body)
	sel := intel.Selection{IDs: body.IDs, For: body.For}
	if err == nil && len(sel.IDs) == 0 {
		err = warden.Errorf(warden.EINVALID, "ids: name the objects to push")
	}
	var status string
	if err == nil {
		status, err = s.Intel.Push(r.Context(), body.URL, body.Collection, body.Token, sel)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"status": status}, err)
}

func (s *Server) apiAttributeActor(w http.ResponseWriter, r *http.Request) {
	var in intel.AttributeInput
	err := decodeJSON(w, r, &in)
	var ds []warden.Designation
	if err == nil {
		ds, err = s.Intel.Attribute(r.Context(), r.PathValue("id"), in)
	}
	if ds == nil {
		ds = []warden.Designation{}
	}
	s.answer(w, r, http.StatusCreated, map[string]any{"designations": ds}, err)
}
