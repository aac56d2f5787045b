//go:build windows

package config

import "io/fs"

// permissionsSkipReason says why permission bits are not checked on Windows.
func permissionsSkipReason() string { return "permission bits are not used on Windows" }

// fileOwner is not used on Windows, where ownership is an ACL matter.
func fileOwner(fs.FileInfo) int { return -1 }

// readOnly reports whether a file has the read-only attribute. On a directory that
// attribute means nothing, so a directory is never read-only here.
func readOnly(fi fs.FileInfo) bool {
	return !fi.IsDir() && fi.Mode().Perm()&0o200 == 0
}
