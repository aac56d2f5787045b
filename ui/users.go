package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"bloomy/accounts"
	"bloomy/bloomyclient"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
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

// accountUsers is what the screen holds for one account: the list once
// fetched, the last error, and the request in flight.
type accountUsers struct {
	list *userList
	err  error
	gen  int // the request in flight; 0 when none
}

// userDetail is the detail pane's data: users/{id}, the direct reports and
// the seats. A part that failed is nil.
type userDetail struct {
	user      *bloomyclient.User
	reports   []bloomyclient.User
	positions []bloomyclient.Position
}

// detailKey names one user of one account.
type detailKey struct {
	account string
	id      int64
}

// detailEntry is one user's detail pane data: on its way, fetched or failed.
type detailEntry struct {
	loading bool
	detail  *userDetail
	err     error
}

// filterKey is what the visible rows were computed from.
type filterKey struct {
	list         *userList
	sortBy       userSort
	placeholders bool
	query        string
}

// usersScreen browses one account's users (the SDKs' user.all()), with the
// account switchable in place, a filter, a sort, a placeholders toggle and a
// detail pane. Lists and details are kept per account while the program runs.
type usersScreen struct {
	c      *common
	now    func() time.Time
	width  int
	height int

	account string
	cache   map[string]*accountUsers
	gen     int

	sortBy           userSort
	showPlaceholders bool
	filter           textinput.Model
	filtering        bool
	query            string // the filter, lower-cased
	visible          []int  // indexes into the list's users, in display order
	hits             []bool // refilter's scratch: which users match, by index
	shown            filterKey
	cursor           int
	offset           int

	details  map[detailKey]*detailEntry
	pane     *bloomyclient.DirectoryUser // the user whose detail pane is open
	spinner  spinner.Model
	spinning bool
}

func newUsersScreen(c *common) *usersScreen {
	u := &usersScreen{
		c:       c,
		cache:   map[string]*accountUsers{},
		details: map[detailKey]*detailEntry{},
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		filter:  c.newInput(),
	}
	u.now = func() time.Time {
		if c.svc != nil {
			return c.svc.Now()
		}
		return time.Now()
	}
	u.filter.Prompt = ""
	u.filter.Placeholder = "name, email or position"
	u.filter.CharLimit = 100
	return u
}

// Open shows an account's users ("" for the active account or the first),
// from the cache when they were fetched before.
func (u *usersScreen) Open(account string) tea.Cmd {
	if st := u.c.state; account == "" && st != nil {
		switch {
		case st.Active != "":
			account = st.Active
		case len(st.Accounts) > 0:
			account = st.Accounts[0].Name
		}
	}
	return u.show(account)
}

// SetSize implements screen.
func (u *usersScreen) SetSize(w, h int) {
	u.width, u.height = w, h
	u.filter.SetWidth(max(w-4, 1))
	u.setCursor(u.cursor)
}

// Capturing implements screen: true while the filter has focus.
func (u *usersScreen) Capturing() bool { return u.filtering }

// HandlesEsc is true while the detail pane is open: esc closes the pane
// rather than leaving the screen.
func (u *usersScreen) HandlesEsc() bool { return u.pane != nil }

func (u *usersScreen) entry() *accountUsers { return u.cache[u.account] }

func (u *usersScreen) list() *userList {
	if e := u.entry(); e != nil {
		return e.list
	}
	return nil
}

// show makes an account the one on screen and fetches its users unless they
// are cached or on their way.
func (u *usersScreen) show(name string) tea.Cmd {
	if name != u.account {
		u.account = name
		u.cursor, u.offset = 0, 0
	}
	u.pane = nil
	if name == "" {
		u.refilter()
		return nil
	}
	if e := u.cache[name]; e != nil && (e.list != nil || e.gen != 0) {
		u.refilter()
		u.setCursor(u.cursor)
		if e.gen != 0 {
			return u.spin()
		}
		return nil
	}
	return u.fetch(name)
}

// fetch asks for an account's users, placeholders included (the toggle only
// hides them), replacing whatever the account had.
func (u *usersScreen) fetch(name string) tea.Cmd {
	u.gen++
	gen := u.gen
	u.cache[name] = &accountUsers{gen: gen}
	u.refilter()
	u.setCursor(0)
	svc, ctx := u.c.svc, u.c.ctx
	return tea.Batch(func() tea.Msg {
		users, err := svc.Users(ctx, name, true)
		return usersFetchedMsg{account: name, gen: gen, users: users, err: err}
	}, u.spin())
}

// refresh drops the account's users and details and fetches them again.
func (u *usersScreen) refresh() tea.Cmd {
	if u.account == "" {
		return nil
	}
	u.forgetDetails(u.account)
	u.pane = nil
	return u.fetch(u.account)
}

func (u *usersScreen) forgetDetails(account string) {
	for k := range u.details {
		if k.account == account {
			delete(u.details, k)
		}
	}
}

func (u *usersScreen) spin() tea.Cmd {
	if u.spinning {
		return nil
	}
	u.spinning = true
	return u.spinner.Tick
}

// busy is true while a list or a detail pane is on its way.
func (u *usersScreen) busy() bool {
	for _, e := range u.cache {
		if e.gen != 0 {
			return true
		}
	}
	for _, d := range u.details {
		if d.loading {
			return true
		}
	}
	return false
}

// Update implements screen.
func (u *usersScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case usersFetchedMsg:
		u.fetched(msg)
	case userDetailMsg:
		d := u.details[detailKey{msg.account, msg.id}]
		if d != nil && d.loading { // else dropped by a refresh meanwhile
			d.loading, d.detail, d.err = false, msg.detail, msg.err
		}
	case stateLoadedMsg:
		u.stateChanged(msg.state)
	case loginFinishedMsg:
		// A new key: what the old one fetched (or failed to) is stale.
		if msg.err == nil && msg.result != nil {
			name := msg.result.Account.Name
			delete(u.cache, name)
			u.forgetDetails(name)
			if name == u.account {
				u.pane = nil
				u.refilter()
			}
		}
	case spinner.TickMsg:
		if msg.ID != u.spinner.ID() {
			return u, nil
		}
		if !u.busy() {
			u.spinning = false
			return u, nil
		}
		var cmd tea.Cmd
		u.spinner, cmd = u.spinner.Update(msg)
		return u, cmd
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			u.scroll(-3)
		case tea.MouseWheelDown:
			u.scroll(3)
		}
	case tea.PasteMsg:
		if u.filtering {
			return u, u.updateFilter(msg)
		}
	case tea.KeyPressMsg:
		return u, u.handleKey(msg)
	default:
		if u.filtering { // the cursor's blinks
			var cmd tea.Cmd
			u.filter, cmd = u.filter.Update(msg)
			return u, cmd
		}
	}
	return u, nil
}

// fetched stores a list in the cache; an answer to a request that was
// replaced (a refresh, a re-login) is dropped. An answer for an account not
// on screen only fills the cache.
func (u *usersScreen) fetched(msg usersFetchedMsg) {
	e := u.cache[msg.account]
	if e == nil || e.gen != msg.gen {
		return
	}
	e.gen = 0
	if msg.err != nil {
		e.err, e.list = msg.err, nil
	} else {
		e.err, e.list = nil, newUserList(msg.users, u.now())
	}
	if msg.account == u.account {
		u.refilter()
		u.setCursor(u.cursor)
	}
}

// stateChanged forgets accounts that are gone from the file.
func (u *usersScreen) stateChanged(st *accounts.State) {
	if st == nil {
		return
	}
	for name := range u.cache {
		if st.Find(name) == nil {
			delete(u.cache, name)
			u.forgetDetails(name)
		}
	}
	if u.account != "" && st.Find(u.account) == nil {
		u.account, u.pane = "", nil
		u.refilter()
	}
}

func (u *usersScreen) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := u.c.keys
	if u.filtering {
		return u.filterKey(msg)
	}
	if u.pane != nil {
		switch {
		case key.Matches(msg, k.Back):
			u.pane = nil
			u.setCursor(u.cursor)
			return nil
		}
	}
	switch {
	case key.Matches(msg, k.Up):
		u.setCursor(u.cursor - 1)
	case key.Matches(msg, k.Down):
		u.setCursor(u.cursor + 1)
	case key.Matches(msg, k.PageUp):
		u.setCursor(u.cursor - u.listHeight())
	case key.Matches(msg, k.PageDown):
		u.setCursor(u.cursor + u.listHeight())
	case key.Matches(msg, k.Top):
		u.setCursor(0)
	case key.Matches(msg, k.Bottom):
		u.setCursor(len(u.visible) - 1)
	case key.Matches(msg, k.NextAccount):
		return u.switchAccount(1)
	case key.Matches(msg, k.PrevAccount):
		return u.switchAccount(-1)
	case key.Matches(msg, k.Relogin):
		if u.account == "" {
			return nil
		}
		u.pane = nil
		name := u.account
		return func() tea.Msg { return openLoginMsg{relogin: name} }
	case key.Matches(msg, k.Refresh):
		return u.refresh()
	case u.list() == nil:
		return nil
	case key.Matches(msg, k.Filter):
		u.filtering = true
		u.filter.SetStyles(u.filterStyles())
		u.filter.CursorEnd()
		return u.filter.Focus()
	case key.Matches(msg, k.Placeholders):
		u.showPlaceholders = !u.showPlaceholders
		u.keepSelection(u.refilter)
	case key.Matches(msg, k.Sort):
		u.sortBy = (u.sortBy + 1) % sortCount
		u.keepSelection(u.refilter)
	case key.Matches(msg, k.Details):
		return u.openPane()
	}
	return nil
}

// filterKey handles a key while the filter has focus: enter keeps the
// filter, esc clears it, the arrows move through the matches and the rest
// is typing.
func (u *usersScreen) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := u.c.keys
	switch {
	case key.Matches(msg, k.Submit):
		u.filtering = false
		u.filter.Blur()
	case key.Matches(msg, k.Back):
		u.filtering = false
		u.filter.Blur()
		u.filter.SetValue("")
		u.keepSelection(func() { u.setQuery("") })
	case msg.Text == "" && key.Matches(msg, k.Up):
		u.setCursor(u.cursor - 1)
	case msg.Text == "" && key.Matches(msg, k.Down):
		u.setCursor(u.cursor + 1)
	default:
		return u.updateFilter(msg)
	}
	return nil
}

// updateFilter gives a key or a paste to the text field and filters again
// when the text changed; the first match is then selected.
func (u *usersScreen) updateFilter(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	u.filter, cmd = u.filter.Update(msg)
	if q := strings.ToLower(sanitize(u.filter.Value())); q != u.query {
		u.setQuery(q)
		u.setCursor(0)
	}
	return cmd
}

func (u *usersScreen) setQuery(q string) {
	u.query = q
	u.refilter()
}

// filterStyles are the text field's looks from the interface's styles; the
// cursor keeps its blinking setting (steady in tests).
func (u *usersScreen) filterStyles() textinput.Styles {
	s := u.c.styles
	st := u.filter.Styles()
	state := textinput.StyleState{Text: lipgloss.NewStyle(), Placeholder: s.Muted, Suggestion: s.Muted, Prompt: s.Key}
	st.Focused, st.Blurred = state, state
	st.Cursor.Color = s.accent
	return st
}

// refilter recomputes the visible rows, only when what they depend on
// changed. A query that extends the last one narrows the rows already
// found instead of scanning every user.
func (u *usersScreen) refilter() {
	l := u.list()
	want := filterKey{list: l, sortBy: u.sortBy, placeholders: u.showPlaceholders, query: u.query}
	if want == u.shown {
		return
	}
	prev := u.shown
	u.shown = want
	if l == nil {
		u.visible = u.visible[:0]
		return
	}
	q := u.query
	if prev.list == l && prev.sortBy == want.sortBy && prev.placeholders == want.placeholders && strings.Contains(q, prev.query) {
		out := u.visible[:0] // filtered in place: writes never overtake reads
		for _, i := range u.visible {
			if strings.Contains(l.search[i], q) {
				out = append(out, i)
			}
		}
		u.visible = out
		return
	}
	// Search in memory order (what a scan of 50,000 strings is fast in), then
	// list the hits in the sort order.
	if cap(u.hits) < len(l.users) {
		u.hits = make([]bool, len(l.users))
	}
	hits := u.hits[:len(l.users)]
	for i, s := range l.search {
		hits[i] = (u.showPlaceholders || !l.placeholder[i]) && (q == "" || strings.Contains(s, q))
	}
	out := u.visible[:0]
	for _, i := range l.sorted(u.sortBy) {
		if hits[i] {
			out = append(out, i)
		}
	}
	u.visible = out
}

// keepSelection runs a change to the rows and selects the same user after
// it, when the user is still shown.
func (u *usersScreen) keepSelection(change func()) {
	id, had := int64(0), false
	if usr, ok := u.selected(); ok {
		id, had = usr.ID, true
	}
	change()
	cursor := 0
	if l := u.list(); had && l != nil {
		for pos, i := range u.visible {
			if l.users[i].ID == id {
				cursor = pos
				break
			}
		}
	}
	u.setCursor(cursor)
}

func (u *usersScreen) selected() (*bloomyclient.DirectoryUser, bool) {
	l := u.list()
	if l == nil || u.cursor < 0 || u.cursor >= len(u.visible) {
		return nil, false
	}
	return &l.users[u.visible[u.cursor]], true
}

// setCursor moves the selection and scrolls it into view.
func (u *usersScreen) setCursor(i int) {
	u.cursor = max(min(i, len(u.visible)-1), 0)
	h := u.listHeight()
	if u.cursor < u.offset {
		u.offset = u.cursor
	}
	if u.cursor >= u.offset+h {
		u.offset = u.cursor - h + 1
	}
	u.offset = max(min(u.offset, len(u.visible)-h), 0)
}

// scroll moves the view (the mouse wheel), dragging the selection along.
func (u *usersScreen) scroll(n int) {
	h := u.listHeight()
	u.offset = max(min(u.offset+n, len(u.visible)-h), 0)
	u.cursor = max(min(u.cursor, u.offset+h-1), u.offset)
	u.setCursor(u.cursor)
}

// listHeight is how many rows fit: the body less the title, the column
// headings, the position line, the filter line and the detail pane.
func (u *usersScreen) listHeight() int {
	n := u.height - 3
	if u.filtering || u.query != "" {
		n--
	}
	if u.pane != nil {
		n -= u.paneHeight()
	}
	return max(n, 1)
}

func (u *usersScreen) paneHeight() int { return min(9, max(u.height/2, 4)) }

func (u *usersScreen) switchAccount(step int) tea.Cmd {
	st := u.c.state
	if st == nil || len(st.Accounts) == 0 {
		return nil
	}
	n := len(st.Accounts)
	next := 0
	for i, a := range st.Accounts {
		if a.Name == u.account {
			next = (i + step + n) % n
		}
	}
	return u.show(st.Accounts[next].Name)
}

// openPane opens the detail pane of the selected user, fetching its data
// unless it is cached or on its way.
func (u *usersScreen) openPane() tea.Cmd {
	usr, ok := u.selected()
	if !ok {
		return nil
	}
	pinned := *usr
	u.pane = &pinned
	u.setCursor(u.cursor)
	k := detailKey{u.account, usr.ID}
	if d := u.details[k]; d != nil && (d.loading || d.err == nil) {
		return nil
	}
	u.details[k] = &detailEntry{loading: true}
	return tea.Batch(fetchDetailCmd(u.c.ctx, u.c.svc, k), u.spin())
}

// fetchDetailCmd asks for one user's details, direct reports and seats at once.
func fetchDetailCmd(ctx context.Context, svc *accounts.Service, k detailKey) tea.Cmd {
	return func() tea.Msg {
		client, err := svc.Client(k.account)
		if err != nil {
			return userDetailMsg{account: k.account, id: k.id, err: err}
		}
		var (
			d    userDetail
			errs [3]error
			wg   sync.WaitGroup
		)
		wg.Go(func() { d.user, errs[0] = client.UserDetails(ctx, k.id) })
		wg.Go(func() { d.reports, errs[1] = client.DirectReports(ctx, k.id) })
		wg.Go(func() { d.positions, errs[2] = client.Positions(ctx, k.id) })
		wg.Wait()
		// The first failure speaks for all; a 401 is the same on every call.
		var first error
		for _, e := range errs {
			if e != nil {
				first = e
				break
			}
		}
		return userDetailMsg{account: k.account, id: k.id, detail: &d, err: first}
	}
}

// ShortHelp implements help.KeyMap.
func (u *usersScreen) ShortHelp() []key.Binding {
	k := u.c.keys
	switch {
	case u.filtering:
		keep, clear := k.Submit, k.Back
		keep.SetHelp("enter", "keep filter")
		clear.SetHelp("esc", "clear filter")
		return []key.Binding{keep, clear}
	case u.pane != nil:
		closePane := k.Back
		closePane.SetHelp("esc", "close")
		return []key.Binding{closePane, k.Details, k.Up, k.Down}
	case u.rejected():
		return []key.Binding{k.Relogin, k.Refresh, k.NextAccount, k.Back}
	case u.list() == nil:
		return []key.Binding{k.NextAccount, k.Refresh, k.Back}
	}
	return []key.Binding{k.Filter, k.Details, k.Sort, k.Placeholders, k.NextAccount, k.Refresh, k.Back}
}

// FullHelp implements help.KeyMap.
func (u *usersScreen) FullHelp() [][]key.Binding {
	k := u.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Filter, k.Sort, k.Placeholders, k.Details},
		{k.NextAccount, k.PrevAccount, k.Refresh, k.Relogin},
	}
}

// rejected is true when the account's key got a 401.
func (u *usersScreen) rejected() bool {
	e := u.entry()
	return e != nil && e.list == nil && errors.Is(e.err, bloomyclient.ErrUnauthorized)
}

// View implements screen.
func (u *usersScreen) View() string {
	s := u.c.styles
	if u.account == "" {
		return s.Muted.Render(wrap("No account to list users for. Press esc, then a to log in.", u.width))
	}
	e := u.entry()
	lines := []string{u.titleLine()}
	switch {
	case e == nil || (e.list == nil && e.err == nil):
		lines = append(lines, "", truncate(u.spinner.View()+" Fetching the users of "+u.account+"…", u.width))
	case e.list == nil && u.rejected():
		lines = append(lines, "",
			s.Error.Render(truncate("✗ The key of "+u.account+" was rejected — expired or revoked.", u.width)),
			"", truncate("Press "+s.Key.Render("l")+" to log in again, or "+s.Key.Render("]")+" for another account.", u.width))
	case e.list == nil:
		lines = append(lines, "", s.Error.Render(wrap("✗ "+sanitize(errorSentence(e.err)), u.width)),
			"", "Press "+s.Key.Render("ctrl+r")+" to try again.")
	default:
		lines = append(lines, u.listLines(e.list)...)
	}
	return strings.Join(lines, "\n")
}

// titleLine names the account, the count and when it was fetched.
func (u *usersScreen) titleLine() string {
	s := u.c.styles
	title := s.Title.Render(u.account)
	if st := u.c.state; st != nil && len(st.Accounts) > 1 {
		for i, a := range st.Accounts {
			if a.Name == u.account {
				title += s.Muted.Render(fmt.Sprintf(" (%d/%d)", i+1, len(st.Accounts)))
			}
		}
	}
	l := u.list()
	if l == nil {
		return truncate(title, u.width)
	}
	total := len(l.users)
	if !u.showPlaceholders {
		total -= l.placeholders
	}
	count := plural(total, "user")
	if u.query != "" {
		count = fmt.Sprintf("%s of %s match", thousands(len(u.visible)), thousands(total))
	}
	hidden := ""
	switch {
	case l.placeholders > 0 && u.showPlaceholders:
		count += " (" + plural(l.placeholders, "placeholder") + ")"
	case l.placeholders > 0:
		hidden = " · " + plural(l.placeholders, "placeholder") + " hidden"
	}
	when := ago(l.fetchedAt, u.now())
	if !strings.Contains(when, "ago") && when != "just now" {
		when = "at " + when
	}
	// On a narrow screen the hidden placeholders go first, then the time.
	for _, rest := range []string{" · " + count + hidden + " · fetched " + when, " · " + count + " · fetched " + when, " · " + count} {
		if ansi.StringWidth(title+rest) <= u.width {
			return title + s.Muted.Render(rest)
		}
	}
	return truncate(title+s.Muted.Render(" · "+count), u.width)
}

// listLines is the filter line, the column headings, the visible rows, the
// position line and the detail pane.
func (u *usersScreen) listLines(l *userList) []string {
	s := u.c.styles
	var lines []string
	switch {
	case u.filtering:
		lines = append(lines, s.Key.Render("/ ")+u.filter.View())
	case u.query != "":
		lines = append(lines, s.Key.Render("/ ")+truncate(sanitize(u.filter.Value()), u.width-20)+s.Muted.Render("  (/ to change)"))
	}
	cols := u.columns()
	heading := func(title string, by userSort, w int, last bool) string {
		if w == 0 {
			return ""
		}
		if by == u.sortBy {
			title += " ▾"
		}
		if last {
			return title
		}
		return pad(title, w-1) + " "
	}
	lines = append(lines, s.Header.Render(truncate("  "+heading("NAME", sortByName, cols.name, cols.email == 0)+
		heading("EMAIL", sortByEmail, cols.email, cols.position == 0)+heading("POSITION", sortByPosition, cols.position, true), u.width)))

	h := u.listHeight()
	switch {
	case len(u.visible) == 0 && u.query != "":
		lines = append(lines, s.Muted.Render(truncate("  No user matches “"+sanitize(u.filter.Value())+"”.", u.width)))
	case len(u.visible) == 0 && l.placeholders > 0:
		lines = append(lines, s.Muted.Render(truncate("  No users — "+plural(l.placeholders, "placeholder")+" hidden (p shows them).", u.width)))
	case len(u.visible) == 0:
		lines = append(lines, s.Muted.Render("  No users."))
	}
	end := min(u.offset+h, len(u.visible))
	for pos := u.offset; pos < end; pos++ {
		lines = append(lines, u.row(&l.users[u.visible[pos]], cols, pos == u.cursor))
	}
	for pos := max(end-u.offset, 1); pos < h; pos++ {
		lines = append(lines, "")
	}
	if len(u.visible) > h {
		lines = append(lines, s.Muted.Render(fmt.Sprintf("  %s–%s of %s", thousands(u.offset+1), thousands(end), thousands(len(u.visible)))))
	} else {
		lines = append(lines, "")
	}
	if u.pane != nil {
		lines = append(lines, u.paneLines()...)
	}
	return lines
}

// userColumns are the widths of the columns; 0 drops one.
type userColumns struct{ name, email, position int }

func (u *usersScreen) columns() userColumns {
	w := u.width - 2 // the marker
	switch {
	case w >= 54:
		name, email := min(w*3/10, 32), min(w*4/10, 40)
		return userColumns{name: name, email: email, position: w - name - email}
	case w >= 30:
		name := w * 45 / 100
		return userColumns{name: name, email: w - name}
	default:
		return userColumns{name: max(w, 1)}
	}
}

// row draws one user: placeholders marked and dimmed, filter matches
// highlighted, the selected row in full width.
func (u *usersScreen) row(usr *bloomyclient.DirectoryUser, cols userColumns, selected bool) string {
	s := u.c.styles
	var base *lipgloss.Style
	switch {
	case selected:
		base = &s.Selected
	case usr.Placeholder:
		base = &s.Muted
	}
	match := s.Match
	if base != nil {
		match = s.Match.Inherit(*base)
	}
	var b strings.Builder
	write := func(text string, isMatch bool) {
		switch {
		case text == "":
		case isMatch:
			b.WriteString(match.Render(text))
		case base == nil:
			b.WriteString(text)
		default:
			b.WriteString(base.Render(text))
		}
	}
	cell := func(text string, w int, last, matchable bool) {
		if w == 0 {
			return
		}
		avail := w
		if !last {
			avail-- // the gap
		}
		shown, keep := text, len(text)
		if ansi.StringWidth(text) > avail {
			shown = ansi.Truncate(text, avail, "…")
			keep = len(shown) - len("…")
		}
		if a, z, ok := matchRange(text, u.query); matchable && ok && a < keep {
			z = min(z, keep)
			write(shown[:a], false)
			write(shown[a:z], true)
			write(shown[z:], false)
		} else {
			write(shown, false)
		}
		if fill := w - ansi.StringWidth(shown); fill > 0 && (!last || selected) {
			write(strings.Repeat(" ", fill), false)
		}
	}
	mark := "  "
	email, realEmail := sanitize(usr.Email), true
	if usr.Placeholder {
		mark = "◌ "
		if email == "" {
			email, realEmail = "placeholder", false
		}
	}
	write(mark, false)
	cell(sanitize(usr.Name), cols.name, cols.email == 0, true)
	cell(email, cols.email, cols.position == 0, realEmail)
	cell(sanitize(usr.Position), cols.position, true, true)
	return b.String()
}

// matchRange finds the case-insensitive query in text, as byte offsets
// into text; ok is false when there is none or it cannot be placed.
func matchRange(text, query string) (int, int, bool) {
	if query == "" {
		return 0, 0, false
	}
	lower := strings.ToLower(text)
	i := strings.Index(lower, query)
	if len(lower) != len(text) {
		// Lower-casing changed the length: find the match rune by rune.
		for a := 0; a < len(text); {
			for z := a; z < len(text); {
				_, n := utf8.DecodeRuneInString(text[z:])
				z += n
				if low := strings.ToLower(text[a:z]); low == query {
					return a, z, true
				} else if !strings.HasPrefix(query, low) {
					break
				}
			}
			_, n := utf8.DecodeRuneInString(text[a:])
			a += n
		}
		return 0, 0, false
	}
	if i < 0 {
		return 0, 0, false
	}
	z := i + len(query)
	if !utf8.RuneStart(text[i]) || (z < len(text) && !utf8.RuneStart(text[z])) {
		return 0, 0, false
	}
	return i, z, true
}

// paneLines is the detail pane of the pinned user.
func (u *usersScreen) paneLines() []string {
	s := u.c.styles
	usr := u.pane
	lines := []string{s.Muted.Render(strings.Repeat("─", max(u.width, 1)))}
	title := s.Title.Render(sanitize(usr.Name)) + s.Muted.Render(fmt.Sprintf("  #%d", usr.ID))
	if usr.Placeholder {
		title += s.Muted.Render(" · placeholder (no email)")
	}
	lines = append(lines, truncate(title, u.width))
	var about []string
	if usr.Email != "" {
		about = append(about, sanitize(usr.Email))
	}
	if usr.Position != "" {
		about = append(about, sanitize(usr.Position))
	}
	if len(about) > 0 {
		lines = append(lines, s.Muted.Render(truncate(strings.Join(about, " · "), u.width)))
	}
	d := u.details[detailKey{u.account, usr.ID}]
	switch {
	case d == nil || d.loading:
		lines = append(lines, u.spinner.View()+" Fetching details, direct reports and seats…")
	case d.err != nil && errors.Is(d.err, bloomyclient.ErrUnauthorized):
		lines = append(lines, s.Error.Render(truncate("✗ The key of "+u.account+" was rejected — press l to log in again.", u.width)))
	case d.err != nil:
		lines = append(lines, s.Error.Render(truncate("✗ "+sanitize(errorSentence(d.err))+" (enter retries)", u.width)))
	default:
		var seats []string
		for _, p := range d.detail.positions {
			seats = append(seats, sanitize(p.Name))
		}
		lines = append(lines, truncate(s.Label.Render("Seats: ")+orNone(strings.Join(seats, ", ")), u.width))
		var reports []string
		for _, r := range d.detail.reports {
			reports = append(reports, sanitize(r.Name))
		}
		text := "Direct reports (" + strconv.Itoa(len(reports)) + "): " + orNone(strings.Join(reports, ", "))
		lines = append(lines, strings.Split(wrap(text, u.width), "\n")...)
	}
	if h := u.paneHeight(); len(lines) > h {
		lines = lines[:h]
		lines[h-1] = truncate(strings.TrimRight(lines[h-1], " ")+" …", u.width)
	}
	return lines
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// plural words a count: "1 user", "1,234 users".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(n) + " " + noun + "s"
}

// thousands writes n with commas: 50000 → "50,000".
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
