// Package blob keeps files in the stack's S3 bucket: large exports and
// generated documents, which a Lambda cannot return itself (a response is
// at most 6 MB) or should not keep in DynamoDB (an item is at most 400 KB).
// A client receives them through short-lived presigned URLs, so nothing in
// the bucket is ever public.
//
// Locally the bucket lives in an S3 server embedded in devstack (make run,
// make test); on AWS the stack creates it and gives its name to the
// functions that need it. The same code talks to both: the endpoint comes
// from the configuration, as every AWS endpoint does.
package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// ErrNotFound is returned by Get for a key the bucket does not hold.
var ErrNotFound = errors.New("blob: not found")

// PartSize is the size of each part of a multipart upload, and the most of
// a body Put holds in memory at once. 8 MiB: above S3's 5 MiB minimum, and
// a 100,000-user export (~12 MB) goes in two parts.
const PartSize = 8 << 20

// MaxPresignTTL bounds presigned URLs' lifetime: the links are handed to
// browsers and integrations for one download, not kept.
const MaxPresignTTL = time.Hour

// Store is one bucket.
type Store struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
}

// New returns the store of the bucket. endpoint, when set, is an S3
// emulator's URL: requests then use path-style addressing, which an
// emulator on a loopback port needs (no bucket subdomains).
func New(cfg aws.Config, endpoint, bucket string) *Store {
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	})
	return &Store{client: c, presign: s3.NewPresignClient(c), bucket: bucket}
}

// Bucket is the bucket's name.
func (s *Store) Bucket() string { return s.bucket }

// Put stores body under key. Memory stays bounded whatever the body's
// size: a body that fits in one part goes in one PutObject; a larger one is
// streamed as a multipart upload, part by part, and the upload is aborted
// if reading or any part fails, so a failed Put leaves nothing behind.
func (s *Store) Put(ctx context.Context, key, contentType string, body io.Reader) error {
	first, err := readPart(body)
	if err != nil {
		return fmt.Errorf("blob: read %s: %w", key, err)
	}
	if len(first) < PartSize {
		_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &s.bucket, Key: &key, ContentType: aws.String(contentType),
			Body: bytes.NewReader(first), ContentLength: aws.Int64(int64(len(first))),
		})
		if err != nil {
			return fmt.Errorf("blob: put %s: %w", key, err)
		}
		return nil
	}
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: &s.bucket, Key: &key, ContentType: aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("blob: start upload of %s: %w", key, err)
	}
	parts, err := s.uploadParts(ctx, key, up.UploadId, first, body)
	if err == nil {
		_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: &s.bucket, Key: &key, UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
	}
	if err != nil {
		// A context already cancelled must not keep the abort from running.
		_, abortErr := s.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: &s.bucket, Key: &key, UploadId: up.UploadId,
		})
		return errors.Join(fmt.Errorf("blob: upload %s: %w", key, err), abortErr)
	}
	return nil
}

func (s *Store) uploadParts(ctx context.Context, key string, id *string, part []byte, body io.Reader) ([]types.CompletedPart, error) {
	var parts []types.CompletedPart
	for n := int32(1); len(part) > 0; n++ {
		out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: &s.bucket, Key: &key, UploadId: id, PartNumber: aws.Int32(n),
			Body: bytes.NewReader(part), ContentLength: aws.Int64(int64(len(part))),
		})
		if err != nil {
			return nil, err
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
		if len(part) < PartSize {
			break
		}
		if part, err = readPart(body); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

// readPart reads up to PartSize bytes; fewer means the body ended.
func readPart(r io.Reader) ([]byte, error) {
	buf := make([]byte, PartSize)
	n, err := io.ReadFull(r, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return buf[:n], err
}

// Get opens the object at key. The caller closes it.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		var nk *types.NoSuchKey
		if errors.As(err, &nk) {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
		}
		return nil, fmt.Errorf("blob: get %s: %w", key, err)
	}
	return out.Body, nil
}

// PresignGet returns a URL that downloads the object at key for ttl
// (at most MaxPresignTTL) without credentials. downloadName, when set, is
// the file name the browser saves it under (Content-Disposition).
func (s *Store) PresignGet(ctx context.Context, key string, ttl time.Duration, downloadName string) (string, error) {
	if ttl <= 0 || ttl > MaxPresignTTL {
		return "", fmt.Errorf("blob: presign %s: ttl %s outside (0, %s]", key, ttl, MaxPresignTTL)
	}
	in := &s3.GetObjectInput{Bucket: &s.bucket, Key: &key}
	if downloadName != "" {
		in.ResponseContentDisposition = aws.String(mime.FormatMediaType("attachment", map[string]string{"filename": downloadName}))
	}
	req, err := s.presign.PresignGetObject(ctx, in, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("blob: presign %s: %w", key, err)
	}
	return req.URL, nil
}

// EnsureBucket creates the bucket if it does not exist. It is for local
// development and tests; on AWS the stack owns the bucket.
func (s *Store) EnsureBucket(ctx context.Context) error {
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket}); err == nil {
		return nil
	}
	_, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &s.bucket})
	var owned *types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("blob: create bucket %s: %w", s.bucket, err)
	}
	return nil
}
