package sourcetest

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// OFACSample writes to a new folder the OFAC sample of the real OFAC CSV
// folder rel of the shared data ("ofac", "ofac/2021-07-07"; "ofac" is read
// from the bundled snapshot, the same files, so that the tests over it run
// without the shared data, as those over the whole list do): its files
// (sdn.csv, add.csv, alt.csv and sdn_comments.csv, those it has) with only
// the rows of every eighth party (an ent_num divisible by 8) and of the
// parties that tests look for by name, wallet or identifier (see
// sampleNamed), each row byte for byte and each file's end-of-file mark
// kept, and returns the folder. It holds 2,062 of the 2024 list's 15,443
// parties and 1,152 of 2021's 8,976: a list in OFAC's real format for the
// tests whose point is a guard, a flag, a refusal or a round trip rather
// than the size of the list, which under the race detector (as CI runs)
// import the whole list some ten times slower, for half a minute or more.
func OFACSample(t testing.TB, rel string) string {
	t.Helper()
	var src string
	if rel == "ofac" {
		src = OFAC(t)
	} else {
		src = Data(t, rel)
	}
	dir := t.TempDir()
	for _, name := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), sampleRows(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sampleNamed are the parties outside every eighth that tests look for in
// the OFAC sample: BANCO NACIONAL DE CUBA (306, a.k.a. NATIONAL BANK OF
// CUBA in alt.csv), SBERBANK EUROPE (18716), DERIPASKA Oleg (24283), LI
// Shangfu (24838), KHORASHADIZADEH Ali (26137, by his e-mail), YAKUBETS
// Maksim (26663), TURASHEV Igor (26670), SUEX OTC (33151, a wallet in
// sdn_comments.csv), BLENDER.IO (37070), TORNADO CASH (39796), WANG Yunhe
// (43421) and KHOROSHEV Dmitry (48603, by wallet).
var sampleNamed = map[int]bool{306: true, 18716: true, 24283: true, 24838: true, 26137: true, 26663: true, 26670: true,
	33151: true, 37070: true, 39796: true, 43421: true, 48603: true}

// inSample says whether the party ent_num n is in the OFAC sample.
func inSample(n int) bool { return n%8 == 0 || sampleNamed[n] }

// sampleRows is the rows of an OFAC CSV file whose first field, the
// ent_num, is in the sample, and whatever is not a row (the end-of-file
// mark) as it is. A row ends at a line break outside quotes: OFAC's
// remarks carry line breaks within their quotes.
func sampleRows(b []byte) []byte {
	var out bytes.Buffer
	for len(b) > 0 {
		end, quoted := len(b), false
		for i, c := range b {
			if c == '"' {
				quoted = !quoted
			} else if c == '\n' && !quoted {
				end = i + 1
				break
			}
		}
		row := b[:end]
		b = b[end:]
		comma := bytes.IndexByte(row, ',')
		if comma < 0 {
			out.Write(row)
			continue
		}
		if n, err := strconv.Atoi(string(bytes.TrimSpace(row[:comma]))); err != nil || inSample(n) {
			out.Write(row)
		}
	}
	return out.Bytes()
}
