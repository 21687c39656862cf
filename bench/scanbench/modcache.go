package main

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// moduleVersion is one module version unpacked in the module cache.
type moduleVersion struct {
	path, version, dir string
}

// buildModCache writes to repo a history of real code: every file of every
// module version in the module cache at modDir, one commit per file, the
// modules in path order and each module's versions oldest first. A file
// lives at its module path without the version, so a later version of a
// module modifies the files of the earlier one. It returns the number of
// commits.
func buildModCache(ctx context.Context, repo, modDir string) (int, error) {
	modules, err := listModules(modDir)
	if err != nil {
		return 0, err
	}
	im, err := startImport(ctx, repo)
	if err != nil {
		return 0, err
	}
	head, commits := 0, 0
	for _, m := range modules {
		files, err := moduleFiles(m.dir)
		if err != nil {
			return 0, err
		}
		for _, rel := range files {
			data, err := os.ReadFile(filepath.Join(m.dir, rel))
			if err != nil {
				return 0, err
			}
			message := fmt.Sprintf("%s@%s: %s", m.path, m.version, rel)
			head = im.commit("refs/heads/main", message, head, 0, []fileOp{{m.path + "/" + filepath.ToSlash(rel), im.blob(data)}})
			commits++
		}
	}
	if _, err := im.finish(); err != nil {
		return 0, err
	}
	return commits, nil
}

// listModules finds the module versions under modDir, leaving out the
// download cache, sorted by path and then version.
func listModules(modDir string) ([]moduleVersion, error) {
	var modules []moduleVersion
	err := filepath.WalkDir(modDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(modDir, path)
		if rel == "cache" {
			return filepath.SkipDir
		}
		if modPath, version, ok := strings.Cut(filepath.ToSlash(rel), "@"); ok {
			modules = append(modules, moduleVersion{path: modPath, version: version, dir: path})
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list modules in %s: %w", modDir, err)
	}
	slices.SortFunc(modules, func(a, b moduleVersion) int {
		return cmp.Or(cmp.Compare(a.path, b.path), compareVersions(a.version, b.version))
	})
	return modules, nil
}

// compareVersions orders semantic versions by their numbers, then as text.
func compareVersions(a, b string) int {
	na, nb := versionNumbers(a), versionNumbers(b)
	for i := range min(len(na), len(nb)) {
		if c := cmp.Compare(na[i], nb[i]); c != 0 {
			return c
		}
	}
	return cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(a, b))
}

func versionNumbers(v string) []int {
	core, _, _ := strings.Cut(strings.TrimPrefix(v, "v"), "-")
	var nums []int
	for _, part := range strings.Split(core, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			break
		}
		nums = append(nums, n)
	}
	return nums
}

// moduleFiles returns the regular files of a module, relative to its
// folder, sorted.
func moduleFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files of %s: %w", dir, err)
	}
	slices.Sort(files)
	return files, nil
}
