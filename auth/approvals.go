package auth

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/store"
)

// Applier carries out an approved action inside the transaction that
// records the approval: ctx carries that transaction, and the store
// methods the applier calls join it.
type Applier func(ctx context.Context, a warden.Approval) error

// Approvals is four-eyes control: a capability registers the actions that
// need a second person of a given role; proposing one stores it pending;
// someone else of that role approves (and the action takes effect in the
// same transaction) or rejects it. Every step is audited.
type Approvals struct {
	db       *store.DB
	now      func() time.Time
	handlers map[string]handler
}

type handler struct {
	role  warden.Role
	apply Applier
}

// NewApprovals returns an empty registry.
func NewApprovals(db *store.DB, now func() time.Time) *Approvals {
	return &Approvals{db: db, now: now, handlers: map[string]handler{}}
}

// Handle registers action as needing a second person of role.
func (a *Approvals) Handle(action string, role warden.Role, apply Applier) {
	a.handlers[action] = handler{role, apply}
}

// Propose stores a pending proposal of action on object, with payload (as
// JSON; no secrets), by the principal in ctx.
func (a *Approvals) Propose(ctx context.Context, action, object string, payload any, reason string) (warden.Approval, error) {
	h, ok := a.handlers[action]
	if !ok {
		return warden.Approval{}, warden.Errorf(warden.EINVALID, "%s does not take approvals", action)
	}
	p, _ := warden.PrincipalFrom(ctx)
	b, err := json.Marshal(payload)
	if err != nil {
		return warden.Approval{}, err
	}
	ap := warden.Approval{Action: action, Object: object, Payload: b, Role: h.role, ProposedBy: p.Name, ProposedAt: a.now(), Reason: reason}
	ev := warden.NewAuditEvent(ctx, "approval.propose", "", reason, map[string]string{"action": action, "object": object})
	if err := a.db.CreateApproval(ctx, &ap, ev); err != nil {
		return warden.Approval{}, err
	}
	return ap, nil
}

// List returns proposals with a status ("" for all). Needs approvals.read.
func (a *Approvals) List(ctx context.Context, status string) ([]warden.Approval, error) {
	if _, err := warden.Authorize(ctx, warden.ActApprovalsRead); err != nil {
		return nil, err
	}
	switch status {
	case "", "pending", "approved", "rejected":
	default:
		return nil, warden.Errorf(warden.EINVALID, "status must be pending, approved or rejected")
	}
	as, err := a.db.Approvals(ctx, status)
	for i := range as {
		as[i].Payload = redact(as[i].Payload)
	}
	return as, err
}

// redact drops fields whose names say they hold secrets (such as a
// password hash) from a payload before it is shown.
func redact(payload json.RawMessage) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(payload, &m) != nil {
		return payload
	}
	for k := range m {
		if strings.Contains(k, "password") || strings.Contains(k, "secret") {
			delete(m, k)
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// Decide approves or rejects proposal id as the principal in ctx, who must
// hold the proposal's role and not be its proposer. Approving carries the
// action out. ECONFLICT if it was decided already.
func (a *Approvals) Decide(ctx context.Context, id int64, approve bool, reason string) (warden.Approval, error) {
	p, err := warden.Authorize(ctx, warden.ActApprovalsDecide)
	if err != nil {
		return warden.Approval{}, err
	}
	ap, err := a.db.Approval(ctx, id)
	if err != nil {
		return ap, err
	}
	if ap.Status != "pending" {
		return ap, warden.Errorf(warden.ECONFLICT, "approval %d was already %s", id, ap.Status)
	}
	if ap.Role != p.Role {
		return ap, warden.Errorf(warden.EFORBIDDEN, "approval %d needs a person with role %s", id, ap.Role)
	}
	if ap.ProposedBy == p.Name {
		return ap, warden.Errorf(warden.EFORBIDDEN, "four eyes: the proposer cannot decide their own proposal")
	}
	now := a.now()
	ap.Status, ap.DecidedBy, ap.DecidedAt, ap.Decision = "rejected", p.Name, &now, reason
	verb := "approval.reject"
	var apply func(context.Context) error
	var done *warden.AuditEvent
	if approve {
		ap.Status, verb = "approved", "approval.approve"
		h := a.handlers[ap.Action]
		if h.apply == nil {
			return ap, warden.Errorf(warden.EINVALID, "%s does not take approvals", ap.Action)
		}
		apply = func(ctx context.Context) error { return h.apply(ctx, ap) }
		done = warden.NewAuditEvent(ctx, ap.Action, ap.Object, ap.Reason, map[string]any{"approval": id, "proposed_by": ap.ProposedBy, "approved_by": p.Name})
	}
	ev := warden.NewAuditEvent(ctx, verb, "approval:"+strconv.FormatInt(id, 10), reason, map[string]string{"action": ap.Action, "object": ap.Object})
	if err := a.db.DecideApproval(ctx, ap, apply, ev, done); err != nil {
		return ap, err
	}
	ap.Payload = redact(ap.Payload)
	return ap, nil
}
