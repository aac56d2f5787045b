package main

import (
	"encoding/json"
	"fmt"
	"os/signal"
	"syscall"

	"bloomy/bloomyclient/bloomtest"

	"github.com/spf13/cobra"
)

// newDemoServerCmd runs the fake Bloom Growth server in the foreground, so
// the SDKs, curl or a second bloomy can be pointed at it.
func newDemoServerCmd(g *globals) *cobra.Command {
	var (
		addr   string
		users  int
		seed   int64
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "demo-server",
		Short: "Run the built-in fake Bloom Growth server on this machine",
		Long: `Run the fake Bloom Growth server that bloomy's tests and demo mode use, on a
loopback address, until Ctrl-C. It prints its URL and the demo logins.

Point bloomy at it with BLOOMY_BASE_URL=<url>, curl at <url>/Token and
<url>/api/v1/..., or the Python SDK with Client(api_key=…, base_url=<url>+"/api/v1").`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if users < 0 || users > 1_000_000 {
				return usagef("--users must be between 0 and 1000000")
			}
			srv, err := bloomtest.New(bloomtest.Options{Addr: addr, Users: users, Seed: seed})
			if err != nil {
				return fmt.Errorf("start the demo server: %w", err)
			}
			defer srv.Close()
			if asJSON {
				writeDemoServerJSON(g, srv)
			} else {
				writeDemoServerText(g, srv)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			<-ctx.Done()
			if !asJSON {
				fmt.Fprintln(g.stderr, "\nstopping the demo server")
			}
			return srv.Close()
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", bloomtest.DefaultAddr, "loopback address to listen on (port 0 picks a free one)")
	f.IntVar(&users, "users", bloomtest.DefaultUsers, "generated people in each demo organisation")
	f.Int64Var(&seed, "seed", bloomtest.DefaultSeed, "seed for the generated organisations")
	f.BoolVar(&asJSON, "json", false, "print the URL and logins as one JSON object on the first line")
	return cmd
}

// demoServerInfo is the --json line: stable for scripts.
type demoServerInfo struct {
	URL    string          `json:"url"`
	Logins []demoLoginJSON `json:"logins"`
}

type demoLoginJSON struct {
	Username     string `json:"username"`
	Password     string `json:"password"`
	Organization string `json:"organization"`
}

func writeDemoServerJSON(g *globals, srv *bloomtest.Server) {
	info := demoServerInfo{URL: srv.URL(), Logins: []demoLoginJSON{}}
	for _, l := range srv.Logins() {
		info.Logins = append(info.Logins, demoLoginJSON{Username: l.Username, Password: l.Password, Organization: l.Organization})
	}
	line, _ := json.Marshal(info)
	fmt.Fprintf(g.stdout, "%s\n", line)
}

func writeDemoServerText(g *globals, srv *bloomtest.Server) {
	w := g.stdout
	fmt.Fprintf(w, "Fake Bloom Growth server listening on %s\n\n", srv.URL())
	fmt.Fprintln(w, "Demo logins (these work only against this server):")
	for _, l := range srv.Logins() {
		fmt.Fprintf(w, "  %-24s password %-10s  %s\n", l.Username, l.Password, l.Organization)
	}
	fmt.Fprintf(w, `
Try it:
  BLOOMY_BASE_URL=%[1]s bloomy login
  curl -d 'grant_type=password&userName=%[2]s&password=%[3]s' %[1]s/Token
  Python: Client(api_key=KEY, base_url="%[1]s/api/v1")

Press Ctrl-C to stop.
`, srv.URL(), firstLogin(srv).Username, firstLogin(srv).Password)
}

func firstLogin(srv *bloomtest.Server) bloomtest.Login {
	if logins := srv.Logins(); len(logins) > 0 {
		return logins[0]
	}
	return bloomtest.Login{Username: "USER", Password: "PASSWORD"}
}
