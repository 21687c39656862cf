package workshopcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/secretslab/workshop/cmd/internal/cmdutil"
	"github.com/secretslab/workshop/sandbox"
)

// EnvOptions configures `workshop env`.
type EnvOptions struct {
	F    *cmdutil.Factory
	Dir  string
	JSON bool
}

// NewCmdEnv returns `workshop env`.
func NewCmdEnv(f *cmdutil.Factory, runF func(*EnvOptions) error) *cobra.Command {
	opts := &EnvOptions{F: f}
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Print shell exports that point aws and python3 at the sandbox",
		Long: cmdutil.Heredoc(`
			Print shell exports for this sandbox. In local mode (the default) they are the
			local AWS endpoint's URL, the region, and AWS config and credentials files of
			the sandbox's own, so the aws CLI and boto3 work unchanged and never touch
			your ~/.aws; AWS keys set in your shell are unset, and the local endpoint is
			started if it is not running. In real-AWS mode they are only the profile and
			region you chose at start, and nothing is unset.
		`),
		Example: cmdutil.Heredoc(`
			$ eval "$(workshop env)"
			$ workshop env --json
		`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return envRun(cmd.Context(), opts)
		},
	}
	addDirFlag(cmd, &opts.Dir)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the values as one JSON object")
	return cmd
}

func envRun(ctx context.Context, opts *EnvOptions) error {
	sb, err := opts.F.Sandbox(opts.Dir)
	if err == nil {
		_, err = opts.F.EnsureEndpoint(ctx, sb)
	}
	if err != nil {
		if !opts.JSON {
			// `eval "$(workshop env)"` would otherwise succeed on empty
			// output and leave the shell pointed at real AWS.
			fmt.Fprintln(opts.F.IO.Out, "false")
		}
		return err
	}
	if opts.JSON {
		return writeJSON(opts.F.IO.Out, envValues(sb))
	}
	var b strings.Builder
	for _, name := range sb.ClearedVars() {
		fmt.Fprintf(&b, "unset %s\n", name)
	}
	for _, v := range sb.Env() {
		fmt.Fprintf(&b, "export %s=%s\n", v.Name, shellQuote(v.Value))
	}
	_, err = fmt.Fprint(opts.F.IO.Out, b.String())
	return err
}

func envValues(sb *sandbox.Sandbox) map[string]string {
	forkURL := ""
	if sb.HasFork() {
		forkURL = sb.ForkURL()
	}
	values := map[string]string{
		"sandbox_dir":                 sb.Dir,
		"app_dir":                     sb.AppDir(),
		"upstream_url":                sb.UpstreamURL(),
		"fork_url":                    forkURL,
		"aws_mode":                    sb.Config.AWSMode,
		"aws_endpoint_url":            "",
		"aws_region":                  sb.Config.AWSRegion,
		"aws_profile":                 sb.Config.AWSProfile,
		"aws_config_file":             "",
		"aws_shared_credentials_file": "",
		"aws_request_log":             "",
		"fake_access_key_id":          sb.Config.FakeAccessKeyID,
		"fake_secret_access_key":      sb.Config.FakeSecretAccessKey,
		"suggested_secret_name":       sb.Config.SuggestedSecretName,
		"app_iam_user":                sb.Config.AppUser,
	}
	if sb.Config.AWSMode == sandbox.AWSLocal {
		values["aws_endpoint_url"] = sb.AWSEndpointURL()
		values["aws_config_file"] = sb.AWSConfigFile()
		values["aws_shared_credentials_file"] = sb.AWSCredentialsFile()
		values["aws_request_log"] = sb.AWSRequestLogPath()
	}
	return values
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
