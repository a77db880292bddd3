package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics are the server's Prometheus series, written in the text
// exposition format without a client library: request counts and latency
// histograms per route, screening counts and latency, list versions.
type metrics struct {
	mu        sync.Mutex
	requests  map[[2]string]uint64 // route, status -> count
	latency   map[string]*histogram
	screens   map[string]uint64 // endpoint -> queries screened
	screenLat *histogram
}

var buckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
}

func (h *histogram) observe(v float64) {
	i := sort.SearchFloat64s(buckets, v)
	if i < len(buckets) {
		h.counts[i]++
	}
	h.sum += v
	h.n++
}

func newHistogram() *histogram { return &histogram{counts: make([]uint64, len(buckets))} }

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, latency: map[string]*histogram{}, screens: map[string]uint64{}, screenLat: newHistogram()}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, strconv.Itoa(status)}]++
	h := m.latency[route]
	if h == nil {
		h = newHistogram()
		m.latency[route] = h
	}
	h.observe(d.Seconds())
}

// screened counts n queries screened through endpoint in d.
func (m *metrics) screened(endpoint string, n int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.screens[endpoint] += uint64(n)
	m.screenLat.observe(d.Seconds())
}

func writeHistogram(w io.Writer, name, labels string, h *histogram) {
	var cum uint64
	sep := ""
	if labels != "" {
		sep = ","
	}
	for i, b := range buckets {
		cum += h.counts[i]
		fmt.Fprintf(w, "%s_bucket{%s%sle=\"%g\"} %d\n", name, labels, sep, b, cum)
	}
	fmt.Fprintf(w, "%s_bucket{%s%sle=\"+Inf\"} %d\n", name, labels, sep, h.n)
	if labels != "" {
		labels = "{" + labels + "}"
	}
	fmt.Fprintf(w, "%s_sum%s %g\n%s_count%s %d\n", name, labels, h.sum, name, labels, h.n)
}

func label(v string) string { return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) }

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m := s.metrics
	m.mu.Lock()
	fmt.Fprintln(w, "# HELP warden_http_requests_total HTTP requests by route and status.")
	fmt.Fprintln(w, "# TYPE warden_http_requests_total counter")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		fmt.Fprintf(w, "warden_http_requests_total{route=\"%s\",status=\"%s\"} %d\n", label(k[0]), k[1], m.requests[k])
	}
	fmt.Fprintln(w, "# HELP warden_http_request_duration_seconds HTTP request latency by route.")
	fmt.Fprintln(w, "# TYPE warden_http_request_duration_seconds histogram")
	routes := make([]string, 0, len(m.latency))
	for k := range m.latency {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	for _, rt := range routes {
		writeHistogram(w, "warden_http_request_duration_seconds", `route="`+label(rt)+`"`, m.latency[rt])
	}
	fmt.Fprintln(w, "# HELP warden_screening_queries_total Queries screened, by endpoint.")
	fmt.Fprintln(w, "# TYPE warden_screening_queries_total counter")
	for _, e := range []string{"screen", "batch", "match", "ui"} {
		fmt.Fprintf(w, "warden_screening_queries_total{endpoint=%q} %d\n", e, m.screens[e])
	}
	fmt.Fprintln(w, "# HELP warden_screening_duration_seconds Time to screen one request's queries.")
	fmt.Fprintln(w, "# TYPE warden_screening_duration_seconds histogram")
	writeHistogram(w, "warden_screening_duration_seconds", "", m.screenLat)
	m.mu.Unlock()
	fmt.Fprintln(w, "# HELP warden_list_version Current version of each list.")
	fmt.Fprintln(w, "# TYPE warden_list_version gauge")
	ls, err := s.Lists.Lists(r.Context())
	for _, l := range ls {
		fmt.Fprintf(w, "warden_list_version{list=\"%s\"} %d\n", label(l.Name), l.CurrentVersion)
	}
	fmt.Fprintln(w, "# HELP warden_list_entities Parties in each list's current version.")
	fmt.Fprintln(w, "# TYPE warden_list_entities gauge")
	for _, l := range ls {
		fmt.Fprintf(w, "warden_list_entities{list=\"%s\"} %d\n", label(l.Name), l.Entities)
	}
	fmt.Fprintln(w, "# HELP warden_screening_index_parties Parties in the screening index.")
	fmt.Fprintln(w, "# TYPE warden_screening_index_parties gauge")
	fmt.Fprintf(w, "warden_screening_index_parties %d\n", s.Screening.Len())
	s.writeHealth(w, s.health(r.Context()))
	s.Hotline.Metrics.WriteTo(w)
	if err != nil {
		s.Log.Error("metrics: lists", "err", err)
	}
}

// writeHealth writes the series of the node's health: the database, the
// index's age and versions per list, the job backlog by state and kind,
// the re-screening's progress and the LISTEN connection.
func (s *Server) writeHealth(w io.Writer, h readiness) {
	gauge := func(name, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
	}
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	gauge("warden_database_up", "Whether the database answered a ping (1) or not (0).")
	fmt.Fprintf(w, "warden_database_up %d\n", b2i(h.Database.OK))
	gauge("warden_database_ping_seconds", "How long the database took to answer a ping.")
	fmt.Fprintf(w, "warden_database_ping_seconds %g\n", h.Database.LatencyMS/1000)
	if h.Index != nil {
		gauge("warden_screening_index_age_seconds", "Seconds since this node built the screening index it answers with, per list.")
		for _, l := range h.Index.Lists {
			fmt.Fprintf(w, "warden_screening_index_age_seconds{list=\"%s\"} %g\n", label(l.List), l.AgeSeconds)
		}
		gauge("warden_screening_index_version", "The version of each list in this node's screening index (compare warden_list_version).")
		for _, l := range h.Index.Lists {
			fmt.Fprintf(w, "warden_screening_index_version{list=\"%s\"} %d\n", label(l.List), l.Version)
		}
	}
	if h.Listening != nil {
		gauge("warden_listen_connected", "Whether this node's LISTEN connection, which hears of list versions stored by other nodes at once, is up (1) or reconnecting (0, polling meanwhile).")
		fmt.Fprintf(w, "warden_listen_connected %d\n", b2i(*h.Listening))
	}
	if h.Jobs != nil {
		gauge("warden_jobs", "Unfinished jobs in the job engine, by state and kind.")
		for _, b := range h.Jobs.backlog {
			fmt.Fprintf(w, "warden_jobs{state=\"%s\",kind=\"%s\"} %d\n", label(b.State), label(b.Kind), b.Jobs)
		}
		gauge("warden_jobs_oldest_available_seconds", "How long the oldest available job has been due, by kind: jobs that wait long mean no node works them.")
		for _, b := range h.Jobs.backlog {
			if b.State == "available" && !b.Due.IsZero() {
				fmt.Fprintf(w, "warden_jobs_oldest_available_seconds{kind=\"%s\"} %g\n", label(b.Kind), max(0, s.now().Sub(b.Due).Seconds()))
			}
		}
	}
	if p := h.Rescreen; p != nil {
		gauge("warden_rescreen_running", "Whether the latest customer re-screening run is under way (1) or done (0).")
		fmt.Fprintf(w, "warden_rescreen_running %d\n", b2i(p.Running))
		gauge("warden_rescreen_customers", "Customers of the latest re-screening run: cleared customers planned, and screened in the parts done.")
		fmt.Fprintf(w, "warden_rescreen_customers{state=\"planned\"} %d\nwarden_rescreen_customers{state=\"done\"} %d\n", p.Customers, p.Screened)
		gauge("warden_rescreen_parts", "Parts (jobs) of the latest re-screening run: planned and done.")
		fmt.Fprintf(w, "warden_rescreen_parts{state=\"planned\"} %d\nwarden_rescreen_parts{state=\"done\"} %d\n", p.Parts, p.PartsDone)
	}
}
