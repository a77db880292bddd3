package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"warden"
	"warden/auth"
	sstix "warden/sources/stix"
	"warden/store"
	"warden/taxii"
)

// TestIntelTAXIICLI drives warden intel feeds, pull and push against a
// partner's TAXII server: a feed is configured and listed without its
// token, pulled, a collection pulled without a feed, a selection pushed;
// usage errors are errUsage.
func TestIntelTAXIICLI(t *testing.T) {
	var objs []json.RawMessage
	for i := range 2 {
		b, _ := json.Marshal(map[string]any{"type": "indicator", "spec_version": "2.1", "id": sstix.ID("indicator", fmt.Sprint("cli-taxii:", i)),
			"created": "2026-01-10T09:00:00.000Z", "modified": "2026-01-10T09:00:00.000Z", "name": fmt.Sprint("partner ", i),
			"pattern": fmt.Sprintf("[domain-name:value = 'c2-%d.example']", i), "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"})
		objs = append(objs, b)
	}
	var posted taxii.Envelope
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", taxii.MediaType)
		if r.Header.Get("Authorization") != "Bearer partner-token" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"title":"Unauthorized","description":"wrong token"}`)
			return
		}
		if r.Method == "POST" {
			json.NewDecoder(r.Body).Decode(&posted)
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprintf(w, `{"id":"s-1","status":"complete","total_count":%d,"success_count":%d,"failure_count":0,"pending_count":0}`, len(posted.Objects), len(posted.Objects))
			return
		}
		w.Header().Set("X-TAXII-Date-Added-First", "2026-03-01T10:00:00.000000Z")
		w.Header().Set("X-TAXII-Date-Added-Last", "2026-03-01T10:00:01.000000Z")
		json.NewEncoder(w).Encode(taxii.Envelope{Objects: objs})
	}))
	defer srv.Close()
	root := srv.URL + "/taxii2/api/"
	db := filepath.Join(t.TempDir(), "w.db")
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	sdb, err := store.Open(ctx, db) // the partner's organisation, which a push is for
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.New(sdb).CreateOrg(ctx, "partner-org", "Partner", "counterpart"); err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	cmd := func(f func(context.Context, *env, []string) error, args ...string) (string, error) {
		var out bytes.Buffer
		err := f(ctx, &env{dsn: db, stdout: &out, stderr: io.Discard}, args)
		return out.String(), err
	}

	if out, err := cmd(intelFeeds, "add", "partner", "--url", root, "--collection", "c-1", "--token", "partner-token", "--tlp", "green"); err != nil || !strings.Contains(out, "TLP:GREEN") {
		t.Fatalf("feeds add: %q %v", out, err)
	}
	for _, args := range [][]string{{"list"}, {"list", "--json"}} {
		out, err := cmd(intelFeeds, args...)
		if err != nil || !strings.Contains(out, "partner") || strings.Contains(out, "partner-token") {
			t.Errorf("feeds %v: %q %v", args, out, err)
		}
	}
	if out, err := cmd(intelPull, "--feed", "partner"); err != nil || !strings.Contains(out, "pulled 2 objects: 2 new") {
		t.Errorf("pull --feed: %q %v", out, err)
	}
	out, err := cmd(intelPull, "--url", root, "--collection", "c-1", "--token", "partner-token")
	if err != nil || !strings.Contains(out, "0 new, 0 new versions, 2 unchanged") || !strings.Contains(out, "--since 2026-03-01T10:00:01.000000Z") {
		t.Errorf("pull --url: %q %v", out, err)
	}
	if _, err := cmd(intelPull, "--url", root, "--collection", "c-1", "--token", "wrong"); err == nil || !strings.Contains(err.Error(), "wrong token") {
		t.Errorf("pull with a wrong token: %v", err)
	}
	out, err = cmd(intelPush, "--url", root, "--collection", "c-9", "--token", "partner-token", "--id", sstix.ID("indicator", "cli-taxii:1"), "--for", "partner-org")
	if err != nil || out != "pushed: complete\n" || len(posted.Objects) == 0 {
		t.Errorf("push: %q %v (%d objects posted)", out, err, len(posted.Objects))
	}
	usage := []struct {
		f    func(context.Context, *env, []string) error
		args []string
	}{
		{intelPull, nil},
		{intelPull, []string{"--feed", "partner", "--url", root, "--collection", "c"}},
		{intelPull, []string{"--url", root}},
		{intelPull, []string{"--feed", "partner", "--since", "yesterday"}},
		{intelPush, []string{"--url", root, "--collection", "c"}},
		{intelPush, []string{"--url", root, "--collection", "c", "--id", "x--1", "--collection-local", "c2"}},
		{intelPush, []string{"--url", root, "--collection", "c", "--id", "x--1", "--since", "2026-01-01T00:00:00Z"}},
		{intelFeeds, nil},
		{intelFeeds, []string{"rename"}},
		{intelFeeds, []string{"add"}},
	}
	for _, u := range usage {
		if _, err := cmd(u.f, u.args...); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", u.args, err)
		}
	}
	if out, err := cmd(intelFeeds, "remove", "partner"); err != nil || !strings.Contains(out, "removed") {
		t.Errorf("feeds remove: %q %v", out, err)
	}
	if _, err := cmd(intelFeeds, "remove", "partner"); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("feeds remove again: %v", err)
	}
}
