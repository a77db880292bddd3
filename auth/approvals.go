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
// need a second person of a given role; proposing one stores it pending,
// with the person behind the proposer; a different person of that role
// approves (and the action takes effect in the same transaction) or
// rejects it: one the proposer does not control and who does not control
// the proposer (Related), whatever principal they use. Every step is
// audited.
type Approvals struct {
	db       *store.DB
	now      func() time.Time
	handlers map[string]handler
}

type handler struct {
	role   warden.Role
	apply  Applier
	reject Applier
}

// NewApprovals returns an empty registry.
func NewApprovals(db *store.DB, now func() time.Time) *Approvals {
	return &Approvals{db: db, now: now, handlers: map[string]handler{}}
}

// Handle registers action as needing a second person of role.
func (a *Approvals) Handle(action string, role warden.Role, apply Applier) {
	a.handlers[action] = handler{role: role, apply: apply}
}

// OnReject registers reject to run, in the transaction that records the
// rejection, when a proposal of action is rejected, whichever route
// decides it: what waits for the decision (a designation proposed) follows
// it. Register it after Handle.
func (a *Approvals) OnReject(action string, reject Applier) {
	h := a.handlers[action]
	h.reject = reject
	a.handlers[action] = h
}

// Actions returns every registered action with the role that decides it,
// so that tests can try every action, including those added later.
func (a *Approvals) Actions() map[string]warden.Role {
	out := make(map[string]warden.Role, len(a.handlers))
	for action, h := range a.handlers {
		out[action] = h.role
	}
	return out
}

// Propose stores a pending proposal of action on object, with payload (as
// JSON; a hash it needs to carry the action out is stored but never
// shown), by the principal in ctx, and returns it as shown (redacted).
func (a *Approvals) Propose(ctx context.Context, action, object string, payload any, reason string) (warden.Approval, error) {
	return a.ProposeWith(ctx, action, object, payload, reason, nil)
}

// ProposeWith is Propose that also runs with, when not nil, in the
// transaction that stores the proposal (ctx carries it, as for an
// Applier) once the proposal has its id, and audits evs after
// approval.propose: the object proposed and its proposal are stored
// together or not at all, so no pending proposal outlives a failed
// change to what it proposes.
func (a *Approvals) ProposeWith(ctx context.Context, action, object string, payload any, reason string, with Applier, evs ...*warden.AuditEvent) (warden.Approval, error) {
	h, ok := a.handlers[action]
	if !ok {
		return warden.Approval{}, warden.Errorf(warden.EINVALID, "%s does not take approvals", action)
	}
	p, _ := warden.PrincipalFrom(ctx)
	b, err := json.Marshal(payload)
	if err != nil {
		return warden.Approval{}, err
	}
	ap := warden.Approval{Action: action, Object: object, Payload: b, Role: h.role, ProposedBy: p.Name, ProposedByPerson: p.PersonName(), ProposedAt: a.now(), Reason: reason}
	ev := warden.NewAuditEvent(ctx, "approval.propose", "", reason, map[string]string{"action": action, "object": object})
	var also func(ctx context.Context) error
	if with != nil {
		also = func(ctx context.Context) error { return with(ctx, ap) }
	}
	if err := a.db.CreateApproval(ctx, &ap, also, ev, evs...); err != nil {
		return warden.Approval{}, err
	}
	ap.Payload = redact(ap.Payload)
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

// redact drops fields whose names say they hold secrets or their hashes
// (a password hash, a token's hash) from a payload before it is shown.
func redact(payload json.RawMessage) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(payload, &m) != nil {
		return payload
	}
	for k := range m {
		if strings.Contains(k, "password") || strings.Contains(k, "secret") || strings.Contains(k, "hash") {
			delete(m, k)
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// Decide approves or rejects proposal id as the principal in ctx, who must
// hold the proposal's role and be a second person (see secondPerson).
// Approving carries the action out; rejecting runs the action's reject
// hook (OnReject), if any. EFORBIDDEN for the wrong role or the
// same person, ECONFLICT if it was decided already. In the decision's
// transaction (see active): EUNAUTHORIZED if the person behind the
// principal has been disabled, and EFORBIDDEN for approving a proposal
// whose proposer has been disabled since, which can only be rejected.
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
	if err := a.secondPerson(ctx, ap, p); err != nil {
		return ap, err
	}
	now := a.now()
	ap.Status, ap.DecidedBy, ap.DecidedAt, ap.Decision = "rejected", p.Name, &now, reason
	verb := "approval.reject"
	h := a.handlers[ap.Action]
	apply := func(ctx context.Context) error {
		if err := a.active(ctx, ap, p, false); err != nil {
			return err
		}
		if h.reject != nil {
			return h.reject(ctx, ap)
		}
		return nil
	}
	var done *warden.AuditEvent
	if approve {
		ap.Status, verb = "approved", "approval.approve"
		if h.apply == nil {
			return ap, warden.Errorf(warden.EINVALID, "%s does not take approvals", ap.Action)
		}
		apply = func(ctx context.Context) error {
			if err := a.active(ctx, ap, p, true); err != nil {
				return err
			}
			return h.apply(ctx, ap)
		}
		done = warden.NewAuditEvent(ctx, ap.Action, ap.Object, ap.Reason, map[string]any{"approval": id, "proposed_by": ap.ProposedBy, "proposed_by_person": ap.ProposedByPerson,
			"approved_by": p.Name, "approved_by_person": p.PersonName()})
	}
	ev := warden.NewAuditEvent(ctx, verb, "approval:"+strconv.FormatInt(id, 10), reason, map[string]string{"action": ap.Action, "object": ap.Object})
	if err := a.db.DecideApproval(ctx, ap, apply, ev, done); err != nil {
		return ap, err
	}
	ap.Payload = redact(ap.Payload)
	return ap, nil
}

// secondPerson checks, for every action alike, that p may decide ap: the
// person behind p is not the person behind the proposer, and neither
// controls the other (Related). So neither a token of the proposer, nor a
// person or token the proposer created, nor a person whose password the
// proposer chose, nor the proposer's creator, is a second pair of eyes.
func (a *Approvals) secondPerson(ctx context.Context, ap warden.Approval, p warden.Principal) error {
	if ap.ProposedByPerson == "" {
		return warden.Errorf(warden.EFORBIDDEN, "four eyes: approval %d does not record the person who proposed it; propose it again", ap.ID)
	}
	controllers, err := a.db.Controllers(ctx)
	if err != nil {
		return err
	}
	if Related(controllers, ap.ProposedByPerson, p.PersonName()) {
		return warden.Errorf(warden.EFORBIDDEN, "four eyes: approval %d needs a second person, not %s's own principal, nor one %[2]s created or controls, nor their creator", ap.ID, ap.ProposedByPerson)
	}
	return nil
}

// active checks, in the decision's transaction (ctx carries it), that the
// person behind p, who decides ap, has not been disabled (a token or a
// principal read before the disabling decides nothing) and, when
// approving, that ap's proposer has not been either: what a disabled
// person asked for needs someone active to ask for it again.
func (a *Approvals) active(ctx context.Context, ap warden.Approval, p warden.Principal, approve bool) error {
	at, err := a.db.Disabled(ctx, p.PersonName())
	if err != nil {
		return err
	}
	if at != nil {
		return warden.Errorf(warden.EUNAUTHORIZED, "%s has been disabled and can decide nothing", p.PersonName())
	}
	if !approve {
		return nil
	}
	if at, err = a.db.Disabled(ctx, ap.ProposedByPerson); err != nil {
		return err
	}
	if at != nil {
		return warden.Errorf(warden.EFORBIDDEN, "approval %d was proposed by %s, who has since been disabled: it can only be rejected (someone active may propose it again)", ap.ID, ap.ProposedByPerson)
	}
	return nil
}
