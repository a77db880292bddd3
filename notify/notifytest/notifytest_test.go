package notifytest_test

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"warden/notify"
	"warden/notify/notifytest"
)

func TestSMTPWaitFor(t *testing.T) {
	srv := notifytest.NewSMTP(t)
	host, port := srv.Addr()
	e := &notify.Email{Host: host, Port: port, From: "hotline@warden.example",
		TLSConfig: &tls.Config{RootCAs: srv.RootCAs(), ServerName: "localhost"}}
	errc := make(chan error, 1)
	go func() {
		errc <- e.Send(t.Context(), "oncall@agency.example", notify.Message{Subject: "s", Text: "t", DeliveryID: "warden-n-9"})
	}()
	got := srv.WaitFor(1, 10*time.Second)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Delivery != "warden-n-9" {
		t.Fatalf("WaitFor(1) = %+v, want the message", got)
	}
	if got := srv.WaitFor(2, time.Millisecond); len(got) != 1 {
		t.Errorf("WaitFor(2) after its timeout = %d messages, want the 1 that came", len(got))
	}
}

func TestWebhookWaitFor(t *testing.T) {
	srv := notifytest.NewWebhook(t)
	srv.SetSecret("s")
	errc := make(chan error, 1)
	go func() {
		errc <- new(notify.Webhook).Send(t.Context(), srv.URL, "", notify.Message{DeliveryID: "warden-n-9", Secrets: []string{"s"}})
	}()
	got := srv.WaitFor(1, 10*time.Second)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Delivery != "warden-n-9" || !got[0].Valid || got[0].Status != 200 {
		t.Fatalf("WaitFor(1) = %+v, want the signed delivery", got)
	}
	if got := srv.WaitFor(2, time.Millisecond); len(got) != 1 {
		t.Errorf("WaitFor(2) after its timeout = %d requests, want the 1 that came", len(got))
	}
}

// TestWebhookHangReleased checks that a request held by Hang does not keep
// the test from ending: cleanup drops it.
func TestWebhookHangReleased(t *testing.T) {
	errc := make(chan error, 1)
	t.Run("hang", func(t *testing.T) {
		srv := notifytest.NewWebhook(t)
		srv.Hang()
		go func() {
			errc <- (&notify.Webhook{Timeout: time.Minute}).Send(context.Background(), srv.URL, "", notify.Message{DeliveryID: "warden-n-9"})
		}()
		srv.WaitFor(1, 10*time.Second)
	})
	if err := <-errc; err == nil {
		t.Error("a request the server dropped counts as delivered")
	}
}
