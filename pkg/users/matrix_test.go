package users

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/routes"
)

// TestPermissionMatrix calls every seed 001 route of this package as
// OWNER, ADMIN and MEMBER of workspace A and as the OWNER of workspace B,
// whose view of A's objects is 404, and without credentials (401).
func TestPermissionMatrix(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, 0)
	ctx := context.Background()
	w.ok("owner_a", "GET", "/api/user-types/all/users/", "", 200)
	inv := decodeAs[Invitation](t, w.ok("owner_a", "POST", "/api/invitations/", `{"email": "matrix-`+w.suffix+`@example.com", "type": "user"}`, 201))
	invitee := userID(t, w, "matrix-"+w.suffix+"@example.com") // an id workspace B does not reach
	invGroup := w.group(invitee)
	n := 0
	uniq := func(prefix string) string { n++; return fmt.Sprintf("%s-%d-%s@example.com", prefix, n, w.suffix) }
	token := func() string {
		n++
		s := fmt.Sprintf("tlt_matrix_%d_%s", n, w.suffix)
		if _, err := w.db.MintLoginToken(ctx, w.wsA.ID, s, w.investor, 1, "user:owner_a", time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		return s
	}
	type row struct {
		key, path string
		body      func() string
		want      [4]int // owner_a, admin_a, member_a, owner_b
	}
	none := func() string { return "" }
	rows := []row{
		{"GET /api/user-types/{type}/users/", "/api/user-types/all/users/", none, [4]int{200, 200, 403, 200}},
		{"GET /api/user-types/{type}/export/", "/api/user-types/internal/export/", none, [4]int{200, 200, 403, 200}},
		{"GET /api/users/export/", "/api/users/export/", none, [4]int{200, 200, 403, 200}},
		{"GET /api/users/{id}/all/", fmt.Sprintf("/api/users/%d/all/", w.investor), none, [4]int{200, 200, 403, 404}},
		{"PATCH /api/users/{id}/profile/", fmt.Sprintf("/api/users/%d/profile/", w.plain), func() string { return `{"first_name": "M"}` }, [4]int{200, 200, 403, 404}},
		{"PATCH /api/users/me/", "/api/users/me/", func() string { return `{"last_name": "Me"}` }, [4]int{200, 200, 200, 200}},
		{"POST /api/invitations/", "/api/invitations/", func() string { return `{"email": "` + uniq("u") + `", "type": "user"}` }, [4]int{201, 201, 403, 201}},
		{"POST /api/invitations/internal/", "/api/invitations/internal/", func() string { return `{"email": "` + uniq("t") + `", "auth_group": 3}` }, [4]int{201, 201, 201, 201}},
		{"POST /api/invitations/{id}/resend/", "/api/invitations/" + inv.ID + "/resend/", none, [4]int{200, 200, 403, 404}},
		{"POST /api/invitations/login-token/", "/api/invitations/login-token/", func() string { return fmt.Sprintf(`{"user": %d, "group": %d}`, invitee, invGroup) }, [4]int{201, 201, 403, 400}},
		{"POST /api/invitations/login-token/exchange/", "/api/invitations/login-token/exchange/", func() string { return `{"token": "` + token() + `"}` }, [4]int{200, 200, 403, 400}},
	}
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.key] = true
		for i, who := range []string{"owner_a", "admin_a", "member_a", "owner_b"} {
			method := strings.Fields(r.key)[0]
			if rec := w.do(who, method, r.path, r.body()); rec.Code != r.want[i] {
				t.Errorf("%s as %s: %d %s, want %d", r.key, who, rec.Code, rec.Body, r.want[i])
			}
		}
		if rec := w.do("", strings.Fields(r.key)[0], r.path, r.body()); rec.Code != 401 {
			t.Errorf("%s without credentials: %d", r.key, rec.Code)
		}
	}
	for _, r := range routes.All {
		if r.Seed == "001" && (r.Function == Function || strings.HasPrefix(r.Path, "/api/invitations/")) &&
			!strings.Contains(r.Path, "/shell/") && !strings.Contains(r.Path, "/signatory/") && !covered[r.Key()] {
			t.Errorf("%s: not in the permission matrix", r.Key())
		}
	}
}
