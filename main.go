// Command bloomy manages Bloom Growth API accounts: a terminal interface with
// no arguments, and subcommands that do the same jobs for scripts.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// version is bloomy's version; release builds set it with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes, as the README documents them.
const (
	exitOK    = 0
	exitFail  = 1 // an action or a check failed
	exitUsage = 2 // the command line is wrong
)

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitError ends the program with a code and, when msg is set, a message.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// run is main without the process: tests call it with their own streams.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	g.close()
	if err == nil {
		return exitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "bloomy: "+ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "bloomy: "+err.Error())
	var ue usageError
	if errors.As(err, &ue) {
		path := "bloomy"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", path)
		return exitUsage
	}
	return exitFail
}

// newRootCmd builds the command tree.
func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "bloomy",
		Short: "Manage Bloom Growth API accounts",
		Long: `bloomy keeps several named Bloom Growth accounts (API keys) in ~/.bloomy/config.yaml,
the file the Bloomy SDKs read, so the SDK's Client() always uses the active one.

Run with no arguments for the terminal interface; the subcommands do the same
jobs for scripts.`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runInterface(cmd.Context(), g)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.configFlag, "config", "", "config file (default $BLOOMY_CONFIG, then ~/.bloomy/config.yaml)")
	pf.StringVar(&g.apiKeyFlag, "api-key", "", "use this key instead of BG_API_KEY or the config file")
	root.Flags().BoolVar(&g.demo, "demo", false, "try bloomy against a built-in fake server, with a throw-away config")
	root.Flags().BoolVar(&g.openDiagnostics, "diagnostics", false, "open the interface on the diagnostics screen")
	root.AddCommand(subcommands(g)...)
	return root
}

// noArgs refuses positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return nil
}

// exactArgs wants n positional arguments, named in the message.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %s", cmd.Name(), names)
		}
		return nil
	}
}

// maxArgs allows up to n positional arguments.
func maxArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef("%s takes at most %s", cmd.Name(), names)
		}
		return nil
	}
}
