package match

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSkeleton checks the phonetic keys of the spellings the rules exist
// for, and that skeleton, which rewrites on the stack, gives what its
// definition by strings.ReplaceAll (skeletonOf) gives for every word of the
// OFAC list and for random words over the letters the rules read, long
// ones included.
func TestSkeleton(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"yevgeniy", "ivgeni"}, {"jewgeni", "ivgeni"}, {"evgenii", "evgeni"}, {"yakubets", "akubec"}, {"iakubets", "akubec"}, {"jakubez", "akubez"},
		{"dmitry", "dmitri"}, {"dmitriy", "dmitri"}, {"maxim", "maksim"}, {"maksim", "maksim"},
		{"zelenskyy", "zelenski"}, {"qasem", "kasem"}, {"kassem", "kasem"},
		{"shchukin", "shukin"}, {"", ""}, {"x", "ks"}, {"ab1", "ab1"}, {"müller", "müller"},
		{strings.Repeat("x", 40), "ks" + strings.Repeat("ks", 39)},
	} {
		if got := skeleton(tt.in); got != tt.want {
			t.Errorf("skeleton(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var words []string
	for _, e := range ofac(t).entities {
		for _, n := range e.Names {
			words = append(words, strings.Fields(fold(n.Full))...)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const letters = "abcdeghijkopqstuwxyzshchtsckphkh"
	for range 20000 {
		b := make([]byte, 1+rng.IntN(40))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		words = append(words, string(b))
	}
	for _, w := range words {
		if strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			continue // kept as written, not rewritten
		}
		if got, want := skeleton(w), skeletonOf(w); got != want {
			t.Fatalf("skeleton(%q) = %q, its definition gives %q", w, got, want)
		}
	}
}

// skeletonOf is skeleton by strings.ReplaceAll: its definition, which
// skeleton follows on the stack.
func skeletonOf(w string) string {
	has := letterSet(w)
	for i, rp := range skeletonRules {
		if has&skeletonNeeds[i] != skeletonNeeds[i] {
			continue
		}
		w = strings.ReplaceAll(w, rp[0], rp[1])
		has |= skeletonGives[i]
	}
	return string(collapse(make([]byte, 0, len(w)), []byte(w)))
}

// BenchmarkSkeleton compares skeleton with its definition (skeletonOf,
// strings.ReplaceAll) on the words of the OFAC list: every query word,
// listed word, alt and joined span is read through it.
func BenchmarkSkeleton(b *testing.B) {
	var words []string
	for _, e := range ofac(b).entities {
		for _, n := range e.Names {
			words = append(words, strings.Fields(fold(n.Full))...)
		}
	}
	for _, bb := range []struct {
		name string
		fn   func(string) string
	}{{"stack", skeleton}, {"definition", skeletonOf}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				for _, w := range words {
					bb.fn(w)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
		})
	}
}
