package zxcvbn

import "testing"

// FuzzPasswordStrength is upstream's fuzz target: any input gets an
// estimate, never a panic. (Upstream's TestPasswordStrength, which only
// logged its differences from python-zxcvbn, is left out:
// TestPasswordStrengthUnchanged pins this copy to v1.0.4's estimates.)
func FuzzPasswordStrength(f *testing.F) {
	f.Add([]byte("password"))
	f.Fuzz(func(_ *testing.T, data []byte) {
		password := string(data)
		_ = PasswordStrength(password, nil)
	})
}
