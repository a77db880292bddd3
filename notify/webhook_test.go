package notify_test

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"warden"
	"warden/notify"
	"warden/notify/notifytest"
)

func TestWebhookShapes(t *testing.T) {
	at := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)
	tests := []struct {
		format warden.WebhookFormat
		check  func(t *testing.T, body map[string]any)
	}{
		{warden.FormatGeneric, func(t *testing.T, b map[string]any) {
			for k, want := range map[string]string{
				"delivery": "warden-n-42", "event": "alert.triggered",
				"subject":     hostile().Subject,
				"text":        hostile().Text,
				"ack_url":     hostile().AckURL,
				"resolve_url": hostile().ResolveURL,
			} {
				if b[k] != want {
					t.Errorf("%s = %q, want %q", k, b[k], want)
				}
			}
			var a warden.Alert
			raw, _ := json.Marshal(b["alert"])
			if err := json.Unmarshal(raw, &a); err != nil {
				t.Fatal(err)
			}
			if a.ID != 7 || a.Severity != warden.SeverityCritical || a.Status != warden.AlertTriggered || a.Object != hostile().Alert.Object {
				t.Errorf("alert = %+v", a)
			}
		}},
		{warden.FormatSlack, func(t *testing.T, b map[string]any) {
			if want := "Deadline missed <script>alert(1)</script> & co Bcc: evil@attacker.example"; b["text"] != want {
				t.Errorf("text = %q, want %q", b["text"], want)
			}
			blocks := b["blocks"].([]any)
			if len(blocks) != 2 {
				t.Fatalf("%d blocks, want a section and actions", len(blocks))
			}
			section := blocks[0].(map[string]any)
			text := section["text"].(map[string]any)
			if section["type"] != "section" || text["type"] != "mrkdwn" {
				t.Errorf("first block %v, want a mrkdwn section", section)
			}
			md := text["text"].(string)
			for _, want := range []string{"*Deadline missed &lt;script&gt;", "Ministry&lt;/b&gt; &amp;", "*Severity:* critical", "request:&lt;img"} {
				if !strings.Contains(md, want) {
					t.Errorf("section lacks %q: %s", want, md)
				}
			}
			if strings.ContainsAny(md, "<>") {
				t.Errorf("section has unescaped markup: %s", md)
			}
			actions := blocks[1].(map[string]any)
			buttons := actions["elements"].([]any)
			if actions["type"] != "actions" || len(buttons) != 1 {
				t.Fatalf("second block %v, want actions with the acknowledge button only (resolve URL is not http)", actions)
			}
			button := buttons[0].(map[string]any)
			if button["type"] != "button" || button["url"] != hostile().AckURL || button["text"].(map[string]any)["text"] != "Acknowledge" {
				t.Errorf("button %v", button)
			}
		}},
		{warden.FormatTeams, func(t *testing.T, b map[string]any) {
			if b["type"] != "message" {
				t.Errorf("type = %v, want message", b["type"])
			}
			att := b["attachments"].([]any)
			if len(att) != 1 {
				t.Fatalf("%d attachments, want 1", len(att))
			}
			a := att[0].(map[string]any)
			if a["contentType"] != "application/vnd.microsoft.card.adaptive" {
				t.Errorf("contentType = %v", a["contentType"])
			}
			card := a["content"].(map[string]any)
			if card["type"] != "AdaptiveCard" || card["version"] != "1.4" {
				t.Errorf("card type %v version %v, want AdaptiveCard 1.4", card["type"], card["version"])
			}
			body := card["body"].([]any)
			var kinds []string
			for _, x := range body {
				kinds = append(kinds, x.(map[string]any)["type"].(string))
			}
			if strings.Join(kinds, " ") != "TextBlock TextBlock FactSet" {
				t.Errorf("card body %v, want title, text and facts", kinds)
			}
			if title := body[0].(map[string]any)["text"]; title != "Deadline missed <script>alert(1)</script> & co Bcc: evil@attacker.example" {
				t.Errorf("title %q", title)
			}
			actions := card["actions"].([]any)
			if len(actions) != 1 {
				t.Fatalf("%d actions, want the acknowledge link only", len(actions))
			}
			if act := actions[0].(map[string]any); act["type"] != "Action.OpenUrl" || act["url"] != hostile().AckURL || act["title"] != "Acknowledge" {
				t.Errorf("action %v", act)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			srv := notifytest.NewWebhook(t)
			w := &notify.Webhook{Now: func() time.Time { return at }}
			if err := w.Send(t.Context(), srv.URL+"/hook", tt.format, hostile()); err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			for h, want := range map[string]string{
				"Content-Type":       "application/json",
				"User-Agent":         "Warden-Hotline/1",
				"X-Warden-Delivery":  "warden-n-42",
				"X-Warden-Event":     "alert.triggered",
				"X-Warden-Timestamp": strconv.FormatInt(at.Unix(), 10),
				"X-Warden-Signature": "",
			} {
				if v := r.Header.Get(h); v != want {
					t.Errorf("header %s = %q, want %q", h, v, want)
				}
			}
			var body map[string]any
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("body is not JSON: %v\n%s", err, r.Body)
			}
			tt.check(t, body)
		})
	}
}

func TestWebhookSignature(t *testing.T) {
	tests := []struct {
		name     string
		secrets  []string
		receiver string // the secret the receiver holds
		sigs     int
		valid    bool
	}{
		{"one secret", []string{"old"}, "old", 1, true},
		{"rotation, receiver on the old secret", []string{"old", "new"}, "old", 2, true},
		{"rotation, receiver on the new secret", []string{"old", "new"}, "new", 2, true},
		{"another secret", []string{"old", "new"}, "other", 2, false},
		{"unsigned", nil, "old", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewWebhook(t)
			srv.SetSecret(tt.receiver)
			m := hostile()
			m.Secrets = tt.secrets
			if err := new(notify.Webhook).Send(t.Context(), srv.URL, warden.FormatGeneric, m); err != nil {
				t.Fatal(err)
			}
			r := srv.Requests()[0]
			header := r.Header.Get("X-Warden-Signature")
			if n := strings.Count(header, "v1="); n != tt.sigs {
				t.Errorf("signature header %q has %d v1 values, want %d", header, n, tt.sigs)
			}
			if !r.Signed || r.Valid != tt.valid {
				t.Errorf("signed %v valid %v, want valid %v", r.Signed, r.Valid, tt.valid)
			}
		})
	}
}

func TestWebhookAnswers(t *testing.T) {
	tests := []struct {
		status    int
		delivered bool
		permanent bool
	}{
		{200, true, false},
		{204, true, false},
		{400, false, true},
		{401, false, true},
		{404, false, true},
		{410, false, true},
		{408, false, false},
		{429, false, false},
		{500, false, false},
		{502, false, false},
		{503, false, false},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			srv := notifytest.NewWebhook(t)
			srv.Fail(1, tt.status)
			m := hostile()
			m.Secrets = []string{"topsecret"}
			// A Slack webhook URL carries its token in the path.
			url := srv.URL + "/services/T0/B0/tokentokentoken"
			err := new(notify.Webhook).Send(t.Context(), url, warden.FormatSlack, m)
			if tt.delivered {
				if err != nil {
					t.Fatal(err)
				}
				if n := srv.Count(m.DeliveryID); n != 1 {
					t.Errorf("delivered %d times, want 1", n)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, notify.ErrPermanent) != tt.permanent {
				t.Errorf("err %v: permanent %v, want %v", err, !tt.permanent, tt.permanent)
			}
			msg := err.Error()
			// The status, not the answer's body: the error reaches the
			// hotline log, which every hotline reader sees, and a
			// receiver's answer may carry its internals.
			if !strings.Contains(msg, strconv.Itoa(tt.status)) || strings.Contains(msg, "refused as the test asked") || strings.Contains(msg, "permanent delivery failure") {
				t.Errorf("error %q: want the status, without the answer or a trailing label", msg)
			}
			if strings.Contains(msg, "tokentokentoken") || strings.Contains(msg, "topsecret") {
				t.Errorf("error %q shows the URL's token or the secret", msg)
			}
			// Another attempt is delivered, as the engine's retry would be.
			if err := new(notify.Webhook).Send(t.Context(), url, warden.FormatSlack, m); err != nil {
				t.Fatalf("second attempt: %v", err)
			}
			if d := srv.Deliveries(); d[m.DeliveryID] != 1 || len(d) != 1 {
				t.Errorf("deliveries %v, want warden-n-42 once", d)
			}
		})
	}
}

func TestWebhookTimeout(t *testing.T) {
	srv := notifytest.NewWebhook(t)
	srv.Hang()
	w := &notify.Webhook{Timeout: 50 * time.Millisecond}
	err := w.Send(t.Context(), srv.URL, warden.FormatGeneric, hostile())
	if err == nil || errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("err = %v, want a temporary timeout", err)
	}
	srv.Heal()
	if err := w.Send(t.Context(), srv.URL, warden.FormatGeneric, hostile()); err != nil {
		t.Fatalf("after Heal: %v", err)
	}
	if n, all := srv.Count("warden-n-42"), len(srv.Requests()); n != 1 || all != 2 {
		t.Errorf("delivered %d of %d requests, want 1 of 2", n, all)
	}
}

func TestWebhookRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	err = new(notify.Webhook).Send(t.Context(), "http://"+addr+"/hook", warden.FormatGeneric, hostile())
	if err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Fatalf("err = %v, want a temporary failure", err)
	}
}

func TestWebhookRedirectNotFollowed(t *testing.T) {
	var followed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed.Add(1) }))
	defer elsewhere.Close()
	moved := httptest.NewServer(http.RedirectHandler(elsewhere.URL+"/hook", http.StatusTemporaryRedirect))
	defer moved.Close()
	err := new(notify.Webhook).Send(t.Context(), moved.URL, warden.FormatGeneric, hostile())
	if !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "not followed") {
		t.Errorf("err = %v, want a permanent redirect failure", err)
	}
	if n := followed.Load(); n != 0 {
		t.Errorf("redirect followed %d times", n)
	}
}

func TestWebhookInvalid(t *testing.T) {
	srv := notifytest.NewWebhook(t)
	tests := []struct {
		name, url string
		format    warden.WebhookFormat
	}{
		{"relative URL", "/hook", warden.FormatGeneric},
		{"scheme", "ftp://127.0.0.1/hook", warden.FormatGeneric},
		{"format", srv.URL, "xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := new(notify.Webhook).Send(t.Context(), tt.url, tt.format, hostile())
			if !errors.Is(err, notify.ErrPermanent) || warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("err = %v, want a permanent %s", err, warden.EINVALID)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestWebhookPublicOnly: a webhook that only goes to public addresses
// refuses loopback, private and link-local ones (by IP or by a name that
// resolves there) before anything is sent, and permanently.
func TestWebhookPublicOnly(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	w := &notify.Webhook{PublicOnly: true, Timeout: 2 * time.Second}
	for _, u := range []string{srv.URL, "http://localhost:" + port + "/hook", "http://[::1]:" + port, "http://10.0.0.1:" + port, "http://169.254.169.254/latest/meta-data", "http://0.0.0.0:" + port,
		// Special-purpose ranges that are not private in Go's sense:
		// shared (a cloud's metadata at 100.100.100.200), benchmarking,
		// IETF, documentation, reserved; NAT64, 6to4 and IPv4-compatible
		// addresses embedding loopback; IPv6 site-local and documentation.
		"http://100.100.100.200/latest/meta-data", "http://100.64.0.1:" + port, "http://198.18.0.1:" + port, "http://192.0.0.170:" + port,
		"http://192.0.2.1:" + port, "http://198.51.100.7:" + port, "http://203.0.113.9:" + port, "http://240.0.0.1:" + port,
		"http://[64:ff9b::7f00:1]:" + port, "http://[64:ff9b:1::a00:1]:" + port, "http://[2002:7f00:1::]:" + port, "http://[::7f00:1]:" + port,
		"http://[fec0::1]:" + port, "http://[2001:db8::1]:" + port, "http://[::ffff:127.0.0.1]:" + port, "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]:" + port,
	} {
		err := w.Send(t.Context(), u, warden.FormatGeneric, hostile())
		if !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "public") {
			t.Errorf("%s: err = %v, want a permanent refusal of a non-public address", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback receiver was reached %d times", n)
	}
	// Without PublicOnly (an admin's endpoint) the same receiver is reached.
	if err := new(notify.Webhook).Send(t.Context(), srv.URL, warden.FormatGeneric, hostile()); err != nil || hits.Load() != 1 {
		t.Errorf("plain webhook: %v, %d requests", err, hits.Load())
	}
}
