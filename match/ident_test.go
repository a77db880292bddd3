package match

import (
	"strings"
	"testing"

	"warden"
)

// TestEvasiveIdentifiers screens listed wallets and document numbers
// written with invisible characters, look-alike letters, other digits,
// spaces and dashes inside, and without the 0x of an EVM address: each must
// still find its party, as names do.
func TestEvasiveIdentifiers(t *testing.T) {
	ix := ofac(t)
	const wallet = "0x47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936" // Tornado Cash
	zwspEvery := strings.Join(strings.Split(wallet, ""), "\u200b")
	tests := []struct {
		technique string
		wallet    string
		id        string
		party     string
	}{
		{"as listed", wallet, "", "39796"},
		{"upper case", strings.ToUpper(wallet[2:]), "", "39796"},
		{"zero-width space after 10", wallet[:10] + "\u200b" + wallet[10:], "", "39796"},
		{"zero-width space between all", zwspEvery, "", "39796"},
		{"byte order mark", "\ufeff" + wallet, "", "39796"},
		{"soft hyphen", wallet[:20] + "\u00ad" + wallet[20:], "", "39796"},
		{"hangul filler", wallet[:20] + "\u3164" + wallet[20:], "", "39796"},
		{"no-break space", wallet[:20] + "\u00a0" + wallet[20:], "", "39796"},
		{"space", wallet[:20] + " " + wallet[20:], "", "39796"},
		{"dash", wallet[:20] + "-" + wallet[20:], "", "39796"},
		{"full width", fullWidth(wallet), "", "39796"},
		{"cyrillic look-alikes", strings.NewReplacer("c", "\u0441", "e", "\u0435", "a", "\u0430").Replace(wallet), "", "39796"},
		{"no 0x", wallet[2:], "", "39796"},
		{"no 0x, as an id", "", wallet[2:], "39796"},
		{"wallet as an id", "", wallet, "39796"},
		{"passport", "", "4509135586", "26663"},
		{"passport full width", "", fullWidth("4509135586"), "26663"},
		{"passport arabic-indic", "", "\u0664\u0665\u0660\u0669\u0661\u0663\u0665\u0665\u0668\u0666", "26663"},
		{"passport extended arabic-indic", "", "\u06f4\u06f5\u06f0\u06f9\u06f1\u06f3\u06f5\u06f5\u06f8\u06f6", "26663"},
		{"passport devanagari", "", "\u096a\u096b\u0966\u096f\u0967\u0969\u096b\u096b\u096e\u096c", "26663"},
		{"passport hangul filler", "", "4509\u3164135586", "26663"},
		{"passport en dash", "", "4509\u2013135586", "26663"},
	}
	for _, tt := range tests {
		q := Query{}
		if tt.wallet != "" {
			q.Wallets = []string{tt.wallet}
		}
		if tt.id != "" {
			q.IDs = []string{tt.id}
		}
		hits, err := ix.Search(q, Options{})
		if err != nil {
			t.Errorf("%s %+q: %v", tt.technique, tt.wallet+tt.id, err)
			continue
		}
		if len(hits) == 0 || hits[0].Entity.SourceID != tt.party || hits[0].Score != 1 {
			t.Errorf("%s %+q: hits %v, want %s at 1", tt.technique, tt.wallet+tt.id, sourceIDs(hits), tt.party)
		}
	}
}

// TestWalletCase: base58 addresses are case-sensitive, so a listed one
// changed in case is another address; hex and bech32 ones are not.
func TestWalletCase(t *testing.T) {
	tests := []struct{ a, b string }{
		{"0x47CE0C6eD5B0Ce3d3A51fdb1C52DC66a7c3c2936", "47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936"},
		{"bc1qsxvcvnlmyp3a4ct8z5lzhnxa7fu3nlpfnmcxe8", "BC1QSXVCVNLMYP3A4CT8Z5LZHNXA7FU3NLPFNMCXE8"},
		{"1Kd6zLb9iAjcrgq8HzWnoWNVLYYWjp3swA", "1Kd6zLb9\u200biAjcrgq8HzWnoWNVLYYWjp3swA"},
	}
	for _, tt := range tests {
		if a, b := idKey(warden.IDCrypto, tt.a), idKey(warden.IDCrypto, tt.b); a != b || a == "" {
			t.Errorf("%q and %q key as %q and %q", tt.a, tt.b, a, b)
		}
	}
	const base58 = "1Kd6zLb9iAjcrgq8HzWnoWNVLYYWjp3swA"
	if a, b := idKey(warden.IDCrypto, base58), idKey(warden.IDCrypto, strings.ToLower(base58)); a == b {
		t.Errorf("base58 %q keys as its lower case %q", base58, b)
	}
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r < 0x7f {
			r += 0xff01 - '!'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func sourceIDs(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Entity.SourceID)
	}
	return out
}
