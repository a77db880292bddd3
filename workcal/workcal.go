// Package workcal counts time the way one side of a request works: its
// country's public holidays and official make-up working days, its own
// closures, its office hours, in its time zone.
//
// A request's deadlines are set in the requested side's business time
// (issue 13): three business days for a routine acknowledgement mean
// three of its working days, not ours. Holidays come from maintained
// libraries rather than hand-written tables: github.com/rickar/cal/v2 for
// the United States and the other countries in Countries, and
// github.com/6tail/lunar-go for China's statutory holidays and the
// weekend days it makes working days (调休).
package workcal

import (
	"slices"
	"strings"
	"time"

	"warden"
)

// DefaultOfficeHours are the office hours of a side that states none.
const DefaultOfficeHours = "09:00-17:00"

// closureName is what Holiday says of an organisation's own closure.
const closureName = "closure"

// Calendar is one side's working time: which local dates are working days
// and the office hours on them. It is safe for concurrent use.
type Calendar struct {
	country  string // upper case; "" counts weekends only
	loc      *time.Location
	open     int // office hours as minutes after local midnight, open < close
	close    int
	closures map[int]bool // day numbers
}

// New returns the calendar of a side in country (ISO 3166-1 alpha-2,
// either case; "" counts weekends only) keeping officeHours ("HH:MM-HH:MM"
// local time, open before close on the same day, close at most 24:00; ""
// is DefaultOfficeHours) in loc (nil is UTC), closed also on closures
// ("YYYY-MM-DD" local dates). Errors are EINVALID and name the argument:
// country (not in Countries), office_hours or closures.
func New(country string, loc *time.Location, officeHours string, closures []string) (*Calendar, error) {
	c := &Calendar{country: strings.ToUpper(country), loc: loc}
	if c.loc == nil {
		c.loc = time.UTC
	}
	if c.country != "" && !Supported(c.country) {
		return nil, warden.Errorf(warden.EINVALID, "country: %q has no holiday calendar here; supported: %s", country, strings.Join(Countries(), ", "))
	}
	if officeHours == "" {
		officeHours = DefaultOfficeHours
	}
	var err error
	if c.open, c.close, err = parseHours(officeHours); err != nil {
		return nil, err
	}
	for _, s := range closures {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, warden.Errorf(warden.EINVALID, "closures: %q is not a date (YYYY-MM-DD)", s)
		}
		if c.closures == nil {
			c.closures = map[int]bool{}
		}
		c.closures[dayOf(t)] = true
	}
	return c, nil
}

// parseHours reads "HH:MM-HH:MM" as minutes after midnight.
func parseHours(s string) (open, close int, err error) {
	bad := warden.Errorf(warden.EINVALID, "office_hours: %q must be HH:MM-HH:MM, opening before closing on the same day", s)
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, bad
	}
	open, ok1 := parseClock(a)
	close, ok2 := parseClock(b)
	if !ok1 || !ok2 || open >= close || open >= 24*60 {
		return 0, 0, bad
	}
	return open, close, nil
}

// parseClock reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	n := [4]int{}
	for i, p := range []int{0, 1, 3, 4} {
		if s[p] < '0' || s[p] > '9' {
			return 0, false
		}
		n[i] = int(s[p] - '0')
	}
	h, m := n[0]*10+n[1], n[2]*10+n[3]
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// Supported reports whether country (ISO 3166-1 alpha-2, either case) has
// a holiday calendar here, so that a request naming another is refused
// rather than counted on weekends alone. "" is not a country.
func Supported(country string) bool {
	c := strings.ToUpper(country)
	_, ok := national[c]
	return ok || c == china
}

// Countries returns the supported country codes, sorted, for forms and
// error messages.
func Countries() []string {
	out := []string{china}
	for c := range national {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Workday reports whether the local date of t is a working day: Monday to
// Friday, minus the country's public holidays as observed and the
// closures, plus the country's official make-up working days. A closure
// wins over a make-up working day.
func (c *Calendar) Workday(t time.Time) bool {
	return c.workday(dayOf(t.In(c.loc)))
}

// Holiday names the public holiday or closure on the local date of t: a
// holiday observed on another day is named on its own date too (with
// "(observed)" on the day off). A make-up working day is no holiday.
func (c *Calendar) Holiday(t time.Time) (name string, ok bool) {
	d := dayOf(t.In(c.loc))
	if e, ok := c.entry(d); ok && !e.work {
		return e.name, true
	}
	if c.closures[d] {
		return closureName, true
	}
	return "", false
}

// Covers reports whether the calendar knows the public holidays of the
// local year of t. China's come from lunar-go's table of the years the
// State Council has announced (through Through); outside them China
// counts weekends only. The other countries' holidays follow rules good
// for every year, and a calendar of weekends only has none to know.
func (c *Calendar) Covers(t time.Time) bool {
	if c.country != china {
		return true
	}
	first, last := chinaYears()
	y := t.In(c.loc).Year()
	return y >= first && y <= last
}

// Through returns the last year whose public holidays the calendar knows
// (see Covers), or 0 if it knows them for every year.
func (c *Calendar) Through() int {
	if c.country != china {
		return 0
	}
	_, last := chinaYears()
	return last
}

// Add returns the deadline s after from, in UTC: hours on the clock,
// calendar days at the same local time, business hours of office time on
// working days, or business days ending at the close of office hours on
// the s.N-th working day after from's local date (the day of receipt is
// day 0 whatever the hour). A span that fails warden.Span.Check gives
// from itself.
func (c *Calendar) Add(from time.Time, s warden.Span) time.Time {
	if s.Check("span") != nil {
		return from.UTC()
	}
	switch s.Unit {
	case warden.UnitHours:
		return from.Add(time.Duration(s.N) * time.Hour).UTC()
	case warden.UnitDays:
		return from.In(c.loc).AddDate(0, 0, s.N).UTC()
	case warden.UnitBusinessDays:
		d := dayOf(from.In(c.loc))
		for n := 0; n < s.N; {
			d++
			if c.workday(d) {
				n++
			}
		}
		_, closing := c.hours(d)
		return closing.UTC()
	default: // warden.UnitBusinessHours
		left := time.Duration(s.N) * time.Hour
		for d := dayOf(from.In(c.loc)); ; d++ {
			if !c.workday(d) {
				continue
			}
			opening, closing := c.hours(d)
			if opening.Before(from) {
				opening = from
			}
			if !opening.Before(closing) {
				continue
			}
			if span := closing.Sub(opening); span < left {
				left -= span
				continue
			}
			return opening.Add(left).UTC()
		}
	}
}

// BusinessBetween returns the office time on working days between from
// and to (0 if to is not after from): how long a side took in its own
// business time, for the scorecard.
func (c *Calendar) BusinessBetween(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	var sum time.Duration
	last := dayOf(to.In(c.loc))
	for d := dayOf(from.In(c.loc)); d <= last; d++ {
		if !c.workday(d) {
			continue
		}
		opening, closing := c.hours(d)
		if opening.Before(from) {
			opening = from
		}
		if closing.After(to) {
			closing = to
		}
		if opening.Before(closing) {
			sum += closing.Sub(opening)
		}
	}
	return sum
}

// workday reports whether day number d is a working day.
func (c *Calendar) workday(d int) bool {
	if c.closures[d] {
		return false
	}
	if e, ok := c.entry(d); ok && (e.off || e.work) {
		return e.work
	}
	wd := weekday(d)
	return wd != time.Saturday && wd != time.Sunday
}

// entry is the country's entry for day number d.
func (c *Calendar) entry(d int) (entry, bool) {
	if c.country == "" {
		return entry{}, false
	}
	y, _, _ := dateOf(d)
	e, ok := entries(c.country, y)[d]
	return e, ok
}

// hours returns the opening and closing instants of day number d, built
// with time.Date in the calendar's zone for that very day so that a day
// on which the clocks change keeps its local office hours.
func (c *Calendar) hours(d int) (opening, closing time.Time) {
	y, m, dd := dateOf(d)
	opening = time.Date(y, m, dd, c.open/60, c.open%60, 0, 0, c.loc)
	closing = time.Date(y, m, dd, c.close/60, c.close%60, 0, 0, c.loc)
	return opening, closing
}

// dayOf returns the day number (days since 1970-01-01) of t's date in
// t's own location.
func dayOf(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dateOf returns the date of day number d.
func dateOf(d int) (int, time.Month, int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

// weekday returns the day of the week of day number d (day 0 was a
// Thursday).
func weekday(d int) time.Weekday {
	return time.Weekday(((d % 7) + 7 + int(time.Thursday)) % 7)
}
