package hotlinerun

import (
	"errors"
	"fmt"
	"testing"

	"warden/hotline"
	"warden/notify"
)

// TestPermanent: notify's permanent failures are the hotline's too, and
// read as notify wrote them, once.
func TestPermanent(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		permanent bool
	}{
		{"a 404", fmt.Errorf("webhook http://chat.example.org/…: answered 404: %w", notify.ErrPermanent), true},
		{"a 500", errors.New("webhook http://chat.example.org/…: answered 500"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := permanent(tt.err)
			if errors.Is(err, hotline.ErrPermanent) != tt.permanent || !errors.Is(err, tt.err) {
				t.Errorf("%v: hotline.ErrPermanent %v, want %v, and the cause kept", err, errors.Is(err, hotline.ErrPermanent), tt.permanent)
			}
			if err.Error() != tt.err.Error() {
				t.Errorf("reads %q, want %q", err, tt.err)
			}
		})
	}
}
