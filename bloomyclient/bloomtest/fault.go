package bloomtest

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"time"
)

// Fault is trouble injected on one route, applied before the key is checked. The
// fields are tried in this order, and the first that is set decides the reply:
// Drop; Status or HTML; Truncate; Malformed; Body alone (a 200 with that body). A
// Fault with only Latency delays the normal reply.
type Fault struct {
	// Latency is a sleep before answering; a request cancelled meanwhile (or a server
	// closed meanwhile) gets its connection closed without a reply.
	Latency time.Duration
	// Status answers with this status (401, 429, 500, 503, …) instead of the normal reply.
	Status int
	// RetryAfter is a Retry-After header value sent with Status.
	RetryAfter string
	// Body is the body sent with Status (default: a JSON {"Message": "…"} fitting the
	// status), or the HTML page with HTML, or the 200 body with Malformed or alone.
	Body string
	// HTML sends an HTML error page (Content-Type text/html) with Status, 500 by default.
	HTML bool
	// Truncate sends the normal reply with its body cut in half; Content-Length
	// matches the cut body, so the client sees well-framed but incomplete JSON.
	Truncate bool
	// Malformed sends a 200 with JSON of the wrong shape: an object with mistyped
	// fields where an object is expected, an object where an array is expected.
	Malformed bool
	// Drop closes the connection without answering. Go's http.Transport silently
	// retries an idempotent request once when a reused keep-alive connection closes
	// before any reply byte; use Times 0 or at least 2 to be sure a client sees it.
	Drop bool
	// Times applies the fault to the next Times requests on the route only; 0 means
	// until cleared.
	Times int
}

// faultState is a fault and how many more requests it applies to.
type faultState struct {
	fault Fault
	left  int // meaningful when fault.Times > 0
}

// SetFault injects a fault on a route (one of the Route constants), replacing any
// fault already there.
func (s *Server) SetFault(route string, f Fault) {
	s.faultMu.Lock()
	s.faults[route] = &faultState{fault: f, left: f.Times}
	s.faultMu.Unlock()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	clear(s.faults)
	s.faultMu.Unlock()
}

// takeFault returns the fault for a route, counting it against its Times.
func (s *Server) takeFault(route string) (Fault, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	st := s.faults[route]
	if st == nil {
		return Fault{}, false
	}
	if st.fault.Times > 0 {
		st.left--
		if st.left <= 0 {
			delete(s.faults, route)
		}
	}
	return st.fault, true
}

// applyFault serves a faulted request and reports whether it did; false means the
// fault was only latency and the normal reply should follow.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, c call, f Fault) bool {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			// The client gave up or the server is closing: no reply at all, rather
			// than the empty 200 net/http would send for a silent handler.
			t.Stop()
			dropConnection(w)
			return true
		}
	}
	switch {
	case f.Drop:
		dropConnection(w)
	case f.Status != 0 || f.HTML:
		writeFaultStatus(w, f)
	case f.Truncate:
		s.writeTruncated(w, r, c)
	case f.Malformed:
		body := f.Body
		if body == "" {
			body = malformedBody(c.route)
		}
		writeRawJSON(w, http.StatusOK, []byte(body))
	case f.Body != "":
		writeRawJSON(w, http.StatusOK, []byte(f.Body))
	default:
		return false
	}
	return true
}

// dropConnection closes the connection without a reply.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // the server closes the stream without logging
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

func writeFaultStatus(w http.ResponseWriter, f Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.HTML {
		body := f.Body
		if body == "" {
			body = htmlErrorPage(status)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write([]byte(body))
		return
	}
	if f.Body != "" {
		writeRawJSON(w, status, []byte(f.Body))
		return
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	writeJSON(w, status, apiMessage{Message: statusMessage(status)})
}

// statusMessage is the default Message for a faulted status.
func statusMessage(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return unauthorizedMessage
	case http.StatusForbidden:
		return "You do not have permission to access this resource."
	case http.StatusNotFound:
		return "The requested resource was not found."
	case http.StatusTooManyRequests:
		return "Too many requests. Please slow down and try again later."
	case http.StatusInternalServerError:
		return "An error has occurred."
	case http.StatusServiceUnavailable:
		return "The service is temporarily unavailable."
	}
	if text := http.StatusText(status); text != "" {
		return text + "."
	}
	return fmt.Sprintf("Status %d.", status)
}

// htmlErrorPage is the kind of page a proxy or IIS sends for a server error.
func htmlErrorPage(status int) string {
	title := html.EscapeString(fmt.Sprintf("%d %s", status, http.StatusText(status)))
	return "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head>\n" +
		"<body><h1>" + title + "</h1><p>The server encountered a problem. Please try again later.</p></body></html>\n"
}

// malformedBody is well-formed JSON of the wrong shape for a route.
func malformedBody(route string) string {
	switch route {
	case RouteToken:
		return `{"access_token":7,"token_type":["bearer"],"expires_in":"two weeks","userName":null}`
	case RouteMine, RouteUser:
		return `{"Id":"not-a-number","Name":7,"ImageUrl":false}`
	default: // the routes that reply with an array
		return `{"Id":"not-a-number","Name":7}`
	}
}

// writeTruncated sends the normal reply with its body cut in half.
func (s *Server) writeTruncated(w http.ResponseWriter, r *http.Request, c call) {
	rec := &bufferedReply{header: make(http.Header)}
	s.answer(rec, r, c)
	body := rec.body.Bytes()
	body = body[:len(body)/2]
	h := w.Header()
	for k, vs := range rec.header {
		h[k] = vs
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(cmp.Or(rec.status, http.StatusOK))
	w.Write(body)
}

// bufferedReply is a ResponseWriter that keeps the reply in memory.
type bufferedReply struct {
	header http.Header
	status int
	body   bytes.Buffer
}

var _ http.ResponseWriter = (*bufferedReply)(nil)

func (b *bufferedReply) Header() http.Header { return b.header }

func (b *bufferedReply) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedReply) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
