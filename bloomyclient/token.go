package bloomyclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// tokenPath is the password grant's path below the host.
const tokenPath = "/Token"

// KeyLifetime is how long Bloom Growth keeps a key valid.
const KeyLifetime = 14 * 24 * time.Hour

// Token is a key issued by the password grant.
type Token struct {
	AccessToken string
	TokenType   string
	ExpiresIn   time.Duration
	UserName    string
	IssuedAt    time.Time
	ExpiresAt   time.Time
}

// String shows the token with its key masked, so a stray %v never leaks it.
func (t Token) String() string {
	return fmt.Sprintf("Token{%s %s, user %s, expires %s}", t.TokenType, MaskKey(t.AccessToken), t.UserName, t.ExpiresAt.Format(time.RFC3339))
}

// GoString masks the key for %#v too.
func (t Token) GoString() string { return t.String() }

// LogValue masks the key in structured logs.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// RequestToken runs the password grant (POST /Token) and returns the new key.
// It is never retried once sent, and the password appears in no error.
func (c *Client) RequestToken(ctx context.Context, username, password string) (*Token, error) {
	if strings.TrimSpace(username) == "" {
		return nil, errors.New("the login email is empty")
	}
	if password == "" {
		return nil, errors.New("the password is empty")
	}
	form := url.Values{
		"grant_type": {"password"},
		"userName":   {username},
		"password":   {password},
	}
	var tok *Token
	err := c.do(ctx, call{method: http.MethodPost, path: tokenPath, form: form, secret: password}, func(r io.Reader) error {
		var err error
		tok, err = decodeToken(r, time.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return tok, nil
}

// tokenReply is the JSON of a successful grant.
type tokenReply struct {
	AccessToken *string      `json:"access_token"`
	TokenType   string       `json:"token_type"`
	ExpiresIn   *json.Number `json:"expires_in"`
	UserName    string       `json:"userName"`
	Issued      string       `json:".issued"`
	Expires     string       `json:".expires"`
}

// decodeToken reads a grant reply. Times come from .issued/.expires, else now
// and now + expires_in, else now + two weeks.
func decodeToken(r io.Reader, now time.Time) (*Token, error) {
	var rep tokenReply
	dec := json.NewDecoder(io.LimitReader(r, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(&rep); err != nil {
		return nil, jsonProblem(err)
	}
	if rep.AccessToken == nil || *rep.AccessToken == "" {
		return nil, errors.New("the reply has no access_token")
	}
	key := *rep.AccessToken
	if !utf8.ValidString(key) || strings.ContainsAny(key, " \t\r\n") {
		return nil, errors.New("the access_token is not a usable key")
	}
	tok := &Token{AccessToken: key, TokenType: rep.TokenType, UserName: rep.UserName}
	if rep.ExpiresIn != nil {
		secs, err := rep.ExpiresIn.Float64()
		if err != nil || secs < 0 || secs > 10*365*24*3600 {
			return nil, errors.New("expires_in is not a number of seconds")
		}
		tok.ExpiresIn = time.Duration(secs * float64(time.Second))
	}
	tok.IssuedAt = parseHTTPTime(rep.Issued)
	tok.ExpiresAt = parseHTTPTime(rep.Expires)
	if tok.IssuedAt.IsZero() {
		tok.IssuedAt = now.UTC().Truncate(time.Second)
	}
	if tok.ExpiresAt.IsZero() {
		life := tok.ExpiresIn
		if life == 0 {
			life = KeyLifetime
		}
		tok.ExpiresAt = tok.IssuedAt.Add(life).Truncate(time.Second)
	}
	if tok.ExpiresIn == 0 {
		tok.ExpiresIn = tok.ExpiresAt.Sub(tok.IssuedAt)
	}
	return tok, nil
}

// parseHTTPTime reads an RFC 1123 date as the server sends it; zero if absent or unreadable.
func parseHTTPTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, http.TimeFormat, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// jsonProblem words a decoding error without echoing the body.
func jsonProblem(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("the reply is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the reply is cut short (truncated JSON)")
	case errors.As(err, &syn):
		return fmt.Errorf("the reply is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the reply"
		}
		return fmt.Errorf("%s is a JSON %s, expected %s", field, typ.Value, typ.Type)
	default:
		return err
	}
}
