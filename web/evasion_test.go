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

// TestEvasionRefused requires a name holding a bidirectional override
// ("\u202estebukaY miskaM" shows as "Maksim Yakubets") to be refused with
// 400 naming the character, never cleared, for a screen, a payment and a
// customer alike; a customer import to report the row; a name written with
// a look-alike letter or a hidden character to be blocked like the plain
// name (its country corroborating it); and an impossible birth date to be
// refused.
func TestEvasionRefused(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		screener := p.tokens[warden.RoleScreener]
		const rlo = "\\u202estebukaY miskaM"
		for _, tc := range []struct {
			what, path, body string
			status           int
			want             string // in the body
		}{
			{"screen", "/v1/screen", `{"name":"` + rlo + `"}`, 400, "U+202E"},
			{"payment", "/v1/transactions", `{"reference":"e1","amount":{"currency":"USD","minor":500},"parties":[{"role":"beneficiary","name":"` + rlo + `"}]}`, 400, "U+202E"},
			{"customer", "/v1/customers", `{"id":"E1","name":"` + rlo + `"}`, 400, "U+202E"},
			{"impossible birth date", "/v1/transactions", `{"reference":"e2","amount":{"currency":"USD","minor":500},"parties":[{"role":"beneficiary","name":"John Smith","birth_date":"1990-02-30"}]}`, 400, "birth_date"},
			{"impossible month", "/v1/transactions", `{"reference":"e5","amount":{"currency":"USD","minor":500},"parties":[{"role":"beneficiary","name":"John Smith","birth_date":"1987-13-45"}]}`, 400, "parties[0].birth_date"},
			{"customer's impossible birth date", "/v1/customers", `{"id":"E3","name":"John Smith","birth_date":"1987-02-30"}`, 400, "birth_date"},
			{"look-alike letter", "/v1/transactions", `{"reference":"e3","amount":{"currency":"USD","minor":500},"parties":[{"role":"beneficiary","name":"Maksim Y\u0430kubets","country":"RU"}]}`, 200, `"blocked"`},
			{"hidden character", "/v1/customers", `{"id":"E2","name":"Maksim Yaku\u200bbets","country":"RU"}`, 201, `"blocked"`},
			{"spelt out", "/v1/transactions", `{"reference":"e4","amount":{"currency":"USD","minor":500},"parties":[{"role":"beneficiary","name":"M.a.k.s.i.m Y.a.k.u.b.e.t.s","country":"RU"}]}`, 200, `"blocked"`},
		} {
			resp := p.do(t, "POST", tc.path, screener, "application/json", tc.body)
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
				t.Errorf("%s: %d %s; want %d with %s", tc.what, resp.StatusCode, b, tc.status, tc.want)
			}
			if tc.status == 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: error as %s", tc.what, resp.Header.Get("Content-Type"))
			}
		}

		csvBody := "id,name\nK1,Jane Doe\nK2,\u202estebukaY miskaM\n"
		resp := p.do(t, "POST", "/v1/customers/import", screener, "text/csv", csvBody)
		var imp struct {
			Rows []struct {
				Line     int
				Decision string
				Error    string
			}
		}
		b, _ := io.ReadAll(resp.Body)
		json.Unmarshal(b, &imp)
		if resp.StatusCode != 200 || len(imp.Rows) != 2 || imp.Rows[1].Line != 3 || !strings.Contains(imp.Rows[1].Error, "U+202E") || imp.Rows[1].Decision == "cleared" {
			t.Errorf("import: %d %s", resp.StatusCode, b)
		}
	})
}
