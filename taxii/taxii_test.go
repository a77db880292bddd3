package taxii

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"warden"
)

// TestClientRequests checks what the client sends (path, query, media
// types, token) and what it reads back (envelope, date headers, status),
// against a server that records the requests. The exchange with Warden's
// own server is web's TestTAXIIExchange.
func TestClientRequests(t *testing.T) {
	var got *http.Request
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", MediaType)
		switch {
		case strings.HasSuffix(r.URL.Path, "/objects/") && r.Method == "GET":
			w.Header().Set("X-TAXII-Date-Added-First", "2026-01-02T03:04:05.123456Z")
			w.Header().Set("X-TAXII-Date-Added-Last", "2026-01-02T03:04:06.5Z")
			io.WriteString(w, `{"more":true,"next":"n2","objects":[{"type":"indicator","id":"indicator--1"}]}`)
		case strings.HasSuffix(r.URL.Path, "/objects/"):
			io.WriteString(w, `{"id":"s1","status":"complete","total_count":1,"success_count":1,"successes":[{"id":"indicator--1","version":"2026-01-01T00:00:00.000Z"}],"failure_count":0,"pending_count":0}`)
		case strings.HasSuffix(r.URL.Path, "/collections/"):
			io.WriteString(w, `{"collections":[{"id":"c1","title":"One","can_read":true,"can_write":false}]}`)
		}
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + "/taxii2/api", Token: "wdn_x"}
	ctx := context.Background()

	page, err := c.Objects(ctx, "c 1", Query{AddedAfter: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Limit: 10, Next: "n1",
		IDs: []string{"a--1", "b--2"}, Types: []string{"indicator"}, Versions: "all", SpecVersions: []string{"2.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.URL.EscapedPath() != "/taxii2/api/collections/c%201/objects/" {
		t.Errorf("path %s", got.URL.EscapedPath())
	}
	q := got.URL.Query()
	for k, v := range map[string]string{"added_after": "2026-01-01T00:00:00.000000Z", "limit": "10", "next": "n1", "match[id]": "a--1,b--2",
		"match[type]": "indicator", "match[version]": "all", "match[spec_version]": "2.1"} {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if got.Header.Get("Accept") != MediaType || got.Header.Get("Authorization") != "Bearer wdn_x" {
		t.Errorf("headers %v", got.Header)
	}
	if !page.More || page.Next != "n2" || len(page.Objects) != 1 {
		t.Errorf("page %+v", page.Envelope)
	}
	if want := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC); !page.First.Equal(want) {
		t.Errorf("first %v, want %v", page.First, want)
	}
	if want := time.Date(2026, 1, 2, 3, 4, 6, 500000000, time.UTC); !page.Last.Equal(want) {
		t.Errorf("last %v, want %v", page.Last, want)
	}

	st, err := c.AddObjects(ctx, "c1", Envelope{Objects: []json.RawMessage{json.RawMessage(`{"type":"indicator","id":"indicator--1"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != "POST" || got.Header.Get("Content-Type") != MediaType || gotBody != `{"objects":[{"type":"indicator","id":"indicator--1"}]}` {
		t.Errorf("post %s %s %s", got.Method, got.Header.Get("Content-Type"), gotBody)
	}
	if st.Status != "complete" || st.SuccessCount != 1 || st.Successes[0].Version != "2026-01-01T00:00:00.000Z" {
		t.Errorf("status %+v", st)
	}

	cs, err := c.Collections(ctx)
	if err != nil || len(cs) != 1 || cs[0].ID != "c1" || !cs[0].CanRead || cs[0].CanWrite {
		t.Errorf("collections %+v %v", cs, err)
	}
}

// TestClientErrors checks that a server's refusal comes back with the
// code its status maps to and the server's own words, and that answers
// too large or not TAXII are refused.
func TestClientErrors(t *testing.T) {
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		max         int64
		code        string
		says        string
	}{
		{"taxii error", 404, MediaType, `{"title":"Not Found","description":"no collection c1"}`, 0, warden.ENOTFOUND, "Not Found: no collection c1"},
		{"unauthorized", 401, MediaType, `{"title":"Unauthorized","description":"a bearer token is required"}`, 0, warden.EUNAUTHORIZED, "a bearer token is required"},
		{"problem json", 403, "application/problem+json", `{"title":"Forbidden","detail":"role counterpart may not intel.write"}`, 0, warden.EFORBIDDEN, "may not intel.write"},
		{"plain text", 502, "text/plain", "bad gateway\n", 0, warden.EUNAVAILABLE, "bad gateway"},
		{"not acceptable", 406, MediaType, `{"title":"Not Acceptable"}`, 0, warden.EINVALID, "Not Acceptable"},
		{"too large", 200, MediaType, `{"objects":[` + strings.Repeat(`{"type":"x","id":"x--1"},`, 20) + `{}]}`, 100, warden.ETOOLARGE, "larger than 100 bytes"},
		{"not taxii", 200, "text/html", `<html>`, 0, warden.EINVALID, "not a TAXII resource"},
		{"bad date header", 200, MediaType, `{}`, 0, warden.EINVALID, "X-TAXII-Date-Added-First"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				if tc.name == "bad date header" {
					w.Header().Set("X-TAXII-Date-Added-First", "yesterday")
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c := &Client{BaseURL: srv.URL + "/api/", MaxResponse: tc.max}
			_, err := c.Objects(context.Background(), "c1", Query{})
			if err == nil {
				t.Fatal("no error")
			}
			if warden.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q (%s), want %s saying %q", err, warden.ErrorCode(err), tc.code, tc.says)
			}
		})
	}
}
