package match

import (
	"slices"
	"testing"

	"warden"
)

// TestSplitTogether checks which run-together words split cuts: only into
// parts that one listed name holds together (legal-form words aside, a
// plural by its singular), in whichever order and with whatever words
// between them; a word that merely falls apart into words of different
// names is left whole, and the query gets no reading more.
func TestSplitTogether(t *testing.T) {
	person := func(id, n string) *warden.Entity {
		return &warden.Entity{ID: "t:" + id, List: "t", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: n, Kind: warden.NamePrimary}}}
	}
	company := func(id, n string) *warden.Entity {
		return &warden.Entity{ID: "t:" + id, List: "t", Schema: warden.SchemaCompany, Names: []warden.Name{{Full: n, Kind: warden.NamePrimary}}}
	}
	ix := NewIndex([]*warden.Entity{
		person("1", "Vladimir Vladimirovich PUTIN"),
		company("2", "MARIO VERDI SHIPPING"),
		company("3", "TORO BLANCO"),
		company("4", "EVIL CORP"),
		company("5", "GOLDEN STAR AGENCY"),
		company("6", "ABBAS TRADING COMPANY"),
		person("7", "Ali ABBAS"),
		person("8", "Michael STARS"),
	})
	tests := []struct {
		query string
		want  string // the reading split adds, "" for none
	}{
		{"Vladimirputin", "vladimir putin"},
		{"PUTINVLADIMIR", "putin vladimir"},
		{"EvilCorp Ltd", "evil corp ltd"},
		{"Goldenstars", "golden stars"},   // star by its plural, listed as a person's word too
		{"Abbastrading", "abbas trading"}, // abbas a person's word, and the company's by its singular
		{"Mariotoro", ""},                 // mario and toro are words of two names
		{"Verditoro", ""},                 // so are verdi and toro
		{"Evil Corp", ""},                 // nothing run together
		{"Verdimario", "verdi mario"},
		{"Blancoputin", ""},
	}
	for _, tt := range tests {
		p, err := Prepare(Query{Names: []string{tt.query}})
		if err != nil {
			t.Fatal(err)
		}
		before := len(p.names[0].readings)
		got := ix.split(p)
		var added []string
		for _, r := range got.names[0].readings[before:] {
			added = append(added, joinTokens(r))
		}
		switch {
		case tt.want == "" && (len(added) > 0 || got != p):
			t.Errorf("split(%q) added readings %q, want none", tt.query, added)
		case tt.want != "" && !slices.Contains(added, tt.want):
			t.Errorf("split(%q) added readings %q, want %q among them", tt.query, added, tt.want)
		}
	}
}
