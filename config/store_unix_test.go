//go:build unix

package config

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestNewFilesArePrivateWhateverTheUmask(t *testing.T) {
	for _, mask := range []int{0o000, 0o022, 0o077} {
		t.Run(fmt.Sprintf("under umask %03o the file is 0600 and a new directory 0700", mask), func(t *testing.T) {
			old := syscall.Umask(mask)
			defer syscall.Umask(old)
			s := &Store{Path: filepath.Join(t.TempDir(), ".bloomy", "config.yaml")}
			for _, name := range []string{"a", "b"} { // the second save writes a backup
				if _, err := s.Update(addAccount(name, "K")); err != nil {
					t.Fatal(err)
				}
			}
			assertMode(t, filepath.Dir(s.Path), 0o700)
			assertMode(t, s.Path, 0o600)
			assertMode(t, s.BackupPath(), 0o600)
			assertMode(t, s.LockPath(), 0o600&^os.FileMode(mask))
		})
	}
}

func TestASaveMakesAnOpenFilePrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	for _, mode := range []os.FileMode{0o644, 0o666, 0o640, 0o604} {
		t.Run(fmt.Sprintf("a %#o file is 0600 after a save", mode), func(t *testing.T) {
			s := newStore(t)
			writeFile(t, s.Path, bloomyFile)
			chmod(t, s.Path, mode)
			if _, err := s.Update(addAccount("new", "N")); err != nil {
				t.Fatal(err)
			}
			assertMode(t, s.Path, 0o600)
		})
	}
}

func TestAKilledWriterLeavesTheOldOrTheNewFile(t *testing.T) {
	s := newStore(t)
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	deadline := time.Now().Add(2 * time.Second)
	saved, leftovers := 0, 0
	for i := 0; i < 3 || (i < 20 && time.Now().Before(deadline)); i++ {
		cmd := helper(t, "loop", s.Path, "")
		time.Sleep(time.Duration(20+rng.Intn(120)) * time.Millisecond)
		if err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()

		data, err := os.ReadFile(s.Path)
		if os.IsNotExist(err) && saved == 0 {
			continue // killed before its first save: the old state, no file
		}
		if err != nil {
			t.Fatal(err)
		}
		checkGeneration(t, "the config file", data)
		if bak, err := os.ReadFile(s.BackupPath()); err == nil {
			checkGeneration(t, "the backup", bak)
		}
		saved++
		if len(tempFiles(t, s)) > 0 {
			leftovers++
		}
	}
	if saved == 0 {
		t.Fatal("the helper never saved before it was killed")
	}
	if _, err := s.Update(func(c *Config) error { setGeneration(c, 1_000_000); return nil }); err != nil {
		t.Fatal(err)
	}
	if tmp := tempFiles(t, s); len(tmp) > 0 {
		t.Errorf("temp files left after the next save: %v", tmp)
	}
	checkGeneration(t, "the config file", []byte(readFile(t, s.Path)))
	t.Logf("%d kills after a save, %d of them left a temp file behind", saved, leftovers)
}

func TestUpdateFollowsASymlinkedConfig(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "dotfiles", "config.yaml")
	mkdir(t, filepath.Dir(real))
	writeFile(t, real, bloomyFile)
	s := &Store{Path: filepath.Join(root, "home", ".bloomy", "config.yaml")}
	mkdir(t, filepath.Dir(s.Path))
	if err := os.Symlink(real, s.Path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(addAccount("new", "N")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(s.Path)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file (%v)", err)
	}
	if c := mustParse(t, readFile(t, real)); c.Account("new") == nil {
		t.Error("the link's target was not updated")
	}
	if got := readFile(t, s.BackupPath()); got != readFile(t, real) {
		t.Errorf("backup is not the saved file:\n%s", got)
	}
}
