package ofaccsv

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

// handMade are parties as an authority enters them: names in several
// scripts and kinds, dates of every precision, identifiers with their
// issuers, wallets, a non-numeric id, and more wallets than sdn.csv's
// remarks field holds.
func handMade() []*warden.Entity {
	many := &warden.Entity{SourceID: "CS-0002", Schema: warden.SchemaOrganization,
		Names:    []warden.Name{{Full: "GARANTEX EUROPE OU", Kind: warden.NamePrimary}, {Full: "ГАРАНТЕКС", Kind: warden.NameAKA}},
		Programs: []string{"CYBER2", "RUSSIA-EO14024"}, Remarks: "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201.",
		Addresses:   []warden.Address{{Street: "Lvovskaya 1", City: "Tallinn", Country: "EE"}},
		Identifiers: []warden.Identifier{{Type: warden.IDRegistration, Value: "14812765", Country: "EE"}, {Type: warden.IDWebsite, Value: "garantex.io"}},
		Links:       []warden.Link{{Type: "linked_to", Name: "YAKUBETS, Maksim Viktorovich"}},
	}
	for i := range 40 {
		many.Identifiers = append(many.Identifiers, warden.Identifier{Type: warden.IDCrypto, Currency: "ETH", Value: fmt.Sprintf("0x%040x", 0xabcdef0000+i)})
	}
	return []*warden.Entity{
		{SourceID: "CS-0001", Schema: warden.SchemaPerson,
			Names: []warden.Name{
				{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary},
				{Full: "Якубец Максим Викторович", Kind: warden.NameAKA},
				{Full: "雅库贝茨", Kind: warden.NameAKA},
				{Full: "ياكوبيتس", Kind: warden.NameFKA},
				{Full: "Aqua \"Evil\" Corp", Kind: warden.NameNKA},
				{Full: "AQUA", Kind: warden.NameWeak},
			},
			BirthDates:    []warden.DateRange{{From: "1987-05-20"}, {From: "1987-06"}, {From: "1986", To: "1988", Approximate: true}},
			BirthPlaces:   []string{"Kyiv, Ukraine"},
			Nationalities: []string{"RU"}, Citizenships: []string{"UA"}, Gender: "male",
			Identifiers: []warden.Identifier{
				{Type: warden.IDPassport, Value: "RU0313455106", Country: "RU"},
				{Type: warden.IDPassport, Value: "100115101", Country: "RU", Note: "issued 01 Jan 2010"},
				{Type: warden.IDNational, Value: "7701234567", Country: "UA"},
				{Type: warden.IDTax, Value: "771234567890", Country: "RU"},
				{Type: warden.IDEmail, Value: "aqua@evil.example"},
				{Type: warden.IDCrypto, Currency: "XBT", Value: "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"},
				{Type: warden.IDCrypto, Currency: "ETH", Value: "0x098b716b8aaf21512996dc57eb0615e2383e2f96"},
			},
			Programs: []string{"CYBER2"}, Titles: []string{"Leader of Evil Corp"},
		},
		many,
		{SourceID: "41234", Schema: warden.SchemaVessel, Names: []warden.Name{{Full: "SEA DRAGON", Kind: warden.NamePrimary}},
			Programs: []string{"DPRK3"}, Craft: &warden.Craft{CallSign: "HOAB", Type: "Crude Oil Tanker", Flag: "Panama"},
			Identifiers: []warden.Identifier{{Type: warden.IDIMO, Value: "9125906"}}},
	}
}

// export writes es as an OFAC set in a new folder and returns its files.
func export(t *testing.T, es []*warden.Entity) []string {
	t.Helper()
	var bufs [4]bytes.Buffer
	w := NewWriter(&bufs[0], &bufs[1], &bufs[2], &bufs[3])
	for _, e := range es {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var paths []string
	for i, name := range FileNames {
		if bufs[i].Len() == 0 {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, bufs[i].Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// fields are what a round trip keeps, as sorted strings.
func fields(e *warden.Entity) map[string][]string {
	f := map[string][]string{"programs": slices.Clone(e.Programs)}
	for _, n := range e.Names {
		f["names"] = append(f["names"], string(n.Kind)+" "+n.Full)
	}
	for _, d := range e.BirthDates {
		f["dates"] = append(f["dates"], fmt.Sprintf("%s %s %v", d.From, d.To, d.Approximate))
	}
	for _, id := range e.Identifiers {
		f["identifiers"] = append(f["identifiers"], fmt.Sprintf("%s %s %s %s", id.Type, id.Value, id.Country, id.Currency))
	}
	f["people"] = []string{strings.Join(e.Nationalities, ","), strings.Join(e.Citizenships, ","), e.Gender, strings.Join(e.BirthPlaces, "|")}
	for k := range f {
		slices.Sort(f[k])
		f[k] = slices.Compact(f[k])
	}
	return f
}

func TestWriteRoundTripHandMade(t *testing.T) {
	in := handMade()
	paths := export(t, in)
	if len(paths) != 4 {
		t.Fatalf("files %v, want all four (the remarks of CS-0002 overflow)", paths)
	}
	r := sourcetest.MustParse(t, Parser{}, paths...)
	if len(r.Entities) != len(in) || len(r.Warnings) != 0 {
		t.Fatalf("read back %d parties, warnings %v", len(r.Entities), r.Warnings)
	}
	for _, e := range in {
		got := r.ByID[e.SourceID]
		if got == nil {
			t.Errorf("%s lost its id", e.SourceID)
			continue
		}
		want := fields(e)
		for k, v := range want {
			if !slices.Equal(fields(got)[k], v) {
				t.Errorf("%s %s:\n got %q\nwant %q", e.SourceID, k, fields(got)[k], v)
			}
		}
	}
	sdn, _ := os.ReadFile(paths[0])
	for _, s := range []string{`"individual","CYBER2","Leader of Evil Corp",-0- ,`, "DOB 20 May 1987; alt. DOB Jun 1987; alt. DOB circa 1986 to 1988; POB Kyiv, Ukraine; nationality Russia; citizen Ukraine; Gender Male;",
		"Passport RU0313455106 (Russia); alt. Passport 100115101 (Russia) issued 01 Jan 2010;", "Digital Currency Address - XBT 1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V;", "Email Address aqua@evil.example;",
		`"CYBER2] [RUSSIA-EO14024"`, "\r\n\x1a"} {
		if !bytes.Contains(sdn, []byte(s)) {
			t.Errorf("sdn.csv lacks %q:\n%s", s, sdn)
		}
	}
	if n := EntNum("CS-0001"); !strings.HasPrefix(n, "9") || len(n) != 16 || n != EntNum("CS-0001") || !bytes.HasPrefix(sdn, []byte(n+",")) {
		t.Errorf("ent_num of CS-0001 = %s", n)
	}
}

// TestWriteRoundTripOFAC exports the whole OFAC list as read and reads it
// back: every party comes back with the same names, dates, identifiers,
// wallets and programs.
func TestWriteRoundTripOFAC(t *testing.T) {
	orig := sourcetest.MustParse(t, Parser{}, ofacFiles(t, "ofac")...)
	r := sourcetest.MustParse(t, Parser{}, export(t, orig.Entities)...)
	if len(r.Entities) != len(orig.Entities) {
		t.Fatalf("read back %d parties of %d", len(r.Entities), len(orig.Entities))
	}
	bad := 0
	for _, e := range orig.Entities {
		got, want := fields(r.ByID[e.SourceID]), fields(e)
		for k, v := range want {
			if !slices.Equal(got[k], v) && bad < 20 {
				bad++
				t.Errorf("%s %s:\n got %q\nwant %q", e.SourceID, k, got[k], v)
			}
		}
	}
}
