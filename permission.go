package warden

import "context"

// Action is something a principal may be allowed to do.
type Action string

// Actions. Each later capability adds its own, with a row in
// docs/security.md.
const (
	ActScreen          Action = "screen"           // screen names, wallets and identifiers
	ActListsRead       Action = "lists.read"       // lists, versions, parties
	ActTokensRead      Action = "tokens.read"      // API clients' tokens (never secrets)
	ActTokensManage    Action = "tokens.manage"    // create and revoke tokens
	ActUsersRead       Action = "users.read"       // people and their roles
	ActUsersManage     Action = "users.manage"     // add people, disable them
	ActAuditRead       Action = "audit.read"       // the audit log and its export
	ActOrgsRead        Action = "orgs.read"        // organisations (a counterpart: its own only)
	ActOrgsManage      Action = "orgs.manage"      // add organisations
	ActApprovalsRead   Action = "approvals.read"   // four-eyes proposals
	ActApprovalsDecide Action = "approvals.decide" // approve or reject another's proposal
	ActMetricsRead     Action = "metrics.read"     // Prometheus metrics
	ActTxScreen        Action = "tx.screen"        // screen payments before they move
	ActCasesRead       Action = "cases.read"       // payments and the review queue
	ActCasesDecide     Action = "cases.decide"     // confirm or clear a held payment's hit; claim a case
	ActCasesAssign     Action = "cases.assign"     // assign cases to others, take a case another holds (team leads)
	ActCasesReview     Action = "cases.review"     // approve or send back another's clearing (second review); revoke a remembered false positive
	ActCasesNote       Action = "cases.note"       // add notes and attachments to a case
	ActLedgerRead      Action = "ledger.read"      // the blocked-property ledger and licences
	ActLicencesManage  Action = "licences.manage"  // record licences
	ActReleasesPropose Action = "releases.propose" // propose releasing blocked property (a sanctions officer approves)
	ActOwnershipManage Action = "ownership.manage" // record who owns what (the 50% rule)
	ActCustomersAdd    Action = "customers.add"    // onboard customers (each is screened)
	ActCustomersRead   Action = "customers.read"   // the customer register
	ActPolicyRead      Action = "policy.read"      // the enforcement policy in force and its history
	ActPolicyPropose   Action = "policy.propose"   // propose a change of the policy (a second sanctions officer approves)

	// Evidence: the record of every screening (a person sees their own;
	// whoever may read the audit log sees everyone's).
	ActScreeningsRead Action = "screenings.read" // records of screenings, their evidence pages and PDFs
	ActReportsFile    Action = "reports.file"    // mark a regulator's report as filed

	// Designations: analysts draft, sanctions officers propose and a
	// second sanctions officer decides; counterparts see nothing of them.
	ActDesignationsRead    Action = "designations.read"    // designations, drafts and proposals, with their evidence
	ActDesignationsDraft   Action = "designations.draft"   // draft a designation, attach evidence
	ActDesignationsPropose Action = "designations.propose" // propose a designation, amendment or delisting
	ActDesignationsDecide  Action = "designations.decide"  // approve or reject another officer's proposal

	// Cooperation: requests between the authority and its counterparts.
	// A counterpart reads and acts only on the requests its organisation
	// sent or is asked (others are not found), and only on the side of
	// the request that is its own: the requested side acknowledges and
	// answers, the requester reviews.
	ActRequestsRead      Action = "requests.read"      // requests, their threads, attachments and timelines
	ActRequestsWrite     Action = "requests.write"     // draft and send requests; acknowledge, answer, message, ask or decide extensions, refuse, withdraw, close
	ActRequestsReview    Action = "requests.review"    // rate an answer, or respond to a rating of one's own answer
	ActRequestsRefer     Action = "requests.refer"     // refer a request for sanctions (opens designation proposals)
	ActScorecardsRead    Action = "scorecards.read"    // scorecards and dialogues
	ActCooperationManage Action = "cooperation.manage" // the priority table, referral thresholds, dialogues
	ActClosuresManage    Action = "closures.manage"    // an organisation's own closures (a counterpart: its own)

	// Intelligence: what each role reads is further limited by TLP
	// (SeesTLP): a counterpart reads CLEAR and GREEN, and AMBER shared
	// with its organisation.
	ActIntelRead   Action = "intel.read"   // incidents, actors, indicators, reports, the graph, exports, TAXII reads
	ActIntelWrite  Action = "intel.write"  // record and import intelligence, link it to parties, requests, designations
	ActIntelShare  Action = "intel.share"  // put objects in collections, push them to partners
	ActIntelSubmit Action = "intel.submit" // POST objects to a TAXII collection (a counterpart: its own, if writable)
	ActIntelManage Action = "intel.manage" // collections (who reads what) and partner feeds
)

// Linking listings of one real party across lists.
const (
	ActLinksManage Action = "links.manage" // link two listings as one party, or unlink them
)

// Permissions is the permission table: the roles allowed each action. It is
// enforced by Authorize in the service layer; docs/security.md shows it and
// a test keeps the two equal and exercises every cell over HTTP.
var Permissions = map[Action][]Role{
	ActScreen:          {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleScreener, RoleLiaison},
	ActListsRead:       {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleScreener, RoleLiaison, RoleAuditor}, // a screener opens the parties it hit
	ActTokensRead:      {RoleAdmin, RoleAuditor},
	ActTokensManage:    {RoleAdmin},
	ActUsersRead:       {RoleAdmin, RoleAuditor},
	ActUsersManage:     {RoleAdmin},
	ActAuditRead:       {RoleAdmin, RoleAuditor},
	ActOrgsRead:        {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleScreener, RoleLiaison, RoleCounterpart, RoleAuditor},
	ActOrgsManage:      {RoleAdmin},
	ActApprovalsRead:   {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleAuditor},
	ActApprovalsDecide: {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst},
	ActMetricsRead:     {RoleAdmin, RoleAuditor},
	ActTxScreen:        {RoleAdmin, RoleAnalyst, RoleScreener},
	ActCasesRead:       {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleAuditor},
	ActCasesDecide:     {RoleAdmin, RoleAnalyst},
	ActCasesAssign:     {RoleAdmin, RoleSanctionsOfficer},
	ActCasesReview:     {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst},
	ActCasesNote:       {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst},
	ActLedgerRead:      {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleAuditor},
	ActLicencesManage:  {RoleAdmin, RoleSanctionsOfficer},
	ActReleasesPropose: {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst},
	ActOwnershipManage: {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst},
	ActCustomersAdd:    {RoleAdmin, RoleAnalyst, RoleScreener},
	ActCustomersRead:   {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleAuditor},
	ActScreeningsRead:  {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleScreener, RoleLiaison, RoleAuditor},
	ActReportsFile:     {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst},
	ActPolicyRead:      {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleAuditor},
	ActPolicyPropose:   {RoleAdmin, RoleSanctionsOfficer},

	ActDesignationsRead:    {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleAuditor},
	ActDesignationsDraft:   {RoleSanctionsOfficer, RoleAnalyst},
	ActDesignationsPropose: {RoleSanctionsOfficer},
	ActDesignationsDecide:  {RoleSanctionsOfficer},

	ActHotlineRead:    {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleLiaison, RoleAuditor},
	ActHotlineRaise:   {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleScreener, RoleLiaison},
	ActHotlineRespond: {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleLiaison},
	ActHotlineManage:  {RoleAdmin},
	ActContactManage:  {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleScreener, RoleLiaison, RoleAuditor},

	ActRequestsRead:      {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleLiaison, RoleCounterpart, RoleAuditor},
	ActRequestsWrite:     {RoleSanctionsOfficer, RoleAnalyst, RoleLiaison, RoleCounterpart},
	ActRequestsReview:    {RoleSanctionsOfficer, RoleAnalyst, RoleLiaison, RoleCounterpart},
	ActRequestsRefer:     {RoleSanctionsOfficer},
	ActScorecardsRead:    {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleLiaison, RoleAuditor},
	ActCooperationManage: {RoleAdmin, RoleLiaison},
	ActClosuresManage:    {RoleAdmin, RoleLiaison, RoleCounterpart},

	ActIntelRead:   {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleLiaison, RoleCounterpart, RoleAuditor},
	ActIntelWrite:  {RoleSanctionsOfficer, RoleAnalyst},
	ActIntelShare:  {RoleSanctionsOfficer, RoleAnalyst, RoleLiaison},
	ActIntelSubmit: {RoleSanctionsOfficer, RoleAnalyst, RoleCounterpart},
	ActIntelManage: {RoleAdmin, RoleSanctionsOfficer},

	ActLinksManage: {RoleAdmin, RoleSanctionsOfficer, RoleAnalyst},
}

// Allowed reports whether role may do action.
func Allowed(role Role, action Action) bool {
	for _, r := range Permissions[action] {
		if r == role {
			return true
		}
	}
	return false
}

// Authorize returns the principal in ctx if it may do action:
// EUNAUTHORIZED without a principal, EFORBIDDEN if its role may not.
func Authorize(ctx context.Context, action Action) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return p, Errorf(EUNAUTHORIZED, "authentication required")
	}
	if !Allowed(p.Role, action) {
		return p, Errorf(EFORBIDDEN, "role %s may not %s", p.Role, action)
	}
	return p, nil
}

// Sees reports whether p may learn that an object belonging to organisation
// org exists. A counterpart sees only its own organisation's objects; the
// service layer answers ENOTFOUND (not EFORBIDDEN) for the others, so that
// their existence does not leak.
func Sees(p Principal, org string) bool {
	return p.Role != RoleCounterpart || p.Org == org
}
