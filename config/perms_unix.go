//go:build unix

package config

import (
	"io/fs"
	"os"
	"syscall"
)

// permissionsSkipReason is "" on Unix: permission bits are checked.
func permissionsSkipReason() string { return "" }

// fileOwner returns the uid owning a file, or -1 when the system does not say.
func fileOwner(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// readOnly reports whether a file or directory the current user owns has its owner
// write bit clear. (For someone else's file the system's own check decides.)
func readOnly(fi fs.FileInfo) bool {
	return fi.Mode().Perm()&0o200 == 0 && fileOwner(fi) == os.Geteuid()
}
