package workshopcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
	"github.com/secretslab/workshop/sandbox"
)

// HintOptions configures `workshop hint`.
type HintOptions struct {
	F   *cmdutil.Factory
	Dir string
}

// NewCmdHint returns `workshop hint`.
func NewCmdHint(f *cmdutil.Factory, runF func(*HintOptions) error) *cobra.Command {
	opts := &HintOptions{F: f}
	cmd := &cobra.Command{
		Use:   "hint",
		Short: "Show the next hint for the current step",
		Long: cmdutil.Heredoc(`
			Show the current step's next hint. Hints go from a gentle nudge to nearly the
			answer; once all are shown, the last one is repeated.
		`),
		Example: "$ workshop hint",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return hintRun(cmd.Context(), opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	return cmd
}

func hintRun(ctx context.Context, opts *HintOptions) error {
	s, err := session.Open(opts.F, opts.Dir)
	if err != nil {
		return err
	}
	step, ok := s.Current()
	if !ok {
		fmt.Fprintln(opts.F.IO.Out, "Every step is done; there are no more hints.")
		return nil
	}
	if len(step.Hints) == 0 {
		fmt.Fprintf(opts.F.IO.Out, "Step %s has no hints. Read it again with `workshop next`.\n", step.ID)
		return nil
	}

	shown := 0
	err = s.Sandbox.UpdateProgress(ctx, func(p *sandbox.Progress) error {
		sp := p.Step(step.ID)
		if sp.HintsShown < len(step.Hints) {
			sp.HintsShown++
		}
		shown = sp.HintsShown
		return nil
	})
	if err != nil {
		return err
	}
	hint, err := s.Workshop.HintText(step.ID, shown-1, s.Values())
	if err != nil {
		return err
	}
	text := fmt.Sprintf("**Hint %d of %d** (%s)\n\n%s\n", shown, len(step.Hints), step.Title, hint)
	return render(opts.F, text)
}
