package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	cdp "github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Versions of the checkers installed from npm.
const (
	AxeVersion = "4.14.1"
	VNUVersion = "26.9.27"
)

// RepoRoot is the directory of go.mod above the working directory.
func RepoRoot(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Tools holds the paths of the checkers.
type Tools struct {
	Axe string // axe.min.js
	VNU string // vnu.jar
}

// InstallTools makes sure axe-core and vnu-jar are in .tools/ (npm install
// into that gitignored directory when they are missing) and java is there.
func InstallTools(t *testing.T) Tools {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), ".tools")
	tools := Tools{Axe: filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"), VNU: filepath.Join(dir, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")}
	if !exists(tools.Axe) || !exists(tools.VNU) {
		if _, err := exec.LookPath("npm"); err != nil {
			missing(t, "npm is needed to install axe-core and vnu-jar")
		}
		cmd := exec.Command("npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "axe-core@"+AxeVersion, "vnu-jar@"+VNUVersion)
		if out, err := cmd.CombinedOutput(); err != nil {
			missing(t, "npm install axe-core and vnu-jar: %v\n%s", err, out)
		}
	}
	if !exists(tools.Axe) || !exists(tools.VNU) {
		missing(t, "axe-core or vnu-jar missing under %s after npm install", dir)
	}
	if _, err := exec.LookPath("java"); err != nil {
		missing(t, "java is needed to run vnu")
	}
	return tools
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Violation is one axe-core finding.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// Axe injects axe-core into the page and reports its serious and critical
// violations (WCAG 2 A/AA rules and best practices) as test errors.
func Axe(t *testing.T, ctx context.Context, tools Tools, page string) {
	t.Helper()
	src, err := os.ReadFile(tools.Axe)
	if err != nil {
		t.Fatal(err)
	}
	Eval[bool](t, ctx, string(src)+";true")
	raw := Eval[string](t, ctx, axeRun)
	reportAxe(t, page, raw)
}

const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))`

// AxeFrame is Axe on the document of the page's frame whose URL contains
// urlPart. axe-core runs in an isolated world of that frame (the DOM is
// shared, the frame's scripts and its Content-Security-Policy are not).
func AxeFrame(t *testing.T, ctx context.Context, tools Tools, page, urlPart string) {
	t.Helper()
	src, err := os.ReadFile(tools.Axe)
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(ctx, Patience)
	defer cancel()
	world, err := chromedp.Run(c, chromedp.Action[runtime.ExecutionContextID](func(c context.Context, tg *chromedp.Target) (runtime.ExecutionContextID, error) {
		tree, err := cdp.Call(c, tg, cdppage.GetFrameTree, cdp.Empty{})
		if err != nil {
			return 0, err
		}
		for _, ch := range tree.FrameTree.ChildFrames {
			if strings.Contains(ch.Frame.URL, urlPart) {
				w, err := cdp.Call(c, tg, cdppage.CreateIsolatedWorld, cdppage.CreateIsolatedWorldParams{FrameID: ch.Frame.ID, WorldName: "axe"})
				return w.ExecutionContextID, err
			}
		}
		return 0, fmt.Errorf("no frame with %q", urlPart)
	}))
	if err != nil {
		t.Fatalf("axe in the frame %s: %v", urlPart, err)
	}
	in := func(p *runtime.EvaluateParams) { p.ContextID = world }
	if _, err := chromedp.Run(c, chromedp.Evaluate[bool](string(src)+";true", in)); err != nil {
		t.Fatalf("load axe-core in the frame %s: %v", urlPart, err)
	}
	raw, err := chromedp.Run(c, chromedp.Evaluate[string](axeRun, in, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe in the frame %s: %v", urlPart, err)
	}
	reportAxe(t, page, raw)
}

func reportAxe(t *testing.T, page, raw string) {
	t.Helper()
	var vs []Violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, n.HTML)
		}
		t.Errorf("axe on %s: %s (%s): %s\n  %s", page, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
}

// VNU validates HTML documents (name -> bytes) with one run of the Nu HTML
// Checker and reports its errors as test errors.
func VNU(t *testing.T, tools Tools, pages map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	args := []string{"-jar", tools.VNU, "--errors-only"}
	for name, html := range pages {
		f := filepath.Join(dir, strings.NewReplacer("/", "_", "?", "_").Replace(name)+".html")
		if err := os.WriteFile(f, html, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
	}
	out, err := exec.Command("java", args...).CombinedOutput()
	if err != nil {
		t.Errorf("vnu: %v\n%s", err, out)
	}
}
