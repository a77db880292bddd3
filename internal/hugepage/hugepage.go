// Package hugepage backs the Go heap of a short command with transparent
// huge pages where the system gives them only on request.
//
// A command that starts, allocates a few hundred megabytes and ends (a
// batch screening, one screening on a loaded index) pays for every fresh
// 4 KB page of its heap with a page fault; on a virtual machine each one
// can cost microseconds (7–15 µs measured on one), and such a command
// takes tens of thousands of them. Linux's transparent huge pages serve a
// fault with 2 MB at once, but where they are given only on request (the
// "madvise" setting, the default of many distributions) the Go runtime,
// which does not ask for them for its heap, gets none.
package hugepage

import (
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// size is the size of a huge page on the systems that have them.
const size = 2 << 20

// chunk is how much of the heap Heap maps at a time. The runtime zeroes a
// new object whole when any of it was used before: one object of n bytes
// that met a page the collector had freed was zeroed in 4 KB faults
// before it could be marked (1.5 s for 512 MB, two runs in 25), a 4 MB
// chunk would be at most 4 MB of them.
const chunk = 4 << 20

// once makes Heap's work happen once a process, and advised is what it
// returned: memory the heap has used is zeroed by the runtime before it
// is used again, so a second call would write every byte of its chunks
// (1.4 s for 512 MB in one test), and the collector's setting, saved and
// restored around the work, would not survive two calls at once.
var (
	once    sync.Once
	advised bool
)

// Heap asks the system to back the next n bytes the Go heap grows into
// with huge pages, and returns whether it did. It maps them into the heap
// by allocating them, in chunks it frees at once with a collection, so it
// is called at the start of a command, while the heap is small and the
// collection costs next to nothing; the heap then grows into them as into
// any fresh memory, a 2 MB page per fault instead of a 4 KB one. Only the
// first call in a process does this (a program running several commands,
// as tests do, gets it for the first); later ones return what it returned.
// Where asking changes nothing (other systems, huge pages always or never
// given) it does nothing.
func Heap(n int) bool {
	once.Do(func() { advised = heap(n) })
	return advised
}

// heap is Heap's work.
func heap(n int) bool {
	if !onRequest() {
		return false
	}
	// No collection starts while the chunks are taken, to free pages
	// they could then meet.
	gc := debug.SetGCPercent(-1)
	chunks := make([][]byte, n/chunk)
	for i := range chunks {
		chunks[i] = make([]byte, chunk)
	}
	// The chunks mostly follow each other: advise each run of adjacent
	// ones whole, so that no huge page is lost where two meet.
	at := make([]uintptr, len(chunks))
	for i, c := range chunks {
		at[i] = uintptr(unsafe.Pointer(unsafe.SliceData(c)))
	}
	slices.Sort(at)
	ok := true
	for i := 0; i < len(at); {
		j := i + 1
		for j < len(at) && at[j] == at[j-1]+chunk {
			j++
		}
		lo, hi := (at[i]+size-1)&^(size-1), (at[j-1]+chunk)&^(size-1)
		if lo < hi {
			ok = advise(lo, hi-lo) && ok
		}
		i = j
	}
	runtime.KeepAlive(chunks)
	debug.SetGCPercent(gc)
	runtime.GC()
	return ok
}

// disabledByGodebug reports whether GODEBUG turns huge pages off for the
// Go heap (its last disablethp setting is 1, as the runtime reads it).
func disabledByGodebug(godebug string) bool {
	off := false
	for kv := range strings.SplitSeq(godebug, ",") {
		if v, ok := strings.CutPrefix(kv, "disablethp="); ok {
			off = v == "1"
		}
	}
	return off
}
