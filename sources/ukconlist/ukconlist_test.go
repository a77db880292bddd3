package ukconlist

import (
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

func TestParseXLSX(t *testing.T) {
	r := sourcetest.MustParse(t, XLSX{}, sourcetest.Data(t, "uk/ConList.xlsx"))
	if len(r.Entities) != 4688 {
		t.Errorf("entities = %d, want 4688", len(r.Entities))
	}
	if r.Meta.Published != "2025-04-14" {
		t.Errorf("published %q", r.Meta.Published)
	}
	cyber, people := 0, 0
	for _, e := range r.Entities {
		for _, p := range e.Programs {
			if p == "Cyber" {
				cyber++
				if e.Schema == warden.SchemaPerson {
					people++
				}
			}
		}
	}
	if cyber != 62 || people != 54 {
		t.Errorf("Cyber regime: %d groups, %d individuals; want 62 and 54", cyber, people)
	}
	e := r.ByID["15672"]
	if e == nil || e.Gender != "male" || e.ListedOn != "2022-12-09" {
		t.Errorf("15672 = %+v", e)
	}
}

func TestParseCSV(t *testing.T) {
	csvText := "Last Updated,14/04/2025\r\n" +
		"Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Nationality,Country,Group Type,Alias Type,Alias Quality,Regime,Listed On,Group ID\r\n" +
		"YAKUBETS,Maksim,Viktorovich,,,,,20/05/1987,Russia,Russia,Individual,Primary name,,Cyber,05/12/2019,13800\r\n" +
		"YAKUBETS,Maxim,,,,,,20/05/1987,Russia,Russia,Individual,AKA,Good quality,Cyber,05/12/2019,13800\r\n" +
		"EVIL CORP,,,,,,,,,Russia,Entity,Primary name,,Cyber,05/12/2019,13801\r\n"
	r := sourcetest.MustParse(t, CSV{}, sourcetest.WriteFile(t, "ConList.csv", "\xEF\xBB\xBF"+csvText))
	if len(r.Entities) != 2 {
		t.Fatalf("entities = %d, want 2", len(r.Entities))
	}
	y := r.ByID["13800"]
	if len(y.Names) != 2 || y.Names[0].Family != "YAKUBETS" || y.Names[0].Given != "Maksim Viktorovich" || y.BirthDates[0].From != "1987-05-20" || y.Nationalities[0] != "RU" {
		t.Errorf("13800 = %+v", y)
	}
	if r.ByID["13801"].Schema != warden.SchemaOrganization {
		t.Errorf("13801 schema %s", r.ByID["13801"].Schema)
	}
}

func TestMalformedCSV(t *testing.T) {
	tests := map[string]string{
		"no header":   "Last Updated,14/04/2025\r\n",
		"missing col": "Name 6,Group ID\r\nA,1\r\n",
		"no group id": "Name 6,Group ID,Group Type,Alias Type,Regime\r\nA,,Entity,Primary name,Cyber\r\n",
		"bad quoting": "Name 6,Group ID,Group Type,Alias Type,Regime\r\n\"A,1,Entity,Primary name,Cyber\r\n",
	}
	for name, content := range tests {
		_, err := sourcetest.Parse(CSV{}, sourcetest.WriteFile(t, "ConList.csv", content))
		if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "ConList.csv") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestUKDate(t *testing.T) {
	for in, want := range map[string]string{"20/05/1987": "1987-05-20", "00/00/1958": "1958", "00/02/1958": "1958-02", "x": ""} {
		if got, _ := ukDate(in); got != want {
			t.Errorf("ukDate(%q) = %q, want %q", in, got, want)
		}
	}
}
