package match

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"warden"
)

// legalKeys returns the key of the legal form each reading of s reads as
// whole, "" for a reading that is none.
func legalKeys(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for _, r := range readings(fold(s), warden.SchemaCompany) {
		ts := makeTokens(readWords(r+" xyz", true, srcLatin), true, srcLatin)
		var keys []string
		for _, tk := range ts[:len(ts)-1] {
			if tk.kind != kindLegal {
				keys = nil
				break
			}
			keys = append(keys, tk.text)
		}
		out = append(out, strings.Join(keys, " "))
	}
	return out
}

// meet reports whether two lists of keys share one that is not "".
func meet(a, b []string) bool {
	for _, k := range a {
		if k != "" && slices.Contains(b, k) {
			return true
		}
	}
	return false
}

// TestLegalFormsMeet checks that a legal form spelled out and its
// abbreviation, in each language of the generated table, read as one key,
// and that whole names holding them match at the default threshold.
func TestLegalFormsMeet(t *testing.T) {
	tests := []struct{ lang, long, short string }{
		{"sv", "Aktiebolag", "AB"},
		{"es", "Sociedad Anonima", "S.A."},
		{"fr", "Société Anonyme", "SA"},
		{"de", "Gesellschaft mit beschränkter Haftung", "GmbH"},
		{"de", "Gesellschaft mit beschraenkter Haftung", "GMBH"},
		{"de", "Gesellschaft mit beschrankter Haftung", "GmbH"},
		{"de", "Aktiengesellschaft", "AG"},
		{"de", "Kommanditgesellschaft", "KG"},
		{"pl", "Spółka z ograniczoną odpowiedzialnością", "Sp. z o.o."},
		{"fr", "Société à responsabilité limitée", "SARL"},
		{"en", "Limited Liability Company", "LLC"},
		{"en", "Public Limited Company", "PLC"},
		{"en", "Incorporated", "Inc."},
		{"ru", "Obshchestvo s ogranichennoy otvetstvennostyu", "OOO"},
		{"ru", "Общество с ограниченной ответственностью", "ООО"},
		{"ru", "Общество с ограниченной ответственностью", "OOO"},
		{"fi", "Osakeyhtiö", "Oy"},
		{"no", "Aksjeselskap", "AS"},
		{"da", "Anpartsselskab", "ApS"},
		{"it", "Società per azioni", "S.p.A."},
		{"it", "Società a responsabilità limitata", "S.r.l."},
		{"nl", "Besloten vennootschap", "B.V."},
		{"cs", "Společnost s ručením omezeným", "s.r.o."},
		{"tr", "Anonim Şirket", "A.Ş."},
		{"et", "Osaühing", "OÜ"},
		{"hu", "Korlátolt felelősségű társaság", "Kft."},
		{"pt", "Sociedade Anónima", "S.A."},
		{"bg", "Еднолично дружество с ограничена отговорност", "ЕООД"},
	}
	for _, tt := range tests {
		long, short := legalKeys(t, tt.long), legalKeys(t, tt.short)
		if !meet(long, short) {
			t.Errorf("%s: %q reads %q, %q reads %q; want one legal key", tt.lang, tt.long, long, tt.short, short)
		}
	}
	names := []struct{ a, b string }{
		{"Volvo Aktiebolag", "VOLVO AB"},
		{"Cemex Sociedad Anonima", "CEMEX S.A."},
		{"Ferrostaal Gesellschaft mit beschraenkter Haftung", "FERROSTAAL GMBH"},
		{"OOO Romashka", "Obshchestvo s ogranichennoy otvetstvennostyu Romashka"},
		{"ООО Ромашка", "Obshchestvo s ogranichennoy otvetstvennostyu Romashka"},
		{"ООО Ромашка", "OOO Romashka"},
		{"Siemens Aktiengesellschaft", "SIEMENS AG"},
		{"Kolos Spółka z ograniczoną odpowiedzialnością", "KOLOS SP. Z O.O."},
		{"Durand Société à responsabilité limitée", "DURAND SARL"},
		{"Acme Limited Liability Company", "ACME LLC"},
	}
	for _, tt := range names {
		if c := Compare(warden.SchemaOrganization, tt.a, tt.b, DefaultThreshold, nil); !c.Match {
			t.Errorf("Compare(%q, %q) = %v, want a match", tt.a, tt.b, c.Score)
		}
	}
}

// TestLegalFormsApart checks that different forms stay apart, that a form
// weighs little (a shared form makes no match of different names), and the
// readings legalAt leaves as words.
func TestLegalFormsApart(t *testing.T) {
	apart := []struct{ a, b string }{
		{"AG", "GmbH"},
		{"Limited Liability Company", "Joint Stock Company"},
		{"Aktiebolag", "Aktiengesellschaft"},
		{"SARL", "S.A."},
		{"LLC", "LLP"},
	}
	for _, tt := range apart {
		if a, b := legalKeys(t, tt.a), legalKeys(t, tt.b); a[0] == "" || b[0] == "" || meet(a, b) {
			t.Errorf("%q reads %q and %q reads %q: want two legal keys", tt.a, a, tt.b, b)
		}
	}
	for _, tt := range []struct{ a, b string }{
		{"Volvo Aktiebolag", "Scania Aktiebolag"},
		{"Romashka OOO", "Vasilek Obshchestvo s ogranichennoy otvetstvennostyu"},
		{"Acme GmbH", "Ajax Gesellschaft mit beschränkter Haftung"},
	} {
		if c := Compare(warden.SchemaOrganization, tt.a, tt.b, DefaultThreshold, nil); c.Match {
			t.Errorf("Compare(%q, %q) = %v, want no match", tt.a, tt.b, c.Score)
		}
	}
	words := []struct {
		name   string
		org    bool
		src    origin
		at     int
		reason string
	}{
		{"ab", true, srcLatin, 0, "a lone form is the name"},
		{"sa ali", false, srcLatin, 0, "a two-letter form in a person's name"},
		{"san xing dian zi", true, srcHan, 0, "a Pinyin syllable"},
		{"kim ko yong", true, srcLatin, 1, "a short GLEIF-only form inside a name"},
		{"kim yu trading", true, srcLatin, 1, "a two-letter form inside a name"},
		{"zhang san xing", true, srcHan, 1, "a Pinyin syllable"},
		{"a b", true, srcLatin, 0, "two letters apart are initials"},
	}
	for _, tt := range words {
		if n, key := legalAt(strings.Fields(tt.name), tt.at, tt.org, tt.src); n != 0 {
			t.Errorf("legalAt(%q, %d) = %d, %q; want none: %s", tt.name, tt.at, n, key, tt.reason)
		}
	}
	if n, key := legalAt(strings.Fields("kolos d o o"), 1, true, srcLatin); n != 3 || key != "doo" {
		t.Errorf("legalAt(kolos d o o) = %d, %q; want 3, doo", n, key)
	}
}

// TestLegalTableFolded checks that the generator folds Latin forms as fold
// does: a form fold changes would never be looked up.
func TestLegalTableFolded(t *testing.T) {
	for _, e := range legalLatin {
		if f := strings.Join(words(fold(e.form)), " "); f != e.form {
			t.Errorf("form %q folds to %q", e.form, f)
		}
		if f := strings.Join(words(fold(e.key)), " "); f != e.key {
			t.Errorf("key %q folds to %q", e.key, f)
		}
	}
}

// TestLegalGenUpToDate runs the generator and compares its output with
// legal_gen.go.
func TestLegalGenUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run")
	}
	_, file, _, _ := runtime.Caller(0)
	data := os.Getenv("WARDEN_SHARED_DATA")
	if data == "" {
		data = filepath.Join(filepath.Dir(file), "..", "..", "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(data, "reference", "elf-code-list.csv")); err != nil {
		t.Skipf("no shared data: %v", err)
	}
	out := filepath.Join(t.TempDir(), "legal_gen.go")
	cmd := exec.Command("go", "run", "./internal/genlegal", "-data", data, "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genlegal: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("legal_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("legal_gen.go is not what genlegal writes: run go generate ./match/")
	}
}

var updateLegal = flag.Bool("update-legal", false, "write legal_read_gen.go (go generate)")

// TestLegalReadings checks that legal_read_gen.go holds the readings of
// the table's forms in other scripts as the engine reads them now, and
// writes it with -update-legal.
func TestLegalReadings(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("// Code generated by TestLegalReadings -update-legal; DO NOT EDIT.\n\npackage match\n\n")
	b.WriteString("// legalRead are the Latin readings of legalOther (legalReadings).\nvar legalRead = [...]legalEntry{\n")
	for _, e := range legalReadings() {
		fmt.Fprintf(&b, "\t{%q, %q, %t},\n", e.form, e.key, e.edge)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if *updateLegal {
		if err := os.WriteFile("legal_read_gen.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("legal_read_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, src) {
		t.Error("legal_read_gen.go is out of date: run go generate ./match/")
	}
}

// BenchmarkLegalForms measures building the table of legal forms, which
// every process does at start-up.
func BenchmarkLegalForms(b *testing.B) {
	for b.Loop() {
		m := buildLegalForms()
		if len(m) < len(legalLatin) {
			b.Fatal("table lost forms")
		}
	}
}

// FuzzLegalAt reads arbitrary names for legal forms: readWords never
// panics, and whatever legalAt takes is within the name.
func FuzzLegalAt(f *testing.F) {
	for _, s := range []string{"Volvo Aktiebolag", "S.A. de C.V.", "d o o", "ООО Ромашка", "a b c d e f", "ab", "Sp. z o.o. x"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, org bool) {
		ws := words(fold(s))
		for i := range ws {
			n, key := legalAt(ws, i, org, srcLatin)
			if n < 0 || i+n > len(ws) || (n > 0) != (key != "") {
				t.Fatalf("legalAt(%q, %d) = %d, %q", ws, i, n, key)
			}
		}
		for _, src := range []origin{srcLatin, srcHan, srcOther} {
			makeTokens(readWords(strings.Join(ws, " "), org, src), org, src)
		}
	})
}

// TestIsPatronymic checks the East Slavic patronymic endings, with the
// shortest stems they take, against family names and given names.
func TestIsPatronymic(t *testing.T) {
	tests := []struct {
		w    string
		want bool
	}{
		{"lvovich", true}, {"ilyich", true}, {"aleksandrovich", true}, {"lvovna", true},
		{"ilyinichna", true}, {"petrovych", true}, {"ivanovna", true},
		{"ovich", false}, {"vich", false}, {"gates", false}, {"ivanov", false}, {"yich", false},
	}
	for _, tt := range tests {
		if got := isPatronymic(tt.w); got != tt.want {
			t.Errorf("isPatronymic(%q) = %v, want %v", tt.w, got, tt.want)
		}
	}
}

// TestLegalAbbreviated: a legal form of several words meets itself with
// its last word abbreviated as the table abbreviates it, and abbreviates
// accepts only an abbreviation.
func TestLegalAbbreviated(t *testing.T) {
	for _, f := range []string{"joint stock company", "closed joint stock company", "private limited company"} {
		full, ok := legalForms[f]
		if !ok {
			t.Fatalf("%q is no legal form", f)
		}
		short := strings.TrimSuffix(f, "company") + "co"
		if l, ok := legalForms[short]; !ok || l.key != full.key {
			t.Errorf("legalForms[%q] = %+v, %v; want key %q as %q", short, l, ok, full.key, f)
		}
	}
	tests := []struct {
		a, w string
		want bool
	}{
		{"co", "company", true}, {"ltd", "limited", true}, {"corp", "corporation", true},
		{"company", "co", false}, {"oc", "company", false}, {"c", "company", false}, {"cx", "company", false},
	}
	for _, tt := range tests {
		if got := abbreviates(tt.a, tt.w); got != tt.want {
			t.Errorf("abbreviates(%q, %q) = %v, want %v", tt.a, tt.w, got, tt.want)
		}
	}
}
