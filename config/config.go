package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Account is one named Bloom Growth login kept in the config file.
type Account struct {
	// Name is the account's key under `accounts`; see ValidName.
	Name string
	// Username is the login (an e-mail address) the key was issued to.
	Username string
	// APIKey is the bearer key; it is never put into an error or a log line.
	APIKey string
	// BaseURL is the server; "" means DefaultBaseURL. It is written only when it is
	// neither empty nor DefaultBaseURL.
	BaseURL string
	// IssuedAt is when the key was issued; the zero time is not written.
	IssuedAt time.Time
	// ExpiresAt is when the key stops working; the zero time is not written.
	ExpiresAt time.Time
	// UserID is the Bloom Growth user id from users/mine; 0 is not written.
	UserID int64
	// UserName is the user's display name from users/mine; "" is not written.
	UserName string

	// key and node are the mapping key and value this account was read from, so that
	// its comments and unknown keys survive a save and a rename. Both are nil for an
	// account created in code.
	key  *yaml.Node
	node *yaml.Node
}

// URL returns the server the account talks to: BaseURL, or DefaultBaseURL when empty.
func (a *Account) URL() string {
	if a.BaseURL == "" {
		return DefaultBaseURL
	}
	return a.BaseURL
}

// Format says who wrote a config file, as far as Parse can tell from its keys.
type Format string

// The formats Parse recognises.
const (
	// FormatEmpty is a missing or empty file (or one holding only comments).
	FormatEmpty Format = "empty"
	// FormatBloomy is a file bloomy wrote: it has `accounts`, `active` or `previous`.
	FormatBloomy Format = "bloomy"
	// FormatPython is what the Python SDK writes: `version` and `api_key` only.
	FormatPython Format = "python-sdk"
	// FormatRuby is what the Ruby gem writes: `:version` and `:api_key` symbol keys.
	FormatRuby Format = "ruby-sdk"
)

// Config is the content of the config file. Parse fills it from a file and Marshal
// writes it back onto the same YAML node tree, keeping everything bloomy does not
// manage.
type Config struct {
	// Version is the file format version; Marshal writes 1 when it is 0.
	Version int
	// APIKey is the top-level api_key (the Ruby gem's :api_key), the key the SDKs use.
	// bloomy keeps it equal to the active account's key; "" removes it.
	APIKey string
	// Active is the name of the active account; "" removes the key.
	Active string
	// Previous is the account that was active before Active (for `bloomy use -`);
	// "" removes the key.
	Previous string
	// Accounts are the named accounts in file order. Marshal writes them in slice
	// order: appending adds, deleting removes, changing Name renames in place.
	Accounts []Account
	// HasAccountsKey reports that the file had an `accounts` key. An SDK rewrite of the
	// file has none. Set by Parse, ignored by Marshal (which always writes the key).
	HasAccountsKey bool
	// Format says who wrote the file; set by Parse, ignored by Marshal.
	Format Format

	doc *yaml.Node // the parsed document; nil for a Config made in code or read by parseFast

	// keyOrder holds the top-level keys of a file parseFast read, in file order. It
	// stands in for doc: Marshal writes the keys in the order the node path would
	// have kept, and rebuilds a document from it when it has to use the node path.
	keyOrder []string
}

// Account returns the account with the given name (case-sensitive) as a pointer into
// c.Accounts, or nil if there is none.
func (c *Config) Account(name string) *Account {
	for i := range c.Accounts {
		if c.Accounts[i].Name == name {
			return &c.Accounts[i]
		}
	}
	return nil
}

// AccountByKey returns the first account whose API key is key, or nil if none (or if
// key is empty).
func (c *Config) AccountByKey(key string) *Account {
	if key == "" {
		return nil
	}
	for i := range c.Accounts {
		if c.Accounts[i].APIKey == key {
			return &c.Accounts[i]
		}
	}
	return nil
}

// UnnamedKey returns the top-level API key when no named account holds it (a key an
// SDK wrote, offered for import under a name), or "" when there is none.
func (c *Config) UnnamedKey() string {
	if c.APIKey == "" || c.AccountByKey(c.APIKey) != nil {
		return ""
	}
	return c.APIKey
}

// ValidName reports whether name can name an account: 1 to 64 ASCII letters, digits,
// '.', '_' or '-', not starting with '-' (it would read as a command-line flag, and
// `bloomy use -` means the previous account). The error says which rule failed.
func ValidName(name string) error {
	switch {
	case name == "":
		return errors.New("an account name cannot be empty")
	case len(name) > 64:
		return fmt.Errorf("an account name has at most 64 characters (this one has %d)", len(name))
	case name[0] == '-':
		return errors.New("an account name cannot start with '-'")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("an account name may hold only letters, digits, '.', '_' and '-' (not %q)", r)
		}
	}
	return nil
}

// ParseError is a config file that cannot be read: bad YAML, a duplicated key, or a
// value of the wrong type. Msg never quotes a value from the file.
type ParseError struct {
	// Path is the file, when known (Store sets it; Parse cannot).
	Path string
	// Line is the 1-based line of the problem, 0 when unknown.
	Line int
	// Msg is the parser's message or bloomy's own.
	Msg string
}

// Error formats the error as "path:line: msg", leaving out what is unknown ("line 3:
// msg" without a path).
func (e *ParseError) Error() string {
	switch {
	case e.Path != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	case e.Path != "":
		return e.Path + ": " + e.Msg
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Names of the keys bloomy manages.
const (
	keyVersion     = "version"
	keyRubyVersion = ":version"
	keyAPIKey      = "api_key"
	keyRubyAPIKey  = ":api_key"
	keyActive      = "active"
	keyPrevious    = "previous"
	keyAccounts    = "accounts"

	fieldUsername  = "username"
	fieldAPIKey    = "api_key"
	fieldBaseURL   = "base_url"
	fieldIssuedAt  = "issued_at"
	fieldExpiresAt = "expires_at"
	fieldUserID    = "user_id"
	fieldUserName  = "user_name"
)

// Parse reads a config file's bytes. An empty file is an empty config. The error is a
// *ParseError (without Path) naming the line; it never panics on any input.
//
// A file in the exact shape Marshal writes is read by parseFast, without building a
// YAML node tree; every other file goes through yaml/v3's node decoder. Both give the
// same Config, and Marshal writes the same bytes for it.
func Parse(data []byte) (cfg *Config, err error) {
	if cfg, ok := parseFast(data); ok {
		return cfg, nil
	}
	return parseNodes(data)
}

// parseNodes is Parse on the yaml.Node path: it decodes data into a node tree, which
// the Config keeps so that Marshal can write comments and unknown keys back.
func parseNodes(data []byte) (cfg *Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, &ParseError{Msg: "the YAML parser failed on this file"}
		}
	}()
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	cfg = &Config{Format: FormatEmpty, doc: doc}
	if doc == nil {
		return cfg, nil
	}
	root := doc.Content[0]
	if err := checkDuplicates(root, 0, ""); err != nil {
		return nil, err
	}
	if err := cfg.read(root); err != nil {
		return nil, err
	}
	return cfg, nil
}

// decodeDocument parses data into a document node whose only content is a mapping, or
// returns nil for a file with no content. Aliases are expanded.
func decodeDocument(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			if c := onlyComments(data); c != "" {
				return &yaml.Node{Kind: yaml.DocumentNode, HeadComment: c,
					Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}, nil
			}
			return nil, nil
		}
		return nil, yamlParseError(err, data)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &ParseError{Line: next.Line, Msg: "the file holds more than one YAML document"}
	case !errors.Is(err, io.EOF):
		return nil, yamlParseError(err, data)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, &ParseError{Line: doc.Line, Msg: "unexpected YAML document structure"}
	}
	root := doc.Content[0]
	switch {
	case root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null":
		// A document that is just `---` or `~`: an empty mapping, keeping comments.
		doc.Content[0] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map",
			HeadComment: root.HeadComment, LineComment: root.LineComment, FootComment: root.FootComment}
	case root.Kind == yaml.AliasNode || root.Kind != yaml.MappingNode:
		return nil, &ParseError{Line: root.Line, Msg: "the top level must be a mapping of keys to values"}
	}
	if nodes, aliases := countNodes(doc.Content[0]); aliases {
		budget := 2*nodes + aliasSlack
		expanded, err := expandAliases(doc.Content[0], &budget, map[*yaml.Node]bool{})
		if err != nil {
			return nil, err
		}
		doc.Content[0] = expanded
	}
	return &doc, nil
}

// onlyComments returns the comment lines of a file that holds nothing else, or "".
func onlyComments(data []byte) string {
	var lines []string
	isBreak := func(r rune) bool { // the line breaks yaml/v3 knows
		return r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029'
	}
	for _, line := range strings.FieldsFunc(string(data), isBreak) {
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t == "---" || t == "...":
		case strings.HasPrefix(t, "#"):
			lines = append(lines, t)
		default:
			return ""
		}
	}
	return strings.Join(lines, "\n")
}

var (
	yamlLinePrefix = regexp.MustCompile(`^line ([0-9]+): `)
	yamlQuoted     = regexp.MustCompile(`'[^']*'`)
)

// yamlParserProblems start the messages of yaml/v3's parser (as opposed to its
// scanner). For those, yaml/v3 reports the 0-based line, one less than the real one.
var yamlParserProblems = []string{
	"did not find expected",
	"found duplicate %",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlReaderProblems start the messages of yaml/v3's reader, which checks characters
// before the scanner sees them and reports no line.
var yamlReaderProblems = []string{
	"control characters are not allowed",
	"invalid ",
	"incomplete ",
	"expected low surrogate",
	"unexpected low surrogate",
	"input error",
}

// yamlParseError turns a yaml/v3 error on data into a *ParseError with the 1-based
// line split out and any name the parser quoted from the file (an anchor) removed.
// Quoted single punctuation characters (`expected ',' or ']'`) are the parser's own
// and stay.
func yamlParseError(err error, data []byte) *ParseError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pe := &ParseError{}
	switch m := yamlLinePrefix.FindStringSubmatch(msg); {
	case m != nil:
		pe.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		for _, p := range yamlParserProblems {
			if strings.HasPrefix(msg, p) {
				pe.Line++
				break
			}
		}
	case slices.ContainsFunc(yamlReaderProblems, func(p string) bool { return strings.HasPrefix(msg, p) }):
		pe.Line = badCharLine(data)
	case !strings.HasPrefix(msg, "unknown anchor"):
		pe.Line = 1 // yaml/v3 leaves out "line 1"
	}
	pe.Msg = yamlQuoted.ReplaceAllStringFunc(msg, func(q string) string {
		if len(q) == 3 && strings.ContainsRune(",]}-!>:.", rune(q[1])) {
			return q
		}
		return "(name hidden)"
	})
	return pe
}

// badCharLine returns the 1-based line of the first byte that is not valid UTF-8 or
// is a control character YAML does not allow, or 0 if there is none.
func badCharLine(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1,
			r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r >= 0x7f && r <= 0x9f && r != 0x85,
			r == 0xfffe || r == 0xffff:
			return line
		case r == '\n':
			line++
		}
		i += size
	}
	return 0
}

// aliasSlack is how many nodes alias expansion may add beyond twice the size of the
// file's tree: plenty for a config file, little for a "billion laughs" one.
const aliasSlack = 100_000

// countNodes counts the nodes under n and reports whether any is an alias.
func countNodes(n *yaml.Node) (count int, aliases bool) {
	count, aliases = 1, n.Kind == yaml.AliasNode
	for _, c := range n.Content {
		cc, ca := countNodes(c)
		count, aliases = count+cc, aliases || ca
	}
	return count, aliases
}

// expandAliases returns n with every alias replaced by a copy of what it points to and
// every anchor dropped, so that Marshal can change any node without changing another
// one that shared it. A YAML reader gets the same data from the result. open holds the
// nodes being expanded, to refuse an alias that contains itself.
func expandAliases(n *yaml.Node, budget *int, open map[*yaml.Node]bool) (*yaml.Node, error) {
	*budget--
	if *budget < 0 {
		return nil, &ParseError{Line: n.Line, Msg: "the file's aliases expand to too much data"}
	}
	if n.Kind == yaml.AliasNode {
		target := n.Alias
		if target == nil || open[target] {
			return nil, &ParseError{Line: n.Line, Msg: "an alias refers to a node that contains it"}
		}
		c, err := expandAliases(target, budget, open)
		if err != nil {
			return nil, err
		}
		cp := *c
		cp.HeadComment, cp.LineComment, cp.FootComment = n.HeadComment, n.LineComment, n.FootComment
		cp.Line, cp.Column = n.Line, n.Column
		return &cp, nil
	}
	cp := *n
	cp.Anchor = ""
	if len(n.Content) > 0 {
		open[n] = true
		cp.Content = make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			e, err := expandAliases(c, budget, open)
			if err != nil {
				return nil, err
			}
			cp.Content[i] = e
		}
		delete(open, n)
	}
	return &cp, nil
}

// checkDuplicates reports the first key that appears twice in any mapping under n.
// depth is 0 for the top level, 1 for `accounts`, 2 for an account; account is its
// name. Only keys at those levels are named in the message: deeper keys could be
// anything, even a secret.
func checkDuplicates(n *yaml.Node, depth int, account string) error {
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			if first, ok := seen[k.Value]; ok {
				var msg string
				switch depth {
				case 0, 1:
					msg = fmt.Sprintf("duplicate key %q (lines %d and %d)", k.Value, first, k.Line)
				case 2:
					msg = fmt.Sprintf("duplicate key %q in account %q (lines %d and %d)", k.Value, account, first, k.Line)
				default:
					msg = fmt.Sprintf("duplicate key (lines %d and %d)", first, k.Line)
				}
				return &ParseError{Line: k.Line, Msg: msg}
			}
			seen[k.Value] = k.Line
		}
	}
	for i, c := range n.Content {
		d, name := 3, "" // below the levels bloomy knows: no names
		if n.Kind == yaml.MappingNode && i%2 == 1 {
			switch k := n.Content[i-1]; {
			case depth == 0 && k.Value == keyAccounts:
				d = 1
			case depth == 1:
				d, name = 2, k.Value
			}
		}
		if err := checkDuplicates(c, d, name); err != nil {
			return err
		}
	}
	return nil
}

// read fills c from the top-level mapping.
func (c *Config) read(root *yaml.Node) error {
	var hasRuby, hasBloomy bool
	var version, rubyVersion, apiKey, rubyAPIKey *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			continue
		}
		var err error
		switch k.Value {
		case keyVersion:
			version = v
		case keyRubyVersion:
			rubyVersion, hasRuby = v, true
		case keyAPIKey:
			apiKey = v
		case keyRubyAPIKey:
			rubyAPIKey, hasRuby = v, true
		case keyActive:
			c.Active, err = readString(v, keyActive)
			hasBloomy = true
		case keyPrevious:
			c.Previous, err = readString(v, keyPrevious)
			hasBloomy = true
		case keyAccounts:
			c.HasAccountsKey, hasBloomy = true, true
			err = c.readAccounts(v)
		}
		if err != nil {
			return err
		}
	}
	var err error
	for _, f := range []struct {
		node *yaml.Node
		name string
	}{{rubyVersion, keyRubyVersion}, {version, keyVersion}} { // version wins over :version
		if f.node != nil {
			var v int64
			if v, err = readInt(f.node, f.name); err != nil {
				return err
			}
			if v < 0 || v > 1<<30 {
				return &ParseError{Line: f.node.Line, Msg: f.name + " is out of range"}
			}
			c.Version = int(v)
		}
	}
	for _, f := range []struct {
		node *yaml.Node
		name string
	}{{rubyAPIKey, keyRubyAPIKey}, {apiKey, keyAPIKey}} { // api_key wins over :api_key
		if f.node != nil {
			if c.APIKey, err = readString(f.node, f.name); err != nil {
				return err
			}
		}
	}
	switch {
	case len(root.Content) == 0:
		c.Format = FormatEmpty
	case hasRuby:
		c.Format = FormatRuby
	case hasBloomy:
		c.Format = FormatBloomy
	default:
		c.Format = FormatPython
	}
	return nil
}

// readAccounts fills c.Accounts from the value of the `accounts` key.
func (c *Config) readAccounts(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
		return nil // `accounts:` with nothing under it
	}
	if v.Kind != yaml.MappingNode {
		return &ParseError{Line: v.Line, Msg: "accounts must be a mapping of account names to accounts"}
	}
	c.Accounts = make([]Account, 0, len(v.Content)/2)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, n := v.Content[i], v.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return &ParseError{Line: k.Line, Msg: "an account name under accounts must be a string"}
		}
		a, err := readAccount(k, n)
		if err != nil {
			return err
		}
		c.Accounts = append(c.Accounts, a)
	}
	return nil
}

// accountPath names an account's place in the file for messages: accounts.work.
func accountPath(name string) string {
	if ValidName(name) == nil {
		return "accounts." + name
	}
	return fmt.Sprintf("accounts[%q]", name)
}

// readAccount reads one account from its key and value nodes.
func readAccount(k, n *yaml.Node) (Account, error) {
	a := Account{Name: k.Value, key: k, node: n}
	where := accountPath(a.Name)
	if n.Kind != yaml.MappingNode {
		return a, &ParseError{Line: n.Line, Msg: where + " must be a mapping"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fk, v := n.Content[i], n.Content[i+1]
		if fk.Kind != yaml.ScalarNode {
			continue
		}
		field := where + "." + fk.Value
		var err error
		switch fk.Value {
		case fieldUsername:
			a.Username, err = readString(v, field)
		case fieldAPIKey:
			a.APIKey, err = readString(v, field)
		case fieldBaseURL:
			a.BaseURL, err = readString(v, field)
		case fieldIssuedAt:
			a.IssuedAt, err = readTime(v, field)
		case fieldExpiresAt:
			a.ExpiresAt, err = readTime(v, field)
		case fieldUserID:
			a.UserID, err = readInt(v, field)
		case fieldUserName:
			a.UserName, err = readString(v, field)
		}
		if err != nil {
			return a, err
		}
	}
	return a, nil
}

// isNull reports whether n is a null scalar (`~`, `null` or nothing).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// readString reads a string value; null reads as "". The error names the field, never
// the value.
func readString(n *yaml.Node, field string) (string, error) {
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return "", &ParseError{Line: n.Line, Msg: field + " must be a string"}
	}
	return n.Value, nil
}

// readInt reads an integer value, written plain or as a quoted decimal; null reads as 0.
func readInt(n *yaml.Node, field string) (int64, error) {
	if isNull(n) {
		return 0, nil
	}
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int":
			if v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
				return v, nil
			}
		case "!!str":
			if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				return v, nil
			}
		}
	}
	return 0, &ParseError{Line: n.Line, Msg: field + " must be an integer"}
}

// timeFormats are the timestamp forms accepted on reading: RFC 3339 (what bloomy
// writes), the YAML timestamp forms, and PyYAML's datetime form.
var timeFormats = []string{
	time.RFC3339Nano,
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999 Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// readTime reads a timestamp, written plain or quoted; null reads as the zero time.
// The result is in UTC.
func readTime(n *yaml.Node, field string) (time.Time, error) {
	if isNull(n) {
		return time.Time{}, nil
	}
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!timestamp", "!!str":
			for _, f := range timeFormats {
				if t, err := time.Parse(f, n.Value); err == nil {
					return t.UTC(), nil
				}
			}
		}
	}
	return time.Time{}, &ParseError{Line: n.Line, Msg: field + " must be a date and time (RFC 3339, like 2026-12-04T10:00:00Z)"}
}
