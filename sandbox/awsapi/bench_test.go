package awsapi

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// BenchmarkGetSecretValue measures signed GetSecretValue requests per second
// over loopback, sent in parallel by one Go SDK client, against this
// endpoint and against moto_server in the same run.
func BenchmarkGetSecretValue(b *testing.B) {
	b.Run("local", func(b *testing.B) {
		url, key := startProductionEndpoint(b)
		benchmarkGetSecretValue(b, url, key)
	})
	b.Run("moto", func(b *testing.B) {
		benchmarkGetSecretValue(b, startMoto(b), newKey(b))
	})
}

// startProductionEndpoint serves a freshly seeded endpoint the way the
// sandbox does: a net/http server on a loopback port, with signature checks,
// the state file and the request log, and an Info-level logger. It returns
// the URL and the key of an admin user.
func startProductionEndpoint(b *testing.B) (string, SeedKey) {
	b.Helper()
	dir := b.TempDir()
	key := newKey(b)

	statePath := filepath.Join(dir, "state.json")
	opts := SeedOptions{
		SandboxID: "sbx-bench",
		AccountID: testAccount,
		Region:    testRegion,
		Users:     []SeedUser{{Name: learnerName, Admin: true, Keys: []SeedKey{key}}},
	}
	if err := Seed(statePath, opts, time.Now()); err != nil {
		b.Fatalf("seed: %v", err)
	}

	srv, err := NewServer(Options{
		StatePath: statePath,
		LogPath:   filepath.Join(dir, "requests.jsonl"),
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatalf("new server: %v", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatalf("listen: %v", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go hs.Serve(ln) //nolint:errcheck // Serve returns ErrServerClosed when the cleanup closes it
	b.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return "http://" + ln.Addr().String(), key
}

func benchmarkGetSecretValue(b *testing.B, url string, key SeedKey) {
	b.Helper()
	ctx := context.Background()
	client := secretsmanager.NewFromConfig(aws.Config{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(key.ID, key.Secret, ""),
		BaseEndpoint: aws.String(url),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
	name := "bench/db-" + newARNSuffix()
	_, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(`{"password":"bench"}`)})
	if err != nil {
		b.Fatalf("create secret: %v", err)
	}
	in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)}

	var failed atomic.Bool
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := client.GetSecretValue(ctx, in); err != nil && !failed.Swap(true) {
				b.Errorf("GetSecretValue: %v", err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
