package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"bloomy/bloomyclient"
	"bloomy/bloomyclient/bloomtest"

	yaml11 "go.yaml.in/yaml/v2"
)

// cmdEnv is one isolated world for driving bloomy through run: a fake
// server, a throw-away HOME and a config file of its own, and none of the
// caller's bloomy or SDK environment variables.
type cmdEnv struct {
	t    *testing.T
	srv  *bloomtest.Server
	path string // the config file (BLOOMY_CONFIG)
}

// newCmdEnv isolates the test. The config sits in a .bloomy directory that
// bloomy itself creates (0700), so the permission checks are all ✓.
func newCmdEnv(t *testing.T) *cmdEnv {
	t.Helper()
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	path := filepath.Join(t.TempDir(), ".bloomy", "config.yaml")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("BLOOMY_CONFIG", path)
	t.Setenv("BLOOMY_BASE_URL", srv.URL())
	for _, name := range []string{"BG_API_KEY", "BLOOMY_ACCOUNT", "BLOOMY_USERNAME", "BLOOMY_PASSWORD", "BLOOMY_DEBUG"} {
		t.Setenv(name, "")
	}
	return &cmdEnv{t: t, srv: srv, path: path}
}

// result is what one run of bloomy left behind.
type result struct {
	code           int
	stdout, stderr string
}

// run is `bloomy ARGS…` with stdin.
func (e *cmdEnv) run(stdin string, args ...string) result {
	e.t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// mustRun is run that fails the test unless bloomy exits 0.
func (e *cmdEnv) mustRun(stdin string, args ...string) result {
	e.t.Helper()
	r := e.run(stdin, args...)
	if r.code != exitOK {
		e.t.Fatalf("bloomy %s exited %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// login adds (or re-logs in) an account with the password on stdin.
func (e *cmdEnv) login(name, username, password string) result {
	e.t.Helper()
	return e.mustRun(password+"\n", "login", "--name", name, "--username", username, "--password-stdin")
}

// file reads the config file as a YAML 1.1 reader (PyYAML's dialect) sees it.
func (e *cmdEnv) file() map[string]any {
	e.t.Helper()
	b, err := os.ReadFile(e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	top := map[string]any{}
	if err := yaml11.Unmarshal(b, &top); err != nil {
		e.t.Fatalf("yaml/v2 cannot read the config file: %v\n%s", err, b)
	}
	return top
}

// fileAccounts is the file's accounts map, name → fields, as strings.
func (e *cmdEnv) fileAccounts() map[string]map[string]string {
	e.t.Helper()
	out := map[string]map[string]string{}
	raw, ok := e.file()["accounts"]
	if !ok || raw == nil {
		return out
	}
	accs, ok := raw.(map[any]any)
	if !ok {
		e.t.Fatalf("accounts is a %T, not a map", raw)
	}
	for name, fields := range accs {
		n, ok := name.(string)
		if !ok {
			e.t.Fatalf("account name %#v is a %T, not a string", name, name)
		}
		m, ok := fields.(map[any]any)
		if !ok {
			e.t.Fatalf("account %s is a %T, not a map", n, fields)
		}
		out[n] = map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[n][k.(string)] = s
			}
		}
	}
	return out
}

// key is an account's key as the file holds it.
func (e *cmdEnv) key(name string) string {
	e.t.Helper()
	a, ok := e.fileAccounts()[name]
	if !ok || a["api_key"] == "" {
		e.t.Fatalf("no key for %s in the file", name)
	}
	return a["api_key"]
}

// writeFile replaces the config file, as an SDK or a person would.
func (e *cmdEnv) writeFile(content string) {
	e.t.Helper()
	if err := os.MkdirAll(filepath.Dir(e.path), 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(e.path, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// twoAccounts logs in work (Ada) and then globex (Grace), which is active.
func (e *cmdEnv) twoAccounts() {
	e.t.Helper()
	e.login("work", "ada@acme.example", "lovelace")
	e.login("globex", "grace@globex.example", "hopper")
}

// doctorReport is `bloomy doctor --json` as a script reads it.
type doctorReport struct {
	Path   string `json:"config_path"`
	Checks []struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Title   string `json:"title"`
		Summary string `json:"summary"`
	} `json:"checks"`
}

func parseDoctor(t *testing.T, stdout string) doctorReport {
	t.Helper()
	var rep doctorReport
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("doctor --json is not JSON: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("doctor --json printed more than one JSON value:\n%s", stdout)
	}
	if len(rep.Checks) == 0 {
		t.Fatalf("doctor --json has no checks:\n%s", stdout)
	}
	for _, c := range rep.Checks {
		if c.ID == "" || c.Status == "" || c.Title == "" || c.Summary == "" {
			t.Errorf("a check lacks id, status, title or summary: %+v", c)
		}
	}
	return rep
}

// statusOf returns the status of the check with that id ("" if absent).
func (r doctorReport) statusOf(id string) string {
	for _, c := range r.Checks {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

// failing lists the ids of the failed checks.
func (r doctorReport) failing() []string {
	var ids []string
	for _, c := range r.Checks {
		if c.Status == "fail" {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func TestCommandsExitWithTheDocumentedCodes(t *testing.T) {
	e := newCmdEnv(t)
	e.twoAccounts()

	tests := []struct {
		name     string
		args     []string
		want     int
		inStderr string // "" for no check
	}{
		{"an unknown command is a usage error", []string{"frobnicate"}, exitUsage, "frobnicate"},
		{"an unknown flag is a usage error", []string{"accounts", "--no-such-flag"}, exitUsage, "no-such-flag"},
		{"use without a name is a usage error", []string{"use"}, exitUsage, ""},
		{"use with two names is a usage error", []string{"use", "work", "globex"}, exitUsage, ""},
		{"rename with one name is a usage error", []string{"rename", "a"}, exitUsage, ""},
		{"logout without a name is a usage error", []string{"logout"}, exitUsage, ""},
		{"token with two names is a usage error", []string{"token", "work", "globex"}, exitUsage, ""},
		{"exec without -- is a usage error", []string{"exec", "work"}, exitUsage, ""},
		{"exec with a command but no -- is a usage error", []string{"exec", "work", "true"}, exitUsage, ""},
		{"exec with -- before the name is a usage error", []string{"exec", "--", "true"}, exitUsage, ""},
		{"env with an unknown shell is a usage error", []string{"env", "--format", "zsh2"}, exitUsage, "zsh2"},
		{"check with a name and --all is a usage error", []string{"check", "work", "--all"}, exitUsage, ""},
		{"use of an account that does not exist fails and names it", []string{"use", "ghost"}, exitFail, `"ghost"`},
		{"token of an account that does not exist fails and names it", []string{"token", "ghost"}, exitFail, `"ghost"`},
		{"logout of an account that does not exist fails and names it", []string{"logout", "ghost"}, exitFail, `"ghost"`},
		{"rename onto an existing name fails", []string{"rename", "work", "globex"}, exitFail, "globex"},
		{"rename to an invalid name fails", []string{"rename", "work", "not a name"}, exitFail, ""},
		{"use - goes back to the previous account", []string{"use", "-"}, exitOK, ""},
		{"exec returns the child's exit code", []string{"exec", "work", "--", "sh", "-c", "exit 7"}, 7, ""},
		{"exec reports a child killed by a signal as 128+N, as shells do", []string{"exec", "work", "--", "sh", "-c", "kill -TERM $$"}, 128 + 15, ""},
		{"exec of a command that does not exist fails", []string{"exec", "work", "--", "/no/such/program"}, exitFail, "/no/such/program"},
		{"check of a valid key is fine", []string{"check", "work"}, exitOK, ""},
		{"version is fine", []string{"--version"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.run("", tt.args...)
			if r.code != tt.want {
				t.Errorf("bloomy %s exited %d, want %d\nstdout: %s\nstderr: %s", strings.Join(tt.args, " "), r.code, tt.want, r.stdout, r.stderr)
			}
			if tt.inStderr != "" && !strings.Contains(r.stderr, tt.inStderr) {
				t.Errorf("stderr %q does not name %q", r.stderr, tt.inStderr)
			}
			if tt.want == exitUsage && !regexp.MustCompile(`Run 'bloomy( [a-z-]+)? --help' for usage`).MatchString(r.stderr) {
				t.Errorf("a usage error should point at --help; stderr %q", r.stderr)
			}
		})
	}

	t.Run("check of a revoked key fails", func(t *testing.T) {
		e.login("spare", "linus@acme.example", "torvalds")
		e.srv.RevokeKey(e.key("spare"))
		for _, args := range [][]string{{"check", "spare"}, {"check", "--all"}, {"check", "--all", "--json"}} {
			r := e.run("", args...)
			if r.code != exitFail {
				t.Errorf("bloomy %s exited %d, want %d\n%s%s", strings.Join(args, " "), r.code, exitFail, r.stdout, r.stderr)
			}
		}
		e.mustRun("", "logout", "spare")
	})
}

func TestDoctorJSONExitsOneOnAnyFailedCheck(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(e *cmdEnv)
		wantCode int
		wantFail string // a check id that must fail; "" for none
	}{
		{"all is well", func(*cmdEnv) {}, exitOK, ""},
		{"a config file readable by others", func(e *cmdEnv) {
			if err := os.Chmod(e.path, 0o644); err != nil {
				e.t.Fatal(err)
			}
		}, exitFail, "file-permissions"},
		{"a config directory writable by others", func(e *cmdEnv) {
			if err := os.Chmod(filepath.Dir(e.path), 0o777); err != nil {
				e.t.Fatal(err)
			}
		}, exitFail, "dir-permissions"},
		{"the active account's key was revoked", func(e *cmdEnv) { e.srv.RevokeKey(e.key("globex")) }, exitFail, "key-accepted"},
		{"BLOOMY_ACCOUNT names no account", func(e *cmdEnv) { e.t.Setenv("BLOOMY_ACCOUNT", "ghost") }, exitFail, "selected-account"},
		{"the SDK key is out of step with the active account", func(e *cmdEnv) {
			b, _ := os.ReadFile(e.path)
			e.writeFile(strings.Replace(string(b), "api_key: "+e.key("globex")+"\n", "api_key: "+e.key("work")+"\n", 1))
		}, exitFail, "sdk-key-in-step"},
		{"a config file that does not parse", func(e *cmdEnv) { e.writeFile("accounts: [\n") }, exitFail, "config-parses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCmdEnv(t)
			e.twoAccounts()
			tt.setup(e)
			r := e.run("", "doctor", "--json")
			rep := parseDoctor(t, r.stdout)
			if r.code != tt.wantCode {
				t.Errorf("doctor --json exited %d, want %d; failing: %v\nstderr: %s", r.code, tt.wantCode, rep.failing(), r.stderr)
			}
			if tt.wantFail == "" {
				if f := rep.failing(); len(f) > 0 {
					t.Errorf("checks failed on a healthy config: %v", f)
				}
				for _, id := range []string{"config-path", "config-exists", "config-parses", "file-permissions", "dir-permissions", "saved-key", "accounts", "sdk-key-in-step", "env-key", "key-in-use", "host-reachable", "key-accepted"} {
					if rep.statusOf(id) == "" {
						t.Errorf("no %q check in the report", id)
					}
				}
			} else if got := rep.statusOf(tt.wantFail); got != "fail" {
				t.Errorf("check %q is %q, want fail; failing: %v", tt.wantFail, got, rep.failing())
			}
			if rep.Path != e.path {
				t.Errorf("config_path %q, want %q", rep.Path, e.path)
			}
			// The text report agrees on the exit code.
			if txt := e.run("", "doctor"); txt.code != tt.wantCode {
				t.Errorf("doctor (text) exited %d, want %d", txt.code, tt.wantCode)
			}
		})
	}
}

func TestWrongPasswordLeavesTheFileAlone(t *testing.T) {
	const want = "bloomy: The user name or password is incorrect."
	tests := []struct {
		name  string
		setup func(e *cmdEnv)
		args  []string
	}{
		{"a first login with no file yet", func(*cmdEnv) {},
			[]string{"login", "--name", "work", "--username", "ada@acme.example", "--password-stdin"}},
		{"a new account next to two others", func(e *cmdEnv) { e.twoAccounts() },
			[]string{"login", "--name", "spare", "--username", "linus@acme.example", "--password-stdin"}},
		{"a re-login of an existing account", func(e *cmdEnv) { e.twoAccounts() },
			[]string{"login", "--name", "work", "--password-stdin"}},
		{"an unknown login", func(e *cmdEnv) { e.twoAccounts() },
			[]string{"login", "--name", "nobody", "--username", "nobody@acme.example", "--password-stdin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCmdEnv(t)
			tt.setup(e)
			before, errBefore := os.ReadFile(e.path)
			r := e.run("not-the-password\n", tt.args...)
			if r.code != exitFail {
				t.Errorf("exited %d, want %d", r.code, exitFail)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if got := lines[len(lines)-1]; got != want {
				t.Errorf("the error line is %q, want %q\nstderr: %s", got, want, r.stderr)
			}
			if strings.Count(r.stderr, "incorrect") != 1 || strings.Contains(r.stderr, "invalid_grant") || strings.Contains(r.stderr, "Bad Request") || strings.Contains(r.stderr, "status 400") {
				t.Errorf("stderr should say it once, in words:\n%s", r.stderr)
			}
			if strings.Contains(r.stderr+r.stdout, "not-the-password") {
				t.Error("the password was echoed")
			}
			if r.stdout != "" {
				t.Errorf("stdout %q on a failed login", r.stdout)
			}
			after, errAfter := os.ReadFile(e.path)
			if errBefore != nil {
				if errAfter == nil {
					t.Errorf("a failed login created the file:\n%s", after)
				}
				return
			}
			if !bytes.Equal(before, after) {
				t.Errorf("the file changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

func TestTopLevelKeyFollowsTheActiveAccountThroughEveryStep(t *testing.T) {
	e := newCmdEnv(t)
	steps := []struct {
		name       string
		args       []string
		stdin      string
		wantActive string // "" for none (and then no top-level api_key)
	}{
		{"the first login makes work active", []string{"login", "--name", "work", "--username", "ada@acme.example", "--password-stdin"}, "lovelace\n", "work"},
		{"the second login makes globex active", []string{"login", "--name", "globex", "--username", "grace@globex.example", "--password-stdin"}, "hopper\n", "globex"},
		{"listing changes nothing", []string{"accounts"}, "", "globex"},
		{"use switches to work", []string{"use", "work"}, "", "work"},
		{"use - goes back to globex", []string{"use", "-"}, "", "globex"},
		{"use - again goes back to work", []string{"use", "-"}, "", "work"},
		{"a re-login of the active account keeps it active", []string{"login", "--name", "work", "--password-stdin"}, "lovelace\n", "work"},
		{"renaming the inactive account keeps work active", []string{"rename", "globex", "gx"}, "", "work"},
		{"use - reaches the renamed account", []string{"use", "-"}, "", "gx"},
		{"renaming the active account keeps it active", []string{"rename", "gx", "grace"}, "", "grace"},
		{"logging out the active account makes the other active", []string{"logout", "grace"}, "", "work"},
		{"logging out the last account leaves none", []string{"logout", "work"}, "", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.mustRun(s.stdin, s.args...)
			top := e.file()
			accs := e.fileAccounts()
			active, _ := top["active"].(string)
			if active != s.wantActive {
				t.Fatalf("active is %q, want %q", active, s.wantActive)
			}
			if s.wantActive == "" {
				if k, ok := top["api_key"]; ok && k != "" && k != nil {
					t.Errorf("no account is active but the file has api_key %v", bloomyclient.MaskKey(k.(string)))
				}
				if len(accs) != 0 {
					t.Errorf("accounts left: %v", slices.Sorted(maps.Keys(accs)))
				}
				return
			}
			key, ok := top["api_key"].(string)
			if !ok || key == "" {
				t.Fatalf("no top-level api_key (got %#v)", top["api_key"])
			}
			want := accs[s.wantActive]["api_key"]
			if key != want {
				t.Errorf("top-level api_key %s is not the key of %s (%s)", bloomyclient.MaskKey(key), s.wantActive, bloomyclient.MaskKey(want))
			}
			// bloomy's own view agrees with the file.
			var list accountsJSON
			if err := json.Unmarshal([]byte(e.mustRun("", "accounts", "--json").stdout), &list); err != nil {
				t.Fatal(err)
			}
			if list.Active != s.wantActive {
				t.Errorf("accounts --json says %q is active, want %q", list.Active, s.wantActive)
			}
			if got := strings.TrimSpace(e.mustRun("", "token").stdout); got != want {
				t.Errorf("token prints %s, want %s", bloomyclient.MaskKey(got), bloomyclient.MaskKey(want))
			}
		})
	}
}

// secretStep is one run of bloomy in the sentinel test.
type secretStep struct {
	name  string
	env   map[string]string
	args  []string
	stdin string
	want  int // the exit code; -1 for any
}

func TestNoCommandEverPrintsAWholeKey(t *testing.T) {
	e := newCmdEnv(t)
	secrets := map[string]bool{"lovelace": true, "hopper": true, "torvalds": true, "not-the-password": true}
	collect := func() {
		if _, err := os.Stat(e.path); err != nil {
			return
		}
		if k, ok := e.file()["api_key"].(string); ok && k != "" {
			secrets[k] = true
		}
		for _, a := range e.fileAccounts() {
			secrets[a["api_key"]] = true
		}
	}
	type output struct{ step, stream, text string }
	var outputs []output
	do := func(t *testing.T, steps []secretStep) {
		t.Helper()
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				for k, v := range s.env {
					t.Setenv(k, v)
				}
				r := e.run(s.stdin, s.args...)
				if s.want >= 0 && r.code != s.want {
					t.Errorf("bloomy %s exited %d, want %d\nstdout: %s\nstderr: %s", strings.Join(s.args, " "), r.code, s.want, r.stdout, r.stderr)
				}
				outputs = append(outputs, output{s.name, "stdout", r.stdout}, output{s.name, "stderr", r.stderr})
				collect()
			})
		}
	}

	// An SDK wrote the file: a bare key, imported under a name.
	pyKey, err := e.srv.IssueKey("ada@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	secrets[pyKey] = true
	e.writeFile("version: 1\napi_key: " + pyKey + "\n")
	do(t, []secretStep{
		{name: "accounts lists the unnamed key", args: []string{"accounts"}, want: 0},
		{name: "accounts --json lists the unnamed key", args: []string{"accounts", "--json"}, want: 0},
		{name: "doctor with an unnamed key", args: []string{"doctor"}, want: 0},
		{name: "doctor --json with an unnamed key", args: []string{"doctor", "--json"}, want: 0},
		{name: "token with only an unnamed key", args: []string{"token"}, want: 1},
		{name: "import names the key", args: []string{"import", "py"}, want: 0},
	})

	// Logins, and everything a person does with the accounts.
	do(t, []secretStep{
		{name: "login work", args: []string{"login", "--name", "work", "--username", "ada@acme.example", "--password-stdin"}, stdin: "lovelace\n", want: 0},
		{name: "login globex", args: []string{"login", "--name", "globex", "--username", "grace@globex.example", "--password-stdin"}, stdin: "hopper\n", want: 0},
		{name: "login spare from the environment", env: map[string]string{"BLOOMY_USERNAME": "linus@acme.example", "BLOOMY_PASSWORD": "torvalds"}, args: []string{"login", "--name", "spare"}, want: 0},
		{name: "re-login of work", args: []string{"login", "--name", "work", "--password-stdin"}, stdin: "lovelace\n", want: 0},
		{name: "accounts", args: []string{"accounts"}, want: 0},
		{name: "accounts --json", args: []string{"accounts", "--json"}, want: 0},
		{name: "use work", args: []string{"use", "work"}, want: 0},
		{name: "use -", args: []string{"use", "-"}, want: 0},
		{name: "use work again", args: []string{"use", "work"}, want: 0},
		{name: "rename", args: []string{"rename", "globex", "gx"}, want: 0},
		{name: "rename back", args: []string{"rename", "gx", "globex"}, want: 0},
		{name: "check", args: []string{"check"}, want: 0},
		{name: "check a named account", args: []string{"check", "globex"}, want: 0},
		{name: "check --all", args: []string{"check", "--all"}, want: 0},
		{name: "check --all --json", args: []string{"check", "--all", "--json"}, want: 0},
		{name: "doctor", args: []string{"doctor"}, want: 0},
		{name: "doctor --json", args: []string{"doctor", "--json"}, want: 0},
		{name: "doctor --offline", args: []string{"doctor", "--offline"}, want: 0},
		{name: "users --json", args: []string{"users", "--json"}, want: 0},
		{name: "users --csv of another account", args: []string{"users", "globex", "--csv"}, want: 0},
		{name: "users table", args: []string{"users"}, want: 0},
		{name: "logout of another account", args: []string{"logout", "spare"}, want: 0},
		{name: "completion of account names", args: []string{"__complete", "use", ""}, want: 0},
		{name: "help", args: []string{"--help"}, want: 0},
	})

	workKey, globexKey := e.key("work"), e.key("globex")

	// Login errors.
	do(t, []secretStep{
		{name: "login with a wrong password", args: []string{"login", "--name", "other", "--username", "ada@acme.example", "--password-stdin"}, stdin: "not-the-password\n", want: 1},
		{name: "re-login with a wrong password", args: []string{"login", "--name", "work", "--password-stdin"}, stdin: "not-the-password\n", want: 1},
		{name: "login with an invalid name", args: []string{"login", "--name", "not a name", "--username", "ada@acme.example", "--password-stdin"}, stdin: "lovelace\n", want: 2},
		{name: "login with an empty password", args: []string{"login", "--name", "x", "--username", "ada@acme.example", "--password-stdin"}, stdin: "\n", want: 1},
		{name: "login with no password and no terminal", args: []string{"login", "--name", "x", "--username", "ada@acme.example"}, want: 2},
		{name: "login over plain http to another host", args: []string{"login", "--name", "x", "--username", "ada@acme.example", "--password-stdin", "--host", "http://bloom.invalid"}, stdin: "lovelace\n", want: 1},
	})

	// The key in the environment and on the command line.
	do(t, []secretStep{
		{name: "BG_API_KEY of the active account: accounts", env: map[string]string{"BG_API_KEY": workKey}, args: []string{"accounts"}, want: 0},
		{name: "BG_API_KEY of the active account: doctor", env: map[string]string{"BG_API_KEY": workKey}, args: []string{"doctor"}, want: 0},
		{name: "BG_API_KEY of another account: accounts", env: map[string]string{"BG_API_KEY": globexKey}, args: []string{"accounts"}, want: 0},
		{name: "BG_API_KEY of another account: accounts --json", env: map[string]string{"BG_API_KEY": globexKey}, args: []string{"accounts", "--json"}, want: 0},
		{name: "BG_API_KEY of another account: doctor", env: map[string]string{"BG_API_KEY": globexKey}, args: []string{"doctor"}, want: 0},
		{name: "BG_API_KEY of another account: doctor --json", env: map[string]string{"BG_API_KEY": globexKey}, args: []string{"doctor", "--json"}, want: 0},
		{name: "BG_API_KEY of another account: use", env: map[string]string{"BG_API_KEY": globexKey}, args: []string{"use", "work"}, want: 0},
		{name: "--api-key with doctor", args: []string{"--api-key", globexKey, "doctor"}, want: 0},
		{name: "--api-key with doctor --json", args: []string{"--api-key", globexKey, "doctor", "--json"}, want: 0},
		{name: "--api-key with accounts", args: []string{"--api-key", globexKey, "accounts", "--json"}, want: 0},
		{name: "BLOOMY_ACCOUNT with doctor", env: map[string]string{"BLOOMY_ACCOUNT": "globex"}, args: []string{"doctor"}, want: 0},
	})

	// A revoked key.
	do(t, []secretStep{
		{name: "login old", args: []string{"login", "--name", "old", "--username", "linus@acme.example", "--password-stdin"}, stdin: "torvalds\n", want: 0},
	})
	revoked := e.key("old")
	e.srv.RevokeKey(revoked)
	do(t, []secretStep{
		{name: "check of a revoked key", args: []string{"check", "old"}, want: 1},
		{name: "check --all --json with a revoked key", args: []string{"check", "--all", "--json"}, want: 1},
		{name: "users of a revoked key", args: []string{"users", "old"}, want: 1},
		{name: "doctor on a revoked account", env: map[string]string{"BLOOMY_ACCOUNT": "old"}, args: []string{"doctor"}, want: 1},
		{name: "doctor --json with a revoked --api-key", args: []string{"--api-key", revoked, "doctor", "--json"}, want: 1},
		{name: "doctor with a revoked BG_API_KEY", env: map[string]string{"BG_API_KEY": revoked}, args: []string{"doctor"}, want: 1},
		{name: "use of a revoked account", args: []string{"use", "old"}, want: 0},
		{name: "doctor with the revoked account active", args: []string{"doctor"}, want: 1},
		{name: "back to work", args: []string{"use", "work"}, want: 0},
	})

	// The debug log.
	debug := map[string]string{"BLOOMY_DEBUG": "1"}
	do(t, []secretStep{
		{name: "debug: accounts", env: debug, args: []string{"accounts"}, want: 0},
		{name: "debug: check --all", env: debug, args: []string{"check", "--all"}, want: 1},
		{name: "debug: doctor", env: debug, args: []string{"doctor"}, want: 0},
		{name: "debug: doctor with --api-key", env: debug, args: []string{"--api-key", globexKey, "doctor", "--json"}, want: 0},
		{name: "debug: users", env: debug, args: []string{"users", "globex", "--json"}, want: 0},
		{name: "debug: login", env: debug, args: []string{"login", "--name", "dbg", "--username", "linus@acme.example", "--password-stdin"}, stdin: "torvalds\n", want: 0},
		{name: "debug: wrong password", env: debug, args: []string{"login", "--name", "dbg2", "--username", "linus@acme.example", "--password-stdin"}, stdin: "not-the-password\n", want: 1},
		{name: "debug: users of a revoked key", env: debug, args: []string{"users", "old"}, want: 1},
		{name: "debug: logout", env: debug, args: []string{"logout", "dbg"}, want: 0},
	})
	debugLog, err := os.ReadFile(filepath.Join(filepath.Dir(e.path), "debug.log"))
	if err != nil {
		t.Fatalf("BLOOMY_DEBUG=1 wrote no debug.log next to the config: %v", err)
	}
	if !strings.Contains(string(debugLog), "Authorization=") || !strings.Contains(string(debugLog), bloomyclient.MaskKey(globexKey)) {
		t.Errorf("the debug log should show the masked Authorization values:\n%s", debugLog)
	}
	outputs = append(outputs, output{"BLOOMY_DEBUG=1", "debug.log", string(debugLog)})

	// An SDK rewrites the whole file with a new key: the accounts are restored.
	sdkKey, err := e.srv.IssueKey("grace@globex.example")
	if err != nil {
		t.Fatal(err)
	}
	secrets[sdkKey] = true
	e.writeFile("version: 1\napi_key: " + sdkKey + "\n")
	do(t, []secretStep{
		{name: "accounts after an SDK rewrite", args: []string{"accounts"}, want: 0},
		{name: "doctor --json after an SDK rewrite", args: []string{"doctor", "--json"}, want: 1},
		{name: "restore", args: []string{"restore"}, want: 0},
		{name: "use refuses to replace the unnamed key", args: []string{"use", "work"}, want: 1},
		{name: "import the SDK's key", args: []string{"import", "sdk"}, want: 0},
		{name: "use work after the import", args: []string{"use", "work"}, want: 0},
	})

	// The config file and its backup hold keys, never passwords.
	for _, p := range []string{e.path, e.path + ".bak"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, pw := range []string{"lovelace", "hopper", "torvalds", "not-the-password"} {
			if bytes.Contains(b, []byte(pw)) {
				t.Errorf("%s holds the password %q", filepath.Base(p), pw)
			}
		}
	}

	t.Run("no output holds a whole key or a password", func(t *testing.T) {
		if len(secrets) < 10 {
			t.Fatalf("only %d secrets collected; the test lost track of the keys", len(secrets))
		}
		for _, o := range outputs {
			for s := range secrets {
				if s != "" && strings.Contains(o.text, s) {
					t.Errorf("%s: %s holds the secret %s", o.step, o.stream, bloomyclient.MaskKey(s))
				}
			}
		}
	})

	// The commands whose job is to hand the key over.
	t.Run("token prints exactly the key", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			args []string
			want string
		}{
			{"the active account", []string{"token"}, workKey},
			{"a named account", []string{"token", "globex"}, globexKey},
		} {
			r := e.mustRun("", tt.args...)
			if r.stdout != tt.want+"\n" {
				t.Errorf("%s: token printed %q, want the key and a newline", tt.name, bloomyclient.MaskKey(r.stdout))
			}
			if strings.Contains(r.stderr, tt.want) {
				t.Errorf("%s: the key is on stderr too", tt.name)
			}
		}
	})
	t.Run("env prints the assignment for each shell", func(t *testing.T) {
		for _, tt := range []struct {
			format, want string
		}{
			{"sh", "export BG_API_KEY='" + workKey + "'\n"},
			{"fish", "set -gx BG_API_KEY '" + workKey + "'\n"},
			{"powershell", "$Env:BG_API_KEY = '" + workKey + "'\n"},
		} {
			r := e.mustRun("", "env", "work", "--format", tt.format)
			if r.stdout != tt.want {
				t.Errorf("--format %s printed %q", tt.format, strings.ReplaceAll(r.stdout, workKey, bloomyclient.MaskKey(workKey)))
			}
			if strings.Contains(r.stderr, workKey) {
				t.Errorf("--format %s: the key is on stderr", tt.format)
			}
		}
		if r := e.mustRun("", "env"); r.stdout != "export BG_API_KEY='"+workKey+"'\n" {
			t.Errorf("the default is sh for the active account; got %q", strings.ReplaceAll(r.stdout, workKey, "KEY"))
		}
	})
	t.Run("exec puts the key in the child's environment only", func(t *testing.T) {
		t.Setenv("BG_API_KEY", "something-else")
		r := e.run("", "exec", "globex", "--", "sh", "-c", `printf %s "$BG_API_KEY"`)
		if r.code != exitOK || r.stdout != globexKey {
			t.Errorf("exit %d, child printed %q, want globex's key", r.code, bloomyclient.MaskKey(r.stdout))
		}
		if strings.Contains(r.stderr, globexKey) {
			t.Error("the key is on stderr")
		}
		if r := e.run("", "exec", "globex", "--", "sh", "-c", "exit 7"); r.code != 7 {
			t.Errorf("exec returned %d, want the child's 7", r.code)
		}
	})
}

func TestBGAPIKeyShadowingIsReported(t *testing.T) {
	e := newCmdEnv(t)
	e.twoAccounts() // globex is active
	workKey, globexKey := e.key("work"), e.key("globex")
	tests := []struct {
		name     string
		envKey   string
		shadows  bool
		wantFrom string // key_source
	}{
		{"unset", "", false, "config file (active account)"},
		{"the active account's key", globexKey, false, "BG_API_KEY"},
		{"another account's key", workKey, true, "BG_API_KEY"},
		{"a key of no account", "some-unknown-key-0123456789", true, "BG_API_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("BG_API_KEY", tt.envKey)
			r := e.mustRun("", "accounts")
			warned := strings.Contains(r.stderr, "warning: BG_API_KEY is set") && strings.Contains(r.stderr, "differs from the active account")
			if warned != tt.shadows {
				t.Errorf("warned %v, want %v; stderr %q", warned, tt.shadows, r.stderr)
			}
			if tt.shadows && !strings.Contains(r.stderr, bloomyclient.MaskKey(tt.envKey)) {
				t.Errorf("the warning should show the env key masked: %q", r.stderr)
			}
			if strings.Contains(r.stdout, "warning") {
				t.Errorf("the warning went to stdout: %q", r.stdout)
			}

			j := e.mustRun("", "accounts", "--json")
			var raw map[string]any
			if err := json.Unmarshal([]byte(j.stdout), &raw); err != nil {
				t.Fatalf("accounts --json: %v\n%s", err, j.stdout)
			}
			if got, ok := raw["bg_api_key_shadows_active"].(bool); !ok || got != tt.shadows {
				t.Errorf("bg_api_key_shadows_active is %#v, want %v", raw["bg_api_key_shadows_active"], tt.shadows)
			}
			if raw["key_source"] != tt.wantFrom {
				t.Errorf("key_source %#v, want %q", raw["key_source"], tt.wantFrom)
			}
			if j.stderr != "" {
				t.Errorf("accounts --json wrote to stderr: %q", j.stderr)
			}
			if raw["active"] != "globex" {
				t.Errorf("active %#v: BG_API_KEY must not change the active account", raw["active"])
			}
		})
	}
}

func TestBloomyAccountSelectsWithoutSwitching(t *testing.T) {
	e := newCmdEnv(t)
	e.twoAccounts() // globex is active
	before, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		account  string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"token prints the selected account's key", "work", []string{"token"}, exitOK, e.key("work") + "\n"},
		{"env sets the selected account's key", "work", []string{"env"}, exitOK, "export BG_API_KEY='" + e.key("work") + "'\n"},
		{"a named account still wins over the selection", "work", []string{"token", "globex"}, exitOK, e.key("globex") + "\n"},
		{"no selection prints the active account's key", "", []string{"token"}, exitOK, e.key("globex") + "\n"},
		{"a selection of no account fails", "ghost", []string{"token"}, exitFail, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("BLOOMY_ACCOUNT", tt.account)
			r := e.run("", tt.args...)
			if r.code != tt.wantCode || r.stdout != tt.wantOut {
				t.Errorf("exit %d, stdout %q; want %d, %q", r.code, bloomyclient.MaskKey(r.stdout), tt.wantCode, bloomyclient.MaskKey(tt.wantOut))
			}
			if tt.wantCode == exitFail && !strings.Contains(r.stderr, tt.account) {
				t.Errorf("the error should name %q: %q", tt.account, r.stderr)
			}
			after, err := os.ReadFile(e.path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Errorf("the file changed:\n%s", after)
			}
			if active := e.file()["active"]; active != "globex" {
				t.Errorf("active is %v, want globex", active)
			}
		})
	}
}

func TestShellCompletionListsAccountNames(t *testing.T) {
	e := newCmdEnv(t)
	e.twoAccounts()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"use completes account names", []string{"__complete", "use", ""}, []string{"work", "globex"}},
		{"logout completes account names", []string{"__complete", "logout", ""}, []string{"work", "globex"}},
		{"token completes account names", []string{"__complete", "token", ""}, []string{"work", "globex"}},
		{"exec completes the account before --", []string{"__complete", "exec", ""}, []string{"work", "globex"}},
		{"login --name completes account names", []string{"__complete", "login", "--name", ""}, []string{"work", "globex"}},
		{"rename completes only the old name", []string{"__complete", "rename", "work", ""}, nil},
		{"use takes one name only", []string{"__complete", "use", "work", ""}, nil},
		{"env --format completes the shells", []string{"__complete", "env", "--format", ""}, []string{"sh", "fish", "powershell"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.mustRun("", tt.args...)
			var got []string
			sc := bufio.NewScanner(strings.NewReader(r.stdout))
			for sc.Scan() {
				line := sc.Text()
				if strings.HasPrefix(line, ":") {
					if line != ":4" {
						t.Errorf("directive %q, want :4 (no file completion)", line)
					}
					break
				}
				name, _, _ := strings.Cut(line, "\t")
				got = append(got, name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("completions %q, want %q\n%s", got, tt.want, r.stdout)
			}
		})
	}
	t.Run("the active account is described as active", func(t *testing.T) {
		r := e.mustRun("", "__complete", "use", "")
		if !strings.Contains(r.stdout, "globex\tactive · grace@globex.example") {
			t.Errorf("no description for the active account:\n%s", r.stdout)
		}
	})
}

func TestDemoServerJSONLine(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	var out bytes.Buffer
	writeDemoServerJSON(&globals{stdout: &out, stderr: &bytes.Buffer{}}, srv)

	first, rest, found := strings.Cut(out.String(), "\n")
	if !found {
		t.Fatalf("the JSON line has no newline: %q", out.String())
	}
	if rest != "" {
		t.Errorf("more than one line: %q", rest)
	}
	var info struct {
		URL    string `json:"url"`
		Logins []struct {
			Username     string `json:"username"`
			Password     string `json:"password"`
			Organization string `json:"organization"`
		} `json:"logins"`
	}
	dec := json.NewDecoder(strings.NewReader(first))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		t.Fatalf("the first line is not the JSON object: %v\n%s", err, first)
	}
	if dec.More() {
		t.Errorf("the first line holds more than one JSON value: %s", first)
	}
	if info.URL != srv.URL() || !strings.HasPrefix(info.URL, "http://127.0.0.1:") {
		t.Errorf("url %q, want %q", info.URL, srv.URL())
	}
	want := srv.Logins()
	if len(info.Logins) != 3 || len(want) != 3 {
		t.Fatalf("%d logins, want the 3 demo logins", len(info.Logins))
	}
	for i, l := range want {
		got := info.Logins[i]
		if got.Username != l.Username || got.Password != l.Password || got.Organization != l.Organization {
			t.Errorf("login %d is %+v, want %+v", i, got, l)
		}
	}

	t.Run("the text form names the URL and every login", func(t *testing.T) {
		var text bytes.Buffer
		writeDemoServerText(&globals{stdout: &text, stderr: &bytes.Buffer{}}, srv)
		for _, s := range []string{srv.URL(), "ada@acme.example", "lovelace", "grace@globex.example", "linus@acme.example", "BLOOMY_BASE_URL=" + srv.URL()} {
			if !strings.Contains(text.String(), s) {
				t.Errorf("the text lacks %q:\n%s", s, text.String())
			}
		}
	})

	// These fail before the server starts, so run returns instead of blocking.
	e := newCmdEnv(t)
	for _, tt := range []struct {
		name string
		args []string
		want int
	}{
		{"a negative user count is a usage error", []string{"demo-server", "--users", "-1"}, exitUsage},
		{"a non-loopback address is refused", []string{"demo-server", "--json", "--addr", "0.0.0.0:0"}, exitFail},
		{"a stray argument is a usage error", []string{"demo-server", "now"}, exitUsage},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.run("", tt.args...)
			if r.code != tt.want {
				t.Errorf("exited %d, want %d\n%s", r.code, tt.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("printed %q before failing", r.stdout)
			}
		})
	}
}

// users and check without a name act on the key that wins, as the SDKs would:
// --api-key, then BLOOMY_ACCOUNT, then BG_API_KEY, then the active account.
func TestUsersAndCheckFollowTheKeyThatWins(t *testing.T) {
	e := newCmdEnv(t)
	e.login("acme", "ada@acme.example", "lovelace")

	t.Run("a bogus --api-key is what users and check use", func(t *testing.T) {
		for _, args := range [][]string{{"users", "--api-key", "bogus"}, {"check", "--api-key", "bogus"}} {
			if r := e.run("", args...); r.code != exitFail || !strings.Contains(r.stdout+r.stderr, "rejected") {
				t.Errorf("bloomy %v: exit %d, output %q", args, r.code, r.stdout+r.stderr)
			}
		}
	})
	t.Run("BG_API_KEY of another organisation lists that organisation", func(t *testing.T) {
		key, err := e.srv.IssueKey("grace@globex.example")
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("BG_API_KEY", key)
		r := e.mustRun("", "users", "--json")
		if !strings.Contains(r.stdout, "Grace Hopper") || strings.Contains(r.stdout, "Ada Lovelace") {
			t.Errorf("users did not follow BG_API_KEY:\n%.300s", r.stdout)
		}
		if c := e.mustRun("", "check"); !strings.Contains(c.stdout, "BG_API_KEY") || !strings.Contains(c.stdout, "Grace Hopper") {
			t.Errorf("check = %q", c.stdout)
		}
		// A name still wins.
		if r := e.mustRun("", "users", "acme", "--json"); !strings.Contains(r.stdout, "Ada Lovelace") {
			t.Error("a named account did not win over BG_API_KEY")
		}
	})
}
