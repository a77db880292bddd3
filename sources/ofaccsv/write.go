package ofaccsv

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"warden"
	"warden/sources/internal/ofac"
)

// FileNames are the four files of OFAC's legacy CSV set, in the order a
// Writer fills them.
var FileNames = []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}

// SourceIDRemark starts the remark that carries a source id which is not
// an OFAC ent_num. A Writer numbers such a party itself and keeps its own
// id in this remark; Parse gives it back, so a list exported and imported
// again keeps its ids.
const SourceIDRemark = "Warden Source ID "

// remarksMax is the width of sdn.csv's remarks field; OFAC continues longer
// remarks in sdn_comments.csv.
const remarksMax = 1000

// Writer writes parties as OFAC's legacy CSV set: sdn.csv, add.csv (one row
// a party, of nulls when it has no address, as OFAC does), alt.csv and
// sdn_comments.csv, with CRLF line ends, "-0- " for nulls and the 0x1A byte
// OFAC ends its files with. The structured fields go into the remarks in
// OFAC's own phrasing ("DOB 21 Sep 1979; nationality Russia; Passport 123
// (Russia); Digital Currency Address - XBT 1abc..."), so the set reads back
// with Parse into the same names, dates, identifiers, wallets and programs.
type Writer struct {
	files   [4]*bufio.Writer
	rows    [4]int
	addNum  int
	altNum  int
	numbers map[string]string // ent_num -> source id, to refuse a collision
}

// NewWriter returns a Writer onto the four files, in FileNames' order.
func NewWriter(sdn, add, alt, comments io.Writer) *Writer {
	w := &Writer{numbers: map[string]string{}}
	for i, f := range []io.Writer{sdn, add, alt, comments} {
		w.files[i] = bufio.NewWriter(f)
	}
	return w
}

// EntNum returns the OFAC ent_num for a source id: the id itself when it is
// a number, otherwise a number of 16 digits starting with 9 taken from the
// id's SHA-256, the same in every export.
func EntNum(sourceID string) string {
	if isNumber(sourceID) {
		return sourceID
	}
	sum := sha256.Sum256([]byte(sourceID))
	return fmt.Sprintf("9%015d", binary.BigEndian.Uint64(sum[:8])%1_000_000_000_000_000)
}

func isNumber(s string) bool {
	return s != "" && len(s) <= 15 && strings.Trim(s, "0123456789") == ""
}

// Write writes one party. Two parties whose ids give the same ent_num are
// EINVALID rather than merged.
func (w *Writer) Write(e *warden.Entity) error {
	num := EntNum(e.SourceID)
	if prev, ok := w.numbers[num]; ok {
		return warden.Errorf(warden.EINVALID, "ofac-csv: parties %q and %q both number as ent_num %s", prev, e.SourceID, num)
	}
	w.numbers[num] = e.SourceID

	sdnType := nullCell
	switch e.Schema {
	case warden.SchemaPerson:
		sdnType = quote("individual")
	case warden.SchemaVessel:
		sdnType = quote("vessel")
	case warden.SchemaAircraft:
		sdnType = quote("aircraft")
	}
	title := ""
	if len(e.Titles) > 0 {
		title = e.Titles[0]
	}
	var c warden.Craft
	if e.Craft != nil {
		c = *e.Craft
	}
	remarks := Remarks(e)
	if num != e.SourceID {
		remarks = joinRemarks(remarks, SourceIDRemark+e.SourceID)
	}
	head, rest := cut(remarks, remarksMax)
	w.row(0, num, quote(e.Caption()), sdnType, field(strings.Join(e.Programs, "] [")), field(title),
		field(c.CallSign), field(c.Type), field(c.Tonnage), field(c.GRT), field(c.Flag), field(c.Owner), field(head))
	if rest != "" {
		w.row(3, num, quote(rest))
	}
	if len(e.Addresses) == 0 {
		w.addNum++
		w.row(1, num, fmt.Sprint(w.addNum), nullCell, nullCell, nullCell, nullCell)
	}
	for _, a := range e.Addresses {
		w.addNum++
		street, city, country := a.Street, joinNonEmpty(" ", a.City, a.Region, a.PostalCode), a.CountryName
		if country == "" && a.Country != "" {
			country = countryName(a.Country)
		}
		if street == "" && city == "" && country == "" {
			street = a.Full
		}
		w.row(1, num, fmt.Sprint(w.addNum), field(street), field(city), field(country), nullCell)
	}
	caption := e.Caption()
	for i, n := range e.Names {
		if i == firstPrimary(e) && n.Full == caption {
			continue
		}
		kind, note := "aka", nullCell
		switch n.Kind {
		case warden.NameFKA:
			kind = "fka"
		case warden.NameNKA:
			kind = "nka"
		case warden.NameWeak:
			note = quote("Low quality a.k.a.")
		}
		w.altNum++
		w.row(2, num, fmt.Sprint(w.altNum), quote(kind), quote(n.Full), note)
	}
	return nil
}

// firstPrimary is the index of the name Caption shows.
func firstPrimary(e *warden.Entity) int {
	for i, n := range e.Names {
		if n.Kind == warden.NamePrimary {
			return i
		}
	}
	return 0
}

// Close flushes the files, ending each that holds a row with OFAC's 0x1A
// byte (eofMark), so that a later version read from them is checked for
// it as OFAC's own files are. A file without rows stays empty: Parse refuses an empty companion,
// so the caller leaves it out of the set.
func (w *Writer) Close() error {
	for i, f := range w.files {
		if w.rows[i] > 0 {
			f.WriteByte(eofMark)
		}
		if err := f.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// Rows returns how many rows each file holds, in FileNames' order.
func (w *Writer) Rows() [4]int { return w.rows }

const nullCell = "-0- "

func (w *Writer) row(file int, cells ...string) {
	w.rows[file]++
	f := w.files[file]
	f.WriteString(strings.Join(cells, ","))
	f.WriteString("\r\n")
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// field is a quoted cell, or OFAC's nullCell for an empty one.
func field(s string) string {
	if strings.TrimSpace(s) == "" {
		return nullCell
	}
	return quote(s)
}

// cut splits s after at most n characters.
func cut(s string, n int) (string, string) {
	if utf8.RuneCountInString(s) <= n {
		return s, ""
	}
	i := 0
	for k := range s {
		if n == 0 {
			i = k
			break
		}
		n--
	}
	return s[:i], s[i:]
}

// countryName is the English name of an ISO code that reads back as the
// same code, or the code itself (also for names such as "Myanmar (Burma)"
// whose parenthesis would end an identifier's issuer early).
func countryName(code string) string {
	if n := warden.CountryName(code); n != code && !strings.ContainsAny(n, "();") {
		if c, ok := warden.CountryCode(n); ok && c == code {
			return n
		}
	}
	return code
}

var defaultLabels = map[warden.IDType]string{
	warden.IDPassport:     "Passport",
	warden.IDNational:     "National ID No.",
	warden.IDTax:          "Tax ID No.",
	warden.IDRegistration: "Registration Number",
	warden.IDUSCC:         "Unified Social Credit Code (USCC)",
	warden.IDEmail:        "Email Address",
	warden.IDWebsite:      "Website",
	warden.IDPhone:        "Phone Number",
	warden.IDSWIFT:        "SWIFT/BIC",
	warden.IDIMO:          "IMO",
	warden.IDLEI:          "Legal Entity Number",
	warden.IDOther:        "Identification Number",
}

// label is the OFAC label to write an identifier under: its own when the
// reader maps it back to the identifier's type, else OFAC's usual one.
func label(id warden.Identifier) string {
	if id.Type == warden.IDCrypto {
		return "Digital Currency Address - " + id.Currency
	}
	if t, ok := ofac.LabelType(id.Label); ok && t == id.Type {
		return strings.TrimSpace(id.Label)
	}
	return defaultLabels[id.Type]
}

// Remarks writes e's structured fields in OFAC's phrasing, a second value
// under the same label prefixed "alt." as OFAC does, followed by the parts
// of e.Remarks that carry no field (such as "Secondary sanctions risk: ...")
// and a "Linked To: NAME" part for each named link, of whatever type. The
// text ends with a full stop.
func Remarks(e *warden.Entity) string {
	var parts []string
	seen := map[string]bool{}
	add := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		p := label + " " + value
		if seen[label] {
			p = "alt. " + p
		}
		seen[label] = true
		parts = append(parts, p)
	}
	for _, d := range e.BirthDates {
		add("DOB", formatDate(d))
	}
	for _, p := range e.BirthPlaces {
		add("POB", p)
	}
	for _, c := range e.Nationalities {
		add("nationality", countryName(c))
	}
	for _, c := range e.Citizenships {
		add("citizen", countryName(c))
	}
	if e.Gender != "" {
		add("Gender", strings.ToUpper(e.Gender[:1])+e.Gender[1:])
	}
	for _, t := range e.Titles[min(1, len(e.Titles)):] {
		add("Title", t)
	}
	for _, id := range e.Identifiers {
		v := id.Value
		if id.Country != "" && id.Type != warden.IDEmail && id.Type != warden.IDWebsite && id.Type != warden.IDCrypto {
			v += " (" + countryName(id.Country) + ")"
		}
		if id.Note != "" && id.Type != warden.IDCrypto {
			v += " " + id.Note
		}
		add(label(id), v)
	}
	for _, p := range ofac.SplitRemarks(e.Remarks) {
		if isFreeText(p) {
			parts = append(parts, strings.TrimSuffix(p, "."))
		}
	}
	// OFAC's layout says "Linked To:" of every tie, ownership included:
	// an owned_by link reads back as a linked_to link by name.
	linked := map[string]bool{}
	for _, l := range e.Links {
		if l.Name != "" && !linked[l.Name] {
			linked[l.Name] = true
			parts = append(parts, "Linked To: "+l.Name)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + "."
}

// isFreeText reports whether a remarks part carries no field the reader
// takes out (those are written from the fields instead).
func isFreeText(p string) bool {
	if strings.HasPrefix(p, SourceIDRemark) {
		return false
	}
	var x warden.Entity
	ofac.ApplyRemarks(&x, p)
	return reflect.DeepEqual(x, warden.Entity{})
}

func joinRemarks(remarks, part string) string {
	if remarks == "" {
		return part + "."
	}
	return strings.TrimSuffix(remarks, ".") + "; " + part + "."
}

var monthNames = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// formatDate writes an ISO partial date or range as OFAC does: "21 Sep
// 1979", "Sep 1979", "1979", "circa 1979", "Feb 1958 to Mar 1958".
func formatDate(d warden.DateRange) string {
	s := formatPartial(d.From)
	if d.To != "" {
		s += " to " + formatPartial(d.To)
	}
	if d.Approximate {
		s = "circa " + s
	}
	return s
}

func formatPartial(iso string) string {
	y, rest, _ := strings.Cut(iso, "-")
	m, day, _ := strings.Cut(rest, "-")
	var mi int
	if _, err := fmt.Sscanf(m, "%d", &mi); err != nil || mi < 1 || mi > 12 {
		return iso
	}
	if day == "" {
		return monthNames[mi-1] + " " + y
	}
	return day + " " + monthNames[mi-1] + " " + y
}
