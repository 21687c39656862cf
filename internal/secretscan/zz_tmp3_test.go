package secretscan

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	old "github.com/secretslab/workshop/internal/secretscan/internal_oldscan"
)

func key(f Finding) string {
	return fmt.Sprintf("%s|%s|%d:%d|%v|%s", f.RuleID, f.SecretID, f.Line, f.Column, f.Blocking, f.Excerpt)
}
func okey(f old.Finding) string {
	return fmt.Sprintf("%s|%s|%d:%d|%v|%s", f.RuleID, f.SecretID, f.Line, f.Column, f.Blocking, f.Excerpt)
}

func TestTmpDiff(t *testing.T) {
	root := os.Getenv("DIFF_ROOT")
	if root == "" {
		t.Skip()
	}
	mod := 1
	fmt.Sscan(os.Getenv("DIFF_MOD"), &mod)
	s := testScanner(t)
	o, _ := old.New(old.Options{})
	var paths []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.Contains(p, "/cache/") || info.Size() > 2<<20 || !info.Mode().IsRegular() {
			return nil
		}
		h := fnv.New32()
		h.Write([]byte(p))
		if int(h.Sum32())%mod == 0 {
			paths = append(paths, p)
		}
		return nil
	})
	var mu sync.Mutex
	diffs, nf := 0, 0
	ch := make(chan string)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range ch {
				d, _ := os.ReadFile(p)
				a := map[string]bool{}
				for _, f := range s.Scan(p, d) {
					a[key(f)] = true
				}
				b := map[string]bool{}
				for _, f := range o.Scan(p, d) {
					b[okey(f)] = true
				}
				mu.Lock()
				nf += len(b)
				for k := range a {
					if !b[k] {
						diffs++
						fmt.Println("NEW ONLY", p, k)
					}
				}
				for k := range b {
					if !a[k] {
						diffs++
						fmt.Println("OLD ONLY", p, k)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range paths {
		ch <- p
	}
	close(ch)
	wg.Wait()
	fmt.Println("files", len(paths), "old findings", nf, "diffs", diffs)
}
