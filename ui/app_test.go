package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bloomy/accounts"
	"bloomy/bloomyclient"
	"bloomy/bloomyclient/bloomtest"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC // golden files show dates
	os.Exit(m.Run())
}

// fixedNow is the clock of every test that renders a golden file.
var fixedNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// driver runs the root model like Bubble Tea does: it feeds messages to
// Update and runs the commands that come back, feeding their messages in
// turn. Timers (status clearing, spinner ticks) are left unrun.
type driver struct {
	t *testing.T
	m *Model
}

func newDriver(t *testing.T, svc *accounts.Service, opts ...func(*Options)) *driver {
	t.Helper()
	o := Options{Service: svc, NoColor: true, SteadyCursor: true}
	for _, f := range opts {
		f(&o)
	}
	d := &driver{t: t, m: New(context.Background(), o)}
	d.m.later = func(time.Duration, tea.Msg) tea.Cmd { return nil }
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.run(d.m.Init())
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// run executes cmd and everything it leads to. A command still running after
// a moment is a timer, and is abandoned.
func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	for _, msg := range collect(cmd) {
		switch msg.(type) {
		case spinner.TickMsg, clearStatusMsg:
			continue
		}
		d.send(msg)
	}
}

func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		batch, ok := msg.(tea.BatchMsg)
		if !ok {
			if msg == nil {
				return nil
			}
			return []tea.Msg{msg}
		}
		var (
			mu  sync.Mutex
			wg  sync.WaitGroup
			out = make([][]tea.Msg, len(batch))
		)
		for i, c := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				msgs := collect(c)
				mu.Lock()
				out[i] = msgs
				mu.Unlock()
			}()
		}
		wg.Wait()
		var flat []tea.Msg
		for _, msgs := range out {
			flat = append(flat, msgs...)
		}
		return flat
	case <-time.After(3 * time.Second):
		return nil
	}
}

func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

// typeText types each character of s.
func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// fillLoginForm types the name, email and password into the login form.
func (d *driver) fillLoginForm(name, email, password string) {
	d.t.Helper()
	d.typeText(name)
	d.press("tab")
	d.typeText(email)
	d.press("tab")
	d.typeText(password)
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+o":
		return tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

func (d *driver) view() string { return ansi.Strip(d.m.render()) }

func (d *driver) resize(w, h int) { d.send(tea.WindowSizeMsg{Width: w, Height: h}) }

// fixture is a config file written by hand: fixed keys and dates.
const threeAccounts = `version: 1
api_key: KEY-ACME-0000000000000001
active: acme
previous: globex
accounts:
  acme:
    username: ada@acme.example
    api_key: KEY-ACME-0000000000000001
    base_url: http://127.0.0.1:9
    issued_at: 2026-11-20T12:00:00Z
    expires_at: 2026-12-04T12:00:00Z
    user_id: 10005
    user_name: Ada Lovelace
  globex:
    username: grace@globex.example
    api_key: KEY-GLOBEX-000000000000002
    base_url: http://127.0.0.1:9
    issued_at: 2026-11-15T12:00:00Z
    expires_at: 2026-11-29T13:00:00Z
    user_id: 10271
    user_name: Grace Hopper
  old-acme:
    username: linus@acme.example
    api_key: KEY-OLD-000000000000000003
    base_url: http://127.0.0.1:9
    issued_at: 2026-11-01T12:00:00Z
    expires_at: 2026-11-15T12:00:00Z
    user_id: 10550
    user_name: Linus Torvalds
`

// offlineHost is a loopback address where nothing listens (the discard
// port): tests that render never reach any other machine.
const offlineHost = "http://127.0.0.1:9"

// fixtureService is a service over a hand-written file at a fixed clock, with
// BG_API_KEY set as given. No server answers: renders only.
func fixtureService(t *testing.T, content, envKey string) *accounts.Service {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if content != "" {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	} else {
		path = "/nonexistent-bloomy-test/config.yaml"
	}
	return offlineService(t, path, envKey)
}

// offlineService is a service over path at the fixed clock, with BG_API_KEY
// set as given, whose live checks go to offlineHost.
func offlineService(t *testing.T, path, envKey string) *accounts.Service {
	t.Helper()
	svc, err := accounts.New(accounts.Options{
		ConfigPath: path,
		BaseURL:    offlineHost, // live checks fail fast, on this machine
		Getenv: func(k string) string {
			if k == accounts.EnvAPIKey {
				return envKey
			}
			return ""
		},
		Now: func() time.Time { return fixedNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// liveService is a service on the fake server with a temp config.
func liveService(t *testing.T) (*accounts.Service, *bloomtest.Server, string) {
	t.Helper()
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	path := filepath.Join(t.TempDir(), ".bloomy", "config.yaml")
	svc, err := accounts.New(accounts.Options{ConfigPath: path, BaseURL: srv.URL(), Getenv: func(string) string { return "" }, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return svc, srv, path
}

func loginDirect(t *testing.T, svc *accounts.Service, name, user, pass string) *accounts.LoginResult {
	t.Helper()
	res, err := svc.Login(context.Background(), accounts.LoginRequest{Name: name, Username: user, Password: pass})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestGoldenScreens(t *testing.T) {
	sizes := []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"60x15", 60, 15}}
	for _, size := range sizes {
		t.Run("first run at "+size.name, func(t *testing.T) {
			d := newDriver(t, fixtureService(t, "", ""))
			d.resize(size.w, size.h)
			assertGolden(t, "first_run_"+size.name, d.view(), size.w)
		})
		t.Run("three accounts with the shadowing banner at "+size.name, func(t *testing.T) {
			d := newDriver(t, fixtureService(t, threeAccounts, "KEY-GLOBEX-000000000000002"))
			d.resize(size.w, size.h)
			view := d.view()
			for _, want := range []string{"acme", "expires in 2d", "expired", "shadows acme"} {
				if !strings.Contains(view, want) {
					t.Errorf("the view lacks %q", want)
				}
			}
			assertGolden(t, "accounts_"+size.name, view, size.w)
		})
		screens := []struct {
			golden string
			show   func(d *driver)
		}{
			{"login_empty", func(d *driver) { d.press("a") }},
			{"login_verifying", func(d *driver) {
				d.press("a")
				d.fillLoginForm("work", "ada@acme.example", "secret")
				d.m.Update(keyMsg("enter")) // not run: the form stays verifying
			}},
			{"login_error", func(d *driver) {
				d.press("a")
				d.fillLoginForm("work", "ada@acme.example", "secret")
				d.m.Update(keyMsg("enter"))
				d.send(loginFinishedMsg{id: d.m.login.submitID, err: &bloomyclient.GrantError{StatusCode: 400, Code: "invalid_grant", Description: "The user name or password is incorrect."}})
			}},
			{"remove_confirm", func(d *driver) { d.press("x") }},
			{"help", func(d *driver) { d.press("?") }},
		}
		for _, sc := range screens {
			t.Run(sc.golden+" at "+size.name, func(t *testing.T) {
				d := newDriver(t, fixtureService(t, threeAccounts, ""))
				d.resize(size.w, size.h)
				sc.show(d)
				assertGolden(t, sc.golden+"_"+size.name, d.view(), size.w)
			})
		}
	}
}

func TestNoRenderedLineIsWiderThanTheTerminal(t *testing.T) {
	d := newDriver(t, fixtureService(t, threeAccounts, "KEY-GLOBEX-000000000000002"))
	screens := [][]string{{}, {"a"}, {"esc", "x"}, {"esc", "r"}, {"esc", "?"}, {"esc", "d"}}
	for _, size := range [][2]int{{200, 50}, {100, 30}, {80, 24}, {60, 15}, {40, 10}} {
		d.resize(size[0], size[1])
		for _, keys := range screens {
			d.press(keys...)
			lines := strings.Split(d.view(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d after %v: %d lines", size[0], size[1], keys, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d after %v: line %d is %d wide", size[0], size[1], keys, i, w)
				}
			}
		}
		d.press("esc", "esc")
	}
}

func TestLoggingInThroughTheForm(t *testing.T) {
	svc, srv, path := liveService(t)
	d := newDriver(t, svc)
	if !strings.Contains(d.view(), "Welcome to bloomy") {
		t.Fatalf("no first-run screen:\n%s", d.view())
	}
	d.press("a")
	if d.m.current != screenLogin {
		t.Fatal("a did not open the login form")
	}
	d.typeText("work")
	d.press("tab")
	d.typeText("ada@acme.example")
	d.press("tab")
	d.send(tea.PasteMsg{Content: "lovelace"})
	d.press("enter")
	if d.m.current != screenAccounts {
		t.Fatalf("still on %v after a good login; form error %q", d.m.current, d.m.login.formErr)
	}
	st := svc.State()
	if st.Active != "work" || st.Find("work").UserName != "Ada Lovelace" {
		t.Fatalf("state after login: active %q", st.Active)
	}
	if !strings.Contains(d.m.status, "Added work") {
		t.Errorf("status = %q", d.m.status)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "lovelace") {
		t.Error("the password was written")
	}
	if d.m.login.inputs[fieldPassword].Value() != "" {
		t.Error("the form kept the password")
	}
	// A second login: the cursor lands on the new account.
	d.press("up") // away from the end of the list
	d.press("a")
	d.fillLoginForm("globex", "grace@globex.example", "hopper")
	d.press("enter")
	if sel := d.m.accounts.selected(); sel == nil || sel.Name != "globex" {
		t.Errorf("the cursor is on %v after adding globex", sel)
	}
	if n := len(srv.Requests()); n == 0 {
		t.Error("the fake server saw no requests")
	}
}

func TestAWrongPasswordKeepsTheFieldsButThePassword(t *testing.T) {
	svc, _, _ := liveService(t)
	d := newDriver(t, svc)
	d.press("a")
	d.fillLoginForm("work", "ada@acme.example", "wrong")
	d.press("enter")
	l := d.m.login
	if d.m.current != screenLogin || l.formErr != "The user name or password is incorrect." {
		t.Fatalf("screen %v, error %q", d.m.current, l.formErr)
	}
	if l.inputs[fieldName].Value() != "work" || l.inputs[fieldEmail].Value() != "ada@acme.example" || l.inputs[fieldPassword].Value() != "" {
		t.Errorf("fields = %q %q %q", l.inputs[fieldName].Value(), l.inputs[fieldEmail].Value(), l.inputs[fieldPassword].Value())
	}
	if l.focus != fieldPassword {
		t.Errorf("focus = %d, want the password", l.focus)
	}
}

func TestInlineValidation(t *testing.T) {
	svc, _, _ := liveService(t)
	loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	d := newDriver(t, svc)
	d.press("a")
	d.typeText("work") // taken
	d.press("tab")
	d.typeText("not-an-email")
	d.press("tab", "tab")
	d.typeText("ftp://x")
	d.press("enter")
	l := d.m.login
	if l.verifying {
		t.Fatal("an invalid form was sent")
	}
	for i, want := range map[int]string{fieldName: "exists already", fieldEmail: "email", fieldPassword: "password", fieldHost: "http"} {
		if !strings.Contains(l.errs[i], want) {
			t.Errorf("field %d error %q, want it to mention %q", i, l.errs[i], want)
		}
	}
}

func TestReloginPrefillsAllButThePassword(t *testing.T) {
	svc, _, _ := liveService(t)
	first := loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	loginDirect(t, svc, "globex", "grace@globex.example", "hopper")
	d := newDriver(t, svc)
	d.press("up") // the cursor starts on the active account (globex); work is above
	d.press("l")
	l := d.m.login
	if d.m.current != screenLogin || l.relogin != "work" {
		t.Fatalf("screen %v relogin %q", d.m.current, l.relogin)
	}
	if l.inputs[fieldName].Value() != "work" || l.inputs[fieldEmail].Value() != "ada@acme.example" || l.inputs[fieldPassword].Value() != "" || l.focus != fieldPassword {
		t.Fatalf("prefill = %q %q %q focus %d", l.inputs[fieldName].Value(), l.inputs[fieldEmail].Value(), l.inputs[fieldPassword].Value(), l.focus)
	}
	d.typeText("lovelace")
	d.press("enter")
	acc := svc.State().Find("work")
	if acc.APIKey == first.Account.APIKey {
		t.Error("the key was not replaced")
	}
	if svc.State().Active != "globex" {
		t.Error("a re-login switched the active account")
	}
}

func TestHomeActions(t *testing.T) {
	svc, srv, _ := liveService(t)
	loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	globex := loginDirect(t, svc, "globex", "grace@globex.example", "hopper")
	d := newDriver(t, svc)

	t.Run("enter uses the account under the cursor", func(t *testing.T) {
		d.press("up", "enter")
		if svc.State().Active != "work" {
			t.Fatalf("active = %q", svc.State().Active)
		}
	})
	t.Run("- goes back to the previous account", func(t *testing.T) {
		d.press("-")
		if svc.State().Active != "globex" {
			t.Fatalf("active = %q", svc.State().Active)
		}
	})
	t.Run("c checks the account under the cursor", func(t *testing.T) {
		d.press("c")
		rc := d.m.accounts.checks["work"]
		if rc == nil || rc.running || rc.result.Status != accounts.CheckValid {
			t.Fatalf("check = %+v", rc)
		}
		if !strings.Contains(d.view(), "✓ valid") {
			t.Error("the row does not show the result")
		}
	})
	t.Run("C checks every account and shows a rejected key", func(t *testing.T) {
		srv.RevokeKey(globex.Account.APIKey)
		d.press("C")
		if rc := d.m.accounts.checks["globex"]; rc == nil || rc.result.Status != accounts.CheckRejected {
			t.Fatalf("globex check = %+v", rc)
		}
		if !strings.Contains(d.view(), "✗ rejected") {
			t.Error("the row does not show the rejection")
		}
	})
	t.Run("a late check result for a replaced check is dropped", func(t *testing.T) {
		before := d.m.accounts.checks["work"]
		d.send(checkFinishedMsg{account: "work", gen: before.gen - 1, result: accounts.CheckResult{Status: accounts.CheckFailed}})
		if d.m.accounts.checks["work"].result.Status != accounts.CheckValid {
			t.Error("a stale result replaced the current one")
		}
		d.send(checkFinishedMsg{account: "gone", gen: 999, result: accounts.CheckResult{Status: accounts.CheckValid}})
		if _, ok := d.m.accounts.checks["gone"]; ok {
			t.Error("a result for an account not on screen was kept")
		}
	})
	t.Run("y copies the key and shows it masked", func(t *testing.T) {
		_, cmd := d.m.Update(keyMsg("y"))
		msgs := collect(cmd)
		var sawClipboard bool
		for _, m := range msgs {
			if sm, ok := m.(statusMsg); ok {
				if strings.Contains(sm.text, svc.State().Find("work").APIKey) || !strings.Contains(sm.text, bloomyclient.MaskKey(svc.State().Find("work").APIKey)) {
					t.Errorf("status %q", sm.text)
				}
			} else {
				sawClipboard = true // tea.SetClipboard's message
			}
		}
		if !sawClipboard {
			t.Error("no clipboard command")
		}
	})
	t.Run("r renames through a dialog", func(t *testing.T) {
		d.press("r")
		if d.m.dialog == nil || d.m.dialog.input == nil {
			t.Fatal("no rename dialog")
		}
		d.m.dialog.input.SetValue("")
		d.typeText("bad name")
		d.press("enter")
		if d.m.dialog == nil || d.m.dialog.err == "" {
			t.Fatal("an invalid name was accepted")
		}
		d.m.dialog.input.SetValue("")
		d.typeText("acme")
		d.press("enter")
		if d.m.dialog != nil || svc.State().Find("acme") == nil {
			t.Fatalf("rename did not happen; status %q", d.m.status)
		}
	})
	t.Run("x asks before removing, and n keeps the account", func(t *testing.T) {
		d.press("x")
		if d.m.dialog == nil {
			t.Fatal("no confirmation")
		}
		d.press("n")
		if len(svc.State().Accounts) != 2 {
			t.Fatal("removed without a yes")
		}
		d.press("x", "y")
		if len(svc.State().Accounts) != 1 {
			t.Fatalf("not removed; status %q", d.m.status)
		}
	})
	t.Run("q quits", func(t *testing.T) {
		_, cmd := d.m.Update(keyMsg("q"))
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Error("q did not quit")
		}
	})
}

func TestUnnamedKeyAndLostAccounts(t *testing.T) {
	svc, srv, path := liveService(t)
	loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	loginDirect(t, svc, "globex", "grace@globex.example", "hopper")
	sdkKey, _ := srv.IssueKey("linus@acme.example")
	// The SDK rewrites the file.
	if err := os.WriteFile(path, []byte("version: 1\napi_key: "+sdkKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, svc)
	if !strings.Contains(d.view(), "lost work, globex") {
		t.Fatalf("no lost-accounts banner:\n%s", d.view())
	}
	d.press("R")
	if n := len(svc.State().Accounts); n != 2 {
		t.Fatalf("%d accounts after restore", n)
	}
	if !strings.Contains(d.view(), "press i to import") {
		t.Fatalf("no unnamed-key banner:\n%s", d.view())
	}
	// Switching over the unnamed key asks first.
	d.press("g", "enter")
	if d.m.dialog == nil {
		t.Fatal("switching over an unnamed key did not ask")
	}
	d.press("n")
	d.press("i")
	if d.m.dialog == nil || d.m.dialog.input == nil {
		t.Fatal("no import dialog")
	}
	d.m.dialog.input.SetValue("")
	d.typeText("linus")
	d.press("enter")
	st := svc.State()
	if st.UnnamedKey != "" || st.Active != "linus" || st.Find("linus").UserName != "Linus Torvalds" {
		t.Fatalf("after import: unnamed %v, active %q; status %q", st.UnnamedKey != "", st.Active, d.m.status)
	}
}

func TestAFileThatDoesNotParseDisablesWrites(t *testing.T) {
	broken := "version: 1\naccounts:\n  work: [\n"
	svc := fixtureService(t, broken, "")
	d := newDriver(t, svc)
	view := d.view()
	if !strings.Contains(view, "does not parse") || !strings.Contains(view, "line") {
		t.Fatalf("no parse error shown:\n%s", view)
	}
	d.press("a")
	if d.m.current != screenAccounts || !d.m.statusErr {
		t.Errorf("add was allowed on a broken file (screen %v, status %q)", d.m.current, d.m.status)
	}
	d.press("d")
	if d.m.current != screenDiagnostics || !strings.Contains(d.view(), "✗ File parses") {
		t.Errorf("diagnostics do not show the parse error:\n%s", d.view())
	}
}

func TestAReadOnlyFileDisablesWrites(t *testing.T) {
	svc, _, path := liveService(t)
	loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, svc)
	if !strings.Contains(d.view(), "Read-only") {
		t.Fatalf("no read-only banner:\n%s", d.view())
	}
	d.press("x")
	if d.m.dialog != nil || !d.m.statusErr {
		t.Error("remove was offered on a read-only file")
	}
}

func TestALateLoginResultIsDropped(t *testing.T) {
	svc, srv, _ := liveService(t)
	srv.SetFault(bloomtest.RouteToken, bloomtest.Fault{Latency: 2 * time.Second})
	d := newDriver(t, svc)
	d.press("a")
	d.fillLoginForm("work", "ada@acme.example", "lovelace")
	_, cmd := d.m.Update(keyMsg("enter")) // not run yet: the answer comes "late"
	id := d.m.login.submitID
	d.press("esc") // cancel while verifying
	if d.m.login.verifying {
		t.Fatal("esc did not cancel")
	}
	d.send(loginFinishedMsg{id: id, result: &accounts.LoginResult{}})
	if d.m.current != screenLogin || !strings.Contains(d.m.login.formErr, "Cancelled") {
		t.Errorf("a cancelled login's result was acted on: screen %v", d.m.current)
	}
	// The request itself stops: run it now, after the cancel — nothing is saved.
	collect(cmd)
	if st := svc.State(); len(st.Accounts) != 0 {
		t.Errorf("a cancelled login saved %d accounts", len(st.Accounts))
	}
}

func TestEscGoesBackAndHelpToggles(t *testing.T) {
	d := newDriver(t, fixtureService(t, threeAccounts, ""))
	d.press("d")
	if d.m.current != screenDiagnostics {
		t.Fatal("d did not open diagnostics")
	}
	d.press("esc")
	if d.m.current != screenAccounts {
		t.Fatal("esc did not go back")
	}
	d.press("?")
	if !d.m.showHelp || !strings.Contains(d.view(), "check all") {
		t.Fatal("? did not show the full help")
	}
	d.press("?")
	if d.m.showHelp {
		t.Fatal("? did not close the help")
	}
	// The mouse wheel moves the cursor.
	before := d.m.accounts.cursor
	d.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if d.m.accounts.cursor == before && before < 2 {
		t.Error("the wheel did not move the cursor")
	}
}

func TestNoKeyPanics(t *testing.T) {
	t.Chdir(t.TempDir()) // s on diagnostics saves a report in the working directory
	svc, _, _ := liveService(t)
	loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	d := newDriver(t, svc)
	keys := []string{"up", "down", "tab", "shift+tab", "g", "G", "c", "C", "y", "-", "i", "R", "?", "?", "d", "f", "s", "esc", "r", "esc", "x", "n", "a", "ctrl+o", "esc", "u", "/", "esc", "esc", "p", "esc"}
	for _, k := range keys {
		d.press(k)
	}
	for r := rune(32); r < 127; r++ {
		if r == 'q' || r == 'x' || r == 'y' {
			continue
		}
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		d.press("esc")
	}
}

func TestAnOlderReadOfTheFileIsDropped(t *testing.T) {
	d := newDriver(t, fixtureService(t, threeAccounts, ""))
	if d.m.c.state == nil || len(d.m.c.state.Accounts) != 3 {
		t.Fatal("the file was not read at start")
	}
	d.send(stateLoadedMsg{state: &accounts.State{}, seq: d.m.shown - 1})
	if len(d.m.c.state.Accounts) != 3 {
		t.Error("a read older than the one shown replaced it")
	}
}

func TestLoggingInAgainFromUsersComesBackToUsers(t *testing.T) {
	svc, srv, _ := liveService(t)
	res := loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	srv.RevokeKey(res.Account.APIKey)
	d := newDriver(t, svc)
	d.press("u")
	if d.m.current != screenUsers || !strings.Contains(d.view(), "rejected") {
		t.Fatalf("no 401 state on users:\n%s", d.view())
	}
	d.press("l")
	if d.m.current != screenLogin {
		t.Fatal("l did not open the login form")
	}
	d.typeText("lovelace")
	d.press("enter")
	if d.m.current != screenUsers {
		t.Fatalf("after the re-login the screen is %v, want users", d.m.current)
	}
	if !strings.Contains(d.view(), "Ada Lovelace") {
		t.Errorf("the users list did not load with the new key:\n%s", d.view())
	}
}

func TestTheHomeScreenReloadsTheFile(t *testing.T) {
	svc, _, path := liveService(t)
	loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	d := newDriver(t, svc)
	if err := os.WriteFile(path, []byte("version: 1\naccounts: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d.press("ctrl+r")
	if len(d.m.c.state.Accounts) != 0 {
		t.Error("ctrl+r did not read the file again")
	}
}
