package warden

import (
	"time"
)

// dateLayouts are the precisions a date may be given to, as sanctions lists
// give them: a year, a month, or a day ("born 1962", "born March 1962").
var dateLayouts = []string{"2006", "2006-01", "2006-01-02"}

// ParseDate reads a calendar date given as YYYY, YYYY-MM or YYYY-MM-DD — the
// precisions the lists use for birth dates, so a screened party can be given
// to the same precision — and returns the first day of the period it names,
// in UTC. Anything else is EINVALID with the value in the message: a month or
// day that is not of the calendar (1987-13-45, 1987-02-30), year 0, other
// separators or orders (1987/02/03, 03-02-1987), a time part, surrounding
// spaces. Callers that store the date keep the string as given: the
// precision is part of what was said.
func ParseDate(s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		if len(s) != len(layout) {
			continue
		}
		t, err := time.Parse(layout, s)
		if err != nil || t.Year() == 0 {
			break
		}
		return t, nil
	}
	return time.Time{}, Errorf(EINVALID, "%q is not a date of the calendar as YYYY, YYYY-MM or YYYY-MM-DD", s)
}
