package workcal_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"warden"
	"warden/workcal"
)

// zone loads an IANA zone or fails the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2006-01-02 15:04" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// calendar builds a calendar or fails the test.
func calendar(t testing.TB, country string, loc *time.Location, hours string, closures ...string) *workcal.Calendar {
	t.Helper()
	c, err := workcal.New(country, loc, hours, closures)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func span(n int, u warden.SpanUnit) warden.Span { return warden.Span{N: n, Unit: u} }

// TestAdd: deadlines in the requested side's business time, as local
// times in its zone.
func TestAdd(t *testing.T) {
	ny := zone(t, "America/New_York")
	sh := zone(t, "Asia/Shanghai")
	us := calendar(t, "US", ny, "")
	cn := calendar(t, "cn", sh, "")
	usClosed := calendar(t, "US", ny, "", "2026-11-27")
	cnClosed := calendar(t, "CN", sh, "", "2026-02-14")
	short := calendar(t, "US", ny, "08:30-12:00")
	for _, c := range []struct {
		name string
		cal  *workcal.Calendar
		loc  *time.Location
		from string
		span warden.Span
		want string
	}{
		// A routine request sent on Friday afternoon: three working days
		// after the day of receipt, at the close of office hours.
		{"routine Friday 16:00", us, ny, "2026-11-13 16:00", span(3, warden.UnitBusinessDays), "2026-11-18 17:00"},
		{"received before opening is day 0", us, ny, "2026-11-16 06:00", span(1, warden.UnitBusinessDays), "2026-11-17 17:00"},
		{"received on Saturday", us, ny, "2026-11-21 10:00", span(1, warden.UnitBusinessDays), "2026-11-23 17:00"},
		{"Thanksgiving", us, ny, "2026-11-24 10:00", span(3, warden.UnitBusinessDays), "2026-11-30 17:00"},
		{"Juneteenth", us, ny, "2026-06-18 10:00", span(1, warden.UnitBusinessDays), "2026-06-22 17:00"},
		{"Independence Day observed Friday 3 July", us, ny, "2026-07-02 15:00", span(1, warden.UnitBusinessDays), "2026-07-06 17:00"},
		{"Christmas observed Friday 24 December 2027", us, ny, "2027-12-23 12:00", span(1, warden.UnitBusinessDays), "2027-12-27 17:00"},
		{"New Year 2028 observed Friday 31 December 2027", us, ny, "2027-12-30 12:00", span(1, warden.UnitBusinessDays), "2028-01-03 17:00"},
		{"routine answer 30 business days", us, ny, "2026-11-13 16:00", span(30, warden.UnitBusinessDays), "2026-12-29 17:00"},
		{"business hours over the weekend", us, ny, "2026-11-20 16:00", span(3, warden.UnitBusinessHours), "2026-11-23 11:00"},
		{"business hours over Independence Day", us, ny, "2026-07-02 15:00", span(4, warden.UnitBusinessHours), "2026-07-06 11:00"},
		{"business hours from before opening", us, ny, "2026-11-16 07:00", span(8, warden.UnitBusinessHours), "2026-11-16 17:00"},
		{"business hours from after closing", us, ny, "2026-11-16 19:00", span(1, warden.UnitBusinessHours), "2026-11-17 10:00"},
		{"short office hours", short, ny, "2026-11-16 11:00", span(5, warden.UnitBusinessHours), "2026-11-18 09:00"},
		{"short office hours, business days", short, ny, "2026-11-16 11:00", span(1, warden.UnitBusinessDays), "2026-11-17 12:00"},
		{"clock hours run through the night", us, ny, "2026-11-20 16:00", span(8, warden.UnitHours), "2026-11-21 00:00"},
		{"calendar days run through holidays", us, ny, "2026-11-24 10:00", span(7, warden.UnitDays), "2026-12-01 10:00"},
		{"closure the day after Thanksgiving", usClosed, ny, "2026-11-24 10:00", span(3, warden.UnitBusinessDays), "2026-12-01 17:00"},
		// China's Spring Festival 2026: 15-23 February off, Saturdays 14
		// and 28 February working days.
		{"make-up Saturday before Spring Festival", cn, sh, "2026-02-12 10:00", span(2, warden.UnitBusinessDays), "2026-02-14 17:00"},
		{"across Spring Festival", cn, sh, "2026-02-12 10:00", span(3, warden.UnitBusinessDays), "2026-02-24 17:00"},
		{"urgent answer ends on the make-up Saturday after", cn, sh, "2026-02-12 10:00", span(7, warden.UnitBusinessDays), "2026-02-28 17:00"},
		{"business hours into the make-up Saturday", cn, sh, "2026-02-13 16:00", span(3, warden.UnitBusinessHours), "2026-02-14 11:00"},
		{"business hours across Spring Festival", cn, sh, "2026-02-14 16:00", span(2, warden.UnitBusinessHours), "2026-02-24 10:00"},
		{"closure on a make-up Saturday", cnClosed, sh, "2026-02-12 10:00", span(2, warden.UnitBusinessDays), "2026-02-24 17:00"},
		// National Day 2026: 1-7 October off, Sunday 20 September and
		// Saturday 10 October working days; Mid-Autumn 25-27 September.
		{"make-up Sunday before National Day", cn, sh, "2026-09-18 10:00", span(1, warden.UnitBusinessDays), "2026-09-20 17:00"},
		{"Mid-Autumn Festival", cn, sh, "2026-09-24 10:00", span(1, warden.UnitBusinessDays), "2026-09-28 17:00"},
		{"across National Day", cn, sh, "2026-09-30 10:00", span(1, warden.UnitBusinessDays), "2026-10-08 17:00"},
		{"make-up Saturday after National Day", cn, sh, "2026-09-30 10:00", span(3, warden.UnitBusinessDays), "2026-10-10 17:00"},
		{"received during National Day", cn, sh, "2026-10-03 10:00", span(1, warden.UnitBusinessDays), "2026-10-08 17:00"},
		// New York's clocks: forward on Sunday 8 March, back on Sunday 1
		// November 2026.
		{"spring forward, business days", us, ny, "2026-03-06 10:00", span(1, warden.UnitBusinessDays), "2026-03-09 17:00"},
		{"spring forward, business hours", us, ny, "2026-03-06 16:00", span(2, warden.UnitBusinessHours), "2026-03-09 10:00"},
		{"spring forward, calendar day", us, ny, "2026-03-07 12:00", span(1, warden.UnitDays), "2026-03-08 12:00"},
		{"spring forward, clock hours", us, ny, "2026-03-07 12:00", span(24, warden.UnitHours), "2026-03-08 13:00"},
		{"fall back, business days", us, ny, "2026-10-30 16:00", span(1, warden.UnitBusinessDays), "2026-11-02 17:00"},
		{"fall back, business hours", us, ny, "2026-10-30 16:00", span(2, warden.UnitBusinessHours), "2026-11-02 10:00"},
		{"fall back, calendar day", us, ny, "2026-10-31 12:00", span(1, warden.UnitDays), "2026-11-01 12:00"},
		{"fall back, clock hours", us, ny, "2026-10-31 12:00", span(24, warden.UnitHours), "2026-11-01 11:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.cal.Add(at(t, c.loc, c.from), c.span)
			want := at(t, c.loc, c.want)
			if !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("Add(%s, %s) = %s, want %s (UTC)", c.from, c.span, got.In(c.loc).Format(time.RFC3339), want.Format(time.RFC3339))
			}
		})
	}
}

// TestAddCalendarDayLength: across a change of the clocks a calendar day
// is 23 or 25 hours, and a clock hour is an hour.
func TestAddCalendarDayLength(t *testing.T) {
	ny := zone(t, "America/New_York")
	us := calendar(t, "US", ny, "")
	for _, c := range []struct {
		from string
		want time.Duration
	}{
		{"2026-03-07 12:00", 23 * time.Hour},
		{"2026-10-31 12:00", 25 * time.Hour},
		{"2026-11-07 12:00", 24 * time.Hour},
	} {
		from := at(t, ny, c.from)
		if got := us.Add(from, span(1, warden.UnitDays)).Sub(from); got != c.want {
			t.Errorf("one day from %s lasts %s, want %s", c.from, got, c.want)
		}
	}
}

// TestTimeZones: one instant is 1 October (National Day) in Beijing and
// still 30 September (a Wednesday) in Washington, so the two sides' days
// of receipt and deadlines differ.
func TestTimeZones(t *testing.T) {
	dc := zone(t, "America/New_York")
	sh := zone(t, "Asia/Shanghai")
	us := calendar(t, "US", dc, "")
	cn := calendar(t, "CN", sh, "")
	sent := time.Date(2026, 9, 30, 17, 30, 0, 0, time.UTC) // 01:30 in Beijing, 13:30 in Washington
	if !us.Workday(sent) || cn.Workday(sent) {
		t.Errorf("Workday(%s): Washington %v, Beijing %v; want true, false", sent, us.Workday(sent), cn.Workday(sent))
	}
	if name, ok := cn.Holiday(sent); !ok || name != "国庆节" {
		t.Errorf("Beijing Holiday(%s) = %q, %v", sent, name, ok)
	}
	for _, c := range []struct {
		name string
		cal  *workcal.Calendar
		want time.Time
	}{
		{"Washington", us, time.Date(2026, 10, 1, 21, 0, 0, 0, time.UTC)}, // Thursday 17:00 EDT
		{"Beijing", cn, time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC)},     // Thursday 8 October 17:00 CST
	} {
		if got := c.cal.Add(sent, span(1, warden.UnitBusinessDays)); !got.Equal(c.want) {
			t.Errorf("%s: one business day from %s = %s, want %s", c.name, sent, got, c.want)
		}
	}
	// Friday evening in Washington is Saturday morning in Beijing: the
	// same 4 business hours end on Monday in both, at different instants.
	fri := time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC) // 18:00 EST, Saturday 07:00 CST
	if got, want := us.Add(fri, span(4, warden.UnitBusinessHours)), time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Washington: %s, want %s", got, want)
	}
	if got, want := cn.Add(fri, span(4, warden.UnitBusinessHours)), time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Beijing: %s, want %s", got, want)
	}
}

// TestBusinessBetween: office time on working days between two instants.
func TestBusinessBetween(t *testing.T) {
	ny := zone(t, "America/New_York")
	sh := zone(t, "Asia/Shanghai")
	cairo := zone(t, "Africa/Cairo")
	us := calendar(t, "US", ny, "")
	cn := calendar(t, "CN", sh, "")
	closed := calendar(t, "US", ny, "", "2026-11-23")
	allDay := calendar(t, "", cairo, "00:00-24:00")
	for _, c := range []struct {
		name     string
		cal      *workcal.Calendar
		loc      *time.Location
		from, to string
		want     time.Duration
	}{
		{"across a weekend", us, ny, "2026-11-20 16:00", "2026-11-23 10:00", 2 * time.Hour},
		{"across Thanksgiving", us, ny, "2026-11-25 16:00", "2026-11-27 10:00", 2 * time.Hour},
		{"across Independence Day observed and the weekend", us, ny, "2026-07-02 09:00", "2026-07-06 17:00", 16 * time.Hour},
		{"from before opening to after closing", us, ny, "2026-11-23 07:00", "2026-11-23 20:00", 8 * time.Hour},
		{"from after closing to before opening", us, ny, "2026-11-23 18:00", "2026-11-24 08:00", 0},
		{"within office hours", us, ny, "2026-11-23 10:15", "2026-11-23 11:45", 90 * time.Minute},
		{"a weekend alone", us, ny, "2026-11-21 09:00", "2026-11-22 17:00", 0},
		{"to before from", us, ny, "2026-11-24 10:00", "2026-11-23 10:00", 0},
		{"to equal to from", us, ny, "2026-11-24 10:00", "2026-11-24 10:00", 0},
		{"a closure", closed, ny, "2026-11-20 16:00", "2026-11-24 10:00", 2 * time.Hour},
		{"Spring Festival with its make-up Saturday", cn, sh, "2026-02-13 16:00", "2026-02-24 10:00", 10 * time.Hour},
		{"National Day", cn, sh, "2026-09-30 09:00", "2026-10-09 09:00", 16 * time.Hour},
		{"spring forward weekend", us, ny, "2026-03-06 09:00", "2026-03-09 17:00", 16 * time.Hour},
		{"fall back weekend", us, ny, "2026-10-30 09:00", "2026-11-02 17:00", 16 * time.Hour},
		// Cairo's clocks change on weekdays: Friday 24 April 2026 starts
		// at 01:00 (23 hours), Thursday 29 October lasts 25 hours.
		{"a 23-hour working day", allDay, cairo, "2026-04-24 00:00", "2026-04-25 00:00", 23 * time.Hour},
		{"a 25-hour working day", allDay, cairo, "2026-10-29 00:00", "2026-10-30 00:00", 25 * time.Hour},
		{"the United States' 250 working days of 2026", us, ny, "2026-01-01 00:00", "2027-01-01 00:00", 250 * 8 * time.Hour},
		{"China's 248 working days of 2026", cn, sh, "2026-01-01 00:00", "2027-01-01 00:00", 248 * 8 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.cal.BusinessBetween(at(t, c.loc, c.from), at(t, c.loc, c.to)); got != c.want {
				t.Errorf("BusinessBetween(%s, %s) = %s, want %s", c.from, c.to, got, c.want)
			}
		})
	}
}

// TestAddBusinessHoursProperty: for random instants, calendars and
// spans, the office time between from and the deadline n business hours
// later is n hours, and a business-days deadline is the close of office
// hours on a working day, a working day after the deadline of n-1.
func TestAddBusinessHoursProperty(t *testing.T) {
	cals := []*workcal.Calendar{
		calendar(t, "US", zone(t, "America/New_York"), ""),
		calendar(t, "CN", zone(t, "Asia/Shanghai"), "08:30-17:30", "2026-02-14", "2026-05-06"),
		calendar(t, "GB", zone(t, "Europe/London"), "00:00-24:00"),
		calendar(t, "", zone(t, "Africa/Cairo"), "01:30-23:30"),
		calendar(t, "JP", zone(t, "Asia/Tokyo"), "09:15-09:45"),
	}
	r := rand.New(rand.NewPCG(13, 2026))
	lo := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
	for i := range 2000 {
		c := cals[i%len(cals)]
		from := time.Unix(lo+r.Int64N(hi-lo), 0)
		n := 1 + r.IntN(300)
		due := c.Add(from, span(n, warden.UnitBusinessHours))
		if got := c.BusinessBetween(from, due); got != time.Duration(n)*time.Hour {
			t.Fatalf("calendar %d: BusinessBetween(%s, Add(%d business hours) = %s) = %s", i%len(cals), from, n, due, got)
		}
		if !c.Workday(due.Add(-time.Nanosecond)) {
			t.Fatalf("calendar %d: %d business hours from %s end at %s, not on a working day", i%len(cals), n, from, due)
		}
		days := 1 + r.IntN(40)
		end := c.Add(from, span(days, warden.UnitBusinessDays))
		if c.BusinessBetween(end.Add(-time.Nanosecond), end) != time.Nanosecond {
			t.Fatalf("calendar %d: %d business days from %s end at %s, not in office hours", i%len(cals), days, from, end)
		}
		if days > 1 {
			before := c.Add(from, span(days-1, warden.UnitBusinessDays))
			if d := c.BusinessBetween(before, end); d <= 0 || d > 25*time.Hour {
				t.Fatalf("calendar %d: %s of office time between %d business days (%s) and %d (%s) from %s", i%len(cals), d, days-1, before, days, end, from)
			}
		}
	}
}

// TestWorkday: weekends, holidays as observed, make-up working days and
// closures, on local dates.
func TestWorkday(t *testing.T) {
	ny := zone(t, "America/New_York")
	sh := zone(t, "Asia/Shanghai")
	us := calendar(t, "us", ny, "", "2026-12-24")
	cn := calendar(t, "CN", sh, "", "2026-09-20")
	none := calendar(t, "", ny, "")
	for _, c := range []struct {
		cal  *workcal.Calendar
		loc  *time.Location
		day  string
		want bool
	}{
		{us, ny, "2026-11-23", true},  // Monday
		{us, ny, "2026-11-21", false}, // Saturday
		{us, ny, "2026-11-26", false}, // Thanksgiving
		{us, ny, "2026-11-27", true},  // the day after is no federal holiday
		{us, ny, "2026-07-03", false}, // Independence Day observed
		{us, ny, "2026-06-19", false}, // Juneteenth
		{us, ny, "2026-12-24", false}, // closure
		{us, ny, "2021-12-31", false}, // New Year's Day 2022 observed
		{cn, sh, "2026-02-14", true},  // make-up Saturday
		{cn, sh, "2026-02-23", false}, // Spring Festival, a Monday
		{cn, sh, "2026-09-20", false}, // a make-up Sunday, closed
		{cn, sh, "2026-10-10", true},  // make-up Saturday
		{cn, sh, "2026-10-07", false}, // National Day, a Wednesday
		{none, ny, "2026-11-26", true},
		{none, ny, "2026-11-28", false},
	} {
		if got := c.cal.Workday(at(t, c.loc, c.day+" 12:00")); got != c.want {
			t.Errorf("Workday(%s in %s) = %v, want %v", c.day, c.loc, got, c.want)
		}
	}
}

// TestHoliday: the names of holidays, observed days and closures; a
// make-up working day is none.
func TestHoliday(t *testing.T) {
	ny := zone(t, "America/New_York")
	sh := zone(t, "Asia/Shanghai")
	us := calendar(t, "US", ny, "", "2026-12-24")
	cn := calendar(t, "CN", sh, "")
	london := zone(t, "Europe/London")
	gb := calendar(t, "GB", london, "")
	for _, c := range []struct {
		cal  *workcal.Calendar
		loc  *time.Location
		day  string
		want string // "" for none
	}{
		{us, ny, "2026-07-03", "Independence Day (observed)"},
		{us, ny, "2026-07-04", "Independence Day"},
		{us, ny, "2026-11-26", "Thanksgiving Day"},
		{us, ny, "2021-12-31", "New Year's Day (observed)"},
		{us, ny, "2026-12-24", "closure"},
		{us, ny, "2026-11-27", ""},
		{cn, sh, "2026-02-17", "春节"},
		{cn, sh, "2026-02-14", ""},
		{cn, sh, "2026-10-01", "国庆节"},
		{gb, london, "2027-12-28", "Boxing Day (observed)"},
	} {
		name, ok := c.cal.Holiday(at(t, c.loc, c.day+" 12:00"))
		if name != c.want || ok != (c.want != "") {
			t.Errorf("Holiday(%s in %s) = %q, %v; want %q", c.day, c.loc, name, ok, c.want)
		}
	}
}

// TestChinaCoverage: lunar-go's table of statutory holidays ends with
// 2027 (docs/business-time.md says so; a newer lunar-go moves it); after
// it China counts weekends only and names no holiday, and its calendar
// says which years it covers (Covers, Through), as the other countries'
// rules cover every year.
func TestChinaCoverage(t *testing.T) {
	last := 0
	for y := 2002; HolidayUtil.GetHolidaysByYear(y).Len() > 0; y++ {
		last = y
	}
	if last != 2027 {
		t.Errorf("lunar-go covers up to %d; update the documented year", last)
	}
	sh := zone(t, "Asia/Shanghai")
	cn := calendar(t, "CN", sh, "")
	if _, ok := cn.Holiday(at(t, sh, "2028-10-02 12:00")); ok {
		t.Error("a holiday named after lunar-go's last year")
	}
	if !cn.Workday(at(t, sh, "2028-10-02 12:00")) || cn.Workday(at(t, sh, "2028-10-07 12:00")) {
		t.Error("after lunar-go's last year China is not Monday to Friday")
	}
	// The calendar says so, in its own zone: 1 January 2028 begins at
	// 16:00 UTC the day before in Shanghai.
	if got := cn.Through(); got != last {
		t.Errorf("China's holidays are known through %d, want %d", got, last)
	}
	for _, c := range []struct {
		when string
		want bool
	}{{"2027-12-31T15:59:59Z", true}, {"2027-12-31T16:00:00Z", false}, {"2002-01-01T00:00:00Z", true}, {"2001-12-31T12:00:00Z", false}, {"2031-06-01T00:00:00Z", false}} {
		when, _ := time.Parse(time.RFC3339, c.when)
		if cn.Covers(when) != c.want {
			t.Errorf("China's calendar covers %s: %v, want %v", c.when, !c.want, c.want)
		}
	}
	for _, c := range []*workcal.Calendar{calendar(t, "US", nil, ""), calendar(t, "", nil, "")} {
		if !c.Covers(time.Date(2101, 3, 1, 0, 0, 0, 0, time.UTC)) || c.Through() != 0 {
			t.Errorf("a calendar of rules knows %d as its last year", c.Through())
		}
	}
}

// TestCountries: the supported codes, in either case, each with a real
// year of holidays.
func TestCountries(t *testing.T) {
	got := workcal.Countries()
	if !slices.IsSorted(got) || !slices.Contains(got, "US") || !slices.Contains(got, "CN") || !slices.Contains(got, "GB") {
		t.Fatalf("Countries() = %v", got)
	}
	for _, c := range []struct {
		code string
		want bool
	}{{"US", true}, {"us", true}, {"Cn", true}, {"", false}, {"XX", false}, {"USA", false}, {"AU", false}} {
		if workcal.Supported(c.code) != c.want {
			t.Errorf("Supported(%q) = %v", c.code, !c.want)
		}
	}
	for _, code := range got {
		c := calendar(t, code, time.UTC, "")
		off := 0
		for d := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
			if _, ok := c.Holiday(d); ok && !c.Workday(d) && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
				off++
			}
		}
		if off < 6 || off > 20 {
			t.Errorf("%s: %d public holidays on weekdays in 2026", code, off)
		}
	}
}

// TestNewBadInput: each bad argument is EINVALID and named.
func TestNewBadInput(t *testing.T) {
	for _, c := range []struct {
		country, hours string
		closures       []string
		field          string
	}{
		{"XX", "", nil, "country"},
		{"usa", "", nil, "country"},
		{"US", "9-17", nil, "office_hours"},
		{"US", "09:00", nil, "office_hours"},
		{"US", "17:00-09:00", nil, "office_hours"},
		{"US", "09:00-09:00", nil, "office_hours"},
		{"US", "09:60-17:00", nil, "office_hours"},
		{"US", "24:00-24:00", nil, "office_hours"},
		{"US", "09:00-24:01", nil, "office_hours"},
		{"US", " 09:00-17:00", nil, "office_hours"},
		{"US", "", []string{"2026-13-01"}, "closures"},
		{"US", "", []string{"2026-11-27", "tomorrow"}, "closures"},
	} {
		_, err := workcal.New(c.country, time.UTC, c.hours, c.closures)
		if warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), c.field+":") {
			t.Errorf("New(%q, %q, %q) = %v, want EINVALID naming %s", c.country, c.hours, c.closures, err, c.field)
		}
	}
	if _, err := workcal.New("", nil, "00:00-24:00", nil); err != nil {
		t.Errorf("weekends only in UTC, all day: %v", err)
	}
}

func BenchmarkAdd(b *testing.B) {
	ny := zone(b, "America/New_York")
	c := calendar(b, "US", ny, "")
	from := at(b, ny, "2026-11-13 16:00")
	for b.Loop() {
		c.Add(from, span(30, warden.UnitBusinessDays))
	}
}

func BenchmarkBusinessBetween(b *testing.B) {
	ny := zone(b, "America/New_York")
	c := calendar(b, "US", ny, "")
	from, to := at(b, ny, "2026-11-13 16:00"), at(b, ny, "2026-12-29 17:00")
	for b.Loop() {
		c.BusinessBetween(from, to)
	}
}
