package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/enforcement"
)

// caseParams are the review queue's query parameters, on the API, its
// export and the page.
var caseParams = []param{
	{"status", "string", "open, pending_review, confirmed or cleared, several separated by commas, or all (default: open and pending_review)"},
	{"list", "string", "the listed party's list"}, {"program", "string", "a program of the listed party"},
	{"min_score", "number", "score at least"}, {"max_score", "number", "score at most"},
	{"assignee", "string", "assigned to this person"}, {"unassigned", "boolean", "assigned to nobody"}, {"mine", "boolean", "assigned to the caller"},
	{"source", "string", "payment or customer"}, {"older_than", "integer", "opened more than this many days ago"},
	{"overdue", "boolean", "past the deadline (business days, by policy)"},
	{"q", "string", "search the screened name, reference, listed party's id and name"},
	{"sort", "string", "oldest (default), newest, score_desc, score_asc, reference or id"},
	{"offset", "integer", "cases to skip (paging)"}, {"limit", "integer", "at most this many (1-1000)"},
}

// queryFlag reads a yes/no query parameter.
func queryFlag(q url.Values, name string) bool {
	switch q.Get(name) {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}

// caseQuery reads the queue's filter from query parameters.
func caseQuery(q url.Values) (enforcement.CaseQuery, error) {
	var cq enforcement.CaseQuery
	f := &cq.CaseFilter
	for _, v := range q["status"] {
		for st := range strings.SplitSeq(v, ",") {
			switch st = strings.TrimSpace(st); st {
			case "":
			case "all":
				f.Statuses = slices.Clone(warden.CaseStatuses)
			default:
				if !slices.Contains(f.Statuses, warden.CaseStatus(st)) {
					f.Statuses = append(f.Statuses, warden.CaseStatus(st))
				}
			}
		}
	}
	f.List, f.Program, f.Assignee, f.Source = q.Get("list"), q.Get("program"), q.Get("assignee"), q.Get("source")
	f.Search, f.Sort = strings.TrimSpace(q.Get("q")), q.Get("sort")
	f.Unassigned, cq.Mine, cq.Overdue = queryFlag(q, "unassigned"), queryFlag(q, "mine"), queryFlag(q, "overdue")
	for _, n := range []struct {
		name string
		v    *float64
	}{{"min_score", &f.MinScore}, {"max_score", &f.MaxScore}} {
		if s := q.Get(n.name); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || x < 0 || x > 1 {
				return cq, warden.Errorf(warden.EINVALID, "%s must be a number from 0 to 1", n.name)
			}
			*n.v = x
		}
	}
	for _, n := range []struct {
		name string
		v    *int
	}{{"older_than", &cq.OlderThanDays}, {"offset", &f.Offset}} {
		if s := q.Get(n.name); s != "" {
			x, err := parseDigits(s)
			if err != nil || x > 1_000_000 {
				return cq, warden.Errorf(warden.EINVALID, "%s must be a whole number up to 1000000", n.name)
			}
			*n.v = int(x)
		}
	}
	var err error
	f.Limit, err = queryLimit(q)
	return cq, err
}

func (s *Server) cases(w http.ResponseWriter, r *http.Request) {
	q, err := caseQuery(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	list, err := s.Enforcement.FindCases(r.Context(), q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// caseColumns are the CSV export's columns.
var caseColumns = []string{"case", "status", "source", "reference", "screened_name", "listed_party", "listed_name", "list", "programs", "score",
	"assignee", "opened", "due", "overdue", "cleared_by", "decided_by", "decided_at", "outcome", "reason"}

// casesExport streams the cases a filter selects as CSV, however many:
// read a page at a time by case number (exportPage), written as they
// come.
func (s *Server) casesExport(w http.ResponseWriter, r *http.Request) {
	q, err := caseQuery(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q.Sort, q.Offset, q.Limit = warden.CaseSortID, 0, exportPage
	page, err := s.Enforcement.FindCases(r.Context(), q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cw := csvExport(w, "cases.csv", caseColumns)
	for {
		for _, c := range page.Cases {
			cw.Write(caseRow(c))
		}
		if err := flush(w, cw); err != nil || len(page.Cases) < exportPage {
			return
		}
		q.After = page.Cases[len(page.Cases)-1].ID
		if page, err = s.Enforcement.FindCases(r.Context(), q); err != nil {
			s.abort(w, r, cw, err)
			return
		}
	}
}

// caseRow is a case as a row of the export, invisible characters shown.
func caseRow(c warden.Case) []string {
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	row := []string{strconv.FormatInt(c.ID, 10), string(c.Status), c.Source, c.Reference, c.Name, c.EntityID, c.ListedName, c.List, strings.Join(c.Programs, " "),
		strconv.FormatFloat(c.Score, 'f', 3, 64), c.Assignee, stamp(&c.CreatedAt), stamp(c.Due), strconv.FormatBool(c.Overdue),
		c.ClearedBy, c.DecidedBy, stamp(c.DecidedAt), c.Outcome, c.Reason}
	for i := range row {
		row[i] = warden.Visible(row[i])
	}
	return row
}

// caseID reads a case's {id}.
func caseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, warden.Errorf(warden.EINVALID, "case id must be an integer")
	}
	return id, nil
}

func (s *Server) caseAPI(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f, err := s.Enforcement.Case(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// caseStep answers a step on one case that returns it (claim, release,
// approve, send back).
func (s *Server) caseStep(step func(s *Server, r *http.Request, id int64, reason string) (warden.Case, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, reason, err := idAndReason(w, r, "case")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		c, err := step(s, r, id, reason)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, c)
	}
}

func claimCase(s *Server, r *http.Request, id int64, _ string) (warden.Case, error) {
	return s.Enforcement.Claim(r.Context(), id)
}

func releaseCase(s *Server, r *http.Request, id int64, _ string) (warden.Case, error) {
	return s.Enforcement.Release(r.Context(), id)
}

func approveCase(s *Server, r *http.Request, id int64, reason string) (warden.Case, error) {
	return s.Enforcement.ApproveClear(r.Context(), id, reason)
}

func sendBackCase(s *Server, r *http.Request, id int64, reason string) (warden.Case, error) {
	return s.Enforcement.SendBack(r.Context(), id, reason)
}

func (s *Server) assignCase(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req struct {
		Assignee string `json:"assignee"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.Enforcement.Assign(r.Context(), id, req.Assignee)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) caseNote(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req struct {
		Text string `json:"text"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.Enforcement.AddNote(r.Context(), id, req.Text)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, n)
}

// caseAttach attaches the multipart body's part "file" to a case.
func (s *Server) caseAttach(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name, data, err := readFilePart(w, r, s.Enforcement.Casework.MaxAttachment, "an attachment")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	a, err := s.Enforcement.Attach(r.Context(), id, name, data)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

// caseAttachment serves a case's file for download, as evidence is served.
func (s *Server) caseAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "attachment id must be an integer"))
		return
	}
	a, data, err := s.Enforcement.Attachment(r.Context(), id, aid)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	serveFile(w, r, a.Name, a.MediaType, a.SHA256, a.AddedAt, data)
}

func (s *Server) casesBulk(w http.ResponseWriter, r *http.Request) {
	var req enforcement.BulkRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.Enforcement.Bulk(r.Context(), req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res})
}

func (s *Server) goodGuys(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := warden.GoodGuyFilter{Search: strings.TrimSpace(q.Get("q"))}
	var err error
	if f.Limit, err = queryLimit(q); err != nil {
		s.Error(w, r, err)
		return
	}
	if v := q.Get("offset"); v != "" {
		n, err := parseDigits(v)
		if err != nil || n > 1_000_000 {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "offset must be a whole number up to 1000000"))
			return
		}
		f.Offset = int(n)
	}
	gg, total, err := s.Enforcement.GoodGuys(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"false_positives": gg, "total": total})
}

func (s *Server) revokeGoodGuy(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.Enforcement.RevokeGoodGuy(r.Context(), id, r.URL.Query().Get("reason")); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
