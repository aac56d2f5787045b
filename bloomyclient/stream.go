package bloomyclient

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// searchScanner decodes the search/all reply — one JSON array of flat
// objects, thousands long — straight from the wire, one entry at a time. It
// is a small special-purpose JSON reader: encoding/json's Decoder takes
// several times as long on 50,000 entries and allocates for every token.
// Values of unknown fields are validated and skipped, wrong types are errors,
// and repeated strings (positions, result types) are shared.
type searchScanner struct {
	r       io.Reader
	buf     []byte
	pos     int
	end     int
	off     int64 // bytes of the stream before buf[0]
	readErr error
	scratch []byte
	intern  map[string]string
}

const maxSkipDepth = 64

func newSearchScanner(r io.Reader) *searchScanner {
	return &searchScanner{r: r, buf: make([]byte, 64<<10), intern: make(map[string]string, 64)}
}

// eachSearchResult decodes a JSON array of search entries, calling fn with a
// value it reuses for every element.
func eachSearchResult(r io.Reader, fn func(*SearchResult)) error {
	s := newSearchScanner(r)
	c, err := s.skipSpace()
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("the reply is empty")
		}
		return err
	}
	if c != '[' {
		return s.errorf("the reply is not a JSON array")
	}
	s.pos++
	var e SearchResult
	for n := 0; ; n++ {
		c, err := s.skipSpace()
		if err != nil {
			return err
		}
		if c == ']' && n == 0 {
			s.pos++
			break
		}
		if n > 0 {
			if c == ']' {
				s.pos++
				break
			}
			if c != ',' {
				return s.errorf("expected , or ] after entry %d", n)
			}
			s.pos++
			if c, err = s.skipSpace(); err != nil {
				return err
			}
		}
		if c != '{' {
			return s.errorf("entry %d is not an object", n+1)
		}
		e = SearchResult{}
		if err := s.readEntry(&e, n+1); err != nil {
			return err
		}
		fn(&e)
	}
	if _, err := s.skipSpace(); err == nil {
		return s.errorf("unexpected data after the array")
	} else if !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	return nil
}

// readEntry reads one object into e; the scanner is on its '{'.
func (s *searchScanner) readEntry(e *SearchResult, n int) error {
	s.pos++
	for first := true; ; first = false {
		c, err := s.skipSpace()
		if err != nil {
			return err
		}
		if c == '}' {
			s.pos++
			return nil
		}
		if !first {
			if c != ',' {
				return s.errorf("entry %d: expected , or }", n)
			}
			s.pos++
			if c, err = s.skipSpace(); err != nil {
				return err
			}
		}
		if c != '"' {
			return s.errorf("entry %d: expected a field name", n)
		}
		name, err := s.readStringBytes()
		if err != nil {
			return err
		}
		field := fieldOf(name)
		if c, err = s.skipSpace(); err != nil {
			return err
		}
		if c != ':' {
			return s.errorf("entry %d: expected : after a field name", n)
		}
		s.pos++
		if c, err = s.skipSpace(); err != nil {
			return err
		}
		switch field {
		case fieldID, fieldOrg:
			v, err := s.readInt(c, n, field)
			if err != nil {
				return err
			}
			if field == fieldID {
				e.ID = v
			} else {
				e.OrganizationID = v
			}
		case fieldUnknown:
			if err := s.skipValue(c, 0); err != nil {
				return err
			}
		default:
			v, err := s.readStringField(c, n, field)
			if err != nil {
				return err
			}
			switch field {
			case fieldName:
				e.Name = v
			case fieldDescription:
				e.Description = v
			case fieldEmail:
				e.Email = v
			case fieldImage:
				e.ImageURL = v
			case fieldType:
				e.ResultType = v
			}
		}
	}
}

type searchField int

const (
	fieldUnknown searchField = iota
	fieldID
	fieldName
	fieldDescription
	fieldEmail
	fieldOrg
	fieldImage
	fieldType
)

var fieldNames = [...]string{"", "Id", "Name", "Description", "Email", "OrganizationId", "ImageUrl", "ResultType"}

// fieldOf matches a field name as encoding/json would: exactly, else ignoring case.
func fieldOf(name []byte) searchField {
	for i := 1; i < len(fieldNames); i++ {
		if string(name) == fieldNames[i] {
			return searchField(i)
		}
	}
	for i := 1; i < len(fieldNames); i++ {
		if bytes.EqualFold(name, []byte(fieldNames[i])) {
			return searchField(i)
		}
	}
	return fieldUnknown
}

// readStringField reads a string (or null, as ""), sharing repeated values
// of the fields that repeat.
func (s *searchScanner) readStringField(c byte, n int, f searchField) (string, error) {
	switch c {
	case '"':
		b, err := s.readStringBytes()
		if err != nil {
			return "", err
		}
		if f == fieldDescription || f == fieldType {
			return s.interned(b), nil
		}
		return string(b), nil
	case 'n':
		return "", s.literal("null")
	default:
		return "", s.errorf("entry %d: %s is a JSON %s, expected a string", n, fieldNames[f], kindOf(c))
	}
}

func (s *searchScanner) interned(b []byte) string {
	if v, ok := s.intern[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.intern) < 4096 {
		s.intern[v] = v
	}
	return v
}

// readInt reads a whole number (or null, as 0).
func (s *searchScanner) readInt(c byte, n int, f searchField) (int64, error) {
	if c == 'n' {
		return 0, s.literal("null")
	}
	if c != '-' && (c < '0' || c > '9') {
		return 0, s.errorf("entry %d: %s is a JSON %s, expected a number", n, fieldNames[f], kindOf(c))
	}
	num, err := s.readNumber()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		return 0, s.errorf("entry %d: %s is not a whole number", n, fieldNames[f])
	}
	return v, nil
}

func kindOf(c byte) string {
	switch {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	default:
		return "value"
	}
}

// skipValue validates and skips any JSON value starting with c.
func (s *searchScanner) skipValue(c byte, depth int) error {
	if depth > maxSkipDepth {
		return s.errorf("the reply nests too deeply")
	}
	switch {
	case c == '"':
		_, err := s.readStringBytes()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := s.readNumber()
		return err
	case c == '[' || c == '{':
		closer := byte(']')
		if c == '{' {
			closer = '}'
		}
		s.pos++
		for first := true; ; first = false {
			c, err := s.skipSpace()
			if err != nil {
				return err
			}
			if c == closer {
				s.pos++
				return nil
			}
			if !first {
				if c != ',' {
					return s.errorf("expected , or %c", closer)
				}
				s.pos++
				if c, err = s.skipSpace(); err != nil {
					return err
				}
			}
			if closer == '}' {
				if c != '"' {
					return s.errorf("expected a field name")
				}
				if _, err := s.readStringBytes(); err != nil {
					return err
				}
				if c, err = s.skipSpace(); err != nil {
					return err
				}
				if c != ':' {
					return s.errorf("expected :")
				}
				s.pos++
				if c, err = s.skipSpace(); err != nil {
					return err
				}
			}
			if err := s.skipValue(c, depth+1); err != nil {
				return err
			}
		}
	default:
		return s.errorf("unexpected character %q", c)
	}
}

// fill makes sure at least one unread byte is buffered; io.ErrUnexpectedEOF
// (worded) when the stream ends.
func (s *searchScanner) fill() error {
	if s.pos < s.end {
		return nil
	}
	if s.readErr != nil {
		return s.eofError()
	}
	s.off += int64(s.end)
	s.pos, s.end = 0, 0
	for s.end == 0 && s.readErr == nil {
		n, err := s.r.Read(s.buf)
		s.end = n
		if err != nil {
			s.readErr = err
		}
	}
	if s.end == 0 {
		return s.eofError()
	}
	return nil
}

func (s *searchScanner) eofError() error {
	if s.readErr != nil && s.readErr != io.EOF {
		return s.readErr
	}
	return fmt.Errorf("the reply is cut short (truncated JSON at byte %d): %w", s.off+int64(s.pos), io.ErrUnexpectedEOF)
}

// skipSpace skips white space and returns the next byte without consuming it.
func (s *searchScanner) skipSpace() (byte, error) {
	for {
		if err := s.fill(); err != nil {
			return 0, err
		}
		for s.pos < s.end {
			c := s.buf[s.pos]
			if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				return c, nil
			}
			s.pos++
		}
	}
}

// literal consumes the exact word (true, false, null).
func (s *searchScanner) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if err := s.fill(); err != nil {
			return err
		}
		if s.buf[s.pos] != word[i] {
			return s.errorf("invalid literal (expected %s)", word)
		}
		s.pos++
	}
	return nil
}

// readNumber consumes a JSON number and returns its bytes (valid until the next read).
func (s *searchScanner) readNumber() ([]byte, error) {
	s.scratch = s.scratch[:0]
	for {
		if s.pos >= s.end {
			if err := s.fill(); err != nil {
				if errors.Is(err, io.ErrUnexpectedEOF) && len(s.scratch) > 0 {
					break
				}
				return nil, err
			}
		}
		c := s.buf[s.pos]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.scratch = append(s.scratch, c)
			s.pos++
			continue
		}
		break
	}
	if !validNumber(s.scratch) {
		return nil, s.errorf("invalid number")
	}
	return s.scratch, nil
}

// validNumber checks JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// readStringBytes consumes a JSON string (the scanner is on its opening
// quote) and returns its decoded bytes, valid until the next read.
func (s *searchScanner) readStringBytes() ([]byte, error) {
	s.pos++
	// Fast path: the whole string is in the buffer, with no escapes.
	var seen byte // the OR of every byte: tells whether any is non-ASCII
	for i := s.pos; i < s.end; i++ {
		c := s.buf[i]
		if c == '"' {
			b := s.buf[s.pos:i]
			s.pos = i + 1
			if seen < utf8.RuneSelf {
				return b, nil
			}
			return s.validUTF8(b), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		seen |= c
	}
	s.scratch = s.scratch[:0]
	var high rune // a UTF-16 high surrogate waiting for its low half
	for {
		if err := s.fill(); err != nil {
			return nil, err
		}
		c := s.buf[s.pos]
		if c != '\\' && high != 0 {
			s.scratch = utf8.AppendRune(s.scratch, utf8.RuneError)
			high = 0
		}
		switch {
		case c == '"':
			s.pos++
			return s.validUTF8(s.scratch), nil
		case c < 0x20:
			return nil, s.errorf("a control character inside a string")
		case c != '\\':
			s.scratch = append(s.scratch, c)
			s.pos++
			continue
		}
		s.pos++
		if err := s.fill(); err != nil {
			return nil, err
		}
		esc := s.buf[s.pos]
		s.pos++
		if esc != 'u' && high != 0 {
			s.scratch = utf8.AppendRune(s.scratch, utf8.RuneError)
			high = 0
		}
		switch esc {
		case '"', '\\', '/':
			s.scratch = append(s.scratch, esc)
		case 'b':
			s.scratch = append(s.scratch, '\b')
		case 'f':
			s.scratch = append(s.scratch, '\f')
		case 'n':
			s.scratch = append(s.scratch, '\n')
		case 'r':
			s.scratch = append(s.scratch, '\r')
		case 't':
			s.scratch = append(s.scratch, '\t')
		case 'u':
			r, err := s.readHex4()
			if err != nil {
				return nil, err
			}
			switch {
			case high != 0 && r >= 0xDC00 && r <= 0xDFFF:
				s.scratch = utf8.AppendRune(s.scratch, utf16.DecodeRune(high, r))
				high = 0
			case high != 0:
				s.scratch = utf8.AppendRune(s.scratch, utf8.RuneError)
				high = 0
				fallthrough
			default:
				if r >= 0xD800 && r <= 0xDBFF {
					high = r
				} else {
					s.scratch = utf8.AppendRune(s.scratch, r) // a lone low half becomes U+FFFD
				}
			}
		default:
			return nil, s.errorf("invalid escape %q after a backslash in a string", esc)
		}
	}
}

func (s *searchScanner) readHex4() (rune, error) {
	var r rune
	for range 4 {
		if err := s.fill(); err != nil {
			return 0, err
		}
		c := s.buf[s.pos]
		s.pos++
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, s.errorf("invalid \\u escape in a string")
		}
	}
	return r, nil
}

// validUTF8 replaces each invalid byte with U+FFFD, as encoding/json does.
func (s *searchScanner) validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, r)
		b = b[size:]
	}
	return out
}

func (s *searchScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%s (at byte %d)", fmt.Sprintf(format, args...), s.off+int64(s.pos))
}
