package web

import (
	"context"
	"slices"
	"strings"
	"time"

	"warden"
)

// readiness is what /readyz answers, to anyone: whether this node can
// serve, and what a load balancer's operator needs to see why not. It
// holds no names of people, parties or customers.
type readiness struct {
	Status    string          `json:"status"` // ready, starting, or database unavailable
	Database  dbHealth        `json:"database"`
	Index     *indexHealth    `json:"index"` // null before the first build
	Listening *bool           `json:"listening,omitempty"`
	Jobs      *jobsHealth     `json:"jobs,omitempty"`
	Rescreen  *rescreenHealth `json:"rescreen,omitempty"`
}

// rescreenHealth is the latest customer re-screening run (warden.Rescreen
// without who started it): its parts done of all, and customers screened
// in those of the cleared customers planned.
type rescreenHealth struct {
	State     string         `json:"state"`
	Running   bool           `json:"running"`
	Lists     map[string]int `json:"lists,omitempty"` // the list versions screened against
	Basis     string         `json:"basis,omitempty"` // what else the run follows: intelligence and policy generations
	Mode      string         `json:"mode"`
	Started   time.Time      `json:"started,omitzero"`
	Finished  time.Time      `json:"finished,omitzero"`
	Parts     int            `json:"parts"`
	PartsDone int            `json:"parts_done"`
	Customers int            `json:"customers"` // planned
	Screened  int            `json:"screened"`
	Changed   int            `json:"changed"`
}

type dbHealth struct {
	OK        bool    `json:"ok"`
	LatencyMS float64 `json:"latency_ms"` // of the ping
}

// indexHealth is the screening index this node answers with: when it was
// built and, per list, the version it holds (warden_list_version, in
// /metrics, is the store's: they differ while a new version is being
// indexed, or when this node fails to follow).
type indexHealth struct {
	Parties    int         `json:"parties"`
	Built      time.Time   `json:"built"`
	AgeSeconds float64     `json:"age_seconds"`
	Lists      []indexList `json:"lists"`
}

type indexList struct {
	List       string    `json:"list"`
	Version    int       `json:"version"`
	Built      time.Time `json:"built"`
	AgeSeconds float64   `json:"age_seconds"`
}

// jobsHealth sums the job engine's backlog over the job kinds.
type jobsHealth struct {
	Available             int     `json:"available"`
	Retryable             int     `json:"retryable"`
	Running               int     `json:"running"`
	Scheduled             int     `json:"scheduled"`
	OldestAvailableSecond float64 `json:"oldest_available_seconds"` // how long the oldest available job has been due
	backlog               []warden.JobBacklog
}

// health gathers readiness: the database first (a ping, timed), then what
// each part reports. Parts that fail to report are left out.
func (s *Server) health(ctx context.Context) readiness {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var r readiness
	start := time.Now()
	r.Database.OK = s.Lists.Ping(ctx) == nil
	r.Database.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	now := s.now()
	switch {
	case !r.Database.OK:
		r.Status = "database unavailable"
	case s.Ready != nil && !s.Ready():
		r.Status = "starting"
	default:
		r.Status = "ready"
	}
	if built := s.Screening.Built(); !built.IsZero() {
		ix := &indexHealth{Parties: s.Screening.Len(), Built: built.UTC(), AgeSeconds: now.Sub(built).Seconds()}
		for l, v := range s.Screening.Versions() {
			ix.Lists = append(ix.Lists, indexList{List: l, Version: v, Built: ix.Built, AgeSeconds: ix.AgeSeconds})
		}
		slices.SortFunc(ix.Lists, func(a, b indexList) int { return strings.Compare(a.List, b.List) })
		r.Index = ix
	}
	if s.Listening != nil {
		on := s.Listening()
		r.Listening = &on
	}
	if s.Jobs != nil && r.Database.OK {
		if bl, err := s.Jobs(ctx); err == nil {
			j := &jobsHealth{backlog: bl}
			for _, b := range bl {
				switch b.State {
				case "available":
					j.Available += b.Jobs
					if !b.Due.IsZero() {
						j.OldestAvailableSecond = max(j.OldestAvailableSecond, now.Sub(b.Due).Seconds())
					}
				case "retryable":
					j.Retryable += b.Jobs
				case "running":
					j.Running += b.Jobs
				case "scheduled":
					j.Scheduled += b.Jobs
				}
			}
			r.Jobs = j
		}
	}
	if s.Rescreen != nil && r.Database.OK {
		if p, err := s.Rescreen(ctx); err == nil {
			r.Rescreen = &rescreenHealth{State: p.State, Running: p.State != warden.RescreenDone, Lists: p.Lists, Basis: strings.TrimSpace(p.Basis), Mode: p.Mode, Started: p.Started, Finished: p.Finished,
				Parts: p.Parts, PartsDone: p.PartsDone, Customers: p.Total, Screened: p.Customers, Changed: p.Changed}
		}
	}
	return r
}
