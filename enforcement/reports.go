package enforcement

import (
	"context"
	"fmt"
	"strings"
	"time"

	"warden"
)

// Report is a regulator's report as a table: it is written as CSV or as a
// printable HTML page.
type Report struct {
	Title   string     `json:"title"`
	AsOf    time.Time  `json:"as_of"`
	Notes   []string   `json:"notes,omitempty"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// InitialDays is how many business days a holder has to report a blocking.
const InitialDays = 10

// AddBusinessDays returns the day n business days after t: Monday to
// Friday, skipping the holidays given (as YYYY-MM-DD).
func AddBusinessDays(t time.Time, n int, holidays map[string]bool) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday && !holidays[t.Format("2006-01-02")] {
			n--
		}
	}
	return t
}

// InitialReports lists each blocking with the data an initial
// blocked-property report needs and its deadline: due, due today, or
// overdue as of now.
func (s *Service) InitialReports(ctx context.Context) (Report, error) {
	if _, err := warden.Authorize(ctx, warden.ActLedgerRead); err != nil {
		return Report{}, err
	}
	now := s.now().UTC()
	r := Report{Title: "Initial reports of blocked property", AsOf: now,
		Notes:   []string{initialNote(len(s.Policy.Holidays))},
		Columns: []string{"blocked_on", "deadline", "deadline_status", "reference", "party", "program", "currency", "amount", "holder", "cause"}}
	holidays := map[string]bool{}
	for _, h := range s.Policy.Holidays {
		holidays[h] = true
	}
	for after := int64(0); ; {
		es, err := s.DB.Ledger(ctx, warden.LedgerFilter{After: after, Limit: 1000})
		if err != nil {
			return r, err
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			after = e.Seq
			if e.Kind != warden.LedgerBlock {
				continue
			}
			due := AddBusinessDays(e.Time, InitialDays, holidays)
			status := fmt.Sprintf("due in %d days", int(due.Sub(now).Hours()/24)+1)
			switch {
			case now.After(due.Truncate(24 * time.Hour).Add(24 * time.Hour)):
				status = "overdue"
			case now.Truncate(24 * time.Hour).Equal(due.Truncate(24 * time.Hour)):
				status = "due today"
			}
			r.Rows = append(r.Rows, []string{e.Time.Format("2006-01-02"), due.Format("2006-01-02"), status, e.Reference, e.EntityID, e.Program,
				e.Amount.Currency, major(e.Amount), e.Holder, e.Hit})
		}
	}
	return r, nil
}

func initialNote(holidays int) string {
	if holidays == 0 {
		return fmt.Sprintf("Each blocking is to be reported within %d business days; weekends are skipped, and no public holidays are configured (policy holidays).", InitialDays)
	}
	return fmt.Sprintf("Each blocking is to be reported within %d business days; weekends and the policy's %d public holidays are skipped.", InitialDays, holidays)
}

// AnnualYear is the year of the latest June 30 on or before now: the
// annual report's default.
func AnnualYear(now time.Time) int {
	if now.Month() < time.July {
		return now.Year() - 1
	}
	return now.Year()
}

// AnnualReport is the blocked property held as of June 30 of year.
func (s *Service) AnnualReport(ctx context.Context, year int) (Report, error) {
	if _, err := warden.Authorize(ctx, warden.ActLedgerRead); err != nil {
		return Report{}, err
	}
	if year < 2000 || year > 2100 {
		return Report{}, warden.Errorf(warden.EINVALID, "year must be between 2000 and 2100")
	}
	asOf := time.Date(year, 6, 30, 23, 59, 59, 999999000, time.UTC)
	if asOf.After(s.now()) {
		return Report{}, warden.Errorf(warden.EINVALID, "June 30, %d has not passed yet", year)
	}
	bs, err := s.DB.BalancesAsOf(ctx, asOf)
	if err != nil {
		return Report{}, err
	}
	r := Report{Title: fmt.Sprintf("Annual report of blocked property as of June 30, %d", year), AsOf: asOf,
		Columns: []string{"party", "holder", "currency", "amount"}}
	for _, b := range bs {
		r.Rows = append(r.Rows, []string{b.EntityID, b.Holder, b.Amount.Currency, major(b.Amount)})
	}
	return r, nil
}

// RejectedReport lists the payments rejected since a time.
func (s *Service) RejectedReport(ctx context.Context, since time.Time) (Report, error) {
	if _, err := warden.Authorize(ctx, warden.ActLedgerRead); err != nil {
		return Report{}, err
	}
	ds, err := s.DB.TransactionsWithStatus(ctx, warden.DecisionRejected, since)
	if err != nil {
		return Report{}, err
	}
	r := Report{Title: "Rejected transactions", AsOf: s.now().UTC(), Columns: []string{"rejected_on", "reference", "currency", "amount", "party_role", "listed_party", "programs", "score"}}
	if !since.IsZero() {
		r.Notes = append(r.Notes, "Since "+since.Format("2006-01-02")+".")
	}
	for _, d := range ds {
		for _, h := range d.Hits {
			if h.Action != warden.HitReject && !(h.Action == warden.HitReview && d.Decision == warden.DecisionHeld) {
				continue
			}
			r.Rows = append(r.Rows, []string{d.StatusAt.Format("2006-01-02"), d.Reference, d.Amount.Currency, major(d.Amount), h.Role, h.EntityID,
				strings.Join(h.Programs, ";"), fmt.Sprintf("%.3f", h.Score)})
		}
	}
	return r, nil
}

// major is an amount in major units without the currency.
func major(m warden.Money) string {
	s := m.String()
	return s[strings.IndexByte(s, ' ')+1:]
}
