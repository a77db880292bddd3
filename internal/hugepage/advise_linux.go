package hugepage

import (
	"bytes"
	"os"
	"syscall"
)

// madvHugepage is Linux's MADV_HUGEPAGE, which package syscall lacks.
const madvHugepage = 14

// onRequest reports whether the kernel gives this process transparent
// huge pages on request only ("madvise" in
// /sys/kernel/mm/transparent_hugepage/enabled), the one setting where
// asking changes anything; not when they are turned off for the process
// (prctl PR_SET_THP_DISABLE, as some sandboxes do: THP_enabled 0 in
// /proc/self/status) or for its heap (GODEBUG=disablethp=1), nor under
// strict overcommit (vm.overcommit_memory 2), where a mapping of memory
// not yet used is charged at once and could fail.
func onRequest() bool {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		return false
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil || bytes.Contains(status, []byte("\nTHP_enabled:\t0")) {
		return false
	}
	if disabledByGodebug(os.Getenv("GODEBUG")) {
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
