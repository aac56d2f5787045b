package accounts

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"bloomy/bloomyclient"
	"bloomy/config"
)

// Status is one diagnostics line's verdict.
type Status string

// The verdicts, in order of gravity.
const (
	StatusOK   Status = "ok"
	StatusInfo Status = "info"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
)

// Symbol is the mark the checklist shows: ✓, ·, ! or ✗.
func (s Status) Symbol() string {
	switch s {
	case StatusOK:
		return "✓"
	case StatusWarn:
		return "!"
	case StatusFail:
		return "✗"
	default:
		return "·"
	}
}

func (s Status) rank() int {
	switch s {
	case StatusFail:
		return 3
	case StatusWarn:
		return 2
	case StatusInfo:
		return 1
	default:
		return 0
	}
}

// FixKind names a repair the report offers.
type FixKind string

// The repairs.
const (
	FixPermissions FixKind = "permissions" // chmod the file 0600 and its directory 0700
	FixImport      FixKind = "import"      // name the unnamed key
	FixRestore     FixKind = "restore"     // bring back accounts from the backup
	FixRelogin     FixKind = "relogin"     // log in again (Account says which)
)

// Fix is a repair one key (or `bloomy doctor --fix`) can apply.
type Fix struct {
	Kind    FixKind `json:"kind"`
	Label   string  `json:"label"`
	Account string  `json:"account,omitempty"`
}

// Check IDs, stable for scripts reading `bloomy doctor --json`.
const (
	CheckIDPath        = "config-path"
	CheckIDExists      = "config-exists"
	CheckIDParses      = "config-parses"
	CheckIDFilePerms   = "file-permissions"
	CheckIDDirPerms    = "dir-permissions"
	CheckIDOwner       = "owner"
	CheckIDSavedKey    = "saved-key"
	CheckIDAccounts    = "accounts"
	CheckIDSDKInStep   = "sdk-key-in-step"
	CheckIDUnnamed     = "unnamed-key"
	CheckIDLost        = "lost-accounts"
	CheckIDEnvKey      = "env-key"
	CheckIDSelected    = "selected-account"
	CheckIDWinningKey  = "key-in-use"
	CheckIDExpiry      = "expiry"
	CheckIDGit         = "git"
	CheckIDHost        = "host-reachable"
	CheckIDKeyAccepted = "key-accepted"
)

// Finding is one line of the diagnostics checklist. No field ever holds a
// whole key: keys appear masked.
type Finding struct {
	ID      string   `json:"id"`
	Status  Status   `json:"status"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Details []string `json:"details,omitempty"`
	Fix     *Fix     `json:"fix,omitempty"`
	Live    bool     `json:"live,omitempty"`
}

// Report is the diagnostics checklist that the diagnostics screen and
// `bloomy doctor` both render.
type Report struct {
	Generated time.Time `json:"generated"`
	Path      string    `json:"config_path"`
	Findings  []Finding `json:"checks"`
}

// Worst is the gravest status in the report.
func (r *Report) Worst() Status {
	worst := StatusOK
	for _, f := range r.Findings {
		if f.Status.rank() > worst.rank() {
			worst = f.Status
		}
	}
	return worst
}

// Count returns how many findings have the status.
func (r *Report) Count(s Status) int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == s {
			n++
		}
	}
	return n
}

// Diagnose builds the static part of the report: everything that needs no
// network. LiveFindings adds the rest.
func (s *Service) Diagnose() *Report {
	st := s.State()
	r := &Report{Generated: s.opts.Now(), Path: st.Path}
	add := func(f Finding) { r.Findings = append(r.Findings, f) }

	source := string(st.PathSource)
	if source == "" {
		source = string(config.PathDefault)
	}
	add(Finding{ID: CheckIDPath, Status: StatusInfo, Title: "Config file", Summary: st.Path,
		Details: []string{"chosen by: " + describePathSource(st.PathSource), "the Python SDK always reads ~/.bloomy/config.yaml"}})

	info, statErr := os.Stat(st.Path)
	switch {
	case statErr == nil:
		add(Finding{ID: CheckIDExists, Status: StatusOK, Title: "File exists", Summary: fmt.Sprintf("%d bytes, modified %s", info.Size(), info.ModTime().Local().Format("2 Jan 15:04"))})
	case errors.Is(statErr, fs.ErrNotExist):
		add(Finding{ID: CheckIDExists, Status: StatusWarn, Title: "File exists", Summary: "no config file yet; log in to create it"})
	default:
		add(Finding{ID: CheckIDExists, Status: StatusFail, Title: "File exists", Summary: "cannot look at the file: " + statErr.Error()})
	}

	var perr *config.ParseError
	switch {
	case st.LoadErr == nil:
		add(Finding{ID: CheckIDParses, Status: StatusOK, Title: "File parses", Summary: "valid YAML (" + string(st.Config.Format) + " format)"})
	case errors.As(st.LoadErr, &perr):
		add(Finding{ID: CheckIDParses, Status: StatusFail, Title: "File parses", Summary: fmt.Sprintf("line %d: %s", perr.Line, perr.Msg),
			Details: []string{"bloomy will not write to this file until it parses; fix it in an editor", "path: " + st.Path}})
	default:
		add(Finding{ID: CheckIDParses, Status: StatusFail, Title: "File parses", Summary: st.LoadErr.Error()})
	}

	if statErr == nil {
		r.Findings = append(r.Findings, permissionFindings(st.Path)...)
	}

	if st.Config != nil {
		r.Findings = append(r.Findings, s.configFindings(st)...)
	}
	r.Findings = append(r.Findings, s.keyFindings(st)...)
	if statErr == nil {
		if f, ok := gitFinding(st.Path); ok {
			add(f)
		}
	}
	return r
}

func describePathSource(src config.PathSource) string {
	switch src {
	case config.PathFromFlag:
		return "the --config flag"
	case config.PathFromEnv:
		return "the " + config.EnvPath + " environment variable"
	case config.PathDefault, "":
		return "the default location"
	default:
		return string(src)
	}
}

// permissionFindings checks the file and directory modes and the owner,
// OpenSSH style.
func permissionFindings(path string) []Finding {
	p, err := config.CheckPermissions(path)
	if err != nil {
		return []Finding{{ID: CheckIDFilePerms, Status: StatusWarn, Title: "Permissions", Summary: "could not check: " + err.Error()}}
	}
	if p.Skipped {
		return []Finding{{ID: CheckIDFilePerms, Status: StatusInfo, Title: "Permissions", Summary: "not checked: " + p.SkipReason}}
	}
	fix := &Fix{Kind: FixPermissions, Label: "set the file to 0600 and its directory to 0700"}
	var out []Finding
	file := Finding{ID: CheckIDFilePerms, Status: StatusOK, Title: "File permissions", Summary: fmt.Sprintf("%04o (only you can read it)", p.Mode.Perm())}
	if p.GroupBits != 0 || p.OtherBits != 0 {
		file.Status = StatusFail
		file.Summary = fmt.Sprintf("%04o — expected 0600", p.Mode.Perm())
		if p.GroupBits != 0 {
			file.Details = append(file.Details, fmt.Sprintf("group can %s the file (bits %04o)", permWords(p.GroupBits), p.GroupBits))
		}
		if p.OtherBits != 0 {
			file.Details = append(file.Details, fmt.Sprintf("other users can %s the file (bits %04o)", permWords(p.OtherBits), p.OtherBits))
		}
		file.Details = append(file.Details, "the file holds API keys: anyone who can read it can act as you")
		file.Fix = fix
	}
	out = append(out, file)
	dir := Finding{ID: CheckIDDirPerms, Status: StatusOK, Title: "Dir permissions", Summary: fmt.Sprintf("%04o %s", p.DirMode.Perm(), p.DirPath)}
	if p.DirGroupBits&0o022 != 0 || p.DirOtherBits&0o022 != 0 {
		dir.Status = StatusFail
		dir.Summary = fmt.Sprintf("%04o — others can replace files in %s; expected 0700", p.DirMode.Perm(), p.DirPath)
		dir.Fix = fix
	} else if p.DirGroupBits != 0 || p.DirOtherBits != 0 {
		dir.Status = StatusWarn
		dir.Summary = fmt.Sprintf("%04o — expected 0700 for %s", p.DirMode.Perm(), p.DirPath)
		dir.Fix = fix
	}
	out = append(out, dir)
	owner := Finding{ID: CheckIDOwner, Status: StatusOK, Title: "Owner", Summary: "owned by you"}
	if !p.OwnedByCurrentUser {
		owner.Status = StatusFail
		owner.Summary = fmt.Sprintf("owned by uid %d, not by you (uid %d)", p.OwnerUID, p.CurrentUID)
		owner.Details = []string{"another user can change the keys you use; take ownership with chown"}
	}
	return append(out, owner)
}

func permWords(bits fs.FileMode) string {
	var w []string
	if bits&0o444 != 0 {
		w = append(w, "read")
	}
	if bits&0o222 != 0 {
		w = append(w, "write")
	}
	if bits&0o111 != 0 {
		w = append(w, "execute")
	}
	return strings.Join(w, "/")
}

// configFindings are the checks on what the file holds.
func (s *Service) configFindings(st *State) []Finding {
	cfg := st.Config
	var out []Finding
	if cfg.APIKey != "" {
		out = append(out, Finding{ID: CheckIDSavedKey, Status: StatusOK, Title: "Saved key", Summary: "api_key " + bloomyclient.MaskKey(cfg.APIKey) + " (what the SDK's Client() reads)"})
	} else {
		out = append(out, Finding{ID: CheckIDSavedKey, Status: StatusWarn, Title: "Saved key", Summary: "no api_key in the file: the SDK's Client() has no key unless BG_API_KEY is set"})
	}

	names := make([]string, 0, len(st.Accounts))
	for _, a := range st.Accounts {
		names = append(names, a.Name)
	}
	acc := Finding{ID: CheckIDAccounts, Title: "Accounts", Status: StatusOK}
	switch {
	case len(names) == 0 && len(st.Lost) > 0:
		acc.Status, acc.Summary = StatusWarn, "no named accounts in the file: they are in the backup (see Lost accounts)"
	case len(names) == 0:
		acc.Status, acc.Summary = StatusWarn, "no named accounts; log in to add one"
	case st.Active == "":
		acc.Status, acc.Summary = StatusWarn, fmt.Sprintf("%d named (%s), none active", len(names), strings.Join(names, ", "))
	case st.Find(st.Active) == nil:
		acc.Status, acc.Summary = StatusFail, fmt.Sprintf("the active account %q is not in the file", st.Active)
	default:
		acc.Summary = fmt.Sprintf("%d named, %q active", len(names), st.Active)
		acc.Details = []string{"accounts: " + strings.Join(names, ", ")}
	}
	out = append(out, acc)

	if a := st.ActiveAccount(); a != nil {
		f := Finding{ID: CheckIDSDKInStep, Title: "SDK key in step", Status: StatusOK, Summary: "api_key is the key of " + a.Name}
		if cfg.APIKey != a.APIKey {
			f.Status = StatusFail
			f.Summary = fmt.Sprintf("api_key %s is not the key of the active account %s (%s)", bloomyclient.MaskKey(cfg.APIKey), a.Name, bloomyclient.MaskKey(a.APIKey))
			f.Details = []string{"the SDK uses a different key than bloomy shows as active; run 'bloomy use " + a.Name + "' to put them in step"}
		}
		out = append(out, f)
	}

	if st.UnnamedKey != "" {
		out = append(out, Finding{ID: CheckIDUnnamed, Status: StatusWarn, Title: "Unnamed key",
			Summary: "api_key " + bloomyclient.MaskKey(st.UnnamedKey) + " belongs to no account (an SDK wrote it)",
			Details: []string{"import it under a name to keep it when you switch accounts"},
			Fix:     &Fix{Kind: FixImport, Label: "import the key under a name"}})
	}
	if len(st.Lost) > 0 {
		var lost []string
		for _, a := range st.Lost {
			lost = append(lost, a.Name)
		}
		out = append(out, Finding{ID: CheckIDLost, Status: StatusFail, Title: "Lost accounts",
			Summary: fmt.Sprintf("the file was rewritten (by an SDK?) and lost %d account(s): %s", len(lost), strings.Join(lost, ", ")),
			Details: []string{"config.yaml.bak still holds them; restoring keeps the SDK's new key too"},
			Fix:     &Fix{Kind: FixRestore, Label: "restore " + strings.Join(lost, ", ") + " from the backup"}})
	}
	return out
}

// keyFindings explain which key wins and whether it will last.
func (s *Service) keyFindings(st *State) []Finding {
	k := st.Key
	var out []Finding
	if k.EnvKey != "" {
		f := Finding{ID: CheckIDEnvKey, Title: "BG_API_KEY", Status: StatusInfo}
		match := "matches no account"
		if k.EnvAccount != "" {
			match = "the key of " + k.EnvAccount
		}
		f.Summary = fmt.Sprintf("set to %s (%s); it overrides the config file for the SDKs", bloomyclient.MaskKey(k.EnvKey), match)
		if k.Shadowing {
			f.Status = StatusWarn
			active := st.Active
			if active == "" {
				active = "the file's api_key"
			}
			f.Summary = fmt.Sprintf("set to %s (%s) and shadows %s: scripts use the env var, not the active account", bloomyclient.MaskKey(k.EnvKey), match, active)
			f.Details = []string{"unset it (unset BG_API_KEY) to use the active account, or run 'eval \"$(bloomy env)\"' to set it to the active key"}
		}
		out = append(out, f)
	} else if s.opts.Demo {
		out = append(out, Finding{ID: CheckIDEnvKey, Title: "BG_API_KEY", Status: StatusInfo, Summary: "ignored in demo mode: the demo never uses your real environment"})
	} else {
		out = append(out, Finding{ID: CheckIDEnvKey, Title: "BG_API_KEY", Status: StatusOK, Summary: "not set: the SDKs use the config file"})
	}
	if k.Selected != "" {
		f := Finding{ID: CheckIDSelected, Title: EnvAccount, Status: StatusInfo, Summary: fmt.Sprintf("bloomy uses %q in this process", k.Selected)}
		if k.SelectedMissing {
			f.Status, f.Summary = StatusFail, fmt.Sprintf("names %q, which is not an account", k.Selected)
		}
		out = append(out, f)
	}

	win := Finding{ID: CheckIDWinningKey, Title: "Key in use", Status: StatusOK}
	switch {
	case k.Key == "" && st.Config == nil:
		win.Status, win.Summary = StatusFail, "unknown: the config file cannot be read, and BG_API_KEY is not set"
	case k.Key == "":
		win.Status, win.Summary = StatusFail, "no key at all: log in, or set BG_API_KEY"
	default:
		who := "no named account"
		if k.Account != "" {
			who = "account " + k.Account
		}
		win.Summary = fmt.Sprintf("%s, %s, from %s", bloomyclient.MaskKey(k.Key), who, sourceWords(k.Source))
		win.Details = []string{"precedence: --api-key, then BLOOMY_ACCOUNT (bloomy only), then BG_API_KEY, then the config file's api_key (the active account)", "host: " + k.Host}
		if k.SDKKey != k.Key {
			win.Details = append(win.Details, fmt.Sprintf("the SDK's Client() would use %s from %s", bloomyclient.MaskKey(k.SDKKey), k.SDKSource))
		}
	}
	out = append(out, win)

	if a := st.Find(k.Account); a != nil {
		f := Finding{ID: CheckIDExpiry, Title: "Expiry", Summary: a.Expiry.Sentence(s.opts.Now())}
		switch a.Expiry.State {
		case ExpiryOK:
			f.Status = StatusOK
		case ExpirySoon:
			f.Status, f.Fix = StatusWarn, &Fix{Kind: FixRelogin, Label: "log in to " + a.Name + " again", Account: a.Name}
		case ExpiryExpired:
			f.Status, f.Fix = StatusFail, &Fix{Kind: FixRelogin, Label: "log in to " + a.Name + " again", Account: a.Name}
		default:
			f.Status = StatusInfo
		}
		out = append(out, f)
	}
	return out
}

// sourceWords names where a key came from, in a sentence.
func sourceWords(src KeySource) string {
	switch src {
	case SourceActive, SourceUnnamed:
		return "the config file's api_key"
	default:
		return string(src)
	}
}

// gitFinding warns when the config file sits in a git work tree and is not
// ignored: a credential that could be committed. ok is false outside git.
func gitFinding(path string) (Finding, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Finding{}, false
	}
	root := ""
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			root = dir
			break
		}
		if parent := filepath.Dir(dir); parent == dir {
			break
		}
	}
	if root == "" {
		return Finding{}, false
	}
	f := Finding{ID: CheckIDGit, Title: "Git", Details: []string{"work tree: " + root}}
	gitBin, err := exec.LookPath("git")
	if err != nil {
		f.Status, f.Summary = StatusWarn, "the file is inside a git work tree; git is not installed, so whether it is ignored is unknown"
		return f, true
	}
	cmd := exec.Command(gitBin, "-C", root, "check-ignore", "-q", "--", abs)
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		f.Status, f.Summary = StatusOK, "inside a git work tree, and ignored"
	case errors.As(err, &exitErr) && exitErr.ExitCode() == 1:
		f.Status, f.Summary = StatusFail, "inside a git work tree and NOT ignored: the keys could be committed"
		f.Details = append(f.Details, "add it to .gitignore, or keep the config outside the repository")
	default:
		f.Status, f.Summary = StatusWarn, "inside a git work tree; could not ask git whether it is ignored"
	}
	return f, true
}

// LiveFindings checks over the network: whether the host of the key in use
// answers (and how fast), and whether users/mine accepts the key.
func (s *Service) LiveFindings(ctx context.Context) []Finding {
	st := s.State()
	k := st.Key
	host := Finding{ID: CheckIDHost, Title: "Host reachable", Live: true}
	took, err := s.ping(ctx, k.Host)
	if err != nil {
		host.Status, host.Summary = StatusFail, err.Error()
	} else {
		host.Status, host.Summary = StatusOK, fmt.Sprintf("%s answered in %s", k.Host, roundTook(took))
	}
	out := []Finding{host}
	accepted := Finding{ID: CheckIDKeyAccepted, Title: "Key accepted", Live: true}
	switch {
	case k.Key == "":
		accepted.Status, accepted.Summary = StatusInfo, "no key to check"
		return append(out, accepted)
	case err != nil:
		accepted.Status, accepted.Summary = StatusInfo, "not checked: the host did not answer"
		return append(out, accepted)
	}
	res := s.CheckKey(ctx, k.Host, k.Key)
	switch res.Status {
	case CheckValid:
		accepted.Status = StatusOK
		accepted.Summary = fmt.Sprintf("users/mine says %s (#%d)", Printable(res.User.Name), res.User.ID)
	case CheckRejected:
		accepted.Status, accepted.Summary = StatusFail, res.Summary()
		if k.Account != "" {
			accepted.Fix = &Fix{Kind: FixRelogin, Label: "log in to " + k.Account + " again", Account: k.Account}
		}
	default:
		accepted.Status, accepted.Summary = StatusFail, res.Summary()
	}
	return append(out, accepted)
}

// roundTook words a round trip: "under 1ms", "12ms", "1.2s".
func roundTook(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "under 1ms"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	default:
		return d.Round(100 * time.Millisecond).String()
	}
}

// ping measures how long the host takes to answer anything at all.
func (s *Service) ping(ctx context.Context, host string) (time.Duration, error) {
	u, err := bloomyclient.ParseBaseURL(host)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.CheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String()+"/", nil)
	if err != nil {
		return 0, err
	}
	hc := s.opts.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, fmt.Errorf("%s did not answer within %s", u.Host, s.opts.CheckTimeout)
		}
		return 0, fmt.Errorf("cannot reach %s: %v", u.Host, unwrapURL(err))
	}
	resp.Body.Close()
	took := time.Since(start)
	if s.opts.DebugLog != nil {
		fmt.Fprintf(s.opts.DebugLog, "%s HEAD %s/ -> %d in %s (host check, no key)\n", time.Now().Format("15:04:05.000"), u.String(), resp.StatusCode, roundTook(took))
	}
	return took, nil
}

// unwrapURL drops the *url.Error wrapper, whose text repeats the URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Repair applies a fix that needs no input: permissions and restore. Import
// and re-login need a name or a password; the caller collects them and calls
// Import or Login.
func (s *Service) Repair(fix Fix) (string, error) {
	switch fix.Kind {
	case FixPermissions:
		if err := config.FixPermissions(s.opts.ConfigPath); err != nil {
			return "", err
		}
		return "set " + s.opts.ConfigPath + " to 0600 and its directory to 0700", nil
	case FixRestore:
		names, err := s.Restore()
		if err != nil {
			return "", err
		}
		return "restored " + strings.Join(names, ", "), nil
	default:
		return "", fmt.Errorf("the %s fix needs more from you", fix.Kind)
	}
}
