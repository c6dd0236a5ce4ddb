package ir

import (
	"reflect"
	"strings"
	"testing"
)

// TestPlainData holds the package's promise: every field of the IR, through
// slices, maps and nested structs, is exported, and none points into the
// OpenAPI document (kin-openapi) or is a func or channel.
func TestPlainData(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var check func(path string, typ reflect.Type)
	check = func(path string, typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		if strings.Contains(typ.PkgPath(), "kin-openapi") {
			t.Errorf("%s is %s, a part of the document", path, typ)
		}
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			check(path+"[]", typ.Elem())
		case reflect.Map:
			check(path+"[key]", typ.Key())
			check(path+"[]", typ.Elem())
		case reflect.Func, reflect.Chan, reflect.Interface, reflect.UnsafePointer:
			t.Errorf("%s is a %s, not plain data", path, typ.Kind())
		case reflect.Struct:
			for i := range typ.NumField() {
				f := typ.Field(i)
				if !f.IsExported() {
					t.Errorf("%s.%s is unexported: hidden state", path, f.Name)
				}
				check(path+"."+f.Name, f.Type)
			}
		}
	}
	for _, v := range []any{Table{}, Diagnostic{}} {
		check(reflect.TypeOf(v).Name(), reflect.TypeOf(v))
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[Route](), reflect.TypeFor[Unit](), reflect.TypeFor[CallbackSite](), reflect.TypeFor[SecurityScheme]()} {
		if !seen[typ] {
			t.Errorf("%s is not reached from Table", typ)
		}
	}
}
