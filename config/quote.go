package config

import (
	"errors"
	"strconv"
	"strings"
)

// The SDKs read the config file with YAML 1.1 readers (PyYAML, Ruby's Psych), which
// turn many plain scalars into booleans, numbers, dates or null: `no`, `on`, `y`,
// `123`, `0x1f`, `1_000`, `12:30`, `2026-01-02`, `~`. yaml/v3 only knows YAML 1.2, so
// it would write such strings unquoted. needsQuotes finds them so that they are
// written double-quoted and every reader gets back a string.

// yaml11Words are plain scalars that some YAML reader takes for a boolean, null,
// infinity or not-a-number, compared in lower case (quoting too much is harmless).
var yaml11Words = map[string]bool{
	"y": true, "n": true, "yes": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true, "~": true,
	".inf": true, "-.inf": true, "+.inf": true, ".nan": true,
	"inf": true, "-inf": true, "+inf": true, "nan": true,
	"infinity": true, "-infinity": true, "+infinity": true,
	"<<": true, // the merge key
	"=":  true, // YAML 1.1's "value" type, which PyYAML's safe loader rejects
}

// needsQuotes reports whether s, written as a plain scalar, would be read back by a
// YAML 1.1 or 1.2 reader as something other than the string s.
func needsQuotes(s string) bool {
	if s == "" {
		return true
	}
	if len(s) <= len("-infinity") && yaml11Words[strings.ToLower(s)] {
		return true
	}
	switch s[0] {
	case ':':
		// Ruby's Psych reads a plain `:name` as a Symbol, not a String.
		return true
	case '+', '-', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return looksNumericOrDate(s)
	}
	return false
}

// looksNumericOrDate reports whether s, which starts like a number, might be read as
// an integer (any base, with `_` or `,` separators, sexagesimal `12:30`), a float or a
// timestamp by any of the YAML readers the SDKs use.
func looksNumericOrDate(s string) bool {
	if isDateLike(s) {
		return true
	}
	plain := s
	if strings.ContainsAny(s, "_,") {
		plain = strings.Map(func(r rune) rune {
			if r == '_' || r == ',' {
				return -1
			}
			return r
		}, s)
	}
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return true
	}
	if _, err := strconv.ParseFloat(plain, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return true
	}
	// Anything made only of digits, signs, separators and the letters of hex digits,
	// exponents and base prefixes is quoted, whatever a particular reader makes of it.
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEFxXoObB_.:,+-", rune(s[i])) {
			return false
		}
	}
	return true
}

// isDateLike reports whether s starts like a YAML 1.1 timestamp: four digits, '-', one
// or two digits, '-', one or two digits (2026-1-2, 2026-01-02T…).
func isDateLike(s string) bool {
	digits := func(i, lo, hi int) int { // the index after lo to hi digits at i, or -1
		n := 0
		for i+n < len(s) && n < hi && s[i+n] >= '0' && s[i+n] <= '9' {
			n++
		}
		if n < lo {
			return -1
		}
		return i + n
	}
	i := digits(0, 4, 4)
	for range 2 { // -month, -day
		if i < 0 || i >= len(s) || s[i] != '-' {
			return false
		}
		i = digits(i+1, 1, 2)
	}
	return i >= 0
}
