package web

import (
	"net/http"

	"warden"
	"warden/cooperation"
)

// route is one endpoint or page. The table in routes is the only place
// routes are declared: the mux, the OpenAPI document and the permission
// tests all read it.
type route struct {
	method, path string
	h            http.HandlerFunc
	action       warden.Action // the permission it needs; "" if any principal may call it
	public       bool          // no authentication (probes, login, documentation, assets)
	ui           bool          // an HTML page, not part of the API
	// person: only a person signed in themselves may call it (their own
	// contact methods): API tokens, which outside systems hold, and the
	// operator are refused.
	person bool
	// upload is how large a multipart form the route takes (a page that
	// uploads files): the CSRF check reads a plain form's csrf field
	// within it, the handler reading the files afterwards under the same
	// limit. Other forms take maxFormBody.
	upload  int64
	summary string
	body    string // the request schema, if any (OpenAPI component name)
	resp    string // the success response schema (OpenAPI component name)
	status  int    // the success status; 200 if 0
	params  []param
}

// param is a query parameter, for the OpenAPI document.
type param struct {
	name, typ, desc string
}

func (s *Server) routes() []route {
	auditParams := []param{{"actor", "string", "who"}, {"action", "string", `exact action, or a prefix ending in "." such as "token."`},
		{"object", "string", "the object, such as token:ci"}, {"since", "string", "RFC 3339 time, inclusive"}, {"until", "string", "RFC 3339 time, exclusive"},
		{"after", "integer", "events after this sequence number (paging)"}, {"limit", "integer", "at most this many (1-1000)"}}
	var evidenceUpload, attachmentsUpload int64 // the upload pages' limits (route.upload)
	if s.Designations != nil {
		evidenceUpload = s.Designations.MaxEvidence + maxFormBody
	}
	if s.Cooperation != nil {
		attachmentsUpload = 10 * (s.Cooperation.MaxAttachment + maxFormBody)
	}
	var caseUpload int64
	if s.Enforcement != nil {
		caseUpload = s.Enforcement.Casework.MaxAttachment + maxFormBody
	}
	rs := []route{
		{method: "GET", path: "/healthz", h: s.healthz, public: true, summary: "Liveness probe", resp: "Status"},
		{method: "GET", path: "/readyz", h: s.readyz, public: true, summary: "Readiness probe: database reachable, start-up done (503 if not); the index, job backlog and re-screening (docs/nodes.md)", resp: "Readiness"},
		{method: "GET", path: "/public/lists/{name}/versions/{v}/{format}/{file}", h: s.publicFile, public: true, summary: "A file of the signed export of a public list's version: format ofac-csv, ftm, ftm-delta (from the version before) or stix; file one of the manifest's, manifest.json or manifest.json.sig (ETag: SHA-256; 503 without a signing key)", resp: "File"},
		{method: "GET", path: "/public/lists/{name}/latest/{format}/{file}", h: s.publicFile, public: true, summary: "The same file of the current version of a public list", resp: "File"},
		{method: "GET", path: "/public/lists/{name}/versions/{v}/notice", h: s.publicNotice, public: true, summary: "The notice of a public list's version (HTML, or text with format=text)", resp: "Notice",
			params: []param{{"format", "string", "html (default) or text"}}},
		{method: "GET", path: "/.well-known/warden-signing-key", h: s.signingKey, public: true, summary: "The public key that signs the exports' manifests (PKIX PEM)", resp: "Text"},
		{method: "GET", path: "/openapi.json", h: s.openAPI, public: true, summary: "This OpenAPI 3.1 document", resp: "Object"},
		{method: "GET", path: "/metrics", h: s.metricsPage, action: warden.ActMetricsRead, summary: "Prometheus metrics (text format)", resp: "Text"},
		{method: "GET", path: "/v1/me", h: s.me, summary: "Who the caller is", resp: "Principal"},

		{method: "GET", path: "/v1/lists", h: s.listsAPI, action: warden.ActListsRead, summary: "Lists and their current versions", resp: "Lists"},
		{method: "GET", path: "/v1/lists/{name}/versions", h: s.versions, action: warden.ActListsRead, summary: "Every version of a list and what it changed", resp: "Versions"},
		{method: "GET", path: "/v1/lists/{name}/checks", h: s.listChecks, action: warden.ActListsRead, summary: "The latest checks of a list (at most 100, newest first): imports whose files held its current version exactly, so that no version was stored, with when, by whom and the list date they stated", resp: "Checks"},
		{method: "GET", path: "/v1/lists/{name}/versions/{v}/notice", h: s.notice, action: warden.ActListsRead, summary: "What a version added, changed and removed, as an official notice says it (HTML, or text with format=text)", resp: "Notice",
			params: []param{{"format", "string", "html (default) or text"}}},
		{method: "GET", path: "/v1/lists/{name}/versions/{v}/changes.csv", h: s.changesCSV, action: warden.ActListsRead, summary: "Every party a version added, changed or removed, as CSV (streamed, however many)", resp: "CSVFile"},
		{method: "GET", path: "/v1/links", h: s.linksAPI, action: warden.ActListsRead, summary: "The links of a listed party to its other listings (the same party on other lists): the automatic links, people's decisions, and the group screening takes for one party", resp: "PartyLinks",
			params: []param{{"entity", "string", "listed party id (list:source_id)"}}},
		{method: "POST", path: "/v1/links", h: s.linkAPI, action: warden.ActLinksManage, summary: "Link two listings as one real party, whatever the rules say (audited)", body: "LinkRequest", resp: "LinkDecision", status: 201},
		{method: "POST", path: "/v1/links/unlink", h: s.unlinkAPI, action: warden.ActLinksManage, summary: "Unlink two listings: two parties, whatever the rules say; beats every automatic link (reason required; audited)", body: "LinkRequest", resp: "LinkDecision", status: 201},
		{method: "GET", path: "/v1/entities/{id...}", h: s.entity, action: warden.ActListsRead, summary: "One listed party (id list:source_id)", resp: "Entity",
			params: []param{{"version", "integer", "the list version (default: current)"}}},

		{method: "POST", path: "/v1/screen", h: s.screen, action: warden.ActScreen, summary: "Screen one name, wallet or identifier", body: "ScreenRequest", resp: "ScreenResponse"},
		{method: "POST", path: "/v1/screen/batch", h: s.screenBatch, action: warden.ActScreen, summary: "Screen up to 10,000 queries", body: "BatchRequest", resp: "BatchResponse"},
		{method: "POST", path: "/match/{dataset}", h: s.yenteMatch, action: warden.ActScreen, summary: "OpenSanctions yente-compatible matching", body: "YenteRequest", resp: "YenteResponse",
			params: []param{{"limit", "integer", "results per query (default 5)"}, {"threshold", "number", "match threshold"}}},
		{method: "GET", path: "/v1/screenings", h: s.screeningsAPI, action: warden.ActScreeningsRead, summary: "Records of screenings, newest first: the caller's own, or everyone's for whoever may read the audit log", resp: "Screenings",
			params: []param{{"actor", "string", "who screened (admins and auditors)"}, {"channel", "string", "ui, api, batch, match or cli"}, {"name", "string", "a screened name contains this"},
				{"since", "string", "date or RFC 3339 time, inclusive"}, {"until", "string", "date (to its end) or RFC 3339 time, exclusive"}, {"matches", "string", "true: only screenings with a match"},
				{"before", "integer", "screenings with ids below this one (paging: next_before)"}, {"limit", "integer", "at most this many (1-1000, default 100)"}}},
		{method: "GET", path: "/v1/screenings/{id}", h: s.screeningAPI, action: warden.ActScreeningsRead, summary: "One screening's record: who, when, the query, the list versions searched, the results explained (404 for another's unless one may read the audit log)", resp: "Screening"},
		{method: "GET", path: "/v1/screenings/{id}/pdf", h: s.screeningPDF, action: warden.ActScreeningsRead, summary: "A screening's evidence as a PDF", resp: "File"},

		{method: "GET", path: "/v1/tokens", h: s.tokens, action: warden.ActTokensRead, summary: "API clients' tokens (never their secrets)", resp: "Tokens"},
		{method: "POST", path: "/v1/tokens", h: s.createToken, action: warden.ActTokensManage, summary: "Create a token; the secret is in this response only (an admin or sanctions-officer token needs a second admin's approval: 202, and the secret works once approved)", body: "TokenRequest", resp: "TokenCreated", status: 201},
		{method: "DELETE", path: "/v1/tokens/{name}", h: s.revokeToken, action: warden.ActTokensManage, summary: "Revoke a token", status: 204,
			params: []param{{"reason", "string", "why, for the audit log"}}},

		{method: "GET", path: "/v1/users", h: s.users, action: warden.ActUsersRead, summary: "People and their roles", resp: "Users"},
		{method: "POST", path: "/v1/users", h: s.createUser, action: warden.ActUsersManage, summary: "Add a person (an admin or sanctions officer needs a second admin's approval: 202)", body: "UserRequest", resp: "User", status: 201},
		{method: "PUT", path: "/v1/users/{name}/password", h: s.setPassword, summary: "Change one's own password (with the current one), or reset anyone's as admin (an admin's or sanctions officer's needs a second admin's approval: 202)", body: "PasswordRequest", status: 204},
		{method: "DELETE", path: "/v1/users/{name}", h: s.disableUser, action: warden.ActUsersManage, summary: "Disable a person", status: 204,
			params: []param{{"reason", "string", "why, for the audit log"}}},

		{method: "GET", path: "/v1/organisations", h: s.orgs, action: warden.ActOrgsRead, summary: "Organisations (a counterpart sees its own only)", resp: "Organisations"},
		{method: "POST", path: "/v1/organisations", h: s.createOrg, action: warden.ActOrgsManage, summary: "Add a counterpart organisation", body: "OrganisationRequest", resp: "Organisation", status: 201},
		{method: "GET", path: "/v1/organisations/{id}", h: s.org, action: warden.ActOrgsRead, summary: "One organisation (404 for a counterpart asking about another)", resp: "Organisation"},

		{method: "GET", path: "/v1/approvals", h: s.approvals, action: warden.ActApprovalsRead, summary: "Four-eyes proposals", resp: "Approvals",
			params: []param{{"status", "string", "pending, approved or rejected"}}},
		{method: "POST", path: "/v1/approvals/{id}/approve", h: s.decide(true), action: warden.ActApprovalsDecide, summary: "Approve another person's proposal (carries it out)", body: "ReasonRequest", resp: "Approval"},
		{method: "POST", path: "/v1/approvals/{id}/reject", h: s.decide(false), action: warden.ActApprovalsDecide, summary: "Reject another person's proposal", body: "ReasonRequest", resp: "Approval"},

		{method: "GET", path: "/v1/audit", h: s.auditAPI, action: warden.ActAuditRead, summary: "Audit events, oldest first", resp: "AuditEvents", params: auditParams},
		{method: "GET", path: "/v1/audit/export", h: s.auditExport, action: warden.ActAuditRead, summary: "Audit events as JSON lines", resp: "JSONLines", params: auditParams},

		{method: "POST", path: "/v1/transactions", h: s.screenTransaction, action: warden.ActTxScreen, summary: "Screen a payment before it moves: cleared, held, blocked or rejected (idempotent by reference)", body: "Transaction", resp: "TxDecision"},
		{method: "GET", path: "/v1/transactions/{reference...}", h: s.transaction, action: warden.ActCasesRead, summary: "A payment's first decision and its status now", resp: "TxDecision"},
		{method: "GET", path: "/v1/cases", h: s.cases, action: warden.ActCasesRead, summary: "The review queue: filtered, searched, sorted and paged, each case with its deadline", resp: "CaseList",
			params: caseParams},
		{method: "GET", path: "/v1/cases/export", h: s.casesExport, action: warden.ActCasesRead, summary: "The cases a filter selects as CSV, however many (streamed; offset and limit are ignored)", resp: "CSV",
			params: caseParams},
		{method: "POST", path: "/v1/cases/bulk", h: s.casesBulk, action: warden.ActCasesRead, summary: "One action on up to 500 cases: claim, clear or confirm (cases.decide), approve (cases.review), assign (cases.assign); each case its own change, audited; cases that cannot take it are reported", body: "CaseBulkRequest", resp: "CaseBulkResults"},
		{method: "GET", path: "/v1/cases/{id}", h: s.caseAPI, action: warden.ActCasesRead, summary: "A case with its hit and explanation, the screened party, notes, attachments and history", resp: "CaseFile"},
		{method: "POST", path: "/v1/cases/{id}/claim", h: s.caseStep(claimCase), action: warden.ActCasesDecide, summary: "Assign a case to oneself (409 if someone else holds it)", resp: "Case"},
		{method: "POST", path: "/v1/cases/{id}/release", h: s.caseStep(releaseCase), action: warden.ActCasesDecide, summary: "Give up one's hold on a case", resp: "Case"},
		{method: "POST", path: "/v1/cases/{id}/assign", h: s.assignCase, action: warden.ActCasesAssign, summary: "Assign a case to a person, or to nobody with an empty assignee, whoever holds it", body: "AssignRequest", resp: "Case"},
		{method: "POST", path: "/v1/cases/{id}/approve", h: s.caseStep(approveCase), action: warden.ActCasesReview, summary: "Second review: approve another analyst's clearing of a high-scoring hit (the case is cleared and remembered)", body: "ReasonRequest", resp: "Case"},
		{method: "POST", path: "/v1/cases/{id}/send-back", h: s.caseStep(sendBackCase), action: warden.ActCasesReview, summary: "Second review: send a clearing back to the queue (reason required)", body: "ReasonRequest", resp: "Case"},
		{method: "POST", path: "/v1/cases/{id}/notes", h: s.caseNote, action: warden.ActCasesNote, summary: "Add a note to a case", body: "NoteRequest", resp: "CaseNote", status: 201},
		{method: "POST", path: "/v1/cases/{id}/attachments", h: s.caseAttach, action: warden.ActCasesNote, summary: "Attach a file (multipart/form-data, part file): PDF, PNG, JPEG, text, JSON or STIX JSON by content, at most 10 MiB", body: "Multipart", resp: "CaseAttachment", status: 201},
		{method: "GET", path: "/v1/cases/{id}/attachments/{aid}", h: s.caseAttachment, action: warden.ActCasesRead, summary: "Download a case's file as stored (its media type, as an attachment; ETag: its SHA-256)", resp: "File"},
		{method: "GET", path: "/v1/false-positives", h: s.goodGuys, action: warden.ActCasesRead, summary: "Remembered false positives (\"good guys\"): each counterparty cleared against a listed party, by whom and why", resp: "GoodGuys",
			params: []param{{"q", "string", "search the counterparty, listed party and name"}, {"offset", "integer", "skip this many"}, {"limit", "integer", "at most this many (1-1000)"}}},
		{method: "DELETE", path: "/v1/false-positives/{id}", h: s.revokeGoodGuy, action: warden.ActCasesReview, summary: "Revoke the false positive that case {id} remembered: screening stops that counterparty for that listing again", status: 204,
			params: []param{{"reason", "string", "why (required), for the audit log and the case's history"}}},
		{method: "POST", path: "/v1/cases/{id}/confirm", h: s.decideCase(true), action: warden.ActCasesDecide, summary: "Confirm a hit: the payment is blocked or rejected by policy", body: "ReasonRequest", resp: "Case"},
		{method: "POST", path: "/v1/cases/{id}/clear", h: s.decideCase(false), action: warden.ActCasesDecide, summary: "Clear a hit as a false positive (reason required; remembered)", body: "ReasonRequest", resp: "Case"},
		{method: "GET", path: "/v1/blocked-property", h: s.blockedProperty, action: warden.ActLedgerRead, summary: "The blocked-property ledger and its balances", resp: "Ledger",
			params: []param{{"entity", "string", "listed party id"}, {"holder", "string", "account"}, {"currency", "string", "ISO 4217"}, {"reference", "string", "payment reference"},
				{"after", "integer", "entries after this sequence number (paging)"}, {"limit", "integer", "at most this many (1-1000)"}}},
		{method: "POST", path: "/v1/licences", h: s.createLicence, action: warden.ActLicencesManage, summary: "Record a general or specific licence", body: "Licence", resp: "Licence", status: 201},
		{method: "GET", path: "/v1/licences", h: s.licences, action: warden.ActLedgerRead, summary: "Every licence, newest first", resp: "Licences"},
		{method: "GET", path: "/v1/licences/{number...}", h: s.licence, action: warden.ActLedgerRead, summary: "One licence", resp: "Licence"},
		{method: "POST", path: "/v1/ownership", h: s.recordStake, action: warden.ActOwnershipManage, summary: "Record that a listed party or a company owns a share of a company (the 50% rule); percent 0 removes it", body: "StakeRequest", resp: "Stake", status: 201},
		{method: "GET", path: "/v1/ownership", h: s.stakes, action: warden.ActLedgerRead, summary: "Recorded ownership", resp: "Stakes"},
		{method: "GET", path: "/v1/reports/initial", h: s.report(s.initialReport), action: warden.ActLedgerRead, summary: "Initial blocked-property reports: one per blocking, with its 10-business-day deadline", resp: "Report",
			params: []param{{"format", "string", "json (default), csv, html (printable, with the filing form) or pdf"}, {"filed", "string", "html: say that a filing was just recorded (the filing form's redirect)"}}},
		{method: "GET", path: "/v1/reports/annual", h: s.report(s.annualReport), action: warden.ActLedgerRead, summary: "Annual report of blocked property as of June 30", resp: "Report",
			params: []param{{"year", "integer", "the year (default: this year)"}, {"format", "string", "json (default), csv, html (printable, with the filing form) or pdf"}, {"filed", "string", "html: say that a filing was just recorded (the filing form's redirect)"}}},
		{method: "GET", path: "/v1/reports/rejected", h: s.report(s.rejectedReport), action: warden.ActLedgerRead, summary: "Rejected-transaction report", resp: "Report",
			params: []param{{"since", "string", "date YYYY-MM-DD (default: all)"}, {"format", "string", "json (default), csv, html (printable, with the filing form) or pdf"}, {"filed", "string", "html: say that a filing was just recorded (the filing form's redirect)"}}},
		{method: "POST", path: "/v1/reports/{kind}/filings", h: s.fileReport, action: warden.ActReportsFile, summary: "Mark a report (initial, annual or rejected) as filed with the regulator: subject is the payment reference, or the year of an annual report; marking again replaces it (audited)", body: "ReportFilingRequest", resp: "ReportFiling", status: 201},
		{method: "POST", path: "/v1/customers", h: s.onboard, action: warden.ActCustomersAdd, summary: "Onboard a customer: screened with the payments' policy (cleared, held, blocked or rejected); idempotent by id", body: "Customer", resp: "Customer", status: 201},
		{method: "POST", path: "/v1/customers/import", h: s.importCustomers, action: warden.ActCustomersAdd, summary: "Onboard customers from CSV (text/csv; header id,schema,name,country,birth_date,address,account,wallet,identifiers,ip,domain,email)", body: "CSV", resp: "CustomerImport"},
		{method: "POST", path: "/v1/customers/rescreen", h: s.rescreenCustomers, action: warden.ActCustomersAdd, summary: "Screen every cleared customer again against the current lists now (the server also does it whenever the lists change)", resp: "Rescreen"},
		{method: "GET", path: "/v1/customers", h: s.customers, action: warden.ActCustomersRead, summary: "The customer register with each customer's status", resp: "Customers",
			params: []param{{"status", "string", "cleared, held, blocked or rejected"}, {"after", "string", "customers after this id (paging)"}, {"limit", "integer", "at most this many (1-1000)"}}},
		{method: "GET", path: "/v1/customers.csv", h: s.customersCSV, action: warden.ActCustomersRead, summary: "The whole customer register as CSV (every customer, streamed; one row each with its status, hits, programs and cases)", resp: "CSVFile",
			params: []param{{"status", "string", "cleared, held, blocked or rejected"}}},
		{method: "GET", path: "/v1/customers/{id...}", h: s.customer, action: warden.ActCustomersRead, summary: "One customer, its onboarding decision and status now", resp: "Customer"},
		{method: "GET", path: "/v1/policy", h: s.policy, action: warden.ActPolicyRead, summary: "The enforcement policy in force, its version and who proposed and approved it (docs/policy.md)", resp: "PolicyVersion"},
		{method: "GET", path: "/v1/policy/history", h: s.policyHistory, action: warden.ActPolicyRead, summary: "Every version of the policy, newest first", resp: "PolicyVersions"},
		{method: "POST", path: "/v1/policy/proposals", h: s.proposePolicy, action: warden.ActPolicyPropose, summary: "Propose a new policy (a sanctions officer other than the proposer approves it at /v1/approvals/{id}/approve)", body: "PolicyProposal", resp: "ApprovalPending", status: 202},
		{method: "POST", path: "/v1/releases", h: s.proposeRelease, action: warden.ActReleasesPropose, summary: "Propose releasing blocked property under a licence (a sanctions officer approves)", body: "Release", resp: "ApprovalPending", status: 202},

		{method: "POST", path: "/v1/designations", h: s.createDesignation, action: warden.ActDesignationsDraft, summary: "Draft a designation, or propose it with \"propose\": true (sanctions officers; a second sanctions officer approves)", body: "DesignationRequest", resp: "Designation", status: 201},
		{method: "GET", path: "/v1/designations", h: s.designations, action: warden.ActDesignationsRead, summary: "Designations, newest first", resp: "Designations",
			params: []param{{"status", "string", "draft, proposed, approved, published, rejected or delisted"}}},
		{method: "GET", path: "/v1/designations/{id}", h: s.designation, action: warden.ActDesignationsRead, summary: "One designation with its evidence", resp: "Designation"},
		{method: "POST", path: "/v1/designations/{id}/evidence", h: s.addEvidence, action: warden.ActDesignationsDraft, summary: "Attach a file (multipart/form-data, part file): PDF, PNG, JPEG, text, JSON or STIX JSON by content, at most 10 MiB", body: "Multipart", resp: "Evidence", status: 201},
		{method: "GET", path: "/v1/designations/{id}/evidence/{eid}", h: s.evidenceFile, action: warden.ActDesignationsRead, summary: "Download an evidence file as stored (its media type, as an attachment; ETag: its SHA-256)", resp: "File"},
		{method: "POST", path: "/v1/designations/{id}/propose", h: s.proposeDesignation, action: warden.ActDesignationsPropose, summary: "Propose a draft to a second sanctions officer", resp: "Designation"},
		{method: "POST", path: "/v1/designations/{id}/approve", h: s.decideDesignation(true), action: warden.ActDesignationsDecide, summary: "Approve another officer's proposal: published at once, or at its publish_at", body: "ReasonRequest", resp: "Designation"},
		{method: "POST", path: "/v1/designations/{id}/reject", h: s.decideDesignation(false), action: warden.ActDesignationsDecide, summary: "Reject another officer's proposal", body: "ReasonRequest", resp: "Designation"},
		{method: "POST", path: "/v1/designations/{id}/amend", h: s.amendDesignation, action: warden.ActDesignationsPropose, summary: "Propose new details for the listed party of a designation (the party in full)", body: "DesignationInput", resp: "Designation", status: 201},
		{method: "POST", path: "/v1/designations/{id}/delist", h: s.delistDesignation, action: warden.ActDesignationsPropose, summary: "Propose delisting the listed party of a designation (reason required; 400 if it is not listed)", body: "DelistRequest", resp: "Designation", status: 201},

		{method: "GET", path: "/v1/hotline/policies", h: s.hotlinePolicies, action: warden.ActHotlineRead, summary: "Escalation policies, by name", resp: "HotlinePolicies"},
		{method: "POST", path: "/v1/hotline/policies", h: s.createHotlinePolicy, action: warden.ActHotlineManage, summary: "Create an escalation policy: steps (delay, targets, min_severity), repeat, maintenance and suppression windows", body: "HotlinePolicy", resp: "HotlinePolicy", status: 201},
		{method: "GET", path: "/v1/hotline/policies/{id}", h: s.hotlinePolicy, action: warden.ActHotlineRead, summary: "One escalation policy", resp: "HotlinePolicy"},
		{method: "PUT", path: "/v1/hotline/policies/{id}", h: s.updateHotlinePolicy, action: warden.ActHotlineManage, summary: "Replace an escalation policy (open alerts follow the new steps from their next step)", body: "HotlinePolicy", resp: "HotlinePolicy"},
		{method: "GET", path: "/v1/hotline/rotations", h: s.hotlineRotations, action: warden.ActHotlineRead, summary: "On-call rotations, by name", resp: "HotlineRotations"},
		{method: "POST", path: "/v1/hotline/rotations", h: s.createHotlineRotation, action: warden.ActHotlineManage, summary: "Create a rotation: participants in order, first hand-off (start) in a time zone, shift length and unit", body: "HotlineRotation", resp: "HotlineRotation", status: 201},
		{method: "GET", path: "/v1/hotline/rotations/{id}", h: s.hotlineRotation, action: warden.ActHotlineRead, summary: "One rotation", resp: "HotlineRotation"},
		{method: "PUT", path: "/v1/hotline/rotations/{id}", h: s.updateHotlineRotation, action: warden.ActHotlineManage, summary: "Replace a rotation", body: "HotlineRotation", resp: "HotlineRotation"},
		{method: "POST", path: "/v1/hotline/rotations/{id}/overrides", h: s.addHotlineOverride, action: warden.ActHotlineManage, summary: "Put someone on call in place of the rotation's participant from start to end", body: "HotlineOverride", resp: "HotlineRotation", status: 201},
		{method: "GET", path: "/v1/hotline/oncall", h: s.hotlineOnCall, action: warden.ActHotlineRead, summary: "Who is on call in every rotation, and who is next", resp: "HotlineOnCall",
			params: []param{{"at", "string", "RFC 3339 time (default: now)"}}},
		{method: "GET", path: "/v1/hotline/endpoints", h: s.hotlineEndpoints, action: warden.ActHotlineRead, summary: "Endpoints: chat webhooks, shared mailboxes, counterparts' 24/7 contact points (never their secrets)", resp: "HotlineEndpoints"},
		{method: "POST", path: "/v1/hotline/endpoints", h: s.createHotlineEndpoint, action: warden.ActHotlineManage, summary: "Create an endpoint; a webhook's signing secret (given, or drawn) is in this response only", body: "HotlineEndpointRequest", resp: "HotlineEndpointCreated", status: 201},
		{method: "POST", path: "/v1/hotline/endpoints/{id}/rotate-secret", h: s.rotateHotlineSecret, action: warden.ActHotlineManage, summary: "Begin a secret rotation: webhooks are signed with the old and the next secret until finish-rotation", body: "HotlineRotateSecret", resp: "HotlineEndpoint"},
		{method: "POST", path: "/v1/hotline/endpoints/{id}/finish-rotation", h: s.finishHotlineRotation, action: warden.ActHotlineManage, summary: "End a secret rotation: the next secret becomes the only one", resp: "HotlineEndpoint"},
		{method: "GET", path: "/v1/hotline/triggers", h: s.hotlineTriggers, action: warden.ActHotlineRead, summary: "Triggers: domain events that raise alerts", resp: "HotlineTriggers"},
		{method: "POST", path: "/v1/hotline/triggers", h: s.createHotlineTrigger, action: warden.ActHotlineManage, summary: "Create a trigger on a domain event (payment.blocked with min_amount per currency, customer.hit, designation.published, list.changed, request.deadline_missed, request.deadline_approaching, request.refused, request.extension_asked)", body: "HotlineTrigger", resp: "HotlineTrigger", status: 201},
		{method: "POST", path: "/v1/hotline/triggers/{id}/enable", h: s.enableHotlineTrigger(true), action: warden.ActHotlineManage, summary: "Turn a trigger on", resp: "HotlineTrigger"},
		{method: "POST", path: "/v1/hotline/triggers/{id}/disable", h: s.enableHotlineTrigger(false), action: warden.ActHotlineManage, summary: "Turn a trigger off", resp: "HotlineTrigger"},
		{method: "GET", path: "/v1/hotline/alerts", h: s.hotlineAlerts, action: warden.ActHotlineRead, summary: "Alerts, newest first", resp: "HotlineAlerts",
			params: []param{{"status", "string", "triggered, acknowledged, resolved or suppressed"}, {"object", "string", "what the alerts are about, such as designation:7"}, {"limit", "integer", "at most this many (1-1000)"}}},
		{method: "POST", path: "/v1/hotline/alerts", h: s.raiseAlert, action: warden.ActHotlineRaise, summary: "Raise an alert (people and outside systems); idempotent by dedup_key: 201 with a new alert, 200 with the open alert of the same key", body: "HotlineRaise", resp: "HotlineAlert", status: 201},
		{method: "GET", path: "/v1/hotline/alerts/{id}", h: s.hotlineAlert, action: warden.ActHotlineRead, summary: "One alert with its notifications and its log", resp: "HotlineAlertDetail"},
		{method: "POST", path: "/v1/hotline/alerts/{id}/acknowledge", h: s.respondAlert(false), action: warden.ActHotlineRespond, summary: "Acknowledge an alert: its escalation stops (409 if acknowledged or resolved already)", body: "HotlineNote", resp: "HotlineAlert"},
		{method: "POST", path: "/v1/hotline/alerts/{id}/resolve", h: s.respondAlert(true), action: warden.ActHotlineRespond, summary: "Resolve an alert (409 if resolved already)", body: "HotlineNote", resp: "HotlineAlert"},
		{method: "POST", path: "/v1/hotline/alerts/{id}/escalate", h: s.escalateAlert, action: warden.ActHotlineRespond, summary: "Fire a step of the alert's policy now (counted from 0); an acknowledged alert is triggered again", body: "HotlineEscalate", resp: "HotlineAlert"},
		{method: "GET", path: "/v1/hotline/log", h: s.hotlineLog, action: warden.ActHotlineRead, summary: "The hotline log, oldest first: triggered, notified, delivered, failed, dead, acknowledged, resolved, escalated...", resp: "HotlineLog",
			params: []param{{"alert", "integer", "one alert's lines"}, {"after", "integer", "lines after this id (paging)"}, {"limit", "integer", "at most this many (1-1000)"}}},
		{method: "GET", path: "/v1/hotline/dead-letters", h: s.hotlineDeadLetters, action: warden.ActHotlineManage, summary: "Notifications that failed every attempt", resp: "HotlineNotifications"},
		{method: "POST", path: "/v1/hotline/dead-letters/{id}/replay", h: s.replayDeadLetter, action: warden.ActHotlineManage, summary: "Send a dead notification again, its attempts reset", resp: "HotlineNotification"},
		{method: "GET", path: "/v1/me/contact-methods", h: s.contactMethods, action: warden.ActContactManage, person: true, summary: "The caller's own contact methods, and the notifications one may subscribe to", resp: "ContactMethods"},
		{method: "POST", path: "/v1/me/contact-methods", h: s.addContactMethod, action: warden.ActContactManage, person: true, summary: "Add a contact method of the caller's; a 6-digit code is sent through it, used for nothing until verified", body: "ContactMethodRequest", resp: "ContactMethod", status: 201},
		{method: "POST", path: "/v1/me/contact-methods/{id}/verify", h: s.verifyContactMethod, action: warden.ActContactManage, person: true, summary: "Enter the code a contact method received (expires in 15 minutes; 5 wrong tries need a new code)", body: "ContactVerify", resp: "ContactMethod"},
		{method: "POST", path: "/v1/me/contact-methods/{id}/resend", h: s.resendContactCode, action: warden.ActContactManage, person: true, summary: "Send a new verification code to an unverified contact method", status: 204},
		{method: "PUT", path: "/v1/me/contact-methods/{id}", h: s.updateContactMethod, action: warden.ActContactManage, person: true, summary: "Set a contact method's delay and its subscribed notifications", body: "ContactUpdate", resp: "ContactMethod"},
		{method: "DELETE", path: "/v1/me/contact-methods/{id}", h: s.deleteContactMethod, action: warden.ActContactManage, person: true, summary: "Remove a contact method of the caller's", status: 204},

		// Cooperation: the requests, their clock, threads, reviews and
		// referrals; a counterpart sees only its organisation's (others
		// are 404).
		{method: "POST", path: "/v1/requests", h: s.createRequest, action: warden.ActRequestsWrite, summary: "Draft a request (outgoing to counterpart; a counterpart's own is incoming from its organisation), or send it at once with \"send\": true", body: "RequestCreate", resp: "Request", status: 201},
		{method: "GET", path: "/v1/requests", h: s.listRequests, action: warden.ActRequestsRead, summary: "Requests, newest first", resp: "Requests",
			params: []param{{"status", "string", "draft, sent, acknowledged, in_progress, answered, reviewed, closed, refused, withdrawn or lapsed"}, {"direction", "string", "outgoing (ours to a counterpart) or incoming (a counterpart's to us)"},
				{"counterpart", "string", "the counterpart organisation"}, {"priority", "string", "emergency, urgent or routine"}, {"overdue", "string", "true: only the open requests past a deadline"},
				{"q", "string", "words in the reference, facts, offence or sought"}, {"after", "integer", "requests with ids below this one (paging)"}, {"limit", "integer", "at most this many (1-1000, default 100)"}}},
		{method: "GET", path: "/v1/requests/{id}", h: s.getRequest, action: warden.ActRequestsRead, summary: "One request with its clock", resp: "Request"},
		{method: "PUT", path: "/v1/requests/{id}", h: s.updateRequest, action: warden.ActRequestsWrite, summary: "Replace the form of a draft (the requester)", body: "RequestInput", resp: "Request"},
		{method: "POST", path: "/v1/requests/{id}/send", h: s.sendRequest, action: warden.ActRequestsWrite, summary: "Send a draft (the requester): the clock starts, deadlines in the requested side's business time", resp: "Request"},
		{method: "POST", path: "/v1/requests/{id}/acknowledge", h: s.requestNoted((*cooperation.Service).Acknowledge), action: warden.ActRequestsWrite, summary: "Acknowledge a sent request (the requested side)", body: "RequestNote", resp: "Request"},
		{method: "POST", path: "/v1/requests/{id}/start", h: s.requestNoted((*cooperation.Service).Start), action: warden.ActRequestsWrite, summary: "Start work on a request: in progress (the requested side; acknowledges it too)", body: "RequestNote", resp: "Request"},
		{method: "POST", path: "/v1/requests/{id}/refuse", h: s.refuseRequest, action: warden.ActRequestsWrite, summary: "Refuse a request with a reason from the list (the requested side; text required for other)", body: "RefusalRequest", resp: "Request"},
		{method: "POST", path: "/v1/requests/{id}/withdraw", h: s.requestReasoned((*cooperation.Service).Withdraw), action: warden.ActRequestsWrite, summary: "Withdraw a request not answered in full (the requester)", body: "ReasonRequest", resp: "Request"},
		{method: "POST", path: "/v1/requests/{id}/lapse", h: s.requestReasoned((*cooperation.Service).Lapse), action: warden.ActRequestsWrite, summary: "Let a request past its answer deadline lapse (the requester)", body: "ReasonRequest", resp: "Request"},
		{method: "POST", path: "/v1/requests/{id}/close", h: s.requestNoted((*cooperation.Service).Close), action: warden.ActRequestsWrite, summary: "Close an answered or reviewed request (the requester)", body: "RequestNote", resp: "Request"},
		{method: "POST", path: "/v1/requests/{id}/answer", h: s.answerRequest, action: warden.ActRequestsWrite, summary: "Answer a request in part or in full (the requested side): JSON, or multipart/form-data with up to 20 parts named file (PDF, PNG, JPEG, text or JSON by content; 413 over the attachment limit, 10 MiB by default)", body: "AnswerRequest", resp: "AnswerResult", status: 201},
		{method: "GET", path: "/v1/requests/{id}/messages", h: s.requestMessages, action: warden.ActRequestsRead, summary: "The request's thread, oldest first, with its attachments", resp: "RequestMessages"},
		{method: "POST", path: "/v1/requests/{id}/messages", h: s.postRequestMessage, action: warden.ActRequestsWrite, summary: "Post a question, update or note to the thread (either side): JSON, or multipart/form-data with files as for an answer", body: "MessageRequest", resp: "RequestMessage", status: 201},
		{method: "GET", path: "/v1/requests/{id}/attachments/{aid}", h: s.requestAttachment, action: warden.ActRequestsRead, summary: "Download an attachment as stored (its media type, as an attachment; ETag: its SHA-256)", resp: "File"},
		{method: "GET", path: "/v1/requests/{id}/extensions", h: s.requestExtensions, action: warden.ActRequestsRead, summary: "Extensions asked on the request and their decisions", resp: "Extensions"},
		{method: "POST", path: "/v1/requests/{id}/extensions", h: s.askExtension, action: warden.ActRequestsWrite, summary: "Ask for more time to answer, until a time after the answer deadline (the requested side)", body: "ExtensionRequest", resp: "Extension", status: 201},
		{method: "POST", path: "/v1/requests/{id}/extensions/{eid}/grant", h: s.decideExtension(true), action: warden.ActRequestsWrite, summary: "Grant an extension: the answer deadline moves, the original is kept (the requester)", body: "ReasonRequest", resp: "Extension"},
		{method: "POST", path: "/v1/requests/{id}/extensions/{eid}/refuse", h: s.decideExtension(false), action: warden.ActRequestsWrite, summary: "Refuse an extension (the requester)", body: "ReasonRequest", resp: "Extension"},
		{method: "GET", path: "/v1/requests/{id}/reviews", h: s.requestReviews, action: warden.ActRequestsRead, summary: "The ratings of the request's answers and the responses to them", resp: "Reviews"},
		{method: "POST", path: "/v1/requests/{id}/reviews", h: s.reviewRequest, action: warden.ActRequestsReview, summary: "Rate an answer on the rubric (1-5 each) and say how it was used (the requester; one review per answer)", body: "ReviewRequest", resp: "Review", status: 201},
		{method: "POST", path: "/v1/requests/{id}/reviews/{rid}/response", h: s.respondReview, action: warden.ActRequestsReview, summary: "Respond to the rating of one's answer (the requested side)", body: "ReviewResponse", resp: "Review"},
		{method: "GET", path: "/v1/requests/{id}/referrals", h: s.requestReferrals, action: warden.ActRequestsRead, summary: "The request's referrals for sanctions", resp: "Referrals"},
		{method: "POST", path: "/v1/requests/{id}/referrals", h: s.referRequest, action: warden.ActRequestsRefer, summary: "Refer an outgoing request for sanctions, overdue past the threshold or answered below the quality threshold: opens a designation proposal per party, with the request, thread and timeline as evidence", body: "ReferralRequest", resp: "Referral", status: 201},
		{method: "GET", path: "/v1/requests/{id}/timeline", h: s.requestTimeline, action: warden.ActRequestsRead, summary: "The request's domain events, oldest first", resp: "Timeline"},
		{method: "GET", path: "/v1/requests/{id}/objects/{object...}", h: s.requestObject, action: warden.ActRequestsRead, summary: "An object the request links (kind:id, such as entity:ofac:26663); a counterpart sees only the links shared with it", resp: "Object"},
		{method: "GET", path: "/v1/cooperation/priorities", h: s.priorities, action: warden.ActRequestsRead, summary: "The priority table: each priority's acknowledgement and answer deadlines", resp: "PriorityTable"},
		{method: "PUT", path: "/v1/cooperation/priorities", h: s.setPriorities, action: warden.ActCooperationManage, summary: "Replace the priority table (requests sent from now on)", body: "PriorityTable", resp: "PriorityTable"},
		{method: "GET", path: "/v1/cooperation/thresholds", h: s.thresholds, action: warden.ActScorecardsRead, summary: "The referral thresholds", resp: "ReferralThresholds"},
		{method: "PUT", path: "/v1/cooperation/thresholds", h: s.setThresholds, action: warden.ActCooperationManage, summary: "Set the referral thresholds", body: "ReferralThresholds", resp: "ReferralThresholds"},
		{method: "GET", path: "/v1/organisations/{id}/calendar", h: s.orgCalendar, action: warden.ActRequestsRead, summary: "An organisation's business calendar, in which the requests it is asked are counted (empty: none set; a counterpart reads its own and home's)", resp: "OrgCalendar"},
		{method: "PUT", path: "/v1/organisations/{id}/calendar", h: s.setOrgCalendar, action: warden.ActCooperationManage, summary: "Set an organisation's business calendar: requests it is asked take it from then on, whatever their form says (all fields empty clears it)", body: "OrgCalendar", resp: "OrgCalendar"},
		{method: "GET", path: "/v1/organisations/{id}/closures", h: s.closures, action: warden.ActRequestsRead, summary: "An organisation's own closures, days its deadlines skip (a counterpart: its own; 404 for another)", resp: "Closures"},
		{method: "POST", path: "/v1/organisations/{id}/closures", h: s.addClosure, action: warden.ActClosuresManage, summary: "Add a day the organisation does not work: its deadlines skip it", body: "ClosureRequest", resp: "Closure", status: 201},
		{method: "DELETE", path: "/v1/organisations/{id}/closures/{date}", h: s.removeClosure, action: warden.ActClosuresManage, summary: "Remove a closure (date YYYY-MM-DD)", status: 204},
		{method: "GET", path: "/v1/dialogues", h: s.dialogues, action: warden.ActScorecardsRead, summary: "Meetings of the dialogue with a counterpart, newest first", resp: "Dialogues",
			params: []param{{"org", "string", "the counterpart organisation"}}},
		{method: "POST", path: "/v1/dialogues", h: s.addDialogue, action: warden.ActCooperationManage, summary: "Record a meeting of the dialogue: scorecards may run from it", body: "DialogueRequest", resp: "Dialogue", status: 201},
		{method: "GET", path: "/v1/scorecards", h: s.scorecard, action: warden.ActScorecardsRead, summary: "A counterpart's scorecard for the requests sent in a period: timeliness, quality, refusals, open and overdue requests, priority cases", resp: "Scorecard",
			params: []param{{"org", "string", "the counterpart organisation (required)"}, {"from", "string", "start, a date (YYYY-MM-DD, UTC) or RFC 3339 time; with to, instead of period"}, {"to", "string", "end, exclusive"},
				{"period", "string", "month, quarter (the calendar one containing at) or dialogue (since the last dialogue before at)"}, {"at", "string", "with period: a date or RFC 3339 time (default now)"},
				{"format", "string", "json (default), csv, html (the printable report) or svg (the chart)"}}},

		// The UI.
		{method: "GET", path: "/static/", h: s.static, public: true, ui: true},
		{method: "GET", path: "/docs/api", h: s.apiReference, public: true, ui: true},
		{method: "GET", path: "/login", h: s.loginPage, public: true, ui: true},
		{method: "POST", path: "/login", h: s.login, public: true, ui: true},
		{method: "POST", path: "/logout", h: s.logout, ui: true},
		{method: "GET", path: "/account", h: s.accountPage, ui: true},
		{method: "POST", path: "/account", h: s.accountForm, ui: true},
		{method: "GET", path: "/{$}", h: s.dashboard, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/lists/{name}", h: s.listPage, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/lists/{name}/versions/{version}", h: s.versionPage, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/parties", h: s.partiesPage, action: warden.ActListsRead, ui: true},
		{method: "GET", path: "/parties/{id...}", h: s.partyPage, action: warden.ActListsRead, ui: true},
		{method: "POST", path: "/parties-links", h: s.partyLinkForm, action: warden.ActLinksManage, ui: true},
		{method: "GET", path: "/screen", h: s.screenPage, action: warden.ActScreen, ui: true},
		{method: "POST", path: "/screen", h: s.screenForm, action: warden.ActScreen, ui: true},
		{method: "GET", path: "/screen.csv", h: s.screenCSV, action: warden.ActScreen, ui: true},
		{method: "GET", path: "/bulk", h: s.bulkPage, action: warden.ActScreen, ui: true},
		{method: "POST", path: "/bulk/screen", h: s.bulkScreenForm, action: warden.ActScreen, ui: true, upload: maxBulkScreenUpload},
		{method: "POST", path: "/bulk/customers", h: s.bulkCustomersForm, action: warden.ActCustomersAdd, ui: true, upload: maxBulkCustomerUpload},
		{method: "GET", path: "/bulk/{id}", h: s.bulkJobPage, action: warden.ActScreen, ui: true},
		{method: "GET", path: "/bulk/{id}/results.csv", h: s.bulkResult, action: warden.ActScreen, ui: true},
		{method: "POST", path: "/reports/{kind}/filings", h: s.fileReportForm, action: warden.ActReportsFile, ui: true},
		{method: "GET", path: "/screenings", h: s.screeningsPage, action: warden.ActScreeningsRead, ui: true},
		{method: "GET", path: "/screenings/{id}", h: s.screeningPage, action: warden.ActScreeningsRead, ui: true},
		{method: "GET", path: "/admin/users", h: s.usersPage, action: warden.ActUsersRead, ui: true},
		{method: "POST", path: "/admin/users", h: s.usersForm, action: warden.ActUsersManage, ui: true},
		{method: "POST", path: "/admin/approvals/{id}", h: s.approvalForm, action: warden.ActUsersManage, ui: true},
		{method: "GET", path: "/admin/tokens", h: s.tokensPage, action: warden.ActTokensRead, ui: true},
		{method: "POST", path: "/admin/tokens", h: s.tokensForm, action: warden.ActTokensManage, ui: true},
		{method: "GET", path: "/cases", h: s.casesPage, action: warden.ActCasesRead, ui: true},
		{method: "POST", path: "/cases/{id}", h: s.caseForm, action: warden.ActCasesDecide, ui: true},
		{method: "POST", path: "/cases/bulk", h: s.casesBulkForm, action: warden.ActCasesRead, ui: true}, // each op's permission in the service
		{method: "GET", path: "/cases/{id}", h: s.casePage, action: warden.ActCasesRead, ui: true},
		{method: "POST", path: "/cases/{id}/assign", h: s.caseAssignForm, action: warden.ActCasesAssign, ui: true},
		{method: "POST", path: "/cases/{id}/review", h: s.caseReviewForm, action: warden.ActCasesReview, ui: true},
		{method: "POST", path: "/cases/{id}/notes", h: s.caseNoteForm, action: warden.ActCasesNote, ui: true, upload: caseUpload},
		{method: "POST", path: "/cases/{id}/revoke", h: s.caseRevokeForm, action: warden.ActCasesReview, ui: true},
		{method: "GET", path: "/cases/{id}/attachments/{aid}", h: s.caseAttachmentPage, action: warden.ActCasesRead, ui: true},
		{method: "GET", path: "/good-guys", h: s.goodGuysPage, action: warden.ActCasesRead, ui: true},
		{method: "GET", path: "/policy", h: s.policyPage, action: warden.ActPolicyRead, ui: true},
		{method: "POST", path: "/policy", h: s.policyProposeForm, action: warden.ActPolicyPropose, ui: true},
		{method: "POST", path: "/policy/proposals/{id}", h: s.policyDecisionForm, action: warden.ActApprovalsDecide, ui: true},
		{method: "GET", path: "/licences", h: s.licencesPage, action: warden.ActLedgerRead, ui: true},
		{method: "POST", path: "/licences", h: s.licenceForm, action: warden.ActLicencesManage, ui: true},
		{method: "POST", path: "/releases", h: s.releaseForm, action: warden.ActReleasesPropose, ui: true},
		{method: "POST", path: "/releases/{id}", h: s.releaseDecisionForm, action: warden.ActApprovalsDecide, ui: true},
		{method: "GET", path: "/ownership", h: s.ownershipPage, action: warden.ActLedgerRead, ui: true},
		{method: "POST", path: "/ownership", h: s.ownershipForm, action: warden.ActOwnershipManage, ui: true},
		{method: "GET", path: "/customers", h: s.customersPage, action: warden.ActCustomersRead, ui: true},
		{method: "GET", path: "/ledger", h: s.ledgerPage, action: warden.ActLedgerRead, ui: true},
		{method: "GET", path: "/audit", h: s.auditPage, action: warden.ActAuditRead, ui: true},
		{method: "GET", path: "/hotline/alerts", h: s.alertsPage, action: warden.ActHotlineRead, ui: true},
		{method: "GET", path: "/hotline/raise", h: s.raisePage, action: warden.ActHotlineRaise, ui: true},
		{method: "POST", path: "/hotline/alerts", h: s.raiseForm, action: warden.ActHotlineRaise, ui: true},
		{method: "GET", path: "/hotline/alerts/{id}", h: s.alertPage, action: warden.ActHotlineRead, ui: true},
		{method: "POST", path: "/hotline/alerts/{id}", h: s.alertForm, action: warden.ActHotlineRespond, ui: true},
		{method: "GET", path: "/hotline/policies", h: s.policiesPage, action: warden.ActHotlineRead, ui: true},
		{method: "POST", path: "/hotline/policies", h: s.policyCreateForm, action: warden.ActHotlineManage, ui: true},
		{method: "GET", path: "/hotline/oncall", h: s.onCallPage, action: warden.ActHotlineRead, ui: true},
		{method: "POST", path: "/hotline/rotations", h: s.rotationCreateForm, action: warden.ActHotlineManage, ui: true},
		{method: "POST", path: "/hotline/rotations/{id}/overrides", h: s.overrideForm, action: warden.ActHotlineManage, ui: true},
		{method: "GET", path: "/hotline/log", h: s.logPage, action: warden.ActHotlineRead, ui: true},
		{method: "GET", path: "/hotline/dead-letters", h: s.deadLettersPage, action: warden.ActHotlineManage, ui: true},
		{method: "POST", path: "/hotline/dead-letters/{id}", h: s.replayForm, action: warden.ActHotlineManage, ui: true},
		{method: "GET", path: "/hotline/contact", h: s.contactPage, action: warden.ActContactManage, person: true, ui: true},
		{method: "POST", path: "/hotline/contact", h: s.contactMethodForm, action: warden.ActContactManage, person: true, ui: true},
		// A signed link's token is its credential: single use, expiring;
		// the POST needs no CSRF token since a forger cannot know it.
		{method: "GET", path: "/hotline/link/{token}", h: s.linkPage, public: true, ui: true},
		{method: "POST", path: "/hotline/link/{token}", h: s.useLink, public: true, ui: true},
		{method: "GET", path: "/designations", h: s.designationsPage, action: warden.ActDesignationsRead, ui: true},
		{method: "GET", path: "/designations/new", h: s.designationNewPage, action: warden.ActDesignationsDraft, ui: true},
		{method: "POST", path: "/designations/new", h: s.designationNewForm, action: warden.ActDesignationsDraft, ui: true, upload: evidenceUpload},
		{method: "GET", path: "/designations/{id}", h: s.designationPage, action: warden.ActDesignationsRead, ui: true},
		{method: "POST", path: "/designations/{id}/decide", h: s.designationDecideForm, action: warden.ActDesignationsDecide, ui: true},
		{method: "POST", path: "/designations/{id}/amend", h: s.designationAmendForm, action: warden.ActDesignationsPropose, ui: true},
		{method: "POST", path: "/designations/{id}/delist", h: s.designationDelistForm, action: warden.ActDesignationsPropose, ui: true},
		// Cooperation: the authority's requests and scorecards, and the
		// counterpart's portal (each not found for the other side).
		{method: "GET", path: "/requests", h: s.requestsPage, action: warden.ActRequestsRead, ui: true},
		{method: "GET", path: "/requests/new", h: s.requestNewPage, action: warden.ActRequestsWrite, ui: true},
		{method: "POST", path: "/requests/new", h: s.requestNewForm, action: warden.ActRequestsWrite, ui: true},
		{method: "GET", path: "/requests/{id}", h: s.requestPage, action: warden.ActRequestsRead, ui: true},
		{method: "POST", path: "/requests/{id}", h: s.requestActionForm, action: warden.ActRequestsWrite, ui: true, upload: attachmentsUpload},
		{method: "GET", path: "/requests/{id}/edit", h: s.requestEditPage, action: warden.ActRequestsWrite, ui: true},
		{method: "POST", path: "/requests/{id}/edit", h: s.requestEditForm, action: warden.ActRequestsWrite, ui: true},
		{method: "POST", path: "/requests/{id}/review", h: s.requestReviewForm, action: warden.ActRequestsReview, ui: true},
		{method: "POST", path: "/requests/{id}/refer", h: s.requestReferForm, action: warden.ActRequestsRefer, ui: true},
		{method: "GET", path: "/requests/{id}/attachments/{attachment}", h: s.requestAttachmentPage, action: warden.ActRequestsRead, ui: true},
		{method: "GET", path: "/scorecards", h: s.scorecardsPage, action: warden.ActRequestsRead, ui: true}, // scorecards.read in the handler, after counterpartOnly
		{method: "GET", path: "/portal", h: s.portalHome, action: warden.ActRequestsRead, ui: true},
		{method: "GET", path: "/portal/requests/new", h: s.portalNewPage, action: warden.ActRequestsWrite, ui: true},
		{method: "POST", path: "/portal/requests/new", h: s.portalNewForm, action: warden.ActRequestsWrite, ui: true},
		{method: "GET", path: "/portal/requests/{id}", h: s.portalRequestPage, action: warden.ActRequestsRead, ui: true},
		{method: "POST", path: "/portal/requests/{id}", h: s.portalActionForm, action: warden.ActRequestsWrite, ui: true, upload: attachmentsUpload},
		{method: "POST", path: "/portal/requests/{id}/review", h: s.portalReviewForm, action: warden.ActRequestsReview, ui: true},
		{method: "GET", path: "/portal/requests/{id}/attachments/{attachment}", h: s.portalAttachment, action: warden.ActRequestsRead, ui: true},
	}
	rs = append(rs, s.intelRoutes()...)
	rs = append(rs, s.intelPageRoutes()...)
	return append(rs, s.taxiiRoutes()...)
}
