package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"warden"
	"warden/internal/zxcvbn"
)

// Cost is an argon2id cost: Memory in KiB, Time in passes.
type Cost struct {
	Memory, Time uint32
}

// HashCost is the cost new hashes are made with: OWASP's recommended
// minimum (19 MiB, 2 passes, one lane), about 30 ms a hash on this
// project's machine. Each hash keeps its own cost, so raising it
// invalidates no password. The tests of packages that sign many people in
// lower it (a hash takes most of a second under the race detector);
// nothing else should.
var HashCost = Cost{Memory: 19 * 1024, Time: 2}

// The argon2id lanes and key length of new hashes.
const (
	argonThreads = 1
	argonKeyLen  = 32
)

// Password limits: long enough to be a passphrase, short enough that
// hashing cannot be turned into a denial of service.
const (
	minPassword = 12
	maxPassword = 256
)

// Strength: zxcvbn's score (0 to 4) must reach minScore, "safely
// unguessable" (about 10^10 guesses). Only the first scoredRunes are
// scored, which bounds its time (it grows faster than the length) and
// loses nothing: a longer password is at least as strong as its start.
// zxcvbn reads bytes and knows Latin patterns only, so a password must
// also hold minDistinct different characters and, with every run of
// three or more of one character counted once, still minPassword of them:
// rules that hold in every script.
const (
	minScore    = 3
	scoredRunes = 64
	minDistinct = 6
)

// commonWords are the commonest passwords of languages zxcvbn's English
// lists miss ("password" in Russian, German, French, Spanish, Portuguese,
// Dutch, Polish, Italian, Finnish; Chinese pinyin "mima" and "woaini", "I
// love you"), given to zxcvbn as dictionary words.
var commonWords = []string{"пароль", "passwort", "kennwort", "motdepasse", "contraseña", "contrasena", "senha", "wachtwoord", "haslo", "hasło", "parola", "salasana", "mima", "woaini"}

// layouts map the keys of other common keyboard layouts (folded, so lower
// case) to the QWERTY keys at the same places, so that zxcvbn, which knows
// QWERTY's rows, sees their rows as the keyboard runs they are: Russian
// ЙЦУКЕН (йцукенгшщзхъ is qwertyuiop[], and пароль typed on it gfhjkm, a
// common password), German QWERTZ and French AZERTY (with its digit row
// unshifted).
var layouts = []*strings.Replacer{
	strings.NewReplacer(
		"й", "q", "ц", "w", "у", "e", "к", "r", "е", "t", "н", "y", "г", "u", "ш", "i", "щ", "o", "з", "p", "х", "[", "ъ", "]",
		"ф", "a", "ы", "s", "в", "d", "а", "f", "п", "g", "р", "h", "о", "j", "л", "k", "д", "l", "ж", ";", "э", "'",
		"я", "z", "ч", "x", "с", "c", "м", "v", "и", "b", "т", "n", "ь", "m", "б", ",", "ю", ".", "ё", "`"),
	strings.NewReplacer("z", "y", "y", "z", "ü", "[", "ö", ";", "ä", "'", "ß", "-"),
	strings.NewReplacer("a", "q", "q", "a", "z", "w", "w", "z", "m", ";", "ù", "'", ",", "m", ";", ",", ":", ".", "!", "/",
		"&", "1", "é", "2", "\"", "3", "'", "4", "(", "5", "-", "6", "è", "7", "_", "8", "ç", "9", "à", "0"),
}

// CheckPassword rejects a password for person name that is too short or
// too long, holds control characters (NUL, tab, newline: they do not
// survive every terminal and form alike) or invisible ones (format and
// default-ignorable characters such as a zero-width space: a password no
// one can read back), or is easy to guess. It judges the password as
// typed forms of it compare: folded (NFKC, so full-width "１２３" is "123"
// and a no-break space a space; and case-folded), and that again without
// its spaces ("a b c d e f g h" is "abcdefgh"). Easy to guess is: only
// spaces; fewer than minDistinct different characters; one character
// repeated (in any script) so that little else is left; a short unit
// repeated, or repeated with a steady change ("x1x2x3x4x5x6x7", see
// predictable); or what zxcvbn (Dropbox's estimator, with its lists of
// common passwords, names and words) scores below minScore, as typed and
// as the same keys read on QWERTY from the Russian, German and French
// layouts: common passwords (commonWords in other languages too),
// sequences such as 123456789012, keyboard runs, dates, words with
// predictable changes, and names: the person's own, and those in others
// (whoever chooses the password, the other people).
func CheckPassword(name, pw string, others ...string) error {
	if n := utf8.RuneCountInString(pw); n < minPassword || len(pw) > maxPassword {
		return warden.Errorf(warden.EINVALID, "a password needs %d to %d characters", minPassword, maxPassword)
	}
	if !utf8.ValidString(pw) || strings.ContainsFunc(pw, unicode.IsControl) {
		return warden.Errorf(warden.EINVALID, "a password cannot hold control characters")
	}
	if strings.ContainsFunc(pw, invisible) {
		return warden.Errorf(warden.EINVALID, "a password cannot hold invisible characters (zero-width, format or default-ignorable ones)")
	}
	const weak = "this password is too easy to guess (%s); four or more unrelated words make a good one"
	folded := fold(pw)
	if strings.TrimFunc(folded, unicode.IsSpace) == "" {
		return warden.Errorf(warden.EINVALID, weak, "only spaces")
	}
	distinct := map[rune]bool{}
	for _, r := range folded {
		distinct[r] = true
	}
	if len(distinct) < minDistinct {
		return warden.Errorf(warden.EINVALID, weak, fmt.Sprintf("fewer than %d different characters", minDistinct))
	}
	if utf8.RuneCountInString(collapseRuns(folded)) < minPassword {
		return warden.Errorf(warden.EINVALID, weak, "one character repeated")
	}
	inputs := []string{fold(name)}
	for _, o := range others {
		inputs = append(inputs, fold(o))
	}
	inputs = append(inputs, commonWords...)
	inputs = append(inputs, "warden")
	for _, form := range []string{folded, strings.Join(strings.Fields(folded), "")} {
		if predictable(form) {
			return warden.Errorf(warden.EINVALID, weak, "a short part repeated, or repeated with a steady change")
		}
		if r := []rune(form); len(r) > scoredRunes {
			form = string(r[:scoredRunes])
		}
		for _, typed := range typings(form) {
			if zxcvbn.PasswordStrength(typed, inputs).Score < minScore {
				return warden.Errorf(warden.EINVALID, weak, "a common password, a name, a repeated character, a sequence or a keyboard run")
			}
		}
	}
	return nil
}

// typings returns s and, for each of the layouts that changes it, the
// keys that type s on that layout read on QWERTY.
func typings(s string) []string {
	out := []string{s}
	for _, l := range layouts {
		if t := l.Replace(s); t != s {
			out = append(out, t)
		}
	}
	return out
}

// predictable reports whether s is a unit repeated, the unit at most half
// of s ("admin2admin2admin2"), or a unit repeated at least three times
// with each of its places changing by the same step every time: a letter
// or digit counting up ("x1x2x3x4x5x6x7", "a1b1c1d1", counting past 9 too:
// "x8x9x10x11"). Runs of digits count as one number for the second.
func predictable(s string) bool {
	r := []rune(s)
	v := make([]int, len(r))
	for i, c := range r {
		v[i] = int(c)
	}
	return progression(v) || progression(numbers(r))
}

// numberBase sets numbers apart from characters in what numbers returns.
const numberBase = 1 << 40

// numbers returns r as a sequence of values: each character's code point,
// but a run of up to nine ASCII digits as one value, numberBase plus the
// number it writes.
func numbers(r []rune) []int {
	var v []int
	for i := 0; i < len(r); {
		j := i
		for j < len(r) && j-i < 9 && r[j] >= '0' && r[j] <= '9' {
			j++
		}
		if j == i {
			v = append(v, int(r[i]))
			i++
			continue
		}
		n, _ := strconv.Atoi(string(r[i:j]))
		v = append(v, numberBase+n)
		i = j
	}
	return v
}

// progression reports whether v has a period p such that each value
// differs from the one p earlier by a step that depends only on its place
// in the period: a repetition (every step 0, p at most half of v) or a
// progression (p at most a third of v, so that every step is seen at
// least twice).
func progression(v []int) bool {
	for p := 1; p <= len(v)/2; p++ {
		same, steady := true, 3*p <= len(v)
		for i := p; i < len(v) && (same || steady); i++ {
			d := v[i] - v[i-p]
			same = same && d == 0
			steady = steady && (i < 2*p || d == v[i-p]-v[i-2*p])
		}
		if same || steady {
			return true
		}
	}
	return false
}

// invisible reports whether r is drawn as nothing: a format character
// (zero-width space and joiners, soft hyphen, bidirectional controls) or
// another default-ignorable one (variation selectors, Hangul fillers).
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// fold returns s as its typed forms compare: compatibility-normalised
// (NFKC) and case-folded.
func fold(s string) string {
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s)))
}

// collapseRuns returns s with every run of three or more of one
// character shortened to one.
func collapseRuns(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i := 0; i < len(r); {
		j := i
		for j < len(r) && r[j] == r[i] {
			j++
		}
		n := j - i
		if n >= 3 {
			n = 1
		}
		b.WriteString(strings.Repeat(string(r[i]), n))
		i = j
	}
	return b.String()
}

// HashPassword returns pw's argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	c := HashCost
	key := argon2.IDKey([]byte(pw), salt, c.Time, c.Memory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches hash, in time that does not
// depend on where they differ.
func VerifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when a login names no user, so that an
// unknown name takes as long as a wrong password. It is hashed on first
// use, not at start-up: hashing costs what a login does (argon2), which
// every command would pay.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a password of anyone")
	return h
})
