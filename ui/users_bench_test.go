package ui

import (
	"context"
	"testing"
	"time"

	"bloomy/accounts"
	"bloomy/config"
)

// usersBenchCount is the size of the organisation the benchmarks browse.
const usersBenchCount = 50_000

// newUsersBenchScreen is the users screen at 80×24 with 50,000 users loaded, built
// in memory: no server, no config file.
func newUsersBenchScreen(b *testing.B) *usersScreen {
	b.Helper()
	c := &common{
		ctx:    context.Background(),
		styles: newStyles(true, false),
		keys:   newKeyMap(),
		width:  80,
		height: 24,
		state: &accounts.State{
			Accounts: []accounts.Account{{Account: config.Account{Name: "acme"}, Active: true}},
			Active:   "acme",
		},
	}
	u := newUsersScreen(c)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	u.now = func() time.Time { return now }
	u.SetSize(78, 21)
	u.Open("acme") // the fetch command is never run: the answer is delivered below
	u.Update(usersFetchedMsg{account: "acme", gen: u.cache["acme"].gen, list: newUserList(generatedUsers(usersBenchCount), u.now())})
	if len(u.visible) == 0 {
		b.Fatal("no users loaded")
	}
	return u
}

// BenchmarkUsersFilterKeystroke is one key typed into the filter: the text
// field's update, the filtering over 50,000 users it triggers, and the
// redraw. Keys alternate between typing a letter and backspace, so every
// key scans the whole list (backspace widens the filter: no narrowing).
// "a" is in most users (a full page of highlighted rows to draw); "q" is in
// none (every search string read to its end).
func BenchmarkUsersFilterKeystroke(b *testing.B) {
	for _, letter := range []string{"a", "q"} {
		b.Run("type "+letter, func(b *testing.B) {
			u := newUsersBenchScreen(b)
			u.Update(usersKeyPress("/"))
			typeKey, backspace := usersKeyPress(letter), usersKeyPress("backspace")
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					u.Update(typeKey)
				} else {
					u.Update(backspace)
				}
				_ = u.View()
			}
			b.StopTimer()
			if u.query != "" && u.query != letter {
				b.Fatalf("query %q", u.query)
			}
		})
	}
}

// BenchmarkUsersPageDown is one page down through 50,000 users and the
// redraw; at the bottom it starts again from the top.
func BenchmarkUsersPageDown(b *testing.B) {
	u := newUsersBenchScreen(b)
	pgdown, home := usersKeyPress("pgdown"), usersKeyPress("home")
	b.ReportAllocs()
	for b.Loop() {
		if u.cursor == len(u.visible)-1 {
			u.Update(home)
		} else {
			u.Update(pgdown)
		}
		_ = u.View()
	}
}
