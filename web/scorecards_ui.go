package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/cooperation"
)

// The scorecard page: a counterpart's figures for a period, both
// directions side by side, with the chart drawn on the server, refusals,
// uses, priority cases, and links to the CSV and the printable report
// the dialogue reviews.

// scoreRow is one line of the headline table: a figure for each
// direction. ID names the line for tests and links.
type scoreRow struct {
	ID, Label string
	Out, In   string
}

// countRow is a count per direction, by a reason or use.
type countRow struct {
	Label   string
	Out, In int
}

// headline is the scorecard's figures as the table shows them.
func headline(sc warden.Scorecard) []scoreRow {
	o, i := sc.Outgoing, sc.Incoming
	n := func(v int) string { return fmt.Sprint(v) }
	pct := func(k int, v float64, of int) string {
		if of == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f%% (%d)", v, k)
	}
	hours := func(q warden.Quantile, business bool) string {
		if q.N == 0 {
			return "–"
		}
		if business {
			return fmt.Sprintf("%.2f / %.2f", q.MedianBusiness, q.P90Business)
		}
		return fmt.Sprintf("%.2f / %.2f", q.MedianCalendar, q.P90Calendar)
	}
	score := func(q warden.QualityAverage, v float64) string {
		if q.N == 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f", v)
	}
	return []scoreRow{
		{"requests", "Requests sent", n(o.Requests), n(i.Requests)},
		{"acknowledged", "Acknowledged", n(o.Acknowledged), n(i.Acknowledged)},
		{"ack-on-time", "Acknowledged on time", pct(o.AckOnTime, o.AckOnTimePct, o.AckDue), pct(i.AckOnTime, i.AckOnTimePct, i.AckDue)},
		{"answered", "Answered in full", n(o.Answered), n(i.Answered)},
		{"answer-on-time", "Answered on time (deadline as extended)", pct(o.AnswerOnTime, o.AnswerOnTimePct, o.AnswerDue), pct(i.AnswerOnTime, i.AnswerOnTimePct, i.AnswerDue)},
		{"answer-on-time-original", "Answered on time (first deadline)", pct(o.AnswerOnTimeOriginal, o.AnswerOnTimeOriginalPct, o.AnswerDueOriginal), pct(i.AnswerOnTimeOriginal, i.AnswerOnTimeOriginalPct, i.AnswerDueOriginal)},
		{"ack-hours", "Hours to acknowledge, median / p90", hours(o.AckHours, false), hours(i.AckHours, false)},
		{"ack-business-hours", "Business hours to acknowledge, median / p90", hours(o.AckHours, true), hours(i.AckHours, true)},
		{"answer-hours", "Hours to answer, median / p90", hours(o.AnswerHours, false), hours(i.AnswerHours, false)},
		{"answer-business-hours", "Business hours to answer, median / p90", hours(o.AnswerHours, true), hours(i.AnswerHours, true)},
		{"missed-by", "Late answers: hours late, median / p90", hours(o.MissedByHours, false), hours(i.MissedByHours, false)},
		{"reviews", "Answers rated", n(o.Quality.N), n(i.Quality.N)},
		{"completeness", "Quality: completeness (1-5)", score(o.Quality, o.Quality.Completeness), score(i.Quality, i.Quality.Completeness)},
		{"accuracy", "Quality: accuracy", score(o.Quality, o.Quality.Accuracy), score(i.Quality, i.Quality.Accuracy)},
		{"actionability", "Quality: actionability", score(o.Quality, o.Quality.Actionability), score(i.Quality, i.Quality.Actionability)},
		{"updates", "Quality: timeliness of updates", score(o.Quality, o.Quality.Updates), score(i.Quality, i.Quality.Updates)},
		{"overall", "Quality: overall", score(o.Quality, o.Quality.Overall), score(i.Quality, i.Quality.Overall)},
		{"open", "Open", n(o.Open), n(i.Open)},
		{"overdue", "Overdue", n(o.Overdue), n(i.Overdue)},
		{"extensions-asked", "Extensions asked", n(o.ExtensionsAsked), n(i.ExtensionsAsked)},
		{"extensions-granted", "Extensions granted", n(o.ExtensionsGranted), n(i.ExtensionsGranted)},
	}
}

// counts are the refusals by reason and the uses of answers, the rows
// with any.
func counts(sc warden.Scorecard) (refusals, uses []countRow) {
	for _, r := range warden.RefusalReasons {
		if o, i := sc.Outgoing.Refusals[r], sc.Incoming.Refusals[r]; o+i > 0 {
			refusals = append(refusals, countRow{englishT().Sprintf("refusal." + string(r)), o, i})
		}
	}
	for _, u := range warden.Uses {
		if o, i := sc.Outgoing.Uses[u], sc.Incoming.Uses[u]; o+i > 0 {
			uses = append(uses, countRow{englishT().Sprintf("use." + string(u)), o, i})
		}
	}
	return refusals, uses
}

// styleAttr is a style attribute as go-chart writes them.
var styleAttr = regexp.MustCompile(`style="([^"]*)"`)

// inlineSVG makes the chart fit to be written into a page: the page's
// Content-Security-Policy allows no inline style, so each style
// attribute's declarations (stroke, fill, font-size, font-family: all
// SVG presentation attributes) become attributes of their own.
func inlineSVG(svg []byte) template.HTML {
	out := styleAttr.ReplaceAllFunc(svg, func(m []byte) []byte {
		var b bytes.Buffer
		for i, decl := range strings.Split(string(styleAttr.FindSubmatch(m)[1]), ";") {
			name, value, ok := strings.Cut(decl, ":")
			if !ok {
				continue
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, `%s="%s"`, strings.TrimSpace(name), template.HTMLEscapeString(strings.TrimSpace(value)))
		}
		return b.Bytes()
	})
	return template.HTML(out)
}

// scorecardsPage shows a counterpart's scorecard (org; the first
// counterpart by default) for a period: period=quarter (the default),
// month or dialogue with at, or from and to.
func (s *Server) scorecardsPage(w http.ResponseWriter, r *http.Request) {
	// Not found for a counterpart, as the authority's other pages are;
	// forbidden to the authority's people without scorecards.read.
	err := counterpartOnly(r)
	if err == nil {
		_, err = warden.Authorize(r.Context(), warden.ActScorecardsRead)
	}
	var orgs []warden.Organisation
	if err == nil {
		orgs, err = s.counterparts(r)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	q := r.URL.Query()
	org := q.Get("org")
	if org == "" && len(orgs) > 0 {
		org = orgs[0].ID
	}
	if q.Get("period") == "" && q.Get("from") == "" && q.Get("to") == "" {
		q.Set("period", "quarter")
	}
	data := map[string]any{"Orgs": orgs, "Org": org, "Period": q.Get("period"), "From": q.Get("from"), "To": q.Get("to"), "At": q.Get("at"),
		"Periods": []string{"quarter", "month", "dialogue"}}
	v := view{Title: "Scorecards", Nav: "scorecards", Data: data}
	if org == "" {
		s.render(w, r, http.StatusOK, "scorecards", v)
		return
	}
	if !slices.ContainsFunc(orgs, func(o warden.Organisation) bool { return o.ID == org }) {
		err = warden.Errorf(warden.ENOTFOUND, "org: no counterpart organisation %q", org)
	}
	pr := r.Clone(r.Context())
	pr.URL.RawQuery = q.Encode()
	var from, to time.Time
	if err == nil {
		from, to, err = s.scorecardPeriod(pr, org)
	}
	var sc warden.Scorecard
	if err == nil {
		sc, err = s.Cooperation.Scorecard(r.Context(), org, from, to)
	}
	var chart bytes.Buffer
	if err == nil {
		err = cooperation.ScorecardSVG(sc, &chart)
	}
	if err != nil {
		status, _, detail := s.status(r, err)
		v.Error = detail
		s.render(w, r, status, "scorecards", v)
		return
	}
	refusals, uses := counts(sc)
	export := url.Values{"org": {org}, "from": {from.UTC().Format(time.RFC3339)}, "to": {to.UTC().Format(time.RFC3339)}}
	data["SC"], data["Rows"], data["Refusals"], data["Uses"], data["Chart"] = sc, headline(sc), refusals, uses, inlineSVG(chart.Bytes())
	export.Set("format", "csv")
	data["CSV"] = "/v1/scorecards?" + export.Encode()
	export.Set("format", "html")
	data["Report"] = "/v1/scorecards?" + export.Encode()
	s.render(w, r, http.StatusOK, "scorecards", v)
}
