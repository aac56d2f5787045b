package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"bloomy/accounts"
	"bloomy/bloomyclient"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

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
		if err != nil {
			return usersFetchedMsg{account: name, gen: gen, err: err}
		}
		return usersFetchedMsg{account: name, gen: gen, list: newUserList(users, svc.Now())}
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
		u.scroll(3 * wheel(msg))
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
		e.err, e.list = nil, msg.list
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
