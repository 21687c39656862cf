package lessons

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"text/template"
)

// ManifestFile is the name of the manifest inside a workshop folder.
const ManifestFile = "workshop.json"

// FormatVersion is the only manifest format version this package reads.
const FormatVersion = 1

// ErrStepNotFound is returned when a step id is not in the workshop.
var ErrStepNotFound = errors.New("step not found")

// ErrHintNotFound is returned when a step has fewer hints than requested.
var ErrHintNotFound = errors.New("hint not found")

// Workshop is a loaded and validated workshop. Its fields come from the
// manifest, and the Markdown texts are parsed as templates at load time.
type Workshop struct {
	FormatVersion int
	ID            string
	Title         string
	// Intro and Outro are the Markdown files shown before the first step and
	// after the last one.
	Intro string
	Outro string
	Steps []Step

	texts map[string]*template.Template   // by file name
	hints map[string][]*template.Template // by step id
}

// Step is one step of a workshop, as the manifest describes it.
type Step struct {
	// ID is the stable name that progress and checks refer to.
	ID    string
	Title string
	// File is the step's Markdown file, relative to the workshop folder.
	File string
	// Checks names the sub-checks that verify the step, for documentation.
	Checks []string
	// Hints go from a gentle nudge to nearly the answer. Each is a template
	// like the step's text; [Workshop.HintText] fills it in.
	Hints []string
}

//go:embed secrets
var embedded embed.FS

// Embedded loads the secrets workshop that is built into the binary.
func Embedded() (*Workshop, error) {
	folder, err := fs.Sub(embedded, "secrets")
	if err != nil {
		return nil, fmt.Errorf("open embedded workshop: %w", err)
	}
	w, err := Load(folder)
	if err != nil {
		return nil, fmt.Errorf("load embedded workshop: %w", err)
	}
	return w, nil
}

// LoadDir loads the workshop in the folder dir.
func LoadDir(dir string) (*Workshop, error) {
	w, err := Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("load workshop from %s: %w", dir, err)
	}
	return w, nil
}

// Load reads the manifest at the root of fsys and every file it names, and
// validates them. The error lists every problem found, each as a
// [*ManifestError] that names the file and the field.
func Load(fsys fs.FS) (*Workshop, error) {
	m, err := readManifest(fsys)
	if err != nil {
		return nil, err
	}

	w := &Workshop{
		FormatVersion: m.FormatVersion,
		ID:            m.ID,
		Title:         m.Title,
		Intro:         m.Intro,
		Outro:         m.Outro,
		texts:         map[string]*template.Template{},
		hints:         map[string][]*template.Template{},
	}
	for _, s := range m.Steps {
		w.Steps = append(w.Steps, Step(s))
	}

	v := &validator{fsys: fsys}
	v.checkManifest(m)
	w.parseTexts(v)
	if err := errors.Join(v.problems...); err != nil {
		return nil, err
	}
	return w, nil
}

// Step returns the step with the given id.
func (w *Workshop) Step(id string) (Step, bool) {
	if i := w.Index(id); i >= 0 {
		return w.Steps[i], true
	}
	return Step{}, false
}

// Index returns the position of the step with the given id in Steps, or -1
// when no step has that id.
func (w *Workshop) Index(id string) int {
	for i, s := range w.Steps {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// StepText fills in the Markdown of the step with the given id.
func (w *Workshop) StepText(id string, v Values) (string, error) {
	step, ok := w.Step(id)
	if !ok {
		return "", fmt.Errorf("step %q: %w", id, ErrStepNotFound)
	}
	return execute(w.texts[step.File], v)
}

// IntroText fills in the Markdown shown before the first step.
func (w *Workshop) IntroText(v Values) (string, error) {
	return execute(w.texts[w.Intro], v)
}

// OutroText fills in the Markdown shown after the last step.
func (w *Workshop) OutroText(v Values) (string, error) {
	return execute(w.texts[w.Outro], v)
}

// HintText fills in hint number n, counted from 0, of the step with the
// given id.
func (w *Workshop) HintText(id string, n int, v Values) (string, error) {
	hints, ok := w.hints[id]
	if !ok {
		return "", fmt.Errorf("step %q: %w", id, ErrStepNotFound)
	}
	if n < 0 || n >= len(hints) {
		return "", fmt.Errorf("step %q hint %d of %d: %w", id, n, len(hints), ErrHintNotFound)
	}
	return execute(hints[n], v)
}

func execute(t *template.Template, v Values) (string, error) {
	var out bytes.Buffer
	if err := t.Execute(&out, v); err != nil {
		return "", fmt.Errorf("fill in %s: %w", t.Name(), err)
	}
	return out.String(), nil
}

// manifest is the JSON form of workshop.json.
type manifest struct {
	FormatVersion int            `json:"format_version"`
	ID            string         `json:"id"`
	Title         string         `json:"title"`
	Intro         string         `json:"intro"`
	Outro         string         `json:"outro"`
	Steps         []manifestStep `json:"steps"`
}

type manifestStep struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	File   string   `json:"file"`
	Checks []string `json:"checks"`
	Hints  []string `json:"hints"`
}

// readManifest decodes workshop.json, rejecting unknown fields so that a
// misspelled field name does not go unnoticed.
func readManifest(fsys fs.FS) (*manifest, error) {
	data, err := fs.ReadFile(fsys, ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &ManifestError{File: ManifestFile, Problem: "file not found; a workshop folder needs one at its root", Err: err}
	}
	if err != nil {
		return nil, &ManifestError{File: ManifestFile, Problem: "read failed", Err: err}
	}

	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	var m manifest
	if err := decoder.Decode(&m); err != nil {
		return nil, jsonError(data, err)
	}
	if decoder.More() {
		return nil, &ManifestError{File: ManifestFile, Problem: "unexpected data after the JSON object"}
	}
	return &m, nil
}

var unknownField = regexp.MustCompile(`unknown field "([^"]*)"`)

// jsonError turns a decoding error into a ManifestError that names the field
// or the line.
func jsonError(data []byte, err error) error {
	problem := &ManifestError{File: ManifestFile, Problem: "invalid JSON", Err: err}

	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		line := 1 + bytes.Count(data[:min(int(syntaxErr.Offset), len(data))], []byte("\n"))
		problem.Problem = fmt.Sprintf("invalid JSON on line %d", line)
	case errors.As(err, &typeErr):
		problem.Field = typeErr.Field
		problem.Problem = fmt.Sprintf("must be a JSON %s, not %s", typeErr.Type, typeErr.Value)
		problem.Err = nil
	case unknownField.MatchString(err.Error()):
		problem.Field = unknownField.FindStringSubmatch(err.Error())[1]
		problem.Problem = "unknown field; check its spelling"
		problem.Err = nil
	}
	return problem
}

// ManifestError describes one invalid part of a workshop folder.
type ManifestError struct {
	// File is the file with the problem, relative to the workshop folder.
	File string
	// Field is the manifest field, such as steps[2].hints, or empty when the
	// problem concerns the whole file.
	Field   string
	Problem string
	// Err is the underlying error, if any.
	Err error
}

// Error returns the file, the field and the problem, separated by colons.
func (e *ManifestError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Problem)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ManifestError) Unwrap() error { return e.Err }
