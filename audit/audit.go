// Package audit reads and checks the audit chain: every change a person or
// client makes is an event, appended in the same transaction as the change
// (see store), each holding the hash of the one before. Verify walks the
// chain and names the first event that was altered, removed or reordered.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"warden"
	"warden/store"
)

// Service reads the audit log for people and clients allowed to.
type Service struct {
	DB *store.DB
}

// MaxPage is the most events one page holds.
const MaxPage = 1000

// Events returns a page of events f selects, oldest first. Needs
// audit.read.
func (s *Service) Events(ctx context.Context, f warden.AuditFilter) ([]warden.AuditEvent, error) {
	if _, err := warden.Authorize(ctx, warden.ActAuditRead); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = MaxPage
	}
	out := []warden.AuditEvent{}
	err := s.DB.AuditEvents(ctx, f, func(e warden.AuditEvent) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// Export writes the events f selects as JSON lines, and audits the export
// itself. Needs audit.read.
func (s *Service) Export(ctx context.Context, f warden.AuditFilter, w io.Writer) (int, error) {
	if _, err := warden.Authorize(ctx, warden.ActAuditRead); err != nil {
		return 0, err
	}
	f.Limit = 0
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n := 0
	err := s.DB.AuditEvents(ctx, f, func(e warden.AuditEvent) error {
		n++
		return enc.Encode(e)
	})
	if err != nil {
		return n, err
	}
	return n, s.DB.Audit(ctx, warden.NewAuditEvent(ctx, "audit.export", "audit", "", map[string]any{"events": n, "actor": f.Actor, "action": f.Action}))
}

// Problem is where the chain first breaks.
type Problem struct {
	Seq    int64  // the first bad event (or the first missing sequence number); 0 when no event can be named
	Reason string // what is wrong with it
}

// Error describes the problem, naming the event where there is one.
func (p *Problem) Error() string {
	if p.Seq == 0 {
		return p.Reason
	}
	return fmt.Sprintf("audit event %d: %s", p.Seq, p.Reason)
}

// Verify walks the whole chain and returns the number of events checked,
// and a *Problem naming the first event that was altered, removed or
// reordered, if any. An empty chain is intact only while its head record
// says no event was ever written. What the database said when a table
// cannot be read is not repeated: it would tell the reader nothing more
// than that the table is gone.
func Verify(ctx context.Context, db *store.DB) (int64, error) {
	// The head is read before the events too: a writer that commits while
	// they are read (a server running beside) moves the head past the
	// last event read, and then the head read before stands for the
	// chain read, if its event was read with its hash.
	seq0, hash0, err0 := db.AuditHead(ctx)
	at0 := ""
	var n, want int64 = 0, 1
	prev := ""
	var bad *Problem
	err := db.AuditEvents(ctx, warden.AuditFilter{}, func(e warden.AuditEvent) error {
		n++
		if e.Seq == seq0 {
			at0 = e.Hash
		}
		switch {
		case e.Seq != want:
			bad = &Problem{want, fmt.Sprintf("missing: the next stored event is %d", e.Seq)}
		case e.Prev != prev:
			bad = &Problem{e.Seq, "does not follow the event before it (removed, reordered or altered)"}
		case !e.Intact():
			bad = &Problem{e.Seq, "altered: its hash does not match its contents"}
		}
		if bad != nil {
			return bad
		}
		want, prev = e.Seq+1, e.Hash
		return nil
	})
	switch {
	case bad != nil:
		return n, bad
	case err != nil && ctx.Err() != nil:
		return n, ctx.Err()
	case err != nil && n == 0 && db.Ping(ctx) == nil:
		// The database answers, yet the events cannot be selected: the
		// table is gone (dropped or renamed).
		return n, &Problem{0, "the audit log's events table is missing: no event can be checked"}
	case err != nil:
		return n, err
	}
	// The events were just read, so a head record that cannot be read
	// (emptied, or its table dropped) is missing.
	seq, hash, err := db.AuditHead(ctx)
	last := want - 1
	if err == nil && err0 == nil && seq > last && seq0 <= last && at0 == hash0 {
		seq, hash = last, prev
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return n, ctx.Err()
	case err != nil && n == 0:
		return n, &Problem{1, "missing: the audit chain is missing, its events and its head record are gone"}
	case err != nil:
		return n, &Problem{want, fmt.Sprintf("missing: the chain's head is missing, so removals after event %d cannot be ruled out", last)}
	case seq > last:
		return n, &Problem{want, fmt.Sprintf("missing: the chain's head is event %d, but the last stored event is %d", seq, last)}
	case seq < last:
		return n, &Problem{seq + 1, fmt.Sprintf("the chain's head is event %d, but the events run to %d: the head was edited, or events were added outside Warden", seq, last)}
	case hash != prev && last == 0:
		return n, &Problem{1, fmt.Sprintf("missing: the chain's head records hash %s, but no event is stored", short(hash))}
	case hash != prev:
		return n, &Problem{last, fmt.Sprintf("the chain's head records hash %s for event %d, but event %d hashes to %s: the head or the event was edited", short(hash), last, last, short(prev))}
	}
	return n, nil
}

// short is enough of a hash to tell it apart from another.
func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
