package render_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/specgate/specgate/generator/ir"
	"github.com/specgate/specgate/generator/load"
	"github.com/specgate/specgate/generator/render"
	"github.com/specgate/specgate/runtime/pathmatch"
)

const doc = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get: {operationId: getA, responses: {"204": {description: ok}}}
`

// A table without a registration plan is refused, not planned again, and
// a route whose operation is not at its Key is an error, not searched for.
func TestRenderRefusesWhatBuildDidNotMake(t *testing.T) {
	for want, table := range map[string]*ir.Table{
		"no registration plan": {Routes: []ir.Route{{Method: "GET", Path: "/a", Key: "/a", Served: "/a", GoName: "GetA"}}},
		`is not at "/b"`: {
			Routes: []ir.Route{{Method: "GET", Path: "/a", Key: "/b", Served: "/a", GoName: "GetA"}},
			Units:  []ir.Unit{{Method: "GET", Path: "/a", Members: []int{0}, Rules: [][]pathmatch.Segment{nil}}},
		},
	} {
		d, err := load.LoadData(context.Background(), "openapi.yaml", []byte(doc), load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = render.Render(d, table, render.Options{Package: "api"})
		if !errors.Is(err, render.ErrRender) || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want ErrRender: ...%s...", err, want)
		}
	}
}
