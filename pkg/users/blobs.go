package users

import "github.com/tranche-dev/tranche/pkg/app"

// blobsOf is the blob store of large exports. Until pkg/blob is merged
// there is none, and an export above the inline limit is a 500.
func blobsOf(deps app.Deps) Blobs { return nil }
