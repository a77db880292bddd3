package match

import (
	"errors"
	"unsafe"

	"warden"
)

// A snapshot holds each party in a binary form of its own, decoded when a
// search first returns it: every field in a fixed order, strings and lists
// by their length. Decoding JSON instead cost the 20,000-query customer mix
// a twentieth of its CPU, for the few thousand parties its hits return
// (docs/performance.md). TestPartyCodecCoversEntity fails when
// warden.Entity gains a field appendParty does not write.

// appendParty appends e's binary form to b: the snapshot encoder's
// numbers, each string written out (inlineStr) rather than numbered in
// the string table, which a load copies whole.
func appendParty(b []byte, e *warden.Entity) []byte {
	w := encoder{buf: b}
	w.inlineStr(e.ID)
	w.inlineStr(e.List)
	w.inlineStr(e.SourceID)
	w.uvarint(uint64(e.Version))
	w.inlineStr(string(e.Schema))
	w.uvarint(uint64(len(e.Names)))
	for _, n := range e.Names {
		w.inlineStr(n.Full)
		w.inlineStr(string(n.Kind))
		w.inlineStr(n.Script)
		w.inlineStr(n.Lang)
		w.inlineStr(n.Given)
		w.inlineStr(n.Middle)
		w.inlineStr(n.Family)
		w.inlineStr(n.Patronymic)
	}
	w.uvarint(uint64(len(e.BirthDates)))
	for _, d := range e.BirthDates {
		w.inlineStr(d.From)
		w.inlineStr(d.To)
		w.bool(d.Approximate)
	}
	w.inlineStrs(e.BirthPlaces)
	w.inlineStr(e.Gender)
	w.inlineStrs(e.Nationalities)
	w.inlineStrs(e.Citizenships)
	w.inlineStrs(e.Countries)
	w.inlineStrs(e.UnmappedCountries)
	w.uvarint(uint64(len(e.Addresses)))
	for _, a := range e.Addresses {
		w.inlineStr(a.Full)
		w.inlineStr(a.Street)
		w.inlineStr(a.City)
		w.inlineStr(a.Region)
		w.inlineStr(a.PostalCode)
		w.inlineStr(a.Country)
		w.inlineStr(a.CountryName)
	}
	w.uvarint(uint64(len(e.Identifiers)))
	for _, id := range e.Identifiers {
		w.inlineStr(string(id.Type))
		w.inlineStr(id.Value)
		w.inlineStr(id.Country)
		w.inlineStr(id.Currency)
		w.inlineStr(id.Label)
		w.inlineStr(id.Note)
	}
	w.inlineStrs(e.Programs)
	w.inlineStr(e.ListedOn)
	w.inlineStrs(e.Titles)
	w.inlineStrs(e.Positions)
	w.inlineStr(e.Remarks)
	w.bool(e.Craft != nil)
	if c := e.Craft; c != nil {
		w.inlineStr(c.CallSign)
		w.inlineStr(c.Type)
		w.inlineStr(c.Tonnage)
		w.inlineStr(c.GRT)
		w.inlineStr(c.Flag)
		w.inlineStr(c.Owner)
	}
	w.uvarint(uint64(len(e.Links)))
	for _, l := range e.Links {
		w.inlineStr(l.Type)
		w.inlineStr(l.SourceID)
		w.inlineStr(l.Name)
		w.float(l.Percent)
	}
	w.inlineStrs(e.Topics)
	w.bool(e.Related)
	return w.buf
}

// decodeParty decodes a party appendParty wrote. Its strings share one copy
// of data, which therefore may be memory the caller unmaps later.
func decodeParty(data []byte) (*warden.Entity, error) {
	r := decoder{d: append([]byte(nil), data...)}
	e := new(warden.Entity)
	e.ID = r.inlineStr()
	e.List = r.inlineStr()
	e.SourceID = r.inlineStr()
	e.Version = int(r.uvarint())
	e.Schema = warden.Schema(r.inlineStr())
	if n := r.count(1); n > 0 {
		e.Names = make([]warden.Name, n)
		for i := range e.Names {
			e.Names[i] = warden.Name{Full: r.inlineStr(), Kind: warden.NameKind(r.inlineStr()), Script: r.inlineStr(), Lang: r.inlineStr(),
				Given: r.inlineStr(), Middle: r.inlineStr(), Family: r.inlineStr(), Patronymic: r.inlineStr()}
		}
	}
	if n := r.count(1); n > 0 {
		e.BirthDates = make([]warden.DateRange, n)
		for i := range e.BirthDates {
			e.BirthDates[i] = warden.DateRange{From: r.inlineStr(), To: r.inlineStr(), Approximate: r.bool()}
		}
	}
	e.BirthPlaces = r.inlineStrs()
	e.Gender = r.inlineStr()
	e.Nationalities = r.inlineStrs()
	e.Citizenships = r.inlineStrs()
	e.Countries = r.inlineStrs()
	e.UnmappedCountries = r.inlineStrs()
	if n := r.count(1); n > 0 {
		e.Addresses = make([]warden.Address, n)
		for i := range e.Addresses {
			e.Addresses[i] = warden.Address{Full: r.inlineStr(), Street: r.inlineStr(), City: r.inlineStr(), Region: r.inlineStr(),
				PostalCode: r.inlineStr(), Country: r.inlineStr(), CountryName: r.inlineStr()}
		}
	}
	if n := r.count(1); n > 0 {
		e.Identifiers = make([]warden.Identifier, n)
		for i := range e.Identifiers {
			e.Identifiers[i] = warden.Identifier{Type: warden.IDType(r.inlineStr()), Value: r.inlineStr(), Country: r.inlineStr(),
				Currency: r.inlineStr(), Label: r.inlineStr(), Note: r.inlineStr()}
		}
	}
	e.Programs = r.inlineStrs()
	e.ListedOn = r.inlineStr()
	e.Titles = r.inlineStrs()
	e.Positions = r.inlineStrs()
	e.Remarks = r.inlineStr()
	if r.bool() {
		e.Craft = &warden.Craft{CallSign: r.inlineStr(), Type: r.inlineStr(), Tonnage: r.inlineStr(), GRT: r.inlineStr(), Flag: r.inlineStr(), Owner: r.inlineStr()}
	}
	if n := r.count(1); n > 0 {
		e.Links = make([]warden.Link, n)
		for i := range e.Links {
			e.Links[i] = warden.Link{Type: r.inlineStr(), SourceID: r.inlineStr(), Name: r.inlineStr(), Percent: r.float()}
		}
	}
	e.Topics = r.inlineStrs()
	e.Related = r.bool()
	if r.err != nil {
		return nil, r.err
	}
	if len(r.d) != 0 {
		return nil, errors.New("bytes left over")
	}
	return e, nil
}

// inlineStr writes s out: its length, then its bytes.
func (e *encoder) inlineStr(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) inlineStrs(l []string) {
	e.uvarint(uint64(len(l)))
	for _, s := range l {
		e.inlineStr(s)
	}
}

// inlineStr reads a string inlineStr wrote, sharing the decoder's bytes:
// only a decoder of bytes of its own, never changed, may read one.
func (d *decoder) inlineStr() string {
	n := d.count(1)
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.d[0], n)
	d.d = d.d[n:]
	return s
}

func (d *decoder) inlineStrs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = d.inlineStr()
	}
	return l
}
