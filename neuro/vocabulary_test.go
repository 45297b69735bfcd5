package neuro_test

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// loadNeuro loads every package under neuro/ with types and syntax, tests
// included.
func loadNeuro(t *testing.T) []*packages.Package {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: type-checking every package of neuro/")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedFiles, Tests: true}
	pkgs, err := packages.Load(cfg, "github.com/neuronb/neuronb/neuro/...")
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			bad = append(bad, e.Error())
		}
	})
	if len(bad) > 0 {
		t.Fatalf("loading neuro/: %s", strings.Join(bad, "\n"))
	}
	// go list read the sources, not this process: open each one here too,
	// so that go test's result cache notices when a file changes.
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, f := range p.GoFiles {
			if _, err := os.Stat(f); err != nil {
				t.Error(err)
			}
		}
	})
	return pkgs
}

const runPkg = "github.com/neuronb/neuronb/neuro/run"

func isNamed(t types.Type, pkg, name string) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

var (
	iterSpelling = regexp.MustCompile(`(?i)^(max_?)?(iter|iters|iteration|iterations|maxit|niter|numiter|numiterations|epochs?)$`)
	tolSpelling  = regexp.MustCompile(`(?i)^(tol|tols|tolerance|abstol|reltol|eps_?tol)$`)
	seedSpelling = regexp.MustCompile(`(?i)seed`)
	progSpelling = regexp.MustCompile(`(?i)(progress|callback|onstep|oniter)`)
)

func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

func isFloat(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsFloat != 0
}

// settingsProblems lists how a Settings struct departs from the vocabulary.
func settingsProblems(name string, st *types.Struct) []string {
	var out []string
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if !f.Exported() {
			continue
		}
		ft := f.Type()
		switch {
		case iterSpelling.MatchString(f.Name()) && f.Name() != "MaxIterations" && isInteger(ft):
			out = append(out, fmt.Sprintf("%s.%s: spell an iteration budget MaxIterations", name, f.Name()))
		case f.Name() == "MaxIterations" && ft.String() != "int":
			out = append(out, fmt.Sprintf("%s.MaxIterations has type %s, want int", name, ft))
		case tolSpelling.MatchString(f.Name()) && f.Name() != "Tolerance" && isFloat(ft):
			out = append(out, fmt.Sprintf("%s.%s: spell a stopping tolerance Tolerance", name, f.Name()))
		case f.Name() == "Tolerance" && ft.String() != "float64":
			out = append(out, fmt.Sprintf("%s.Tolerance has type %s, want float64", name, ft))
		case seedSpelling.MatchString(f.Name()) && (f.Name() != "Seed" || ft.String() != "uint64") && !strings.HasSuffix(f.Name(), "Seeds"):
			out = append(out, fmt.Sprintf("%s.%s %s: a seed is the field Seed uint64", name, f.Name(), ft))
		case f.Name() == "Workers" && ft.String() != "int":
			out = append(out, fmt.Sprintf("%s.Workers has type %s, want int", name, ft))
		case progSpelling.MatchString(f.Name()) && !isNamed(ft, runPkg, "Progress"):
			out = append(out, fmt.Sprintf("%s.%s has type %s, want run.Progress", name, f.Name(), ft))
		}
		if _, isFunc := ft.Underlying().(*types.Signature); isFunc && progSpelling.MatchString(f.Name()) && !isNamed(ft, runPkg, "Progress") {
			// reported above
			continue
		}
	}
	return out
}

// Oracle: the vocabulary of neuro/run, stated in package neuro's doc. Every
// exported struct whose name ends in Settings spells its fields the one
// way; no package declares its own Status type or a Converged bool; a
// Result's Status is a run.Status.
func TestSettingsAndResultsSpeakOneVocabulary(t *testing.T) {
	var problems []string
	seen := map[string]bool{}
	for _, p := range loadNeuro(t) {
		if strings.HasSuffix(p.ID, ".test") || strings.Contains(p.ID, "[") && !strings.HasSuffix(p.ID, "]") {
			continue
		}
		scope := p.Types.Scope()
		for _, n := range scope.Names() {
			obj, ok := scope.Lookup(n).(*types.TypeName)
			if !ok || !obj.Exported() {
				continue
			}
			key := p.Types.Path() + "." + n
			if seen[key] {
				continue
			}
			seen[key] = true
			qual := p.Types.Name() + "." + n
			if n == "Status" && p.Types.Path() != runPkg {
				problems = append(problems, qual+": use run.Status, not a package's own status type")
			}
			st, ok := obj.Type().Underlying().(*types.Struct)
			if !ok {
				continue
			}
			if strings.HasSuffix(n, "Settings") {
				problems = append(problems, settingsProblems(qual, st)...)
			}
			for i := 0; i < st.NumFields(); i++ {
				f := st.Field(i)
				if !f.Exported() {
					continue
				}
				if f.Name() == "Converged" && f.Type().String() == "bool" {
					problems = append(problems, qual+".Converged bool: report a run.Status")
				}
				if f.Name() == "Status" && !isNamed(f.Type(), runPkg, "Status") && strings.HasSuffix(n, "Result") {
					problems = append(problems, fmt.Sprintf("%s.Status has type %s, want run.Status", qual, f.Type()))
				}
			}
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// errorType is the universe's error.
var errorType = types.Universe.Lookup("error").Type()

func returnsError(sig *types.Signature) bool {
	r := sig.Results()
	for i := 0; i < r.Len(); i++ {
		if types.Identical(r.At(i).Type(), errorType) {
			return true
		}
	}
	return false
}

// ignorable are calls whose error is conventionally not checked: printing
// to standard streams and writing to in-memory buffers, which cannot fail
// (or whose failure nothing can be done about).
var ignorable = map[string]bool{
	"fmt.Print": true, "fmt.Printf": true, "fmt.Println": true,
	"fmt.Fprint": true, "fmt.Fprintf": true, "fmt.Fprintln": true,
	"(*strings.Builder).WriteString": true, "(*strings.Builder).WriteByte": true, "(*strings.Builder).WriteRune": true, "(*strings.Builder).Write": true,
	"(*bytes.Buffer).WriteString": true, "(*bytes.Buffer).WriteByte": true, "(*bytes.Buffer).WriteRune": true, "(*bytes.Buffer).Write": true,
	"(hash.Hash).Write": true, "(hash.Hash64).Write": true, "(hash.Hash32).Write": true,
}

func calleeName(info *types.Info, call *ast.CallExpr) string {
	var id *ast.Ident
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		id = fn
	case *ast.SelectorExpr:
		id = fn.Sel
	default:
		return ""
	}
	obj, ok := info.Uses[id].(*types.Func)
	if !ok {
		return ""
	}
	return obj.FullName()
}

// Oracle: go/types. No error is discarded anywhere in neuro/, tests
// included: not by assigning it to _, and not by calling an error-returning
// function as a statement (deferred calls, printing and in-memory writes
// excepted). A test that drops an error compares zeros and passes.
func TestNoErrorIsDiscarded(t *testing.T) {
	var problems []string
	seen := map[string]bool{}
	for _, p := range loadNeuro(t) {
		for _, f := range p.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				report := func(pos token.Pos, what string) {
					s := p.Fset.Position(pos).String() + ": " + what
					if !seen[s] {
						seen[s] = true
						problems = append(problems, s)
					}
				}
				switch n := n.(type) {
				case *ast.DeferStmt, *ast.GoStmt:
					return false
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						id, ok := lhs.(*ast.Ident)
						if !ok || id.Name != "_" {
							continue
						}
						var typ types.Type
						if len(n.Rhs) == len(n.Lhs) {
							typ = p.TypesInfo.TypeOf(n.Rhs[i])
						} else if tup, ok := p.TypesInfo.TypeOf(n.Rhs[0]).(*types.Tuple); ok && i < tup.Len() {
							typ = tup.At(i).Type()
						}
						if typ != nil && types.Identical(typ, errorType) {
							report(id.Pos(), "error assigned to _")
						}
					}
				case *ast.ExprStmt:
					call, ok := n.X.(*ast.CallExpr)
					if !ok {
						return true
					}
					sig, ok := p.TypesInfo.TypeOf(call.Fun).(*types.Signature)
					if !ok || !returnsError(sig) {
						return true
					}
					if name := calleeName(p.TypesInfo, call); !ignorable[name] {
						report(call.Pos(), "result of "+orExpr(name)+" (an error) not checked")
					}
				}
				return true
			})
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

func orExpr(name string) string {
	if name == "" {
		return "a call"
	}
	return name
}
