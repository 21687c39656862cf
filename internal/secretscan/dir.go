package secretscan

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
)

// Size limits for one file or blob, because forges skip very large files
// too. Content larger than MaxPatternBytes is searched for the issued values
// only, and content larger than MaxReadBytes is not read at all.
const (
	MaxPatternBytes = 4 << 20
	MaxReadBytes    = 32 << 20
)

// DirResult is the outcome of ScanDir.
type DirResult struct {
	// Findings are sorted by path, then position. Paths are relative to
	// the scanned folder, with forward slashes.
	Findings []Finding
	// Skipped names the files the pattern rules did not scan, and why.
	Skipped []string
	// Files counts the files scanned.
	Files int
}

// ScanDir scans every regular file under root, untracked and ignored files
// included, on workers goroutines (one per CPU when workers is zero).
// Folders named .git are skipped and symbolic links are not followed.
func (s *Scanner) ScanDir(ctx context.Context, root string, workers int) (*DirResult, error) {
	paths, err := listFiles(root)
	if err != nil {
		return nil, err
	}
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	results := make([]fileResult, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = s.scanFile(root, paths[i])
			}
		}()
	}
	err = feed(ctx, next, len(paths))
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	return collectFiles(results), nil
}

// feed sends 0 to n-1 to next, then closes it, unless ctx ends first.
func feed(ctx context.Context, next chan<- int, n int) error {
	defer close(next)
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// listFiles returns the regular files under root, relative to it, sorted.
func listFiles(root string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			paths = append(paths, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files in %s: %w", root, err)
	}
	slices.Sort(paths)
	return paths, nil
}

// fileResult is the outcome of one file.
type fileResult struct {
	findings []Finding
	skipped  string // "path (reason)", or ""
}

func (s *Scanner) scanFile(root, rel string) fileResult {
	path := filepath.Join(root, filepath.FromSlash(rel))
	info, err := os.Stat(path)
	if err != nil {
		return fileResult{skipped: fmt.Sprintf("%s (unreadable: %v)", rel, err)}
	}
	if info.Size() > MaxReadBytes {
		return fileResult{skipped: fmt.Sprintf("%s (larger than %d MiB)", rel, MaxReadBytes>>20)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fileResult{skipped: fmt.Sprintf("%s (unreadable: %v)", rel, err)}
	}
	switch {
	case len(data) > MaxPatternBytes:
		return fileResult{
			findings: s.ScanIssued(rel, data),
			skipped:  fmt.Sprintf("%s (larger than %d MiB; searched for issued values only)", rel, MaxPatternBytes>>20),
		}
	case IsBinary(data):
		return fileResult{findings: s.Scan(rel, data), skipped: rel + " (binary; searched for issued values only)"}
	}
	return fileResult{findings: s.Scan(rel, data)}
}

func collectFiles(results []fileResult) *DirResult {
	res := &DirResult{Files: len(results)}
	for _, r := range results {
		res.Findings = append(res.Findings, r.findings...)
		if r.skipped != "" {
			res.Skipped = append(res.Skipped, r.skipped)
		}
	}
	return res
}
