package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"warden"
	"warden/cooperation"
)

// The cooperation API: requests between the authority and its
// counterparts with their threads, attachments, extensions, reviews,
// referrals and timelines; the priority table, referral thresholds,
// closures, dialogues and scorecards. The cooperation service authorises
// every call (a counterpart asking about another's request gets the
// unknown request's 404) and audits every change; these handlers only
// read requests and write answers.

// requestForm is the body of PUT /v1/requests/{id}: the request's form.
// due_by is read here, as a string, so that a malformed time is refused
// naming the field (the time package's error does not).
type requestForm struct {
	cooperation.Input
	DueBy string `json:"due_by,omitempty"`
}

// input is the form as the service takes it.
func (f *requestForm) input() (cooperation.Input, error) {
	in := f.Input
	if f.DueBy != "" {
		t, err := time.Parse(time.RFC3339, f.DueBy)
		if err != nil {
			return in, warden.Errorf(warden.EINVALID, "due_by must be an RFC 3339 time such as 2026-12-01T17:00:00Z")
		}
		in.DueBy = &t
	}
	return in, nil
}

// createRequestBody is the body of POST /v1/requests: the form, and
// whether to send it at once rather than keep a draft.
type createRequestBody struct {
	requestForm
	Send bool `json:"send,omitempty"`
}

// idParam reads the path value name, a positive integer; what names the
// object for the error.
func idParam(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, warden.Errorf(warden.EINVALID, "%s id must be a positive integer", what)
	}
	return id, nil
}

// createRequest drafts a request and, with "send": true, sends it. A
// draft whose sending fails stays a draft, and the error says its id.
func (s *Server) createRequest(w http.ResponseWriter, r *http.Request) {
	var body createRequestBody
	var req warden.Request
	err := decodeJSON(w, r, &body)
	var in cooperation.Input
	if err == nil {
		in, err = body.input()
	}
	if err == nil {
		req, err = s.Cooperation.Create(r.Context(), in)
	}
	if err == nil && body.Send {
		var sent warden.Request
		if sent, err = s.Cooperation.Send(r.Context(), req.ID); err != nil {
			err = warden.Errorf(warden.ErrorCode(err), "request %d was drafted but not sent: %w", req.ID, err)
		}
		req = sent
	}
	s.answer(w, r, http.StatusCreated, req, err)
}

func (s *Server) updateRequest(w http.ResponseWriter, r *http.Request) {
	var body requestForm
	var req warden.Request
	id, err := idParam(r, "id", "request")
	if err == nil {
		err = decodeJSON(w, r, &body)
	}
	var in cooperation.Input
	if err == nil {
		in, err = body.input()
	}
	if err == nil {
		req, err = s.Cooperation.Update(r.Context(), id, in)
	}
	s.answer(w, r, http.StatusOK, req, err)
}

// listRequests lists requests newest first; after pages (the ids below
// it).
func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := cooperation.Filter{Status: warden.RequestStatus(q.Get("status")), Direction: warden.Direction(q.Get("direction")),
		Counterpart: q.Get("counterpart"), Priority: warden.Priority(q.Get("priority")), Query: q.Get("q")}
	var err error
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		err = warden.Errorf(warden.EINVALID, "overdue (query parameter) must be true or false")
	}
	if err == nil {
		f.After, err = queryInt64(r, "after")
	}
	if err == nil {
		f.Limit, err = queryLimit(q)
	}
	var rs []warden.Request
	if err == nil {
		rs, err = s.Cooperation.List(r.Context(), f)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"requests": rs}, err)
}

func (s *Server) getRequest(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	var req warden.Request
	if err == nil {
		req, err = s.Cooperation.Get(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, req, err)
}

func (s *Server) sendRequest(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	if err == nil {
		err = optionalJSON(w, r, &struct{}{})
	}
	var req warden.Request
	if err == nil {
		req, err = s.Cooperation.Send(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, req, err)
}

// requestNoted is a step whose body, which may be left out, is {"note"}:
// acknowledge, start, close.
func (s *Server) requestNoted(step func(c *cooperation.Service, ctx context.Context, id int64, note string) (warden.Request, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in noteRequest
		id, err := idParam(r, "id", "request")
		if err == nil {
			err = optionalJSON(w, r, &in)
		}
		var req warden.Request
		if err == nil {
			req, err = step(s.Cooperation, r.Context(), id, in.Note)
		}
		s.answer(w, r, http.StatusOK, req, err)
	}
}

// requestReasoned is a step whose body, which may be left out, is
// {"reason"}: withdraw, lapse.
func (s *Server) requestReasoned(step func(c *cooperation.Service, ctx context.Context, id int64, reason string) (warden.Request, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Reason string `json:"reason"`
		}
		id, err := idParam(r, "id", "request")
		if err == nil {
			err = optionalJSON(w, r, &in)
		}
		var req warden.Request
		if err == nil {
			req, err = step(s.Cooperation, r.Context(), id, in.Reason)
		}
		s.answer(w, r, http.StatusOK, req, err)
	}
}

func (s *Server) refuseRequest(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reason warden.RefusalReason `json:"reason"`
		Text   string               `json:"text"`
	}
	id, err := idParam(r, "id", "request")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	var req warden.Request
	if err == nil {
		req, err = s.Cooperation.Refuse(r.Context(), id, in.Reason, in.Text)
	}
	s.answer(w, r, http.StatusOK, req, err)
}

// readMessage reads a message's text fields into fields (by name) and its
// files: from a JSON object of strings, or from multipart/form-data with
// the same fields and parts named file. The body is
// cut at the service's attachment limit and a margin for the fields
// (413 beyond); a file over the limit is read to the limit and one byte
// more, so that the service refuses it (413) naming it.
func (s *Server) readMessage(w http.ResponseWriter, r *http.Request, fields map[string]*string) ([]cooperation.File, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		var m map[string]string
		if err := decodeJSON(w, r, &m); err != nil {
			return nil, err
		}
		for k, v := range m {
			p := fields[k]
			if p == nil {
				return nil, warden.Errorf(warden.EINVALID, "unknown field %q", k)
			}
			*p = v
		}
		return nil, nil
	}
	max := s.Cooperation.MaxAttachment
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "the multipart body is malformed")
	}
	var files []cooperation.File
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, bodyError(err)
		}
		name := part.FormName()
		if name == "file" {
			data, err := io.ReadAll(io.LimitReader(part, max+1))
			if err != nil {
				return nil, bodyError(err)
			}
			files = append(files, cooperation.File{Name: part.FileName(), Data: data})
			continue
		}
		p := fields[name]
		if p == nil {
			return nil, warden.Errorf(warden.EINVALID, "unknown form field %q", name)
		}
		if seen[name] {
			return nil, warden.Errorf(warden.EINVALID, "%s is given twice; give it once", name)
		}
		seen[name] = true
		b, err := io.ReadAll(io.LimitReader(part, maxJSONBody+1))
		if err != nil {
			return nil, bodyError(err)
		}
		if len(b) > maxJSONBody {
			return nil, warden.Errorf(warden.ETOOLARGE, "%s is over %d bytes", name, maxJSONBody)
		}
		if !utf8.Valid(b) {
			return nil, warden.Errorf(warden.EINVALID, "%s is not valid UTF-8", name)
		}
		*p = string(b)
	}
}

// answerResult is an answer: the request as it now stands and the
// message that carries the answer.
type answerResult struct {
	Request warden.Request        `json:"request"`
	Message warden.RequestMessage `json:"message"`
}

func (s *Server) answerRequest(w http.ResponseWriter, r *http.Request) {
	var completeness, body string
	var out answerResult
	id, err := idParam(r, "id", "request")
	var files []cooperation.File
	if err == nil {
		files, err = s.readMessage(w, r, map[string]*string{"completeness": &completeness, "body": &body})
	}
	if err == nil {
		out.Request, out.Message, err = s.Cooperation.Answer(r.Context(), id, warden.AnswerCompleteness(completeness), body, files)
	}
	s.answer(w, r, http.StatusCreated, out, err)
}

func (s *Server) requestMessages(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	var ms []warden.RequestMessage
	if err == nil {
		ms, err = s.Cooperation.Messages(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"messages": ms}, err)
}

func (s *Server) postRequestMessage(w http.ResponseWriter, r *http.Request) {
	var kind, body string
	var m warden.RequestMessage
	id, err := idParam(r, "id", "request")
	var files []cooperation.File
	if err == nil {
		files, err = s.readMessage(w, r, map[string]*string{"kind": &kind, "body": &body})
	}
	if err == nil {
		m, err = s.Cooperation.Message(r.Context(), id, warden.MessageKind(kind), body, files)
	}
	s.answer(w, r, http.StatusCreated, m, err)
}

// requestAttachment serves an attachment for download as evidenceFile
// serves evidence: its stored media type, as an attachment, nosniff, its
// SHA-256 as the ETag.
func (s *Server) requestAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	var aid int64
	if err == nil {
		aid, err = idParam(r, "aid", "attachment")
	}
	var a warden.Attachment
	var data []byte
	if err == nil {
		a, data, err = s.Cooperation.Attachment(r.Context(), id, aid)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	serveFile(w, r, a.Name, a.MediaType, a.SHA256, a.AddedAt, data)
}

func (s *Server) requestExtensions(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	var es []warden.Extension
	if err == nil {
		es, err = s.Cooperation.Extensions(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"extensions": es}, err)
}

func (s *Server) askExtension(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Until  string `json:"until"`
		Reason string `json:"reason"`
	}
	var e warden.Extension
	id, err := idParam(r, "id", "request")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	var until time.Time
	if err == nil {
		if until, err = time.Parse(time.RFC3339, in.Until); err != nil {
			err = warden.Errorf(warden.EINVALID, "until must be an RFC 3339 time such as 2026-12-01T17:00:00Z")
		}
	}
	if err == nil {
		e, err = s.Cooperation.AskExtension(r.Context(), id, until, in.Reason)
	}
	s.answer(w, r, http.StatusCreated, e, err)
}

func (s *Server) decideExtension(grant bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Reason string `json:"reason"`
		}
		var e warden.Extension
		id, err := idParam(r, "id", "request")
		var eid int64
		if err == nil {
			eid, err = idParam(r, "eid", "extension")
		}
		if err == nil {
			err = optionalJSON(w, r, &in)
		}
		if err == nil {
			e, err = s.Cooperation.DecideExtension(r.Context(), id, eid, grant, in.Reason)
		}
		s.answer(w, r, http.StatusOK, e, err)
	}
}

func (s *Server) requestReviews(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	var rs []warden.Review
	if err == nil {
		rs, err = s.Cooperation.Reviews(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"reviews": rs}, err)
}

func (s *Server) reviewRequest(w http.ResponseWriter, r *http.Request) {
	var in cooperation.ReviewInput
	var rv warden.Review
	id, err := idParam(r, "id", "request")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		rv, err = s.Cooperation.Review(r.Context(), id, in)
	}
	s.answer(w, r, http.StatusCreated, rv, err)
}

func (s *Server) respondReview(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Response string `json:"response"`
	}
	var rv warden.Review
	id, err := idParam(r, "id", "request")
	var rid int64
	if err == nil {
		rid, err = idParam(r, "rid", "review")
	}
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		rv, err = s.Cooperation.RespondReview(r.Context(), id, rid, in.Response)
	}
	s.answer(w, r, http.StatusOK, rv, err)
}

func (s *Server) requestReferrals(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	var rs []warden.Referral
	if err == nil {
		rs, err = s.Cooperation.Referrals(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"referrals": rs}, err)
}

func (s *Server) referRequest(w http.ResponseWriter, r *http.Request) {
	var in cooperation.ReferInput
	var ref warden.Referral
	id, err := idParam(r, "id", "request")
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil {
		ref, err = s.Cooperation.Refer(r.Context(), id, in)
	}
	s.answer(w, r, http.StatusCreated, ref, err)
}

func (s *Server) requestTimeline(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	var es []warden.DomainEvent
	if err == nil {
		es, err = s.Cooperation.Timeline(r.Context(), id)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"events": es}, err)
}

// requestObject is an object the request links, such as the listed party
// entity:ofac:26663: to a counterpart only a link shared with it.
func (s *Server) requestObject(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "id", "request")
	var v any
	if err == nil {
		v, err = s.Cooperation.Linked(r.Context(), id, r.PathValue("object"))
	}
	s.answer(w, r, http.StatusOK, v, err)
}

// priorityTable is the body and answer of /v1/cooperation/priorities.
type priorityTable struct {
	Priorities []warden.PriorityDeadlines `json:"priorities"`
}

func (s *Server) priorities(w http.ResponseWriter, r *http.Request) {
	var t priorityTable
	var err error
	t.Priorities, err = s.Cooperation.PriorityTable(r.Context())
	s.answer(w, r, http.StatusOK, t, err)
}

// setPriorities replaces the priority table and answers it as it now
// stands.
func (s *Server) setPriorities(w http.ResponseWriter, r *http.Request) {
	var t priorityTable
	err := decodeJSON(w, r, &t)
	if err == nil {
		err = s.Cooperation.SetPriorityTable(r.Context(), t.Priorities)
	}
	if err == nil {
		t.Priorities, err = s.Cooperation.PriorityTable(r.Context())
	}
	s.answer(w, r, http.StatusOK, t, err)
}

func (s *Server) thresholds(w http.ResponseWriter, r *http.Request) {
	t, err := s.Cooperation.Thresholds(r.Context())
	s.answer(w, r, http.StatusOK, t, err)
}

func (s *Server) setThresholds(w http.ResponseWriter, r *http.Request) {
	var t warden.ReferralThresholds
	err := decodeJSON(w, r, &t)
	if err == nil {
		err = s.Cooperation.SetThresholds(r.Context(), t)
	}
	if err == nil {
		t, err = s.Cooperation.Thresholds(r.Context())
	}
	s.answer(w, r, http.StatusOK, t, err)
}

func (s *Server) orgCalendar(w http.ResponseWriter, r *http.Request) {
	c, err := s.Cooperation.OrgCalendar(r.Context(), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, c, err)
}

// setOrgCalendar sets an organisation's business calendar; all three
// fields empty clears it.
func (s *Server) setOrgCalendar(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TimeZone    string `json:"time_zone"`
		Country     string `json:"country"`
		OfficeHours string `json:"office_hours"`
	}
	var c warden.OrgCalendar
	err := decodeJSON(w, r, &in)
	if err == nil {
		c, err = s.Cooperation.SetOrgCalendar(r.Context(), r.PathValue("id"), in.TimeZone, in.Country, in.OfficeHours)
	}
	s.answer(w, r, http.StatusOK, c, err)
}

func (s *Server) closures(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Cooperation.Closures(r.Context(), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, map[string]any{"closures": cs}, err)
}

func (s *Server) addClosure(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Date   string `json:"date"`
		Reason string `json:"reason"`
	}
	var c warden.Closure
	err := decodeJSON(w, r, &in)
	if err == nil {
		c = warden.Closure{Org: r.PathValue("id"), Date: in.Date, Reason: in.Reason}
		err = s.Cooperation.AddClosure(r.Context(), c)
	}
	// The answer is the closure as stored, with the time it was added.
	var all []warden.Closure
	if err == nil {
		all, err = s.Cooperation.Closures(r.Context(), c.Org)
	}
	for _, x := range all {
		if x.Date == c.Date {
			c = x
		}
	}
	s.answer(w, r, http.StatusCreated, c, err)
}

func (s *Server) removeClosure(w http.ResponseWriter, r *http.Request) {
	if err := s.Cooperation.RemoveClosure(r.Context(), r.PathValue("id"), r.PathValue("date")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) dialogues(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Cooperation.Dialogues(r.Context(), r.URL.Query().Get("org"))
	s.answer(w, r, http.StatusOK, map[string]any{"dialogues": ds}, err)
}

func (s *Server) addDialogue(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Org    string `json:"org"`
		HeldOn string `json:"held_on"`
		Notes  string `json:"notes"`
	}
	var d warden.Dialogue
	err := decodeJSON(w, r, &in)
	if err == nil {
		d, err = s.Cooperation.AddDialogue(r.Context(), warden.Dialogue{Org: in.Org, HeldOn: in.HeldOn, Notes: in.Notes})
	}
	s.answer(w, r, http.StatusCreated, d, err)
}

// scorecardFormats are the forms a scorecard is answered in, by the
// format query parameter, with their media types.
var scorecardFormats = map[string]string{"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8", "svg": "image/svg+xml"}

// scorecardCSP replaces the server's policy for the printable report and
// the chart, which style themselves inline (the report's <style>,
// go-chart's style attributes) as a file saved or printed must: inline
// style and data: images, nothing else — no script, no fetch, no form.
const scorecardCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// scorecard answers a counterpart's scorecard (scorecardPeriod says for
// which period) as JSON, CSV, the printable report for the dialogue
// (HTML) or its chart (SVG).
func (s *Server) scorecard(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if scorecardFormats[format] == "" {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "format (query parameter) must be json, csv, html or svg"))
		return
	}
	org := q.Get("org")
	if org == "" {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "org (query parameter) is required: the counterpart organisation"))
		return
	}
	from, to, err := s.scorecardPeriod(r, org)
	var sc warden.Scorecard
	if err == nil {
		sc, err = s.Cooperation.Scorecard(r.Context(), org, from, to)
	}
	if err != nil || format == "json" {
		s.answer(w, r, http.StatusOK, sc, err)
		return
	}
	var b bytes.Buffer
	switch format {
	case "csv":
		err = cooperation.WriteCSV(&b, sc)
	case "svg":
		err = cooperation.ScorecardSVG(sc, &b)
	case "html":
		var svg bytes.Buffer
		if err = cooperation.ScorecardSVG(sc, &svg); err == nil {
			err = cooperation.WriteHTML(&b, sc, svg.Bytes())
		}
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", scorecardFormats[format])
	if format == "html" || format == "svg" {
		w.Header().Set("Content-Security-Policy", scorecardCSP)
	}
	if format == "csv" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{
			"filename": "scorecard-" + org + "-" + from.UTC().Format(time.DateOnly) + "-" + to.UTC().Format(time.DateOnly) + ".csv"}))
	}
	w.Write(b.Bytes())
}

// scorecardPeriod reads the period of a scorecard of org from the query:
// from and to (dates, or RFC 3339 times; to is exclusive), or period
// (month, quarter, or dialogue: since the last dialogue with org held
// before at) with at, default now. EINVALID names the parameter.
func (s *Server) scorecardPeriod(r *http.Request, org string) (from, to time.Time, err error) {
	q := r.URL.Query()
	kind := q.Get("period")
	if kind == "" {
		if q.Get("at") != "" {
			return from, to, warden.Errorf(warden.EINVALID, "at (query parameter) is taken with period only")
		}
		if from, err = queryDay(r, "from"); err == nil {
			to, err = queryDay(r, "to")
		}
		return from, to, err
	}
	if q.Get("from") != "" || q.Get("to") != "" {
		return from, to, warden.Errorf(warden.EINVALID, "from and to (query parameters) are not taken with period")
	}
	at := s.now()
	if q.Get("at") != "" {
		if at, err = queryDay(r, "at"); err != nil {
			return from, to, err
		}
	}
	var last *time.Time
	if kind == "dialogue" {
		ds, err := s.Cooperation.Dialogues(r.Context(), org)
		if err != nil {
			return from, to, err
		}
		for _, d := range ds {
			held, err := time.Parse(time.DateOnly, d.HeldOn)
			if err == nil && held.Before(at) && (last == nil || held.After(*last)) {
				last = &held
			}
		}
	}
	return cooperation.Period(kind, at, last)
}

// queryDay reads a required query parameter that is a date (YYYY-MM-DD,
// midnight UTC) or an RFC 3339 time, in the years 2000 to 2100.
func queryDay(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, warden.Errorf(warden.EINVALID, "%s (query parameter) is required: a date such as 2026-01-01, or an RFC 3339 time", name)
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			return t, warden.Errorf(warden.EINVALID, "%s (query parameter) must be a date such as 2026-01-01, or an RFC 3339 time", name)
		}
	}
	if err := cooperation.CheckDay(name+" (query parameter)", t); err != nil {
		return t, err
	}
	return t, nil
}
