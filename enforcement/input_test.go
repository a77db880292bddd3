package enforcement_test

import (
	"fmt"
	"strings"
	"testing"

	"warden"
	"warden/enforcement"
	"warden/store/storetest"
)

// TestCSVRowLongerThanHeader: a row of a customer or payments CSV with more
// fields than its header fails naming its line; the extra value used to be
// dropped, so a row shifted by a stray comma was read with its values in
// the wrong columns, or lost one unseen. A shorter row (trailing empty
// cells left out) is read as before.
func TestCSVRowLongerThanHeader(t *testing.T) {
	payments := "reference,currency,minor,role,name\n"
	tests := []struct {
		name, in string
		read     func(string) (int, error)
		err      string // "" if the file is read
	}{
		{"customer", "id,name\nK1,Jane Doe\nK2,Maksim Yakubets,extra\n", customers, "k.csv:3: 3 fields, but the header has 2"},
		{"customer with an empty extra field", "id,name\nK2,Maksim Yakubets,\n", customers, "k.csv:2: 3 fields, but the header has 2"},
		{"customer on a quoted multi-line row", "id,name\n\"K\n1\",Jane Doe,x\n", customers, "k.csv:2: 3 fields"},
		{"customer row shorter", "id,name,country\nK1,Jane Doe\n", customers, ""},
		{"payment", payments + "t1,USD,100,beneficiary,Jane Doe\nt2,USD,100,beneficiary,Maksim,Yakubets\n", txs, "k.csv:3: 6 fields, but the header has 5"},
		{"payment row shorter", payments + "t1,USD,100,beneficiary\n", txs, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.read(tt.in)
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("%v; want %d rows read", err, n)
			case tt.err != "" && (warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("%d rows, %v; want EINVALID %q", n, err, tt.err)
			}
		})
	}
}

func customers(in string) (int, error) {
	cs, _, err := enforcement.ReadCustomers(strings.NewReader(in), "k.csv")
	return len(cs), err
}

func txs(in string) (int, error) {
	ts, _, err := enforcement.ReadPayments(strings.NewReader(in), "k.csv")
	return len(ts), err
}

// TestJSONLDuplicateKeys: a payments JSON line that gives a key twice
// fails naming its line and the key; the decoder used to keep the last.
func TestJSONLDuplicateKeys(t *testing.T) {
	in := `{"reference":"t1","amount":{"currency":"USD","minor":100},"parties":[{"role":"beneficiary","name":"Jane Doe"}]}
{"reference":"t2","amount":{"currency":"USD","minor":100},"parties":[{"role":"beneficiary","name":"Jane Doe","name":"Maksim Yakubets"}]}
`
	ts, _, err := enforcement.ReadPayments(strings.NewReader(in), "p.jsonl")
	if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "p.jsonl:2: parties[0].name appears twice") {
		t.Errorf("%d payments, %v; want p.jsonl:2 naming parties[0].name", len(ts), err)
	}
}

// TestBirthDates: a birth date that is not a date of the calendar is
// refused everywhere a party comes in — a payment (EINVALID naming the
// field), a payments CSV (naming its line), a customer and a customer CSV
// import (a row error naming its line, the other rows go on) — while the
// partial dates lists use (YYYY, YYYY-MM) are taken.
func TestBirthDates(t *testing.T) {
	e := setup(t, storetest.OpenSQLite(t))
	client := as("payments", warden.RoleScreener)
	for i, tc := range []struct {
		date string
		ok   bool
	}{
		{"1987-13-45", false}, {"1987-02-30", false}, {"1900-02-29", false}, {"87-02-03", false}, {"03/02/1987", false},
		{"1987-02-03", true}, {"1987-02", true}, {"1987", true}, {"2000-02-29", true},
	} {
		p := warden.TxParty{Role: "beneficiary", Name: "Jane Roe", BirthDate: tc.date}
		_, _, err := e.svc.Screen(client, pay(fmt.Sprintf("d%d", i), 100, us, p))
		if tc.ok != (err == nil) || !tc.ok && (warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "parties[1].birth_date")) {
			t.Errorf("payment with birth date %s: %v", tc.date, err)
		}
		_, _, err = e.svc.Onboard(client, warden.Customer{ID: fmt.Sprintf("D%d", i), Name: "Jane Roe", BirthDate: tc.date})
		if tc.ok != (err == nil) || !tc.ok && (warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "birth_date")) {
			t.Errorf("customer with birth date %s: %v", tc.date, err)
		}
	}

	in := "reference,currency,minor,role,name,birth_date\nt1,USD,100,originator,Jane Doe,1980\nt1,USD,100,beneficiary,John Roe,1987-02-30\n"
	if _, err := txs(in); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "k.csv:3: birth_date") {
		t.Errorf("payments CSV: %v; want k.csv:3 naming birth_date", err)
	}

	cs, lines, err := enforcement.ReadCustomers(strings.NewReader("id,name,birth_date\nK1,Jane Doe,1987-13-45\nK2,John Roe,1987-02-03\nK3,Max Poe,1987-02-30\n"), "k.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, sum, err := e.svc.Import(client, cs, lines, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Line != 2 || !strings.Contains(rows[0].Error, "birth_date") || rows[1].Error != "" || rows[1].Decision != warden.DecisionCleared ||
		rows[2].Line != 4 || !strings.Contains(rows[2].Error, "1987-02-30") {
		t.Errorf("customer import rows %+v (summary %+v)", rows, sum)
	}
}
