package unxml

import (
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

func TestParse(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, sourcetest.Data(t, "un/consolidated.xml"))
	if len(r.Entities) != 1003 {
		t.Errorf("entities = %d, want 1003", len(r.Entities))
	}
	people, orgs, scripts := 0, 0, 0
	for _, e := range r.Entities {
		switch e.Schema {
		case warden.SchemaPerson:
			people++
		case warden.SchemaOrganization:
			orgs++
		}
		for _, n := range e.Names {
			if n.Script != "Latn" {
				scripts++
			}
		}
	}
	if people != 730 || orgs != 273 {
		t.Errorf("people %d orgs %d, want 730 and 273", people, orgs)
	}
	if scripts == 0 {
		t.Error("no original-script names")
	}
	e := r.ByID["6907994"]
	if e == nil || e.Caption() != "FRANK KAKOLELE BWAMBALE" || len(e.Names) != 4 || e.Programs[0] != "DRC" || e.Nationalities[0] != "CD" {
		t.Errorf("6907994 = %+v", e)
	}
	if r.Meta.Published != "2026-02-27" {
		t.Errorf("published %q", r.Meta.Published)
	}
}

func TestMalformed(t *testing.T) {
	for name, doc := range map[string]string{
		"truncated": "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A",
		"empty":     "<CONSOLIDATED_LIST/>",
	} {
		if _, err := sourcetest.Parse(Parser{}, sourcetest.WriteFile(t, "un.xml", doc)); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
