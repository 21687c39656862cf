package secretscan

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkScanGoSources scans the Go sources of net/http from GOROOT, real
// code with the usual density of words such as key, token and auth.
//
//	go test ./internal/secretscan -run '^$' -bench ScanGoSources
func BenchmarkScanGoSources(b *testing.B) {
	dir := filepath.Join(runtime.GOROOT(), "src", "net", "http")
	var paths []string
	var texts [][]byte
	total := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		paths, texts = append(paths, path), append(texts, data)
		total += len(data)
		return nil
	})
	if err != nil || total == 0 {
		b.Skipf("no Go sources in %s: %v", dir, err)
	}
	s := testScanner(b)
	b.SetBytes(int64(total))
	for b.Loop() {
		for i, data := range texts {
			s.Scan(paths[i], data)
		}
	}
}

// BenchmarkNew builds a Scanner, which a push protection hook does on every
// push.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
