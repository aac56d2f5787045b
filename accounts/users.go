package accounts

import (
	"context"

	"bloomy/bloomyclient"
)

// Users lists one account's people: the SDKs' user.all().
func (s *Service) Users(ctx context.Context, name string, placeholders bool) ([]bloomyclient.DirectoryUser, error) {
	client, err := s.Client(name)
	if err != nil {
		return nil, err
	}
	return client.AllUsers(ctx, placeholders)
}

// UsersWithKey lists the people a key that may belong to no account sees
// (--api-key, BG_API_KEY).
func (s *Service) UsersWithKey(ctx context.Context, host, key string, placeholders bool) ([]bloomyclient.DirectoryUser, error) {
	client, err := s.newClient(host, key)
	if err != nil {
		return nil, err
	}
	return client.AllUsers(ctx, placeholders)
}
