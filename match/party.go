package match

import (
	"encoding/binary"
	"errors"
	"math"
	"unsafe"

	"warden"
)

// A snapshot holds each party in a binary form of its own, decoded when a
// search first returns it: every field in a fixed order, strings and lists
// by their length. Decoding JSON instead cost the 20,000-query customer mix
// a twentieth of its CPU, for the few thousand parties its hits return
// (docs/performance.md). TestPartyCodecCoversEntity fails when
// warden.Entity gains a field appendParty does not write.

// appendParty appends e's binary form to b.
func appendParty(b []byte, e *warden.Entity) []byte {
	w := partyWriter{b}
	w.str(e.ID)
	w.str(e.List)
	w.str(e.SourceID)
	w.uint(uint64(e.Version))
	w.str(string(e.Schema))
	w.uint(uint64(len(e.Names)))
	for _, n := range e.Names {
		w.str(n.Full)
		w.str(string(n.Kind))
		w.str(n.Script)
		w.str(n.Lang)
		w.str(n.Given)
		w.str(n.Middle)
		w.str(n.Family)
		w.str(n.Patronymic)
	}
	w.uint(uint64(len(e.BirthDates)))
	for _, d := range e.BirthDates {
		w.str(d.From)
		w.str(d.To)
		w.bool(d.Approximate)
	}
	w.strs(e.BirthPlaces)
	w.str(e.Gender)
	w.strs(e.Nationalities)
	w.strs(e.Citizenships)
	w.strs(e.Countries)
	w.strs(e.UnmappedCountries)
	w.uint(uint64(len(e.Addresses)))
	for _, a := range e.Addresses {
		w.str(a.Full)
		w.str(a.Street)
		w.str(a.City)
		w.str(a.Region)
		w.str(a.PostalCode)
		w.str(a.Country)
		w.str(a.CountryName)
	}
	w.uint(uint64(len(e.Identifiers)))
	for _, id := range e.Identifiers {
		w.str(string(id.Type))
		w.str(id.Value)
		w.str(id.Country)
		w.str(id.Currency)
		w.str(id.Label)
		w.str(id.Note)
	}
	w.strs(e.Programs)
	w.str(e.ListedOn)
	w.strs(e.Titles)
	w.strs(e.Positions)
	w.str(e.Remarks)
	w.bool(e.Craft != nil)
	if c := e.Craft; c != nil {
		w.str(c.CallSign)
		w.str(c.Type)
		w.str(c.Tonnage)
		w.str(c.GRT)
		w.str(c.Flag)
		w.str(c.Owner)
	}
	w.uint(uint64(len(e.Links)))
	for _, l := range e.Links {
		w.str(l.Type)
		w.str(l.SourceID)
		w.str(l.Name)
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(l.Percent))
	}
	w.strs(e.Topics)
	w.bool(e.Related)
	return w.b
}

// decodeParty decodes a party appendParty wrote. Its strings share one copy
// of data, which therefore may be memory the caller unmaps later.
func decodeParty(data []byte) (*warden.Entity, error) {
	r := partyReader{d: append([]byte(nil), data...)}
	e := new(warden.Entity)
	e.ID = r.str()
	e.List = r.str()
	e.SourceID = r.str()
	e.Version = int(r.uint())
	e.Schema = warden.Schema(r.str())
	if n := r.count(); n > 0 {
		e.Names = make([]warden.Name, n)
		for i := range e.Names {
			e.Names[i] = warden.Name{Full: r.str(), Kind: warden.NameKind(r.str()), Script: r.str(), Lang: r.str(),
				Given: r.str(), Middle: r.str(), Family: r.str(), Patronymic: r.str()}
		}
	}
	if n := r.count(); n > 0 {
		e.BirthDates = make([]warden.DateRange, n)
		for i := range e.BirthDates {
			e.BirthDates[i] = warden.DateRange{From: r.str(), To: r.str(), Approximate: r.bool()}
		}
	}
	e.BirthPlaces = r.strs()
	e.Gender = r.str()
	e.Nationalities = r.strs()
	e.Citizenships = r.strs()
	e.Countries = r.strs()
	e.UnmappedCountries = r.strs()
	if n := r.count(); n > 0 {
		e.Addresses = make([]warden.Address, n)
		for i := range e.Addresses {
			e.Addresses[i] = warden.Address{Full: r.str(), Street: r.str(), City: r.str(), Region: r.str(),
				PostalCode: r.str(), Country: r.str(), CountryName: r.str()}
		}
	}
	if n := r.count(); n > 0 {
		e.Identifiers = make([]warden.Identifier, n)
		for i := range e.Identifiers {
			e.Identifiers[i] = warden.Identifier{Type: warden.IDType(r.str()), Value: r.str(), Country: r.str(),
				Currency: r.str(), Label: r.str(), Note: r.str()}
		}
	}
	e.Programs = r.strs()
	e.ListedOn = r.str()
	e.Titles = r.strs()
	e.Positions = r.strs()
	e.Remarks = r.str()
	if r.bool() {
		e.Craft = &warden.Craft{CallSign: r.str(), Type: r.str(), Tonnage: r.str(), GRT: r.str(), Flag: r.str(), Owner: r.str()}
	}
	if n := r.count(); n > 0 {
		e.Links = make([]warden.Link, n)
		for i := range e.Links {
			e.Links[i] = warden.Link{Type: r.str(), SourceID: r.str(), Name: r.str(), Percent: r.float()}
		}
	}
	e.Topics = r.strs()
	e.Related = r.bool()
	if r.err != nil {
		return nil, r.err
	}
	if len(r.d) != 0 {
		return nil, errors.New("party: bytes left over")
	}
	return e, nil
}

type partyWriter struct{ b []byte }

func (w *partyWriter) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *partyWriter) str(s string)  { w.uint(uint64(len(s))); w.b = append(w.b, s...) }
func (w *partyWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}
func (w *partyWriter) strs(l []string) {
	w.uint(uint64(len(l)))
	for _, s := range l {
		w.str(s)
	}
}

// partyReader reads what partyWriter wrote; after the first error every
// read gives the zero value and err says what went wrong.
type partyReader struct {
	d   []byte
	err error
}

var errPartyTruncated = errors.New("party: truncated")

func (r *partyReader) uint() uint64 {
	v, n := binary.Uvarint(r.d)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.d = r.d[n:]
	return v
}

// count reads a length that must fit in what is left, each item taking at
// least a byte.
func (r *partyReader) count() int {
	n := r.uint()
	if n > uint64(len(r.d)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *partyReader) str() string {
	n := r.count()
	if n == 0 {
		return ""
	}
	s := unsafe.String(&r.d[0], n) // r.d is the reader's own copy, never changed
	r.d = r.d[n:]
	return s
}

func (r *partyReader) strs() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = r.str()
	}
	return l
}

func (r *partyReader) bool() bool {
	if len(r.d) < 1 {
		r.fail()
		return false
	}
	v := r.d[0] != 0
	r.d = r.d[1:]
	return v
}

func (r *partyReader) float() float64 {
	if len(r.d) < 8 {
		r.fail()
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.d))
	r.d = r.d[8:]
	return f
}

func (r *partyReader) fail() {
	if r.err == nil {
		r.err = errPartyTruncated
	}
	r.d = nil
}
