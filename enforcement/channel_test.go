package enforcement_test

import (
	"encoding/json"
	"strings"
	"testing"

	"warden"
	"warden/intel"
	"warden/store"
	"warden/store/storetest"
)

// TestChannelValues: what a payment or a customer carries as its IP
// address, domain or e-mail address is read as the value it plainly is (a
// URL's host, a host or address without its port, an address without its
// display name or mailto:, without a trailing dot, in lower case, a
// Unicode domain as its punycode form), so that an indicator on it holds
// the payment; these used to pass unmatched. What is no value of its kind
// is refused naming the field.
func TestChannelValues(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		is := withIntel(t, e)
		idn := `{"type":"bundle","id":"bundle--6d0092c5-5f74-4287-9642-33f4c354e56d","objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--88888888-8888-4888-8888-888888888888","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"Shop","pattern":"[domain-name:value = 'xn--bcher-kva.example']","pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z","object_marking_refs":["` + tlpGreen + `"]}]}`
		if _, err := is.Import(as("ana", warden.RoleAnalyst), strings.NewReader(idn), intel.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		client, reader := as("payments", warden.RoleScreener), as("ana", warden.RoleAnalyst)
		for i, tc := range []struct {
			field, in, want string
		}{
			{"domain", "https://evil-pay.example/", "evil-pay.example"},
			{"domain", "HTTPS://Evil-Pay.example:8443/pay?x=1", "evil-pay.example"},
			{"domain", "evil-pay.example:443", "evil-pay.example"},
			{"domain", "evil-pay.example.", "evil-pay.example"},
			{"domain", "Evil-Pay.example/checkout?id=7", "evil-pay.example"},
			{"domain", "evil-pay.example:8080/", "evil-pay.example"},
			{"domain", "bücher.example", "xn--bcher-kva.example"},
			{"ip", "198.51.100.7:443", "198.51.100.7"},
			{"ip", "[::ffff:198.51.100.7]:443", "198.51.100.7"},
			{"ip", " 198.51.100.7 ", "198.51.100.7"},
			{"email", "Boss <Extort@mailbox.example>", "extort@mailbox.example"},
			{"email", "mailto:extort@mailbox.example", "extort@mailbox.example"},
			{"email", "MAILTO:extort@mailbox.example?subject=pay", "extort@mailbox.example"},
			{"email", "extort@mailbox.example.", "extort@mailbox.example"},
		} {
			p := warden.TxParty{Role: "beneficiary", Name: "Acme Trading"}
			set(&p, tc.field, tc.in)
			ref := "chan-" + string(rune('a'+i))
			d, _, err := e.svc.Screen(client, pay(ref, 1000, us, p))
			if err != nil || d.Decision != warden.DecisionHeld {
				t.Errorf("%s %q: %s %v, want held", tc.field, tc.in, d.Decision, err)
				continue
			}
			stored, err := e.svc.Transaction(reader, ref)
			if err != nil || len(stored.Hits) != 1 {
				t.Fatalf("%s %q: %+v %v", tc.field, tc.in, stored, err)
			}
			b, _ := json.Marshal(stored.Hits[0].Explanation)
			if want := `"field":"` + tc.field + `"`; !strings.Contains(string(b), want) || !strings.Contains(string(b), `"value":"`+tc.want+`"}}`) {
				t.Errorf("%s %q screened as %s, want %s", tc.field, tc.in, b, tc.want)
			}
		}
		c, _, err := e.svc.Onboard(client, warden.Customer{ID: "C9", Name: "Acme Trading", Email: "Boss <extort@mailbox.example.>", Domain: "http://Evil-Pay.example/", IP: "[2001:DB8::1]:80"})
		if err != nil || c.Decision != warden.DecisionHeld || c.Email != "extort@mailbox.example" || c.Domain != "evil-pay.example" || c.IP != "2001:db8::1" {
			t.Errorf("customer: %+v %v", c, err)
		}
	})
}

// TestChannelInvalid: a value that is no IP address, domain or e-mail
// address is EINVALID naming the field.
func TestChannelInvalid(t *testing.T) {
	e := setup(t, storetest.OpenSQLite(t))
	client := as("payments", warden.RoleScreener)
	for i, tc := range []struct{ field, in string }{
		{"ip", "not-an-ip"},
		{"ip", "198.51.100.0/24"},
		{"ip", "198.51.100.7:http"},
		{"ip", "fe80::1%eth0"},
		{"domain", "not a domain"},
		{"domain", "localhost"},
		{"domain", "198.51.100.7"},
		{"domain", "https://"},
		{"email", "nobody"},
		{"email", "Boss <nobody>"},
		{"email", "a@b@c"},
	} {
		p := warden.TxParty{Role: "beneficiary", Name: "Acme Trading"}
		set(&p, tc.field, tc.in)
		_, _, err := e.svc.Screen(client, pay("bad-"+string(rune('a'+i)), 1000, us, p))
		if want := "parties[1]." + tc.field + ": "; warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("%s %q: %v, want EINVALID naming %s", tc.field, tc.in, err, want)
		}
	}
	_, _, err := e.svc.Onboard(client, warden.Customer{ID: "C1", Name: "X", IP: "not-an-ip"})
	if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "ip: ") {
		t.Errorf("customer ip: %v", err)
	}
}

func set(p *warden.TxParty, field, v string) {
	switch field {
	case "ip":
		p.IP = v
	case "domain":
		p.Domain = v
	default:
		p.Email = v
	}
}
