package config

// The fast path. Nearly every config file bloomy reads is one bloomy wrote, and
// yaml/v3's node decoder and encoder spend milliseconds and megabytes on a file with a
// thousand accounts. parseFast reads files in the exact canonical shape Marshal writes
// with a line-based reader, and marshalFast writes a Config that has no node tree
// straight into a byte buffer. Both are exact: parseFast accepts a file only when
// the node path would read the same Config from it and write the same bytes back,
// and marshalFast writes a scalar only in a form it knows yaml/v3 would choose, byte
// for byte. Anything else falls back to the node path.
//
// The canonical shape, the only one parseFast accepts:
//
//	version: 1
//	api_key: KEY
//	active: work
//	previous: personal
//	accounts:
//	  work:
//	    username: ada@acme.example
//	    api_key: KEY
//	    base_url: https://staging.example
//	    issued_at: 2026-11-20T10:00:00Z
//	    expires_at: 2026-12-04T10:00:00Z
//	    user_id: 123
//	    user_name: Ada Lovelace
//
// Top-level keys: any of those five, each at most once, in any order (the order is
// kept in Config.keyOrder). `accounts: {}` when there are none. An account holds at
// least one of its fields, in the order above, none empty, base_url never the default.
// Lines end in "\n" (the last one may lack it), indentation is two spaces a level.
// Strings are written the way Marshal writes them: plain, or double-quoted where
// yaml/v3 would double-quote them, never single-quoted. Timestamps are RFC 3339 in
// UTC as time.RFC3339Nano formats them; version and user_id are decimal integers
// other than 0, version at most 1<<30.
//
// Everything else makes parseFast give up: a comment, a blank line, an unknown key, a
// duplicated key, flow or block-scalar style, single quotes, anchors and aliases,
// tags, tabs, a byte order mark, CRLF line ends, a document marker, the Ruby gem's
// `:api_key`, an empty account `{}`, a value that would be written differently (say
// `"work"` quoted where Marshal writes it plain), and any byte that is not valid UTF-8.

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// topLevelKeys are the top-level keys parseFast accepts; the index is a bit in the
// set of keys seen.
var topLevelKeys = [...]string{keyVersion, keyAPIKey, keyActive, keyPrevious, keyAccounts}

// accountFields are an account's fields in the order Marshal writes them.
var accountFields = [...]string{fieldUsername, fieldAPIKey, fieldBaseURL, fieldIssuedAt, fieldExpiresAt, fieldUserID, fieldUserName}

// maxSimpleKey is the longest mapping key, in bytes, yaml/v3 writes as a simple
// `key: value`; a longer one becomes an explicit `? key`.
const maxSimpleKey = 128

// parseFast reads data when it is in the canonical shape Marshal writes (see the top
// of this file) and reports false, cheaply, when it is not. The Config it returns has
// no node tree; its keyOrder records the top-level keys.
func parseFast(data []byte) (cfg *Config, ok bool) {
	defer func() {
		// readFast is meant never to panic (FuzzFastPathAgrees checks it); should it,
		// the node path still reads the file.
		if r := recover(); r != nil {
			cfg, ok = nil, false
		}
	}()
	return readFast(data)
}

// readFast is parseFast without the safety net.
func readFast(data []byte) (*Config, bool) {
	c := &Config{Format: FormatEmpty}
	if len(data) == 0 {
		return c, true
	}
	p := &lineReader{rest: string(data)}
	c.keyOrder = make([]string, 0, len(topLevelKeys))
	var seen uint
	p.advance()
	for p.ok {
		key, ok := p.readTopLevel(c)
		if !ok || seen&(1<<key) != 0 {
			return nil, false
		}
		seen |= 1 << key
		c.keyOrder = append(c.keyOrder, topLevelKeys[key])
	}
	c.Format = FormatPython
	if seen&(1<<2|1<<3|1<<4) != 0 { // active, previous or accounts
		c.Format = FormatBloomy
	}
	return c, true
}

// lineReader hands out the lines of a file one at a time.
type lineReader struct {
	rest string // the text after the current line
	line string // the current line, without its "\n"
	ok   bool   // whether there is a current line (false at the end of the file)
}

// advance moves to the next line. A final "\n" does not start another line, so a
// file ending in "\n\n" has an empty last line (which nothing accepts).
func (p *lineReader) advance() {
	if p.rest == "" {
		p.line, p.ok = "", false
		return
	}
	i := strings.IndexByte(p.rest, '\n')
	if i < 0 {
		p.line, p.rest = p.rest, ""
	} else {
		p.line, p.rest = p.rest[:i], p.rest[i+1:]
	}
	p.ok = true
}

// readTopLevel reads the top-level key on the current line, and the accounts under it
// for `accounts`, into c. It returns the key's index in topLevelKeys and leaves p on
// the line after.
func (p *lineReader) readTopLevel(c *Config) (key int, ok bool) {
	line := p.line
	switch {
	case strings.HasPrefix(line, "version: "):
		v, ok := canonicalInt(line[len("version: "):])
		c.Version = int(v)
		p.advance()
		return 0, ok && v > 0 && v <= 1<<30
	case strings.HasPrefix(line, "api_key: "):
		c.APIKey, ok = canonicalString(line[len("api_key: "):], false)
		p.advance()
		return 1, ok
	case strings.HasPrefix(line, "active: "):
		c.Active, ok = canonicalString(line[len("active: "):], false)
		p.advance()
		return 2, ok
	case strings.HasPrefix(line, "previous: "):
		c.Previous, ok = canonicalString(line[len("previous: "):], false)
		p.advance()
		return 3, ok
	case line == "accounts: {}":
		c.HasAccountsKey, c.Accounts = true, []Account{}
		p.advance()
		return 4, true
	case line == "accounts:":
		c.HasAccountsKey = true
		c.Accounts, ok = p.readAccounts()
		return 4, ok
	}
	return 0, false
}

// readAccounts reads the accounts under an `accounts:` line, the current line. It
// leaves p on the first line that is not part of them.
func (p *lineReader) readAccounts() ([]Account, bool) {
	// Lines indented by exactly two spaces start accounts: count them to size things.
	n := strings.Count(p.rest, "\n  ") - strings.Count(p.rest, "\n   ") + 1
	accounts := make([]Account, 0, n)
	names := make(map[string]struct{}, n)
	p.advance()
	for p.ok && strings.HasPrefix(p.line, "  ") && !strings.HasPrefix(p.line, "   ") {
		head := p.line[2:]
		if !strings.HasSuffix(head, ":") {
			return nil, false // `name: {}`, `name: value`, or no colon at all
		}
		name, ok := canonicalString(head[:len(head)-1], true)
		if !ok {
			return nil, false
		}
		if _, dup := names[name]; dup {
			return nil, false
		}
		names[name] = struct{}{}
		a := Account{Name: name}
		last := -1 // index in accountFields of the last field read
		for p.advance(); p.ok && strings.HasPrefix(p.line, "    "); p.advance() {
			if last, ok = readField(&a, p.line[4:], last); !ok {
				return nil, false
			}
		}
		if last < 0 {
			return nil, false // an account with no fields
		}
		accounts = append(accounts, a)
	}
	return accounts, len(accounts) > 0 // `accounts:` with nothing under it is null
}

// readField reads one `field: value` line of an account (without its indentation)
// into a. The field must come after the one at index last in accountFields; the
// field's own index is returned.
func readField(a *Account, line string, last int) (int, bool) {
	field, value, found := strings.Cut(line, ": ")
	if !found {
		return 0, false
	}
	i := last + 1
	for i < len(accountFields) && accountFields[i] != field {
		i++
	}
	if i == len(accountFields) {
		return 0, false // unknown, repeated or out of order
	}
	var ok bool
	switch field {
	case fieldUsername:
		a.Username, ok = canonicalString(value, false)
	case fieldAPIKey:
		a.APIKey, ok = canonicalString(value, false)
	case fieldBaseURL:
		a.BaseURL, ok = canonicalString(value, false)
		ok = ok && a.BaseURL != DefaultBaseURL
	case fieldIssuedAt:
		a.IssuedAt, ok = canonicalTime(value)
	case fieldExpiresAt:
		a.ExpiresAt, ok = canonicalTime(value)
	case fieldUserID:
		a.UserID, ok = canonicalInt(value)
		ok = ok && a.UserID != 0
	case fieldUserName:
		a.UserName, ok = canonicalString(value, false)
	}
	return i, ok
}

// canonicalInt reads a decimal integer written the way strconv.FormatInt writes it
// (no sign for positive numbers, no leading zeros), which yaml/v3 reads as !!int.
func canonicalInt(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	var buf [24]byte
	return v, string(strconv.AppendInt(buf[:0], v, 10)) == s
}

// canonicalTime reads a non-zero timestamp written the way Marshal writes one: the
// UTC time formatted with time.RFC3339Nano.
func canonicalTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	t = t.UTC()
	var buf [40]byte
	out, ok := appendTime(buf[:0], t)
	return t, ok && !t.IsZero() && string(out) == s
}

// appendTime appends t the way Marshal writes a timestamp: UTC, RFC 3339 with as many
// fractional digits as needed. It reports false for a year outside 0000 to 9999,
// which yaml/v3 would not read back as a timestamp (it writes an explicit tag).
func appendTime(buf []byte, t time.Time) ([]byte, bool) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return buf, false
	}
	return t.AppendFormat(buf, time.RFC3339Nano), true
}

// canonicalString reads a non-empty string scalar s (a mapping key when key is set)
// written exactly as Marshal would write the string it holds: plain, or
// double-quoted. A single-quoted string, or any other spelling, is refused.
func canonicalString(s string, key bool) (string, bool) {
	if s == "" {
		return "", false
	}
	if s[0] != '"' {
		// yaml/v3 writes a string plain only when reading it back plain gives the same
		// string, so a plain string it would write is one it reads as itself.
		return s, styleOf(s, key) == stylePlain
	}
	v, ok := unquoteDouble(s)
	if !ok || v == "" && !key || styleOf(v, key) != styleDouble {
		return "", false
	}
	var buf [64]byte
	return v, string(appendDoubleQuoted(buf[:0], v)) == s
}

// unquoteDouble decodes s, which must be one double-quoted scalar and nothing else,
// the way yaml/v3 does. Only the escapes yaml/v3 itself writes are accepted.
func unquoteDouble(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	body := s[1 : len(s)-1]
	if !strings.ContainsAny(body, `"\`) {
		return body, true
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if ch == '"' {
			return "", false // the string ended before the end of s
		}
		if ch != '\\' {
			b.WriteByte(ch)
			continue
		}
		i++
		if i == len(body) {
			return "", false
		}
		digits := 0
		switch body[i] {
		case '0':
			b.WriteByte(0)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e':
			b.WriteByte(0x1b)
		case '"', '\\':
			b.WriteByte(body[i])
		case 'N':
			b.WriteRune(0x85)
		case 'L':
			b.WriteRune(0x2028)
		case 'P':
			b.WriteRune(0x2029)
		case 'x':
			digits = 2
		case 'u':
			digits = 4
		case 'U':
			digits = 8
		default:
			return "", false
		}
		if digits > 0 {
			if i+digits >= len(body) {
				return "", false
			}
			v, err := strconv.ParseUint(body[i+1:i+1+digits], 16, 32)
			if err != nil || v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
				return "", false
			}
			b.WriteRune(rune(v))
			i += digits
		}
	}
	return b.String(), true
}

// scalarStyle is how yaml/v3 writes a string scalar.
type scalarStyle uint8

// The styles styleOf tells apart.
const (
	// styleUnsupported is a form marshalFast does not write: a literal block scalar,
	// single quotes around a line break, an explicit `? key`, or !!binary for a string
	// that is not valid UTF-8.
	styleUnsupported scalarStyle = iota
	// stylePlain is the string as it is.
	stylePlain
	// styleSingle is the string in single quotes, each ' doubled.
	styleSingle
	// styleDouble is the string in double quotes, with escapes; see appendDoubleQuoted.
	styleDouble
)

// styleOf returns the style yaml/v3 writes s in, with Marshal's settings (indent 2,
// unicode, no line width), as the value of a mapping entry or as its key. It follows
// Marshal's stringNode (double quotes for what needsQuotes finds), yaml/v3's encoder
// (a literal block for a string holding "\n") and its emitter's analysis and choice of
// scalar style (yaml_emitter_analyze_scalar, yaml_emitter_select_scalar_style and
// yaml_emitter_check_simple_key in emitterc.go).
func styleOf(s string, key bool) scalarStyle {
	if key && len(s) > maxSimpleKey {
		return styleUnsupported
	}
	if isOrdinary(s) {
		// No indicator, special character, tab, break, or leading or trailing space:
		// the emitter's analysis allows plain, so only stringNode's choice matters.
		if needsQuotes(s) {
			return styleDouble
		}
		return stylePlain
	}
	if !utf8.ValidString(s) {
		return styleUnsupported
	}
	var (
		blockIndicators, lineBreaks, special, tabs           bool
		leadingSpace, leadingBreak                           bool
		trailingSpace, trailingBreak                         bool
		breakSpace, spaceBreak, previousSpace, previousBreak bool
	)
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		blockIndicators = true
	}
	precededByWhitespace := true
	for i, r := range s {
		w := utf8.RuneLen(r)
		followedByWhitespace := i+w >= len(s) || s[i+w] == ' ' || s[i+w] == '\t'
		if i == 0 {
			switch r {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				blockIndicators = true
			case '?', ':', '-':
				blockIndicators = blockIndicators || followedByWhitespace
			}
		} else {
			switch r {
			case ':':
				blockIndicators = blockIndicators || followedByWhitespace
			case '#':
				blockIndicators = blockIndicators || precededByWhitespace
			}
		}
		if r == '\t' {
			tabs = true
		} else if !printable(r) {
			special = true
		}
		switch {
		case r == ' ':
			leadingSpace = leadingSpace || i == 0
			trailingSpace = trailingSpace || i+w == len(s)
			breakSpace = breakSpace || previousBreak
			previousSpace, previousBreak = true, false
		case isBreak(r):
			lineBreaks = true
			leadingBreak = leadingBreak || i == 0
			trailingBreak = trailingBreak || i+w == len(s)
			spaceBreak = spaceBreak || previousSpace
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = r == ' ' || r == '\t' || r == 0 || isBreak(r)
	}
	switch {
	case key && lineBreaks:
		return styleUnsupported // a multi-line key is written as `? key`
	case needsQuotes(s):
		return styleDouble // stringNode asks for double quotes
	case strings.Contains(s, "\n"):
		// The encoder asks for a literal block, which the emitter turns into double
		// quotes when a block scalar could not hold s.
		if trailingSpace || spaceBreak || special {
			return styleDouble
		}
		return styleUnsupported
	case !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace ||
		spaceBreak || tabs || special || lineBreaks || blockIndicators):
		return stylePlain
	case breakSpace || spaceBreak || tabs || special:
		return styleDouble // single quotes are not allowed either
	case lineBreaks:
		return styleUnsupported // single quotes spanning lines
	}
	return styleSingle
}

// ordinaryByte marks the bytes isOrdinary accepts after the first one anywhere: ASCII
// letters and digits, space, and . - _ @ / + = ~ (':' is handled apart).
var ordinaryByte = func() (t [256]bool) {
	for _, c := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-_@/+=~" {
		t[c] = true
	}
	return t
}()

// isOrdinary reports whether s is a string that needs none of the emitter's analysis
// in styleOf: it starts with an ASCII letter or digit, does not end with a space, and
// holds only bytes of ordinaryByte and colons followed by something other than a space.
// That covers the names, e-mail addresses, keys, URLs and dates of a typical file.
func isOrdinary(s string) bool {
	if s == "" || !isAlnum(s[0]) || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !ordinaryByte[c] && !(c == ':' && s[i+1] != ' ') {
			return false
		}
	}
	return true
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// printable reports whether yaml/v3's emitter writes r as it is (is_printable).
func printable(r rune) bool {
	return r == '\n' || r >= 0x20 && r <= 0x7e || r >= 0xa0 && r <= 0xd7ff ||
		r >= 0xe000 && r <= 0xfffd && r != 0xfeff
}

// isBreak reports whether r is a line break to YAML (is_break).
func isBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029
}

// appendDoubleQuoted appends s in double quotes the way yaml/v3's emitter writes it
// (yaml_emitter_write_double_quoted_scalar, with no line width): characters that are
// not printable, line breaks, the byte order mark, '"' and '\' as escapes, all else as
// it is. s must be valid UTF-8.
func appendDoubleQuoted(buf []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	buf = append(buf, '"')
	for _, r := range s {
		if printable(r) && !isBreak(r) && r != '"' && r != '\\' {
			buf = utf8.AppendRune(buf, r)
			continue
		}
		buf = append(buf, '\\')
		switch r {
		case 0:
			buf = append(buf, '0')
		case '\a':
			buf = append(buf, 'a')
		case '\b':
			buf = append(buf, 'b')
		case '\t':
			buf = append(buf, 't')
		case '\n':
			buf = append(buf, 'n')
		case '\v':
			buf = append(buf, 'v')
		case '\f':
			buf = append(buf, 'f')
		case '\r':
			buf = append(buf, 'r')
		case 0x1b:
			buf = append(buf, 'e')
		case '"', '\\':
			buf = append(buf, byte(r))
		case 0x85:
			buf = append(buf, 'N')
		case 0x2028:
			buf = append(buf, 'L')
		case 0x2029:
			buf = append(buf, 'P')
		default:
			digits := 8
			switch {
			case r <= 0xff:
				buf, digits = append(buf, 'x'), 2
			case r <= 0xffff:
				buf, digits = append(buf, 'u'), 4
			default:
				buf = append(buf, 'U')
			}
			for k := (digits - 1) * 4; k >= 0; k -= 4 {
				buf = append(buf, hex[(r>>k)&0xf])
			}
		}
	}
	return append(buf, '"')
}

// appendString appends s as yaml/v3 writes it, as a mapping key or value. It reports
// false when s needs a form marshalFast does not write (see styleUnsupported).
func appendString(buf []byte, s string, key bool) ([]byte, bool) {
	switch styleOf(s, key) {
	case stylePlain:
		return append(buf, s...), true
	case styleSingle:
		buf = append(buf, '\'')
		buf = append(buf, strings.ReplaceAll(s, "'", "''")...)
		return append(buf, '\''), true
	case styleDouble:
		return appendDoubleQuoted(buf, s), true
	}
	return buf, false
}

// marshalFast writes c the way the node path would, straight into a byte buffer. It
// reports false, and the caller uses the node path, when c has a node tree (it came
// from the node path), when an account has nodes (it did), or when a value needs a
// form this writer does not produce (see styleUnsupported and appendTime).
func (c *Config) marshalFast() ([]byte, bool) {
	if c.doc != nil {
		return nil, false
	}
	for i := range c.Accounts {
		if c.Accounts[i].key != nil || c.Accounts[i].node != nil {
			return nil, false
		}
	}
	buf := make([]byte, 0, 64+256*len(c.Accounts))
	var ok bool
	for _, key := range c.topLevelOrder() {
		switch key {
		case keyVersion:
			version := int64(c.Version)
			if version == 0 {
				version = 1
			}
			buf = append(buf, "version: "...)
			buf = strconv.AppendInt(buf, version, 10)
			ok = true
		case keyAPIKey:
			buf, ok = appendString(append(buf, "api_key: "...), c.APIKey, false)
		case keyActive:
			buf, ok = appendString(append(buf, "active: "...), c.Active, false)
		case keyPrevious:
			buf, ok = appendString(append(buf, "previous: "...), c.Previous, false)
		case keyAccounts:
			buf, ok = c.appendAccounts(buf)
		default:
			ok = false
		}
		if !ok {
			return nil, false
		}
		buf = append(buf, '\n')
	}
	return buf, true
}

// topLevelOrder returns the top-level keys Marshal writes for c, in order. It runs
// the node path's applyKeys over the keys c was read with, so that keys keep their
// place and missing ones go where the node path puts them.
func (c *Config) topLevelOrder() []string {
	content := applyKeys(keyPlaceholders(c.keyOrder), c.topKeys(&yaml.Node{Kind: yaml.MappingNode}))
	keys := make([]string, 0, len(content)/2)
	for i := 0; i < len(content); i += 2 {
		keys = append(keys, content[i].Value)
	}
	return keys
}

// appendAccounts appends `accounts:` and its value, without the final newline.
func (c *Config) appendAccounts(buf []byte) ([]byte, bool) {
	if len(c.Accounts) == 0 {
		return append(buf, "accounts: {}"...), true
	}
	buf = append(buf, "accounts:"...)
	for i := range c.Accounts {
		var ok bool
		if buf, ok = c.Accounts[i].appendTo(buf); !ok {
			return buf, false
		}
	}
	return buf, true
}

// appendTo appends a newline and the account as a member of `accounts`: its name, and
// its non-empty fields in bloomy's order (`{}` when there are none).
func (a *Account) appendTo(buf []byte) ([]byte, bool) {
	buf = append(buf, "\n  "...)
	buf, ok := appendString(buf, a.Name, true)
	if !ok {
		return buf, false
	}
	buf = append(buf, ':')
	start := len(buf)
	field := func(name string) {
		buf = append(buf, "\n    "...)
		buf = append(buf, name...)
		buf = append(buf, ": "...)
	}
	str := func(name, v string) {
		if v != "" && ok {
			field(name)
			buf, ok = appendString(buf, v, false)
		}
	}
	tm := func(name string, t time.Time) {
		if !t.IsZero() && ok {
			field(name)
			buf, ok = appendTime(buf, t)
		}
	}
	str(fieldUsername, a.Username)
	str(fieldAPIKey, a.APIKey)
	if a.BaseURL != DefaultBaseURL {
		str(fieldBaseURL, a.BaseURL)
	}
	tm(fieldIssuedAt, a.IssuedAt)
	tm(fieldExpiresAt, a.ExpiresAt)
	if a.UserID != 0 {
		field(fieldUserID)
		buf = strconv.AppendInt(buf, a.UserID, 10)
	}
	str(fieldUserName, a.UserName)
	if len(buf) == start {
		buf = append(buf, " {}"...)
	}
	return buf, ok
}
