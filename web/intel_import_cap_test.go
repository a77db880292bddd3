package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"warden"
	"warden/store/storetest"
)

// TestIntelImportProblemsCapped: a refused import answers at most
// maxImportProblems problems, with the count of the rest; 20,000 invalid
// objects used to answer 12 MB of them.
func TestIntelImportProblemsCapped(t *testing.T) {
	p := newIntelAPI(t, storetest.OpenSQLite(t))
	ana := p.tokens[warden.RoleAnalyst]
	per := 0 // problems per object, as the small bundle shows them all
	for _, n := range []int{3, maxImportProblems + 50} {
		var objs []string
		for i := range n {
			// A malware without is_family: a schema error each.
			objs = append(objs, fmt.Sprintf(`{"type":"malware","spec_version":"2.1","id":"malware--31b940d4-6f7f-459a-80ea-%012d","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"X"}`, i))
		}
		body := `{"type":"bundle","id":"bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a31","objects":[` + strings.Join(objs, ",") + `]}`
		code, b, _ := p.raw(t, "POST", "/v1/intel/import", ana, "application/json", bytes.NewReader([]byte(body)))
		var got struct {
			Problems     []warden.ObjectProblem `json:"problems"`
			ProblemsMore int                    `json:"problems_more"`
		}
		if err := json.Unmarshal(b, &got); err != nil || code != 400 {
			t.Fatalf("%d objects: %d %v %.300s", n, code, err, b)
		}
		if per == 0 {
			per = len(got.Problems) / n
		}
		shown, more := min(per*n, maxImportProblems), max(0, per*n-maxImportProblems)
		if per == 0 || len(got.Problems) != shown || got.ProblemsMore != more || !strings.HasPrefix(got.Problems[0].Object, "malware--") {
			t.Errorf("%d objects: %d problems shown, %d more; want %d and %d", n, len(got.Problems), got.ProblemsMore, shown, more)
		}
	}
}
