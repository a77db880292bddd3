package designation

import (
	"strings"
	"testing"

	"warden"
)

// TestEvidenceType: evidence is typed by its content; plain text holding
// markup a browser or viewer would run is refused wherever the markup is
// (after a byte-order mark, past the first 512 bytes a sniffer reads); a
// name whose extension is not the detected type's is refused whatever the
// content, and a name without one is given it.
func TestEvidenceType(t *testing.T) {
	const bom = "\xef\xbb\xbf"
	stix := `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]}`
	for _, tc := range []struct {
		name, data  string
		typ, stored string // "" typ: refused (EINVALID)
	}{
		// The reviewer's files.
		{"report.html", bom + "<html><body>Ransom note</body></html>", "", ""},
		{"report.txt", bom + "  \n<html><body>Ransom note</body></html>", "", ""},
		{"a.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "", ""},
		{"a.txt", bom + `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "", ""},
		{"late.html", strings.Repeat("a", 600) + "<html><script>alert(1)</script>", "", ""},
		{"late.txt", strings.Repeat("a", 600) + "<HTML><SCRIPT>alert(1)</SCRIPT>", "", ""},
		// Each kind of markup, anywhere in text.
		{"frame.txt", strings.Repeat("x ", 400) + "<iframe src=//evil>", "", ""},
		{"object.txt", "see <Object data=x>", "", ""},
		{"embed.txt", "see <embed src=x>", "", ""},
		{"doctype.txt", strings.Repeat("y", 700) + "<!DOCTYPE html>", "", ""},
		{"xml.txt", bom + `<?xml version="1.0"?><x/>`, "", ""},
		{"link.txt", "click JavaScript:alert(1)", "", ""},
		{"handler.txt", `<img src=x OnError = "alert(1)">`, "", ""},
		// A name that is not the content's type, whatever the content.
		{"notes.html", "Seen on the forum on 2025-03-01.\n", "", ""},
		{"notes.HTM", "Seen on the forum on 2025-03-01.\n", "", ""},
		{"notes.xhtml", "Seen on the forum on 2025-03-01.\n", "", ""},
		{"notes.js", "Seen on the forum on 2025-03-01.\n", "", ""},
		{"notes.svg", "Seen on the forum on 2025-03-01.\n", "", ""},
		{"notes.html.", "Seen on the forum on 2025-03-01.\n", "", ""},
		{"notes.html ", "Seen on the forum on 2025-03-01.\n", "", ""},
		{"notes.pdf", "Seen on the forum on 2025-03-01.\n", "", ""},
		{"report.html", "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "", ""},
		{"shot.jpg", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", ""},
		{"iocs.txt", `{"wallets":["bc1q..."]}`, "", ""},
		{"...", "Seen on the forum on 2025-03-01.\n", "", ""},
		// Other types.
		{"tool.txt", "MZ\x90\x00\x03\x00\x00\x00", "", ""},
		{"archive.zip", "PK\x03\x04\x14\x00", "", ""},
		{"page.pdf", "<html><script>alert(1)</script></html>", "", ""},
		{"nul.txt", strings.Repeat("z", 600) + "\x00", "", ""},
		// Good files.
		{"notes.txt", "Seen on the forum on 2025-03-01.\nThe condition=met, session=42, seen on 3 hosts.\n", "text/plain; charset=utf-8", "notes.txt"},
		{"Notes.TXT", bom + "Seen on the forum.\n", "text/plain; charset=utf-8", "Notes.TXT"},
		{"report", "Seen on the forum on 2025-03-01.\n", "text/plain; charset=utf-8", "report.txt"},
		{"report.", "Seen on the forum on 2025-03-01.\n", "text/plain; charset=utf-8", "report.txt"},
		{"отчёт.txt", "Выкуп переведён 2025-03-01.\n", "text/plain; charset=utf-8", "отчёт.txt"},
		{"iocs.json", `{"wallets":["bc1q..."],"note":"<script> seen in the loader"}`, "application/json", "iocs.json"},
		{"iocs", `{"wallets":["bc1q..."]}`, "application/json", "iocs.json"},
		{"bundle.json", stix, "application/stix+json;version=2.1", "bundle.json"},
		{"bundle", stix, "application/stix+json;version=2.1", "bundle.json"},
		{"report.pdf", "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "application/pdf", "report.pdf"},
		{"html-inside.pdf", "%PDF-1.7\n<html><script>alert(1)</script></html>\n", "application/pdf", "html-inside.pdf"},
		{"scan", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf", "scan.pdf"},
		{"shot.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "shot.png"},
		{"photo.jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", "photo.jpeg"},
		{"photo.JPG", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", "photo.JPG"},
		{"photo", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", "photo.jpg"},
	} {
		typ, stored, err := EvidenceType(tc.name, []byte(tc.data))
		switch {
		case tc.typ == "" && warden.ErrorCode(err) != warden.EINVALID:
			t.Errorf("%q: %q %q %v, want refused", tc.name, typ, stored, err)
		case tc.typ == "" && !strings.Contains(err.Error(), tc.name):
			t.Errorf("%q: %v does not name the file", tc.name, err)
		case tc.typ != "" && (err != nil || typ != tc.typ || stored != tc.stored):
			t.Errorf("%q: %q %q %v, want %q %q", tc.name, typ, stored, err, tc.typ, tc.stored)
		}
	}
}
