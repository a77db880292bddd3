package match

import (
	"math"
	"strings"
	"testing"

	"warden"
)

// TestOptionsCheck: NaN, the infinities and values out of range are
// refused naming the field; zero values (the defaults) and the defaults
// themselves pass.
func TestOptionsCheck(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	w := func(f func(*Weights)) *Weights { x := DefaultWeights; f(&x); return &x }
	tests := []struct {
		opt   Options
		field string // "" if valid
	}{
		{Options{}, ""},
		{Options{Threshold: DefaultThreshold, Limit: MaxLimit, Weights: &DefaultWeights, MinScore: 0.5}, ""},
		{Options{Threshold: nan}, "threshold"},
		{Options{Threshold: inf}, "threshold"},
		{Options{Threshold: -inf}, "threshold"},
		{Options{Threshold: 1.01}, "threshold"},
		{Options{Threshold: math.Copysign(0, -1)}, "threshold"},
		{Options{Threshold: -0.5}, "threshold"},
		{Options{Threshold: 5e-324}, ""}, // in (0, 1]
		{Options{MinScore: math.Copysign(0, -1)}, "min_score"},
		{Options{MinScore: nan}, "min_score"},
		{Options{Limit: -1}, "limit"},
		{Options{Limit: MaxLimit + 1}, "limit"},
		{Options{Weights: w(func(x *Weights) { x.Extra = nan })}, "weights.extra"},
		{Options{Weights: w(func(x *Weights) { x.WeakAlias = inf })}, "weights.weak_alias"},
		{Options{Weights: w(func(x *Weights) { x.CountryConflict = -0.1 })}, "weights.country_conflict"},
	}
	for _, tt := range tests {
		err := tt.opt.Check()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", tt.opt, err)
			}
			continue
		}
		if warden.ErrorCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), tt.field+" ") {
			t.Errorf("%+v: err = %v; want EINVALID naming %s", tt.opt, err, tt.field)
		}
	}
	// Search refuses them too, before screening.
	if _, err := NewIndex(nil).Search(Query{Names: []string{"Ivan Petrov"}}, Options{Threshold: nan}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("Search with a NaN threshold: %v", err)
	}
}
