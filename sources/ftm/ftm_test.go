package ftm

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/sources/ofaccsv"
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

// roundTripFields are what an FtM round trip keeps of a party: names and
// their kinds (FtM has no n.k.a., so those come back as a.k.a.s, and only
// the caption stays primary), birth dates (the first day of a range),
// birth places, nationalities, gender, identifiers by type and value (FtM's
// flat properties carry no issuer; other identifiers come back as national
// ids), wallets with their ticker, and programs.
func roundTripFields(e *warden.Entity, exported bool) []string {
	var out []string
	for _, n := range e.Names {
		k := n.Kind
		if exported && (k == warden.NameNKA || k == warden.NamePrimary && n.Full != e.Caption()) {
			k = warden.NameAKA
		}
		out = append(out, "name "+string(k)+" "+n.Full)
	}
	for _, d := range e.BirthDates {
		out = append(out, "dob "+d.From)
	}
	for _, id := range e.Identifiers {
		t := id.Type
		if exported && t == warden.IDOther {
			t = warden.IDNational
		}
		out = append(out, "id "+string(t)+" "+id.Value+" "+id.Currency)
	}
	for _, p := range e.Programs {
		out = append(out, "program "+p)
	}
	out = append(out, "person "+e.Gender+" "+strings.Join(e.Nationalities, ",")+" "+strings.Join(e.BirthPlaces, "|"))
	slices.Sort(out)
	return slices.Compact(out)
}

// TestRoundTripWholeList writes the OFAC list and hand-made parties (names
// in five scripts, partial dates, identifiers and wallets) as FtM and reads
// them back.
func TestRoundTripWholeList(t *testing.T) {
	dir := sourcetest.OFAC(t)
	var files []string
	for _, f := range ofaccsv.FileNames {
		files = append(files, filepath.Join(dir, f))
	}
	in := sourcetest.MustParse(t, ofaccsv.Parser{}, files...).Entities
	in = append(in, &warden.Entity{SourceID: "CS-0001", Schema: warden.SchemaPerson,
		Names: []warden.Name{{Full: "YAKUBETS, Maksim", Kind: warden.NamePrimary}, {Full: "Якубец Максим", Kind: warden.NameAKA},
			{Full: "雅库贝茨", Kind: warden.NameAKA}, {Full: "ياكوبيتس", Kind: warden.NameFKA}, {Full: "Ιακούμπετς", Kind: warden.NameNKA}, {Full: "AQUA", Kind: warden.NameWeak}},
		BirthDates: []warden.DateRange{{From: "1987-05-20"}, {From: "1987-06"}, {From: "1986"}}, BirthPlaces: []string{"Kyiv, Ukraine"},
		Nationalities: []string{"RU"}, Gender: "male", Programs: []string{"CYBER2"},
		Identifiers: []warden.Identifier{{Type: warden.IDPassport, Value: "RU0313455106", Country: "RU"}, {Type: warden.IDEmail, Value: "aqua@evil.example"},
			{Type: warden.IDCrypto, Currency: "XBT", Value: "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"}, {Type: warden.IDCrypto, Currency: "ETH", Value: "0x098b716b8aaf21512996dc57eb0615e2383e2f96"}}})
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, e := range in {
		e.List, e.ID = "x", warden.EntityID("x", e.SourceID)
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	r := sourcetest.MustParse(t, Parser{}, sourcetest.WriteFile(t, "x.json", buf.String()))
	if len(r.Entities) != len(in) {
		t.Fatalf("read back %d parties of %d", len(r.Entities), len(in))
	}
	bad := 0
	for _, e := range in {
		got := r.ByID[e.ID]
		if got == nil {
			t.Fatalf("%s missing", e.ID)
		}
		if g, w := roundTripFields(got, false), roundTripFields(e, true); !slices.Equal(g, w) && bad < 10 {
			bad++
			t.Errorf("%s:\n got %q\nwant %q", e.ID, g, w)
		}
	}
}
