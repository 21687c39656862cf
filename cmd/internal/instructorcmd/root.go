package instructorcmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/workshopcmd"
)

// Main runs the instructor command with the process's arguments and returns
// the exit code.
func Main() int {
	return cmdutil.Main("instructor", NewCmdRoot)
}

// Execute runs the instructor command with args and returns the exit code.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return cmdutil.Execute(ctx, f, NewCmdRoot(f), args)
}

// NewCmdRoot returns the instructor command with all its subcommands.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "instructor",
		Short: "Reset learners' sandboxes and prove the workshop's checks",
		Long: cmdutil.Heredoc(`
			instructor serves instructors and workshop authors: reset a stuck learner,
			skip a learner forward, and prove before class that every step's check fails
			before its solution, fails on plausible wrong solutions, and passes after the
			reference solution.

			EXIT STATUS
			  0  success
			  1  test: at least one step is not proven
			  2  error: bad input, a broken sandbox, a missing git
		`),
	}
	cmdutil.SetUpRoot(f, root)
	root.AddCommand(
		NewCmdReset(f, nil),
		NewCmdTest(f, nil),
		// The sandbox runs these through the binary that created it.
		workshopcmd.NewCmdHook(f),
		workshopcmd.NewCmdEndpoint(f),
	)
	return root
}
