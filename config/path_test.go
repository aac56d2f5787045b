package config

import (
	"path/filepath"
	"testing"
)

func TestResolvePath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // os.UserHomeDir on Windows
	tests := []struct {
		name       string
		flag       string
		env        string
		wantPath   string
		wantSource PathSource
	}{
		{"with neither flag nor variable it is ~/.bloomy/config.yaml", "", "", filepath.Join(home, ".bloomy", "config.yaml"), PathDefault},
		{"the variable overrides the default", "", "/etc/bloomy.yaml", "/etc/bloomy.yaml", PathFromEnv},
		{"the flag overrides the variable", "/x/flag.yaml", "/etc/bloomy.yaml", "/x/flag.yaml", PathFromFlag},
		{"a leading ~/ in the flag is the home directory", "~/alt.yaml", "", filepath.Join(home, "alt.yaml"), PathFromFlag},
		{"a leading ~/ in the variable is the home directory", "", "~/env.yaml", filepath.Join(home, "env.yaml"), PathFromEnv},
		{"a ~ inside a path is left alone", "/x/~/a.yaml", "", "/x/~/a.yaml", PathFromFlag},
		{"a relative path is used as given", "rel.yaml", "", "rel.yaml", PathFromFlag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvPath, tt.env)
			got, src, err := ResolvePath(tt.flag)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.wantPath || src != tt.wantSource {
				t.Errorf("ResolvePath(%q) = %q, %q; want %q, %q", tt.flag, got, src, tt.wantPath, tt.wantSource)
			}
		})
	}
}
