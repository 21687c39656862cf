package workshopcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/checks"
	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/session"
)

// CheckOptions configures `workshop check`.
type CheckOptions struct {
	F    *cmdutil.Factory
	Dir  string
	JSON bool
}

// NewCmdCheck returns `workshop check`.
func NewCmdCheck(f *cmdutil.Factory, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{F: f}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify the current step",
		Long: cmdutil.Heredoc(`
			Verify the current step from the sandbox's state: files, git objects, the
			secret store and the endpoint's records. Each sub-check prints its evidence,
			and a hint when it fails. A pass is recorded and the next step is named.

			EXIT STATUS
			  0  the step passed (or every step is done)
			  1  the step is not done yet
			  2  the check could not run: a broken sandbox, a missing git, an endpoint that is down
		`),
		Example: cmdutil.Heredoc(`
			$ workshop check
			$ workshop check --json | jq '.items[] | select(.passed | not)'
		`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as one JSON object")
	return cmd
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	s, err := session.Open(opts.F, opts.Dir)
	if err != nil {
		return err
	}
	step, ok := s.Current()
	if !ok {
		if opts.JSON {
			return writeJSON(opts.F.IO.Out, &checks.Result{Items: []checks.Item{}, Passed: true})
		}
		fmt.Fprintln(opts.F.IO.Out, "Every step is done. Run `workshop next` to read the wrap-up.")
		return nil
	}

	env, err := s.CheckEnv(ctx)
	if err != nil {
		return err
	}
	res, err := checks.Run(ctx, env, step.ID)
	if err != nil {
		return fmt.Errorf("check step %s: %w", step.ID, err)
	}
	if err := s.RecordCheck(ctx, res); err != nil {
		return err
	}

	if opts.JSON {
		err = writeJSON(opts.F.IO.Out, res)
	} else {
		printResult(opts.F.IO.Out, s, step.Title, res)
	}
	if err != nil {
		return err
	}
	if !res.Passed {
		return &cmdutil.ExitError{Code: cmdutil.ExitNotYet}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printResult(w io.Writer, s *session.Session, title string, res *checks.Result) {
	fmt.Fprintf(w, "Step %d of %d: %s (%s)\n\n", s.Workshop.Index(res.Step)+1, len(s.Workshop.Steps), title, res.Step)
	failed := 0
	for _, it := range res.Items {
		mark := "[pass]"
		switch {
		case !it.Passed:
			mark = "[FAIL]"
			failed++
		case it.Warning:
			mark = "[warn]"
		}
		fmt.Fprintf(w, "%s %s\n", mark, it.Name)
		if it.Evidence != "" {
			fmt.Fprintf(w, "       %s\n", it.Evidence)
		}
		if it.Hint != "" && (!it.Passed || it.Warning) {
			fmt.Fprintf(w, "       hint: %s\n", it.Hint)
		}
	}
	fmt.Fprintln(w)
	if !res.Passed {
		fmt.Fprintf(w, "Not done yet: %d of %d checks failed. Fix them and run `workshop check` again; `workshop hint` helps.\n", failed, len(res.Items))
		return
	}
	next, ok := s.Current()
	if !ok {
		fmt.Fprintln(w, "Passed. That was the last step: run `workshop next` for the wrap-up.")
		return
	}
	fmt.Fprintf(w, "Passed. Next: %s. Run `workshop next`.\n", next.Title)
}
