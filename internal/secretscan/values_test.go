package secretscan

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"

	"github.com/secretslab/workshop/internal/keys"
)

// Fake secrets are built at run time from pieces, so that no scanner finds
// them in the repository.

const (
	fakeAlnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	fakeDigits = "0123456789"
)

func fakeChars(t testing.TB, alphabet string, n int) string {
	t.Helper()
	for {
		var b strings.Builder
		for range n {
			i, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			if err != nil {
				t.Fatal(err)
			}
			b.WriteByte(alphabet[i.Int64()])
		}
		s := b.String()
		if !strings.Contains(s, s[:1]+s[:1]+s[:1]) && strings.ContainsAny(s, fakeDigits) {
			return s
		}
	}
}

func fakePair(t testing.TB) keys.Pair {
	t.Helper()
	p, err := keys.NewPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fakeTemporaryID(t testing.TB) string {
	t.Helper()
	id, err := keys.NewID(nil, "AS"+"IA")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func fakeGitHubToken(t testing.TB) string {
	return "gh" + "p_" + fakeChars(t, fakeAlnum, 36)
}

func fakeSlackBotToken(t testing.TB) string {
	return "xo" + "xb-" + fakeChars(t, fakeDigits, 12) + "-" + fakeChars(t, fakeDigits, 13) + "-" + fakeChars(t, fakeAlnum, 24)
}

func fakeStripeKey(t testing.TB) string {
	return "sk" + "_live_" + fakeChars(t, fakeAlnum, 24)
}

// fakeSessionToken returns a base64 token that starts as STS tokens do and
// ends in "==" padding.
func fakeSessionToken(t testing.TB) string {
	t.Helper()
	body := make([]byte, 12+289) // 301 bytes: base64 ends in two padding characters
	copy(body, "!\n\torigin_ec")
	if _, err := rand.Read(body[12:]); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(body)
}

func fakePrivateKey(t testing.TB) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE" + " KEY", Bytes: der}))
}
