package enforcement

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"warden"
	"warden/internal/textio"
	"warden/match"
)

// LoadPolicy reads a policy from a JSON file (see ParsePolicy); "" is
// the shipped default.
func LoadPolicy(path string) (Policy, error) {
	if path == "" {
		return DefaultPolicy(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Policy{}, fmt.Errorf("policy: %w", err)
	}
	return ParsePolicy(b, "policy "+path)
}

// MaxLine is the longest input line a payments file may hold.
const MaxLine = 1 << 20

// ReadPayments reads payments from JSON lines (one Transaction per line)
// or CSV (header reference,currency,minor,role,schema,name,country,
// birth_date,address,account,wallet,identifiers,ip,domain,email; one row per party, a payment's rows together,
// identifiers separated by ';'). A malformed line, a JSON line with a key
// given twice, a CSV row longer than the header or with a birth date that
// is not a date of the calendar fails with its number.
func ReadPayments(r io.Reader, name string) ([]warden.Transaction, []int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	first, _ := br.Peek(1)
	if len(first) == 1 && first[0] == '{' {
		return readJSONL(br, name)
	}
	return readCSV(br, name)
}

func readJSONL(r io.Reader, name string) ([]warden.Transaction, []int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	var out []warden.Transaction
	var lines []int
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := textio.UniqueKeys(sc.Bytes()); err != nil {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s:%d: %w", name, n, err)
		}
		var t warden.Transaction
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&t); err != nil {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s:%d: %v", name, n, err)
		}
		out, lines = append(out, t), append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, warden.Errorf(warden.EINVALID, "%s: %v", name, err)
	}
	return out, lines, nil
}

var csvColumns = []string{"reference", "currency", "minor", "role", "schema", "name", "country", "birth_date", "address", "account", "wallet", "identifiers", "ip", "domain", "email"}

// customerColumns are the columns of a customer import CSV.
var customerColumns = []string{"id", "schema", "name", "country", "birth_date", "address", "account", "wallet", "identifiers", "ip", "domain", "email"}

func readCSV(r io.Reader, name string) ([]warden.Transaction, []int, error) {
	cr, col, err := readHeader(r, name, csvColumns)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range []string{"reference", "currency", "minor", "role"} {
		if _, ok := col[c]; !ok {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s:1: the header needs %s (columns: %s)", name, c, strings.Join(csvColumns, ","))
		}
	}
	get := cells(col)
	var out []warden.Transaction
	var lines []int
	for {
		rec, line, err := readRow(cr, name, col)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		ref := get(rec, "reference")
		minor, err := strconv.ParseInt(get(rec, "minor"), 10, 64)
		if err != nil {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s:%d: minor must be an integer number of minor units", name, line)
		}
		if bd := get(rec, "birth_date"); bd != "" {
			if _, err := warden.ParseDate(bd); err != nil {
				return nil, nil, warden.Errorf(warden.EINVALID, "%s:%d: birth_date: %w", name, line, err)
			}
		}
		p := warden.TxParty{Role: get(rec, "role"), Schema: warden.Schema(get(rec, "schema")), Name: get(rec, "name"), Country: get(rec, "country"), BirthDate: get(rec, "birth_date"),
			Address: get(rec, "address"), Account: get(rec, "account"), Wallet: get(rec, "wallet"), IP: get(rec, "ip"), Domain: get(rec, "domain"), Email: get(rec, "email")}
		p.Identifiers = splitIdentifiers(get(rec, "identifiers"))
		if n := len(out); n > 0 && out[n-1].Reference == ref {
			if out[n-1].Amount.Minor != minor || out[n-1].Amount.Currency != get(rec, "currency") {
				return nil, nil, warden.Errorf(warden.EINVALID, "%s:%d: payment %s has another amount on an earlier row", name, line, ref)
			}
			out[n-1].Parties = append(out[n-1].Parties, p)
			continue
		}
		out = append(out, warden.Transaction{Reference: ref, Amount: warden.Money{Currency: get(rec, "currency"), Minor: minor}, Parties: []warden.TxParty{p}})
		lines = append(lines, line)
	}
	return out, lines, nil
}

// readHeader starts reading CSV whose rows may be shorter than the header
// (trailing empty cells left out), never longer: it reads the header and
// maps its column names (lower case, spaces and a byte-order mark
// trimmed) to their positions. A column not in known, or named twice, is
// EINVALID naming it: a misspelt column would otherwise be ignored and
// its data never screened. The rows are read with readRow.
func readHeader(r io.Reader, name string, known []string) (*csv.Reader, map[string]int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, warden.Errorf(warden.EINVALID, "%s:1: the file is empty: it needs a header", name)
	}
	if err != nil {
		return nil, nil, warden.Errorf(warden.EINVALID, "%s:1: no CSV header: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(strings.ToLower(h), "\ufeff"))
		if !slices.Contains(known, h) {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s:1: unknown column %q (columns: %s)", name, h, strings.Join(known, ","))
		}
		if _, dup := col[h]; dup {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s:1: column %q appears twice", name, h)
		}
		col[h] = i
	}
	return cr, col, nil
}

// readRow reads the next row of CSV started by readHeader, with its line;
// io.EOF at the end. A malformed row, or one with more fields than the
// header's columns, is EINVALID naming its line: its extra value would be
// dropped unseen, and a stray comma shifts every later value into another
// column.
func readRow(cr *csv.Reader, name string, col map[string]int) ([]string, int, error) {
	rec, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, 0, warden.Errorf(warden.EINVALID, "%s:%d: %v", name, pe.StartLine, pe.Err)
	}
	if err != nil {
		return nil, 0, warden.Errorf(warden.EINVALID, "%s: %v", name, err)
	}
	line, _ := cr.FieldPos(0)
	if len(rec) > len(col) {
		return nil, 0, warden.Errorf(warden.EINVALID, "%s:%d: %d fields, but the header has %d", name, line, len(rec), len(col))
	}
	return rec, line, nil
}

// PartySchemas are the schemata a payment party or a customer may have:
// those of someone who can hold an account. A vessel, an aircraft or a
// wallet is not a party to a payment (a wallet is given as the party's
// wallet).
var PartySchemas = []warden.Schema{warden.SchemaPerson, warden.SchemaOrganization, warden.SchemaCompany, warden.SchemaLegalEntity}

// MaxText is the longest, in characters, of a party's short fields
// (account, wallet, country, birth date, each identifier); a name may be
// as long as match.MaxNameLength. Longer values are no real account
// number and would be stored and shown as they came.
const MaxText = 200

// checkParty rejects a party whose schema is not one of PartySchemas,
// whose text fields fail warden.CheckText (the name as a name, the other
// fields as identifiers) or whose birth date is not a date of the calendar
// (warden.ParseDate: 1987-13-45 and 1987-02-30 are refused, which would
// otherwise be compared as text with listed dates and move scores),
// naming the field after prefix (such as
// "parties[1]."; "" for a customer). It trims the spaces around the
// account and wallet, which key the blocked-property ledger (other
// whitespace, a CR or a tab, is refused, not trimmed).
func checkParty(prefix string, p *warden.TxParty) error {
	if p.Schema != "" && !slices.Contains(PartySchemas, p.Schema) {
		return warden.Errorf(warden.EINVALID, "%sschema must be Person, Organization, Company or LegalEntity, not %q", prefix, p.Schema)
	}
	if err := warden.CheckText(warden.TextName, prefix+"name", p.Name, match.MaxNameLength); err != nil {
		return err
	}
	p.Account, p.Wallet = strings.Trim(p.Account, " "), strings.Trim(p.Wallet, " ")
	for _, f := range []struct{ name, v string }{{"country", p.Country}, {"birth_date", p.BirthDate}, {"account", p.Account}, {"wallet", p.Wallet}} {
		if err := warden.CheckText(warden.TextID, prefix+f.name, f.v, MaxText); err != nil {
			return err
		}
	}
	if p.BirthDate != "" {
		if _, err := warden.ParseDate(p.BirthDate); err != nil {
			return warden.Errorf(warden.EINVALID, "%sbirth_date: %w", prefix, err)
		}
	}
	if err := warden.CheckText(warden.TextName, prefix+"address", p.Address, MaxText); err != nil {
		return err
	}
	if len(p.Identifiers) > MaxIdentifiers {
		return warden.Errorf(warden.EINVALID, "%sidentifiers: at most %d", prefix, MaxIdentifiers)
	}
	for i, id := range p.Identifiers {
		if err := warden.CheckText(warden.TextID, fmt.Sprintf("%sidentifiers[%d]", prefix, i), id, MaxText); err != nil {
			return err
		}
	}
	return nil
}

// MaxIdentifiers is the most identifiers one party may give.
const MaxIdentifiers = 20

// cells returns a reader of a record's named cells, trimmed; "" for a
// column the header lacks or the record is too short for.
func cells(col map[string]int) func(rec []string, name string) string {
	return func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
}

// splitIdentifiers reads a cell of identifiers separated by ';'.
func splitIdentifiers(v string) []string {
	var out []string
	for _, id := range strings.Split(v, ";") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}
