package ofac

import (
	"regexp"
	"strings"

	"warden"
)

// SplitRemarks splits OFAC remarks into their "; "-separated parts, keeping
// a quoted alias that itself contains a semicolon in one part.
func SplitRemarks(s string) []string {
	raw := strings.Split(s, ";")
	out := make([]string, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		part := strings.TrimSpace(raw[i])
		if isAliasStart(part) {
			for !aliasClosed(part) && i+1 < len(raw) {
				i++
				part += ";" + raw[i]
			}
		}
		if part != "" {
			out = append(out, strings.TrimSpace(part))
		}
	}
	return out
}

func isAliasStart(p string) bool {
	p = strings.TrimPrefix(p, "alt. ")
	for _, k := range []string{"a.k.a. '", "f.k.a. '", "n.k.a. '"} {
		if strings.HasPrefix(p, k) {
			return true
		}
	}
	return false
}

func aliasClosed(p string) bool {
	p = strings.TrimSuffix(strings.TrimSpace(p), ".")
	return strings.HasSuffix(p, "'") && strings.Count(p, "'") >= 2
}

var (
	reCrypto  = regexp.MustCompile(`^Digital Currency Address - ([A-Za-z0-9]+) (\S+)$`)
	reIDTail  = regexp.MustCompile(`^(.*?)(?:\s+\(([^()]+)\))?((?:\s+(?:issued|expires|Issue Date|Expiration Date)\b.*)?)$`)
	reAliasQt = regexp.MustCompile(`^([afn])\.k\.a\. '(.*)'$`)
)

// ApplyRemarks reads the structured parts of OFAC remarks into e: birth
// dates and places, nationality, citizenship, gender, identifiers, e-mail
// addresses, websites, digital currency addresses, aliases and links. The
// remarks text itself is kept by the caller.
func ApplyRemarks(e *warden.Entity, remarks string) {
	for _, part := range SplitRemarks(remarks) {
		applyPart(e, part)
	}
}

func applyPart(e *warden.Entity, part string) {
	p := strings.TrimPrefix(part, "alt. ")
	p = strings.TrimSpace(p)
	trimmed := strings.TrimSuffix(p, ".")
	switch {
	case strings.HasPrefix(p, "Digital Currency Address - "):
		// Addresses never end in '.', but the remark sentence may.
		if m := reCrypto.FindStringSubmatch(trimmed); m != nil {
			e.AddIdentifier(warden.Identifier{Type: warden.IDCrypto, Currency: m[1], Value: m[2], Label: "Digital Currency Address - " + m[1]})
		}
	case strings.HasPrefix(p, "DOB "):
		if d, ok := ParseDate(trimmed[4:]); ok {
			e.BirthDates = append(e.BirthDates, d)
		}
	case strings.HasPrefix(p, "POB "):
		warden.Add(&e.BirthPlaces, trimmed[4:])
	case strings.HasPrefix(p, "nationality "):
		e.AddCountry(&e.Nationalities, trimmed[len("nationality "):])
	case strings.HasPrefix(p, "citizen "):
		e.AddCountry(&e.Citizenships, trimmed[len("citizen "):])
	case strings.HasPrefix(p, "Nationality of Registration "):
		e.AddCountry(&e.Countries, trimmed[len("Nationality of Registration "):])
	case strings.HasPrefix(p, "Gender "):
		e.Gender = strings.ToLower(trimmed[len("Gender "):])
	case strings.HasPrefix(p, "Linked To: "):
		e.Links = append(e.Links, warden.Link{Type: "linked_to", Name: strings.TrimSpace(trimmed[len("Linked To: "):])})
	case strings.HasPrefix(p, "Title "):
		warden.Add(&e.Titles, trimmed[len("Title "):])
	default:
		if m := reAliasQt.FindStringSubmatch(trimmed); m != nil {
			kind := map[string]warden.NameKind{"a": warden.NameAKA, "f": warden.NameFKA, "n": warden.NameNKA}[m[1]]
			e.AddName(warden.Name{Full: m[2], Kind: kind})
			return
		}
		applyIdentifier(e, trimmed)
	}
}

// applyIdentifier reads "<Label> <number> (<Country>) issued ... expires ...".
func applyIdentifier(e *warden.Entity, p string) {
	low := strings.ToLower(p)
	for _, label := range labelsByLength {
		if !strings.HasPrefix(low, label+" ") {
			continue
		}
		rest := strings.TrimSpace(p[len(label):])
		m := reIDTail.FindStringSubmatch(rest)
		value, country, note := rest, "", ""
		if m != nil {
			value, note = strings.TrimSpace(m[1]), strings.TrimSpace(m[3])
			if m[2] != "" {
				if c, ok := warden.CountryCode(m[2]); ok {
					country = c
				} else {
					value = rest // a parenthesis that is no country is part of the value
					note = ""
				}
			}
		}
		t := idLabels[label]
		if t == warden.IDWebsite || t == warden.IDEmail {
			value, country, note = strings.TrimSpace(rest), "", ""
		}
		e.AddIdentifier(warden.Identifier{Type: t, Value: value, Country: country, Label: p[:len(label)], Note: note})
		return
	}
}
