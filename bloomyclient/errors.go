package bloomyclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrUnauthorized matches (with errors.Is) a 401 from the API: the key is
// missing, invalid, revoked or — most often — past its two weeks.
var ErrUnauthorized = errors.New("key rejected — expired or revoked; log in again")

// ErrNoKey is returned by API calls on a client that has no key.
var ErrNoKey = errors.New("no API key: log in first")

// APIError is a non-2xx reply from the API.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	// Message is the server's Message field, or a short excerpt of a body that
	// is not JSON, with any key masked.
	Message string
}

// Error implements error.
func (e *APIError) Error() string {
	if e.Is(ErrUnauthorized) {
		return ErrUnauthorized.Error()
	}
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes a 401 from the API match ErrUnauthorized (a 401 from the login
// itself is about the password, not a key).
func (e *APIError) Is(target error) bool {
	return target == ErrUnauthorized && e.StatusCode == http.StatusUnauthorized && e.Path != tokenPath
}

// RateLimitError is a 429 reply; RetryAfter is what the server asked for (0 if nothing).
type RateLimitError struct {
	APIError
	RetryAfter time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	s := "rate limited by the server"
	if e.RetryAfter > 0 {
		s += fmt.Sprintf("; try again in %s", e.RetryAfter.Round(time.Second))
	}
	return s
}

// Unwrap lets errors.As reach the *APIError.
func (e *RateLimitError) Unwrap() error { return &e.APIError }

// GrantError is a refused password grant, carrying the server's words.
type GrantError struct {
	StatusCode  int
	Code        string // e.g. "invalid_grant"
	Description string // the server's error_description
}

// Error implements error: the server's description in words.
func (e *GrantError) Error() string {
	switch {
	case e.Code == "invalid_grant" && e.Description == "":
		return "The user name or password is incorrect."
	case e.Description != "":
		return e.Description
	case e.Code != "":
		return "login refused by the server: " + e.Code
	default:
		return fmt.Sprintf("login refused by the server (%d %s)", e.StatusCode, http.StatusText(e.StatusCode))
	}
}

// IsBadCredentials reports whether the grant failed because of the user name or password.
func (e *GrantError) IsBadCredentials() bool { return e.Code == "invalid_grant" }

// NetworkError is a call that got no reply: refused, dropped, timed out, TLS.
type NetworkError struct {
	Host string
	Err  error
}

// Error implements error.
func (e *NetworkError) Error() string { return fmt.Sprintf("cannot reach %s: %v", e.Host, e.Err) }

// Unwrap returns the cause.
func (e *NetworkError) Unwrap() error { return e.Err }

// DecodeError is a 2xx reply whose body is not what the API contract says.
type DecodeError struct {
	Method, Path string
	Err          error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("unexpected reply to %s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// RedirectError is a redirect bloomy would not follow with the key: to
// another host, or from https to http.
type RedirectError struct{ To string }

// Error implements error.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("the server redirected to %s; bloomy does not take the key to another host or over plain http (check the host setting)", e.To)
}

// InsecureURLError refuses plain http to a host that is not loopback: the key
// (or the password) would cross the network in the clear.
type InsecureURLError struct{ Host string }

// Error implements error.
func (e *InsecureURLError) Error() string {
	return fmt.Sprintf("refusing plain http to %s: keys and passwords would travel unencrypted; use https (plain http is allowed only to localhost)", e.Host)
}

const maxErrorBody = 64 << 10
const maxExcerpt = 160

// checkResponse turns a non-2xx reply into a typed error. It reads at most
// 64 KiB of the body and keeps a short excerpt; keys and secrets are masked.
func (c *Client) checkResponse(cl call, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	// Secrets go before anything is cut short, so no part of one survives.
	raw := []byte(c.redact(string(body), cl.secret))
	if cl.form != nil && resp.StatusCode == http.StatusBadRequest {
		var g struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(raw, &g) == nil && g.Error != "" {
			return &GrantError{
				StatusCode:  resp.StatusCode,
				Code:        c.redact(excerpt(g.Error), cl.secret),
				Description: c.redact(excerpt(g.Description), cl.secret),
			}
		}
	}
	apiErr := APIError{
		Method:     cl.method,
		Path:       cl.path,
		StatusCode: resp.StatusCode,
		Message:    c.redact(bodyMessage(raw), cl.secret),
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return &RateLimitError{APIError: apiErr, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	return &apiErr
}

var (
	tagPattern   = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)
	spacePattern = regexp.MustCompile(`\s+`)
)

// bodyMessage is the server's Message (or message/error_description), else a
// short excerpt of the text with any HTML tags removed.
func bodyMessage(raw []byte) string {
	var m struct {
		Message     string `json:"Message"`
		Lower       string `json:"message"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(raw, &m) == nil {
		for _, s := range []string{m.Message, m.Lower, m.Description} {
			if s != "" {
				return excerpt(s)
			}
		}
	}
	text := tagPattern.ReplaceAllString(string(raw), " ")
	return excerpt(text)
}

// excerpt collapses white space, drops control characters and cuts s short.
func excerpt(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(spacePattern.ReplaceAllString(s, " "))
	if r := []rune(s); len(r) > maxExcerpt {
		s = string(r[:maxExcerpt]) + "…"
	}
	return s
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		secs = min(secs, 24*3600) // anything past a day is "too long" anyway
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
