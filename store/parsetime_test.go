package store

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestParseTime: parseTime reads what timestamp writes, to the
// microsecond, and answers what time.Parse answers for every string,
// well formed or not (days past a month's end, fields out of range,
// signs, letters, other lengths).
func TestParseTime(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		want := time.Unix(rnd.Int64N(8e9)-1e9, rnd.Int64N(1e9)).UTC().Truncate(time.Microsecond)
		if got := parseTime(timestamp(want)); !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("parseTime(%s) = %s", timestamp(want), got)
		}
	}
	for _, s := range []string{
		"2025-04-01T09:13:12.123456Z", "2024-02-29T23:59:59.999999Z", "0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z",
		"2025-02-29T00:00:00.000000Z", "2025-04-31T00:00:00.000000Z", "2025-00-10T00:00:00.000000Z", "2025-13-10T00:00:00.000000Z",
		"2025-01-00T00:00:00.000000Z", "2025-01-32T00:00:00.000000Z", "2025-01-01T24:00:00.000000Z", "2025-01-01T00:60:00.000000Z",
		"2025-01-01T00:00:60.000000Z", "+025-01-01T00:00:00.000000Z", "2025-01-01T00:00:00.00000aZ", "2025-01-01 00:00:00.000000Z",
		"2025-01-01T00:00:00.000000+", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00.0000000Z", "",
	} {
		want, _ := time.Parse(tsLayout, s)
		if got := parseTime(s); !got.Equal(want) || got.IsZero() != want.IsZero() {
			t.Errorf("parseTime(%q) = %s, time.Parse says %s", s, got, want)
		}
	}
}
