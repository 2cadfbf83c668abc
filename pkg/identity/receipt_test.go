package identity_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// A delivery is applied at most once: its replay, even carrying another
// change, is AlreadyProcessed and writes nothing.
func TestReplayedDeliveryIsAppliedOnce(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, nil)
	first := identity.UserSync{User: store.ClerkUser{ClerkID: "user_r", Email: "r@example.com", FirstName: "Ada", UpdatedAtMillis: 1}}
	if got, err := svc.Deliver(ctx, "msg_1", first); err != nil || got != identity.Applied {
		t.Fatalf("first delivery: %v %v", got, err)
	}
	replay := identity.UserSync{User: store.ClerkUser{ClerkID: "user_r", Email: "r@example.com", FirstName: "Eve", UpdatedAtMillis: 2}}
	for range 3 {
		if got, err := svc.Deliver(ctx, "msg_1", replay); err != nil || got != identity.AlreadyProcessed {
			t.Fatalf("replay: %v %v, want AlreadyProcessed", got, err)
		}
	}
	if id, _ := db.Identity(ctx, "user_r"); id.FirstName != "Ada" {
		t.Errorf("a replay was applied: first_name %q", id.FirstName)
	}
	// Another delivery id is another delivery.
	if got, err := svc.Deliver(ctx, "msg_2", replay); err != nil || got != identity.Applied {
		t.Fatalf("second delivery: %v %v", got, err)
	}
	if id, _ := db.Identity(ctx, "user_r"); id.FirstName != "Eve" {
		t.Errorf("second delivery not applied: first_name %q", id.FirstName)
	}
}

// A delivery whose change fails to apply releases its receipt and returns
// the error (the webhook answers 500), so that the sender's retry of the
// same id applies it once it can: here a membership arriving before a
// nameless organisation, retried after the organisation's own event.
func TestFailingApplyReleasesTheReceipt(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, nil)
	early := identity.MembershipSync{Organisation: store.WorkspaceFields{ClerkOrgID: "org_late"}, UserID: "user_m", Role: store.RoleMember, ClerkMembershipID: "orgmem_m"}
	if _, err := svc.Deliver(ctx, "msg_early", early); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("membership before a nameless organisation: %v, want dynamo.ErrNotFound", err)
	}
	// Still failing: retried, released again, never AlreadyProcessed.
	if got, err := svc.Deliver(ctx, "msg_early", early); err == nil || got == identity.AlreadyProcessed {
		t.Fatalf("retry before the organisation: %v %v, want the failure again", got, err)
	}
	if got, err := svc.Deliver(ctx, "msg_org", identity.OrganisationSync{Organisation: store.WorkspaceFields{Name: "Late", ClerkOrgID: "org_late"}}); err != nil || got != identity.Applied {
		t.Fatalf("organisation: %v %v", got, err)
	}
	if got, err := svc.Deliver(ctx, "msg_early", early); err != nil || got != identity.Applied {
		t.Fatalf("retry after the organisation: %v %v, want Applied", got, err)
	}
	ws, err := db.WorkspaceByOrg(ctx, "org_late")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := db.Membership(ctx, ws, "user_m"); err != nil || m.Role != store.RoleMember {
		t.Fatalf("membership %+v %v", m, err)
	}
	// Applied now, so the id is remembered.
	if got, err := svc.Deliver(ctx, "msg_early", early); err != nil || got != identity.AlreadyProcessed {
		t.Fatalf("replay after applying: %v %v", got, err)
	}
	if w, _ := db.Workspace(ctx, ws); w.MemberCount != 1 {
		t.Errorf("member_count %d, want 1", w.MemberCount)
	}
}

// A receipt is stamped by the service's clock and expires ReceiptTTL
// after it (DynamoDB's TTL attribute), so replays inside the window are
// refused whatever the machine's clock says.
func TestReceiptStampedByTheServiceClock(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	at := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	svc := identity.NewService(db, fixedClock{at})
	if _, err := svc.Deliver(ctx, "msg_clock", identity.UserDeletion{ClerkID: "user_clock"}); err != nil {
		t.Fatal(err)
	}
	out, err := db.Client().GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(db.Name()), Key: map[string]types.AttributeValue{
		store.AttrPK: &types.AttributeValueMemberS{Value: "WEBHOOK#msg_clock"}, store.AttrSK: &types.AttributeValueMemberS{Value: "RECEIPT"}}})
	if err != nil {
		t.Fatal(err)
	}
	ttl, _ := out.Item[store.AttrTTL].(*types.AttributeValueMemberN)
	if want := strconv.FormatInt(at.Add(identity.ReceiptTTL).Unix(), 10); ttl == nil || ttl.Value != want {
		t.Fatalf("receipt ttl %v, want %s", out.Item[store.AttrTTL], want)
	}
}
