package documents

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testBlobs is a directory standing in for S3 until pkg/blob's emulator
// (blobtest) is on main. TODO(w9docs002): blobtest.New(t).
type dirBlobs struct{ dir string }

func testBlobs(t *testing.T) Blobs { return dirBlobs{t.TempDir()} }

func (d dirBlobs) Put(_ context.Context, key, _ string, body io.Reader) error {
	p := filepath.Join(d.dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, body); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "put")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), p)
}

func (d dirBlobs) Get(_ context.Context, key string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(d.dir, filepath.FromSlash(key)))
}

func (d dirBlobs) PresignGet(_ context.Context, key string, _ time.Duration, _ string) (string, error) {
	return "http://blobs.test/" + key + "?sig=x", nil
}
