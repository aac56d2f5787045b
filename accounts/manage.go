package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"bloomy/bloomyclient"
	"bloomy/config"
)

// LoginRequest is what the login form or `bloomy login` collects.
type LoginRequest struct {
	Name     string // account name; for a re-login, the existing one
	Username string // login email
	Password string // sent once to /Token, never kept
	Host     string // "" for the account's host, BLOOMY_BASE_URL or production
}

// LoginResult says what a login did.
type LoginResult struct {
	Account   config.Account
	Relogin   bool     // the account existed and got a new key
	Activated bool     // the account is now the active one
	KeptKey   bool     // not activated because the file holds an unnamed key
	Restored  []string // lost accounts brought back from the backup on the way
	SameLogin []string // other accounts for the same login on the same host
}

// Login runs the password grant, checks the new key with users/mine, and only
// then saves it: a new account (made active unless that would replace an
// unnamed key), or a new key for an existing one (a re-login keeps its name and
// settings). The password is used for the one request and never stored.
func (s *Service) Login(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	req.Name = strings.TrimSpace(req.Name)
	req.Username = strings.TrimSpace(req.Username)
	if err := config.ValidName(req.Name); err != nil {
		return nil, err
	}
	if req.Username == "" {
		return nil, errors.New("the login email is empty")
	}
	if req.Password == "" {
		return nil, errors.New("the password is empty")
	}
	cfg, err := s.store.Load()
	if err != nil {
		return nil, err
	}
	host := strings.TrimSpace(req.Host)
	if host == "" {
		if existing := cfg.Account(req.Name); existing != nil {
			host = existing.URL() // a re-login goes where the account lives
		} else {
			host = s.DefaultHost()
		}
	}
	if existing := cfg.Account(req.Name); existing != nil && existing.Username != "" && !strings.EqualFold(existing.Username, req.Username) {
		return nil, fmt.Errorf("the account %q is the login %s, not %s: choose another name, or remove %q first", req.Name, existing.Username, req.Username, req.Name)
	}
	u, err := bloomyclient.ParseBaseURL(host)
	if err != nil {
		return nil, err
	}
	host = u.String()
	client, err := s.newClient(host, "")
	if err != nil {
		return nil, err
	}
	tok, err := client.RequestToken(ctx, req.Username, req.Password)
	req.Password = ""
	if err != nil {
		return nil, err
	}
	keyed, err := s.newClient(host, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	me, err := keyed.Mine(ctx)
	if err != nil {
		return nil, fmt.Errorf("the new key was not accepted by users/mine: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err // cancelled: the user no longer wants this saved
	}
	fresh := config.Account{
		Name:      req.Name,
		Username:  req.Username,
		APIKey:    tok.AccessToken,
		BaseURL:   storedHost(host),
		IssuedAt:  tok.IssuedAt,
		ExpiresAt: tok.ExpiresAt,
		UserID:    me.ID,
		UserName:  me.Name,
	}
	res := &LoginResult{}
	_, err = s.store.Update(func(c *config.Config) error {
		res.Restored = s.restoreInto(c)
		unnamed := c.UnnamedKey() // before any key changes
		if a := c.Account(req.Name); a != nil {
			res.Relogin = true
			a.Username, a.APIKey, a.BaseURL = fresh.Username, fresh.APIKey, fresh.BaseURL
			a.IssuedAt, a.ExpiresAt, a.UserID, a.UserName = fresh.IssuedAt, fresh.ExpiresAt, fresh.UserID, fresh.UserName
			res.Account = *a
			if existing := c.Account(req.Name); existing != nil && existing.Username != "" && !strings.EqualFold(existing.Username, req.Username) {
				return fmt.Errorf("the account %q is the login %s, not %s: choose another name", req.Name, existing.Username, req.Username)
			}
			if c.Active == req.Name && unnamed == "" {
				c.APIKey = a.APIKey
				res.Activated = true
			}
			return nil
		}
		for _, a := range c.Accounts {
			if strings.EqualFold(a.Username, fresh.Username) && a.URL() == fresh.URL() {
				res.SameLogin = append(res.SameLogin, a.Name)
			}
		}
		c.Accounts = append(c.Accounts, fresh)
		res.Account = fresh
		if unnamed != "" {
			res.KeptKey = true
			return nil
		}
		setActive(c, req.Name)
		res.Activated = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// storedHost is what goes into base_url: nothing for the production host.
func storedHost(host string) string {
	if strings.TrimSuffix(host, "/") == config.DefaultBaseURL {
		return ""
	}
	return host
}

// setActive makes name the active account and keeps api_key in step.
func setActive(c *config.Config, name string) {
	if c.Active != name && c.Active != "" && c.Account(c.Active) != nil {
		c.Previous = c.Active
	}
	c.Active = name
	if a := c.Account(name); a != nil {
		c.APIKey = a.APIKey
	}
}

// UseOptions adjusts Use.
type UseOptions struct {
	// DiscardUnnamed allows replacing a top-level key that belongs to no account.
	DiscardUnnamed bool
}

// Use makes an account active ("-" for the previous one) and returns it.
// The top-level api_key follows, so the SDK's Client() uses it.
func (s *Service) Use(name string, opts UseOptions) (*config.Account, error) {
	var used config.Account
	_, err := s.store.Update(func(c *config.Config) error {
		target := name
		if name == "-" {
			if c.Previous == "" || c.Account(c.Previous) == nil {
				return errors.New("there is no previous account to go back to")
			}
			target = c.Previous
		}
		a := c.Account(target)
		if a == nil {
			return &NotFoundError{Name: target}
		}
		if c.UnnamedKey() != "" && !opts.DiscardUnnamed {
			return ErrUnnamedKey
		}
		setActive(c, target)
		used = *c.Account(target)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &used, nil
}

// Rename gives an account a new name, keeping everything else (its place in
// the file, comments, which account is active or previous).
func (s *Service) Rename(oldName, newName string) error {
	newName = strings.TrimSpace(newName)
	if err := config.ValidName(newName); err != nil {
		return err
	}
	_, err := s.store.Update(func(c *config.Config) error {
		a := c.Account(oldName)
		if a == nil {
			return &NotFoundError{Name: oldName}
		}
		if oldName == newName {
			return fmt.Errorf("%q already has that name", oldName)
		}
		if c.Account(newName) != nil {
			return fmt.Errorf("an account named %q already exists", newName)
		}
		a.Name = newName
		if c.Active == oldName {
			c.Active = newName
		}
		if c.Previous == oldName {
			c.Previous = newName
		}
		return nil
	})
	return err
}

// RemoveResult says what Remove did to the active account.
type RemoveResult struct {
	WasActive bool
	NewActive string // "" when no account is active any more
}

// Remove deletes an account. Removing the active one makes the previous (or
// else the first) account active, or none — and then the file has no api_key.
func (s *Service) Remove(name string) (*RemoveResult, error) {
	res := &RemoveResult{}
	_, err := s.store.Update(func(c *config.Config) error {
		idx := -1
		for i := range c.Accounts {
			if c.Accounts[i].Name == name {
				idx = i
			}
		}
		if idx < 0 {
			return &NotFoundError{Name: name}
		}
		if c.Active == name && c.UnnamedKey() != "" {
			return ErrUnnamedKey // another account would become active and replace it
		}
		c.Accounts = append(c.Accounts[:idx], c.Accounts[idx+1:]...)
		if c.Previous == name {
			c.Previous = ""
		}
		if c.Active != name {
			res.NewActive = c.Active
			return nil
		}
		res.WasActive = true
		next := ""
		if c.Account(c.Previous) != nil {
			next = c.Previous
		} else if len(c.Accounts) > 0 {
			next = c.Accounts[0].Name
		}
		c.Previous = ""
		if next == "" {
			c.Active, c.APIKey = "", ""
			return nil
		}
		c.Active = ""
		setActive(c, next)
		res.NewActive = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ImportResult says what Import did.
type ImportResult struct {
	Account config.Account // the account that now holds the key (and is active)
	// Restored are lost accounts brought back from the backup on the way.
	Restored []string
	// Existing is set when the key turned out to be a restored account's:
	// nothing new was added, that account was made active.
	Existing bool
}

// Sentence says what an import did, for a person.
func (r *ImportResult) Sentence() string {
	restored := ""
	if len(r.Restored) > 0 {
		restored = "Restored " + Printable(strings.Join(r.Restored, ", ")) + " from the backup. "
	}
	if r.Existing {
		return restored + "The key is " + Printable(r.Account.Name) + "'s, which is now the active account."
	}
	return restored + fmt.Sprintf("Imported the key %s as %s (%s); it is the active account.",
		bloomyclient.MaskKey(r.Account.APIKey), Printable(r.Account.Name), Printable(r.Account.UserName))
}

// Import names the top-level key that belongs to no account, after users/mine
// accepts it, and makes that account active (it already is the SDK's key).
// Accounts an SDK rewrite dropped are restored first; when the key is one of
// theirs, that account is simply made active.
func (s *Service) Import(ctx context.Context, name string) (*ImportResult, error) {
	name = strings.TrimSpace(name)
	cfg, err := s.store.Load()
	if err != nil {
		return nil, err
	}
	key := cfg.UnnamedKey()
	if key == "" {
		return nil, errors.New("there is no unnamed key in the config file to import")
	}
	lost, _ := s.store.Lost(cfg)
	var owner string
	for _, a := range lost {
		if a.APIKey == key {
			owner = a.Name
		}
	}
	var acc config.Account
	if owner == "" {
		if err := config.ValidName(name); err != nil {
			return nil, err
		}
		if cfg.Account(name) != nil {
			return nil, fmt.Errorf("an account named %q already exists", name)
		}
		if hasName(lost, name) {
			return nil, fmt.Errorf("an account named %q is in the backup, waiting to be restored; choose another name", name)
		}
		host := s.DefaultHost()
		client, err := s.newClient(host, key)
		if err != nil {
			return nil, err
		}
		me, err := client.Mine(ctx)
		if err != nil {
			return nil, fmt.Errorf("the key was not accepted by users/mine: %w", err)
		}
		acc = config.Account{Name: name, APIKey: key, BaseURL: storedHost(host), UserID: me.ID, UserName: me.Name}
	}
	res := &ImportResult{}
	_, err = s.store.Update(func(c *config.Config) error {
		if c.UnnamedKey() != key {
			return errors.New("the config file changed while importing; try again")
		}
		res.Restored = s.restoreInto(c)
		if a := c.AccountByKey(key); a != nil { // a restored account's own key
			setActive(c, a.Name)
			res.Account, res.Existing = *a, true
			return nil
		}
		if c.Account(name) != nil {
			return fmt.Errorf("an account named %q already exists", name)
		}
		c.Accounts = append(c.Accounts, acc)
		setActive(c, name)
		res.Account = acc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Restore brings back the accounts an SDK rewrite dropped, from the backup,
// keeping the SDK's new key: if it is one of the restored accounts' keys that
// account becomes active, else it stays as an unnamed key to import.
func (s *Service) Restore() ([]string, error) {
	var restored []string
	_, err := s.store.Update(func(c *config.Config) error {
		restored = s.restoreInto(c)
		if len(restored) == 0 {
			return errors.New("no accounts to restore: the backup holds none that the file lacks")
		}
		return nil
	})
	return restored, err
}

func hasName(accs []config.Account, name string) bool {
	for _, a := range accs {
		if a.Name == name {
			return true
		}
	}
	return false
}

// restoreInto appends the lost accounts to c (inside an Update) and returns
// their names. The top-level key is left as the SDK wrote it.
func (s *Service) restoreInto(c *config.Config) []string {
	lost, err := s.store.Lost(c)
	if err != nil || len(lost) == 0 {
		return nil
	}
	var names []string
	for _, a := range lost {
		if c.Account(a.Name) == nil {
			c.Accounts = append(c.Accounts, a)
			names = append(names, a.Name)
		}
	}
	if c.Active == "" {
		if a := c.AccountByKey(c.APIKey); a != nil {
			c.Active = a.Name
		}
	}
	return names
}
