package match

import (
	"math"

	"warden"
)

// MaxLimit is the most hits one search may return.
const MaxLimit = 500

// Check reports, as EINVALID naming the field, options no search can use:
// a threshold or minimum score outside (0, 1], a limit outside [1,
// MaxLimit], or a weight outside [0, 1]. NaN and the infinities are outside
// every range: a NaN threshold would compare false with every score and so
// hide every match. A zero threshold, minimum score or limit is the zero
// value of an option not given and means its default (DefaultThreshold,
// 0.7 × the threshold, 10), as in the API; negative zero is refused as the
// negative number it is written as.
func (o Options) Check() error {
	if !inUnit(o.Threshold) || math.Signbit(o.Threshold) {
		return warden.Errorf(warden.EINVALID, "threshold must be a number in (0, 1] (0 for the default, %v), not %v", DefaultThreshold, o.Threshold)
	}
	if !inUnit(o.MinScore) || math.Signbit(o.MinScore) {
		return warden.Errorf(warden.EINVALID, "min_score must be a number in (0, 1] (0 for the default), not %v", o.MinScore)
	}
	if o.Limit < 0 || o.Limit > MaxLimit {
		return warden.Errorf(warden.EINVALID, "limit must be between 1 and %d (0 for the default, 10), not %d", MaxLimit, o.Limit)
	}
	if o.Weights != nil {
		return o.Weights.Check()
	}
	return nil
}

// Check reports, as EINVALID naming the weight by its JSON name, a weight
// that is not a number between 0 and 1: weights scale or shift scores that
// live in [0, 1], so anything else (NaN, infinities, negatives) breaks them.
func (w *Weights) Check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"extra", w.Extra}, {"legal", w.Legal}, {"connector", w.Connector}, {"initial", w.Initial}, {"patronymic", w.Patronymic},
		{"birth_date_agree", w.BirthDateAgree}, {"birth_date_conflict", w.BirthDateConflict},
		{"country_agree", w.CountryAgree}, {"country_conflict", w.CountryConflict},
		{"schema_conflict", w.SchemaConflict}, {"gender_conflict", w.GenderConflict}, {"weak_alias", w.WeakAlias},
	} {
		if !inUnit(f.v) {
			return warden.Errorf(warden.EINVALID, "weights.%s must be a number between 0 and 1, not %v", f.name, f.v)
		}
	}
	return nil
}

// inUnit reports whether v is a number in [0, 1]; false for NaN, which
// compares false with everything.
func inUnit(v float64) bool { return v >= 0 && v <= 1 }
