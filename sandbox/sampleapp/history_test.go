package sampleapp

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
)

func TestHistoryShape(t *testing.T) {
	t.Parallel()
	commits := History()
	if n := len(commits); n < 3 || n > 5 {
		t.Fatalf("History has %d commits, want 3 to 5", n)
	}
	for i, c := range commits {
		if c.AuthorName == "" || !strings.Contains(c.AuthorEmail, "@") {
			t.Errorf("commit %d: author %q <%s> is incomplete", i+1, c.AuthorName, c.AuthorEmail)
		}
		if !strings.HasSuffix(c.Message, "\n") || strings.HasPrefix(c.Message, "\n") {
			t.Errorf("commit %d: message %q must start with a subject and end with a newline", i+1, c.Message)
		}
		if subject := firstLine(c.Message); len(subject) > 72 {
			t.Errorf("commit %d: subject %q is longer than 72 characters", i+1, subject)
		}
		if i > 0 && !c.When.After(commits[i-1].When) {
			t.Errorf("commit %d: date %v is not after the previous commit's %v", i+1, c.When, commits[i-1].When)
		}
		if i > 0 && len(c.Files) < len(commits[i-1].Files) {
			t.Errorf("commit %d: has fewer files than the commit before it", i+1)
		}
	}
}

func TestHistoryEndsWithFiles(t *testing.T) {
	t.Parallel()
	commits := History()
	last := commits[len(commits)-1].Files

	var paths []string
	err := fs.WalkDir(Files(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walk Files(): %v", err)
	}
	if len(paths) != len(last) {
		t.Errorf("Files() has %d files, the last commit has %d", len(paths), len(last))
	}
	for _, path := range paths {
		content, err := fs.ReadFile(Files(), path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		if last[path] != string(content) {
			t.Errorf("%s differs between Files() and the last commit", path)
		}
	}
}

func TestHistoryReturnsFreshMaps(t *testing.T) {
	t.Parallel()
	first := History()
	first[0].Files[ConfigFile] = "changed"
	if got := History()[0].Files[ConfigFile]; got == "changed" {
		t.Error("a change to one History result shows up in the next")
	}
}

func TestConfigHoldsPlaceholders(t *testing.T) {
	t.Parallel()
	for i, c := range History() {
		config, ok := c.Files[ConfigFile]
		if !ok {
			t.Fatalf("commit %d: %s is missing", i+1, ConfigFile)
		}
		for _, want := range []string{
			`AWS_ACCESS_KEY_ID = "` + PlaceholderAccessKeyID + `"`,
			`AWS_SECRET_ACCESS_KEY = "` + PlaceholderSecretAccessKey + `"`,
			`AWS_REGION = "`,
		} {
			if !strings.Contains(config, want) {
				t.Errorf("commit %d: %s does not contain %s", i+1, ConfigFile, want)
			}
		}
	}
}

// TestOnlyStorageReadsKeys guards the rule that a learner changes config.py
// alone, so only storage.py may read the key settings, and only through the
// config module.
func TestOnlyStorageReadsKeys(t *testing.T) {
	t.Parallel()
	for path, content := range History()[len(History())-1].Files {
		if path == ConfigFile || path == "storage.py" || !strings.HasSuffix(path, ".py") {
			continue
		}
		for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "environ", "getenv"} {
			if strings.Contains(content, name) {
				t.Errorf("%s mentions %s; only %s and storage.py may handle keys", path, name, ConfigFile)
			}
		}
	}
}

func TestFilesAllEmbedded(t *testing.T) {
	t.Parallel()
	var onDisk []string
	err := filepath.WalkDir("files", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "__pycache__" || d.Name() == ".venv") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, err := filepath.Rel("files", path)
			if err != nil {
				return err
			}
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk files: %v", err)
	}
	last := History()[len(History())-1].Files
	for _, path := range onDisk {
		if _, ok := last[path]; !ok {
			t.Errorf("files/%s exists on disk but is not embedded; add it to the go:embed patterns", path)
		}
	}
	if _, err := os.Stat(filepath.Join("files", ".gitignore")); err != nil {
		t.Errorf("files/.gitignore: %v", err)
	}
}

func TestHistoryPassesGitleaks(t *testing.T) {
	t.Parallel()
	detector, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		t.Fatalf("create gitleaks detector: %v", err)
	}
	for i, c := range History() {
		for _, path := range slices.Sorted(maps.Keys(c.Files)) {
			for _, finding := range detector.DetectString(c.Files[path]) {
				t.Errorf("commit %d: %s: gitleaks rule %s matches line %d", i+1, path, finding.RuleID, finding.StartLine)
			}
		}
	}
}
