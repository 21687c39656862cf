package lessons

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"text/template"
)

// idPattern is the form of workshop, step and check ids.
var idPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// validator collects every problem of a workshop folder instead of stopping
// at the first, so that an author can fix them in one pass.
type validator struct {
	fsys     fs.FS
	problems []error
}

func (v *validator) add(file, field, format string, args ...any) {
	v.problems = append(v.problems, &ManifestError{File: file, Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (v *validator) checkManifest(m *manifest) {
	if m.FormatVersion != FormatVersion {
		v.add(ManifestFile, "format_version", "unsupported version %d; this build reads version %d", m.FormatVersion, FormatVersion)
	}
	v.checkID("id", m.ID)
	v.checkText("title", m.Title)
	v.checkPath("intro", m.Intro)
	v.checkPath("outro", m.Outro)
	if len(m.Steps) == 0 {
		v.add(ManifestFile, "steps", "at least one step is required")
	}

	firstIndex := map[string]int{}
	for i, s := range m.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		v.checkStep(field, s)
		if first, seen := firstIndex[s.ID]; seen {
			v.add(ManifestFile, field+".id", "duplicate id %q, already used by steps[%d]", s.ID, first)
		} else if s.ID != "" {
			firstIndex[s.ID] = i
		}
	}
}

func (v *validator) checkStep(field string, s manifestStep) {
	v.checkID(field+".id", s.ID)
	v.checkText(field+".title", s.Title)
	v.checkPath(field+".file", s.File)

	if len(s.Checks) == 0 {
		v.add(ManifestFile, field+".checks", "at least one check name is required")
	}
	for i, name := range s.Checks {
		v.checkID(fmt.Sprintf("%s.checks[%d]", field, i), name)
	}

	if len(s.Hints) == 0 {
		v.add(ManifestFile, field+".hints", "at least one hint is required")
	}
	for i, hint := range s.Hints {
		v.checkText(fmt.Sprintf("%s.hints[%d]", field, i), hint)
	}
}

func (v *validator) checkID(field, id string) {
	switch {
	case id == "":
		v.add(ManifestFile, field, "is required")
	case !idPattern.MatchString(id):
		v.add(ManifestFile, field, "invalid id %q; use lowercase letters, digits and hyphens", id)
	}
}

func (v *validator) checkText(field, text string) {
	if strings.TrimSpace(text) == "" {
		v.add(ManifestFile, field, "is required")
	}
}

func (v *validator) checkPath(field, name string) {
	switch {
	case name == "":
		v.add(ManifestFile, field, "is required")
	case !fs.ValidPath(name) || name == ".":
		v.add(ManifestFile, field, "invalid path %q; name a file inside the workshop folder, with forward slashes", name)
	}
}

// parseTexts reads and parses every Markdown file and hint that the manifest
// names, and fills each with sample values to catch misspelled value names.
func (w *Workshop) parseTexts(v *validator) {
	w.parseFile(v, "intro", w.Intro)
	w.parseFile(v, "outro", w.Outro)
	for i, s := range w.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		w.parseFile(v, field+".file", s.File)
		for j, hint := range s.Hints {
			name := fmt.Sprintf("hint %d of step %s", j, s.ID)
			t, err := parseTemplate(name, hint)
			if err != nil {
				v.problems = append(v.problems, &ManifestError{File: ManifestFile, Field: fmt.Sprintf("%s.hints[%d]", field, j), Problem: "invalid hint", Err: err})
				continue
			}
			w.hints[s.ID] = append(w.hints[s.ID], t)
		}
	}
}

// parseFile parses one Markdown file unless an earlier field named it or
// its path is invalid, which checkPath already reported.
func (w *Workshop) parseFile(v *validator, field, name string) {
	if _, done := w.texts[name]; done || name == "" || !fs.ValidPath(name) || name == "." {
		return
	}
	data, err := fs.ReadFile(v.fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		v.add(ManifestFile, field, "file %q not found", name)
		return
	}
	if err != nil {
		v.problems = append(v.problems, &ManifestError{File: ManifestFile, Field: field, Problem: fmt.Sprintf("read %q failed", name), Err: err})
		return
	}
	if strings.TrimSpace(string(data)) == "" {
		v.add(name, "", "the file is empty")
		return
	}

	t, err := parseTemplate(name, string(data))
	if err != nil {
		v.problems = append(v.problems, &ManifestError{File: name, Problem: "invalid text", Err: err})
		return
	}
	w.texts[name] = t
}

// parseTemplate parses text and fills it once with empty and once with
// non-empty sample values.
func parseTemplate(name, text string) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, err
	}
	for _, sample := range []Values{sampleValues(""), sampleValues("sample")} {
		if err := t.Execute(io.Discard, sample); err != nil {
			return nil, err
		}
	}
	return t, nil
}
