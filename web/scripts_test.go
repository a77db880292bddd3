package web

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestScreenAnyInput sends the names issue 15's readers must survive —
// scripts mixed in one name, combining marks piled on a letter, zero-width
// and bidirectional characters, Hangul, Thai, Hebrew and kana, names at and
// past the length limit — to POST /v1/screen: each gets an answer (200 with
// hits, or none) or a 400 naming what is wrong, never a 500. A typing slip
// and a Cyrillic spelling of the listed party still find it.
func TestScreenAnyInput(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		screener := p.tokens[warden.RoleScreener]
		marks := "a" + strings.Repeat("\u0301\u0308\u0323", 300) // 901 characters
		mixed := string([]rune(strings.Repeat("김영철ทักษิณשלוםმარიამ", 100))[:1000])
		for _, tc := range []struct {
			what, name string
			status     int
			match      bool   // the listed party is a match
			want       string // in the body of a 400
		}{
			{"swapped letters", "Maksim Yakbuets", 200, true, ""},
			{"Cyrillic", "Максим Якубец", 200, true, ""},
			{"zero-width inside", "Mak\u200dsim Yaku\u200cbets\ufeff", 200, true, ""},
			{"scripts mixed in a word", "Yaku벳ets ма́ксим", 200, false, ""},
			{"combining marks piled up", marks, 200, false, ""},
			{"Hangul", "김영철", 200, false, ""},
			{"Thai", "ทักษิณ ชินวัตร", 200, false, ""},
			{"Hebrew with points", "בִּנְיָמִין נְתַנְיָהוּ", 200, false, ""},
			{"kana", "ウラジーミル・プーチン", 200, false, ""},
			{"every script at the limit", mixed, 200, false, ""},
			{"past the limit", mixed + "a", 400, false, "limit is 1000"},
			{"10,000 characters", strings.Repeat("ทักษิณ ", 1430), 400, false, "limit is 1000"},
			{"bidi override", "Maksim \u202eYakubets", 400, false, "U+202E"},
		} {
			body, _ := json.Marshal(map[string]string{"name": tc.name})
			resp := p.do(t, "POST", "/v1/screen", screener, "application/json", string(body))
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Errorf("%s: %d %.300s; want %d", tc.what, resp.StatusCode, b, tc.status)
				continue
			}
			if tc.status == 400 {
				if !strings.Contains(string(b), tc.want) {
					t.Errorf("%s: 400 %s; want it to say %q", tc.what, b, tc.want)
				}
				continue
			}
			var out struct {
				Hits []struct {
					SourceID string `json:"source_id"`
					Match    bool   `json:"match"`
				} `json:"hits"`
			}
			if err := json.Unmarshal(b, &out); err != nil {
				t.Errorf("%s: %v in %.300s", tc.what, err, b)
				continue
			}
			found := len(out.Hits) > 0 && out.Hits[0].SourceID == "26663" && out.Hits[0].Match
			if tc.match && !found {
				t.Errorf("%s: %s; want the listed party as a match", tc.what, b)
			}
			if !tc.match && found {
				t.Errorf("%s: %.300s; the listed party should not match", tc.what, b)
			}
		}
	})
}
