package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"bloomy/accounts"
	"bloomy/config"
)

// globals is what every command shares: the streams, the global flags, and
// the accounts service built from them on first use.
type globals struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	configFlag      string
	apiKeyFlag      string
	demo            bool
	openDiagnostics bool

	svc     *accounts.Service
	closers []func()
}

// userAgent names bloomy and its version on every request.
func userAgent() string {
	return fmt.Sprintf("bloomy/%s (%s/%s)", version, runtime.GOOS, runtime.GOARCH)
}

// service builds the accounts service for the config in use.
func (g *globals) service() (*accounts.Service, error) {
	if g.svc != nil {
		return g.svc, nil
	}
	path, source, err := config.ResolvePath(g.configFlag)
	if err != nil {
		return nil, err
	}
	return g.newService(accounts.Options{ConfigPath: path, PathSource: source, BaseURL: os.Getenv(accounts.EnvBaseURL)})
}

// newService finishes opts with what every run shares and keeps the service.
func (g *globals) newService(opts accounts.Options) (*accounts.Service, error) {
	opts.APIKey = strings.TrimSpace(g.apiKeyFlag)
	opts.UserAgent = userAgent()
	if os.Getenv("BLOOMY_DEBUG") == "1" {
		w, err := openDebugLog(filepath.Dir(opts.ConfigPath))
		if err != nil {
			fmt.Fprintf(g.stderr, "bloomy: no debug log: %v\n", err)
		} else {
			opts.DebugLog = w
			g.closers = append(g.closers, func() { w.Close() })
		}
	}
	svc, err := accounts.New(opts)
	if err != nil {
		return nil, err
	}
	g.svc = svc
	return svc, nil
}

// openDebugLog opens debug.log (0600) beside the config file for appending.
func openDebugLog(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(dir, "debug.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
}

// close releases what the commands opened (the debug log, a demo server).
func (g *globals) close() {
	for i := len(g.closers) - 1; i >= 0; i-- {
		g.closers[i]()
	}
	g.closers = nil
}
