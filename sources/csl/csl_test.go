package csl

import (
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

func TestParse(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, sourcetest.Data(t, "us_csl/consolidated.csv.gz"))
	if len(r.Entities) != 14160 {
		t.Errorf("entities = %d, want 14160", len(r.Entities))
	}
	cyber, wallets := 0, 0
	for _, e := range r.Entities {
		for _, p := range e.Programs {
			if p == "CYBER2" {
				cyber++
			}
		}
		wallets += len(e.Wallets())
	}
	if cyber != 191 || wallets == 0 {
		t.Errorf("CYBER2 rows %d (want 191), wallets %d", cyber, wallets)
	}
	e := r.ByID["31167"]
	if e == nil || e.Caption() != "AFANASYEVA, Yulia Andreevna" || e.Gender != "female" || e.BirthDates[0].From != "1988-02-24" || e.Countries[0] != "RU" {
		t.Errorf("31167 = %+v", e)
	}
}

func TestRepeatedID(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, sourcetest.WriteFile(t, "c.csv", "_id,source,entity_number,type,programs,name\n1,X,,Entity,Y,A\n1,X,,Entity,Y,B\n"))
	if len(r.Entities) != 2 || r.ByID["1~2"] == nil || r.ByID["1~2"].Caption() != "B" || len(r.Warnings) != 1 {
		t.Errorf("got %d entities, ids %v, %d warnings", len(r.Entities), r.ByID, len(r.Warnings))
	}
}

func TestMalformed(t *testing.T) {
	tests := map[string]string{
		"no header": "a,b\n1,2\n",
		"short row": "_id,source,entity_number,type,programs,name\n1,X,,Entity,Y\n",
		"no name":   "_id,source,entity_number,type,programs,name\n1,X,,Entity,Y,\n",
	}
	for name, content := range tests {
		if _, err := sourcetest.Parse(Parser{}, sourcetest.WriteFile(t, "c.csv", content)); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
