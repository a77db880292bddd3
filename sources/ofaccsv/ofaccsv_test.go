package ofaccsv

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

// ofacFiles are the legacy CSV files in dir under the shared data; "ofac"
// is the bundled snapshot, the same files, so those tests always run.
func ofacFiles(t *testing.T, dir string) []string {
	var d string
	if dir == "ofac" {
		d = sourcetest.OFAC(t)
	} else {
		d = sourcetest.Data(t, dir)
	}
	var out []string
	for _, f := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		out = append(out, filepath.Join(d, f))
	}
	return out
}

func TestParseFull(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, ofacFiles(t, "ofac")...)
	if got := len(r.Entities); got != 15443 {
		t.Errorf("entities = %d, want 15443", got)
	}
	// Every digital currency address mentioned in the joined remarks (652
	// mentions on 57 entries, per the data README) is attached whole to its
	// party. Blender.io (37070) repeats one address, so 651 wallets are distinct.
	mention := regexp.MustCompile(`Digital Currency Address - ([A-Z0-9]+) ([^;\s]+?)\.?(?:;|$)`)
	mentions, holders, distinct := 0, 0, 0
	for _, e := range r.Entities {
		ms := mention.FindAllStringSubmatch(e.Remarks, -1)
		if len(ms) > 0 {
			holders++
		}
		for _, m := range ms {
			mentions++
			if !hasWallet(e, m[1], m[2]) {
				t.Errorf("%s: address %s %s not attached", e.SourceID, m[1], m[2])
			}
		}
		distinct += len(e.Wallets())
	}
	if mentions != 652 || holders != 57 || distinct != 651 {
		t.Errorf("addresses: %d mentions on %d entries, %d distinct; want 652 on 57, 651", mentions, holders, distinct)
	}
	suex := r.ByID["33151"]
	if !hasWallet(suex, "XBT", "1B64QRxfaa35MVkf7sDjuGUYAP5izQt7Qi") {
		t.Errorf("SUEX split address not whole: %+v", suex.Wallets())
	}
	// Orphans are warnings, not parties: 1,852 add rows, 1,109 alt rows and
	// one comment row name ent_nums absent from this sdn.csv.
	if len(r.Warnings) != 1852+1109+1 {
		t.Errorf("%d orphan warnings, want 2962", len(r.Warnings))
	}
	for _, w := range r.Warnings {
		if !strings.Contains(w.Msg, "unknown ent_num") {
			t.Errorf("unexpected warning %v", w)
		}
	}
}

func hasWallet(e *warden.Entity, ticker, addr string) bool {
	for _, w := range e.Wallets() {
		if w.Currency == ticker && w.Value == addr {
			return true
		}
	}
	return false
}

func TestParseCyberEntries(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, ofacFiles(t, "ofac")...)
	tests := []struct {
		id        string
		name      string
		schema    warden.Schema
		programs  []string
		wallets   int
		wallet    string
		countries []string // nationality or address countries that must be present
	}{
		{"39796", "TORNADO CASH", warden.SchemaOrganization, []string{"CYBER2", "DPRK3"}, 90, "0x12D66f87A04A9E220743712cE6d9bB1B5616B8Fc", nil},
		{"37070", "BLENDER.IO", warden.SchemaOrganization, []string{"CYBER2"}, 45, "3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3", nil},
		{"43421", "WANG, Yunhe", warden.SchemaPerson, []string{"CYBER2"}, 49, "bc1q4namcagg5wljs0u20z6h2sqgsq4q5lts8rt2rr", []string{"CN"}},
		{"26663", "YAKUBETS, Maksim Viktorovich", warden.SchemaPerson, []string{"CYBER2"}, 0, "", []string{"RU"}},
		{"48603", "KHOROSHEV, Dmitry Yuryevich", warden.SchemaPerson, []string{"CYBER2"}, 1, "bc1qvhnfknw852ephxyc5hm4q520zmvf9maphetc9z", []string{"RU"}},
		{"29703", "ANDREYEV, Anton Nikolaeyvich", warden.SchemaPerson, []string{"CYBER2", "ELECTION-EO13848"}, 17, "1Fz29BQp82pE3vXXcsZoMNQ3KSHfMzfMe3", []string{"RU"}},
		{"36216", "HYDRA MARKET", warden.SchemaOrganization, []string{"CYBER2"}, 117, "3K4rjdh8A5yi6LWvft2rbmyZvqEbPSSSX4", []string{"RU"}},
	}
	for _, tt := range tests {
		e := r.ByID[tt.id]
		if e == nil {
			t.Errorf("%s missing", tt.id)
			continue
		}
		if e.Caption() != tt.name || e.Schema != tt.schema || !reflect.DeepEqual(e.Programs, tt.programs) {
			t.Errorf("%s: %q %s %v", tt.id, e.Caption(), e.Schema, e.Programs)
		}
		if got := len(e.Wallets()); got != tt.wallets {
			t.Errorf("%s: %d wallets, want %d", tt.id, got, tt.wallets)
		}
		if tt.wallet != "" {
			found := false
			for _, w := range e.Wallets() {
				found = found || w.Value == tt.wallet
			}
			if !found {
				t.Errorf("%s: wallet %s missing", tt.id, tt.wallet)
			}
		}
		for _, c := range tt.countries {
			all := append(append(append([]string{}, e.Nationalities...), e.Citizenships...), e.Countries...)
			if !contains(all, c) {
				t.Errorf("%s: country %s missing from %v", tt.id, c, all)
			}
		}
	}
	y := r.ByID["26663"]
	if y.Names[0].Family != "YAKUBETS" || y.Names[0].Given != "Maksim Viktorovich" {
		t.Errorf("name parts %+v", y.Names[0])
	}
	if len(y.BirthDates) == 0 || y.BirthDates[0].From != "1987-05-20" {
		t.Errorf("Yakubets DOB %+v", y.BirthDates)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestParseConsistentSnapshot(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, ofacFiles(t, "ofac/2021-07-07")...)
	if got := len(r.Entities); got != 8976 {
		t.Errorf("entities = %d, want 8976", got)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("consistent snapshot gave %d warnings, first %v", len(r.Warnings), r.Warnings[0])
	}
}

func TestProgramsAndNulls(t *testing.T) {
	if got := Programs("DPRK3] [CYBER2"); !reflect.DeepEqual(got, []string{"DPRK3", "CYBER2"}) {
		t.Errorf("Programs = %v", got)
	}
	p := sourcetest.WriteFile(t, "sdn.csv", "1,\"ACME LTD\",-0- ,\"CYBER2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a")
	r := sourcetest.MustParse(t, Parser{}, p)
	if len(r.Entities) != 1 || r.Entities[0].Schema != warden.SchemaOrganization || r.Entities[0].Remarks != "" {
		t.Errorf("got %+v", r.Entities)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		name, content, wantPos string
	}{
		{"too few fields", "1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2,\"B\"\r\n", "sdn.csv:2"},
		{"bad ent_num", "x1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n", "sdn.csv:1"},
		{"unterminated quote", "1,\"A,-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n", "sdn.csv:1"},
		{"duplicate", "1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n", "sdn.csv:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sourcetest.Parse(Parser{}, sourcetest.WriteFile(t, "sdn.csv", tt.content))
			if err == nil || !strings.Contains(err.Error(), tt.wantPos) || warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("err = %v, want invalid at %s", err, tt.wantPos)
			}
		})
	}
	if _, err := sourcetest.Parse(Parser{}, sourcetest.WriteFile(t, "add.csv", "")); err == nil {
		t.Error("no sdn.csv accepted")
	}
}

// TestEmptyFile: a file that is given must hold rows. OFAC never publishes
// an empty one, and an empty alt.csv (a failed download) would strip every
// a.k.a. from parties that stay listed.
func TestEmptyFile(t *testing.T) {
	rows := map[string]string{
		"sdn.csv":          "306,\"NATIONAL BANK OF CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
		"add.csv":          "306,200,\"Zweierstrasse 35\",\"Zurich CH-8022\",\"Switzerland\",-0- \r\n",
		"alt.csv":          "306,219,\"aka\",\"BANCO NACIONAL DE CUBA\",-0- \r\n",
		"sdn_comments.csv": "306,\"Overflow.\"\r\n",
	}
	for _, name := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		for _, empty := range []struct{ what, content string }{{"0 bytes", ""}, {"no rows", "\r\n\x1a"}} {
			t.Run(name+" "+empty.what, func(t *testing.T) {
				dir := t.TempDir()
				var paths []string
				for n, content := range rows {
					if n == name {
						content = empty.content
					}
					p := filepath.Join(dir, n)
					if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
					paths = append(paths, p)
				}
				_, err := sourcetest.Parse(Parser{}, paths...)
				if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), name+" is empty") {
					t.Errorf("err = %v, want invalid: %s is empty", err, name)
				}
			})
		}
	}
	r := sourcetest.MustParse(t, Parser{}, sourcetest.WriteFile(t, "sdn.csv", rows["sdn.csv"]))
	if len(r.Entities) != 1 {
		t.Errorf("sdn.csv alone: %d parties", len(r.Entities))
	}
}

// TestComponents: Parse names each file it read and whether it ended with
// OFAC's 0x1A byte, which every current file has and the 2021
// sdn_comments.csv lacks; a file cut at a line break parses, without it.
func TestComponents(t *testing.T) {
	all := map[string]bool{"sdn.csv": true, "add.csv": true, "alt.csv": true, "sdn_comments.csv": true}
	row := `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n"
	tests := []struct {
		name  string
		paths []string
		want  map[string]bool
	}{
		{"the bundled snapshot (gzip)", snapshotFiles(t), all},
		{"the current files", ofacFiles(t, "ofac"), all},
		{"the 2021 files", ofacFiles(t, "ofac/2021-07-07"), map[string]bool{"sdn.csv": true, "add.csv": true, "alt.csv": true, "sdn_comments.csv": false}},
		{"sdn.csv alone, with the mark", []string{sourcetest.WriteFile(t, "SDN.CSV", row+"\x1a")}, map[string]bool{"sdn.csv": true}},
		{"sdn.csv alone, cut", []string{sourcetest.WriteFile(t, "sdn.csv", row)}, map[string]bool{"sdn.csv": false}},
	}
	for _, tt := range tests {
		r := sourcetest.MustParse(t, Parser{}, tt.paths...)
		if !reflect.DeepEqual(r.Meta.Components, tt.want) {
			t.Errorf("%s: components %v, want %v", tt.name, r.Meta.Components, tt.want)
		}
	}
}

// snapshotFiles are the bundled snapshot's files as it ships them,
// gzip-compressed.
func snapshotFiles(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("../../snapshot/ofac/*.csv.gz")
	if err != nil || len(paths) != 4 {
		t.Fatalf("snapshot files %v %v", paths, err)
	}
	return paths
}
