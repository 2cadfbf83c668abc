// Package seal encrypts the secrets profiles hold (SSNs, EINs, bank
// account numbers) with envelope encryption: every value gets its own
// AES-256 data key; the value is sealed with AES-256-GCM under it, and the
// data key is stored only wrapped by a key encryption key that never
// leaves its keeper: AWS KMS on AWS (GenerateDataKey/Decrypt under the
// key id of the configuration), a key file under .local/ in development
// (created on first use, mode 0600). The additional authenticated data
// names where the value belongs (workspace, object, field), so a sealed
// value copied into another item does not open.
//
// Requests never need the plaintext back: the API shows only the last
// four, kept beside the ciphertext. Open exists for the processes that
// must (payments, tax filings) and for the tests.
package seal

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/tranche-dev/tranche/pkg/store"
)

// Keeper makes and unwraps data keys. The aad binds a data key to its use.
type Keeper interface {
	// GenerateDataKey returns a fresh 32-byte key, the same key wrapped,
	// and the id of the key that wrapped it.
	GenerateDataKey(ctx context.Context, aad string) (plain, wrapped []byte, keyID string, err error)
	// Decrypt unwraps a data key made by GenerateDataKey with the same aad.
	Decrypt(ctx context.Context, wrapped []byte, keyID, aad string) ([]byte, error)
}

// Sealer seals and opens values.
type Sealer struct{ Keeper Keeper }

// ErrOpen is returned when a sealed value does not open: wrong aad, wrong
// key, or tampered bytes.
var ErrOpen = errors.New("seal: cannot open")

// Seal encrypts plaintext for the place aad names; last4 is what the API
// may show.
func (s *Sealer) Seal(ctx context.Context, plaintext, aad string) (store.Sealed, error) {
	key, wrapped, keyID, err := s.Keeper.GenerateDataKey(ctx, aad)
	if err != nil {
		return store.Sealed{}, fmt.Errorf("seal: data key: %w", err)
	}
	defer clear(key)
	ct, err := gcmSeal(key, []byte(plaintext), []byte(aad))
	if err != nil {
		return store.Sealed{}, err
	}
	return store.Sealed{Last4: Last4(plaintext), Ciphertext: ct, WrappedKey: wrapped, KeyID: keyID}, nil
}

// Open decrypts a sealed value. Returns ErrOpen (wrapped) when it does
// not open.
func (s *Sealer) Open(ctx context.Context, v store.Sealed, aad string) (string, error) {
	key, err := s.Keeper.Decrypt(ctx, v.WrappedKey, v.KeyID, aad)
	if err != nil {
		return "", fmt.Errorf("%w: data key: %v", ErrOpen, err)
	}
	defer clear(key)
	pt, err := gcmOpen(key, v.Ciphertext, []byte(aad))
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// Last4 is the last four characters of a secret (all of it if shorter).
func Last4(s string) string {
	if len(s) <= 4 {
		return s
	}
	return s[len(s)-4:]
}

func gcmSeal(key, plaintext, aad []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return g.Seal(nonce, nonce, plaintext, aad), nil
}

func gcmOpen(key, sealed, aad []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOpen, err)
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOpen, err)
	}
	if len(sealed) < g.NonceSize() {
		return nil, ErrOpen
	}
	pt, err := g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
