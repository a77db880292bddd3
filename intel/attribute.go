package intel

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
// evidence. While a proposal it opened for a party is undecided, another
// for that party is ECONFLICT naming it. The proposal is drafted by the
// caller: for a token, the person who made it (see designation.Create). An actor without attributed parties is
// EINVALID naming parties; a RED actor, naming tlp (its name would be in
// the reasons); a Service without a Designator, naming designations.
func (s *Service) Attribute(ctx context.Context, actor string, in AttributeInput) ([]warden.Designation, error) {
	p, err := warden.Authorize(ctx, warden.ActDesignationsPropose)
	if err != nil {
		return nil, err
	}
	if s.Designator == nil {
		return nil, warden.Errorf(warden.EINVALID, "designations: this server opens no designation proposals")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
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
	var designations []warden.IntelLink
	for _, l := range links {
		if l.Kind == warden.LinkDesignation {
			designations = append(designations, l)
		}
	}
	links = slices.DeleteFunc(links, func(l warden.IntelLink) bool { return l.Kind != warden.LinkEntity })
	if len(links) == 0 {
		return nil, warden.Errorf(warden.EINVALID, "parties: %s is attributed to no listed party; link the parties first", actor)
	}
	if err := s.openProposals(ctx, actor, links, designations); err != nil {
		return nil, err
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
	reasons := fmt.Sprintf("%s\n\nAttributed to %s %q (%s); the STIX bundle attached holds it with its incidents, indicators and reports.", in.Reason, o.Type, o.Name, actor)
	var out []warden.Designation
	for _, l := range links {
		e, err := s.DB.Entity(ctx, l.Ref, 0)
		if warden.ErrorCode(err) == warden.ENOTFOUND || warden.ErrorCode(err) == warden.EINVALID {
			return out, warden.Errorf(warden.EINVALID, "parties: %s is not on its list now", l.Ref)
		}
		if err != nil {
			return out, err
		}
		d, err := s.Designator.Create(ctx, designation.Input{Party: *e, Source: l.Ref, Program: in.Program, LegalBasis: in.LegalBasis, Reasons: reasons}, true)
		if err != nil {
			return out, fmt.Errorf("propose %s: %w", l.Ref, err)
		}
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

// openProposals refuses a second attribution while one is open: for each
// party, a designation linked to the actor that proposes it and is not
// decided yet (draft, proposed, or approved and not yet published) is
// ECONFLICT naming it.
func (s *Service) openProposals(ctx context.Context, actor string, parties, designations []warden.IntelLink) error {
	for _, l := range designations {
		id, err := strconv.ParseInt(l.Ref, 10, 64)
		if err != nil {
			continue
		}
		d, err := s.DB.Designation(ctx, id)
		if warden.ErrorCode(err) == warden.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		open := d.Status == warden.DesignationDraft || d.Status == warden.DesignationProposed || d.Status == warden.DesignationApproved
		if open && slices.ContainsFunc(parties, func(p warden.IntelLink) bool { return p.Ref == d.Source }) {
			return warden.Errorf(warden.ECONFLICT, "designation %d proposes %s from %s already and is %s: decide it before attributing again", d.ID, d.Source, actor, d.Status)
		}
	}
	return nil
}

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
