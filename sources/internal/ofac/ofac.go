// Package ofac holds what the OFAC-derived formats (legacy CSV, sdn.xml,
// enhanced XML, the US Consolidated Screening List) share: the date syntax,
// the identifier labels and the structured parts of the free-text remarks.
package ofac

import (
	"regexp"
	"strings"

	"warden"
)

var months = map[string]string{
	"jan": "01", "feb": "02", "mar": "03", "apr": "04", "may": "05", "jun": "06",
	"jul": "07", "aug": "08", "sep": "09", "oct": "10", "nov": "11", "dec": "12",
}

var (
	reDMY = regexp.MustCompile(`^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$`)
	reMY  = regexp.MustCompile(`^([A-Za-z]{3})[a-z]* (\d{4})$`)
	reY   = regexp.MustCompile(`^(\d{4})$`)
	reISO = regexp.MustCompile(`^(\d{4})(-\d{2}(-\d{2})?)?$`)
	reUS  = regexp.MustCompile(`^(\d{2})/(\d{2})/(\d{4})$`)
)

// partial parses one OFAC date ("21 Sep 1979", "Sep 1979", "1979",
// "1979-09-21", "09/21/1979") to an ISO partial date.
func partial(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if m := reDMY.FindStringSubmatch(s); m != nil {
		mo, ok := months[strings.ToLower(m[2])]
		if !ok {
			return "", false
		}
		d := m[1]
		if len(d) == 1 {
			d = "0" + d
		}
		return m[3] + "-" + mo + "-" + d, true
	}
	if m := reMY.FindStringSubmatch(s); m != nil {
		mo, ok := months[strings.ToLower(m[1])]
		if !ok {
			return "", false
		}
		return m[2] + "-" + mo, true
	}
	if reY.MatchString(s) || reISO.MatchString(s) {
		return s, true
	}
	if m := reUS.FindStringSubmatch(s); m != nil {
		return m[3] + "-" + m[1] + "-" + m[2], true
	}
	return "", false
}

// ParseDate parses an OFAC date or date range: "21 Sep 1979", "circa 1979",
// "Feb 1958 to Mar 1958", "1955 to 1957".
func ParseDate(s string) (warden.DateRange, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	var d warden.DateRange
	low := strings.ToLower(s)
	for _, p := range []string{"circa ", "approximately ", "approx. ", "about "} {
		if strings.HasPrefix(low, p) {
			d.Approximate = true
			s = s[len(p):]
			break
		}
	}
	from, to, isRange := strings.Cut(s, " to ")
	if !isRange {
		from, to, isRange = strings.Cut(s, " - ")
	}
	f, ok := partial(from)
	if !ok {
		return d, false
	}
	d.From = f
	if isRange {
		t, ok := partial(to)
		if !ok {
			return d, false
		}
		d.To = t
	}
	return d, true
}

// idLabels maps OFAC identifier labels, lower-cased, to Warden's types. The
// labels are matched as prefixes of a remark, longest first.
var idLabels = map[string]warden.IDType{
	"passport":                            warden.IDPassport,
	"diplomatic passport":                 warden.IDPassport,
	"national id no.":                     warden.IDNational,
	"national id":                         warden.IDNational,
	"identification number":               warden.IDNational,
	"personal id card":                    warden.IDNational,
	"citizen's card number":               warden.IDNational,
	"cedula no.":                          warden.IDNational,
	"d.n.i.":                              warden.IDNational,
	"c.u.r.p.":                            warden.IDNational,
	"ssn":                                 warden.IDNational,
	"kenyan id no.":                       warden.IDNational,
	"residency number":                    warden.IDNational,
	"birth certificate number":            warden.IDNational,
	"driver's license no.":                warden.IDNational,
	"travel document number":              warden.IDPassport,
	"stateless person id card":            warden.IDNational,
	"refugee id card":                     warden.IDNational,
	"public security and immigration no.": warden.IDNational,
	"tax id no.":                          warden.IDTax,
	"r.f.c.":                              warden.IDTax,
	"c.u.i.t.":                            warden.IDTax,
	"c.u.i.p.":                            warden.IDTax,
	"nit #":                               warden.IDTax,
	"ruc #":                               warden.IDTax,
	"v.a.t. number":                       warden.IDTax,
	"italian fiscal code":                 warden.IDTax,
	"registration number":                 warden.IDRegistration,
	"registration id":                     warden.IDRegistration,
	"business registration number":        warden.IDRegistration,
	"business registration document #":    warden.IDRegistration,
	"commercial registry number":          warden.IDRegistration,
	"company number":                      warden.IDRegistration,
	"uk company number":                   warden.IDRegistration,
	"enterprise number":                   warden.IDRegistration,
	"government gazette number":           warden.IDRegistration,
	"trade license no.":                   warden.IDRegistration,
	"matricula mercantil no":              warden.IDRegistration,
	"d-u-n-s number":                      warden.IDRegistration,
	"certificate of incorporation number": warden.IDRegistration,
	"chamber of commerce number":          warden.IDRegistration,
	"unified social credit code (uscc)":   warden.IDUSCC,
	"legal entity number":                 warden.IDLEI,
	"swift/bic":                           warden.IDSWIFT,
	"vessel registration identification":  warden.IDIMO,
	"imo":                                 warden.IDIMO,
	"mmsi":                                warden.IDOther,
	"chinese commercial code":             warden.IDOther,
	"aircraft manufacturer's serial number (msn)":                  warden.IDOther,
	"aircraft tail number":                                         warden.IDOther,
	"previous aircraft tail number":                                warden.IDOther,
	"aircraft construction number (also called l/n or s/n or f/n)": warden.IDOther,
	"aircraft mode s transponder code":                             warden.IDOther,
	"email address":                                                warden.IDEmail,
	"website":                                                      warden.IDWebsite,
	"phone number":                                                 warden.IDPhone,
	"telephone":                                                    warden.IDPhone,
	"phone":                                                        warden.IDPhone,
	"fax":                                                          warden.IDPhone,
}

// IDType maps an OFAC identifier label such as "Tax ID No." to a type;
// unknown labels are IDOther.
func IDType(label string) warden.IDType {
	l := strings.ToLower(strings.TrimSpace(label))
	if t, ok := idLabels[l]; ok {
		return t
	}
	switch {
	case strings.Contains(l, "passport"):
		return warden.IDPassport
	case strings.Contains(l, "tax"):
		return warden.IDTax
	case strings.Contains(l, "registration"):
		return warden.IDRegistration
	case strings.Contains(l, "national id") || strings.Contains(l, "identification"):
		return warden.IDNational
	case strings.Contains(l, "email"):
		return warden.IDEmail
	case strings.Contains(l, "website"):
		return warden.IDWebsite
	case strings.HasPrefix(l, "digital currency address"):
		return warden.IDCrypto
	}
	return warden.IDOther
}

// labelsByLength lists idLabels longest first for prefix matching.
var labelsByLength = func() []string {
	out := make([]string, 0, len(idLabels))
	for k := range idLabels {
		out = append(out, k)
	}
	// Insertion sort by descending length; the table is small.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (len(out[j]) > len(out[j-1]) || len(out[j]) == len(out[j-1]) && out[j] < out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

// CryptoTicker extracts the ticker from an OFAC label such as
// "Digital Currency Address - XBT"; ok is false for other labels.
func CryptoTicker(label string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(label), "Digital Currency Address - ")
	if !ok {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// Schema maps an OFAC entry type ("individual", "Individual", "vessel",
// "aircraft", "-0- ", "Entity") to a schema; anything but a person, vessel or
// aircraft is an organisation.
func Schema(sdnType string) warden.Schema {
	switch strings.ToLower(strings.TrimSpace(sdnType)) {
	case "individual":
		return warden.SchemaPerson
	case "vessel":
		return warden.SchemaVessel
	case "aircraft":
		return warden.SchemaAircraft
	}
	return warden.SchemaOrganization
}

// LabelType returns the type of an identifier label that the remarks
// reader recognises ("Passport", "Tax ID No."); ok is false for a label it
// would skip, so a writer knows which labels come back as they went out.
func LabelType(label string) (t warden.IDType, ok bool) {
	t, ok = idLabels[strings.ToLower(strings.TrimSpace(label))]
	return t, ok
}
