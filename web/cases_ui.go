package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"warden"
	"warden/enforcement"
	"warden/match"
)

// queuePage is how many cases a page of the queue shows.
const queuePage = 25

// caseCard is a case of the queue with what a card shows of it.
type caseCard struct {
	warden.Case
	Amount    warden.Money
	Listed    *warden.Entity
	Why       *match.Explanation   // the word-by-word explanation of its hit
	Indicator *warden.IndicatorHit // the explanation of a hit on an indicator
}

// explanation reads a hit's stored explanation as the matcher wrote it;
// nil for an indicator's or an ownership hit.
func explanation(h *warden.TxHit) *match.Explanation {
	if h == nil || h.Explanation == nil {
		return nil
	}
	b, err := json.Marshal(h.Explanation)
	if err != nil {
		return nil
	}
	var x match.Explanation
	if err := json.Unmarshal(b, &x); err != nil || x.ListedName == "" && x.Identifier == "" {
		return nil
	}
	return &x
}

// queueQuery is the queue's filter as a query string without the flash
// parameters, for links (pages, export) and for coming back after a form.
func queueQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		switch k {
		case "done", "case", "n", "failed", "offset":
		default:
			for _, v := range vs {
				if v != "" {
					out.Add(k, v)
				}
			}
		}
	}
	return out
}

// casesPage shows the review queue: the filter, a page of cases (each
// with why it matched and quick decisions), paging, bulk actions and the
// export.
func (s *Server) casesPage(w http.ResponseWriter, r *http.Request) {
	s.queueView(w, r, r.URL.Query(), http.StatusOK, "")
}

// queueView renders the queue for query q, with errMsg if a form failed.
func (s *Server) queueView(w http.ResponseWriter, r *http.Request, q url.Values, status int, errMsg string) {
	ctx := r.Context()
	cq, err := caseQuery(q)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	cq.Limit = queuePage
	list, err := s.Enforcement.FindCases(ctx, cq)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	cards := make([]caseCard, 0, len(list.Cases))
	for _, c := range list.Cases {
		cc := caseCard{Case: c}
		if d, err := s.Enforcement.Transaction(ctx, c.Reference); err == nil {
			cc.Amount = d.Amount
			cc.Indicator = caseIndicator(d, c)
			for i, h := range d.Hits {
				if h.Party == c.Party && h.EntityID == c.EntityID {
					cc.Why = explanation(&d.Hits[i])
					break
				}
			}
		}
		if e, err := s.Lists.Entity(ctx, c.EntityID, 0); err == nil {
			cc.Listed = e
		}
		cards = append(cards, cc)
	}
	base := queueQuery(q)
	page := func(off int) string {
		v := queueQuery(q)
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		return "/cases?" + v.Encode()
	}
	data := map[string]any{"Cases": cards, "Total": list.Total, "Q": cq, "Query": base.Encode(), "Status": q.Get("status"),
		"From": cq.Offset + 1, "To": cq.Offset + len(cards), "Sorts": warden.CaseSorts, "Export": "/v1/cases/export?" + base.Encode()}
	if cq.Offset > 0 {
		data["Prev"] = page(max(cq.Offset-queuePage, 0))
	}
	if cq.Offset+len(cards) < list.Total {
		data["Next"] = page(cq.Offset + queuePage)
	}
	s.render(w, r, status, "case-queue", view{Title: "Review queue", Nav: "cases", Flash: s.caseFlash(r, q), Error: errMsg, Data: data})
}

// caseFlash is what the page says after a form succeeded, from the
// parameters the form's redirect carried.
func (s *Server) caseFlash(r *http.Request, q url.Values) string {
	id, _ := strconv.ParseInt(q.Get("case"), 10, 64)
	switch q.Get("done") {
	case "confirm":
		if f, err := s.Enforcement.Case(r.Context(), id); err == nil {
			return fmt.Sprintf("Case %d confirmed: %s is %s.", id, f.Reference, f.Outcome)
		}
	case "clear":
		return fmt.Sprintf("Case %d cleared as a false positive; remembered for this counterparty and listing.", id)
	case "pending":
		return fmt.Sprintf("Case %d cleared, pending a second review: another analyst or a sanctions officer approves it or sends it back.", id)
	case "approve":
		return fmt.Sprintf("Case %d: clearing approved; the hit is cleared and remembered.", id)
	case "send_back":
		return fmt.Sprintf("Case %d sent back to the queue.", id)
	case "claim":
		return fmt.Sprintf("Case %d is yours.", id)
	case "release":
		return fmt.Sprintf("Case %d released: assigned to nobody.", id)
	case "assign":
		return fmt.Sprintf("Case %d assigned.", id)
	case "note":
		return fmt.Sprintf("Note added to case %d.", id)
	case "revoke":
		return fmt.Sprintf("The false positive of case %d is revoked: screening stops that counterparty for that listing again.", id)
	case "bulk":
		msg := fmt.Sprintf("%s done on %s case(s).", q.Get("op"), q.Get("n"))
		if f := q.Get("failed"); f != "" {
			msg += " Not done on case(s) " + f + ": decided or held by someone else meanwhile."
		}
		return msg
	}
	return ""
}

// doneQuery is the query a form's redirect carries: where it came from
// (the queue's filter, as the form's back field has it) and what it did.
func doneQuery(r *http.Request, kv ...string) string {
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	q := queueQuery(back)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q.Encode()
}

// caseForm handles the decisions on one case (confirm, clear, claim,
// release) from the queue or the case's page, and goes back there.
func (s *Server) caseForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := caseID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	ctx := r.Context()
	op := r.PostFormValue("op")
	var c warden.Case
	switch op {
	case "confirm", "clear":
		c, err = s.Enforcement.DecideCase(ctx, id, op == "confirm", r.PostFormValue("reason"))
		if err == nil && c.Status == warden.CasePendingReview {
			op = "pending"
		}
	case "claim":
		_, err = s.Enforcement.Claim(ctx, id)
	case "release":
		_, err = s.Enforcement.Release(ctx, id)
	default:
		err = warden.Errorf(warden.EINVALID, "choose confirm, clear, claim or release")
	}
	s.caseFormDone(w, r, id, op, err)
}

// caseFormDone answers a form on case id: on success a redirect to where
// it came from (the case's page, or the queue as filtered) saying what
// was done; on failure that page again with the error.
func (s *Server) caseFormDone(w http.ResponseWriter, r *http.Request, id int64, op string, err error) {
	onCase := r.PostFormValue("from") == "case"
	if err != nil {
		status, _, detail := s.status(r, err)
		if onCase {
			s.caseView(w, r, id, status, detail)
			return
		}
		back, _ := url.ParseQuery(r.PostFormValue("back"))
		s.queueView(w, r, back, status, fmt.Sprintf("Case %d: %s", id, detail))
		return
	}
	if onCase {
		goTo(w, r, fmt.Sprintf("/cases/%d?", id)+urlValues("done", op, "case", strconv.FormatInt(id, 10)))
		return
	}
	goTo(w, r, "/cases?"+doneQuery(r, "done", op, "case", strconv.FormatInt(id, 10)))
}

// caseAssignForm assigns a case to a person, or to nobody (a lead).
func (s *Server) caseAssignForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := caseID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	_, err = s.Enforcement.Assign(r.Context(), id, strings.TrimSpace(r.PostFormValue("assignee")))
	s.caseFormDone(w, r, id, "assign", err)
}

// caseReviewForm is the second review: approve the clearing or send it
// back.
func (s *Server) caseReviewForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := caseID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	op := r.PostFormValue("op")
	switch op {
	case "approve":
		_, err = s.Enforcement.ApproveClear(r.Context(), id, r.PostFormValue("reason"))
	case "send_back":
		_, err = s.Enforcement.SendBack(r.Context(), id, r.PostFormValue("reason"))
	default:
		err = warden.Errorf(warden.EINVALID, "choose approve or send back")
	}
	s.caseFormDone(w, r, id, op, err)
}

// caseNoteForm adds a note, a file, or both, to a case.
func (s *Server) caseNoteForm(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	max := s.Enforcement.Casework.MaxAttachment
	r.Body = http.MaxBytesReader(w, r.Body, max+maxFormBody)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.caseView(w, r, id, formFailed(r, http.StatusBadRequest), fmt.Sprintf("the form could not be read (a file is at most %d bytes): %v", max, err))
		return
	}
	text := strings.TrimSpace(r.PostFormValue("note"))
	name, data, err := caseFile(r, max)
	if err == nil && text == "" && name == "" {
		err = warden.Errorf(warden.EINVALID, "write a note or choose a file")
	}
	if err == nil && text != "" {
		_, err = s.Enforcement.AddNote(r.Context(), id, text)
	}
	if err == nil && name != "" {
		_, err = s.Enforcement.Attach(r.Context(), id, name, data)
	}
	if err != nil {
		status, _, detail := s.status(r, err)
		s.caseView(w, r, id, formFailed(r, status), detail)
		return
	}
	goTo(w, r, fmt.Sprintf("/cases/%d?", id)+urlValues("done", "note", "case", strconv.FormatInt(id, 10)))
}

// caseFile reads the form's optional file part, "file".
func caseFile(r *http.Request, limit int64) (string, []byte, error) {
	if r.MultipartForm == nil {
		return "", nil, nil
	}
	file, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, warden.Errorf(warden.EINVALID, "file: %v", err)
	}
	defer file.Close()
	if hdr.Filename == "" && hdr.Size == 0 {
		return "", nil, nil
	}
	if hdr.Size > limit {
		return "", nil, warden.Errorf(warden.EINVALID, "%s is over the limit of %d bytes for an attachment", hdr.Filename, limit)
	}
	data, err := io.ReadAll(file)
	if err != nil {
		return "", nil, warden.Errorf(warden.EINVALID, "file: %v", err)
	}
	return hdr.Filename, data, nil
}

// caseRevokeForm revokes a case's remembered false positive.
func (s *Server) caseRevokeForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := caseID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	err = s.Enforcement.RevokeGoodGuy(r.Context(), id, r.PostFormValue("reason"))
	if r.PostFormValue("from") == "good-guys" {
		if err != nil {
			status, _, detail := s.status(r, err)
			s.goodGuysView(w, r, status, fmt.Sprintf("Case %d: %s", id, detail))
			return
		}
		goTo(w, r, "/good-guys?"+urlValues("done", "revoke", "case", strconv.FormatInt(id, 10), "q", r.PostFormValue("q")))
		return
	}
	s.caseFormDone(w, r, id, "revoke", err)
}

// casesBulkForm does one action on the cases ticked in the queue.
func (s *Server) casesBulkForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, warden.Errorf(warden.EINVALID, "the form could not be read"))
		return
	}
	req := enforcement.BulkRequest{Op: r.PostFormValue("op"), Reason: r.PostFormValue("reason"), Assignee: strings.TrimSpace(r.PostFormValue("assignee"))}
	for _, v := range r.PostForm["case"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.errorPage(w, r, warden.Errorf(warden.EINVALID, "case id must be an integer"))
			return
		}
		req.Cases = append(req.Cases, id)
	}
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	if len(req.Cases) == 0 {
		s.queueView(w, r, back, http.StatusBadRequest, "Tick the cases to act on.")
		return
	}
	res, err := s.Enforcement.Bulk(r.Context(), req)
	if err != nil {
		status, _, detail := s.status(r, err)
		s.queueView(w, r, back, status, detail)
		return
	}
	var failed []string
	for _, x := range res {
		if x.Error != "" {
			failed = append(failed, strconv.FormatInt(x.Case, 10))
		}
	}
	goTo(w, r, "/cases?"+doneQuery(r, "done", "bulk", "op", req.Op, "n", strconv.Itoa(len(res)-len(failed)), "failed", strings.Join(failed, ",")))
}

// caseDetail is a case's page: the case file, the listed party, and the
// people it may be assigned to.
type caseDetail struct {
	enforcement.CaseFile
	Listed *warden.Entity
	Why    *match.Explanation
	// Indicator explains a hit on an indicator of intelligence.
	Indicator *warden.IndicatorHit
	People    []string
	// GoodGuy: the case's clearing is remembered (it can be revoked).
	GoodGuy bool
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.caseView(w, r, id, http.StatusOK, "")
}

// caseView renders case id's page with errMsg if a form failed.
func (s *Server) caseView(w http.ResponseWriter, r *http.Request, id int64, status int, errMsg string) {
	ctx := r.Context()
	f, err := s.Enforcement.Case(ctx, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d := caseDetail{CaseFile: f, Why: explanation(f.Hit)}
	if e, err := s.Lists.Entity(ctx, f.EntityID, 0); err == nil {
		d.Listed = e
	}
	if tx, err := s.Enforcement.Transaction(ctx, f.Reference); err == nil {
		d.Indicator = caseIndicator(tx, f.Case)
	}
	if f.Status == warden.CaseCleared {
		gg, _, err := s.Enforcement.GoodGuys(ctx, warden.GoodGuyFilter{Search: f.EntityID, Limit: 1000})
		if err == nil {
			for _, g := range gg {
				d.GoodGuy = d.GoodGuy || g.Case == id
			}
		}
	}
	if p, _ := warden.PrincipalFrom(ctx); warden.Allowed(p.Role, warden.ActCasesAssign) {
		d.People, _ = s.Enforcement.Assignees(ctx)
	}
	s.render(w, r, status, "case", view{Title: fmt.Sprintf("Case %d", id), Nav: "cases", Flash: s.caseFlash(r, r.URL.Query()), Error: errMsg, Data: d})
}

// caseAttachmentPage downloads a case's file from its page.
func (s *Server) caseAttachmentPage(w http.ResponseWriter, r *http.Request) {
	id, err := caseID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil {
		s.errorPage(w, r, warden.Errorf(warden.EINVALID, "attachment id must be an integer"))
		return
	}
	a, data, err := s.Enforcement.Attachment(r.Context(), id, aid)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	serveFile(w, r, a.Name, a.MediaType, a.SHA256, a.AddedAt, data)
}

// goodGuysPage lists the remembered false positives, searchable, each
// revocable.
func (s *Server) goodGuysPage(w http.ResponseWriter, r *http.Request) {
	s.goodGuysView(w, r, http.StatusOK, "")
}

func (s *Server) goodGuysView(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = url.Values{"q": {r.PostFormValue("q")}}
	}
	f := warden.GoodGuyFilter{Search: strings.TrimSpace(q.Get("q")), Limit: 100}
	if off, err := parseDigits(q.Get("offset")); err == nil && off < 1_000_000 {
		f.Offset = int(off)
	}
	gg, total, err := s.Enforcement.GoodGuys(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := map[string]any{"GoodGuys": gg, "Total": total, "Search": f.Search}
	if f.Offset+len(gg) < total {
		data["Next"] = "/good-guys?" + urlValues("q", f.Search, "offset", strconv.Itoa(f.Offset+len(gg)))
	}
	s.render(w, r, status, "good-guys", view{Title: "Remembered false positives", Nav: "cases", Flash: s.caseFlash(r, q), Error: errMsg, Data: data})
}
