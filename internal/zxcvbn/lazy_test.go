package zxcvbn

import (
	"math"
	"testing"
)

// TestPasswordStrengthUnchanged checks that loading the tables on first use
// left the estimates as they were: the expected scores and entropies are
// those github.com/ccojocar/zxcvbn-go v1.0.4 gives, with "mary" and "jones"
// as user inputs, before the copy was changed.
func TestPasswordStrengthUnchanged(t *testing.T) {
	tests := []struct {
		password string
		score    int
		entropy  float64
	}{
		{"zxcvbn", 0, 6.845},
		{"Tr0ub4dour&3", 2, 28.435},
		{"correcthorsebatterystaple", 4, 45.212},
		{"D0g..................", 0, 19.678},
		{"abcdefghijk987654321", 0, 10.951},
		{"neverforget13/3/1997", 3, 38.486},
		{"1qaz2wsx3edc", 0, 20.416},
		{"briansmith4mayor", 0, 17.640},
		{"password1", 0, 1.000},
		{"asdfghju7654rewq", 1, 24.354},
		{"AOEUIDHG&*()LS_", 2, 27.775},
		{"R0$38uD99", 1, 25.934},
		{"verlineVANDERMARK", 1, 26.293},
		{"rWibMFACxAUGZmxhVncy", 4, 104.551},
		{"Ba9ZyWABu99[BK#6MBgbH88Tofv)vs$", 4, 157.137},
		{"0147258369", 0, 19.117},
		{"mary-jones-1985", 0, 20.536},
	}
	for _, tt := range tests {
		r := PasswordStrength(tt.password, []string{"mary", "jones"})
		if r.Score != tt.score || math.Abs(r.Entropy-tt.entropy) > 0.0005 {
			t.Errorf("PasswordStrength(%q) = score %d, entropy %.3f; want %d, %.3f", tt.password, r.Score, r.Entropy, tt.score, tt.entropy)
		}
	}
}

// TestPasswordStrengthConcurrent checks that the first calls, racing to load
// the tables, all see them whole (run with -race).
func TestPasswordStrengthConcurrent(t *testing.T) {
	const n = 8
	scores := make(chan int, n)
	for range n {
		go func() { scores <- PasswordStrength("correcthorsebatterystaple", nil).Score }()
	}
	for range n {
		if s := <-scores; s != 4 {
			t.Errorf("concurrent PasswordStrength score = %d, want 4", s)
		}
	}
}
