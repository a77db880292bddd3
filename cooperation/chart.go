package cooperation

import (
	"bytes"
	"fmt"
	"io"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"warden"
)

// The chart's size in SVG user units: two charts one above the other.
const (
	chartWidth  = 900
	chartHeight = 340
)

// Bar colours: the counterpart answering the authority (outgoing) and the
// authority answering the counterpart (incoming), the same in both charts,
// as their titles say.
var (
	outgoingColour = drawing.ColorFromHex("1f5f99")
	incomingColour = drawing.ColorFromHex("c0731a")
)

// ScorecardSVG draws the scorecard's charts as one SVG document, rendered
// on the server with go-chart (no script): timeliness (acknowledged on
// time, answered on time as extended and by the original deadline, in
// percent, both directions) above quality (the mean score per criterion
// and overall, 1 to 5, both directions). Every bar's label carries its
// figure, so that a printed chart needs no scale to be read. The same
// scorecard always gives the same bytes.
func ScorecardSVG(sc warden.Scorecard, w io.Writer) error {
	pct := func(label string, v float64, due int, c drawing.Color) chart.Value {
		text := fmt.Sprintf("%s %.1f%%", label, v)
		if due == 0 {
			text = label + " n/a" // none was due: not 0 %
		}
		return chart.Value{Label: text, Value: v, Style: chart.Style{FillColor: c, StrokeColor: c}}
	}
	score := func(label string, q warden.QualityAverage, v float64, c drawing.Color) chart.Value {
		text := fmt.Sprintf("%s %.2f", label, v)
		if q.N == 0 {
			text = label + " none"
		}
		return chart.Value{Label: text, Value: v, Style: chart.Style{FillColor: c, StrokeColor: c}}
	}
	o, i := sc.Outgoing, sc.Incoming
	timeliness := bars("Timeliness, % on time (blue: their answers to us; orange: ours to them)", 100, []chart.Value{
		pct("Them: acknowledged", o.AckOnTimePct, o.AckDue, outgoingColour),
		pct("Them: answered", o.AnswerOnTimePct, o.AnswerDue, outgoingColour),
		pct("Them: by first deadline", o.AnswerOnTimeOriginalPct, o.AnswerDueOriginal, outgoingColour),
		pct("Us: acknowledged", i.AckOnTimePct, i.AckDue, incomingColour),
		pct("Us: answered", i.AnswerOnTimePct, i.AnswerDue, incomingColour),
		pct("Us: by first deadline", i.AnswerOnTimeOriginalPct, i.AnswerDueOriginal, incomingColour),
	})
	var quality []chart.Value
	for _, side := range []struct {
		who string
		q   warden.QualityAverage
		c   drawing.Color
	}{{"Them", o.Quality, outgoingColour}, {"Us", i.Quality, incomingColour}} {
		quality = append(quality,
			score(side.who+": complete", side.q, side.q.Completeness, side.c),
			score(side.who+": accurate", side.q, side.q.Accuracy, side.c),
			score(side.who+": actionable", side.q, side.q.Actionability, side.c),
			score(side.who+": updates", side.q, side.q.Updates, side.c),
			score(side.who+": overall", side.q, side.q.Overall, side.c))
	}
	qualityChart := bars("Quality, mean rating 1-5 (blue: their answers; orange: ours)", 5, quality)

	var top, bottom bytes.Buffer
	if err := timeliness.Render(chart.SVG, &top); err != nil {
		return fmt.Errorf("timeliness chart: %w", err)
	}
	if err := qualityChart.Render(chart.SVG, &bottom); err != nil {
		return fmt.Errorf("quality chart: %w", err)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="Scorecard charts: timeliness and quality">`,
		chartWidth, 2*chartHeight)
	out.Write(nest(top.Bytes(), 0))
	out.Write(nest(bottom.Bytes(), chartHeight))
	out.WriteString(`</svg>`)
	_, err := w.Write(out.Bytes())
	return err
}

// bars is a bar chart of values on a fixed range from 0 to max, ticked
// in fifths, so that the bars of two scorecards compare; the bars share
// the width and the labels (two or three lines) fit below them.
func bars(title string, max float64, values []chart.Value) chart.BarChart {
	ticks := make([]chart.Tick, 6)
	for k := range ticks {
		v := max * float64(k) / 5
		ticks[k] = chart.Tick{Value: v, Label: fmt.Sprintf("%g", v)}
	}
	const spacing = 16
	return chart.BarChart{
		Title:      title,
		TitleStyle: chart.Style{FontSize: 11},
		Width:      chartWidth,
		Height:     chartHeight,
		Background: chart.Style{Padding: chart.Box{Top: 40, Left: 10, Right: 10, Bottom: 50}},
		BarWidth:   (chartWidth-80)/len(values) - spacing,
		BarSpacing: spacing,
		XAxis:      chart.Style{FontSize: 8},
		YAxis:      chart.YAxis{Range: &chart.ContinuousRange{Min: 0, Max: max}, Ticks: ticks},
		Bars:       values,
	}
}

// nest turns a chart's own <svg> element into one placed at y in the
// outer document, with its size, so the two charts stack.
func nest(svg []byte, y int) []byte {
	open := bytes.IndexByte(svg, '>')
	return append([]byte(fmt.Sprintf(`<svg x="0" y="%d" width="%d" height="%d" viewBox="0 0 %d %d">`, y, chartWidth, chartHeight, chartWidth, chartHeight)),
		svg[open+1:]...)
}
