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
	const (
		southfront = "bc1qv7k70u2zynvem59u88ctdlaw7hc735d8xep9rq"
		lazarus    = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
		yan        = "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h" // YAN, Xiaobing
	)
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
		// Written forms of addresses (URIs, tickers, quotes, trailing
		// punctuation), look-alikes and marks, found by review.
		{"bitcoin uri", "bitcoin:" + southfront, "", "31212"},
		{"bitcoin uri amount", "bitcoin:" + southfront + "?amount=1", "", "31212"},
		{"bitcoin uri upper case", strings.ToUpper("bitcoin:" + southfront), "", "31212"},
		{"bitcoin uri as an id", "", "bitcoin:" + southfront + "?amount=1", "31212"},
		{"ethereum uri", "ethereum:" + lazarus, "", "27307"},
		{"ethereum uri chain", "ethereum:" + lazarus + "@1", "", "27307"},
		{"ethereum uri pay", "ethereum:pay-" + lazarus + "@1", "", "27307"},
		{"tron uri", "tron:TMStbg5fgb4uTV7fK1gEYF9hKAzP3siPsG", "", "45349"},
		{"bitcoin uri base58", "bitcoin:" + yan, "", "25308"},
		{"ticker colon", "xbt:" + yan, "", "25308"},
		{"ticker space", "XBT " + yan, "", "25308"},
		{"single quotes", "'" + yan + "'", "", "25308"},
		{"double quotes", `"` + yan + `"`, "", "25308"},
		{"angle quotes", "\u2039" + yan + ">", "", "25308"},
		{"parentheses", "(" + yan + ")", "", "25308"},
		{"full stop", yan + ".", "", "25308"},
		{"comma", yan + ",", "", "25308"},
		{"semicolon", yan + ";", "", "25308"},
		{"base58 l for 1", "l" + yan[1:], "", "25308"},
		{"base58 I for 1", "I" + yan[1:], "", "25308"},
		{"combining mark", southfront[:4] + "\u0307" + southfront[4:], "", "31212"},
		{"bech32 upper case", strings.ToUpper(southfront), "", "31212"},
		{"cashaddr uri upper case", "BITCOINCASH:QPF2CPHC5DKUCLKQUR7LHJ2YUQQ9PK3HMUKLE77VHQ", "", "31212"},
		// Document numbers with ordinary decoration.
		{"passport No.", "", "No. 4509135586", "26663"},
		{"passport word", "", "Passport 4509135586", "26663"},
		{"passport country after", "", "4509135586 (Russia)", "26663"},
		{"passport country code", "", "RU4509135586", "26663"},
		{"passport letter O", "", "45O9135586", "26663"},
		{"passport letter l", "", "4509l35586", "26663"},
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
