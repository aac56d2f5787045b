package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fuzzSeeds are files as the SDKs, bloomy and people write them, good and broken.
var fuzzSeeds = []string{
	"",
	"version: 1\napi_key: PY-KEY\n",
	"---\n:version: 1\n:api_key: RB-KEY\n",
	bloomyFile,
	"# only a comment\n",
	"version: 1\naccounts: {}\n",
	"accounts:\n  # c\n  no:\n    api_key: 'x' # y\n    extra: [1, {a: b}]\n",
	"accounts:\n  a:\n    api_key: &k K\n  b:\n    api_key: *k\n",
	"a: &a [*a]\n",
	"api_key: [1, 2]\n",
	"accounts: 5\n",
	"accounts:\n  w: hello\n",
	"accounts:\n  w:\n    user_id: x\n",
	"api_key: a\napi_key: b\n",
	"version: 1\napi_key: [x\n",
	"a: 1\n---\nb: 2\n",
	"{version: 1, api_key: K, accounts: {w: {api_key: K}}}\n",
	"- a\n- b\n",
	"\xff\xfe",
	"key: \"\\u00e9\\t\"\n",
	"? [a]\n: b\n",
	"<<: {api_key: K}\n",
}

// comparable returns what must survive a Marshal and Parse round trip.
func comparable(c *Config) Config {
	p := normalized(c)
	if p.Version == 0 {
		p.Version = 1
	}
	p.HasAccountsKey, p.Format = false, ""
	return p
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error %v is a %T, want a *ParseError", err, err)
			}
			return
		}
		out, err := c.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed config: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Marshal wrote a file Parse rejects: %v\n%s", err, out)
		}
		if got, want := comparable(back), comparable(c); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip changed the config:\n got %+v\nwant %+v\n%s", got, want, out)
		}
		if !back.HasAccountsKey {
			t.Fatalf("Marshal wrote no accounts key:\n%s", out)
		}
		again, err := back.Marshal()
		if err != nil {
			t.Fatalf("Marshal of the written file: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("a second round trip changed the file:\n%s\n---\n%s", out, again)
		}
	})
}

func FuzzUpdate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &Store{Path: filepath.Join(t.TempDir(), "config.yaml")}
		if err := os.WriteFile(s.Path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		before, parseErr := Parse(data)
		saved, err := s.Update(func(c *Config) error {
			if c.Account("fuzz-added") == nil {
				c.Accounts = append(c.Accounts, Account{Name: "fuzz-added", APIKey: "K"})
			}
			return nil
		})
		after, readErr := os.ReadFile(s.Path)
		if readErr != nil {
			t.Fatal(readErr)
		}
		if parseErr != nil {
			if err == nil {
				t.Fatal("Update saved over a file that does not parse")
			}
			if !bytes.Equal(after, data) {
				t.Fatalf("Update changed a file that does not parse:\n%q\n---\n%q", data, after)
			}
			if _, err := os.Stat(s.BackupPath()); !os.IsNotExist(err) {
				t.Fatalf("Update wrote a backup of a file that does not parse (%v)", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Update of a file that parses: %v", err)
		}
		if saved.Account("fuzz-added") == nil {
			t.Fatal("the saved config lacks the new account")
		}
		for _, a := range before.Accounts {
			if saved.Account(a.Name) == nil {
				t.Fatalf("account %q was dropped", a.Name)
			}
		}
		if _, err := Parse(after); err != nil {
			t.Fatalf("the saved file does not parse: %v", err)
		}
	})
}
