package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/internal/csvsafe"
)

// CSV exports: every row, however many, streamed a page at a time, so
// that an export holds neither the whole register in memory nor stops at
// a page's size. A failure after the first row can no longer change the
// status: the export then ends with a row saying so, which no complete
// export has.

// exportPage is how many rows an export reads from the store at a time.
const exportPage = 1000

// csvExport starts a CSV download named file with its header row.
func csvExport(w http.ResponseWriter, file string, header []string) *csvsafe.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csvsafe.NewWriter(w)
	cw.Write(header)
	return cw
}

// flush sends what cw holds to the client.
func flush(w http.ResponseWriter, cw *csvsafe.Writer) error {
	cw.Flush()
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	return cw.Error()
}

// abort ends an export cut short by err with a row that says so.
func (s *Server) abort(w http.ResponseWriter, r *http.Request, cw *csvsafe.Writer, err error) {
	_, _, detail := s.status(r, err)
	cw.Write([]string{"#error", "the export is incomplete: " + detail})
	flush(w, cw)
}

// visible writes a cell as a page shows it: invisible characters as
// <U+200B>, which a spreadsheet would not show either.
func visible(ss ...string) string { return warden.Visible(strings.Join(ss, "; ")) }

// customersCSV is the customer register as CSV: every customer (of a
// status, if given), its status now and its hits.
func (s *Server) customersCSV(w http.ResponseWriter, r *http.Request) {
	f, err := customerFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.Limit = exportPage
	// The first page before the header, so that a refused export (a bad
	// status) is an error, not a CSV.
	cs, err := s.Enforcement.Customers(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cw := csvExport(w, "customers-"+s.now().UTC().Format("2006-01-02")+".csv", []string{"id", "name", "schema", "country", "birth_date", "account", "wallet", "identifiers",
		"status", "decision", "hits", "programs", "cases", "onboarded_at", "onboarded_by", "rescreened_at"})
	for len(cs) > 0 {
		for _, c := range cs {
			var hits, programs, cases []string
			for _, h := range c.Hits {
				hits = append(hits, fmt.Sprintf("%s %s %.3f %s", h.EntityID, h.Name, h.Score, h.Action))
				programs = append(programs, h.Programs...)
			}
			for _, id := range c.Cases {
				cases = append(cases, strconv.FormatInt(id, 10))
			}
			cw.Write([]string{visible(c.ID), visible(c.Name), string(c.Schema), c.Country, c.BirthDate, visible(c.Account), visible(c.Wallet), visible(c.Identifiers...),
				c.Status, c.Decision, visible(hits...), strings.Join(programs, "; "), strings.Join(cases, "; "), csvTime(c.OnboardedAt), visible(c.OnboardedBy), csvTime(c.RescreenedAt)})
		}
		if err := flush(w, cw); err != nil || len(cs) < f.Limit {
			return
		}
		f.After = cs[len(cs)-1].ID
		if cs, err = s.Enforcement.Customers(r.Context(), f); err != nil {
			s.abort(w, r, cw, err)
			return
		}
	}
}

// csvTime is a time as RFC 3339 in UTC, empty if zero.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// changesCSV is what a list version added, changed and removed, every
// change, as CSV.
func (s *Server) changesCSV(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	v, err := atoiStrict(r.PathValue("v"))
	if err == nil {
		_, err = s.Lists.Version(r.Context(), name, v)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cw := csvExport(w, fmt.Sprintf("%s-v%d-changes.csv", name, v), []string{"change", "id", "list", "source_id", "schema", "name", "aliases", "programs",
		"birth_dates", "nationalities", "countries", "identifiers", "listed_on"})
	n := 0
	err = s.Lists.EachChange(r.Context(), name, v, func(c warden.Change) error {
		e := c.Entity
		var aliases, births, ids []string
		for _, nm := range e.Names {
			if nm.Full != e.Caption() {
				aliases = append(aliases, nm.Full)
			}
		}
		for _, d := range e.BirthDates {
			b := d.From
			if d.To != "" {
				b += "/" + d.To
			}
			births = append(births, b)
		}
		for _, id := range e.Identifiers {
			ids = append(ids, strings.TrimSpace(string(id.Type)+" "+id.Value))
		}
		cw.Write([]string{c.Op, visible(e.ID), e.List, visible(e.SourceID), string(e.Schema), visible(e.Caption()), visible(aliases...), strings.Join(e.Programs, "; "),
			strings.Join(births, "; "), strings.Join(e.Nationalities, "; "), strings.Join(e.Countries, "; "), visible(ids...), e.ListedOn})
		if n++; n%exportPage == 0 {
			return flush(w, cw)
		}
		return nil
	})
	if err != nil {
		s.abort(w, r, cw, err)
		return
	}
	flush(w, cw)
}
