package config

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// Marshal writes c as YAML. A Config that came from Parse is written onto the node tree
// it was read from: comments, key order and keys bloomy does not know survive, at the
// top level and inside each account. The keys bloomy manages are updated in place
// (the Ruby gem's `:version`/`:api_key` included), added after their predecessors in
// the order version, api_key, active, previous, accounts when missing, and removed
// when empty. `accounts` is always written (`{}` when there are none). An account
// keeps its node, and so its comments and unknown keys, across a rename; a new one is
// appended. Strings a YAML 1.1 reader would take for something else are double-quoted.
//
// A Config with no node tree (made in code, or read by the fast path) whose accounts
// have none either is written by marshalFast, straight into a byte buffer; the bytes
// are the same as the node path would write. Everything else takes the node path.
//
// Marshal does not change c or its node tree, so it may be called more than once.
func (c *Config) Marshal() ([]byte, error) {
	seen := make(map[string]bool, len(c.Accounts))
	for _, a := range c.Accounts {
		if seen[a.Name] {
			return nil, fmt.Errorf("encode config: two accounts are named %q", a.Name)
		}
		seen[a.Name] = true
	}
	if out, ok := c.marshalFast(); ok {
		return out, nil
	}
	return c.marshalNodes()
}

// marshalNodes is Marshal on the yaml.Node path. A Config without a document (made in
// code or read by the fast path) starts from a top-level mapping holding the keys of
// c.keyOrder, which is what the node path would have read from the same file.
func (c *Config) marshalNodes() (out []byte, err error) {
	doc := &yaml.Node{Kind: yaml.DocumentNode}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: keyPlaceholders(c.keyOrder)}
	if c.doc != nil {
		cp := *c.doc
		doc, root = &cp, c.doc.Content[0]
	}
	var oldAccounts *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Kind == yaml.ScalarNode && k.Value == keyAccounts {
			oldAccounts = root.Content[i+1]
		}
	}
	newRoot := *root
	newRoot.Style &^= yaml.FlowStyle
	newRoot.Content = applyKeys(root.Content, c.topKeys(c.accountsNode(oldAccounts)))
	doc.Content = []*yaml.Node{&newRoot}

	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("encode config: the YAML encoder failed")
		}
	}()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return buf.Bytes(), nil
}

// topKeys are the top-level keys bloomy manages, in the order it writes them, with
// the values c gives them; accounts is the value of `accounts`.
func (c *Config) topKeys(accounts *yaml.Node) []managedKey {
	version := c.Version
	if version == 0 {
		version = 1
	}
	return []managedKey{
		intKey([]string{keyVersion, keyRubyVersion}, int64(version)),
		stringKey([]string{keyAPIKey, keyRubyAPIKey}, c.APIKey),
		stringKey([]string{keyActive}, c.Active),
		stringKey([]string{keyPrevious}, c.Previous),
		{names: []string{keyAccounts}, value: accounts, same: func(old *yaml.Node) bool { return old == accounts }},
	}
}

// keyPlaceholders is the content of a top-level mapping holding the given keys, each
// with a null value. Every key is one bloomy manages, so applyKeys replaces or removes
// each value; only the keys and their order matter.
func keyPlaceholders(keys []string) []*yaml.Node {
	if len(keys) == 0 {
		return nil
	}
	content := make([]*yaml.Node, 0, 2*len(keys))
	for _, k := range keys {
		content = append(content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
	}
	return content
}

// accountsNode builds the value of `accounts` from c.Accounts, starting from the old
// mapping (for its comments) when there is one.
func (c *Config) accountsNode(old *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if old != nil && old.Kind == yaml.MappingNode {
		cp := *old
		n = &cp
	}
	n.Content = make([]*yaml.Node, 0, 2*len(c.Accounts))
	for i := range c.Accounts {
		k, v := c.Accounts[i].nodes()
		n.Content = append(n.Content, k, v)
	}
	if len(c.Accounts) == 0 {
		n.Style |= yaml.FlowStyle // accounts: {}
	} else {
		n.Style &^= yaml.FlowStyle
	}
	return n
}

// nodes returns the key and value nodes that write a: its old nodes when nothing
// changed, else copies of them with the changes made.
func (a *Account) nodes() (key, value *yaml.Node) {
	key = a.key
	if same := sameString(a.Name); key == nil || !same(key) {
		key = replaceValue(key, stringNode(a.Name))
	}
	base := a.node
	if base == nil || base.Kind != yaml.MappingNode {
		base = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	baseURL := a.BaseURL
	if baseURL == DefaultBaseURL {
		baseURL = ""
	}
	content := applyKeys(base.Content, []managedKey{
		stringKey([]string{fieldUsername}, a.Username),
		stringKey([]string{fieldAPIKey}, a.APIKey),
		stringKey([]string{fieldBaseURL}, baseURL),
		timeKey([]string{fieldIssuedAt}, a.IssuedAt),
		timeKey([]string{fieldExpiresAt}, a.ExpiresAt),
		intKey([]string{fieldUserID}, a.UserID),
		stringKey([]string{fieldUserName}, a.UserName),
	})
	if slices.Equal(content, base.Content) {
		return key, base
	}
	cp := *base
	cp.Content = content
	return key, &cp
}

// managedKey is a key bloomy writes in a mapping.
type managedKey struct {
	names []string                  // spellings meaning this key; names[0] is written when it is new
	value *yaml.Node                // what to write; nil removes the key
	same  func(old *yaml.Node) bool // whether old already says value (then old is kept as it is)
}

// stringKey manages a string value; "" removes the key.
func stringKey(names []string, v string) managedKey {
	if v == "" {
		return managedKey{names: names}
	}
	return managedKey{names: names, value: stringNode(v), same: sameString(v)}
}

// intKey manages an integer value; 0 removes the key.
func intKey(names []string, v int64) managedKey {
	if v == 0 {
		return managedKey{names: names}
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v, 10)}
	return managedKey{names: names, value: n, same: func(old *yaml.Node) bool {
		got, err := readInt(old, "")
		return err == nil && got == v && old.ShortTag() == "!!int"
	}}
}

// timeKey manages a timestamp, written as RFC 3339 in UTC; the zero time removes the key.
func timeKey(names []string, t time.Time) managedKey {
	if t.IsZero() {
		return managedKey{names: names}
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: t.UTC().Format(time.RFC3339Nano)}
	return managedKey{names: names, value: n, same: func(old *yaml.Node) bool {
		got, err := readTime(old, "")
		return err == nil && got.Equal(t)
	}}
}

// stringNode is a string scalar, double-quoted when a YAML 1.1 reader would read it
// as something else.
func stringNode(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	if needsQuotes(v) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// sameString reports whether a node is the string v written so that every reader
// reads v back.
func sameString(v string) func(old *yaml.Node) bool {
	return func(old *yaml.Node) bool {
		if old.Kind != yaml.ScalarNode || old.ShortTag() != "!!str" || old.Value != v {
			return false
		}
		const marked = yaml.TaggedStyle | yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle
		return !needsQuotes(v) || old.Style&marked != 0
	}
}

// replaceValue returns the new value node for a key: want, carrying the comments of
// the node it replaces.
func replaceValue(old, want *yaml.Node) *yaml.Node {
	n := *want
	if old != nil {
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	}
	return &n
}

// applyKeys returns a copy of a mapping's content with keys written: each key present
// (under any of its spellings) is updated or removed; a missing one is inserted after
// the last present key that comes before it in keys, else before the first that comes
// after it, else at the end. Other keys stay where they are. content is not changed.
func applyKeys(content []*yaml.Node, keys []managedKey) []*yaml.Node {
	out := make([]*yaml.Node, len(content), len(content)+2*len(keys))
	copy(out, content)
	for ki := range keys {
		mk := &keys[ki]
		found := false
		for i := 0; i+1 < len(out); {
			k := out[i]
			if k.Kind != yaml.ScalarNode || !slices.Contains(mk.names, k.Value) {
				i += 2
				continue
			}
			if mk.value == nil {
				out = slices.Delete(out, i, i+2)
				continue
			}
			found = true
			if !mk.same(out[i+1]) {
				out[i+1] = replaceValue(out[i+1], mk.value)
			}
			i += 2
		}
		if found || mk.value == nil {
			continue
		}
		last, first := -1, -1
		for i := 0; i+1 < len(out); i += 2 {
			if out[i].Kind != yaml.ScalarNode {
				continue
			}
			j := slices.IndexFunc(keys, func(m managedKey) bool { return slices.Contains(m.names, out[i].Value) })
			if j >= 0 && j < ki {
				last = i
			}
			if j > ki && first < 0 {
				first = i
			}
		}
		pos := len(out)
		switch {
		case last >= 0:
			pos = last + 2
		case first >= 0:
			pos = first
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: mk.names[0]}
		out = slices.Insert(out, pos, key, mk.value)
	}
	return out
}
