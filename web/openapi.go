package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"warden"
)

// pathParam is a route pattern's wildcard, {name} or {name...} (the rest
// of the path, for ids that may hold a slash).
var pathParam = regexp.MustCompile(`\{([a-z]+)(?:\.\.\.)?\}`)

// openAPIDoc builds the OpenAPI 3.1 document from the route table, so it
// cannot fall out of step with the code; TestOpenAPICoversRoutes checks
// every API route is in it with its schemas.
func (s *Server) openAPIDoc() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes() {
		if rt.ui {
			continue
		}
		op := map[string]any{"summary": rt.summary, "operationId": operationID(rt)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, p := range rt.params {
			params = append(params, map[string]any{"name": p.name, "in": "query", "description": p.desc, "schema": map[string]any{"type": p.typ}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.body == "Bundle" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(rt.body)}, "application/stix+json": map[string]any{"schema": ref(rt.body)}, "multipart/form-data": map[string]any{"schema": ref("Multipart")}}}
		} else if strings.HasPrefix(rt.body, "TAXII") {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/taxii+json;version=2.1": map[string]any{"schema": ref(rt.body)}}}
		} else if form := multipartToo[rt.body]; form != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(rt.body)}, "multipart/form-data": map[string]any{"schema": ref(form)}}}
		} else if rt.body == "Multipart" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": ref(rt.body)}}}
		} else if rt.body == "CSV" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"text/csv": map[string]any{"schema": map[string]any{"type": "string"}}}}
		} else if rt.body != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(rt.body)}}}
		}
		status := rt.status
		if status == 0 {
			status = http.StatusOK
		}
		responses := map[string]any{}
		ok := map[string]any{"description": http.StatusText(status)}
		switch rt.resp {
		case "":
		case "Text":
			ok["content"] = map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}
		case "CSVFile":
			ok["content"] = map[string]any{"text/csv": map[string]any{"schema": map[string]any{"type": "string"}}}
		case "File":
			ok["content"] = map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		case "Notice":
			ok["content"] = map[string]any{"text/html": map[string]any{"schema": map[string]any{"type": "string"}}, "text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}
		case "Scorecard":
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.resp)}, "text/csv": map[string]any{"schema": str}, "text/html": map[string]any{"schema": str}, "image/svg+xml": map[string]any{"schema": str}}
		case "Bundle":
			ok["content"] = map[string]any{"application/stix+json;version=2.1": map[string]any{"schema": ref(rt.resp)}}
		case "TAXIIDiscovery", "TAXIIApiRoot", "TAXIICollections", "TAXIICollection", "TAXIIEnvelope", "TAXIIManifest", "TAXIIVersions", "TAXIIStatus":
			ok["content"] = map[string]any{"application/taxii+json;version=2.1": map[string]any{"schema": ref(rt.resp)}}
		case "JSONLines":
			ok["content"] = map[string]any{"application/jsonl": map[string]any{"schema": ref("AuditEvent")}}
		default:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.resp)}}
		}
		responses[strconv.Itoa(status)] = ok
		switch {
		case rt.method == "POST" && rt.path == "/v1/users":
			responses["202"] = map[string]any{"description": "Accepted: an admin or sanctions officer needs a second admin's approval", "content": map[string]any{"application/json": map[string]any{"schema": ref("ApprovalPending")}}}
		case rt.method == "POST" && rt.path == "/v1/tokens":
			responses["202"] = map[string]any{"description": "Accepted: an admin or sanctions-officer token needs a second admin's approval; the secret works once approved", "content": map[string]any{"application/json": map[string]any{"schema": ref("TokenCreated")}}}
		}
		responses["default"] = map[string]any{"description": "An error", "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
		op["responses"] = responses
		if rt.public {
			op["security"] = []any{}
		} else {
			desc := "Any authenticated caller."
			if rt.action != "" {
				desc = "Needs permission " + string(rt.action) + " (see docs/security.md)."
			}
			op["description"] = desc
		}
		path := pathParam.ReplaceAllString(rt.path, "{$1}")
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Warden API", "version": "1",
			"description": "Cyber-sanctions lists, screening and the platform. Errors are RFC 9457 problem+json with a stable code: invalid, not_found, conflict, unauthorized, forbidden, rate_limited, too_large (a body over its size limit: 413), unavailable (not configured here, such as public exports without a signing key: 503), internal. Request bodies must be valid UTF-8. Batch routes count each query against the rate limit. Every endpoint but the probes, this document, the login page and the public exports of public lists (/public/..., /.well-known/warden-signing-key) needs a bearer token (Authorization: Bearer wdn_...) or a session cookie with its CSRF token."},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "An API token from warden token create or POST /v1/tokens"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "A web UI session; unsafe methods also need the X-CSRF-Token header"},
			},
			"schemas": schemas(),
		},
	}
}

// multipartToo names the multipart/form-data schema of the JSON bodies
// that may also come as a form with files.
var multipartToo = map[string]string{"AnswerRequest": "AnswerMultipart", "MessageRequest": "MessageMultipart"}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.FieldsFunc(rt.path, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

var (
	openAPIOnce sync.Once
	openAPIJSON []byte
)

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	openAPIOnce.Do(func() { openAPIJSON = []byte(jsonString(s.openAPIDoc())) })
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIJSON)
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if required != nil {
		o["required"] = required
	}
	return o
}

var (
	str         = map[string]any{"type": "string"}
	num         = map[string]any{"type": "number"}
	integ       = map[string]any{"type": "integer"}
	boolean     = map[string]any{"type": "boolean"}
	strs        = map[string]any{"type": "array", "items": str}
	stamp       = map[string]any{"type": "string", "format": "date-time"}
	dur         = map[string]any{"type": "string", "description": "a duration such as 30s, 15m or 1h30m (a number is seconds)"}
	readOnlyInt = map[string]any{"type": "integer", "readOnly": true}
	severityS   = map[string]any{"type": "string", "enum": []string{"critical", "high", "low"}}
	channelS    = map[string]any{"type": "string", "enum": []string{"email", "webhook"}}
	formatS     = map[string]any{"type": "string", "enum": []string{"generic", "slack", "teams"}, "description": "a webhook's body shape"}
	roleS       = map[string]any{"type": "string", "enum": []string{"admin", "sanctions-officer", "analyst", "screener", "liaison", "counterpart", "auditor"}}
	filesS      = map[string]any{"type": "array", "items": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}, "maxItems": 20, "description": "PDF, PNG, JPEG, text or JSON by content"}
	scoreS      = map[string]any{"type": "integer", "minimum": 1, "maximum": 5}
	useS        = map[string]any{"type": "string", "enum": warden.Uses, "description": "how the answer was used"}
	groundS     = map[string]any{"type": "string", "enum": []warden.ReferralGround{warden.ReferralOverdue, warden.ReferralQuality}}
	countsS     = map[string]any{"type": "object", "additionalProperties": integ}
	tlpS        = map[string]any{"type": "string", "enum": warden.TLPs, "description": "TLP 2.0 marking: who may see it (docs/intelligence.md)"}
)

func arrayOf(name string) map[string]any { return map[string]any{"type": "array", "items": ref(name)} }

// schemas are the OpenAPI components, built on first use: the hundreds of maps
// they are made of cost every command of the binary a millisecond at start-up.
var schemas = sync.OnceValue(func() map[string]any {
	return map[string]any{
		"Status":    obj(map[string]any{"status": str}),
		"Object":    map[string]any{"type": "object"},
		"CSVFile":   map[string]any{"type": "string", "description": "CSV with a header row; an export cut short ends with a row #error saying why"},
		"File":      map[string]any{"type": "string", "format": "binary", "description": "an exported file, a manifest or its signature, as stored"},
		"Notice":    map[string]any{"type": "string", "description": "a version notice: an HTML page, or plain text"},
		"Problem":   obj(map[string]any{"type": str, "title": str, "status": integ, "detail": str, "code": map[string]any{"type": "string", "enum": []string{"invalid", "not_found", "conflict", "unauthorized", "forbidden", "rate_limited", "too_large", "unavailable", "internal"}}, "request_id": str}, "status", "code"),
		"Principal": obj(map[string]any{"name": str, "role": roleS, "org": str, "kind": str, "person": map[string]any{"type": "string", "description": "the person behind the caller: a token's owner"}, "permissions": strs}),
		"List": obj(map[string]any{"name": str, "current_version": integ, "entities": integ, "created_at": stamp,
			"list_date":         map[string]any{"type": "string", "description": "the list's own date (YYYY-MM-DD): the newest its publisher stated (or --list-date gave) for the current version or a later check of it, else for list_date_version"},
			"list_date_version": integ, "last_changed": stamp,
			"last_checked": map[string]any{"type": "string", "format": "date-time", "description": "when an import last read the list's files: the current version's, or a later one that found them unchanged (a check)"}}),
		"Lists":    obj(map[string]any{"lists": arrayOf("List")}),
		"Version":  obj(map[string]any{"list": str, "version": integ, "format": str, "published": str, "imported_at": stamp, "entities": integ, "added": integ, "modified": integ, "removed": integ, "warnings": integ}),
		"Versions": obj(map[string]any{"versions": arrayOf("Version")}),
		"Check":    obj(map[string]any{"list": str, "version": integ, "format": str, "published": str, "checked_at": stamp, "warnings": integ, "actor": str}),
		"Checks":   obj(map[string]any{"checks": arrayOf("Check")}),
		"Entity":   map[string]any{"type": "object", "description": "A listed party: names in every script, identifiers, wallets, programs, addresses, links, provenance."},
		"ScreenRequest": obj(map[string]any{"name": str, "names": strs, "schema": map[string]any{"type": "string", "enum": []string{"", "Person", "Organization", "Company", "LegalEntity", "Vessel", "Aircraft", "CryptoWallet"}},
			"birth_date": str, "birth_dates": strs, "country": str, "countries": strs, "gender": str, "wallet": str, "wallets": strs, "id": str, "ids": strs,
			"list": str, "lists": strs, "limit": integ, "threshold": num, "weights": map[string]any{"type": "object"}}),
		"Hit": obj(map[string]any{"entity_id": str, "list": str, "source_id": str, "schema": str, "name": str,
			"programs": map[string]any{"type": "array", "items": str, "description": "the programs of every listing of the party"}, "score": num, "match": boolean, "explanation": map[string]any{"type": "object"},
			"listings": map[string]any{"type": "array", "items": ref("Listing"), "description": "the party's other listings (the same party on other lists), best score first"}}),
		"Listing":        obj(map[string]any{"entity_id": str, "list": str, "source_id": str, "schema": str, "name": str, "programs": strs, "related": boolean, "score": num, "rule": str}),
		"ListingLink":    obj(map[string]any{"a": str, "b": str, "rule": map[string]any{"type": "string", "enum": []string{"ofac_id", "identifier", "wallet", "name_birth"}}, "detail": str}),
		"LinkDecision":   obj(map[string]any{"a": str, "b": str, "linked": boolean, "reason": str, "decided_by": str, "decided_at": stamp}),
		"LinkRequest":    obj(map[string]any{"a": map[string]any{"type": "string", "description": "a listed party id (list:source_id)"}, "b": map[string]any{"type": "string", "description": "another listed party id"}, "reason": map[string]any{"type": "string", "description": "why; required to unlink"}}, "a", "b"),
		"PartyLinks":     obj(map[string]any{"links": arrayOf("ListingLink"), "decisions": arrayOf("LinkDecision"), "group": strs}),
		"ScreenResponse": obj(map[string]any{"query": map[string]any{"type": "object"}, "hits": arrayOf("Hit"), "screening_id": integ}),
		"BatchRequest":   obj(map[string]any{"queries": arrayOf("ScreenRequest"), "limit": integ, "threshold": num, "weights": map[string]any{"type": "object"}}, "queries"),
		"BatchResponse":  obj(map[string]any{"responses": arrayOf("ScreenResponse"), "screening_id": integ}),
		"YenteRequest":   obj(map[string]any{"queries": map[string]any{"type": "object", "additionalProperties": obj(map[string]any{"schema": str, "properties": map[string]any{"type": "object", "additionalProperties": strs}})}}, "queries"),
		"YenteResponse":  obj(map[string]any{"responses": map[string]any{"type": "object"}, "limit": integ, "screening_id": integ}),
		"ScreenedList":   obj(map[string]any{"list": str, "version": integ, "date": str, "date_version": integ, "imported": stamp, "checked": stamp}),
		"ScreeningItem": obj(map[string]any{"pos": str, "query": map[string]any{"type": "object", "description": "names, schema, birth_dates, countries, gender, wallets, ids, lists"},
			"hits": integ, "best_score": num, "match": boolean, "best_id": str, "best_name": str}),
		"ScreeningHit": obj(map[string]any{"item": integ, "entity_id": str, "name": str, "schema": str, "programs": strs, "score": num, "match": boolean, "explanation": str}),
		"Screening": obj(map[string]any{"id": integ, "time": stamp, "actor": str, "actor_kind": str, "role": roleS, "channel": str, "threshold": num, "limit": integ,
			"lists": arrayOf("ScreenedList"), "queries": integ, "items": arrayOf("ScreeningItem"), "hits": integ, "matches": integ, "best_score": num,
			"top": arrayOf("ScreeningHit"), "digest": str}),
		"ReportFilingRequest": obj(map[string]any{"subject": str, "reference": str, "note": str}, "subject", "reference"),
		"ReportFiling":        obj(map[string]any{"kind": str, "subject": str, "reference": str, "note": str, "filed_by": str, "filed_at": stamp}),
		"Screenings":          obj(map[string]any{"screenings": arrayOf("Screening"), "next_before": integ}),
		"Token":               obj(map[string]any{"name": str, "role": roleS, "org": str, "created_at": stamp, "created_by": str, "owner": str, "expires_at": stamp, "revoked_at": stamp}),
		"Tokens":              obj(map[string]any{"tokens": arrayOf("Token")}),
		"TokenRequest":        obj(map[string]any{"name": str, "role": roleS, "org": str, "expires": map[string]any{"type": "string", "description": "720h, 2027-01-31 or an RFC 3339 time"}}, "name", "role"),
		"TokenCreated":        obj(map[string]any{"name": str, "role": roleS, "org": str, "expires_at": stamp, "token": map[string]any{"type": "string", "description": "the secret, shown only here"}, "approval": ref("Approval")}),
		"User":                obj(map[string]any{"name": str, "role": roleS, "org": str, "created_at": stamp, "created_by": str, "disabled_at": stamp, "failed_logins": integ, "locked_until": stamp}),
		"Users":               obj(map[string]any{"users": arrayOf("User")}),
		"UserRequest":         obj(map[string]any{"name": str, "role": roleS, "org": str, "password": map[string]any{"type": "string", "minLength": 12, "maxLength": 256}, "reason": str}, "name", "role", "password"),
		"PasswordRequest":     obj(map[string]any{"current_password": map[string]any{"type": "string", "description": "needed to change one's own password"}, "password": map[string]any{"type": "string", "minLength": 12, "maxLength": 256}}, "password"),
		"Organisation":        obj(map[string]any{"id": str, "name": str, "kind": map[string]any{"type": "string", "enum": []string{"home", "counterpart"}}, "created_at": stamp}),
		"Organisations":       obj(map[string]any{"organisations": arrayOf("Organisation")}),
		"OrganisationRequest": obj(map[string]any{"id": str, "name": str, "kind": map[string]any{"type": "string", "enum": []string{"counterpart"}}}, "id", "name", "kind"),
		"Approval":            obj(map[string]any{"id": integ, "action": str, "object": str, "payload": map[string]any{"type": "object"}, "role": roleS, "status": map[string]any{"type": "string", "enum": []string{"pending", "approved", "rejected"}}, "proposed_by": str, "proposed_by_person": str, "proposed_at": stamp, "reason": str, "decided_by": str, "decided_at": stamp, "decision_reason": str}),
		"Approvals":           obj(map[string]any{"approvals": arrayOf("Approval")}),
		"ApprovalPending":     obj(map[string]any{"approval": ref("Approval")}),
		"ReasonRequest":       obj(map[string]any{"reason": str}),
		"AuditEvent":          obj(map[string]any{"seq": integ, "time": stamp, "actor": str, "actor_kind": str, "role": roleS, "org": str, "action": str, "object": str, "reason": str, "request_id": str, "detail": map[string]any{"type": "object"}, "prev": str, "hash": str}),
		"Money":               obj(map[string]any{"currency": map[string]any{"type": "string", "description": "ISO 4217"}, "minor": map[string]any{"type": "integer", "maximum": 1_000_000_000_000_000, "description": "minor units (cents); never a float; at most 10^15 (warden.MaxMinor)"}}, "currency", "minor"),
		"TxParty": obj(map[string]any{"role": map[string]any{"type": "string", "enum": []string{"originator", "beneficiary", "intermediary", "ordering_institution", "beneficiary_institution"}}, "schema": map[string]any{"type": "string", "enum": []string{"Person", "Organization"}}, "name": str, "country": str, "birth_date": str, "address": str, "account": str, "wallet": str, "identifiers": strs,
			"ip": str, "domain": str, "email": str}, "role"),
		"Transaction": obj(map[string]any{"reference": map[string]any{"type": "string", "description": "the client's idempotency key"}, "amount": ref("Money"), "parties": arrayOf("TxParty")}, "reference", "amount", "parties"),
		"TxDecision":  obj(map[string]any{"reference": str, "decision": map[string]any{"type": "string", "enum": []string{"cleared", "held", "blocked", "rejected"}}, "status": str, "hits": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "case": map[string]any{"type": []string{"integer", "null"}, "description": "the first case opened (a held payment), null if none"}, "cases": map[string]any{"type": "array", "items": integ}, "amount": ref("Money"), "decided_at": stamp, "status_at": stamp}),
		"Case": obj(map[string]any{"id": integ, "reference": str, "party": integ, "counterparty": str, "name": str, "holder": str, "entity_id": str, "score": num,
			"status": map[string]any{"type": "string", "enum": warden.CaseStatuses}, "outcome": str, "reason": str, "decided_by": str, "decided_at": stamp, "created_at": stamp, "review_flag": str,
			"source": map[string]any{"type": "string", "enum": []string{warden.CaseSourcePayment, warden.CaseSourceCustomer}}, "list": str, "programs": strs, "listed_name": str,
			"assignee": str, "assigned_at": stamp, "cleared_by": map[string]any{"type": "string", "description": "the first analyst of a clearing pending (or given) a second review"},
			"clear_reason": str, "cleared_at": stamp, "due": map[string]any{"type": "string", "format": "date-time", "description": "the deadline, in business days by policy"}, "overdue": boolean}),
		"CaseList": obj(map[string]any{"cases": arrayOf("Case"), "total": map[string]any{"type": "integer", "description": "how many cases the filter selects in all"}}),
		"CaseFile": obj(map[string]any{"case": map[string]any{"type": "object", "description": "the Case's fields, inline"}, "screened": ref("TxParty"), "hit": map[string]any{"type": "object", "description": "the hit with its word-by-word explanation"},
			"amount": ref("Money"), "notes": arrayOf("CaseNote"), "attachments": arrayOf("CaseAttachment"), "history": arrayOf("CaseEvent"), "needs_second_review": boolean}),
		"CaseNote":        obj(map[string]any{"id": integ, "case": integ, "text": str, "added_by": str, "added_at": stamp}),
		"CaseAttachment":  obj(map[string]any{"id": integ, "case": integ, "name": str, "media_type": str, "size": integ, "sha256": str, "added_by": str, "added_at": stamp}),
		"CaseEvent":       obj(map[string]any{"seq": integ, "case": integ, "at": stamp, "actor": str, "action": str, "detail": str}),
		"NoteRequest":     obj(map[string]any{"text": map[string]any{"type": "string", "maxLength": 4000}}, "text"),
		"AssignRequest":   obj(map[string]any{"assignee": map[string]any{"type": "string", "description": "a person who may decide or review cases; empty for nobody"}}, "assignee"),
		"CaseBulkRequest": obj(map[string]any{"op": map[string]any{"type": "string", "enum": []string{"claim", "clear", "confirm", "approve", "assign"}}, "cases": map[string]any{"type": "array", "items": integ, "maxItems": 500}, "assignee": str, "reason": str}, "op", "cases"),
		"CaseBulkResults": obj(map[string]any{"results": map[string]any{"type": "array", "items": obj(map[string]any{"case": integ, "status": str, "error": map[string]any{"type": "string", "description": "why it was not done to this case"}})}}),
		"GoodGuy":         obj(map[string]any{"counterparty": str, "entity_id": str, "case": integ, "name": str, "listed_name": str, "cleared_by": str, "reason": str, "expires": stamp}),
		"GoodGuys":        obj(map[string]any{"false_positives": arrayOf("GoodGuy"), "total": integ}),
		"LedgerEntry":     obj(map[string]any{"seq": integ, "kind": map[string]any{"type": "string", "enum": []string{"block", "release"}}, "holder": str, "entity_id": str, "program": str, "amount": ref("Money"), "reference": str, "hit": str, "licence": str, "time": stamp, "actor": str}),
		"Ledger":          obj(map[string]any{"entries": arrayOf("LedgerEntry"), "balances": map[string]any{"type": "array", "items": obj(map[string]any{"holder": str, "entity_id": str, "amount": ref("Money")})}}),
		"Customer": obj(map[string]any{"id": map[string]any{"type": "string", "description": "the institution's customer number"}, "schema": map[string]any{"type": "string", "enum": []string{"Person", "Organization"}},
			"name": str, "country": str, "birth_date": str, "address": str, "account": str, "wallet": str, "identifiers": strs, "ip": str, "domain": str, "email": str,
			"decision": map[string]any{"type": "string", "enum": []string{"cleared", "held", "blocked", "rejected"}, "readOnly": true}, "status": map[string]any{"type": "string", "readOnly": true},
			"hits": map[string]any{"type": "array", "items": map[string]any{"type": "object"}, "readOnly": true}, "cases": map[string]any{"type": "array", "items": integ, "readOnly": true},
			"onboarded_at": stamp, "onboarded_by": str, "rescreened_at": stamp}, "id"),
		"Rescreen":  obj(map[string]any{"versions": map[string]any{"type": "object", "description": "list name to the version screened against", "additionalProperties": integ}, "customers": integ, "changed": integ, "decisions": map[string]any{"type": "object", "additionalProperties": integ}}),
		"Customers": obj(map[string]any{"customers": arrayOf("Customer")}),
		"CustomerImport": obj(map[string]any{"summary": obj(map[string]any{"rows": integ, "errors": integ, "existed": integ, "decisions": map[string]any{"type": "object", "additionalProperties": integ}}),
			"rows": map[string]any{"type": "array", "items": obj(map[string]any{"line": integ, "id": str, "decision": str, "hits": integ, "cases": map[string]any{"type": "array", "items": integ}, "existed": map[string]any{"type": "boolean"}, "error": str})}}),
		"Report": obj(map[string]any{"kind": str, "title": str, "as_of": stamp, "notes": strs, "columns": strs, "headers": map[string]any{"type": "array", "items": str, "description": "the columns in words"},
			"subject": str, "filing": ref("ReportFiling"),
			"rows": map[string]any{"type": "array", "items": strs, "description": "one array of cells per row, in the order of columns"}}),
		"Licences": obj(map[string]any{"licences": arrayOf("Licence")}),
		"Licence":  obj(map[string]any{"number": str, "issuer": str, "kind": map[string]any{"type": "string", "enum": []string{"general", "specific"}}, "programs": strs, "entities": strs, "expires": stamp, "created": stamp}, "number", "issuer", "kind"),
		"Release":  obj(map[string]any{"holder": str, "entity_id": str, "amount": ref("Money"), "licence": str, "reason": str}, "holder", "entity_id", "amount", "licence", "reason"),
		"Policy": obj(map[string]any{"match": num, "review": num, "default": ref("PolicyAction"), "programs": map[string]any{"type": "object", "additionalProperties": ref("PolicyAction")},
			"lists": map[string]any{"type": "object", "description": "list name to what its programs (and the CSL's component lists) do", "additionalProperties": obj(map[string]any{"note": str, "default": ref("PolicyAction"),
				"programs": map[string]any{"type": "object", "additionalProperties": ref("PolicyAction")}}, "default")},
			"false_positive_days": integ, "case_deadline_days": integ, "holidays": strs}),
		"PolicyAction":   map[string]any{"type": "string", "enum": []string{"block", "reject", "hold", "flag"}},
		"PolicyVersion":  obj(map[string]any{"version": integ, "policy": ref("Policy"), "source": str, "reason": str, "proposed_by": str, "approved_by": str, "at": stamp}),
		"PolicyVersions": obj(map[string]any{"versions": arrayOf("PolicyVersion")}),
		"PolicyProposal": obj(map[string]any{"policy": ref("Policy"), "reason": str}, "policy", "reason"),
		"StakeRequest":   obj(map[string]any{"owner": map[string]any{"type": "string", "description": "a listed party id (ofac:123) or a company name"}, "owned": map[string]any{"type": "string", "description": "the company owned"}, "percent": map[string]any{"type": "number", "description": "percent held, 0 to 100 with at most two decimals (hundredths of a percent, added exactly); a string holding the number is read too"}}, "owner", "owned", "percent"),
		"Stake":          obj(map[string]any{"owner": str, "owned": str, "owned_name": str, "percent": num, "recorded_by": str, "recorded_at": stamp}),
		"Stakes":         obj(map[string]any{"ownership": arrayOf("Stake")}),
		"AuditEvents":    obj(map[string]any{"events": arrayOf("AuditEvent")}),

		"DesignationInput": obj(map[string]any{"party": ref("Entity"), "source": map[string]any{"type": "string", "description": "a party on another list (list:source_id) or a threat actor (actor:ID)"},
			"program":     map[string]any{"type": "string", "description": "one of the configured programs (default CYBER, CYBER2, CYBER3)"},
			"legal_basis": obj(map[string]any{"order": str, "criterion": str}, "order", "criterion"), "reasons": str,
			"links":      map[string]any{"type": "array", "items": str, "description": "incident:ID, report:ID, request:ID, tx:REFERENCE or case:ID"},
			"companies":  map[string]any{"type": "array", "items": ref("Entity"), "description": "owned or controlled companies designated with the party"},
			"publish_at": map[string]any{"type": "string", "format": "date-time", "description": "when it takes effect once approved; absent: on approval"}}, "party", "program", "legal_basis", "reasons"),
		"DesignationRequest": map[string]any{"allOf": []any{ref("DesignationInput"), obj(map[string]any{"propose": map[string]any{"type": "boolean", "description": "propose at once (sanctions officers); otherwise a draft"}})}},
		"DelistRequest":      obj(map[string]any{"reason": str, "publish_at": stamp}, "reason"),
		"Evidence":           obj(map[string]any{"id": integ, "name": str, "media_type": str, "size": integ, "sha256": str, "added_by": str, "added_at": stamp}),
		"Designation": obj(map[string]any{"id": integ, "status": map[string]any{"type": "string", "enum": []string{"draft", "proposed", "approved", "published", "rejected", "delisted"}},
			"kind": map[string]any{"type": "string", "enum": []string{"designate", "amend", "delist"}}, "party": ref("Entity"), "source": str, "program": str,
			"legal_basis": obj(map[string]any{"order": str, "criterion": str}), "reasons": str, "evidence": arrayOf("Evidence"), "links": strs, "companies": arrayOf("Entity"),
			"proposed_by": str, "drafted_by": str, "basis": integ, "approved_by": str, "decision_reason": str, "approval": integ, "publish_at": stamp, "version": integ, "created_at": stamp, "updated_at": stamp}),
		"Designations": obj(map[string]any{"designations": arrayOf("Designation")}),

		"HotlineTarget": obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"person", "rotation", "endpoint"}}, "id": map[string]any{"type": "string", "description": "a person's user name, or a rotation's or endpoint's id"}}, "kind", "id"),
		"HotlineStep":   obj(map[string]any{"delay": dur, "targets": arrayOf("HotlineTarget"), "min_severity": severityS}, "targets"),
		"HotlineWindow": obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"maintenance", "suppression"}}, "start": stamp, "end": stamp, "reason": str}, "kind", "start", "end"),
		"HotlinePolicy": obj(map[string]any{"id": readOnlyInt, "name": str, "description": str, "steps": arrayOf("HotlineStep"), "repeat": map[string]any{"type": "integer", "description": "more rounds through the steps after the last"},
			"windows": arrayOf("HotlineWindow"), "created_at": stamp, "updated_at": stamp}, "name", "steps"),
		"HotlinePolicies":  obj(map[string]any{"policies": arrayOf("HotlinePolicy")}),
		"HotlineOverride":  obj(map[string]any{"person": str, "start": stamp, "end": stamp}, "person", "start", "end"),
		"HotlineShift":     obj(map[string]any{"person": str, "start": stamp, "end": stamp, "override": boolean}),
		"HotlineRotations": obj(map[string]any{"rotations": arrayOf("HotlineRotation")}),
		"HotlineRotation": obj(map[string]any{"id": readOnlyInt, "name": str, "time_zone": map[string]any{"type": "string", "description": "IANA time zone, such as Europe/Paris"}, "start": map[string]any{"type": "string", "format": "date-time", "description": "the first hand-off"},
			"shift_length": integ, "shift_unit": map[string]any{"type": "string", "enum": []string{"hours", "days", "weeks"}}, "participants": strs, "overrides": arrayOf("HotlineOverride"), "created_at": stamp, "updated_at": stamp},
			"name", "time_zone", "start", "shift_length", "shift_unit", "participants"),
		"HotlineOnCall":          obj(map[string]any{"at": stamp, "oncall": map[string]any{"type": "array", "items": obj(map[string]any{"rotation": ref("HotlineRotation"), "now": ref("HotlineShift"), "next": ref("HotlineShift")})}}),
		"HotlineEndpoint":        obj(map[string]any{"id": integ, "name": str, "org": str, "channel": channelS, "address": str, "format": formatS, "rotating": boolean, "created_at": stamp}),
		"HotlineEndpoints":       obj(map[string]any{"endpoints": arrayOf("HotlineEndpoint")}),
		"HotlineEndpointRequest": obj(map[string]any{"name": str, "org": str, "channel": channelS, "address": map[string]any{"type": "string", "description": "e-mail address or http(s) webhook URL"}, "format": formatS, "secret": map[string]any{"type": "string", "description": "a webhook's signing secret; drawn when absent"}}, "name", "channel", "address"),
		"HotlineEndpointCreated": map[string]any{"allOf": []any{ref("HotlineEndpoint"), obj(map[string]any{"secret": map[string]any{"type": "string", "description": "the signing secret, shown only here"}})}},
		"HotlineRotateSecret":    obj(map[string]any{"next_secret": map[string]any{"type": "string", "minLength": 16}}, "next_secret"),
		"HotlineTrigger": obj(map[string]any{"id": readOnlyInt, "event": map[string]any{"type": "string", "enum": warden.HotlineEvents}, "min_amount": map[string]any{"type": "array", "items": ref("Money"), "description": "payment.blocked: raise only from this amount in the payment's currency"},
			"severity": severityS, "policy": integ, "enabled": map[string]any{"type": "boolean", "default": true}}, "event", "severity", "policy"),
		"HotlineTriggers": obj(map[string]any{"triggers": arrayOf("HotlineTrigger")}),
		"HotlineRaise": obj(map[string]any{"summary": str, "details": str, "severity": severityS, "policy": map[string]any{"type": "integer", "description": "the escalation policy; may be left out when there is exactly one"},
			"object": map[string]any{"type": "string", "description": "what it is about: request:ID, case:ID, designation:ID"}, "dedup_key": map[string]any{"type": "string", "description": "while an alert with this key is not resolved, raising again returns it (200)"},
			"source": map[string]any{"type": "string", "enum": []string{"api", "ui", "cli"}}}, "summary", "severity"),
		"HotlineAlert": obj(map[string]any{"id": integ, "summary": str, "details": str, "severity": severityS, "policy": integ, "source": str, "object": str, "dedup_key": str,
			"status": map[string]any{"type": "string", "enum": []string{"triggered", "acknowledged", "resolved", "suppressed"}}, "step": map[string]any{"type": "integer", "description": "the step that fires next"}, "round": integ,
			"next_at": map[string]any{"type": "string", "format": "date-time", "description": "when the next step fires; absent when nothing more is due"}, "created_by": str, "created_at": stamp, "acked_by": str, "acked_at": stamp, "resolved_by": str, "resolved_at": stamp}),
		"HotlineAlerts": obj(map[string]any{"alerts": arrayOf("HotlineAlert")}),
		"HotlineNotification": obj(map[string]any{"id": integ, "alert": integ, "step": integ, "round": integ, "kind": str, "person": str, "method": integ, "endpoint": integ, "channel": channelS, "address": str, "format": formatS,
			"status": map[string]any{"type": "string", "enum": []string{"pending", "delivered", "failed", "dead", "cancelled"}}, "attempts": integ, "due_at": stamp, "delivered_at": stamp, "last_error": str, "created_at": stamp}),
		"HotlineNotifications": obj(map[string]any{"notifications": arrayOf("HotlineNotification")}),
		"HotlineEntry":         obj(map[string]any{"id": integ, "at": stamp, "alert": integ, "notification": integ, "kind": str, "actor": str, "detail": str}),
		"HotlineLog":           obj(map[string]any{"entries": arrayOf("HotlineEntry")}),
		"HotlineAlertDetail":   obj(map[string]any{"alert": ref("HotlineAlert"), "notifications": arrayOf("HotlineNotification"), "log": arrayOf("HotlineEntry")}),
		"HotlineNote":          obj(map[string]any{"note": str}),
		"HotlineEscalate":      obj(map[string]any{"step": map[string]any{"type": "integer", "minimum": 0, "description": "the step, counted from 0"}}, "step"),
		"ContactMethod":        obj(map[string]any{"id": integ, "person": str, "channel": channelS, "address": str, "format": formatS, "delay": dur, "events": strs, "verified": boolean, "verified_at": stamp, "created_at": stamp}),
		"ContactMethods":       obj(map[string]any{"contact_methods": arrayOf("ContactMethod"), "events": map[string]any{"type": "array", "items": str, "description": "the notifications besides alerts one may subscribe to"}}),
		"ContactMethodRequest": obj(map[string]any{"channel": channelS, "address": map[string]any{"type": "string", "description": "e-mail address or http(s) webhook URL"}, "format": formatS, "delay": dur, "events": strs}, "channel", "address"),
		"ContactVerify":        obj(map[string]any{"code": map[string]any{"type": "string", "description": "the 6 digits sent"}}, "code"),
		"ContactUpdate":        obj(map[string]any{"delay": dur, "events": strs}),
		"Multipart":            obj(map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}, "file"),

		"Authority": obj(map[string]any{"org": map[string]any{"type": "string", "description": "the organisation: home or a counterpart's id (set by the server)", "readOnly": true}, "name": str, "contact": map[string]any{"type": "string", "description": "contact person"}, "email": str, "phone": str,
			"office_hours": map[string]any{"type": "string", "description": "HH:MM-HH:MM local time (default 09:00-17:00)"}, "time_zone": map[string]any{"type": "string", "description": "IANA time zone, such as Asia/Shanghai"},
			"country": map[string]any{"type": "string", "description": "ISO 3166-1 alpha-2: its public holidays and make-up working days"}, "reply_channel": map[string]any{"type": "string", "enum": []string{"portal", "email", "phone", "diplomatic"}}}, "name", "time_zone", "country"),
		"Preservation": obj(map[string]any{"custodian": map[string]any{"type": "string", "description": "who or what holds the data"}, "system": str, "days": map[string]any{"type": "integer", "minimum": warden.MinPreservationDays}}, "custodian", "days"),
		"RequestLink":  obj(map[string]any{"object": map[string]any{"type": "string", "description": "kind:id, kind one of " + strings.Join(warden.RequestLinkKinds, ", ")}, "shared": map[string]any{"type": "boolean", "description": "the counterpart may see the object through the request"}}, "object"),
		"RequestParty": obj(map[string]any{"name": str, "schema": map[string]any{"type": "string", "enum": []string{"Person", "Organization"}}, "entity_id": map[string]any{"type": "string", "description": "the listed party, if listed (list:source_id)"}, "country": str, "birth_date": str, "wallets": strs, "notes": str}, "name", "schema"),
		"RequestInput": obj(map[string]any{"reference": map[string]any{"type": "string", "description": "unique, at most 64 characters; drawn when absent"}, "kind": map[string]any{"type": "string", "enum": warden.RequestKinds},
			"earlier": map[string]any{"type": "string", "description": "the reference an extension or follow-up continues"}, "type": map[string]any{"type": "string", "enum": warden.RequestTypes},
			"counterpart": map[string]any{"type": "string", "description": "the counterpart organisation asked (outgoing); a counterpart's own request is from its organisation"},
			"requesting":  ref("Authority"), "requested": ref("Authority"), "investigating_authority": str, "case_numbers": strs, "legal_basis": str, "facts": map[string]any{"type": "string", "description": "summary of the facts"}, "offence": str,
			"sought": map[string]any{"type": "string", "description": "the data or help sought"}, "need": map[string]any{"type": "string", "description": "why it is needed"}, "preservation": ref("Preservation"),
			"priority": map[string]any{"type": "string", "enum": warden.Priorities}, "urgency": map[string]any{"type": "string", "description": "why it is urgent (required for emergency and urgent)"}, "confidentiality": str,
			"related": map[string]any{"type": "array", "items": str, "description": "related requests' references"}, "links": arrayOf("RequestLink"), "parties": arrayOf("RequestParty"),
			"priority_case": map[string]any{"type": "boolean", "description": "list it among the priority cases a dialogue reviews"}, "due_by": map[string]any{"type": "string", "format": "date-time", "description": "the requester's own date for the answer, if sooner than the priority table's; not in the past"}},
			"type", "legal_basis", "facts", "offence", "sought", "priority", "requested"),
		"RequestCreate": map[string]any{"allOf": []any{ref("RequestInput"), obj(map[string]any{"send": map[string]any{"type": "boolean", "description": "send it at once; otherwise a draft"}})}},
		"Request": map[string]any{"allOf": []any{ref("RequestInput"), obj(map[string]any{"id": integ, "status": map[string]any{"type": "string", "enum": warden.RequestStatuses}, "direction": map[string]any{"type": "string", "enum": []warden.Direction{warden.Outgoing, warden.Incoming}},
			"sent_at": stamp, "acknowledged_at": stamp, "answered_at": map[string]any{"type": "string", "format": "date-time", "description": "the first full answer"}, "first_answer_at": stamp, "reviewed_at": stamp, "closed_at": stamp,
			"ack_due": stamp, "answer_due": map[string]any{"type": "string", "format": "date-time", "description": "as extended"}, "answer_due_original": stamp, "answer": map[string]any{"type": "string", "enum": []string{"partial", "full"}},
			"refusal_reason": map[string]any{"type": "string", "enum": warden.RefusalReasons}, "refusal_text": str,
			"ack_business_secs": map[string]any{"type": "integer", "description": "the requested side's business seconds from sending to acknowledgement"}, "answer_business_secs": map[string]any{"type": "integer", "description": "and to the full answer"},
			"created_by": str, "created_at": stamp, "updated_at": stamp})}},
		"Requests":       obj(map[string]any{"requests": arrayOf("Request")}),
		"RequestNote":    obj(map[string]any{"note": str}),
		"RefusalRequest": obj(map[string]any{"reason": map[string]any{"type": "string", "enum": warden.RefusalReasons}, "text": map[string]any{"type": "string", "description": "why; required for other"}}, "reason"),
		"Attachment":     obj(map[string]any{"id": integ, "message": integ, "name": str, "media_type": str, "size": integ, "sha256": str, "added_by": str, "added_at": stamp}),
		"RequestMessage": obj(map[string]any{"id": integ, "request": integ, "kind": map[string]any{"type": "string", "enum": []warden.MessageKind{warden.MessageQuestion, warden.MessageAnswer, warden.MessageUpdate, warden.MessageNote}},
			"answer": map[string]any{"type": "string", "enum": []string{"partial", "full"}}, "body": str, "author": str, "org": str, "attachments": arrayOf("Attachment"), "created_at": stamp}),
		"RequestMessages":  obj(map[string]any{"messages": arrayOf("RequestMessage")}),
		"AnswerRequest":    obj(map[string]any{"completeness": map[string]any{"type": "string", "enum": []string{"partial", "full"}}, "body": str}, "completeness", "body"),
		"AnswerMultipart":  obj(map[string]any{"completeness": map[string]any{"type": "string", "enum": []string{"partial", "full"}}, "body": str, "file": filesS}, "completeness", "body"),
		"AnswerResult":     obj(map[string]any{"request": ref("Request"), "message": ref("RequestMessage")}),
		"MessageRequest":   obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"question", "update", "note"}}, "body": str}, "kind", "body"),
		"MessageMultipart": obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"question", "update", "note"}}, "body": str, "file": filesS}, "kind", "body"),
		"Extension": obj(map[string]any{"id": integ, "request": integ, "until": stamp, "reason": str, "status": map[string]any{"type": "string", "enum": []string{"asked", "granted", "refused"}},
			"asked_by": str, "asked_at": stamp, "decided_by": str, "decided_at": stamp, "decision": map[string]any{"type": "string", "description": "the decision's reason"}}),
		"Extensions":       obj(map[string]any{"extensions": arrayOf("Extension")}),
		"ExtensionRequest": obj(map[string]any{"until": map[string]any{"type": "string", "format": "date-time", "description": "after the answer deadline"}, "reason": str}, "until", "reason"),
		"Rubric": obj(map[string]any{"completeness": scoreS, "accuracy": scoreS, "actionability": scoreS, "updates": map[string]any{"type": "integer", "minimum": 1, "maximum": 5, "description": "timeliness of updates"}},
			"completeness", "accuracy", "actionability", "updates"),
		"Review": obj(map[string]any{"id": integ, "request": integ, "message": map[string]any{"type": "integer", "description": "the answer rated"}, "rubric": ref("Rubric"), "comments": str, "use": useS,
			"by": str, "at": stamp, "response": str, "responded_by": str, "responded_at": stamp}),
		"Reviews":        obj(map[string]any{"reviews": arrayOf("Review")}),
		"ReviewRequest":  obj(map[string]any{"message": map[string]any{"type": "integer", "description": "the answer's message id"}, "rubric": ref("Rubric"), "comments": str, "use": useS}, "message", "rubric", "use"),
		"ReviewResponse": obj(map[string]any{"response": str}, "response"),
		"Referral": obj(map[string]any{"id": integ, "request": integ, "ground": groundS, "reason": str,
			"designations": map[string]any{"type": "array", "items": integ, "description": "the designation proposals opened"}, "by": str, "at": stamp}),
		"Referrals": obj(map[string]any{"referrals": arrayOf("Referral")}),
		"ReferralRequest": obj(map[string]any{"ground": groundS, "reason": str, "program": map[string]any{"type": "string", "description": "the proposals' program (default the first configured)"},
			"legal_basis": obj(map[string]any{"order": str, "criterion": str}, "order", "criterion")}, "ground", "reason", "legal_basis"),
		"DomainEvent":       obj(map[string]any{"id": integ, "type": map[string]any{"type": "string", "description": "request.sent, request.acknowledged, request.deadline_missed..."}, "object": str, "payload": map[string]any{"type": "object"}, "created_at": stamp}),
		"Timeline":          obj(map[string]any{"events": arrayOf("DomainEvent")}),
		"Span":              obj(map[string]any{"n": map[string]any{"type": "integer", "minimum": 1, "maximum": 3660}, "unit": map[string]any{"type": "string", "enum": []warden.SpanUnit{warden.UnitHours, warden.UnitBusinessHours, warden.UnitDays, warden.UnitBusinessDays}}}, "n", "unit"),
		"PriorityDeadlines": obj(map[string]any{"priority": map[string]any{"type": "string", "enum": warden.Priorities}, "acknowledge": ref("Span"), "answer": ref("Span")}, "priority", "acknowledge", "answer"),
		"PriorityTable":     obj(map[string]any{"priorities": arrayOf("PriorityDeadlines")}, "priorities"),
		"ReferralThresholds": obj(map[string]any{"overdue_days": map[string]any{"type": "integer", "description": "calendar days past the answer deadline"},
			"min_quality": map[string]any{"type": "number", "description": "an answer rated below this mean may be referred"}}, "overdue_days", "min_quality"),
		"OrgCalendar": obj(map[string]any{"org": map[string]any{"type": "string", "readOnly": true}, "time_zone": map[string]any{"type": "string", "description": "IANA time zone, such as Asia/Shanghai"},
			"country": map[string]any{"type": "string", "description": "ISO 3166-1 alpha-2, one with a holiday calendar here"}, "office_hours": map[string]any{"type": "string", "description": "HH:MM-HH:MM (default 09:00-17:00)"}}),
		"Closure":         obj(map[string]any{"org": str, "date": map[string]any{"type": "string", "format": "date"}, "reason": str}),
		"Closures":        obj(map[string]any{"closures": arrayOf("Closure")}),
		"ClosureRequest":  obj(map[string]any{"date": map[string]any{"type": "string", "format": "date"}, "reason": str}, "date"),
		"Dialogue":        obj(map[string]any{"id": integ, "org": str, "held_on": map[string]any{"type": "string", "format": "date"}, "notes": str, "added_by": str, "added_at": stamp}),
		"Dialogues":       obj(map[string]any{"dialogues": arrayOf("Dialogue")}),
		"DialogueRequest": obj(map[string]any{"org": str, "held_on": map[string]any{"type": "string", "format": "date"}, "notes": str}, "org", "held_on"),
		"Quantile":        obj(map[string]any{"n": integ, "median_calendar": num, "p90_calendar": num, "median_business": num, "p90_business": num}),
		"QualityAverage":  obj(map[string]any{"n": integ, "completeness": num, "accuracy": num, "actionability": num, "updates": num, "overall": num}),
		"ScorecardSide": obj(map[string]any{"requests": integ, "acknowledged": integ, "ack_on_time": integ, "ack_on_time_pct": num, "answered": integ, "answer_on_time": integ, "answer_on_time_pct": num,
			"answer_on_time_original": map[string]any{"type": "integer", "description": "by the deadline first set, ignoring extensions"}, "answer_on_time_original_pct": num,
			"ack_hours": ref("Quantile"), "answer_hours": ref("Quantile"), "missed_by_hours": ref("Quantile"), "quality": ref("QualityAverage"),
			"refusals": countsS, "uses": countsS, "open": integ, "overdue": integ, "extensions_asked": integ, "extensions_granted": integ, "by_priority": countsS, "by_status": countsS}),
		"ScorecardCase": obj(map[string]any{"id": integ, "reference": str, "direction": str, "type": str, "priority": str, "status": str, "sent_at": stamp, "answer_due": stamp, "overdue": boolean}),
		"Scorecard": obj(map[string]any{"org": str, "from": stamp, "to": stamp, "outgoing": map[string]any{"$ref": "#/components/schemas/ScorecardSide", "description": "how the counterpart answered the authority"},
			"incoming": map[string]any{"$ref": "#/components/schemas/ScorecardSide", "description": "how the authority answered the counterpart"}, "priority_cases": arrayOf("ScorecardCase"), "generated": stamp}),

		"IntelObject": obj(map[string]any{"id": map[string]any{"type": "string", "description": "the STIX id, type--UUID"}, "type": map[string]any{"type": "string", "description": "the STIX type"}, "name": str, "tlp": tlpS,
			"created": stamp, "modified": stamp, "added": map[string]any{"type": "string", "format": "date-time", "description": "when this version was stored"}, "seq": integ, "source": str,
			"current": map[string]any{"type": "boolean", "description": "the newest version of its id"}, "revoked": boolean, "opaque": map[string]any{"type": "boolean", "description": "a type Warden does not model, kept as received"},
			"object": map[string]any{"type": "object", "description": "the STIX 2.1 object as received or written"}}),
		"IntelObjects":  obj(map[string]any{"objects": arrayOf("IntelObject"), "more": boolean, "next": map[string]any{"type": "string", "description": "pass as next for the following page"}}),
		"IntelVersions": obj(map[string]any{"versions": arrayOf("IntelObject")}),
		"IntelEdge": obj(map[string]any{"source": str, "type": map[string]any{"type": "string", "description": "a relationship's relationship_type, or the embedding property (object_refs, created_by_ref...)"}, "target": str,
			"rel": map[string]any{"type": "string", "description": "the relationship object's id"}, "confidence": map[string]any{"type": "integer", "description": "0-100, -1 when not given"}}),
		"IntelRelated": obj(map[string]any{"incident": ref("IntelObject"), "via": map[string]any{"type": "array", "items": str, "description": "the indicators both incidents share"}}),
		"IntelView": obj(map[string]any{"object": ref("IntelObject"), "edges": arrayOf("IntelEdge"), "neighbours": arrayOf("IntelObject"), "links": arrayOf("IntelLink"), "observables": arrayOf("Observable"),
			"unsupported": map[string]any{"type": "string", "description": "why an indicator's pattern is not used in screening"}, "related_incidents": arrayOf("IntelRelated"),
			"touches":     map[string]any{"type": "array", "items": ref("IntelLink"), "description": "an indicator: the incidents, actors (kind object), requests, designations and payments it touches"},
			"collections": map[string]any{"type": "array", "items": str, "description": "the collections it is shared in (the authority's people only)"}}),
		"Observable": obj(map[string]any{"kind": map[string]any{"type": "string", "enum": warden.IndicatorKinds}, "value": str, "chain": map[string]any{"type": "string", "description": "a wallet's currency, BTC, ETH..."}}, "kind", "value"),
		"IntelInput": obj(map[string]any{"type": map[string]any{"type": "string", "enum": []string{"incident", "threat-actor", "intrusion-set", "indicator", "infrastructure", "malware", "report", "relationship", "identity", "note", "opinion"}},
			"tlp": tlpS, "fields": map[string]any{"type": "object", "description": "STIX properties: name, description, aliases, pattern, valid_from, relationship_type, source_ref, target_ref, confidence, object_refs, x_warden_status, x_warden_first_seen, x_warden_last_seen, x_warden_victims, x_warden_impact, x_warden_countries..."},
			"observable": map[string]any{"$ref": "#/components/schemas/Observable", "description": "an indicator: the value it observes, when fields has no pattern"}}, "type", "tlp"),
		"IntelUpdate": obj(map[string]any{"tlp": map[string]any{"type": "string", "enum": warden.TLPs, "description": "absent: unchanged"}, "fields": map[string]any{"type": "object", "description": "STIX properties merged over the current version; null removes one"}}),
		"IntelRelationship": obj(map[string]any{"source_ref": str, "relationship_type": map[string]any{"type": "string", "description": "attributed-to, uses, indicates, targets, related-to..."}, "target_ref": str,
			"confidence": map[string]any{"type": "integer", "minimum": 0, "maximum": 100}, "description": str, "tlp": tlpS}, "source_ref", "relationship_type", "target_ref", "tlp"),
		"IntelRevoke": obj(map[string]any{"reason": str}),
		"IntelLink": obj(map[string]any{"object": map[string]any{"type": "string", "description": "the STIX id"}, "kind": map[string]any{"type": "string", "enum": []string{warden.LinkEntity, warden.LinkDesignation, warden.LinkRequest, warden.LinkPayment, warden.LinkCustomer, warden.LinkCase}},
			"ref": map[string]any{"type": "string", "description": "the record: LIST:SOURCE_ID, a designation's, request's or case's id, a payment's reference, a customer's id"}, "note": str, "created_by": str, "created_at": stamp}, "object", "kind", "ref"),
		"IntelLinks":   obj(map[string]any{"links": arrayOf("IntelLink"), "objects": arrayOf("IntelObject")}),
		"IntelProblem": obj(map[string]any{"object": map[string]any{"type": "string", "description": "the object's id, or objects[i]"}, "path": map[string]any{"type": "string", "description": "a JSON pointer into the object"}, "message": str}),
		"IntelImport": obj(map[string]any{"id": map[string]any{"type": "string", "description": "also the TAXII status id"}, "source": str, "collection": str, "actor": str, "at": stamp, "total": integ, "added": integ, "versions": integ, "unchanged": integ,
			"opaque": map[string]any{"type": "array", "items": str, "description": "objects of types Warden does not model, kept as received"}, "patterns": map[string]any{"type": "array", "items": ref("IntelProblem"), "description": "indicators whose pattern is not read: stored, not used in screening"},
			"errors": map[string]any{"type": "array", "items": ref("IntelProblem"), "description": "schema errors: nothing was stored"}, "successes": strs}),
		"IntelImports": obj(map[string]any{"imports": arrayOf("IntelImport")}),
		"Bundle": obj(map[string]any{"type": map[string]any{"type": "string", "const": "bundle"}, "id": map[string]any{"type": "string", "description": "bundle--UUID"}, "objects": map[string]any{"type": "array", "items": map[string]any{"type": "object"}, "description": "STIX 2.1 objects"}},
			"type", "id"),
		"Collection": obj(map[string]any{"id": map[string]any{"type": "string", "description": "a UUID, as TAXII names collections", "readOnly": true}, "title": str, "description": str,
			"orgs": map[string]any{"type": "array", "items": str, "description": "the organisations that read it"}, "can_read": boolean, "can_write": boolean, "created_by": str, "created_at": stamp}, "title", "orgs"),
		"Collections":  obj(map[string]any{"collections": arrayOf("Collection")}),
		"ShareRequest": obj(map[string]any{"ids": map[string]any{"type": "array", "items": str, "maxItems": 10000, "description": "STIX ids; none may be RED"}}, "ids"),
		"Feed": obj(map[string]any{"name": str, "url": map[string]any{"type": "string", "description": "the partner's TAXII 2.1 API root"}, "collection": str,
			"token": map[string]any{"type": "string", "writeOnly": true, "description": "the bearer token for the partner; never returned"}, "tlp": map[string]any{"type": "string", "enum": warden.TLPs, "description": "for objects without a TLP marking"},
			"added_after": map[string]any{"type": "string", "description": "where the next pull resumes"}, "last_pull": stamp, "last_error": str, "pulled": integ, "created_by": str, "created_at": stamp}, "name", "url", "collection"),
		"Feeds": obj(map[string]any{"feeds": arrayOf("Feed")}),
		"PushRequest": obj(map[string]any{"url": map[string]any{"type": "string", "description": "the partner's TAXII 2.1 API root"}, "collection": map[string]any{"type": "string", "description": "the partner's collection id"}, "token": map[string]any{"type": "string", "description": "the bearer token for the partner; not stored"},
			"ids": map[string]any{"type": "array", "items": str, "description": "the objects to push, with what they reference and what relates them"}, "for": map[string]any{"type": "string", "description": "push only what this organisation may see"}}, "url", "collection", "ids"),
		"PushResult":       obj(map[string]any{"status": map[string]any{"type": "string", "description": "the partner's TAXII status id"}}),
		"AttributeRequest": obj(map[string]any{"program": str, "reason": str, "legal_basis": obj(map[string]any{"order": str, "criterion": str}, "order", "criterion")}, "reason", "legal_basis"),
		"AttributeResult":  obj(map[string]any{"designations": arrayOf("Designation")}),

		"TAXIIDiscovery": obj(map[string]any{"title": str, "description": str, "contact": str, "default": str, "api_roots": strs}, "title"),
		"TAXIIApiRoot":   obj(map[string]any{"title": str, "description": str, "versions": strs, "max_content_length": integ}, "title", "versions", "max_content_length"),
		"TAXIICollection": obj(map[string]any{"id": str, "title": str, "description": str, "alias": str, "can_read": boolean, "can_write": boolean, "media_types": strs},
			"id", "title", "can_read", "can_write"),
		"TAXIICollections": obj(map[string]any{"collections": arrayOf("TAXIICollection")}),
		"TAXIIEnvelope":    obj(map[string]any{"more": boolean, "next": str, "objects": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}),
		"TAXIIManifest":    obj(map[string]any{"more": boolean, "next": str, "objects": map[string]any{"type": "array", "items": obj(map[string]any{"id": str, "date_added": stamp, "version": str, "media_type": str}, "id", "date_added", "version")}}),
		"TAXIIVersions":    obj(map[string]any{"more": boolean, "next": str, "versions": strs}),
		"TAXIIStatus": obj(map[string]any{"id": str, "status": map[string]any{"type": "string", "enum": []string{"pending", "complete"}}, "request_timestamp": stamp, "total_count": integ, "success_count": integ, "failure_count": integ, "pending_count": integ,
			"successes": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "failures": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "pendings": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}},
			"id", "status", "total_count", "success_count", "failure_count", "pending_count"),
		"Readiness": obj(map[string]any{"status": map[string]any{"type": "string", "enum": []string{"ready", "starting", "database unavailable"}},
			"database":  obj(map[string]any{"ok": boolean, "latency_ms": num}),
			"index":     obj(map[string]any{"parties": integ, "built": stamp, "age_seconds": num, "lists": map[string]any{"type": "array", "items": obj(map[string]any{"list": str, "version": integ, "built": stamp, "age_seconds": num})}}),
			"listening": map[string]any{"type": "boolean", "description": "whether this node's LISTEN connection is up (PostgreSQL only)"},
			"jobs":      obj(map[string]any{"available": integ, "retryable": integ, "running": integ, "scheduled": integ, "oldest_available_seconds": num}),
			"rescreen":  obj(map[string]any{"state": str, "running": boolean, "lists": map[string]any{"type": "object", "description": "list name to the version screened against", "additionalProperties": integ}, "basis": str, "mode": str, "started": stamp, "finished": stamp, "parts": integ, "parts_done": integ, "customers": integ, "screened": integ, "changed": integ}),
		}, "status", "database"),
	}
})
