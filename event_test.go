package warden

import (
	"strconv"
	"testing"
)

func TestEventHits(t *testing.T) {
	for _, n := range []int{0, 1, MaxEventHits, MaxEventHits + 2} {
		hits := make([]TxHit, n)
		for i := range hits {
			hits[i] = TxHit{EntityID: "ofac:" + strconv.Itoa(i), Name: "N", Role: "beneficiary", Action: HitBlock, Score: 1}
		}
		got := EventHits(hits)
		if len(got) != min(n, MaxEventHits) || got == nil {
			t.Errorf("%d hits: %d in the event, want %d (not nil)", n, len(got), min(n, MaxEventHits))
		}
		for i, h := range got {
			if h != (EventHit{EntityID: hits[i].EntityID, Name: "N", Role: "beneficiary", Action: HitBlock, Score: 1}) {
				t.Errorf("%d hits: hit %d is %+v", n, i, h)
			}
		}
	}
}
