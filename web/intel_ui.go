package web

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/enforcement"
	"warden/intel"
	"warden/stix"
)

// intelKind is one of the intelligence pages that list objects of some
// types, with the form that records one.
type intelKind struct {
	Path, Title string
	Types       []string
	Form        string // the form's template ("" for none)
}

// intelKinds are the list pages: /intel/PATH.
var intelKinds = []intelKind{
	{Path: "incidents", Title: "Incidents", Types: []string{"incident"}, Form: "intel-incident-form"},
	{Path: "actors", Title: "Threat actors and intrusion sets", Types: []string{"threat-actor", "intrusion-set"}, Form: "intel-actor-form"},
	{Path: "indicators", Title: "Indicators", Types: []string{"indicator"}, Form: "intel-indicator-form"},
	{Path: "reports", Title: "Reports", Types: []string{"report"}},
}

// intelRelTypes are the relationship types the relationship form offers
// (STIX 2.1's for the objects Warden records).
var intelRelTypes = []string{"indicates", "attributed-to", "uses", "targets", "related-to", "based-on", "derived-from", "located-at", "compromises", "originates-from"}

// incidentStatuses are the values of an incident's x_warden_status.
var incidentStatuses = []string{"open", "contained", "closed"}

// Limits of the pages.
const (
	intelPageSize   = 50
	intelRecent     = 10
	maxIntelIDs     = 1000 // object ids in one share form
	maxIntelUpload  = stix.MaxBundle + maxFormBody
	intelUploadMemo = 1 << 20 // bytes of an upload held in memory; the rest goes to a temporary file
)

// intelPageRoutes are the intelligence pages. Counterparts see them too,
// filtered by TLP and what is shared with their organisation: the
// service hides (404) what they may not see.
func (s *Server) intelPageRoutes() []route {
	rs := []route{
		{method: "GET", path: "/intel", h: s.intelHome, action: warden.ActIntelRead, ui: true},
		{method: "GET", path: "/intel/objects/{id}", h: s.intelObjectPage, action: warden.ActIntelRead, ui: true},
		{method: "GET", path: "/intel/objects/{id}/graph.svg", h: s.intelGraph, action: warden.ActIntelRead, ui: true},
		{method: "POST", path: "/intel/incidents", h: s.intelCreateForm(intelKinds[0], incidentInput), action: warden.ActIntelWrite, ui: true},
		{method: "POST", path: "/intel/actors", h: s.intelCreateForm(intelKinds[1], actorInput), action: warden.ActIntelWrite, ui: true},
		{method: "POST", path: "/intel/indicators", h: s.intelCreateForm(intelKinds[2], indicatorInput), action: warden.ActIntelWrite, ui: true},
		{method: "POST", path: "/intel/relationships", h: s.intelRelateForm, action: warden.ActIntelWrite, ui: true},
		{method: "POST", path: "/intel/links", h: s.intelLinkForm, action: warden.ActIntelWrite, ui: true},
		{method: "POST", path: "/intel/objects/{id}/attribute", h: s.intelAttributeForm, action: warden.ActDesignationsPropose, ui: true},
		{method: "POST", path: "/intel/objects/{id}/status", h: s.intelStatusForm, action: warden.ActIntelWrite, ui: true},
		{method: "POST", path: "/intel/objects/{id}/revoke", h: s.intelRevokeForm, action: warden.ActIntelWrite, ui: true},
		{method: "GET", path: "/intel/import", h: s.intelImportPage, action: warden.ActIntelWrite, ui: true},
		{method: "POST", path: "/intel/import", h: s.intelImportForm, action: warden.ActIntelWrite, ui: true, upload: maxIntelUpload},
		{method: "GET", path: "/intel/sharing", h: s.intelSharingPage, action: warden.ActIntelRead, ui: true},
		{method: "POST", path: "/intel/sharing/collections", h: s.intelCollectionForm, action: warden.ActIntelManage, ui: true},
		{method: "POST", path: "/intel/sharing/shares", h: s.intelShareForm, action: warden.ActIntelShare, ui: true},
		{method: "POST", path: "/intel/sharing/unshare", h: s.intelUnshareForm, action: warden.ActIntelShare, ui: true},
	}
	for _, k := range intelKinds {
		rs = append(rs, route{method: "GET", path: "/intel/" + k.Path, h: s.intelListPage(k), action: warden.ActIntelRead, ui: true})
	}
	return rs
}

// intelHome is the overview: a search over names, patterns and observed
// values, and the recent incidents, actors, indicators and imports.
func (s *Server) intelHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	data := map[string]any{"Q": q, "Kinds": intelKinds}
	var err error
	if q != "" {
		var pg intel.Page
		pg, err = s.Intel.Objects(ctx, intel.Filter{Query: q, Limit: intelPageSize, Newest: true})
		data["Results"] = pg.Objects
	}
	sections := []struct {
		Kind    intelKind
		Objects []warden.IntelObject
	}{}
	for _, k := range intelKinds[:3] {
		if err != nil {
			break
		}
		var pg intel.Page
		pg, err = s.Intel.Objects(ctx, intel.Filter{Types: k.Types, Limit: intelRecent, Newest: true})
		sections = append(sections, struct {
			Kind    intelKind
			Objects []warden.IntelObject
		}{k, pg.Objects})
	}
	data["Sections"] = sections
	if err == nil {
		data["Imports"], err = s.Intel.Imports(ctx, intelRecent)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "intel", view{Title: "Intelligence", Nav: "intel", Data: data})
}

// intelListPage lists the objects of k's types, newest first, with a
// search over names, patterns and observed values, the next page's link
// and the form recording one.
func (s *Server) intelListPage(k intelKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.intelList(w, r, k, http.StatusOK, nil, "")
	}
}

// intelList renders k's list page; f is a refused form as typed, shown
// again with errMsg.
func (s *Server) intelList(w http.ResponseWriter, r *http.Request, k intelKind, status int, f map[string]string, errMsg string) {
	q := r.URL.Query()
	filter := intel.Filter{Types: k.Types, Query: strings.TrimSpace(q.Get("q")), Limit: intelPageSize, Next: q.Get("next"), Newest: true}
	pg, err := s.Intel.Objects(r.Context(), filter)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if f == nil {
		f = map[string]string{"tlp": string(warden.TLPAmber), "status": "open", "type": "threat-actor", "kind": string(warden.KindIPv4)}
	}
	next := ""
	if pg.More {
		next = "/intel/" + k.Path + "?" + urlValues("q", filter.Query, "next", pg.Next)
	}
	data := map[string]any{"Kind": k, "Objects": pg.Objects, "Next": next, "Q": filter.Query, "F": f,
		"TLPs": warden.TLPs, "Statuses": incidentStatuses, "IndicatorKinds": warden.IndicatorKinds}
	s.render(w, r, status, "intel-list", view{Title: k.Title, Nav: "intel", Error: errMsg, Data: data})
}

// urlValues encodes name, value pairs, leaving out empty values.
func urlValues(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q.Encode()
}

// intelFields are the named fields of a posted form, trimmed.
func intelFields(r *http.Request, names ...string) map[string]string {
	f := map[string]string{}
	for _, n := range names {
		f[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return f
}

// intelCreateForm records one object from k's form: read reads the
// fields into the service's input, and names the link to make after it
// (an actor's attributed party), if any.
func (s *Server) intelCreateForm(k intelKind, read func(map[string]string) (intel.Input, *warden.IntelLink, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		if err := r.ParseForm(); err != nil {
			s.intelList(w, r, k, http.StatusBadRequest, nil, "the form could not be read: "+err.Error())
			return
		}
		f := map[string]string{}
		for name := range r.PostForm {
			f[name] = strings.TrimSpace(r.PostForm.Get(name))
		}
		delete(f, "csrf")
		in, link, err := read(f)
		var o warden.IntelObject
		if err == nil {
			o, err = s.Intel.Create(r.Context(), in)
		}
		if err != nil {
			status, _, detail := s.intelStatus(r, err)
			s.intelList(w, r, k, status, f, detail)
			return
		}
		if link != nil {
			link.Object = o.ID
			if _, err := s.Intel.Link(r.Context(), *link); err != nil {
				status, _, detail := s.intelStatus(r, err)
				s.intelObject(w, r, status, o.ID, fmt.Sprintf("%s is recorded, but its link to %s %s was refused: %s", o.ID, link.Kind, link.Ref, detail))
				return
			}
		}
		goTo(w, r, "/intel/objects/"+pathID(o.ID))
	}
}

// intelTLP reads the form's TLP marking.
func intelTLP(f map[string]string) (warden.TLP, error) {
	if f["tlp"] == "" {
		return "", warden.Errorf(warden.EINVALID, "tlp: choose a TLP marking")
	}
	return warden.ParseTLP(f["tlp"])
}

// intelTime reads a time field: a date, a datetime-local value or an RFC
// 3339 time, in UTC unless it says otherwise; "" if empty.
func intelTime(f map[string]string, name string) (string, error) {
	v := f[name]
	if v == "" {
		return "", nil
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return stix.Timestamp(t), nil
		}
	}
	return "", warden.Errorf(warden.EINVALID, "%s: %q is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM, UTC)", name, v)
}

// setProp sets a STIX property from a form field, if given.
func setProp(fields map[string]any, prop, v string) {
	if v != "" {
		fields[prop] = v
	}
}

// incidentInput is the incident the form states: name, description, and
// Warden's own properties (status, first and last seen, victims, impact).
func incidentInput(f map[string]string) (intel.Input, *warden.IntelLink, error) {
	tlp, err := intelTLP(f)
	if err != nil {
		return intel.Input{}, nil, err
	}
	if f["name"] == "" {
		return intel.Input{}, nil, warden.Errorf(warden.EINVALID, "name: required")
	}
	fields := map[string]any{"name": f["name"]}
	setProp(fields, "description", f["description"])
	if !slices.Contains(incidentStatuses, f["status"]) {
		return intel.Input{}, nil, warden.Errorf(warden.EINVALID, "status: %q is not open, contained or closed", f["status"])
	}
	fields["x_warden_status"] = f["status"]
	for _, p := range []string{"first_seen", "last_seen"} {
		ts, err := intelTime(f, p)
		if err != nil {
			return intel.Input{}, nil, err
		}
		setProp(fields, "x_warden_"+p, ts)
	}
	if v := lines(f["victims"], true); len(v) > 0 {
		fields["x_warden_victims"] = v
	}
	setProp(fields, "x_warden_impact", f["impact"])
	return intel.Input{Type: "incident", TLP: tlp, Fields: fields}, nil, nil
}

// actorInput is the threat actor or intrusion set the form states, with
// the listed party it is attributed to (LIST:SOURCE_ID), if given, as a
// link to make once it is recorded.
func actorInput(f map[string]string) (intel.Input, *warden.IntelLink, error) {
	tlp, err := intelTLP(f)
	if err != nil {
		return intel.Input{}, nil, err
	}
	if f["type"] != "threat-actor" && f["type"] != "intrusion-set" {
		return intel.Input{}, nil, warden.Errorf(warden.EINVALID, "type: %q is not threat-actor or intrusion-set", f["type"])
	}
	if f["name"] == "" {
		return intel.Input{}, nil, warden.Errorf(warden.EINVALID, "name: required")
	}
	fields := map[string]any{"name": f["name"]}
	setProp(fields, "description", f["description"])
	if a := lines(f["aliases"], true); len(a) > 0 {
		fields["aliases"] = a
	}
	if c := lines(strings.ToUpper(f["countries"]), true); len(c) > 0 {
		fields["x_warden_countries"] = c
	}
	var link *warden.IntelLink
	if f["party"] != "" {
		link = &warden.IntelLink{Kind: warden.LinkEntity, Ref: f["party"], Note: "attributed"}
	}
	return intel.Input{Type: f["type"], TLP: tlp, Fields: fields}, link, nil
}

// indicatorInput is the indicator the form states: a kind and a value
// (the service writes the pattern), or a STIX pattern as written.
func indicatorInput(f map[string]string) (intel.Input, *warden.IntelLink, error) {
	tlp, err := intelTLP(f)
	if err != nil {
		return intel.Input{}, nil, err
	}
	fields := map[string]any{}
	setProp(fields, "name", cmp.Or(f["name"], f["value"]))
	setProp(fields, "description", f["description"])
	ts, err := intelTime(f, "valid_from")
	if err != nil {
		return intel.Input{}, nil, err
	}
	setProp(fields, "valid_from", ts)
	in := intel.Input{Type: "indicator", TLP: tlp, Fields: fields}
	switch {
	case f["pattern"] != "":
		fields["pattern"], fields["pattern_type"] = f["pattern"], "stix"
	case f["value"] != "":
		o, err := stix.Normalise(warden.IndicatorKind(f["kind"]), f["value"])
		if err != nil {
			return in, nil, err
		}
		o.Chain = cmp.Or(strings.ToUpper(f["chain"]), o.Chain)
		in.Observable = &o
	default:
		return in, nil, warden.Errorf(warden.EINVALID, "value: give a kind and a value, or a STIX pattern")
	}
	return in, nil, nil
}

// intelRelateForm records a relationship from the form of an object's
// page, and goes back to it (from; the source by default).
func (s *Server) intelRelateForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := intelFields(r, "source", "relationship_type", "target", "confidence", "description", "tlp", "from")
	back := f["from"]
	if back != f["source"] && back != f["target"] {
		back = f["source"]
	}
	fail := func(err error) {
		status, _, detail := s.intelStatus(r, err)
		if back == "" {
			s.render(w, r, status, "error", view{Title: http.StatusText(status), Error: "Relationship: " + detail})
			return
		}
		s.intelObject(w, r, status, back, "Relationship: "+detail)
	}
	tlp, err := intelTLP(f)
	if err != nil {
		fail(err)
		return
	}
	confidence := -1
	if f["confidence"] != "" {
		if confidence, err = strconv.Atoi(f["confidence"]); err != nil || confidence < 0 || confidence > 100 {
			fail(warden.Errorf(warden.EINVALID, "confidence: %q is not a number from 0 to 100", f["confidence"]))
			return
		}
	}
	if _, err := s.Intel.Relate(r.Context(), f["source"], f["relationship_type"], f["target"], confidence, f["description"], tlp); err != nil {
		fail(err)
		return
	}
	goTo(w, r, "/intel/objects/"+pathID(back))
}

// intelLinkKinds are the Warden records the link form offers.
var intelLinkKinds = []string{warden.LinkEntity, warden.LinkDesignation, warden.LinkRequest, warden.LinkPayment, warden.LinkCustomer, warden.LinkCase}

// intelLinkForm links an object to a Warden record (kind and ref) from
// the object's page, and goes back to it.
func (s *Server) intelLinkForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := intelFields(r, "object", "kind", "ref", "note")
	if _, err := s.Intel.Link(r.Context(), warden.IntelLink{Object: f["object"], Kind: f["kind"], Ref: f["ref"], Note: f["note"]}); err != nil {
		status, _, detail := s.intelStatus(r, err)
		if f["object"] == "" {
			s.render(w, r, status, "error", view{Title: http.StatusText(status), Error: "Link: " + detail})
			return
		}
		s.intelObject(w, r, status, f["object"], "Link: "+detail)
		return
	}
	goTo(w, r, "/intel/objects/"+pathID(f["object"]))
}

// intelAttributeForm opens a designation proposal for each listed party
// a threat actor is attributed to, with the intelligence around it as
// evidence; its page then links the proposals.
func (s *Server) intelAttributeForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id := r.PathValue("id")
	f := intelFields(r, "program", "order", "criterion", "reason")
	ds, err := s.Intel.Attribute(r.Context(), id, intel.AttributeInput{Program: f["program"], Reason: f["reason"], LegalBasis: warden.LegalBasis{Order: f["order"], Criterion: f["criterion"]}})
	if err != nil {
		status, _, detail := s.intelStatus(r, err)
		s.intelObject(w, r, status, id, "Attribution: "+detail)
		return
	}
	nums := make([]string, len(ds))
	for i, d := range ds {
		nums[i] = strconv.FormatInt(d.ID, 10)
	}
	goTo(w, r, "/intel/objects/"+pathID(id)+"?"+urlValues("done", "proposed", "designations", strings.Join(nums, ",")))
}

// intelStatusForm sets an incident's status (open, contained, closed): a
// new version of it.
func (s *Server) intelStatusForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id := r.PathValue("id")
	status := strings.TrimSpace(r.PostFormValue("status"))
	err := error(nil)
	if !slices.Contains(incidentStatuses, status) {
		err = warden.Errorf(warden.EINVALID, "status: %q is not open, contained or closed", status)
	} else {
		_, err = s.Intel.Update(r.Context(), id, intel.Input{Fields: map[string]any{"x_warden_status": status}})
	}
	if err != nil {
		code, _, detail := s.intelStatus(r, err)
		s.intelObject(w, r, code, id, "Status: "+detail)
		return
	}
	goTo(w, r, "/intel/objects/"+pathID(id))
}

// intelRevokeForm revokes an object, with the reason: a new version,
// revoked, that no longer screens or stands in the graph.
func (s *Server) intelRevokeForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id := r.PathValue("id")
	if _, err := s.Intel.Revoke(r.Context(), id, strings.TrimSpace(r.PostFormValue("reason"))); err != nil {
		code, _, detail := s.intelStatus(r, err)
		s.intelObject(w, r, code, id, "Revoke: "+detail)
		return
	}
	goTo(w, r, "/intel/objects/"+pathID(id))
}

// intelProp is one property of an object as its page shows it.
type intelProp struct {
	Key, Label string
	Custom     bool     // a custom property (x_...)
	Text       string   // the value as text
	Refs       []string // the STIX ids a *_ref or *_refs property names
}

// intelStatus is s.status with the message worded for the pages
// (intelMessage).
func (s *Server) intelStatus(r *http.Request, err error) (int, string, string) {
	status, code, detail := s.status(r, err)
	return status, code, intelMessage(detail)
}

// intelFieldNames matches the properties and form fields a service's
// message may name.
var intelFieldNames = regexp.MustCompile(`\b(x_warden_[a-z_]+|first_seen|last_seen|valid_from|valid_until|relationship_type)\b`)

// intelMessage names the fields a service's message names by the forms'
// labels ("x_warden_last_seen: before x_warden_first_seen" reads "Last
// seen: before first seen").
func intelMessage(msg string) string {
	return intelFieldNames.ReplaceAllStringFunc(msg, func(m string) string {
		label, ok := wardenLabels[m]
		if !ok {
			label, ok = wardenLabels["x_warden_"+m]
		}
		if !ok {
			label = strings.ReplaceAll(m, "_", " ")
			label = strings.ToUpper(label[:1]) + label[1:]
		}
		if !strings.HasPrefix(msg, m) {
			label = strings.ToLower(label[:1]) + label[1:]
		}
		return label
	})
}

// wardenLabels name Warden's own custom properties.
var wardenLabels = map[string]string{
	"x_warden_status":     "Status",
	"x_warden_first_seen": "First seen",
	"x_warden_last_seen":  "Last seen",
	"x_warden_victims":    "Victims",
	"x_warden_impact":     "Impact",
	"x_warden_countries":  "Countries of operation",
}

// intelProps are the properties of a STIX object (its id and type aside,
// which the page's heading shows): name and description first, the
// others by name, custom ones last; references as ids to link.
func intelProps(raw json.RawMessage) []intelProp {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var props []intelProp
	for k, v := range m {
		if k == "id" || k == "type" {
			continue
		}
		p := intelProp{Key: k, Label: cmp.Or(wardenLabels[k], k), Custom: strings.HasPrefix(k, "x_")}
		var s string
		var list []string
		switch {
		case strings.HasSuffix(k, "_ref") && json.Unmarshal(v, &s) == nil:
			p.Refs = []string{s}
		case strings.HasSuffix(k, "_refs") && json.Unmarshal(v, &list) == nil:
			p.Refs = list
		case json.Unmarshal(v, &s) == nil:
			p.Text = s
		case json.Unmarshal(v, &list) == nil:
			p.Text = strings.Join(list, ", ")
		default:
			p.Text = string(v)
		}
		props = append(props, p)
	}
	rank := func(p intelProp) int {
		switch {
		case p.Key == "name":
			return 0
		case p.Key == "description":
			return 1
		case p.Custom:
			return 3
		}
		return 2
	}
	slices.SortFunc(props, func(a, b intelProp) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Key, b.Key)) })
	return props
}

// intelLinkRow is a link from an object to a Warden record, with the page
// that shows the record when the viewer may open it.
type intelLinkRow struct {
	warden.IntelLink
	Href string
	Name string // an object's name, for kind object
}

// linkRows gives each link the page of its record, if p may read it.
func linkRows(p warden.Principal, links []warden.IntelLink) []intelLinkRow {
	rows := make([]intelLinkRow, len(links))
	for i, l := range links {
		rows[i].IntelLink = l
		href, action := "", warden.ActIntelRead
		switch l.Kind {
		case intel.LinkObject:
			href = "/intel/objects/" + pathID(l.Ref)
		case warden.LinkEntity:
			href, action = "/parties/"+pathID(l.Ref), warden.ActListsRead
		case warden.LinkDesignation:
			href, action = "/designations/"+pathID(l.Ref), warden.ActDesignationsRead
		case warden.LinkRequest:
			href, action = "/requests/"+pathID(l.Ref), warden.ActRequestsRead
			if p.Role == warden.RoleCounterpart {
				href = "/portal/requests/" + pathID(l.Ref)
			}
		case warden.LinkPayment:
			action = warden.ActCasesRead // its case's, if any: paymentCases
		case warden.LinkCustomer:
			href, action = "/v1/customers/"+pathID(l.Ref), warden.ActCustomersRead
		case warden.LinkCase:
			href, action = "/cases#case-"+url.PathEscape(l.Ref), warden.ActCasesRead
		}
		if warden.Allowed(p.Role, action) {
			rows[i].Href = href
		}
	}
	return rows
}

// paymentCases links each payment among rows to the review queue's entry
// of the case it opened, where it is decided (there is no page of a
// payment); a payment that opened none (or that the lookups, at most
// intelPageSize, do not reach) stays unlinked.
func (s *Server) paymentCases(ctx context.Context, rows []intelLinkRow) {
	looked := 0
	for i, r := range rows {
		if r.Kind != warden.LinkPayment || looked == intelPageSize {
			continue
		}
		looked++
		if d, err := s.Enforcement.Transaction(ctx, r.Ref); err == nil && len(d.Cases) > 0 {
			rows[i].Href = "/cases#case-" + strconv.FormatInt(d.Cases[0], 10)
		}
	}
}

// caseIndicator is the explanation of case c's hit when it is on an
// indicator: the payment's hit on the same party and entity, as decision
// d (read back, its explanation TLP-redacted) has it; nil otherwise.
func caseIndicator(d warden.TxDecision, c warden.Case) *warden.IndicatorHit {
	if !strings.HasPrefix(c.EntityID, enforcement.IndicatorPrefix) {
		return nil
	}
	for _, h := range d.Hits {
		if h.Party != c.Party || h.EntityID != c.EntityID {
			continue
		}
		b, err := json.Marshal(h.Explanation)
		if err != nil {
			return nil
		}
		var x struct {
			Indicator *warden.IndicatorHit `json:"indicator"`
		}
		if json.Unmarshal(b, &x) != nil {
			return nil
		}
		return x.Indicator
	}
	return nil
}

// intelEdgeRow is an edge as the object page lists it: the object at its
// other end, and which way it points.
type intelEdgeRow struct {
	warden.IntelEdge
	Out   bool
	Other warden.IntelObject
}

// intelObjectPage shows an object, with the notice of what a form just
// did (done, after its redirect).
func (s *Server) intelObjectPage(w http.ResponseWriter, r *http.Request) {
	s.intelObject(w, r, http.StatusOK, r.PathValue("id"), "")
}

// objectNotice is the notice an object's page shows after a form's
// redirect: the designations proposed, or the collection it was shared
// in (one of those it is in).
func objectNotice(q url.Values, v intel.View) string {
	switch q.Get("done") {
	case "proposed":
		nums := strings.Split(q.Get("designations"), ",")
		for _, n := range nums {
			if _, err := strconv.ParseInt(n, 10, 64); err != nil {
				return ""
			}
		}
		return "Designation proposals opened: " + strings.Join(nums, ", ") + "."
	case "shared":
		if c := q.Get("collection"); slices.Contains(v.Collections, c) {
			return "Shared in collection " + c + "."
		}
	}
	return ""
}

// intelObject renders object id's page: its properties, TLP, versions,
// links, edges, related incidents, what an indicator touches, the graph
// and the forms to relate and share it.
func (s *Server) intelObject(w http.ResponseWriter, r *http.Request, status int, id, errMsg string) {
	ctx := r.Context()
	v, err := s.Intel.View(ctx, id)
	var versions []warden.IntelObject
	if err == nil {
		versions, err = s.Intel.Versions(ctx, id)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p, _ := warden.PrincipalFrom(ctx)
	others := map[string]warden.IntelObject{}
	for _, o := range v.Neighbours {
		others[o.ID] = o
	}
	edges := make([]intelEdgeRow, 0, len(v.Edges))
	for _, e := range v.Edges {
		row := intelEdgeRow{IntelEdge: e, Out: e.Source == id}
		other := e.Source
		if row.Out {
			other = e.Target
		}
		o, ok := others[other]
		if !ok {
			o = warden.IntelObject{ID: other, Type: typeOfID(other)}
		}
		row.Other = o
		edges = append(edges, row)
	}
	touches, err := s.touchNames(ctx, linkRows(p, v.Touches), others)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	links := linkRows(p, v.Links)
	if warden.Allowed(p.Role, warden.ActCasesRead) {
		s.paymentCases(ctx, touches)
		s.paymentCases(ctx, links)
	}
	data := map[string]any{"V": v, "Props": intelProps(v.Object.Object), "Versions": versions, "Edges": edges,
		"Links": links, "Touches": touches, "RelTypes": intelRelTypes, "LinkKinds": intelLinkKinds, "Statuses": incidentStatuses, "Programs": s.Designations.Programs, "TLPs": warden.TLPs,
		"Export": "/v1/intel/export?" + urlValues("id", id), "GraphW": graphWidth, "GraphH": graphHeight}
	if warden.Allowed(p.Role, warden.ActIntelShare) {
		if data["Collections"], err = s.Intel.Collections(ctx); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	flash := ""
	if errMsg == "" && r.Method == http.MethodGet {
		flash = objectNotice(r.URL.Query(), v)
	}
	data["Graph"] = graphEntries(v.Object, v.Edges, v.Neighbours)
	title := markedText(cmp.Or(v.Object.Name, v.Object.ID))
	data["GraphAlt"] = "The graph of the relationships of " + title + ": its nodes listed below it"
	s.render(w, r, status, "intel-object", view{Title: title, Nav: "intel", Flash: flash, Error: errMsg, Data: data})
}

// touchNames names the objects among an indicator's touches (the
// incidents and actors it indicates): from known, the page's neighbours,
// or read, those the reader sees.
func (s *Server) touchNames(ctx context.Context, rows []intelLinkRow, known map[string]warden.IntelObject) ([]intelLinkRow, error) {
	var ids []string
	for _, r := range rows {
		if _, ok := known[r.Ref]; r.Kind == intel.LinkObject && !ok && len(ids) < intelPageSize {
			ids = append(ids, r.Ref)
		}
	}
	if len(ids) > 0 {
		pg, err := s.Intel.Objects(ctx, intel.Filter{IDs: ids, Limit: len(ids)})
		if err != nil {
			return nil, err
		}
		for _, o := range pg.Objects {
			known[o.ID] = o
		}
	}
	for i, r := range rows {
		if o, ok := known[r.Ref]; r.Kind == intel.LinkObject && ok {
			rows[i].Name = cmp.Or(o.Name, o.ID)
		}
	}
	return rows, nil
}

// intelGraph serves an object's relationship graph as SVG, with a policy
// of its own: the page shows it as an image.
func (s *Server) intelGraph(w http.ResponseWriter, r *http.Request) {
	v, err := s.Intel.View(r.Context(), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	svg := graphSVG(v.Object, v.Edges, v.Neighbours)
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Content-Security-Policy", graphCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.Write(svg)
}

// intelImportPage shows the upload form and the recent imports.
func (s *Server) intelImportPage(w http.ResponseWriter, r *http.Request) {
	s.intelImportView(w, r, http.StatusOK, nil, "")
}

// intelImportView renders the import page, with the report of the
// import just made, if any.
func (s *Server) intelImportView(w http.ResponseWriter, r *http.Request, status int, report *warden.IntelImport, errMsg string) {
	imports, err := s.Intel.Imports(r.Context(), intelRecent)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := map[string]any{"Report": report, "Imports": imports, "TLPs": warden.TLPs, "Max": stix.MaxBundle}
	s.render(w, r, status, "intel-import", view{Title: "Import STIX", Nav: "intel", Error: errMsg, Data: data})
}

// intelImportForm imports the uploaded bundle (part "bundle"), objects
// without a TLP marking taking the form's; the report is shown whether
// the bundle was stored or, with its errors by object and path, refused.
// Posted without htmx, the CSRF field is read within the upload limit
// too (formCSRF), the form parsed once.
func (s *Server) intelImportForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxIntelUpload)
	fail := func(status int, report *warden.IntelImport, err error) {
		_, _, detail := s.intelStatus(r, err)
		s.intelImportView(w, r, formFailed(r, status), report, detail)
	}
	if err := r.ParseMultipartForm(intelUploadMemo); err != nil {
		if errors.As(err, new(*http.MaxBytesError)) { // the bundle's limit and the form's fields
			err = bundleTooLarge()
		} else {
			err = warden.Errorf(warden.EINVALID, "bundle: the upload could not be read: %v", err)
		}
		status, _, _ := s.intelStatus(r, err)
		fail(status, nil, err)
		return
	}
	file, hdr, err := r.FormFile("bundle")
	if err != nil {
		fail(http.StatusBadRequest, nil, warden.Errorf(warden.EINVALID, "bundle: choose a STIX 2.1 bundle file (JSON)"))
		return
	}
	defer file.Close()
	opt := intel.ImportOptions{Source: "upload:" + hdr.Filename}
	if v := r.PostFormValue("tlp"); v != "" {
		if opt.DefaultTLP, err = warden.ParseTLP(v); err != nil {
			fail(http.StatusBadRequest, nil, err)
			return
		}
	}
	report, err := s.Intel.Import(r.Context(), file, opt)
	if err != nil {
		status, _, _ := s.intelStatus(r, err)
		var rep *warden.IntelImport
		if len(report.Errors) > 0 {
			rep = &report
		}
		fail(status, rep, err)
		return
	}
	s.intelImportView(w, r, http.StatusOK, &report, "")
}

// intelSharingPage shows the collections (a counterpart: its
// organisation's), the forms to create one and share objects in one, and
// the partner feeds to those who manage them.
func (s *Server) intelSharingPage(w http.ResponseWriter, r *http.Request) {
	s.intelSharing(w, r, http.StatusOK, r.URL.Query().Get("collection"), nil, "")
}

// sharingNotice is the notice the sharing page shows after a form's
// redirect (done): the collection sel (one of cs) created, objects
// shared in it, one unshared.
func sharingNotice(q url.Values, sel string, cs []warden.Collection) string {
	i := slices.IndexFunc(cs, func(c warden.Collection) bool { return c.ID == sel })
	if i < 0 {
		return ""
	}
	c := cs[i]
	switch q.Get("done") {
	case "created":
		return fmt.Sprintf("Collection %q (%s) created for %s.", c.Title, c.ID, strings.Join(c.Orgs, ", "))
	case "shared":
		n, err := strconv.Atoi(q.Get("n"))
		if err != nil || n < 1 {
			return ""
		}
		return fmt.Sprintf("%d %s shared in collection %s.", n, plural(n, "object", "objects"), c.ID)
	case "unshared":
		if id := q.Get("id"); id != "" {
			return fmt.Sprintf("%s is no longer shared in collection %s.", id, c.ID)
		}
	}
	return ""
}

// plural is one or many, as n says.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// intelSharing renders the sharing page, with what is shared in
// collection sel (from the query's next on), if any; f is a refused form
// as typed.
func (s *Server) intelSharing(w http.ResponseWriter, r *http.Request, status int, sel string, f map[string]string, errMsg string) {
	ctx := r.Context()
	cs, err := s.Intel.Collections(ctx)
	data := map[string]any{"Collections": cs, "F": f, "Selected": sel}
	if err == nil && sel != "" {
		var pg intel.Page
		pg, err = s.Intel.Objects(ctx, intel.Filter{Collection: sel, Limit: intelPageSize, Next: r.URL.Query().Get("next")})
		data["Shared"] = pg.Objects
		if pg.More {
			data["SharedNext"] = "/intel/sharing?" + urlValues("collection", sel, "next", pg.Next)
		}
	}
	if p, _ := warden.PrincipalFrom(ctx); err == nil && warden.Allowed(p.Role, warden.ActIntelManage) {
		data["Feeds"], err = s.Intel.Feeds(ctx)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	flash := ""
	if errMsg == "" && r.Method == http.MethodGet {
		flash = sharingNotice(r.URL.Query(), sel, cs)
	}
	s.render(w, r, status, "intel-sharing", view{Title: "Sharing", Nav: "intel", Flash: flash, Error: errMsg, Data: data})
}

// intelCollectionForm creates a collection for the organisations the
// form names.
func (s *Server) intelCollectionForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := intelFields(r, "title", "description", "orgs", "can_write")
	c, err := s.Intel.CreateCollection(r.Context(), warden.Collection{Title: f["title"], Description: f["description"], Orgs: lines(f["orgs"], true), CanRead: true, CanWrite: f["can_write"] == "on"})
	if err != nil {
		status, _, detail := s.intelStatus(r, err)
		s.intelSharing(w, r, status, "", f, "Collection: "+detail)
		return
	}
	goTo(w, r, "/intel/sharing?"+urlValues("collection", c.ID, "done", "created"))
}

// intelShareForm shares objects (ids one per line or comma-separated) in
// a collection.
func (s *Server) intelShareForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := intelFields(r, "collection", "ids", "from")
	ids := lines(f["ids"], true)
	err := error(nil)
	switch {
	case len(ids) == 0:
		err = warden.Errorf(warden.EINVALID, "ids: name the objects to share")
	case len(ids) > maxIntelIDs:
		err = warden.Errorf(warden.EINVALID, "ids: at most %d objects at once", maxIntelIDs)
	default:
		err = s.Intel.Share(r.Context(), f["collection"], ids)
	}
	if f["from"] != "" && slices.Contains(ids, f["from"]) {
		if err != nil {
			status, _, detail := s.intelStatus(r, err)
			s.intelObject(w, r, status, f["from"], "Share: "+detail)
			return
		}
		goTo(w, r, "/intel/objects/"+pathID(f["from"])+"?"+urlValues("done", "shared", "collection", f["collection"]))
		return
	}
	if err != nil {
		status, _, detail := s.intelStatus(r, err)
		s.intelSharing(w, r, status, "", f, "Share: "+detail)
		return
	}
	goTo(w, r, "/intel/sharing?"+urlValues("collection", f["collection"], "done", "shared", "n", strconv.Itoa(len(ids))))
}

// intelUnshareForm takes an object out of a collection, from the list of
// what the collection shares.
func (s *Server) intelUnshareForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := intelFields(r, "collection", "id")
	if err := s.Intel.Unshare(r.Context(), f["collection"], f["id"]); err != nil {
		status, _, detail := s.intelStatus(r, err)
		s.intelSharing(w, r, status, "", nil, "Unshare: "+detail)
		return
	}
	goTo(w, r, "/intel/sharing?"+urlValues("collection", f["collection"], "done", "unshared", "id", f["id"]))
}

// observed is what an indicator observes, as lists show it.
type observed struct {
	Kind, Value string
}

// maxObservedShown is how many of a pattern's values a list row shows.
const maxObservedShown = 3

// intelObserves is what indicator o observes, so that indicators of one
// name tell apart in lists: the kinds and values its pattern compares,
// or "pattern" and the pattern as written when Warden does not read it;
// nothing for other objects.
func intelObserves(o warden.IntelObject) observed {
	if o.Type != "indicator" {
		return observed{}
	}
	var ind struct {
		Pattern string `json:"pattern"`
	}
	if json.Unmarshal(o.Object, &ind) != nil || ind.Pattern == "" {
		return observed{}
	}
	obs, err := stix.ParsePattern(ind.Pattern)
	if err != nil || len(obs) == 0 {
		return observed{Kind: "pattern", Value: ind.Pattern}
	}
	var kinds, values []string
	for _, ob := range obs {
		if k := string(ob.Kind); !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
		if len(values) == maxObservedShown {
			values = append(values, fmt.Sprintf("… (%d in all)", len(obs)))
			break
		}
		v := ob.Value
		if ob.Chain != "" {
			v += " (" + ob.Chain + ")"
		}
		values = append(values, v)
	}
	return observed{Kind: strings.Join(kinds, ", "), Value: strings.Join(values, ", ")}
}
