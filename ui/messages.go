package ui

import (
	"bloomy/accounts"
)

// stateLoadedMsg carries the config file as read after start or a change;
// seq is the read's place in line.
type stateLoadedMsg struct {
	state *accounts.State
	seq   int
}

// actionDoneMsg reports a finished change to the file (use, rename, remove,
// import, restore, fix) in words, or its error.
type actionDoneMsg struct {
	text string
	err  error
}

// checkFinishedMsg is one account's live check; gen ties it to the check
// request it answers, so a late answer for a replaced check is dropped.
type checkFinishedMsg struct {
	account string
	gen     int
	result  accounts.CheckResult
}

// loginFinishedMsg is the end of a login from the form; id ties it to the
// submission it answers.
type loginFinishedMsg struct {
	id     int
	result *accounts.LoginResult
	err    error
}

// reportBuiltMsg is the static diagnostics report; gen ties it to a run.
type reportBuiltMsg struct {
	gen    int
	report *accounts.Report
}

// liveFindingsMsg is the network part of the diagnostics; gen ties it to a run.
type liveFindingsMsg struct {
	gen      int
	findings []accounts.Finding
}

// usersFetchedMsg is one account's users, already indexed for filtering and
// sorting in the command (off the event loop); gen ties it to the request.
type usersFetchedMsg struct {
	account string
	gen     int
	list    *userList // nil with err
	err     error
}

// userDetailMsg is the detail pane's data for one user of one account.
type userDetailMsg struct {
	account string
	id      int64
	detail  *userDetail
	err     error
}

// clearStatusMsg hides the status line if it still shows message seq.
type clearStatusMsg struct{ seq int }

// openLoginMsg asks the root to open the login form (add or re-login).
type openLoginMsg struct{ relogin string }

// openScreenMsg asks the root to switch screens.
type openScreenMsg struct {
	to      screenID
	account string
}

// selectAccountMsg asks the home screen to put its cursor on an account
// (a new login) once the list holds it.
type selectAccountMsg struct{ name string }

// closeLoginMsg asks the root to leave the login form for the screen that
// opened it.
type closeLoginMsg struct{}

// reloadMsg asks the root to read the config file again.
type reloadMsg struct{}
