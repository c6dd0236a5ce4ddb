package auth

import "testing"

func TestModeZeroValueIsRequired(t *testing.T) {
	var r Route
	if r.Auth != Required {
		t.Fatalf("zero Route.Auth = %v, want required", r.Auth)
	}
	for m, want := range map[Mode]string{Required: "required", Optional: "optional", Public: "public", Mode(9): "invalid"} {
		if got := m.String(); got != want {
			t.Errorf("Mode(%d).String() = %q, want %q", m, got, want)
		}
	}
}
