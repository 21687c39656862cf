package workshopcmd

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
	"github.com/secretslab/workshop/sandbox"
	"github.com/secretslab/workshop/sandbox/githost"
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
	// AWSRequestLog is the local endpoint's request log, empty in real-AWS mode.
	AWSRequestLog string `json:"aws_request_log"`
	// Bypasses are the secrets allowed through the fork's push protection,
	// oldest first, expired ones included.
	Bypasses []statusBypass `json:"bypasses"`
}

// statusBypass is one `workshop allow-secret` on record.
type statusBypass struct {
	SecretID    string    `json:"secret_id"`
	Description string    `json:"description"`
	Reason      string    `json:"reason"`
	Actor       string    `json:"actor"`
	Time        time.Time `json:"time"`
	Expires     time.Time `json:"expires"`
	Active      bool      `json:"active"`
}

// NewCmdStatus returns `workshop status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{F: f}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show your progress through the workshop",
		Long: cmdutil.Heredoc(`
			Show every step, done or not, the current step, the next command to type, and
			the secrets allowed through your fork's push protection with
			workshop allow-secret: secret id, reason, who, when, and when the bypass
			expires.
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
	if report.Bypasses, err = statusBypasses(s.Sandbox, opts.F.Now()); err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.F.IO.Out, report)
	}
	printStatus(opts.F.IO.Out, s, report)
	return nil
}

func buildStatus(s *session.Session) statusReport {
	report := statusReport{Steps: []statusStep{}, Learner: s.Sandbox.Config.Learner, SandboxDir: s.Sandbox.Dir}
	if s.Sandbox.Config.AWSMode == sandbox.AWSLocal {
		report.AWSRequestLog = s.Sandbox.AWSRequestLogPath()
	}
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

// statusBypasses returns the bypasses recorded in the learner's fork, none
// when there is no fork yet.
func statusBypasses(sb *sandbox.Sandbox, now time.Time) ([]statusBypass, error) {
	out := []statusBypass{}
	if !sb.HasFork() {
		return out, nil
	}
	bypasses, err := githost.ReadBypasses(sb.ForkDir())
	if err != nil {
		return nil, err
	}
	for _, b := range bypasses {
		out = append(out, statusBypass{
			SecretID: b.SecretID, Description: b.Description, Reason: b.Reason, Actor: b.Actor,
			Time: b.Time, Expires: b.Expires, Active: !now.Before(b.Time) && now.Before(b.Expires),
		})
	}
	return out, nil
}

func printStatus(w io.Writer, s *session.Session, report statusReport) {
	fmt.Fprintf(w, "%s\nlearner: %s\nsandbox: %s\n", s.Workshop.Title, report.Learner, report.SandboxDir)
	if report.AWSRequestLog != "" {
		fmt.Fprintf(w, "AWS request log: %s\n", report.AWSRequestLog)
	}
	fmt.Fprintln(w)
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
	printBypasses(w, report.Bypasses)
	fmt.Fprintln(w)
	if report.Complete {
		fmt.Fprintln(w, "Every step is done. `workshop next` shows the wrap-up.")
		return
	}
	fmt.Fprintf(w, "Next command: %s\n", report.NextCommand)
}

func printBypasses(w io.Writer, bypasses []statusBypass) {
	if len(bypasses) == 0 {
		return
	}
	fmt.Fprintf(w, "\nSecrets allowed through push protection:\n")
	for _, b := range bypasses {
		state := "expired"
		if b.Active {
			state = "active"
		}
		fmt.Fprintf(w, "  %s  %s, reason %s, by %s at %s, %s %s (%s)\n",
			b.SecretID, b.Description, b.Reason, b.Actor, b.Time.Format(time.DateTime+" MST"),
			expiryVerb(b.Active), b.Expires.Format(time.DateTime+" MST"), state)
	}
}

func expiryVerb(active bool) string {
	if active {
		return "expires"
	}
	return "expired"
}
