package warden

import "testing"

func TestCountryCode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"Russia", "RU", true},
		{"Korea, North", "KP", true},
		{"China", "CN", true},
		{"Côte d'Ivoire", "CI", true},
		{"Congo, Democratic Republic of the", "CD", true},
		{"Democratic Republic of the Congo", "CD", true},
		{"United Kingdom", "GB", true},
		{"Palestinian", "PS", true},
		{"Burma", "MM", true},
		{"St. Vincent and the Grenadines", "VC", true},
		{"ru", "RU", true},
		{"Germany", "DE", true},
		{"Switzerland", "CH", true},
		{"Iran (Islamic Republic of)", "IR", true},
		{"Atlantis", "", false},
		{"Region: Gaza", "PS", true},
		{"Cote d Ivoire", "CI", true},
		{"Man, Isle of", "IM", true},
		{"China, Hong Kong Special Administrative Region", "HK", true},
		{"Russian", "RU", true},
		{"undetermined", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := CountryCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CountryCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDetectScript(t *testing.T) {
	tests := map[string]string{
		"Wang Yunhe":    "Latn",
		"王云鹤":           "Hani",
		"Якубец Максим": "Cyrl",
		"Garantex OÜ":   "Latn",
		"محمد":          "Arab",
		"1234 / -":      "",
		"Ελληνικά":      "Grek",
		"ZAO Якубец":    "Cyrl",
	}
	for in, want := range tests {
		if got := DetectScript(in); got != want {
			t.Errorf("DetectScript(%q) = %q, want %q", in, got, want)
		}
	}
}
