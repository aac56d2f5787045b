package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"bloomy/accounts"

	"github.com/spf13/cobra"
)

func newTokenCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:               "token [NAME]",
		Short:             "Print an account's whole API key (the active one by default)",
		Long:              "Print an account's whole API key — the one command that does. Default: $BLOOMY_ACCOUNT, else the active account.",
		Args:              maxArgs(1, "one account name"),
		ValidArgsFunction: completeAccounts(g, 1),
		RunE: func(_ *cobra.Command, args []string) error {
			_, a, err := g.account(args)
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, a.APIKey)
			warnExpired(g, a)
			return nil
		},
	}
}

// warnExpired tells a person on stderr that the key printed will not work.
func warnExpired(g *globals, a *accounts.Account) {
	if a.Expiry.State == accounts.ExpiryExpired {
		fmt.Fprintf(g.stderr, "warning: the key of %s has expired; log in again with: bloomy login --name %s\n", a.Name, a.Name)
	}
}

func newEnvCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "env [NAME]",
		Short:             "Print shell code that sets BG_API_KEY to an account's key",
		Example:           "  eval \"$(bloomy env work)\"\n  bloomy env work --format fish | source\n  bloomy env work --format powershell | Invoke-Expression",
		Args:              maxArgs(1, "one account name"),
		ValidArgsFunction: completeAccounts(g, 1),
		RunE: func(_ *cobra.Command, args []string) error {
			line, err := envLine(format)
			if err != nil {
				return err
			}
			_, a, err := g.account(args)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, line, shellQuote(format, a.APIKey))
			warnExpired(g, a)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "sh", "shell: sh, fish or powershell")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"sh", "fish", "powershell"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// envLine is the assignment for a shell, with %s for the quoted key.
func envLine(format string) (string, error) {
	switch format {
	case "sh", "bash", "zsh":
		return "export BG_API_KEY=%s\n", nil
	case "fish":
		return "set -gx BG_API_KEY %s\n", nil
	case "powershell", "pwsh":
		return "$Env:BG_API_KEY = %s\n", nil
	default:
		return "", usagef("--format must be sh, fish or powershell, not %q", format)
	}
}

// shellQuote quotes a value for the shell's single-quoted strings.
func shellQuote(format, v string) string {
	switch format {
	case "powershell", "pwsh":
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case "fish":
		return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(v) + "'"
	default:
		return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
	}
}

func newExecCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "exec NAME -- COMMAND [ARGS…]",
		Short: "Run a command with an account's key in BG_API_KEY",
		Example: `  bloomy exec work -- python report.py
  bloomy exec test -- env | grep BG_API_KEY`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 || cmd.ArgsLenAtDash() != 1 {
				return usagef("exec takes an account name, then --, then the command: bloomy exec NAME -- COMMAND [ARGS…]")
			}
			return nil
		},
		ValidArgsFunction: completeAccounts(g, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, a, err := g.account(args[:1])
			if err != nil {
				return err
			}
			warnExpired(g, a)
			child := exec.CommandContext(cmd.Context(), args[1], args[2:]...)
			child.Env = append(withoutVar(os.Environ(), accounts.EnvAPIKey), accounts.EnvAPIKey+"="+a.APIKey)
			child.Stdin, child.Stdout, child.Stderr = g.stdin, g.stdout, g.stderr
			// Ctrl-C in the terminal reaches the child (same process group);
			// bloomy waits for it and passes on how it ended.
			signal.Ignore(os.Interrupt, syscall.SIGQUIT)
			err = child.Run()
			signal.Reset(os.Interrupt, syscall.SIGQUIT)
			var exitErr *exec.ExitError
			switch {
			case errors.As(err, &exitErr):
				return exitError{code: childExitCode(exitErr)}
			case err != nil:
				return fmt.Errorf("run %s: %w", args[1], err)
			}
			return nil
		},
	}
}

// childExitCode is the exit code of a child that failed; one killed by signal N
// gives 128+N, as shells report it (ExitCode is -1 then, which os.Exit would turn into 255).
func childExitCode(e *exec.ExitError) int {
	if ws, ok := e.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	if code := e.ExitCode(); code >= 0 {
		return code
	}
	return exitFail
}

// withoutVar drops one variable from an environment list.
func withoutVar(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
