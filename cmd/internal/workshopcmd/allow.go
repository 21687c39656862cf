package workshopcmd

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/sandbox/githost"
)

// AllowSecretOptions configures `workshop allow-secret`.
type AllowSecretOptions struct {
	F   *cmdutil.Factory
	Dir string
	// SecretID is the id a rejected push's report gave the secret.
	SecretID string
	// Reason is one of githost.Reasons.
	Reason string
}

// NewCmdAllowSecret returns `workshop allow-secret`.
func NewCmdAllowSecret(f *cmdutil.Factory, runF func(*AllowSecretOptions) error) *cobra.Command {
	opts := &AllowSecretOptions{F: f}
	cmd := &cobra.Command{
		Use:   "allow-secret ID --reason REASON",
		Short: "Let pushes of one blocked secret through your fork's push protection",
		Long: cmdutil.Heredoc(`
			Record a bypass for the secret that a rejected push's report named by ID, the
			way GitHub's push protection lets you allow a secret. For three hours, pushes
			of that secret to your fork are accepted; the bypass and its reason stay on
			record, and workshop status lists them.

			REASON is one of:
			  false-positive  the value is not a secret
			  used-in-tests   the value is a test credential that grants nothing
			  fix-later       the secret is real, and you will remove and rotate it
		`),
		Example: cmdutil.Heredoc(`
			$ workshop allow-secret 3f2a9c1d4e5b6a70 --reason used-in-tests
			$ git push
		`),
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SecretID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return allowSecretRun(opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why the secret may be pushed: "+strings.Join(githost.Reasons, ", "))
	return cmd
}

func allowSecretRun(opts *AllowSecretOptions) error {
	f := opts.F
	if !slices.Contains(githost.Reasons, opts.Reason) {
		return &cmdutil.FlagError{Err: fmt.Errorf("invalid reason %q: use --reason with one of %s", opts.Reason, strings.Join(githost.Reasons, ", "))}
	}
	sb, err := f.Sandbox(opts.Dir)
	if err != nil {
		return err
	}
	if !sb.HasFork() {
		return fmt.Errorf("allow secret %s: you have no fork yet, so no push was blocked; run `workshop fork` first", opts.SecretID)
	}

	b, err := githost.AllowSecret(sb.ForkDir(), opts.SecretID, opts.Reason, sb.Config.Learner, f.Now())
	if errors.Is(err, githost.ErrSecretNotFound) {
		return &cmdutil.FlagError{Err: unknownSecretError(sb.ForkDir(), opts.SecretID)}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Allowed secret %s (%s) for the reason %s.\n", b.SecretID, b.Description, b.Reason)
	fmt.Fprintf(f.IO.Out, "The bypass expires at %s, three hours from now.\n", b.Expires.Format(time.DateTime+" MST"))
	fmt.Fprintf(f.IO.ErrOut, "Next: push again (git push) before it expires.\n")
	if b.Reason == githost.ReasonFixLater {
		fmt.Fprintf(f.IO.ErrOut, "The secret is still exposed: remove it from history and rotate it.\n")
	}
	return nil
}

// unknownSecretError names the secret ids that pushes to the fork were
// blocked by, which are the ids allow-secret accepts.
func unknownSecretError(forkDir, id string) error {
	events, err := githost.ReadEvents(forkDir)
	if err != nil {
		return fmt.Errorf("unknown secret id %q: %w", id, err)
	}
	var ids []string
	seen := map[string]bool{}
	for i := len(events) - 1; i >= 0; i-- {
		for _, f := range events[i].Findings {
			if f.Blocking && !seen[f.SecretID] {
				seen[f.SecretID] = true
				ids = append(ids, f.SecretID+" ("+f.Description+")")
			}
		}
	}
	if len(ids) == 0 {
		return fmt.Errorf("unknown secret id %q: no push to your fork has been blocked", id)
	}
	return fmt.Errorf("unknown secret id %q: the blocked secrets are %s", id, strings.Join(ids, ", "))
}
