package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"bloomy/accounts"

	"github.com/spf13/cobra"
)

// checkJSON is one result of `bloomy check --json`: stable for scripts.
type checkJSON struct {
	Account  string `json:"account"`          // "" for a key without an account
	Source   string `json:"source,omitempty"` // where such a key came from (BG_API_KEY, --api-key)
	Status   string `json:"status"`
	UserID   int64  `json:"user_id,omitempty"`
	UserName string `json:"user_name,omitempty"`
	Error    string `json:"error,omitempty"`
	TookMS   int64  `json:"took_ms"`
}

func newCheckCmd(g *globals) *cobra.Command {
	var all, asJSON bool
	cmd := &cobra.Command{
		Use:               "check [NAME|--all]",
		Short:             "Ask the server whether keys are still accepted (live)",
		Long:              "Check keys against users/mine: one account (default: the active one) or all of them in parallel. Exits 1 if any key is not accepted.",
		Args:              maxArgs(1, "one account name"),
		ValidArgsFunction: completeAccounts(g, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && len(args) > 0 {
				return usagef("give an account name or --all, not both")
			}
			svc, err := g.service()
			if err != nil {
				return err
			}
			var results []accounts.CheckResult
			var source keyTarget // set when the key belongs to no account
			if all {
				if results, err = svc.CheckAll(cmd.Context()); err != nil {
					return err
				}
				if len(results) == 0 {
					return fmt.Errorf("no accounts to check; log in with: bloomy login")
				}
			} else {
				_, t, err := g.target(args)
				if err != nil {
					return err
				}
				if t.account != "" {
					results = []accounts.CheckResult{svc.Check(cmd.Context(), t.account)}
				} else {
					results = []accounts.CheckResult{svc.CheckKey(cmd.Context(), t.host, t.key)}
					source = t
				}
			}
			if asJSON {
				writeChecksJSON(g.stdout, results, string(source.source))
			} else {
				for _, r := range results {
					name := r.Account
					if name == "" {
						name = source.label
					}
					fmt.Fprintf(g.stdout, "%s %-16s %s (%s)\n", checkMark(r.Status), shown(name), r.Summary(), r.Took.Round(time.Millisecond))
				}
				if source.key != "" && results[0].Status == accounts.CheckRejected {
					fmt.Fprintln(g.stderr, source.rejectedAdvice())
				}
			}
			for _, r := range results {
				if r.Status != accounts.CheckValid {
					return exitError{code: exitFail}
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "check every account")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return cmd
}

func checkMark(s accounts.CheckStatus) string {
	if s == accounts.CheckValid {
		return "✓"
	}
	return "✗"
}

func writeChecksJSON(w io.Writer, results []accounts.CheckResult, source string) {
	out := make([]checkJSON, 0, len(results))
	for _, r := range results {
		c := checkJSON{Account: r.Account, Status: string(r.Status), TookMS: r.Took.Milliseconds()}
		if r.Account == "" {
			c.Source = source
		}
		if r.User != nil {
			c.UserID, c.UserName = r.User.ID, r.User.Name
		}
		if r.Err != nil {
			c.Error = r.Err.Error()
		}
		out = append(out, c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

func newDoctorCmd(g *globals) *cobra.Command {
	var asJSON, fix, offline bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Explain which key is used and why, and what is wrong (exits 1 on any ✗)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := g.service()
			if err != nil {
				return err
			}
			if fix {
				applyFixes(g, svc)
			}
			if !offline && !asJSON {
				fmt.Fprintln(g.stderr, "Checking the server…")
			}
			report := fullReport(cmd.Context(), svc, !offline)
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(report); err != nil {
					return err
				}
			} else {
				fmt.Fprint(g.stdout, report.Text())
				if offline {
					fmt.Fprintln(g.stdout, "(live checks skipped: --offline)")
				}
			}
			if report.Worst() == accounts.StatusFail {
				return exitError{code: exitFail}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().BoolVar(&fix, "fix", false, "apply the fixes that need no input (permissions, restore) first")
	cmd.Flags().BoolVar(&offline, "offline", false, "skip the live checks (host reachable, key accepted)")
	return cmd
}

// fullReport is the static report plus, when live, the network checks.
func fullReport(ctx context.Context, svc *accounts.Service, live bool) *accounts.Report {
	report := svc.Diagnose()
	if live {
		report.Findings = append(report.Findings, svc.LiveFindings(ctx)...)
	}
	return report
}

// applyFixes runs every fix of the static report that needs no input.
func applyFixes(g *globals, svc *accounts.Service) {
	done := map[accounts.FixKind]bool{}
	for _, f := range svc.Diagnose().Findings {
		if f.Fix == nil || done[f.Fix.Kind] {
			continue
		}
		switch f.Fix.Kind {
		case accounts.FixPermissions, accounts.FixRestore:
			done[f.Fix.Kind] = true
			if msg, err := svc.Repair(*f.Fix); err != nil {
				fmt.Fprintf(g.stderr, "could not %s: %v\n", f.Fix.Label, err)
			} else {
				fmt.Fprintf(g.stderr, "fixed: %s\n", msg)
			}
		}
	}
}
