package warden

import "testing"

func TestAddCountry(t *testing.T) {
	var e Entity
	if c := e.AddCountry(&e.Nationalities, "Russia"); c != "RU" {
		t.Errorf("Russia = %q", c)
	}
	e.AddCountry(&e.Nationalities, "Russian Federation")
	e.AddCountry(&e.Nationalities, "Atlantis")
	e.AddCountry(&e.Nationalities, "undetermined")
	if len(e.Nationalities) != 1 || len(e.UnmappedCountries) != 1 || e.UnmappedCountries[0] != "Atlantis" {
		t.Errorf("nationalities %v unmapped %v", e.Nationalities, e.UnmappedCountries)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		e  Entity
		ok bool
	}{
		{Entity{SourceID: "1", Schema: SchemaPerson, Names: []Name{{Full: "A"}}}, true},
		{Entity{SourceID: "", Schema: SchemaPerson, Names: []Name{{Full: "A"}}}, false},
		{Entity{SourceID: "1", Schema: "Dragon", Names: []Name{{Full: "A"}}}, false},
		{Entity{SourceID: "1", Schema: SchemaPerson}, false},
	}
	for i, tt := range tests {
		if err := tt.e.Validate(); (err == nil) != tt.ok || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("%d: Validate = %v", i, err)
		}
	}
}
