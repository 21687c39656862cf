package workshopcmd

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
)

// StatusOptions configures `workshop status`.
type StatusOptions struct {
	F    *cmdutil.Factory
	Dir  string
	JSON bool
}

type statusStep struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Done  bool   `json:"done"`
}

type statusReport struct {
	Current     string       `json:"current"`
	Complete    bool         `json:"complete"`
	Steps       []statusStep `json:"steps"`
	NextCommand string       `json:"next_command"`
	Learner     string       `json:"learner"`
	SandboxDir  string       `json:"sandbox_dir"`
}

// NewCmdStatus returns `workshop status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{F: f}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show your progress through the workshop",
		Long: cmdutil.Heredoc(`
			Show every step, done or not, the current step, and the next command to type.
		`),
		Example: cmdutil.Heredoc(`
			$ workshop status
			$ workshop status --json
		`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return statusRun(opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the progress as one JSON object")
	return cmd
}

func statusRun(opts *StatusOptions) error {
	s, err := session.Open(opts.F, opts.Dir)
	if err != nil {
		return err
	}
	report := buildStatus(s)
	if opts.JSON {
		return writeJSON(opts.F.IO.Out, report)
	}
	printStatus(opts.F.IO.Out, s, report)
	return nil
}

func buildStatus(s *session.Session) statusReport {
	report := statusReport{Steps: []statusStep{}, Learner: s.Sandbox.Config.Learner, SandboxDir: s.Sandbox.Dir}
	for _, step := range s.Workshop.Steps {
		report.Steps = append(report.Steps, statusStep{ID: step.ID, Title: step.Title, Done: s.Progress.Done(step.ID)})
	}
	current, ok := s.Current()
	report.Complete = !ok
	report.NextCommand = "workshop next"
	if ok {
		report.Current = current.ID
		if s.Progress.Step(current.ID).Attempts > 0 {
			report.NextCommand = "workshop check"
		}
	}
	return report
}

func printStatus(w io.Writer, s *session.Session, report statusReport) {
	fmt.Fprintf(w, "%s, learner %s, sandbox %s\n\n", s.Workshop.Title, report.Learner, report.SandboxDir)
	for i, step := range report.Steps {
		mark := "[ ]"
		if step.Done {
			mark = "[x]"
		}
		pointer := ""
		if step.ID == report.Current {
			pointer = "  <- current"
		}
		fmt.Fprintf(w, "%s %d. %-16s %s%s\n", mark, i+1, step.ID, step.Title, pointer)
	}
	fmt.Fprintln(w)
	if report.Complete {
		fmt.Fprintln(w, "Every step is done. `workshop next` shows the wrap-up.")
		return
	}
	fmt.Fprintf(w, "Next command: %s\n", report.NextCommand)
}
