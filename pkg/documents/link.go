package documents

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Signing links. The embed link is
// <base>/api/documents/w9/<token>/, the token
// <base64url ws>.<profile>.<share uuid>.<expiry, unix seconds>.<base64url MAC>
// with the MAC an HMAC-SHA256 of all four under the deployment's link key
// (app.Config.DocumentLinkKey; on AWS a secret the stack generates), as
// the unsubscribe links of package schedule sign theirs: a link verifies
// without a read, so a forged one costs nothing, and it cannot be
// stretched past its expiry or pointed at another profile. The share UUID
// in it must still be the profile's, so regenerating a profile's state
// with a new UUID would void the links handed out.

// LinkTTL is how long an embed link opens the signing page.
const LinkTTL = 24 * time.Hour

// signPath is the signing page's route (function documents-web).
const signPath = "/api/documents/w9/"

var linkKey struct {
	sync.RWMutex
	key []byte
}

// SetLinkKey installs the key EmbedLink signs with and the signing page
// verifies with. NotifierFor and NewHandler call it with the deployment's
// key; a function that builds links without either must call it at start.
// A nil or empty key is ignored (the installed one stays).
func SetLinkKey(key []byte) {
	if len(key) == 0 {
		return
	}
	linkKey.Lock()
	linkKey.key = append([]byte(nil), key...)
	linkKey.Unlock()
}

func currentKey() []byte {
	linkKey.RLock()
	defer linkKey.RUnlock()
	return linkKey.key
}

func linkMAC(key []byte, ws string, profile int64, share string, exp int64) []byte {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "w9-sign\x00%s\x00%d\x00%s\x00%d", ws, profile, share, exp)
	return m.Sum(nil)[:16]
}

// EmbedLink returns the signing page's link for a profile's W-9, valid
// for LinkTTL from now. It returns "" when no link key is installed (a
// misconfigured function): an unsigned link would be worse than none.
func EmbedLink(baseURL, ws string, profileID int64, shareUUID string, now time.Time) string {
	key := currentKey()
	if len(key) == 0 {
		return ""
	}
	return EmbedLinkWithKey(key, baseURL, ws, profileID, shareUUID, now)
}

func linkToken(key []byte, ws string, profile int64, share string, expires time.Time) string {
	b64 := base64.RawURLEncoding
	exp := expires.Unix()
	return b64.EncodeToString([]byte(ws)) + "." + strconv.FormatInt(profile, 10) + "." + share + "." +
		strconv.FormatInt(exp, 10) + "." + b64.EncodeToString(linkMAC(key, ws, profile, share, exp))
}

// link is what a verified token names.
type link struct {
	Workspace string
	Profile   int64
	Share     string
	Expires   time.Time
}

var (
	errBadLink     = errors.New("documents: invalid signing link") // 404
	errExpiredLink = errors.New("documents: expired signing link") // 403
)

// maxWorkspaceID bounds the workspace a token names before any read.
const maxWorkspaceID = 128

// verifyLink checks a token's MAC, then its expiry; nothing is read.
func verifyLink(key []byte, token string, now time.Time) (link, error) {
	parts := strings.Split(token, ".")
	if len(key) == 0 || len(parts) != 5 {
		return link{}, errBadLink
	}
	wsb, err1 := base64.RawURLEncoding.Strict().DecodeString(parts[0])
	profile, err2 := strconv.ParseInt(parts[1], 10, 64)
	exp, err3 := strconv.ParseInt(parts[3], 10, 64)
	mac, err4 := base64.RawURLEncoding.Strict().DecodeString(parts[4])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || len(wsb) == 0 || len(wsb) > maxWorkspaceID || profile <= 0 || parts[2] == "" {
		return link{}, errBadLink
	}
	// One spelling per link: "+5" or "05" verified as profile 5, and
	// base64 with other padding bits as the same workspace, so a signed
	// link had many tokens (harmless, the MAC binds the values, but a
	// token is an identifier and should be unique).
	if parts[1] != strconv.FormatInt(profile, 10) || parts[3] != strconv.FormatInt(exp, 10) {
		return link{}, errBadLink
	}
	l := link{Workspace: string(wsb), Profile: profile, Share: parts[2], Expires: time.Unix(exp, 0).UTC()}
	if !hmac.Equal(mac, linkMAC(key, l.Workspace, l.Profile, l.Share, exp)) {
		return link{}, errBadLink
	}
	if !now.Before(l.Expires) {
		return l, errExpiredLink
	}
	return l, nil
}

// EmbedLinkWithKey is EmbedLink under an explicit key (tools and tests).
func EmbedLinkWithKey(key []byte, baseURL, ws string, profileID int64, shareUUID string, now time.Time) string {
	return strings.TrimRight(baseURL, "/") + signPath + linkToken(key, ws, profileID, shareUUID, now.Add(LinkTTL)) + "/"
}
