package stix

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"warden"
	"warden/sources/sourcetest"
	"warden/sources/unxml"
)

// bundleSchema compiles the official STIX 2.1 bundle schema from the
// shared reference folder, every file under the URL of its own $id so the
// relative references resolve without the network.
func bundleSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	root := sourcetest.Data(t, "reference/stix2/schemas")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	var bundleURL string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return err
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if strings.HasSuffix(p, "common/bundle.json") {
			bundleURL = id
		}
		return c.AddResource(id, doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(bundleURL)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(s *jsonschema.Schema, b []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(doc)
}

var published = time.Date(2024, 7, 2, 14, 30, 0, 0, time.UTC)

func write(t *testing.T, es []*warden.Entity) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, "x:1", published)
	for _, e := range es {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// unParties is the real UN consolidated list (about a thousand parties,
// people and entities, names in Arabic and Latin script): the whole OFAC
// list validates too, but takes half a minute on two cores.
func unParties(t *testing.T) []*warden.Entity {
	es := sourcetest.MustParse(t, unxml.Parser{}, sourcetest.Data(t, "un/consolidated.xml")).Entities
	for _, e := range es {
		e.List, e.ID = "un", warden.EntityID("un", e.SourceID)
	}
	return es
}

// TestBundleValidates checks the bundle of a whole real list, and of no
// party at all, against the official schemas.
func TestBundleValidates(t *testing.T) {
	s := bundleSchema(t)
	es := unParties(t)
	b := write(t, es)
	if err := validate(s, b); err != nil {
		t.Fatalf("UN bundle: %v", err)
	}
	if err := validate(s, write(t, nil)); err != nil {
		t.Errorf("empty bundle: %v", err)
	}
	var bundle struct {
		Objects []Identity `json:"objects"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil || len(bundle.Objects) != len(es) {
		t.Fatalf("%d objects of %d: %v", len(bundle.Objects), len(es), err)
	}
	// Ids are stable: the same party gets the same id in another export.
	if again := write(t, es[:1]); !bytes.Contains(again, []byte(bundle.Objects[0].ID)) {
		t.Errorf("id of %s changed between exports", es[0].ID)
	}
	classes := map[string]int{}
	for _, o := range bundle.Objects {
		classes[o.IdentityClass]++
	}
	if classes["individual"] == 0 || classes["organization"] == 0 {
		t.Errorf("identity classes %v", classes)
	}
}

// TestBundleBroken shows the validation can fail: objects that break the
// schema each make the bundle invalid.
func TestBundleBroken(t *testing.T) {
	s := bundleSchema(t)
	good := FromWarden(&warden.Entity{ID: "x:1", List: "x", SourceID: "1", Schema: warden.SchemaPerson,
		Names: []warden.Name{{Full: "YAKUBETS, Maksim", Kind: warden.NamePrimary}}}, published)
	for name, breakIt := range map[string]func(m map[string]any){
		"no name":          func(m map[string]any) { delete(m, "name") },
		"id of a malware":  func(m map[string]any) { m["id"] = strings.Replace(m["id"].(string), "identity--", "malware--", 1) },
		"bad timestamp":    func(m map[string]any) { m["modified"] = "2024-07-02 14:30:00" },
		"spec version 2.2": func(m map[string]any) { m["spec_version"] = "2.2" },
		"empty custom":     func(m map[string]any) { m["x_warden_programs"] = []any{} },
		"capital custom":   func(m map[string]any) { m["X_programs"] = "CYBER2" },
	} {
		b, _ := json.Marshal(good)
		var m map[string]any
		json.Unmarshal(b, &m)
		if err := validate(s, mustBundle(m)); err != nil {
			t.Fatalf("good object invalid: %v", err)
		}
		breakIt(m)
		if err := validate(s, mustBundle(m)); err == nil {
			t.Errorf("%s: bundle validates", name)
		}
	}
}

func mustBundle(o map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"type": "bundle", "id": ID("bundle", "t"), "objects": []any{o}})
	return b
}

// TestBundleLinks: a company owned by a listed person is tied to it by a
// relationship (related-to, the company the source, the owner the target,
// Warden's link type and share as custom properties) that validates
// against the official schemas; a link to a party not in the bundle, or
// without an id, makes none.
func TestBundleLinks(t *testing.T) {
	owner := &warden.Entity{ID: "cs:2", List: "cs", SourceID: "2", Schema: warden.SchemaPerson,
		Names: []warden.Name{{Full: "YAKUBETS, Maksim", Kind: warden.NamePrimary}}}
	company := &warden.Entity{ID: "cs:2-1", List: "cs", SourceID: "2-1", Schema: warden.SchemaCompany,
		Names: []warden.Name{{Full: "EVIL CORP LLC", Kind: warden.NamePrimary}},
		Links: []warden.Link{{Type: "owned_by", SourceID: "2", Name: "YAKUBETS, Maksim", Percent: 60},
			{Type: "owned_by", SourceID: "99", Name: "NOT LISTED"}, {Type: "linked_to", Name: "BY NAME ONLY"}}}
	b := write(t, []*warden.Entity{company, owner})
	if err := validate(bundleSchema(t), b); err != nil {
		t.Fatalf("bundle with a relationship: %v\n%s", err, b)
	}
	var bundle struct {
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	var rels []map[string]any
	for _, o := range bundle.Objects {
		if o["type"] == "relationship" {
			rels = append(rels, o)
		}
	}
	if len(rels) != 1 {
		t.Fatalf("%d relationships, want 1:\n%s", len(rels), b)
	}
	r := rels[0]
	if r["relationship_type"] != "related-to" || r["source_ref"] != ID("identity", "cs:2-1") || r["target_ref"] != ID("identity", "cs:2") ||
		r["x_warden_link_type"] != "owned_by" || r["x_warden_percent"] != 60.0 {
		t.Errorf("relationship %v", r)
	}
}
