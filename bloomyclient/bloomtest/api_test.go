package bloomtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAPIRejectsKeys(t *testing.T) {
	clock := newTestClock()
	s := NewTest(t, Options{Now: clock.Now})
	c := newClient(t)

	tests := []struct {
		name          string
		authorization func(t *testing.T) string // the Authorization header; "" sends none
		wantStatus    int
	}{
		{"a request without a key is denied", func(*testing.T) string { return "" }, http.StatusUnauthorized},
		{"an unknown key is denied", func(*testing.T) string { return "Bearer not-a-key" }, http.StatusUnauthorized},
		{"a key without the Bearer scheme is denied", func(t *testing.T) string { return mustKey(t, s, ada) }, http.StatusUnauthorized},
		{"a key under Basic is denied", func(t *testing.T) string { return "Basic " + mustKey(t, s, ada) }, http.StatusUnauthorized},
		{"a revoked key is denied", func(t *testing.T) string {
			key := mustKey(t, s, ada)
			s.RevokeKey(key)
			return "Bearer " + key
		}, http.StatusUnauthorized},
		{"a key is accepted until the last second of its two weeks", func(t *testing.T) string {
			key := mustKey(t, s, ada)
			clock.Advance(14*24*time.Hour - time.Second)
			return "Bearer " + key
		}, http.StatusOK},
		{"a key two weeks old is denied", func(t *testing.T) string {
			key := mustKey(t, s, ada)
			clock.Advance(14 * 24 * time.Hour)
			return "Bearer " + key
		}, http.StatusUnauthorized},
		{"the Bearer scheme is matched ignoring case", func(t *testing.T) string { return "bearer " + mustKey(t, s, ada) }, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v1/users/mine", nil)
			if h := tt.authorization(t); h != "" {
				req.Header.Set("Authorization", h)
			}
			r := send(t, c, req)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.wantStatus, r.body)
			}
			if tt.wantStatus != http.StatusUnauthorized {
				return
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if want := `{"Message":"Authorization has been denied for this request."}`; string(r.body) != want {
				t.Errorf("body = %s, want %s", r.body, want)
			}
		})
	}
}

func TestEveryAPIRouteNeedsAKey(t *testing.T) {
	s := NewTest(t, Options{})
	c := newClient(t)
	me := s.Me(ada)
	for _, path := range []string{
		"/api/v1/users/mine",
		fmt.Sprintf("/api/v1/users/%d", me.ID),
		fmt.Sprintf("/api/v1/users/%d/directreports", me.ID),
		fmt.Sprintf("/api/v1/users/%d/seats", me.ID),
		"/api/v1/search/user?term=a",
		"/api/v1/search/all?term=%25",
	} {
		t.Run(path+" is denied without a key", func(t *testing.T) {
			if r := get(t, c, s, "", path); r.status != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", r.status)
			}
		})
	}
}

func TestUsersMineAndUserByID(t *testing.T) {
	s := NewTest(t, Options{})
	c := newClient(t)
	adaKey := mustKey(t, s, ada)
	me := s.Me(ada)
	colleague := s.Users(ada, false)[5]
	outsider := s.Me(grace)
	var group int64
	for _, e := range decode[[]searchAllResult](t, get(t, c, s, adaKey, "/api/v1/search/all?term=%25").body) {
		if e.ResultType == resultGroup {
			group = e.ID
		}
	}

	tests := []struct {
		name       string
		path       string
		wantStatus int
		want       User
	}{
		{"users/mine is the key's owner", "/api/v1/users/mine", http.StatusOK, me},
		{"users/mine is case-insensitive", "/API/V1/Users/Mine", http.StatusOK, me},
		{"a user of the same organisation is found by ID", fmt.Sprintf("/api/v1/users/%d", colleague.ID), http.StatusOK, colleague},
		{"a user of another organisation is not found", fmt.Sprintf("/api/v1/users/%d", outsider.ID), http.StatusNotFound, User{}},
		{"a group's ID is not a user", fmt.Sprintf("/api/v1/users/%d", group), http.StatusNotFound, User{}},
		{"a non-numeric ID is not found", "/api/v1/users/abc", http.StatusNotFound, User{}},
		{"an unknown ID is not found", "/api/v1/users/1", http.StatusNotFound, User{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, c, s, adaKey, tt.path)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.wantStatus, r.body)
			}
			if tt.wantStatus != http.StatusOK {
				if m := decode[apiMessage](t, r.body); m.Message == "" {
					t.Errorf("body %s has no Message", r.body)
				}
				return
			}
			if got, want := keysOf(decode[map[string]any](t, r.body)), []string{"Id", "ImageUrl", "Name"}; !slices.Equal(got, want) {
				t.Errorf("fields = %v, want %v", got, want)
			}
			got := decode[userReply](t, r.body)
			if got.ID != tt.want.ID || got.Name != tt.want.Name || got.ImageURL != tt.want.ImageURL {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDirectReportsFormATree(t *testing.T) {
	s := NewTest(t, Options{})
	c := newClient(t)
	key := mustKey(t, s, ada)
	people := s.Users(ada, true)
	inOrg := make(map[int64]bool)
	for _, u := range people {
		inOrg[u.ID] = true
	}

	managers := make(map[int64]int64) // report → manager
	for _, u := range people {
		r := get(t, c, s, key, fmt.Sprintf("/api/v1/users/%d/directreports", u.ID))
		if r.status != http.StatusOK {
			t.Fatalf("directreports of %d: status %d", u.ID, r.status)
		}
		for _, obj := range decode[[]map[string]any](t, r.body) {
			if got, want := keysOf(obj), []string{"Id", "ImageUrl", "Name"}; !slices.Equal(got, want) {
				t.Fatalf("fields = %v, want %v", got, want)
			}
		}
		for _, rep := range decode[[]userReply](t, r.body) {
			if !inOrg[rep.ID] {
				t.Errorf("%d reports to %d but is not in the organisation", rep.ID, u.ID)
			}
			if m, dup := managers[rep.ID]; dup {
				t.Errorf("%d reports to both %d and %d", rep.ID, m, u.ID)
			}
			managers[rep.ID] = u.ID
		}
	}
	t.Run("everyone but the head has one manager", func(t *testing.T) {
		if len(managers) != len(people)-1 {
			t.Errorf("%d people have a manager, want %d", len(managers), len(people)-1)
		}
		if _, ok := managers[s.Me(ada).ID]; ok {
			t.Error("Ada, the head of Acme, has a manager")
		}
	})
	t.Run("the second Acme login reports to Ada", func(t *testing.T) {
		if m := managers[s.Me(linus).ID]; m != s.Me(ada).ID {
			t.Errorf("Linus reports to %d, want Ada (%d)", m, s.Me(ada).ID)
		}
	})
	t.Run("a user with no reports gets an empty array", func(t *testing.T) {
		r := get(t, c, s, key, fmt.Sprintf("/api/v1/users/%d/directreports", s.Me(linus).ID))
		if string(r.body) != "[]" {
			t.Errorf("body = %s, want []", r.body)
		}
	})
}

func TestSeats(t *testing.T) {
	s := NewTest(t, Options{})
	c := newClient(t)
	key := mustKey(t, s, ada)

	r := get(t, c, s, key, fmt.Sprintf("/api/v1/users/%d/seats", s.Me(ada).ID))
	if want := `[{"Group":{"Position":{"Id":1,"Name":"Chief Executive Officer"}}},{"Group":{"Position":{"Id":4,"Name":"Visionary"}}}]`; string(r.body) != want {
		t.Errorf("Ada's seats = %s, want %s", r.body, want)
	}

	t.Run("every user has a seat named as their position and some have two", func(t *testing.T) {
		two := 0
		for _, u := range s.Users(ada, true) {
			seats := decode[[]seatReply](t, get(t, c, s, key, fmt.Sprintf("/api/v1/users/%d/seats", u.ID)).body)
			if len(seats) == 0 || seats[0].Group.Position.Name != u.Position || seats[0].Group.Position.ID == 0 {
				t.Errorf("seats of %s (%s) = %+v", u.Name, u.Position, seats)
			}
			if len(seats) == 2 {
				two++
			}
		}
		if two < 2 {
			t.Errorf("%d users have two seats, want at least 2", two)
		}
	})
}

func TestSearchUser(t *testing.T) {
	s := NewTest(t, Options{})
	s.AddLogin(Login{Username: "zoë.ødegaard@acme.example", Password: "pw", Organization: "Acme Rockets"}, 0)
	c := newClient(t)
	key := mustKey(t, s, ada)
	all := s.Users(ada, true)

	tests := []struct {
		name string
		term string
		want func(User) bool
	}{
		{"a name is found ignoring case", "LOVELACE", func(u User) bool { return u.Name == "Ada Lovelace" }},
		{"non-ASCII names are found ignoring case", "ØDEGAARD", func(u User) bool {
			return strings.Contains(u.Name, "Ødegaard") || strings.Contains(u.Name, "ødegaard")
		}},
		{"an e-mail is searched too", "ada@acme", func(u User) bool { return u.Email == ada }},
		{"the domain finds every user with an address", "@acme.example", func(u User) bool { return !u.Placeholder }},
		{"a percent sign finds everyone, placeholders too", "%", func(User) bool { return true }},
		{"an empty term finds no one", "", func(User) bool { return false }},
		{"a stranger's name finds no one", "Hopper", func(User) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, c, s, key, "/api/v1/search/user?term="+url.QueryEscape(tt.term))
			if r.status != http.StatusOK {
				t.Fatalf("status = %d; body %s", r.status, r.body)
			}
			for _, obj := range decode[[]map[string]any](t, r.body) {
				want := []string{"Description", "Email", "Id", "ImageUrl", "Name", "OrganizationId"}
				if got := keysOf(obj); !slices.Equal(got, want) {
					t.Fatalf("fields = %v, want %v", got, want)
				}
			}
			var got, want []string
			for _, e := range decode[[]searchUserResult](t, r.body) {
				got = append(got, fmt.Sprintf("%d %s <%s> %s", e.ID, e.Name, e.Email, e.Description))
			}
			for _, u := range all {
				if tt.want(u) {
					want = append(want, fmt.Sprintf("%d %s <%s> %s", u.ID, u.Name, u.Email, u.Position))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %d results:\n%s\nwant %d:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
			}
		})
	}
}

func TestSearchAll(t *testing.T) {
	s := NewTest(t, Options{Users: 200})
	c := newClient(t)
	key := mustKey(t, s, ada)
	r := get(t, c, s, key, "/api/v1/search/all?term=%25")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q", r.status, r.header.Get("Content-Type"))
	}
	objects := decode[[]map[string]any](t, r.body)
	entries := decode[[]searchAllResult](t, r.body)
	orgID := s.Me(ada).OrganizationID

	t.Run("it holds users, placeholders, groups, teams and measurables", func(t *testing.T) {
		kinds := make(map[string]int)
		for i, e := range entries {
			kind := e.ResultType
			if kind == resultUser && objects[i]["Email"] == "" {
				kind = "placeholder"
			}
			kinds[kind]++
			if e.OrganizationID != orgID {
				t.Errorf("%s has OrganizationId %d, want %d", e.Name, e.OrganizationID, orgID)
			}
		}
		for _, kind := range []string{resultUser, "placeholder", resultGroup, resultTeam, resultMeasurable} {
			if kinds[kind] == 0 {
				t.Errorf("no %s in search/all: %v", kind, kinds)
			}
		}
	})
	t.Run("users and placeholders have every field and the others no Email", func(t *testing.T) {
		for i, obj := range objects {
			want := []string{"Description", "Id", "ImageUrl", "Name", "OrganizationId", "ResultType"}
			if obj["ResultType"] == resultUser {
				want = []string{"Description", "Email", "Id", "ImageUrl", "Name", "OrganizationId", "ResultType"}
			}
			if got := keysOf(obj); !slices.Equal(got, want) {
				t.Errorf("entry %d (%v) has fields %v, want %v", i, obj["ResultType"], got, want)
			}
		}
	})
	t.Run("placeholders have no e-mail and the placeholder image", func(t *testing.T) {
		for _, u := range s.Users(ada, true) {
			if u.Placeholder && (u.Email != "" || u.ImageURL != placeholderImage) {
				t.Errorf("placeholder %+v", u)
			}
		}
	})
	t.Run("some real users also carry the placeholder image", func(t *testing.T) {
		n := 0
		for _, u := range s.Users(ada, false) {
			if u.ImageURL == placeholderImage {
				n++
			}
		}
		if n == 0 {
			t.Error("no user without a photo; the image rule would go untested")
		}
	})
	t.Run("its users are the ground truth, position from Description", func(t *testing.T) {
		var fromSearch, truth []User
		for _, e := range entries {
			if e.ResultType != resultUser {
				continue
			}
			u := User{ID: e.ID, Name: e.Name, Position: e.Description, OrganizationID: e.OrganizationID, ImageURL: e.ImageURL}
			if e.Email != nil {
				u.Email = *e.Email
			}
			u.Placeholder = u.Email == ""
			fromSearch = append(fromSearch, u)
		}
		truth = s.Users(ada, true)
		if !slices.Equal(fromSearch, truth) {
			t.Errorf("search/all users differ from Users(ada, true): %d vs %d", len(fromSearch), len(truth))
		}
		withoutPlaceholders := slices.DeleteFunc(slices.Clone(truth), func(u User) bool { return u.Placeholder })
		if got := s.Users(ada, false); !slices.Equal(got, withoutPlaceholders) || len(got) == len(truth) {
			t.Errorf("Users(ada, false) has %d users, want %d (of %d)", len(got), len(withoutPlaceholders), len(truth))
		}
	})
	t.Run("another term filters every kind by name or e-mail", func(t *testing.T) {
		got := decode[[]searchAllResult](t, get(t, c, s, key, "/api/v1/search/all?term=team").body)
		if len(got) == 0 {
			t.Fatal("no result for team")
		}
		for _, e := range got {
			email := ""
			if e.Email != nil {
				email = *e.Email
			}
			if !strings.Contains(strings.ToLower(e.Name+" "+email), "team") {
				t.Errorf("%q <%s> does not contain team", e.Name, email)
			}
		}
	})
	t.Run("an empty term finds nothing", func(t *testing.T) {
		if r := get(t, c, s, key, "/api/v1/search/all?term="); string(r.body) != "[]" {
			t.Errorf("body = %s, want []", r.body)
		}
	})
}

func TestSearchAllFollowsAJoiningLogin(t *testing.T) {
	s := NewTest(t, Options{NoDemoLogins: true})
	s.AddLogin(Login{Username: "owner@small.example", Password: "pw", Organization: "Small"}, 10)
	c := newClient(t)
	key := mustKey(t, s, "owner@small.example")
	before := get(t, c, s, key, "/api/v1/search/all?term=%25")
	s.AddLogin(Login{Username: "new.hire@small.example", Password: "pw", Organization: "Small"}, 999)
	after := get(t, c, s, key, "/api/v1/search/all?term=%25")

	if n, m := len(decode[[]searchAllResult](t, before.body)), len(decode[[]searchAllResult](t, after.body)); m != n+1 {
		t.Errorf("search/all had %d entries, then %d; want one more", n, m)
	}
	if !strings.Contains(string(after.body), `"Name":"New Hire","Description":`) {
		t.Errorf("the new login's user is missing from %s", after.body)
	}
}

func TestAPIRoutingErrors(t *testing.T) {
	s := NewTest(t, Options{})
	key := mustKey(t, s, ada)
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
	}{
		{"an unknown API path is not found", http.MethodGet, "/api/v1/nothing", http.StatusNotFound},
		{"an unknown sub-resource is not found", http.MethodGet, fmt.Sprintf("/api/v1/users/%d/friends", s.Me(ada).ID), http.StatusNotFound},
		{"another API version is not found", http.MethodGet, "/api/v2/users/mine", http.StatusNotFound},
		{"the site root is not found", http.MethodGet, "/", http.StatusNotFound},
		{"a POST to users/mine is not allowed", http.MethodPost, "/api/v1/users/mine", http.StatusMethodNotAllowed},
		{"a query that cannot be parsed is a bad request", http.MethodGet, "/api/v1/search/all?term=%", http.StatusBadRequest},
		{"a trailing slash is ignored", http.MethodGet, "/api/v1/users/mine/", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type = %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}
