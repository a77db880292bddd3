package hugepage

import (
	"bytes"
	"os"
	"syscall"
)

// madvHugepage is Linux's MADV_HUGEPAGE, which package syscall lacks.
const madvHugepage = 14

// onRequest reports whether the kernel gives transparent huge pages on
// request only ("madvise" in /sys/kernel/mm/transparent_hugepage/enabled),
// the one setting where asking changes anything, and whether a mapping of
// memory not yet used is safe: under strict overcommit
// (vm.overcommit_memory 2) it is charged at once and could fail.
func onRequest() bool {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		return false
	}
	commit, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err == nil && !bytes.HasPrefix(commit, []byte("2"))
}

// advise marks the n bytes at addr for huge pages. The address is passed
// as a number: the memory is the heap's, held live by the caller, and the
// call only changes how the kernel backs it.
func advise(addr, n uintptr) bool {
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, n, madvHugepage)
	return errno == 0
}
