package web

import (
	"context"
	"io"
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestEvasionNotCleared sends payments and customers whose listed party is
// written to look right on screen while differing underneath, as found by
// review: a listed wallet with invisible characters, look-alike letters,
// full-width forms, gaps or no 0x; a listed name spelt out in capitals with
// single spaces, run together, with Hangul fillers, bullets or slashes
// between its letters, or in small capitals. None may be cleared.
func TestEvasionNotCleared(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		screener := p.tokens[warden.RoleScreener]
		const wallet = "0x47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936" // Tornado Cash
		// The platform lists Yakubets alone: list Tornado Cash, with its
		// wallet as OFAC writes it, and Putin beside him.
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		im, err := db.BeginImport(ctx, "evasion", "ofac-csv", false)
		if err != nil {
			t.Fatal(err)
		}
		im.Put(&warden.Entity{SourceID: "39796", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "TORNADO CASH", Kind: warden.NamePrimary}},
			Identifiers: []warden.Identifier{{Type: warden.IDCrypto, Value: "0x47CE0C6eD5B0Ce3d3A51fdb1C52DC66a7c3c2936", Currency: "ETH"}}, Programs: []string{"CYBER2"}})
		im.Put(&warden.Entity{SourceID: "35096", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "PUTIN, Vladimir Vladimirovich", Kind: warden.NamePrimary}}, Programs: []string{"RUSSIA-EO14024"}})
		if _, err := im.Commit(warden.SourceMeta{Published: "2024-07-02"}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.s.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		parties := map[string]string{
			"wallet zero-width spaces": `"wallet":"` + strings.Join(strings.Split(wallet, ""), `\u200b`) + `"`,
			"wallet byte order mark":   `"wallet":"\ufeff` + wallet + `"`,
			"wallet no-break space":    `"wallet":"` + wallet[:20] + `\u00a0` + wallet[20:] + `"`,
			"wallet dash":              `"wallet":"` + wallet[:20] + `-` + wallet[20:] + `"`,
			"wallet cyrillic":          `"wallet":"` + strings.NewReplacer("c", `\u0441`, "e", `\u0435`, "a", `\u0430`).Replace(wallet) + `"`,
			"wallet full width":        `"wallet":"\uff10\uff58` + wallet[2:] + `"`,
			"wallet without 0x":        `"wallet":"` + wallet[2:] + `"`,
			"name letter-spaced caps":  `"name":"M A K S I M Y A K U B E T S"`,
			"name putin letter-spaced": `"name":"V L A D I M I R P U T I N"`,
			"name run together":        `"name":"MAKSIMYAKUBETS"`,
			"name hangul filler":       `"name":"Maksim Ya\u3164kubets"`,
			"name bullets":             `"name":"M\u2022a\u2022k\u2022s\u2022i\u2022m Y\u2022a\u2022k\u2022u\u2022b\u2022e\u2022t\u2022s"`,
			"name slashes":             `"name":"M/a/k/s/i/m Y/a/k/u/b/e/t/s"`,
			"name small capitals":      `"name":"\u1d0d\u1d00\u1d0b\ua731\u026a\u1d0d \u028f\u1d00\u1d0b\u1d1c\u0299\u1d07\u1d1b\ua731"`,
		}
		for what, party := range parties {
			ref := "ev2-" + strings.ReplaceAll(what, " ", "-")
			body := `{"reference":"` + ref + `","amount":{"currency":"USD","minor":500},"parties":[{"role":"beneficiary",` + party + `}]}`
			resp := p.do(t, "POST", "/v1/transactions", screener, "application/json", body)
			b, _ := io.ReadAll(resp.Body)
			// Refusing the party (400) is as good as holding the payment.
			if resp.StatusCode != 200 && resp.StatusCode != 400 || strings.Contains(string(b), `"cleared"`) {
				t.Errorf("payment, %s: %d %s; want 200 not cleared, or 400", what, resp.StatusCode, b)
			}
			if !strings.HasPrefix(what, "name") {
				continue
			}
			resp = p.do(t, "POST", "/v1/customers", screener, "application/json", `{"id":"EV2-`+strings.ReplaceAll(what, " ", "-")+`",`+party+`}`)
			b, _ = io.ReadAll(resp.Body)
			if resp.StatusCode != 201 || strings.Contains(string(b), `"cleared"`) {
				t.Errorf("customer, %s: %d %s; want 201, not cleared", what, resp.StatusCode, b)
			}
		}
	})
}
