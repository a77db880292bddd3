package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"warden"
	"warden/evidence/pdftext"
	"warden/store"
	"warden/store/storetest"
)

// TestScreeningEvidence screens through every channel of the server (the
// API, a batch, the yente /match API and the screening page's form) and
// finds each recorded with who, how, the query and the list version with
// its date; a screener sees their own records only, others' are not
// found; an auditor sees all; the evidence page and the PDF name the list
// version and its date.
func TestScreeningEvidence(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		screener := p.tokens[warden.RoleScreener]
		idOf := func(t *testing.T, resp *http.Response) int64 {
			t.Helper()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			var m struct {
				Screening int64 `json:"screening_id"`
			}
			if json.Unmarshal(b, &m); m.Screening == 0 {
				if g := regexp.MustCompile(`/screenings/(\d+)`).FindSubmatch(b); g != nil {
					fmt.Sscan(string(g[1]), &m.Screening)
				}
			}
			if m.Screening == 0 {
				t.Fatalf("no screening id in %s", b)
			}
			return m.Screening
		}
		tests := []struct {
			channel string
			call    func() *http.Response
			queries int
			name    string
		}{
			{warden.ChannelAPI, func() *http.Response {
				return p.do(t, "POST", "/v1/screen", screener, "application/json", `{"name": "Maksim Yakubets", "birth_date": "1987", "country": "RU", "threshold": 0.8}`)
			}, 1, "Maksim Yakubets"},
			{warden.ChannelBatch, func() *http.Response {
				return p.do(t, "POST", "/v1/screen/batch", screener, "application/json", `{"queries": [{"name": "Yakubets Maksim"}, {"name": "Nobody Here", "wallet": "bc1qxyz"}]}`)
			}, 2, "Yakubets Maksim"},
			{warden.ChannelMatch, func() *http.Response {
				return p.do(t, "POST", "/match/default", screener, "application/json", `{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Maxim Yakubets"]}}}}`)
			}, 1, "Maxim Yakubets"},
			{warden.ChannelUI, func() *http.Response {
				return p.do(t, "POST", "/screen", screener, "application/x-www-form-urlencoded", url.Values{"name": {"Maksim Yakubets"}, "country": {"RU"}}.Encode())
			}, 1, "Maksim Yakubets"},
		}
		var ids []int64
		for _, tc := range tests {
			id := idOf(t, tc.call())
			ids = append(ids, id)
			var sc warden.Screening
			if code := p.call(t, "GET", fmt.Sprintf("/v1/screenings/%d", id), screener, "", &sc); code != http.StatusOK {
				t.Fatalf("%s: GET screening %d: %d", tc.channel, id, code)
			}
			if sc.Channel != tc.channel || sc.Actor != "t-screener" || sc.Role != warden.RoleScreener || sc.Queries != tc.queries || sc.Items[0].Query.Names[0] != tc.name {
				t.Errorf("%s: record %+v", tc.channel, sc)
			}
			if len(sc.Lists) != 1 || sc.Lists[0].List != "ofac" || sc.Lists[0].Version != 1 || sc.Lists[0].Date != "2024-07-02" {
				t.Errorf("%s: lists %+v", tc.channel, sc.Lists)
			}
			if sc.Items[0].BestID != "ofac:26663" || len(sc.Top) == 0 || sc.Top[0].Explanation == "" {
				t.Errorf("%s: results %+v top %+v", tc.channel, sc.Items[0], sc.Top)
			}
		}

		// Who sees what.
		list := func(role warden.Role, query string) []int64 {
			var out struct{ Screenings []warden.Screening }
			if code := p.call(t, "GET", "/v1/screenings"+query, p.tokens[role], "", &out); code != http.StatusOK {
				t.Fatalf("%s lists screenings: %d", role, code)
			}
			var got []int64
			for _, s := range out.Screenings {
				got = append(got, s.ID)
			}
			return got
		}
		newest := []int64{ids[3], ids[2], ids[1], ids[0]}
		seen := []struct {
			role  warden.Role
			query string
			want  []int64
			one   int
		}{
			{warden.RoleScreener, "", newest, http.StatusOK},
			{warden.RoleAnalyst, "", nil, http.StatusNotFound},
			{warden.RoleAuditor, "", newest, http.StatusOK},
			{warden.RoleAdmin, "?actor=t-screener&channel=batch", []int64{ids[1]}, http.StatusOK},
			{warden.RoleAnalyst, "?actor=t-screener", nil, http.StatusNotFound}, // the actor filter does not widen one's own
			{warden.RoleScreener, "?name=MAXIM", []int64{ids[2]}, http.StatusOK},
			{warden.RoleScreener, "?limit=2&before=" + fmt.Sprint(ids[2]), []int64{ids[1], ids[0]}, http.StatusOK},
		}
		for _, tc := range seen {
			if got := list(tc.role, tc.query); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s GET /v1/screenings%s: %v, want %v", tc.role, tc.query, got, tc.want)
			}
			if code := p.call(t, "GET", fmt.Sprintf("/v1/screenings/%d", ids[0]), p.tokens[tc.role], "", nil); code != tc.one {
				t.Errorf("%s GET another's screening: %d, want %d", tc.role, code, tc.one)
			}
		}
		if code := p.call(t, "GET", "/v1/screenings?channel=fax", screener, "", nil); code != http.StatusBadRequest {
			t.Errorf("unknown channel: %d", code)
		}

		// The evidence page and the PDF name the list version and its date.
		code, page := p.get(t, warden.RoleScreener, fmt.Sprintf("/screenings/%d", ids[0]))
		if code != http.StatusOK || !strings.Contains(page, "2024-07-02") || !strings.Contains(page, "Maksim Yakubets") || !strings.Contains(page, "YAKUBETS") {
			t.Errorf("evidence page: %d\n%s", code, page)
		}
		if code, page := p.get(t, warden.RoleScreener, "/screenings?channel=batch"); code != http.StatusOK || !strings.Contains(page, fmt.Sprintf(`href="/screenings/%d"`, ids[1])) || strings.Contains(page, fmt.Sprintf(`href="/screenings/%d"`, ids[0])) {
			t.Errorf("screenings page: %d\n%s", code, page)
		}
		resp := p.do(t, "GET", fmt.Sprintf("/v1/screenings/%d/pdf", ids[1]), p.tokens[warden.RoleAuditor], "", "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		text, err := pdftext.Text(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{fmt.Sprintf("screening %d", ids[1]), "ofac", "2024-07-02", "Nobody Here", "bc1qxyz", "t-screener"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
	})
}
