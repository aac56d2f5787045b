package bloomtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The JSON shapes of the replies, with the server's PascalCase names.

// apiMessage is the body of an API error.
type apiMessage struct {
	Message string `json:"Message"`
}

// userReply is users/mine, users/{id} and each direct report.
type userReply struct {
	ID       int64  `json:"Id"`
	Name     string `json:"Name"`
	ImageURL string `json:"ImageUrl"`
}

// seatReply is one entry of users/{id}/seats.
type seatReply struct {
	Group seatGroup `json:"Group"`
}

type seatGroup struct {
	Position seatPosition `json:"Position"`
}

type seatPosition struct {
	ID   int64  `json:"Id"`
	Name string `json:"Name"`
}

// searchUserResult is one entry of search/user.
type searchUserResult struct {
	ID             int64  `json:"Id"`
	Name           string `json:"Name"`
	Description    string `json:"Description"`
	Email          string `json:"Email"`
	OrganizationID int64  `json:"OrganizationId"`
	ImageURL       string `json:"ImageUrl"`
}

// searchAllResult is one entry of search/all. Groups, teams and measurables have no
// Email field at all.
type searchAllResult struct {
	ID             int64   `json:"Id"`
	Name           string  `json:"Name"`
	Description    string  `json:"Description"`
	Email          *string `json:"Email,omitempty"`
	OrganizationID int64   `json:"OrganizationId"`
	ImageURL       string  `json:"ImageUrl"`
	ResultType     string  `json:"ResultType"`
}

func (e *entry) userReply() userReply {
	return userReply{ID: e.id, Name: e.name, ImageURL: e.imageURL}
}

func (e *entry) searchAllResult(orgID int64) searchAllResult {
	r := searchAllResult{
		ID:             e.id,
		Name:           e.name,
		Description:    e.description,
		OrganizationID: orgID,
		ImageURL:       e.imageURL,
		ResultType:     e.resultType,
	}
	if e.resultType == resultUser {
		email := e.email
		r.Email = &email
	}
	return r
}

// matches reports whether an entry's name or e-mail contains the lower-cased term.
func (e *entry) matches(lowerTerm string) bool {
	return strings.Contains(strings.ToLower(e.name), lowerTerm) ||
		strings.Contains(strings.ToLower(e.email), lowerTerm)
}

// allTerm is the search term that means "everything".
const allTerm = "%"

// serveAPI serves the calls under /api/v1: method, then key, then the call.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, c call) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeJSON(w, http.StatusMethodNotAllowed, apiMessage{
			Message: fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method),
		})
		return
	}
	lg := s.authorize(r)
	if lg == nil {
		writeUnauthorized(w)
		return
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiMessage{Message: "The request is invalid."})
		return
	}

	s.mu.RLock()
	org := lg.org
	var (
		reply any
		raw   []byte
	)
	switch c.route {
	case RouteMine:
		reply = lg.person.userReply()
	case RouteUser, RouteDirectReports, RouteSeats:
		p := org.person(c.id)
		if p == nil {
			s.mu.RUnlock()
			writeJSON(w, http.StatusNotFound, apiMessage{Message: "No user with ID " + strconv.Quote(c.id) + " was found."})
			return
		}
		reply = personReply(org, p, c.route)
	case RouteSearchUser:
		reply = searchUsers(org, query.Get("term"))
	case RouteSearchAll:
		if term := query.Get("term"); term == allTerm {
			raw = org.searchAllJSON()
		} else {
			reply = searchAll(org, term)
		}
	}
	s.mu.RUnlock()

	if raw != nil {
		writeRawJSON(w, http.StatusOK, raw)
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

// person finds a user or placeholder of the organisation by the {id} path segment.
func (o *organization) person(id string) *entry {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil
	}
	return o.people[n]
}

// personReply is the reply to one of the users/{id} calls.
func personReply(o *organization, p *entry, route string) any {
	switch route {
	case RouteDirectReports:
		reports := o.reports[p.id]
		out := make([]userReply, len(reports))
		for i, e := range reports {
			out[i] = e.userReply()
		}
		return out
	case RouteSeats:
		out := make([]seatReply, len(p.seats))
		for i, title := range p.seats {
			out[i] = seatReply{Group: seatGroup{Position: seatPosition{ID: positionID(title), Name: title}}}
		}
		return out
	default:
		return p.userReply()
	}
}

// searchUsers is search/user: users and placeholders whose name or e-mail contains the
// term, ignoring case; "%" matches everyone and an empty term no one.
func searchUsers(o *organization, term string) []searchUserResult {
	lower := strings.ToLower(term)
	out := []searchUserResult{}
	if term == "" {
		return out
	}
	for _, e := range o.entries {
		if e.resultType != resultUser || (term != allTerm && !e.matches(lower)) {
			continue
		}
		out = append(out, searchUserResult{
			ID:             e.id,
			Name:           e.name,
			Description:    e.description,
			Email:          e.email,
			OrganizationID: o.id,
			ImageURL:       e.imageURL,
		})
	}
	return out
}

// searchAll is search/all for a term other than "%": every kind of entry whose name or
// e-mail contains the term, ignoring case; an empty term matches nothing.
func searchAll(o *organization, term string) []searchAllResult {
	out := []searchAllResult{}
	if term == "" {
		return out
	}
	lower := strings.ToLower(term)
	for _, e := range o.entries {
		if e.matches(lower) {
			out = append(out, e.searchAllResult(o.id))
		}
	}
	return out
}

// unauthorizedMessage is the real server's words for a missing or rejected key.
const unauthorizedMessage = "Authorization has been denied for this request."

func writeUnauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", "Bearer")
	writeJSON(w, http.StatusUnauthorized, apiMessage{Message: unauthorizedMessage})
}

// writeJSON encodes v as the whole reply.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("bloomtest: encode reply: %v", err)) // plain structs: cannot happen
	}
	writeRawJSON(w, status, b)
}

// writeRawJSON sends already-encoded JSON.
func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
