package lessons

import (
	"regexp"
	"strings"
	"testing"
)

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

const sampleMarkdown = "# Title\n\nSome **bold** text that is long enough to need wrapping when the terminal is narrow, which is the point of this paragraph.\n\n```sh\necho hello\n```\n"

func TestRenderPlain(t *testing.T) {
	t.Parallel()
	tests := map[string]RenderOptions{
		"not a terminal":         {TTY: false, Width: 40},
		"terminal without color": {TTY: true, NoColor: true, Width: 40},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			if err := Render(&out, sampleMarkdown, opts); err != nil {
				t.Fatalf("Render: %v", err)
			}
			if out.String() != sampleMarkdown {
				t.Errorf("Render changed the markdown:\n%s", out.String())
			}
		})
	}
}

func TestRenderTerminal(t *testing.T) {
	t.Parallel()
	for _, style := range []string{"dark", "light"} {
		t.Run(style, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			if err := Render(&out, sampleMarkdown, RenderOptions{TTY: true, Width: 40, Style: style}); err != nil {
				t.Fatalf("Render: %v", err)
			}
			if !strings.Contains(out.String(), "\x1b[") {
				t.Errorf("terminal output has no ANSI escape sequences:\n%q", out.String())
			}
			plain := ansiEscape.ReplaceAllString(out.String(), "")
			if strings.Contains(plain, "**bold**") {
				t.Error("terminal output still shows the Markdown emphasis markers")
			}
			if !strings.Contains(plain, "echo hello") {
				t.Error("terminal output lost the code block")
			}
		})
	}
}

func TestRenderKeepsCommandsWhole(t *testing.T) {
	t.Parallel()
	long := "git remote set-url origin file:///tmp/a-very-long-sandbox-folder/secrets-workshop/githost/learner/sample-app.git"
	md := "Run this:\n\n```sh\n" + long + "\n```\n\nThen `aws secretsmanager put-secret-value` again.\n"
	var out strings.Builder
	if err := Render(&out, md, RenderOptions{TTY: true, Width: 40, Style: "dark"}); err != nil {
		t.Fatalf("Render: %v", err)
	}
	plain := ansiEscape.ReplaceAllString(out.String(), "")
	if !strings.Contains(plain, long) {
		t.Errorf("the command was split across lines:\n%s", plain)
	}
	if !strings.Contains(plain, "aws secretsmanager put-secret-value") {
		t.Errorf("the inline command was split across lines:\n%s", plain)
	}
	for _, line := range strings.Split(plain, "\n") {
		if strings.HasSuffix(line, "\\ ") {
			t.Errorf("a continuation line is padded after its backslash: %q", line)
		}
	}
}

func TestRenderInvalidStyle(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	err := Render(&out, sampleMarkdown, RenderOptions{TTY: true, Style: "purple"})
	if err == nil {
		t.Fatal("Render succeeded, want an error")
	}
	if !strings.Contains(err.Error(), `invalid style "purple"`) {
		t.Errorf("Render error = %v, want invalid style", err)
	}
}

func TestRenderEveryStep(t *testing.T) {
	t.Parallel()
	w := mustEmbedded(t)
	for _, id := range stepIDs {
		text, err := w.StepText(id, testValues())
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := Render(&out, text, RenderOptions{TTY: true, Width: 80, Style: "dark"}); err != nil {
			t.Errorf("Render step %s: %v", id, err)
		}
	}
}
