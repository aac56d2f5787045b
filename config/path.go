// Package config reads and writes bloomy's config file, ~/.bloomy/config.yaml: the
// same file the Bloom Growth SDKs read, holding several named accounts next to the
// top-level api_key the SDKs use.
//
// Reading accepts what the SDKs write (Python's `version`/`api_key`, the Ruby gem's
// `:version`/`:api_key`) as well as bloomy's own format. Writing works on the parsed
// YAML node tree, so comments, key order and unknown keys survive a save, and goes
// through Store.Update: locked, atomic, mode 0600, with the previous file kept as
// config.yaml.bak. Nothing in this package puts an API key into an error.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultBaseURL is the Bloom Growth server an account talks to when it names no other.
const DefaultBaseURL = "https://app.bloomgrowth.com"

// EnvPath is the environment variable that overrides the default config path (the
// --config flag overrides it in turn).
const EnvPath = "BLOOMY_CONFIG"

// PathSource says where the config path in use came from, so diagnostics can tell the
// user why bloomy reads the file it reads.
type PathSource string

// The places a config path can come from, strongest first.
const (
	PathFromFlag PathSource = "--config flag"
	PathFromEnv  PathSource = "BLOOMY_CONFIG"
	PathDefault  PathSource = "default"
)

// ResolvePath picks the config file: the --config flag value when non-empty, else
// $BLOOMY_CONFIG when non-empty, else ~/.bloomy/config.yaml. A leading "~/" in the flag
// or the variable is expanded to the home directory, since a shell does not expand it
// in `--config=~/x`.
func ResolvePath(flag string) (string, PathSource, error) {
	if flag != "" {
		p, err := expandHome(flag)
		return p, PathFromFlag, err
	}
	if env := os.Getenv(EnvPath); env != "" {
		p, err := expandHome(env)
		return p, PathFromEnv, err
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", PathDefault, fmt.Errorf("find the home directory for the config file (set %s or use --config): %w", EnvPath, err)
	}
	return filepath.Join(home, ".bloomy", "config.yaml"), PathDefault, nil
}

// expandHome replaces a leading "~" path element with the home directory.
func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expand ~ in the config path: %w", err)
	}
	return filepath.Join(home, p[1:]), nil
}
