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
