package accounts

import (
	"context"
	"errors"
	"sync"
	"time"

	"bloomy/bloomyclient"
	"bloomy/config"
)

// CheckStatus is the outcome of a live check of one key.
type CheckStatus string

// The check outcomes.
const (
	CheckValid       CheckStatus = "valid"       // users/mine accepted the key
	CheckRejected    CheckStatus = "rejected"    // 401: expired or revoked
	CheckUnreachable CheckStatus = "unreachable" // no reply from the host
	CheckFailed      CheckStatus = "failed"      // any other error
)

// CheckResult is one account's live check.
type CheckResult struct {
	Account   string
	Status    CheckStatus
	User      *bloomyclient.User // who the key belongs to, when valid
	Err       error
	Took      time.Duration
	CheckedAt time.Time
}

// Summary words the result in one line: "valid — Ada Lovelace (#123)".
func (r CheckResult) Summary() string {
	switch r.Status {
	case CheckValid:
		if r.User != nil {
			return "valid — " + Printable(r.User.Name)
		}
		return "valid"
	case CheckRejected:
		return "key rejected — expired or revoked; log in again"
	case CheckUnreachable:
		return "unreachable — " + errText(r.Err)
	default:
		return "check failed — " + errText(r.Err)
	}
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// maxParallelChecks bounds how many accounts are checked at once.
const maxParallelChecks = 4

// Check asks users/mine whether one account's key is accepted.
func (s *Service) Check(ctx context.Context, name string) CheckResult {
	cfg, err := s.store.Load()
	if err != nil {
		return CheckResult{Account: name, Status: CheckFailed, Err: err, CheckedAt: s.opts.Now()}
	}
	acc := cfg.Account(name)
	if acc == nil {
		return CheckResult{Account: name, Status: CheckFailed, Err: &NotFoundError{Name: name}, CheckedAt: s.opts.Now()}
	}
	return s.checkAccount(ctx, *acc)
}

// CheckAll checks every account in parallel (a few at a time), each with its
// own timeout, and returns the results in file order.
func (s *Service) CheckAll(ctx context.Context) ([]CheckResult, error) {
	cfg, err := s.store.Load()
	if err != nil {
		return nil, err
	}
	results := make([]CheckResult, len(cfg.Accounts))
	sem := make(chan struct{}, maxParallelChecks)
	var wg sync.WaitGroup
	for i, acc := range cfg.Accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = s.checkAccount(ctx, acc)
		}()
	}
	wg.Wait()
	return results, nil
}

func (s *Service) checkAccount(ctx context.Context, acc config.Account) CheckResult {
	r := s.CheckKey(ctx, acc.URL(), acc.APIKey)
	r.Account = acc.Name
	return r
}

// CheckKey asks users/mine on host whether key is accepted.
func (s *Service) CheckKey(ctx context.Context, host, key string) CheckResult {
	ctx, cancel := context.WithTimeout(ctx, s.opts.CheckTimeout)
	defer cancel()
	start := time.Now()
	res := CheckResult{CheckedAt: s.opts.Now()}
	client, err := s.newClient(host, key)
	if err == nil {
		res.User, err = client.Mine(ctx)
	}
	res.Took = time.Since(start)
	res.Err = err
	res.Status = classify(err)
	return res
}

// classify sorts a users/mine error into a check status.
func classify(err error) CheckStatus {
	var netErr *bloomyclient.NetworkError
	switch {
	case err == nil:
		return CheckValid
	case errors.Is(err, bloomyclient.ErrUnauthorized):
		return CheckRejected
	case errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return CheckUnreachable
	default:
		return CheckFailed
	}
}
