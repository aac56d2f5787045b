package bloomyclient

import (
	"context"
	"fmt"
	"testing"

	"bloomy/bloomyclient/bloomtest"
)

// BenchmarkAllUsers fetches, decodes and filters user.all() for a large
// organisation served by the fake server on loopback. Target at 50,000
// users: ≤ 120 ms/op and ≤ 20 MB/op allocated.
func BenchmarkAllUsers(b *testing.B) {
	for _, n := range []int{10_000, 50_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			srv := bloomtest.NewTest(b, bloomtest.Options{NoDemoLogins: true})
			srv.AddLogin(bloomtest.Login{Username: "big@org.example", Password: "pw", Organization: "Big Org"}, n)
			c := newTestClient(b, srv, WithAPIKey(mustKey(b, srv, "big@org.example")))
			// Warm the server's cached reply so the loop measures the client.
			if _, err := c.AllUsers(context.Background(), false); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				users, err := c.AllUsers(context.Background(), false)
				if err != nil || len(users) < n*9/10 {
					b.Fatalf("%d users, %v", len(users), err)
				}
			}
		})
	}
}
