package match

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// homophoneSim is what a character counts for in a word of Chinese
// characters when the other word has another character read alike there:
// a homophone is another name (王云鹤 is not 王云河), so a two- or
// three-character name that differs in one falls below the threshold,
// while the rest of the word still counts.
const homophoneSim = 0.3

// sameScript lowers s, the similarity of two words of one script that are
// written differently but read alike (homophones), below the similarity of
// the same word. Only Chinese characters are so compared: Hangul, like
// the alphabets, writes sounds, so two spellings that read alike are one
// name (이 and 리 are both Lee), while two characters of one reading are
// two names. A character and its simplified or traditional form (陈, 陳)
// are the same character.
func sameScript(a, b *token, s float64) float64 {
	if a.src != srcHan {
		return s
	}
	ra, rb := []rune(a.orig), []rune(b.orig)
	if len(ra) != len(rb) {
		return s // read from other characters in another division: leave to the reading
	}
	same := 0.0
	for i := range ra {
		switch {
		case ra[i] == rb[i], hanVariants(ra[i], rb[i]):
			same++
		default:
			same += homophoneSim
		}
	}
	return s * same / float64(len(ra))
}

// gb2312 is the set of Chinese characters of GB 2312, the simplified
// character set: its rows 16 to 87 (EUC-CN bytes 0xB0A1 to 0xF7FE), read
// once when first needed.
var gb2312 = sync.OnceValue(func() map[rune]bool {
	set := make(map[rune]bool, 6763)
	dec := simplifiedchinese.GBK.NewDecoder()
	for hi := 0xB0; hi <= 0xF7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			s, err := dec.String(string([]byte{byte(hi), byte(lo)}))
			if r, _ := utf8.DecodeRuneInString(s); err == nil && isHan(r) {
				set[r] = true
			}
		}
	}
	return set
})

// hanVariants reports whether two different characters may be one
// character's simplified and traditional forms: exactly one of them is in
// GB 2312, the simplified character set (陈 and 陳, 国 and 國). Two
// characters both in it (河 and 鹤), or both outside it, are two
// characters. A traditional character against a simplified homophone of
// another (鶴 against 河) passes for a variant: without a table of
// variants the two cannot be told apart, and a variant missed would miss
// a listed party written in the other set.
func hanVariants(x, y rune) bool {
	gb := gb2312()
	return gb[x] != gb[y]
}
