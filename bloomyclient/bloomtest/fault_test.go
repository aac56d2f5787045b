package bloomtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// outcome is what a client got from one request: a reply or a transport error.
type outcome struct {
	reply
	err     error
	elapsed time.Duration
}

// try sends a request and returns the error instead of failing, for faults that break
// the transport.
func try(c *http.Client, req *http.Request) outcome {
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return outcome{err: err, elapsed: time.Since(start)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return outcome{reply: reply{resp.StatusCode, resp.Header, body}, err: err, elapsed: time.Since(start)}
}

func TestFaults(t *testing.T) {
	s := NewTest(t, Options{})
	me := s.Me(ada)
	key := mustKey(t, s, ada)
	paths := map[string]string{
		RouteToken:         "/Token",
		RouteMine:          "/api/v1/users/mine",
		RouteUser:          fmt.Sprintf("/api/v1/users/%d", me.ID),
		RouteDirectReports: fmt.Sprintf("/api/v1/users/%d/directreports", me.ID),
		RouteSeats:         fmt.Sprintf("/api/v1/users/%d/seats", me.ID),
		RouteSearchUser:    "/api/v1/search/user?term=a",
		RouteSearchAll:     "/api/v1/search/all?term=%25",
	}
	request := func(route, key string) *http.Request {
		if route == RouteToken {
			req, _ := http.NewRequest(http.MethodPost, s.URL()+paths[route], strings.NewReader(passwordForm(ada, "lovelace").Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req
		}
		req, _ := http.NewRequest(http.MethodGet, s.URL()+paths[route], nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		return req
	}

	tests := []struct {
		name   string
		route  string
		fault  Fault
		noKey  bool
		assert func(t *testing.T, got outcome, normal []byte)
	}{
		{"a 503 fault answers 503 with a JSON message", RouteMine, Fault{Status: 503},
			false, wantStatusJSON(503, "The service is temporarily unavailable.")},
		{"a 500 fault answers 500 with a JSON message", RouteSearchAll, Fault{Status: 500},
			false, wantStatusJSON(500, "An error has occurred.")},
		{"a 401 fault looks like a rejected key", RouteMine, Fault{Status: 401},
			false, wantStatusJSON(401, unauthorizedMessage)},
		{"faults come before the key check", RouteSearchAll, Fault{Status: 503},
			true, wantStatusJSON(503, "The service is temporarily unavailable.")},
		{"a 429 fault carries Retry-After", RouteSearchAll, Fault{Status: 429, RetryAfter: "7"},
			false, func(t *testing.T, got outcome, _ []byte) {
				wantStatusJSON(429, "")(t, got, nil)
				if ra := got.header.Get("Retry-After"); ra != "7" {
					t.Errorf("Retry-After = %q, want 7", ra)
				}
			}},
		{"a status fault can carry its own body", RouteMine, Fault{Status: 403, Body: `{"Message":"Nope."}`},
			false, wantStatusJSON(403, "Nope.")},
		{"a token fault can answer like the OAuth server", RouteToken, Fault{Status: 400, Body: `{"error":"invalid_grant"}`},
			false, func(t *testing.T, got outcome, _ []byte) {
				if got.status != 400 || string(got.body) != `{"error":"invalid_grant"}` {
					t.Errorf("got %d %s", got.status, got.body)
				}
			}},
		{"an HTML fault sends an HTML page", RouteSearchAll, Fault{Status: 502, HTML: true},
			false, func(t *testing.T, got outcome, _ []byte) {
				if got.err != nil || got.status != 502 {
					t.Fatalf("got %d, %v", got.status, got.err)
				}
				if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type = %q", ct)
				}
				if !strings.HasPrefix(string(got.body), "<!DOCTYPE html>") || json.Valid(got.body) {
					t.Errorf("body = %s", got.body)
				}
			}},
		{"an HTML fault without a status is a 500", RouteToken, Fault{HTML: true},
			false, func(t *testing.T, got outcome, _ []byte) {
				if got.status != 500 || !strings.Contains(string(got.body), "500 Internal Server Error") {
					t.Errorf("got %d %s", got.status, got.body)
				}
			}},
		{"a truncated search/all is the first half of the real one", RouteSearchAll, Fault{Truncate: true},
			false, wantTruncated},
		{"a truncated users/mine is the first half of the real one", RouteMine, Fault{Truncate: true},
			false, wantTruncated},
		{"a truncated token reply is half a token reply", RouteToken, Fault{Truncate: true},
			false, func(t *testing.T, got outcome, _ []byte) {
				if got.status != 200 || json.Valid(got.body) || !strings.HasPrefix(string(got.body), `{"access_token":"`) {
					t.Errorf("got %d %s", got.status, got.body)
				}
			}},
		{"a malformed users/mine has mistyped fields", RouteMine, Fault{Malformed: true},
			false, wantMalformed[userReply]},
		{"a malformed users/{id} has mistyped fields", RouteUser, Fault{Malformed: true},
			false, wantMalformed[userReply]},
		{"a malformed directreports is an object, not an array", RouteDirectReports, Fault{Malformed: true},
			false, wantMalformed[[]userReply]},
		{"a malformed seats reply is an object, not an array", RouteSeats, Fault{Malformed: true},
			false, wantMalformed[[]seatReply]},
		{"a malformed search/user is an object, not an array", RouteSearchUser, Fault{Malformed: true},
			false, wantMalformed[[]searchUserResult]},
		{"a malformed search/all is an object, not an array", RouteSearchAll, Fault{Malformed: true},
			false, wantMalformed[[]searchAllResult]},
		{"a malformed token reply has mistyped fields", RouteToken, Fault{Malformed: true},
			false, wantMalformed[tokenReply]},
		{"a body alone is sent with a 200", RouteSearchAll, Fault{Body: `[{"Id":1,"Name":"Only","ResultType":"User"}]`},
			false, func(t *testing.T, got outcome, _ []byte) {
				if got.status != 200 || string(got.body) != `[{"Id":1,"Name":"Only","ResultType":"User"}]` {
					t.Errorf("got %d %s", got.status, got.body)
				}
			}},
		{"a dropped search/all gives the client an error", RouteSearchAll, Fault{Drop: true},
			false, wantTransportError},
		{"a dropped token request gives the client an error", RouteToken, Fault{Drop: true},
			false, wantTransportError},
		{"latency delays the normal reply", RouteMine, Fault{Latency: 80 * time.Millisecond},
			false, func(t *testing.T, got outcome, normal []byte) {
				if got.status != 200 || string(got.body) != string(normal) || got.elapsed < 80*time.Millisecond {
					t.Errorf("got %d after %v: %s", got.status, got.elapsed, got.body)
				}
			}},
		{"latency then a status delays the error", RouteSearchUser, Fault{Latency: 50 * time.Millisecond, Status: 504},
			false, func(t *testing.T, got outcome, _ []byte) {
				if got.status != 504 || got.elapsed < 50*time.Millisecond {
					t.Errorf("got %d after %v", got.status, got.elapsed)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.ClearFaults()
			// A fresh connection each time: Go's transport retries a GET once, silently,
			// when a reused connection is closed before any reply byte.
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
			normal := try(c, request(tt.route, key))
			s.SetFault(tt.route, tt.fault)
			k := key
			if tt.noKey {
				k = ""
			}
			got := try(c, request(tt.route, k))
			tt.assert(t, got, normal.body)

			t.Run("other routes are unaffected", func(t *testing.T) {
				for route := range paths {
					if route == tt.route {
						continue
					}
					if o := try(c, request(route, key)); o.err != nil || o.status != 200 {
						t.Errorf("%s: %d %v", route, o.status, o.err)
					}
				}
			})
		})
	}
}

func wantStatusJSON(status int, message string) func(*testing.T, outcome, []byte) {
	return func(t *testing.T, got outcome, _ []byte) {
		t.Helper()
		if got.err != nil || got.status != status {
			t.Fatalf("got %d, %v; want %d", got.status, got.err, status)
		}
		if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q", ct)
		}
		var m apiMessage
		if err := json.Unmarshal(got.body, &m); err != nil || m.Message == "" || (message != "" && m.Message != message) {
			t.Errorf("body = %s, want Message %q", got.body, message)
		}
	}
}

func wantTruncated(t *testing.T, got outcome, normal []byte) {
	if got.err != nil || got.status != 200 {
		t.Fatalf("got %d, %v", got.status, got.err)
	}
	if string(got.body) != string(normal[:len(normal)/2]) || json.Valid(got.body) {
		t.Errorf("got %d bytes, want the first %d of %d", len(got.body), len(normal)/2, len(normal))
	}
	if cl := got.header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(got.body)) {
		t.Errorf("Content-Length %s for %d bytes", cl, len(got.body))
	}
}

func wantMalformed[T any](t *testing.T, got outcome, _ []byte) {
	if got.err != nil || got.status != 200 || !json.Valid(got.body) {
		t.Fatalf("got %d, %v: %s", got.status, got.err, got.body)
	}
	var v T
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(got.body, &v); !errors.As(err, &typeErr) {
		t.Errorf("decoding %s into %T: %v, want a type error", got.body, v, err)
	}
}

func wantTransportError(t *testing.T, got outcome, _ []byte) {
	if got.err == nil {
		t.Errorf("got %d %s, want a transport error", got.status, got.body)
	}
}

func TestFaultTimes(t *testing.T) {
	s := NewTest(t, Options{})
	c := newClient(t)
	key := mustKey(t, s, ada)

	s.SetFault(RouteSearchAll, Fault{Status: 503, Times: 2})
	var got []int
	for range 2 {
		get(t, c, s, key, "/api/v1/search/user?term=a") // another route: does not count
	}
	for range 4 {
		got = append(got, get(t, c, s, key, "/api/v1/search/all?term=%25").status)
	}
	if want := []int{503, 503, 200, 200}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}

	t.Run("a fault without Times lasts until cleared", func(t *testing.T) {
		s.SetFault(RouteMine, Fault{Status: 500})
		for range 3 {
			if r := get(t, c, s, key, "/api/v1/users/mine"); r.status != 500 {
				t.Fatalf("status %d, want 500", r.status)
			}
		}
		s.ClearFaults()
		if r := get(t, c, s, key, "/api/v1/users/mine"); r.status != 200 {
			t.Errorf("status %d after ClearFaults, want 200", r.status)
		}
	})
	t.Run("SetFault replaces the route's fault", func(t *testing.T) {
		s.SetFault(RouteMine, Fault{Status: 500})
		s.SetFault(RouteMine, Fault{Status: 429, Times: 1})
		a, b := get(t, c, s, key, "/api/v1/users/mine"), get(t, c, s, key, "/api/v1/users/mine")
		if a.status != 429 || b.status != 200 {
			t.Errorf("statuses %d, %d; want 429, 200", a.status, b.status)
		}
	})
	t.Run("a drop with Times 1 is retried away by Go's transport on a reused connection", func(t *testing.T) {
		// This documents a trap for the client's tests rather than a feature.
		get(t, c, s, key, "/api/v1/users/mine") // warm a keep-alive connection
		s.ResetRequests()
		s.SetFault(RouteMine, Fault{Drop: true, Times: 1})
		if r := get(t, c, s, key, "/api/v1/users/mine"); r.status != 200 {
			t.Errorf("status %d", r.status)
		}
		if n := len(s.Requests()); n != 2 {
			t.Errorf("the server saw %d requests, want 2 (the drop, then the retry)", n)
		}
	})
}

func TestLatencyRespectsCancellation(t *testing.T) {
	s := NewTest(t, Options{})
	s.SetFault(RouteSearchAll, Fault{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/api/v1/search/all?term=%25", nil)
	req.Header.Set("Authorization", "Bearer "+mustKey(t, s, ada))
	got := try(newClient(t), req)
	if !errors.Is(got.err, context.DeadlineExceeded) || got.elapsed > 5*time.Second {
		t.Errorf("got %v after %v, want the deadline", got.err, got.elapsed)
	}

	t.Run("through the bare handler the cancelled request is aborted", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/search/all?term=%25", nil)
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		s.Handler().ServeHTTP(httptest.NewRecorder(), req)
	})
}
