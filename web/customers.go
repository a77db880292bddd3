package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"warden"
	"warden/enforcement"
)

// maxImportBody bounds a customer import's CSV.
const maxImportBody = 32 << 20

func (s *Server) onboard(w http.ResponseWriter, r *http.Request) {
	var c warden.Customer
	if err := decodeJSON(w, r, &c); err != nil {
		s.Error(w, r, err)
		return
	}
	c, existed, err := s.Enforcement.Onboard(r.Context(), c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	status := http.StatusCreated
	if existed {
		w.Header().Set("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	writeJSON(w, status, c)
}

func (s *Server) importCustomers(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "send the customers as text/csv, not %q", ct))
		return
	}
	body, err := readBody(w, r, maxImportBody)
	if err != nil {
		if warden.ErrorCode(err) == warden.ETOOLARGE {
			err = warden.Errorf(warden.ETOOLARGE, "a customer import is at most %d MB; split the file", maxImportBody>>20)
		}
		s.Error(w, r, err)
		return
	}
	cs, lines, err := enforcement.ReadCustomers(bytes.NewReader(body), "body")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rows, sum, err := s.Enforcement.Import(r.Context(), cs, lines, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"summary": sum, "rows": rows})
}

func (s *Server) customer(w http.ResponseWriter, r *http.Request) {
	c, err := s.Enforcement.Customer(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// customerFilter reads the register's filter and paging from a query.
func customerFilter(q url.Values) (warden.CustomerFilter, error) {
	f := warden.CustomerFilter{Status: q.Get("status"), After: q.Get("after")}
	var err error
	f.Limit, err = queryLimit(q)
	return f, err
}

func (s *Server) customers(w http.ResponseWriter, r *http.Request) {
	f, err := customerFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cs, err := s.Enforcement.Customers(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"customers": cs})
}

// customersPage shows the register, a page at a time.
func (s *Server) customersPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := customerFilter(q)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 200
	}
	cs, err := s.Enforcement.Customers(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	next := ""
	if len(cs) == f.Limit {
		q.Set("after", cs[len(cs)-1].ID)
		next = "/customers?" + q.Encode()
	}
	csv := "/v1/customers.csv"
	if f.Status != "" {
		csv += "?" + url.Values{"status": {f.Status}}.Encode()
	}
	s.render(w, r, http.StatusOK, "customers", view{Title: "Customers", Nav: "customers", Data: map[string]any{"Customers": cs, "Status": f.Status, "Next": next, "CSV": csv}})
}

func (s *Server) rescreenCustomers(w http.ResponseWriter, r *http.Request) {
	res, err := s.Enforcement.Rescreen(r.Context(), nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
