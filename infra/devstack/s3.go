package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// s3Server is the S3 emulator: gofakes3 served from this process, not a
// child. It is Go, so it needs nothing installed (no node package or
// binary to pin), starts in microseconds and goes with the process. It does
// not check signatures, which is what lets a presigned URL made for AWS
// download from it as well; the tests check URLs' shape and expiry
// parameters themselves.
type s3Server struct {
	srv  *http.Server
	done chan error
}

// startS3 listens on 127.0.0.1:port (0: a free one). dataDir, when set,
// keeps the buckets as files under dataDir/s3 across runs (make run);
// otherwise they live in memory.
func startS3(port int, dataDir string) (*s3Server, Service, error) {
	t0 := time.Now()
	var backend gofakes3.Backend = s3mem.New()
	if dataDir != "" {
		dir, err := filepath.Abs(filepath.Join(dataDir, "s3"))
		if err != nil {
			return nil, Service{}, fmt.Errorf("devstack: S3 data dir: %w", err)
		}
		fs, err := s3afero.FsPath(dir, s3afero.FsPathCreateAll)
		if err != nil {
			return nil, Service{}, fmt.Errorf("devstack: S3 data dir: %w", err)
		}
		if backend, err = s3afero.MultiBucket(fs); err != nil {
			return nil, Service{}, fmt.Errorf("devstack: S3 data: %w", err)
		}
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, Service{}, fmt.Errorf("devstack: port %d for the S3 server is in use; stop what holds it or choose another port: %w", port, err)
	}
	// Requests are not logged: a presigned URL carries a signature.
	fake := gofakes3.New(backend, gofakes3.WithAutoBucket(false), gofakes3.WithLogger(gofakes3.DiscardLog()))
	s := &s3Server{
		srv:  &http.Server{Handler: fake.Server(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)},
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(l) }()
	return s, Service{Port: l.Addr().(*net.TCPAddr).Port, PID: os.Getpid(), Startup: time.Since(t0)}, nil
}

func (s *s3Server) stop(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}
