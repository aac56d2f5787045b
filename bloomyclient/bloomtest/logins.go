package bloomtest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// errNoLogin is returned for a user name the server has no login for.
var errNoLogin = errors.New("no such login")

// Login is a demo login: what a person types on the login form.
type Login struct {
	Username     string
	Password     string
	Organization string
}

// User is one person of an organisation as the client's user.all() should return it:
// Position is the search reply's Description, Placeholder is true when Email is empty.
type User struct {
	ID             int64
	Name           string
	Email          string
	Position       string
	OrganizationID int64
	ImageURL       string
	Placeholder    bool
}

// login is a login account and the person it signs in as.
type login struct {
	Login
	org    *organization
	person *entry
}

// apiKey is an issued access token.
type apiKey struct {
	login   *login
	expires time.Time
}

// demoLogin is a built-in login with the name and seats of its own user.
type demoLogin struct {
	Login
	name  string
	seats []string
}

// demoLogins are the logins every server starts with unless Options.NoDemoLogins.
// Ada and Linus share an organisation; Grace is in another one.
var demoLogins = []demoLogin{
	{Login{"ada@acme.example", "lovelace", "Acme Rockets"}, "Ada Lovelace", []string{"Chief Executive Officer", "Visionary"}},
	{Login{"grace@globex.example", "hopper", "Globex Logistics"}, "Grace Hopper", []string{"Chief Operating Officer", "Integrator"}},
	{Login{"linus@acme.example", "torvalds", "Acme Rockets"}, "Linus Torvalds", []string{"VP of Engineering"}},
}

// Logins returns the server's logins, in the order they were added.
func (s *Server) Logins() []Login {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Login, len(s.loginOrder))
	for i, l := range s.loginOrder {
		out[i] = l.Login
	}
	return out
}

// AddLogin adds a login. If its organisation does not exist yet it is created with the
// login's own user plus users generated people (about 5% of them placeholders) and
// about 10% as many groups, teams and measurables; if it exists the login's user joins
// it and users is ignored. The login's user is named after the user name ("bob.smith@…"
// becomes "Bob Smith"). Adding a user name that exists already only changes its password.
// User names are matched case-insensitively, passwords exactly.
func (s *Server) AddLogin(l Login, users int) {
	s.addLogin(l, users, nameFromUsername(l.Username), nil)
}

func (s *Server) addLogin(l Login, users int, name string, seats []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(l.Username)
	if existing := s.logins[key]; existing != nil {
		existing.Password = l.Password
		return
	}
	org := s.orgs[l.Organization]
	var person *entry
	if org == nil {
		if seats == nil {
			seats = []string{"Chief Executive Officer"}
		}
		org = s.newOrganization(l.Organization, orgDomain(l), name, loginEmail(l.Username, ""), seats, users)
		s.orgs[l.Organization] = org
		person = org.entries[0]
	} else {
		if seats == nil {
			h := fnv.New32a()
			h.Write([]byte(key))
			seats = []string{staffPositions[h.Sum32()%uint32(len(staffPositions))]}
		}
		person = s.joinOrganization(org, name, loginEmail(l.Username, org.domain), seats)
	}
	lg := &login{Login: l, org: org, person: person}
	s.logins[key] = lg
	s.loginOrder = append(s.loginOrder, lg)
}

// orgDomain is the e-mail domain of a new organisation: the creating login's, or one
// made from the organisation's name.
func orgDomain(l Login) string {
	if _, domain, ok := strings.Cut(l.Username, "@"); ok && domain != "" {
		return strings.ToLower(domain)
	}
	slug := emailPart(strings.ReplaceAll(strings.TrimSpace(l.Organization), " ", "-"))
	if slug == "" {
		slug = "org"
	}
	return slug + ".example"
}

// loginEmail is the e-mail address of a login's own user.
func loginEmail(username, domain string) string {
	if strings.Contains(username, "@") {
		return strings.ToLower(username)
	}
	local := emailPart(username)
	if local == "" {
		local = "user"
	}
	if domain == "" {
		return local + "@example.com"
	}
	return local + "@" + domain
}

// nameFromUsername turns "bob.smith@x.example" into "Bob Smith".
func nameFromUsername(username string) string {
	local, _, _ := strings.Cut(username, "@")
	words := strings.FieldsFunc(local, func(r rune) bool {
		return r == '.' || r == '_' || r == '-' || r == '+' || unicode.IsSpace(r)
	})
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	if len(words) == 0 {
		return "Test User"
	}
	return strings.Join(words, " ")
}

// lookupLogin finds a login by user name. The caller holds s.mu.
func (s *Server) lookupLogin(username string) *login {
	return s.logins[strings.ToLower(username)]
}

// IssueKey mints a valid key for a login directly, as a successful password grant
// would, so a test can skip the grant.
func (s *Server) IssueKey(username string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lg := s.lookupLogin(username)
	if lg == nil {
		return "", fmt.Errorf("bloomtest: issue key for %q: %w", username, errNoLogin)
	}
	key, _ := s.issueKeyLocked(lg, s.opts.Now())
	return key, nil
}

func (s *Server) issueKeyLocked(lg *login, now time.Time) (string, time.Time) {
	if len(s.keys) >= 1024 && len(s.keys)%1024 == 0 {
		// A long-running demo server forgets expired keys now and then; they would
		// be refused anyway.
		for k, v := range s.keys {
			if !now.Before(v.expires) {
				delete(s.keys, k)
			}
		}
	}
	key := newKey()
	expires := now.Add(s.opts.KeyLifetime)
	s.keys[key] = &apiKey{login: lg, expires: expires}
	return key, expires
}

// RevokeKey makes a key unacceptable from now on; unknown keys are ignored.
func (s *Server) RevokeKey(key string) {
	s.mu.Lock()
	delete(s.keys, key)
	s.mu.Unlock()
}

// newKey returns a random URL-safe key of 64 characters.
func newKey() string {
	b := make([]byte, 48)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Users is the ground truth for the client's user.all() on a login's organisation: its
// users (ResultType "User"), in server order, placeholders only if asked for. It is nil
// for an unknown login.
func (s *Server) Users(username string, placeholders bool) []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	lg := s.lookupLogin(username)
	if lg == nil {
		return nil
	}
	out := make([]User, 0, len(lg.org.entries))
	for _, e := range lg.org.entries {
		if e.resultType != resultUser || (e.placeholder && !placeholders) {
			continue
		}
		out = append(out, e.user(lg.org.id))
	}
	return out
}

// Me is the login's own user, as users/mine describes it; the zero User for an unknown
// login.
func (s *Server) Me(username string) User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	lg := s.lookupLogin(username)
	if lg == nil {
		return User{}
	}
	return lg.person.user(lg.org.id)
}

// authorize returns the login whose key the request carries, or nil when the key is
// missing, unknown, revoked or expired.
func (s *Server) authorize(r *http.Request) *login {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	key = strings.TrimSpace(key)
	now := s.opts.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := s.keys[key]
	if k == nil || !now.Before(k.expires) {
		return nil
	}
	return k.login
}

// tokenReply is the password grant's success reply.
type tokenReply struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	UserName    string `json:"userName"`
	Issued      string `json:".issued"`
	Expires     string `json:".expires"`
}

// oauthError is the password grant's error reply.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// maxFormBytes bounds the token request body.
const maxFormBytes = 64 << 10

// readForm reads a form-encoded body. As on the real server, a body of another content
// type is not read as a form, so the grant then fails as unsupported.
func readForm(r *http.Request) url.Values {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/x-www-form-urlencoded" {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBytes))
	if err != nil {
		return nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil
	}
	return form
}

// formValue looks a field up case-insensitively, as the ASP.NET form reader does.
func formValue(form url.Values, name string) string {
	for k, vs := range form {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// serveToken is POST /Token, the password grant.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, form url.Values) {
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Pragma", "no-cache")
	w.Header().Set("Expires", "-1")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, apiMessage{
			Message: fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method),
		})
		return
	}
	if formValue(form, "grant_type") != "password" {
		writeJSON(w, http.StatusBadRequest, oauthError{Error: "unsupported_grant_type"})
		return
	}
	username, password := formValue(form, "username"), formValue(form, "password")
	now := s.opts.Now()
	s.mu.Lock()
	lg := s.lookupLogin(username)
	if lg == nil || lg.Password != password {
		s.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, oauthError{
			Error:       "invalid_grant",
			Description: "The user name or password is incorrect.",
		})
		return
	}
	key, expires := s.issueKeyLocked(lg, now)
	reply := tokenReply{
		AccessToken: key,
		TokenType:   "bearer",
		ExpiresIn:   int(s.opts.KeyLifetime.Seconds()) - 1,
		UserName:    lg.Username,
		Issued:      now.UTC().Format(http.TimeFormat),
		Expires:     expires.UTC().Format(http.TimeFormat),
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, reply)
}
