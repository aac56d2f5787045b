package config

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"os/exec"
	"strings"
	"testing"

	yaml11 "go.yaml.in/yaml/v2"
)

// trickyStrings are strings that YAML 1.1 readers (PyYAML, Psych, yaml/v2) read as
// something other than a string when they are written plain.
var trickyStrings = []string{
	"no", "No", "NO", "yes", "Yes", "on", "On", "OFF", "off", "y", "Y", "n", "N",
	"true", "True", "FALSE", "null", "Null", "NULL", "~", "",
	"123", "0", "007", "0777", "0x1f", "0X1F", "0b101", "0o17", "1e3", "1E3", "1_000", "1,000",
	"12:30", "1:20:30", "-12", "+12", "1.5", ".5", "5.", "-.5", "1.5e-3",
	".inf", "-.Inf", "+.INF", ".nan", ".NaN", "inf", "NaN", "Infinity",
	"2026-01-02", "2026-1-2", "2026-11-20T10:00:00Z", "2026-11-20 10:00:00",
	"=", "<<", ":sym", "-", "?", "!", "&a", "*a", "#x", "@x", "`x", "%x", "a: b", "a #b",
	" lead", "trail ", "multi\nline", "tab\there", "quote\"d", "it's", "[x]", "{x}", "x,y",
	"12345678901234567890123", "0.0.1", "1.2.3",
}

// settle fills every string field bloomy writes with s and marshals the config. (An
// empty field is not written at all; an empty account name is written quoted.)
func settle(t *testing.T, s string) []byte {
	t.Helper()
	c := &Config{APIKey: s, Active: s, Previous: s, Accounts: []Account{
		{Name: s, Username: s, APIKey: s, BaseURL: s, UserName: s},
	}}
	out, err := c.Marshal()
	if err != nil {
		t.Fatalf("Marshal with %q: %v", s, err)
	}
	return out
}

// checkYAML11 reads out with yaml/v2 (a YAML 1.1 reader) and reports every place where
// bloomy's string s did not come back as the string s.
func checkYAML11(t *testing.T, s string, out []byte) {
	t.Helper()
	var top map[interface{}]interface{}
	if err := yaml11.Unmarshal(out, &top); err != nil {
		t.Fatalf("yaml/v2 cannot read the file written for %q: %v\n%s", s, err, out)
	}
	for _, k := range []string{"api_key", "active", "previous"} {
		if got, ok := top[k].(string); (!ok || got != s) && !(s == "" && top[k] == nil) {
			t.Errorf("yaml/v2 reads %s written for %q as %#v (%T)", k, s, top[k], top[k])
		}
	}
	accounts, ok := top["accounts"].(map[interface{}]interface{})
	if !ok || len(accounts) != 1 {
		t.Fatalf("yaml/v2 reads accounts as %#v\n%s", top["accounts"], out)
	}
	for name, v := range accounts {
		if got, ok := name.(string); !ok || got != s {
			t.Errorf("yaml/v2 reads the account name written for %q as %#v (%T)", s, name, name)
		}
		account, _ := v.(map[interface{}]interface{})
		for _, k := range []string{"username", "api_key", "base_url", "user_name"} {
			if got, ok := account[k].(string); (!ok || got != s) && !(s == "" && account[k] == nil) {
				t.Errorf("yaml/v2 reads %s written for %q as %#v (%T)", k, s, account[k], account[k])
			}
		}
	}
}

// checkBloomy reads out back with Parse and checks every field is s again.
func checkBloomy(t *testing.T, s string, out []byte) {
	t.Helper()
	c, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse cannot read the file written for %q: %v\n%s", s, err, out)
	}
	a := c.Account(s)
	if c.APIKey != s || c.Active != s || c.Previous != s || a == nil ||
		a.Username != s || a.APIKey != s || a.BaseURL != s || a.UserName != s {
		t.Errorf("Parse reads back the file written for %q as %+v\n%s", s, plain(c), out)
	}
}

func TestStringsYAML11WouldMisreadAreQuoted(t *testing.T) {
	for _, s := range trickyStrings {
		t.Run("the string "+strings.ReplaceAll(s, "\n", `\n`)+" reads back as a string", func(t *testing.T) {
			out := settle(t, s)
			checkYAML11(t, s, out)
			checkBloomy(t, s, out)
		})
	}
}

// randomStrings makes n short strings from characters that matter to YAML resolvers
// and to plain-scalar syntax.
func randomStrings(n int) []string {
	const alphabet = "0123456789.-+_:,eExXoObBnNyYaAlLtTrRuUfFsSiI ~#'\"!&*?|>%@`[]{}é\u00a0"
	runes := []rune(alphabet)
	rng := rand.New(rand.NewSource(1))
	out := make([]string, n)
	for i := range out {
		l := 1 + rng.Intn(7)
		b := make([]rune, l)
		for j := range b {
			b[j] = runes[rng.Intn(len(runes))]
		}
		out[i] = string(b)
	}
	return out
}

func TestRandomStringsReadBackAsStringsInYAML11(t *testing.T) {
	for _, s := range randomStrings(3000) {
		out := settle(t, s)
		checkYAML11(t, s, out)
		checkBloomy(t, s, out)
	}
}

// pyCheck loads each YAML text with PyYAML's safe_load and prints, for each, the
// loaded value with every key and scalar tagged by its Python type.
const pyCheck = `
import sys, json, yaml
def conv(x):
    if isinstance(x, dict):
        return {"%s:%s" % (type(k).__name__, k): conv(v) for k, v in x.items()}
    return [type(x).__name__, str(x)]
print(json.dumps([conv(yaml.safe_load(d)) for d in json.load(sys.stdin)]))
`

// TestPyYAMLReadsStrings checks the quoting with PyYAML itself, the reader the Python
// SDK uses, when python3 with the yaml module is installed. The yaml/v2 tests above
// stand on their own.
func TestPyYAMLReadsStrings(t *testing.T) {
	if exec.Command("python3", "-c", "import yaml").Run() != nil {
		t.Skip("python3 with PyYAML is not installed; the yaml/v2 checks cover YAML 1.1")
	}
	inputs := append(append([]string(nil), trickyStrings...), randomStrings(1000)...)
	docs := make([]string, len(inputs))
	for i, s := range inputs {
		docs[i] = string(settle(t, s))
	}
	in, _ := json.Marshal(docs)
	cmd := exec.Command("python3", "-c", pyCheck)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outJSON, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	var loaded []map[string]interface{}
	if err := json.Unmarshal(outJSON, &loaded); err != nil {
		t.Fatal(err)
	}
	str := func(v interface{}) string { // "str:value" or a description of what it is
		if p, ok := v.([]interface{}); ok && len(p) == 2 {
			return p[0].(string) + ":" + p[1].(string)
		}
		return "not a scalar"
	}
	for i, s := range inputs {
		top := loaded[i]
		for _, k := range []string{"api_key", "active", "previous"} {
			if got := str(top["str:"+k]); got != "str:"+s && !(s == "" && top["str:"+k] == nil) {
				t.Errorf("PyYAML reads %s written for %q as %s\n%s", k, s, got, docs[i])
			}
		}
		accounts, _ := top["str:accounts"].(map[string]interface{})
		account, ok := accounts["str:"+s].(map[string]interface{})
		if !ok {
			t.Errorf("PyYAML reads the account name written for %q as one of %v\n%s", s, keys(accounts), docs[i])
			continue
		}
		for _, k := range []string{"username", "api_key", "base_url", "user_name"} {
			if got := str(account["str:"+k]); got != "str:"+s && !(s == "" && account["str:"+k] == nil) {
				t.Errorf("PyYAML reads %s written for %q as %s\n%s", k, s, got, docs[i])
			}
		}
	}
}

func keys(m map[string]interface{}) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPlainStringsStayPlain(t *testing.T) {
	for _, s := range []string{"work", "ada@acme.example", "https://app.example/x", "Ada Lovelace", "sk-abc123", "a1", "prod-eu.1"} {
		t.Run(s+" is written without quotes", func(t *testing.T) {
			if needsQuotes(s) {
				t.Errorf("needsQuotes(%q) = true", s)
			}
		})
	}
}

func TestIsDateLike(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"2026-01-02", true}, {"2026-1-2", true}, {"2026-11-20T10:00:00Z", true}, {"2026-1-2x", true},
		{"2026-01", false}, {"2026-", false}, {"202-01-02", false}, {"2026-123-1", false}, {"2026-1-", false}, {"work", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := isDateLike(tt.in); got != tt.want {
				t.Errorf("isDateLike(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
