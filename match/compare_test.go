package match

import (
	"path/filepath"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

func TestCompareCases(t *testing.T) {
	tests := []struct {
		schema warden.Schema
		a, b   string
		match  bool
	}{
		{"Person", "王云鹤", "WANG, Yunhe", true},
		{"Person", "Wang Yun-He", "WANG, Yunhe", true},
		{"Person", "Yunhe Wang", "WANG, Yunhe", true},
		{"Person", "Якубец Максим", "YAKUBETS, Maksim Viktorovich", true},
		{"Person", "Maxim Yakubets", "YAKUBETS, Maksim Viktorovich", true},
		{"Person", "Iakubets Maksim", "YAKUBETS, Maksim Viktorovich", true},
		{"Person", "Dmitrii Khoroshev", "KHOROSHEV, Dmitry Yuryevich", true},
		{"Person", "Jewgeni Poljanin", "POLYANIN, Yevgeniy Igorevich", true},
		{"Person", "R. Semenov", "SEMENOV, Roman", true},
		{"Organization", "Garantex Europe OÜ", "GARANTEX EUROPE OU", true},
		{"Organization", "Blender.io", "BLENDER.IO", true},
		{"Organization", "BLENDERIO", "BLENDER.IO", true},
		{"Organization", "EvilCorp", "EVIL CORP", true},
		{"Organization", "四川无声信息技术有限公司", "SICHUAN WUSHENG INFORMATION TECHNOLOGY CO LTD", true},
		{"Organization", "华为技术有限公司", "HUAWEI TECHNOLOGIES CO., LTD.", true},
		{"Person", "毛泽东", "Mao Tse-tung", true},
		{"Person", "陈全国", "Chen Guoquan", false},
		{"Person", "Ivan Petrov", "Ivan Sidorov", false},
		{"Person", "Li Wei", "Li Wen", false},
		{"Organization", "Evil Corp", "Good Corp", false},
		{"Organization", "Kolos d.o.o.", "KOLOS DOO", true},
		{"Organization", "Tatra S. R. O.", "TATRA SRO", true},
		{"Organization", "Kolos d.o.o.", "Kolos Trading", false},
		{"Person", "R. Semenov", "Roman Semenov", true},
	}
	for _, tt := range tests {
		c := Compare(tt.schema, tt.a, tt.b, DefaultThreshold, nil)
		if c.Match != tt.match {
			t.Errorf("Compare(%q, %q) = %.3f, match %v; want %v\n%+v", tt.a, tt.b, c.Score, c.Match, tt.match, c.Explanation)
		}
	}
}

// evalDir is the shared labelled development sets.
func evalDir(t testing.TB) string { return sourcetest.Eval(t, "") }

// TestPairsDev measures the comparator on the labelled pairs: it fails if F1
// falls below 0.95. The figures per category are in docs/quality.md.
// TestInitialsAloneScoreNothing: a name that meets another only through
// initials (or single letters of an organisation's name) is no hit at all,
// not even one for review.
func TestInitialsAloneScoreNothing(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"John Miller", "J. M."},
		{"Якубец Максим", "INMOBILIARIA J & M CORP"},
	} {
		if c := Compare("", tt.a, tt.b, DefaultThreshold, nil); c.Score != 0 {
			t.Errorf("%s ~ %s: %.3f %+v", tt.a, tt.b, c.Score, c.Explanation)
		}
	}
	if c := Compare("", "J. Miller", "John Miller", DefaultThreshold, nil); c.Score < 0.85 {
		t.Errorf("J. Miller ~ John Miller: %.3f", c.Score)
	}
}

func TestPairsDev(t *testing.T) {
	rows := readCSV(t, filepath.Join(evalDir(t), "pairs-dev.csv"))
	var tp, fp, fn int
	cats := tally{}
	for _, r := range rows[1:] {
		c := Compare(warden.Schema(r[0]), r[1], r[2], DefaultThreshold, nil)
		want := r[3] == "true"
		cats.add(r[4], c.Match, want)
		switch {
		case c.Match && want:
			tp++
		case c.Match && !want:
			fp++
			t.Logf("false positive [%s] %s ~ %s: %.3f %+v", r[4], r[1], r[2], c.Score, c.Explanation)
		case !c.Match && want:
			fn++
			t.Logf("false negative [%s] %s ~ %s: %.3f %+v", r[4], r[1], r[2], c.Score, c.Explanation)
		}
	}
	p := float64(tp) / float64(tp+fp)
	rc := float64(tp) / float64(tp+fn)
	f1 := 2 * p * rc / (p + rc)
	t.Logf("pairs-dev: precision %.3f recall %.3f F1 %.3f (tp %d fp %d fn %d)\n%s", p, rc, f1, tp, fp, fn, cats.markdown())
	if f1 < 0.95 {
		t.Errorf("F1 %.3f below 0.95", f1)
	}
}
