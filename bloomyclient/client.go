// Package bloomyclient talks to the Bloom Growth API: the password grant that
// issues an API key, and the user calls that bloomy needs. Every request goes
// through one newRequest/do pair, so authentication, retries, redaction and
// decoding live in one place.
package bloomyclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is the production Bloom Growth host.
const DefaultBaseURL = "https://app.bloomgrowth.com"

// apiRoot is the path of the API below the host.
const apiRoot = "/api/v1/"

const (
	defaultTimeout       = 30 * time.Second
	defaultRetryBase     = 500 * time.Millisecond
	defaultRetryAfterCap = 30 * time.Second
	maxTries             = 3
	defaultUserAgent     = "bloomy"
)

// Client calls the Bloom Growth API for one host and, once it has one, one API key.
// It is safe for concurrent use.
type Client struct {
	base          *url.URL
	apiKey        string
	http          *http.Client
	userAgent     string
	timeout       time.Duration
	retryBase     time.Duration
	retryAfterCap time.Duration
	debug         *debugLog
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL sets the host, e.g. "https://app.bloomgrowth.com". A trailing
// "/api/v1" (as the SDKs' base_url carries) is accepted and dropped. Plain
// http is refused unless the host is a loopback address.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := ParseBaseURL(raw)
		if err != nil {
			return err
		}
		c.base = u
		return nil
	}
}

// WithAPIKey sets the key sent as a bearer token on API calls.
func WithAPIKey(key string) Option {
	return func(c *Client) error {
		c.apiKey = strings.TrimSpace(key)
		return nil
	}
}

// WithHTTPClient sets the HTTP client. Its redirect policy is replaced by one
// that never carries the key to another host or from https to http.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("bloomyclient: nil http client")
		}
		copied := *hc
		c.http = &copied
		return nil
	}
}

// WithUserAgent sets the User-Agent header, e.g. "bloomy/0.1.0".
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithTimeout bounds each call, retries included (default 30 s).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("bloomyclient: timeout must be positive, got %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetryBackoff sets the first retry delay (default 0.5 s, doubling each
// try). Tests set it small.
func WithRetryBackoff(base time.Duration) Option {
	return func(c *Client) error {
		c.retryBase = base
		return nil
	}
}

// WithRetryAfterCap sets the longest Retry-After the client waits for (default
// 30 s); a longer one returns a *RateLimitError at once.
func WithRetryAfterCap(d time.Duration) Option {
	return func(c *Client) error {
		c.retryAfterCap = d
		return nil
	}
}

// WithDebugLog writes one line per request and reply to w, with every key
// and Authorization value masked. bloomy turns it on with BLOOMY_DEBUG=1.
func WithDebugLog(w io.Writer) Option {
	return func(c *Client) error {
		if w != nil {
			c.debug = &debugLog{w: w}
		}
		return nil
	}
}

// NewClient returns a client for the production host unless WithBaseURL says
// otherwise.
func NewClient(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		base:          base,
		userAgent:     defaultUserAgent,
		timeout:       defaultTimeout,
		retryBase:     defaultRetryBase,
		retryAfterCap: defaultRetryAfterCap,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	c.http.CheckRedirect = checkRedirect
	return c, nil
}

// BaseURL is the host this client talks to, without a trailing slash.
func (c *Client) BaseURL() string { return strings.TrimSuffix(c.base.String(), "/") }

// ParseBaseURL checks a host URL the way NewClient does: http(s) only, plain
// http only to loopback, no credentials in the URL; a trailing /api/v1 is dropped.
func ParseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("the host is empty")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not a host URL; expected something like %s", raw, DefaultBaseURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("the host URL must not carry a user name or password")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, &InsecureURLError{Host: u.Host}
		}
	default:
		return nil, fmt.Errorf("%q is not an http(s) URL", raw)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v1")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// isLoopback reports whether host names this machine: localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkRedirect follows at most 5 redirects within the host. A redirect that
// leaves the host or drops from https to http never carries the key: an API
// call (which has one) stops there with an error, and so does one that would
// re-send the login form.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	first := via[0]
	leaves := !strings.EqualFold(req.URL.Host, first.URL.Host) ||
		(first.URL.Scheme == "https" && req.URL.Scheme != "https")
	if !leaves {
		return nil
	}
	req.Header.Del("Authorization")
	switch {
	case first.Header.Get("Authorization") != "":
		// Following without the key would ask the other host, not this one:
		// a 200 there would pass for an accepted key.
		return &RedirectError{To: req.URL.Host}
	case req.GetBody != nil && req.ContentLength != 0:
		return fmt.Errorf("refusing to re-send the login form to %s after a redirect", req.URL.Host)
	}
	return nil
}

// newRequest builds a request for path: an API path such as "users/mine"
// (relative to /api/v1), or an absolute path such as "/Token".
func (c *Client) newRequest(ctx context.Context, method, path string, query url.Values, body io.Reader) (*http.Request, error) {
	if !strings.HasPrefix(path, "/") {
		path = apiRoot + path
	}
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	if query != nil {
		u.RawQuery = query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "*/*")
	req.Header.Set("User-Agent", c.userAgent)
	if strings.HasPrefix(path, apiRoot) {
		if c.apiKey == "" {
			return nil, ErrNoKey
		}
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	return req, nil
}

// call is one logical API call: it may be sent several times.
type call struct {
	method string
	path   string
	query  url.Values
	form   url.Values    // for the password grant
	secret string        // a value to redact from errors besides the key (the password)
	retry  bool          // whether 429/502/503/504 may be retried
	budget time.Duration // how long the call may take, for messages
}

// do sends c, retrying as allowed, and hands a 2xx reply body to decode.
// Non-2xx replies become typed errors through checkResponse.
func (c *Client) do(ctx context.Context, cl call, decode func(io.Reader) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	budget := c.timeout
	if deadline, ok := ctx.Deadline(); ok {
		budget = time.Until(deadline) // the caller's deadline may be the nearer one
	}
	cl.budget = budget
	for try := 1; ; try++ {
		var body io.Reader
		if cl.form != nil {
			body = strings.NewReader(cl.form.Encode())
		}
		req, err := c.newRequest(ctx, cl.method, cl.path, cl.query, body)
		if err != nil {
			return err
		}
		if cl.form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		start := time.Now()
		resp, err := c.http.Do(req)
		if err != nil {
			c.debug.printf("%s %s: %s", cl.method, cl.path, c.redact(err.Error(), cl.secret))
			return c.transportError(ctx, cl, err)
		}
		c.debug.printf("%s %s Authorization=%s -> %d in %s", cl.method, req.URL.Path, MaskKey(c.apiKey), resp.StatusCode, time.Since(start).Round(time.Millisecond))
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			err := decode(resp.Body)
			drainClose(resp.Body)
			if err != nil {
				return &DecodeError{Method: cl.method, Path: cl.path, Err: errors.New(c.redact(err.Error(), cl.secret))}
			}
			return nil
		}
		apiErr := c.checkResponse(cl, resp)
		drainClose(resp.Body)
		wait, ok := c.retryDelay(cl, try, apiErr)
		if deadline, has := ctx.Deadline(); ok && has && time.Now().Add(wait).After(deadline) {
			ok = false // the wait would outlast the call: say why now
		}
		if !ok {
			return apiErr
		}
		c.debug.printf("%s %s: retrying in %s", cl.method, cl.path, wait.Round(time.Millisecond))
		if err := sleepCtx(ctx, wait); err != nil {
			return c.transportError(ctx, cl, err)
		}
	}
}

// retryDelay decides whether a failed try is retried and after how long.
func (c *Client) retryDelay(cl call, try int, err error) (time.Duration, bool) {
	if !cl.retry || try >= maxTries {
		return 0, false
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return 0, false
	}
	switch apiErr.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	backoff := c.retryBase << (try - 1)
	// Jitter: somewhere in [backoff/2, backoff*3/2).
	if backoff > 0 {
		backoff = backoff/2 + rand.N(backoff)
	}
	var rl *RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		if rl.RetryAfter > c.retryAfterCap {
			return 0, false
		}
		backoff = max(backoff, rl.RetryAfter)
	}
	return backoff, true
}

// transportError words a failure to get any reply, without the key.
func (c *Client) transportError(ctx context.Context, cl call, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return &NetworkError{Host: c.base.Host, Err: fmt.Errorf("no reply within %s", cl.budget.Round(100*time.Millisecond))}
		}
		return ctxErr
	}
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		return redirect
	}
	return &NetworkError{Host: c.base.Host, Err: errors.New(c.redact(unwrapURLError(err), cl.secret))}
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the URL.
func unwrapURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// redact replaces the key with its masked form and the secret (the
// password) with a fixed word: a masked password would still show some of it.
func (c *Client) redact(s, secret string) string {
	for _, r := range []struct{ value, with string }{{c.apiKey, MaskKey(c.apiKey)}, {secret, "[password]"}} {
		if r.value == "" {
			continue
		}
		s = strings.ReplaceAll(s, r.value, r.with)
		if esc := url.QueryEscape(r.value); esc != r.value {
			s = strings.ReplaceAll(s, esc, r.with)
		}
	}
	return s
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// drainClose reads a little of what is left so the connection can be reused.
func drainClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 64<<10)
	_ = body.Close()
}

// debugLog is the BLOOMY_DEBUG writer; a nil *debugLog writes nothing.
type debugLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (d *debugLog) printf(format string, args ...any) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.w, time.Now().Format("15:04:05.000 ")+format+"\n", args...)
}
