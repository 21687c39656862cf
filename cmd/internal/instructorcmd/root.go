package instructorcmd

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/cmd/internal/workshopcmd"
)

// Main runs the instructor command with the process's arguments and returns
// the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := cmdutil.NewFactory("instructor")
	return Execute(ctx, f, os.Args[1:])
}

// Execute runs the instructor command with args and returns the exit code.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	cmdutil.PrintError(f.IO.ErrOut, f.AppName, err)
	return cmdutil.ExitCode(err)
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
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	root.AddCommand(
		NewCmdReset(f, nil),
		NewCmdTest(f, nil),
		// The sandbox runs these through the binary that created it.
		workshopcmd.NewCmdHook(f),
		workshopcmd.NewCmdEndpoint(f),
	)
	return root
}
