package secretscan

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

func TestTmpPhases(t *testing.T) {
	s := testScanner(t)
	idx := s.patterns.index
	counts := map[string]int{}
	filepath.Walk("/usr/local/go/src/net/http", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		d, _ := os.ReadFile(p)
		idx.auto.scanString(string(d), func(id, end int) bool {
			for _, j := range idx.rules[id] {
				rc := idx.reaches[j]()
				counts[fmt.Sprintf("%s/%v", idx.words[id], rc.regex.String()[:min(20,len(rc.regex.String()))])]++
			}
			return true
		})
		return nil
	})
	type kv struct{ k string; v int }
	var l []kv
	for k, v := range counts { l = append(l, kv{k, v}) }
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
	for _, x := range l[:15] { fmt.Println(x.v, x.k) }
}
