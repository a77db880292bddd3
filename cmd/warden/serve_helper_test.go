package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// serving is a `warden serve` that a test runs in process.
type serving struct {
	base string // http://127.0.0.1:port
	stop func() int
}

// startServe runs `warden --db db serve --addr 127.0.0.1:0 args...` in
// process and returns once it listens. stop cancels it and returns its exit
// status (once; later calls return the same); the test's cleanup stops a
// server the test left running.
func startServe(t *testing.T, db string, args ...string) serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"--db", db, "serve", "--addr", "127.0.0.1:0"}, args...), nil, io.Discard, pw)
		pw.Close()
	}()
	var once sync.Once
	var code int
	stop := func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Error("serve did not stop within 30 s of its cancellation")
				code = -1
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return serving{base: "http://" + listening(t, pr), stop: stop}
}

// listening reads a server's JSON log from r until it announces the address
// it listens on, and keeps draining r afterwards so the server never blocks
// on its log. It fails the test after 60 s.
func listening(t *testing.T, r io.Reader) string {
	t.Helper()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == "listening" {
				select {
				case addr <- m["addr"].(string):
				default:
				}
			}
		}
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
		return ""
	}
}

// waitReady polls base/readyz until it answers 200 (start-up work such as
// loading the snapshot is done), failing the test after 3 minutes: loading
// and indexing the whole bundled snapshot takes some 30 s of CPU under the
// race detector, and TestServe ran out of 60 s on a busy machine.
func waitReady(t *testing.T, base string) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server not ready within 3 minutes")
		}
	}
}

// TestServeStopWhileStarting: a stop asked for while the server is still
// loading the bundled snapshot is a normal stop (exit 0), not a failure.
func TestServeStopWhileStarting(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "w.db"))
	if code := srv.stop(); code != 0 {
		t.Errorf("stopped while starting: exit %d", code)
	}
}
