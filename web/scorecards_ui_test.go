package web

import (
	"testing"

	"warden"
)

// TestScorecardHeadline: an on-time figure is a percentage of the
// requests its deadline was due for, "–" when none was (two requests sent,
// no deadline passed yet), 0 % only when one was due and missed.
func TestScorecardHeadline(t *testing.T) {
	sc := warden.Scorecard{
		Outgoing: warden.ScorecardSide{Requests: 2},
		Incoming: warden.ScorecardSide{Requests: 3, AckDue: 1, AnswerDue: 2, AnswerOnTime: 1, AnswerOnTimePct: 50, AnswerDueOriginal: 2},
	}
	want := map[string][2]string{
		"ack-on-time":             {"–", "0.0% (0)"},
		"answer-on-time":          {"–", "50.0% (1)"},
		"answer-on-time-original": {"–", "0.0% (0)"},
		"answer-hours":            {"–", "–"},
	}
	for _, r := range headline(sc) {
		if w, ok := want[r.ID]; ok && (r.Out != w[0] || r.In != w[1]) {
			t.Errorf("%s: %q | %q, want %q | %q", r.ID, r.Out, r.In, w[0], w[1])
		}
	}
}
