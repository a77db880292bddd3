package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"@SUM(1)", "'@SUM(1)"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"+7 495 123", "'+7 495 123"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-12.50", "-12.50"},
		{"+3", "+3"},
		{"1e5", "1e5"},
		{"-Inf", "'-Inf"},
		{"ACME Corp", "ACME Corp"},
		{"O'Brien", "O'Brien"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestWriter: what the writer writes reads back, through a CSV reader, as
// the safe cells.
func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	in := []string{"=1+1", "Ivan, \"Vanya\"", "-1"}
	if err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	got, err := csv.NewReader(&b).Read()
	if err != nil || len(got) != 3 || got[0] != "'=1+1" || got[1] != in[1] || got[2] != "-1" || in[0] != "=1+1" {
		t.Errorf("read back %q, %v (input %q)", got, err, in)
	}
}
