package main

import (
	"bloomy/accounts"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"bloomy/bloomyclient"

	"github.com/spf13/cobra"
)

// userJSON is one user in `bloomy users --json`: stable for scripts.
type userJSON struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Position       string `json:"position"`
	OrganizationID int64  `json:"organization_id"`
	Placeholder    bool   `json:"placeholder"`
}

// keyRejectedError is a 401 on an account's key, saying how to get a new one.
type keyRejectedError struct {
	target keyTarget
	err    error
}

func (e *keyRejectedError) Error() string {
	return "key rejected — expired or revoked; " + e.target.rejectedAdvice()
}

func (e *keyRejectedError) Unwrap() error { return e.err }

func newUsersCmd(g *globals) *cobra.Command {
	var asJSON, asCSV, placeholders bool
	var filter string
	cmd := &cobra.Command{
		Use:   "users [NAME]",
		Short: "List an account's users (the SDKs' user.all())",
		Long: `List the people of an account's organisation, as the SDKs' user.all() returns them.
Default: $BLOOMY_ACCOUNT, else the active account. Placeholders (seats with no email)
are left out unless --placeholders is given. --filter keeps the users whose name,
email or position contains the text (ignoring case).`,
		Example: `  bloomy users
  bloomy users work --json
  bloomy users work --csv --placeholders > people.csv
  bloomy users --filter engineer`,
		Args:              maxArgs(1, "one account name"),
		ValidArgsFunction: completeAccounts(g, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asCSV {
				return usagef("give --json or --csv, not both")
			}
			svc, t, err := g.target(args)
			if err != nil {
				return err
			}
			var users []bloomyclient.DirectoryUser
			if t.account != "" {
				users, err = svc.Users(cmd.Context(), t.account, placeholders)
			} else {
				users, err = svc.UsersWithKey(cmd.Context(), t.host, t.key, placeholders)
			}
			if errors.Is(err, bloomyclient.ErrUnauthorized) {
				return &keyRejectedError{target: t, err: err}
			}
			if err != nil {
				return err
			}
			total := len(users)
			users = filterUsers(users, filter)
			switch {
			case asJSON:
				return writeUsersJSON(g.stdout, users)
			case asCSV:
				return writeUsersCSV(g.stdout, users)
			}
			writeUsersTable(g.stdout, users)
			if filter != "" {
				fmt.Fprintf(g.stderr, "%d of %d users of %s match %q\n", len(users), total, shown(t.label), filter)
			} else {
				fmt.Fprintf(g.stderr, "%d users of %s\n", len(users), shown(t.label))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print a JSON array for scripts")
	f.BoolVar(&asCSV, "csv", false, "print CSV with a header row")
	f.BoolVar(&placeholders, "placeholders", false, "include placeholders (users with no email)")
	f.StringVar(&filter, "filter", "", "only users whose name, email or position contains `TEXT` (ignoring case)")
	return cmd
}

// filterUsers keeps the users whose name, email or position contains text,
// case-insensitively; "" keeps everyone.
func filterUsers(users []bloomyclient.DirectoryUser, text string) []bloomyclient.DirectoryUser {
	if text == "" {
		return users
	}
	q := strings.ToLower(text)
	var out []bloomyclient.DirectoryUser
	for _, u := range users {
		if strings.Contains(strings.ToLower(u.Name), q) || strings.Contains(strings.ToLower(u.Email), q) || strings.Contains(strings.ToLower(u.Position), q) {
			out = append(out, u)
		}
	}
	return out
}

func writeUsersJSON(w io.Writer, users []bloomyclient.DirectoryUser) error {
	out := make([]userJSON, 0, len(users))
	for _, u := range users {
		out = append(out, userJSON{ID: u.ID, Name: u.Name, Email: u.Email, Position: u.Position, OrganizationID: u.OrganizationID, Placeholder: u.Placeholder})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeUsersCSV(w io.Writer, users []bloomyclient.DirectoryUser) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "name", "email", "position", "placeholder"})
	for _, u := range users {
		_ = cw.Write([]string{strconv.FormatInt(u.ID, 10), u.Name, u.Email, u.Position, strconv.FormatBool(u.Placeholder)})
	}
	cw.Flush()
	return cw.Error()
}

// writeUsersTable prints an aligned table for people; the server's strings
// are cleaned of control characters (a tab would break the columns, an
// escape sequence would reach the terminal).
func writeUsersTable(w io.Writer, users []bloomyclient.DirectoryUser) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tPOSITION")
	for _, u := range users {
		email := dash(accounts.Printable(u.Email))
		if u.Placeholder && u.Email == "" {
			email = "(placeholder)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", u.ID, dash(accounts.Printable(u.Name)), email, dash(accounts.Printable(u.Position)))
	}
	tw.Flush()
}
