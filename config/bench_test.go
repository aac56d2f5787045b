package config

import (
	"fmt"
	"os"
	"testing"
)

// thousandAccounts is a config file with 1,000 accounts, every field set.
func thousandAccounts(b *testing.B) []byte {
	b.Helper()
	c := &Config{Active: "acct-0000", APIKey: "KEY-0000-abcdefghijklmnopqrstuvwxyz0123456789"}
	for i := 0; i < 1000; i++ {
		c.Accounts = append(c.Accounts, Account{
			Name: fmt.Sprintf("acct-%04d", i), Username: fmt.Sprintf("user%d@example.com", i),
			APIKey:  fmt.Sprintf("KEY-%04d-abcdefghijklmnopqrstuvwxyz0123456789", i),
			BaseURL: "https://staging.example", IssuedAt: date(20), ExpiresAt: date(30),
			UserID: int64(1000 + i), UserName: fmt.Sprintf("User Number %d", i),
		})
	}
	out, err := c.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func BenchmarkLoadSave1000(b *testing.B) {
	data := thousandAccounts(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		c, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		c.Previous = "acct-0001"
		if _, err := c.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdate1000(b *testing.B) {
	s := newStore(b)
	if err := os.WriteFile(s.Path, thousandAccounts(b), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := s.Update(func(c *Config) error { c.Accounts[0].UserID = int64(i); return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
