package match

import (
	"testing"

	"warden"
)

// TestPersianCompare compares Iranian parties as OFAC lists them with
// their names in Persian script: Persian letters (ی ک گ), ZWNJ inside a
// word (خامنه‌ای), -zadeh joined or apart, ض read z; and Latin spelling
// variants of Persian names; and different people who share a name.
func TestPersianCompare(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		match bool
	}{
		{"قاسم سلیمانی", "SOLEIMANI, Qasem", true},
		{"مرتضی رضایی", "REZAIE, Morteza", true},
		{"محمدرضا نقدی", "NAQDI, Mohammad Reza", true},
		{"محمد رضا نقدی", "NAQDI, Mohammad Reza", true},
		{"احمد وحیدی", "VAHIDI, Ahmad", true},
		{"امیرعلی حاجی‌زاده", "HAJIZADEH, Amir Ali", true},
		{"امیر علی حاجی زاده", "HAJIZADEH, Amir Ali", true},
		{"علی حسینی خامنه‌ای", "KHAMENEI, Ali Husseini", true},
		{"مجتبی خامنه‌ای", "KHAMENEI, Mojtaba", true},
		{"حجت قلی‌زاده", "GHOLIZADEH, Hojjat", true},
		{"محمدعلی حسینی", "HOSSEINI, Mohammad Ali", true},
		{"سید صادق حسینی", "HOSSEINI, Seyed Sadegh", true},
		{"محمد جواد ظریف", "ZARIF, Mohammad Javad", true},
		{"محمد باقر قالیباف", "QALIBAF, Mohammad Bagher", true},
		{"محمد باقر قالیباف", "GHALIBAF, Mohammad Baqer", true},
		{"محمد رضا", "محمد رضا", true},
		{"Muhammad Husain", "Mohammad Hossein", true},
		{"Mohammad Hosseinzadeh", "Mohammed Hossein Zadeh", true},
		{"Hosseinzade", "Hosseinzadeh", true},
		{"Hosein Rezaei", "Hussein Rezaie", true},
		{"قاسم سلیمانی", "QASEMI, Rostam", false},
		{"مجتبی خامنه‌ای", "KHAMENEI, Ali", false},
		{"حجت قلی‌زاده", "GHOLIZADEH, Majid", false},
		{"Mohammad Hosseinzadeh", "Mohammad Hassanzadeh", false},
	} {
		got := Compare(warden.SchemaPerson, c.a, c.b, DefaultThreshold, nil)
		if got.Match != c.match {
			t.Errorf("%s against %s: %.3f, match %v, want %v", c.a, c.b, got.Score, got.Match, c.match)
		}
	}
}

// TestPersianScreening screens Persian-script names of IRGC officers
// against the real OFAC list, which lists them in Latin letters.
func TestPersianScreening(t *testing.T) {
	ix := ofac(t)
	for _, c := range []struct{ name, party string }{
		{"قاسم سلیمانی", "10481"},      // SOLEIMANI, Qasem
		{"امیرعلی حاجی‌زاده", "26942"}, // HAJIZADEH, Amir Ali
		{"مجتبی خامنه‌ای", "27848"},    // KHAMENEI, Mojtaba
		{"احمد وحیدی", "12060"},        // VAHIDI, Ahmad
		{"محمدرضا نقدی", "12057"},      // NAQDI, Mohammad Reza
	} {
		hits, err := ix.Search(Query{Names: []string{c.name}, Schema: warden.SchemaPerson}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.Match && h.Entity.SourceID == c.party
		}
		if !found {
			t.Errorf("%s: %s not matched (%d hits)", c.name, c.party, len(hits))
		}
	}
}

// TestPersianReading checks the Persian reading's letters and its rules,
// and that a name written with Persian letters is read as Persian first.
func TestPersianReading(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"پژمان چگینی", "pezhman chgyny"}, // پ ژ چ گ
		{"رضا", "rza"},                // ض is z
		{"علی", "aly"},                // initial ع is a
		{"وحیدی", "vhydy"},            // initial و is v
		{"حاجی زاده", "hajyzadh"},     // -zadeh joined
		{"خامنه\u200cای", "khamneay"}, // ZWNJ dropped, ه before ای is e
		{"مرتضی", "mrtezy"},           // t z kept apart
		{"كريم", "krym"},              // Arabic ك and ي read as Persian's
	} {
		if got := persianReading(fold(c.in), "q", "gh"); got != c.want {
			t.Errorf("%s: %q, want %q", c.in, got, c.want)
		}
	}
	if got := persianReadings(fold("مرتضی رضایی"))[0]; got != "mrtezy rzayy" {
		t.Errorf("مرتضی رضایی is read %q first, want the Persian reading", got)
	}
}
