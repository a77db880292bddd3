package stix

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"warden"
)

func obs(kind warden.IndicatorKind, value string) warden.Observable {
	return warden.Observable{Kind: kind, Value: value}
}

// TestParsePattern reads patterns Warden screens on, patterns it keeps
// without screening on them, and broken ones.
func TestParsePattern(t *testing.T) {
	const (
		md5    = "001dd76872d80801692ff942308c64e6"
		sha1   = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
		sha256 = "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"
	)
	sha512 := strings.Repeat("ab", 64)
	for _, tc := range []struct {
		p    string
		want []warden.Observable
		err  string // "unsupported", or a part of the EINVALID message
		why  string // a part of the unsupported one's
	}{
		// Supported.
		{p: "[ipv4-addr:value = '198.51.100.1']", want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.1")}},
		{p: "[ ipv4-addr:value = '10.0.0.0' ]", want: []warden.Observable{obs(warden.KindIPv4, "10.0.0.0")}},
		{p: "[ipv4-addr:value ISSUBSET '198.51.100.7/24']", want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.0/24")}},
		{p: "[ipv4-addr:value = '112.64.0.0/15']", want: []warden.Observable{obs(warden.KindIPv4, "112.64.0.0/15")}},
		{p: "[ipv4-addr:value = '198.51.100.1/32']", want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.1")}},
		{p: "[ipv6-addr:value = '2001:DB8::0:1']", want: []warden.Observable{obs(warden.KindIPv6, "2001:db8::1")}},
		{p: "[ipv6-addr:value ISSUBSET '2001:db8::1/32']", want: []warden.Observable{obs(warden.KindIPv6, "2001:db8::/32")}},
		{p: "[domain-name:value = 'Evil.Example.']", want: []warden.Observable{obs(warden.KindDomain, "evil.example")}},
		{p: "[url:value = 'HTTP://Evil.Example/Path?q=1']", want: []warden.Observable{obs(warden.KindURL, "http://evil.example/Path?q=1")}},
		{p: "[email-addr:value = 'Boss@Evil.Example']", want: []warden.Observable{obs(warden.KindEmail, "boss@evil.example")}},
		{p: "[email-message:from_ref.value = 'ceo@evil.example']", want: []warden.Observable{obs(warden.KindEmail, "ceo@evil.example")}},
		{p: "[email-message:sender_ref.value = 'ceo@evil.example']", want: []warden.Observable{obs(warden.KindEmail, "ceo@evil.example")}},
		{p: "[file:hashes.MD5 = '" + strings.ToUpper(md5) + "']", want: []warden.Observable{obs(warden.KindMD5, md5)}},
		{p: "[file:hashes.md5 = '" + md5 + "']", want: []warden.Observable{obs(warden.KindMD5, md5)}},
		{p: "[file:hashes.'SHA-1' = '" + sha1 + "']", want: []warden.Observable{obs(warden.KindSHA1, sha1)}},
		{p: "[file:hashes.SHA1 = '" + sha1 + "']", want: []warden.Observable{obs(warden.KindSHA1, sha1)}},
		{p: "[file:hashes.'SHA-256' = '" + sha256 + "']", want: []warden.Observable{obs(warden.KindSHA256, sha256)}},
		{p: "[file:hashes.'SHA-512' = '" + sha512 + "']", want: []warden.Observable{obs(warden.KindSHA512, sha512)}},
		{p: "[cryptocurrency-wallet:value = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq']",
			want: []warden.Observable{{Kind: warden.KindWallet, Value: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", Chain: "BTC"}}},
		{p: "[cryptocurrency-wallet:value = '0x8589427373D6D84E98730D7795D8f6f8731FDA16']",
			want: []warden.Observable{{Kind: warden.KindWallet, Value: "0x8589427373d6d84e98730d7795d8f6f8731fda16", Chain: "ETH"}}},
		{p: "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
			want: []warden.Observable{obs(warden.KindIPv4, "203.0.113.33")}},
		{p: "[domain-name:value = 'a.example' OR ipv4-addr:value = '60.10.1.115']",
			want: []warden.Observable{obs(warden.KindDomain, "a.example"), obs(warden.KindIPv4, "60.10.1.115")}},
		{p: "[domain-name:value IN ('a.example', 'b.example', 'A.example')]",
			want: []warden.Observable{obs(warden.KindDomain, "a.example"), obs(warden.KindDomain, "b.example")}},
		{p: "[file:hashes.MD5 = '" + md5 + "' AND file:name = 'x.exe']", want: []warden.Observable{obs(warden.KindMD5, md5)}},
		{p: "[url:value = 'http://x.example/it\\'s'] OR [url:value = 'http://x.example/a\\\\b']",
			want: []warden.Observable{obs(warden.KindURL, "http://x.example/it's"), obs(warden.KindURL, `http://x.example/a\b`)}},
		{p: "([ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'a.example']) WITHIN 300 SECONDS",
			want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.1"), obs(warden.KindDomain, "a.example")}},
		{p: "[ipv4-addr:value = '198.51.100.1'] REPEATS 5 TIMES WITHIN 1.5 SECONDS", want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.1")}},
		{p: "[ipv4-addr:value = '198.51.100.1'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
			want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.1")}},
		{p: "[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.2']",
			want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.1"), obs(warden.KindIPv4, "198.51.100.2")}},
		{p: "[(ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '198.51.100.2') AND NOT EXISTS ipv4-addr:resolves_to_refs]",
			want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.1"), obs(warden.KindIPv4, "198.51.100.2")}},
		{p: "[ipv4-addr:value = '198.51.100.1' or domain-name:value = 'a.example']",
			want: []warden.Observable{obs(warden.KindIPv4, "198.51.100.1"), obs(warden.KindDomain, "a.example")}},
		{p: "[domain-name:value = 'domain autuo.xicp.net' OR ipv4-addr:value = '60.10.1.115']", want: []warden.Observable{obs(warden.KindIPv4, "60.10.1.115")}},
		// Valid, nothing Warden screens on.
		{p: "[file:name = 'CBricksDoc']", err: "unsupported"},
		{p: "[email-message:subject MATCHES '^[IMPORTANT] Please Review Before']", err: "unsupported"},
		{p: "[email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']", err: "unsupported"},
		{p: "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b']", err: "unsupported"},
		{p: "[ipv4-addr:value != '198.51.100.1']", err: "unsupported"},
		{p: "[ipv4-addr:value NOT = '198.51.100.1']", err: "unsupported"},
		{p: "[domain-name:value LIKE '%.example']", err: "unsupported"},
		{p: "[domain-name:value MATCHES '.*']", err: "unsupported"},
		{p: "[domain-name:value ISSUBSET 'example']", err: "unsupported"},
		{p: "[process:pid > 4 AND process:name = 'x']", err: "unsupported"},
		{p: "[network-traffic:dst_port = 443]", err: "unsupported"},
		{p: "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software']", err: "unsupported"},
		{p: "[artifact:payload_bin = b'aGVsbG8=' AND file:size >= 1e3 AND file:x = true AND file:y = h'ff']", err: "unsupported"},
		{p: "[x-custom:value = 'a']", err: "unsupported"},
		// A supported path whose values are not of its kind.
		{p: "[ipv4-addr:value = '999.1.1.1']", err: "unsupported", why: `offset 1: ipv4-addr:value "999.1.1.1" is not an IPv4 address`},
		{p: "[ipv4-addr:value = 5]", err: "unsupported", why: "compared with 5, not a string"},
		{p: "[file:hashes.MD5 = 'abc']", err: "unsupported", why: "MD5 hash"},
		{p: "[domain-name:value = 'bücher.example' OR file:name = 'x']", err: "unsupported", why: "bücher.example"},
		{p: "[file:name = 'x' OR domain-name:value = 'localhost']", err: "unsupported", why: "localhost"},
		// Syntax errors.
		{p: "", err: "offset 0: empty"},
		{p: "ipv4-addr:value = '1.2.3.4'", err: "offset 0"},
		{p: "[ipv4-addr:value = '198.51.100.1' ", err: "offset 34"},
		{p: "[ipv4-addr:value = '198.51.100.1]", err: "not closed"},
		{p: "[ipv4-addr:value == '198.51.100.1']", err: "offset 18"},
		{p: "[ipv4-addr:value '198.51.100.1']", err: "operator"},
		{p: "[ipv4-addr = '198.51.100.1']", err: "object path"},
		{p: "[:value = 'x']", err: "object path"},
		{p: "[ipv4-addr:value = '1.2.3.4'] AND", err: "ends"},
		{p: "[ipv4-addr:value = '1.2.3.4'] XOR [ipv4-addr:value = '1.2.3.5']", err: "offset 30"},
		{p: "[ipv4-addr:value = '1.2.3.4'] WITHIN x SECONDS", err: "value"},
		{p: "[ipv4-addr:value = '1.2.3.4'] REPEATS 1.5 TIMES", err: "whole number"},
		{p: "[ipv4-addr:value = '1.2.3.4'] START t'yesterday' STOP t'2016-07-01T00:00:00Z'", err: "timestamp"},
		{p: "[ipv4-addr:value IN ('1.2.3.4', )]", err: "value"},
		{p: "[ipv4-addr:value = 'a\\b']", err: "backslash"},
		{p: "[file:hashes[x] = 'a']", err: "list index"},
		{p: "[domain-name:value = 'a.example'] )", err: "unexpected"},
		{p: strings.Repeat("(", 100) + "[a:b = 1]" + strings.Repeat(")", 100), err: "nested deeper"},
		{p: "[a:b = 1.2.3]", err: "not a number"},
		// Object types are lower case; WITHIN and REPEATS take a positive
		// number.
		{p: "[Ipv4-Addr:value = '198.51.100.1']", err: "offset 1: an object type is lower case"},
		{p: "[ipv4-addr:value = '1.2.3.4' OR DOMAIN-NAME:value = 'a.example']", err: "offset 32: an object type is lower case"},
		{p: "[ipv4-addr:value = '1.2.3.4'] WITHIN -5 SECONDS", err: "offset 30: WITHIN takes a positive number of seconds"},
		{p: "[ipv4-addr:value = '1.2.3.4'] WITHIN 0 SECONDS", err: "positive number of seconds"},
		{p: "[ipv4-addr:value = '1.2.3.4'] WITHIN 0.0e3 SECONDS", err: "positive number of seconds"},
		{p: "[ipv4-addr:value = '1.2.3.4'] REPEATS 0 TIMES", err: "offset 30: REPEATS takes a positive whole number"},
		{p: "[ipv4-addr:value = '1.2.3.4'] REPEATS -2 TIMES", err: "positive whole number"},
	} {
		got, err := ParsePattern(tc.p)
		switch {
		case tc.err == "unsupported":
			if !errors.Is(err, ErrUnsupported) || got != nil || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("%s: %v %v, want ErrUnsupported", tc.p, got, err)
			}
		case tc.err != "":
			var we *warden.Error
			if !errors.As(err, &we) || we.Code != warden.EINVALID || !strings.Contains(err.Error(), tc.err) || errors.Is(err, ErrUnsupported) {
				t.Errorf("%s: %v %v, want EINVALID saying %q", tc.p, got, err, tc.err)
			}
		case err != nil || !reflect.DeepEqual(got, tc.want):
			t.Errorf("%s:\n got %v %v\nwant %v", tc.p, got, err, tc.want)
		}
	}
}

// TestPatternExamples reads the pattern of every indicator of every
// official example: those on addresses, domains and hashes are read;
// those on file names, e-mail subjects and certificates are reported
// unsupported; none is an error.
func TestPatternExamples(t *testing.T) {
	supported, unsupported := 0, map[string]bool{}
	for _, file := range exampleFiles(t) {
		for _, o := range exampleObjects(t, file) {
			if o.Type != "indicator" {
				continue
			}
			var ind struct{ Pattern string }
			if err := json.Unmarshal(o.Raw, &ind); err != nil {
				t.Fatal(err)
			}
			got, err := ParsePattern(ind.Pattern)
			switch {
			case errors.Is(err, ErrUnsupported):
				unsupported[ind.Pattern] = true
				t.Logf("%s: %s: %v", filepath.Base(file), o.ID, err)
			case err != nil || len(got) == 0:
				t.Errorf("%s: %s: %v", filepath.Base(file), ind.Pattern, err)
			default:
				supported++
				if again, err := ParsePattern(Pattern(got[0])); err != nil || again[0] != got[0] {
					t.Errorf("%s: %v again: %v %v", ind.Pattern, got[0], again, err)
				}
			}
		}
	}
	// 43 indicators: file names (2), an e-mail subject and attachment
	// name, certificates (2) are not screened on.
	if supported != 37 || len(unsupported) != 6 {
		t.Errorf("%d supported, unsupported %v", supported, unsupported)
	}
}

// TestPattern writes the pattern of each kind of observable and reads it
// back.
func TestPattern(t *testing.T) {
	for _, tc := range []struct {
		o    warden.Observable
		want string
	}{
		{obs(warden.KindIPv4, "198.51.100.1"), "[ipv4-addr:value = '198.51.100.1']"},
		{obs(warden.KindIPv4, "198.51.100.0/24"), "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"},
		{obs(warden.KindIPv6, "2001:db8::/32"), "[ipv6-addr:value ISSUBSET '2001:db8::/32']"},
		{obs(warden.KindDomain, "a.example"), "[domain-name:value = 'a.example']"},
		{obs(warden.KindURL, `http://a.example/it's\x`), `[url:value = 'http://a.example/it\'s\\x']`},
		{obs(warden.KindEmail, "a@b.example"), "[email-addr:value = 'a@b.example']"},
		{obs(warden.KindMD5, strings.Repeat("a", 32)), "[file:hashes.MD5 = '" + strings.Repeat("a", 32) + "']"},
		{obs(warden.KindSHA1, strings.Repeat("a", 40)), "[file:hashes.'SHA-1' = '" + strings.Repeat("a", 40) + "']"},
		{obs(warden.KindSHA256, strings.Repeat("a", 64)), "[file:hashes.'SHA-256' = '" + strings.Repeat("a", 64) + "']"},
		{obs(warden.KindSHA512, strings.Repeat("a", 128)), "[file:hashes.'SHA-512' = '" + strings.Repeat("a", 128) + "']"},
		{warden.Observable{Kind: warden.KindWallet, Value: "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE", Chain: "TRX"},
			"[cryptocurrency-wallet:value = 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE']"},
	} {
		p := Pattern(tc.o)
		if p != tc.want {
			t.Errorf("Pattern(%v) = %s, want %s", tc.o, p, tc.want)
		}
		if got, err := ParsePattern(p); err != nil || len(got) != 1 || got[0] != tc.o {
			t.Errorf("%s read back: %v %v", p, got, err)
		}
	}
}

// FuzzParsePattern reads any text without panicking; what it reads is
// written again by Pattern and read back the same.
func FuzzParsePattern(f *testing.F) {
	for _, p := range []string{
		"[ipv4-addr:value = '198.51.100.1']", "[ipv6-addr:value ISSUBSET '2001:db8::/32']",
		"[domain-name:value IN ('a.example', 'b.example')] WITHIN 5 SECONDS", "[url:value = 'http://x.example/a\\'b']",
		"[email-message:from_ref.value = 'a@b.example' AND file:hashes.'SHA-256' = '" + strings.Repeat("0", 64) + "']",
		"([cryptocurrency-wallet:value = '1BoatSLRHtKNngkdXEeobR76b53LETtpyT'] OR [x:y > 1.5e3]) REPEATS 2 TIMES",
		"[network-traffic:dst_ref.value = 'c2.example'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'",
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, err := ParsePattern(p)
		if err != nil {
			if len(got) > 0 {
				t.Fatalf("%q: observables and an error", p)
			}
			return
		}
		for _, o := range got {
			again, err := ParsePattern(Pattern(o))
			if err != nil || len(again) != 1 || again[0] != o {
				t.Fatalf("%q: %v written %s, read back %v %v", p, o, Pattern(o), again, err)
			}
		}
	})
}

// BenchmarkParsePattern reads a typical indicator's pattern.
func BenchmarkParsePattern(b *testing.B) {
	const p = "[domain-name:value = 'www.webserver.fartit.com' OR ipv4-addr:value = '113.10.246.30' OR ipv4-addr:value = '219.90.112.0/24']"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePattern(p); err != nil {
			b.Fatal(err)
		}
	}
}
