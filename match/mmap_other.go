//go:build !unix

package match

import "os"

// mapFile reads the file at path: systems without mmap read it whole.
func mapFile(path string) ([]byte, func(), error) {
	data, err := os.ReadFile(path)
	return data, func() {}, err
}
