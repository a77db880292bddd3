package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/match"
	"warden/screening"
	"warden/sources/ftm"
)

// Body limits for screening requests.
const (
	maxScreenBody = 64 << 10
	maxBatchBody  = 16 << 20
	// MaxBatch is the most queries one batch request may hold.
	MaxBatch = 10000
)

// screenRequest is one query: singular fields for convenience, plural ones
// for several values.
type screenRequest struct {
	Name       string         `json:"name"`
	Names      []string       `json:"names"`
	Schema     string         `json:"schema"`
	BirthDate  string         `json:"birth_date"`
	BirthDates []string       `json:"birth_dates"`
	Country    string         `json:"country"`
	Gender     string         `json:"gender"`
	Countries  []string       `json:"countries"`
	Wallet     string         `json:"wallet"`
	Wallets    []string       `json:"wallets"`
	ID         string         `json:"id"`
	IDs        []string       `json:"ids"`
	List       string         `json:"list"`
	Lists      []string       `json:"lists"`
	Limit      int            `json:"limit"`
	Threshold  float64        `json:"threshold"`
	Weights    *match.Weights `json:"weights"`
}

func (sr *screenRequest) query() match.Query {
	one := func(v string, vs []string) []string {
		if v != "" {
			return append([]string{v}, vs...)
		}
		return vs
	}
	return match.Query{Names: one(sr.Name, sr.Names), Schema: warden.Schema(sr.Schema), BirthDates: one(sr.BirthDate, sr.BirthDates),
		Countries: one(sr.Country, sr.Countries), Gender: sr.Gender, Wallets: one(sr.Wallet, sr.Wallets), IDs: one(sr.ID, sr.IDs), Lists: one(sr.List, sr.Lists)}
}

// checkDate refuses a birth date that is not of the calendar
// (warden.ParseDate: 1987-13-45, 1987-02-30), naming its field: such a
// date would otherwise be screened as text and move scores.
func checkDate(field, date string) error {
	if _, err := warden.ParseDate(date); err != nil {
		return warden.Errorf(warden.EINVALID, "%s: %s", field, warden.ErrorMessage(err))
	}
	return nil
}

// check refuses a query whose birth dates are not dates; prefix names the
// query in a batch ("queries[3].").
func (sr *screenRequest) check(prefix string) error {
	if sr.BirthDate != "" {
		if err := checkDate(prefix+"birth_date", sr.BirthDate); err != nil {
			return err
		}
	}
	for i, d := range sr.BirthDates {
		if err := checkDate(fmt.Sprintf("%sbirth_dates[%d]", prefix, i), d); err != nil {
			return err
		}
	}
	return nil
}

// options are a request's screening options, checked (match.Options.Check).
func options(limit int, threshold float64, w *match.Weights) (match.Options, error) {
	opt := match.Options{Limit: limit, Threshold: threshold, Weights: w}
	return opt, opt.Check()
}

func (s *Server) screen(w http.ResponseWriter, r *http.Request) {
	var req screenRequest
	if err := decode(w, r, maxScreenBody, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := req.check(""); err != nil {
		s.Error(w, r, err)
		return
	}
	opt, err := options(req.Limit, req.Threshold, req.Weights)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := req.query()
	start := time.Now()
	hits, err := s.Screening.Screen(r.Context(), q, opt)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.metrics.screened("screen", 1, time.Since(start))
	resp := screening.View(q, hits)
	rec := s.Screening.NewRecord(r.Context(), warden.ChannelAPI, opt)
	rec.Add("", resp)
	sc, err := rec.Save(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	resp.Screening = sc.ID
	writeJSON(w, http.StatusOK, resp)
}

type batchRequest struct {
	Queries   []screenRequest `json:"queries"`
	Limit     int             `json:"limit"`
	Threshold float64         `json:"threshold"`
	Weights   *match.Weights  `json:"weights"`
}

func (s *Server) screenBatch(w http.ResponseWriter, r *http.Request) {
	var req batchRequest
	if err := decode(w, r, maxBatchBody, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if len(req.Queries) == 0 || len(req.Queries) > MaxBatch {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "a batch holds 1 to %d queries", MaxBatch))
		return
	}
	if err := s.chargeQueries(w, r, len(req.Queries)); err != nil {
		s.Error(w, r, err)
		return
	}
	opt, err := options(req.Limit, req.Threshold, req.Weights)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rows := make([]screening.Row, len(req.Queries))
	for i := range req.Queries {
		q := &req.Queries[i]
		if err := q.check(fmt.Sprintf("queries[%d].", i)); err != nil {
			s.Error(w, r, err)
			return
		}
		if rows[i], err = screening.NewRow(fmt.Sprintf("queries[%d]", i), q.query()); err != nil {
			s.Error(w, r, err)
			return
		}
		// A query's own limit, threshold or weights replace the batch's.
		if q.Limit != 0 || q.Threshold != 0 || q.Weights != nil {
			o := opt
			o.Limit, o.Threshold, o.Weights = cmp.Or(q.Limit, req.Limit), cmp.Or(q.Threshold, req.Threshold), cmp.Or(q.Weights, req.Weights)
			if err := o.Check(); err != nil {
				s.Error(w, r, warden.Errorf(warden.EINVALID, "queries[%d].%s", i, warden.ErrorMessage(err)))
				return
			}
			rows[i].Options = &o
		}
	}
	out := make([]screening.Response, 0, len(rows))
	start := time.Now()
	defer func() { s.metrics.screened("batch", len(rows), time.Since(start)) }()
	rec := s.Screening.NewRecord(r.Context(), warden.ChannelBatch, opt)
	rec.Grow(len(rows))
	err = s.Screening.Batch(r.Context(), rows, opt, func(row screening.Row, resp screening.Response) error {
		out = append(out, resp)
		rec.Add(row.Pos, resp)
		return nil
	}, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sc, err := rec.Save(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"responses": out, "screening_id": sc.ID})
}

// The OpenSanctions yente /match API, so existing yente clients work.

type yenteRequest struct {
	Queries map[string]yenteQuery `json:"queries"`
	Weights map[string]float64    `json:"weights,omitempty"`
}

type yenteQuery struct {
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

type yenteResult struct {
	ID          string              `json:"id"`
	Caption     string              `json:"caption"`
	Schema      string              `json:"schema"`
	Properties  map[string][]string `json:"properties"`
	Datasets    []string            `json:"datasets"`
	Referents   []string            `json:"referents"`
	Target      bool                `json:"target"`
	Score       float64             `json:"score"`
	Match       bool                `json:"match"`
	Features    map[string]float64  `json:"features"`
	Explanation match.Explanation   `json:"explanations"`
}

var yenteSchemas = map[string]warden.Schema{
	"": "", "Thing": "", "LegalEntity": warden.SchemaLegalEntity, "Person": warden.SchemaPerson,
	"Organization": warden.SchemaOrganization, "Company": warden.SchemaCompany, "PublicBody": warden.SchemaOrganization,
	"Vessel": warden.SchemaVessel, "Airplane": warden.SchemaAircraft, "CryptoWallet": warden.SchemaCryptoWallet,
}

var yenteIDProps = []string{"idNumber", "passportNumber", "registrationNumber", "taxNumber", "innCode", "ogrnCode",
	"leiCode", "swiftBic", "imoNumber", "uscCode", "vatCode", "email", "website", "phone"}

func (yq *yenteQuery) query(lists []string) (match.Query, error) {
	schema, ok := yenteSchemas[yq.Schema]
	if !ok {
		return match.Query{}, warden.Errorf(warden.EINVALID, "unknown schema %q", yq.Schema)
	}
	p := yq.Properties
	q := match.Query{Schema: schema, Lists: lists}
	for _, k := range []string{"name", "alias", "previousName", "weakAlias"} {
		q.Names = append(q.Names, p[k]...)
	}
	var parts []string
	for _, k := range []string{"firstName", "middleName", "fatherName", "lastName"} {
		parts = append(parts, p[k]...)
	}
	if len(parts) > 0 {
		q.Names = append(q.Names, strings.Join(parts, " "))
	}
	for i, d := range p["birthDate"] {
		if err := checkDate(fmt.Sprintf("properties.birthDate[%d]", i), d); err != nil {
			return match.Query{}, err
		}
	}
	q.BirthDates = p["birthDate"]
	for _, k := range []string{"nationality", "country", "citizenship", "jurisdiction"} {
		q.Countries = append(q.Countries, p[k]...)
	}
	for _, k := range yenteIDProps {
		q.IDs = append(q.IDs, p[k]...)
	}
	q.Wallets = p["publicKey"]
	if g := p["gender"]; len(g) > 0 {
		q.Gender = g[0]
	}
	return q, nil
}

func (s *Server) yenteMatch(w http.ResponseWriter, r *http.Request) {
	dataset := r.PathValue("dataset")
	var lists []string
	if dataset != "default" && dataset != "sanctions" {
		if _, ok := s.Screening.Versions()[dataset]; !ok {
			s.Error(w, r, warden.Errorf(warden.ENOTFOUND, "dataset %q not found", dataset))
			return
		}
		lists = []string{dataset}
	}
	var req yenteRequest
	if err := decode(w, r, maxBatchBody, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	if len(req.Queries) == 0 || len(req.Queries) > MaxBatch {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "queries must hold 1 to %d entries", MaxBatch))
		return
	}
	if err := s.chargeQueries(w, r, len(req.Queries)); err != nil {
		s.Error(w, r, err)
		return
	}
	limit, threshold := 5, 0.0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "limit must be an integer"))
			return
		}
		limit = n
	}
	if v := r.URL.Query().Get("threshold"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "threshold must be a number"))
			return
		}
		threshold = f
	}
	opt, err := options(limit, threshold, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	responses := map[string]any{}
	start := time.Now()
	defer func() { s.metrics.screened("match", len(req.Queries), time.Since(start)) }()
	rec := s.Screening.NewRecord(r.Context(), warden.ChannelMatch, opt)
	for key, yq := range req.Queries {
		q, err := yq.query(lists)
		var p *match.Prepared
		if err == nil {
			p, err = match.Prepare(q)
		}
		if err != nil {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "queries.%s: %s", key, warden.ErrorMessage(err)))
			return
		}
		hits, err := s.Screening.ScreenPrepared(r.Context(), p, opt)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		rec.Add(key, screening.View(q, hits))
		results := make([]yenteResult, 0, len(hits))
		for _, h := range hits {
			fx := ftm.FromWarden(h.Entity)[0]
			features := map[string]float64{"name": h.Explanation.NameScore}
			for _, f := range h.Explanation.Features {
				features[f.Name] = f.Contribution
			}
			results = append(results, yenteResult{ID: h.Entity.ID, Caption: h.Entity.Caption(), Schema: fx.Schema, Properties: fx.Properties,
				Datasets: []string{h.Entity.List}, Referents: []string{}, Target: true, Score: h.Score, Match: h.Match, Features: features, Explanation: h.Explanation})
		}
		responses[key] = map[string]any{"status": 200, "results": results, "total": map[string]any{"value": len(results), "relation": "eq"}, "query": yq}
	}
	sc, err := rec.Save(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"responses": responses, "limit": opt.Limit, "screening_id": sc.ID})
}

type screenForm struct {
	Name, Wallet, ID, Schema, BirthDate, Country string
}

var formSchemas = []string{"", "Person", "Organization", "Vessel", "Aircraft"}

func (s *Server) screenPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "screen", view{Title: "Screening", Nav: "screen", Data: map[string]any{"Form": screenForm{}, "Schemas": formSchemas}})
}

func (s *Server) screenForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := screenForm{Name: r.PostFormValue("name"), Wallet: r.PostFormValue("wallet"), ID: r.PostFormValue("id"),
		Schema: r.PostFormValue("schema"), BirthDate: r.PostFormValue("birth_date"), Country: r.PostFormValue("country")}
	sr := screenRequest{Name: f.Name, Wallet: f.Wallet, ID: f.ID, Schema: f.Schema, BirthDate: f.BirthDate, Country: f.Country}
	q := sr.query()
	data := map[string]any{"Form": f, "Schemas": formSchemas}
	err := sr.check("")
	var hits []match.Hit
	if err == nil {
		start := time.Now()
		hits, err = s.Screening.Screen(r.Context(), q, match.Options{})
		s.metrics.screened("ui", 1, time.Since(start))
	}
	if err != nil {
		// The error goes where the answer would have: the form swaps
		// #results in place, so an error outside it would not show.
		status, _, detail := s.status(r, err)
		data["Error"] = detail
		s.render(w, r, status, "screen", view{Title: "Screening", Nav: "screen", Data: data})
		return
	}
	resp := screening.View(q, hits)
	rec := s.Screening.NewRecord(r.Context(), warden.ChannelUI, match.Options{})
	rec.Add("", resp)
	sc, err := rec.Save(r.Context())
	if err != nil {
		status, _, detail := s.status(r, err)
		s.render(w, r, status, "screen", view{Title: "Screening", Nav: "screen", Error: detail, Data: data})
		return
	}
	data["Done"], data["Hits"], data["Screening"] = true, resp.Hits, sc.ID
	data["CSV"] = "/screen.csv?" + f.values().Encode()
	s.render(w, r, http.StatusOK, "screen", view{Title: "Screening", Nav: "screen", Data: data})
}

// values are the form's fields as a query string's, the empty left out.
func (f screenForm) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"name": f.Name, "wallet": f.Wallet, "id": f.ID, "schema": f.Schema, "birth_date": f.BirthDate, "country": f.Country} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// screenCSV downloads the screening page's hits for the query in the
// URL (the form's fields) as CSV: one row per hit, best first, with its
// programs, other listings and explanation.
func (s *Server) screenCSV(w http.ResponseWriter, r *http.Request) {
	uq := r.URL.Query()
	sr := screenRequest{Name: uq.Get("name"), Wallet: uq.Get("wallet"), ID: uq.Get("id"), Schema: uq.Get("schema"), BirthDate: uq.Get("birth_date"), Country: uq.Get("country")}
	err := sr.check("")
	var hits []match.Hit
	q := sr.query()
	if err == nil {
		start := time.Now()
		hits, err = s.Screening.Screen(r.Context(), q, match.Options{})
		s.metrics.screened("ui", 1, time.Since(start))
	}
	resp := screening.View(q, hits)
	if err == nil {
		// A download is a screening too: recorded as the page's are.
		rec := s.Screening.NewRecord(r.Context(), warden.ChannelUI, match.Options{})
		rec.Add("", resp)
		_, err = rec.Save(r.Context())
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	cw := csvExport(w, "screening-"+s.now().UTC().Format("2006-01-02T150405")+".csv", []string{"query_name", "query_birth_date", "query_country", "query_wallet", "query_id",
		"rank", "entity_id", "list", "source_id", "schema", "name", "programs", "listings", "score", "match", "explanation"})
	query := []string{visible(q.Names...), strings.Join(q.BirthDates, "; "), strings.Join(q.Countries, "; "), visible(q.Wallets...), visible(q.IDs...)}
	for i, h := range resp.Hits {
		var listings []string
		for _, l := range h.Listings {
			listings = append(listings, l.EntityID)
		}
		cw.Write(append(query[:5:5], strconv.Itoa(i+1), h.EntityID, h.List, h.SourceID, h.Schema, visible(h.Name), strings.Join(h.Programs, "; "), strings.Join(listings, "; "),
			strconv.FormatFloat(h.Score, 'f', 3, 64), strconv.FormatBool(h.Match), warden.Visible(screening.ExplainText(h.Explanation))))
	}
	if len(hits) == 0 {
		cw.Write(append(query[:5:5], make([]string, 11)...)) // nothing found is an answer too
	}
	cw.Flush()
}
