// Package stix writes listed parties as a STIX 2.1 bundle of identity
// objects and the relationships between them, the form threat-intelligence
// platforms (MISP, OpenCTI) take in.
//
// STIX's identity has a name, a class, a description and contact details;
// what a sanctions list says beyond those (aliases in every script, birth
// dates, nationalities, identifiers, wallets, programs) goes into custom
// properties prefixed x_warden_, as STIX 2.1 allows. Ids are UUIDv5 of the
// party's Warden id, so a party keeps its STIX id in every export. A link
// between two parties of the bundle (a company's owned_by link to its
// owner) is a relationship object.
package stix

import (
	"bufio"
	"cmp"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"warden"
)

// Namespace is the UUIDv5 namespace of Warden's STIX ids.
var Namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://warden.invalid/stix"))

// ID returns the STIX id of an object of type typ named by key: the same
// key gives the same id in every export.
func ID(typ, key string) string {
	return typ + "--" + uuid.NewSHA1(Namespace, []byte(key)).String()
}

// Identity is a STIX 2.1 identity object with Warden's custom properties.
type Identity struct {
	Type          string `json:"type"`
	SpecVersion   string `json:"spec_version"`
	ID            string `json:"id"`
	Created       string `json:"created"`
	Modified      string `json:"modified"`
	Name          string `json:"name"`
	IdentityClass string `json:"identity_class"`
	Description   string `json:"description,omitempty"`
	Contact       string `json:"contact_information,omitempty"`

	List          string              `json:"x_warden_list"`
	SourceID      string              `json:"x_warden_source_id"`
	Schema        string              `json:"x_warden_schema"`
	Names         []warden.Name       `json:"x_warden_names"`
	BirthDates    []warden.DateRange  `json:"x_warden_birth_dates,omitempty"`
	BirthPlaces   []string            `json:"x_warden_birth_places,omitempty"`
	Gender        string              `json:"x_warden_gender,omitempty"`
	Nationalities []string            `json:"x_warden_nationalities,omitempty"`
	Citizenships  []string            `json:"x_warden_citizenships,omitempty"`
	Countries     []string            `json:"x_warden_countries,omitempty"`
	Addresses     []warden.Address    `json:"x_warden_addresses,omitempty"`
	Identifiers   []warden.Identifier `json:"x_warden_identifiers,omitempty"`
	Programs      []string            `json:"x_warden_programs,omitempty"`
	ListedOn      string              `json:"x_warden_listed_on,omitempty"`
}

// Timestamp writes t as STIX does: UTC with milliseconds.
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// FromWarden maps a party to an identity created and modified at t (the
// time of the list version that states it).
func FromWarden(e *warden.Entity, t time.Time) *Identity {
	class := "organization"
	switch e.Schema {
	case warden.SchemaPerson:
		class = "individual"
	case warden.SchemaVessel, warden.SchemaAircraft, warden.SchemaCryptoWallet:
		class = "unknown"
	}
	var contact []string
	for _, id := range e.Identifiers {
		switch id.Type {
		case warden.IDEmail, warden.IDPhone, warden.IDWebsite:
			contact = append(contact, string(id.Type)+": "+id.Value)
		}
	}
	return &Identity{
		Type: "identity", SpecVersion: "2.1", ID: ID("identity", e.ID),
		Created: Timestamp(t), Modified: Timestamp(t),
		Name: e.Caption(), IdentityClass: class, Description: e.Remarks, Contact: strings.Join(contact, "; "),
		List: e.List, SourceID: e.SourceID, Schema: string(e.Schema), Names: e.Names,
		BirthDates: e.BirthDates, BirthPlaces: e.BirthPlaces, Gender: e.Gender,
		Nationalities: e.Nationalities, Citizenships: e.Citizenships, Countries: e.Countries,
		Addresses: e.Addresses, Identifiers: e.Identifiers, Programs: e.Programs, ListedOn: e.ListedOn,
	}
}

// Relationship is a STIX 2.1 relationship for a link between two parties
// of the bundle (a company's owned_by link to the party that owns it):
// related-to, the one type STIX allows between any two objects, which
// every platform takes in, from the party that has the link to the party
// it names, with Warden's link type and share as custom properties.
type Relationship struct {
	Type             string  `json:"type"`
	SpecVersion      string  `json:"spec_version"`
	ID               string  `json:"id"`
	Created          string  `json:"created"`
	Modified         string  `json:"modified"`
	RelationshipType string  `json:"relationship_type"`
	SourceRef        string  `json:"source_ref"`
	TargetRef        string  `json:"target_ref"`
	Description      string  `json:"description"`
	LinkType         string  `json:"x_warden_link_type"`
	Percent          float64 `json:"x_warden_percent,omitempty"`
}

// Writer streams a bundle: one object a line between the bundle's opening
// and closing, so a list of any size is written without holding it. The
// relationships of links come after the identities, for the links whose
// party is in the bundle.
type Writer struct {
	w       *bufio.Writer
	t       time.Time
	objects int
	written map[string]bool // Warden ids of the parties written
	links   []pendingLink
}

// pendingLink is a relationship waiting for the bundle's end, when it is
// known whether its target is in the bundle.
type pendingLink struct {
	target string // the Warden id of the linked party
	rel    *Relationship
}

// NewWriter starts a bundle on w whose id derives from key (such as
// "cyber_sanctions:3"), for objects created and modified at t.
func NewWriter(w io.Writer, key string, t time.Time) *Writer {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"bundle","id":"` + ID("bundle", key) + `"`)
	return &Writer{w: bw, t: t, written: map[string]bool{}}
}

// Write adds e to the bundle, and keeps its links to other parties (by
// source id on e's list) for Close.
func (w *Writer) Write(e *warden.Entity) error {
	w.written[e.ID] = true
	for _, l := range e.Links {
		if l.SourceID == "" {
			continue
		}
		target := warden.EntityID(e.List, l.SourceID)
		desc := strings.ReplaceAll(l.Type, "_", " ") + " " + cmp.Or(l.Name, target)
		if l.Percent > 0 {
			desc += " (" + strconv.FormatFloat(l.Percent, 'f', -1, 64) + "%)"
		}
		ts := Timestamp(w.t)
		w.links = append(w.links, pendingLink{target: target, rel: &Relationship{
			Type: "relationship", SpecVersion: "2.1", ID: ID("relationship", e.ID+" "+l.Type+" "+target),
			Created: ts, Modified: ts, RelationshipType: "related-to",
			SourceRef: ID("identity", e.ID), TargetRef: ID("identity", target),
			Description: desc, LinkType: l.Type, Percent: l.Percent,
		}})
	}
	return w.object(FromWarden(e, w.t))
}

// object writes one object of the bundle.
func (w *Writer) object(o any) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if w.objects == 0 {
		w.w.WriteString(",\"objects\":[\n")
	} else {
		w.w.WriteString(",\n")
	}
	w.objects++
	_, err = w.w.Write(b)
	return err
}

// Close writes the relationships of the links whose party is in the
// bundle and ends it. A bundle without parties has no objects member,
// since STIX wants at least one object in it.
func (w *Writer) Close() error {
	for _, l := range w.links {
		if w.written[l.target] {
			if err := w.object(l.rel); err != nil {
				return err
			}
		}
	}
	if w.objects > 0 {
		w.w.WriteString("\n]")
	}
	w.w.WriteString("}\n")
	return w.w.Flush()
}
