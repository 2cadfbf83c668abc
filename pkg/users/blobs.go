package users

import "github.com/tranche-dev/tranche/pkg/app"

// blobsOf is the blob store of large exports: deps.Blobs, or none when the
// function has no bucket configured (then an export above the inline
// limit is a 500 that names the missing configuration).
func blobsOf(deps app.Deps) Blobs {
	if deps.Blobs == nil {
		return nil // not a typed nil in the interface
	}
	return deps.Blobs
}
