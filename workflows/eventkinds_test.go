package workflows

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"motcua"
)

// TestTheWorkflowWritesOnlyLabelledEventKinds reads the workflow's source: every event kind
// it can write (the Action of a motcua.Transition, the action handed to handTo and finish)
// must be a kind with a Vietnamese label, so that no timeline shows a raw name (it once
// showed "transfer", "ready" and "supplement-expired").
func TestTheWorkflowWritesOnlyLabelledEventKinds(t *testing.T) {
	fset := token.NewFileSet()
	consts := map[string]string{}
	var unresolved []*constSpec
	for _, f := range parseGo(t, fset, "..", "transition.go", "vocabulary.go") {
		unresolved = append(unresolved, collectConsts(f, "motcua.")...)
	}
	files := parseGo(t, fset, ".")
	for _, f := range files {
		unresolved = append(unresolved, collectConsts(f, "")...)
	}
	resolveConsts(consts, unresolved)

	problems, checked := eventKindProblems(fset, files, consts)
	for _, p := range problems {
		t.Error(p)
	}
	if checked < 15 {
		t.Fatalf("only %d places that write an event kind were found: the check has lost its way", checked)
	}

	// The check itself: a raw word, or a constant that is not a labelled kind, is caught.
	bad, err := parser.ParseFile(fset, "bad.go", `package workflows
func f(d *dossier) {
	_ = motcua.Transition{Action: "transfer2"}
	_ = d.handTo(ctx, 1, by, motcua.StatusInReview2, motcua.StatusInReview, "")
	_ = d.finish(ctx, s, QueryState, 0, "", "", "")
}`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := eventKindProblems(fset, []*ast.File{bad}, consts); len(p) != 3 {
		t.Errorf("the check found %d of 3 unlabelled kinds: %q", len(p), p)
	}
}

type constSpec struct {
	name string
	expr ast.Expr
	pkg  string
}

func parseGo(t *testing.T, fset *token.FileSet, dir string, only ...string) []*ast.File {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		if len(only) > 0 && !contains(only, n) {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func collectConsts(f *ast.File, pkg string) []*constSpec {
	var out []*constSpec
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i < len(vs.Values) {
					out = append(out, &constSpec{name: pkg + n.Name, expr: vs.Values[i], pkg: pkg})
				}
			}
		}
	}
	return out
}

// resolveConsts finds the string value of each constant, following aliases
// (UpdateReceive = motcua.DecideReceive) until nothing more resolves.
func resolveConsts(consts map[string]string, specs []*constSpec) {
	for progress := true; progress; {
		progress = false
		for _, s := range specs {
			if _, done := consts[s.name]; done {
				continue
			}
			if v, ok := constValue(s.expr, consts, s.pkg); ok {
				consts[s.name], progress = v, true
			}
		}
	}
}

// constValue is the string an expression names: a string literal, a constant of this
// package (pkg is the prefix its names carry), or a constant of the domain.
func constValue(e ast.Expr, consts map[string]string, pkg string) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			v, err := strconv.Unquote(x.Value)
			return v, err == nil
		}
	case *ast.Ident:
		v, ok := consts[pkg+x.Name]
		return v, ok
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "motcua" {
			v, ok := consts["motcua."+x.Sel.Name]
			return v, ok
		}
	}
	return "", false
}

// eventKindProblems lists every place in files that writes an event kind which is not a
// labelled motcua.EventKind, and counts the places it checked. The parameter named action
// of handTo and finish passes its callers' kind on; the callers are checked.
func eventKindProblems(fset *token.FileSet, files []*ast.File, consts map[string]string) ([]string, int) {
	var problems []string
	checked := 0
	check := func(e ast.Expr) {
		checked++
		if id, ok := e.(*ast.Ident); ok && id.Name == "action" {
			return
		}
		v, ok := constValue(e, consts, "")
		if !ok || !motcua.EventKind(v).Valid() {
			problems = append(problems, fset.Position(e.Pos()).String()+": the workflow writes an event kind without a label")
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				if sel, ok := x.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Transition" {
					for _, el := range x.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Action" {
								check(kv.Value)
							}
						}
					}
				}
			case *ast.CallExpr:
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
					switch {
					case sel.Sel.Name == "handTo" && len(x.Args) > 3:
						check(x.Args[3])
					case sel.Sel.Name == "finish" && len(x.Args) > 2:
						check(x.Args[2])
					}
				}
			}
			return true
		})
	}
	return problems, checked
}
