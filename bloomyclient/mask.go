package bloomyclient

import "unicode/utf8"

// MaskKey shows enough of a key to tell two apart and never enough to use it:
// "abcd…wxyz" for a long key, "…" plus the last two characters for a short
// one, "" for none.
func MaskKey(key string) string {
	n := utf8.RuneCountInString(key)
	switch {
	case n == 0:
		return ""
	case n < 12:
		r := []rune(key)
		if n <= 4 {
			return "…"
		}
		return "…" + string(r[n-2:])
	default:
		r := []rune(key)
		return string(r[:4]) + "…" + string(r[n-4:])
	}
}
