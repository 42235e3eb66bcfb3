// Package cli holds moat's commands. Each command parses its flags, calls the
// engine or server packages and prints; no behaviour lives here.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Version is set at link time (-ldflags "-X github.com/moatdev/moat/internal/cli.Version=v1.2.3").
var Version = "dev"

// exitError carries an exit status out of a command without printing twice.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Main runs moat with the given arguments and returns the process exit status.
func Main(args []string) int {
	return run(args, os.Stdin, os.Stdout, os.Stderr)
}

// Run is Main with explicit standard streams (tests run commands with it).
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, stdin, stdout, stderr)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		fmt.Fprintln(stderr, "moat:", err)
		return 1
	}
	return 0
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "moat",
		Short: "AWS's security plane as one binary",
		Long: `moat runs AWS's security services locally: the real AWS CLI and SDKs talk to
"moat serve" with --endpoint-url, every call is SigV4-authenticated, authorized
by an IAM engine that decides as AWS does, and recorded as a CloudTrail event.
The engines also run offline on your own exports (policy documents, CloudTrail
files).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newVersionCmd(), newServeCmd(), newPolicyCmd(), newIAMCmd(), newCredentialsCmd())
	for _, c := range engineCmds {
		root.AddCommand(c())
	}
	return root
}

// engineCmds holds the commands of the offline engines (waf, nfw, scan,
// detect, vpc, ...). Each registers itself from its own file with
// registerCmd in an init function, so that adding an engine's command touches
// only that engine's file.
var engineCmds []func() *cobra.Command

func registerCmd(c func() *cobra.Command) { engineCmds = append(engineCmds, c) }

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print moat's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "moat %s\n", Version)
			return nil
		},
	}
}
