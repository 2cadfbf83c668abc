package users

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/blob/blobtest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// TestExportLarge exports more users than fit a Lambda response: the
// answer is a 303 to a presigned URL, and the file downloaded from it is
// every user, in id order, parsed back and compared. 40,000 users by
// default (about 6 MB of CSV, above the 4 MiB inline limit);
// TRANCHE_USERS_EXPORT_N=100000 runs the 100k case.
func TestExportLarge(t *testing.T) {
	n := 40000
	if s := os.Getenv("TRANCHE_USERS_EXPORT_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	if testing.Short() {
		n = 3000
	}
	blobs := blobtest.New(t)
	inline := DefaultInline
	if testing.Short() {
		inline = 64 << 10
	}
	w := newWorld001(t, Exporter{Blobs: blobs, Inline: inline, LinkTTL: time.Minute}, ResendGap)
	ctx := context.Background()
	users := make([]model.User, 0, n)
	joined := model.NewTime(time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC))
	for i := 1000; i < n+1000; i++ {
		first := fmt.Sprintf("Fïrst %d", i)
		if i%1000 == 0 {
			first = "=cmd|' /C calc'!A0" // formula injection attempt
		}
		users = append(users, model.User{ID: int64(i), Email: fmt.Sprintf("bulk-%06d@example.com", i), FirstName: first,
			LastName: "Last, \"quoted\"\nline", DateJoined: joined, IsActive: true, Version: 1})
	}
	start := time.Now()
	if _, err := w.db.PutMissing(ctx, w.wsA.ID, store.Objects{Users: users}, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d users in %v", n, time.Since(start))
	w.ok("owner_a", "GET", "/api/user-types/all/users/", "", 200)
	start = time.Now()
	rec := w.ok("owner_a", "GET", "/api/user-types/user/export/", "", http.StatusSeeOther)
	t.Logf("export of %d users to S3 in %v", n, time.Since(start))
	loc := rec.Header().Get("Location")
	if !strings.Contains(loc, "X-Amz-Signature") || rec.Body.Len() > 1024 {
		t.Fatalf("redirect: %q %d bytes", loc, rec.Body.Len())
	}
	res, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("download: %d %s", res.StatusCode, b)
	}
	r := csv.NewReader(res.Body)
	head, err := r.Read()
	if err != nil || strings.Join(head, ",") != strings.Join(ExportColumns, ",") {
		t.Fatalf("header %v %v", head, err)
	}
	// plain@example.com (id 3) is of type user too, then the bulk users
	// (ids from 1000: the members' user records come before).
	want := append([]model.User{{ID: 3, Email: "plain@example.com"}}, users...)
	got := 0
	for ; ; got++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if got >= len(want) {
			t.Fatalf("extra row %v", rec)
		}
		u := want[got]
		if rec[0] != strconv.FormatInt(u.ID, 10) || rec[2] != u.Email || rec[1] != model.UserUUID(w.wsA.ID, u.ID) || rec[5] != TypeUser {
			t.Fatalf("row %d = %q, want user %d %s", got, rec, u.ID, u.Email)
		}
		if u.ID >= 1000 {
			wantFirst := u.FirstName
			if strings.HasPrefix(wantFirst, "=") {
				wantFirst = "'" + wantFirst
			}
			if rec[3] != wantFirst || rec[4] != u.LastName || rec[6] != "2023-05-06T07:08:09Z" {
				t.Fatalf("row %d = %q", got, rec)
			}
		}
	}
	if got != len(want) {
		t.Fatalf("%d rows, want %d", got, len(want))
	}
}
