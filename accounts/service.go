// Package accounts is bloomy's domain: named Bloom Growth accounts kept in the
// config file, logging in, switching, renaming and removing them, which key
// wins and why, live checks and the diagnostics report. The terminal interface
// and the subcommands both call it; it knows nothing of either.
package accounts

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"bloomy/bloomyclient"
	"bloomy/config"
)

// Environment variables bloomy reads.
const (
	EnvAPIKey  = "BG_API_KEY"      // the SDKs' override of the config file
	EnvAccount = "BLOOMY_ACCOUNT"  // pick an account for one bloomy process
	EnvBaseURL = "BLOOMY_BASE_URL" // another host: staging, a fake server
)

// Options configures a Service. Only ConfigPath is required.
type Options struct {
	ConfigPath string
	PathSource config.PathSource
	// APIKey is an explicit key (--api-key); it wins over everything.
	APIKey string
	// BaseURL is the host for new logins and for keys with no account
	// (BLOOMY_BASE_URL); "" means the production host.
	BaseURL string
	// Getenv reads the environment; default os.Getenv. Tests replace it.
	Getenv func(string) string
	// HTTPClient, UserAgent and DebugLog are passed to every API client.
	HTTPClient *http.Client
	UserAgent  string
	DebugLog   io.Writer
	// Now is the clock for expiry; default time.Now.
	Now func() time.Time
	// CheckTimeout bounds one live check (default 10 s).
	CheckTimeout time.Duration
	// RetryBackoff, when set, shortens the client's retry delays (tests).
	RetryBackoff time.Duration
	// Demo says Getenv hides the real BG_API_KEY and BLOOMY_ACCOUNT (demo
	// mode), so the report says they are ignored rather than not set.
	Demo bool
}

// Service does everything bloomy does to accounts.
type Service struct {
	opts  Options
	store *config.Store
}

// New returns a service over the config file at opts.ConfigPath.
func New(opts Options) (*Service, error) {
	if opts.ConfigPath == "" {
		return nil, errors.New("accounts: no config path")
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 10 * time.Second
	}
	if opts.BaseURL != "" {
		u, err := bloomyclient.ParseBaseURL(opts.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvBaseURL, err)
		}
		opts.BaseURL = u.String()
	}
	return &Service{opts: opts, store: &config.Store{Path: opts.ConfigPath}}, nil
}

// Path is the config file in use, and PathSource where that choice came from.
func (s *Service) Path() string { return s.opts.ConfigPath }

// PathSource says why Path was chosen (flag, environment or default).
func (s *Service) PathSource() config.PathSource { return s.opts.PathSource }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.opts.Now() }

// Load reads the config file as it is now.
func (s *Service) Load() (*config.Config, error) { return s.store.Load() }

// DefaultHost is where new logins go unless the form says otherwise, and
// where keys that belong to no account are checked: BLOOMY_BASE_URL, else
// the production host. A saved account always talks to its own host (its
// base_url, or production when it has none).
func (s *Service) DefaultHost() string {
	if s.opts.BaseURL != "" {
		return s.opts.BaseURL
	}
	return config.DefaultBaseURL
}

// newClient builds an API client for a host and key.
func (s *Service) newClient(host, key string) (*bloomyclient.Client, error) {
	opts := []bloomyclient.Option{bloomyclient.WithBaseURL(host), bloomyclient.WithAPIKey(key)}
	if s.opts.HTTPClient != nil {
		opts = append(opts, bloomyclient.WithHTTPClient(s.opts.HTTPClient))
	}
	if s.opts.UserAgent != "" {
		opts = append(opts, bloomyclient.WithUserAgent(s.opts.UserAgent))
	}
	if s.opts.DebugLog != nil {
		opts = append(opts, bloomyclient.WithDebugLog(s.opts.DebugLog))
	}
	if s.opts.RetryBackoff > 0 {
		opts = append(opts, bloomyclient.WithRetryBackoff(s.opts.RetryBackoff))
	}
	return bloomyclient.NewClient(opts...)
}

// Client returns an API client for a named account, for calls this package
// does not wrap (user details, reports, positions).
func (s *Service) Client(name string) (*bloomyclient.Client, error) {
	cfg, err := s.store.Load()
	if err != nil {
		return nil, err
	}
	acc := cfg.Account(name)
	if acc == nil {
		return nil, &NotFoundError{Name: name}
	}
	return s.newClient(acc.URL(), acc.APIKey)
}

// NotFoundError names an account that is not in the file; From says where
// the name came from when the user did not type it (BLOOMY_ACCOUNT).
type NotFoundError struct{ Name, From string }

// Error implements error.
func (e *NotFoundError) Error() string {
	if e.From != "" {
		return fmt.Sprintf("no account named %q (from %s)", e.Name, e.From)
	}
	return fmt.Sprintf("no account named %q", e.Name)
}

// ErrUnnamedKey refuses a change that would replace a top-level key that
// belongs to no account. Import it first, or confirm the replacement.
var ErrUnnamedKey = errors.New("the config file holds an API key that belongs to no account (an SDK wrote it), and this would replace it; import it under a name first ('bloomy import NAME')")
