package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// secret is an API key planted in test inputs; no error may ever contain it.
const secret = "sk-SECRET-7f3a9c"

// plain returns the exported data of c, without node pointers or the key order the
// fast reader records, for comparisons.
func plain(c *Config) Config {
	p := *c
	p.doc, p.keyOrder = nil, nil
	p.Accounts = nil
	for _, a := range c.Accounts {
		a.key, a.node = nil, nil
		p.Accounts = append(p.Accounts, a)
	}
	return p
}

// normalized is plain(c) with what Marshal normalises normalised the same way: the
// default base URL as "", times in UTC, an empty account list as nil.
func normalized(c *Config) Config {
	p := plain(c)
	for i := range p.Accounts {
		a := &p.Accounts[i]
		if a.BaseURL == DefaultBaseURL {
			a.BaseURL = ""
		}
		a.IssuedAt, a.ExpiresAt = a.IssuedAt.UTC(), a.ExpiresAt.UTC()
	}
	return p
}

func mustParse(t testing.TB, s string) *Config {
	t.Helper()
	c, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

func mustMarshal(t testing.TB, c *Config) string {
	t.Helper()
	out, err := c.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return string(out)
}

func date(day int) time.Time { return time.Date(2026, 11, day, 10, 0, 0, 0, time.UTC) }

const bloomyFile = `version: 1
api_key: WORK-KEY
active: work
previous: personal
accounts:
  work:
    username: ada@acme.example
    api_key: WORK-KEY
    base_url: https://staging.example
    issued_at: 2026-11-20T10:00:00Z
    expires_at: 2026-12-04T10:00:00Z
    user_id: 123
    user_name: Ada Lovelace
  personal:
    username: ada@home.example
    api_key: HOME-KEY
`

func TestParseReadsWhatEachWriterWrites(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Config
	}{
		{
			name: "an empty file is an empty config",
			in:   "",
			want: Config{Format: FormatEmpty},
		},
		{
			name: "a file of blank lines and comments is an empty config",
			in:   "\n# nothing here yet\n\n",
			want: Config{Format: FormatEmpty},
		},
		{
			name: "a bare document marker is an empty config",
			in:   "---\n",
			want: Config{Format: FormatEmpty},
		},
		{
			name: "the Python SDK's file gives the top-level key",
			in:   "version: 1\napi_key: PY-KEY\n",
			want: Config{Version: 1, APIKey: "PY-KEY", Format: FormatPython},
		},
		{
			name: "a file saved by Windows Notepad, with a byte order mark and CRLF, is read",
			in:   "\ufeffversion: 1\r\napi_key: PY-KEY\r\n",
			want: Config{Version: 1, APIKey: "PY-KEY", Format: FormatPython},
		},
		{
			name: "the Ruby gem's file with symbol keys gives the top-level key",
			in:   "---\n:version: 1\n:api_key: RB-KEY\n",
			want: Config{Version: 1, APIKey: "RB-KEY", Format: FormatRuby},
		},
		{
			name: "api_key wins over :api_key when a file has both",
			in:   ":api_key: RB-KEY\napi_key: PY-KEY\n",
			want: Config{APIKey: "PY-KEY", Format: FormatRuby},
		},
		{
			name: "bloomy's file gives the named accounts in file order",
			in:   bloomyFile,
			want: Config{
				Version: 1, APIKey: "WORK-KEY", Active: "work", Previous: "personal",
				HasAccountsKey: true, Format: FormatBloomy,
				Accounts: []Account{
					{Name: "work", Username: "ada@acme.example", APIKey: "WORK-KEY", BaseURL: "https://staging.example",
						IssuedAt: date(20), ExpiresAt: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC), UserID: 123, UserName: "Ada Lovelace"},
					{Name: "personal", Username: "ada@home.example", APIKey: "HOME-KEY"},
				},
			},
		},
		{
			name: "an accounts key with nothing under it is a bloomy file with no accounts",
			in:   "version: 1\naccounts:\n",
			want: Config{Version: 1, HasAccountsKey: true, Format: FormatBloomy},
		},
		{
			name: "quoted timestamps, a quoted user id and null fields are accepted",
			in:   "accounts:\n  w:\n    issued_at: \"2026-11-20T11:00:00+01:00\"\n    user_id: \"7\"\n    username: ~\n    expires_at:\n",
			want: Config{HasAccountsKey: true, Format: FormatBloomy,
				Accounts: []Account{{Name: "w", IssuedAt: date(20), UserID: 7}}},
		},
		{
			name: "PyYAML's datetime form is accepted",
			in:   "accounts:\n  w:\n    issued_at: 2026-11-20 10:00:00+00:00\n",
			want: Config{HasAccountsKey: true, Format: FormatBloomy,
				Accounts: []Account{{Name: "w", IssuedAt: date(20)}}},
		},
		{
			name: "names YAML 1.2 reads as numbers or booleans are still names",
			in:   "accounts:\n  123:\n    api_key: A\n  true:\n    api_key: B\n",
			want: Config{HasAccountsKey: true, Format: FormatBloomy,
				Accounts: []Account{{Name: "123", APIKey: "A"}, {Name: "true", APIKey: "B"}}},
		},
		{
			name: "aliases are read as what they point to",
			in:   "accounts:\n  a:\n    api_key: &k SHARED\n    username: &u u@example.com\n  b:\n    api_key: *k\n    username: *u\n",
			want: Config{HasAccountsKey: true, Format: FormatBloomy,
				Accounts: []Account{{Name: "a", APIKey: "SHARED", Username: "u@example.com"}, {Name: "b", APIKey: "SHARED", Username: "u@example.com"}}},
		},
		{
			name: "unknown keys are ignored on reading",
			in:   "version: 1\ntheme: dark\naccounts:\n  w:\n    note: [1, 2]\n    api_key: W\n",
			want: Config{Version: 1, HasAccountsKey: true, Format: FormatBloomy,
				Accounts: []Account{{Name: "w", APIKey: "W"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := plain(mustParse(t, tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseRejectsBadFilesWithTheLine(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantLine int
		wantMsg  string
	}{
		{"a syntax error gives the parser's message", "version: 1\napi_key: " + secret + "\naccounts: [x,\n", 4, "did not find expected"},
		{"an unclosed flow sequence gives the line it opens on", "version: 1\napi_key: [x\nfoo: 1\n", 2, "did not find expected ',' or ']'"},
		{"an unclosed flow mapping gives the line it opens on", "a: 1\nb: 2\nc: {x\n", 3, "did not find expected ',' or '}'"},
		{"a sequence item among mapping keys gives its line", "a: 1\nb: 2\n- c\n", 3, "did not find expected key"},
		{"a wrongly indented key gives its line", "a: 1\nb: 2\n c: 3\n", 3, "mapping values are not allowed"},
		{"a reserved character gives its line", "a: 1\nb: 2\nc: @x\n", 3, "cannot start any token"},
		{"a top-level api_key that is a list", "version: 1\napi_key: [" + secret + ", 2]\n", 2, "api_key must be a string"},
		{"a top-level api_key that is a number", "api_key: 12345\n", 1, "api_key must be a string"},
		{"a Ruby api_key that is a mapping", ":api_key: {k: " + secret + "}\n", 1, ":api_key must be a string"},
		{"a version that is a word", "version: " + secret + "\n", 1, "version must be an integer"},
		{"an active account that is a list", "active: [" + secret + "]\n", 1, "active must be a string"},
		{"accounts that is a number", "version: 1\naccounts: 5\n", 2, "accounts must be a mapping"},
		{"accounts that is a list", "accounts:\n  - " + secret + "\n", 2, "accounts must be a mapping"},
		{"an account that is not a mapping", "accounts:\n  work: " + secret + "\n", 2, "accounts.work must be a mapping"},
		{"an account that is null", "accounts:\n  work:\n", 2, "accounts.work must be a mapping"},
		{"an account name that is a list", "accounts:\n  [a, b]: {api_key: " + secret + "}\n", 2, "account name under accounts must be a string"},
		{"an account's api_key that is a number", "accounts:\n  work:\n    api_key: 1234\n", 3, "accounts.work.api_key must be a string"},
		{"an account's api_key that is a list", "accounts:\n  work:\n    api_key: [" + secret + "]\n", 3, "accounts.work.api_key must be a string"},
		{"a user id that is a word", "accounts:\n  work:\n    user_id: " + secret + "\n", 3, "accounts.work.user_id must be an integer"},
		{"a user id too large for int64", "accounts:\n  work:\n    user_id: 99999999999999999999\n", 3, "accounts.work.user_id must be an integer"},
		{"an expiry that is not a time", "accounts:\n  work:\n    expires_at: " + secret + "\n", 3, "accounts.work.expires_at must be a date and time"},
		{"an odd account name is quoted in the message", "accounts:\n  my work:\n    base_url: [1]\n", 3, `accounts["my work"].base_url must be a string`},
		{"a top level that is a list", "- " + secret + "\n- b\n", 1, "top level must be a mapping"},
		{"a top level that is a plain word", secret + "\n", 1, "top level must be a mapping"},
		{"a duplicated top-level key", "api_key: " + secret + "\napi_key: B\n", 2, `duplicate key "api_key" (lines 1 and 2)`},
		{"a duplicated account name", "accounts:\n  work:\n    api_key: " + secret + "\n  work:\n    api_key: B\n", 4, `duplicate key "work" (lines 2 and 4)`},
		{"a duplicated field inside an account", "accounts:\n  work:\n    api_key: " + secret + "\n    api_key: B\n", 4, `duplicate key "api_key" in account "work" (lines 3 and 4)`},
		{"a duplicated key deep in an unknown value is reported without its name", "extra:\n  a:\n    " + secret + ": 1\n    " + secret + ": 2\n", 4, "duplicate key (lines 3 and 4)"},
		{"a second YAML document", "api_key: " + secret + "\n---\napi_key: B\n", 2, "more than one YAML document"},
		{"an alias to an unknown anchor does not name it", "api_key: *" + secret + "\n", 0, "unknown anchor (name hidden) referenced"},
		{"an alias inside its own anchor", "extra: &a [1, *a]\n", 1, "an alias refers to a node that contains it"},
		{"aliases that expand without end", billionLaughs(), 0, "aliases expand to too much data"},
		{"a tab in the indentation", "accounts:\n\twork: {}\n", 2, "found character that cannot start any token"},
		{"a control character gives its line", "version: 1\napi_key: a\x01b\n", 2, "control characters are not allowed"},
		{"bytes that are not UTF-8 give their line", "version: 1\n\napi_key: a\xffb\n", 3, "invalid leading UTF-8 octet"},
		{"a syntax error on the first line is line 1", "a: @x\n", 1, "cannot start any token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v (%T), want a *ParseError", err, err)
			}
			if tt.wantLine != 0 && pe.Line != tt.wantLine {
				t.Errorf("line = %d, want %d (%v)", pe.Line, tt.wantLine, err)
			}
			if !strings.Contains(pe.Msg, tt.wantMsg) {
				t.Errorf("message = %q, want it to contain %q", pe.Msg, tt.wantMsg)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "sk-") {
				t.Errorf("the error %q quotes content from the file", err)
			}
		})
	}
}

// billionLaughs is a YAML file whose aliases expand to 10^9 nodes.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		p := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		b.WriteString(strings.Repeat(p+", ", 9) + p + "]\n")
	}
	return b.String()
}

func TestParseErrorNamesPathAndLine(t *testing.T) {
	tests := []struct {
		name string
		err  ParseError
		want string
	}{
		{"a path and a line", ParseError{Path: "/h/.bloomy/config.yaml", Line: 3, Msg: "oops"}, "/h/.bloomy/config.yaml:3: oops"},
		{"a path without a line", ParseError{Path: "/h/c.yaml", Msg: "oops"}, "/h/c.yaml: oops"},
		{"a line without a path", ParseError{Line: 3, Msg: "oops"}, "line 3: oops"},
		{"only a message", ParseError{Msg: "oops"}, "oops"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMarshalWrites(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		change func(c *Config)
		want   string
	}{
		{
			name:   "a config made in code gets version 1 and an empty accounts mapping",
			change: func(c *Config) {},
			want:   "version: 1\naccounts: {}\n",
		},
		{
			name:   "a file bloomy wrote is written back byte for byte",
			in:     bloomyFile,
			change: func(c *Config) {},
			want:   bloomyFile,
		},
		{
			name:   "the Python SDK's file keeps its keys and gains an accounts key",
			in:     "version: 1\napi_key: PY-KEY\n",
			change: func(c *Config) {},
			want:   "version: 1\napi_key: PY-KEY\naccounts: {}\n",
		},
		{
			name: "the Ruby gem's file has :api_key updated in place and its symbol keys kept",
			in:   "---\n:version: 1\n:api_key: OLD\n",
			change: func(c *Config) {
				c.APIKey, c.Active = "NEW", "w"
				c.Accounts = append(c.Accounts, Account{Name: "w", APIKey: "NEW"})
			},
			want: ":version: 1\n:api_key: NEW\nactive: w\naccounts:\n  w:\n    api_key: NEW\n",
		},
		{
			name:   "a file with both key spellings has both updated",
			in:     "api_key: OLD\n:api_key: OLD\n",
			change: func(c *Config) { c.APIKey = "NEW" },
			want:   "version: 1\napi_key: NEW\n:api_key: NEW\naccounts: {}\n",
		},
		{
			name:   "empty api_key, active and previous are removed rather than written empty",
			in:     bloomyFile,
			change: func(c *Config) { c.APIKey, c.Active, c.Previous, c.Accounts = "", "", "", nil },
			want:   "version: 1\naccounts: {}\n",
		},
		{
			name:   "removing the last account leaves an empty accounts mapping",
			in:     "version: 1\naccounts:\n  w:\n    api_key: W\n",
			change: func(c *Config) { c.Accounts = c.Accounts[:0] },
			want:   "version: 1\naccounts: {}\n",
		},
		{
			name: "a missing key is inserted after the keys that come before it",
			in:   "version: 1\napi_key: K\n",
			change: func(c *Config) {
				c.Previous = "p"
				c.Accounts = []Account{{Name: "p", APIKey: "K"}}
			},
			want: "version: 1\napi_key: K\nprevious: p\naccounts:\n  p:\n    api_key: K\n",
		},
		{
			name:   "a missing key goes before the first key that comes after it",
			in:     "theme: dark\nactive: w\naccounts: {}\n",
			change: func(c *Config) { c.APIKey = "K" },
			want:   "theme: dark\nversion: 1\napi_key: K\nactive: w\naccounts: {}\n",
		},
		{
			name: "a new account is written with bloomy's key order and without empty fields",
			change: func(c *Config) {
				c.Accounts = []Account{{Name: "w", UserName: "Ada", UserID: 9, ExpiresAt: date(30), IssuedAt: date(16),
					BaseURL: "https://staging.example", APIKey: "K", Username: "ada@acme.example"}}
			},
			want: "version: 1\naccounts:\n  w:\n    username: ada@acme.example\n    api_key: K\n    base_url: https://staging.example\n" +
				"    issued_at: 2026-11-16T10:00:00Z\n    expires_at: 2026-11-30T10:00:00Z\n    user_id: 9\n    user_name: Ada\n",
		},
		{
			name:   "the default base URL is not written",
			in:     "accounts:\n  w:\n    api_key: K\n    base_url: https://app.bloomgrowth.com\n",
			change: func(c *Config) {},
			want:   "version: 1\naccounts:\n  w:\n    api_key: K\n",
		},
		{
			name: "timestamps are written in UTC",
			change: func(c *Config) {
				c.Accounts = []Account{{Name: "w", ExpiresAt: time.Date(2026, 12, 4, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))}}
			},
			want: "version: 1\naccounts:\n  w:\n    expires_at: 2026-12-04T10:00:00Z\n",
		},
		{
			name:   "a version bloomy does not know is kept",
			in:     "version: 2\n",
			change: func(c *Config) {},
			want:   "version: 2\naccounts: {}\n",
		},
		{
			name:   "a flow-style file is written in block style",
			in:     "{version: 1, api_key: K}\n",
			change: func(c *Config) { c.Accounts = []Account{{Name: "w", APIKey: "K"}} },
			want:   "version: 1\napi_key: K\naccounts:\n  w:\n    api_key: K\n",
		},
		{
			name:   "a renamed account keeps its comments, unknown keys and place",
			in:     "accounts:\n  # first\n  a:\n    note: keep # me\n    api_key: A\n  b:\n    api_key: B\n",
			change: func(c *Config) { c.Account("a").Name = "renamed" },
			want:   "version: 1\naccounts:\n  # first\n  renamed:\n    note: keep # me\n    api_key: A\n  b:\n    api_key: B\n",
		},
		{
			name:   "a removed account takes its comments and unknown keys with it",
			in:     "accounts:\n  # first\n  a:\n    note: gone\n    api_key: A\n  # second\n  b:\n    api_key: B\n",
			change: func(c *Config) { c.Accounts = c.Accounts[1:] },
			want:   "version: 1\naccounts:\n  # second\n  b:\n    api_key: B\n",
		},
		{
			name:   "a changed field keeps its line comment",
			in:     "accounts:\n  a:\n    api_key: OLD # rotated\n",
			change: func(c *Config) { c.Account("a").APIKey = "NEW" },
			want:   "version: 1\naccounts:\n  a:\n    api_key: NEW # rotated\n",
		},
		{
			name:   "hand-quoted values that did not change keep their quotes",
			in:     "version: 1\naccounts:\n  a:\n    username: 'ada'\n    issued_at: \"2026-11-20T10:00:00Z\"\n",
			change: func(c *Config) {},
			want:   "version: 1\naccounts:\n  a:\n    username: 'ada'\n    issued_at: \"2026-11-20T10:00:00Z\"\n",
		},
		{
			name:   "a plain name that YAML 1.1 reads as a boolean gets quoted",
			in:     "accounts:\n  no:\n    username: off\n",
			change: func(c *Config) {},
			want:   "version: 1\naccounts:\n  \"no\":\n    username: \"off\"\n",
		},
		{
			name:   "aliases are written out in full",
			in:     "accounts:\n  a:\n    api_key: &k SHARED\n  b:\n    api_key: *k\n",
			change: func(c *Config) { c.Account("a").APIKey = "NEW" },
			want:   "version: 1\naccounts:\n  a:\n    api_key: NEW\n  b:\n    api_key: SHARED\n",
		},
		{
			name:   "comments of a file that held only comments are kept",
			in:     "# keep me\n",
			change: func(c *Config) {},
			want:   "# keep me\n\nversion: 1\naccounts: {}\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.in)
			tt.change(c)
			got := mustMarshal(t, c)
			if got != tt.want {
				t.Errorf("Marshal:\n--- got\n%s--- want\n%s", got, tt.want)
			}
			back := mustParse(t, got)
			if g, w := normalized(back).Accounts, normalized(c).Accounts; !reflect.DeepEqual(g, w) {
				t.Errorf("accounts read back differ:\n got %+v\nwant %+v", g, w)
			}
		})
	}
}

func TestMarshalDoesNotChangeTheConfig(t *testing.T) {
	c := mustParse(t, bloomyFile)
	c.Account("work").Name = "job"
	first := mustMarshal(t, c)
	second := mustMarshal(t, c)
	if first != second {
		t.Errorf("a second Marshal differs:\n%s\n---\n%s", first, second)
	}
	c.Account("job").Name = "work"
	if got := mustMarshal(t, c); got != bloomyFile {
		t.Errorf("renaming back does not give the original file:\n%s", got)
	}
}

func TestMarshalRefusesTwoAccountsWithOneName(t *testing.T) {
	c := &Config{Accounts: []Account{{Name: "w", APIKey: secret}, {Name: "w"}}}
	_, err := c.Marshal()
	if err == nil || !strings.Contains(err.Error(), `"w"`) {
		t.Fatalf("Marshal error = %v, want one naming the account", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error %q contains the key", err)
	}
}

func TestHandEditedFileSurvivesAddAndRemove(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "hand-edited.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c := mustParse(t, string(in))
	if got := len(c.Accounts); got != 3 {
		t.Fatalf("read %d accounts, want 3", got)
	}
	kept := c.Accounts[:0]
	for _, a := range c.Accounts {
		if a.Name != "old" {
			kept = append(kept, a)
		}
	}
	c.Accounts = append(kept, Account{Name: "no", Username: "123", APIKey: "NEW-KEY-0000",
		IssuedAt: date(21), ExpiresAt: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC), UserID: 7, UserName: "on"})
	c.Previous, c.Active, c.APIKey = "work", "no", "NEW-KEY-0000"
	got := mustMarshal(t, c)

	golden := filepath.Join("testdata", "hand-edited.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./config/ -run HandEdited -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("Marshal differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
	for _, s := range []string{"# bloomy config, edited by hand.", "editor: vim # an unknown top-level key",
		"note: rotate monthly # an unknown key inside an account", "# the end", "color: blue", "# staging server"} {
		if !strings.Contains(got, s) {
			t.Errorf("the saved file lost %q", s)
		}
	}
	if strings.Contains(got, "OLD-KEY") || strings.Contains(got, "removed by the test") {
		t.Errorf("the removed account survived:\n%s", got)
	}
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"a plain word is valid", "work", ""},
		{"letters, digits, dots, underscores and dashes are valid", "Acme_2.prod-eu", ""},
		{"digits alone are valid", "123", ""},
		{"a YAML keyword is valid", "no", ""},
		{"64 characters are valid", strings.Repeat("a", 64), ""},
		{"an empty name is rejected", "", "empty"},
		{"65 characters are rejected", strings.Repeat("a", 65), "at most 64"},
		{"a space is rejected", "my work", "only letters"},
		{"a slash is rejected", "a/b", "only letters"},
		{"a colon is rejected", ":work", "only letters"},
		{"a non-ASCII letter is rejected", "café", "only letters"},
		{"a leading dash is rejected", "-work", "cannot start with '-'"},
		{"a lone dash is rejected", "-", "cannot start with '-'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidName(tt.in)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ValidName(%q) = %v, want nil", tt.in, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("ValidName(%q) = %v, want an error saying %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestAccountLookups(t *testing.T) {
	c := mustParse(t, bloomyFile)
	tests := []struct {
		name string
		got  func() string
		want string
	}{
		{"Account finds an account by name", func() string { return c.Account("personal").APIKey }, "HOME-KEY"},
		{"Account is case-sensitive", func() string { return nameOf(c.Account("Work")) }, "<nil>"},
		{"Account returns a pointer into Accounts", func() string { c.Account("work").UserName = "X"; return c.Accounts[0].UserName }, "X"},
		{"AccountByKey finds the account holding a key", func() string { return nameOf(c.AccountByKey("HOME-KEY")) }, "personal"},
		{"AccountByKey finds nothing for an empty key", func() string { return nameOf(c.AccountByKey("")) }, "<nil>"},
		{"a top-level key held by an account is not unnamed", func() string { return c.UnnamedKey() }, ""},
		{"a top-level key no account holds is unnamed", func() string { c.APIKey = "SDK-KEY"; return c.UnnamedKey() }, "SDK-KEY"},
		{"no top-level key means no unnamed key", func() string { c.APIKey = ""; return c.UnnamedKey() }, ""},
		{"URL defaults to the Bloom Growth server", func() string { return c.Account("personal").URL() }, DefaultBaseURL},
		{"URL gives an account's own server", func() string { return c.Account("work").URL() }, "https://staging.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func nameOf(a *Account) string {
	if a == nil {
		return "<nil>"
	}
	return a.Name
}
