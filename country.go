package warden

import (
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// countryAliases are the spellings lists use that the CLDR English region
// names do not cover. Keys are folded with foldCountry.
var countryAliases = map[string]string{
	"russia": "RU", "russian federation": "RU",
	"korea north": "KP", "north korea": "KP", "democratic peoples republic of korea": "KP", "korea dprk": "KP", "dprk": "KP",
	"korea south": "KR", "south korea": "KR", "republic of korea": "KR", "korea republic of": "KR",
	"iran": "IR", "iran islamic republic of": "IR",
	"syria": "SY", "syrian arab republic": "SY",
	"burma": "MM", "myanmar": "MM",
	"palestinian": "PS", "palestine": "PS", "west bank": "PS", "gaza": "PS", "occupied palestinian territory": "PS", "state of palestine": "PS",
	"congo democratic republic of the": "CD", "democratic republic of the congo": "CD", "drc": "CD", "congo kinshasa": "CD",
	"congo republic of the": "CG", "republic of the congo": "CG", "congo": "CG", "congo brazzaville": "CG",
	"venezuela": "VE", "venezuela bolivarian republic of": "VE",
	"bolivia": "BO", "bolivia plurinational state of": "BO",
	"tanzania": "TZ", "united republic of tanzania": "TZ",
	"vietnam": "VN", "viet nam": "VN",
	"laos": "LA", "lao peoples democratic republic": "LA",
	"moldova": "MD", "republic of moldova": "MD",
	"macedonia": "MK", "north macedonia": "MK", "the former yugoslav republic of macedonia": "MK",
	"kosovo":         "XK",
	"czech republic": "CZ", "czechia": "CZ",
	"cote divoire": "CI", "ivory coast": "CI",
	"turkey": "TR", "turkiye": "TR",
	"uae": "AE", "united arab emirates": "AE",
	"uk": "GB", "united kingdom": "GB", "great britain": "GB", "united kingdom of great britain and northern ireland": "GB",
	"usa": "US", "united states": "US", "united states of america": "US",
	"hong kong": "HK", "china hong kong": "HK", "hong kong sar": "HK", "hong kong special administrative region of china": "HK",
	"macau": "MO", "macao": "MO",
	"taiwan": "TW", "taiwan province of china": "TW",
	"bahamas the": "BS", "the bahamas": "BS", "bahamas": "BS",
	"gambia the": "GM", "the gambia": "GM", "gambia": "GM",
	"brunei": "BN", "brunei darussalam": "BN",
	"cabo verde": "CV", "cape verde": "CV",
	"eswatini": "SZ", "swaziland": "SZ",
	"micronesia federated states of": "FM", "micronesia": "FM",
	"st kitts and nevis": "KN", "saint kitts and nevis": "KN",
	"st lucia": "LC", "saint lucia": "LC",
	"st vincent and the grenadines": "VC", "saint vincent and the grenadines": "VC", "st vincent": "VC",
	"sao tome and principe": "ST",
	"holy see":              "VA", "vatican": "VA", "vatican city": "VA",
	"timor leste": "TL", "east timor": "TL",
	"curacao": "CW", "sint maarten": "SX",
	"netherlands antilles": "AN",
	"yugoslavia":           "YU", "serbia and montenegro": "CS",
	"soviet union": "SU", "ussr": "SU",
	"region crimea": "UA", "crimea": "UA",
	"bosnia and herzegovina": "BA", "bosnia herzegovina": "BA",
	"trinidad and tobago": "TT", "antigua and barbuda": "AG",
	"british virgin islands": "VG", "virgin islands british": "VG",
	"us virgin islands": "VI", "virgin islands us": "VI",
	"falkland islands": "FK", "isle of man": "IM", "jersey": "JE", "guernsey": "GG",
	"slovak republic": "SK", "kyrgyz republic": "KG", "kyrgyzstan": "KG",
	"libya": "LY", "libyan arab jamahiriya": "LY",
	"south sudan": "SS", "sudan": "SD",
	"western sahara": "EH", "somaliland": "SO",
	"netherlands": "NL", "the netherlands": "NL", "holland": "NL",
	"philippines": "PH", "the philippines": "PH",
	"marshall islands": "MH", "solomon islands": "SB", "cayman islands": "KY",
	"belarus": "BY", "ukraine": "UA", "china": "CN", "peoples republic of china": "CN", "prc": "CN",
	"germany": "DE", "federal republic of germany": "DE",
	"kazakhstan": "KZ", "seychelles": "SC",
	"cote d ivoire": "CI", "man isle of": "IM", "north macedonia the republic of": "MK", "republic of north macedonia": "MK",
	"northern mali": "ML", "occupied palestinian territories": "PS", "britain": "GB",
	"china hong kong special administrative region": "HK", "china macao special administrative region": "MO",
	"former soviet union": "SU",
	// Demonyms, which some lists put in nationality fields.
	"russian": "RU", "german": "DE", "moldovan": "MD", "chinese": "CN", "iranian": "IR", "syrian": "SY",
	"ukrainian": "UA", "belarusian": "BY", "british": "GB", "american": "US", "north korean": "KP",
}

// noCountry are values lists write where a country is unknown; they are
// dropped rather than reported.
var noCountry = map[string]bool{"undetermined": true, "none identified": true, "unknown": true, "stateless": true}

var countryIndex = buildCountryIndex()

func buildCountryIndex() map[string]string {
	idx := make(map[string]string, 600)
	names := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() {
				continue
			}
			if r.String() != code {
				continue // deprecated codes map onto others
			}
			idx[foldCountry(code)] = code
			if n := names.Name(r); n != "" {
				idx[foldCountry(n)] = code
			}
		}
	}
	for k, v := range countryAliases {
		idx[foldCountry(k)] = v
	}
	return idx
}

// foldCountry reduces a country name to lower-case ASCII letters and single
// spaces, dropping diacritics and punctuation, so that "Côte d’Ivoire",
// "Cote d'Ivoire" and "COTE DIVOIRE" meet.
func foldCountry(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == '.':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// IsNoCountry reports whether name says that no country is known
// ("undetermined", "None Identified").
func IsNoCountry(name string) bool { return noCountry[foldCountry(name)] }

// CountryCode maps a country name or ISO alpha-2 code, as lists write it, to
// an upper-case ISO 3166-1 alpha-2 code. Historic states keep their
// ISO 3166-3 style codes (SU, YU, CS, AN) and Kosovo is XK.
func CountryCode(name string) (string, bool) {
	f := foldCountry(name)
	if f == "" {
		return "", false
	}
	if c, ok := countryIndex[f]; ok {
		return c, true
	}
	// OFAC writes sub-national areas as "Region: Gaza".
	if rest, ok := strings.CutPrefix(f, "region "); ok {
		if c, ok := countryIndex[rest]; ok {
			return c, true
		}
	}
	// "Korea, North" style and trailing qualifiers such as "(as of 2016)".
	if i := strings.IndexAny(name, "(;"); i > 0 {
		return CountryCode(name[:i])
	}
	return "", false
}

// CountryName returns the English name of an ISO alpha-2 code, or the code.
func CountryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.English.Regions().Name(r); n != "" {
		return n
	}
	return code
}
