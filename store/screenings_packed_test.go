package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestScreeningPacked records a batch large enough to be stored compressed
// and a single search small enough to stay text, on both engines, and
// reads both back whole, in the list, and with the digest of their JSON.
func TestScreeningPacked(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Principal{Name: "alice", Role: warden.RoleScreener, Kind: "user", Person: "alice"})
		lists := []warden.ScreenedList{{List: "ofac", Version: 2, Date: "2024-07-09", Imported: time.Date(2024, 7, 9, 10, 0, 0, 0, time.UTC)}}
		items := func(n int) []warden.ScreeningItem {
			out := make([]warden.ScreeningItem, n)
			for i := range out {
				out[i] = warden.ScreeningItem{Pos: fmt.Sprintf("line %d", i+2), Query: warden.ScreeningQuery{Names: []string{fmt.Sprintf("Ivan Petrov %d", i)}, BirthDates: []string{"1970-01-02"}}}
				if i%5 == 0 {
					out[i].Hits, out[i].BestScore, out[i].BestID, out[i].BestName = 1, 0.75, "ofac:1", "PETROV, Ivan"
				}
			}
			return out
		}
		for _, tt := range []struct {
			name   string
			items  int
			packed bool
		}{
			{"batch", 5000, true},
			{"single", 1, false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				sc := &warden.Screening{Time: time.Now(), Actor: "alice", ActorKind: "user", Role: warden.RoleScreener, Channel: warden.ChannelBatch,
					Threshold: 0.8, Limit: 10, Lists: lists, Queries: tt.items, Items: items(tt.items), Top: []warden.ScreeningHit{{Item: 0, EntityID: "ofac:1", Name: "PETROV, Ivan", Score: 0.75}}}
				if err := db.RecordScreening(ctx, sc, warden.NewAuditEvent(ctx, "screening.record", "", "", nil)); err != nil {
					t.Fatal(err)
				}
				var dataLen int
				var packed []byte
				if err := db.SQLForTest().QueryRowContext(ctx, `SELECT length(data), packed FROM screenings WHERE id = $1`, sc.ID).Scan(&dataLen, &packed); err != nil {
					t.Fatal(err)
				}
				if got := packed != nil; got != tt.packed || (tt.packed && dataLen != 0) || (!tt.packed && dataLen == 0) {
					t.Fatalf("stored with %d bytes of text and %d packed; want packed %v", dataLen, len(packed), tt.packed)
				}
				got, err := db.Screening(ctx, sc.ID)
				if err != nil {
					t.Fatal(err)
				}
				js, err := json.Marshal(struct {
					Threshold float64                `json:"threshold"`
					Limit     int                    `json:"limit"`
					Lists     []warden.ScreenedList  `json:"lists"`
					Items     []warden.ScreeningItem `json:"items"`
					Top       []warden.ScreeningHit  `json:"top"`
				}{got.Threshold, got.Limit, got.Lists, got.Items, got.Top})
				if err != nil {
					t.Fatal(err)
				}
				if sum := sha256.Sum256(js); hex.EncodeToString(sum[:]) != sc.Digest || got.Digest != sc.Digest {
					t.Errorf("the record read back hashes to %x, stored digest %s, saved %s", sum[:8], got.Digest, sc.Digest)
				}
				if tt.packed && len(packed) > len(js)/3 {
					t.Errorf("%d bytes of JSON stored in %d", len(js), len(packed))
				}
				if len(got.Items) != tt.items || got.Items[tt.items-1].Query.Names[0] != fmt.Sprintf("Ivan Petrov %d", tt.items-1) || got.Lists[0].Date != "2024-07-09" {
					t.Errorf("read back %d items, last %+v, lists %+v", len(got.Items), got.Items[len(got.Items)-1], got.Lists)
				}
				list, err := db.Screenings(ctx, warden.ScreeningFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if len(list) == 0 || list[0].ID != sc.ID || len(list[0].Items) != 1 || list[0].Items[0].Query.Names[0] != "Ivan Petrov 0" || len(list[0].Lists) != 1 || list[0].Threshold != 0.8 {
					t.Errorf("the list's newest record: %+v", list[0])
				}
			})
		}
	})
}
