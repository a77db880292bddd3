package stix

import (
	"errors"
	"strings"
	"testing"

	"warden"
)

// TestNormalise reads values of each kind in the forms people and feeds
// write them, and refuses what is not of the kind.
func TestNormalise(t *testing.T) {
	for _, tc := range []struct {
		kind      warden.IndicatorKind
		in        string
		want      string // "" : EINVALID
		wantChain string
	}{
		{warden.KindIPv4, " 198.51.100.1 ", "198.51.100.1", ""},
		{warden.KindIPv4, "198.51.100.7/24", "198.51.100.0/24", ""},
		{warden.KindIPv4, "198.51.100.7/32", "198.51.100.7", ""},
		{warden.KindIPv4, "0.0.0.0/0", "0.0.0.0/0", ""},
		{warden.KindIPv4, "::ffff:198.51.100.1", "198.51.100.1", ""},
		{warden.KindIPv4, "::ffff:198.51.100.1/120", "198.51.100.0/24", ""},
		{warden.KindIPv4, "198.51.100.256", "", ""},
		{warden.KindIPv4, "198.51.100.1/33", "", ""},
		{warden.KindIPv4, "2001:db8::1", "", ""},
		{warden.KindIPv4, "198.051.100.1", "", ""},
		{warden.KindIPv4, "", "", ""},
		{warden.KindIPv6, "2001:DB8:0:0::1", "2001:db8::1", ""},
		{warden.KindIPv6, "2001:db8::1/128", "2001:db8::1", ""},
		{warden.KindIPv6, "2001:db8:ffff::1/33", "2001:db8:8000::/33", ""},
		{warden.KindIPv6, "fe80::1%eth0", "", ""},
		{warden.KindIPv6, "198.51.100.1", "", ""},
		{warden.KindDomain, "Evil.Example.", "evil.example", ""},
		{warden.KindDomain, "_dmarc.x-1.example", "_dmarc.x-1.example", ""},
		{warden.KindDomain, "localhost", "", ""},
		{warden.KindDomain, "a..example", "", ""},
		{warden.KindDomain, "-a.example", "", ""},
		{warden.KindDomain, "a-.example", "", ""},
		{warden.KindDomain, "domain autuo.xicp.net", "", ""},
		{warden.KindDomain, "1.2.3.4", "", ""},
		{warden.KindDomain, strings.Repeat("a", 64) + ".example", "", ""},
		{warden.KindDomain, "bücher.example", "", ""},
		{warden.KindURL, "HTTPS://User@Evil.EXAMPLE:8443/A/B?Q=1#F", "https://User@evil.example:8443/A/B?Q=1#F", ""},
		{warden.KindURL, "http://evil.example", "http://evil.example", ""},
		{warden.KindURL, "evil.example/a", "", ""},
		{warden.KindURL, "mailto:a@b.example", "", ""},
		{warden.KindURL, "http://a b.example/", "", ""},
		{warden.KindURL, "http:///path", "", ""},
		{warden.KindEmail, "Boss@Evil.Example", "boss@evil.example", ""},
		{warden.KindEmail, "boss@localhost", "", ""},
		{warden.KindEmail, "@evil.example", "", ""},
		{warden.KindEmail, "a b@evil.example", "", ""},
		{warden.KindEmail, "boss", "", ""},
		{warden.KindMD5, "001DD76872D80801692FF942308C64E6", "001dd76872d80801692ff942308c64e6", ""},
		{warden.KindMD5, "001dd76872d80801692ff942308c64e", "", ""},
		{warden.KindMD5, "001dd76872d80801692ff942308c64eg", "", ""},
		{warden.KindSHA1, strings.Repeat("A", 40), strings.Repeat("a", 40), ""},
		{warden.KindSHA1, strings.Repeat("a", 32), "", ""},
		{warden.KindSHA256, strings.Repeat("0", 64), strings.Repeat("0", 64), ""},
		{warden.KindSHA256, strings.Repeat("0", 63), "", ""},
		{warden.KindSHA512, strings.Repeat("F", 128), strings.Repeat("f", 128), ""},
		{warden.KindSHA512, strings.Repeat("f", 127), "", ""},
		{warden.KindWallet, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "BTC"},
		{warden.KindWallet, "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "BTC"},
		{warden.KindWallet, "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=1", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "BTC"},
		{warden.KindWallet, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx", "", ""},
		{warden.KindWallet, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "BTC"},
		{warden.KindWallet, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "BTC"},
		{warden.KindWallet, "XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", "BTC"},
		{warden.KindWallet, "0x8589427373D6D84E98730D7795D8f6f8731FDA16", "0x8589427373d6d84e98730d7795d8f6f8731fda16", "ETH"},
		{warden.KindWallet, "0x8589427373D6D84E98730D7795D8f6f8731FDA1", "", ""},
		{warden.KindWallet, "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea", "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea", "LTC"},
		{warden.KindWallet, "LM2WMpR1Rp6j3Sa59cMXMs1SPzj9eXpGc1", "LM2WMpR1Rp6j3Sa59cMXMs1SPzj9eXpGc1", "LTC"},
		{warden.KindWallet, "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE", "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE", "TRX"},
		{warden.KindWallet, "4" + strings.Repeat("A", 94), "4" + strings.Repeat("A", 94), "XMR"},
		{warden.KindWallet, "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "BCH"},
		{warden.KindWallet, "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59", "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59", ""},
		{warden.KindWallet, "short", "", ""},
		{warden.KindWallet, "not a wallet at all, no!", "", ""},
		{"phone", "+44 20 7946 0000", "", ""},
	} {
		got, err := Normalise(tc.kind, tc.in)
		if tc.want == "" {
			var we *warden.Error
			if !errors.As(err, &we) || we.Code != warden.EINVALID || !strings.HasPrefix(we.Message, string(tc.kind)+": ") && !strings.HasPrefix(we.Message, "kind: ") {
				t.Errorf("Normalise(%s, %q) = %v, %v, want EINVALID naming the kind", tc.kind, tc.in, got, err)
			}
			continue
		}
		want := warden.Observable{Kind: tc.kind, Value: tc.want, Chain: tc.wantChain}
		if err != nil || got != want {
			t.Errorf("Normalise(%s, %q) = %v, %v, want %v", tc.kind, tc.in, got, err, want)
		}
		if again, err := Normalise(tc.kind, got.Value); err != nil || again != got {
			t.Errorf("Normalise(%s, %q) again = %v, %v", tc.kind, got.Value, again, err)
		}
	}
}

// TestGuess picks the kind of bare values.
func TestGuess(t *testing.T) {
	for in, want := range map[string]warden.IndicatorKind{
		"198.51.100.1":                               warden.KindIPv4,
		"198.51.100.0/24":                            warden.KindIPv4,
		"2001:db8::1":                                warden.KindIPv6,
		"2001:db8::/32":                              warden.KindIPv6,
		"a@evil.example":                             warden.KindEmail,
		"https://x.example/a@b":                      warden.KindURL,
		strings.Repeat("a", 32):                      warden.KindMD5,
		strings.Repeat("a", 40):                      warden.KindSHA1,
		strings.Repeat("a", 64):                      warden.KindSHA256,
		strings.Repeat("a", 128):                     warden.KindSHA512,
		"0x8589427373D6D84E98730D7795D8f6f8731FDA16": warden.KindWallet,
		"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq": warden.KindWallet,
		"1BoatSLRHtKNngkdXEeobR76b53LETtpyT":         warden.KindWallet,
		"evil.example":                               warden.KindDomain,
		"c2.evil.example.":                           warden.KindDomain,
		"localhost":                                  "",
		"a@localhost":                                "",
		"hello world":                                "",
		"":                                           "",
	} {
		got, ok := Guess(in)
		if ok != (want != "") || ok && got != want {
			t.Errorf("Guess(%q) = %s, %v, want %s", in, got, ok, want)
		}
	}
}
