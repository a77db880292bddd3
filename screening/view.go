package screening

import (
	"warden"
	"warden/match"
)

// HitView is a hit as the CLI and the API show it.
type HitView struct {
	EntityID    string            `json:"entity_id"`
	List        string            `json:"list"`
	SourceID    string            `json:"source_id"`
	Schema      string            `json:"schema"`
	Name        string            `json:"name"`
	Programs    []string          `json:"programs,omitempty"`
	Score       float64           `json:"score"`
	Match       bool              `json:"match"`
	Explanation match.Explanation `json:"explanation"`
	// Listings are the party's other listings (the same party on other
	// lists), best score first; Programs are every listing's.
	Listings []warden.Listing `json:"listings,omitempty"`
}

// Response is the answer to one query.
type Response struct {
	Query match.Query `json:"query"`
	Hits  []HitView   `json:"hits"`
	// Screening is the id of the screening's record (the evidence of
	// the search), for a single search; a batch's is beside its
	// responses.
	Screening int64 `json:"screening_id,omitempty"`
}

// View shapes hits for output, best first as they come.
func View(q match.Query, hits []match.Hit) Response {
	r := Response{Query: q, Hits: make([]HitView, 0, len(hits))}
	for _, h := range hits {
		r.Hits = append(r.Hits, HitView{
			EntityID: h.Entity.ID, List: h.Entity.List, SourceID: h.Entity.SourceID, Schema: string(h.Entity.Schema),
			Name: h.Entity.Caption(), Programs: Programs(h), Score: h.Score, Match: h.Match, Explanation: h.Explanation, Listings: h.Listings,
		})
	}
	return r
}
