package app

import (
	"strings"
	"testing"
	"time"
)

func TestProfilesRateLimit(t *testing.T) {
	for v, want := range map[string]RateLimit{"120/m": {120, time.Minute}, "5/s": {5, time.Second}, " 1000/h ": {1000, time.Hour}} {
		got, err := ParseRateLimit(v)
		if err != nil || got != want {
			t.Errorf("%q: %v %v", v, got, err)
		}
	}
	for _, v := range []string{"", "120", "0/m", "-1/m", "1/d", "x/m", "2000000/s"} {
		if _, err := ParseRateLimit(v); err == nil {
			t.Errorf("%q accepted", v)
		}
	}
	if l := (RateLimit{Burst: 120, Per: time.Minute}); l.PerSecond() != 2 || l.String() != "120/m" {
		t.Fatal(l.PerSecond(), l.String())
	}
	env := map[string]string{EnvTableName: "t"}
	c, err := ParseConfig(func(k string) string { return env[k] })
	if err != nil || c.ProfilesRate != DefaultProfilesRateLimit {
		t.Fatalf("default: %v %v", c.ProfilesRate, err)
	}
	env[EnvProfilesRateLimit] = "often"
	if _, err := ParseConfig(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), EnvProfilesRateLimit) {
		t.Fatalf("bad limit: %v", err)
	}
}
