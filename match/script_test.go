package match

import (
	"testing"

	"warden"
)

// TestEveryScriptRead checks that a name in each of many scripts has a
// script of its own by scriptOf and a non-empty Latin reading.
func TestEveryScriptRead(t *testing.T) {
	seen := map[string]string{}
	for _, c := range []struct{ name, script string }{
		{"ทักษิณ ชินวัตร", "Thai"},
		{"ហ៊ុន សែន", "Khmer"},
		{"ສີສຸລິດ ວົງສະລິດ", "Lao"},
		{"בנימין נתניהו", "Hebrew"},
		{"ბიძინა ივანიშვილი", "Georgian"},
		{"Նիկոլ Փաշինյան", "Armenian"},
		{"नरेन्द्र मोदी", "Devanagari"},
		{"শেখ হাসিনা", "Bengali"},
		{"மகிந்த ராஜபக்ச", "Tamil"},
		{"ዐቢይ አሕመድ", "Ethiopic"},
		{"すずき いちろう", "Hiragana"},
		{"ウラジーミル・プーチン", "Katakana"},
		{"ᠴᠢᠩᠭᠢᠰ ᠬᠠᠭᠠᠨ", "Mongolian"},
		{"မင်းအောင်လှိုင်", "Myanmar"},
		{"මහින්ද රාජපක්ෂ", "Sinhala"},
		{"ཏཱ་ལའི་བླ་མ", "Tibetan"},
		{"ਅੰਮ੍ਰਿਤਪਾਲ ਸਿੰਘ", "Gurmukhi"},
		{"ދިވެހި", "Thaana"},
		{"김영철", "Hang"},
		{"Γιάνης Βαρουφάκης", "Grek"},
	} {
		f := fold(c.name)
		if got := scriptOf(f); got != c.script {
			t.Errorf("scriptOf(%s) = %q, want %q", c.name, got, c.script)
		}
		if other, ok := seen[c.script]; ok {
			t.Errorf("%s and %s both %s", c.name, other, c.script)
		}
		seen[c.script] = c.name
		rs := readings(f, "")
		if len(rs) == 0 || len(words(rs[0])) == 0 || scriptOf(rs[0]) != "Latn" {
			t.Errorf("%s: reading %q, want Latin words", c.name, rs)
		}
	}
}

// TestOtherScriptsCompare compares real people's names in their own
// script with their usual Latin spelling.
func TestOtherScriptsCompare(t *testing.T) {
	for _, c := range []struct{ script, latin string }{
		{"ბიძინა ივანიშვილი", "Bidzina Ivanishvili"},
		{"მიხეილ სააკაშვილი", "Mikheil Saakashvili"},
		{"ირაკლი კობახიძე", "Irakli Kobakhidze"},
		{"Նիկոլ Փաշինյան", "Nikol Pashinyan"},
		{"Ռոբերտ Քոչարյան", "Robert Kocharyan"},
		{"בנימין נתניהו", "Benjamin Netanyahu"},
		{"नरेन्द्र मोदी", "Narendra Modi"},
		{"गौतम अदाणी", "Gautam Adani"},
		{"ਅੰਮ੍ਰਿਤਪਾਲ ਸਿੰਘ", "Amritpal Singh"},
		{"මහින්ද රාජපක්ෂ", "Mahinda Rajapaksa"},
		{"すずき いちろう", "Suzuki Ichiro"},
		{"ዐቢይ አሕመድ", "Abiy Ahmed"},
		{"Γιάνης Βαρουφάκης", "Yanis Varoufakis"},
		{"ประวิตร วงษ์สุวรรณ", "Prawit Wongsuwan"},
		{"สมชาย วงศ์สวัสดิ์", "Somchai Wongsawat"},
		{"อนุทิน", "Anutin"},
		{"ហ៊ុន សែន", "Hun Sen"},
		{"ኃይለ ሥላሴ", "Haile Selassie"},
		{"வேலுப்பிள்ளை பிரபாகரன்", "Velupillai Prabhakaran"},
		{"မင်းအောင်လှိုင်", "Min Aung Hlaing"},
		{"သန်းရွှေ", "Than Shwe"},
		{"ทักษิณ ชินวัตร", "Thaksin Shinawatra"},
		{"ยิ่งลักษณ์ ชินวัตร", "Yingluck Shinawatra"},
		{"ハッサン・ロウハーニー", "Hassan Rouhani"},
	} {
		if got := Compare(warden.SchemaPerson, c.script, c.latin, DefaultThreshold, nil); got.Score < 0.85 {
			t.Errorf("%s against %s: %.3f", c.script, c.latin, got.Score)
		}
	}
}

// TestOtherScriptsDiffer compares real people's names in their own
// script with the Latin names of others who share a name word with them.
func TestOtherScriptsDiffer(t *testing.T) {
	for _, c := range []struct{ script, latin string }{
		{"ประวิตร วงษ์สุวรรณ", "Prayut Chan-o-cha"},
		{"สมชาย วงศ์สวัสดิ์", "Prawit Wongsuwan"},
		{"ហ៊ុន សែន", "Hun Manet"},
		{"မင်းအောင်လှိုင်", "Min Aung Myint"},
		{"စိုးဝင်း", "Min Aung Hlaing"},
		{"ยิ่งลักษณ์ ชินวัตร", "Thaksin Shinawatra"},
		{"ኃይለ ሥላሴ", "Haile Gebrselassie"},
		{"ハッサン・ロウハーニー", "Hassan Nasrallah"},
	} {
		if got := Compare(warden.SchemaPerson, c.script, c.latin, DefaultThreshold, nil); got.Match {
			t.Errorf("%s against %s: %.3f, a match", c.script, c.latin, got.Score)
		}
	}
}

// TestThaiReading checks the RTGS reading of Thai words (final
// consonants, silent letters, unwritten vowels, clusters) and, where
// given, their learned reading, letter by letter.
func TestThaiReading(t *testing.T) {
	for _, c := range []struct{ in, want, learned string }{
		{"ทักษิณ", "thaksin", "thaksin"},     // ก final k, ณ final n
		{"ชินวัตร", "chinwat", "chinawatra"}, // ตร ending a word: only t said; learned, each consonant with a
		{"มิตร", "mit", "mitra"},             // learned: the last consonant keeps its a
		{"ประยุทธ์", "prayut", ""},           // ธ์ silent, ท final t
		{"จันทร์โอชา", "chanocha", ""},       // ทร์ silent after final น
		{"ยิ่งลักษณ์", "yinglak", ""},        // tone mark, ษณ์ silent
		{"วงษ์สุวรรณ", "wongsuwan", ""},      // unwritten o, รร a
		{"สมชาย", "somchai", "somchai"},      // unwritten o, ย final i
		{"สวัสดิ์", "sawat", ""},             // ดิ์ silent with its vowel
		{"เปรม", "prem", ""},                 // a leading vowel after the cluster
	} {
		if got := thaiReading(c.in, false); got != c.want {
			t.Errorf("thaiReading(%s) = %q, want %q", c.in, got, c.want)
		}
		if c.learned == "" {
			continue
		}
		if got := thaiReading(c.in, true); got != c.learned {
			t.Errorf("thaiReading(%s) learned = %q, want %q", c.in, got, c.learned)
		}
	}
}

// TestAnyReading checks what anyReading puts right in unidecode's
// reading.
func TestAnyReading(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"नरेन्द्र मोदी", "narendr modii"},     // vowel signs kept, inherent a
		{"गौतम", "gautam"},                     // no a at the end of a word
		{"አሕመድ", "ahhmad"},                     // sixth order without e
		{"ბიძინა", "bidzina"},                  // Georgian national system
		{"ფაშინյան", "pashinyan"},              // Georgian and Armenian letters
		{"แพทองธาร", "phaetongthan"},           // Thai: the leading vowel read after, final ร n
		{"ハッサン", "hassan"},                     // small tsu doubles the consonant
		{"キョウコ", "kyouko"},                     // small yo makes one syllable
		{"ティム", "timu"},                        // small i is the vowel
		{"ሥላሴ", "selase"},                      // first syllable keeps its vowel; long vowels single
		{"ហ៊ុន ម៉ាណែត", "hun manet"},           // Khmer long vowels and n single
		{"வேலுப்பிள்ளை", "veluppillai"},        // Tamil long vowels and l single
		{"பிரபாகரன்", "prapakaran"},            // Tamil: no i in a first cluster
		{"မင်းအောင်လှိုင်", "min aung hlaing"}, // Burmese: a word a syllable, read by its sound
		{"ထွန်းမြင့်", "htun myin"},            // ွန် un, a tone mark before asat
		{"သန်းရွှေ", "than shwe"},              // ရှ sh
		{"プーチン", "puchin"},                     // kana voicing kept
	} {
		if got := anyReading(fold(c.in), false); got != c.want {
			t.Errorf("anyReading(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestHanHomophones checks that two Chinese names read alike but written
// with different characters are different people, while the same name in
// simplified and traditional characters, and a Latin spelling against
// characters, meet in full.
func TestHanHomophones(t *testing.T) {
	for _, c := range []struct {
		a, b string
		min  float64
		max  float64
	}{
		{"王云鹤", "王云河", 0, 0.85}, // a homophone in the given name
		{"王云鹤", "汪云鹤", 0, 0.85}, // a homophone family name
		{"王鹤", "王河", 0, 0.85},
		{"张伟", "張偉", 1, 1}, // simplified and traditional
		{"陈全国", "陳全國", 1, 1},
		{"王云鹤", "王云鹤", 1, 1},
		{"王云鹤", "Wang Yunhe", 1, 1},
		{"习近平", "XI Jinping", 1, 1},
	} {
		got := Compare(warden.SchemaPerson, c.a, c.b, DefaultThreshold, nil)
		if got.Score < c.min || got.Score >= c.max && c.max < 1 {
			t.Errorf("%s against %s: %.3f, want in [%.2f, %.2f]", c.a, c.b, got.Score, c.min, c.max)
		}
	}
}

// TestHanOrigs checks that each word read from Chinese characters carries
// the characters it was read from.
func TestHanOrigs(t *testing.T) {
	for _, c := range []struct {
		in     string
		schema warden.Schema
		want   map[string]string
	}{
		{"陈全国", warden.SchemaPerson, map[string]string{"chen": "陈", "quanguo": "全国"}},
		{"欧阳修文", warden.SchemaPerson, map[string]string{"ouyang": "欧阳", "xiuwen": "修文"}},
		{"华为技术有限公司", warden.SchemaCompany, map[string]string{"huawei": "华为", "technology": ""}},
	} {
		n := prepare(c.in, warden.NamePrimary, c.schema)
		for _, tk := range n.readings[0] {
			if want, ok := c.want[tk.text]; ok && tk.orig != want {
				t.Errorf("%s: %s has orig %q, want %q", c.in, tk.text, tk.orig, want)
			}
			delete(c.want, tk.text)
		}
		if len(c.want) > 0 {
			t.Errorf("%s: words %v not read", c.in, c.want)
		}
	}
}
