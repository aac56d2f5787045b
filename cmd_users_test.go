package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"bloomy/accounts"
	"bloomy/bloomyclient"
	"bloomy/bloomyclient/bloomtest"
)

// usersCmdEnv is a fake server and a config file with two accounts: acme
// (Ada) and globex (Grace, the active one).
type usersCmdEnv struct {
	t    *testing.T
	srv  *bloomtest.Server
	path string
}

func newUsersCmdEnv(t *testing.T) *usersCmdEnv {
	t.Helper()
	srv := bloomtest.NewTest(t, bloomtest.Options{})
	t.Setenv("HOME", t.TempDir())
	t.Setenv(accounts.EnvBaseURL, srv.URL())
	t.Setenv(accounts.EnvAPIKey, "")
	t.Setenv(accounts.EnvAccount, "")
	e := &usersCmdEnv{t: t, srv: srv, path: filepath.Join(t.TempDir(), ".bloomy", "config.yaml")}
	g := &globals{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, configFlag: e.path}
	svc, err := g.service()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []accounts.LoginRequest{
		{Name: "acme", Username: "ada@acme.example", Password: "lovelace"},
		{Name: "globex", Username: "grace@globex.example", Password: "hopper"},
	} {
		if _, err := svc.Login(context.Background(), l); err != nil {
			t.Fatalf("login %s: %v", l.Name, err)
		}
	}
	return e
}

// run executes `bloomy users ARGS…` and returns stdout, stderr and the error.
func (e *usersCmdEnv) run(args ...string) (string, string, error) {
	e.t.Helper()
	var out, errOut bytes.Buffer
	g := &globals{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, configFlag: e.path}
	defer g.close()
	cmd := newUsersCmd(g)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

// truth is the server's user.all() for a login, as the JSON output words it.
func (e *usersCmdEnv) truth(username string, placeholders bool, filter string) []userJSON {
	var out []userJSON
	q := strings.ToLower(filter)
	for _, u := range e.srv.Users(username, placeholders) {
		if q != "" && !strings.Contains(strings.ToLower(u.Name+"\x00"+u.Email+"\x00"+u.Position), q) {
			continue
		}
		out = append(out, userJSON{ID: u.ID, Name: u.Name, Email: u.Email, Position: u.Position, OrganizationID: u.OrganizationID, Placeholder: u.Placeholder})
	}
	return out
}

func equalUserJSON(t *testing.T, got, want []userJSON) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d users, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("user %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestUsersCommandJSONMatchesTheServer(t *testing.T) {
	e := newUsersCmdEnv(t)
	tests := []struct {
		name     string
		args     []string
		username string
		ph       bool
		filter   string
	}{
		{"a named account without placeholders", []string{"acme", "--json"}, "ada@acme.example", false, ""},
		{"the active account with placeholders", []string{"--json", "--placeholders"}, "grace@globex.example", true, ""},
		{"a filter narrows by position, ignoring case", []string{"acme", "--json", "--filter", "ENGINEER"}, "ada@acme.example", false, "engineer"},
		{"a filter narrows by email", []string{"acme", "--json", "--filter", "ada@"}, "ada@acme.example", false, "ada@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := e.run(tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			var got []userJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, stdout)
			}
			want := e.truth(tt.username, tt.ph, tt.filter)
			if len(want) == 0 {
				t.Fatal("the test expects some users")
			}
			equalUserJSON(t, got, want)
		})
	}

	t.Run("the field names are stable", func(t *testing.T) {
		stdout, _, err := e.run("acme", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var raw []map[string]any
		if err := json.Unmarshal([]byte(stdout), &raw); err != nil || len(raw) == 0 {
			t.Fatalf("%v: %s", err, stdout)
		}
		for _, k := range []string{"id", "name", "email", "position", "organization_id", "placeholder"} {
			if _, ok := raw[0][k]; !ok {
				t.Errorf("no %q in %v", k, raw[0])
			}
		}
	})

	t.Run("placeholders only with --placeholders", func(t *testing.T) {
		all := e.truth("grace@globex.example", true, "")
		without := e.truth("grace@globex.example", false, "")
		if len(all) == len(without) {
			t.Fatal("the fake organisation has no placeholders to test with")
		}
		stdout, _, _ := e.run("globex", "--json")
		var got []userJSON
		_ = json.Unmarshal([]byte(stdout), &got)
		for _, u := range got {
			if u.Placeholder {
				t.Errorf("placeholder %d listed without --placeholders", u.ID)
			}
		}
	})

	t.Run("a filter that matches nothing prints an empty array", func(t *testing.T) {
		stdout, _, err := e.run("acme", "--json", "--filter", "no such person")
		if err != nil || strings.TrimSpace(stdout) != "[]" {
			t.Errorf("got %q, %v", stdout, err)
		}
	})
}

func TestUsersCommandCSVMatchesTheServer(t *testing.T) {
	e := newUsersCmdEnv(t)
	stdout, _, err := e.run("globex", "--csv", "--placeholders")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "id,name,email,position,placeholder" {
		t.Fatalf("header %q", got)
	}
	var got []userJSON
	for _, r := range rows[1:] {
		id, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			t.Fatalf("id %q", r[0])
		}
		ph, err := strconv.ParseBool(r[4])
		if err != nil {
			t.Fatalf("placeholder %q", r[4])
		}
		got = append(got, userJSON{ID: id, Name: r[1], Email: r[2], Position: r[3], Placeholder: ph})
	}
	want := e.truth("grace@globex.example", true, "")
	for i := range want {
		want[i].OrganizationID = 0 // not a CSV column
	}
	equalUserJSON(t, got, want)
}

func TestUsersCommandTable(t *testing.T) {
	e := newUsersCmdEnv(t)
	stdout, stderr, err := e.run("acme", "--filter", "ada")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if fields := strings.Fields(lines[0]); strings.Join(fields, " ") != "ID NAME EMAIL POSITION" {
		t.Errorf("header %q", lines[0])
	}
	want := e.truth("ada@acme.example", false, "ada")
	if len(lines)-1 != len(want) {
		t.Errorf("%d rows, want %d:\n%s", len(lines)-1, len(want), stdout)
	}
	if !strings.Contains(stdout, "Ada Lovelace") || !strings.Contains(stdout, "ada@acme.example") {
		t.Errorf("Ada is missing:\n%s", stdout)
	}
	total := len(e.truth("ada@acme.example", false, ""))
	if wantCount := strconv.Itoa(len(want)) + " of " + strconv.Itoa(total) + " users of acme match"; !strings.Contains(stderr, wantCount) {
		t.Errorf("stderr %q, want %q", stderr, wantCount)
	}
}

func TestUsersCommandErrors(t *testing.T) {
	e := newUsersCmdEnv(t)

	t.Run("--json with --csv is a usage error", func(t *testing.T) {
		_, _, err := e.run("--json", "--csv")
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("got %v, want a usage error", err)
		}
	})
	t.Run("two names are a usage error", func(t *testing.T) {
		_, _, err := e.run("acme", "globex")
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("got %v, want a usage error", err)
		}
	})
	t.Run("an unknown account is named", func(t *testing.T) {
		_, _, err := e.run("nope")
		var nf *accounts.NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("got %v, want not found", err)
		}
	})
	t.Run("a rejected key says how to log in again", func(t *testing.T) {
		e.srv.SetFault(bloomtest.RouteSearchAll, bloomtest.Fault{Status: 401})
		defer e.srv.ClearFaults()
		stdout, _, err := e.run("acme", "--json")
		if err == nil {
			t.Fatal("no error")
		}
		if want := "key rejected — expired or revoked; log in again with: bloomy login --name acme"; err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
		if !errors.Is(err, bloomyclient.ErrUnauthorized) {
			t.Error("the error should still be ErrUnauthorized")
		}
		if stdout != "" {
			t.Errorf("printed %q on failure", stdout)
		}
	})
}

func TestUsersCommandThroughRunExitsWithCodes(t *testing.T) {
	e := newUsersCmdEnv(t)
	var out, errOut bytes.Buffer
	// Through run, as main does: the command must be registered for this.
	root := newRootCmd(&globals{stdout: &out, stderr: &errOut})
	registered := false
	for _, c := range root.Commands() {
		registered = registered || c.Name() == "users"
	}
	if !registered {
		t.Skip("users is not registered in commands.go yet")
	}
	if code := run([]string{"--config", e.path, "users", "--json", "--csv"}, strings.NewReader(""), &out, &errOut); code != exitUsage {
		t.Errorf("--json --csv exited %d, want %d", code, exitUsage)
	}
	e.srv.SetFault(bloomtest.RouteSearchAll, bloomtest.Fault{Status: 401})
	errOut.Reset()
	if code := run([]string{"--config", e.path, "users", "acme"}, strings.NewReader(""), &out, &errOut); code != exitFail {
		t.Errorf("a 401 exited %d, want %d", code, exitFail)
	}
	if !strings.Contains(errOut.String(), "bloomy login --name acme") {
		t.Errorf("stderr %q", errOut.String())
	}
}
