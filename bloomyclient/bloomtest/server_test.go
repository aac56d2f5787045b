package bloomtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewRefusesNonLoopbackAddresses(t *testing.T) {
	tests := []struct {
		name string
		addr string
	}{
		{"every IPv4 interface is refused", "0.0.0.0:80"},
		{"an empty host is refused", ":0"},
		{"every IPv6 interface is refused", "[::]:0"},
		{"a LAN address is refused", "192.168.1.10:0"},
		{"a public address is refused", "203.0.113.7:0"},
		{"a host name other than localhost is refused", "example.com:80"},
		{"an address without a port is refused", "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Options{Addr: tt.addr})
			if err == nil {
				s.Close()
				t.Fatalf("New(%q) succeeded", tt.addr)
			}
		})
	}
}

func TestNewListensOnLoopback(t *testing.T) {
	tests := []struct {
		name string
		addr string
	}{
		{"the default address is 127.0.0.1", ""},
		{"127.0.0.1 is allowed", "127.0.0.1:0"},
		{"localhost is allowed", "localhost:0"},
		{"::1 is allowed", "[::1]:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Options{Addr: tt.addr})
			if err != nil {
				if tt.addr == "[::1]:0" {
					t.Skipf("no IPv6 loopback here: %v", err)
				}
				t.Fatal(err)
			}
			defer s.Close()
			if !strings.HasPrefix(s.URL(), "http://") || strings.HasSuffix(s.URL(), "/") {
				t.Errorf("URL() = %q", s.URL())
			}
			if tt.addr == "" && !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
				t.Errorf("URL() = %q, want http://127.0.0.1:PORT", s.URL())
			}
			if r := get(t, newClient(t), s, mustKey(t, s, ada), "/api/v1/users/mine"); r.status != http.StatusOK {
				t.Errorf("users/mine: %d", r.status)
			}
		})
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := s.Close(); err != nil {
			t.Errorf("Close #%d: %v", i+1, err)
		}
	}
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.URL(), "http://"), time.Second)
	if err == nil {
		conn.Close()
		t.Error("the server still accepts connections after Close")
	}
}

func TestCloseCancelsSlowReplies(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.SetFault(RouteMine, Fault{Latency: time.Hour})
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v1/users/mine", nil)
		resp, err := newClient(t).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	waitForRequests(t, s, 1)
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-done; err == nil {
		t.Error("the slow request got a reply")
	}
}

func TestRequestLog(t *testing.T) {
	clock := newTestClock()
	s := NewTest(t, Options{Now: clock.Now})
	c := newClient(t)
	key := mustKey(t, s, ada)

	postToken(t, c, s, "/Token", passwordForm(ada, "p@ss w&rd=ünïcode"))
	clock.Advance(time.Minute)
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v1/search/all?term=%25", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "*/*")
	req.Header.Set("User-Agent", "bloomy-test/1.0")
	send(t, c, req)
	get(t, c, s, "", "/nowhere")
	s.SetFault(RouteMine, Fault{Status: http.StatusServiceUnavailable})
	get(t, c, s, key, "/api/v1/users/mine")

	log := s.Requests()
	if len(log) != 4 {
		t.Fatalf("%d requests logged, want 4: %+v", len(log), log)
	}
	t.Run("the token request keeps its form, password intact", func(t *testing.T) {
		r := log[0]
		if r.Method != http.MethodPost || r.Path != "/Token" || r.Route != RouteToken || !r.Time.Equal(newTestClock().Now()) {
			t.Errorf("got %s %s route %q at %v", r.Method, r.Path, r.Route, r.Time)
		}
		if r.Form.Get("grant_type") != "password" || r.Form.Get("userName") != ada || r.Form.Get("password") != "p@ss w&rd=ünïcode" {
			t.Errorf("Form = %v", r.Form)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type = %q", ct)
		}
	})
	t.Run("an API request keeps its headers and query", func(t *testing.T) {
		r := log[1]
		if r.Route != RouteSearchAll || r.RawQuery != "term=%25" || r.Form != nil {
			t.Errorf("route %q, query %q, form %v", r.Route, r.RawQuery, r.Form)
		}
		if r.Header.Get("Authorization") != "Bearer "+key || r.Header.Get("Accept") != "*/*" || r.Header.Get("User-Agent") != "bloomy-test/1.0" {
			t.Errorf("Header = %v", r.Header)
		}
		if !r.Time.Equal(clock.Now()) {
			t.Errorf("Time = %v, want %v", r.Time, clock.Now())
		}
	})
	t.Run("an unknown path has no route", func(t *testing.T) {
		if log[2].Route != "" || log[2].Path != "/nowhere" {
			t.Errorf("got %+v", log[2])
		}
	})
	t.Run("a faulted request is logged too", func(t *testing.T) {
		if log[3].Route != RouteMine {
			t.Errorf("got %+v", log[3])
		}
	})
	t.Run("the log handed out is a copy", func(t *testing.T) {
		log[1].Header.Set("Authorization", "changed")
		log[0].Form.Set("password", "changed")
		again := s.Requests()
		if again[1].Header.Get("Authorization") == "changed" || again[0].Form.Get("password") == "changed" {
			t.Error("changing the copy changed the log")
		}
	})
	t.Run("ResetRequests empties the log", func(t *testing.T) {
		s.ResetRequests()
		if n := len(s.Requests()); n != 0 {
			t.Errorf("%d requests after reset", n)
		}
	})
}

func TestParallelClients(t *testing.T) {
	s := NewTest(t, Options{Users: 300})
	c := newClient(t)
	// call reports failures with t.Errorf: t.Fatal may not be used off the test goroutine.
	call := func(req *http.Request) []byte {
		resp, err := c.Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
			return nil
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return body
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			login := [][2]string{{ada, "lovelace"}, {grace, "hopper"}}[i%2]
			for j := range 10 {
				req, _ := http.NewRequest(http.MethodPost, s.URL()+"/Token", strings.NewReader(passwordForm(login[0], login[1]).Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				var tok tokenReply
				if err := json.Unmarshal(call(req), &tok); err != nil || tok.AccessToken == "" {
					t.Errorf("grant: %v", err)
					return
				}
				for _, path := range []string{"/api/v1/search/all?term=%25", "/api/v1/search/user?term=an", "/api/v1/users/mine"} {
					req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
					req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
					call(req)
				}
				if j%3 == 0 {
					s.RevokeKey(tok.AccessToken)
				}
			}
		})
	}
	wg.Go(func() {
		for j := range 20 {
			s.SetFault(RouteSearchUser, Fault{Status: http.StatusTooManyRequests, Times: 1})
			s.AddLogin(Login{fmt.Sprintf("hire%d@acme.example", j), "pw", "Acme Rockets"}, 0)
			s.Requests()
			s.Users(ada, true)
			s.ClearFaults()
		}
	})
	wg.Wait()
	// Ada, 300 generated people, Linus and the 20 hires.
	if n := len(s.Users(ada, true)); n != 322 {
		t.Errorf("Acme has %d people, want 322", n)
	}
}

func TestHandlerWorksWithoutAListener(t *testing.T) {
	s := NewTest(t, Options{})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/api/v1/users/mine", nil)
	req.Header.Set("Authorization", "Bearer "+mustKey(t, s, grace))
	r := send(t, newClient(t), req)
	if me := decode[userReply](t, r.body); me.Name != "Grace Hopper" {
		t.Errorf("users/mine = %s", r.body)
	}
}

// waitForRequests waits until the server has logged n requests.
func waitForRequests(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.Requests()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the server saw %d requests, want %d", len(s.Requests()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
