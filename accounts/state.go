package accounts

import (
	"strings"

	"bloomy/config"
)

// KeySource says where the key in use came from, strongest first.
type KeySource string

// The places a key can come from.
const (
	SourceFlag     KeySource = "--api-key"
	SourceSelected KeySource = EnvAccount
	SourceEnv      KeySource = EnvAPIKey
	SourceActive   KeySource = "config file (active account)"
	SourceUnnamed  KeySource = "config file (api_key, no account)"
	SourceNone     KeySource = "none"
)

// Resolution is which key wins and why, for bloomy and for the SDKs.
type Resolution struct {
	// Key, Source and Account are what bloomy itself uses in this process:
	// --api-key, then BLOOMY_ACCOUNT, then BG_API_KEY, then the file.
	Key     string
	Source  KeySource
	Account string // the named account that key belongs to, if any
	Host    string // the host calls with that key go to

	// SDKKey and SDKSource are what the SDK's Client() would use with no
	// explicit key: BG_API_KEY, then the file's api_key.
	SDKKey    string
	SDKSource KeySource

	// EnvKey is BG_API_KEY; EnvAccount the account it matches ("" if none).
	EnvKey     string
	EnvAccount string
	// Shadowing: BG_API_KEY is set and differs from the active account's key,
	// so scripts use the env var, not the account shown as active.
	Shadowing bool
	// Selected is BLOOMY_ACCOUNT, and SelectedMissing that it names no account.
	Selected        string
	SelectedMissing bool
}

// State is the config file and everything derived from it, for lists,
// banners and the diagnostics report.
type State struct {
	Path       string
	PathSource config.PathSource
	// Config is nil when the file could not be read; LoadErr says why
	// (a *config.ParseError when it does not parse).
	Config  *config.Config
	LoadErr error
	// ReadOnly says why saving would fail (a read-only file or directory), or nil.
	ReadOnly error

	Accounts   []Account
	Active     string
	Previous   string
	UnnamedKey string           // a top-level key no account holds
	Lost       []config.Account // accounts the SDK's rewrite dropped, still in the backup
	Key        Resolution
}

// Account is a named account as lists show it.
type Account struct {
	config.Account
	Active bool
	Expiry Expiry
}

// State reads the file and works out everything shown about it. It fails
// only when it cannot even resolve paths; an unreadable file is in LoadErr.
func (s *Service) State() *State {
	st := &State{Path: s.opts.ConfigPath, PathSource: s.opts.PathSource, ReadOnly: config.CheckWritable(s.opts.ConfigPath)}
	cfg, err := s.store.Load()
	if err != nil {
		st.LoadErr = err
		st.Key = s.resolve(nil)
		return st
	}
	st.Config = cfg
	st.Active, st.Previous = cfg.Active, cfg.Previous
	st.UnnamedKey = cfg.UnnamedKey()
	now := s.opts.Now()
	for _, a := range cfg.Accounts {
		st.Accounts = append(st.Accounts, Account{Account: a, Active: a.Name == cfg.Active, Expiry: ExpiryOf(a.ExpiresAt, now)})
	}
	st.Lost, _ = s.store.Lost(cfg)
	st.Key = s.resolve(cfg)
	return st
}

// Writable reports whether changes can be saved: the file parses and is not read-only.
func (st *State) Writable() error {
	if st.LoadErr != nil {
		return st.LoadErr
	}
	return st.ReadOnly
}

// Find returns the listed account with that name, or nil.
func (st *State) Find(name string) *Account {
	for i := range st.Accounts {
		if st.Accounts[i].Name == name {
			return &st.Accounts[i]
		}
	}
	return nil
}

// ActiveAccount is the active account, or nil.
func (st *State) ActiveAccount() *Account { return st.Find(st.Active) }

// Resolve works out which key wins, reading the file.
func (s *Service) Resolve() Resolution {
	cfg, _ := s.store.Load()
	return s.resolve(cfg)
}

// resolve applies the precedence to a loaded config (nil when unreadable).
func (s *Service) resolve(cfg *config.Config) Resolution {
	r := Resolution{
		EnvKey:   strings.TrimSpace(s.opts.Getenv(EnvAPIKey)),
		Selected: strings.TrimSpace(s.opts.Getenv(EnvAccount)),
	}
	var active *config.Account
	if cfg != nil {
		active = cfg.Account(cfg.Active)
		if a := cfg.AccountByKey(r.EnvKey); a != nil {
			r.EnvAccount = a.Name
		}
	}
	fileKey := ""
	if cfg != nil {
		fileKey = cfg.APIKey
	}
	r.Shadowing = r.EnvKey != "" && ((active != nil && r.EnvKey != active.APIKey) || (active == nil && fileKey != "" && r.EnvKey != fileKey))

	// What the SDK's Client() uses.
	switch {
	case r.EnvKey != "":
		r.SDKKey, r.SDKSource = r.EnvKey, SourceEnv
	case active != nil && fileKey == active.APIKey:
		r.SDKKey, r.SDKSource = fileKey, SourceActive
	case fileKey != "":
		r.SDKKey, r.SDKSource = fileKey, SourceUnnamed
	default:
		r.SDKSource = SourceNone
	}

	// What bloomy uses.
	var selected *config.Account
	if r.Selected != "" && cfg != nil {
		selected = cfg.Account(r.Selected)
	}
	r.SelectedMissing = r.Selected != "" && selected == nil
	switch {
	case s.opts.APIKey != "":
		r.Key, r.Source = s.opts.APIKey, SourceFlag
	case selected != nil:
		r.Key, r.Source = selected.APIKey, SourceSelected
	default:
		r.Key, r.Source = r.SDKKey, r.SDKSource
	}
	r.Host = s.DefaultHost()
	if cfg != nil {
		if a := cfg.AccountByKey(r.Key); a != nil {
			r.Account = a.Name
			r.Host = a.URL()
		}
	}
	return r
}
