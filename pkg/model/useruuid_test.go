package model

import "testing"

func TestUserUUID(t *testing.T) {
	a := UserUUID("ws1", 7)
	if a != UserUUID("ws1", 7) {
		t.Fatal("not stable")
	}
	if a == UserUUID("ws2", 7) || a == UserUUID("ws1", 8) || a == UserUUID("ws1", 70) {
		t.Fatal("collides")
	}
	if len(a) != 36 || a[14] != '5' {
		t.Fatalf("not a version 5 UUID: %s", a)
	}
}
