package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"bloomy/accounts"
	"bloomy/bloomyclient"
	"bloomy/config"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
)

func newLoginCmd(g *globals) *cobra.Command {
	var (
		req           accounts.LoginRequest
		passwordStdin bool
	)
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in with your Bloom Growth email and password and save the key as an account",
		Long: `Log in with the password grant and save the new key as a named account, after
users/mine has accepted it. Logging in to an existing name again (a re-login)
replaces its key and keeps its settings. The password is sent once and never stored.

The email comes from --username or BLOOMY_USERNAME, the password from
--password-stdin or BLOOMY_PASSWORD; on a terminal bloomy asks for what is missing.`,
		Example: `  bloomy login --name work --username ada@acme.example
  printf '%s\n' "$PW" | bloomy login --name ci --username bot@acme.example --password-stdin`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := g.service()
			if err != nil {
				return err
			}
			p := prompter{in: g.stdin, out: g.stderr}
			if req.Name != "" {
				if st := svc.State(); st.Find(req.Name) != nil && req.Username == "" {
					req.Username = st.Find(req.Name).Username // a re-login asks only for the password
				}
			}
			if req.Username == "" {
				req.Username = os.Getenv("BLOOMY_USERNAME")
			}
			if req.Username == "" {
				if req.Username, err = p.line("Login email: ", "pass --username or set BLOOMY_USERNAME"); err != nil {
					return err
				}
			}
			if req.Name == "" {
				suggested := suggestName(req.Username)
				if p.interactive() {
					answer, err := p.line(fmt.Sprintf("Account name [%s]: ", suggested), "pass --name")
					if err != nil {
						return err
					}
					if answer != "" {
						suggested = answer
					}
				}
				req.Name = suggested
			}
			if err := config.ValidName(req.Name); err != nil {
				if cmd.Flags().Changed("name") {
					return usageError{fmt.Errorf("--name: %w", err)}
				}
				return err
			}
			switch {
			case passwordStdin:
				if req.Password, err = readFirstLine(g.stdin); err != nil {
					return fmt.Errorf("read the password from stdin: %w", err)
				}
			case os.Getenv("BLOOMY_PASSWORD") != "":
				req.Password = os.Getenv("BLOOMY_PASSWORD")
			default:
				if req.Password, err = p.password("Password: "); err != nil {
					return err
				}
			}
			fmt.Fprintf(g.stderr, "Logging in to %s as %s…\n", hostOrDefault(svc, req.Host), req.Username)
			res, err := svc.Login(cmd.Context(), req)
			req.Password = ""
			if err != nil {
				return loginError(err)
			}
			verb := "Added"
			if res.Relogin {
				verb = "Logged in again to"
			}
			exp := accounts.ExpiryOf(res.Account.ExpiresAt, svc.Now())
			fmt.Fprintf(g.stdout, "%s %s: %s (%s), key %s, %s\n", verb, res.Account.Name, shown(res.Account.UserName), shown(res.Account.Username),
				bloomyclient.MaskKey(res.Account.APIKey), exp.Label())
			if len(res.Restored) > 0 {
				fmt.Fprintf(g.stdout, "Restored from the backup on the way: %s\n", shown(strings.Join(res.Restored, ", ")))
			}
			switch {
			case res.Activated:
				fmt.Fprintf(g.stdout, "%s is the active account.\n", res.Account.Name)
			case res.KeptKey:
				fmt.Fprintf(g.stdout, "Not made active: the file's api_key belongs to no account. Name it with 'bloomy import NAME', then 'bloomy use %s'.\n", res.Account.Name)
			}
			if len(res.SameLogin) > 0 {
				fmt.Fprintf(g.stderr, "note: %s is the same login; 'bloomy login --name %s' logs in again instead of adding an account.\n", shown(strings.Join(res.SameLogin, ", ")), shown(res.SameLogin[0]))
			}
			warnShadowing(g.stderr, svc.State())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Name, "name", "", "account name (default: asked, or the part of the email before @)")
	f.StringVar(&req.Username, "username", "", "login email (default $BLOOMY_USERNAME)")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	f.StringVar(&req.Host, "host", "", "Bloom Growth host (default $BLOOMY_BASE_URL or https://app.bloomgrowth.com)")
	_ = cmd.RegisterFlagCompletionFunc("name", completeAccounts(g, 1)) // login takes no positional arguments, so the limit never bites
	return cmd
}

func hostOrDefault(svc *accounts.Service, host string) string {
	if host != "" {
		return host
	}
	return svc.DefaultHost()
}

// loginError words a failed login for a person.
func loginError(err error) error {
	var ge *bloomyclient.GrantError
	if errors.As(err, &ge) {
		return errors.New(ge.Error())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("the server did not answer in time; try again")
	}
	return err
}

// suggestName proposes an account name from a login email: "ada" for ada@acme.example.
func suggestName(email string) string {
	local, _, _ := strings.Cut(email, "@")
	var b strings.Builder
	for _, r := range local {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		}
	}
	name := strings.TrimLeft(b.String(), "-")
	if name == "" {
		name = "default"
	}
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}

// readFirstLine reads one line (without its newline) from r.
func readFirstLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("standard input was empty")
	}
	return line, nil
}

// prompter asks questions on a terminal; without one it refuses, so scripts
// fail fast instead of hanging.
type prompter struct {
	in  io.Reader
	out io.Writer
	rd  *bufio.Reader
}

func (p *prompter) terminal() (*os.File, bool) {
	f, ok := p.in.(*os.File)
	return f, ok && term.IsTerminal(f.Fd())
}

func (p *prompter) interactive() bool {
	_, ok := p.terminal()
	return ok
}

func (p *prompter) line(question, hint string) (string, error) {
	if !p.interactive() {
		what := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(question), ":"))
		return "", usagef("a %s is needed: %s (standard input is not a terminal, so bloomy cannot ask)", what, hint)
	}
	fmt.Fprint(p.out, question)
	if p.rd == nil {
		p.rd = bufio.NewReader(p.in)
	}
	s, err := p.rd.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimSpace(s), nil
}

func (p *prompter) password(question string) (string, error) {
	f, ok := p.terminal()
	if !ok {
		return "", usagef("a password is needed: pipe it with --password-stdin or set BLOOMY_PASSWORD (standard input is not a terminal)")
	}
	fmt.Fprint(p.out, question)
	// Ctrl-C while echo is off must not leave the terminal without echo.
	if state, err := term.GetState(f.Fd()); err == nil {
		stop := make(chan struct{})
		defer close(stop)
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sigs)
		go func() {
			select {
			case <-sigs:
				_ = term.Restore(f.Fd(), state)
				fmt.Fprintln(p.out)
				os.Exit(130)
			case <-stop:
			}
		}()
	}
	pw, err := term.ReadPassword(f.Fd())
	fmt.Fprintln(p.out)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if len(pw) == 0 {
		return "", errors.New("the password is empty")
	}
	return string(pw), nil
}
