package compat

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// keeperName is the component callback that keeps webhook-only components
// alive through oapi-codegen's pruning, which only looks at paths.
const keeperName = "specgateWebhookComponents"

// fixWebhooks prepares OpenAPI 3.1 webhooks for oapi-codegen: operations of
// one webhook get distinct operationIds (oapi-codegen names them all after
// the webhook), and the components they use are kept from pruning by a
// component callback that refers to itself.
func (p *prep) fixWebhooks() {
	if len(p.doc.Webhooks) == 0 {
		return
	}
	for _, name := range sortedKeys(p.doc.Webhooks) {
		item := p.doc.Webhooks[name]
		if item == nil {
			continue
		}
		methods := sortedOps(item)
		if len(methods) < 2 {
			continue
		}
		for _, method := range methods {
			op := item.GetOperation(method)
			if op.OperationID != "" {
				continue
			}
			op.OperationID = name + strings.ToUpper(method[:1]) + strings.ToLower(method[1:])
			p.warn(op.Origin, CodeWebhook, "webhook %q has several operations; %s is named %q", name, method, op.OperationID)
		}
	}
	// Does any webhook refer to a component?
	c := newCollector()
	for _, name := range sortedKeys(p.doc.Webhooks) {
		c.pathItem(p.doc.Webhooks[name], rootPath("#/webhooks/", name))
	}
	uses := false
	for _, r := range c.refs {
		uses = uses || strings.HasPrefix(*r, "#/components/")
	}
	if !uses {
		return
	}
	if p.doc.Components == nil {
		p.doc.Components = &openapi3.Components{}
	}
	if p.doc.Paths == nil {
		// oapi-codegen's pruning walks nothing at all without paths.
		p.doc.Paths = openapi3.NewPaths()
	}
	if p.doc.Components.Callbacks == nil {
		p.doc.Components.Callbacks = openapi3.Callbacks{}
	}
	if _, ok := p.doc.Components.Callbacks[keeperName]; ok {
		return
	}
	cb := openapi3.NewCallback()
	for _, name := range sortedKeys(p.doc.Webhooks) {
		if item := p.doc.Webhooks[name]; item != nil {
			cb.Set("{$webhook."+name+"}", item)
		}
	}
	self := &openapi3.Operation{
		OperationID: keeperName,
		Callbacks:   openapi3.Callbacks{"self": {Ref: "#/components/callbacks/" + keeperName}},
		Responses:   openapi3.NewResponses(),
	}
	cb.Set("{$webhook}", &openapi3.PathItem{Post: self})
	p.doc.Components.Callbacks[keeperName] = &openapi3.CallbackRef{Value: cb}
	p.invalidate()
	p.warn(nil, CodeWebhook, "components used only by webhooks are kept by component callback %q", keeperName)
}
