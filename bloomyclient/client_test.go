package bloomyclient

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"bloomy/bloomyclient/bloomtest"
)

const (
	adaUser = "ada@acme.example"
	adaPass = "lovelace"
)

// newTestClient returns a client for srv with fast retries.
func newTestClient(t testing.TB, srv *bloomtest.Server, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithBaseURL(srv.URL()), WithUserAgent("bloomy/test"), WithRetryBackoff(time.Millisecond)}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustKey(t testing.TB, srv *bloomtest.Server, user string) string {
	t.Helper()
	key, err := srv.IssueKey(user)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// requestsOn returns the requests srv saw on one route.
func requestsOn(srv *bloomtest.Server, route string) []bloomtest.Request {
	var out []bloomtest.Request
	for _, r := range srv.Requests() {
		if r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

func TestRequestTokenSendsTheFormAndReadsTheReply(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	password := "p&ss=wo+rd% é x"
	srv.AddLogin(bloomtest.Login{Username: "odd@acme.example", Password: password, Organization: "Acme Rockets"}, 0)
	c := newTestClient(t, srv)

	tok, err := c.RequestToken(context.Background(), "odd@acme.example", password)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.TokenType != "bearer" || tok.UserName != "odd@acme.example" {
		t.Errorf("token = %v", tok)
	}
	if tok.ExpiresIn != 1209599*time.Second {
		t.Errorf("ExpiresIn = %s, want 1209599s", tok.ExpiresIn)
	}
	if d := tok.ExpiresAt.Sub(tok.IssuedAt); d < 13*24*time.Hour || d > 15*24*time.Hour {
		t.Errorf("lifetime from .issued/.expires = %s, want about two weeks", d)
	}

	reqs := requestsOn(srv, bloomtest.RouteToken)
	if len(reqs) != 1 {
		t.Fatalf("server saw %d token requests, want 1", len(reqs))
	}
	r := reqs[0]
	checks := map[string][2]string{
		"method":       {r.Method, http.MethodPost},
		"path":         {r.Path, "/Token"},
		"grant_type":   {r.Form.Get("grant_type"), "password"},
		"userName":     {r.Form.Get("userName"), "odd@acme.example"},
		"password":     {r.Form.Get("password"), password},
		"Content-Type": {r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"},
		"User-Agent":   {r.Header.Get("User-Agent"), "bloomy/test"},
		"Accept":       {r.Header.Get("Accept"), "*/*"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s reached the server as %q, want %q", name, c[0], c[1])
		}
	}
	if got := r.Header.Get("Authorization"); got != "" {
		t.Errorf("the password grant carried Authorization %q", got)
	}
}

func TestRequestTokenWithAWrongPasswordSaysSoInWords(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c := newTestClient(t, srv)
	_, err := c.RequestToken(context.Background(), adaUser, "wrong")
	var ge *GrantError
	if !errors.As(err, &ge) || !ge.IsBadCredentials() {
		t.Fatalf("error = %#v, want a bad-credentials *GrantError", err)
	}
	if err.Error() != "The user name or password is incorrect." {
		t.Errorf("error text = %q", err.Error())
	}
	if n := len(requestsOn(srv, bloomtest.RouteToken)); n != 1 {
		t.Errorf("server saw %d token requests, want 1", n)
	}
}

func TestRequestTokenIsNeverRetriedOnceSent(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := bloomtest.NewTest(t, bloomtest.Options{})
			srv.SetFault(bloomtest.RouteToken, bloomtest.Fault{Status: status, RetryAfter: "0"})
			c := newTestClient(t, srv)
			if _, err := c.RequestToken(context.Background(), adaUser, adaPass); err == nil {
				t.Fatal("no error")
			}
			if n := len(requestsOn(srv, bloomtest.RouteToken)); n != 1 {
				t.Errorf("server saw %d token requests, want exactly 1", n)
			}
		})
	}
}

func TestAPICallsSendTheKeyAndUserAgent(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	key := mustKey(t, srv, adaUser)
	c := newTestClient(t, srv, WithAPIKey(key))
	me, err := c.Mine(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.Me(adaUser); me.ID != want.ID || me.Name != "Ada Lovelace" {
		t.Errorf("Mine = %+v, want id %d Ada Lovelace", me, want.ID)
	}
	r := requestsOn(srv, bloomtest.RouteMine)[0]
	if got := r.Header.Get("Authorization"); got != "Bearer "+key {
		t.Errorf("Authorization reached the server as %q", MaskKey(got))
	}
	if got := r.Header.Get("User-Agent"); got != "bloomy/test" {
		t.Errorf("User-Agent = %q", got)
	}
	if r.Path != "/api/v1/users/mine" || r.Method != http.MethodGet {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
}

func TestUserCalls(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser)))
	ctx := context.Background()
	me, err := c.Mine(ctx)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("details of a user return the same person", func(t *testing.T) {
		u, err := c.UserDetails(ctx, me.ID)
		if err != nil || u.ID != me.ID || u.Name != me.Name {
			t.Fatalf("UserDetails = %+v, %v", u, err)
		}
	})
	t.Run("details of an unknown id are a 404 API error", func(t *testing.T) {
		_, err := c.UserDetails(ctx, 1)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
			t.Fatalf("error = %v, want a 404 *APIError", err)
		}
	})
	t.Run("the chief executive has direct reports", func(t *testing.T) {
		reports, err := c.DirectReports(ctx, me.ID)
		if err != nil || len(reports) == 0 || reports[0].Name == "" {
			t.Fatalf("DirectReports = %+v, %v", reports, err)
		}
	})
	t.Run("positions come from the seats", func(t *testing.T) {
		pos, err := c.Positions(ctx, me.ID)
		if err != nil || len(pos) == 0 || pos[0].Name == "" {
			t.Fatalf("Positions = %+v, %v", pos, err)
		}
	})
	t.Run("search finds a user by part of the name", func(t *testing.T) {
		res, err := c.SearchUsers(ctx, "lovel")
		if err != nil || len(res) != 1 || res[0].ID != me.ID {
			t.Fatalf("SearchUsers = %+v, %v", res, err)
		}
		if q := requestsOn(srv, bloomtest.RouteSearchUser)[0].RawQuery; q != "term=lovel" {
			t.Errorf("query = %q", q)
		}
	})
	for _, placeholders := range []bool{false, true} {
		t.Run("all users match the server's people (placeholders "+map[bool]string{false: "dropped", true: "kept"}[placeholders]+")", func(t *testing.T) {
			got, err := c.AllUsers(ctx, placeholders)
			if err != nil {
				t.Fatal(err)
			}
			want := srv.Users(adaUser, placeholders)
			if len(got) != len(want) {
				t.Fatalf("got %d users, want %d", len(got), len(want))
			}
			sawPlaceholder := false
			for i := range want {
				g, w := got[i], want[i]
				if g.ID != w.ID || g.Name != w.Name || g.Email != w.Email || g.Position != w.Position || g.Placeholder != w.Placeholder {
					t.Fatalf("user %d = %+v, want %+v", i, g, w)
				}
				sawPlaceholder = sawPlaceholder || g.Placeholder
			}
			if sawPlaceholder != placeholders {
				t.Errorf("placeholders present = %v, want %v", sawPlaceholder, placeholders)
			}
		})
	}
	t.Run("all users asks for term=%", func(t *testing.T) {
		if q := requestsOn(srv, bloomtest.RouteSearchAll)[0].RawQuery; q != "term=%25" {
			t.Errorf("query = %q", q)
		}
	})
}

func TestTwoLoginsSeeDifferentOrganisations(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	ada, _ := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser))).AllUsers(context.Background(), false)
	grace, _ := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, "grace@globex.example"))).AllUsers(context.Background(), false)
	if len(ada) == 0 || len(grace) == 0 || ada[0].OrganizationID == grace[0].OrganizationID {
		t.Fatalf("ada sees %d users, grace %d, in the same organisation", len(ada), len(grace))
	}
}

func TestUnauthorizedIsMatchableAndWorded(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	key := mustKey(t, srv, adaUser)
	srv.RevokeKey(key)
	c := newTestClient(t, srv, WithAPIKey(key))
	_, err := c.Mine(context.Background())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("error = %v, want ErrUnauthorized", err)
	}
	if !strings.Contains(err.Error(), "expired or revoked") {
		t.Errorf("error text = %q", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "Authorization has been denied for this request." {
		t.Errorf("APIError = %+v", apiErr)
	}
}

func TestACallWithoutAKeyIsRefusedBeforeSending(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c := newTestClient(t, srv)
	if _, err := c.Mine(context.Background()); !errors.Is(err, ErrNoKey) {
		t.Fatalf("error = %v, want ErrNoKey", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server saw %d requests", n)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		fault     bloomtest.Fault
		wantTries int
		wantErr   bool
	}{
		{name: "a 503 twice is retried and then succeeds", fault: bloomtest.Fault{Status: 503, Times: 2}, wantTries: 3},
		{name: "a 502 that persists gives up after three tries", fault: bloomtest.Fault{Status: 502}, wantTries: 3, wantErr: true},
		{name: "a 504 once is retried", fault: bloomtest.Fault{Status: 504, Times: 1}, wantTries: 2},
		{name: "a 429 with a short Retry-After is retried", fault: bloomtest.Fault{Status: 429, RetryAfter: "0", Times: 1}, wantTries: 2},
		{name: "a 429 asking for longer than the cap is returned at once", fault: bloomtest.Fault{Status: 429, RetryAfter: "120"}, wantTries: 1, wantErr: true},
		{name: "a 400 is never retried", fault: bloomtest.Fault{Status: 400}, wantTries: 1, wantErr: true},
		{name: "a 401 is never retried", fault: bloomtest.Fault{Status: 401}, wantTries: 1, wantErr: true},
		{name: "a 403 is never retried", fault: bloomtest.Fault{Status: 403}, wantTries: 1, wantErr: true},
		{name: "a 404 is never retried", fault: bloomtest.Fault{Status: 404}, wantTries: 1, wantErr: true},
		{name: "a 500 is not retried", fault: bloomtest.Fault{Status: 500}, wantTries: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := bloomtest.NewTest(t, bloomtest.Options{})
			c := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser)))
			srv.SetFault(bloomtest.RouteMine, tt.fault)
			_, err := c.Mine(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if n := len(requestsOn(srv, bloomtest.RouteMine)); n != tt.wantTries {
				t.Errorf("server saw %d tries, want %d", n, tt.wantTries)
			}
		})
	}
}

func TestRateLimitErrorCarriesRetryAfter(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser)))
	srv.SetFault(bloomtest.RouteMine, bloomtest.Fault{Status: 429, RetryAfter: "120"})
	_, err := c.Mine(context.Background())
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Minute {
		t.Fatalf("error = %#v, want a *RateLimitError with RetryAfter 2m", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
		t.Errorf("a rate limit should also be an *APIError with status 429")
	}
}

func TestRetryAfterIsObeyed(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser)))
	srv.SetFault(bloomtest.RouteMine, bloomtest.Fault{Status: 429, RetryAfter: "1", Times: 1})
	if _, err := c.Mine(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := requestsOn(srv, bloomtest.RouteMine)
	if len(reqs) != 2 {
		t.Fatalf("server saw %d tries, want 2", len(reqs))
	}
	// The server's own clock: the second try came no sooner than asked.
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < time.Second {
		t.Errorf("retried after %s, but Retry-After asked for 1s", gap)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Fri, 27 Nov 2026 12:00:10 GMT": 10 * time.Second,
		"Fri, 27 Nov 2026 11:00:00 GMT": 0,
		"99999999999":                   24 * time.Hour,
		"9999999":                       24 * time.Hour,
	}
	for in, want := range tests {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestPlainHTTPIsRefusedExceptToLoopback(t *testing.T) {
	tests := []struct {
		url     string
		refused bool
	}{
		{"http://app.bloomgrowth.com", true},
		{"http://10.0.0.5:8080", true},
		{"http://127.0.0.1:8080", false},
		{"http://localhost:8080", false},
		{"http://[::1]:8080", false},
		{"https://app.bloomgrowth.com", false},
		{"https://app.bloomgrowth.com/api/v1", false},
		{"ftp://example.com", true},
		{"https://user:pw@example.com", true},
		{"not a url", true},
	}
	for _, tt := range tests {
		_, err := NewClient(WithBaseURL(tt.url))
		if (err != nil) != tt.refused {
			t.Errorf("NewClient(%q) error = %v, want refused %v", tt.url, err, tt.refused)
		}
	}
	var insecure *InsecureURLError
	_, err := NewClient(WithBaseURL("http://app.bloomgrowth.com"))
	if !errors.As(err, &insecure) || !strings.Contains(err.Error(), "use https") {
		t.Errorf("error = %v, want an *InsecureURLError that says to use https", err)
	}
}

func TestBaseURLWithAPIRootIsAccepted(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c, err := NewClient(WithBaseURL(srv.URL()+"/api/v1/"), WithAPIKey(mustKey(t, srv, adaUser)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Mine(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != srv.URL() {
		t.Errorf("BaseURL = %q, want %q", c.BaseURL(), srv.URL())
	}
}

// redirector sends every request to target with a 302 (or 307 to keep the body).
func redirector(t *testing.T, target string, code int, tls bool) *httptest.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+r.URL.RequestURI(), code)
	})
	var s *httptest.Server
	if tls {
		s = httptest.NewTLSServer(h)
	} else {
		s = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func TestRedirectsNeverCarryTheKeyElsewhere(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	key := mustKey(t, srv, adaUser)
	// bloomtest listens on 127.0.0.1; "localhost" is another host name.
	target := strings.Replace(srv.URL(), "127.0.0.1", "localhost", 1)

	t.Run("a redirect to another host is not followed with the key", func(t *testing.T) {
		srv.ResetRequests()
		from := redirector(t, target, http.StatusFound, false)
		c, _ := NewClient(WithBaseURL(from.URL), WithAPIKey(key))
		_, err := c.Mine(context.Background())
		var re *RedirectError
		if !errors.As(err, &re) || strings.Contains(err.Error(), key) {
			t.Fatalf("error = %v, want a *RedirectError", err)
		}
		if n := len(requestsOn(srv, bloomtest.RouteMine)); n != 0 {
			t.Fatalf("the other host saw %d requests", n)
		}
	})
	t.Run("a redirect from https to http is not followed with the key", func(t *testing.T) {
		srv.ResetRequests()
		from := redirector(t, srv.URL(), http.StatusFound, true)
		c, _ := NewClient(WithBaseURL(from.URL), WithAPIKey(key), WithHTTPClient(from.Client()))
		_, err := c.Mine(context.Background())
		var re *RedirectError
		if !errors.As(err, &re) {
			t.Fatalf("error = %v, want a *RedirectError", err)
		}
		if n := len(requestsOn(srv, bloomtest.RouteMine)); n != 0 {
			t.Fatalf("the plain-http host saw %d requests", n)
		}
	})
	t.Run("a 307 of the login form to another host is refused", func(t *testing.T) {
		srv.ResetRequests()
		from := redirector(t, target, http.StatusTemporaryRedirect, false)
		c, _ := NewClient(WithBaseURL(from.URL))
		_, err := c.RequestToken(context.Background(), adaUser, adaPass)
		if err == nil {
			t.Fatal("the login was followed to another host")
		}
		if n := len(requestsOn(srv, bloomtest.RouteToken)); n != 0 {
			t.Errorf("the password reached the other host (%d requests)", n)
		}
	})
	t.Run("a redirect within the host keeps the key", func(t *testing.T) {
		var hits atomic.Int32
		mux := http.NewServeMux()
		mux.HandleFunc("/old/api/v1/users/mine", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/api/v1/users/mine", http.StatusMovedPermanently)
		})
		mux.HandleFunc("/api/v1/users/mine", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "Bearer "+key {
				hits.Add(1)
			}
			w.Write([]byte(`{"Id":1,"Name":"x"}`))
		})
		s := httptest.NewServer(mux)
		defer s.Close()
		c, _ := NewClient(WithBaseURL(s.URL+"/old"), WithAPIKey(key))
		if _, err := c.Mine(context.Background()); err != nil || hits.Load() != 1 {
			t.Fatalf("err %v, authorised hits %d", err, hits.Load())
		}
	})
}

func TestMalformedRepliesGiveClearErrors(t *testing.T) {
	tests := []struct {
		name    string
		route   string
		fault   bloomtest.Fault
		call    func(*Client) error
		wantErr string
	}{
		{name: "a truncated user list", route: bloomtest.RouteSearchAll, fault: bloomtest.Fault{Truncate: true},
			call: func(c *Client) error { _, err := c.AllUsers(context.Background(), false); return err }, wantErr: "cut short"},
		{name: "a user list of the wrong shape", route: bloomtest.RouteSearchAll, fault: bloomtest.Fault{Malformed: true},
			call: func(c *Client) error { _, err := c.AllUsers(context.Background(), false); return err }, wantErr: "unexpected reply to GET search/all"},
		{name: "a users/mine of the wrong shape", route: bloomtest.RouteMine, fault: bloomtest.Fault{Malformed: true},
			call: func(c *Client) error { _, err := c.Mine(context.Background()); return err }, wantErr: "unexpected reply to GET users/mine"},
		{name: "a truncated users/mine", route: bloomtest.RouteMine, fault: bloomtest.Fault{Truncate: true},
			call: func(c *Client) error { _, err := c.Mine(context.Background()); return err }, wantErr: "cut short"},
		{name: "an HTML error page", route: bloomtest.RouteMine, fault: bloomtest.Fault{Status: 500, HTML: true},
			call: func(c *Client) error { _, err := c.Mine(context.Background()); return err }, wantErr: "500 Internal Server Error"},
		{name: "an empty 200 body", route: bloomtest.RouteMine, fault: bloomtest.Fault{Status: 200, Body: " "},
			call: func(c *Client) error { _, err := c.Mine(context.Background()); return err }, wantErr: "empty"},
		{name: "a dropped connection", route: bloomtest.RouteMine, fault: bloomtest.Fault{Drop: true},
			call: func(c *Client) error { _, err := c.Mine(context.Background()); return err }, wantErr: "cannot reach"},
		{name: "a malformed token reply", route: bloomtest.RouteToken, fault: bloomtest.Fault{Malformed: true},
			call: func(c *Client) error { _, err := c.RequestToken(context.Background(), adaUser, adaPass); return err }, wantErr: "unexpected reply to POST /Token"},
		{name: "a slow reply past the timeout", route: bloomtest.RouteMine, fault: bloomtest.Fault{Latency: 5 * time.Second},
			call: func(c *Client) error { _, err := c.Mine(context.Background()); return err }, wantErr: "no reply within 200ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := bloomtest.NewTest(t, bloomtest.Options{})
			c := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser)), WithTimeout(200*time.Millisecond))
			srv.SetFault(tt.route, tt.fault)
			err := tt.call(c)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestAnHTMLErrorPageIsShortenedToText(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser)))
	srv.SetFault(bloomtest.RouteMine, bloomtest.Fault{Status: 500, HTML: true})
	_, err := c.Mine(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v", err)
	}
	if strings.ContainsAny(apiErr.Message, "<>\n") || len(apiErr.Message) > maxExcerpt+4 {
		t.Errorf("message %q is not a short plain excerpt", apiErr.Message)
	}
}

func TestCancellationStopsACall(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser)))
	srv.SetFault(bloomtest.RouteMine, bloomtest.Fault{Latency: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := c.Mine(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

// Every error path, with a sentinel key and password: neither may appear in
// an error string or in the debug log.
func TestNoErrorOrLogShowsTheKeyOrPassword(t *testing.T) {
	const sentinelPass = "SENTINEL-PASSWORD-&=+% é"
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	srv.AddLogin(bloomtest.Login{Username: "s@acme.example", Password: sentinelPass, Organization: "Acme Rockets"}, 0)
	key := mustKey(t, srv, "s@acme.example")
	var log bytes.Buffer

	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A hostile or broken server that echoes what it was sent.
		_ = r.ParseForm()
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"Message":"you sent ` + r.Header.Get("Authorization") + ` ` + r.Form.Get("password") + `","error":"x ` + r.Form.Get("password") + `","error_description":"` + r.Form.Get("password") + `"}`))
	}))
	defer echo.Close()

	routes := []string{bloomtest.RouteMine, bloomtest.RouteSearchAll, bloomtest.RouteToken}
	faults := []bloomtest.Fault{
		{Status: 401}, {Status: 403}, {Status: 404}, {Status: 429, RetryAfter: "999"}, {Status: 500, HTML: true},
		{Status: 503}, {Truncate: true}, {Malformed: true}, {Drop: true}, {Latency: time.Second},
	}
	var errs []error
	for _, base := range []string{srv.URL(), echo.URL} {
		c, err := NewClient(WithBaseURL(base), WithAPIKey(key), WithRetryBackoff(time.Millisecond), WithTimeout(100*time.Millisecond), WithDebugLog(&log))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, route := range routes {
			for _, f := range faults {
				srv.ClearFaults()
				srv.SetFault(route, f)
				_, err1 := c.Mine(ctx)
				_, err2 := c.AllUsers(ctx, true)
				_, err3 := c.RequestToken(ctx, "s@acme.example", sentinelPass)
				_, err4 := c.RequestToken(ctx, "s@acme.example", sentinelPass+"wrong")
				errs = append(errs, err1, err2, err3, err4)
			}
		}
	}
	srv.ClearFaults()
	srv.RevokeKey(key)
	c := newTestClient(t, srv, WithAPIKey(key), WithDebugLog(&log))
	_, err := c.Mine(context.Background())
	errs = append(errs, err)
	_, err = NewClient(WithBaseURL("http://example.com/"+key), WithAPIKey(key))
	errs = append(errs, err)

	failures := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		failures++
		for _, secret := range []string{key, sentinelPass, "SENTINEL-PASSWORD"} {
			if strings.Contains(err.Error(), secret) || strings.Contains(strings.ToLower(err.Error()), strings.ToLower(secret)) {
				t.Errorf("error %q shows a secret", err)
			}
		}
	}
	if failures < 50 {
		t.Errorf("only %d error paths ran", failures)
	}
	for _, secret := range []string{key, "SENTINEL-PASSWORD"} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("the debug log shows a secret")
		}
	}
	if !strings.Contains(log.String(), MaskKey(key)) {
		t.Errorf("the debug log does not name the masked key; log:\n%s", log.String())
	}
}

func TestALongEchoedKeyIsMaskedBeforeTheExcerptIsCut(t *testing.T) {
	key := strings.Repeat("k", 300)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"Message":"Access denied for bearer token ` + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + `"}`))
	}))
	defer echo.Close()
	c, _ := NewClient(WithBaseURL(echo.URL), WithAPIKey(key))
	_, err := c.Mine(context.Background())
	if err == nil || strings.Contains(err.Error(), strings.Repeat("k", 12)) {
		t.Fatalf("error shows part of the key: %v", err)
	}
}

func TestAnEchoedPasswordIsReplacedWhole(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_grant","error_description":"The password ` + r.Form.Get("password") + ` is incorrect."}`))
	}))
	defer echo.Close()
	c, _ := NewClient(WithBaseURL(echo.URL))
	_, err := c.RequestToken(context.Background(), "u@x", "correcthorsebattery")
	if err == nil || strings.Contains(err.Error(), "horse") || strings.Contains(err.Error(), "ttery") || !strings.Contains(err.Error(), "[password]") {
		t.Fatalf("error shows part of the password: %v", err)
	}
}

func TestARetryAfterPastTheDeadlineIsReportedAtOnce(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	c := newTestClient(t, srv, WithAPIKey(mustKey(t, srv, adaUser)))
	srv.SetFault(bloomtest.RouteMine, bloomtest.Fault{Status: 429, RetryAfter: "25"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Mine(ctx)
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("error = %v, want a *RateLimitError", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("waited %s for a retry that could not fit", time.Since(start))
	}
}

func TestMaskKey(t *testing.T) {
	tests := map[string]string{
		"":                     "",
		"abc":                  "…",
		"abcdefgh":             "…gh",
		"abcdefghijklmnop":     "abcd…mnop",
		"ÅÄÖabcdefghijklmnöpq": "ÅÄÖa…nöpq",
	}
	for in, want := range tests {
		if got := MaskKey(in); got != want {
			t.Errorf("MaskKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestA401FromTheLoginIsNotAboutAKey(t *testing.T) {
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	srv.SetFault(bloomtest.RouteToken, bloomtest.Fault{Status: 401})
	_, err := newTestClient(t, srv).RequestToken(context.Background(), adaUser, adaPass)
	if err == nil || errors.Is(err, ErrUnauthorized) || strings.Contains(err.Error(), "key rejected") {
		t.Fatalf("error = %v; a refused login is not a rejected key", err)
	}
}
