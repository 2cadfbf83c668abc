package seal

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalSeal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "kek")
	s := &Sealer{Keeper: LocalFile{Path: path}}
	v, err := s.Seal(ctx, "123456789", "ws=1;profile=2;field=tax_id")
	if err != nil {
		t.Fatal(err)
	}
	if v.Last4 != "6789" || v.KeyID != LocalKeyID || strings.Contains(string(v.Ciphertext), "123456789") || len(v.WrappedKey) == 0 {
		t.Fatalf("sealed: %+v", v)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	got, err := s.Open(ctx, v, "ws=1;profile=2;field=tax_id")
	if err != nil || got != "123456789" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := s.Open(ctx, v, "ws=1;profile=3;field=tax_id"); !errors.Is(err, ErrOpen) {
		t.Fatalf("other aad: %v", err)
	}
	v.Ciphertext[len(v.Ciphertext)-1] ^= 1
	if _, err := s.Open(ctx, v, "ws=1;profile=2;field=tax_id"); !errors.Is(err, ErrOpen) {
		t.Fatalf("tampered: %v", err)
	}
	// Two seals of one value differ (a data key and nonce each).
	a, _ := s.Seal(ctx, "x", "aad")
	b, _ := s.Seal(ctx, "x", "aad")
	if string(a.Ciphertext) == string(b.Ciphertext) || string(a.WrappedKey) == string(b.WrappedKey) {
		t.Fatal("deterministic seal")
	}
	// Another process's key file does not open it.
	other := &Sealer{Keeper: LocalFile{Path: filepath.Join(t.TempDir(), "kek")}}
	if _, err := other.Open(ctx, a, "aad"); !errors.Is(err, ErrOpen) {
		t.Fatalf("other key: %v", err)
	}
}
