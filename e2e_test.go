package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"bloomy/bloomyclient/bloomtest"

	yaml11 "go.yaml.in/yaml/v2"
)

// These tests run the real binary in tmux, send keys and read the screen,
// as a person at a 100×30 terminal would. CI installs tmux; elsewhere they
// skip without it.

// buildBinary compiles bloomy once per test into its temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bloomy")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// terminal is one tmux session running the binary on a private socket.
type terminal struct {
	t      *testing.T
	socket string
}

func startTerminal(t *testing.T, env []string, bin string, args ...string) *terminal {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("tmux tests need a Unix terminal")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is missing on CI; .ci/run should have installed it")
		}
		t.Skip("tmux is not installed")
	}
	term := &terminal{t: t, socket: fmt.Sprintf("bloomy-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	cmdline := append([]string{"env"}, env...)
	cmdline = append(cmdline, bin)
	cmdline = append(cmdline, args...)
	// The pane stays after the program ends, showing how it ended.
	shell := strings.Join(quoteAll(cmdline), " ") + `; echo "[bloomy exited with $?]"; sleep 600`
	term.tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", shell)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	return term
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return out
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends named keys (Enter, Escape, Tab, a, …), pausing after each so
// that Escape is not read together with the next key as alt+key.
func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		term.tmux("send-keys", "-t", "e2e", k)
		time.Sleep(60 * time.Millisecond)
	}
}

// typeText types literal text.
func (term *terminal) typeText(s string) {
	term.t.Helper()
	term.tmux("send-keys", "-t", "e2e", "-l", s)
	time.Sleep(60 * time.Millisecond)
}

func (term *terminal) screen() string {
	return term.tmux("capture-pane", "-p", "-t", "e2e")
}

// waitFor waits until every text shows on the screen, and returns it.
func (term *terminal) waitFor(texts ...string) string {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := term.screen()
		missing := ""
		for _, s := range texts {
			if !strings.Contains(screen, s) {
				missing = s
				break
			}
		}
		if missing == "" {
			return screen
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen never showed %q:\n%s", missing, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitGone waits until text is no longer on the screen.
func (term *terminal) waitGone(text string) string {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := term.screen()
		if !strings.Contains(screen, text) {
			return screen
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen still shows %q:\n%s", text, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// e2eEnv is the environment of the binary: a temp HOME, the fake server.
func e2eEnv(home, serverURL string) []string {
	return []string{
		"HOME=" + home,
		"BLOOMY_BASE_URL=" + serverURL,
		"BLOOMY_CONFIG=",
		"BG_API_KEY=",
		"BLOOMY_ACCOUNT=",
		"TERM=xterm-256color",
	}
}

// readConfig returns the top-level api_key as a YAML 1.1 reader sees it, and
// the active account's key.
func readConfig(t *testing.T, path string) (sdkKey any, activeKey string, m map[string]any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml11.Unmarshal(data, &m); err != nil {
		t.Fatalf("a YAML 1.1 reader cannot read the file: %v", err)
	}
	if active, ok := m["active"].(string); ok {
		accs, _ := m["accounts"].(map[any]any)
		acc, _ := accs[active].(map[any]any)
		activeKey, _ = acc["api_key"].(string)
	}
	return m["api_key"], activeKey, m
}

func TestEndToEndAccounts(t *testing.T) {
	bin := buildBinary(t)
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	home := t.TempDir()
	path := filepath.Join(home, ".bloomy", "config.yaml")
	term := startTerminal(t, e2eEnv(home, srv.URL()), bin)

	// First run: the welcome screen leads to the login form.
	term.waitFor("Welcome to bloomy", "to log in")
	term.keys("a")
	term.waitFor("Add an account", "Account name", "Password")

	// Log in through the form.
	term.typeText("work")
	term.keys("Tab")
	term.typeText("ada@acme.example")
	term.keys("Tab")
	term.typeText("lovelace")
	term.keys("Enter")
	screen := term.waitFor("Added work (Ada Lovelace)", "● work")
	if strings.Contains(screen, "lovelace") {
		t.Error("the password is on the screen")
	}

	// A second account.
	term.keys("a")
	term.waitFor("Add an account")
	term.typeText("globex")
	term.keys("Tab")
	term.typeText("grace@globex.example")
	term.keys("Tab")
	term.typeText("hopper")
	term.keys("Enter")
	term.waitFor("Added globex (Grace Hopper)", "● globex", "work")

	// Switch back to work: the cursor is on globex, work is above.
	term.keys("Up", "Enter")
	term.waitFor("Now using work", "● work")
	if sdk, active, _ := readConfig(t, path); sdk != active || active == "" {
		t.Fatalf("after switching, api_key is not the active account's key")
	}

	// Rename work to acme.
	term.keys("r")
	term.waitFor("Rename work", "New name")
	term.keys("C-u") // clear the field
	term.typeText("acme")
	term.keys("Enter")
	term.waitFor("Renamed work to acme", "● acme")

	// Remove globex, with confirmation.
	term.keys("Down", "x")
	term.waitFor("Remove globex?")
	term.keys("y")
	screen = term.waitFor("Removed globex")
	if strings.Contains(strings.SplitN(screen, "Removed", 2)[0], "globex ") {
		t.Errorf("globex is still listed:\n%s", screen)
	}

	term.keys("q")
	term.waitGone("bloomy · Accounts")

	sdk, active, m := readConfig(t, path)
	if sdk != active || active == "" || m["active"] != "acme" {
		t.Errorf("at the end: active %v, api_key is the active key: %v", m["active"], sdk == active)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v (%v), want 0600", info.Mode().Perm(), err)
	}
}

func TestEndToEndDiagnosticsAndUsers(t *testing.T) {
	bin := buildBinary(t)
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	srv.AddLogin(bloomtest.Login{Username: "boss@big.example", Password: "bigpw", Organization: "Big Industries"}, 5000)
	home := t.TempDir()
	path := filepath.Join(home, ".bloomy", "config.yaml")
	env := e2eEnv(home, srv.URL())

	// Two accounts, logged in with the subcommand.
	for _, l := range [][3]string{{"big", "boss@big.example", "bigpw"}, {"globex", "grace@globex.example", "hopper"}} {
		cmd := exec.Command(bin, "login", "--name", l[0], "--username", l[1], "--password-stdin")
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = strings.NewReader(l[2] + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("login %s: %v\n%s", l[0], err, out)
		}
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}

	term := startTerminal(t, env, bin)
	term.waitFor("● globex", "big")

	// Diagnostics: the 0644 file is a ✗ with a fix; f fixes it.
	term.keys("d")
	screen := term.waitFor("File permissions", "0644", "Key accepted")
	if !strings.Contains(screen, "✗ File permissions") {
		t.Fatalf("no ✗ on the 0644 file:\n%s", screen)
	}
	for i := 0; !strings.Contains(term.screen(), "f set the file to 0600"); i++ {
		if i == 10 {
			t.Fatalf("no line offers the permission fix:\n%s", term.screen())
		}
		term.keys("Down")
	}
	term.keys("f")
	term.waitFor("Fixed: set", "✓ File permissions")
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("mode on disk after the fix = %o", info.Mode().Perm())
	}

	// Users of the 5,000-user organisation: filter down to one person.
	term.keys("Escape")
	term.waitFor("● globex")
	term.keys("Up") // big is above globex
	term.keys("u")
	term.waitFor("big", "users", "fetched") // loaded: keys now go to the list
	people := srv.Users("boss@big.example", false)
	target := people[len(people)/2]
	term.keys("/")
	term.typeText(target.Email)
	term.keys("Enter")
	term.waitFor("1 of ", target.Name)
	term.keys("Enter") // the detail pane
	term.waitFor(target.Email, "Direct reports")

	// Switch account in place: a different list.
	term.keys("Escape") // closes the pane
	term.waitGone("Direct reports")
	term.keys("]")
	term.waitFor("globex", "fetched")
	term.keys("/")
	term.keys("C-u")
	term.typeText("hopper")
	term.keys("Enter")
	screen = term.waitFor("Grace Hopper")
	if strings.Contains(screen, target.Email) {
		t.Errorf("the other account's list still shows %s:\n%s", target.Email, screen)
	}
	term.keys("q")
	term.waitGone("bloomy · Users")
}

func TestEndToEndDemoLeavesTheRealConfigAlone(t *testing.T) {
	bin := buildBinary(t)
	home := t.TempDir()
	real := filepath.Join(home, ".bloomy", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	const content = "# my real config\nversion: 1\napi_key: REAL-KEY-DO-NOT-TOUCH\n"
	if err := os.WriteFile(real, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + home, "BLOOMY_CONFIG=" + real, "BG_API_KEY=REAL-ENV-KEY", "TERM=xterm-256color"}
	term := startTerminal(t, env, bin, "--demo")

	// The seeded demo: three accounts, one active, one soon, one expired.
	term.waitFor("demo", "● acme", "expires in", "expired")
	// BG_API_KEY of the real environment does not leak into the demo.
	if strings.Contains(term.screen(), "shadows") {
		t.Error("the demo reports the real BG_API_KEY")
	}
	// Every screen has something to show within a few keys.
	term.keys("C")
	term.waitFor("✓ valid", "✗ rejected")
	term.keys("a")
	term.waitFor("Demo logins", "grace@globex.example")
	term.keys("C-o", "Enter")
	term.waitFor("Added")
	term.keys("d")
	term.waitFor("demo (throw-away)", "Key accepted", "ignored in demo mode")
	term.keys("Escape")
	time.Sleep(100 * time.Millisecond)
	term.keys("u")
	term.waitFor("fetched")
	term.keys("q")
	term.waitGone("bloomy · ")

	got, err := os.ReadFile(real)
	if err != nil || string(got) != content {
		t.Fatalf("the real config changed: %q (%v)", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(real))
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the demo wrote beside the real config: %v", names)
	}
}
