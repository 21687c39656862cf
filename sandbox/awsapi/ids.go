package awsapi

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomFrom returns n characters drawn uniformly from alphabet with
// crypto/rand.
func randomFrom(alphabet string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[randomIndex(len(alphabet))])
	}
	return b.String()
}

// randomIndex returns a uniform random integer in [0, n) from crypto/rand.
func randomIndex(n int) int {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		// Since Go 1.24 crypto/rand crashes the program rather than return
		// an error, so this is unreachable.
		panic(fmt.Sprintf("read crypto/rand: %v", err))
	}
	return int(i.Int64())
}

// newUUID returns a random version 4 UUID in its canonical text form.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newS3RequestID returns a request id in S3's form: 16 upper-case hex digits.
func newS3RequestID() string {
	var b [8]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never returns an error
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// newS3HostID returns an extended request id for S3's x-amz-id-2 header.
func newS3HostID() string {
	var b [48]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never returns an error
	return base64.StdEncoding.EncodeToString(b[:])
}

// newARNSuffix returns the six random alphanumeric characters that Secrets
// Manager appends to a secret's name in its ARN.
func newARNSuffix() string {
	return randomFrom(alphanumeric, 6)
}
