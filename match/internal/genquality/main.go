// Command genquality writes the labelled name pairs of the matching-quality
// benchmark (match/testdata/quality/pairs.csv, measured by TestQualityBench).
//
// The pairs are made from the real lists' names in the shared data folder
// (OFAC sdn.csv, the UN consolidated list, the US Consolidated Screening List
// and OpenSanctions' Ukraine war sanctions) by variations whose label follows
// from how they were made (a surname with two letters swapped is the same
// party; two listed persons sharing a family name are not), plus the pairs
// written by hand in manual.csv (Persian, other scripts, Traditional Chinese),
// which are merged in. The random choices use a fixed seed, so the same data
// gives the same file.
//
// Usage (from match/, see the go:generate line in qualitybench_test.go):
//
//	go run ./internal/genquality -data ../../shared/data -out testdata/quality/pairs.csv
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/xml"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// perSide is how many positive and how many negative pairs a generated
// category gets (fewer when the lists do not have enough names of its kind).
const perSide = 20

// pair is one labelled row of the benchmark.
type pair struct {
	category, schema, query, listed string
	match                           bool
	note                            string
}

// person is a listed individual as "SURNAME, Given names" splits it.
type person struct {
	listed  string   // the name as the list writes it
	surname string   // family name as listed (may hold several words)
	given   []string // given names
	program string
}

// gen holds the loaded names and the random source.
type gen struct {
	rnd     *rand.Rand
	persons []person    // OFAC individuals written "SURNAME, Given"
	orgs    []string    // OFAC entity names
	cslOrgs []string    // CSL entity names (Entity List and others)
	un      []unName    // UN names with an original-script form
	russian [][2]string // OpenSanctions persons: Latin name, Cyrillic alias
	nick    map[string][]string
	out     []pair
	seen    map[[2]string]bool
}

func main() {
	data := flag.String("data", "../../shared/data", "shared data folder")
	manual := flag.String("manual", "internal/genquality/manual.csv", "hand-written pairs to merge")
	out := flag.String("out", "testdata/quality/pairs.csv", "output file")
	flag.Parse()
	g := &gen{seen: map[[2]string]bool{}}
	if err := g.load(*data); err != nil {
		log.Fatal(err)
	}
	if err := g.readManual(*manual); err != nil {
		log.Fatal(err)
	}
	for _, c := range []struct {
		name string
		make func()
	}{
		{"hangul", g.hangul}, {"han-homophone", g.hanHomophone}, {"transposition", g.transposition},
		{"typo", g.typo}, {"short-surname", g.shortSurname}, {"nickname", g.nickname},
		{"legal-form", g.legalForm}, {"numeral", g.numeral}, {"abbreviation", g.abbreviation},
		{"generic", g.generic}, {"same-surname", g.sameSurname}, {"cyrillic", g.cyrillic},
		{"arabic", g.arabic}, {"order", g.order}, {"initials", g.initials},
	} {
		// Each category draws from its own stream, so that changing one
		// leaves the pairs of the others as they were.
		g.rnd = rand.New(rand.NewPCG(15, uint64(crc32.ChecksumIEEE([]byte(c.name)))))
		c.make()
	}
	if err := g.write(*out); err != nil {
		log.Fatal(err)
	}
}

// add records a pair once; a pair made twice (or its mirror) is dropped.
func (g *gen) add(cat, schema, q, l string, m bool, note string) bool {
	k := [2]string{q, l}
	if q == "" || l == "" || g.seen[k] || g.seen[[2]string{l, q}] {
		return false
	}
	g.seen[k] = true
	g.out = append(g.out, pair{cat, schema, q, l, m, note})
	return true
}

// write saves the pairs as CSV with a header.
func (g *gen) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"category", "schema", "query", "listed", "match", "note"})
	for _, p := range g.out {
		m := "0"
		if p.match {
			m = "1"
		}
		w.Write([]string{p.category, p.schema, p.query, p.listed, m, p.note})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// readManual merges the hand-written pairs; they come first.
func (g *gen) readManual(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	for i, r := range rows[1:] {
		if len(r) != 6 || (r[4] != "0" && r[4] != "1") {
			return fmt.Errorf("%s: row %d: want 6 columns and match 0 or 1", path, i+2)
		}
		g.add(r[0], r[1], r[2], r[3], r[4] == "1", r[5])
	}
	return nil
}

// ---- loading ----

// load reads the lists and reference data the pairs are made from.
func (g *gen) load(dir string) error {
	if err := g.loadOFAC(filepath.Join(dir, "ofac/sdn.csv")); err != nil {
		return err
	}
	if err := g.loadCSL(filepath.Join(dir, "us_csl/consolidated.csv.gz")); err != nil {
		return err
	}
	if err := g.loadUN(filepath.Join(dir, "un/consolidated.xml")); err != nil {
		return err
	}
	if err := g.loadRussian(filepath.Join(dir, "opensanctions/ua_war_sanctions/targets.simple.csv")); err != nil {
		return err
	}
	return g.loadNicknames(filepath.Join(dir, "reference/nicknames.csv"))
}

// loadOFAC reads OFAC sdn.csv (no header, a trailing Ctrl-Z).
func (g *gen) loadOFAC(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	r := csv.NewReader(strings.NewReader(strings.TrimRight(string(b), "\x1a")))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	for _, row := range rows {
		if len(row) < 4 {
			continue
		}
		name, typ := row[1], strings.TrimSpace(row[2])
		switch typ {
		case "individual":
			sur, giv, ok := strings.Cut(name, ", ")
			if !ok || strings.ContainsAny(giv, ",()") {
				continue
			}
			g.persons = append(g.persons, person{listed: name, surname: sur, given: strings.Fields(giv), program: row[3]})
		case "-0-":
			g.orgs = append(g.orgs, name)
		}
	}
	return nil
}

// loadCSL reads the non-SDN entities of the US Consolidated Screening List.
func (g *gen) loadCSL(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	r := csv.NewReader(z)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if row[col["type"]] == "Entity" && row[col["source"]] != "Specially Designated Nationals (SDN) - Treasury Department" {
			g.cslOrgs = append(g.cslOrgs, row[col["name"]])
		}
	}
	return nil
}

// unName is a UN-listed name with its original-script form.
type unName struct {
	latin, original string
	person          bool
}

// loadUN reads the UN names that have an original-script form.
func (g *gen) loadUN(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var doc struct {
		Individuals []struct {
			First    string `xml:"FIRST_NAME"`
			Second   string `xml:"SECOND_NAME"`
			Third    string `xml:"THIRD_NAME"`
			Fourth   string `xml:"FOURTH_NAME"`
			Original string `xml:"NAME_ORIGINAL_SCRIPT"`
		} `xml:"INDIVIDUALS>INDIVIDUAL"`
		Entities []struct {
			First    string `xml:"FIRST_NAME"`
			Original string `xml:"NAME_ORIGINAL_SCRIPT"`
		} `xml:"ENTITIES>ENTITY"`
	}
	if err := xml.NewDecoder(bufio.NewReader(f)).Decode(&doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, i := range doc.Individuals {
		if i.Original == "" {
			continue
		}
		latin := strings.Join(strings.Fields(strings.Join([]string{i.First, i.Second, i.Third, i.Fourth}, " ")), " ")
		g.un = append(g.un, unName{latin, strings.TrimSpace(i.Original), true})
	}
	for _, e := range doc.Entities {
		if e.Original != "" {
			g.un = append(g.un, unName{strings.TrimSpace(e.First), strings.TrimSpace(e.Original), false})
		}
	}
	return nil
}

// loadRussian reads OpenSanctions persons with a Russian Cyrillic alias.
func (g *gen) loadRussian(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, row := range rows[1:] {
		if row[1] != "Person" {
			continue
		}
		for _, a := range strings.Split(row[3], ";") {
			// The Russian form (not the Ukrainian one, which has і, ї, є).
			if hasScript(a, unicode.Cyrillic) && !strings.ContainsAny(a, "іїєІЇЄ") {
				g.russian = append(g.russian, [2]string{row[2], a})
				break
			}
		}
	}
	return nil
}

// loadNicknames reads reference/nicknames.csv (name -> nicknames).
func (g *gen) loadNicknames(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	g.nick = map[string][]string{}
	for _, r := range rows[1:] {
		if r[1] == "has_nickname" {
			g.nick[r[0]] = append(g.nick[r[0]], r[2])
		}
	}
	return nil
}

// ---- helpers ----

// hasScript reports whether s has a letter of script t.
func hasScript(s string, t *unicode.RangeTable) bool {
	for _, r := range s {
		if unicode.Is(t, r) {
			return true
		}
	}
	return false
}

// title writes a word as a customer would type it: "KIM" -> "Kim".
func title(w string) string {
	var b strings.Builder
	up := true
	for _, r := range strings.ToLower(w) {
		if up {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(r)
		}
		up = r == '-' || r == ' ' || r == '\''
	}
	return b.String()
}

// letters reports whether w is made only of ASCII letters.
func letters(w string) bool {
	for _, r := range w {
		if r < 'A' || r > 'Z' && r < 'a' || r > 'z' {
			return false
		}
	}
	return w != ""
}

// shuffled returns the indexes 0..n-1 in a seeded random order.
func (g *gen) shuffled(n int) []int { return g.rnd.Perm(n) }

// personsWhere returns the listed persons for which ok holds, in a random order.
func (g *gen) personsWhere(ok func(person) bool) []person {
	var out []person
	for _, i := range g.shuffled(len(g.persons)) {
		if p := g.persons[i]; ok(p) {
			out = append(out, p)
		}
	}
	return out
}

// latinPerson: a person whose family and given names are plain Latin words.
func latinPerson(p person) bool {
	for _, w := range append(strings.Fields(p.surname), p.given...) {
		if !letters(strings.ReplaceAll(w, "-", "")) {
			return false
		}
	}
	return len(p.given) > 0
}

// otherGiven finds a listed person's given name that shares no word with p's.
func (g *gen) otherGiven(p person) []string {
	for range 1000 {
		o := g.persons[g.rnd.IntN(len(g.persons))]
		if latinPerson(o) && disjoint(o.given, p.given) && o.surname != p.surname {
			return o.given
		}
	}
	return nil
}

// shared counts the words of a also in b.
func shared(a, b []string) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}

// disjoint reports whether a and b share no word (ignoring case).
func disjoint(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x, y) {
				return false
			}
		}
	}
	return true
}

// natural writes a person as a customer would: given names then family name.
func natural(given []string, surname string) string {
	return title(strings.Join(given, " ")) + " " + title(surname)
}

// ---- categories ----

// hangulSyllable maps the McCune–Reischauer syllables (as OFAC writes them,
// without breves or apostrophes) of North Korean listed names to Hangul.
// Where one spelling stands for several syllables the commonest in names is
// taken (Yong 영, Song 성); either is a correct reading of the listed name.
var hangulSyllable = map[string]string{
	"kim": "김", "chol": "철", "ri": "리", "yong": "영", "il": "일", "song": "성", "jong": "정",
	"ho": "호", "pak": "박", "nam": "남", "man": "만", "kyong": "경", "chun": "춘", "choe": "최",
	"su": "수", "kwang": "광", "kang": "강", "jin": "진", "hyok": "혁", "won": "원", "chang": "창",
	"un": "은", "tong": "동", "min": "민", "hun": "훈", "yu": "유", "u": "우", "sung": "승",
	"sok": "석", "sang": "상", "ryong": "룡", "pyong": "병", "o": "오", "myong": "명", "mun": "문",
	"jon": "전", "jo": "조", "jang": "장", "hwang": "황", "hwan": "환", "hwa": "화", "chong": "종",
	"cho": "조", "yon": "연", "sun": "순", "sik": "식", "paek": "백", "ok": "옥", "kyu": "규",
	"ku": "구", "ko": "고", "kil": "길", "jun": "준", "hong": "홍", "han": "한", "gil": "길",
	"bong": "봉", "yun": "윤", "yo": "여", "ung": "웅", "uk": "욱", "tok": "덕", "thaek": "택",
	"thae": "태", "tae": "태", "sop": "섭", "son": "선", "so": "서", "sin": "신", "sam": "삼",
	"ryu": "류", "ryom": "렴", "ryol": "렬", "ryang": "량", "pu": "부", "pong": "봉", "phyong": "평",
	"pang": "방", "pae": "배", "pil": "필", "mu": "무", "kwon": "권", "kwak": "곽", "kuk": "국",
	"ki": "기", "ji": "지", "jae": "재", "ja": "자", "in": "인", "im": "임", "hyong": "형",
	"hwi": "휘", "hung": "흥", "hui": "희", "hak": "학", "hae": "해", "ha": "하", "gun": "군",
	"guk": "국", "gon": "건", "chu": "주", "cha": "차", "byong": "병", "bok": "복", "gwang": "광",
	"chae": "채", "hyon": "현", "gyong": "경", "dong": "동", "dok": "덕",
}

// hangulSurname: family names whose Hangul differs from the given-name syllable.
var hangulSurname = map[string]string{"chang": "장", "ri": "리", "o": "오", "yu": "유", "so": "서"}

// toHangul writes a North Korean name in Hangul, or "" if a syllable is unknown.
// Given-name syllables are written joined, the family name first, as in Korea.
func toHangul(p person) string {
	sur := strings.ToLower(p.surname)
	h, ok := hangulSurname[sur]
	if !ok {
		h, ok = hangulSyllable[sur]
	}
	if !ok {
		return ""
	}
	var given strings.Builder
	for _, w := range p.given {
		for _, s := range strings.Split(strings.ToLower(w), "-") {
			s = strings.ReplaceAll(s, "'", "")
			x, ok := hangulSyllable[s]
			if !ok {
				return ""
			}
			given.WriteString(x)
		}
	}
	return h + " " + given.String()
}

// revised maps McCune–Reischauer syllables of given names to Revised
// Romanization, and family names to the spellings South Korean passports
// commonly use (Park, Lee, Choi, Oh): how the same Korean may be typed.
var (
	revised = map[string]string{
		"chol": "cheol", "yong": "yeong", "hyok": "hyeok", "jong": "jeong", "song": "seong",
		"kyong": "gyeong", "pyong": "byeong", "myong": "myeong", "sok": "seok", "un": "eun",
		"kwang": "gwang", "kang": "gang", "sung": "seung", "tong": "dong", "pong": "bong",
		"tok": "deok", "son": "seon", "so": "seo", "hyon": "hyeon", "kyu": "gyu", "ku": "gu",
		"ko": "go", "kil": "gil", "thae": "tae", "thaek": "taek", "phyong": "pyeong",
		"ryol": "ryeol", "ryom": "ryeom", "yon": "yeon", "sop": "seop", "chun": "chun",
	}
	passportSurname = map[string]string{
		"pak": "Park", "ri": "Lee", "choe": "Choi", "o": "Oh", "jong": "Jung", "yun": "Yoon",
		"sin": "Shin", "ryu": "Yoo", "paek": "Baek", "kil": "Gil", "mun": "Moon", "jon": "Jeon",
		"yu": "Yoo", "ryom": "Yeom", "kim": "Gim",
	}
)

// toRevised writes a North Korean name as a South Korean passport would
// ("Lee Jeong-cheol"), or "" if nothing in it changes.
func toRevised(p person) string {
	sur := strings.ToLower(p.surname)
	s, ok := passportSurname[sur]
	if !ok || sur == "kim" && len(p.listed)%2 == 0 { // Gim for some Kims only
		s = title(sur)
	}
	var syl []string
	for _, w := range p.given {
		for _, x := range strings.Split(strings.ToLower(w), "-") {
			if r, ok := revised[x]; ok {
				x = r
			}
			syl = append(syl, x)
		}
	}
	out := s + " " + title(strings.Join(syl, "-"))
	as := strings.ReplaceAll(strings.ToLower(p.surname+" "+strings.Join(p.given, "-")), " ", "-")
	if strings.ReplaceAll(strings.ToLower(out), " ", "-") == as {
		return ""
	}
	return out
}

// hangul pairs North Korean listed names with the same names in Hangul and in
// South Korean spellings, and with another North Korean of the same family name.
func (g *gen) hangul() {
	nk := g.personsWhere(func(p person) bool {
		return strings.Contains(p.program, "DPRK") && toHangul(p) != ""
	})
	pos, neg := 0, 0
	for i, p := range nk {
		h := toHangul(p)
		if pos < perSide+10 {
			q := h
			if i%2 == 1 {
				q = strings.ReplaceAll(h, " ", "") // written without a space, as usual
			}
			if g.add("hangul", "Person", q, p.listed, true, "generated: Hangul of the OFAC DPRK name by syllable table") {
				pos++
			}
		}
		if neg < perSide+10 {
			// Another listed North Korean with the same family name and a
			// different given name is a different person.
			for _, o := range nk {
				if o.surname == p.surname && disjoint(o.given, p.given) && toHangul(o) != h {
					if g.add("hangul", "Person", h, o.listed, false, "generated: Hangul of one DPRK person vs another with the same family name") {
						neg++
					}
					break
				}
			}
		}
	}
	// The same names in Revised Romanization and passport spellings.
	rpos, rneg := 0, 0
	for _, p := range nk {
		r := toRevised(p)
		if r == "" {
			continue
		}
		if rpos < perSide/2 && g.add("hangul", "Person", r, p.listed, true, "generated: Revised Romanization / passport spelling of the DPRK name") {
			rpos++
			continue
		}
		for _, o := range nk {
			if rneg < perSide/2 && o.surname == p.surname && disjoint(o.given, p.given) {
				if g.add("hangul", "Person", r, o.listed, false, "generated: passport spelling of one DPRK person vs another with the same family name") {
					rneg++
				}
				break
			}
		}
	}
}

// hanNames are Chinese names in characters with their Pinyin (family name,
// given name); the first ones are OFAC-listed.
var hanNames = [][3]string{
	{"朱海仑", "Zhu", "Hailun"}, {"王明山", "Wang", "Mingshan"}, {"王君正", "Wang", "Junzheng"},
	{"李方伟", "Li", "Fangwei"}, {"霍流军", "Huo", "Liujun"}, {"张红卫", "Zhang", "Hongwei"},
	{"刘建国", "Liu", "Jianguo"}, {"陈伟华", "Chen", "Weihua"}, {"杨志勇", "Yang", "Zhiyong"},
	{"黄海涛", "Huang", "Haitao"}, {"赵文斌", "Zhao", "Wenbin"}, {"周丽萍", "Zhou", "Liping"},
	{"吴建军", "Wu", "Jianjun"}, {"徐明华", "Xu", "Minghua"}, {"孙立平", "Sun", "Liping"},
	{"马云飞", "Ma", "Yunfei"}, {"胡志强", "Hu", "Zhiqiang"}, {"郭伟东", "Guo", "Weidong"},
	{"何俊杰", "He", "Junjie"}, {"高红梅", "Gao", "Hongmei"}, {"林志明", "Lin", "Zhiming"},
	{"罗文杰", "Luo", "Wenjie"}, {"梁永康", "Liang", "Yongkang"}, {"宋海林", "Song", "Hailin"},
	{"谢国平", "Xie", "Guoping"}, {"韩立新", "Han", "Lixin"}, {"唐建华", "Tang", "Jianhua"},
	{"冯志刚", "Feng", "Zhigang"}, {"许文涛", "Xu", "Wentao"}, {"邓建明", "Deng", "Jianming"},
	{"曹国伟", "Cao", "Guowei"}, {"彭丽华", "Peng", "Lihua"},
}

// hanHomophones are groups of characters read alike in Pinyin (tones
// aside); a name with one replaced by another is another person's name.
var hanHomophones = [][]string{
	{"伟", "维", "卫", "威"}, {"明", "鸣", "铭"}, {"华", "化", "桦"}, {"军", "君", "钧", "俊", "峻"},
	{"平", "萍", "评"}, {"国", "果"}, {"林", "琳", "霖"}, {"杰", "洁", "捷"}, {"建", "剑", "健"},
	{"强", "蔷"}, {"丽", "立", "利", "莉", "力"}, {"红", "宏", "鸿", "洪"}, {"文", "雯", "闻"},
	{"志", "智", "治"}, {"勇", "永", "泳"}, {"涛", "韬", "滔"}, {"斌", "彬", "滨"}, {"山", "珊", "杉"},
	{"正", "政", "峥"}, {"方", "芳"}, {"流", "刘", "留"}, {"东", "冬", "栋"}, {"梅", "玫"},
	{"飞", "菲", "非"}, {"云", "芸"}, {"新", "欣", "馨"}, {"刚", "钢", "纲"}, {"仑", "伦", "轮"},
	{"海", "亥"}, {"康", "慷"},
}

// homophone returns another character of r's homophone group, or "".
func homophone(r string, rnd *rand.Rand) string {
	for _, grp := range hanHomophones {
		if i := slices.Index(grp, r); i >= 0 {
			j := (i + 1 + rnd.IntN(len(grp)-1)) % len(grp)
			return grp[j]
		}
	}
	return ""
}

// hanHomophone pairs Chinese names with themselves and with a homophone
// (another person); it also makes the han control pairs (characters vs Pinyin).
func (g *gen) hanHomophone() {
	for i, n := range hanNames {
		rs := []rune(n[0])
		// Positive: the same characters (with a space after the family name
		// every other time, as some forms write it).
		q := n[0]
		if i%2 == 1 {
			q = string(rs[:1]) + " " + string(rs[1:])
		}
		g.add("han-homophone", "Person", q, n[0], true, "generated: the same characters")
		// Negative: one given-name character replaced by a homophone.
		for _, k := range g.rnd.Perm(len(rs) - 1) {
			if h := homophone(string(rs[k+1]), g.rnd); h != "" {
				m := slices.Clone(rs)
				m[k+1] = []rune(h)[0]
				g.add("han-homophone", "Person", string(m), n[0], false, "generated: one character replaced by a homophone (same Pinyin, another person)")
				break
			}
		}
		// Control han: characters vs the listed Pinyin.
		if i < perSide {
			g.add("han", "Person", n[0], strings.ToUpper(n[1])+", "+n[2], true, "generated: characters vs Pinyin as lists write it")
			o := hanNames[(i+7)%len(hanNames)]
			g.add("han", "Person", n[0], strings.ToUpper(n[1])+", "+o[2], false, "generated: characters vs the same family name with another given name")
		}
	}
}

// swap returns w with the letters at i and i+1 exchanged.
func swap(w string, i int) string {
	b := []byte(w)
	b[i], b[i+1] = b[i+1], b[i]
	return string(b)
}

// transposition swaps two neighbouring letters of a listed family name.
func (g *gen) transposition() {
	ps := g.personsWhere(func(p person) bool {
		return latinPerson(p) && len(p.surname) >= 5 && letters(p.surname)
	})
	pos, neg := 0, 0
	for _, p := range ps {
		if pos >= perSide && neg >= perSide {
			break
		}
		s := strings.ToLower(p.surname)
		var i int
		for range 10 {
			i = g.rnd.IntN(len(s) - 1)
			if s[i] != s[i+1] {
				break
			}
		}
		if s[i] == s[i+1] {
			continue
		}
		t := swap(s, i)
		if pos <= neg {
			if g.add("transposition", "Person", natural(p.given, t), p.listed, true, "generated: family name with two neighbouring letters swapped") {
				pos++
			}
		} else if o := g.otherGiven(p); o != nil {
			if g.add("transposition", "Person", natural(o, t), p.listed, false, "generated: swapped family name with another listed person's given names") {
				neg++
			}
		}
	}
}

// keyboard holds the QWERTY neighbours of each letter.
var keyboard = map[byte]string{
	'q': "wa", 'w': "qes", 'e': "wrd", 'r': "etf", 't': "ryg", 'y': "tuh", 'u': "yij", 'i': "uok",
	'o': "ipl", 'p': "ol", 'a': "qsz", 's': "adwx", 'd': "sfec", 'f': "dgrv", 'g': "fhtb",
	'h': "gjyn", 'j': "hkum", 'k': "jli", 'l': "kop", 'z': "xa", 'x': "zcs", 'c': "xvd",
	'v': "cbf", 'b': "vng", 'n': "bmh", 'm': "nj",
}

// vowelPair gives each vowel the variant romanisations often confuse.
var vowelPair = map[byte]byte{'a': 'e', 'e': 'a', 'i': 'y', 'y': 'i', 'o': 'u', 'u': 'o'}

// typoOf applies one typing error to w (lower case), naming it.
func (g *gen) typoOf(w string) (string, string) {
	for range 20 {
		i := 1 + g.rnd.IntN(len(w)-1) // keep the first letter
		switch g.rnd.IntN(4) {
		case 0:
			return w[:i] + w[i:i+1] + w[i:], "doubled letter"
		case 1:
			if w[i] != w[i-1] {
				return w[:i] + w[i+1:], "dropped letter"
			}
		case 2:
			if n := keyboard[w[i]]; n != "" {
				return w[:i] + string(n[g.rnd.IntN(len(n))]) + w[i+1:], "keyboard neighbour"
			}
		case 3:
			if v, ok := vowelPair[w[i]]; ok {
				return w[:i] + string(v) + w[i+1:], "vowel variant"
			}
		}
	}
	return "", ""
}

// typo makes one typing error (doubled, dropped, neighbouring key, vowel).
func (g *gen) typo() {
	ps := g.personsWhere(func(p person) bool {
		return latinPerson(p) && len(p.surname) >= 5 && letters(p.surname)
	})
	pos, neg := 0, 0
	for k, p := range ps {
		if pos >= perSide && neg >= perSide {
			break
		}
		given := slices.Clone(p.given)
		sur := strings.ToLower(p.surname)
		var how string
		// Every third pair the error is in a given name of 5+ letters.
		if gi := len(given) - 1; k%3 == 2 && len(given[gi]) >= 5 && letters(given[gi]) {
			given[gi], how = g.typoOf(strings.ToLower(given[gi]))
			how += " in a given name"
		} else {
			sur, how = g.typoOf(sur)
			how += " in the family name"
		}
		if how == "" || sur == "" || slices.Contains(given, "") {
			continue
		}
		if pos <= neg {
			if g.add("typo", "Person", natural(given, sur), p.listed, true, "generated: "+how) {
				pos++
			}
		} else if o := g.otherGiven(p); o != nil && strings.Contains(how, "family") {
			if g.add("typo", "Person", natural(o, sur), p.listed, false, "generated: "+how+", with another listed person's given names") {
				neg++
			}
		}
	}
}

// oneEdit changes w (lower case) by one substitution, insertion or deletion.
func (g *gen) oneEdit(w string) string {
	i := g.rnd.IntN(len(w))
	switch g.rnd.IntN(3) {
	case 0:
		if n := keyboard[w[i]]; n != "" {
			return w[:i] + string(n[g.rnd.IntN(len(n))]) + w[i+1:]
		}
	case 1:
		if len(w) > 2 && i > 0 {
			return w[:i] + w[i+1:]
		}
	}
	return w[:i+1] + w[i:i+1] + w[i+1:]
}

// shortSurname edits a family name of at most four letters once.
func (g *gen) shortSurname() {
	ps := g.personsWhere(func(p person) bool {
		return latinPerson(p) && len(p.surname) <= 4 && len(p.surname) >= 2 && letters(p.surname) && len(p.given) >= 1 && len(strings.Join(p.given, "")) >= 4
	})
	pos, neg := 0, 0
	for _, p := range ps {
		if pos >= perSide && neg >= perSide {
			break
		}
		s := g.oneEdit(strings.ToLower(p.surname))
		if strings.EqualFold(s, p.surname) {
			continue
		}
		if pos <= neg {
			if g.add("short-surname", "Person", natural(p.given, s), p.listed, true, "generated: short family name with one edit, given names equal") {
				pos++
			}
		} else if o := g.otherGiven(p); o != nil {
			if g.add("short-surname", "Person", natural(o, s), p.listed, false, "generated: short family name with one edit, another listed person's given names") {
				neg++
			}
		}
	}
}

// diminutives are the usual short forms of Russian, Ukrainian, Spanish,
// German and Italian given names (full name as lists romanise it, short
// form as people use it).
var diminutives = [][2]string{
	{"aleksandr", "sasha"}, {"mikhail", "misha"}, {"dmitriy", "dima"}, {"dmitry", "dima"},
	{"vladimir", "volodya"}, {"sergey", "seryozha"}, {"sergei", "seryozha"}, {"nikolay", "kolya"},
	{"nikolai", "kolya"}, {"konstantin", "kostya"}, {"yevgeniy", "zhenya"}, {"evgeny", "zhenya"},
	{"evgeniy", "zhenya"}, {"aleksey", "alyosha"}, {"alexey", "alyosha"}, {"pavel", "pasha"},
	{"ivan", "vanya"}, {"anatoliy", "tolya"}, {"viktor", "vitya"}, {"yuriy", "yura"}, {"yuri", "yura"},
	{"vyacheslav", "slava"}, {"grigoriy", "grisha"}, {"andrey", "andryusha"}, {"elena", "lena"},
	{"yelena", "lena"}, {"natalya", "natasha"}, {"tatyana", "tanya"}, {"olga", "olya"},
	{"mariya", "masha"}, {"ekaterina", "katya"}, {"yekaterina", "katya"}, {"svetlana", "sveta"},
	{"irina", "ira"}, {"lyudmila", "lyuda"}, {"volodymyr", "volodya"}, {"oleksandr", "sashko"},
	{"mykola", "mykolka"}, {"jose", "pepe"}, {"francisco", "paco"}, {"ignacio", "nacho"},
	{"guadalupe", "lupe"}, {"jesus", "chucho"}, {"johannes", "hans"}, {"giuseppe", "beppe"},
	{"roman", "roma"}, {"denis", "denya"}, {"maksim", "maks"}, {"boris", "borya"}, {"igor", "igoryok"},
	{"valentin", "valya"}, {"gennadiy", "gena"}, {"leonid", "lyonya"}, {"arkadiy", "arkasha"},
	{"stanislav", "stas"}, {"vadim", "vadik"}, {"oleg", "olezhka"}, {"timur", "tima"},
}

// nickname writes the first given name as a nickname or diminutive.
func (g *gen) nickname() {
	dim := map[string]string{}
	for _, d := range diminutives {
		dim[d[0]] = d[1]
	}
	// Persons: OFAC (English and Spanish names) and OpenSanctions Russians
	// ("SURNAME Given Patronymic").
	ps := g.personsWhere(latinPerson)
	for _, i := range g.shuffled(len(g.russian)) {
		f := strings.Fields(g.russian[i][0])
		if len(f) >= 2 {
			ps = append(ps, person{listed: g.russian[i][0], surname: f[0], given: f[1:]})
		}
	}
	g.rnd.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	pos, neg, en, ru := 0, 0, 0, 0
	for _, p := range ps {
		if pos >= perSide+10 && neg >= perSide+10 {
			break
		}
		first := strings.ToLower(p.given[0])
		var short, src string
		if d, ok := dim[first]; ok && ru < 20 {
			short, src = d, "diminutive table"
		} else if n := g.nick[first]; len(n) > 0 && en < 20 && len(first) >= 4 {
			short, src = n[g.rnd.IntN(len(n))], "nicknames.csv"
		} else {
			continue
		}
		if pos <= neg {
			if g.add("nickname", "Person", title(short)+" "+title(p.surname), p.listed, true, "generated: "+src+" short form of the first given name") {
				pos++
				if src == "nicknames.csv" {
					en++
				} else {
					ru++
				}
			}
			continue
		}
		// A short form of another name with the same family name: another person.
		for _, j := range g.shuffled(len(ps)) {
			o := ps[j]
			of := strings.ToLower(o.given[0])
			oshort := dim[of]
			if oshort == "" && len(g.nick[of]) > 0 {
				oshort = g.nick[of][0]
			}
			if oshort == "" || of == first || oshort == short || slices.Contains(g.nick[first], oshort) || dim[first] == oshort {
				continue
			}
			if g.add("nickname", "Person", title(oshort)+" "+title(p.surname), p.listed, false, "generated: short form of "+of+" (not "+first+") with the listed family name") {
				neg++
			}
			break
		}
	}
}

// legalForms pairs the abbreviated and spelled-out forms of legal forms in
// their own language (how a customer writes the other one).
var legalForms = [][2]string{
	{"AB", "Aktiebolag"}, {"S.A. DE C.V.", "Sociedad Anonima de Capital Variable"},
	{"S.A.", "Sociedad Anonima"}, {"S.R.L.", "Sociedad de Responsabilidad Limitada"},
	{"LTDA.", "Limitada"}, {"GMBH", "Gesellschaft mit beschraenkter Haftung"},
	{"OOO", "Obshchestvo s Ogranichennoy Otvetstvennostyu"}, {"LLC", "Limited Liability Company"},
	{"L.L.C.", "Limited Liability Company"}, {"OAO", "Otkrytoe Aktsionernoe Obshchestvo"},
	{"ZAO", "Zakrytoe Aktsionernoe Obshchestvo"}, {"AO", "Aktsionernoe Obshchestvo"},
	{"PAO", "Publichnoe Aktsionernoe Obshchestvo"}, {"JSC", "Joint Stock Company"},
	{"CJSC", "Closed Joint Stock Company"}, {"OJSC", "Open Joint Stock Company"},
	{"PJSC", "Public Joint Stock Company"}, {"SARL", "Societe a Responsabilite Limitee"},
	{"SP. Z O.O.", "Spolka z ograniczona odpowiedzialnoscia"}, {"CO., LTD.", "Company Limited"},
	{"CO., LTD", "Company Limited"}, {"FZE", "Free Zone Establishment"}, {"FZCO", "Free Zone Company"},
	{"PLC", "Public Limited Company"}, {"B.V.", "Besloten Vennootschap"},
	{"N.V.", "Naamloze Vennootschap"}, {"AG", "Aktiengesellschaft"}, {"S.P.A.", "Societa per Azioni"},
	{"LLP", "Limited Liability Partnership"}, {"SDN BHD", "Sendirian Berhad"},
	{"PTE LTD", "Private Limited"}, {"EOOD", "Ednolichno Druzhestvo s Ogranichena Otgovornost"},
	{"OOD", "Druzhestvo s Ogranichena Otgovornost"}, {"D.O.O.", "Drustvo s Ogranicenom Odgovornoscu"},
	{"SAL", "Societe Anonyme Libanaise"}, {"C.A.", "Compania Anonima"}, {"S.A.S.", "Sociedad por Acciones Simplificada"},
	{"KG", "Kommanditgesellschaft"}, {"TOO", "Tovarishchestvo s Ogranichennoy Otvetstvennostyu"},
	{"A.S.", "Anonim Sirketi"}, {"LTD.", "Limited"}, {"LTD", "Limited"}, {"INC.", "Incorporated"},
}

// legalSplit finds a listed organisation's trailing legal form: the name
// before it and the pair it belongs to, abbreviated or spelled-out side.
func legalSplit(name string) (core string, lf [2]string, spelled bool, ok bool) {
	u := strings.ToUpper(name)
	for _, l := range legalForms {
		for k, form := range l {
			f := strings.ToUpper(form)
			if strings.HasSuffix(u, " "+f) || strings.HasSuffix(u, ", "+f) {
				core = strings.TrimRight(strings.TrimSpace(name[:len(name)-len(f)]), ", ")
				if len(strings.Fields(core)) == 0 {
					return "", lf, false, false
				}
				return core, l, k == 1, true
			}
		}
	}
	return "", lf, false, false
}

// legalForm writes a listed company's legal form in its other spelling.
func (g *gen) legalForm() {
	type org struct {
		core    string
		lf      [2]string
		spelled bool
		listed  string
	}
	var cands []org
	for _, i := range g.shuffled(len(g.orgs)) {
		n := g.orgs[i]
		if c, lf, sp, ok := legalSplit(n); ok && !strings.ContainsAny(c, "()") {
			cands = append(cands, org{c, lf, sp, n})
		}
	}
	pos, neg := 0, 0
	used := map[string]int{}
	for _, o := range cands {
		if pos >= perSide+10 && neg >= perSide+10 {
			break
		}
		if used[o.lf[0]] >= 3 { // many kinds of legal form, not thirty LLCs
			continue
		}
		other := o.lf[1]
		if o.spelled {
			other = o.lf[0]
		}
		if pos <= neg {
			if g.add("legal-form", "Organization", title(o.core)+" "+other, o.listed, true, "generated: legal form "+o.lf[0]+" / "+o.lf[1]+" in the other spelling") {
				pos++
				used[o.lf[0]]++
			}
			continue
		}
		// Negative: another listed company with the same legal form,
		// preferably sharing a word with this one, spelled the other way.
		var best *org
		for j := range cands {
			b := &cands[j]
			if b.lf != o.lf || b.core == o.core || strings.EqualFold(b.core, o.core) {
				continue
			}
			if best == nil {
				best = b
			}
			if !disjoint(strings.Fields(b.core), strings.Fields(o.core)) {
				best = b
				break
			}
		}
		if best != nil && g.add("legal-form", "Organization", title(best.core)+" "+other, o.listed, false, "generated: another listed company with the same legal form ("+o.lf[0]+")") {
			neg++
			used[o.lf[0]]++
		}
	}
}

var numberWords = []string{"ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN", "ELEVEN", "TWELVE"}
var ordinalWords = []string{"", "FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH", "TENTH"}
var romans = []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
var ordinalSuffix = []string{"th", "st", "nd", "rd", "th", "th", "th", "th", "th", "th", "th"}

var numeralWord = regexp.MustCompile(`\b([0-9]{1,2}|ZERO|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|ELEVEN|TWELVE|FIRST|SECOND|THIRD|FOURTH|FIFTH|SIXTH|SEVENTH|EIGHTH|NINTH|TENTH|II|III|IV|VI|VII|VIII|IX)\b`)

// numeralValue reads a number written as digits, word, ordinal or Roman numeral.
func numeralValue(w string) (n int, kind string) {
	if i := slices.Index(numberWords, w); i >= 0 {
		return i, "word"
	}
	if i := slices.Index(ordinalWords, w); i > 0 {
		return i, "ordinal"
	}
	if i := slices.Index(romans, w); i > 0 {
		return i, "roman"
	}
	n = 0
	for _, r := range w {
		n = n*10 + int(r-'0')
	}
	return n, "digits"
}

// spellNumber writes n in another way than kind.
func spellNumber(n int, kind string) string {
	switch kind {
	case "word", "roman":
		return fmt.Sprint(n)
	case "ordinal":
		return fmt.Sprint(n) + ordinalSuffix[n%10]
	}
	if n < len(numberWords) {
		return numberWords[n]
	}
	return ""
}

// numeral writes a number in a company name another way, or changes it.
func (g *gen) numeral() {
	pos, neg := 0, 0
	all := append(slices.Clone(g.orgs), g.cslOrgs...)
	for _, i := range g.shuffled(len(all)) {
		n := all[i]
		loc := numeralWord.FindStringSubmatchIndex(strings.ToUpper(n))
		if loc == nil {
			continue
		}
		w := strings.ToUpper(n[loc[2]:loc[3]])
		v, kind := numeralValue(w)
		if v > 12 || (kind == "ordinal" && v > 10) {
			continue
		}
		alt := spellNumber(v, kind)
		if alt == "" {
			continue
		}
		if pos <= neg {
			if g.add("numeral", "Organization", title(n[:loc[2]]+alt+n[loc[3]:]), n, true, "generated: "+w+" written as "+alt) {
				pos++
			}
		} else {
			// Another number: another company (a fund II is not fund III).
			d := spellNumber(v+1, kind)
			if kind == "digits" {
				d = spellNumber(v+1, "roman") // a digit+1 as a word
			}
			if d == "" {
				continue
			}
			if g.add("numeral", "Organization", title(n[:loc[2]]+d+n[loc[3]:]), n, false, "generated: "+w+" replaced by another number "+d) {
				neg++
			}
		}
		if pos >= perSide && neg >= perSide {
			break
		}
	}
}

// abbreviations pairs company words with the short forms customers use.
var abbreviations = [][2]string{
	{"INTERNATIONAL", "Intl"}, {"CORPORATION", "Corp"}, {"COMPANY", "Co"}, {"MANUFACTURING", "Mfg"},
	{"TECHNOLOGY", "Tech"}, {"TECHNOLOGIES", "Techs"}, {"INDUSTRIES", "Inds"}, {"ENGINEERING", "Eng"},
	{"ELECTRONICS", "Elec"}, {"DEVELOPMENT", "Dev"}, {"GROUP", "Grp"}, {"ASSOCIATION", "Assn"},
	{"BROTHERS", "Bros"}, {"MANAGEMENT", "Mgmt"}, {"SERVICES", "Svcs"}, {"HOLDINGS", "Hldgs"},
	{"INDUSTRIAL", "Indl"}, {"NATIONAL", "Natl"}, {"LIMITED", "Ltd"}, {"INCORPORATED", "Inc"},
	{"DEPARTMENT", "Dept"}, {"INVESTMENTS", "Invts"}, {"INSTITUTE", "Inst"}, {"UNIVERSITY", "Univ"},
}

// abbreviation abbreviates a common word of a listed company's name.
func (g *gen) abbreviation() {
	pos, neg := 0, 0
	all := append(slices.Clone(g.orgs), g.cslOrgs...)
	idx := g.shuffled(len(all))
	for k, i := range idx {
		n := all[i]
		u := " " + strings.ToUpper(strings.ReplaceAll(n, ",", "")) + " "
		var hit *[2]string
		for j := range abbreviations {
			a := &abbreviations[j]
			if strings.Contains(u, " "+a[0]+" ") && a[0] != "LIMITED" && a[0] != "COMPANY" || (k%5 == 0 && strings.Contains(u, " "+a[0]+" ")) {
				hit = a
				break
			}
		}
		if hit == nil {
			continue
		}
		q := strings.TrimSpace(strings.Replace(u, " "+hit[0]+" ", " "+strings.ToUpper(hit[1])+" ", 1))
		words := strings.Fields(u)
		if len(words) < 2 {
			continue
		}
		if pos <= neg {
			if g.add("abbreviation", "Organization", title(q), n, true, "generated: "+hit[0]+" abbreviated "+hit[1]) {
				pos++
			}
		} else {
			// The same abbreviation in another listed company's name with the same word.
			// The listed company with the same word that shares most other
			// words with this one but none of its distinctive words.
			best, bestShared := "", -1
			for _, j := range idx {
				o := all[j]
				ou := " " + strings.ToUpper(strings.ReplaceAll(o, ",", "")) + " "
				if o == n || !strings.Contains(ou, " "+hit[0]+" ") || !disjoint(distinctive(o), distinctive(n)) {
					continue
				}
				if sh := shared(strings.Fields(ou), words); sh > bestShared {
					best, bestShared = ou, sh
				}
			}
			if best != "" {
				oq := strings.TrimSpace(strings.Replace(best, " "+hit[0]+" ", " "+strings.ToUpper(hit[1])+" ", 1))
				if g.add("abbreviation", "Organization", title(oq), n, false, "generated: another listed company's name with "+hit[0]+" abbreviated "+hit[1]) {
					neg++
				}
			}
		}
		if pos >= perSide && neg >= perSide {
			break
		}
	}
}

// genericWords are words any company may have: places, industry terms,
// legal forms and connectors. A name's other words are its distinctive words.
var genericWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		beijing shanghai shenzhen guangzhou tianjin dalian qingdao xiamen ningbo hangzhou wuhan chengdu
		chongqing nanjing suzhou hong kong zhuhai dongguan foshan harbin xian changsha jinan hefei fuzhou
		china chinese dubai tehran iran moscow russia syria damascus beirut lebanon istanbul turkey
		singapore malaysia uae emirates pyongyang korea korean minsk belarus caracas venezuela panama
		mexico international global asia asian euro europe middle east far general national united
		technology technologies tech science sciences scientific electronic electronics electric
		trading trade import export imports exports industrial industry industries manufacturing
		engineering machinery equipment materials material chemical chemicals petroleum oil gas energy
		petrochemical shipping logistics transport marine maritime aviation air commercial commerce
		development investment investments holding holdings group company co corporation corp limited ltd
		llc inc enterprise enterprises services service supply solutions systems network communication
		communications construction building resources metal metals steel mining minerals power
		pharmaceutical medical new bank finance financial capital development research institute center
		centre factory plant products product business consulting management industrial and of the
		nuclear semiconductor semiconductors software hardware telecom telecommunications real estate
		property properties shipyard ship ships ocean sea auto automotive food foods textile textiles
		inmobiliaria comercializadora inversiones grupo empresa compania sociedad servicios constructora
		distribuidora transportes comercial industrial importadora exportadora y de la del los las
		iranian russian syrian lebanese emirati turkish arab arabian islamic persian african american
		british european indian pakistani afghan iraqi belarusian ukrainian venezuelan cuban
		liability joint stock open closed public private partnership machine machines aircraft academy
		office agency bureau foundation organization organisation association union federal state unitary
		municipal republic republican production firm brigade battalion army front movement
		&`) {
		genericWords[w] = true
	}
}

// distinctive returns a company name's words that are not generic.
func distinctive(name string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !genericWords[w] && len(w) > 1 {
			if _, _, _, ok := legalSplit("x " + w); !ok {
				out = append(out, w)
			}
		}
	}
	return out
}

// hasInitial reports whether a name has a one- or two-letter word that is
// not generic (an initial or acronym).
func hasInitial(name string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) <= 2 && !genericWords[w] {
			if _, _, _, ok := legalSplit("x " + w); !ok {
				return true
			}
		}
	}
	return false
}

// legalWords are the words of legal forms, generic but not the places and
// trades the generic names are made of.
var legalWords = map[string]bool{
	"limited": true, "liability": true, "company": true, "joint": true, "stock": true, "public": true,
	"private": true, "open": true, "closed": true, "co": true, "corporation": true, "corp": true,
	"incorporated": true, "inc": true, "ltd": true, "llc": true, "partnership": true, "of": true,
	"and": true, "the": true, "&": true,
}

// placesOrTrades counts the generic words that are not legal-form words.
func placesOrTrades(words []string) int {
	n := 0
	for _, w := range words {
		w = strings.ToLower(strings.Trim(w, ".,"))
		if _, _, _, legal := legalSplit("x " + w); !legal && !legalWords[w] {
			n++
		}
	}
	return n
}

// genericOnly keeps a name's generic words in order.
func genericOnly(name string) string {
	var out []string
	for _, w := range strings.Fields(strings.ReplaceAll(name, ",", " ")) {
		if slices.Contains(distinctive(w), strings.ToLower(strings.Trim(w, ".()"))) {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// generic pairs a listed company with its generic words alone (not a match).
func (g *gen) generic() {
	all := append(slices.Clone(g.orgs), g.cslOrgs...)
	pos, neg := 0, 0
	var cands []string
	for _, i := range g.shuffled(len(all)) {
		n := all[i]
		d := distinctive(n)
		gen := strings.Fields(genericOnly(n))
		// Initials ("J & M", "C&I") are distinctive too, but not a word
		// that can be dropped cleanly: such names are left out.
		if len(d) == 1 && len(gen) >= 3 && placesOrTrades(gen) >= 2 && len(n) < 70 && !strings.ContainsAny(n, "()&") && !hasInitial(n) {
			cands = append(cands, n)
		}
	}
	for k, n := range cands {
		if pos >= perSide+10 && neg >= perSide+10 {
			break
		}
		gq := title(genericOnly(n))
		if c, lf, sp, ok := legalSplit(gq); ok && !sp && k%2 == 0 {
			gq = c + " " + lf[1] // the legal form spelled out
		}
		// Negative: the generic words alone.
		if neg < perSide+10 && g.add("generic", "Organization", gq, n, false, "generated: the listed company's generic words without its distinctive word") {
			neg++
		}
		// Negative: the generic words with another company's distinctive word.
		if o := cands[(k+1)%len(cands)]; neg < perSide+10 && k%2 == 1 {
			d := distinctive(o)[0]
			q := strings.Replace(strings.ToUpper(n), strings.ToUpper(distinctive(n)[0]), strings.ToUpper(d), 1)
			if q != strings.ToUpper(n) && g.add("generic", "Organization", title(q), n, false, "generated: the generic words with another listed company's distinctive word "+d) {
				neg++
			}
		}
		// Positive: the listed name with its distinctive word, legal form spelled out.
		q := title(n)
		if c, lf, sp, ok := legalSplit(n); ok && !sp {
			q = title(c) + " " + lf[1]
		}
		if pos < perSide+10 && g.add("generic", "Organization", q, n, true, "generated: the listed name with its distinctive word, written as a customer would") {
			pos++
		}
	}
}

// sameSurname pairs two listed persons sharing a family name.
func (g *gen) sameSurname() {
	by := map[string][]person{}
	for _, p := range g.persons {
		if latinPerson(p) {
			by[p.surname] = append(by[p.surname], p)
		}
	}
	var names []string
	for s, ps := range by {
		if len(ps) >= 2 {
			names = append(names, s)
		}
	}
	sort.Strings(names)
	g.rnd.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	pos, neg := 0, 0
	for _, s := range names {
		if neg >= perSide+10 {
			break
		}
		ps := by[s]
		a, b := ps[0], ps[1]
		if !disjoint(a.given, b.given) {
			continue
		}
		if g.add("same-surname", "Person", natural(a.given, a.surname), b.listed, false, "generated: two listed persons sharing a family name") {
			neg++
		}
		if pos < perSide/2 && g.add("same-surname", "Person", natural(b.given, b.surname), b.listed, true, "generated: the listed person, given names first") {
			pos++
		}
	}
}

// cyrillic pairs Russian aliases with the Latin names of their persons.
func (g *gen) cyrillic() {
	pos, neg := 0, 0
	idx := g.shuffled(len(g.russian))
	for k, i := range idx {
		lat, cyr := g.russian[i][0], g.russian[i][1]
		if pos < perSide && g.add("cyrillic", "Person", cyr, lat, true, "generated: OpenSanctions person, Russian alias vs Latin name") {
			pos++
		}
		// The same given name and patronymic, another family name.
		o := g.russian[idx[(k+1)%len(idx)]][0]
		f, of := strings.Fields(lat), strings.Fields(o)
		if neg < perSide && len(f) >= 2 && len(of) >= 2 && of[0] != f[0] {
			if g.add("cyrillic", "Person", cyr, strings.Join(append([]string{of[0]}, f[1:]...), " "), false, "generated: Russian alias vs the Latin name with another listed family name") {
				neg++
			}
		}
		if pos >= perSide && neg >= perSide {
			break
		}
	}
}

// arabic pairs UN original-script Arabic names with their Latin names.
func (g *gen) arabic() {
	var ar []unName
	for _, i := range g.shuffled(len(g.un)) {
		if u := g.un[i]; u.person && hasScript(u.original, unicode.Arabic) && !hasScript(u.original, unicode.Latin) {
			ar = append(ar, u)
		}
	}
	pos, neg := 0, 0
	for _, u := range ar {
		if pos < perSide && g.add("arabic", "Person", u.original, u.latin, true, "generated: UN original-script name vs its Latin name") {
			pos++
		}
		// Another UN person sharing a word (a family or tribal name).
		if neg < perSide {
			w := strings.Fields(u.latin)
			for _, o := range ar {
				ow := strings.Fields(o.latin)
				if o.latin != u.latin && o.original != u.original && !disjoint(ow, w) && !strings.EqualFold(ow[0], w[0]) {
					if g.add("arabic", "Person", u.original, o.latin, false, "generated: UN original-script name vs another UN person sharing a name word") {
						neg++
					}
					break
				}
			}
		}
	}
}

// order writes listed persons given names first.
func (g *gen) order() {
	ps := g.personsWhere(func(p person) bool { return latinPerson(p) && len(p.given) >= 1 })
	pos, neg := 0, 0
	for k, p := range ps {
		if pos >= perSide && neg >= perSide {
			break
		}
		if pos < perSide && g.add("order", "Person", natural(p.given, p.surname), p.listed, true, "generated: given names first vs the list's family name first") {
			pos++
		}
		// Another person with the same first given name.
		for _, o := range ps[k+1:] {
			if strings.EqualFold(o.given[0], p.given[0]) && o.surname != p.surname && len(o.given) == len(p.given) {
				if neg < perSide && g.add("order", "Person", natural(o.given, o.surname), p.listed, false, "generated: another listed person with the same given name") {
					neg++
				}
				break
			}
		}
	}
}

// initials writes middle names as initials, or gives wrong initials.
func (g *gen) initials() {
	ps := g.personsWhere(func(p person) bool { return latinPerson(p) && len(p.given) >= 2 && len(p.surname) >= 4 })
	pos, neg := 0, 0
	for _, p := range ps {
		if pos >= perSide && neg >= perSide {
			break
		}
		// Positive: the first given name in full, the others as initials.
		q := title(p.given[0])
		for _, w := range p.given[1:] {
			q += " " + strings.ToUpper(w[:1]) + "."
		}
		if pos <= neg {
			if g.add("initials", "Person", q+" "+title(p.surname), p.listed, true, "generated: middle names as initials") {
				pos++
			}
			continue
		}
		// Negative: initials that do not agree with the given names.
		var b strings.Builder
		for _, w := range p.given {
			c := w[0] + 1
			if c > 'Z' {
				c = 'A'
			}
			fmt.Fprintf(&b, "%c. ", c)
		}
		if g.add("initials", "Person", b.String()+title(p.surname), p.listed, false, "generated: initials that differ from every given name") {
			neg++
		}
	}
}
