package bloomyclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// User is a person as users/mine, users/{id} and directreports return them.
type User struct {
	ID       int64  `json:"Id"`
	Name     string `json:"Name"`
	ImageURL string `json:"ImageUrl"`
}

// Position is a seat a user holds (a job in the accountability chart).
type Position struct {
	ID   int64
	Name string
}

// SearchResult is one entry of search/user or search/all.
type SearchResult struct {
	ID             int64  `json:"Id"`
	Name           string `json:"Name"`
	Description    string `json:"Description"`
	Email          string `json:"Email"`
	OrganizationID int64  `json:"OrganizationId"`
	ImageURL       string `json:"ImageUrl"`
	ResultType     string `json:"ResultType"`
}

// DirectoryUser is one person of an organisation as user.all() lists them.
type DirectoryUser struct {
	ID             int64
	Name           string
	Email          string
	Position       string // the search entry's Description: the job title
	OrganizationID int64
	ImageURL       string
	Placeholder    bool // no email: a seat held for someone not yet invited
}

// IsPlaceholder applies the Python SDK's rule: a user with no email is a placeholder.
func (r *SearchResult) IsPlaceholder() bool { return r.Email == "" }

// Mine returns the user the key belongs to; it is how bloomy checks a key.
func (c *Client) Mine(ctx context.Context) (*User, error) {
	return c.getUser(ctx, "users/mine")
}

// UserDetails returns one user of the caller's organisation.
func (c *Client) UserDetails(ctx context.Context, id int64) (*User, error) {
	return c.getUser(ctx, "users/"+strconv.FormatInt(id, 10))
}

func (c *Client) getUser(ctx context.Context, path string) (*User, error) {
	var u User
	if err := c.getJSON(ctx, path, nil, &u); err != nil {
		return nil, err
	}
	if u.ID == 0 {
		return nil, &DecodeError{Method: http.MethodGet, Path: path, Err: errors.New("the reply names no user (no Id)")}
	}
	return &u, nil
}

// DirectReports returns the people who report to the user.
func (c *Client) DirectReports(ctx context.Context, id int64) ([]User, error) {
	var users []User
	if err := c.getJSON(ctx, fmt.Sprintf("users/%d/directreports", id), nil, &users); err != nil {
		return nil, err
	}
	return users, nil
}

// Positions returns the seats (job positions) the user holds.
func (c *Client) Positions(ctx context.Context, id int64) ([]Position, error) {
	var seats []struct {
		Group *struct {
			Position *struct {
				ID   int64  `json:"Id"`
				Name string `json:"Name"`
			} `json:"Position"`
		} `json:"Group"`
	}
	if err := c.getJSON(ctx, fmt.Sprintf("users/%d/seats", id), nil, &seats); err != nil {
		return nil, err
	}
	positions := make([]Position, 0, len(seats))
	for _, s := range seats {
		if s.Group == nil || s.Group.Position == nil {
			continue
		}
		positions = append(positions, Position{ID: s.Group.Position.ID, Name: s.Group.Position.Name})
	}
	return positions, nil
}

// SearchUsers returns the users whose name or email matches term.
func (c *Client) SearchUsers(ctx context.Context, term string) ([]SearchResult, error) {
	var results []SearchResult
	if err := c.getJSON(ctx, "search/user", url.Values{"term": {term}}, &results); err != nil {
		return nil, err
	}
	return results, nil
}

// AllUsers is the SDKs' user.all(): every entry of search/all that is a user,
// without placeholders unless asked for, with Description as the position.
// The reply is decoded as a stream, one entry at a time.
func (c *Client) AllUsers(ctx context.Context, includePlaceholders bool) ([]DirectoryUser, error) {
	var users []DirectoryUser
	err := c.do(ctx, call{method: http.MethodGet, path: "search/all", query: url.Values{"term": {"%"}}, retry: true}, func(r io.Reader) error {
		// Fixed-size chunks, joined once at the end: appending to one slice
		// would allocate several times the final size as it grows.
		var chunks [][]DirectoryUser
		chunk := make([]DirectoryUser, 0, userChunk)
		err := eachSearchResult(r, func(e *SearchResult) {
			if e.ResultType != "User" || (!includePlaceholders && e.IsPlaceholder()) {
				return
			}
			if len(chunk) == cap(chunk) {
				chunks = append(chunks, chunk)
				chunk = make([]DirectoryUser, 0, userChunk)
			}
			chunk = append(chunk, DirectoryUser{
				ID:             e.ID,
				Name:           e.Name,
				Email:          e.Email,
				Position:       e.Description,
				OrganizationID: e.OrganizationID,
				ImageURL:       e.ImageURL,
				Placeholder:    e.IsPlaceholder(),
			})
		})
		if err != nil {
			return err
		}
		users = make([]DirectoryUser, 0, len(chunks)*userChunk+len(chunk))
		for _, ch := range chunks {
			users = append(users, ch...)
		}
		users = append(users, chunk...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return users, nil
}

// userChunk is how many users AllUsers collects before starting a new chunk.
const userChunk = 2048

// getJSON GETs an API path and decodes the whole reply into v.
func (c *Client) getJSON(ctx context.Context, path string, query url.Values, v any) error {
	return c.do(ctx, call{method: http.MethodGet, path: path, query: query, retry: true}, func(r io.Reader) error {
		return decodeJSON(r, v)
	})
}

// decodeJSON decodes exactly one JSON value from r into v.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(io.LimitReader(r, 64<<20))
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the reply")
	}
	return nil
}
