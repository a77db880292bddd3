package web

import (
	"net/http"
	"net/url"
	"strings"
)

// fileRequest marks a report as filed with the regulator.
type fileRequest struct {
	Subject   string `json:"subject"`
	Reference string `json:"reference"`
	Note      string `json:"note"`
}

// fileReport records that a report ({kind}: initial, annual or
// rejected) was filed: subject is the payment reference (initial,
// rejected) or the year (annual).
func (s *Server) fileReport(w http.ResponseWriter, r *http.Request) {
	var req fileRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	f, err := s.Enforcement.FileReport(r.Context(), r.PathValue("kind"), req.Subject, req.Reference, req.Note)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, f)
}

// fileReportForm is the report page's filing form: it records the filing
// and goes back to the report (post/redirect/get), or shows the error.
func (s *Server) fileReportForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	kind := r.PathValue("kind")
	_, err := s.Enforcement.FileReport(r.Context(), kind, r.PostFormValue("subject"), r.PostFormValue("reference"), r.PostFormValue("note"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	back := r.PostFormValue("back")
	// Only back to a report page of this server.
	if !strings.HasPrefix(back, "/v1/reports/"+kind+"?") {
		back = "/v1/reports/" + kind + "?format=html"
	}
	u, err := url.Parse(back)
	if err != nil {
		back = "/v1/reports/" + kind + "?format=html"
	} else {
		q := u.Query()
		q.Set("format", "html")
		q.Set("filed", "1")
		back = u.Path + "?" + q.Encode()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
