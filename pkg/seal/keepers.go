package seal

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMS keeps data keys with AWS KMS: GenerateDataKey (AES_256) under KeyID
// and Decrypt, with the aad as the encryption context, so CloudTrail
// records which object each unwrap was for.
type KMS struct {
	Client *kms.Client
	KeyID  string
}

func kmsContext(aad string) map[string]string { return map[string]string{"tranche": aad} }

// GenerateDataKey implements Keeper.
func (k KMS) GenerateDataKey(ctx context.Context, aad string) ([]byte, []byte, string, error) {
	out, err := k.Client.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
		KeyId: aws.String(k.KeyID), KeySpec: types.DataKeySpecAes256, EncryptionContext: kmsContext(aad),
	})
	if err != nil {
		return nil, nil, "", err
	}
	return out.Plaintext, out.CiphertextBlob, aws.ToString(out.KeyId), nil
}

// Decrypt implements Keeper.
func (k KMS) Decrypt(ctx context.Context, wrapped []byte, keyID, aad string) ([]byte, error) {
	out, err := k.Client.Decrypt(ctx, &kms.DecryptInput{
		CiphertextBlob: wrapped, KeyId: aws.String(keyID), EncryptionContext: kmsContext(aad),
	})
	if err != nil {
		return nil, err
	}
	return out.Plaintext, nil
}

// LocalKeyID names data keys wrapped by a LocalFile.
const LocalKeyID = "local"

// LocalFile keeps data keys locally: wrapped with AES-256-GCM under a
// 32-byte key read from Path, which is created (0600, its directory 0700)
// on first use. For development and tests only; the deployed stack uses
// KMS.
type LocalFile struct {
	Path string
}

func (l LocalFile) kek() ([]byte, error) {
	b, err := os.ReadFile(l.Path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(l.Path), 0o700); err != nil {
			return nil, err
		}
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(l.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return os.ReadFile(l.Path) // another process created it first
		}
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(key); err != nil {
			f.Close()
			return nil, err
		}
		return key, f.Close()
	}
	if err != nil {
		return nil, err
	}
	if len(b) != 32 {
		return nil, fmt.Errorf("seal: %s holds %d bytes, not a 32-byte key", l.Path, len(b))
	}
	return b, nil
}

// GenerateDataKey implements Keeper.
func (l LocalFile) GenerateDataKey(_ context.Context, aad string) ([]byte, []byte, string, error) {
	kek, err := l.kek()
	if err != nil {
		return nil, nil, "", err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, "", err
	}
	wrapped, err := gcmSeal(kek, key, []byte(aad))
	if err != nil {
		return nil, nil, "", err
	}
	return key, wrapped, LocalKeyID, nil
}

// Decrypt implements Keeper.
func (l LocalFile) Decrypt(_ context.Context, wrapped []byte, keyID, aad string) ([]byte, error) {
	if keyID != LocalKeyID {
		return nil, fmt.Errorf("seal: key %q is not the local key", keyID)
	}
	kek, err := l.kek()
	if err != nil {
		return nil, err
	}
	return gcmOpen(kek, wrapped, []byte(aad))
}
