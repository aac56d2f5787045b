package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testdata is the golden files' directory, fixed before any test changes
// its working directory.
var testdata = func() string {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		panic(err)
	}
	return dir
}()

// assertGolden compares a rendered screen, ANSI stripped, with
// testdata/NAME.golden, and checks that no line is wider than width.
func assertGolden(t *testing.T, name string, rendered string, width int) {
	t.Helper()
	plain := ansi.Strip(rendered)
	for i, line := range strings.Split(plain, "\n") {
		if w := ansi.StringWidth(line); w > width {
			t.Errorf("%s: line %d is %d cells wide, more than %d: %q", name, i+1, w, width, line)
		}
	}
	path := filepath.Join(testdata, name+".golden")
	if *update {
		if err := os.MkdirAll(testdata, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(plain), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if string(want) != plain {
		t.Errorf("%s differs from %s (run go test ./ui -update after checking):\n--- got\n%s\n--- want\n%s", name, path, plain, want)
	}
}
