//go:build !unix && !windows

package config

import "io/fs"

// permissionsSkipReason says why permission bits are not checked on this system.
func permissionsSkipReason() string { return "permission bits are not checked on this system" }

// fileOwner is unknown on this system.
func fileOwner(fs.FileInfo) int { return -1 }

// readOnly reports whether a file's owner write bit is clear.
func readOnly(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o200 == 0 }
