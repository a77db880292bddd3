package match

import (
	"slices"
	"strings"
	"sync"
)

//go:generate go run ./internal/genpinyin -o pinyin_gen.go

// maxReadings bounds the readings of one Chinese name when several characters
// have more than one reading (heteronyms).
const maxReadings = 8

// compoundSurnames are the two-character family names; any other name's
// family name is its first character.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true, "皇甫": true, "尉迟": true, "公孙": true,
	"慕容": true, "长孙": true, "宇文": true, "司徒": true, "令狐": true, "夏侯": true, "歐陽": true, "司馬": true,
}

// surnameReadings fixes the reading of characters whose reading as a family
// name differs from their most common one.
var surnameReadings = map[rune]string{
	'单': "shan", '解': "xie", '曾': "zeng", '仇': "qiu", '朴': "piao", '查': "zha", '区': "ou", '乐': "yue",
	'翟': "zhai", '尉': "yu", '盖': "ge", '折': "she", '缪': "miao", '万': "wan", '沈': "shen", '任': "ren",
}

// cantonese gives the Hong Kong spellings of common family names.
var cantonese = map[rune]string{
	'王': "wong", '黄': "wong", '黃': "wong", '陈': "chan", '陳': "chan", '李': "lee", '张': "cheung", '張': "cheung",
	'刘': "lau", '劉': "lau", '林': "lam", '吴': "ng", '吳': "ng", '周': "chow", '郑': "cheng", '鄭': "cheng",
	'何': "ho", '梁': "leung", '谢': "tse", '謝': "tse", '罗': "law", '羅': "law", '许': "hui", '許': "hui",
	'邓': "tang", '鄧': "tang", '冯': "fung", '馮': "fung", '曾': "tsang", '蔡': "choi", '杜': "to", '叶': "yip",
	'葉': "yip", '苏': "so", '蘇': "so", '潘': "poon", '朱': "chu", '胡': "wu", '郭': "kwok", '杨': "yeung",
	'楊': "yeung", '赵': "chiu", '趙': "chiu", '徐': "tsui", '孙': "suen", '孫': "suen", '马': "ma", '馬': "ma",
	'高': "ko", '邱': "yau", '汤': "tong", '湯': "tong", '卢': "lo", '盧': "lo", '钟': "chung", '鍾': "chung",
}

// orgTerms translates the words that Chinese organisation names are made of,
// so 四川无声信息技术有限公司 meets SICHUAN SILENCE INFORMATION TECHNOLOGY
// COMPANY LIMITED. Longer terms are matched first.
var orgTerms = map[string]string{
	"有限责任公司": "company limited", "股份有限公司": "company limited", "有限公司": "company limited",
	"有限責任公司": "company limited", "公司": "company",
	"集团": "group", "集團": "group", "控股": "holdings", "科技": "technology", "技术": "technology", "技術": "technology",
	"信息": "information", "資訊": "information", "网络": "network", "網絡": "network", "网络科技": "network technology",
	"电子": "electronics", "電子": "electronics", "软件": "software", "軟件": "software", "通信": "communication",
	"通讯": "communication", "贸易": "trading", "貿易": "trading", "国际": "international", "國際": "international",
	"银行": "bank", "銀行": "bank", "研究所": "research institute", "研究院": "research institute", "大学": "university",
	"大學": "university", "工业": "industry", "工業": "industry", "实业": "industrial", "發展": "development",
	"发展": "development", "投资": "investment", "投資": "investment", "能源": "energy", "物流": "logistics",
	"航运": "shipping", "航運": "shipping", "进出口": "import export", "進出口": "import export", "制造": "manufacturing",
	"数据": "data", "數據": "data", "安全": "security", "智能": "intelligent", "服务": "services", "服務": "services",
	"中国": "china", "中國": "china", "香港": "hong kong", "北京": "beijing", "上海": "shanghai", "深圳": "shenzhen",
	"武汉": "wuhan", "四川": "sichuan", "成都": "chengdu", "广州": "guangzhou", "天津": "tianjin",
	"朝鲜": "korea", "朝鮮": "korea", "韩国": "korea", "韓國": "korea", "联合": "united", "聯合": "united",
	"机械": "machinery", "機械": "machinery", "会社": "company", "會社": "company", "株式会社": "company limited",
	"海运": "shipping", "海運": "shipping", "船舶": "shipping", "船务": "shipping", "船務": "shipping", "海事": "maritime",
	"运输": "transport", "運輸": "transport", "航空": "airlines", "矿业": "mining", "礦業": "mining", "石油": "petroleum",
	"化工": "chemical", "钢铁": "steel", "鋼鐵": "steel", "建设": "construction", "建設": "construction", "工程": "engineering",
	"设备": "equipment", "設備": "equipment", "商贸": "trading", "商貿": "trading", "总公司": "corporation", "總公司": "corporation",
	"合营": "joint venture", "合營": "joint venture", "开发": "development", "開發": "development", "贸易会社": "trading company",
	"无线电": "radio", "光学": "optical", "光學": "optical", "精密": "precision", "材料": "materials",
	"矿产": "mineral", "礦產": "mineral", "金属": "metal", "金屬": "metal", "商社": "trading company", "总局": "general bureau",
	"總局": "general bureau", "委员会": "committee", "委員會": "committee", "协会": "association", "協會": "association",
	"企业": "enterprise", "企業": "enterprise", "商会": "chamber of commerce", "商會": "chamber of commerce",
}

var orgTermsByLength = func() []string {
	var out []string
	for k := range orgTerms {
		out = append(out, strings.TrimSpace(k))
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len([]rune(out[j])) > len([]rune(out[j-1])); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

// syllables returns the readings of each Han character of s; other runes are
// returned as they are, one reading each.
func syllables(s string) [][]string {
	var out [][]string
	for _, r := range s {
		if !isHan(r) {
			out = append(out, []string{string(r)})
			continue
		}
		ps := hanReadings(r)
		if len(ps) == 0 {
			out = append(out, []string{string(r)})
			continue
		}
		out = append(out, ps)
	}
	return out
}

// hanSyllables memoises hanReadings, so that a character read again
// allocates nothing. It holds at most one entry per Han character.
var hanSyllables sync.Map // rune -> []string

// hanReadings returns the distinct toneless readings of Han character r
// (ü as v), none if the dictionary has none (pinyin_gen.go); the slice is
// shared: nobody changes it.
func hanReadings(r rune) []string {
	if v, ok := hanSyllables.Load(r); ok {
		return v.([]string)
	}
	var rs []string
	if i, ok := slices.BinarySearch(hanRunes[:], r); ok {
		rs = strings.Split(hanText[hanAt[i]:hanAt[i+1]], ",")
	}
	v, _ := hanSyllables.LoadOrStore(r, rs)
	return v.([]string)
}

// product joins one reading of each syllable group in every combination,
// at most maxReadings of them, each combination's syllables concatenated.
func product(groups [][]string) []string {
	out := []string{""}
	for _, g := range groups {
		var next []string
		for _, prefix := range out {
			for _, r := range g {
				if len(next) < maxReadings {
					next = append(next, prefix+r)
				}
			}
		}
		out = next
	}
	return out
}

// hanPersonReadings reads a Chinese personal name as family name and given
// name, the given name's syllables joined (陈全国 = chen quanguo, never
// chen guoquan): in Pinyin with every reading of heteronyms, in Wade-Giles,
// and with the Cantonese spelling of the family name. Each word comes with
// the characters it was read from.
func hanPersonReadings(s string) []reading {
	s = strings.Join(strings.Fields(s), "")
	rs := []rune(s)
	if len(rs) < 2 {
		var out []reading
		for _, p := range product(syllables(s)) {
			out = append(out, reading{text: p, origs: []string{s}})
		}
		return out
	}
	n := 1
	if len(rs) >= 3 && compoundSurnames[string(rs[:2])] {
		n = 2
	}
	family, given := string(rs[:n]), string(rs[n:])
	origs := []string{family, given}
	fam := syllables(family)
	if n == 1 {
		if r, ok := surnameReadings[rs[0]]; ok {
			fam = [][]string{{r}}
		}
	}
	var out []string
	gs := product(syllables(given))
	for _, f := range product(fam) {
		for _, g := range gs {
			out = appendNew(out, f+" "+g)
			out = appendNew(out, wadeGiles(f)+" "+wadeGilesWord(syllables(given), g))
		}
	}
	if c, ok := cantonese[rs[0]]; ok && n == 1 && len(gs) > 0 {
		out = appendNew(out, c+" "+gs[0])
	}
	rd := make([]reading, len(out))
	for i, t := range out {
		rd[i] = reading{text: t, origs: origs}
	}
	return rd
}

// hanOrgReadings reads a Chinese organisation name: known terms translated,
// other runs of characters in Pinyin, split into two-character words (most
// Chinese words have two), and once more entirely in Pinyin, a word a
// character. Pinyin words come with the characters they were read from;
// translated ones with none (two spellings of a term are one word).
func hanOrgReadings(s string) []reading {
	var terms reading
	rs := []rune(strings.Join(strings.Fields(s), ""))
	var run []rune
	flush := func() {
		for len(run) > 0 {
			n := 2
			if len(run) < 2 || len(run) == 3 {
				n = len(run)
			}
			terms.add(product(syllables(string(run[:n])))[0], string(run[:n]))
			run = run[n:]
		}
	}
	for i := 0; i < len(rs); {
		matched := false
		for _, t := range orgTermsByLength {
			tr := []rune(t)
			if len(tr) <= len(rs)-i && string(rs[i:i+len(tr)]) == t {
				flush()
				for _, w := range strings.Fields(orgTerms[t]) {
					terms.add(w, "")
				}
				i += len(tr)
				matched = true
				break
			}
		}
		if !matched {
			run = append(run, rs[i])
			i++
		}
	}
	flush()
	var all reading
	for i, g := range syllables(string(rs)) {
		all.add(g[0], string(rs[i]))
	}
	if all.text == terms.text {
		return []reading{terms}
	}
	return []reading{terms, all}
}

// Wade-Giles: initials and finals of Pinyin syllables, rewritten. Aspiration
// marks are dropped, as names in lists drop them.
var wgInitials = []struct{ py, wg string }{
	{"zh", "ch"}, {"ch", "ch"}, {"sh", "sh"}, {"z", "ts"}, {"c", "ts"}, {"q", "ch"}, {"x", "hs"}, {"j", "ch"},
	{"r", "j"}, {"b", "p"}, {"p", "p"}, {"d", "t"}, {"t", "t"}, {"g", "k"}, {"k", "k"},
}

var wgFinals = map[string]string{
	"ong": "ung", "iong": "iung", "ian": "ien", "ie": "ieh", "ue": "ueh", "ve": "ueh", "e": "e",
	"you": "yu", "ui": "uei", "un": "un", "uo": "o", "i": "i",
}

// wadeGiles rewrites one Pinyin syllable.
func wadeGiles(py string) string {
	ini, fin := "", py
	for _, x := range wgInitials {
		if strings.HasPrefix(py, x.py) {
			ini, fin = x.wg, py[len(x.py):]
			break
		}
	}
	if f, ok := wgFinals[fin]; ok {
		fin = f
	}
	switch {
	case (ini == "ts" || ini == "ch" || ini == "sh" || ini == "j") && fin == "i":
		fin = "u" // zi = tzu, shi = shih: written u, ih; "u" keeps them close
	case ini == "ts" && fin == "e":
		fin = "e" // ze = tse
	}
	return ini + fin
}

// wadeGilesWord rewrites a joined Pinyin word syllable by syllable, using the
// syllable boundaries of the characters it was read from.
func wadeGilesWord(groups [][]string, joined string) string {
	var b strings.Builder
	rest := joined
	for _, g := range groups {
		for _, r := range g {
			if strings.HasPrefix(rest, r) {
				b.WriteString(wadeGiles(r))
				rest = rest[len(r):]
				break
			}
		}
	}
	b.WriteString(rest)
	return b.String()
}
