package match

//go:generate go run ./internal/gencorpus -data ../../shared/data -out corpus_gen.go

// Generic words say what kind of company a party is or where it is, not
// which one: Technology, Trading, House, Shenzhen, Moscow. Two names that
// share only such words name different parties however many they share
// ("Shenzhen Technology Company Limited" is neither Shenzhen Huawei
// Technology nor Shenzhen DJI Technology), so a name whose distinctive
// words all go unmet does not match (capGeneric).
//
// The words are generated from the real lists (internal/gencorpus,
// corpus_gen.go), not from the lists an index is built of, so that Compare,
// which has no index, knows them too; an index also weighs every word by
// its rarity on the lists it holds (idf).

// genericWords holds every generic word as readWords writes it: as the lists
// spell it and singular (Technologies, Technology).
var genericWords = genericSet()

func genericSet() map[string]bool {
	m := make(map[string]bool, 2*(len(genericIndustry)+len(genericPlaces)))
	for _, ws := range [][]string{genericIndustry[:], genericPlaces[:]} {
		for _, w := range ws {
			m[w] = true
			m[singular(w)] = true
		}
	}
	return m
}

// generic reports whether t is a generic word rather than a distinctive
// one. Legal forms, particles, initials and patronymics are not words that
// tell parties apart either, but they weigh little already (Weights).
func (t *token) generic() bool { return t.kind == kindWord && genericWords[t.text] }

// genericCap is the most a reading may score when one side's distinctive
// words all go unmet: a tenth below the default threshold, so that the
// qualifiers (at most maxBonus) cannot lift it to a match.
const genericCap = DefaultThreshold - 0.1

// unmetDistinct reports whether reading ts has a distinctive word (of
// minPhonetic letters or more) and none of its distinctive words is in
// used (a bit per position). With whole, a
// reading made only of generic words ("Central Bank of Syria") must have
// all of them in used: together they are what tells the party apart, and
// "Bank of Syria" is another party.
func unmetDistinct(ts []token, used uint64, whole bool) bool {
	distinct, unmet := false, false
	for i := range ts {
		if ts[i].kind != kindWord {
			continue
		}
		met := used&mask(i, 1) != 0
		// A word of one or two letters (Co, a legal form read as a word)
		// is too short to tell parties apart alone.
		if !ts[i].generic() && len(ts[i].text) >= minPhonetic {
			if met {
				return false
			}
			distinct = true
		}
		unmet = unmet || !met
	}
	return distinct || whole && unmet
}

// capGeneric lowers score to genericCap when the query reading q or the
// listed reading c has distinctive words and none of them met a word of
// the other (usedQ, usedC), or when c is made only of generic words and
// one of them went unmet: the two names share only generic words. The
// unmet words are the explanation's Missing and Extra.
func capGeneric(score float64, q, c []token, usedQ, usedC uint64) float64 {
	if score <= genericCap {
		return score
	}
	if unmetDistinct(q, usedQ, false) || unmetDistinct(c, usedC, true) {
		return genericCap
	}
	return score
}

// maxGenericRarity is the most a generic word of a query weighs in an
// index (weighQuery): a place or an industry may be rare on the lists
// (Tehran, Petrochemical) and yet say nothing of which company a name is,
// so it weighs as the commonest listed words do, and the query's
// distinctive words carry its score.
const maxGenericRarity = 0.3

// genericRarity is the rarity of query word t given its idf on the lists:
// no more than maxGenericRarity for a generic word.
func genericRarity(t *token, idf float64) float64 {
	if t.generic() {
		return min(idf, maxGenericRarity)
	}
	return idf
}
