package notify_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/notify"
	"warden/notify/notifytest"
)

// emailTo returns an Email that sends through srv with STARTTLS trusting
// its certificate.
func emailTo(srv *notifytest.SMTPServer) *notify.Email {
	host, port := srv.Addr()
	return &notify.Email{Host: host, Port: port, From: "Warden hotline <hotline@warden.example>", TLSConfig: srv.TLSConfig(), Timeout: 5 * time.Second}
}

// hostile is a message whose every field tries to break out of where it is
// put: headers, HTML, link schemes.
func hostile() notify.Message {
	return notify.Message{
		Subject: "Deadline missed <script>alert(1)</script> & co\r\nBcc: evil@attacker.example",
		Text:    "Request R-7 from <b>Ministry</b> & \"partners\"\nis overdue.",
		Alert: &warden.Alert{
			ID: 7, Summary: "Deadline missed", Severity: warden.SeverityCritical,
			Status: warden.AlertTriggered, Object: "request:<img src=x onerror=alert(1)>",
		},
		Event:      "alert.triggered",
		AckURL:     "https://warden.example/hotline/ack?t=abc&x=1",
		ResolveURL: "javascript:alert(1)",
		DeliveryID: "warden-n-42",
	}
}

func TestEmailSTARTTLS(t *testing.T) {
	srv := notifytest.NewSMTP(t)
	if err := emailTo(srv).Send(t.Context(), "On Call <oncall@agency.example>", hostile()); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(got))
	}
	m := got[0]
	if !m.TLS {
		t.Error("message was not sent over STARTTLS")
	}
	if m.From != "hotline@warden.example" || len(m.To) != 1 || m.To[0] != "oncall@agency.example" {
		t.Errorf("envelope from %q to %q", m.From, m.To)
	}
	if want := "Deadline missed <script>alert(1)</script> & co Bcc: evil@attacker.example"; m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	for h, want := range map[string]string{
		"X-Warden-Delivery": "warden-n-42",
		"X-Warden-Event":    "alert.triggered",
		"Message-Id":        "<warden-n-42@warden.example>",
		"Auto-Submitted":    "auto-generated",
		"Bcc":               "",
	} {
		if v := m.Header.Get(h); v != want {
			t.Errorf("header %s: %q, want %q", h, v, want)
		}
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("Content-Type %q, want multipart/alternative", ct)
	}
	for _, want := range []string{
		"Request R-7 from <b>Ministry</b> & \"partners\"\nis overdue.",
		"Severity: critical",
		"About: request:<img src=x onerror=alert(1)>",
		"Acknowledge: https://warden.example/hotline/ack?t=abc&x=1",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, m.Text)
		}
	}
	for _, want := range []string{
		"Deadline missed &lt;script&gt;alert(1)&lt;/script&gt; &amp; co",
		"Request R-7 from &lt;b&gt;Ministry&lt;/b&gt; &amp; &#34;partners&#34;",
		"request:&lt;img src=x onerror=alert(1)&gt;",
		`href="https://warden.example/hotline/ack?t=abc&amp;x=1"`,
	} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, m.HTML)
		}
	}
	if strings.Contains(m.Text, "javascript:") {
		t.Errorf("text part offers a javascript: link:\n%s", m.Text)
	}
	for _, bad := range []string{"<script>", "<b>", "<img", "javascript:"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML part has unescaped %q:\n%s", bad, m.HTML)
		}
	}
}

func TestEmailCallerHTML(t *testing.T) {
	srv := notifytest.NewSMTP(t)
	// An alert the caller rendered whole: its particulars and links are
	// not added a second time.
	alert := &warden.Alert{ID: 7, Summary: "gateway down", Severity: warden.SeverityHigh}
	msg := notify.Message{Subject: "Verify", Text: "Your code is 123456.\nAcknowledge: https://w.example/hotline/link/t", HTML: "<p>Your code is <strong>123456</strong>.</p>", Event: "verify",
		DeliveryID: "warden-n-1", Alert: alert, AckURL: "https://w.example/hotline/link/t"}
	if err := emailTo(srv).Send(t.Context(), "someone@agency.example", msg); err != nil {
		t.Fatal(err)
	}
	m := srv.Messages()[0]
	if strings.TrimSpace(m.HTML) != msg.HTML {
		t.Errorf("HTML part %q, want the caller's %q", m.HTML, msg.HTML)
	}
	if strings.TrimSpace(m.Text) != msg.Text || strings.Count(m.Text, msg.AckURL) != 1 {
		t.Errorf("text part %q, want %q", m.Text, msg.Text)
	}
}

func TestEmailAuth(t *testing.T) {
	tests := []struct {
		name, user, pass string
		permanent        bool // the send fails permanently; else it succeeds
	}{
		{"right password", "hotline", "s3cret", false},
		{"wrong password", "hotline", "guess", true},
		{"no credentials", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewSMTP(t, notifytest.WithAuth("hotline", "s3cret"))
			e := emailTo(srv)
			e.Username, e.Password = tt.user, tt.pass
			err := e.Send(t.Context(), "oncall@agency.example", notify.Message{Subject: "s", Text: "t", DeliveryID: "warden-n-2"})
			if tt.permanent {
				if !errors.Is(err, notify.ErrPermanent) {
					t.Fatalf("err = %v, want one wrapping ErrPermanent", err)
				}
				if tt.pass != "" && strings.Contains(err.Error(), tt.pass) {
					t.Errorf("error %q shows the password", err)
				}
				if n := len(srv.Messages()); n != 0 {
					t.Errorf("%d messages arrived, want none", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m := srv.Messages(); len(m) != 1 || m[0].User != "hotline" || !m[0].TLS {
				t.Errorf("messages %+v, want one from the authenticated user over TLS", m)
			}
		})
	}
}

func TestEmailTLSPolicy(t *testing.T) {
	tests := []struct {
		policy notify.TLSPolicy
		sent   bool
	}{
		{"", false},
		{notify.TLSMandatory, false},
		{notify.TLSOpportunistic, true},
		{notify.TLSNone, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.policy), func(t *testing.T) {
			srv := notifytest.NewSMTP(t, notifytest.WithoutTLS())
			e := emailTo(srv)
			e.TLS = tt.policy
			err := e.Send(t.Context(), "oncall@agency.example", notify.Message{Subject: "s", Text: "t"})
			if !tt.sent {
				if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
					t.Fatalf("err = %v, want one saying the server lacks STARTTLS", err)
				}
				if n := len(srv.Messages()); n != 0 {
					t.Errorf("%d messages arrived in clear", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m := srv.Messages(); len(m) != 1 || m[0].TLS {
				t.Errorf("messages %+v, want one in clear", m)
			}
		})
	}
}

func TestEmailReplies(t *testing.T) {
	tests := []struct {
		code      int
		permanent bool
	}{
		{421, false},
		{451, false},
		{452, false},
		{550, true},
		{552, true},
		{554, true},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			srv := notifytest.NewSMTP(t)
			srv.Fail(1, tt.code)
			e := emailTo(srv)
			msg := notify.Message{Subject: "s", Text: "t", DeliveryID: "warden-n-3"}
			err := e.Send(t.Context(), "oncall@agency.example", msg)
			if err == nil {
				t.Fatalf("reply %d: no error", tt.code)
			}
			if errors.Is(err, notify.ErrPermanent) != tt.permanent {
				t.Errorf("reply %d: err %v, permanent %v, want %v", tt.code, err, !tt.permanent, tt.permanent)
			}
			if err := e.Send(t.Context(), "oncall@agency.example", msg); err != nil {
				t.Fatalf("second attempt: %v", err)
			}
			if n := srv.Count("warden-n-3"); n != 1 {
				t.Errorf("delivered %d times, want 1", n)
			}
		})
	}
}

func TestEmailInvalid(t *testing.T) {
	srv := notifytest.NewSMTP(t)
	tests := []struct {
		name string
		e    *notify.Email
		to   string
	}{
		{"recipient", emailTo(srv), "not an address"},
		{"sender", func() *notify.Email { e := emailTo(srv); e.From = "nobody"; return e }(), "oncall@agency.example"},
		{"policy", func() *notify.Email { e := emailTo(srv); e.TLS = "sometimes"; return e }(), "oncall@agency.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.e.Send(context.Background(), tt.to, notify.Message{Subject: "s"})
			if warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("err = %v, want code %s", err, warden.EINVALID)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}
