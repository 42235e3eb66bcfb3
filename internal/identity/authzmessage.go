package identity

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"

	"github.com/moatdev/moat/internal/store"
)

// metaMessageKey is the TableMeta key of the AES-256 key that seals
// encoded authorization failure messages.
const metaMessageKey = "authz-message-key"

// ErrUndecodable is returned for an encoded authorization message that this
// moat did not seal, or that was changed.
var ErrUndecodable = errors.New("identity: authorization message cannot be decoded")

// SealAuthorizationMessage encrypts the decoded form of an authorization
// failure (the JSON STS's DecodeAuthorizationMessage returns) into the opaque
// text EC2-style services put after "Encoded authorization failure message:".
// AWS's encoding is private; moat's is AES-256-GCM under a key kept in the
// store, base64url without padding, so only this moat can read it back.
func SealAuthorizationMessage(ctx context.Context, st store.Store, decoded []byte) (string, error) {
	aead, err := messageAEAD(ctx, st)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, decoded, nil)), nil
}

// OpenAuthorizationMessage reverses SealAuthorizationMessage.
func OpenAuthorizationMessage(ctx context.Context, st store.Store, encoded string) ([]byte, error) {
	aead, err := messageAEAD(ctx, st)
	if err != nil {
		return nil, err
	}
	b, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil || len(b) < aead.NonceSize() {
		return nil, ErrUndecodable
	}
	out, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil)
	if err != nil {
		return nil, ErrUndecodable
	}
	return out, nil
}

func messageAEAD(ctx context.Context, st store.Store) (cipher.AEAD, error) {
	var key []byte
	err := st.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableMeta, metaMessageKey)
		if err == nil {
			key = b
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		return tx.Put(TableMeta, metaMessageKey, key)
	})
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
