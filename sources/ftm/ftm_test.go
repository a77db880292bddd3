package ftm

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

func TestParseFixture(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, sourcetest.Data(t, "opensanctions/yente_fixtures/entities.ftm.json"))
	counts := map[warden.Schema]int{}
	for _, e := range r.Entities {
		counts[e.Schema]++
	}
	if counts[warden.SchemaPerson] != 6 || counts[warden.SchemaCompany] != 11 {
		t.Errorf("schemata %v, want 6 Person and 11 Company", counts)
	}
	programs, links := 0, 0
	for _, e := range r.Entities {
		programs += len(e.Programs)
		links += len(e.Links)
	}
	if programs == 0 || links == 0 {
		t.Errorf("sanctions gave %d programs and ownerships %d links", programs, links)
	}
	// Ownerships keep their stated share; companies on the file as context
	// (target: false) are marked related.
	related, shares := 0, map[string]float64{}
	for _, e := range r.Entities {
		if e.Related {
			related++
		}
		for _, l := range e.Links {
			if l.Type == "owned_by" && l.Percent > 0 && strings.Contains(l.Name, "ZAKHAROV") {
				shares[e.Caption()] = max(shares[e.Caption()], l.Percent)
			}
		}
	}
	if related != 3 || shares[`ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЦСТ"`] != 100 || shares[`ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "СПС"`] != 75 {
		t.Errorf("%d related parties; ZAKHAROV's stated shares %v", related, shares)
	}
	p := r.ByID["NK-2Tbri3s6GgNtAwsSXh4qpL"]
	if p == nil || p.Caption() != "Maria Aleksandrovna Osetrova" || p.BirthDates[0].From != "1988-01-07" {
		t.Fatalf("Osetrova = %+v", p)
	}
	cyrillic := false
	for _, n := range p.Names {
		cyrillic = cyrillic || n.Script == "Cyrl"
	}
	if !cyrillic {
		t.Error("no Cyrillic names on Osetrova")
	}
}

func TestParseDelta(t *testing.T) {
	r := sourcetest.MustParse(t, DeltaParser{}, sourcetest.Data(t, "opensanctions/yente_fixtures/entities.delta.json"))
	if len(r.Deleted) != 571 {
		t.Errorf("deleted %d, want 571", len(r.Deleted))
	}
	if len(r.Entities)+len(r.Warnings) != 1039+90 {
		t.Errorf("puts %d + skipped %d, want 1129", len(r.Entities), len(r.Warnings))
	}
}

func TestRoundTrip(t *testing.T) {
	e := &warden.Entity{ID: "x:1", List: "x", SourceID: "1", Schema: warden.SchemaPerson,
		Names:         []warden.Name{{Full: "YAKUBETS, Maksim", Kind: warden.NamePrimary, Script: "Latn"}, {Full: "Якубец Максим", Kind: warden.NameAKA, Script: "Cyrl"}},
		BirthDates:    []warden.DateRange{{From: "1987-05-20"}},
		Nationalities: []string{"RU"}, Programs: []string{"CYBER2"},
		Identifiers: []warden.Identifier{{Type: warden.IDPassport, Value: "123", Label: "passportNumber"}, {Type: warden.IDCrypto, Value: "bc1qabc", Currency: "XBT", Label: "publicKey"}},
	}
	var buf bytes.Buffer
	if err := NewWriter(&buf).Write(e); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "e.json")
	os.WriteFile(p, buf.Bytes(), 0o644)
	r := sourcetest.MustParse(t, Parser{}, p)
	if len(r.Entities) != 1 {
		t.Fatalf("round trip gave %d entities:\n%s", len(r.Entities), buf.String())
	}
	got := r.Entities[0]
	if got.Caption() != "YAKUBETS, Maksim" || len(got.Names) != 2 || got.Nationalities[0] != "RU" || len(got.Wallets()) != 1 || got.Wallets()[0].Currency != "XBT" || got.Programs[0] != "CYBER2" {
		t.Errorf("round trip = %+v", got)
	}
}

func TestMalformed(t *testing.T) {
	for name, content := range map[string]string{"bad json": "{\"id\":", "no schema": `{"id":"a","properties":{}}`} {
		if _, err := sourcetest.Parse(Parser{}, sourcetest.WriteFile(t, "e.json", content)); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := sourcetest.Parse(DeltaParser{}, sourcetest.WriteFile(t, "d.json", `{"op":"FOO","entity":{"id":"a"}}`)); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("unknown op: %v", err)
	}
}
