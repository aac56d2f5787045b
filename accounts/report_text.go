package accounts

import (
	"fmt"
	"strings"
)

// FixHint is the command that applies a fix outside the interface.
func (f *Fix) FixHint() string {
	switch f.Kind {
	case FixPermissions, FixRestore:
		return "bloomy doctor --fix"
	case FixImport:
		return "bloomy import NAME"
	case FixRelogin:
		return "bloomy login --name " + f.Account
	default:
		return ""
	}
}

// Text renders the report as plain text, every key masked: what `bloomy
// doctor` prints and what the diagnostics screen copies or saves.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bloomy diagnostics — %s\n\n", r.Generated.Local().Format("2 Jan 2006 15:04:05"))
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %-22s %s\n", f.Status.Symbol(), f.Title, Printable(f.Summary))
		for _, d := range f.Details {
			fmt.Fprintf(&b, "  %-22s %s\n", "", Printable(d))
		}
		if f.Fix != nil {
			fmt.Fprintf(&b, "  %-22s fix: %s (%s)\n", "", Printable(f.Fix.Label), Printable(f.Fix.FixHint()))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", r.Tally(", "))
	return b.String()
}

// Tally counts the verdicts in words: "12 ok, 1 warning, 2 problems".
func (r *Report) Tally(sep string) string {
	return fmt.Sprintf("%d ok%s%s%s%s", r.Count(StatusOK), sep, plural(r.Count(StatusWarn), "warning"), sep, plural(r.Count(StatusFail), "problem"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
