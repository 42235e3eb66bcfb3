package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/store"
)

// CredentialsFile is the name, inside the data directory, of the AWS
// shared-credentials file with the root user's access key.
const CredentialsFile = "credentials"

// RootProfile is the profile name of the root user's key in that file.
const RootProfile = "moat-root"

// bootstrap makes sure the data directory has a management account with a
// root access key. On first start it creates them, writes the key to the
// credentials file (mode 0600) and prints how to use it; later starts print
// no secret.
func (s *Server) bootstrap(ctx context.Context) error {
	var created *identity.AccessKey
	err := s.db.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(identity.TableMeta, identity.MetaManagement)
		if err == nil {
			s.management = string(b)
			if s.cfg.AccountID != "" && s.cfg.AccountID != s.management {
				return fmt.Errorf("data directory %s belongs to account %s; --account-id %s differs (use another --data to start a new account)", s.cfg.DataDir, s.management, s.cfg.AccountID)
			}
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		id := s.cfg.AccountID
		if id == "" {
			id = identity.NewAccountID()
		}
		now := s.clock().UTC().Truncate(1e9)
		acct := identity.Account{ID: id, Name: "management", Email: "root@" + id + ".moat.invalid", Management: true, Created: now}
		key := identity.AccessKey{AccessKeyID: identity.NewID("AKIA", 16), SecretAccessKey: identity.NewSecret(), Account: id, Status: "Active", Created: now}
		for _, w := range []struct {
			table, key string
			value      []byte
		}{
			{identity.TableAccounts, id, identity.Encode(&acct)},
			{identity.TableAccessKeys, key.AccessKeyID, identity.Encode(&key)},
			{identity.TableUserKeys, identity.KeyIndexPrefix(id, "") + key.AccessKeyID, nil},
			{identity.TableMeta, identity.MetaManagement, []byte(id)},
		} {
			if err := tx.Insert(w.table, w.key, w.value); err != nil {
				return err
			}
		}
		s.management, created = id, &key
		return nil
	})
	if err != nil {
		return err
	}
	path := filepath.Join(s.cfg.DataDir, CredentialsFile)
	if created == nil {
		s.log.Info("data directory opened", "account", s.management, "credentials", path)
		return nil
	}
	if err := writeCredentials(path, created); err != nil {
		return err
	}
	s.log.Info("management account created", "account", s.management, "credentials", path)
	fmt.Fprintf(s.cfg.Stdout, `moat: created management account %s.
The root user's access key is in %s (profile %q, mode 0600). Try:

  AWS_SHARED_CREDENTIALS_FILE=%s aws --endpoint-url %s --profile %s --region us-east-1 sts get-caller-identity

`, s.management, path, RootProfile, path, s.endpointURL(), RootProfile)
	return nil
}

func (s *Server) endpointURL() string {
	scheme := "http"
	if s.cfg.TLS {
		scheme = "https"
	}
	return scheme + "://" + s.cfg.Addr
}

// writeCredentials writes the key in the AWS shared-credentials format,
// readable by its owner only.
func writeCredentials(path string, k *identity.AccessKey) error {
	content := fmt.Sprintf("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", RootProfile, k.AccessKeyID, k.SecretAccessKey)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil { // an existing file keeps its mode on open
		f.Close()
		return fmt.Errorf("credentials file: %w", err)
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return fmt.Errorf("credentials file: %w", err)
	}
	return f.Close()
}
