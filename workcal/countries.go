package workcal

import (
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/us"
)

// national maps a country code to rickar/cal's list of its nationwide
// public holidays. Only countries whose list was checked against the
// official one are here (2026 and 2027 compared holiday by holiday):
// regional lists (Australia's states, Switzerland's cantons, Canada's
// provinces) are left out, and so are countries whose package misses a
// holiday or a rule in force: Poland (Christmas Eve since 2025), Romania
// (6 and 7 January since 2024), New Zealand (Matariki), Ireland (no
// substitute days), Argentina (Good Friday on the Thursday), Greece,
// Slovakia, Brazil, and the countries that move working days by yearly
// decree (Russia, Ukraine, Bulgaria, Latvia). GB is England and Wales's
// bank holidays; the US list is the eleven federal holidays, a Saturday
// one observed on the Friday and a Sunday one on the Monday. Sweden's
// list keeps Midsummer Eve, Christmas Eve and New Year's Eve, on which
// Swedish statutory deadlines do not fall either; the Netherlands' keeps
// Liberation Day every year, as its law on deadlines does.
var national = map[string][]*cal.Holiday{
	"AT": at.Holidays,
	"BE": be.Holidays,
	"CZ": cz.Holidays,
	"DE": de.Holidays,
	"DK": dk.Holidays,
	"ES": es.Holidays,
	"FR": fr.Holidays,
	"GB": gb.Holidays,
	"HR": hr.Holidays,
	"IT": it.Holidays,
	"JP": jp.Holidays,
	"LT": lt.Holidays,
	"NL": nl.Holidays,
	"NO": no.Holidays,
	"SE": se.Holidays,
	"SI": si.Holidays,
	"US": us.Holidays,
}

// china is the code whose calendar comes from lunar-go's table of
// statutory holidays and make-up working days (调休) as the State Council
// announces them each year. lunar-go v1.4.7 covers 2002 to 2027; for a
// year it does not cover, China counts weekends only.
const china = "CN"

// chinaYears is the span of years lunar-go's table covers: the first
// and last with a statutory day off (a year before the first may list
// the make-up working days of the first's New Year).
var chinaYears = sync.OnceValues(func() (first, last int) {
	for y := 1990; y <= 2200; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			if !e.Value.(*HolidayUtil.Holiday).IsWork() {
				if first == 0 {
					first = y
				}
				last = y
				break
			}
		}
	}
	return first, last
})

// entry is what a country's calendar says of one date: a day off (a
// public holiday as observed), a make-up working day, or a holiday's
// own date that is not itself the day off (it fell on a weekend and is
// observed on another day), which only gives the date its name.
type entry struct {
	name string
	off  bool
	work bool
}

// yearKey names one country's year in the cache.
type yearKey struct {
	country string
	year    int
}

// years caches each country's year of entries by day number: holidays
// are computed once per country and year, whatever the number of
// calendars built for the country (the sweep builds one per request).
var years sync.Map // yearKey -> map[int]entry

// entries returns country's entries for year by day number.
func entries(country string, year int) map[int]entry {
	k := yearKey{country, year}
	if m, ok := years.Load(k); ok {
		return m.(map[int]entry)
	}
	var m map[int]entry
	if country == china {
		m = chinaYear(year)
	} else {
		m = nationalYear(national[country], year)
	}
	v, _ := years.LoadOrStore(k, m)
	return v.(map[int]entry)
}

// nationalYear lists the dates of year that hols make days off, as
// observed, and the weekend dates of holidays observed on another day.
// A holiday of the year before or after may be observed in year (New
// Year's Day on a Saturday is observed on the Friday before).
func nationalYear(hols []*cal.Holiday, year int) map[int]entry {
	m := map[int]entry{}
	for _, h := range hols {
		for y := year - 1; y <= year+1; y++ {
			actual, observed := h.Calc(y)
			if observed.IsZero() {
				continue
			}
			if observed.Year() == year {
				name := h.Name
				if !sameDate(actual, observed) {
					name += " (observed)"
				}
				m[dayOf(observed)] = entry{name: name, off: true}
			}
			if actual.Year() == year && !sameDate(actual, observed) {
				if _, ok := m[dayOf(actual)]; !ok {
					m[dayOf(actual)] = entry{name: h.Name}
				}
			}
		}
	}
	return m
}

// chinaYear reads lunar-go's statutory holidays and make-up working days
// of year.
func chinaYear(year int) map[int]entry {
	m := map[int]entry{}
	l := HolidayUtil.GetHolidaysByYear(year)
	for e := l.Front(); e != nil; e = e.Next() {
		h := e.Value.(*HolidayUtil.Holiday)
		t, err := time.Parse(time.DateOnly, h.GetDay())
		if err != nil {
			continue // lunar-go's table is well formed; a bad row is no holiday
		}
		if h.IsWork() {
			m[dayOf(t)] = entry{name: h.GetName(), work: true}
		} else {
			m[dayOf(t)] = entry{name: h.GetName(), off: true}
		}
	}
	return m
}

// sameDate reports whether a and b have the same year, month and day.
func sameDate(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
