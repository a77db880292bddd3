package publish_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"warden/publish"
	"warden/store/storetest"
)

// TestNoticeInvisible: a name or remark with an invisible or format
// character (U+200B, U+202E) is written in the notice with the character
// shown as its code point, in the entries added, changed and removed alike,
// so that a reader sees that the name is not the one it looks like.
func TestNoticeInvisible(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	a := party("CS-1", "YAKU\u200bBETS, Maksim", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V")
	b := party("CS-2", "RYZHENKOV, Aleksandr", "bc1qryzhenkov0000000000000000000000000000")
	put(t, db, "cyber_sanctions", a, b)
	b2 := party("CS-2", "RYZHENKOV, Aleksandr", "bc1qryzhenkov0000000000000000000000000000")
	b2.BirthPlaces = []string{"Mos\u202ecow"}
	put(t, db, "cyber_sanctions", b2)
	for v, want := range map[int]string{1: "YAKU<U+200B>BETS", 2: "Mos<U+202E>cow"} {
		n, err := publish.BuildNotice(ctx, db, "cyber_sanctions", v, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		parts = append(append(parts, n.Added...), n.Removed...)
		for _, c := range n.Changed {
			parts = append(append(append(parts, c.Before, c.After), c.Dropped...), c.Gained...)
		}
		for _, s := range append(parts, n.Text()) {
			if strings.ContainsAny(s, "\u200b\u202e") {
				t.Errorf("version %d: notice carries a raw invisible character: %q", v, s)
			}
		}
		if !strings.Contains(n.Text(), want) {
			t.Errorf("version %d: notice does not show %s:\n%s", v, want, n.Text())
		}
	}
}
