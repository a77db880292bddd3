package intel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/designation"
)

// Designator opens designation proposals with evidence: the designation
// service, as cooperation.Designator.
type Designator interface {
	Create(ctx context.Context, in designation.Input, propose bool) (warden.Designation, error)
	AddEvidence(ctx context.Context, id int64, name string, data []byte) (warden.Evidence, error)
}

// AttributeInput is what a designation proposal opened from a threat
// actor says besides the evidence: its program, legal basis and reasons.
type AttributeInput struct {
	Program    string            `json:"program"`
	Reason     string            `json:"reason"`
	LegalBasis warden.LegalBasis `json:"legal_basis"`
}

// maxAttributeReason is the longest reason, in characters.
const maxAttributeReason = 10000

// Attribute makes attribution evidence: for each listed party linked
// (kind entity) to a threat actor or intrusion set, it opens a
// designation proposal whose evidence is a STIX bundle of the actor with
// its relationships, the incidents, indicators and reports around it, as
// the proposer may see them less everything RED (a designation is read
// by admins and auditors, cleared to AMBER+STRICT), and links the
// designation to the actor and to the incidents, indicators and reports
// of the evidence. It returns the designations as they stand with their
// evidence. While a proposal an attribution opened for a party is
// undecided, another for that party, from any actor, is ECONFLICT naming
// it, and so is one made while another attribution of the party is
// opening its proposal (see store.ClaimAttribution). The proposal is drafted by the
// caller: for a token, the person who made it (see designation.Create). An actor without attributed parties is
// EINVALID naming parties; a RED actor, naming tlp (its name would be in
// the reasons); a Service without a Designator, naming designations.
func (s *Service) Attribute(ctx context.Context, actor string, in AttributeInput) (_ []warden.Designation, err error) {
	p, err := warden.Authorize(ctx, warden.ActDesignationsPropose)
	if err != nil {
		return nil, err
	}
	if s.Designator == nil {
		return nil, warden.Errorf(warden.EINVALID, "designations: this server opens no designation proposals")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if warden.Blank(in.Reason) {
		return nil, warden.Errorf(warden.EINVALID, "reason is required")
	}
	if err := warden.CheckText(warden.TextNote, "reason", in.Reason, maxAttributeReason); err != nil {
		return nil, err
	}
	o, err := s.Object(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !isActor(o.Type) || o.Revoked {
		return nil, warden.Errorf(warden.EINVALID, "actor: %s is not a threat actor or intrusion set in force", actor)
	}
	if o.TLP == warden.TLPRed {
		return nil, warden.Errorf(warden.EINVALID, "tlp: a RED actor cannot be attributed: re-mark it first")
	}
	links, err := s.DB.IntelLinks(ctx, []string{actor})
	if err != nil {
		return nil, err
	}
	links = slices.DeleteFunc(links, func(l warden.IntelLink) bool { return l.Kind != warden.LinkEntity })
	if len(links) == 0 {
		return nil, warden.Errorf(warden.EINVALID, "parties: %s is attributed to no listed party; link the parties first", actor)
	}
	// Every party must be listed now, before anything is opened: an
	// attribution opens all its proposals or none.
	parties := make([]*warden.Entity, len(links))
	for i, l := range links {
		e, err := s.DB.Entity(ctx, l.Ref, 0)
		if warden.ErrorCode(err) == warden.ENOTFOUND || warden.ErrorCode(err) == warden.EINVALID {
			return nil, warden.Errorf(warden.EINVALID, "parties: %s is not on its list now", l.Ref)
		}
		if err != nil {
			return nil, err
		}
		parties[i] = e
	}
	// One open proposal a party, whatever the actor: each party is
	// claimed before its proposal is opened, and a claim not given its
	// designation (a failure below) is released: that claim only, as
	// another attribution may have taken a claim left too long over.
	claimed := map[string]time.Time{} // party → when this call claimed it
	defer func() {
		for _, party := range slices.Sorted(maps.Keys(claimed)) {
			if rerr := s.DB.ReleaseAttribution(context.WithoutCancel(ctx), party, actor, claimed[party]); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	for _, l := range links {
		at := s.now()
		if err := s.DB.ClaimAttribution(ctx, l.Ref, actor, at, claimStale); err != nil {
			return nil, err
		}
		claimed[l.Ref] = at
	}
	edges, err := s.DB.IntelEdges(ctx, actor)
	if err != nil {
		return nil, err
	}
	var around []string // the incidents, indicators and reports around it
	for _, e := range edges {
		if e.Type != "created_by_ref" {
			around = append(around, e.Source, e.Target)
		}
	}
	seen, err := s.currentSeen(ctx, p, slices.Compact(slices.Sorted(slices.Values(around))))
	if err != nil {
		return nil, err
	}
	ids := []string{actor}
	for id, n := range seen {
		if id != actor && n.TLP != warden.TLPRed {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids[1:])
	// The designation is read by people cleared to AMBER+STRICT (admins,
	// auditors): nothing RED goes into it.
	bundle, _, err := s.Export(ctx, Selection{IDs: ids, NoRed: true})
	if err != nil {
		return nil, err
	}
	evidence, err := evidenceIDs(bundle)
	if err != nil {
		return nil, err
	}
	file := "attribution-" + strings.TrimPrefix(strings.TrimPrefix(actor, "threat-actor--"), "intrusion-set--") + ".json"
	// The caller's reason, a blank line, then the attribution, naming the
	// actor as the pages show text: its invisible characters (directional
	// marks among them) written as their code points, so that the name
	// reads as it is, and no mark turns the reasons around.
	reasons := fmt.Sprintf("%s\n\nAttributed to %s \"%s\" (%s); the STIX bundle attached holds it with its incidents, indicators and reports.", in.Reason, o.Type, warden.Visible(o.Name), actor)
	var out []warden.Designation
	for i, l := range links {
		d, err := s.Designator.Create(ctx, designation.Input{Party: *parties[i], Source: l.Ref, Program: in.Program, LegalBasis: in.LegalBasis, Reasons: reasons}, true)
		if err != nil {
			return out, fmt.Errorf("propose %s: %w", l.Ref, err)
		}
		if err := s.DB.SetAttribution(ctx, l.Ref, actor, claimed[l.Ref], d.ID); err != nil {
			return out, err
		}
		delete(claimed, l.Ref)
		if _, err := s.Designator.AddEvidence(ctx, d.ID, file, bundle); err != nil {
			return out, fmt.Errorf("evidence of designation %d: %w", d.ID, err)
		}
		ref := strconv.FormatInt(d.ID, 10)
		ls := []warden.IntelLink{{Object: actor, Kind: warden.LinkDesignation, Ref: ref, Note: "attribution", CreatedBy: p.Name, CreatedAt: s.now()}}
		for _, id := range evidence {
			ls = append(ls, warden.IntelLink{Object: id, Kind: warden.LinkDesignation, Ref: ref, Note: "attribution evidence", CreatedBy: p.Name, CreatedAt: s.now()})
		}
		ev := warden.NewAuditEvent(ctx, "intel.attribute", actor, in.Reason, map[string]any{"designation": d.ID, "party": l.Ref, "evidence": evidence})
		if err := s.DB.AddIntelLinks(ctx, ls, ev); err != nil {
			return out, err
		}
		// The designation as it stands now, with its evidence.
		if d, err = s.DB.Designation(ctx, d.ID); err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

// claimStale is how long a party's claim without a designation (an
// attribution that stopped half-way) holds off another attribution.
const claimStale = 10 * time.Minute

// evidenceIDs returns the incidents, indicators and reports in an
// attribution's bundle, which are linked to its designations.
func evidenceIDs(bundle []byte) ([]string, error) {
	var b struct {
		Objects []struct{ Type, ID string } `json:"objects"`
	}
	if err := json.Unmarshal(bundle, &b); err != nil {
		return nil, warden.Errorf(warden.EINTERNAL, "attribution: the export is not a bundle: %w", err)
	}
	var ids []string
	for _, o := range b.Objects {
		if o.Type == "incident" || o.Type == "indicator" || o.Type == "report" {
			ids = append(ids, o.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
