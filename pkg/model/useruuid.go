package model

import (
	"strconv"

	"github.com/google/uuid"
)

// userNamespace is the namespace of users' name-based UUIDs (a random
// UUID fixed once; changing it would change every user's UUID).
var userNamespace = uuid.MustParse("6f1c5a0e-2b7d-4f43-9d1e-3c8a7b5e2f90")

// UserUUID is the stable UUID of the workspace's user id (seed 001's
// "lead user UUID" and the users' uuid field). It is name-based (RFC 9562
// version 5) on the workspace and the user's integer id, so every user has
// one from the moment it exists, imported or created, with nothing to
// store, backfill or keep unique: two users of a workspace have different
// ids, and the workspace is part of the name, so no two users anywhere
// share one.
func UserUUID(ws string, id int64) string {
	return uuid.NewSHA1(userNamespace, []byte(ws+"#"+strconv.FormatInt(id, 10))).String()
}
