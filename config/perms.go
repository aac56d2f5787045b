package config

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Permissions is what CheckPermissions found about the config file and its directory,
// checked the way OpenSSH checks a private key: group and other bits reported
// separately, and the owner must be the current user.
type Permissions struct {
	// Path is the file checked.
	Path string
	// Mode is the file's mode, from fstat on the opened file.
	Mode fs.FileMode
	// GroupBits and OtherBits are the file's permission bits for the group and for
	// others (e.g. 0040 and 0004); both should be 0.
	GroupBits, OtherBits fs.FileMode

	// DirPath is the file's directory.
	DirPath string
	// DirMode is the directory's mode.
	DirMode fs.FileMode
	// DirGroupBits and DirOtherBits are the directory's permission bits for the group
	// and for others; bloomy creates the directory 0700.
	DirGroupBits, DirOtherBits fs.FileMode

	// OwnerUID is the file's owner and CurrentUID the user running bloomy.
	OwnerUID, CurrentUID int
	// OwnedByCurrentUser is OwnerUID == CurrentUID.
	OwnedByCurrentUser bool

	// Skipped is true where permission bits mean nothing (Windows); SkipReason says
	// why, for the diagnostics screen.
	Skipped    bool
	SkipReason string
}

// CheckPermissions reports the permissions of the config file at path and of its
// directory. The file is opened and checked with fstat, so what is reported is the
// file that was opened. A missing file is an error wrapping fs.ErrNotExist. On Windows
// the result has Skipped set.
func CheckPermissions(path string) (*Permissions, error) {
	p := &Permissions{Path: path, DirPath: filepath.Dir(path)}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("check permissions: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("check permissions: %w", err)
	}
	if reason := permissionsSkipReason(); reason != "" {
		p.Skipped, p.SkipReason = true, reason
		return p, nil
	}
	d, err := os.Open(p.DirPath)
	if err != nil {
		return nil, fmt.Errorf("check permissions: %w", err)
	}
	defer d.Close()
	di, err := d.Stat()
	if err != nil {
		return nil, fmt.Errorf("check permissions: %w", err)
	}
	p.Mode, p.DirMode = fi.Mode(), di.Mode()
	p.GroupBits, p.OtherBits = fi.Mode().Perm()&0o070, fi.Mode().Perm()&0o007
	p.DirGroupBits, p.DirOtherBits = di.Mode().Perm()&0o070, di.Mode().Perm()&0o007
	p.OwnerUID, p.CurrentUID = fileOwner(fi), os.Getuid()
	p.OwnedByCurrentUser = p.OwnerUID == p.CurrentUID
	return p, nil
}

// FixPermissions makes the config file at path 0600 and its directory 0700, holding
// the store's lock (path+".lock") so that no save runs meanwhile. On Windows it does
// nothing. A directory that is shared (sticky, like /tmp) or owned by someone else is
// left alone and reported as an error, after the file has been fixed.
func FixPermissions(path string) error {
	if permissionsSkipReason() != "" {
		return nil
	}
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return fmt.Errorf("fix permissions: %w", err)
	}
	defer unlock()
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("fix permissions: %w", err)
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("fix permissions: %w", err)
	}
	dir := filepath.Dir(path)
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("fix permissions: %w", err)
	}
	defer d.Close()
	di, err := d.Stat()
	if err != nil {
		return fmt.Errorf("fix permissions: %w", err)
	}
	if di.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if di.Mode()&fs.ModeSticky != 0 || fileOwner(di) != os.Getuid() {
		return fmt.Errorf("fix permissions: not changing %s: it is shared with other users (move the config file to a directory of your own)", dir)
	}
	if err := d.Chmod(0o700); err != nil {
		return fmt.Errorf("fix permissions: %w", err)
	}
	return nil
}
