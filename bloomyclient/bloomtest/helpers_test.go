package bloomtest

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Demo credentials, used throughout the tests.
const (
	ada   = "ada@acme.example"
	linus = "linus@acme.example"
	grace = "grace@globex.example"
)

// testClock is a clock a test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2025, time.March, 3, 9, 30, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newClient is an HTTP client of the test's own, so connections do not outlive it.
func newClient(t testing.TB) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// reply is what came back from one request.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// get sends GET URL()+path with the key (none when empty).
func get(t testing.TB, c *http.Client, s *Server, key, path string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, s.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return send(t, c, req)
}

// postToken sends a form-encoded password grant to path.
func postToken(t testing.TB, c *http.Client, s *Server, path string, form url.Values) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, c, req)
}

func send(t testing.TB, c *http.Client, req *http.Request) reply {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

func passwordForm(user, password string) url.Values {
	return url.Values{"grant_type": {"password"}, "userName": {user}, "password": {password}}
}

// mustKey issues a key for a login.
func mustKey(t testing.TB, s *Server, username string) string {
	t.Helper()
	key, err := s.IssueKey(username)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// decode unmarshals a reply body, failing the test on error.
func decode[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T from %.200s: %v", v, body, err)
	}
	return v
}

// keysOf lists an object's field names, sorted.
func keysOf(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}
