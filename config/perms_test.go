package config

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestCheckPermissionsIsSkippedOnWindows(t *testing.T) {
	if runtime.GOOS != "windows" {
		t.Skip("checks the Windows behaviour")
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, bloomyFile)
	p, err := CheckPermissions(path)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Skipped || p.SkipReason != "permission bits are not used on Windows" {
		t.Errorf("CheckPermissions = %+v, want Skipped with the reason", *p)
	}
	if err := FixPermissions(path); err != nil {
		t.Errorf("FixPermissions = %v, want nil on Windows", err)
	}
}
