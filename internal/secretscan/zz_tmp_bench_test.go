package secretscan

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkTmpNetHTTP(b *testing.B) {
	var files [][]byte
	var names []string
	total := 0
	filepath.Walk("/usr/local/go/src/net/http", func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			d, _ := os.ReadFile(p)
			files = append(files, d)
			names = append(names, p)
			total += len(d)
		}
		return nil
	})
	s := testScanner(b)
	b.SetBytes(int64(total))
	b.ResetTimer()
	for b.Loop() {
		for i, d := range files {
			s.Scan(names[i], d)
		}
	}
}

func BenchmarkTmpNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
