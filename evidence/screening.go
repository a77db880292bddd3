package evidence

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"warden"
)

// Channels in words, as the evidence names them.
var channelWords = map[string]string{
	warden.ChannelUI:    "the screening page (web)",
	warden.ChannelAPI:   "the screening API (POST /v1/screen)",
	warden.ChannelBatch: "the batch screening API (POST /v1/screen/batch)",
	warden.ChannelMatch: "the yente-compatible matching API (POST /match)",
	warden.ChannelCLI:   "the command line (warden screen)",
}

// ChannelWords says how a screening came in, in words.
func ChannelWords(channel string) string {
	if w, ok := channelWords[channel]; ok {
		return w
	}
	return channel
}

// ListDate is a searched list's date in words: its own date (and the
// version it was stated for, when an earlier one), or that it has none.
func ListDate(l warden.ScreenedList) string {
	switch {
	case l.Date == "":
		return "none given"
	case l.DateVersion != 0:
		return fmt.Sprintf("%s (stated for version %d)", l.Date, l.DateVersion)
	}
	return l.Date
}

// stamp is a time to the minute in UTC, or "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// QueryWords is a query's fields as label and value, the empty ones left
// out.
func QueryWords(q warden.ScreeningQuery) [][2]string {
	lists := "every list"
	if len(q.Lists) > 0 {
		lists = strings.Join(q.Lists, ", ")
	}
	return [][2]string{
		{"Names", strings.Join(q.Names, "; ")},
		{"Type", q.Schema},
		{"Birth dates", strings.Join(q.BirthDates, ", ")},
		{"Countries", strings.Join(q.Countries, ", ")},
		{"Gender", q.Gender},
		{"Wallets", strings.Join(q.Wallets, ", ")},
		{"Identifiers", strings.Join(q.IDs, ", ")},
		{"Lists searched", lists},
	}
}

// Summary is a screening's result in one sentence.
func Summary(sc warden.Screening) string {
	if sc.Hits == 0 {
		return fmt.Sprintf("No hit in %s.", queries(sc.Queries))
	}
	return fmt.Sprintf("%d hit%s in %s, %d at or above the threshold %.2f (a match); best score %.3f.",
		sc.Hits, plural(sc.Hits), queries(sc.Queries), sc.Matches, sc.Threshold, sc.BestScore)
}

func queries(n int) string {
	if n == 1 {
		return "the query"
	}
	return strconv.Itoa(n) + " queries"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ScreeningPDF writes the evidence of a screening as a PDF: who searched,
// when, how, for what, against which list versions (name, version, date)
// and what came back, each hit with its explanation; for a batch, a line
// per query. now is when the document is produced.
func ScreeningPDF(w io.Writer, sc warden.Screening, now time.Time) error {
	title := fmt.Sprintf("Screening evidence: screening %d", sc.ID)
	d := newDoc(title, fmt.Sprintf("Screening %d", sc.ID), false, now)
	d.para("This document records a search made in Warden against sanctions lists: who made it, when, what was asked, " +
		"which versions of which lists were searched, and what the search found. It is drawn from the record Warden keeps of every screening.")
	d.heading("The search")
	limit := "the default"
	if sc.Limit > 0 {
		limit = strconv.Itoa(sc.Limit)
	}
	d.fields([][2]string{
		{"When", sc.Time.UTC().Format("2006-01-02 15:04:05") + " UTC"},
		{"Who", fmt.Sprintf("%s (%s, role %s)", sc.Actor, sc.ActorKind, sc.Role)},
		{"How", ChannelWords(sc.Channel)},
		{"Match threshold", fmt.Sprintf("%.2f", sc.Threshold)},
		{"Hits per query", limit},
		{"Queries", strconv.Itoa(sc.Queries)},
		{"Record digest", "SHA-256 " + sc.Digest + " (also in the audit log's event for this screening)"},
	})
	d.heading("Lists searched")
	rows := make([][]string, len(sc.Lists))
	for i, l := range sc.Lists {
		rows[i] = []string{l.List, strconv.Itoa(l.Version), ListDate(l), stamp(l.Imported), stamp(l.Checked)}
	}
	d.table([]string{"List", "Version", "List date", "Imported into Warden", "Last checked unchanged"}, []float64{2.5, 1.2, 2.6, 2.6, 2.6}, rows, 9)
	if len(sc.Items) == 1 {
		d.heading("What was asked")
		d.fields(QueryWords(sc.Items[0].Query))
	} else {
		d.heading(fmt.Sprintf("What was asked: %d queries", len(sc.Items)))
		rows := make([][]string, len(sc.Items))
		for i, it := range sc.Items {
			q := it.Query
			best := ""
			if it.Hits > 0 {
				best = fmt.Sprintf("%.3f %s %s", it.BestScore, it.BestID, it.BestName)
			}
			rows[i] = []string{it.Pos, strings.Join(q.Names, "; "), strings.Join(q.BirthDates, ", "), strings.Join(q.Countries, ", "),
				strings.Join(append(append([]string{}, q.Wallets...), q.IDs...), ", "), strconv.Itoa(it.Hits), yesNo(it.Match), best}
		}
		d.table([]string{"Query", "Names", "Birth date", "Country", "Wallets, identifiers", "Hits", "Match", "Best hit (score, party, name)"},
			[]float64{1.4, 3.2, 1.4, 1.1, 2, 0.8, 0.9, 4}, rows, 7.5)
	}
	d.heading("What was found")
	d.para(Summary(sc))
	if len(sc.Top) > 0 {
		if sc.Queries > 1 {
			d.para(fmt.Sprintf("The best %d hits over all the queries, with why each scored as it did:", len(sc.Top)))
		}
		rows := make([][]string, len(sc.Top))
		for i, h := range sc.Top {
			name := h.Name
			if sc.Queries > 1 && h.Item < len(sc.Items) {
				name += " (query " + sc.Items[h.Item].Pos + ")"
			}
			rows[i] = []string{fmt.Sprintf("%.3f", h.Score), yesNo(h.Match), h.EntityID, name, strings.Join(h.Programs, ", "), h.Explanation}
		}
		d.table([]string{"Score", "Match", "Listed party", "Name", "Programs", "Why (explanation)"}, []float64{1, 0.9, 1.8, 3, 1.5, 5.5}, rows, 7.5)
	}
	return d.write(w)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
