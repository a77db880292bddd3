package enforcement_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/store"
	"warden/store/storetest"
)

// caseEnv is setup's world with people to assign cases to and a queue of
// held payments and customers: every name hit is held (match 1), so that
// cases score across the range.
func caseEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := setup(t, db)
	e.svc.Policy.Match, e.svc.Policy.Review = 1, 0.5
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	a := auth.New(db)
	for name, role := range map[string]warden.Role{"bob": warden.RoleAnalyst, "carol": warden.RoleAnalyst, "olga": warden.RoleSanctionsOfficer, "sam": warden.RoleScreener} {
		if _, err := a.CreateUser(op, name, role, "", "amber quarry nine swallows "+name, ""); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// hold screens a payment that is to be held and returns its cases.
func hold(t *testing.T, e *env, ref string, parties ...warden.TxParty) []int64 {
	t.Helper()
	d, _, err := e.svc.Screen(as("payments", warden.RoleScreener), pay(ref, 1000, parties...))
	if err != nil || d.Decision != warden.DecisionHeld || len(d.Cases) == 0 {
		t.Fatalf("%s: %+v %v", ref, d, err)
	}
	return d.Cases
}

// caseAudit is the actions audited on case id, in order.
func caseAudit(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	var out []string
	err := db.AuditEvents(context.Background(), warden.AuditFilter{Object: fmt.Sprintf("case:%d", id)}, func(ev warden.AuditEvent) error {
		out = append(out, ev.Action)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCaseFilters compares each filter of the queue, on both stores,
// with the same filter applied to every case by hand.
func TestCaseFilters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := caseEnv(t, db)
		bob, olga := as("bob", warden.RoleAnalyst), as("olga", warden.RoleSanctionsOfficer)
		start := *e.now
		for i, p := range []warden.TxParty{kolosov, {Role: "beneficiary", Name: "Petr Sergeyevich Ivanov"}, {Role: "beneficiary", Name: "Petr Ivanov"}, {Role: "beneficiary", Name: "Evil Corp"}, {Role: "beneficiary", Name: "Andrei Kolosov"}} {
			*e.now = start.Add(time.Duration(i) * 24 * time.Hour)
			hold(t, e, fmt.Sprintf("pay-%d", i), us, p)
		}
		*e.now = start.Add(6 * 24 * time.Hour)
		if c, _, err := e.svc.Onboard(as("kyc", warden.RoleScreener), warden.Customer{ID: "C7", Name: "Petr S Ivanov"}); err != nil || c.Decision != warden.DecisionHeld {
			t.Fatalf("customer: %+v %v", c, err)
		}
		*e.now = start.Add(8 * 24 * time.Hour)
		if _, err := e.svc.Claim(bob, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Assign(olga, 3, "carol"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.DecideCase(bob, 1, true, "same man"); err != nil {
			t.Fatal(err)
		}
		all, err := e.svc.FindCases(bob, enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Limit: 1000}})
		if err != nil || all.Total != len(all.Cases) || all.Total < 6 {
			t.Fatalf("every case: %+v %v", all, err)
		}
		scores := map[float64]bool{}
		for _, c := range all.Cases {
			scores[c.Score] = true
		}
		if len(scores) < 3 {
			t.Fatalf("the cases score alike, the score filters test nothing: %v", scores)
		}
		mid := all.Cases[len(all.Cases)/2].Score
		for _, tc := range []struct {
			name string
			q    enforcement.CaseQuery
			keep func(c warden.Case) bool
		}{
			{"undecided by default", enforcement.CaseQuery{}, func(c warden.Case) bool { return c.Status.Undecided() }},
			{"confirmed", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: []warden.CaseStatus{warden.CaseConfirmed}}}, func(c warden.Case) bool { return c.Status == warden.CaseConfirmed }},
			{"list", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, List: "ofac"}}, func(c warden.Case) bool { return c.List == "ofac" }},
			{"other list", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, List: "un"}}, func(c warden.Case) bool { return false }},
			{"program", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Program: "IRAN"}}, func(c warden.Case) bool { return slices.Contains(c.Programs, "IRAN") }},
			{"min score", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, MinScore: mid}}, func(c warden.Case) bool { return c.Score >= mid }},
			{"max score", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, MaxScore: mid}}, func(c warden.Case) bool { return c.Score <= mid }},
			{"assignee", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Assignee: "carol"}}, func(c warden.Case) bool { return c.Assignee == "carol" && c.Status.Undecided() }},
			{"mine", enforcement.CaseQuery{Mine: true}, func(c warden.Case) bool { return c.Assignee == "bob" && c.Status.Undecided() }},
			{"unassigned", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Unassigned: true}}, func(c warden.Case) bool { return c.Assignee == "" && c.Status.Undecided() }},
			{"customers", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Source: warden.CaseSourceCustomer}}, func(c warden.Case) bool { return c.Source == warden.CaseSourceCustomer }},
			{"payments", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Source: warden.CaseSourcePayment}}, func(c warden.Case) bool { return c.Source == warden.CaseSourcePayment }},
			{"older than 5 days", enforcement.CaseQuery{OlderThanDays: 5}, func(c warden.Case) bool { return c.Status.Undecided() && c.CreatedAt.Before(e.now.AddDate(0, 0, -5)) }},
			{"overdue", enforcement.CaseQuery{Overdue: true}, func(c warden.Case) bool { return c.Overdue }},
			{"search a screened name", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Search: "KOLOSOV"}}, func(c warden.Case) bool { return strings.Contains(strings.ToLower(c.Name), "kolosov") }},
			{"search a listed name", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Search: "evil corp ltd"}}, func(c warden.Case) bool { return c.ListedName == "EVIL CORP LTD" }},
			{"search a reference", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Search: "customer:c7"}}, func(c warden.Case) bool { return c.Reference == "customer:C7" }},
			{"search an entity", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Search: "ofac:2"}}, func(c warden.Case) bool { return c.EntityID == "ofac:2" }},
			{"search is not a pattern", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Search: "%"}}, func(c warden.Case) bool { return false }},
			{"two at once", enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Source: warden.CaseSourcePayment, Program: "CYBER2"}}, func(c warden.Case) bool {
				return c.Status.Undecided() && c.Source == warden.CaseSourcePayment && slices.Contains(c.Programs, "CYBER2")
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var want []int64
				for _, c := range all.Cases {
					if tc.keep(c) {
						want = append(want, c.ID)
					}
				}
				got, err := e.svc.FindCases(bob, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, c := range got.Cases {
					ids = append(ids, c.ID)
				}
				slices.Sort(ids)
				if !slices.Equal(ids, want) || got.Total != len(want) {
					t.Errorf("got %v (total %d), want %v", ids, got.Total, want)
				}
			})
		}
		// Sorting and paging: pages of two, by score, add up to the whole.
		var paged []float64
		for off := 0; ; off += 2 {
			pg, err := e.svc.FindCases(bob, enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Sort: warden.CaseSortScoreDesc, Offset: off, Limit: 2}})
			if err != nil {
				t.Fatal(err)
			}
			if pg.Total != len(all.Cases) {
				t.Fatalf("total %d, want %d", pg.Total, len(all.Cases))
			}
			if len(pg.Cases) == 0 {
				break
			}
			for _, c := range pg.Cases {
				paged = append(paged, c.Score)
			}
		}
		if len(paged) != len(all.Cases) || !slices.IsSortedFunc(paged, func(a, b float64) int { return -cmpFloat(a, b) }) {
			t.Errorf("pages by score: %v", paged)
		}
		newest, _ := e.svc.FindCases(bob, enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Statuses: warden.CaseStatuses, Sort: warden.CaseSortNewest, Limit: 1}})
		if len(newest.Cases) != 1 || newest.Cases[0].Source != warden.CaseSourceCustomer {
			t.Errorf("newest first: %+v", newest.Cases)
		}
		for name, q := range map[string]enforcement.CaseQuery{
			"status": {CaseFilter: warden.CaseFilter{Statuses: []warden.CaseStatus{"closed"}}},
			"source": {CaseFilter: warden.CaseFilter{Source: "wire"}},
			"sort":   {CaseFilter: warden.CaseFilter{Sort: "name; DROP TABLE cases"}},
			"scores": {CaseFilter: warden.CaseFilter{MinScore: 0.9, MaxScore: 0.5}},
		} {
			if _, err := e.svc.FindCases(bob, q); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := e.svc.FindCases(as("sam", warden.RoleScreener), enforcement.CaseQuery{}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("a screener reading the queue: %v", err)
		}
	})
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestCaseDeadline: a case is overdue once its deadline in business days
// has passed, and the overdue filter agrees with each case's deadline
// however the weekend falls.
func TestCaseDeadline(t *testing.T) {
	db := storetest.OpenSQLite(t)
	e := caseEnv(t, db)
	e.svc.Policy.Holidays = []string{"2026-11-26"}
	bob := as("bob", warden.RoleAnalyst)
	// Friday 2026-11-20 09:00 to Tuesday 11-24, a case every 7 hours.
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i := range 14 {
		*e.now = start.Add(time.Duration(i) * 7 * time.Hour)
		hold(t, e, fmt.Sprintf("d-%d", i), kolosov)
	}
	for _, days := range []int{1, 5} {
		e.svc.Casework.CaseDeadlineDays = days
		for h := 0; h < 24*14; h += 5 {
			*e.now = start.Add(time.Duration(h) * time.Hour)
			all, err := e.svc.FindCases(bob, enforcement.CaseQuery{CaseFilter: warden.CaseFilter{Limit: 1000}})
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, c := range all.Cases {
				opened := time.Date(c.CreatedAt.Year(), c.CreatedAt.Month(), c.CreatedAt.Day(), 0, 0, 0, 0, time.UTC)
				due := enforcement.AddBusinessDays(opened, days, map[string]bool{"2026-11-26": true}).AddDate(0, 0, 1)
				if c.Due == nil || !c.Due.Equal(due) {
					t.Fatalf("case %d due %v, want %v", c.ID, c.Due, due)
				}
				if !e.now.Before(due) {
					want = append(want, c.ID)
				}
			}
			got, err := e.svc.FindCases(bob, enforcement.CaseQuery{Overdue: true, CaseFilter: warden.CaseFilter{Limit: 1000}})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range got.Cases {
				if !c.Overdue {
					t.Errorf("%d days, at %v: case %d found overdue but not marked", days, e.now, c.ID)
				}
				ids = append(ids, c.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("%d days, at %v (%s): overdue %v, want %v", days, e.now, e.now.Weekday(), ids, want)
			}
		}
	}
}

// TestSecondReview: clearing a hit above the second-review score takes
// two people; below it, one; a confirmation, one.
func TestSecondReview(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := caseEnv(t, db)
		bob, carol, olga := as("bob", warden.RoleAnalyst), as("carol", warden.RoleAnalyst), as("olga", warden.RoleSanctionsOfficer)
		id := hold(t, e, "two-1", us, kolosov)[0]
		c, _ := e.svc.Case(bob, id)
		e.svc.Casework.SecondReviewAbove = c.Score - 0.01
		if !func() bool { f, _ := e.svc.Case(bob, id); return f.NeedsSecondReview }() {
			t.Fatal("the case does not need a second review")
		}
		c1, err := e.svc.DecideCase(bob, id, false, "born 1990, not him")
		if err != nil || c1.Status != warden.CasePendingReview || c1.ClearedBy != "bob" {
			t.Fatalf("first clearing: %+v %v", c1, err)
		}
		if d, _ := e.svc.Transaction(bob, "two-1"); d.Status != warden.DecisionHeld {
			t.Errorf("payment after the first clearing: %s", d.Status)
		}
		for name, step := range map[string]func() error{
			"the same analyst approving":    func() error { _, err := e.svc.ApproveClear(bob, id, ""); return err },
			"the same analyst sending back": func() error { _, err := e.svc.SendBack(bob, id, "oops"); return err },
		} {
			if err := step(); warden.ErrorCode(err) != warden.EFORBIDDEN {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := e.svc.DecideCase(carol, id, false, "agreed"); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("clearing a case pending review again: %v", err)
		}
		if _, err := e.svc.SendBack(carol, id, ""); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("sending back without a reason: %v", err)
		}
		if c, err := e.svc.SendBack(carol, id, "the birth date is not on the payment"); err != nil || c.Status != warden.CaseOpen || c.ClearedBy != "" {
			t.Fatalf("sent back: %+v %v", c, err)
		}
		if _, err := e.svc.ApproveClear(olga, id, ""); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("approving an open case: %v", err)
		}
		if _, err := e.svc.DecideCase(bob, id, false, "the bank confirms: born 1990"); err != nil {
			t.Fatal(err)
		}
		c2, err := e.svc.ApproveClear(olga, id, "agreed")
		if err != nil || c2.Status != warden.CaseCleared || c2.DecidedBy != "olga" || c2.Reason != "the bank confirms: born 1990" {
			t.Fatalf("second review: %+v %v", c2, err)
		}
		if d, _ := e.svc.Transaction(bob, "two-1"); d.Status != warden.DecisionCleared {
			t.Errorf("payment after the second review: %s", d.Status)
		}
		// Remembered: the same counterparty is not stopped again.
		if d, _, err := e.svc.Screen(as("payments", warden.RoleScreener), pay("two-2", 5, us, kolosov)); err != nil || d.Decision != warden.DecisionCleared {
			t.Errorf("the cleared counterparty again: %+v %v", d, err)
		}
		f, _ := e.svc.Case(bob, id)
		var steps []string
		for _, h := range f.History {
			steps = append(steps, h.Actor+" "+h.Action)
		}
		if want := []string{"screening opened", "bob cleared, pending second review", "carol sent back", "bob cleared, pending second review", "olga cleared"}; !slices.Equal(steps, want) {
			t.Errorf("history %q, want %q", steps, want)
		}
		if got, want := caseAudit(t, db, id), []string{"case.clear", "case.send_back", "case.clear", "case.approve"}; !slices.Equal(got, want) {
			t.Errorf("audit %v, want %v", got, want)
		}

		// A confirmation is single-level, even of a case pending review.
		id3 := hold(t, e, "two-3", us, warden.TxParty{Role: "beneficiary", Name: "Petr Ivanov"})[0]
		e.svc.Casework.SecondReviewAbove = 0
		if c, err := e.svc.DecideCase(bob, id3, false, "not him"); err != nil || c.Status != warden.CasePendingReview {
			t.Fatalf("clearing: %+v %v", c, err)
		}
		if c, err := e.svc.DecideCase(carol, id3, true, "it is him"); err != nil || c.Status != warden.CaseConfirmed {
			t.Fatalf("confirming a case pending review: %+v %v", c, err)
		}
		// Below the score: one analyst clears.
		id4 := hold(t, e, "two-4", us, warden.TxParty{Role: "beneficiary", Name: "Andrei Kolosov"})[0]
		e.svc.Casework.SecondReviewAbove = 1
		if c, err := e.svc.DecideCase(bob, id4, false, "not him"); err != nil || c.Status != warden.CaseCleared {
			t.Fatalf("clearing below the score: %+v %v", c, err)
		}
		if _, err := e.svc.ApproveClear(as("sam", warden.RoleScreener), id4, ""); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("a screener reviewing: %v", err)
		}
	})
}

// TestClaiming: a case held by one analyst is not taken by another, nor
// decided by them; a lead reassigns it.
func TestClaiming(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := caseEnv(t, db)
		bob, carol, olga := as("bob", warden.RoleAnalyst), as("carol", warden.RoleAnalyst), as("olga", warden.RoleSanctionsOfficer)
		id := hold(t, e, "cl-1", us, kolosov)[0]
		e.svc.Casework.SecondReviewAbove = 1
		steps := []struct {
			name string
			do   func() (warden.Case, error)
			code string
			who  string // the assignee after it
		}{
			{"bob claims", func() (warden.Case, error) { return e.svc.Claim(bob, id) }, "", "bob"},
			{"bob claims again", func() (warden.Case, error) { return e.svc.Claim(bob, id) }, "", "bob"},
			{"carol claims bob's case", func() (warden.Case, error) { return e.svc.Claim(carol, id) }, warden.ECONFLICT, "bob"},
			{"carol decides bob's case", func() (warden.Case, error) { return e.svc.DecideCase(carol, id, true, "") }, warden.ECONFLICT, "bob"},
			{"carol releases bob's case", func() (warden.Case, error) { return e.svc.Release(carol, id) }, warden.ECONFLICT, "bob"},
			{"an analyst reassigns", func() (warden.Case, error) { return e.svc.Assign(carol, id, "carol") }, warden.EFORBIDDEN, "bob"},
			{"to a stranger", func() (warden.Case, error) { return e.svc.Assign(olga, id, "nobody") }, warden.EINVALID, "bob"},
			{"to a screener", func() (warden.Case, error) { return e.svc.Assign(olga, id, "sam") }, warden.EINVALID, "bob"},
			{"a lead reassigns", func() (warden.Case, error) { return e.svc.Assign(olga, id, "carol") }, "", "carol"},
			{"bob decides carol's case", func() (warden.Case, error) { return e.svc.DecideCase(bob, id, false, "x") }, warden.ECONFLICT, "carol"},
			{"carol releases", func() (warden.Case, error) { return e.svc.Release(carol, id) }, "", ""},
			{"bob claims the free case", func() (warden.Case, error) { return e.svc.Claim(bob, id) }, "", "bob"},
			{"bob clears", func() (warden.Case, error) { return e.svc.DecideCase(bob, id, false, "not him") }, "", "bob"},
			{"carol claims the decided case", func() (warden.Case, error) { return e.svc.Claim(carol, id) }, warden.ECONFLICT, "bob"},
			{"a lead assigns the decided case", func() (warden.Case, error) { return e.svc.Assign(olga, id, "carol") }, warden.ECONFLICT, "bob"},
			{"no such case", func() (warden.Case, error) { return e.svc.Claim(bob, 99) }, warden.ENOTFOUND, "bob"},
		}
		for _, st := range steps {
			_, err := st.do()
			if warden.ErrorCode(err) != st.code && !(st.code == "" && err == nil) {
				t.Errorf("%s: %v, want %q", st.name, err, st.code)
			}
			if f, _ := e.svc.Case(bob, id); f.Assignee != st.who {
				t.Errorf("%s: assigned to %q, want %q", st.name, f.Assignee, st.who)
			}
		}
		if got, want := caseAudit(t, db, id), []string{"case.claim", "case.claim", "case.assign", "case.release", "case.claim", "case.clear"}; !slices.Equal(got, want) {
			t.Errorf("audit %v, want %v", got, want)
		}
	})
}

// TestBulk: a bulk action is each case's own change, audited per case; a
// case that cannot take it is reported and the others are done.
func TestBulk(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := caseEnv(t, db)
		e.svc.Casework.SecondReviewAbove = 1
		bob, carol, olga := as("bob", warden.RoleAnalyst), as("carol", warden.RoleAnalyst), as("olga", warden.RoleSanctionsOfficer)
		var ids []int64
		for i, p := range []warden.TxParty{kolosov, {Role: "beneficiary", Name: "Petr Sergeyevich Ivanov"}, {Role: "beneficiary", Name: "Petr Ivanov"}, {Role: "beneficiary", Name: "Andrei Kolosov"}} {
			ids = append(ids, hold(t, e, fmt.Sprintf("b-%d", i), us, p)...)
		}
		if _, err := e.svc.Claim(carol, ids[3]); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.Bulk(bob, enforcement.BulkRequest{Op: enforcement.BulkClaim, Cases: ids})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if failed := r.Error != ""; failed != (i == 3) {
				t.Errorf("claim %d: %+v", r.Case, r)
			}
		}
		if _, err := e.svc.Bulk(bob, enforcement.BulkRequest{Op: enforcement.BulkClear, Cases: ids[:2]}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("bulk clearing without a reason: %v", err)
		}
		if _, err := e.svc.Bulk(bob, enforcement.BulkRequest{Op: enforcement.BulkAssign, Cases: ids[:2], Assignee: "carol"}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("an analyst assigning in bulk: %v", err)
		}
		if _, err := e.svc.Bulk(bob, enforcement.BulkRequest{Op: "delete", Cases: ids}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("unknown op: %v", err)
		}
		res, err = e.svc.Bulk(bob, enforcement.BulkRequest{Op: enforcement.BulkClear, Cases: ids[:2], Reason: "a batch of namesakes"})
		if err != nil || len(res) != 2 || res[0].Status != warden.CaseCleared || res[1].Status != warden.CaseCleared {
			t.Fatalf("bulk clear: %+v %v", res, err)
		}
		res, err = e.svc.Bulk(olga, enforcement.BulkRequest{Op: enforcement.BulkAssign, Cases: ids[2:], Assignee: "carol"})
		if err != nil || res[0].Error != "" || res[1].Error != "" {
			t.Fatalf("bulk assign: %+v %v", res, err)
		}
		res, err = e.svc.Bulk(carol, enforcement.BulkRequest{Op: enforcement.BulkConfirm, Cases: []int64{ids[0], ids[2]}, Reason: "same party"})
		if err != nil || res[0].Error == "" || res[1].Status != warden.CaseConfirmed {
			t.Fatalf("bulk confirm: %+v %v", res, err)
		}
		for i, want := range [][]string{
			{"case.claim", "case.clear"},
			{"case.claim", "case.clear"},
			{"case.claim", "case.assign", "case.confirm"},
			{"case.claim", "case.assign"},
		} {
			if got := caseAudit(t, db, ids[i]); !slices.Equal(got, want) {
				t.Errorf("case %d audit %v, want %v", ids[i], got, want)
			}
		}
	})
}

// TestCaseNotesAndGoodGuys: notes, attachments checked as evidence is,
// and a remembered false positive listed and revoked.
func TestCaseNotesAndGoodGuys(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := caseEnv(t, db)
		e.svc.Casework.SecondReviewAbove = 1
		e.svc.Casework.MaxAttachment = 64
		bob, olga := as("bob", warden.RoleAnalyst), as("olga", warden.RoleSanctionsOfficer)
		id := hold(t, e, "n-1", us, kolosov)[0]
		if _, err := e.svc.AddNote(olga, id, "asked the bank for the birth date"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddNote(bob, id, "  "); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("an empty note: %v", err)
		}
		if _, err := e.svc.AddNote(as("sam", warden.RoleScreener), id, "x"); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("a screener's note: %v", err)
		}
		a, err := e.svc.Attach(bob, id, "answer", []byte("born 1990 in Hamburg"))
		if err != nil || a.Name != "answer.txt" || a.MediaType != "text/plain; charset=utf-8" {
			t.Fatalf("attachment: %+v %v", a, err)
		}
		for name, data := range map[string]string{
			"page.html": "<html><script>alert(1)</script></html>",
			"big.txt":   strings.Repeat("x", 65),
			"empty.txt": "",
			"a.pdf":     "plain text named as a PDF",
		} {
			if _, err := e.svc.Attach(bob, id, name, []byte(data)); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, data, err := e.svc.Attachment(bob, id, a.ID); err != nil || string(data) != "born 1990 in Hamburg" {
			t.Errorf("the file back: %q %v", data, err)
		}
		if _, err := e.svc.AddNote(bob, 99, "x"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("a note on no case: %v", err)
		}
		if _, err := e.svc.DecideCase(bob, id, false, "born 1990"); err != nil {
			t.Fatal(err)
		}
		f, err := e.svc.Case(bob, id)
		if err != nil || len(f.Notes) != 1 || len(f.Attachments) != 1 || f.Screened.Name != kolosov.Name || f.Hit == nil || f.Hit.EntityID != f.EntityID {
			t.Fatalf("case file: %+v %v", f, err)
		}
		gg, n, err := e.svc.GoodGuys(bob, warden.GoodGuyFilter{Search: "kolosov"})
		if err != nil || n != 1 || len(gg) != 1 || gg[0].Case != id || gg[0].ClearedBy != "bob" || gg[0].Reason != "born 1990" {
			t.Fatalf("good guys: %+v %d %v", gg, n, err)
		}
		if _, err := e.svc.AddNote(bob, id, "x"); err != nil {
			t.Errorf("a note on a decided case: %v", err)
		}
		if err := e.svc.RevokeGoodGuy(bob, id, ""); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("revoking without a reason: %v", err)
		}
		if err := e.svc.RevokeGoodGuy(olga, id, "the bank withdrew its answer"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RevokeGoodGuy(olga, id, "again"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("revoking twice: %v", err)
		}
		if gg, n, _ := e.svc.GoodGuys(bob, warden.GoodGuyFilter{}); n != 0 || len(gg) != 0 {
			t.Errorf("good guys after the revocation: %+v", gg)
		}
		if d, _, err := e.svc.Screen(as("payments", warden.RoleScreener), pay("n-2", 5, us, kolosov)); err != nil || d.Decision != warden.DecisionHeld {
			t.Errorf("the counterparty after the revocation: %+v %v", d, err)
		}
		if got, want := caseAudit(t, db, id), []string{"case.note", "case.attach", "case.clear", "case.note", "case.revoke_false_positive"}; !slices.Equal(got, want) {
			t.Errorf("audit %v, want %v", got, want)
		}
	})
}
