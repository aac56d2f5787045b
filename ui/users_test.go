package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"bloomy/accounts"
	"bloomy/bloomyclient"
	"bloomy/bloomyclient/bloomtest"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// usersSample is a fixed organisation for goldens: one placeholder, one
// accented name, one name with an escape sequence in it.
var usersSample = []bloomyclient.DirectoryUser{
	{ID: 101, Name: "Ada Lovelace", Email: "ada@acme.example", Position: "Chief Executive Officer", OrganizationID: 7},
	{ID: 102, Name: "Linus Torvalds", Email: "linus@acme.example", Position: "VP of Engineering", OrganizationID: 7},
	{ID: 103, Name: "grace brewster", Email: "grace.b@acme.example", Position: "Analyst", OrganizationID: 7},
	{ID: 104, Name: "Alan Turing", Email: "alan@acme.example", Position: "Cryptographer", OrganizationID: 7},
	{ID: 105, Name: "Open seat", Position: "Head of Sales", OrganizationID: 7, Placeholder: true},
	{ID: 106, Name: "Édith Piaf", Email: "edith@acme.example", Position: "Chief Morale Officer", OrganizationID: 7},
	{ID: 107, Name: "Bob \x1b[31mRed", Email: "bob@acme.example", OrganizationID: 7},
	{ID: 108, Name: "Margaret Hamilton", Email: "margaret@acme.example", Position: "Director of Software", OrganizationID: 7},
}

var usersGlobex = []bloomyclient.DirectoryUser{
	{ID: 201, Name: "Grace Hopper", Email: "grace@globex.example", Position: "Chief Operating Officer", OrganizationID: 9},
	{ID: 202, Name: "Hank Scorpio", Email: "hank@globex.example", Position: "Founder", OrganizationID: 9},
}

// usersEnv is a test's world: a fake server with two accounts logged in
// (acme: Ada, globex: Grace), a service on a fixed clock, and the root model
// at 80×24 showing the users screen.
type usersEnv struct {
	t   *testing.T
	srv *bloomtest.Server
	svc *accounts.Service
	now time.Time
	m   *Model
	u   *usersScreen
}

func newUsersEnv(t *testing.T) *usersEnv {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	e := &usersEnv{t: t, srv: bloomtest.NewTest(t, bloomtest.Options{}), now: time.Now().Truncate(time.Second)}
	svc, err := accounts.New(accounts.Options{
		ConfigPath:   filepath.Join(t.TempDir(), ".bloomy", "config.yaml"),
		BaseURL:      e.srv.URL(),
		Getenv:       func(string) string { return "" },
		Now:          func() time.Time { return e.now },
		RetryBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	for _, l := range []accounts.LoginRequest{
		{Name: "globex", Username: "grace@globex.example", Password: "hopper"},
		{Name: "acme", Username: "ada@acme.example", Password: "lovelace"}, // the last login is active
	} {
		if _, err := svc.Login(context.Background(), l); err != nil {
			t.Fatalf("login %s: %v", l.Name, err)
		}
	}
	e.m = New(context.Background(), Options{Service: svc, NoColor: true, SteadyCursor: true})
	e.u = e.m.users
	e.m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.m.Update(stateLoadedMsg{state: svc.State()})
	return e
}

// open shows the users screen as the accounts screen's u key does.
func (e *usersEnv) open(account string) tea.Cmd {
	_, cmd := e.m.Update(openScreenMsg{to: screenUsers, account: account})
	return cmd
}

// press sends keys through the root, as a terminal would.
func (e *usersEnv) press(keys ...string) tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range keys {
		_, cmd := e.m.Update(usersKeyPress(k))
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// typeText types text into whatever has focus, one key per rune.
func (e *usersEnv) typeText(text string) {
	for _, r := range text {
		e.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func usersKeyPress(k string) tea.KeyPressMsg {
	named := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"pgup":      {Code: tea.KeyPgUp},
		"pgdown":    {Code: tea.KeyPgDown},
		"home":      {Code: tea.KeyHome},
		"end":       {Code: tea.KeyEnd},
		"tab":       {Code: tea.KeyTab},
		"backspace": {Code: tea.KeyBackspace},
		"ctrl+r":    {Code: 'r', Mod: tea.ModCtrl},
	}
	if msg, ok := named[k]; ok {
		return msg
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// deliver answers the account's request in flight with users.
func (e *usersEnv) deliver(account string, users []bloomyclient.DirectoryUser, err error) {
	e.t.Helper()
	en := e.u.cache[account]
	if en == nil || en.gen == 0 {
		e.t.Fatalf("no request in flight for %s", account)
	}
	e.m.Update(usersFetchedMsg{account: account, gen: en.gen, list: listOrNil(users, err, e.u.now()), err: err})
}

// feed runs a command and gives every message it produced back to the model.
func (e *usersEnv) feed(cmd tea.Cmd) []tea.Msg {
	msgs := runUsersCmd(cmd)
	for _, msg := range msgs {
		e.m.Update(msg)
	}
	return msgs
}

// runCmd runs a command as the runtime would (batches flattened) and returns
// its messages. Only commands that answer at once may be given.
func runUsersCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range batch {
			out = append(out, runUsersCmd(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// find returns the first message of type T, if any.
func findUsersMsg[T any](msgs []tea.Msg) (T, bool) {
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func (e *usersEnv) render() string { return e.m.render() }

// names lists the visible rows' names in order.
func (e *usersEnv) names() []string {
	l := e.u.list()
	if l == nil {
		return nil
	}
	var out []string
	for _, i := range e.u.visible {
		out = append(out, l.users[i].Name)
	}
	return out
}

func (e *usersEnv) requests(route string) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

// openSample shows acme with the sample users.
func (e *usersEnv) openSample() {
	e.t.Helper()
	e.open("acme")
	e.deliver("acme", usersSample, nil)
}

func assertUsersWidths(t *testing.T, view string, width int) {
	t.Helper()
	for i, line := range strings.Split(ansi.Strip(view), "\n") {
		if w := ansi.StringWidth(line); w > width {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, w, width, line)
		}
	}
}

func TestUsersLoadThenShowTheServersUsers(t *testing.T) {
	e := newUsersEnv(t)
	cmd := e.open("")
	if e.u.account != "acme" {
		t.Fatalf("opened %q, want the active account acme", e.u.account)
	}
	if !strings.Contains(e.render(), "Fetching the users of acme") {
		t.Fatalf("no loading state:\n%s", e.render())
	}
	assertGolden(t, "users_loading", e.render(), 80)

	msgs := e.feed(cmd)
	got, ok := findUsersMsg[usersFetchedMsg](msgs)
	if !ok || got.err != nil {
		t.Fatalf("fetch: %+v", got)
	}
	want := e.srv.Users("ada@acme.example", true)
	if got.list == nil || len(got.list.users) != len(want) {
		t.Fatalf("fetched %+v, the server has %d users", got.list, len(want))
	}
	var hidden int
	for i, w := range want {
		if g := got.list.users[i]; g.ID != w.ID || g.Name != w.Name || g.Email != w.Email || g.Position != w.Position || g.Placeholder != w.Placeholder {
			t.Errorf("user %d: got %+v, want %+v", i, g, w)
		}
		if w.Placeholder {
			hidden++
		}
	}
	if n := len(e.u.visible); n != len(want)-hidden {
		t.Errorf("%d rows, want %d (placeholders hidden)", n, len(want)-hidden)
	}
	view := e.render()
	if !strings.Contains(view, fmt.Sprintf("%d users", len(want)-hidden)) || !strings.Contains(view, "fetched just now") {
		t.Errorf("header lacks the count or the time:\n%s", view)
	}
	e.now = e.now.Add(3 * time.Minute)
	if view := e.render(); !strings.Contains(view, "fetched 3m ago") {
		t.Errorf("header does not age:\n%s", view)
	}
}

func TestUsersRowsGolden(t *testing.T) {
	e := newUsersEnv(t)
	e.openSample()
	view := e.render()
	assertGolden(t, "users_rows", view, 80)
	if strings.Contains(view, "\x1b[31m") {
		t.Error("a server string's escape sequence reached the terminal")
	}
	if !strings.Contains(ansi.Strip(view), "7 users · 1 placeholder hidden") {
		t.Errorf("header:\n%s", ansi.Strip(view))
	}
}

func TestUsersFilterNarrowsAndHighlights(t *testing.T) {
	e := newUsersEnv(t)
	e.openSample()
	e.press("/")
	if !e.u.Capturing() {
		t.Fatal("the filter has focus but the screen does not capture keys")
	}
	e.typeText("chief")
	if got, want := e.names(), []string{"Ada Lovelace", "Édith Piaf"}; !slices.Equal(got, want) {
		t.Fatalf("filter chief: %q, want %q", got, want)
	}
	view := e.render()
	if !strings.Contains(view, "2 of 7 match") {
		t.Errorf("no match count:\n%s", ansi.Strip(view))
	}
	// Édith's row is not selected: its match is drawn in the Match style.
	if !strings.Contains(view, e.m.c.styles.Match.Render("Chief")) {
		t.Errorf("the match is not highlighted:\n%q", view)
	}
	assertGolden(t, "users_filtered", view, 80)

	// q is typed, not quit, while the filter has focus.
	if cmd := e.press("q"); cmd != nil {
		if _, quit := findUsersMsg[tea.QuitMsg](runUsersCmd(cmd)); quit {
			t.Fatal("q quit while typing a filter")
		}
	}
	e.press("backspace")

	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"an email match ignores case", "ACME.EXAMPLE", 7},
		{"a position matches", "engineering", 1},
		{"a name matches", "lovelace", 1},
		{"nothing matches", "zzz", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.u.filter.SetValue("")
			e.u.updateFilter(tea.PasteMsg{Content: tt.query})
			if n := len(e.u.visible); n != tt.want {
				t.Errorf("%q: %d rows, want %d", tt.query, n, tt.want)
			}
		})
	}

	e.u.filter.SetValue("")
	e.u.updateFilter(tea.PasteMsg{Content: "lovelace"})
	e.press("enter")
	if e.u.Capturing() || e.u.query != "lovelace" || len(e.u.visible) != 1 {
		t.Errorf("enter should keep the filter and leave it: capturing %v, query %q, %d rows", e.u.Capturing(), e.u.query, len(e.u.visible))
	}
	e.press("/", "esc")
	if e.u.Capturing() || e.u.query != "" || len(e.u.visible) != 7 {
		t.Errorf("esc should clear the filter and leave it: capturing %v, query %q, %d rows", e.u.Capturing(), e.u.query, len(e.u.visible))
	}
	if e.m.current != screenUsers {
		t.Error("esc in the filter left the screen")
	}
}

func TestUsersPlaceholdersToggle(t *testing.T) {
	e := newUsersEnv(t)
	e.openSample()
	if slices.Contains(e.names(), "Open seat") {
		t.Fatal("a placeholder is shown by default")
	}
	e.press("p")
	if !slices.Contains(e.names(), "Open seat") || len(e.u.visible) != 8 {
		t.Fatalf("p should show the placeholder: %q", e.names())
	}
	view := ansi.Strip(e.render())
	if !strings.Contains(view, "◌ Open seat") || !strings.Contains(view, "8 users (1 placeholder)") {
		t.Errorf("the placeholder is not marked:\n%s", view)
	}
	e.press("p")
	if slices.Contains(e.names(), "Open seat") {
		t.Error("p again should hide it")
	}
}

func TestUsersSortCycles(t *testing.T) {
	e := newUsersEnv(t)
	e.openSample()
	tests := []struct {
		by   string
		want []string
	}{
		{"name", []string{"Ada Lovelace", "Alan Turing", "Bob \x1b[31mRed", "grace brewster", "Linus Torvalds", "Margaret Hamilton", "Édith Piaf"}},
		{"email", []string{"Ada Lovelace", "Alan Turing", "Bob \x1b[31mRed", "Édith Piaf", "grace brewster", "Linus Torvalds", "Margaret Hamilton"}},
		// Empty positions go last.
		{"position", []string{"grace brewster", "Ada Lovelace", "Édith Piaf", "Alan Turing", "Margaret Hamilton", "Linus Torvalds", "Bob \x1b[31mRed"}},
		{"name", []string{"Ada Lovelace", "Alan Turing", "Bob \x1b[31mRed", "grace brewster", "Linus Torvalds", "Margaret Hamilton", "Édith Piaf"}},
	}
	for i, tt := range tests {
		if i > 0 {
			e.press("s")
		}
		if e.u.sortBy.String() != tt.by {
			t.Fatalf("step %d: sorted by %s, want %s", i, e.u.sortBy, tt.by)
		}
		if got := e.names(); !slices.Equal(got, tt.want) {
			t.Errorf("by %s: %q, want %q", tt.by, got, tt.want)
		}
	}
}

func TestUsersSortKeepsTheSelection(t *testing.T) {
	e := newUsersEnv(t)
	e.openSample()
	e.press("down", "down") // Bob
	e.press("s")
	if usr, _ := e.u.selected(); usr.ID != 107 {
		t.Errorf("selected %d after sorting, want 107", usr.ID)
	}
}

func TestUsersSwitchAccountInPlace(t *testing.T) {
	e := newUsersEnv(t)
	e.openSample()
	cmd := e.press("]")
	if e.u.account != "globex" || cmd == nil {
		t.Fatalf("] should show globex and fetch it: account %q, cmd %v", e.u.account, cmd != nil)
	}
	if !strings.Contains(e.render(), "Fetching the users of globex") {
		t.Errorf("globex is not loading:\n%s", e.render())
	}
	e.deliver("globex", usersGlobex, nil)
	if got := e.names(); !slices.Equal(got, []string{"Grace Hopper", "Hank Scorpio"}) {
		t.Errorf("globex rows: %q", got)
	}
	if cmd := e.press("["); cmd != nil {
		t.Error("acme was fetched before: switching back should not fetch again")
	}
	if e.u.account != "acme" || len(e.u.visible) != 7 {
		t.Errorf("[ should show acme from the cache: %q, %d rows", e.u.account, len(e.u.visible))
	}
	e.press("tab") // tab cycles too
	if e.u.account != "globex" {
		t.Errorf("tab: %q", e.u.account)
	}
}

func TestUsersLateResultsAreDropped(t *testing.T) {
	e := newUsersEnv(t)
	e.open("acme")
	acmeGen := e.u.cache["acme"].gen
	e.press("]") // to globex before acme answered
	e.m.Update(usersFetchedMsg{account: "acme", gen: acmeGen, list: newUserList(usersSample, e.u.now())})
	if e.u.account != "globex" || e.u.list() != nil {
		t.Fatalf("a late answer for acme replaced globex's screen: %q, %q", e.u.account, e.names())
	}
	if c := e.u.cache["acme"]; c.list == nil || len(c.list.users) != len(usersSample) {
		t.Error("the late answer should still fill acme's cache")
	}

	e.deliver("globex", usersGlobex, nil)
	// An answer to a request that was replaced (an old generation) is dropped.
	e.m.Update(usersFetchedMsg{account: "globex", gen: e.u.gen + 100, list: newUserList(usersSample, e.u.now())})
	if got := e.names(); !slices.Equal(got, []string{"Grace Hopper", "Hank Scorpio"}) {
		t.Errorf("a stale answer replaced the list: %q", got)
	}
	old := e.u.gen
	e.press("ctrl+r")
	e.m.Update(usersFetchedMsg{account: "globex", gen: old, list: newUserList(usersSample, e.u.now())})
	if e.u.list() != nil {
		t.Error("the answer to the request before the refresh was shown")
	}
	// Switching back to acme shows the list the late answer cached.
	if cmd := e.press("["); cmd != nil || len(e.u.visible) != 7 {
		t.Errorf("acme should come from the cache: cmd %v, %d rows", cmd != nil, len(e.u.visible))
	}
}

func TestUsersRejectedKeyOffersRelogin(t *testing.T) {
	e := newUsersEnv(t)
	e.srv.SetFault(bloomtest.RouteSearchAll, bloomtest.Fault{Status: 401})
	e.feed(e.open("acme"))
	en := e.u.cache["acme"]
	if en == nil || !errors.Is(en.err, bloomyclient.ErrUnauthorized) {
		t.Fatalf("want a 401, got %+v", en)
	}
	view := e.render()
	if !strings.Contains(view, "rejected — expired or revoked") || !strings.Contains(ansi.Strip(view), "Press l to log in again") {
		t.Errorf("no re-login offer:\n%s", ansi.Strip(view))
	}
	assertGolden(t, "users_401", view, 80)

	msg, ok := findUsersMsg[openLoginMsg](runUsersCmd(e.press("l")))
	if !ok || msg.relogin != "acme" {
		t.Fatalf("l should ask for a re-login of acme, got %+v", msg)
	}
	// A successful re-login forgets the failure: opening again refetches.
	e.srv.ClearFaults()
	e.m.Update(loginFinishedMsg{result: &accounts.LoginResult{Account: e.svc.State().Find("acme").Account, Relogin: true}})
	e.feed(e.open("acme"))
	if e.u.list() == nil {
		t.Errorf("after the re-login the users should load:\n%s", e.render())
	}
}

func TestUsersOtherErrorsInWords(t *testing.T) {
	e := newUsersEnv(t)
	e.open("acme")
	e.deliver("acme", nil, &bloomyclient.APIError{StatusCode: 500, Message: "The server broke."})
	view := ansi.Strip(e.render())
	if !strings.Contains(view, "✗") || !strings.Contains(view, "ctrl+r to try again") {
		t.Errorf("error state:\n%s", view)
	}
	if cmd := e.press("ctrl+r"); cmd == nil {
		t.Error("ctrl+r should try again")
	}
}

func TestUsersEmpty(t *testing.T) {
	e := newUsersEnv(t)
	e.open("acme")
	e.deliver("acme", []bloomyclient.DirectoryUser{}, nil)
	if view := ansi.Strip(e.render()); !strings.Contains(view, "No users.") || !strings.Contains(view, "0 users") {
		t.Errorf("empty state:\n%s", view)
	}
}

func TestUsersDetailPaneFetchesOnceAndCaches(t *testing.T) {
	e := newUsersEnv(t)
	e.feed(e.open("acme"))
	me := e.srv.Me("ada@acme.example")
	e.press("/")
	e.typeText("ada lovelace")
	e.press("enter")
	if usr, ok := e.u.selected(); !ok || usr.ID != me.ID {
		t.Fatalf("selected %+v, want Ada (%d)", usr, me.ID)
	}

	cmd := e.press("enter")
	if cmd == nil || e.u.pane == nil {
		t.Fatal("enter should open the pane and fetch the details")
	}
	if !strings.Contains(e.render(), "Fetching details") {
		t.Errorf("no loading state in the pane:\n%s", e.render())
	}
	msgs := e.feed(cmd)
	dm, ok := findUsersMsg[userDetailMsg](msgs)
	if !ok || dm.err != nil || dm.account != "acme" || dm.id != me.ID {
		t.Fatalf("detail message: %+v", dm)
	}
	if dm.detail.user == nil || dm.detail.user.Name != "Ada Lovelace" {
		t.Errorf("details: %+v", dm.detail.user)
	}
	view := ansi.Strip(e.render())
	if !strings.Contains(view, "Seats: Chief Executive Officer, Visionary") || !strings.Contains(view, "Direct reports (") {
		t.Errorf("pane:\n%s", view)
	}

	e.press("esc")
	if e.u.pane != nil || e.m.current != screenUsers {
		t.Fatal("esc should close the pane and stay on the screen")
	}
	before := e.requests(bloomtest.RouteUser)
	if cmd := e.press("enter"); cmd != nil {
		t.Error("the second open fetched again")
	}
	if e.u.pane == nil || e.requests(bloomtest.RouteUser) != before {
		t.Error("the second open should show the cached pane without a request")
	}
	e.press("esc", "esc")
	if e.m.current != screenAccounts {
		t.Error("esc with the pane closed should go back")
	}
}

func TestUsersDetailPaneGolden(t *testing.T) {
	e := newUsersEnv(t)
	e.openSample()
	if cmd := e.press("enter"); cmd == nil {
		t.Fatal("no fetch")
	}
	e.m.Update(userDetailMsg{account: "acme", id: 101, detail: &userDetail{
		user:      &bloomyclient.User{ID: 101, Name: "Ada Lovelace"},
		reports:   []bloomyclient.User{{ID: 102, Name: "Linus Torvalds"}, {ID: 104, Name: "Alan Turing"}},
		positions: []bloomyclient.Position{{ID: 1, Name: "Chief Executive Officer"}, {ID: 2, Name: "Visionary"}},
	}})
	assertGolden(t, "users_detail", e.render(), 80)

	// A failure is shown in words and enter tries again.
	e.press("esc", "down")
	e.press("enter")
	e.m.Update(userDetailMsg{account: "acme", id: 104, err: fmt.Errorf("users/104: %w", bloomyclient.ErrUnauthorized)})
	if view := ansi.Strip(e.render()); !strings.Contains(view, "press l to log in again") {
		t.Errorf("a 401 in the pane:\n%s", view)
	}
	if cmd := e.press("enter"); cmd == nil {
		t.Error("enter on a failed pane should fetch again")
	}
}

func TestUsersRefreshRefetches(t *testing.T) {
	e := newUsersEnv(t)
	e.feed(e.open("acme"))
	before := e.requests(bloomtest.RouteSearchAll)
	cmd := e.press("ctrl+r")
	if cmd == nil || e.u.list() != nil {
		t.Fatal("ctrl+r should drop the list and fetch")
	}
	e.feed(cmd)
	if e.requests(bloomtest.RouteSearchAll) != before+1 || e.u.list() == nil {
		t.Errorf("refresh: %d requests (was %d), list %v", e.requests(bloomtest.RouteSearchAll), before, e.u.list() != nil)
	}
	// Reopening the screen uses the cache.
	e.press("esc")
	if cmd := e.open("acme"); cmd != nil {
		t.Error("reopening fetched again")
	}
}

func TestUsersMoveAndScroll(t *testing.T) {
	e := newUsersEnv(t)
	e.open("acme")
	e.deliver("acme", generatedUsers(100), nil)
	h := e.u.listHeight()
	e.press("pgdown")
	if e.u.cursor != h {
		t.Errorf("pgdown: cursor %d, want %d", e.u.cursor, h)
	}
	e.press("end")
	if e.u.cursor != 94 || e.u.offset != 95-h { // 5 placeholders hidden
		t.Errorf("end: cursor %d offset %d", e.u.cursor, e.u.offset)
	}
	e.press("home", "down", "up", "down")
	if e.u.cursor != 1 {
		t.Errorf("home down up down: %d", e.u.cursor)
	}
	e.m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if e.u.offset != 3 || e.u.cursor < e.u.offset {
		t.Errorf("wheel down: offset %d cursor %d", e.u.offset, e.u.cursor)
	}
	e.m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if e.u.offset != 0 {
		t.Errorf("wheel up: offset %d", e.u.offset)
	}
	if view := ansi.Strip(e.render()); !strings.Contains(view, fmt.Sprintf("1–%d of 95", h)) {
		t.Errorf("no position line:\n%s", view)
	}
}

func TestUsersFitSmallTerminals(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 15}, {40, 12}, {24, 8}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			e := newUsersEnv(t)
			e.m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			e.openSample()
			e.press("p", "/")
			e.typeText("a")
			e.press("enter", "enter")
			e.m.Update(userDetailMsg{account: "acme", id: e.u.pane.ID, detail: &userDetail{
				reports: []bloomyclient.User{{ID: 1, Name: strings.Repeat("Very Long Name ", 20)}},
			}})
			view := e.render()
			assertUsersWidths(t, view, size[0])
			if n := len(strings.Split(view, "\n")); n != size[1] {
				t.Errorf("%d lines, want %d", n, size[1])
			}
			// No line of the screen itself is wider than its width either.
			assertUsersWidths(t, e.u.View(), e.u.width)
		})
	}
}

func TestUsersWithoutAccounts(t *testing.T) {
	e := newUsersEnv(t)
	e.m.Update(stateLoadedMsg{state: &accounts.State{}})
	if cmd := e.open(""); cmd != nil {
		t.Error("nothing to fetch without an account")
	}
	if view := ansi.Strip(e.render()); !strings.Contains(view, "No account to list users for") {
		t.Errorf("no-account state:\n%s", view)
	}
}

func TestUsersMatchRange(t *testing.T) {
	tests := []struct {
		text, query string
		want        string
	}{
		{"Ada Lovelace", "love", "Love"},
		{"Édith Piaf", "édith", "Édith"},
		{"İstanbul Office", "office", "Office"},
		{"Ada", "zz", ""},
		{"Ada", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text+" has "+tt.query, func(t *testing.T) {
			a, z, ok := matchRange(tt.text, tt.query)
			got := ""
			if ok {
				got = tt.text[a:z]
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUsersThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 50000: "50,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// manyUsers makes n users in memory, about 5% placeholders.
func generatedUsers(n int) []bloomyclient.DirectoryUser {
	first := []string{"Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace", "Hedy", "Ivan", "John", "Katherine", "Linus", "Margaret", "Niklaus", "Radia"}
	last := []string{"Lovelace", "Turing", "Liskov", "Shannon", "Knuth", "Dijkstra", "Allen", "Hopper", "Lamarr", "Sutherland", "Backus", "Johnson", "Torvalds", "Hamilton", "Wirth", "Perlman"}
	positions := []string{"Engineer", "Senior Engineer", "Analyst", "Account Executive", "Director of Sales", "Designer", "Support Lead", "Chief Executive Officer", ""}
	users := make([]bloomyclient.DirectoryUser, n)
	for i := range users {
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]
		usr := bloomyclient.DirectoryUser{
			ID:             int64(10000 + i),
			Name:           fmt.Sprintf("%s %s %d", f, l, i),
			Position:       positions[i%len(positions)],
			OrganizationID: 7,
		}
		if i%20 == 19 {
			usr.Placeholder = true
		} else {
			usr.Email = fmt.Sprintf("%s.%s%d@acme.example", strings.ToLower(f), strings.ToLower(l), i)
		}
		users[i] = usr
	}
	return users
}

func TestUsersSearchStringsAreLowerCasedAndSanitized(t *testing.T) {
	users := append(slices.Clone(usersSample), bloomyclient.DirectoryUser{ID: 109, Name: "ZOË \u0085Ünal", Email: "ZU@Acme.Example", Position: "Tab\there"})
	l := newUserList(users, time.Now())
	for i, usr := range users {
		lower := func(s string) string { return strings.ToLower(sanitize(s)) }
		if want := lower(usr.Name) + "\x00" + lower(usr.Email) + "\x00" + lower(usr.Position); l.search[i] != want {
			t.Errorf("user %d: search %q, want %q", usr.ID, l.search[i], want)
		}
		for by, field := range map[userSort]string{sortByName: usr.Name, sortByEmail: usr.Email, sortByPosition: usr.Position} {
			if got := l.field(i, by); got != lower(field) {
				t.Errorf("user %d: %s %q, want %q", usr.ID, by, got, lower(field))
			}
		}
	}
	if l.placeholders != 1 || !l.placeholder[4] {
		t.Errorf("placeholders: %d", l.placeholders)
	}
}

// listOrNil is what the fetch command sends: a list, or nothing with an error.
func listOrNil(users []bloomyclient.DirectoryUser, err error, at time.Time) *userList {
	if err != nil {
		return nil
	}
	return newUserList(users, at)
}
