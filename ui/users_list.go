package ui

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"bloomy/bloomyclient"
)

// userSort is the order of the users list.
type userSort int

const (
	sortByName userSort = iota
	sortByEmail
	sortByPosition
	sortCount
)

func (s userSort) String() string { return [...]string{"name", "email", "position"}[s] }

// userList is one account's users as fetched, prepared once for filtering
// and sorting: a lower-cased search string per user, each sort order built
// the first time it is asked for.
type userList struct {
	users        []bloomyclient.DirectoryUser
	search       []string   // lower-cased "name\x00email\x00position"
	cuts         [][2]int32 // where the name and the email end in search
	placeholder  []bool
	orders       [sortCount][]int
	placeholders int
	fetchedAt    time.Time
}

func newUserList(users []bloomyclient.DirectoryUser, at time.Time) *userList {
	l := &userList{users: users, search: make([]string, len(users)), cuts: make([][2]int32, len(users)),
		placeholder: make([]bool, len(users)), fetchedAt: at}
	// Every search string is a slice of one buffer: one allocation, and a
	// scan of all of them reads memory in order.
	var b strings.Builder
	size := 0
	for i := range users {
		size += len(users[i].Name) + len(users[i].Email) + len(users[i].Position) + 2
	}
	b.Grow(size + size/8)
	ends := make([]int, len(users))
	for i := range users {
		usr := &users[i]
		start := b.Len()
		writeSearchable(&b, usr.Name)
		nameEnd := b.Len() - start
		b.WriteByte(0)
		writeSearchable(&b, usr.Email)
		l.cuts[i] = [2]int32{int32(nameEnd), int32(b.Len() - start)}
		b.WriteByte(0)
		writeSearchable(&b, usr.Position)
		ends[i] = b.Len()
		if usr.Placeholder {
			l.placeholder[i] = true
			l.placeholders++
		}
	}
	all := b.String()
	start := 0
	for i, end := range ends {
		l.search[i] = all[start:end]
		start = end
	}
	return l
}

// writeSearchable writes s sanitized and lower-cased, as it is searched.
func writeSearchable(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			b.WriteString(strings.ToLower(sanitize(s[i:])))
			return
		case c < 0x20 || c == 0x7f:
			c = ' '
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

// field is one user's lower-cased name, email or position.
func (l *userList) field(i int, by userSort) string {
	s, c := l.search[i], l.cuts[i]
	switch by {
	case sortByEmail:
		return s[c[0]+1 : c[1]]
	case sortByPosition:
		return s[c[1]+1:]
	default:
		return s[:c[0]]
	}
}

// sorted is every user's index in one order: case-insensitive, empty values
// last, ties by name and then in the server's order (so the sort is stable).
func (l *userList) sorted(by userSort) []int {
	if l.orders[by] != nil {
		return l.orders[by]
	}
	idx := make([]int, len(l.users))
	for i := range idx {
		idx[i] = i
	}
	compare := func(a, b string) int {
		if (a == "") != (b == "") {
			if a == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := compare(l.field(a, by), l.field(b, by)); c != 0 {
			return c
		}
		if by != sortByName {
			if c := compare(l.field(a, sortByName), l.field(b, sortByName)); c != 0 {
				return c
			}
		}
		return a - b
	})
	l.orders[by] = idx
	return idx
}
