package accounts

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bloomy/bloomyclient"
	"bloomy/bloomyclient/bloomtest"

	yaml11 "go.yaml.in/yaml/v2"
)

// env is a test's world: a fake server, a config path in a temp dir, and an
// environment map.
type env struct {
	t    *testing.T
	srv  *bloomtest.Server
	path string
	vars map[string]string
	now  time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	return &env{
		t:    t,
		srv:  bloomtest.NewTest(t, bloomtest.Options{}),
		path: filepath.Join(t.TempDir(), ".bloomy", "config.yaml"),
		vars: map[string]string{},
		now:  time.Now(),
	}
}

func (e *env) service(mod ...func(*Options)) *Service {
	e.t.Helper()
	opts := Options{
		ConfigPath:   e.path,
		BaseURL:      e.srv.URL(),
		Getenv:       func(k string) string { return e.vars[k] },
		Now:          func() time.Time { return e.now },
		RetryBackoff: time.Millisecond,
	}
	for _, m := range mod {
		m(&opts)
	}
	s, err := New(opts)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) login(s *Service, name, user, pass string) *LoginResult {
	e.t.Helper()
	res, err := s.Login(context.Background(), LoginRequest{Name: name, Username: user, Password: pass})
	if err != nil {
		e.t.Fatalf("login %s: %v", name, err)
	}
	return res
}

func (e *env) write(content string) {
	e.t.Helper()
	if err := os.MkdirAll(filepath.Dir(e.path), 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(e.path, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) read() []byte {
	e.t.Helper()
	b, err := os.ReadFile(e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// sdkKey is what a YAML 1.1 reader (PyYAML's dialect) sees as the top-level api_key.
func (e *env) sdkKey() any {
	e.t.Helper()
	var m map[string]any
	if err := yaml11.Unmarshal(e.read(), &m); err != nil {
		e.t.Fatalf("a YAML 1.1 reader cannot read the file: %v", err)
	}
	return m["api_key"]
}

func (e *env) assertSDKKeyIsActive(s *Service) {
	e.t.Helper()
	cfg, err := s.Load()
	if err != nil {
		e.t.Fatal(err)
	}
	a := cfg.Account(cfg.Active)
	got := e.sdkKey()
	switch {
	case a == nil && got != nil:
		e.t.Errorf("no active account but api_key is %v", got)
	case a != nil && got != a.APIKey:
		e.t.Errorf("api_key is not the key of the active account %s", a.Name)
	}
}

func TestLoginSavesAVerifiedKeyAndMakesItActive(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	res := e.login(s, "work", "ada@acme.example", "lovelace")
	if !res.Activated || res.Relogin {
		t.Errorf("result = %+v", res)
	}
	a := res.Account
	if a.UserName != "Ada Lovelace" || a.UserID != e.srv.Me("ada@acme.example").ID || a.Username != "ada@acme.example" {
		t.Errorf("account = %+v", a)
	}
	if a.ExpiresAt.Sub(a.IssuedAt) < 13*24*time.Hour {
		t.Errorf("expiry %s is not two weeks after issue %s", a.ExpiresAt, a.IssuedAt)
	}
	if a.BaseURL != e.srv.URL() {
		t.Errorf("base_url = %q, want the fake server", a.BaseURL)
	}
	e.assertSDKKeyIsActive(s)
	if bytes.Contains(e.read(), []byte("lovelace")) {
		t.Error("the password is in the config file")
	}
	// The key was checked with users/mine before it was saved.
	var sawMine bool
	for _, r := range e.srv.Requests() {
		sawMine = sawMine || r.Route == bloomtest.RouteMine
	}
	if !sawMine {
		t.Error("the key was saved without users/mine")
	}
}

func TestAWrongPasswordLeavesTheFileByteIdentical(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	e.login(s, "work", "ada@acme.example", "lovelace")
	before := e.read()
	_, err := s.Login(context.Background(), LoginRequest{Name: "other", Username: "grace@globex.example", Password: "nope"})
	if err == nil || err.Error() != "The user name or password is incorrect." {
		t.Fatalf("error = %v", err)
	}
	if !bytes.Equal(before, e.read()) {
		t.Error("the file changed")
	}
}

func TestAKeyRejectedByUsersMineIsNotSaved(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	e.srv.SetFault(bloomtest.RouteMine, bloomtest.Fault{Status: 401})
	_, err := s.Login(context.Background(), LoginRequest{Name: "work", Username: "ada@acme.example", Password: "lovelace"})
	if !errors.Is(err, bloomyclient.ErrUnauthorized) {
		t.Fatalf("error = %v", err)
	}
	if _, err := os.Stat(e.path); !errors.Is(err, os.ErrNotExist) {
		t.Error("a config file was written")
	}
}

func TestReloginReplacesTheKeyAndKeepsTheAccount(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	first := e.login(s, "work", "ada@acme.example", "lovelace")
	e.login(s, "globex", "grace@globex.example", "hopper")
	again := e.login(s, "work", "ada@acme.example", "lovelace")
	if !again.Relogin || again.Activated {
		t.Errorf("relogin of an inactive account: %+v", again)
	}
	if again.Account.APIKey == first.Account.APIKey {
		t.Error("the key was not replaced")
	}
	cfg, _ := s.Load()
	if len(cfg.Accounts) != 2 || cfg.Accounts[0].Name != "work" || cfg.Active != "globex" {
		t.Errorf("accounts %v, active %q", cfg.Accounts, cfg.Active)
	}
	e.assertSDKKeyIsActive(s)
}

func TestUseRenameRemoveKeepTheSDKKeyInStep(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	e.login(s, "work", "ada@acme.example", "lovelace")
	e.login(s, "globex", "grace@globex.example", "hopper")
	e.login(s, "linus", "linus@acme.example", "torvalds")
	steps := []struct {
		name string
		do   func() error
		want string // active afterwards
	}{
		{"use switches", func() error { _, err := s.Use("work", UseOptions{}); return err }, "work"},
		{"use - goes back", func() error { _, err := s.Use("-", UseOptions{}); return err }, "linus"},
		{"use - twice goes forth", func() error { _, err := s.Use("-", UseOptions{}); return err }, "work"},
		{"rename of the active account keeps it active", func() error { return s.Rename("work", "acme") }, "acme"},
		{"rename to a taken name fails", func() error {
			if err := s.Rename("acme", "globex"); err == nil {
				return errors.New("renamed onto an existing name")
			}
			return nil
		}, "acme"},
		{"rename to an invalid name fails", func() error {
			if err := s.Rename("acme", "no spaces"); err == nil {
				return errors.New("accepted an invalid name")
			}
			return nil
		}, "acme"},
		{"removing the active account activates the previous", func() error { _, err := s.Remove("acme"); return err }, "linus"},
		{"removing another keeps the active", func() error { _, err := s.Remove("globex"); return err }, "linus"},
		{"removing the last leaves none and no api_key", func() error { _, err := s.Remove("linus"); return err }, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			cfg, _ := s.Load()
			if cfg.Active != st.want {
				t.Errorf("active = %q, want %q", cfg.Active, st.want)
			}
			e.assertSDKKeyIsActive(s)
		})
	}
	if _, err := s.Use("-", UseOptions{}); err == nil {
		t.Error("use - with no previous account succeeded")
	}
	var nf *NotFoundError
	if _, err := s.Use("ghost", UseOptions{}); !errors.As(err, &nf) {
		t.Errorf("use of a missing account: %v", err)
	}
}

func TestSDKWrittenFilesAreReadAndTheirKeyOfferedForImport(t *testing.T) {
	files := map[string]string{
		"python": "version: 1\napi_key: SDKKEY\n",
		"ruby":   "---\n:version: 1\n:api_key: SDKKEY\n",
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			key, err := e.srv.IssueKey("grace@globex.example")
			if err != nil {
				t.Fatal(err)
			}
			e.write(strings.ReplaceAll(content, "SDKKEY", key))
			s := e.service()
			st := s.State()
			if st.LoadErr != nil || st.UnnamedKey != key {
				t.Fatalf("unnamed key not offered (err %v)", st.LoadErr)
			}
			if st.Key.Source != SourceUnnamed || st.Key.Key != key {
				t.Errorf("resolution = %+v", st.Key.Source)
			}
			// Logging in does not silently replace the SDK's key.
			res := e.login(s, "work", "ada@acme.example", "lovelace")
			if res.Activated || !res.KeptKey {
				t.Errorf("login replaced the unnamed key: %+v", res)
			}
			if _, err := s.Use("work", UseOptions{}); !errors.Is(err, ErrUnnamedKey) {
				t.Errorf("use over an unnamed key: %v", err)
			}
			imp, err := s.Import(context.Background(), "globex")
			if err != nil {
				t.Fatal(err)
			}
			if imp.Account.UserName != "Grace Hopper" || imp.Existing {
				t.Errorf("imported %+v", imp)
			}
			st = s.State()
			if st.UnnamedKey != "" || st.Active != "globex" || len(st.Accounts) != 2 {
				t.Errorf("after import: unnamed %v, active %q, %d accounts", st.UnnamedKey != "", st.Active, len(st.Accounts))
			}
			if _, err := s.Use("work", UseOptions{}); err != nil {
				t.Errorf("use after import: %v", err)
			}
		})
	}
}

func TestImportRefusesARejectedKey(t *testing.T) {
	e := newEnv(t)
	e.write("version: 1\napi_key: not-a-real-key\n")
	s := e.service()
	before := e.read()
	if _, err := s.Import(context.Background(), "x"); !errors.Is(err, bloomyclient.ErrUnauthorized) {
		t.Fatalf("error = %v", err)
	}
	if !bytes.Equal(before, e.read()) {
		t.Error("the file changed")
	}
}

func TestAnSDKRewriteIsDetectedAndRestoreKeepsTheNewKey(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	e.login(s, "work", "ada@acme.example", "lovelace")
	e.login(s, "globex", "grace@globex.example", "hopper")
	e.login(s, "linus", "linus@acme.example", "torvalds")
	// The Python SDK's configure_api_key(..., store_key=True) rewrites the file.
	newKey, _ := e.srv.IssueKey("ada@acme.example")
	e.write("version: 1\napi_key: " + newKey + "\n")

	st := s.State()
	if len(st.Lost) != 3 {
		t.Fatalf("lost = %d accounts, want 3", len(st.Lost))
	}
	report := s.Diagnose()
	if f := find(report, CheckIDLost); f == nil || f.Status != StatusFail || f.Fix == nil || f.Fix.Kind != FixRestore {
		t.Errorf("the report does not offer a restore: %+v", f)
	}
	names, err := s.Restore()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "work,globex,linus" {
		t.Errorf("restored %v", names)
	}
	st = s.State()
	if len(st.Lost) != 0 || len(st.Accounts) != 3 {
		t.Errorf("after restore: %d lost, %d accounts", len(st.Lost), len(st.Accounts))
	}
	if st.UnnamedKey != newKey || e.sdkKey() != newKey {
		t.Error("the SDK's new key was not kept")
	}
	if _, err := s.Import(context.Background(), "ada-new"); err != nil {
		t.Fatal(err)
	}
	if got := len(s.State().Accounts); got != 4 {
		t.Errorf("%d accounts, want 4", got)
	}
}

func TestImportingARestoredAccountsKeyMakesItActiveWithoutACopy(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	work := e.login(s, "work", "ada@acme.example", "lovelace")
	e.login(s, "globex", "grace@globex.example", "hopper")
	e.write("version: 1\napi_key: " + work.Account.APIKey + "\n") // the SDK stored work's key
	res, err := s.Import(context.Background(), "mykey")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Existing || res.Account.Name != "work" || strings.Join(res.Restored, ",") != "work,globex" {
		t.Errorf("result = %+v", res)
	}
	st := s.State()
	if len(st.Accounts) != 2 || st.Active != "work" || st.UnnamedKey != "" {
		t.Errorf("after import: %d accounts, active %q", len(st.Accounts), st.Active)
	}
	if !strings.Contains(res.Sentence(), "Restored work, globex") {
		t.Errorf("sentence = %q", res.Sentence())
	}
}

func TestLoginAfterAnSDKRewriteBringsTheLostAccountsBack(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	e.login(s, "work", "ada@acme.example", "lovelace")
	e.write("version: 1\n")
	res := e.login(s, "globex", "grace@globex.example", "hopper")
	if strings.Join(res.Restored, ",") != "work" {
		t.Errorf("restored %v", res.Restored)
	}
	if n := len(s.State().Accounts); n != 2 {
		t.Errorf("%d accounts, want 2", n)
	}
}

func TestBGAPIKeyDifferentFromTheActiveAccountIsShadowing(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	work := e.login(s, "work", "ada@acme.example", "lovelace")
	globex := e.login(s, "globex", "grace@globex.example", "hopper")

	e.vars[EnvAPIKey] = work.Account.APIKey // active is globex
	st := s.State()
	if !st.Key.Shadowing || st.Key.EnvAccount != "work" || st.Key.Source != SourceEnv || st.Key.Account != "work" {
		t.Errorf("resolution = shadowing %v, env account %q, source %q, account %q", st.Key.Shadowing, st.Key.EnvAccount, st.Key.Source, st.Key.Account)
	}
	f := find(s.Diagnose(), CheckIDEnvKey)
	if f == nil || f.Status != StatusWarn || !strings.Contains(f.Summary, "shadows globex") {
		t.Errorf("finding = %+v", f)
	}
	if strings.Contains(f.Summary, work.Account.APIKey) {
		t.Error("the finding shows the whole key")
	}

	e.vars[EnvAPIKey] = globex.Account.APIKey
	if s.State().Key.Shadowing {
		t.Error("BG_API_KEY equal to the active key is reported as shadowing")
	}
}

func TestPrecedence(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	work := e.login(s, "work", "ada@acme.example", "lovelace")
	globex := e.login(s, "globex", "grace@globex.example", "hopper")
	tests := []struct {
		name     string
		flag     string
		vars     map[string]string
		wantKey  string
		wantFrom KeySource
	}{
		{"the file's active account with nothing else", "", nil, globex.Account.APIKey, SourceActive},
		{"BG_API_KEY beats the file", "", map[string]string{EnvAPIKey: "ENVKEY"}, "ENVKEY", SourceEnv},
		{"BLOOMY_ACCOUNT picks an account for bloomy", "", map[string]string{EnvAccount: "work", EnvAPIKey: "ENVKEY"}, work.Account.APIKey, SourceSelected},
		{"--api-key beats everything", "FLAGKEY", map[string]string{EnvAccount: "work", EnvAPIKey: "ENVKEY"}, "FLAGKEY", SourceFlag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.vars = map[string]string{}
			for k, v := range tt.vars {
				e.vars[k] = v
			}
			r := e.service(func(o *Options) { o.APIKey = tt.flag }).Resolve()
			if r.Key != tt.wantKey || r.Source != tt.wantFrom {
				t.Errorf("got %s from %q, want %s from %q", bloomyclient.MaskKey(r.Key), r.Source, bloomyclient.MaskKey(tt.wantKey), tt.wantFrom)
			}
		})
	}
}

func TestChecks(t *testing.T) {
	e := newEnv(t)
	s := e.service(func(o *Options) { o.CheckTimeout = 300 * time.Millisecond })
	e.login(s, "work", "ada@acme.example", "lovelace")
	globex := e.login(s, "globex", "grace@globex.example", "hopper")
	e.srv.RevokeKey(globex.Account.APIKey)
	results, err := s.CheckAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].Status != CheckValid || results[0].User.Name != "Ada Lovelace" {
		t.Errorf("work: %+v", results[0])
	}
	if results[1].Status != CheckRejected || !strings.Contains(results[1].Summary(), "expired or revoked") {
		t.Errorf("globex: %+v", results[1])
	}
	e.srv.SetFault(bloomtest.RouteMine, bloomtest.Fault{Latency: 2 * time.Second})
	if r := s.Check(context.Background(), "work"); r.Status != CheckUnreachable {
		t.Errorf("slow host: %+v", r)
	}
	if r := s.Check(context.Background(), "ghost"); r.Status != CheckFailed {
		t.Errorf("missing account: %+v", r)
	}
}

func TestExpiry(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		at    time.Time
		state ExpiryState
		label string
	}{
		{now.Add(12*24*time.Hour + time.Hour), ExpiryOK, "12d left"},
		{now.Add(3 * 24 * time.Hour), ExpiryOK, "3d left"},
		{now.Add(2*24*time.Hour + 5*time.Hour), ExpirySoon, "expires in 2d"},
		{now.Add(5 * time.Hour), ExpirySoon, "expires in 5h"},
		{now.Add(-time.Minute), ExpiryExpired, "expired"},
		{time.Time{}, ExpiryUnknown, "expiry unknown"},
	}
	for _, tt := range tests {
		e := ExpiryOf(tt.at, now)
		if e.State != tt.state || e.Label() != tt.label {
			t.Errorf("ExpiryOf(%s) = %s %q, want %s %q", tt.at, e.State, e.Label(), tt.state, tt.label)
		}
	}
}

func find(r *Report, id string) *Finding {
	for i := range r.Findings {
		if r.Findings[i].ID == id {
			return &r.Findings[i]
		}
	}
	return nil
}

func TestDiagnosisOfABadSetUp(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	work := e.login(s, "work", "ada@acme.example", "lovelace")
	e.login(s, "globex", "grace@globex.example", "hopper")
	if err := os.Chmod(e.path, 0o644); err != nil {
		t.Fatal(err)
	}
	e.vars[EnvAPIKey] = work.Account.APIKey
	e.now = e.now.Add(15 * 24 * time.Hour) // every key has expired

	r := s.Diagnose()
	want := map[string]Status{
		CheckIDParses:    StatusOK,
		CheckIDFilePerms: StatusFail,
		CheckIDEnvKey:    StatusWarn,
		CheckIDExpiry:    StatusFail,
		CheckIDSDKInStep: StatusOK,
	}
	for id, status := range want {
		if f := find(r, id); f == nil || f.Status != status {
			t.Errorf("%s = %+v, want %s", id, f, status)
		}
	}
	perm := find(r, CheckIDFilePerms)
	if perm.Fix == nil || perm.Fix.Kind != FixPermissions || !strings.Contains(strings.Join(perm.Details, " "), "other users can read") {
		t.Errorf("permission finding = %+v", perm)
	}
	if r.Worst() != StatusFail {
		t.Errorf("worst = %s", r.Worst())
	}
	if _, err := s.Repair(*perm.Fix); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(e.path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode after the fix = %o", info.Mode().Perm())
	}
	if f := find(s.Diagnose(), CheckIDFilePerms); f.Status != StatusOK {
		t.Errorf("after the fix: %+v", f)
	}
}

func TestDiagnosisOfAFileThatDoesNotParse(t *testing.T) {
	e := newEnv(t)
	e.write("version: 1\naccounts:\n  work: [unclosed\n")
	s := e.service()
	before := e.read()
	f := find(s.Diagnose(), CheckIDParses)
	if f == nil || f.Status != StatusFail || !strings.Contains(f.Summary, "line") {
		t.Fatalf("finding = %+v", f)
	}
	if _, err := s.Login(context.Background(), LoginRequest{Name: "w", Username: "ada@acme.example", Password: "lovelace"}); err == nil {
		t.Error("login wrote over a file that does not parse")
	}
	if !bytes.Equal(before, e.read()) {
		t.Error("the file changed")
	}
}

func TestLiveFindings(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	work := e.login(s, "work", "ada@acme.example", "lovelace")
	live := s.LiveFindings(context.Background())
	if len(live) != 2 || live[0].Status != StatusOK || live[1].Status != StatusOK || !strings.Contains(live[1].Summary, "Ada Lovelace") {
		t.Fatalf("live = %+v", live)
	}
	e.srv.RevokeKey(work.Account.APIKey)
	live = s.LiveFindings(context.Background())
	if live[1].Status != StatusFail || live[1].Fix == nil || live[1].Fix.Kind != FixRelogin || live[1].Fix.Account != "work" {
		t.Errorf("rejected key: %+v", live[1])
	}
}

func TestGitWorkTreeFinding(t *testing.T) {
	if _, err := os.Stat("/usr/bin/git"); err != nil {
		t.Skip("git is not installed")
	}
	e := newEnv(t)
	repo := t.TempDir()
	e.path = filepath.Join(repo, "config.yaml")
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A minimal repository git recognises.
	for _, d := range []string{"objects", "refs"} {
		os.Mkdir(filepath.Join(repo, ".git", d), 0o755)
	}
	os.WriteFile(filepath.Join(repo, ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
	e.write("version: 1\n")
	s := e.service()
	if f := find(s.Diagnose(), CheckIDGit); f == nil || f.Status != StatusFail {
		t.Fatalf("not-ignored file: %+v", f)
	}
	os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("config.yaml\n"), 0o644)
	if f := find(s.Diagnose(), CheckIDGit); f == nil || f.Status != StatusOK {
		t.Fatalf("ignored file: %+v", f)
	}
}

func TestAddingTheSameLoginTwiceIsPointedOut(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	e.login(s, "globex", "grace@globex.example", "hopper")
	res := e.login(s, "hopper", "Grace@Globex.example", "hopper")
	if strings.Join(res.SameLogin, ",") != "globex" {
		t.Errorf("SameLogin = %v", res.SameLogin)
	}
}
