package enforcement_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// TestDefaultPolicyActions: what the shipped default does with a party on
// each list, by its programs and (for the CSL) its component list, as
// docs/policy.md says.
func TestDefaultPolicyActions(t *testing.T) {
	p := enforcement.DefaultPolicy()
	const (
		sdn = "Specially Designated Nationals (SDN) - Treasury Department"
		el  = "Entity List (EL) - Bureau of Industry and Security"
		dpl = "Denied Persons List (DPL) - Bureau of Industry and Security"
		uvl = "Unverified List (UVL) - Bureau of Industry and Security"
		meu = "Military End User (MEU) List - Bureau of Industry and Security"
		dtc = "ITAR Debarred (DTC) - State Department"
		isn = "Nonproliferation Sanctions (ISN) - State Department"
		ssi = "Sectoral Sanctions Identifications List (SSI) - Treasury Department"
		fse = "Foreign Sanctions Evaders (FSE) - Treasury Department"
		cmi = "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department"
		cap = "Capta List (CAP) - Treasury Department"
		mbs = "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"
		plc = "Palestinian Legislative Council List (PLC) - Treasury Department"
	)
	for _, tc := range []struct {
		list     string
		programs []string
		topics   []string
		want     warden.HitAction
		why      string
	}{
		// OFAC SDN: every program blocks, the non-SDN-only ones too when
		// they stand on the SDN list.
		{"ofac", []string{"CYBER2"}, nil, warden.HitBlock, "CYBER2"},
		{"ofac", []string{"DRCONGO"}, nil, warden.HitBlock, "DRCONGO"},
		{"ofac", []string{"SDGT", "IFSR"}, nil, warden.HitBlock, "SDGT"},
		{"ofac", []string{"UKRAINE-EO13662"}, nil, warden.HitBlock, "UKRAINE-EO13662"},
		{"ofac", []string{"IRAN"}, nil, warden.HitBlock, "IRAN"},
		{"ofac", nil, nil, warden.HitBlock, ""},
		// OFAC's non-SDN consolidated list.
		{"ofac-cons", []string{"UKRAINE-EO13662"}, nil, warden.HitHold, "UKRAINE-EO13662"},
		{"ofac-cons", []string{"NS-PLC"}, nil, warden.HitHold, "NS-PLC"},
		{"ofac-cons", []string{"FSE-IR"}, nil, warden.HitReject, "FSE-IR"},
		{"ofac-cons", []string{"CMIC-EO13959"}, nil, warden.HitFlag, "CMIC-EO13959"},
		{"ofac-cons", []string{"CMIC-EO13959", "RUSSIA-EO14024"}, nil, warden.HitHold, "RUSSIA-EO14024"},
		// The authority's own list, the UN and the UK: asset freezes.
		{"cyber_sanctions", []string{"CYBER3"}, nil, warden.HitBlock, "CYBER3"},
		{"un", []string{"DRC"}, nil, warden.HitBlock, "DRC"},
		{"un", []string{"Al-Qaida"}, nil, warden.HitBlock, "Al-Qaida"},
		{"uk", []string{"Cyber"}, nil, warden.HitBlock, "Cyber"},
		{"uk", []string{"Russia"}, nil, warden.HitBlock, "Russia"},
		{"eu", []string{"RUS"}, nil, warden.HitBlock, "RUS"},
		// The CSL: by component list; its SDN copy blocks whatever its
		// programs, export-control lists never block.
		{"csl", []string{"SDGT"}, []string{sdn}, warden.HitBlock, sdn},
		{"csl", []string{"RUSSIA-EO14024"}, []string{ssi}, warden.HitHold, ssi},
		{"csl", []string{"UKRAINE-EO13662"}, []string{cap}, warden.HitHold, cap},
		{"csl", []string{"MBS"}, []string{mbs}, warden.HitHold, mbs},
		{"csl", []string{"NS-PLC"}, []string{plc}, warden.HitHold, plc},
		{"csl", []string{"FSE-SY"}, []string{fse}, warden.HitReject, fse},
		{"csl", []string{"CMIC-EO13959"}, []string{cmi}, warden.HitFlag, "CMIC-EO13959"},
		{"csl", nil, []string{el}, warden.HitFlag, el},
		{"csl", nil, []string{uvl}, warden.HitFlag, uvl},
		{"csl", nil, []string{meu}, warden.HitFlag, meu},
		{"csl", nil, []string{dpl}, warden.HitHold, dpl},
		{"csl", nil, []string{dtc}, warden.HitHold, dtc},
		{"csl", []string{"E.O. 13382"}, []string{isn}, warden.HitHold, isn},
		{"csl", nil, []string{"Some Future List"}, warden.HitFlag, ""},
		// A list the policy does not name: held for an analyst.
		{"ua_war_sanctions", []string{"RU-UA"}, nil, warden.HitHold, "RU-UA"},
		{"ransomwhere", nil, nil, warden.HitHold, ""},
	} {
		e := &warden.Entity{ID: tc.list + ":1", List: tc.list, Programs: tc.programs, Topics: tc.topics}
		got, why := p.Action(e)
		if got != tc.want || why != tc.why {
			t.Errorf("%s %v %v: %s (%q), want %s (%q)", tc.list, tc.programs, tc.topics, got, why, tc.want, tc.why)
		}
	}
	if p.Match != 0.85 || p.Review != 0.595 || p.FalsePositiveDays != 180 || p.CaseDeadlineDays != 5 || p.Default != warden.HitHold {
		t.Errorf("default thresholds and periods: %+v", p)
	}
}

// TestDefaultPolicyFileDocumented: every list and program the shipped
// policy names is explained in docs/policy.md.
func TestDefaultPolicyFileDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	p := enforcement.DefaultPolicy()
	for l, lp := range p.Lists {
		if !strings.Contains(string(doc), "`"+l+"`") {
			t.Errorf("docs/policy.md does not explain list %s", l)
		}
		for prog := range lp.Programs {
			if !strings.Contains(string(doc), prog) {
				t.Errorf("docs/policy.md does not explain %s on %s", prog, l)
			}
		}
	}
}

// policyEnv is a store with real listings from the bundled data (OFAC's
// POPOV, Dimitri Igorevich under DRCONGO; the CSL's Denied Persons entry
// WILLIAM MICHAEL JOHNSON; and a CSL copy of an SDN entry) and the
// shipped default policy.
func policyEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "10030", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "POPOV, Dimitri Igorevich", Kind: warden.NamePrimary, Family: "POPOV", Given: "Dimitri Igorevich"}},
		Programs: []string{"DRCONGO"}, BirthDates: []warden.DateRange{{From: "1961-02-13"}, {From: "1965-02-13"}}, BirthPlaces: []string{"Irkutsk, Russia"}, Nationalities: []string{"RU"}})
	im.Put(&warden.Entity{SourceID: "26664", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "EVIL CORP", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"},
		Countries: []string{"MD", "RU"}, Addresses: []warden.Address{{City: "Moscow", PostalCode: "123112", Country: "RU"}}, Identifiers: []warden.Identifier{{Type: warden.IDCrypto, Value: wallet, Currency: "XBT"}, {Type: warden.IDSWIFT, Value: "EVILRUMM"}}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	im, err = db.BeginImport(ctx, "csl", "csl-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "5e1a63206c14b4ea685ccca0629c616da277d555", Schema: warden.SchemaLegalEntity, Names: []warden.Name{{Full: "WILLIAM MICHAEL JOHNSON", Kind: warden.NamePrimary}},
		Topics: []string{"Denied Persons List (DPL) - Bureau of Industry and Security"}, Addresses: []warden.Address{{Full: "552 LEE LANE, BOX 342/21, ANGELS CAMP, CA, 95222"}}})
	im.Put(&warden.Entity{SourceID: "e1", Schema: warden.SchemaLegalEntity, Names: []warden.Name{{Full: "NEVA ELECTRONICA", Kind: warden.NamePrimary}},
		Topics: []string{"Entity List (EL) - Bureau of Industry and Security"}, Countries: []string{"RU"}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	a := auth.New(db)
	a.Now = func() time.Time { return now }
	svc := enforcement.New(db, sc, a.Approvals)
	svc.Now = func() time.Time { return now }
	return &env{db, svc, &now}
}

// TestNameOnlyHitsHeld is the failing examples: a name-only fuzzy
// hit, however high, is held for an analyst and never blocks; a hit on an
// export-control list never blocks; a name corroborated by a birth date,
// a country or an account, or an exact wallet, stops the payment.
func TestNameOnlyHitsHeld(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := policyEnv(t, db)
		client := as("payments", warden.RoleScreener)
		bene := func(p warden.TxParty) warden.TxParty { p.Role = "beneficiary"; return p }
		for _, tc := range []struct {
			ref      string
			party    warden.TxParty
			want     string
			action   warden.HitAction
			minScore float64 // the hit scores at least this
			basis    string
		}{
			{"popov", bene(warden.TxParty{Name: "Dmitry Popov"}), warden.DecisionHeld, warden.HitReview, 0.85, "nothing else"},
			{"popov-other-birth", bene(warden.TxParty{Name: "Dimitri Igorevich Popov", BirthDate: "1980-05-01"}), warden.DecisionHeld, warden.HitReview, 0, "birth date 1980-05-01 disagrees"},
			{"popov-other-country", bene(warden.TxParty{Name: "Dimitri Igorevich Popov", Country: "DE"}), warden.DecisionHeld, warden.HitReview, 0.85, "country DE disagrees"},
			{"popov-birth", bene(warden.TxParty{Name: "Dimitri Igorevich Popov", BirthDate: "1965-02-13"}), warden.DecisionBlocked, warden.HitBlock, 0.85, "birth date 1965-02-13 agrees"},
			{"popov-year", bene(warden.TxParty{Name: "Dmitry Popov", BirthDate: "1961"}), warden.DecisionBlocked, warden.HitBlock, 0.85, "birth date 1961 agrees"},
			{"popov-country", bene(warden.TxParty{Name: "Dimitri Igorevich Popov", Country: "RU"}), warden.DecisionBlocked, warden.HitBlock, 0.85, "country RU agrees"},
			{"popov-birth-wrong-country", bene(warden.TxParty{Name: "Dimitri Igorevich Popov", BirthDate: "1961-02-13", Country: "FR"}), warden.DecisionHeld, warden.HitReview, 0.85, "country FR disagrees"},
			{"johnson", warden.TxParty{Role: "originator", Name: "Michael Johnson", Country: "US"}, warden.DecisionHeld, warden.HitReview, 0, "Denied Persons"},
			{"johnson-exact", warden.TxParty{Role: "originator", Name: "William Michael Johnson", Country: "US"}, warden.DecisionHeld, warden.HitReview, 0.85, "Denied Persons"},
			{"entity-list", bene(warden.TxParty{Name: "Neva Electronica", Country: "RU"}), warden.DecisionCleared, warden.HitFlag, 0.85, "flagged"},
			{"evil-name", bene(warden.TxParty{Name: "Evil Corp"}), warden.DecisionHeld, warden.HitReview, 0.85, "nothing else"},
			{"evil-account", bene(warden.TxParty{Name: "Evil Corp", Account: "EVIL RU MM"}), warden.DecisionBlocked, warden.HitBlock, 0.85, "account EVIL RU MM agrees"},
			{"evil-city", bene(warden.TxParty{Name: "Evil Corp", Address: "Presnenskaya nab. 12, Moscow"}), warden.DecisionBlocked, warden.HitBlock, 0.85, "address (city Moscow) agrees"},
			{"evil-postcode", bene(warden.TxParty{Name: "Evil Corp", Address: "Presnenskaya nab. 12, 123112 Moskva"}), warden.DecisionBlocked, warden.HitBlock, 0.85, "address (postal code 123112) agrees"},
			{"evil-other-city", bene(warden.TxParty{Name: "Evil Corp", Address: "Unter den Linden 1, Berlin"}), warden.DecisionHeld, warden.HitReview, 0.85, "nothing else"},
			{"evil-wallet", bene(warden.TxParty{Wallet: wallet}), warden.DecisionBlocked, warden.HitBlock, 1, "exact wallet"},
		} {
			d, _, err := e.svc.Screen(client, pay(tc.ref, 1000, us, tc.party))
			if err != nil {
				t.Fatalf("%s: %v", tc.ref, err)
			}
			var hit *warden.TxHit
			for i := range d.Hits {
				if d.Hits[i].Party == 1 {
					hit = &d.Hits[i]
					break
				}
			}
			if hit == nil {
				hit = &warden.TxHit{}
				if len(d.Hits) > 0 {
					hit = &d.Hits[0]
				}
			}
			if d.Decision != tc.want || hit.Action != tc.action || hit.Score < tc.minScore || !strings.Contains(hit.Basis, tc.basis) {
				t.Errorf("%s: %s, hit %s %.3f %q; want %s, %s, score >= %.3f, basis with %q (hits %+v)", tc.ref, d.Decision, hit.Action, hit.Score, hit.Basis, tc.want, tc.action, tc.minScore, tc.basis, d.Hits)
			}
			if hit.Confirmed != (tc.action == warden.HitBlock) {
				t.Errorf("%s: confirmed %v for action %s", tc.ref, hit.Confirmed, hit.Action)
			}
			if (d.Decision == warden.DecisionHeld) != (len(d.Cases) > 0) {
				t.Errorf("%s: %s with cases %v", tc.ref, d.Decision, d.Cases)
			}
		}
		reader := as("ana", warden.RoleAnalyst)
		es, _, err := e.svc.Ledger(reader, warden.LedgerFilter{Reference: "popov-birth"})
		if err != nil || len(es) != 1 || es[0].Program != "DRCONGO" || es[0].EntityID != "ofac:10030" {
			t.Errorf("ledger of the corroborated blocking: %+v %v", es, err)
		}
	})
}

// TestConfirmHeldByPolicy: confirming a held hit blocks when the listing's
// program blocks, and rejects it when the program only holds (the CSL's
// Denied Persons List): an analyst's confirmation never freezes property
// the policy does not block.
func TestConfirmHeldByPolicy(t *testing.T) {
	e := policyEnv(t, storetest.OpenSQLite(t))
	client, analyst := as("payments", warden.RoleScreener), as("ana", warden.RoleAnalyst)
	for _, tc := range []struct {
		ref   string
		party warden.TxParty
		want  string
	}{
		{"c-popov", warden.TxParty{Role: "beneficiary", Name: "Dmitry Popov"}, warden.DecisionBlocked},
		{"c-johnson", warden.TxParty{Role: "beneficiary", Name: "William Michael Johnson"}, warden.DecisionRejected},
	} {
		d, _, err := e.svc.Screen(client, pay(tc.ref, 1000, us, tc.party))
		if err != nil || d.Decision != warden.DecisionHeld || len(d.Cases) != 1 {
			t.Fatalf("%s: %+v %v", tc.ref, d, err)
		}
		c, err := e.svc.DecideCase(analyst, d.Cases[0], true, "it is them")
		if err != nil || c.Outcome != tc.want {
			t.Errorf("%s: confirmed as %q %v, want %s", tc.ref, c.Outcome, err, tc.want)
		}
		es, _, _ := e.svc.Ledger(analyst, warden.LedgerFilter{Reference: tc.ref})
		if (len(es) == 1) != (tc.want == warden.DecisionBlocked) {
			t.Errorf("%s: ledger %+v", tc.ref, es)
		}
	}
}
