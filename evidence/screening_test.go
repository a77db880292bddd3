package evidence_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/evidence"
	"warden/evidence/pdftext"
)

// TestScreeningPDF writes the evidence of a single search and of a batch
// and reads the text back: a valid PDF naming the lists with their
// versions and dates, who, when, the query and each hit with its
// explanation, in Cyrillic too.
func TestScreeningPDF(t *testing.T) {
	at := time.Date(2026, 11, 30, 7, 5, 0, 0, time.UTC)
	lists := []warden.ScreenedList{{List: "ofac", Version: 7, Date: "2024-07-02", Imported: at.Add(-time.Hour)}, {List: "un", Version: 3}}
	single := warden.Screening{ID: 41, Time: at, Actor: "alice", ActorKind: "user", Role: warden.RoleScreener, Channel: warden.ChannelUI,
		Threshold: 0.8, Queries: 1, Hits: 1, Matches: 1, BestScore: 0.97, Digest: "abc123", Lists: lists,
		Items: []warden.ScreeningItem{{Query: warden.ScreeningQuery{Names: []string{"Максим Якубец"}, BirthDates: []string{"1987-05-20"}, Countries: []string{"RU"}}, Hits: 1, BestScore: 0.97, Match: true, BestID: "ofac:26663"}},
		Top:   []warden.ScreeningHit{{EntityID: "ofac:26663", Name: "YAKUBETS, Maksim Viktorovich", Programs: []string{"CYBER2"}, Score: 0.97, Match: true, Explanation: `name "maksim yakubets" against listed "yakubets maksim": 0.97`}}}
	batch := single
	batch.ID, batch.Channel, batch.Queries = 42, warden.ChannelBatch, 300
	batch.Items = nil
	for i := range 300 {
		batch.Items = append(batch.Items, warden.ScreeningItem{Pos: "line " + string(rune('0'+i%10)), Query: warden.ScreeningQuery{Names: []string{"Person number " + strings.Repeat("x", i%40)}}})
	}
	tests := []struct {
		name string
		sc   warden.Screening
		want []string
	}{
		{"single", single, []string{"Screening evidence: screening 41", "alice (user, role screener)", "the screening page (web)", "2026-11-30 07:05:00 UTC",
			"ofac", "7", "2024-07-02", "un", "3", "none given", "Максим Якубец", "1987-05-20", "RU", "ofac:26663", "YAKUBETS, Maksim Viktorovich", "CYBER2", "against listed", "0.970", "abc123"}},
		{"batch", batch, []string{"Screening evidence: screening 42", "300 queries", "the batch screening API", "ofac", "2024-07-02", "line 9", "Person number", "page 1 of", "page 2 of"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := evidence.ScreeningPDF(&b, tc.sc, at); err != nil {
				t.Fatal(err)
			}
			text, err := pdftext.Text(b.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			// Lines wrap: the words are looked for with the line breaks as spaces.
			flat := strings.Join(strings.Fields(text), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, w) && !strings.Contains(flat, w) {
					t.Errorf("the PDF lacks %q; its text:\n%s", w, text)
				}
			}
		})
	}
}

// TestPDFTextRefusesOther: the check fails on what is not a PDF.
func TestPDFTextRefusesOther(t *testing.T) {
	if _, err := pdftext.Text([]byte("<html>not a pdf</html>")); err == nil {
		t.Error("HTML taken for a PDF")
	}
}
