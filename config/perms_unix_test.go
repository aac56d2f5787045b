//go:build unix

package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCheckPermissionsReportsGroupAndOtherBitsApart(t *testing.T) {
	tests := []struct {
		file, dir                  os.FileMode
		group, other               os.FileMode
		dirGroupBits, dirOtherBits os.FileMode
	}{
		{0o600, 0o700, 0, 0, 0, 0},
		{0o640, 0o750, 0o040, 0, 0o050, 0},
		{0o604, 0o705, 0, 0o004, 0, 0o005},
		{0o666, 0o777, 0o060, 0o006, 0o070, 0o007},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("a %#o file in a %#o directory", tt.file, tt.dir), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), ".bloomy")
			mkdir(t, dir)
			path := filepath.Join(dir, "config.yaml")
			writeFile(t, path, bloomyFile)
			chmod(t, path, tt.file)
			chmod(t, dir, tt.dir)
			p, err := CheckPermissions(path)
			if err != nil {
				t.Fatal(err)
			}
			want := Permissions{
				Path: path, Mode: tt.file, GroupBits: tt.group, OtherBits: tt.other,
				DirPath: dir, DirMode: tt.dir | fs.ModeDir, DirGroupBits: tt.dirGroupBits, DirOtherBits: tt.dirOtherBits,
				OwnerUID: os.Getuid(), CurrentUID: os.Getuid(), OwnedByCurrentUser: true,
			}
			if *p != want {
				t.Errorf("CheckPermissions:\n got %+v\nwant %+v", *p, want)
			}
		})
	}
}

func TestCheckPermissionsOfAMissingFileIsNotExist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	_, err := CheckPermissions(path)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("CheckPermissions error = %v, want a not-exist error naming %s", err, path)
	}
}

func TestCheckPermissionsSeesAnotherOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, bloomyFile)
	if err := os.Chown(path, 12345, 12345); err != nil {
		t.Fatal(err)
	}
	p, err := CheckPermissions(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.OwnedByCurrentUser || p.OwnerUID != 12345 {
		t.Errorf("owner %d, owned by current user %v; want 12345, false", p.OwnerUID, p.OwnedByCurrentUser)
	}
}

func TestFixPermissions(t *testing.T) {
	t.Run("a 0644 file in a 0755 directory becomes 0600 in 0700", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), ".bloomy")
		mkdir(t, dir)
		path := filepath.Join(dir, "config.yaml")
		writeFile(t, path, bloomyFile)
		chmod(t, path, 0o644)
		chmod(t, dir, 0o755)
		if err := FixPermissions(path); err != nil {
			t.Fatal(err)
		}
		assertMode(t, path, 0o600)
		assertMode(t, dir, 0o700)
		if got := readFile(t, path); got != bloomyFile {
			t.Errorf("the content changed:\n%s", got)
		}
	})
	t.Run("a shared sticky directory is left alone and reported", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "tmp")
		mkdir(t, dir)
		if err := os.Chmod(dir, 0o777|fs.ModeSticky); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "config.yaml")
		writeFile(t, path, bloomyFile)
		chmod(t, path, 0o644)
		err := FixPermissions(path)
		if err == nil || !strings.Contains(err.Error(), dir) {
			t.Errorf("FixPermissions error = %v, want one naming %s", err, dir)
		}
		assertMode(t, path, 0o600)
		fi, _ := os.Stat(dir)
		if fi.Mode()&fs.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
			t.Errorf("the shared directory was changed to %v", fi.Mode())
		}
	})
	t.Run("a missing file is an error naming it", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := FixPermissions(path); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
			t.Errorf("FixPermissions error = %v", err)
		}
	})
	t.Run("a file saved under umask 0 and then fixed stays fixed after a save", func(t *testing.T) {
		old := syscall.Umask(0)
		defer syscall.Umask(old)
		s := newStore(t)
		writeFile(t, s.Path, bloomyFile)
		chmod(t, s.Path, 0o666)
		if err := FixPermissions(s.Path); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(addAccount("new", "N")); err != nil {
			t.Fatal(err)
		}
		assertMode(t, s.Path, 0o600)
	})
}
