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
	"unsafe"
)

// size is the size of a huge page on the systems that have them.
const size = 2 << 20

// Heap asks the system to back the next n bytes the Go heap grows into
// with huge pages, and returns whether it did. It maps them into the heap
// by allocating n bytes that it frees at once with a collection, so it is
// called at the start of a command, while the heap is small and the
// collection costs next to nothing; the heap then grows into them as into
// any fresh memory, a 2 MB page per fault instead of a 4 KB one. Where
// asking changes nothing (other systems, huge pages always or never given)
// it does nothing.
func Heap(n int) bool {
	if !onRequest() {
		return false
	}
	b := make([]byte, n+size)
	lo := (uintptr(unsafe.Pointer(unsafe.SliceData(b))) + size - 1) &^ (size - 1)
	ok := advise(lo, uintptr(n)&^(size-1))
	runtime.KeepAlive(b)
	runtime.GC()
	return ok
}
