package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bloomy/accounts"
)

// diagnosticsFixture writes content as ./config.yaml in a fresh working
// directory (so the report shows a short, fixed path) with the given mode,
// and returns a service over it.
func diagnosticsFixture(t *testing.T, content string, mode os.FileMode, envKey string) *accounts.Service {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("config.yaml", []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod("config.yaml", mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes("config.yaml", fixedNow, fixedNow); err != nil {
		t.Fatal(err)
	}
	return offlineService(t, "config.yaml", envKey)
}

// openDiagnosticsWith shows the diagnostics screen with the static report and
// the given live findings, without the network.
func openDiagnosticsWith(d *driver, svc *accounts.Service, live []accounts.Finding) {
	d.m.current = screenDiagnostics
	d.m.diag.liveGen++
	d.m.diag.running = true
	d.send(reportBuiltMsg{gen: d.m.diag.liveGen, report: svc.Diagnose()})
	d.send(liveFindingsMsg{gen: d.m.diag.liveGen, findings: live})
}

var healthyLive = []accounts.Finding{
	{ID: accounts.CheckIDHost, Status: accounts.StatusOK, Title: "Host reachable", Summary: "http://127.0.0.1:9 answered in 12ms", Live: true},
	{ID: accounts.CheckIDKeyAccepted, Status: accounts.StatusOK, Title: "Key accepted", Summary: "users/mine says Ada Lovelace (#10005)", Live: true},
}

func TestDiagnosticsGoldens(t *testing.T) {
	expiredInEnv := "KEY-OLD-000000000000000003" // old-acme's expired key, shadowing acme
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		envKey  string
		live    []accounts.Finding
		want    []string
	}{
		{name: "diagnostics_healthy", content: threeAccounts, mode: 0o600, live: healthyLive,
			want: []string{"✓ File permissions", "✓ Key accepted", "0 problems"}},
		{name: "diagnostics_problems", content: threeAccounts, mode: 0o644, envKey: expiredInEnv, live: []accounts.Finding{
			healthyLive[0],
			{ID: accounts.CheckIDKeyAccepted, Status: accounts.StatusFail, Title: "Key accepted", Summary: "key rejected — expired or revoked; log in again", Live: true,
				Fix: &accounts.Fix{Kind: accounts.FixRelogin, Label: "log in to old-acme again", Account: "old-acme"}},
		}, want: []string{"✗ File permissions", "! BG_API_KEY", "shadows acme", "✗ Expiry", "✗ Key accepted"}},
		{name: "diagnostics_unparsable", content: "version: 1\naccounts:\n  work: [\n", mode: 0o600, live: []accounts.Finding{
			{ID: accounts.CheckIDHost, Status: accounts.StatusOK, Title: "Host reachable", Summary: "http://127.0.0.1:9 answered in 12ms", Live: true},
			{ID: accounts.CheckIDKeyAccepted, Status: accounts.StatusInfo, Title: "Key accepted", Summary: "no key to check", Live: true},
		}, want: []string{"✗ File parses", "line 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := diagnosticsFixture(t, tt.content, tt.mode, tt.envKey)
			d := newDriver(t, svc)
			openDiagnosticsWith(d, svc, tt.live)
			view := d.view()
			for _, w := range tt.want {
				if !strings.Contains(view, w) {
					t.Errorf("the screen lacks %q", w)
				}
			}
			assertGolden(t, tt.name, view, 80)
		})
	}
}

func TestDiagnosticsPermissionFixChangesTheFileOnDisk(t *testing.T) {
	svc := diagnosticsFixture(t, threeAccounts, 0o644, "")
	d := newDriver(t, svc)
	openDiagnosticsWith(d, svc, healthyLive)
	// Move to the file-permissions line.
	for i := 0; d.m.diag.findings()[d.m.diag.cursor].ID != accounts.CheckIDFilePerms; i++ {
		if i > 20 {
			t.Fatal("no file-permissions line")
		}
		d.press("down")
	}
	// f repairs; the screen re-runs its checks (the live part is abandoned
	// by the driver's offline host, which refuses at once).
	d.press("f")
	info, err := os.Stat(filepath.Join(".", "config.yaml"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("mode on disk = %v (%v), want 0600", info.Mode().Perm(), err)
	}
	if !strings.Contains(d.m.status, "Fixed") {
		t.Errorf("status = %q", d.m.status)
	}
	if !strings.Contains(d.view(), "✓ File permissions") {
		t.Errorf("the line did not turn ✓:\n%s", d.view())
	}
}

func TestDiagnosticsFixesThatNeedInput(t *testing.T) {
	svc := diagnosticsFixture(t, threeAccounts, 0o600, "")
	d := newDriver(t, svc)
	openDiagnosticsWith(d, svc, []accounts.Finding{healthyLive[0],
		{ID: accounts.CheckIDKeyAccepted, Status: accounts.StatusFail, Title: "Key accepted", Summary: "rejected", Live: true,
			Fix: &accounts.Fix{Kind: accounts.FixRelogin, Label: "log in to acme again", Account: "acme"}}})
	d.press("G", "f")
	if d.m.current != screenLogin || d.m.login.relogin != "acme" {
		t.Fatalf("the re-login fix opened screen %v for %q", d.m.current, d.m.login.relogin)
	}
}

func TestDiagnosticsCopyAndSaveMaskKeys(t *testing.T) {
	svc := diagnosticsFixture(t, threeAccounts, 0o600, "KEY-GLOBEX-000000000000002")
	d := newDriver(t, svc)
	openDiagnosticsWith(d, svc, healthyLive)
	text := d.m.diag.fullReport().Text()
	for _, key := range []string{"KEY-ACME-0000000000000001", "KEY-GLOBEX-000000000000002"} {
		if strings.Contains(text, key) {
			t.Errorf("the report shows %s", key)
		}
	}
	d.press("s")
	matches, _ := filepath.Glob("bloomy-report-*.txt")
	if len(matches) != 1 {
		t.Fatalf("saved reports: %v; status %q", matches, d.m.status)
	}
	saved, _ := os.ReadFile(matches[0])
	info, _ := os.Stat(matches[0])
	if string(saved) != text || info.Mode().Perm() != 0o600 {
		t.Errorf("saved report differs or has mode %o", info.Mode().Perm())
	}
	_, cmd := d.m.Update(keyMsg("y"))
	if msgs := collect(cmd); len(msgs) < 2 {
		t.Errorf("copy gave %d messages, want the clipboard and a status", len(msgs))
	}
}

func TestDiagnosticsRestoreImportAndRerun(t *testing.T) {
	svc, srv, path := liveService(t)
	loginDirect(t, svc, "work", "ada@acme.example", "lovelace")
	sdkKey, _ := srv.IssueKey("grace@globex.example")
	if err := os.WriteFile(path, []byte("version: 1\napi_key: "+sdkKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, svc)
	d.press("d")
	selectFinding := func(id string) {
		t.Helper()
		for i, f := range d.m.diag.findings() {
			if f.ID == id {
				d.m.diag.cursor = i
				return
			}
		}
		t.Fatalf("no %s line in:\n%s", id, d.view())
	}

	selectFinding(accounts.CheckIDLost)
	d.press("f")
	if st := svc.State(); len(st.Accounts) != 1 || st.UnnamedKey != sdkKey {
		t.Fatalf("after the restore fix: %d accounts, unnamed key kept %v; status %q", len(st.Accounts), st.UnnamedKey == sdkKey, d.m.status)
	}

	selectFinding(accounts.CheckIDUnnamed)
	d.press("f")
	if d.m.dialog == nil || d.m.dialog.input == nil {
		t.Fatal("the import fix did not ask for a name")
	}
	d.m.dialog.input.SetValue("")
	d.typeText("globex")
	d.press("enter")
	if st := svc.State(); st.Find("globex") == nil || st.Active != "globex" {
		t.Fatalf("the import fix did not import; status %q", d.m.status)
	}

	// ctrl+r runs every check again: a revoked key turns the live line ✗.
	srv.RevokeKey(sdkKey)
	d.press("ctrl+r")
	for _, f := range d.m.diag.findings() {
		if f.ID == accounts.CheckIDKeyAccepted && f.Status != accounts.StatusFail {
			t.Errorf("after re-running, key accepted = %s", f.Status)
		}
	}
}
