package workshopcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/internal/secretscan"
	"github.com/secretslab/workshop/sandbox/endpoint"
	"github.com/secretslab/workshop/sandbox/githost"
)

// NewCmdHook returns the hidden `workshop hook` command that the git host's
// hooks run.
func NewCmdHook(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "hook",
		Short:  "Run a git host hook (used by the sandbox itself)",
		Hidden: true,
	}
	var dir string
	preReceive := &cobra.Command{
		Use:   "pre-receive",
		Short: "Scan a push for secrets and reject it if it carries any",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sb, err := f.Sandbox(dir)
			if err != nil {
				return err
			}
			values, err := sb.IssuedValues()
			if err != nil {
				return err
			}
			scanner, err := secretscan.New(secretscan.Options{Known: values, Logger: f.Logger})
			if err != nil {
				return err
			}
			repo, err := f.Getwd()
			if err != nil {
				return fmt.Errorf("locate the repository: %w", err)
			}
			res, err := githost.PreReceive(cmd.Context(), githost.PreReceiveOptions{
				RepoDir: repo, Updates: f.IO.In, Report: f.IO.ErrOut, Scanner: scanner, Now: f.Now, Actor: sb.Config.Learner,
			})
			if err != nil {
				return err
			}
			if res.Blocked {
				return &cmdutil.ExitError{Code: cmdutil.ExitNotYet}
			}
			return nil
		},
	}
	addDirFlag(preReceive, &dir)
	cmd.AddCommand(preReceive)
	return cmd
}

// NewCmdEndpoint returns the hidden `workshop endpoint` command that runs the
// local AWS endpoint in the background.
func NewCmdEndpoint(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "endpoint",
		Short:  "Run the local AWS endpoint (used by the sandbox itself)",
		Hidden: true,
	}
	var dir string
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox's AWS endpoint on 127.0.0.1 until stopped",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sb, err := f.Sandbox(dir)
			if err != nil {
				return err
			}
			return endpoint.Serve(cmd.Context(), endpoint.ServeOptions{
				Dir: sb.AWSDir(), Port: sb.Config.AWSPort, Logger: f.Logger,
			})
		},
	}
	addDirFlag(serve, &dir)
	cmd.AddCommand(serve)
	return cmd
}
