// Package demo builds, in a fresh database, the whole loop Warden exists
// for (issue 18): intelligence on an incident, a request to the
// counterpart that is answered late and in part, the hotline escalation of
// the missed deadline, the review of the answer, the referral and the
// designation it leads to, the payment and the customer it stops, and the
// sharing of it all with the counterpart. It goes through the same
// services a person uses, never by writing rows, so that a newcomer finds a
// living system and the walk tests (web/) can reuse its data.
//
// See docs/demo.md.
package demo

// The story's data: a real pattern with illustrative values. In April 2020
// a zero-day in a widely used firewall was exploited to plant malware on
// tens of thousands of devices; on 2024-12-10 OFAC designated the Chengdu
// company behind it and one of its employees under the cyber program
// (press release of that day). The bundled OFAC snapshot (2024-07-02)
// predates the designation, so neither screens until the authority
// designates them. Every indicator is in a documentation range (RFC 5737
// addresses, RFC 2606 .example domains) and the wallet is a well-formed
// bech32 address of no one: nothing here points at real infrastructure.

// The company and its employee, as the designation names them.
const (
	CompanyName    = "Sichuan Silence Information Technology Co., Ltd."
	CompanyNameZH  = "四川无声信息技术有限公司"
	CompanyAlias   = "Sichuan Silence"
	CompanyCity    = "Chengdu"
	CompanyRegion  = "Sichuan"
	CompanyCountry = "CN"

	EmployeeName    = "Guan Tianfeng"
	EmployeeNameZH  = "关天烽"
	EmployeeCountry = "CN"

	// Program is the sanctions program the designation is made under.
	Program = "CYBER2"
)

// Wallet is the company's digital currency address: a syntactically valid
// bech32 (BIP 173) segwit v0 address whose program spells "dem0"
// repeatedly, so it is nobody's wallet. A payment to it is blocked.
const (
	Wallet      = "bc1qdem0dem0dem0dem0dem0dem0dem0dem0e6uk5g"
	WalletChain = "BTC"
)

// Intelligence: the incident, the threat actor and the indicators, all
// TLP AMBER and shared with the counterpart, and one RED indicator that
// never leaves the authority.
const (
	IncidentName        = "Firewall zero-day exploitation campaign (April 2020 pattern)"
	IncidentDescription = "A zero-day SQL injection in the management interface of a widely used firewall was exploited " +
		"to plant data-stealing malware on tens of thousands of devices worldwide. Illustrative reconstruction for the " +
		"Warden demo: every address and domain is from a documentation range."

	ActorName        = "Sichuan Silence operators"
	ActorDescription = "The operators of the firewall campaign, working for Sichuan Silence Information Technology Co., Ltd., Chengdu."

	// RedIndicatorName is the RED object: a source's reporting the
	// counterpart must never see (not in its collection, not in its
	// portal, not in an export for it).
	RedIndicatorName = "Staging host from a sensitive source (TLP:RED)"
	RedIndicatorIP   = "203.0.113.200"
)

// Indicator is one indicator of the incident: what it observes and a name
// for people.
type Indicator struct {
	Name  string
	Kind  string // a warden.IndicatorKind: ipv4, domain, wallet
	Value string
	Chain string // for a wallet
}

// Indicators are the incident's indicators (TLP AMBER, shared).
var Indicators = []Indicator{
	{Name: "Exploit delivery host", Kind: "ipv4", Value: "192.0.2.41"},
	{Name: "Command-and-control range", Kind: "ipv4", Value: "198.51.100.0/24"},
	{Name: "Data exfiltration host", Kind: "ipv4", Value: "203.0.113.17"},
	{Name: "Malware download domain", Kind: "domain", Value: "firewall-update.example"},
	{Name: "Command-and-control domain", Kind: "domain", Value: "telemetry-sync.example"},
	{Name: "Company's payment wallet", Kind: "wallet", Value: Wallet, Chain: WalletChain},
}

// The counterpart: the foreign authority the request goes to, whose
// deadlines are counted in its own business time (Asia/Shanghai, China's
// holidays, 09:00-17:00).
const (
	CounterpartOrg      = "cn-demo"
	CounterpartName     = "Counterpart cyber authority (demo)"
	CounterpartTimeZone = "Asia/Shanghai"
	CounterpartCountry  = "CN"
	CounterpartHours    = "09:00-17:00"

	// CollectionTitle is the TAXII collection the counterpart reads.
	CollectionTitle = "Shared with the counterpart (demo)"
)

// The request: urgent, for information about the company and the
// preservation of its servers' data.
const (
	RequestReference = "DEMO-2026-001"
	RequestFacts     = "Devices worldwide were compromised through a firewall zero-day; the indicators (shared in the " +
		"collection) lead to infrastructure operated by Sichuan Silence Information Technology Co., Ltd., Chengdu."
	RequestOffence = "Unauthorised access to computer systems; data interference"
	RequestSought  = "Information about Sichuan Silence Information Technology Co., Ltd. (四川无声信息技术有限公司): " +
		"ownership, officers, the employees who operated the campaign; and the preservation of the data of the servers " +
		"at 198.51.100.0/24 and 203.0.113.17."
	RequestNeed      = "To attribute the campaign and to decide on sanctions against those responsible."
	RequestUrgency   = "The servers' data may be deleted at any time; devices are still being compromised."
	RequestCustodian = "Hosting providers of 198.51.100.0/24 and 203.0.113.17"

	// AnswerText is the counterpart's partial answer.
	AnswerText = "Partial answer: the company is registered in Chengdu; its officers are under review. " +
		"Preservation of the servers' data could not be confirmed."
	// InternalNote is the home side's note the counterpart must not see.
	InternalNote = "Internal: the partial answer omits the employees we already know from the RED reporting. " +
		"Consider a referral."
)

// The review of the answer, on the 1-5 rubric.
const (
	ReviewCompleteness  = 2
	ReviewAccuracy      = 2
	ReviewActionability = 1
	ReviewUpdates       = 1
)

// Enforcement: the payment to the wallet and the customer with the
// company's name in Chinese characters.
const (
	PaymentReference = "DEMO-PAY-0001"
	PaymentCurrency  = "USD"
	PaymentMinor     = 2500000 // 25,000.00
	PaymentPayer     = "Example Trading Ltd"

	CustomerID   = "DEMO-CUST-0001"
	CustomerName = CompanyNameZH
)

// TokenName is the counterpart's API client, which reads its TAXII
// collection.
const TokenName = "demo-counterpart-taxii"

// User is one person the demo creates.
type User struct {
	Name string
	Role string // a warden.Role
	Org  string // "home" or CounterpartOrg
}

// Users are the people the demo creates, one a role, two sanctions
// officers (a proposal and its approval). Their passwords are drawn at
// random and printed once.
var Users = []User{
	{Name: "demo-admin", Role: "admin", Org: "home"},
	{Name: "demo-officer-a", Role: "sanctions-officer", Org: "home"},
	{Name: "demo-officer-b", Role: "sanctions-officer", Org: "home"},
	{Name: "demo-analyst", Role: "analyst", Org: "home"},
	{Name: "demo-screener", Role: "screener", Org: "home"},
	{Name: "demo-liaison", Role: "liaison", Org: "home"},
	{Name: "demo-counterpart", Role: "counterpart", Org: CounterpartOrg},
	{Name: "demo-auditor", Role: "auditor", Org: "home"},
}
