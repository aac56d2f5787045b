package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"bloomy/accounts"
	"bloomy/bloomyclient/bloomtest"
	"bloomy/config"
	"bloomy/ui"

	"github.com/charmbracelet/x/term"
)

// runInterface opens the terminal interface, in demo mode against a fake
// server in this process when --demo is given.
func runInterface(ctx context.Context, g *globals) error {
	if f, ok := g.stdout.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		return usagef("the interface needs a terminal; for scripts use the subcommands (bloomy --help)")
	}
	// A closed terminal (SIGHUP) or SIGTERM ends the interface like q does,
	// so a demo's throw-away directory is removed too.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGHUP, syscall.SIGTERM)
	defer stop()
	var (
		svc  *accounts.Service
		demo []ui.DemoLogin
		err  error
	)
	if g.demo {
		svc, demo, err = startDemo(ctx, g)
	} else {
		svc, err = g.service()
	}
	if err != nil {
		return err
	}
	return ui.Run(ctx, ui.Options{Service: svc, Demo: demo, StartOnDiagnostics: g.openDiagnostics})
}

// demoGetenv hides the real BG_API_KEY and BLOOMY_ACCOUNT from a demo run.
func demoGetenv(name string) string {
	switch name {
	case accounts.EnvAPIKey, accounts.EnvAccount:
		return ""
	}
	return os.Getenv(name)
}

// startDemo starts the fake server on loopback, a throw-away config directory
// (the real ~/.bloomy is never read or written) and seeds it so every screen
// has something to show: an active account, one expiring soon, one expired.
func startDemo(ctx context.Context, g *globals) (*accounts.Service, []ui.DemoLogin, error) {
	srv, err := bloomtest.New(bloomtest.Options{Users: 120})
	if err != nil {
		return nil, nil, fmt.Errorf("start the demo server: %w", err)
	}
	dir, err := os.MkdirTemp("", "bloomy-demo-")
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	g.closers = append(g.closers, func() { srv.Close(); os.RemoveAll(dir) })
	path := filepath.Join(dir, "config.yaml")
	svc, err := g.newService(accounts.Options{ConfigPath: path, PathSource: "demo (throw-away)", BaseURL: srv.URL(), Getenv: demoGetenv, Demo: true})
	if err != nil {
		return nil, nil, err
	}
	var logins []ui.DemoLogin
	for _, l := range srv.Logins() {
		logins = append(logins, ui.DemoLogin{Username: l.Username, Password: l.Password, Organization: l.Organization})
	}
	if err := seedDemo(ctx, svc, srv, path); err != nil {
		return nil, nil, fmt.Errorf("prepare the demo: %w", err)
	}
	return svc, logins, nil
}

// seedDemo logs in three demo accounts through the real login path, then
// ages two of them.
func seedDemo(ctx context.Context, svc *accounts.Service, srv *bloomtest.Server, path string) error {
	seeds := []accounts.LoginRequest{
		{Name: "old-acme", Username: "linus@acme.example", Password: "torvalds"},
		{Name: "globex", Username: "grace@globex.example", Password: "hopper"},
		{Name: "acme", Username: "ada@acme.example", Password: "lovelace"},
	}
	for _, req := range seeds {
		if _, err := svc.Login(ctx, req); err != nil {
			return err
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	var expiredKey string
	_, err := (&config.Store{Path: path}).Update(func(c *config.Config) error {
		old, globex := c.Account("old-acme"), c.Account("globex")
		if old == nil || globex == nil {
			return errors.New("the demo accounts were not saved")
		}
		old.IssuedAt, old.ExpiresAt = now.Add(-15*24*time.Hour), now.Add(-24*time.Hour)
		globex.IssuedAt, globex.ExpiresAt = now.Add(-11*24*time.Hour-12*time.Hour), now.Add(2*24*time.Hour+12*time.Hour)
		expiredKey = old.APIKey
		return nil
	})
	srv.RevokeKey(expiredKey) // the server agrees the old key no longer works
	return err
}
