package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"warden"
	"warden/intel"
	sstix "warden/sources/stix"
	"warden/store"
	"warden/store/storetest"
)

// TestPartyIntelligence: a listed party's page shows the intelligence
// linked to it (its list indicator, an actor attributed to it) as the
// viewer may see it: an analyst sees the RED actor too, a liaison (cleared
// to AMBER+STRICT) not; a role without intel.read (a screener, who opens
// the parties it hit) sees no intelligence section.
func TestPartyIntelligence(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p, _ := intelPlatform(t, db)
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		im, err := db.BeginImport(op, "ofac", "ofac-csv", false)
		if err != nil {
			t.Fatal(err)
		}
		im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"},
			Identifiers: []warden.Identifier{{Type: warden.IDEmail, Value: "maksim@evil.example"}}})
		if _, err := im.Commit(warden.SourceMeta{Published: "2024-07-03"}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.s.Intel.SyncListIndicators(op); err != nil {
			t.Fatal(err)
		}
		analyst := warden.WithPrincipal(context.Background(), warden.Principal{Name: "bob", Role: warden.RoleAnalyst, Kind: "user"})
		actors := map[string]string{}
		for name, tlp := range map[string]warden.TLP{"Evil Corp": warden.TLPGreen, "Secret Corp": warden.TLPRed} {
			a, err := p.s.Intel.Create(analyst, intel.Input{Type: "threat-actor", TLP: tlp, Fields: map[string]any{"name": name}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.s.Intel.Link(analyst, warden.IntelLink{Object: a.ID, Kind: warden.LinkEntity, Ref: "ofac:26663"}); err != nil {
				t.Fatal(err)
			}
			actors[name] = a.ID
		}
		indicator := sstix.ID("indicator", "list:ofac:26663:email:maksim@evil.example")

		section := func(body string) string {
			_, after, ok := strings.Cut(body, "<h2>Intelligence</h2>")
			if !ok {
				return ""
			}
			s, _, _ := strings.Cut(after, "</table>")
			return s
		}
		code, body := p.get(t, warden.RoleAnalyst, "/parties/ofac:26663")
		s := section(body)
		for _, want := range []string{`href="/intel/objects/` + actors["Evil Corp"] + `"`, "Evil Corp", `href="/intel/objects/` + indicator + `"`, "YAKUBETS, Maksim Viktorovich (ofac)",
			"indicator", "threat-actor", `data-tlp="clear"`, `data-tlp="green"`, "Secret Corp", `data-tlp="red"`} {
			if code != http.StatusOK || !strings.Contains(s, want) {
				t.Errorf("analyst: %d, the intelligence section lacks %q:\n%s", code, want, s)
			}
		}
		code, body = p.get(t, warden.RoleLiaison, "/parties/ofac:26663")
		if s := section(body); code != http.StatusOK || !strings.Contains(s, "Evil Corp") || strings.Contains(body, "Secret Corp") || strings.Contains(body, actors["Secret Corp"]) {
			t.Errorf("liaison: %d, the RED actor shown or the GREEN one not:\n%s", code, s)
		}
		// A screener opens the party it hit, but has no intel.read: no
		// intelligence section, no actor.
		if code, body := p.get(t, warden.RoleScreener, "/parties/ofac:26663"); code != http.StatusOK || strings.Contains(body, "Evil Corp") || strings.Contains(body, "<h2>Intelligence</h2>") {
			t.Errorf("screener: %d", code)
		}
	})
}
