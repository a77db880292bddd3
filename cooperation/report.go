package cooperation

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"

	"warden"
	"warden/internal/csvsafe"
)

// figure is one line of a scorecard's report: a figure of both
// directions, under a section.
type figure struct {
	Section, Name, Outgoing, Incoming string
}

// figures lists every figure of sc in the order the CSV and the printable
// report give them. Refusals, uses, priorities and statuses list every
// value, zero or not, so that the rows of two scorecards line up in a
// spreadsheet.
func figures(sc warden.Scorecard) []figure {
	o, i := &sc.Outgoing, &sc.Incoming
	var out []figure
	add := func(section, name string, f func(s *warden.ScorecardSide) string) {
		out = append(out, figure{section, name, f(o), f(i)})
	}
	n := func(f func(s *warden.ScorecardSide) int) func(s *warden.ScorecardSide) string {
		return func(s *warden.ScorecardSide) string { return strconv.Itoa(f(s)) }
	}
	x := func(f func(s *warden.ScorecardSide) float64) func(s *warden.ScorecardSide) string {
		return func(s *warden.ScorecardSide) string { return strconv.FormatFloat(f(s), 'f', -1, 64) }
	}
	// of is x for a figure of a set that may be empty (of gives its
	// size): n/a, not 0, when it is.
	of := func(f func(s *warden.ScorecardSide) float64, size func(s *warden.ScorecardSide) int) func(s *warden.ScorecardSide) string {
		return func(s *warden.ScorecardSide) string {
			if size(s) == 0 {
				return "n/a"
			}
			return x(f)(s)
		}
	}
	add("requests", "requests", n(func(s *warden.ScorecardSide) int { return s.Requests }))
	add("requests", "open", n(func(s *warden.ScorecardSide) int { return s.Open }))
	add("requests", "overdue", n(func(s *warden.ScorecardSide) int { return s.Overdue }))
	add("acknowledgement", "acknowledged", n(func(s *warden.ScorecardSide) int { return s.Acknowledged }))
	add("acknowledgement", "on time", n(func(s *warden.ScorecardSide) int { return s.AckOnTime }))
	add("acknowledgement", "due", n(func(s *warden.ScorecardSide) int { return s.AckDue }))
	add("acknowledgement", "on time %", of(func(s *warden.ScorecardSide) float64 { return s.AckOnTimePct }, func(s *warden.ScorecardSide) int { return s.AckDue }))
	quantiles := func(section, what string, q func(s *warden.ScorecardSide) warden.Quantile, business bool) {
		size := func(s *warden.ScorecardSide) int { return q(s).N }
		add(section, "median "+what, of(func(s *warden.ScorecardSide) float64 { return q(s).MedianCalendar }, size))
		add(section, "p90 "+what, of(func(s *warden.ScorecardSide) float64 { return q(s).P90Calendar }, size))
		if business {
			add(section, "median business "+what, of(func(s *warden.ScorecardSide) float64 { return q(s).MedianBusiness }, size))
			add(section, "p90 business "+what, of(func(s *warden.ScorecardSide) float64 { return q(s).P90Business }, size))
		}
	}
	quantiles("acknowledgement", "hours", func(s *warden.ScorecardSide) warden.Quantile { return s.AckHours }, true)
	add("answer", "answered in full", n(func(s *warden.ScorecardSide) int { return s.Answered }))
	add("answer", "on time", n(func(s *warden.ScorecardSide) int { return s.AnswerOnTime }))
	add("answer", "due", n(func(s *warden.ScorecardSide) int { return s.AnswerDue }))
	add("answer", "on time %", of(func(s *warden.ScorecardSide) float64 { return s.AnswerOnTimePct }, func(s *warden.ScorecardSide) int { return s.AnswerDue }))
	add("answer", "on time by the first deadline", n(func(s *warden.ScorecardSide) int { return s.AnswerOnTimeOriginal }))
	add("answer", "due by the first deadline", n(func(s *warden.ScorecardSide) int { return s.AnswerDueOriginal }))
	add("answer", "on time by the first deadline %", of(func(s *warden.ScorecardSide) float64 { return s.AnswerOnTimeOriginalPct },
		func(s *warden.ScorecardSide) int { return s.AnswerDueOriginal }))
	quantiles("answer", "hours", func(s *warden.ScorecardSide) warden.Quantile { return s.AnswerHours }, true)
	add("answer", "late answers", n(func(s *warden.ScorecardSide) int { return s.MissedByHours.N }))
	quantiles("answer", "hours late", func(s *warden.ScorecardSide) warden.Quantile { return s.MissedByHours }, false)
	add("extensions", "asked", n(func(s *warden.ScorecardSide) int { return s.ExtensionsAsked }))
	add("extensions", "granted", n(func(s *warden.ScorecardSide) int { return s.ExtensionsGranted }))
	reviews := func(s *warden.ScorecardSide) int { return s.Quality.N }
	add("quality", "reviews", n(func(s *warden.ScorecardSide) int { return s.Quality.N }))
	add("quality", "completeness", of(func(s *warden.ScorecardSide) float64 { return s.Quality.Completeness }, reviews))
	add("quality", "accuracy", of(func(s *warden.ScorecardSide) float64 { return s.Quality.Accuracy }, reviews))
	add("quality", "actionability", of(func(s *warden.ScorecardSide) float64 { return s.Quality.Actionability }, reviews))
	add("quality", "timeliness of updates", of(func(s *warden.ScorecardSide) float64 { return s.Quality.Updates }, reviews))
	add("quality", "overall", of(func(s *warden.ScorecardSide) float64 { return s.Quality.Overall }, reviews))
	for _, r := range warden.RefusalReasons {
		add("refusals", string(r), n(func(s *warden.ScorecardSide) int { return s.Refusals[r] }))
	}
	for _, u := range warden.Uses {
		add("uses", string(u), n(func(s *warden.ScorecardSide) int { return s.Uses[u] }))
	}
	for _, p := range warden.Priorities {
		add("priority", string(p), n(func(s *warden.ScorecardSide) int { return s.ByPriority[p] }))
	}
	for _, st := range warden.RequestStatuses {
		add("status", string(st), n(func(s *warden.ScorecardSide) int { return s.ByStatus[st] }))
	}
	return out
}

// caseState says where a priority case stands in one cell: its status,
// overdue or not, when it was sent and when its answer is due.
func caseState(c warden.ScorecardCase) string {
	s := string(c.Status)
	if c.Overdue {
		s += "; overdue"
	}
	if c.SentAt != nil {
		s += "; sent " + c.SentAt.UTC().Format(time.DateOnly)
	}
	if c.AnswerDue != nil {
		s += "; answer due " + c.AnswerDue.UTC().Format(time.DateOnly)
	}
	return s
}

// WriteCSV writes sc as CSV a spreadsheet takes: a header (section,
// figure, outgoing, incoming), the period, one row per figure, then one
// row per priority case (its reference, and where it stands in its
// direction's column). Every cell goes through csvsafe: a reference is
// the requester's text.
func WriteCSV(w io.Writer, sc warden.Scorecard) error {
	cw := csvsafe.NewWriter(w)
	both := func(name, v string) []string { return []string{"scorecard", name, v, v} }
	rows := [][]string{{"section", "figure", "outgoing", "incoming"},
		both("org", sc.Org), both("from", sc.From.UTC().Format(time.RFC3339)), both("to", sc.To.UTC().Format(time.RFC3339)),
		both("generated", sc.Generated.UTC().Format(time.RFC3339))}
	for _, f := range figures(sc) {
		rows = append(rows, []string{f.Section, f.Name, f.Outgoing, f.Incoming})
	}
	for _, c := range sc.PriorityCases {
		row := []string{"priority cases", c.Reference, "", ""}
		if c.Direction == warden.Incoming {
			row[3] = caseState(c)
		} else {
			row[2] = caseState(c)
		}
		rows = append(rows, row)
	}
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// reportPage is the printable report: an A4 page (or more) with print
// CSS and nothing fetched from elsewhere.
var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"day":  func(t time.Time) string { return t.UTC().Format("2 January 2006") },
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"date": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	},
	// pct is a percentage of due requests, n/a when none was due.
	"pct": func(v float64, due int) string {
		if due == 0 {
			return "n/a"
		}
		return strconv.FormatFloat(v, 'f', 1, 64) + " %"
	},
	// of is a figure of n values (hours, ratings), – when there were none.
	"of": func(v float64, n int) string {
		if n == 0 {
			return "–"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Cooperation scorecard: {{.SC.Org}}, {{day .SC.From}} to {{day .SC.To}}</title>
<style>
@page { size: A4; margin: 15mm; }
body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 180mm; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
p.period { margin: 0 0 4mm; color: #333; }
table { border-collapse: collapse; width: 100%; page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 1mm 2mm; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tbody th { background: #eee; }
.headline td { font-size: 13pt; font-weight: bold; }
.chart { page-break-inside: avoid; margin: 4mm 0; }
.chart svg { width: 100%; height: auto; }
.overdue { color: #a00; font-weight: bold; }
footer { margin-top: 6mm; font-size: 8pt; color: #555; }
@media print { h2 { page-break-after: avoid; } }
</style>
</head>
<body>
<h1>Cooperation scorecard: {{.SC.Org}}</h1>
<p class="period">Requests sent from {{when .SC.From}} up to {{when .SC.To}} (excluded). Outgoing: our requests, answered by {{.SC.Org}}. Incoming: {{.SC.Org}}'s requests, answered by us.</p>

<h2>Headline</h2>
<table class="headline">
<tr><th></th><th>Outgoing (they answer)</th><th>Incoming (we answer)</th></tr>
<tr><th>Requests</th><td class="n">{{.SC.Outgoing.Requests}}</td><td class="n">{{.SC.Incoming.Requests}}</td></tr>
<tr><th>Acknowledged on time</th><td class="n">{{pct .SC.Outgoing.AckOnTimePct .SC.Outgoing.AckDue}}</td><td class="n">{{pct .SC.Incoming.AckOnTimePct .SC.Incoming.AckDue}}</td></tr>
<tr><th>Answered on time</th><td class="n">{{pct .SC.Outgoing.AnswerOnTimePct .SC.Outgoing.AnswerDue}}</td><td class="n">{{pct .SC.Incoming.AnswerOnTimePct .SC.Incoming.AnswerDue}}</td></tr>
<tr><th>Answered on time, first deadline</th><td class="n">{{pct .SC.Outgoing.AnswerOnTimeOriginalPct .SC.Outgoing.AnswerDueOriginal}}</td><td class="n">{{pct .SC.Incoming.AnswerOnTimeOriginalPct .SC.Incoming.AnswerDueOriginal}}</td></tr>
<tr><th>Median hours to answer</th><td class="n">{{of .SC.Outgoing.AnswerHours.MedianCalendar .SC.Outgoing.AnswerHours.N}}</td><td class="n">{{of .SC.Incoming.AnswerHours.MedianCalendar .SC.Incoming.AnswerHours.N}}</td></tr>
<tr><th>Mean quality (1-5)</th><td class="n">{{of .SC.Outgoing.Quality.Overall .SC.Outgoing.Quality.N}}</td><td class="n">{{of .SC.Incoming.Quality.Overall .SC.Incoming.Quality.N}}</td></tr>
<tr><th>Open, of which overdue</th><td class="n">{{.SC.Outgoing.Open}}, {{.SC.Outgoing.Overdue}}</td><td class="n">{{.SC.Incoming.Open}}, {{.SC.Incoming.Overdue}}</td></tr>
</table>
<p>Percentages are of the requests whose deadline has passed or that met it (n/a: none was due); hours are calendar hours unless marked business.</p>

<div class="chart">{{.SVG}}</div>

<h2>Refusals</h2>
{{if .Refusals}}<table>
<tr><th>Reason</th><th>Outgoing (they refused)</th><th>Incoming (we refused)</th></tr>
{{range .Refusals}}<tr><td>{{.Name}}</td><td class="n">{{.Outgoing}}</td><td class="n">{{.Incoming}}</td></tr>
{{end}}</table>{{else}}<p>None.</p>{{end}}

<h2>Priority cases</h2>
{{if .SC.PriorityCases}}<table>
<tr><th>Reference</th><th>Direction</th><th>Type</th><th>Priority</th><th>Status</th><th>Sent</th><th>Answer due</th></tr>
{{range .SC.PriorityCases}}<tr><td>{{.Reference}}</td><td>{{.Direction}}</td><td>{{.Type}}</td><td>{{.Priority}}</td><td{{if .Overdue}} class="overdue"{{end}}>{{.Status}}{{if .Overdue}}, overdue{{end}}</td><td>{{date .SentAt}}</td><td>{{date .AnswerDue}}</td></tr>
{{end}}</table>{{else}}<p>None.</p>{{end}}

<h2>All figures</h2>
<table>
<tr><th>Figure</th><th>Outgoing</th><th>Incoming</th></tr>
{{range .Sections}}<tbody><tr><th colspan="3">{{.Name}}</th></tr>
{{range .Figures}}<tr><td>{{.Name}}</td><td class="n">{{.Outgoing}}</td><td class="n">{{.Incoming}}</td></tr>
{{end}}</tbody>
{{end}}</table>

<footer>Generated {{when .SC.Generated}} by Warden. Times measured by the request clock; business hours in the requested side's calendar.</footer>
</body>
</html>
`))

// WriteHTML writes sc as a printable report for a dialogue: headline
// figures, the chart inline, the refusals, the priority cases, every
// figure, and when it was generated. svg is what ScorecardSVG wrote for
// sc, put in the page as it is: it must come from there, never from
// outside. The page is self-contained: styles inline, print CSS
// for A4, no script, nothing fetched.
func WriteHTML(w io.Writer, sc warden.Scorecard, svg []byte) error {
	type section struct {
		Name    string
		Figures []figure
	}
	var sections []section
	var refusals []figure
	for _, f := range figures(sc) {
		if n := len(sections); n == 0 || sections[n-1].Name != f.Section {
			sections = append(sections, section{Name: f.Section})
		}
		sections[len(sections)-1].Figures = append(sections[len(sections)-1].Figures, f)
		if f.Section == "refusals" && (f.Outgoing != "0" || f.Incoming != "0") {
			refusals = append(refusals, f)
		}
	}
	var b bytes.Buffer
	err := reportPage.Execute(&b, struct {
		SC       warden.Scorecard
		SVG      template.HTML
		Sections []section
		Refusals []figure
	}{sc, template.HTML(svg), sections, refusals})
	if err != nil {
		return fmt.Errorf("scorecard report: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}
