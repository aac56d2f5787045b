// Package bloomtest is a fake Bloom Growth API server: the password grant at /Token and
// the users and search calls under /api/v1, with demo organisations generated from a
// seed, keys that expire and can be revoked, per-route fault injection and a log of the
// requests it saw. Every test of the project and the program's demo mode talk to it.
//
// It only ever listens on a loopback address.
package bloomtest

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults used where Options leaves a field at its zero value.
const (
	DefaultAddr        = "127.0.0.1:0"
	DefaultSeed        = 1
	DefaultUsers       = 40
	DefaultKeyLifetime = 14 * 24 * time.Hour
)

// maxLoggedRequests bounds the request log so a long-running demo server does not
// grow without limit; the oldest entries are dropped first.
const maxLoggedRequests = 100_000

// closeTimeout is how long Close waits for in-flight requests before cutting
// them off. It is short: a client that dialled a spare connection and never
// used it would otherwise hold every test's clean-up for five seconds.
const closeTimeout = 250 * time.Millisecond

// Options configures a fake server. Zero values mean defaults.
type Options struct {
	// Addr is the listen address, "127.0.0.1:0" by default. It must be a loopback
	// address ("localhost:N" is allowed); New refuses anything else.
	Addr string
	// Seed drives the generated organisations, 1 by default: the same seed gives
	// byte-identical organisations.
	Seed int64
	// Users is how many people are generated in each demo organisation, 40 by default.
	Users int
	// KeyLifetime is how long an issued key is accepted, two weeks by default. The
	// token reply's expires_in is int(KeyLifetime.Seconds())-1, as the real server sends.
	KeyLifetime time.Duration
	// Now is the server's clock, time.Now by default; tests move it to expire keys.
	Now func() time.Time
	// NoDemoLogins starts the server with no logins at all; tests then call AddLogin.
	NoDemoLogins bool
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Users <= 0 {
		o.Users = DefaultUsers
	}
	if o.KeyLifetime <= 0 {
		o.KeyLifetime = DefaultKeyLifetime
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Route names, used by SetFault and reported in Request.Route.
const (
	RouteToken         = "token"
	RouteMine          = "users/mine"
	RouteUser          = "users/{id}"
	RouteDirectReports = "users/{id}/directreports"
	RouteSeats         = "users/{id}/seats"
	RouteSearchUser    = "search/user"
	RouteSearchAll     = "search/all"
)

// Request is one request as the server saw it, kept in the request log.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	// Route is one of the Route constants, or "" for a path the server does not serve.
	Route  string
	Header http.Header
	// Form is the parsed form body of POST /Token (password included); nil otherwise.
	Form url.Values
	// Time is the arrival time by the server's clock (Options.Now).
	Time time.Time
}

// Server is a running fake Bloom Growth API server. All its methods are safe for
// concurrent use.
type Server struct {
	opts    Options
	handler http.Handler

	// Serving; httpServer is nil for a server built without listening (in tests).
	httpServer *http.Server
	url        string
	baseCtx    context.Context
	cancelBase context.CancelFunc
	serveDone  chan struct{}
	closeOnce  sync.Once

	// mu guards the accounts: logins, organisations, keys and the ID counter.
	mu         sync.RWMutex
	logins     map[string]*login // by lower-cased user name
	loginOrder []*login
	orgs       map[string]*organization // by name
	keys       map[string]*apiKey
	lastID     int64

	faultMu sync.Mutex
	faults  map[string]*faultState

	logMu    sync.Mutex
	requests []Request
}

// New builds a server with its demo logins (unless opts.NoDemoLogins) and starts
// serving it on opts.Addr, which must be a loopback address.
func New(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	if err := checkLoopback(opts.Addr); err != nil {
		return nil, err
	}
	s := newServer(opts)
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("bloomtest: listen on %s: %w", opts.Addr, err)
	}
	if !isLoopback(ln.Addr()) {
		ln.Close()
		return nil, fmt.Errorf("bloomtest: %s resolved to %s, which is not a loopback address", opts.Addr, ln.Addr())
	}
	s.url = "http://" + ln.Addr().String()
	s.baseCtx, s.cancelBase = context.WithCancel(context.Background())
	s.httpServer = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.baseCtx },
		// The demo runs inside a terminal UI: the server must never write to stderr.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	s.serveDone = make(chan struct{})
	go func() {
		defer close(s.serveDone)
		s.httpServer.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return s, nil
}

// NewTest starts a server for a test or benchmark and closes it when the test ends.
func NewTest(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newServer(opts Options) *Server {
	s := &Server{
		opts:   opts,
		logins: make(map[string]*login),
		orgs:   make(map[string]*organization),
		keys:   make(map[string]*apiKey),
		faults: make(map[string]*faultState),
		lastID: firstID,
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	if !opts.NoDemoLogins {
		for _, d := range demoLogins {
			s.addLogin(d.Login, opts.Users, d.name, d.seats)
		}
	}
	return s
}

// URL is the server's base URL, such as "http://127.0.0.1:PORT", without a trailing
// slash. The API root is URL()+"/api/v1".
func (s *Server) URL() string { return s.url }

// Handler is the server's request handler, for use with httptest recorders or servers.
// Where the connection cannot be hijacked (a ResponseRecorder), a Drop fault or a
// request cancelled during a Latency fault panics with http.ErrAbortHandler, which
// net/http servers absorb by closing the connection.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the server: requests waiting in a Latency fault are cancelled, the
// rest may finish within a quarter of a second and are then cut off. Calling it
// again does nothing. It always returns nil; the error is there for io.Closer.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.httpServer == nil {
			return
		}
		s.cancelBase()
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		if err := s.httpServer.Shutdown(ctx); err != nil {
			// Past the wait, the rest is cut off: that is what Close is for.
			s.httpServer.Close()
		}
		<-s.serveDone
	})
	return nil
}

// Requests returns a copy of the request log, in arrival order.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone()
		if r.Form != nil {
			r.Form = cloneValues(r.Form)
		}
		out[i] = r
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	s.requests = nil
	s.logMu.Unlock()
}

func (s *Server) record(r Request) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.requests) >= maxLoggedRequests {
		n := copy(s.requests, s.requests[maxLoggedRequests/10:])
		clear(s.requests[n:])
		s.requests = s.requests[:n]
	}
	s.requests = append(s.requests, r)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// call is one request matched to a route.
type call struct {
	route string
	id    string     // the {id} path segment, for the users/{id} routes
	form  url.Values // POST /Token body
}

// matchRoute maps a path to its route. Paths are matched case-insensitively, as the
// real (ASP.NET) server does, and a trailing slash is ignored.
func matchRoute(path string) call {
	p := strings.TrimSuffix(path, "/")
	if strings.EqualFold(p, "/token") {
		return call{route: RouteToken}
	}
	const apiRoot = "/api/v1/"
	if len(p) <= len(apiRoot) || !strings.EqualFold(p[:len(apiRoot)], apiRoot) {
		return call{}
	}
	parts := strings.Split(p[len(apiRoot):], "/")
	lower := func(i int) string { return strings.ToLower(parts[i]) }
	switch {
	case len(parts) == 2 && lower(0) == "users" && lower(1) == "mine":
		return call{route: RouteMine}
	case len(parts) == 2 && lower(0) == "users":
		return call{route: RouteUser, id: parts[1]}
	case len(parts) == 3 && lower(0) == "users" && lower(2) == "directreports":
		return call{route: RouteDirectReports, id: parts[1]}
	case len(parts) == 3 && lower(0) == "users" && lower(2) == "seats":
		return call{route: RouteSeats, id: parts[1]}
	case len(parts) == 2 && lower(0) == "search" && lower(1) == "user":
		return call{route: RouteSearchUser}
	case len(parts) == 2 && lower(0) == "search" && lower(1) == "all":
		return call{route: RouteSearchAll}
	}
	return call{}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	c := matchRoute(r.URL.Path)
	if c.route == RouteToken && r.Method == http.MethodPost {
		c.form = readForm(r)
	}
	s.record(Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Route:    c.route,
		Header:   r.Header.Clone(),
		Form:     c.form,
		Time:     s.opts.Now(),
	})
	if c.route != "" {
		if f, ok := s.takeFault(c.route); ok && s.applyFault(w, r, c, f) {
			return
		}
	}
	s.answer(w, r, c)
}

// answer serves a request normally, with no fault.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, c call) {
	switch c.route {
	case "":
		writeJSON(w, http.StatusNotFound, apiMessage{
			Message: fmt.Sprintf("No HTTP resource was found that matches the request URI '%s'.", r.URL.Path),
		})
	case RouteToken:
		s.serveToken(w, r, c.form)
	default:
		s.serveAPI(w, r, c)
	}
}

// checkLoopback refuses a listen address whose host is not loopback. An empty host
// (":8080") means every interface and is refused too.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bloomtest: listen address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip, err := netip.ParseAddr(host)
	if err == nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("bloomtest: refusing to listen on %q: only loopback addresses (127.0.0.1, ::1, localhost) are allowed", addr)
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
