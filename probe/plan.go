package probe

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specgate/specgate/generator"
)

// request is what the probe sends for one route, the same for every identity.
type request struct {
	Method      string
	URL         string
	Header      http.Header // parameters of the document, no credentials
	Body        []byte
	ContentType string
}

// safeMethod reports whether the probe may send m without --unsafe.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

var pathParam = regexp.MustCompile(`\{([^{}]+)\}`)

// skippedHeaders are header parameters the probe never fills: credentials and
// content negotiation belong to the identity and the body.
var skippedHeaders = []string{"authorization", "cookie", "content-type", "accept", "content-length", "host"}

// planRequest builds a route's request: path parameters always, required query
// and header parameters, a body for methods that are not safe. params override
// the document's values by parameter name.
func planRequest(base string, table *generator.Table, r generator.Route, item *openapi3.PathItem, op *openapi3.Operation, params map[string]string) request {
	byKey := map[string]*openapi3.Parameter{}
	var order []string
	add := func(ps openapi3.Parameters) {
		for _, ref := range ps {
			if ref == nil || ref.Value == nil {
				continue
			}
			k := ref.Value.In + "\x00" + ref.Value.Name
			if _, ok := byKey[k]; !ok {
				order = append(order, k)
			}
			byKey[k] = ref.Value
		}
	}
	if item != nil {
		add(item.Parameters)
	}
	if op != nil {
		add(op.Parameters)
	}
	value := func(p *openapi3.Parameter) any {
		if v, ok := params[p.Name]; ok {
			return v
		}
		return paramValue(p)
	}

	path := pathParam.ReplaceAllStringFunc(r.Path, func(m string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(m, "{"), "}")
		if p := byKey["path\x00"+name]; p != nil {
			return url.PathEscape(textValue(value(p)))
		}
		if v, ok := params[name]; ok {
			return url.PathEscape(v)
		}
		return "x"
	})
	q := url.Values{}
	h := http.Header{}
	for _, k := range order {
		p := byKey[k]
		_, given := params[p.Name]
		if !p.Required && !given {
			continue
		}
		switch p.In {
		case openapi3.ParameterInQuery:
			if list, ok := value(p).([]any); ok {
				for _, e := range list {
					q.Add(p.Name, textValue(e))
				}
			} else {
				q.Set(p.Name, textValue(value(p)))
			}
		case openapi3.ParameterInHeader:
			if !slices.Contains(skippedHeaders, strings.ToLower(p.Name)) {
				h.Set(p.Name, textValue(value(p)))
			}
		}
	}
	u := strings.TrimSuffix(base, "/") + table.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req := request{Method: r.Method, URL: u, Header: h}
	if !safeMethod(r.Method) && op != nil && op.RequestBody != nil && op.RequestBody.Value != nil {
		req.ContentType, req.Body = body(op.RequestBody.Value.Content)
	}
	return req
}

// body picks a media type (JSON first, then a form, then the first by name) and
// a value for it: the document's example, else a minimal valid value.
func body(content openapi3.Content) (string, []byte) {
	if len(content) == 0 {
		return "", nil
	}
	types := make([]string, 0, len(content))
	for t := range content {
		types = append(types, t)
	}
	slices.Sort(types)
	rank := func(t string) int {
		switch {
		case t == "application/json" || strings.HasSuffix(t, "+json"):
			return 0
		case t == "application/x-www-form-urlencoded":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(types, func(a, b string) int { return rank(a) - rank(b) })
	ct := types[0]
	mt := content[ct]
	var v any = "x"
	switch {
	case mt == nil:
	case mt.Example != nil:
		v = mt.Example
	default:
		if ex, ok := firstExample(mt.Examples); ok {
			v = ex
		} else if mt.Schema != nil && mt.Schema.Value != nil {
			v = schemaValue(mt.Schema.Value, 0)
		}
	}
	switch rank(ct) {
	case 0:
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte("{}")
		}
		return ct, b
	case 1:
		form := url.Values{}
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				form.Set(k, textValue(x))
			}
		}
		return ct, []byte(form.Encode())
	}
	return ct, []byte(textValue(v))
}
