package bloomyclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestDecodeToken(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		body    string
		want    Token
		wantErr string
	}{
		{
			name: "a full reply takes its times from .issued and .expires",
			body: `{"access_token":"k-123","token_type":"bearer","expires_in":1209599,"userName":"ada@acme.example",".issued":"Mon, 28 Dec 2015 07:05:37 GMT",".expires":"Mon, 11 Jan 2016 07:05:37 GMT"}`,
			want: Token{AccessToken: "k-123", TokenType: "bearer", ExpiresIn: 1209599 * time.Second, UserName: "ada@acme.example",
				IssuedAt: time.Date(2015, 12, 28, 7, 5, 37, 0, time.UTC), ExpiresAt: time.Date(2016, 1, 11, 7, 5, 37, 0, time.UTC)},
		},
		{
			name: "without dates the expiry is now plus expires_in",
			body: `{"access_token":"k","expires_in":60}`,
			want: Token{AccessToken: "k", ExpiresIn: time.Minute, IssuedAt: now, ExpiresAt: now.Add(time.Minute)},
		},
		{
			name: "without any lifetime the key is taken to live two weeks",
			body: `{"access_token":"k","unknown":{"nested":[1,2]}}`,
			want: Token{AccessToken: "k", ExpiresIn: KeyLifetime, IssuedAt: now, ExpiresAt: now.Add(KeyLifetime)},
		},
		{name: "a reply with no access_token is refused", body: `{"token_type":"bearer"}`, wantErr: "no access_token"},
		{name: "an access_token of the wrong type is refused", body: `{"access_token":5}`, wantErr: "expected string"},
		{name: "a negative expires_in is refused", body: `{"access_token":"k","expires_in":-5}`, wantErr: "expires_in"},
		{name: "a key with spaces is refused", body: `{"access_token":"a b"}`, wantErr: "not a usable key"},
		{name: "an empty body is reported as empty", body: ``, wantErr: "empty"},
		{name: "a truncated body is reported as cut short", body: `{"access_token":"k","expi`, wantErr: "cut short"},
		{name: "an HTML page is reported as not JSON", body: `<html><body>Oops</body></html>`, wantErr: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeToken(strings.NewReader(tt.body), now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("got  %#v\nwant %#v", *got, tt.want)
			}
		})
	}
}

func TestTokenNeverPrintsItsKey(t *testing.T) {
	tok := Token{AccessToken: "SENTINEL-KEY-0123456789", TokenType: "bearer"}
	for _, s := range []string{tok.String(), tok.GoString(), tok.LogValue().String()} {
		if strings.Contains(s, "SENTINEL-KEY-0123456789") {
			t.Errorf("%q shows the key", s)
		}
	}
}

func decodeAll(body string) ([]SearchResult, error) {
	var out []SearchResult
	err := eachSearchResult(strings.NewReader(body), func(e *SearchResult) { out = append(out, *e) })
	return out, err
}

func TestEachSearchResult(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []SearchResult
		wantErr string
	}{
		{name: "an empty array has no entries", body: ` [ ] `, want: nil},
		{
			name: "known fields are read and unknown ones skipped",
			body: `[{"Id":7,"Name":"Ada","Description":"CEO","Email":"ada@x","OrganizationId":3,"ImageUrl":"/i/a","ResultType":"User","Extra":{"a":[1,true,null,"x"]},"N":-1.5e3}]`,
			want: []SearchResult{{ID: 7, Name: "Ada", Description: "CEO", Email: "ada@x", OrganizationID: 3, ImageURL: "/i/a", ResultType: "User"}},
		},
		{
			name: "field names match without regard to case, as encoding/json does",
			body: `[{"id":1,"name":"x","resulttype":"Team"}]`,
			want: []SearchResult{{ID: 1, Name: "x", ResultType: "Team"}},
		},
		{
			name: "null values and missing fields leave zero values",
			body: `[{"Id":null,"Name":null},{}]`,
			want: []SearchResult{{}, {}},
		},
		{
			name: "escapes and surrogate pairs are decoded",
			body: `[{"Name":"Zo\u00eb \"Z\" \\ \/ \n \ud83d\ude00 \ud800x"}]`,
			want: []SearchResult{{Name: "Zoë \"Z\" \\ / \n 😀 \uFFFDx"}},
		},
		{name: "an object instead of an array is refused", body: `{"Id":1}`, wantErr: "not a JSON array"},
		{name: "an entry that is not an object is refused", body: `[1]`, wantErr: "entry 1 is not an object"},
		{name: "a string Id is refused with the field named", body: `[{"Id":"7"}]`, wantErr: "Id is a JSON string, expected a number"},
		{name: "a numeric Name is refused with the field named", body: `[{"Name":7}]`, wantErr: "Name is a JSON number, expected a string"},
		{name: "a fractional Id is refused", body: `[{"Id":1.5}]`, wantErr: "not a whole number"},
		{name: "a truncated array is reported as cut short", body: `[{"Id":1},{"Id":2,"Na`, wantErr: "cut short"},
		{name: "a truncated number at the end is reported as cut short", body: `[{"Id":12`, wantErr: "cut short"},
		{name: "an HTML page is refused", body: "<!DOCTYPE html><html>", wantErr: "not a JSON array"},
		{name: "an empty body is reported as empty", body: "", wantErr: "empty"},
		{name: "a raw control character in a string is refused", body: "[{\"Name\":\"a\x01\"}]", wantErr: "control character"},
		{name: "a bad escape is refused", body: `[{"Name":"\x"}]`, wantErr: "invalid escape"},
		{name: "a bad literal is refused", body: `[{"X":nul}]`, wantErr: "invalid literal"},
		{name: "a missing comma is refused", body: `[{"Id":1} {"Id":2}]`, wantErr: "expected , or ]"},
		{name: "data after the array is refused", body: `[] x`, wantErr: "after the array"},
		{name: "deep nesting is refused, not recursed into", body: `[{"X":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}]`, wantErr: "nests too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeAll(tt.body)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestEachSearchResultReadsAcrossBufferBoundaries(t *testing.T) {
	// One byte per Read puts every token across a refill.
	body := `[{"Id":1,"Name":"Zo\u00eb \ud83d\ude00","Description":"CEO","Skip":[{"a":"b"},1e5,false]},{"Id":-2,"Email":"x@y"}]`
	var got []SearchResult
	err := eachSearchResult(iotest.OneByteReader(strings.NewReader(body)), func(e *SearchResult) { got = append(got, *e) })
	if err != nil {
		t.Fatal(err)
	}
	want := []SearchResult{{ID: 1, Name: "Zoë 😀", Description: "CEO"}, {ID: -2, Email: "x@y"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

func TestEachSearchResultPassesOnReadErrors(t *testing.T) {
	boom := errors.New("connection reset")
	err := eachSearchResult(io.MultiReader(strings.NewReader(`[{"Id":1}`), iotest.ErrReader(boom)), func(*SearchResult) {})
	if !errors.Is(err, boom) {
		t.Fatalf("error = %v, want the read error", err)
	}
}

// The special-purpose scanner must agree with encoding/json on every input
// encoding/json accepts as an array of search entries.
func FuzzSearchAll(f *testing.F) {
	for _, seed := range []string{
		`[]`, `[{"Id":1,"Name":"A","Email":"a@b","ResultType":"User","Description":"CEO","OrganizationId":2,"ImageUrl":"/i/x"}]`,
		`[{"Id":1},{"Name":"\u00e9\ud83d\ude00"},{"X":{"Y":[1,2,{"Z":null}]}}]`, `[{"Id":"x"}]`, `[{"Id":1`, `<html>`, ``,
		`[{"name":"lower"}]`, `[{"Id":1e2}]`, "[{\"Name\":\"\xff\"}]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeAll(string(data))
		var want []SearchResult
		jsonErr := json.Unmarshal(data, &want)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if jsonErr != nil {
			// We accept a little less than encoding/json (whole-number ids), never more.
			t.Fatalf("scanner accepted what encoding/json refuses (%v): %q", jsonErr, data)
		}
		if len(got) != len(want) {
			t.Fatalf("scanner read %d entries, encoding/json %d", len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("entry %d: scanner %#v, encoding/json %#v", i, got[i], want[i])
			}
		}
	})
}

func FuzzDecodeToken(f *testing.F) {
	for _, seed := range []string{
		`{"access_token":"k","token_type":"bearer","expires_in":1209599,"userName":"u",".issued":"Mon, 28 Dec 2015 07:05:37 GMT",".expires":"Mon, 11 Jan 2016 07:05:37 GMT"}`,
		`{"access_token":5}`, `{"expires_in":1e400}`, `{`, ``, `[]`, `{"access_token":"k",".issued":"garbage"}`,
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := decodeToken(bytes.NewReader(data), now)
		if err != nil {
			return
		}
		if tok.AccessToken == "" || tok.ExpiresAt.IsZero() {
			t.Fatalf("accepted a token with no key or expiry: %v", tok)
		}
	})
}

func FuzzDecodeUser(f *testing.F) {
	for _, seed := range []string{`{"Id":123,"Name":"Ada Lovelace","ImageUrl":"https://x"}`, `{"Id":"1"}`, `{}`, `null`, `{"Id":1`, `[1]`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var u User
		err := decodeJSON(bytes.NewReader(data), &u)
		if err == nil && !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
	})
}
