package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/blob"
	"github.com/tranche-dev/tranche/pkg/blob/blobtest"
)

func TestPutGetPresign(t *testing.T) {
	s := blobtest.New(t)
	ctx := context.Background()
	for _, size := range []int{0, 1000, blob.PartSize, 2*blob.PartSize + 12345} {
		data := make([]byte, size)
		rnd := rand.NewChaCha8([32]byte{byte(size)})
		_, _ = rnd.Read(data)
		key := "t/" + time.Now().Format("150405.000000")
		// io.MultiReader hides the length: Put must stream what it cannot size.
		if err := s.Put(ctx, key, "application/octet-stream", io.MultiReader(bytes.NewReader(data))); err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		rc, err := s.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if sha256.Sum256(got) != sha256.Sum256(data) {
			t.Fatalf("size %d: read back %d bytes, different", size, len(got))
		}
		url, err := s.PresignGet(ctx, key, time.Minute, "export.csv")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(url, "X-Amz-Signature=") || !strings.Contains(url, "X-Amz-Expires=60") {
			t.Fatalf("not a presigned URL: %s", url)
		}
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(body, data) {
			t.Fatalf("size %d: presigned GET %d, %d bytes", size, resp.StatusCode, len(body))
		}
	}
}

func TestNotFoundAndBounds(t *testing.T) {
	s := blobtest.New(t)
	ctx := context.Background()
	if _, err := s.Get(ctx, "missing"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	for _, ttl := range []time.Duration{0, -time.Second, blob.MaxPresignTTL + time.Second} {
		if _, err := s.PresignGet(ctx, "k", ttl, ""); err == nil {
			t.Fatalf("ttl %s accepted", ttl)
		}
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk on fire")
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

// A body that fails after the first part leaves no object.
func TestFailedUploadLeavesNothing(t *testing.T) {
	s := blobtest.New(t)
	ctx := context.Background()
	err := s.Put(ctx, "broken", "text/csv", &failingReader{n: blob.PartSize + 10})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("Put: %v", err)
	}
	if _, err := s.Get(ctx, "broken"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("object left behind: %v", err)
	}
}
