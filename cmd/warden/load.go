package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"warden"
)

// loadOps are the operations of `warden bench load`, in the order they are
// reported.
var loadOps = []string{"screen", "payment", "customer"}

// loadAnswer is one payment or customer a node answered with a decision,
// as --answers writes it: what a test (or an operator after a failover)
// checks the database against.
type loadAnswer struct {
	Op       string `json:"op"`
	Ref      string `json:"ref"` // the payment's reference or the customer's id
	Decision string `json:"decision"`
	Target   string `json:"target"`
}

// loadStats are the results of one operation (or all) of a load run.
type loadStats struct {
	lat     []time.Duration // of the requests answered 2xx
	failed  int
	retried int // requests sent again to the next target after a transport error
}

func (s *loadStats) report(secs float64) map[string]any {
	sort.Slice(s.lat, func(i, j int) bool { return s.lat[i] < s.lat[j] })
	r := map[string]any{"requests": len(s.lat), "failed": s.failed, "retried": s.retried, "per_second": float64(len(s.lat)) / secs}
	if len(s.lat) > 0 {
		pct := func(p float64) time.Duration { return s.lat[min(len(s.lat)-1, int(float64(len(s.lat))*p))] }
		r["p50_ms"], r["p99_ms"], r["max_ms"] = ms(pct(0.50)), ms(pct(0.99)), ms(s.lat[len(s.lat)-1])
	}
	return r
}

// cmdBenchLoad spreads a mix of screening, payments and customer
// onboarding over one or more nodes, as a load balancer would: request i
// goes to target i modulo their number, and a request that gets no answer
// at all (the node is down) goes to the next target, as a balancer
// retries an idempotent request (payments and customers are idempotent by
// reference and id). It reports throughput and latency per operation and
// combined.
func cmdBenchLoad(ctx context.Context, e *env, args []string) error {
	fs := newFlags("bench load", "bench load --target URL[,URL...] --token TOKEN [--duration 10s] [--concurrency 16] [--mix screen=5,payment=4,customer=1] [--answers FILE] [--json]", e.stderr)
	targetList := fs.String("target", "http://127.0.0.1:8080", "base URLs of running warden serve nodes, comma-separated")
	token := fs.String("token", os.Getenv("WARDEN_TOKEN"), "bearer token of a screener (env WARDEN_TOKEN)")
	duration := fs.Duration("duration", 10*time.Second, "how long to send requests")
	concurrency := fs.Int("concurrency", 16, "requests in flight")
	mix := fs.String("mix", "screen=5,payment=4,customer=1", "relative weights of the operations: screen, payment, customer")
	answers := fs.String("answers", "", "write each payment and customer answered with a decision to `FILE`, one JSON object a line")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *token == "" {
		return fmt.Errorf("%w: --token is required (warden token create --role screener --name load)", errUsage)
	}
	if *concurrency < 1 || *duration <= 0 {
		return fmt.Errorf("%w: --concurrency and --duration must be positive", errUsage)
	}
	var targets []string
	for _, t := range strings.Split(*targetList, ",") {
		t = strings.TrimRight(strings.TrimSpace(t), "/")
		if !strings.HasPrefix(t, "http://127.") && !strings.HasPrefix(t, "http://localhost") && !strings.HasPrefix(t, "http://[::1]") {
			return fmt.Errorf("%w: bench sends load only to this machine (http://127.0.0.1:..., http://localhost:...), not %q", errUsage, t)
		}
		targets = append(targets, t)
	}
	schedule, err := loadSchedule(*mix)
	if err != nil {
		return err
	}
	var out *bufio.Writer
	if *answers != "" {
		f, err := os.Create(*answers)
		if err != nil {
			return err
		}
		defer f.Close()
		out = bufio.NewWriter(f)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency, MaxConnsPerHost: *concurrency}, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	run := time.Now().UnixNano() // references and ids are new on every run
	var next atomic.Int64
	var mu sync.Mutex
	stats := map[string]*loadStats{}
	perTarget := map[string]int{}
	for _, op := range loadOps {
		stats[op] = &loadStats{}
	}
	var wg sync.WaitGroup
	start := time.Now()
	for range *concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				op := schedule[i%len(schedule)]
				path, body, ref := loadRequest(op, run, i)
				t0 := time.Now()
				var target string
				var status int
				var resp []byte
				retried := 0
				err := errors.New("no target")
				for k := 0; k < len(targets) && err != nil && ctx.Err() == nil; k++ {
					if k > 0 {
						retried++
					}
					target = targets[(i+k)%len(targets)]
					status, resp, err = loadSend(ctx, client, target+path, *token, body)
				}
				d := time.Since(t0)
				if ctx.Err() != nil && err != nil {
					return // cut short by the end of the run: not a failure
				}
				mu.Lock()
				s := stats[op]
				s.retried += retried
				ok := err == nil && status/100 == 2
				if !ok {
					s.failed++
				} else {
					s.lat = append(s.lat, d)
					perTarget[target]++
				}
				if ok && out != nil && op != "screen" {
					var dec struct{ Decision string }
					json.Unmarshal(resp, &dec)
					b, _ := json.Marshal(loadAnswer{Op: op, Ref: ref, Decision: dec.Decision, Target: target})
					out.Write(append(b, '\n'))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	if out != nil {
		if err := out.Flush(); err != nil {
			return fmt.Errorf("--answers: %w", err)
		}
	}
	all := &loadStats{}
	res := map[string]any{"seconds": secs, "concurrency": *concurrency, "targets": targets, "per_target": perTarget}
	for _, op := range loadOps {
		s := stats[op]
		all.lat = append(all.lat, s.lat...)
		all.failed += s.failed
		all.retried += s.retried
		res[op] = s.report(secs)
	}
	res["combined"] = all.report(secs)
	if len(all.lat) == 0 {
		return warden.Errorf(warden.EINTERNAL, "no request succeeded (%d failed)", all.failed)
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(res)
	}
	fmt.Fprintf(e.stdout, "%d targets, concurrency %d, %.1fs\n", len(targets), *concurrency, secs)
	for _, op := range append(loadOps, "combined") {
		r := res[op].(map[string]any)
		if r["requests"] == 0 {
			fmt.Fprintf(e.stdout, "%-9s %7d ok %5d failed\n", op, r["requests"], r["failed"])
			continue
		}
		fmt.Fprintf(e.stdout, "%-9s %7d ok %5d failed %5d retried %8.0f/s  p50 %7.2fms  p99 %7.2fms  max %7.2fms\n",
			op, r["requests"], r["failed"], r["retried"], r["per_second"], r["p50_ms"], r["p99_ms"], r["max_ms"])
	}
	return nil
}

// loadSchedule expands --mix into a repeating sequence of operations,
// interleaved rather than in runs.
func loadSchedule(mix string) ([]string, error) {
	counts := map[string]int{}
	total := 0
	for _, part := range strings.Split(mix, ",") {
		op, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 || n > 1000 || !slices.Contains(loadOps, op) {
			return nil, fmt.Errorf("%w: --mix %q: give op=weight pairs, ops among %s, weights 0 to 1000", errUsage, mix, strings.Join(loadOps, ", "))
		}
		counts[op] += n
		total += n
	}
	if total == 0 {
		return nil, fmt.Errorf("%w: --mix %q gives every operation weight 0", errUsage, mix)
	}
	var out []string
	for len(out) < total {
		for _, op := range loadOps {
			if counts[op] > 0 {
				out = append(out, op)
				counts[op]--
			}
		}
	}
	return out, nil
}

// loadRequest is request i of a run: its path, body and the reference (or
// customer id) it answers for.
func loadRequest(op string, run int64, i int) (path string, body []byte, ref string) {
	switch op {
	case "payment":
		return "/v1/transactions", paymentBody(run, i), fmt.Sprintf("bench-%d-%d", run, i)
	case "customer":
		id := fmt.Sprintf("load-%d-%d", run, i)
		var c map[string]any
		json.Unmarshal([]byte(fmt.Sprintf(benchParties[i%len(benchParties)], i)), &c)
		delete(c, "role")
		c["id"] = id
		if c["name"] == nil {
			c["name"] = "Wallet Holder " + strconv.Itoa(i)
		}
		b, _ := json.Marshal(c)
		return "/v1/customers", b, id
	}
	b, _ := json.Marshal(benchQueries[i%len(benchQueries)])
	return "/v1/screen", b, ""
}

// loadSend posts body to url; an error means no answer came (the node is
// down or the connection broke), which the caller retries elsewhere.
func loadSend(ctx context.Context, client *http.Client, url, token string, body []byte) (int, []byte, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}
