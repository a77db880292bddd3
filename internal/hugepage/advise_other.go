//go:build !linux

package hugepage

// onRequest reports false: other systems give huge pages their own way or
// not at all.
func onRequest() bool { return false }

// advise is never called where onRequest is false.
func advise(addr, n uintptr) bool { return false }
