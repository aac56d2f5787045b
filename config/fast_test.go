package config

import (
	"bytes"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fastChange is a change a caller might make to a parsed Config before saving it.
// Each is made to a Config from the fast path and to one from the node path, and
// both must then marshal to the same bytes.
type fastChange struct {
	name   string
	change func(c *Config)
}

// hybridAccount is an account read by the node path, with a comment and an unknown
// key, as Store.Lost hands out from a hand-edited backup.
func hybridAccount() Account {
	c, err := parseNodes([]byte("accounts:\n  # restored from the backup\n  hybrid:\n    note: keep me\n    api_key: H # rotated\n"))
	if err != nil {
		panic(err)
	}
	return c.Accounts[0]
}

var fastChanges = []fastChange{
	{"nothing", func(c *Config) {}},
	{"the active account is cleared and previous set", func(c *Config) { c.Active, c.Previous = "", "p-new" }},
	{"the top-level key changes and the version is reset", func(c *Config) { c.APIKey, c.Version = "NEW", 0 }},
	{"every top-level value is cleared", func(c *Config) { c.APIKey, c.Active, c.Previous, c.Version = "", "", "", 0 }},
	{"every account is removed", func(c *Config) { c.Accounts = nil }},
	{"an account is added", func(c *Config) {
		c.Accounts = append(c.Accounts, Account{Name: "added", APIKey: "K", UserID: 7, IssuedAt: date(1), UserName: "no"})
	}},
	{"the first account is renamed and its fields changed", func(c *Config) {
		if len(c.Accounts) > 0 {
			a := &c.Accounts[0]
			a.Name, a.Username, a.UserID, a.BaseURL, a.UserName = "renamed-x", "", 0, DefaultBaseURL, "yes"
			a.ExpiresAt = time.Date(2027, 1, 2, 3, 4, 5, 6, time.FixedZone("X", 3600))
		}
	}},
	{"the accounts are reversed", func(c *Config) {
		for i, j := 0, len(c.Accounts)-1; i < j; i, j = i+1, j-1 {
			c.Accounts[i], c.Accounts[j] = c.Accounts[j], c.Accounts[i]
		}
	}},
	{"an account read by the node path is appended", func(c *Config) { c.Accounts = append(c.Accounts, hybridAccount()) }},
}

// checkFastAgrees runs the fast reader on data. When it accepts, it checks that the
// node path reads the same Config, that both marshal to the same bytes, unchanged
// and after each of fastChanges, and that a complete canonical file is written back
// as it was. It reports whether the fast reader accepted data.
func checkFastAgrees(t *testing.T, data []byte) bool {
	t.Helper()
	fast, ok := readFast(data)
	if !ok {
		return false
	}
	slow, err := parseNodes(data)
	if err != nil {
		t.Fatalf("the fast reader accepts a file the node path rejects (%v):\n%q", err, data)
	}
	if got, want := plain(fast), plain(slow); !reflect.DeepEqual(got, want) {
		t.Fatalf("the fast reader reads\n%+v\nthe node path reads\n%+v\nfrom %q", got, want, data)
	}
	if (fast.Accounts == nil) != (slow.Accounts == nil) {
		t.Errorf("the fast reader gives accounts %#v, the node path %#v", fast.Accounts, slow.Accounts)
	}
	for _, ch := range fastChanges {
		f, _ := readFast(data)
		s, err := parseNodes(data)
		if err != nil {
			t.Fatal(err)
		}
		ch.change(f)
		ch.change(s)
		fo, ferr := f.Marshal()
		so, serr := s.Marshal()
		if (ferr == nil) != (serr == nil) || !bytes.Equal(fo, so) {
			t.Fatalf("after %s, the fast path writes (%v)\n%s\nthe node path writes (%v)\n%s\nfor %q", ch.name, ferr, fo, serr, so, data)
		}
	}
	out, err := fast.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fast.marshalFast(); !ok {
		t.Errorf("the fast writer declines a config the fast reader read from %q", data)
	}
	s := string(data)
	complete := strings.HasSuffix(s, "\n") && (strings.HasPrefix(s, "version: ") || strings.Contains(s, "\nversion: ")) &&
		(strings.HasPrefix(s, "accounts:") || strings.Contains(s, "\naccounts:"))
	if complete && !bytes.Equal(out, data) {
		t.Errorf("a canonical file is not written back as it was:\n%s---\n%s", data, out)
	}
	return true
}

// canonicalSeeds are files in the shape Marshal writes, which the fast reader accepts.
var canonicalSeeds = []struct {
	name string
	in   string
}{
	{"the file bloomy writes with every field", bloomyFile},
	{"a file with no accounts", "version: 1\naccounts: {}\n"},
	{"the Python SDK's file", "version: 1\napi_key: PY-KEY\n"},
	{"a file with only accounts", "accounts:\n  w:\n    api_key: K\n"},
	{"top-level keys in another order", "accounts: {}\nprevious: p\nversion: 2\napi_key: K\nactive: a\n"},
	{"accounts before the version", "api_key: K\naccounts:\n  w:\n    api_key: K\nversion: 1\n"},
	{"names and values YAML 1.1 misreads, double-quoted", "version: 1\naccounts:\n  \"no\":\n    username: \"off\"\n    api_key: \"0x1f\"\n  \"123\":\n    user_name: \"~\"\n  \"\":\n    api_key: \"2026-01-02\"\n"},
	{"names and values in Unicode", "version: 1\nactive: café\naccounts:\n  café:\n    username: 名前@example.jp\n    user_name: Zoë Ünïcødé\n"},
	{"values with escapes the emitter writes", "version: 1\naccounts:\n  w:\n    api_key: \"tab\\there\"\n    base_url: \"x\\Ny\"\n    user_name: \"smile \\U0001F600 \\x7F \\uFEFF\"\n"},
	{"a value with a colon, a hash and brackets inside", "version: 1\naccounts:\n  w:\n    username: a:b#c[d]{e},f\n    api_key: it's\n    base_url: https://x.example:8443/p?q=1&r=%20\n"},
	{"only some optional fields", "version: 1\naccounts:\n  w:\n    user_id: 5\n  v:\n    expires_at: 2026-12-04T10:00:00Z\n"},
	{"fractional seconds and a negative user id", "version: 1\naccounts:\n  w:\n    issued_at: 2026-11-20T10:00:00.123456789Z\n    expires_at: 2026-11-20T10:00:00.5Z\n    user_id: -42\n"},
	{"no final newline", "version: 1\naccounts: {}"},
	{"a 128-byte account name", "version: 1\naccounts:\n  " + strings.Repeat("n", 128) + ":\n    api_key: K\n"},
	{"an empty file", ""},
}

// nearMisses are files the fast reader must leave to the node path.
var nearMisses = []struct {
	name string
	in   string
}{
	{"a comment line", "# mine\nversion: 1\naccounts: {}\n"},
	{"a comment after a value", "version: 1\napi_key: K # work\naccounts: {}\n"},
	{"a comment between accounts", "accounts:\n  a:\n    api_key: A\n  # b\n  b:\n    api_key: B\n"},
	{"an account indented by three spaces", "accounts:\n   w:\n     api_key: K\n"},
	{"an account indented by one space", "accounts:\n w:\n   api_key: K\n"},
	{"a field indented by five spaces", "accounts:\n  w:\n     api_key: K\n"},
	{"a single-quoted value", "version: 1\napi_key: 'K'\naccounts: {}\n"},
	{"a single-quoted name", "accounts:\n  'w':\n    api_key: K\n"},
	{"a tab before a value", "version: 1\napi_key:\tK\n"},
	{"a tab in the indentation", "accounts:\n\tw:\n\t\tapi_key: K\n"},
	{"CRLF line ends", "version: 1\r\napi_key: K\r\n"},
	{"a byte order mark", "\ufeffversion: 1\napi_key: K\n"},
	{"a document marker", "---\nversion: 1\napi_key: K\n"},
	{"a document end marker", "version: 1\napi_key: K\n...\n"},
	{"the Ruby gem's symbol keys", "---\n:version: 1\n:api_key: RB-KEY\n"},
	{"a Ruby key without the marker", ":api_key: RB-KEY\n"},
	{"an unknown top-level key", "version: 1\ntheme: dark\naccounts: {}\n"},
	{"an unknown account field", "accounts:\n  w:\n    note: x\n    api_key: K\n"},
	{"account fields out of order", "accounts:\n  w:\n    api_key: K\n    username: u\n"},
	{"a duplicated top-level key", "api_key: a\napi_key: b\n"},
	{"a duplicated account", "accounts:\n  w:\n    api_key: A\n  w:\n    api_key: B\n"},
	{"a duplicated field", "accounts:\n  w:\n    api_key: A\n    api_key: B\n"},
	{"a flow mapping", "{version: 1, api_key: K, accounts: {w: {api_key: K}}}\n"},
	{"a flow account", "accounts:\n  w: {api_key: K}\n"},
	{"an empty account", "accounts:\n  w: {}\n"},
	{"a null account", "accounts:\n  w:\n"},
	{"accounts with nothing under it", "version: 1\naccounts:\n"},
	{"a blank line", "version: 1\n\naccounts: {}\n"},
	{"two final newlines", "version: 1\naccounts: {}\n\n"},
	{"a plain value quoted", "version: 1\napi_key: \"K\"\n"},
	{"a plain name quoted", "accounts:\n  \"w\":\n    api_key: K\n"},
	{"a value YAML 1.1 misreads, plain", "accounts:\n  w:\n    username: off\n"},
	{"a name YAML 1.1 misreads, plain", "accounts:\n  no:\n    api_key: K\n"},
	{"a version with a leading zero", "version: 01\n"},
	{"a version of zero", "version: 0\n"},
	{"a quoted version", "version: \"1\"\n"},
	{"a hexadecimal version", "version: 0x1\n"},
	{"a version out of range", "version: 2000000000\n"},
	{"a user id of zero", "accounts:\n  w:\n    user_id: 0\n"},
	{"a user id with a plus sign", "accounts:\n  w:\n    user_id: +5\n"},
	{"a user id too large", "accounts:\n  w:\n    user_id: 9223372036854775808\n"},
	{"a timestamp with an offset", "accounts:\n  w:\n    issued_at: 2026-11-20T11:00:00+01:00\n"},
	{"a quoted timestamp", "accounts:\n  w:\n    issued_at: \"2026-11-20T10:00:00Z\"\n"},
	{"a timestamp with trailing zeros", "accounts:\n  w:\n    issued_at: 2026-11-20T10:00:00.500Z\n"},
	{"PyYAML's timestamp", "accounts:\n  w:\n    issued_at: 2026-11-20 10:00:00+00:00\n"},
	{"the zero timestamp", "accounts:\n  w:\n    issued_at: 0001-01-01T00:00:00Z\n"},
	{"the default base URL", "accounts:\n  w:\n    base_url: https://app.bloomgrowth.com\n"},
	{"an empty quoted value", "version: 1\napi_key: \"\"\n"},
	{"a null value", "version: 1\napi_key: ~\n"},
	{"an anchor and an alias", "accounts:\n  a:\n    api_key: &k K\n  b:\n    api_key: *k\n"},
	{"a tag", "version: 1\napi_key: !!str K\n"},
	{"a literal block", "accounts:\n  w:\n    user_name: |-\n      a\n      b\n"},
	{"a plain value continued on the next line", "accounts:\n  w:\n    user_name: Ada\n      Lovelace\n"},
	{"a top-level value continued on the next line", "api_key: K\n  L\n"},
	{"a trailing space", "version: 1\napi_key: K \n"},
	{"a lower-case hex escape", "accounts:\n  w:\n    api_key: \"\\x7f\"\n"},
	{"an escape the emitter never writes", "accounts:\n  w:\n    api_key: \"a\\/b\"\n"},
	{"an escaped character the emitter writes as it is", "accounts:\n  w:\n    api_key: \"\\u00E9\"\n"},
	{"an explicit key", "accounts:\n  ? w\n  : api_key: K\n"},
	{"a 129-byte account name", "accounts:\n  " + strings.Repeat("n", 129) + ":\n    api_key: K\n"},
	{"a second document", "version: 1\n---\nversion: 2\n"},
	{"a sequence", "- a\n- b\n"},
	{"bytes that are not UTF-8", "version: 1\napi_key: a\xffb\n"},
	{"a control character", "version: 1\napi_key: a\x01b\n"},
	{"an unclosed double quote", "accounts:\n  w:\n    api_key: \"abc\n"},
	{"text after a closing quote", "accounts:\n  w:\n    api_key: \"no\" x\n"},
	{"a quote inside a double-quoted string", "accounts:\n  w:\n    api_key: \"a\"b\"\n"},
	{"a surrogate escape", "accounts:\n  w:\n    api_key: \"\\uD800\"\n"},
	{"a short hex escape at the end", "accounts:\n  w:\n    api_key: \"\\u00\"\n"},
	{"a lone backslash at the end", "accounts:\n  w:\n    api_key: \"a\\\"\n"},
}

func TestFastReaderAgreesWithTheNodePath(t *testing.T) {
	for _, tt := range canonicalSeeds {
		t.Run("the fast reader accepts "+tt.name+" and agrees", func(t *testing.T) {
			if !checkFastAgrees(t, []byte(tt.in)) {
				t.Errorf("the fast reader refuses %q", tt.in)
			}
		})
	}
	for _, tt := range nearMisses {
		t.Run("the fast reader leaves "+tt.name+" to the node path", func(t *testing.T) {
			if checkFastAgrees(t, []byte(tt.in)) {
				t.Errorf("the fast reader accepts %q", tt.in)
			}
		})
	}
}

func FuzzFastPathAgrees(f *testing.F) {
	for _, s := range canonicalSeeds {
		f.Add([]byte(s.in))
	}
	for _, s := range nearMisses {
		f.Add([]byte(s.in))
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Add(fileWithAccounts(5))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastAgrees(t, data)
	})
}

// fileWithAccounts is the file Marshal writes for n accounts with every field set.
func fileWithAccounts(n int) []byte {
	c := &Config{Active: "acct-0000", Previous: "acct-0001", APIKey: "KEY-0000-abcdefghijklmnopqrstuvwxyz0123456789"}
	for i := range n {
		c.Accounts = append(c.Accounts, Account{
			Name: fmt.Sprintf("acct-%04d", i), Username: fmt.Sprintf("user%d@example.com", i),
			APIKey:  fmt.Sprintf("KEY-%04d-abcdefghijklmnopqrstuvwxyz0123456789", i),
			BaseURL: "https://staging.example", IssuedAt: date(20), ExpiresAt: date(30),
			UserID: int64(1000 + i), UserName: fmt.Sprintf("User Number %d", i),
		})
	}
	out, err := c.marshalNodes()
	if err != nil {
		panic(err)
	}
	return out
}

// specialStrings add to trickyStrings the characters the emitter escapes or treats as
// line breaks, and strings at the edges of the plain style.
var specialStrings = []string{
	"\x00", "a\x07b", "\x1b[0m", "del\x7f", "c1\u0085x", "nbsp\u00a0x", "\u00a0", "bom\ufeff", "\ufffe", "ls\u2028x", "ps\u2029x",
	"cr\rx", "\r", "trail\n", "\nlead", "a \nb", "a\n b", "emoji 😀", "😀", "\U0010FFFF", "é", "名前", "---", "...", "--- x",
	"-x", "- x", "?x", "? x", "a:", "a:b", "a: b", "a :b", "a#b", "a #b", "#a", "a\tb", "\t", "x'", "'x", "\"x", "x\"", `back\slash`,
	"a  b", "a,b", "[a", "a]", "{a", "a}", "!a", "&a", "*a", "|a", ">a", "%a", "@a", "`a", "a|b", "a>b",
	"https://app.example:8443/x?y=1#frag", "ada@acme.example", "Ada Lovelace", "work", "sk-abc_123.XYZ",
	strings.Repeat("k", 128), strings.Repeat("k", 129), "\xff", "a\xc3", "ok\xe2\x80",
}

// stringPool is every string the random tests draw from.
func stringPool() []string {
	pool := append(append([]string(nil), trickyStrings...), specialStrings...)
	return append(pool, randomStrings(600)...)
}

func TestFastWriterMatchesTheNodeWriterForEveryString(t *testing.T) {
	declined := 0
	for _, s := range stringPool() {
		for _, where := range []struct {
			name  string
			value func(s string) *Config
		}{
			{"an account name", func(s string) *Config { return &Config{Accounts: []Account{{Name: s, APIKey: "K"}}} }},
			{"a top-level value", func(s string) *Config { return &Config{APIKey: s, Active: s, Previous: s} }},
			{"account fields", func(s string) *Config {
				return &Config{Accounts: []Account{{Name: "w", Username: s, APIKey: s, BaseURL: s, UserName: s}}}
			}},
		} {
			c := where.value(s)
			want, err := c.marshalNodes()
			if err != nil {
				if _, merr := c.Marshal(); merr == nil {
					t.Errorf("the node path fails on %q as %s (%v), Marshal does not", s, where.name, err)
				}
				continue
			}
			got, ok := c.marshalFast()
			if !ok {
				declined++
				if !bytes.Contains(want, []byte("? ")) && !bytes.Contains(want, []byte("|")) && !bytes.Contains(want, []byte("!!binary")) &&
					!bytes.Contains(want, []byte("'")) {
					t.Errorf("the fast writer declines %q as %s, which the node path writes simply:\n%s", s, where.name, want)
				}
				continue
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%q as %s: the fast writer writes\n%s\nthe node path writes\n%s", s, where.name, got, want)
			}
		}
	}
	t.Logf("the fast writer left %d of %d cases to the node path", declined, 3*len(stringPool()))
}

// randomConfig makes a Config from the pool, with unique account names, random empty
// fields, times in and out of UTC (and out of the range yaml/v3 reads as timestamps),
// and user ids of every sign.
func randomConfig(rng *rand.Rand, pool []string) *Config {
	str := func() string {
		if rng.Intn(4) == 0 {
			return ""
		}
		return pool[rng.Intn(len(pool))]
	}
	times := []time.Time{{}, date(20), time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("X", -7*3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := &Config{Version: []int{0, 1, 2, 7}[rng.Intn(4)], APIKey: str(), Active: str(), Previous: str()}
	seen := map[string]bool{}
	for range rng.Intn(6) {
		name := pool[rng.Intn(len(pool))]
		if seen[name] {
			continue
		}
		seen[name] = true
		a := Account{Name: name, Username: str(), APIKey: str(), BaseURL: str(), UserName: str(),
			IssuedAt: times[rng.Intn(len(times))], ExpiresAt: times[rng.Intn(len(times))],
			UserID: []int64{0, 1, -1, rng.Int63(), -rng.Int63()}[rng.Intn(5)]}
		if rng.Intn(5) == 0 {
			a.BaseURL = DefaultBaseURL
		}
		c.Accounts = append(c.Accounts, a)
	}
	return c
}

// timesInRange reports whether every time in c has a year from 0 to 9999.
func timesInRange(c *Config) bool {
	for _, a := range c.Accounts {
		for _, t := range []time.Time{a.IssuedAt, a.ExpiresAt} {
			if y := t.UTC().Year(); !t.IsZero() && (y < 0 || y > 9999) {
				return false
			}
		}
	}
	return true
}

// fastReadable reports whether the fast reader should accept Marshal's file for c:
// every string is written plain or double-quoted, every time is in range, and every
// account has a field.
func fastReadable(c *Config) bool {
	ok := func(s string, key bool) bool {
		st := styleOf(s, key)
		return s == "" && !key || st == stylePlain || st == styleDouble
	}
	if !ok(c.APIKey, false) || !ok(c.Active, false) || !ok(c.Previous, false) {
		return false
	}
	for _, a := range c.Accounts {
		if !ok(a.Name, true) || !ok(a.Username, false) || !ok(a.APIKey, false) || !ok(a.BaseURL, false) || !ok(a.UserName, false) {
			return false
		}
		if a.Username == "" && a.APIKey == "" && (a.BaseURL == "" || a.BaseURL == DefaultBaseURL) &&
			a.IssuedAt.IsZero() && a.ExpiresAt.IsZero() && a.UserID == 0 && a.UserName == "" {
			return false
		}
	}
	return true
}

func TestRandomConfigsRoundTripOnTheFastPath(t *testing.T) {
	rng := rand.New(rand.NewSource(20261127))
	pool := stringPool()
	var written, read, failed int
	const n = 4000
	for i := range n {
		c := randomConfig(rng, pool)
		want, err := c.marshalNodes()
		if err != nil { // a string that is not valid UTF-8
			if _, merr := c.Marshal(); merr == nil {
				t.Fatalf("config %d: the node path fails (%v), Marshal does not", i, err)
			}
			failed++
			continue
		}
		got, err := c.Marshal()
		if err != nil {
			t.Fatalf("config %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("config %d: Marshal writes\n%s\nthe node path writes\n%s", i, got, want)
		}
		if _, ok := c.marshalFast(); ok {
			written++
		}
		if !timesInRange(c) {
			// The node path writes such a time with an explicit !!timestamp tag, which
			// Parse then rejects: a limit of the node path, not of the fast one.
			continue
		}
		back, err := Parse(got)
		if err != nil {
			t.Fatalf("config %d: Parse of\n%s: %v", i, got, err)
		}
		if g, w := comparable(back), comparable(c); !reflect.DeepEqual(g, w) {
			t.Fatalf("config %d: read back as\n%+v\nwant\n%+v\n%s", i, g, w, got)
		}
		fast, ok := readFast(got)
		if ok != fastReadable(c) {
			t.Fatalf("config %d: the fast reader accepts = %v, want %v, for\n%s", i, ok, fastReadable(c), got)
		}
		if ok {
			read++
			if g, w := comparable(fast), comparable(c); !reflect.DeepEqual(g, w) {
				t.Fatalf("config %d: the fast reader reads\n%+v\nwant\n%+v\n%s", i, g, w, got)
			}
			checkFastAgrees(t, got)
		}
	}
	t.Logf("of %d random configs %d do not marshal (invalid UTF-8), the fast writer wrote %d and the fast reader read back %d",
		n, failed, written, read)
}

func TestConfigsWithoutOddStringsStayOnTheFastPath(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"the file bloomy writes", []byte(bloomyFile)},
		{"a file with a thousand accounts", fileWithAccounts(1000)},
		{"a file with quoted and Unicode names", []byte("version: 1\nactive: café\naccounts:\n  \"no\":\n    username: \"off\"\n  café:\n    user_name: Zoë\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is read and written without a node tree", func(t *testing.T) {
			c := mustParse(t, string(tt.in))
			if c.doc != nil {
				t.Fatal("Parse used the node path")
			}
			if _, ok := c.marshalFast(); !ok {
				t.Fatal("Marshal would use the node path")
			}
			if got := mustMarshal(t, c); got != string(tt.in) {
				t.Errorf("written back differently:\n%s", got)
			}
		})
	}
}

func TestAccountsMoveBetweenThePaths(t *testing.T) {
	const handEdited = "# mine\nversion: 1\napi_key: SDK # from the SDK\n"
	const backup = "version: 1\naccounts:\n  work:\n    api_key: W\n    user_id: 3\n  \"no\":\n    username: \"off\"\n"
	tests := []struct {
		name      string
		into      string
		from      string
		wantParts []string
	}{
		{
			name:      "accounts from a fast-read backup restored into a hand-edited file keep the file's comments",
			into:      handEdited,
			from:      backup,
			wantParts: []string{"# mine\n", "api_key: SDK # from the SDK\n", "  work:\n    api_key: W\n    user_id: 3\n", "  \"no\":\n    username: \"off\"\n"},
		},
		{
			name: "an account read by the node path added to a fast-read file keeps its comment and unknown key",
			into: "accounts:\n  a:\n    api_key: A\napi_key: A\n",
			from: "accounts:\n  # restored\n  b:\n    note: keep\n    api_key: B # old\n",
			wantParts: []string{"version: 1\naccounts:\n  a:\n    api_key: A\n  # restored\n  b:\n    note: keep\n    api_key: B # old\n" +
				"api_key: A\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := func() string { // the same move with both files on the node path
				into, err := parseNodes([]byte(tt.into))
				if err != nil {
					t.Fatal(err)
				}
				from, err := parseNodes([]byte(tt.from))
				if err != nil {
					t.Fatal(err)
				}
				into.Accounts = append(into.Accounts, from.Accounts...)
				return mustMarshal(t, into)
			}()
			into, from := mustParse(t, tt.into), mustParse(t, tt.from)
			into.Accounts = append(into.Accounts, from.Accounts...)
			got := mustMarshal(t, into)
			if got != want {
				t.Errorf("Marshal writes\n%s\nthe node path writes\n%s", got, want)
			}
			for _, p := range tt.wantParts {
				if !strings.Contains(got, p) {
					t.Errorf("the file lacks %q:\n%s", p, got)
				}
			}
			if back := mustParse(t, got); len(back.Accounts) != len(into.Accounts) {
				t.Errorf("read back %d accounts, want %d", len(back.Accounts), len(into.Accounts))
			}
		})
	}
}

func TestUpdateReadsBackOnTheFastPath(t *testing.T) {
	s := newStore(t)
	writeFile(t, s.Path, string(fileWithAccounts(3)))
	saved, err := s.Update(func(c *Config) error {
		if c.doc != nil {
			t.Error("Update read a canonical file on the node path")
		}
		c.Accounts[1].UserID = 99
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if saved.doc != nil || saved.Account("acct-0001").UserID != 99 {
		t.Errorf("the saved config came from the node path or lost the change: %+v", plain(saved))
	}
}

// BenchmarkFastBailOut1000 is the cost of the fast reader giving up at the very end of
// a 1,000-account file (a trailing comment), before the node path reads it.
func BenchmarkFastBailOut1000(b *testing.B) {
	data := append(fileWithAccounts(1000), "# the end\n"...)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := readFast(data); ok {
			b.Fatal("the fast reader accepted a comment")
		}
	}
}
