package configschema

import (
	"reflect"
	"strings"
	"testing"
)

func TestFromYAML(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want any
		err  string
	}{
		{src: "", want: nil},
		{src: "# only a comment\n", want: nil},
		{src: "a: 1\nb: 1.5\nc: true\nd: ~\ne: [x, 'y']\n", want: map[string]any{"a": 1, "b": 1.5, "c": true, "d": nil, "e": []any{"x", "y"}}},
		{src: "a: &x {k: v}\nb: *x\n", want: map[string]any{"a": map[string]any{"k": "v"}, "b": map[string]any{"k": "v"}}},
		{src: "a: 2026-12-07\nb: yes\n", want: map[string]any{"a": "2026-12-07", "b": "yes"}},
		{src: "<<: {a: 1}\n", want: map[string]any{"<<": map[string]any{"a": 1}}},
		{src: "1: x\n", want: map[string]any{"1": "x"}},
		{src: "a: 1\na: 2\n", err: `line 2: key "a" written twice`},
		{src: "? [a]\n: 1\n", err: "line 1: a key that is not a scalar"},
		{src: "a: 1\n---\nb: 2\n", err: "line 2: a second document"},
		{src: "a: &x [*x]\n", err: "nested deeper than"},
		{src: "a: [\n", err: "did not find expected"},
	} {
		got, err := FromYAML([]byte(tc.src))
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want %q", tc.src, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.src, err)
		case !reflect.DeepEqual(got, tc.want):
			t.Errorf("%q: got %#v, want %#v", tc.src, got, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := Validate([]byte("version: 1\n")); err != nil {
		t.Errorf("minimal config: %v", err)
	}
	for _, bad := range []string{"", "version: 2\n", "version: 1\nversion: 1\n", "version: 1\nextra: x\n"} {
		if Validate([]byte(bad)) == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}
