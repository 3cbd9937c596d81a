package shop

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOnlyHTTPToParley: the shop is a host like any other, so it imports
// nothing of Parley's own packages; everything goes over HTTP.
func TestOnlyHTTPToParley(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	if len(files) == 0 {
		t.Fatal("no Go files")
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/parleyhq/parley") {
				t.Errorf("%s imports %s: the shop must reach Parley over HTTP only", f, path)
			}
		}
	}
}
