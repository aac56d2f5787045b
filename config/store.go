package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gofrs/flock"
)

// Store is the config file on disk. Reading needs no lock (writes are atomic renames);
// every change goes through Update, which holds the lock file Path+".lock" across
// read, change and write, so two bloomy processes never lose each other's changes.
type Store struct {
	// Path is the config file, usually from ResolvePath.
	Path string
}

// lockTimeout bounds how long Update waits for another process's lock.
var lockTimeout = 10 * time.Second

// Load reads and parses the config file. A missing file is an empty Config (Format
// FormatEmpty) and no error; a file that does not parse is a *ParseError with Path set.
// Load also removes temp files left by a writer that was killed, when it can take the
// lock without waiting.
func (s *Store) Load() (*Config, error) {
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{Format: FormatEmpty}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	s.cleanTempFilesIfUnlocked()
	cfg, err := Parse(data)
	if err != nil {
		return nil, withPath(err, s.Path)
	}
	return cfg, nil
}

// BackupPath is the file holding the previous good version of the config file.
func (s *Store) BackupPath() string { return s.Path + ".bak" }

// LockPath is the lock file that serialises writers.
func (s *Store) LockPath() string { return s.Path + ".lock" }

// LoadBackup reads and parses the backup file, Path+".bak". A missing backup is nil
// and no error.
func (s *Store) LoadBackup() (*Config, error) {
	data, err := os.ReadFile(s.BackupPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config backup: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, withPath(err, s.BackupPath())
	}
	return cfg, nil
}

// Lost returns the named accounts the backup holds and c lacks, when c has no
// `accounts` key: the file was rewritten by an SDK, which writes only version and
// api_key. It returns nil otherwise, and when there is no backup. The accounts keep
// their backup nodes, so appending them to c.Accounts restores their comments too.
func (s *Store) Lost(c *Config) ([]Account, error) {
	if c == nil || c.HasAccountsKey {
		return nil, nil
	}
	bak, err := s.LoadBackup()
	if err != nil || bak == nil {
		return nil, err
	}
	var lost []Account
	for _, a := range bak.Accounts {
		if c.Account(a.Name) == nil {
			lost = append(lost, a)
		}
	}
	return lost, nil
}

// ErrReadOnly is wrapped by Update's error when the config file or its directory is
// read-only (its owner write bit is clear): bloomy does not replace a file the user
// protected, even where it could (as root, or by renaming over it).
var ErrReadOnly = errors.New("read-only")

// Update changes the config file: it takes the lock, reads and parses the file, calls
// fn, and writes the result atomically with mode 0600, creating the directory (0700)
// when missing. It returns the saved config, parsed from the bytes written.
//
// Nothing is written when the file does not parse (the *ParseError is returned with
// Path set), when fn returns an error (returned as it is), or when the file or its
// directory is read-only (an error wrapping ErrReadOnly). Other errors start with
// "save <path>:". After the write, Path+".bak" (0600) gets the same content: the
// backup is always the newest good file bloomy wrote, so when an SDK replaces the
// whole file every account is still in the backup. The one exception keeps those
// accounts recoverable: when the file being replaced has no `accounts` key (an SDK
// rewrote it) and the backup holds accounts the new content lacks, the backup stays.
func (s *Store) Update(fn func(*Config) error) (*Config, error) {
	if s.Path == "" {
		return nil, errors.New("save config: no path")
	}
	fail := func(err error) error { return fmt.Errorf("save %s: %w", s.Path, err) }
	dir := filepath.Dir(s.Path)
	if err := ensureDir(dir); err != nil {
		return nil, fail(err)
	}
	if err := checkWritable(dir); err != nil {
		return nil, fail(err)
	}
	unlock, err := lockFile(s.LockPath())
	if err != nil {
		return nil, fail(err)
	}
	defer unlock()
	target, err := writeTarget(s.Path)
	if err != nil {
		return nil, fail(err)
	}
	s.cleanTempFiles()

	old, err := os.ReadFile(s.Path)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fail(err)
	}
	cfg, err := Parse(old)
	if err != nil {
		return nil, withPath(err, s.Path)
	}
	if existed {
		if err := checkWritable(target); err != nil {
			return nil, fail(err)
		}
		if err := checkWritable(filepath.Dir(target)); err != nil {
			return nil, fail(err)
		}
	}
	oldHasAccounts := cfg.HasAccountsKey
	if err := fn(cfg); err != nil {
		return nil, err
	}
	data, err := cfg.Marshal()
	if err != nil {
		return nil, fail(err)
	}
	saved, err := Parse(data)
	if err != nil {
		// Never expected: refuse to write a file bloomy could not read back.
		return nil, fail(fmt.Errorf("the new content does not read back (%v); nothing was written", err))
	}
	if err := writeAtomic(target, s.tempPrefix(), data); err != nil {
		return nil, fail(err)
	}
	if err := s.backup(data, saved, existed && !oldHasAccounts); err != nil {
		return nil, fail(err)
	}
	return saved, nil
}

// checkWritable refuses to replace a read-only file or to write into a read-only
// directory. A path that cannot be inspected is left to the write to report.
func checkWritable(path string) error {
	fi, err := os.Stat(path)
	if err != nil || !readOnly(fi) {
		return nil
	}
	what := "the file"
	if fi.IsDir() {
		what = "directory " + path
	}
	return fmt.Errorf("%s is %w (mode %#o)", what, ErrReadOnly, fi.Mode().Perm())
}

// backup copies the content just saved to the backup path, except when the file
// that was replaced is an SDK rewrite (sdkRewrite) and the backup holds accounts
// that saved lacks: see Update.
func (s *Store) backup(data []byte, saved *Config, sdkRewrite bool) error {
	bakPath := s.BackupPath()
	if sdkRewrite {
		if bak, err := s.LoadBackup(); err == nil && bak != nil {
			for _, a := range bak.Accounts {
				if saved.Account(a.Name) == nil {
					return nil
				}
			}
		}
	}
	if existing, err := os.ReadFile(bakPath); err == nil && bytes.Equal(existing, data) {
		return nil
	}
	if err := writeAtomic(bakPath, s.tempPrefix(), data); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	return nil
}

// withPath sets the file path on a *ParseError.
func withPath(err error, path string) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		cp := *pe
		cp.Path = path
		return &cp
	}
	return fmt.Errorf("%s: %w", path, err)
}

// lockFile takes the exclusive lock on path, waiting up to lockTimeout, and returns
// the function that releases it. The lock file is created 0600 when missing.
func lockFile(path string) (func(), error) {
	fl := flock.New(path, flock.SetPermissions(0o600))
	deadline := time.Now().Add(lockTimeout)
	delay := time.Millisecond
	for {
		ok, err := fl.TryLock()
		if err != nil {
			return nil, fmt.Errorf("take the lock: %w", err)
		}
		if ok {
			return func() { _ = fl.Unlock() }, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the lock %s is held by another process (waited %s)", path, lockTimeout)
		}
		time.Sleep(delay)
		delay = min(2*delay, 50*time.Millisecond)
	}
}

// ensureDir creates dir with mode 0700 (whatever the umask) when it is missing.
func ensureDir(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// writeTarget is the file a save replaces: path itself, or the file a symlink at path
// points to (so a config file linked from elsewhere stays a link).
func writeTarget(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	return filepath.EvalSymlinks(path)
}

// tempPrefix starts the names of the temp files the store writes before renaming
// them into place: .config.yaml.tmp-*.
func (s *Store) tempPrefix() string {
	return "." + filepath.Base(s.Path) + ".tmp-"
}

// cleanTempFiles removes temp files a killed writer left behind. Only writers holding
// the lock create them, so the caller must hold it too. Errors are ignored: a leftover
// temp file is untidy, not harmful.
func (s *Store) cleanTempFiles() {
	dir := filepath.Dir(s.Path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := s.tempPrefix()
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// cleanTempFilesIfUnlocked removes leftover temp files when there are some and the
// lock is free right now; it never waits and never creates a lock file for nothing.
func (s *Store) cleanTempFilesIfUnlocked() {
	entries, err := os.ReadDir(filepath.Dir(s.Path))
	if err != nil {
		return
	}
	prefix := s.tempPrefix()
	if !slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return strings.HasPrefix(e.Name(), prefix) }) {
		return
	}
	fl := flock.New(s.LockPath(), flock.SetPermissions(0o600))
	if ok, err := fl.TryLock(); err != nil || !ok {
		return
	}
	defer func() { _ = fl.Unlock() }()
	s.cleanTempFiles()
}

// writeAtomic replaces path with data: a temp file in the same directory, mode 0600
// set explicitly (neither the umask nor the old file's mode matters), written, synced,
// closed and renamed over path, then the directory synced. The temp file is removed
// on any failure, so a reader sees the old file or the new one, never a mix.
func writeAtomic(path, prefix string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory, and some
// file systems refuse to; neither is an error.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
