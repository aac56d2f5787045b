package accounts

import "strings"

// Printable makes text from the server or the config file safe to show in a
// terminal: control characters (an escape sequence hidden in a user's name
// or a hand-edited account name) become spaces.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}
