package lessons

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyWorkshop copies the embedded workshop into a temporary folder, lets
// change edit its decoded manifest and files, and writes the manifest back.
func copyWorkshop(t *testing.T, change func(dir string, m map[string]any)) string {
	t.Helper()
	folder, err := fs.Sub(embedded, "secrets")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "workshop")
	if err := os.CopyFS(dir, folder); err != nil {
		t.Fatalf("copy workshop: %v", err)
	}

	path := filepath.Join(dir, ManifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	change(dir, m)
	data, err = json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func step(m map[string]any, i int) map[string]any {
	return m["steps"].([]any)[i].(map[string]any)
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadInvalidManifest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, dir string, m map[string]any)
		want   []string
	}{
		{
			name:   "unknown format version",
			change: func(t *testing.T, dir string, m map[string]any) { m["format_version"] = 2 },
			want:   []string{"workshop.json: format_version: unsupported version 2"},
		},
		{
			name:   "missing format version",
			change: func(t *testing.T, dir string, m map[string]any) { delete(m, "format_version") },
			want:   []string{"workshop.json: format_version: unsupported version 0"},
		},
		{
			name:   "invalid workshop id",
			change: func(t *testing.T, dir string, m map[string]any) { m["id"] = "Secrets Workshop" },
			want:   []string{"workshop.json: id: invalid id \"Secrets Workshop\""},
		},
		{
			name:   "duplicate step id",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 3)["id"] = "own-keys" },
			want:   []string{"workshop.json: steps[3].id: duplicate id \"own-keys\", already used by steps[1]"},
		},
		{
			name:   "invalid step id",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 0)["id"] = "hard_code" },
			want:   []string{"workshop.json: steps[0].id: invalid id \"hard_code\""},
		},
		{
			name:   "missing step title",
			change: func(t *testing.T, dir string, m map[string]any) { delete(step(m, 2), "title") },
			want:   []string{"workshop.json: steps[2].title: is required"},
		},
		{
			name:   "missing step file",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 4)["file"] = "" },
			want:   []string{"workshop.json: steps[4].file: is required"},
		},
		{
			name:   "step file not found",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 4)["file"] = "05-missing.md" },
			want:   []string{"workshop.json: steps[4].file: file \"05-missing.md\" not found"},
		},
		{
			name:   "step file outside folder",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 4)["file"] = "../05-use-secret.md" },
			want:   []string{"workshop.json: steps[4].file: invalid path \"../05-use-secret.md\""},
		},
		{
			name:   "outro not found",
			change: func(t *testing.T, dir string, m map[string]any) { m["outro"] = "end.md" },
			want:   []string{"workshop.json: outro: file \"end.md\" not found"},
		},
		{
			name:   "no hints",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 5)["hints"] = []any{} },
			want:   []string{"workshop.json: steps[5].hints: at least one hint is required"},
		},
		{
			name:   "blank hint",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 5)["hints"] = []any{"first", "  "} },
			want:   []string{"workshop.json: steps[5].hints[1]: is required"},
		},
		{
			name:   "no checks",
			change: func(t *testing.T, dir string, m map[string]any) { delete(step(m, 6), "checks") },
			want:   []string{"workshop.json: steps[6].checks: at least one check name is required"},
		},
		{
			name:   "no steps",
			change: func(t *testing.T, dir string, m map[string]any) { m["steps"] = []any{} },
			want:   []string{"workshop.json: steps: at least one step is required"},
		},
		{
			name:   "misspelled field",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 0)["hint"] = []any{"x"} },
			want:   []string{"workshop.json: hint: unknown field"},
		},
		{
			name:   "wrong type",
			change: func(t *testing.T, dir string, m map[string]any) { step(m, 0)["hints"] = "one hint" },
			want:   []string{"workshop.json: steps.hints: must be a JSON []string, not string"},
		},
		{
			name: "empty step text",
			change: func(t *testing.T, dir string, m map[string]any) {
				writeFile(t, dir, "07-push-clean.md", "\n  \n")
			},
			want: []string{"07-push-clean.md: the file is empty"},
		},
		{
			name: "misspelled value in step",
			change: func(t *testing.T, dir string, m map[string]any) {
				writeFile(t, dir, "01-hardcode.md", "# Step 1\n\n```sh\ncd {{.AppDri}}\n```\n")
			},
			want: []string{"01-hardcode.md: invalid text", "AppDri"},
		},
		{
			name: "misspelled value in an unused branch",
			change: func(t *testing.T, dir string, m map[string]any) {
				writeFile(t, dir, "03-fork-and-push.md", "# Step 3\n\n{{if .ForkURL}}{{.ForkURL}}{{else}}{{.ForkUrl}}{{end}}\n")
			},
			want: []string{"03-fork-and-push.md: invalid text", "ForkUrl"},
		},
		{
			name: "unclosed action",
			change: func(t *testing.T, dir string, m map[string]any) {
				writeFile(t, dir, "intro.md", "# Welcome\n\nRun {{.WorkshopBin next.\n")
			},
			want: []string{"intro.md: invalid text"},
		},
		{
			name: "misspelled value in hint",
			change: func(t *testing.T, dir string, m map[string]any) {
				step(m, 1)["hints"] = []any{"Run `aws iam create-access-key --user-name {{.AppIamUser}}`."}
			},
			want: []string{"workshop.json: steps[1].hints[0]: invalid hint", "AppIamUser"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := copyWorkshop(t, func(dir string, m map[string]any) { tt.change(t, dir, m) })
			_, err := LoadDir(dir)
			if err == nil {
				t.Fatal("LoadDir succeeded, want an error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
			var manifestErr *ManifestError
			if !errors.As(err, &manifestErr) {
				t.Errorf("error %v is not a *ManifestError", err)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	t.Parallel()
	dir := copyWorkshop(t, func(dir string, m map[string]any) {
		m["format_version"] = 9
		step(m, 0)["title"] = ""
		step(m, 7)["hints"] = []any{}
	})
	_, err := LoadDir(dir)
	if err == nil {
		t.Fatal("LoadDir succeeded, want an error")
	}
	for _, want := range []string{"format_version", "steps[0].title", "steps[7].hints"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestLoadMissingManifest(t *testing.T) {
	t.Parallel()
	_, err := LoadDir(t.TempDir())
	if err == nil {
		t.Fatal("LoadDir of an empty folder succeeded")
	}
	if !strings.Contains(err.Error(), "workshop.json: file not found") {
		t.Errorf("error does not name the manifest: %v", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestLoadInvalidJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, ManifestFile, "{\n  \"format_version\": 1,\n  \"id\": \"x\",,\n}\n")
	_, err := LoadDir(dir)
	if err == nil {
		t.Fatal("LoadDir succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "workshop.json: invalid JSON on line 3") {
		t.Errorf("error = %v, want invalid JSON on line 3", err)
	}
}
