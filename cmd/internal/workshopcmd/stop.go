package workshopcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/sandbox/endpoint"
)

// StopOptions configures `workshop stop`.
type StopOptions struct {
	F   *cmdutil.Factory
	Dir string
}

// NewCmdStop returns `workshop stop`.
func NewCmdStop(f *cmdutil.Factory, runF func(*StopOptions) error) *cobra.Command {
	opts := &StopOptions{F: f}
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Stop the sandbox's local AWS endpoint",
		Long: cmdutil.Heredoc(`
			Stop the local AWS endpoint running in the background. Its state stays in the
			sandbox. The workshop commands that need it (env, check, fork, rotate) start
			it again; the aws CLI and python3 cannot, so run one of those first.
		`),
		Example: "$ workshop stop",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return stopRun(cmd.Context(), opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	return cmd
}

func stopRun(ctx context.Context, opts *StopOptions) error {
	sb, err := opts.F.Sandbox(opts.Dir)
	if err != nil {
		return err
	}
	if _, err := endpoint.ReadInfo(sb.AWSDir()); err != nil {
		fmt.Fprintln(opts.F.IO.ErrOut, "The local AWS endpoint is not running.")
		return nil
	}
	if err := endpoint.Stop(ctx, sb.AWSDir()); err != nil {
		return fmt.Errorf("stop the local AWS endpoint: %w", err)
	}
	fmt.Fprintln(opts.F.IO.ErrOut, "Stopped the local AWS endpoint. `workshop env`, `workshop check` and the other workshop commands start it again; aws and python3 do not.")
	return nil
}
