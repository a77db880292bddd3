package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/enforcement"
	"warden/lists"
)

// caseAgeBounds are the dashboard's buckets of open cases by age: opened
// within a day, three days, a week, a month, and older.
var caseAgeBounds = []time.Duration{24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour}

// caseAgeLabels name caseAgeBounds' buckets, the last for the older ones.
var caseAgeLabels = []string{"under 1 day", "1–3 days", "3–7 days", "7–30 days", "over 30 days"}

// dashboardWindow is how far back the dashboard lists blockings (whose
// initial reports fall due within about two weeks) and customers whose
// status changed.
const dashboardWindow = 30 * 24 * time.Hour

// dashboardRows is the most blockings and status changes the dashboard
// lists; the ledger and customer pages hold the rest.
const dashboardRows = 20

// freshRow is a list's line in the dashboard's freshness table.
type freshRow struct {
	lists.Freshness
	Parties, Age, Cadence string
}

// blockingRow is a blocking with its initial report's deadline.
type blockingRow struct {
	warden.LedgerEntry
	Amount, Deadline, Due string
	Overdue               bool
}

// listChecks answers the latest checks of a list (see lists.Service.Checks).
func (s *Server) listChecks(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Lists.Checks(r.Context(), r.PathValue("name"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"checks": cs})
}

// dashboard shows the work of the day, each part only to the roles that
// may see its data: list freshness (lists.read, which the route needs),
// open cases by age (cases.read), blockings with their initial reports'
// deadlines (ledger.read), customers whose status changed (customers.read)
// and recent activity (audit.read). Charts are SVG drawn here, so the page
// needs no script.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, _ := warden.PrincipalFrom(ctx)
	now := s.now().UTC()
	data := map[string]any{"Now": now}
	fail := func(err error) { s.errorPage(w, r, err) }

	fr, err := s.Lists.Freshness(ctx, now)
	if err != nil {
		fail(err)
		return
	}
	parties, stale := 0, 0
	rows := make([]freshRow, len(fr))
	ages := make([]bar, len(fr))
	for i, f := range fr {
		parties += f.List.Entities
		if f.Stale() {
			stale++
		}
		rows[i] = freshRow{Freshness: f, Parties: thousands(f.List.Entities), Age: ageText(f.Age, f.List.ListDate != ""), Cadence: ageText(f.Cadence, f.Cadence > 0)}
		ages[i] = bar{Label: f.List.Name, Value: int(f.Age.Hours() / 24), Text: rows[i].Age, Warn: f.Stale()}
	}
	data["Lists"], data["Stale"] = rows, stale
	data["Parties"], data["ListCount"], data["Indexed"] = thousands(parties), thousands(len(fr)), thousands(s.Screening.Len())
	data["AgeChart"] = barChart("Age of each list's date, in days", ages, int(lists.MaxListAge.Hours()/24), "30-day limit")

	if warden.Allowed(p.Role, warden.ActCasesRead) {
		counts, err := s.Enforcement.DB.CaseAges(ctx, now, caseAgeBounds)
		if err != nil {
			fail(err)
			return
		}
		bars, total := make([]bar, len(counts)), 0
		for i, n := range counts {
			total += n
			bars[i] = bar{Label: caseAgeLabels[i], Value: n, Text: thousands(n), Warn: i >= 3 && n > 0}
		}
		data["Cases"], data["OpenCases"] = barChart("Open cases by age", bars, 0, ""), thousands(total)
	}
	if warden.Allowed(p.Role, warden.ActLedgerRead) {
		es, err := s.Enforcement.DB.RecentBlockings(ctx, now.Add(-dashboardWindow), dashboardRows)
		if err != nil {
			fail(err)
			return
		}
		filed, err := s.Enforcement.DB.ReportFilings(ctx, warden.ReportInitial)
		if err != nil {
			fail(err)
			return
		}
		holidays := map[string]bool{}
		for _, h := range s.Enforcement.Policy.Holidays {
			holidays[h] = true
		}
		bs := make([]blockingRow, len(es))
		for i, e := range es {
			due := enforcement.AddBusinessDays(e.Time, enforcement.InitialDays, holidays)
			bs[i] = blockingRow{LedgerEntry: e, Amount: e.Amount.Currency + " " + thousandsMinor(e.Amount), Deadline: due.Format(time.DateOnly)}
			f, isFiled := filed[e.Reference]
			switch left := daysBetween(now, due); {
			case isFiled:
				bs[i].Due = "report filed " + f.FiledAt.Format(time.DateOnly)
			case left < 0:
				bs[i].Due, bs[i].Overdue = fmt.Sprintf("overdue by %s", counted(-left, "day")), true
			case left == 0:
				bs[i].Due = "due today"
			default:
				bs[i].Due = "due in " + counted(left, "day")
			}
		}
		data["Blockings"], data["BlockingsShown"] = bs, true
	}
	if warden.Allowed(p.Role, warden.ActCustomersRead) {
		cs, err := s.Enforcement.DB.RecentStatusChanges(ctx, now.Add(-dashboardWindow), dashboardRows)
		if err != nil {
			fail(err)
			return
		}
		data["Customers"], data["CustomersShown"] = cs, true
	}
	if warden.Allowed(p.Role, warden.ActAuditRead) {
		all, err := s.Audit.Events(ctx, warden.AuditFilter{})
		if err != nil {
			fail(err)
			return
		}
		var activity []warden.AuditEvent
		for i := len(all) - 1; i >= 0 && len(activity) < 10; i-- {
			activity = append(activity, all[i])
		}
		data["Activity"] = activity
	}
	s.render(w, r, http.StatusOK, "dashboard", view{Title: "Dashboard", Nav: "dashboard", Data: data})
}

// daysBetween is the number of calendar days from a's day to b's (UTC).
func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// counted is n of unit, numbered: "1 day", "2,400 days".
func counted(n int, unit string) string {
	return thousands(n) + " " + plural(n, unit, unit+"s")
}

// ageText is a duration in days for the dashboard, "—" when unknown.
func ageText(d time.Duration, known bool) string {
	if !known {
		return "—"
	}
	return counted(int(d.Hours()/24), "day")
}

// thousands writes n with a comma between groups of three digits:
// 15443 -> "15,443".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// thousandsMinor writes an amount in major units with thousands
// separators, from Money's own text ("1234567.89" -> "1,234,567.89").
func thousandsMinor(m warden.Money) string {
	s := m.String()
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		s = s[i+1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err != nil {
		return s
	}
	if frac != "" {
		return thousands(n) + "." + frac
	}
	return thousands(n)
}

// bar is one bar of a chart.
type bar struct {
	Label string
	Value int
	Text  string // the value as shown
	Warn  bool   // drawn in the warning colour
}

// barChart draws bars as an inline SVG, one row each, with the value
// written beside its bar and, if limit > 0, a dashed line at limit named
// limitLabel. Everything is escaped; colours are presentation attributes,
// which the Content-Security-Policy allows where style attributes are not.
func barChart(title string, bars []bar, limit int, limitLabel string) template.HTML {
	const width, labelW, textW, rowH = 640, 150, 90, 26
	plotW := width - labelW - textW
	top := 8
	if limit > 0 {
		top = 22
	}
	height := top + rowH*len(bars) + 8
	scale := max(limit, 1)
	for _, b := range bars {
		scale = max(scale, b.Value)
	}
	esc := template.HTMLEscapeString
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		esc(title), width, height, esc(title))
	for i, b := range bars {
		y := top + i*rowH
		w := 0
		if b.Value > 0 {
			w = max(2, b.Value*plotW/scale)
		}
		fill := "#1f5fa8"
		if b.Warn {
			fill = "#a4262c"
		}
		fmt.Fprintf(&sb, `<g class="bar%s"><text x="%d" y="%d" text-anchor="end" font-size="13" fill="#1c2430">%s</text>`,
			map[bool]string{true: " warn"}[b.Warn], labelW-8, y+17, esc(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"></rect>`, labelW, y+4, w, rowH-8, fill)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="13" fill="#1c2430">%s</text></g>`, labelW+w+6, y+17, esc(b.Text))
	}
	if limit > 0 {
		x := labelW + limit*plotW/scale
		fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#8a5a00" stroke-width="1.5" stroke-dasharray="4 3"></line>`, x, top-4, x, height-4)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12" fill="#8a5a00">%s</text>`, x+4, 14, esc(limitLabel))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
