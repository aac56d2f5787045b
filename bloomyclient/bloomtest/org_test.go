package bloomtest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestDemoLogins(t *testing.T) {
	s := NewTest(t, Options{})
	c := newClient(t)
	want := []Login{
		{"ada@acme.example", "lovelace", "Acme Rockets"},
		{"grace@globex.example", "hopper", "Globex Logistics"},
		{"linus@acme.example", "torvalds", "Acme Rockets"},
	}
	got := s.Logins()
	if len(got) != len(want) {
		t.Fatalf("Logins() = %v, want %v", got, want)
	}
	for i, l := range want {
		if got[i] != l {
			t.Errorf("login %d = %+v, want %+v", i, got[i], l)
		}
	}
	got[0].Password = "changed"
	if s.Logins()[0].Password != "lovelace" {
		t.Error("Logins() shares its slice with the server")
	}

	names := map[string]string{ada: "Ada Lovelace", grace: "Grace Hopper", linus: "Linus Torvalds"}
	for _, l := range want {
		t.Run(l.Username+" can log in and is a named user of its organisation", func(t *testing.T) {
			if r := postToken(t, c, s, "/Token", passwordForm(l.Username, l.Password)); r.status != http.StatusOK {
				t.Fatalf("grant: %d %s", r.status, r.body)
			}
			me := s.Me(l.Username)
			if me.Name != names[l.Username] || me.Email != l.Username || me.Position == "" || me.Placeholder {
				t.Errorf("Me = %+v", me)
			}
			if n := len(s.Users(l.Username, true)); n < DefaultUsers+1 {
				t.Errorf("%d people, want at least %d", n, DefaultUsers+1)
			}
		})
	}
	t.Run("Ada and Linus share an organisation, Grace has another", func(t *testing.T) {
		a, l, g := s.Me(ada), s.Me(linus), s.Me(grace)
		if a.OrganizationID != l.OrganizationID || a.OrganizationID == g.OrganizationID {
			t.Errorf("organisations: Ada %d, Linus %d, Grace %d", a.OrganizationID, l.OrganizationID, g.OrganizationID)
		}
	})
	t.Run("the two organisations have different people", func(t *testing.T) {
		acme := make(map[string]bool)
		for _, u := range s.Users(ada, true) {
			acme[u.Name] = true
		}
		same := 0
		globex := s.Users(grace, true)
		for _, u := range globex {
			if acme[u.Name] {
				same++
			}
		}
		if same > len(globex)/4 {
			t.Errorf("%d of %d Globex names are also at Acme", same, len(globex))
		}
	})
	t.Run("an unknown login has no users and no key", func(t *testing.T) {
		if s.Users("nobody@acme.example", true) != nil || s.Me("nobody@acme.example") != (User{}) {
			t.Error("an unknown login has users")
		}
		if _, err := s.IssueKey("nobody@acme.example"); err == nil {
			t.Error("IssueKey for an unknown login succeeded")
		}
	})
}

func TestNoDemoLogins(t *testing.T) {
	s := NewTest(t, Options{NoDemoLogins: true})
	if got := s.Logins(); len(got) != 0 {
		t.Errorf("Logins() = %v, want none", got)
	}
	r := postToken(t, newClient(t), s, "/Token", passwordForm(ada, "lovelace"))
	if r.status != http.StatusBadRequest {
		t.Errorf("the demo login worked: %d", r.status)
	}
}

func TestAddLogin(t *testing.T) {
	s := NewTest(t, Options{NoDemoLogins: true})
	c := newClient(t)
	s.AddLogin(Login{Username: "mary.jackson@nasa.example", Password: "wind-tunnel", Organization: "NASA"}, 30)
	s.AddLogin(Login{Username: "katherine@nasa.example", Password: "orbit", Organization: "NASA"}, 500)
	s.AddLogin(Login{Username: "mary.jackson@NASA.example", Password: "new-password", Organization: "Elsewhere"}, 5)

	t.Run("the first login founds the organisation with its users", func(t *testing.T) {
		me := s.Me("mary.jackson@nasa.example")
		if me.Name != "Mary Jackson" || me.Email != "mary.jackson@nasa.example" {
			t.Errorf("Me = %+v", me)
		}
		// The founder, 30 generated people and the second login.
		if n := len(s.Users("mary.jackson@nasa.example", true)); n != 32 {
			t.Errorf("%d people, want 32", n)
		}
	})
	t.Run("the second login joins and its users count is ignored", func(t *testing.T) {
		if a, b := s.Me("mary.jackson@nasa.example"), s.Me("katherine@nasa.example"); a.OrganizationID != b.OrganizationID {
			t.Errorf("organisations %d and %d", a.OrganizationID, b.OrganizationID)
		}
		if n := len(s.Users("katherine@nasa.example", true)); n != 32 {
			t.Errorf("%d people, want 32", n)
		}
	})
	t.Run("adding a user name again only changes its password", func(t *testing.T) {
		if n := len(s.Logins()); n != 2 {
			t.Errorf("%d logins, want 2", n)
		}
		if r := postToken(t, c, s, "/Token", passwordForm("mary.jackson@nasa.example", "wind-tunnel")); r.status != http.StatusBadRequest {
			t.Errorf("the old password still works: %d", r.status)
		}
		if r := postToken(t, c, s, "/Token", passwordForm("mary.jackson@nasa.example", "new-password")); r.status != http.StatusOK {
			t.Errorf("the new password fails: %d %s", r.status, r.body)
		}
	})
}

func TestGeneratedOrganisations(t *testing.T) {
	emailPattern := regexp.MustCompile(`^[a-z0-9-]+\.[a-z0-9-]+[0-9]*@big\.example$`)
	tests := []struct {
		name  string
		users int
	}{
		{"an organisation of no one but its founder", 0},
		{"a tiny organisation", 4},
		{"a small organisation", 40},
		{"an organisation of thousands", 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is realistic", func(t *testing.T) {
			s := newServer(Options{NoDemoLogins: true}.withDefaults())
			s.AddLogin(Login{Username: "founder@big.example", Password: "pw", Organization: "Big"}, tt.users)
			people := s.Users("founder@big.example", true)
			if len(people) != tt.users+1 {
				t.Fatalf("%d people, want %d", len(people), tt.users+1)
			}
			org := s.orgs["Big"]
			placeholders, others, nonASCII := 0, 0, 0
			ids := make(map[int64]bool)
			emails := make(map[string]bool)
			for _, e := range org.entries {
				if ids[e.id] || e.id == org.id {
					t.Fatalf("ID %d used twice", e.id)
				}
				ids[e.id] = true
				switch {
				case e.resultType != resultUser:
					others++
				case e.placeholder:
					placeholders++
				case e.email != "founder@big.example":
					if !emailPattern.MatchString(e.email) || emails[e.email] {
						t.Errorf("e-mail %q is malformed or taken", e.email)
					}
					emails[e.email] = true
				}
				if strings.ContainsFunc(e.name, func(r rune) bool { return r > 127 }) {
					nonASCII++
				}
				if e.resultType == resultUser && e.description == "" {
					t.Errorf("%s has no position", e.name)
				}
			}
			if tt.users < 5 {
				if placeholders != 0 || others != 0 {
					t.Errorf("%d placeholders and %d others in a tiny organisation", placeholders, others)
				}
				return
			}
			if lo, hi := tt.users/40, tt.users/10+1; placeholders < max(lo, 1) || placeholders > hi {
				t.Errorf("%d placeholders among %d users, want about 5%%", placeholders, tt.users)
			}
			if lo, hi := tt.users/20, tt.users/5+3; others < max(lo, 3) || others > hi {
				t.Errorf("%d groups, teams and measurables for %d users, want about 10%%", others, tt.users)
			}
			if tt.users >= 40 && nonASCII == 0 {
				t.Error("no name with a non-ASCII letter")
			}
		})
	}
}

func TestSameSeedGivesTheSameOrganisations(t *testing.T) {
	searchAll := func(t *testing.T, opts Options, username string) []byte {
		s := newServer(opts.withDefaults())
		key := mustKey(t, s, username)
		req := httptest.NewRequest(http.MethodGet, "/api/v1/search/all?term=%25", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		return rec.Body.Bytes()
	}
	tests := []struct {
		name     string
		a, b     Options
		username string
		same     bool
	}{
		{"the same seed gives byte-identical Acme", Options{Seed: 7}, Options{Seed: 7}, ada, true},
		{"the same seed gives byte-identical Globex", Options{Seed: 7}, Options{Seed: 7}, grace, true},
		{"the default seed is 1", Options{}, Options{Seed: 1}, ada, true},
		{"another seed gives other people", Options{Seed: 7}, Options{Seed: 8}, ada, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := searchAll(t, tt.a, tt.username), searchAll(t, tt.b, tt.username)
			if bytes.Equal(a, b) != tt.same {
				t.Errorf("replies equal = %v, want %v", bytes.Equal(a, b), tt.same)
			}
		})
	}
}

func TestEmailPart(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"diaereses are dropped", "Zoë", "zoe"},
		{"a slashed o becomes o", "Søren", "soren"},
		{"accents are dropped", "José", "jose"},
		{"apostrophes are dropped", "O'Brien", "obrien"},
		{"a dotless i and cedilla become ASCII", "Yılmaz Gonçalves", "yilmazgoncalves"},
		{"an eszett becomes ss", "Weiß", "weiss"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := emailPart(tt.in); got != tt.want {
				t.Errorf("emailPart(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	for _, name := range append(slices.Clone(firstNames), lastNames...) {
		if p := emailPart(name); p == "" || strings.ContainsFunc(p, func(r rune) bool { return r > 127 }) {
			t.Errorf("emailPart(%q) = %q", name, p)
		}
	}
}
