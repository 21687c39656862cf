package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io/fs"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/secretslab/workshop/internal/keys"
)

// planted is a fake secret the synthetic repository holds, and where.
type planted struct {
	kind   string // for example "aws-pair" or "merge-resolution"
	path   string
	line   int    // 1-based line of the value in the file
	mark   int    // the commit that introduced it
	commit string // that commit's id, once imported
	value  string // the value a gitleaks finding must contain; never printed
}

// sourceFile is a file of real code: its path in the repository and its
// lines.
type sourceFile struct {
	path  string
	lines []string
}

// addShare is the percentage of commits that add a file; the others edit a
// few lines of one.
const addShare = 15

// synthetic builds the generated repository: real Go source files from
// GOROOT, added and edited by many small commits, with fake secrets planted
// among them.
type synthetic struct {
	im      *importer
	rng     *mrand.Rand
	files   []string            // paths in the repository
	content map[string][]string // path to its lines
	pool    []sourceFile        // files that edits copy lines from and additions add
	head    int                 // mark of the tip of main
	planted []planted
}

// buildSynthetic writes a repository of at least commits commits to repo.
func buildSynthetic(ctx context.Context, repo, goroot string, commits int) ([]planted, error) {
	sources, err := goSources(filepath.Join(goroot, "src"))
	if err != nil {
		return nil, err
	}
	im, err := startImport(ctx, repo)
	if err != nil {
		return nil, err
	}
	s := &synthetic{im: im, rng: mrand.New(mrand.NewPCG(1, 2)), content: map[string][]string{}}
	if err := s.seed(sources); err != nil {
		return nil, err
	}

	plan := s.plan(commits)
	for i := 1; i <= commits; i++ {
		if action, ok := plan[i]; ok {
			if err := action(); err != nil {
				return nil, err
			}
			continue
		}
		if s.rng.IntN(100) < addShare {
			s.add(i)
		} else {
			s.edit(i)
		}
	}

	ids, err := im.finish()
	if err != nil {
		return nil, err
	}
	for i := range s.planted {
		s.planted[i].commit = ids[s.planted[i].mark]
	}
	return s.planted, nil
}

// goSources returns the non-test Go files under dir, sorted.
func goSources(dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") && !strings.Contains(path, "testdata") {
			paths = append(paths, path)
		}
		return nil
	})
	slices.Sort(paths)
	return paths, err
}

// seed commits 300 source files, and keeps 3,000 more as the pool that
// edits copy lines from and additions add.
func (s *synthetic) seed(sources []string) error {
	var ops []fileOp
	step := max(1, len(sources)/3300)
	for i := 0; i < len(sources) && len(s.files)+len(s.pool) < 3300; i += step {
		data, err := os.ReadFile(sources[i])
		if err != nil {
			return err
		}
		lines := splitLines(string(data))
		path := "src/" + filepath.Base(filepath.Dir(sources[i])) + "/" + filepath.Base(sources[i])
		if _, dup := s.content[path]; !dup && len(s.files) < 300 && len(data) < 64<<10 {
			s.files = append(s.files, path)
			s.content[path] = lines
			ops = append(ops, fileOp{path, s.im.blob(data)})
			continue
		}
		s.pool = append(s.pool, sourceFile{path: path, lines: lines})
	}
	s.head = s.im.commit("refs/heads/main", "Import the sources", 0, 0, ops)
	return nil
}

// edit replaces a few lines of one file with lines of another, as a small
// change to code does.
func (s *synthetic) edit(i int) {
	path := s.files[s.rng.IntN(len(s.files))]
	lines := s.content[path]
	from := s.pool[s.rng.IntN(len(s.pool))].lines
	n := 1 + s.rng.IntN(6)
	at := s.rng.IntN(len(lines))
	start := s.rng.IntN(max(1, len(from)-n))
	insert := from[start:min(len(from), start+n)]
	updated := slices.Concat(lines[:at], insert, lines[min(len(lines), at+n):])
	s.commitFile(fmt.Sprintf("Edit %s (change %d)", filepath.Base(path), i), path, updated)
}

// add commits a file of the pool at a path not used yet.
func (s *synthetic) add(i int) {
	src := s.pool[i%len(s.pool)]
	path := src.path
	for n := 2; ; n++ {
		if _, used := s.content[path]; !used {
			break
		}
		path = fmt.Sprintf("%s/v%d/%s", filepath.Dir(src.path), n, filepath.Base(src.path))
	}
	s.commitFile(fmt.Sprintf("Add %s (change %d)", filepath.Base(path), i), path, slices.Clone(src.lines))
}

func (s *synthetic) commitFile(message, path string, lines []string) {
	if _, ok := s.content[path]; !ok {
		s.files = append(s.files, path)
	}
	s.content[path] = lines
	mark := s.im.blob([]byte(strings.Join(lines, "")))
	s.head = s.im.commit("refs/heads/main", message, s.head, 0, []fileOp{{path, mark}})
}

// plan returns what to do instead of an edit at some commit numbers: plant
// AWS key pairs and GitHub tokens, a pair added then deleted, a token in a
// merge resolution, and a base64-encoded pair.
func (s *synthetic) plan(commits int) map[int]func() error {
	plan := map[int]func() error{}
	every := commits / 20
	for k := 1; k <= 8; k++ {
		plan[k*every] = s.plantPair
		plan[k*every+every/2] = s.plantToken
	}
	plan[17*every] = s.plantAddedThenDeleted
	plan[18*every] = s.plantMergeResolution
	plan[19*every] = s.plantBase64
	return plan
}

func (s *synthetic) plantPair() error {
	pair, err := keys.NewPair(nil)
	if err != nil {
		return err
	}
	path := fmt.Sprintf("deploy/env-%d/.env", len(s.planted))
	lines := []string{"# service settings\n", "AWS_REGION=eu-west-1\n", "AWS_ACCESS_KEY_ID=" + pair.ID + "\n", "AWS_SECRET_ACCESS_KEY=" + pair.Secret + "\n"}
	s.commitFile("Add deployment settings", path, lines)
	s.planted = append(s.planted, planted{kind: "aws-pair", path: path, line: 3, mark: s.head, value: pair.ID})
	return nil
}

func (s *synthetic) plantToken() error {
	token, err := fakeToken("gh"+"p_", 36)
	if err != nil {
		return err
	}
	path := s.files[s.rng.IntN(300)]
	lines := append(slices.Clone(s.content[path]), "\n", "const ciToken = \""+token+"\"\n")
	s.commitFile("Add the CI token", path, lines)
	s.planted = append(s.planted, planted{kind: "github-token", path: path, line: len(lines), mark: s.head, value: token})
	return nil
}

func (s *synthetic) plantAddedThenDeleted() error {
	pair, err := keys.NewPair(nil)
	if err != nil {
		return err
	}
	path := "scripts/upload.py"
	lines := []string{"import boto3\n", "\n", "client = boto3.client(\n", "    \"s3\",\n",
		"    aws_access_key_id=\"" + pair.ID + "\",\n", "    aws_secret_access_key=\"" + pair.Secret + "\",\n", ")\n"}
	s.commitFile("Add the upload script", path, lines)
	s.planted = append(s.planted, planted{kind: "added-then-deleted", path: path, line: 5, mark: s.head, value: pair.ID})
	delete(s.content, path)
	s.files = slices.DeleteFunc(s.files, func(p string) bool { return p == path })
	s.head = s.im.commit("refs/heads/main", "Remove the upload script", s.head, 0, []fileOp{{path: path}})
	return nil
}

// plantMergeResolution adds a token that only the merge commit holds: it is
// in neither parent.
func (s *synthetic) plantMergeResolution() error {
	token, err := fakeToken("gh"+"p_", 36)
	if err != nil {
		return err
	}
	base := s.head
	branchFile := "docs/feature.md"
	featureBlob := s.im.blob([]byte("# Feature\n\nA feature developed on its own branch.\n"))
	feature := s.im.commit("refs/heads/feature", "Describe the feature", base, 0, []fileOp{{branchFile, featureBlob}})
	s.edit(0)
	path := "ci/release.sh"
	content := "#!/bin/sh\nexport GITHUB_TOKEN=" + token + "\n./release\n"
	ops := []fileOp{{branchFile, featureBlob}, {path, s.im.blob([]byte(content))}}
	s.head = s.im.commit("refs/heads/main", "Merge branch 'feature'", s.head, feature, ops)
	s.planted = append(s.planted, planted{kind: "merge-resolution", path: path, line: 2, mark: s.head, value: token})
	return nil
}

func (s *synthetic) plantBase64() error {
	pair, err := keys.NewPair(nil)
	if err != nil {
		return err
	}
	encoded := base64.StdEncoding.EncodeToString([]byte("aws_access_key_id = " + pair.ID + "\naws_secret_access_key = " + pair.Secret + "\n"))
	path := "deploy/values.yaml"
	lines := []string{"replicas: 2\n", "credentials: " + encoded + "\n"}
	s.commitFile("Add the chart values", path, lines)
	s.planted = append(s.planted, planted{kind: "base64", path: path, line: 2, mark: s.head, value: pair.ID})
	return nil
}

// fakeToken returns prefix and n random letters and digits, with no
// character three times in a row, as scanners ignore values that look made up.
func fakeToken(prefix string, n int) (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for b.Len() < n {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		c := alphabet[i.Int64()]
		if s := b.String(); len(s) >= 2 && s[len(s)-1] == c && s[len(s)-2] == c {
			continue
		}
		b.WriteByte(c)
	}
	return prefix + b.String(), nil
}

// splitLines returns the lines of text, each with its newline.
func splitLines(text string) []string {
	lines := strings.SplitAfter(text, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	return lines
}
