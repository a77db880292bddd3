package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/enforcement"
	"warden/evidence"
)

func (s *Server) blockedProperty(w http.ResponseWriter, r *http.Request) {
	f, err := ledgerFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	es, bs, err := s.Enforcement.Ledger(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": es, "balances": bs})
}

// ledgerPage shows balances and entries, newest last, a page at a time.
func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := ledgerFilter(q)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 200
	}
	es, bs, err := s.Enforcement.Ledger(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	next := ""
	if len(es) == f.Limit {
		q.Set("after", strconv.FormatInt(es[len(es)-1].Seq, 10))
		next = "/ledger?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "ledger", view{Title: "Blocked property", Nav: "ledger",
		Data: map[string]any{"Filter": f, "Entries": es, "Balances": bs, "Next": next, "Year": enforcement.AnnualYear(s.now().UTC())}})
}

// ledgerFilter reads the ledger's filters and paging from a query.
func ledgerFilter(q url.Values) (warden.LedgerFilter, error) {
	f := warden.LedgerFilter{EntityID: q.Get("entity"), Holder: q.Get("holder"), Currency: q.Get("currency"), Reference: q.Get("reference")}
	if v := q.Get("after"); v != "" {
		n, err := parseDigits(v)
		if err != nil {
			return f, warden.Errorf(warden.EINVALID, "after must be a non-negative integer")
		}
		f.After = n
	}
	var err error
	f.Limit, err = queryLimit(q)
	return f, err
}

func (s *Server) createLicence(w http.ResponseWriter, r *http.Request) {
	var l warden.Licence
	if err := decodeJSON(w, r, &l); err != nil {
		s.Error(w, r, err)
		return
	}
	l, err := s.Enforcement.CreateLicence(r.Context(), l)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, l)
}

func (s *Server) licence(w http.ResponseWriter, r *http.Request) {
	l, err := s.Enforcement.Licence(r.Context(), r.PathValue("number"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (s *Server) proposeRelease(w http.ResponseWriter, r *http.Request) {
	var rel enforcement.Release
	if err := decodeJSON(w, r, &rel); err != nil {
		s.Error(w, r, err)
		return
	}
	ap, err := s.Enforcement.ProposeRelease(r.Context(), rel)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"approval": ap})
}

// report writes a regulator's report in the format the request asks for:
// JSON (default), CSV, or a printable HTML page.
func (s *Server) report(build func(*http.Request) (enforcement.Report, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		format := r.URL.Query().Get("format")
		rep, err := build(r)
		if err != nil {
			if format == "html" {
				s.errorPage(w, r, err)
			} else {
				s.Error(w, r, err)
			}
			return
		}
		switch format {
		case "", "json":
			writeJSON(w, http.StatusOK, rep)
		case "csv":
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+reportFile(rep)+`.csv"`)
			evidence.ReportCSV(w, rep)
		case "pdf":
			var b bytes.Buffer
			if err := evidence.ReportPDF(&b, rep, s.now()); err != nil {
				s.Error(w, r, err)
				return
			}
			w.Header().Set("Content-Type", "application/pdf")
			w.Header().Set("Content-Disposition", `attachment; filename="`+reportFile(rep)+`.pdf"`)
			w.Write(b.Bytes())
		case "html":
			q := r.URL.Query()
			flash := ""
			if q.Get("filed") != "" {
				flash = "The filing is recorded."
				q.Del("filed")
			}
			page := r.URL.Path + "?" + q.Encode()
			q.Set("format", "csv")
			csv := r.URL.Path + "?" + q.Encode()
			q.Set("format", "pdf")
			s.render(w, r, http.StatusOK, "report", view{Title: rep.Title, Nav: "ledger", Flash: flash,
				Data: map[string]any{"R": rep, "CSV": csv, "PDF": r.URL.Path + "?" + q.Encode(), "Back": page}})
		default:
			s.Error(w, r, warden.Errorf(warden.EINVALID, "format must be json, csv, html or pdf"))
		}
	}
}

// reportFile names a report's download after its title and date.
func reportFile(rep enforcement.Report) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, rep.Title)
	return name + "-" + rep.AsOf.Format("2006-01-02")
}

func (s *Server) initialReport(r *http.Request) (enforcement.Report, error) {
	return s.Enforcement.InitialReports(r.Context())
}

func (s *Server) annualReport(r *http.Request) (enforcement.Report, error) {
	year := enforcement.AnnualYear(s.now().UTC())
	if v := r.URL.Query().Get("year"); v != "" {
		n, err := parseDigits(v)
		if err != nil || n > 9999 {
			return enforcement.Report{}, warden.Errorf(warden.EINVALID, "year must be a number such as 2026")
		}
		year = int(n)
	}
	return s.Enforcement.AnnualReport(r.Context(), year)
}

func (s *Server) rejectedReport(r *http.Request) (enforcement.Report, error) {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return enforcement.Report{}, warden.Errorf(warden.EINVALID, "since must be a date such as 2026-01-31")
		}
		since = t
	}
	return s.Enforcement.RejectedReport(r.Context(), since)
}

func (s *Server) licences(w http.ResponseWriter, r *http.Request) {
	ls, err := s.Enforcement.Licences(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"licences": ls})
}

// pendingRelease is a release waiting for a sanctions officer, as the
// licences page shows it.
type pendingRelease struct {
	warden.Approval
	Release enforcement.Release
}

// licencesPage shows the licences, a form to record one, a form to propose
// a release under one, and the releases waiting for approval.
func (s *Server) licencesPage(w http.ResponseWriter, r *http.Request) {
	s.licencesView(w, r, http.StatusOK, "", "")
}

func (s *Server) licencesView(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string) {
	ctx := r.Context()
	ls, err := s.Enforcement.Licences(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var pending []pendingRelease
	if p, _ := warden.PrincipalFrom(ctx); warden.Allowed(p.Role, warden.ActApprovalsRead) {
		aps, err := s.Auth.Approvals.List(ctx, "pending")
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		for _, a := range aps {
			if a.Action != enforcement.ActionRelease {
				continue
			}
			pr := pendingRelease{Approval: a}
			json.Unmarshal(a.Payload, &pr.Release)
			pending = append(pending, pr)
		}
	}
	s.render(w, r, status, "licences", view{Title: "Licences and releases", Nav: "licences", Flash: flash, Error: errMsg,
		Data: map[string]any{"Licences": ls, "Pending": pending}})
}

// splitList reads a comma-separated form field.
func splitList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// licenceForm records a licence from the licences page.
func (s *Server) licenceForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	l := warden.Licence{Number: r.PostFormValue("number"), Issuer: r.PostFormValue("issuer"), Kind: r.PostFormValue("kind"),
		Programs: splitList(r.PostFormValue("programs")), Entities: splitList(r.PostFormValue("entities"))}
	if v := strings.TrimSpace(r.PostFormValue("expires")); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			s.licencesView(w, r, http.StatusBadRequest, "", "expiry must be a date YYYY-MM-DD")
			return
		}
		l.Expires = &t
	}
	l, err := s.Enforcement.CreateLicence(r.Context(), l)
	if err != nil {
		status, _, detail := s.status(r, err)
		s.licencesView(w, r, status, "", detail)
		return
	}
	s.licencesView(w, r, http.StatusCreated, "Recorded licence "+l.Number+".", "")
}

// releaseForm proposes a release from the licences page.
func (s *Server) releaseForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	amount, err := warden.ParseMoney(r.PostFormValue("currency"), r.PostFormValue("amount"))
	if err != nil {
		status, _, detail := s.status(r, err)
		s.licencesView(w, r, status, "", detail)
		return
	}
	rel := enforcement.Release{Holder: strings.TrimSpace(r.PostFormValue("holder")), EntityID: strings.TrimSpace(r.PostFormValue("entity")), Amount: amount,
		Licence: strings.TrimSpace(r.PostFormValue("licence")), Reason: r.PostFormValue("reason")}
	ap, err := s.Enforcement.ProposeRelease(r.Context(), rel)
	if err != nil {
		status, _, detail := s.status(r, err)
		s.licencesView(w, r, status, "", detail)
		return
	}
	s.licencesView(w, r, http.StatusAccepted, fmt.Sprintf("Proposed releasing %s (proposal %d); a sanctions officer other than you approves it.", amount, ap.ID), "")
}

// releaseDecisionForm approves or rejects a proposed release.
func (s *Server) releaseDecisionForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, warden.Errorf(warden.EINVALID, "proposal id must be an integer"))
		return
	}
	op := r.PostFormValue("op")
	if op != "approve" && op != "reject" {
		s.licencesView(w, r, http.StatusBadRequest, "", "choose approve or reject")
		return
	}
	a, err := s.Auth.Approvals.Decide(r.Context(), id, op == "approve", r.PostFormValue("reason"))
	if err != nil {
		status, _, detail := s.status(r, err)
		s.licencesView(w, r, status, "", fmt.Sprintf("Proposal %d: %s", id, detail))
		return
	}
	s.licencesView(w, r, http.StatusOK, fmt.Sprintf("Proposal %d %s.", a.ID, a.Status), "")
}
