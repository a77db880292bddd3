package enforcement

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"warden"
)

// Report is a regulator's report as a table: it is written as CSV (its
// Columns, names for programs), or as a printable HTML page or a PDF (its
// Headers, the same columns in words).
type Report struct {
	Kind    string     `json:"kind"` // warden.ReportInitial, ReportAnnual or ReportRejected
	Title   string     `json:"title"`
	AsOf    time.Time  `json:"as_of"`
	Notes   []string   `json:"notes,omitempty"`
	Columns []string   `json:"columns"`
	Headers []string   `json:"headers"`
	Rows    [][]string `json:"rows"`
	// Subject is what a filing of the whole report names (the year of an
	// annual report); the initial and rejected reports are filed row by
	// row, by payment reference, and show each row's filing in columns.
	Subject string `json:"subject,omitempty"`
	// Filing is the filing of the whole report (annual), if marked.
	Filing *warden.ReportFiling `json:"filing,omitempty"`
}

// headerWords are the columns in words.
var headerWords = map[string]string{
	"blocked_on": "Blocked on", "deadline": "Report due by", "deadline_status": "Deadline", "reference": "Payment reference",
	"party": "Listed party (id)", "party_name": "Listed party's name", "party_address": "Listed party's address", "program": "Sanctions program",
	"programs": "Sanctions programs", "currency": "Currency", "amount": "Amount", "holder": "Held in (account)", "cause": "Why it was blocked",
	"rejected_on": "Rejected on", "party_role": "Party's role in the payment", "listed_party": "Listed party (id)",
	"score": "Match score", "filed_on": "Filed on", "filing_reference": "Regulator's reference",
}

// words fills r's Headers from its Columns.
func (r *Report) words() {
	r.Headers = make([]string, len(r.Columns))
	for i, c := range r.Columns {
		r.Headers[i] = cmpOr(headerWords[c], c)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// partyInfo is a listed party's name, address and programs as a report
// shows them; parties reads them from the current lists, once each.
type partyInfo struct{ name, address, programs string }

func (s *Service) parties() func(ctx context.Context, id string) partyInfo {
	seen := map[string]partyInfo{}
	return func(ctx context.Context, id string) partyInfo {
		if p, ok := seen[id]; ok {
			return p
		}
		var p partyInfo
		if e, err := s.DB.Entity(ctx, id, 0); err == nil {
			p.name, p.programs = e.Caption(), strings.Join(e.Programs, "; ")
			if len(e.Addresses) > 0 {
				a := e.Addresses[0]
				p.address = a.Full
				if p.address == "" {
					var parts []string
					for _, v := range []string{a.Street, a.City, a.Region, a.PostalCode, cmpOr(a.CountryName, a.Country)} {
						if v != "" {
							parts = append(parts, v)
						}
					}
					p.address = strings.Join(parts, ", ")
				}
			}
		}
		seen[id] = p
		return p
	}
}

// filed adds each row's filing (by the payment reference in column ref)
// as the columns filed_on and filing_reference.
func (s *Service) filed(ctx context.Context, r *Report, ref int) error {
	fs, err := s.DB.ReportFilings(ctx, r.Kind)
	if err != nil {
		return err
	}
	r.Columns = append(r.Columns, "filed_on", "filing_reference")
	for i, row := range r.Rows {
		f, ok := fs[row[ref]]
		if !ok {
			r.Rows[i] = append(row, "", "")
			continue
		}
		r.Rows[i] = append(row, f.FiledAt.UTC().Format("2006-01-02"), f.Reference)
	}
	return nil
}

// FileReport records that a person filed a report with the regulator:
// kind's report for subject (a payment reference for the initial and
// rejected reports, the year for the annual one) under the regulator's
// reference. Marking it again replaces the filing; each is audited.
// EINVALID for an unknown kind or a missing subject or reference.
func (s *Service) FileReport(ctx context.Context, kind, subject, reference, note string) (warden.ReportFiling, error) {
	p, err := warden.Authorize(ctx, warden.ActReportsFile)
	if err != nil {
		return warden.ReportFiling{}, err
	}
	switch kind {
	case warden.ReportInitial, warden.ReportAnnual, warden.ReportRejected:
	default:
		return warden.ReportFiling{}, warden.Errorf(warden.EINVALID, "report must be initial, annual or rejected")
	}
	subject, reference, note = strings.TrimSpace(subject), strings.TrimSpace(reference), strings.TrimSpace(note)
	if subject == "" || reference == "" || len(subject) > 200 || len(reference) > 200 || len(note) > 2000 {
		return warden.ReportFiling{}, warden.Errorf(warden.EINVALID, "a filing needs the report's subject (payment reference or year) and the regulator's reference, each at most 200 bytes (note: 2,000)")
	}
	if kind == warden.ReportAnnual {
		if y, err := strconv.Atoi(subject); err != nil || y < 2000 || y > 2100 {
			return warden.ReportFiling{}, warden.Errorf(warden.EINVALID, "an annual report's subject is its year, such as 2026")
		}
	}
	f := warden.ReportFiling{Kind: kind, Subject: subject, Reference: reference, Note: note, FiledBy: p.Name, FiledAt: s.now().UTC()}
	ev := warden.NewAuditEvent(ctx, "report.file", "report:"+kind+":"+subject, note, map[string]any{"reference": reference})
	if err := s.DB.FileReport(ctx, f, ev); err != nil {
		return warden.ReportFiling{}, err
	}
	return f, nil
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
	pol, err := s.policy(ctx)
	if err != nil {
		return Report{}, err
	}
	now := s.now().UTC()
	r := Report{Kind: warden.ReportInitial, Title: "Initial reports of blocked property", AsOf: now,
		Notes:   []string{initialNote(len(pol.Holidays))},
		Columns: []string{"blocked_on", "deadline", "deadline_status", "reference", "party", "party_name", "party_address", "program", "currency", "amount", "holder", "cause"}}
	party := s.parties()
	holidays := map[string]bool{}
	for _, h := range pol.Holidays {
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
			pi := party(ctx, e.EntityID)
			r.Rows = append(r.Rows, []string{e.Time.Format("2006-01-02"), due.Format("2006-01-02"), status, e.Reference, e.EntityID, pi.name, pi.address, e.Program,
				e.Amount.Currency, major(e.Amount), e.Holder, e.Hit})
		}
	}
	if err := s.filed(ctx, &r, 3); err != nil {
		return r, err
	}
	r.words()
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
	r := Report{Kind: warden.ReportAnnual, Subject: strconv.Itoa(year), Title: fmt.Sprintf("Annual report of blocked property as of June 30, %d", year), AsOf: asOf,
		Columns: []string{"party", "party_name", "party_address", "programs", "holder", "currency", "amount"}}
	party := s.parties()
	for _, b := range bs {
		pi := party(ctx, b.EntityID)
		r.Rows = append(r.Rows, []string{b.EntityID, pi.name, pi.address, pi.programs, b.Holder, b.Amount.Currency, major(b.Amount)})
	}
	fs, err := s.DB.ReportFilings(ctx, r.Kind)
	if err != nil {
		return r, err
	}
	if f, ok := fs[r.Subject]; ok {
		r.Filing = &f
	}
	r.words()
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
	r := Report{Kind: warden.ReportRejected, Title: "Rejected transactions", AsOf: s.now().UTC(),
		Columns: []string{"rejected_on", "reference", "currency", "amount", "party_role", "listed_party", "party_name", "party_address", "programs", "score"}}
	party := s.parties()
	if !since.IsZero() {
		r.Notes = append(r.Notes, "Since "+since.Format("2006-01-02")+".")
	}
	for _, d := range ds {
		for _, h := range d.Hits {
			if h.Action != warden.HitReject && !(h.Action == warden.HitReview && d.Decision == warden.DecisionHeld) {
				continue
			}
			pi := party(ctx, h.EntityID)
			r.Rows = append(r.Rows, []string{d.StatusAt.Format("2006-01-02"), d.Reference, d.Amount.Currency, major(d.Amount), h.Role, h.EntityID,
				pi.name, pi.address, strings.Join(h.Programs, ";"), fmt.Sprintf("%.3f", h.Score)})
		}
	}
	if err := s.filed(ctx, &r, 1); err != nil {
		return r, err
	}
	r.words()
	return r, nil
}

// major is an amount in major units without the currency.
func major(m warden.Money) string {
	s := m.String()
	return s[strings.IndexByte(s, ' ')+1:]
}
