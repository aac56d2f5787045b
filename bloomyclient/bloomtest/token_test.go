package bloomtest

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPasswordGrant(t *testing.T) {
	clock := newTestClock()
	s := NewTest(t, Options{Now: clock.Now})
	c := newClient(t)

	tests := []struct {
		name       string
		path       string
		form       url.Values
		wantStatus int
		wantBody   string // exact body, for the errors
	}{
		{"the right password gets a key", "/Token", passwordForm(ada, "lovelace"), http.StatusOK, ""},
		{"the path /token works too", "/token", passwordForm(ada, "lovelace"), http.StatusOK, ""},
		{"the path /TOKEN works too", "/TOKEN", passwordForm(grace, "hopper"), http.StatusOK, ""},
		{"the user name is matched ignoring case", "/Token", passwordForm("ADA@Acme.Example", "lovelace"), http.StatusOK, ""},
		{"form field names are matched ignoring case", "/Token",
			url.Values{"Grant_Type": {"password"}, "username": {linus}, "PASSWORD": {"torvalds"}}, http.StatusOK, ""},
		{"a wrong password is an invalid grant", "/Token", passwordForm(ada, "Lovelace"), http.StatusBadRequest,
			`{"error":"invalid_grant","error_description":"The user name or password is incorrect."}`},
		{"another login's password is an invalid grant", "/Token", passwordForm(ada, "hopper"), http.StatusBadRequest,
			`{"error":"invalid_grant","error_description":"The user name or password is incorrect."}`},
		{"an unknown user is an invalid grant", "/Token", passwordForm("nobody@acme.example", "lovelace"), http.StatusBadRequest,
			`{"error":"invalid_grant","error_description":"The user name or password is incorrect."}`},
		{"an empty password is an invalid grant", "/Token", passwordForm(ada, ""), http.StatusBadRequest,
			`{"error":"invalid_grant","error_description":"The user name or password is incorrect."}`},
		{"a missing grant type is unsupported", "/Token",
			url.Values{"userName": {ada}, "password": {"lovelace"}}, http.StatusBadRequest, `{"error":"unsupported_grant_type"}`},
		{"a client credentials grant is unsupported", "/Token",
			url.Values{"grant_type": {"client_credentials"}, "userName": {ada}, "password": {"lovelace"}}, http.StatusBadRequest,
			`{"error":"unsupported_grant_type"}`},
		{"the grant type is case-sensitive", "/Token",
			url.Values{"grant_type": {"Password"}, "userName": {ada}, "password": {"lovelace"}}, http.StatusBadRequest,
			`{"error":"unsupported_grant_type"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postToken(t, c, s, tt.path, tt.form)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.wantStatus, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if tt.wantBody != "" && string(r.body) != tt.wantBody {
				t.Errorf("body = %s, want %s", r.body, tt.wantBody)
			}
		})
	}
}

func TestPasswordGrantReplyHasTheRealShape(t *testing.T) {
	clock := newTestClock()
	s := NewTest(t, Options{Now: clock.Now})
	c := newClient(t)

	r := postToken(t, c, s, "/Token", passwordForm(ada, "lovelace"))
	if r.status != http.StatusOK {
		t.Fatalf("status = %d; body %s", r.status, r.body)
	}
	fields := decode[map[string]any](t, r.body)
	want := []string{".expires", ".issued", "access_token", "expires_in", "token_type", "userName"}
	if got := keysOf(fields); !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
	tok := decode[tokenReply](t, r.body)

	t.Run("the key is a long URL-safe string unrelated to the password", func(t *testing.T) {
		if len(tok.AccessToken) < 40 || !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(tok.AccessToken) {
			t.Errorf("access_token = %q, want 40+ URL-safe characters", tok.AccessToken)
		}
		if strings.Contains(tok.AccessToken, "lovelace") {
			t.Error("access_token contains the password")
		}
		again := decode[tokenReply](t, postToken(t, c, s, "/Token", passwordForm(ada, "lovelace")).body)
		if again.AccessToken == tok.AccessToken {
			t.Error("two grants returned the same key")
		}
	})
	t.Run("the key lives two weeks as the real server says", func(t *testing.T) {
		if tok.TokenType != "bearer" || tok.ExpiresIn != 1209599 || tok.UserName != ada {
			t.Errorf("token_type %q, expires_in %d, userName %q; want bearer, 1209599, %s",
				tok.TokenType, tok.ExpiresIn, tok.UserName, ada)
		}
		issued, err := time.Parse(time.RFC1123, tok.Issued)
		if err != nil {
			t.Fatalf(".issued: %v", err)
		}
		expires, err := time.Parse(time.RFC1123, tok.Expires)
		if err != nil {
			t.Fatalf(".expires: %v", err)
		}
		if !strings.HasSuffix(tok.Issued, " GMT") || !issued.Equal(clock.Now()) {
			t.Errorf(".issued = %q, want %s in GMT", tok.Issued, clock.Now().Format(http.TimeFormat))
		}
		if d := expires.Sub(issued); d != 14*24*time.Hour {
			t.Errorf(".expires - .issued = %v, want two weeks", d)
		}
	})
	t.Run("the key opens the API as its login", func(t *testing.T) {
		r := get(t, c, s, tok.AccessToken, "/api/v1/users/mine")
		me := decode[userReply](t, r.body)
		if r.status != http.StatusOK || me.Name != "Ada Lovelace" {
			t.Errorf("users/mine = %d %s, want Ada Lovelace", r.status, r.body)
		}
	})
}

func TestPasswordGrantFollowsKeyLifetime(t *testing.T) {
	s := NewTest(t, Options{KeyLifetime: time.Hour})
	r := postToken(t, newClient(t), s, "/Token", passwordForm(grace, "hopper"))
	if tok := decode[tokenReply](t, r.body); tok.ExpiresIn != 3599 {
		t.Errorf("expires_in = %d, want 3599", tok.ExpiresIn)
	}
}

func TestPasswordGrantRejects(t *testing.T) {
	s := NewTest(t, Options{})
	c := newClient(t)
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		wantStatus  int
		wantBody    string
	}{
		{"a GET is not allowed", http.MethodGet, "", "", http.StatusMethodNotAllowed, ""},
		{"a JSON body is not read as a form", http.MethodPost, "application/json",
			`{"grant_type":"password","userName":"ada@acme.example","password":"lovelace"}`,
			http.StatusBadRequest, `{"error":"unsupported_grant_type"}`},
		{"a form without a content type is not read", http.MethodPost, "",
			passwordForm(ada, "lovelace").Encode(), http.StatusBadRequest, `{"error":"unsupported_grant_type"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, s.URL()+"/Token", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			r := send(t, c, req)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.wantStatus, r.body)
			}
			if tt.wantBody != "" && string(r.body) != tt.wantBody {
				t.Errorf("body = %s, want %s", r.body, tt.wantBody)
			}
		})
	}
}
