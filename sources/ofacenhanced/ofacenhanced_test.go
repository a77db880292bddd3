package ofacenhanced

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

func TestParseZip(t *testing.T) {
	r := sourcetest.MustParse(t, Parser{}, sourcetest.Data(t, "ofac/CONS_ENHANCED.ZIP"))
	if len(r.Entities) != 443 {
		t.Errorf("entities = %d, want 443", len(r.Entities))
	}
	if r.Meta.Published != "2025-01-10" {
		t.Errorf("published %q", r.Meta.Published)
	}
	e := r.ByID["9639"]
	if e == nil || e.Caption() != "HANIYA, Ismail Abdul Salah" || e.Names[0].Family != "HANIYA" || len(e.BirthDates) != 1 {
		t.Fatalf("9639 = %+v", e)
	}
	links, lei := 0, 0
	for _, e := range r.Entities {
		links += len(e.Links)
		for _, id := range e.Identifiers {
			if id.Type == warden.IDLEI {
				lei++
			}
		}
	}
	if links != 283 || lei == 0 {
		t.Errorf("links = %d (want 283), LEIs = %d", links, lei)
	}
}

func TestZipBomb(t *testing.T) {
	// An entry that declares it inflates to 2 GiB is refused before reading.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "X.xml", Method: zip.Store, UncompressedSize64: 2 << 30, CompressedSize64: 5})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<a/>\n"))
	zw.Close()
	p := filepath.Join(t.TempDir(), "BOMB_ENHANCED.ZIP")
	os.WriteFile(p, buf.Bytes(), 0o644)
	_, err = sourcetest.Parse(Parser{}, p)
	if err == nil || warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "size limit") {
		t.Errorf("zip bomb: err = %v", err)
	}
}
