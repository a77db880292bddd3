package match

import "strings"

// Thai in the Royal Thai General System (RTGS), the spelling Thai
// passports and most lists use. unidecode reads Thai letter by letter,
// which leaves out what the script does not write and writes what it
// does not say; thaiReading reads a word as it is said:
//
//   - a consonant ends a syllable when a vowel comes before it and none
//     after it, and is then read by its final sound (ร, ณ, น, ล as n; ต,
//     ท, ษ, ส as t; ก, ข, ค as k; ป, พ, บ as p): วัตร is wat;
//   - only the first of two consonants ending a word is said (วิตร =
//     wit), and a consonant marked ์ (thanthakhat) is silent, with a
//     consonant before it that follows a final one (จันทร์ = chan,
//     ลักษณ์ = lak);
//   - a consonant with no vowel written is said with o before a final
//     consonant (วง = wong, สม = som) and with a otherwise, except in
//     the clusters of ก ข ค ต ป ผ พ with ร ล ว (ประ = pra); อ and ว
//     between two consonants are the vowels o and ua, รร is a (สุวรรณ =
//     suwan);
//   - vowels written before their consonant (เ แ โ ใ ไ) are read after
//     it, or after the cluster it begins; tone marks are not written.
//
// Names from Pali and Sanskrit are also spelt in Latin letters as they
// are written, each consonant with the vowel a that Pali gives it (ชินวัตร
// = Shinawatra, not Chinnawat; มิตร = Mitra): read learned, a word's last
// consonant after a final one, and a final n, m or l before a syllable,
// keep that a.
func thaiReading(w string, learned bool) string {
	rs := thaiClean([]rune(w))
	var b strings.Builder
	vowel, final := false, false // a vowel was last said; a final consonant was
	written := false             // the vowel last said was written
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if v, ok := thaiVowels[r]; ok {
			b.WriteString(v)
			vowel, final, written = true, false, true
			continue
		}
		init, isCons := thaiInitials[r]
		if !isCons {
			b.WriteRune(r)
			continue
		}
		wasWritten := written
		written = false
		next, after := thaiAt(rs, i+1), thaiAt(rs, i+2)
		_, nextVowel := thaiVowels[next]
		_, nextCons := thaiInitials[next]
		_, afterCons := thaiInitials[after]
		switch {
		case nextVowel:
			b.WriteString(init)
			vowel, final = false, false
		case next == 'ร' && after == 'ร':
			b.WriteString(init + "a")
			i += 2
			if thaiAt(rs, i+1) == 0 {
				b.WriteByte('n')
				vowel, final = false, true
			} else {
				vowel, final = true, false
			}
		case vowel && wasWritten && learned && strings.ContainsRune("นณมล", r) && nextCons && isThaiVowel(after):
			b.WriteString(init + "a")
			vowel, final = true, false
		case vowel:
			b.WriteString(thaiFinals[r])
			vowel, final = false, true
		case final && next == 0:
			// The second consonant ending a word is not said.
			if learned {
				b.WriteString(init + "a")
			}
		case r == 'ห' && next != 0 && strings.ContainsRune("งญนมยรลว", next) && after != 0:
			// ห before a sonorant only marks its tone.
		case strings.ContainsRune("กขคตปผพ", r) && strings.ContainsRune("รลว", next) && isThaiVowel(after):
			b.WriteString(init) // a cluster: the vowel follows its second letter
			vowel, final = false, false
		case nextCons && next == 'อ' && (afterCons || after == 0):
			b.WriteString(init + "o")
			i++
			vowel, final = true, false
		case nextCons && next == 'ว' && afterCons && thaiAt(rs, i+3) == 0:
			b.WriteString(init + "ua")
			i++
			vowel, final = true, false
		case nextCons && (afterCons || after == 0):
			b.WriteString(init + "o")
			vowel, final = true, false
		case nextCons:
			b.WriteString(init + "a")
			vowel, final = true, false
		default:
			b.WriteString(init)
			vowel, final = false, false
		}
	}
	return b.String()
}

// thaiClean drops from a Thai word what is not said (tone marks, silent
// consonants marked ์ and a consonant before them that follows a final
// one) and moves each vowel written before its consonant after it, or
// after the cluster it begins.
func thaiClean(in []rune) []rune {
	var rs []rune
	for _, r := range in {
		switch {
		case r >= 0x0E47 && r <= 0x0E4B || r == 0x0E4D || r == 0x0E4E || r == 'ๆ':
		case r == 0x0E4C: // thanthakhat: the consonant before is silent
			for len(rs) > 0 && isThaiVowel(rs[len(rs)-1]) {
				rs = rs[:len(rs)-1] // สวัสดิ์: the vowel of a silent consonant
			}
			if n := len(rs); n > 0 {
				rs = rs[:n-1]
				if n >= 4 && isThaiCons(rs[n-2]) && isThaiCons(rs[n-3]) && isThaiVowel(rs[n-4]) {
					rs = rs[:n-2]
				}
			}
		default:
			rs = append(rs, r)
		}
	}
	for j := 0; j+1 < len(rs); j++ {
		if !leadingVowel(rs[j]) || !isThaiCons(rs[j+1]) {
			continue
		}
		k := j + 1
		if k+1 < len(rs) && strings.ContainsRune("กขคตปผพ", rs[k]) && strings.ContainsRune("รลว", rs[k+1]) {
			k++
		}
		v := rs[j]
		copy(rs[j:k], rs[j+1:k+1])
		rs[k] = v
		j = k
	}
	return rs
}

// thaiAt is rs[i], or 0 past the end.
func thaiAt(rs []rune, i int) rune {
	if i < len(rs) {
		return rs[i]
	}
	return 0
}

func isThaiCons(r rune) bool { _, ok := thaiInitials[r]; return ok }

func isThaiVowel(r rune) bool { _, ok := thaiVowels[r]; return ok }

// thaiInitials and thaiFinals read Thai consonants starting and ending a
// syllable (RTGS).
var thaiInitials, thaiFinals = func() (map[rune]string, map[rune]string) {
	in, fi := map[rune]string{}, map[rune]string{}
	initials := strings.Fields("k kh kh kh kh kh ng ch ch ch s ch y d t th th th n d t th th th n b p ph f ph f ph m y r rue l lue w s s s h l - h")
	finals := strings.Fields("k k k k k k ng t - t t - n t t t t t n t t t t t n p p - - p p p m i n - n - o t t t - n - -")
	for i := range initials {
		r := rune(0x0E01 + i) // ก to ฮ, in order
		in[r], fi[r] = strings.Trim(initials[i], "-"), strings.Trim(finals[i], "-")
	}
	return in, fi
}()

// thaiVowels read Thai vowel signs (those written before their consonant
// once moved after it).
var thaiVowels = map[rune]string{
	'ะ': "a", 'ั': "a", 'า': "a", 'ำ': "am", 'ิ': "i", 'ี': "i", 'ึ': "ue", 'ื': "ue", 'ุ': "u", 'ู': "u",
	'เ': "e", 'แ': "ae", 'โ': "o", 'ใ': "ai", 'ไ': "ai", 'ๅ': "",
}
