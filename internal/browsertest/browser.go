package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// required reports whether missing tools fail the test (CI) or skip it.
func required() bool { return os.Getenv("CI") == "true" }

func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if required() {
		t.Fatalf(format+" (CI=true: required)", args...)
	}
	t.Skipf(format, args...)
}

// ChromiumPath finds Chromium, or skips (fails under CI) without it.
func ChromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("PARLEY_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	missing(t, "no Chromium: install Debian's chromium or set PARLEY_CHROMIUM")
	return ""
}

// Browser is one headless Chromium for a test.
type Browser struct {
	t    *testing.T
	root context.Context
}

// NewBrowser starts Chromium, closed when the test ends.
func NewBrowser(t *testing.T) *Browser {
	t.Helper()
	path := ChromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 860),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true), chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("mute-audio", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	if err := chromedp.Do(root); err != nil {
		cancelRoot()
		cancelAlloc()
		t.Fatalf("start chromium %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancelRoot()
		cancelAlloc()
	})
	return &Browser{t: t, root: root}
}

// Context opens a new, isolated browser context (own cookies and storage)
// with one tab, closed when the test ends.
func (b *Browser) Context() context.Context {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("new browser context: %v", err)
	}
	b.t.Cleanup(cancel)
	return ctx
}

// Patience bounds every wait for something that must happen in the page.
// Waits end as soon as it happens, so the bound costs nothing when a test
// passes; it is long so that a loaded 2-core machine (the whole suite,
// other browsers and a CPU hog beside it) fails a test only when the thing
// did not happen, never because it happened late.
const Patience = 60 * time.Second

// Do runs the steps with a time limit, failing the test on error.
func Do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, Patience)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Eval evaluates a JavaScript expression (promises awaited).
func Eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, Patience)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// ClickLive clicks the first element matching the CSS selector in a part of
// the page that re-renders live (the conversation list): it waits for the
// element and clicks it in one step of the page's own, where a
// protocol-level click can find the node it resolved replaced in between
// ("Could not find node with given id").
func ClickLive(t *testing.T, ctx context.Context, what, selector string) {
	t.Helper()
	WaitJS(t, ctx, 10*time.Second, what, fmt.Sprintf(`(e => !!e && (e.click(), true))(document.querySelector(%q))`, selector))
}

// WaitJS polls a JavaScript condition until it is true, failing the test
// with what when it is not. timeout is how long the step may take on a quiet
// machine, which documents the call; the wait itself allows at least
// Patience, so that a busy machine does not fail a step that only came late.
func WaitJS(t *testing.T, ctx context.Context, timeout time.Duration, what, expr string) {
	t.Helper()
	timeout = max(timeout, Patience)
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, Patience)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](fmt.Sprintf("!!(%s)", expr)))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s (%s; last error %v)", timeout, what, expr, last)
}

// FrameContext attaches to the iframe whose URL contains urlPart (an
// iframe of another site is a target of its own), waiting for it to appear.
func FrameContext(t *testing.T, ctx context.Context, urlPart string) context.Context {
	t.Helper()
	deadline := time.Now().Add(Patience)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatalf("targets: %v", err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.Contains(info.URL, urlPart) {
				fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				// Attach now, without a time limit: the first run's
				// context lives as long as the attachment.
				if err := chromedp.Do(fctx); err != nil {
					t.Fatalf("attach to the iframe: %v", err)
				}
				return fctx
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no iframe target with %q", urlPart)
	return nil
}
