package designation_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/designation"
	"warden/store"
	"warden/store/storetest"
)

var so3 = as("sasha", warden.RoleSanctionsOfficer)

// published designates the fixture's party (and its company) and returns
// the published designation.
func published(t *testing.T, s *designation.Service) warden.Designation {
	t.Helper()
	d, err := s.Create(so1, fixture(t), true)
	if err == nil {
		d, err = s.Decide(so2, d.ID, true, "ok")
	}
	if err != nil || d.Status != warden.DesignationPublished {
		t.Fatalf("designate: %+v %v", d, err)
	}
	return d
}

// amendment is the fixture's party with one more alias or wallet.
func amendment(t *testing.T, alias, wallet string) designation.Input {
	in := fixture(t)
	if alias != "" {
		in.Party.Names = append(in.Party.Names, warden.Name{Full: alias})
	}
	if wallet != "" {
		in.Party.Identifiers = append(in.Party.Identifiers, warden.Identifier{Type: warden.IDCrypto, Value: wallet, Currency: "ETH"})
	}
	in.Reasons = "New details reported by the counterpart."
	in.LegalBasis, in.Companies = warden.LegalBasis{}, nil
	return in
}

func versions(t *testing.T, db *store.DB) int {
	t.Helper()
	vs, err := db.Versions(context.Background(), designation.DefaultList)
	if err != nil {
		t.Fatal(err)
	}
	return len(vs)
}

// TestStaleProposals: an amendment or delisting is checked again when it
// is approved and when it is published, in that step's transaction. An
// amendment approved after the party was delisted is refused (it would
// list the party again) and can still be rejected; a second amendment
// built on the same listing as one published since is refused (it would
// undo it); a second delisting of a party is refused when proposed; and
// an amendment approved for later whose party is delisted meanwhile is
// not published when its time comes. No version that changes nothing is
// ever published.
func TestStaleProposals(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		}
		s := newService(db, clock)
		d := published(t, s)

		// Two amendments from the same listing: the second loses.
		alias, err := s.Amend(so1, d.ID, amendment(t, "COLDSTEEL", ""))
		if err != nil {
			t.Fatal(err)
		}
		wallet, err := s.Amend(so1, d.ID, amendment(t, "", "0x9f2c4e4b1f3a8d0c7e5b6a1d2c3b4a5f6e7d8c9b"))
		if err != nil {
			t.Fatal(err)
		}
		if alias, err = s.Decide(so2, alias.ID, true, "ok"); err != nil || alias.Status != warden.DesignationPublished {
			t.Fatalf("first amendment: %+v %v", alias, err)
		}
		if _, err := s.Decide(so2, wallet.ID, true, "ok"); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(warden.ErrorMessage(err), "propose it again") {
			t.Errorf("second amendment from the same listing: %v, want a conflict", err)
		}
		if got, _ := db.Designation(ctx, wallet.ID); got.Status != warden.DesignationProposed {
			t.Errorf("refused amendment is %s, want still proposed", got.Status)
		}
		if got, err := s.Decide(so2, wallet.ID, false, "outdated"); err != nil || got.Status != warden.DesignationRejected {
			t.Errorf("rejecting the refused amendment: %+v %v", got, err)
		}
		e, err := db.Entity(ctx, "cyber_sanctions:1", 0)
		if err != nil || !strings.Contains(e.Caption()+names(e), "COLDSTEEL") {
			t.Errorf("the first amendment's alias was lost: %+v %v", e, err)
		}

		// An amendment for later, a delisting now, and a second delisting.
		later := now.Add(time.Hour)
		in := amendment(t, "COLD STEEL", "")
		in.PublishAt = &later
		scheduled, err := s.Amend(so1, d.ID, in)
		if err == nil {
			scheduled, err = s.Decide(so2, scheduled.ID, true, "ok")
		}
		if err != nil || scheduled.Status != warden.DesignationApproved {
			t.Fatalf("scheduled amendment: %+v %v", scheduled, err)
		}
		pending, err := s.Amend(so1, d.ID, amendment(t, "STEEL", ""))
		if err != nil {
			t.Fatal(err)
		}
		x, err := s.Delist(so1, d.ID, "Deceased; confirmed by the counterpart.", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Delist(so1, d.ID, "Deceased.", nil); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("second delisting while one is pending: %v, want a conflict", err)
		}
		if x, err = s.Decide(so2, x.ID, true, "ok"); err != nil || x.Status != warden.DesignationPublished {
			t.Fatalf("delisting: %+v %v", x, err)
		}
		before := versions(t, db)
		if _, err := s.Decide(so2, pending.ID, true, "ok"); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(warden.ErrorMessage(err), "no longer listed") {
			t.Errorf("amendment approved after the delisting: %v, want a conflict", err)
		}
		mu.Lock()
		now = later
		mu.Unlock()
		if n, err := s.PublishDue(warden.WithPrincipal(ctx, warden.Operator)); n != 0 || warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("scheduled amendment of a delisted party: %d published, %v", n, err)
		}
		if got := versions(t, db); got != before {
			t.Errorf("%d versions after the delisting, want %d", got, before)
		}
		for _, id := range []string{"cyber_sanctions:1", "cyber_sanctions:1-1"} {
			if _, err := db.Entity(ctx, id, 0); warden.ErrorCode(err) != warden.ENOTFOUND {
				t.Errorf("%s listed again: %v", id, err)
			}
		}
		for id, want := range map[int64]warden.DesignationStatus{d.ID: warden.DesignationDelisted, pending.ID: warden.DesignationProposed, scheduled.ID: warden.DesignationApproved} {
			if got, _ := db.Designation(ctx, id); got.Status != want {
				t.Errorf("designation %d is %s, want %s", id, got.Status, want)
			}
		}
		if _, err := s.Delist(so1, d.ID, "again", nil); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("delisting a delisted party: %v", err)
		}
	})
}

func names(e *warden.Entity) string {
	var b strings.Builder
	for _, n := range e.Names {
		b.WriteString(n.Full + "|")
	}
	return b.String()
}

// TestDrafterCannotApprove: four eyes are two persons who both did not
// author a designation: the officer who drafted it cannot approve it once
// another proposed it, through the service or the approvals alike.
func TestDrafterCannotApprove(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newService(db, time.Now)
	d, err := s.Create(so1, fixture(t), false)
	if err == nil {
		d, err = s.Propose(so2, d.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Decide(so1, d.ID, true, "mine"); warden.ErrorCode(err) != warden.EFORBIDDEN || !strings.Contains(warden.ErrorMessage(err), "drafted by sofia") {
		t.Errorf("the drafter approves: %v", err)
	}
	if _, err := s.Approvals.Decide(so1, d.Approval, true, "mine"); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("the drafter approves through the approvals: %v", err)
	}
	if d, err = s.Decide(so3, d.ID, true, "checked"); err != nil || d.Status != warden.DesignationPublished {
		t.Errorf("a third officer approves: %+v %v", d, err)
	}
}

// TestAmendNothing: an amendment that changes nothing the list states is
// refused, so no version that changes nothing is published.
func TestAmendNothing(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newService(db, time.Now)
	d := published(t, s)
	if _, err := s.Amend(so1, d.ID, amendment(t, "", "")); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(warden.ErrorMessage(err), "changes nothing") {
		t.Errorf("an amendment that changes nothing: %v", err)
	}
	if _, err := s.Amend(so1, d.ID, amendment(t, "COLD STEEL", "")); err != nil {
		t.Errorf("an amendment adding an alias: %v", err)
	}
}

// TestAmendKeepsListedID: an amendment that names another entity id for
// the party is stored with the listed party's id and source id.
func TestAmendKeepsListedID(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newService(db, time.Now)
	d := published(t, s)
	in := amendment(t, "COLDSTEEL", "")
	in.Party.ID, in.Party.SourceID = "cyber_sanctions:17", "17"
	a, err := s.Amend(so1, d.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := db.Designation(context.Background(), a.ID)
	if got.Party.ID != "cyber_sanctions:1" || got.Party.SourceID != "1" {
		t.Errorf("amendment stored with party %q (source id %q), want cyber_sanctions:1", got.Party.ID, got.Party.SourceID)
	}
}

// TestWalletShape: a wallet whose shape is known must have it: bech32
// (bc1, tb1, ltc1) with its checksum, 0x and 40 hexadecimal digits; the
// refusal names the field.
func TestWalletShape(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newService(db, time.Now)
	for _, tc := range []struct {
		wallet string
		ok     bool
	}{
		{"bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua", true},
		{"BC1QK0RSAK0V0C0LDSTEEL7RANS0M5WALLET4UWWUA", true},
		{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", true},
		{"tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", true},
		{"0x9f2c4e4b1f3a8d0c7e5b6a1d2c3b4a5f6e7d8c9b", true},
		{"1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V", true},
		{"bc1qzloyhacker0000000000000000000000000000", false},
		{"bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwub", false},
		{"bc1qK0rsak0v0c0ldsteel7rans0m5wallet4uwwua", false},
		{"ltc1qnotanaddress", false},
		{"0x9f2c4e4b1f3a8d0c7e5b6a1d2c3b4a5f6e7d8c9", false},
		{"0x9f2c4e4b1f3a8d0c7e5b6a1d2c3b4a5f6e7d8c9g", false},
	} {
		in := fixture(t)
		in.Party.Identifiers[0].Value = tc.wallet
		_, err := s.Create(so1, in, false)
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s: %v", tc.wallet, err)
		case !tc.ok && (warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(warden.ErrorMessage(err), "party.identifiers[0].value")):
			t.Errorf("%s: %v, want invalid naming party.identifiers[0].value", tc.wallet, err)
		}
	}
}

// TestBlankRequired: required text made only of spaces and invisible
// characters is missing.
func TestBlankRequired(t *testing.T) {
	db := storetest.OpenSQLite(t)
	s := newService(db, time.Now)
	for _, tc := range []struct {
		name string
		edit func(*designation.Input)
		want string
	}{
		{"zero-width criterion", func(in *designation.Input) { in.LegalBasis.Criterion = "\u200b" }, "legal_basis.criterion is required"},
		{"Braille blank criterion", func(in *designation.Input) { in.LegalBasis.Criterion = "\u2800" }, "legal_basis.criterion is required"},
		{"Hangul filler order", func(in *designation.Input) { in.LegalBasis.Order = "\u3164 " }, "legal_basis.order is required"},
		{"invisible reasons", func(in *designation.Input) { in.Reasons = "\u200b\u200c" }, "reasons is required"},
		{"invisible name", func(in *designation.Input) { in.Party.Names[0].Full = "\u200b" }, "party.names[0].full is empty"},
		{"invisible alias", func(in *designation.Input) { in.Party.Names = append(in.Party.Names, warden.Name{Full: "\u200b"}) }, "party.names[3].full is empty"},
		{"invisible wallet", func(in *designation.Input) { in.Party.Identifiers[0].Value = "\u2800" }, "party.identifiers[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := fixture(t)
			tc.edit(&in)
			_, err := s.Create(so1, in, true)
			if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(warden.ErrorMessage(err), tc.want) {
				t.Errorf("%v, want invalid: %s", err, tc.want)
			}
		})
	}
	d := published(t, s)
	if _, err := s.Delist(so1, d.ID, "\u200b", nil); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("invisible delisting reason: %v", err)
	}
}
