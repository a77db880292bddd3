package ofac

import (
	"reflect"
	"testing"

	"warden"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want warden.DateRange
		ok   bool
	}{
		{"21 Sep 1979", warden.DateRange{From: "1979-09-21"}, true},
		{"1 Jan 1960", warden.DateRange{From: "1960-01-01"}, true},
		{"Sep 1979", warden.DateRange{From: "1979-09"}, true},
		{"1962", warden.DateRange{From: "1962"}, true},
		{"circa 1979", warden.DateRange{From: "1979", Approximate: true}, true},
		{"Feb 1958 to Mar 1958", warden.DateRange{From: "1958-02", To: "1958-03"}, true},
		{"1955 to 1957", warden.DateRange{From: "1955", To: "1957"}, true},
		{"1988-02-24", warden.DateRange{From: "1988-02-24"}, true},
		{"03/28/2025", warden.DateRange{From: "2025-03-28"}, true},
		{"sometime", warden.DateRange{}, false},
		{"31 Foo 1960", warden.DateRange{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("ParseDate(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestApplyRemarks(t *testing.T) {
	var e warden.Entity
	ApplyRemarks(&e, "DOB 21 Sep 1979; POB Tehran, Iran; nationality Iran; Email Address iranvisacart@yahoo.com; "+
		"Gender Male; Digital Currency Address - XBT 149w62rY42aZBox8fGcmqNsXUzSStKeq8C; alt. Digital Currency Address - ETH 0xabc; "+
		"Passport T14553558 (Iran) issued 28 Oct 2008 expires 29 Oct 2013; a.k.a. 'Mastercartaria'; a.k.a. 'AL-QA'IDA; BRANCH'; "+
		"Linked To: EVIL CORP.; Website www.enexchanger.com; Unified Social Credit Code (USCC) 91420100MA4KNAJX6Y (China).")
	if len(e.BirthDates) != 1 || e.BirthDates[0].From != "1979-09-21" {
		t.Errorf("birth dates = %+v", e.BirthDates)
	}
	if !reflect.DeepEqual(e.Nationalities, []string{"IR"}) || e.Gender != "male" {
		t.Errorf("nationalities %v gender %q", e.Nationalities, e.Gender)
	}
	if !reflect.DeepEqual(e.BirthPlaces, []string{"Tehran, Iran"}) {
		t.Errorf("birth places %v", e.BirthPlaces)
	}
	want := []warden.Identifier{
		{Type: warden.IDEmail, Value: "iranvisacart@yahoo.com", Label: "Email Address"},
		{Type: warden.IDCrypto, Value: "149w62rY42aZBox8fGcmqNsXUzSStKeq8C", Currency: "XBT", Label: "Digital Currency Address - XBT"},
		{Type: warden.IDCrypto, Value: "0xabc", Currency: "ETH", Label: "Digital Currency Address - ETH"},
		{Type: warden.IDPassport, Value: "T14553558", Country: "IR", Label: "Passport", Note: "issued 28 Oct 2008 expires 29 Oct 2013"},
		{Type: warden.IDWebsite, Value: "www.enexchanger.com", Label: "Website"},
		{Type: warden.IDUSCC, Value: "91420100MA4KNAJX6Y", Country: "CN", Label: "Unified Social Credit Code (USCC)"},
	}
	if !reflect.DeepEqual(e.Identifiers, want) {
		t.Errorf("identifiers:\n got %+v\nwant %+v", e.Identifiers, want)
	}
	names := []string{}
	for _, n := range e.Names {
		names = append(names, n.Full)
	}
	if !reflect.DeepEqual(names, []string{"Mastercartaria", "AL-QA'IDA; BRANCH"}) {
		t.Errorf("names %q", names)
	}
	if len(e.Links) != 1 || e.Links[0].Name != "EVIL CORP" {
		t.Errorf("links %+v", e.Links)
	}
}
