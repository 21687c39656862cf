package rotation

import (
	"crypto/rand"
	"fmt"
	"io"
)

// newToken returns a random version 4 UUID read from r, or from crypto/rand
// when r is nil. Secrets Manager uses it as the ClientRequestToken and so as
// the new version's id.
func newToken(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("generate a version id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
