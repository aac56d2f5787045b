package bloomtest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestSearchAllOf50kIsCached checks the big reply is built once and then served from
// the cache; the timing itself is BenchmarkSearchAll50k's business.
func TestSearchAllOf50kIsCached(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an organisation of 50,000 users")
	}
	start := time.Now()
	s := newServer(Options{NoDemoLogins: true}.withDefaults())
	s.AddLogin(Login{Username: "ceo@huge.example", Password: "pw", Organization: "Huge Inc"}, 50_000)
	generated := time.Since(start)
	key := mustKey(t, s, "ceo@huge.example")
	serve := func() (*httptest.ResponseRecorder, time.Duration) {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/search/all?term=%25", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		start := time.Now()
		s.Handler().ServeHTTP(rec, req)
		return rec, time.Since(start)
	}
	first, cold := serve()
	second, warm := serve()
	t.Logf("generated in %v; search/all (%d bytes) cold %v, warm %v", generated, first.Body.Len(), cold, warm)
	if first.Code != http.StatusOK || !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) {
		t.Fatalf("status %d; replies equal %v", first.Code, bytes.Equal(first.Body.Bytes(), second.Body.Bytes()))
	}
	if n := len(s.Users("ceo@huge.example", true)); n != 50_001 {
		t.Errorf("%d people, want 50001", n)
	}
	org := s.orgs["Huge Inc"]
	if cached := org.searchAllJSON(); &cached[0] != &org.searchAllJSON()[0] {
		t.Error("search/all is rebuilt on every call")
	}
}

func BenchmarkSearchAll50k(b *testing.B) {
	s := newServer(Options{NoDemoLogins: true}.withDefaults())
	s.AddLogin(Login{Username: "ceo@huge.example", Password: "pw", Organization: "Huge Inc"}, 50_000)
	key := mustKey(b, s, "ceo@huge.example")
	req := httptest.NewRequest(http.MethodGet, "/api/v1/search/all?term=%25", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	h := s.Handler()

	warm := httptest.NewRecorder()
	h.ServeHTTP(warm, req) // builds the cached reply once
	if warm.Code != http.StatusOK {
		b.Fatalf("status %d", warm.Code)
	}
	size := warm.Body.Len()
	// One reused buffer, so the benchmark measures the server rather than the
	// page faults of a fresh 10 MB buffer per call.
	body := bytes.NewBuffer(make([]byte, 0, size))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		body.Reset()
		rec := httptest.NewRecorder()
		rec.Body = body
		h.ServeHTTP(rec, req)
		if rec.Body.Len() != size {
			b.Fatalf("%d bytes, want %d", rec.Body.Len(), size)
		}
		s.ResetRequests()
	}
}
