package ostargets

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

func TestParseRansomwhere(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, sourcetest.Data(t, "opensanctions/ransomwhere/targets.simple.csv"))
	if len(r.Entities) != 11186 {
		t.Errorf("entities = %d, want 11186", len(r.Entities))
	}
	e := r.Entities[0]
	if e.Schema != warden.SchemaCryptoWallet || len(e.Wallets()) != 1 || e.Wallets()[0].Value != "1123pJv8jzeFQaCV4w644pzQJzVWay2zcA" || e.Names[1].Full != "Locky" {
		t.Errorf("first = %+v", e)
	}
}

func TestParseUAWar(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, sourcetest.Data(t, "opensanctions/ua_war_sanctions/targets.simple.csv"))
	if len(r.Entities) != 5600 {
		t.Errorf("entities = %d, want 5600", len(r.Entities))
	}
}

func TestRoundTrip(t *testing.T) {
	e := &warden.Entity{List: "l", SourceID: "s1", Schema: warden.SchemaCompany,
		Names: []warden.Name{{Full: "ACME LTD", Kind: warden.NamePrimary}, {Full: "ACME; THE", Kind: warden.NameAKA}}, Countries: []string{"RU"}, Programs: []string{"CYBER2"}}
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(e)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "t.csv")
	os.WriteFile(p, buf.Bytes(), 0o644)
	r := sourcetest.MustParse(t, Parser{}, p)
	got := r.ByID["s1"]
	if got == nil || got.Caption() != "ACME LTD" || got.Countries[0] != "RU" || got.Programs[0] != "CYBER2" {
		t.Errorf("round trip = %+v", got)
	}
}

func TestMalformed(t *testing.T) {
	for name, content := range map[string]string{
		"no header cols": "a,b\n1,2\n",
		"bad schema":     "id,schema,name,aliases\n1,Sanction,X,\n",
		"short row":      "id,schema,name,aliases\n1,Person\n",
	} {
		if _, err := sourcetest.Parse(Parser{}, sourcetest.WriteFile(t, "t.csv", content)); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}
