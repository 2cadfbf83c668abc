package groups_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/groups"
)

// TestConcurrentMembership races member additions (distinct users and the
// same user), role changes and renames on one group through the service:
// every distinct add lands once, a repeated add is refused, the member
// count matches the member items, and no rename is lost to a count
// update or the reverse.
func TestConcurrentMembership(t *testing.T) {
	w := newWorld(t, false)
	ctx := context.Background()
	p := &auth.Principal{Workspace: w.wsA.ID, UserID: owner, Role: "OWNER", Permissions: auth.GroupOwner.Permissions}
	g, err := w.svc.Create(ctx, p, groups.NewGroup{Name: "Race", LeadUser: w.users[0]})
	if err != nil {
		t.Fatal(err)
	}
	var extra []int64
	for i := range 12 {
		extra = append(extra, w.user(w.wsA.ID, fmt.Sprintf("race%d@alpha.test", i)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	dupOK, dupRefused := 0, 0
	errs := make(chan error, 64)
	for _, u := range extra {
		wg.Go(func() {
			if _, err := w.svc.AddMember(ctx, p, g.ID, u, "member"); err != nil {
				errs <- err
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			_, err := w.svc.AddMember(ctx, p, g.ID, w.users[1], "viewer")
			mu.Lock()
			defer mu.Unlock()
			var ae *apierr.Error
			switch {
			case err == nil:
				dupOK++
			case errors.As(err, &ae) && ae.Kind == apierr.Invalid:
				dupRefused++
			default:
				errs <- err
			}
		})
	}
	for i := range 4 {
		wg.Go(func() {
			name := fmt.Sprintf("Race %d", i)
			if _, err := w.svc.Update(ctx, p, g.ID, groups.GroupUpdate{Name: &name}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if dupOK != 1 || dupRefused != 3 {
		t.Fatalf("same user added %d times, refused %d", dupOK, dupRefused)
	}
	got, err := w.db.UserGroup(ctx, w.wsA.ID, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := w.db.UserGroupMembers(ctx, w.wsA.ID, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.MemberCount != int64(len(ms)) || len(ms) != 1+len(extra)+1 {
		t.Fatalf("member_count %d, %d member items, want %d", got.MemberCount, len(ms), 2+len(extra))
	}
	if got.Name == "Race" {
		t.Fatal("every rename was lost")
	}
	// 1 create + 12 adds + 1 add + 4 renames, each one version.
	if got.Version != 1+int64(len(extra))+1+4 {
		t.Fatalf("version %d: a write was lost or doubled", got.Version)
	}
}

// TestServiceRefusesWithoutPermission: the service itself checks the
// caller, whatever handler calls it.
func TestServiceRefusesWithoutPermission(t *testing.T) {
	w := newWorld(t, false)
	ctx := context.Background()
	mem := &auth.Principal{Workspace: w.wsA.ID, UserID: member, Role: "MEMBER", Permissions: auth.GroupMember.Permissions}
	for name, call := range map[string]func() error{
		"groups": func() error { _, err := w.svc.Groups(ctx, mem); return err },
		"create": func() error {
			_, err := w.svc.Create(ctx, mem, groups.NewGroup{Name: "x", LeadUser: w.users[0]})
			return err
		},
		"delete": func() error { return w.svc.Delete(ctx, mem, 1) },
		"flag":   func() error { _, err := w.svc.SetFlag(ctx, mem, 1, "early_access", true); return err },
	} {
		var ae *apierr.Error
		if err := call(); !errors.As(err, &ae) || ae.Kind != apierr.Forbidden {
			t.Errorf("%s: %v, want 403", name, err)
		}
	}
}
