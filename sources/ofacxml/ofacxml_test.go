package ofacxml

import (
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

func TestParseConsolidated(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, sourcetest.Data(t, "ofac/consolidated.xml"))
	if len(r.Entities) != 443 {
		t.Errorf("entities = %d, want 443", len(r.Entities))
	}
	if r.Meta.Published != "2025-03-28" {
		t.Errorf("published = %q", r.Meta.Published)
	}
	e := r.ByID["9639"]
	if e == nil || e.Caption() != "HANIYA, Ismail Abdul Salah" || e.Schema != warden.SchemaPerson {
		t.Fatalf("9639 = %+v", e)
	}
	if len(e.Names) != 3 || e.Names[1].Family != "HANIYA" || e.BirthDates[0].From != "1962" || e.Programs[0] != "NS-PLC" {
		t.Errorf("9639 details %+v", e)
	}
	swift := 0
	for _, e := range r.Entities {
		for _, id := range e.Identifiers {
			if id.Type == warden.IDSWIFT {
				swift++
			}
		}
	}
	if swift == 0 {
		t.Error("no SWIFT/BIC identifiers read")
	}
}

func TestMalformed(t *testing.T) {
	tests := map[string]string{
		"truncated": `<sdnList><sdnEntry><uid>1</uid><lastName>X</lastName></sdnEntry><sdnEntry><uid>2</ui`,
		"empty":     `<sdnList></sdnList>`,
		"no uid":    `<sdnList><sdnEntry><lastName>X</lastName></sdnEntry></sdnList>`,
		"count says entries are missing": `<sdnList><publshInformation><Record_Count>3</Record_Count></publshInformation>` +
			`<sdnEntry><uid>1</uid><lastName>X</lastName><sdnType>Entity</sdnType></sdnEntry><sdnEntry><uid>2</uid><lastName>Y</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>`,
		"count is not a number": `<sdnList><publshInformation><Record_Count>many</Record_Count></publshInformation>` +
			`<sdnEntry><uid>1</uid><lastName>X</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>`,
	}
	for name, doc := range tests {
		_, err := sourcetest.Parse(Parser{}, sourcetest.WriteFile(t, "sdn.xml", doc))
		if err == nil || warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "sdn.xml") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
