package enforcement_test

import (
	"strings"
	"testing"

	"warden"
	"warden/enforcement"
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
