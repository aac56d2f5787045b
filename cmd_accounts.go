package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"bloomy/accounts"
	"bloomy/bloomyclient"

	"github.com/spf13/cobra"
)

// completeAccounts completes account names from the config file.
func completeAccounts(g *globals, max int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		svc, err := g.service()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		st := svc.State()
		var names []cobra.Completion
		for _, a := range st.Accounts {
			desc := a.Username
			if a.Active {
				desc = strings.TrimSuffix("active · "+desc, " · ")
			}
			names = append(names, cobra.CompletionWithDesc(a.Name, desc))
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// accountJSON is one account in `bloomy accounts --json`: stable for scripts.
type accountJSON struct {
	Name      string     `json:"name"`
	Active    bool       `json:"active"`
	Username  string     `json:"username"`
	UserName  string     `json:"user_name"`
	UserID    int64      `json:"user_id"`
	Host      string     `json:"host"`
	IssuedAt  *time.Time `json:"issued_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	Expiry    string     `json:"expiry"`
	Key       string     `json:"key_masked"`
}

// accountsJSON is the whole `bloomy accounts --json` object.
type accountsJSON struct {
	Config     string        `json:"config"`
	Active     string        `json:"active"`
	Accounts   []accountJSON `json:"accounts"`
	UnnamedKey string        `json:"unnamed_key_masked,omitempty"`
	Lost       []string      `json:"lost_accounts,omitempty"`
	KeySource  string        `json:"key_source"`
	Shadowing  bool          `json:"bg_api_key_shadows_active"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func newAccountsCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "accounts",
		Aliases: []string{"ls", "list"},
		Short:   "List the accounts in the config file",
		Args:    noArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			svc, err := g.service()
			if err != nil {
				return err
			}
			st := svc.State()
			if st.LoadErr != nil {
				return st.LoadErr
			}
			if asJSON {
				return writeAccountsJSON(g.stdout, st)
			}
			writeAccountsTable(g.stdout, st)
			warnShadowing(g.stderr, st)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return cmd
}

func writeAccountsJSON(w io.Writer, st *accounts.State) error {
	out := accountsJSON{Config: st.Path, Active: st.Active, Accounts: []accountJSON{}, UnnamedKey: bloomyclient.MaskKey(st.UnnamedKey),
		KeySource: string(st.Key.Source), Shadowing: st.Key.Shadowing}
	for _, a := range st.Accounts {
		out.Accounts = append(out.Accounts, accountJSON{
			Name: a.Name, Active: a.Active, Username: a.Username, UserName: a.UserName, UserID: a.UserID,
			Host: a.URL(), IssuedAt: timePtr(a.IssuedAt), ExpiresAt: timePtr(a.ExpiresAt),
			Expiry: string(a.Expiry.State), Key: bloomyclient.MaskKey(a.APIKey),
		})
	}
	for _, a := range st.Lost {
		out.Lost = append(out.Lost, a.Name)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeAccountsTable(w io.Writer, st *accounts.State) {
	if len(st.Accounts) == 0 && st.UnnamedKey == "" {
		fmt.Fprintln(w, "No accounts yet. Add one with: bloomy login")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tNAME\tLOGIN\tUSER\tEXPIRES\tKEY")
	for _, a := range st.Accounts {
		mark := ""
		if a.Active {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", mark, shown(a.Name), dash(shown(a.Username)), dash(shown(a.UserName)), a.Expiry.Label(), bloomyclient.MaskKey(a.APIKey))
	}
	if st.UnnamedKey != "" {
		fmt.Fprintf(tw, "\t(unnamed)\t-\t-\t-\t%s\n", bloomyclient.MaskKey(st.UnnamedKey))
	}
	tw.Flush()
	if st.UnnamedKey != "" {
		fmt.Fprintln(w, "\nThe file's api_key belongs to no account (an SDK wrote it). Name it with: bloomy import NAME")
	}
	if len(st.Lost) > 0 {
		var names []string
		for _, a := range st.Lost {
			names = append(names, shown(a.Name))
		}
		fmt.Fprintf(w, "\nThe file was rewritten and lost %s; bring them back with: bloomy restore\n", strings.Join(names, ", "))
	}
}

// warnShadowing tells a person (on stderr) that BG_API_KEY beats the active account.
func warnShadowing(w io.Writer, st *accounts.State) {
	if !st.Key.Shadowing {
		return
	}
	fmt.Fprintf(w, "\nwarning: BG_API_KEY is set (%s) and differs from the active account: scripts use BG_API_KEY.\n", bloomyclient.MaskKey(st.Key.EnvKey))
}

// shown makes text from the file or the server safe for the terminal.
func shown(s string) string { return accounts.Printable(s) }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newUseCmd(g *globals) *cobra.Command {
	var opts accounts.UseOptions
	cmd := &cobra.Command{
		Use:               "use NAME|-",
		Aliases:           []string{"switch"},
		Short:             "Make an account the active one (the one the SDKs use); - for the previous",
		Args:              exactArgs(1, "one account name (or - for the previous)"),
		ValidArgsFunction: completeAccounts(g, 1),
		RunE: func(_ *cobra.Command, args []string) error {
			svc, err := g.service()
			if err != nil {
				return err
			}
			acc, err := svc.Use(args[0], opts)
			if errors.Is(err, accounts.ErrUnnamedKey) {
				return fmt.Errorf("%w, or pass --discard-unnamed to replace it", err)
			}
			if err != nil {
				return err
			}
			exp := accounts.ExpiryOf(acc.ExpiresAt, svc.Now())
			fmt.Fprintf(g.stdout, "Now using %s (%s, key %s, %s)\n", shown(acc.Name), dash(shown(acc.Username)), bloomyclient.MaskKey(acc.APIKey), exp.Label())
			if exp.State == accounts.ExpiryExpired {
				fmt.Fprintf(g.stderr, "warning: this key has expired; log in again with: bloomy login --name %s\n", acc.Name)
			}
			warnShadowing(g.stderr, svc.State())
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.DiscardUnnamed, "discard-unnamed", false, "replace an api_key that belongs to no account")
	return cmd
}

func newRenameCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:               "rename OLD NEW",
		Aliases:           []string{"mv"},
		Short:             "Rename an account",
		Args:              exactArgs(2, "the old and the new name"),
		ValidArgsFunction: completeAccounts(g, 1),
		RunE: func(_ *cobra.Command, args []string) error {
			svc, err := g.service()
			if err != nil {
				return err
			}
			if err := svc.Rename(args[0], args[1]); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Renamed %s to %s\n", shown(args[0]), args[1])
			return nil
		},
	}
}

func newLogoutCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:               "logout NAME",
		Aliases:           []string{"remove", "rm"},
		Short:             "Remove an account from the config file",
		Args:              exactArgs(1, "one account name"),
		ValidArgsFunction: completeAccounts(g, 1),
		RunE: func(_ *cobra.Command, args []string) error {
			svc, err := g.service()
			if err != nil {
				return err
			}
			res, err := svc.Remove(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Removed %s\n", shown(args[0]))
			switch {
			case res.WasActive && res.NewActive != "":
				fmt.Fprintf(g.stdout, "Now using %s\n", shown(res.NewActive))
			case res.WasActive:
				fmt.Fprintln(g.stdout, "No account is active now; the file has no api_key.")
			}
			return nil
		},
	}
}

func newImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import NAME",
		Short: "Name the file's api_key that belongs to no account (one an SDK wrote)",
		Args:  exactArgs(1, "the name to give the key"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := g.service()
			if err != nil {
				return err
			}
			res, err := svc.Import(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, res.Sentence())
			return nil
		},
	}
}

func newRestoreCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "restore",
		Short: "Bring back accounts an SDK's rewrite of the file dropped (from config.yaml.bak)",
		Args:  noArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			svc, err := g.service()
			if err != nil {
				return err
			}
			names, err := svc.Restore()
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Restored %s\n", shown(strings.Join(names, ", ")))
			return nil
		},
	}
}

// account builds the service and picks the account a command acts on (see accountFor).
func (g *globals) account(args []string) (*accounts.Service, *accounts.Account, error) {
	svc, err := g.service()
	if err != nil {
		return nil, nil, err
	}
	a, err := accountFor(svc, args)
	return svc, a, err
}

// keyTarget is what a command that calls the API acts on: a named account,
// or a key from --api-key or BG_API_KEY that belongs to none.
type keyTarget struct {
	account string // "" for a key without an account
	label   string // how to name it in output
	source  accounts.KeySource
	host    string
	key     string
}

// rejectedAdvice is what to do when the server rejects the target's key.
func (t keyTarget) rejectedAdvice() string {
	switch {
	case t.account != "":
		return "log in again with: bloomy login --name " + t.account
	case t.source == accounts.SourceEnv:
		return "BG_API_KEY holds it: unset BG_API_KEY, or set it from an account with: eval \"$(bloomy env NAME)\""
	case t.source == accounts.SourceFlag:
		return "it came from --api-key: pass a current key, or leave the flag out to use your accounts"
	default:
		return "get a new one with: bloomy login"
	}
}

// target picks what users and check act on: the named account, else the key
// that wins by the precedence (--api-key, BLOOMY_ACCOUNT, BG_API_KEY, the file).
func (g *globals) target(args []string) (*accounts.Service, keyTarget, error) {
	if len(args) > 0 {
		svc, a, err := g.account(args)
		if err != nil {
			return nil, keyTarget{}, err
		}
		return svc, keyTarget{account: a.Name, label: a.Name}, nil
	}
	svc, err := g.service()
	if err != nil {
		return nil, keyTarget{}, err
	}
	r := svc.Resolve()
	switch {
	case r.SelectedMissing:
		return nil, keyTarget{}, &accounts.NotFoundError{Name: r.Selected, From: accounts.EnvAccount}
	case r.Account != "":
		return svc, keyTarget{account: r.Account, label: r.Account}, nil
	case r.Key != "":
		return svc, keyTarget{label: string(r.Source), source: r.Source, host: r.Host, key: r.Key}, nil
	default:
		return nil, keyTarget{}, errors.New("no key: log in with 'bloomy login', or set BG_API_KEY")
	}
}

// accountFor picks the account a command acts on: the named one, else
// BLOOMY_ACCOUNT's, else the active one.
func accountFor(svc *accounts.Service, args []string) (*accounts.Account, error) {
	st := svc.State()
	if st.LoadErr != nil {
		return nil, st.LoadErr
	}
	name := ""
	switch {
	case len(args) > 0:
		name = args[0]
	case st.Key.Selected != "":
		name = st.Key.Selected
	case st.Active != "":
		name = st.Active
	default:
		return nil, errors.New("no account is active; name one, or log in with: bloomy login")
	}
	a := st.Find(name)
	if a == nil {
		nf := &accounts.NotFoundError{Name: name}
		if len(args) == 0 && name == st.Key.Selected {
			nf.From = accounts.EnvAccount
		}
		return nil, nf
	}
	return a, nil
}
