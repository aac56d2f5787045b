package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckWritable reports, without writing, why Update would refuse to save:
// an error wrapping ErrReadOnly when the file or its directory is read-only,
// nil when a save can be tried (a missing file is fine).
func CheckWritable(path string) error {
	dir := filepath.Dir(path)
	if err := checkWritable(dir); err != nil {
		return withPathPrefix(err, path)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := checkWritable(path); err != nil {
		return withPathPrefix(err, path)
	}
	return nil
}

// readOnlyError names the config path in front of a read-only error.
type readOnlyError struct {
	path string
	err  error
}

func (e *readOnlyError) Error() string { return e.path + ": " + e.err.Error() }
func (e *readOnlyError) Unwrap() error { return e.err }

func withPathPrefix(err error, path string) error { return &readOnlyError{path: path, err: err} }
