package match

import (
	"testing"

	"warden"
)

// TestGenericCompare: names sharing only generic words (industries, places,
// legal forms) do not match, however many they share; names sharing a
// distinctive word still do.
func TestGenericCompare(t *testing.T) {
	tests := []struct {
		a, b  string
		match bool
	}{
		{"Shenzhen Technology Company Limited", "Shenzhen Huawei Technology Co Ltd", false},
		{"Shenzhen Technology Company Limited", "SHENZHEN DJI TECHNOLOGY CO LTD", false},
		{"Moscow Trading House LLC", "XYZ Trading House Moscow", false},
		{"Korea Shipping Company", "KOREA ANSAN SHIPPING COMPANY", false},
		{"Investment Group Co. Limited", "DONGMEI INVESTMENT GROUP CO., LIMITED", false}, // Co met is not Dongmei met
		{"International Trading Company", "EASTNINE INTERNATIONAL TRADING CO., LTD.", false},
		{"Bank of Syria", "CENTRAL BANK OF SYRIA", false}, // every word of an all-generic name counts
		{"Iran Manufacturing Industrial Company", "IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY", false},
		{"Huawei Technologies Co Ltd", "HUAWEI TECHNOLOGIES CO., LTD.", true},
		{"Huawei Shenzhen", "Shenzhen Huawei Technology Co", true},
		{"Korea Ansan Shipping Company", "KOREA ANSAN SHIPPING COMPANY", true},
		{"Central Bank of Syria", "CENTRAL BANK OF SYRIA", true},
		{"Islamic Republic of Iran Shipping Lines", "ISLAMIC REPUBLIC OF IRAN SHIPPING LINES", true},
		{"Galax Trading Company Limited", "GALAX TRADING CO., LTD.", true},
	}
	for _, tt := range tests {
		c := Compare(warden.SchemaCompany, tt.a, tt.b, DefaultThreshold, nil)
		if c.Match != tt.match {
			t.Errorf("%q ~ %q: %.3f, match %v, want %v (missing %v, extra %v)", tt.a, tt.b, c.Score, c.Match, tt.match, c.Explanation.Missing, c.Explanation.Extra)
		}
		if !tt.match && len(c.Explanation.Missing)+len(c.Explanation.Extra) == 0 {
			t.Errorf("%q ~ %q: no unmet word explains the miss", tt.a, tt.b)
		}
	}
}

// TestGenericPersons: persons' names are not made generic by the corpus:
// common given and family names stay distinctive, so persons still match
// by them.
func TestGenericPersons(t *testing.T) {
	for _, w := range []string{"mohammed", "muhammad", "ali", "hassan", "kim", "wang", "ivan", "sergey", "abdul", "khan"} {
		if genericWords[w] {
			t.Errorf("%q is generic", w)
		}
	}
	tests := []struct {
		a, b  string
		match bool
	}{
		{"Mohammed Ali", "ALI, Mohammed", true},
		{"Jordan Michael", "JORDAN, Michael", true},
		{"Jordan", "JORDAN, Michael", false},
	}
	for _, tt := range tests {
		if c := Compare(warden.SchemaPerson, tt.a, tt.b, DefaultThreshold, nil); c.Match != tt.match {
			t.Errorf("%q ~ %q: %.3f, want match %v", tt.a, tt.b, c.Score, tt.match)
		}
	}
}

// TestGenericWords checks the generated corpus has the kinds of words it is
// made of and leaves distinctive ones out.
func TestGenericWords(t *testing.T) {
	for _, w := range []string{"technology", "technologies", "trading", "shipping", "industrial", "petrochemical", "bank", "shenzhen", "moscow", "iran", "syria", "dubai", "tehran"} {
		if !genericWords[w] {
			t.Errorf("%q is not generic", w)
		}
	}
	for _, w := range []string{"huawei", "dji", "ansan", "galax", "qinsheng", "yakubets"} {
		if genericWords[w] {
			t.Errorf("%q is generic", w)
		}
	}
}

// TestGenericScreening screens customer-like company names made only of
// generic words against the full OFAC list: none may match, while the
// listed names with their distinctive words still find their party.
func TestGenericScreening(t *testing.T) {
	ix := ofac(t)
	for _, q := range []string{
		"Shenzhen Technology Company Limited",
		"International Trading Company",
		"Moscow Trading House LLC",
		"Dubai General Trading LLC",
		"Tehran Industrial Group",
		"Korea Shipping Company",
		"Beijing Technology Development Co Ltd",
		"Petrochemical Trading Company",
	} {
		hits, err := ix.Search(Query{Names: []string{q}, Schema: warden.SchemaOrganization}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Match {
				t.Errorf("%q matches %s %q at %.3f", q, h.Entity.SourceID, h.Explanation.ListedName, h.Score)
			}
		}
	}
	for _, tt := range []struct{ q, id string }{
		{"Korea Ansan Shipping Company", "23708"},
		{"Islamic Republic of Iran Shipping Lines", "25396"},
	} {
		hits, err := ix.Search(Query{Names: []string{tt.q}, Schema: warden.SchemaOrganization}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || !hits[0].Match || hits[0].Entity.SourceID != tt.id {
			t.Errorf("%q: want %s on top and matching, got %v", tt.q, tt.id, sourceIDs(hits))
		}
	}
}
