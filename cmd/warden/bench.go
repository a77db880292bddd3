package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"warden"
	"warden/screening"
)

// benchQueries are used when no --input is given: names in several scripts,
// wallets and misses, as a payment screening load would have.
var benchQueries = []map[string]any{
	{"name": "Maxim Yakubets", "schema": "Person"},
	{"name": "Якубец Максим", "schema": "Person"},
	{"name": "王云鹤", "schema": "Person"},
	{"name": "Evil Corp", "schema": "Organization"},
	{"name": "Peter Mueller", "schema": "Person"},
	{"name": "Acme Widgets Ltd", "schema": "Organization"},
	{"wallet": "0x47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936"},
	{"name": "Dmitry Khoroshev", "birth_date": "1993"},
	{"name": "Anna Kowalski", "schema": "Person"},
	{"name": "Sberbank Europe", "schema": "Organization"},
}

func cmdBench(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "load" {
		return cmdBenchLoad(ctx, e, args[1:])
	}
	fs := newFlags("bench", "bench --url URL --token TOKEN [--duration 10s] [--concurrency 16] [--input Q.csv | --payments]", e.stderr)
	url := fs.String("url", "http://127.0.0.1:8080", "base URL of a running warden serve")
	token := fs.String("token", os.Getenv("WARDEN_TOKEN"), "bearer token of a screener (env WARDEN_TOKEN)")
	duration := fs.Duration("duration", 10*time.Second, "how long to send requests")
	concurrency := fs.Int("concurrency", 16, "requests in flight")
	input := fs.String("input", "", "CSV of queries as for screen --input (default: a built-in mix)")
	maxRequests := fs.Int("max-requests", 1_000_000, "stop after this many requests")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	payments := fs.Bool("payments", false, "send payments to POST /v1/transactions (each with a new reference) instead of screening queries")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *token == "" {
		return fmt.Errorf("%w: --token is required (warden token create --role screener --name bench)", errUsage)
	}
	if *concurrency < 1 || *duration <= 0 || *maxRequests < 1 {
		return fmt.Errorf("%w: --concurrency, --duration and --max-requests must be positive", errUsage)
	}
	if !strings.HasPrefix(*url, "http://127.") && !strings.HasPrefix(*url, "http://localhost") && !strings.HasPrefix(*url, "http://[::1]") {
		return fmt.Errorf("%w: bench sends load only to this machine (http://127.0.0.1:..., http://localhost:...)", errUsage)
	}
	bodies, err := benchBodies(ctx, *input)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency, MaxConnsPerHost: *concurrency}, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	run := time.Now().UnixNano() // references are new on every run
	var failed atomic.Int64
	var mu sync.Mutex
	var all []time.Duration // latencies of the requests that succeeded
	var g errgroup.Group    // requests never fail the group: failures are counted
	g.SetLimit(*concurrency)
	start := time.Now()
	for i := 0; i < *maxRequests && ctx.Err() == nil; i++ {
		path, body := "/v1/screen", bodies[i%len(bodies)]
		if *payments {
			path, body = "/v1/transactions", paymentBody(run, i)
		}
		g.Go(func() error {
			req, _ := http.NewRequestWithContext(ctx, "POST", *url+path, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+*token)
			req.Header.Set("Content-Type", "application/json")
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				if ctx.Err() == nil {
					failed.Add(1)
				}
				return nil
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				failed.Add(1)
				return nil
			}
			d := time.Since(t0)
			mu.Lock()
			all = append(all, d)
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
	elapsed := time.Since(start)
	if len(all) == 0 {
		return warden.Errorf(warden.EINTERNAL, "no request succeeded (%d failed)", failed.Load())
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	res := map[string]any{
		"requests": len(all), "failed": failed.Load(), "seconds": elapsed.Seconds(),
		"per_second": float64(len(all)) / elapsed.Seconds(), "concurrency": *concurrency,
		"p50_ms": ms(pct(0.50)), "p90_ms": ms(pct(0.90)), "p99_ms": ms(pct(0.99)), "max_ms": ms(all[len(all)-1]),
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(res)
	}
	fmt.Fprintf(e.stdout, "%d requests in %.1fs (%d failed), concurrency %d: %.0f/s; latency p50 %.2fms p90 %.2fms p99 %.2fms max %.2fms\n",
		len(all), elapsed.Seconds(), failed.Load(), *concurrency, res["per_second"], res["p50_ms"], res["p90_ms"], res["p99_ms"], res["max_ms"])
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchBodies returns the request bodies to send.
func benchBodies(ctx context.Context, input string) ([][]byte, error) {
	var out [][]byte
	if input == "" {
		for _, q := range benchQueries {
			b, _ := json.Marshal(q)
			out = append(out, b)
		}
		return out, nil
	}
	rows, err := screening.ReadBatch(ctx, warden.Input{Open: func(p string) (io.ReadCloser, error) { return os.Open(p) }}, input, nil)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		q := r.Query.Query()
		b, _ := json.Marshal(map[string]any{"names": q.Names, "schema": q.Schema, "birth_dates": q.BirthDates,
			"countries": q.Countries, "wallets": q.Wallets, "ids": q.IDs})
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, warden.Errorf(warden.EINVALID, "%s holds no queries", input)
	}
	return out, nil
}

// benchParties are the counterparties of generated payments: mostly
// clean, one in ten a listed wallet (blocked), some near misses.
var benchParties = []string{
	`{"role":"beneficiary","name":"Peter Mueller","country":"DE","account":"DE-%d"}`,
	`{"role":"beneficiary","name":"Acme Widgets Ltd","country":"GB","account":"GB-%d"}`,
	`{"role":"beneficiary","name":"Anna Kowalski","country":"PL","account":"PL-%d"}`,
	`{"role":"beneficiary","name":"Maria Garcia Lopez","country":"ES","account":"ES-%d"}`,
	`{"role":"beneficiary","name":"Shanghai Trading Co Ltd","country":"CN","account":"CN-%d"}`,
	`{"role":"beneficiary","name":"Ivan Petrov","country":"RU","account":"RU-%d"}`,
	`{"role":"beneficiary","name":"Nordic Timber AB","country":"SE","account":"SE-%d"}`,
	`{"role":"beneficiary","name":"Jean Dupont","country":"FR","account":"FR-%d"}`,
	`{"role":"beneficiary","name":"Kenji Tanaka","country":"JP","account":"JP-%d"}`,
	`{"role":"beneficiary","wallet":"0x47CE0C6eD5B0Ce3d3A51fdb1C52DC66a7c3c2936","account":"X-%d"}`,
}

// paymentBody is payment i of a run: a new reference, an originator and one
// of benchParties.
func paymentBody(run int64, i int) []byte {
	return []byte(fmt.Sprintf(`{"reference":"bench-%d-%d","amount":{"currency":"USD","minor":%d},"parties":[{"role":"originator","name":"Jane Doe","country":"US","account":"US-001"},%s]}`,
		run, i, 1000+i%100000, fmt.Sprintf(benchParties[i%len(benchParties)], i)))
}
