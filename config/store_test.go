package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// newStore returns a Store for config.yaml in a fresh temp directory.
func newStore(t testing.TB) *Store {
	t.Helper()
	return &Store{Path: filepath.Join(t.TempDir(), "config.yaml")}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// addAccount is an Update function adding an account.
func addAccount(name, key string) func(*Config) error {
	return func(c *Config) error {
		c.Accounts = append(c.Accounts, Account{Name: name, APIKey: key})
		return nil
	}
}

// tempFiles lists the store's temp files left in its directory.
func tempFiles(t testing.TB, s *Store) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(s.Path))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), s.tempPrefix()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name       string
		content    *string
		wantFormat Format
		wantErr    string
	}{
		{"a missing file is an empty config", nil, FormatEmpty, ""},
		{"an empty file is an empty config", ptr(""), FormatEmpty, ""},
		{"the Python SDK's file loads", ptr("version: 1\napi_key: K\n"), FormatPython, ""},
		{"the Ruby gem's file loads", ptr("---\n:version: 1\n:api_key: K\n"), FormatRuby, ""},
		{"a file that does not parse gives its path and line", ptr("version: 1\napi_key: [x\n"), "", "config.yaml:2: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			if tt.content != nil {
				writeFile(t, s.Path, *tt.content)
			}
			c, err := s.Load()
			if tt.wantErr != "" {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Path != s.Path || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load error = %v, want a *ParseError with the path and %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != tt.wantFormat {
				t.Errorf("Format = %q, want %q", c.Format, tt.wantFormat)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestLoadBackupOfNoBackupIsNil(t *testing.T) {
	s := newStore(t)
	c, err := s.LoadBackup()
	if c != nil || err != nil {
		t.Errorf("LoadBackup = %v, %v; want nil, nil", c, err)
	}
}

func TestUpdateCreatesTheFileAndItsDirectory(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "home", ".bloomy", "config.yaml")}
	saved, err := s.Update(addAccount("work", "K"))
	if err != nil {
		t.Fatal(err)
	}
	if saved.Account("work") == nil || !saved.HasAccountsKey || saved.Format != FormatBloomy {
		t.Errorf("Update returned %+v, want the saved config", plain(saved))
	}
	if got, want := readFile(t, s.Path), "version: 1\naccounts:\n  work:\n    api_key: K\n"; got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if got := readFile(t, s.BackupPath()); got != readFile(t, s.Path) {
		t.Errorf("the backup after the first save is not the saved file:\n%s", got)
	}
	if runtime.GOOS != "windows" {
		assertMode(t, s.Path, 0o600)
		assertMode(t, filepath.Dir(s.Path), 0o700)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %#o, want %#o", path, got, want)
	}
}

func TestUpdateNeverWritesAFileThatDoesNotParse(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		wantLine int
	}{
		{"a YAML syntax error", "version: 1\naccounts:\n  work: {api_key: " + secret + "\n", 3},
		{"a duplicated account", "accounts:\n  w: {api_key: " + secret + "}\n  w: {api_key: B}\n", 3},
		{"a key of the wrong type", "version: 1\napi_key: [" + secret + "]\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is left byte for byte", func(t *testing.T) {
			s := newStore(t)
			writeFile(t, s.Path, tt.content)
			called := false
			_, err := s.Update(func(c *Config) error { called = true; return nil })
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Update error = %v, want a *ParseError", err)
			}
			if pe.Path != s.Path || pe.Line != tt.wantLine {
				t.Errorf("error %q: path %q line %d, want %q line %d", err, pe.Path, pe.Line, s.Path, tt.wantLine)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error %q quotes the key", err)
			}
			if called {
				t.Error("the change function was called on a file that does not parse")
			}
			if got := readFile(t, s.Path); got != tt.content {
				t.Errorf("the file changed:\n%s", got)
			}
			if _, err := os.Stat(s.BackupPath()); !os.IsNotExist(err) {
				t.Errorf("a backup was written (%v)", err)
			}
			if tmp := tempFiles(t, s); len(tmp) > 0 {
				t.Errorf("temp files left: %v", tmp)
			}
		})
	}
}

func TestUpdateWritesNothingWhenTheChangeFails(t *testing.T) {
	s := newStore(t)
	writeFile(t, s.Path, bloomyFile)
	errNo := errors.New("name taken")
	_, err := s.Update(func(c *Config) error {
		c.Accounts = nil
		return errNo
	})
	if !errors.Is(err, errNo) {
		t.Fatalf("Update error = %v, want the change function's error", err)
	}
	if got := readFile(t, s.Path); got != bloomyFile {
		t.Errorf("the file changed:\n%s", got)
	}
	if _, err := os.Stat(s.BackupPath()); !os.IsNotExist(err) {
		t.Errorf("a backup was written (%v)", err)
	}
}

// The backup is the newest good file bloomy wrote, so that when an SDK replaces
// the whole file every account can still be restored from it.
func TestUpdateKeepsTheNewestGoodFileAsTheBackup(t *testing.T) {
	const (
		saved        = "<the saved file>"
		sdkFile      = "version: 1\napi_key: SDK-KEY\n"
		noAccounts   = "version: 1\naccounts: {}\n"
		withAccounts = "version: 1\naccounts:\n  old:\n    api_key: OLD\n"
	)
	tests := []struct {
		name    string
		file    string
		bak     string // "" for no backup
		change  func(*Config) error
		wantBak string
	}{
		{"the saved file goes to the backup", bloomyFile, "", addAccount("new", "N"), saved},
		{"the saved file replaces an older backup", bloomyFile, withAccounts, addAccount("new", "N"), saved},
		{"an SDK-rewritten file keeps a backup that holds accounts", sdkFile, withAccounts, addAccount("new", "N"), withAccounts},
		{"an SDK-rewritten file keeps it until those accounts are restored", sdkFile, withAccounts, addAccount("old", "OLD"), saved},
		{"an SDK-rewritten file replaces a backup without accounts", sdkFile, noAccounts, addAccount("new", "N"), saved},
		{"an SDK-rewritten file replaces a backup that does not parse", sdkFile, "a: [", addAccount("new", "N"), saved},
		{"a save that changes nothing refreshes the backup", bloomyFile, withAccounts, func(*Config) error { return nil }, saved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			writeFile(t, s.Path, tt.file)
			if tt.bak != "" {
				writeFile(t, s.BackupPath(), tt.bak)
			}
			if _, err := s.Update(tt.change); err != nil {
				t.Fatal(err)
			}
			want := tt.wantBak
			if want == saved {
				want = readFile(t, s.Path)
			}
			if got := readFile(t, s.BackupPath()); got != want {
				t.Errorf("backup:\n%s\nwant:\n%s", got, want)
			}
			if runtime.GOOS != "windows" {
				assertMode(t, s.BackupPath(), 0o600)
			}
		})
	}
}

func TestLostFindsAccountsAnSDKRewriteDropped(t *testing.T) {
	s := newStore(t)
	for _, name := range []string{"work", "personal"} {
		if _, err := s.Update(addAccount(name, strings.ToUpper(name)+"-KEY")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Update(func(c *Config) error { c.Active, c.APIKey = "work", "WORK-KEY"; return nil }); err != nil {
		t.Fatal(err)
	}

	// The Python SDK's configure_api_key(..., store_key=True) rewrites the whole file.
	writeFile(t, s.Path, "version: 1\napi_key: SDK-KEY\n")
	c, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	lost, err := s.Lost(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(lost); got != "work,personal" {
		t.Fatalf("Lost = %q, want work,personal", got)
	}

	// The accounts layer restores them and keeps the SDK's key as the unnamed key.
	restored, err := s.Update(func(c *Config) error {
		lost, err := s.Lost(c)
		c.Accounts = append(c.Accounts, lost...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(restored.Accounts); got != "work,personal" || restored.UnnamedKey() != "SDK-KEY" {
		t.Errorf("after the restore: accounts %q, unnamed key %q", got, restored.UnnamedKey())
	}
	if lost, _ := s.Lost(restored); lost != nil {
		t.Errorf("Lost after the restore = %q, want nil", names(lost))
	}
	bak, err := s.LoadBackup()
	if err != nil || bak == nil || names(bak.Accounts) != "work,personal" {
		t.Fatalf("the backup lost the accounts during the restore: %v, %v", bak, err)
	}

	// A later save backs up the restored file; a second SDK rewrite is caught again.
	if _, err := s.Update(addAccount("third", "T")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, s.Path, "version: 1\napi_key: SDK-KEY-2\n")
	c, err = s.Load()
	if err != nil {
		t.Fatal(err)
	}
	lost, err = s.Lost(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(lost); got != "work,personal,third" {
		t.Errorf("Lost after a second rewrite = %q, want work,personal,third", got)
	}
}

func TestLostIsNilForAFileWithAccounts(t *testing.T) {
	s := newStore(t)
	writeFile(t, s.BackupPath(), bloomyFile)
	for _, in := range []string{"accounts: {}\n", "accounts:\n  other: {api_key: X}\n"} {
		lost, err := s.Lost(mustParse(t, in))
		if lost != nil || err != nil {
			t.Errorf("Lost(%q) = %q, %v; want nil", in, names(lost), err)
		}
	}
}

func names(accounts []Account) string {
	var n []string
	for _, a := range accounts {
		n = append(n, a.Name)
	}
	return strings.Join(n, ",")
}

func TestUpdateRefusesReadOnlyPlaces(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *Store)
		wantPath func(s *Store) string
		readOnly bool
	}{
		{
			name: "a read-only file",
			setup: func(t *testing.T, s *Store) {
				mkdir(t, filepath.Dir(s.Path))
				writeFile(t, s.Path, bloomyFile)
				chmod(t, s.Path, 0o444)
			},
			wantPath: func(s *Store) string { return s.Path },
			readOnly: true,
		},
		{
			name: "a read-only directory",
			setup: func(t *testing.T, s *Store) {
				mkdir(t, filepath.Dir(s.Path))
				writeFile(t, s.Path, bloomyFile)
				chmod(t, filepath.Dir(s.Path), 0o555)
			},
			wantPath: func(s *Store) string { return filepath.Dir(s.Path) },
			readOnly: true,
		},
		{
			name: "a directory that is a regular file",
			setup: func(t *testing.T, s *Store) {
				dir := filepath.Dir(s.Path)
				mkdir(t, filepath.Dir(dir))
				writeFile(t, dir, "not a directory")
			},
			wantPath: func(s *Store) string { return filepath.Dir(s.Path) },
		},
		{
			name: "a parent directory that is a regular file",
			setup: func(t *testing.T, s *Store) {
				parent := filepath.Dir(filepath.Dir(s.Path))
				writeFile(t, parent, "not a directory")
			},
			wantPath: func(s *Store) string { return filepath.Dir(filepath.Dir(s.Path)) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+" gives an error naming the path", func(t *testing.T) {
			if tt.name == "a read-only directory" && runtime.GOOS == "windows" {
				t.Skip("Windows has no read-only directories")
			}
			s := &Store{Path: filepath.Join(t.TempDir(), "parent", "dir", "config.yaml")}
			tt.setup(t, s)
			_, err := s.Update(addAccount("new", secret))
			if err == nil {
				t.Fatal("Update succeeded")
			}
			if !strings.Contains(err.Error(), tt.wantPath(s)) || !strings.Contains(err.Error(), s.Path) {
				t.Errorf("error %q does not name %s and %s", err, tt.wantPath(s), s.Path)
			}
			if tt.readOnly && !errors.Is(err, ErrReadOnly) {
				t.Errorf("error %q does not wrap ErrReadOnly", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q contains the key", err)
			}
			if tt.readOnly {
				if got := readFile(t, s.Path); got != bloomyFile {
					t.Errorf("the file changed:\n%s", got)
				}
				if _, err := s.Load(); err != nil {
					t.Errorf("reading a read-only config fails: %v", err)
				}
			}
		})
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(path, 0o700) })
}

func TestUpdateGivesUpOnAHeldLockNamingIt(t *testing.T) {
	s := newStore(t)
	held := flock.New(s.LockPath())
	if err := held.Lock(); err != nil {
		t.Fatal(err)
	}
	defer held.Unlock()
	old := lockTimeout
	lockTimeout = 200 * time.Millisecond
	defer func() { lockTimeout = old }()

	start := time.Now()
	_, err := s.Update(addAccount("w", "K"))
	if err == nil || !strings.Contains(err.Error(), s.LockPath()) {
		t.Fatalf("Update error = %v, want one naming %s", err, s.LockPath())
	}
	if d := time.Since(start); d < lockTimeout || d > 5*time.Second {
		t.Errorf("Update gave up after %s, want about %s", d, lockTimeout)
	}
	if _, err := os.Stat(s.Path); !os.IsNotExist(err) {
		t.Errorf("the file was written without the lock (%v)", err)
	}
}

func TestUpdatesFromGoroutinesAllLand(t *testing.T) {
	s := newStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := s.Update(addAccount(fmt.Sprintf("g%d-%d", g, i), "K")); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	c, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Accounts) != 40 {
		t.Errorf("%d accounts saved, want 40", len(c.Accounts))
	}
}

// Environment of the helper processes that the tests below start by running the
// test binary again.
const (
	envHelper     = "BLOOMY_CONFIG_TEST_HELPER"
	envHelperPath = "BLOOMY_CONFIG_TEST_PATH"
	envHelperID   = "BLOOMY_CONFIG_TEST_ID"
)

// TestHelperProcess is not a test: it is the body of the helper processes, selected
// by envHelper.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(envHelper)
	if mode == "" {
		return
	}
	s := &Store{Path: os.Getenv(envHelperPath)}
	id := os.Getenv(envHelperID)
	switch mode {
	case "add":
		for i := 0; i < 25; i++ {
			if _, err := s.Update(addAccount(fmt.Sprintf("p%s-%02d", id, i), "KEY-"+id)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	case "loop":
		for i := 1; ; i++ {
			if _, err := s.Update(func(c *Config) error { setGeneration(c, i); return nil }); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
	os.Exit(0)
}

// helper starts the test binary as a helper process.
func helper(t *testing.T, mode, path, id string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), envHelper+"="+mode, envHelperPath+"="+path, envHelperID+"="+id)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

func TestUpdatesFromTwoProcessesAllLand(t *testing.T) {
	s := newStore(t)
	a, b := helper(t, "add", s.Path, "a"), helper(t, "add", s.Path, "b")
	for _, cmd := range []*exec.Cmd{a, b} {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	c, err := s.Load()
	if err != nil {
		t.Fatalf("the file does not parse after concurrent saves: %v", err)
	}
	if len(c.Accounts) != 50 {
		t.Fatalf("%d accounts saved, want 50", len(c.Accounts))
	}
	for _, id := range []string{"a", "b"} {
		for i := 0; i < 25; i++ {
			if c.Account(fmt.Sprintf("p%s-%02d", id, i)) == nil {
				t.Errorf("account p%s-%02d was lost", id, i)
			}
		}
	}
}

// setGeneration makes c the i-th version written by the "loop" helper: big enough that
// a kill often lands in the middle of a write, and recognisable from its content.
func setGeneration(c *Config, i int) {
	c.Accounts = c.Accounts[:0]
	for j := 0; j < 300; j++ {
		c.Accounts = append(c.Accounts, Account{
			Name: fmt.Sprintf("acct-%03d", j), Username: fmt.Sprintf("user%d@example.com", j),
			APIKey: fmt.Sprintf("KEY-%d-%d", i, j), UserID: int64(i), UserName: "Generation " + strconv.Itoa(i),
		})
	}
	c.Active, c.APIKey = "acct-000", fmt.Sprintf("KEY-%d-0", i)
}

// generationBytes is what the loop helper writes for generation i.
func generationBytes(t *testing.T, i int) string {
	t.Helper()
	c := &Config{}
	setGeneration(c, i)
	return mustMarshal(t, c)
}

// checkGeneration checks that data is exactly one of the versions the loop helper
// writes, and returns its generation.
func checkGeneration(t *testing.T, what string, data []byte) int {
	t.Helper()
	c, err := Parse(data)
	if err != nil {
		t.Fatalf("%s does not parse after a kill: %v", what, err)
	}
	if len(c.Accounts) == 0 {
		t.Fatalf("%s has no accounts after a kill:\n%s", what, data)
	}
	gen := int(c.Accounts[0].UserID)
	if want := generationBytes(t, gen); !bytes.Equal(data, []byte(want)) {
		t.Fatalf("%s is a mix, not generation %d", what, gen)
	}
	return gen
}

func TestStaleTempFilesAreRemovedUnderTheLock(t *testing.T) {
	s := newStore(t)
	writeFile(t, s.Path, bloomyFile)
	stale := filepath.Join(filepath.Dir(s.Path), s.tempPrefix()+"123456")
	other := filepath.Join(filepath.Dir(s.Path), ".other.yaml.tmp-1")
	writeFile(t, other, "not ours")

	held := flock.New(s.LockPath())
	if err := held.Lock(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, stale, "version: 1\naccounts:\n  wo")
	if _, err := s.Load(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err != nil {
		t.Errorf("Load removed a temp file while another process held the lock: %v", err)
	}
	if err := held.Unlock(); err != nil {
		t.Fatal(err)
	}

	t.Run("Load removes a stale temp file when the lock is free", func(t *testing.T) {
		if _, err := s.Load(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(stale); !os.IsNotExist(err) {
			t.Errorf("the temp file is still there (%v)", err)
		}
	})
	t.Run("Update removes a stale temp file", func(t *testing.T) {
		writeFile(t, stale, "half")
		if _, err := s.Update(addAccount("new", "N")); err != nil {
			t.Fatal(err)
		}
		if tmp := tempFiles(t, s); len(tmp) > 0 {
			t.Errorf("temp files left: %v", tmp)
		}
	})
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a temp file of another file was removed: %v", err)
	}
}
