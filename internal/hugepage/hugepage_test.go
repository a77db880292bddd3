package hugepage

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestHeap checks that memory the heap grows into after Heap is backed by
// huge pages: a buffer allocated and written after it lies in a mapping
// the kernel backs with at least one of them.
func TestHeap(t *testing.T) {
	if !onRequest() {
		t.Skip("this system does not give transparent huge pages on request (Linux, /sys/kernel/mm/transparent_hugepage/enabled set to madvise); Heap does nothing here")
	}
	if !Heap(64 << 20) {
		t.Fatal("Heap: the kernel refused the request")
	}
	b := make([]byte, 32<<20)
	for i := range b {
		b[i] = byte(i)
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	huge := anonHuge(t, lo, lo+uintptr(len(b)))
	runtime.KeepAlive(b)
	if huge < size {
		t.Fatalf("a 32 MB buffer written after Heap lies in a mapping with %d bytes of huge pages, want at least %d", huge, size)
	}
	// A second call does nothing: it would allocate its chunks again.
	if n := testing.AllocsPerRun(1, func() {
		if !Heap(64 << 20) {
			t.Error("a second call returned false")
		}
	}); n != 0 {
		t.Errorf("a second call allocated %v times", n)
	}
}

func TestDisabledByGodebug(t *testing.T) {
	for _, tt := range []struct {
		godebug string
		off     bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"gctrace=1,disablethp=1", true},
		{"disablethp=1,disablethp=0", false},
		{"disablethp=0", false},
		{"xdisablethp=1", false},
		{"disablethp=10", false},
	} {
		if got := disabledByGodebug(tt.godebug); got != tt.off {
			t.Errorf("GODEBUG=%q: disabled %v, want %v", tt.godebug, got, tt.off)
		}
	}
}

// anonHuge is the sum of the AnonHugePages figures, in bytes, of the
// mappings of this process that overlap [lo, hi) (/proc/self/smaps): the
// heap may have mapped a buffer's first pages apart from the rest.
func anonHuge(t *testing.T, lo, hi uintptr) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps to read the mappings from: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in, sum, seen := false, 0, false
	for sc.Scan() {
		line := sc.Text()
		if r, _, ok := strings.Cut(line, " "); ok && strings.Contains(r, "-") && !strings.HasSuffix(r, ":") {
			from, to, _ := strings.Cut(r, "-")
			l, err1 := strconv.ParseUint(from, 16, 64)
			h, err2 := strconv.ParseUint(to, 16, 64)
			in = err1 == nil && err2 == nil && uint64(lo) < h && uint64(hi) > l
			seen = seen || in
			continue
		}
		if v, ok := strings.CutPrefix(line, "AnonHugePages:"); in && ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatalf("smaps: %q: %v", line, err)
			}
			sum += kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !seen {
		t.Fatalf("no mapping in /proc/self/smaps holds %#x-%#x", lo, hi)
	}
	return sum
}
