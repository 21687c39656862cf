package workshopcmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
	"github.com/secretslab/workshop/lessons"
)

// NextOptions configures `workshop next`.
type NextOptions struct {
	F   *cmdutil.Factory
	Dir string
}

// NewCmdNext returns `workshop next`.
func NewCmdNext(f *cmdutil.Factory, runF func(*NextOptions) error) *cobra.Command {
	opts := &NextOptions{F: f}
	cmd := &cobra.Command{
		Use:   "next",
		Short: "Show the current step",
		Long: cmdutil.Heredoc(`
			Show the current step with this sandbox's values filled in: paths, your fork's
			URL, your fake keys and the suggested secret name. On a terminal the step is
			rendered; when the output is piped or NO_COLOR is set it is plain Markdown.
		`),
		Example: cmdutil.Heredoc(`
			$ workshop next
			$ workshop next | less
		`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			s, err := session.Open(opts.F, opts.Dir)
			if err != nil {
				return err
			}
			return renderCurrent(s, false)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	return cmd
}

func addDirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "dir", "", "sandbox folder (default: $WORKSHOP_DIR, else the current folder and its parents)")
}

// renderCurrent shows the current step, with the intro first when asked,
// or the outro when every step is done.
func renderCurrent(s *session.Session, withIntro bool) error {
	values := s.Values()
	var doc strings.Builder
	if withIntro {
		intro, err := s.Workshop.IntroText(values)
		if err != nil {
			return err
		}
		doc.WriteString(intro + "\n\n")
	}

	step, ok := s.Current()
	if !ok {
		outro, err := s.Workshop.OutroText(values)
		if err != nil {
			return err
		}
		doc.WriteString(outro)
		return render(s.F, doc.String())
	}
	text, err := s.Workshop.StepText(step.ID, values)
	if err != nil {
		return err
	}
	fmt.Fprintf(&doc, "%s\n\n---\nStep %d of %d. When you are done, run `workshop check`. Stuck? `workshop hint`.\n",
		text, s.Workshop.Index(step.ID)+1, len(s.Workshop.Steps))
	return render(s.F, doc.String())
}

func render(f *cmdutil.Factory, markdown string) error {
	return lessons.Render(f.IO.Out, markdown, lessons.RenderOptions{
		TTY: f.IO.IsStdoutTTY(), NoColor: f.IO.NoColor, Width: f.IO.Width,
	})
}
