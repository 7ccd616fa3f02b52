package signing_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"motcua/internal/signing"
)

// The worker links internal/signing; the leaders' keys must never be reachable from it.
// These tests check that three ways: by the import graph, by the source, and by the
// types' memory layout.

func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		t.Skip("the go command is not available")
	}
	return p
}

func TestTheClientPackageDoesNotDependOnTheKeyHoldingService(t *testing.T) {
	out, err := exec.Command(goTool(t), "list", "-deps", "motcua/internal/signing").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps printed too little to be right: %q", out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "motcua/internal/signing/") || d == "github.com/digitorus/timestamp" {
			t.Errorf("motcua/internal/signing depends on %s, which holds or makes keys", d)
		}
	}
	// And the service does depend on the client's wire types: the check above is about
	// a real edge that could be added by mistake.
	out, err = exec.Command(goTool(t), "list", "-deps", "motcua/internal/signing/service").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "motcua/internal/signing\n") {
		t.Error("service no longer imports internal/signing; the wire types have drifted apart")
	}
}

// forbidden are the functions that read, make or encode private keys, and file access.
var forbidden = map[string][]string{
	"x509":    {"ParsePKCS8PrivateKey", "ParsePKCS1PrivateKey", "ParseECPrivateKey", "MarshalPKCS8PrivateKey", "MarshalPKCS1PrivateKey", "MarshalECPrivateKey"},
	"rsa":     {"GenerateKey", "GenerateMultiPrimeKey", "SignPKCS1v15", "SignPSS"},
	"ecdsa":   {"GenerateKey", "Sign", "SignASN1"},
	"ed25519": {"GenerateKey", "NewKeyFromSeed", "Sign"},
	"pem":     {"Decode"},
	"os":      {"ReadFile", "Open", "OpenFile"},
}

func TestTheClientSourceCallsNoKeyLoadingFunction(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			for _, name := range forbidden[pkg.Name] {
				if sel.Sel.Name == name {
					t.Errorf("%s: client code calls %s.%s", fset.Position(sel.Pos()), pkg.Name, name)
				}
			}
			return true
		})
	}
	if checked < 3 {
		t.Fatalf("checked only %d files", checked)
	}
}

func TestClientTypesCannotHoldAPrivateKey(t *testing.T) {
	bad := []reflect.Type{
		reflect.TypeFor[*rsa.PrivateKey](), reflect.TypeFor[rsa.PrivateKey](),
		reflect.TypeFor[*ecdsa.PrivateKey](), reflect.TypeFor[ecdsa.PrivateKey](),
		reflect.TypeFor[ed25519.PrivateKey](),
	}
	seen := map[reflect.Type]bool{}
	var walk func(path string, t reflect.Type)
	walk = func(path string, typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		for _, b := range bad {
			if typ == b {
				t.Errorf("%s can hold a %v", path, typ)
			}
		}
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			walk(path+"[]", typ.Elem())
		case reflect.Struct:
			// Follow our own types all the way; stop at other packages' structs except
			// to look at their immediate fields (a *http.Client holds no key).
			for i := range typ.NumField() {
				f := typ.Field(i)
				if typ.PkgPath() == "motcua/internal/signing" || f.Type.Kind() != reflect.Struct {
					walk(path+"."+f.Name, f.Type)
				}
			}
		}
	}
	walk("Signer", reflect.TypeFor[signing.Signer]())
	walk("Client", reflect.TypeFor[signing.Client]())
	// Interface-typed fields could hold anything; the Signer has exactly one, its context.
	var ifaces []string
	st := reflect.TypeFor[signing.Signer]()
	for i := range st.NumField() {
		if st.Field(i).Type.Kind() == reflect.Interface {
			ifaces = append(ifaces, st.Field(i).Name)
		}
	}
	if len(ifaces) != 1 || ifaces[0] != "ctx" {
		t.Errorf("Signer has interface fields %v; each could hide a key", ifaces)
	}
}
