package explore

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/tcpverify/tcpverify/checker"
	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

// The page, driven in Debian's Chromium, headless (bash .ci/setup --tests installs it).
// With TCPVERIFY_SCREENSHOTS set to a directory, the test also saves the screenshots that
// docs/explorer.md shows:
//
//	TCPVERIFY_SCREENSHOTS=$PWD/docs/explorer go test -count=1 -run InChromium ./cmd/verify/internal/explore/

// serve starts an explorer of variant on the default config without faults but one loss.
func serve(t *testing.T, variant string, props ...string) (*Explorer, string) {
	t.Helper()
	cfg := fsm.DefaultConfig()
	cfg.Faults = fsm.Faults{Loss: 1}
	cfg.SeqBits = cfg.MinSeqBits()
	sys, err := fsm.NewSystem(cfg, variant)
	require.NoError(t, err)
	ps, err := properties.Lookup(props...)
	require.NoError(t, err)
	e, err := New(properties.Bind(sys, ps), variant, ps, Limits{})
	require.NoError(t, err)
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(srv.Close)
	return e, srv.URL
}

// browser starts headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	require.NoError(t, err, "the browser tests need Debian's chromium: bash .ci/setup --tests installs it")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.Flag("no-sandbox", true), chromedp.WindowSize(1400, 1000))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// field is the text of a cell of the endpoints' table, e.g. "A.state".
func field(name string) string {
	return `document.querySelector('td[data-field="` + name + `"]').textContent`
}

// step is an action that returns nothing.
type step = chromedp.Action[chromedp.Void]

// waitFor waits until the page's expression is true.
func waitFor(expr string) step {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))(ctx, t)
		return err
	})
}

// click takes the enabled action whose label starts with prefix.
func click(prefix string) step {
	return chromedp.Click(`//button[contains(@class, "action") and starts-with(normalize-space(.), "` + prefix + `")]`)
}

// steps waits until the page shows a path of n steps.
func steps(n int) step {
	if n == 0 {
		return waitFor(`document.getElementById("where").textContent === "initial state"`)
	}
	return waitFor(`document.getElementById("where").textContent.startsWith("step ` + strconv.Itoa(n) + `:")`)
}

// eval evaluates a JavaScript expression of the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, expr)
	return v
}

// screenshot saves the page as name in $TCPVERIFY_SCREENSHOTS, when it is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("TCPVERIFY_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
}

func TestThePageInChromiumWalksAHandshakeStepsBackAndFollowsALink(t *testing.T) {
	_, url := serve(t, fsm.RFC, "no-half-open-acceptance", "isn-agreement")
	ctx := browser(t)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(url+"/"),
		steps(0),
		waitFor(field("A.state")+` === "CLOSED"`),
		click("A open"), steps(1),
		click("B deliver"), steps(2),
		click("A deliver"), steps(3),
		click("B deliver"), steps(4),
		waitFor(field("A.state")+` === "ESTABLISHED" && `+field("B.state")+` === "ESTABLISHED"`),
		// What the last step changed is highlighted; the chart has the three segments.
		waitFor(`document.querySelector('td[data-field="B.state"]').classList.contains("changed")`),
		waitFor(`document.querySelectorAll("#msc line.msg").length === 3`),
	))
	hash := eval[string](t, ctx, `location.hash`)
	screenshot(t, ctx, "handshake.png")
	require.NoError(t, chromedp.Do(ctx,
		// Back: B is in SYN-RECEIVED again; forward: ESTABLISHED.
		chromedp.Click(chromedp.CSS("#back")), steps(3),
		waitFor(field("B.state")+` === "SYN-RECEIVED"`),
		chromedp.Click(chromedp.CSS("#forward")), steps(4),
		waitFor(field("B.state")+` === "ESTABLISHED"`),
	))
	require.True(t, strings.HasPrefix(hash, "#/path/"), hash)
	require.Len(t, strings.Split(strings.TrimPrefix(hash, "#/path/"), ","), 4)
	// A deep link, loaded afresh in another tab, shows the same state.
	ctx2, cancel := chromedp.NewContext(ctx)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx2, chromedp.Navigate(url+"/"+hash), steps(4)))
	require.Equal(t, "ESTABLISHED", eval[string](t, ctx2, field("A.state")))
	require.Equal(t, "ESTABLISHED", eval[string](t, ctx2, field("B.state")))
}

func TestThePageInChromiumOpensACounterexampleAndRunsASearch(t *testing.T) {
	// The two-way handshake's counterexample, found by the checker, opened by its path.
	e, url := serve(t, "two-way-handshake", "no-half-open-acceptance")
	res, err := checker.Run(context.Background(), e.model, checker.Config{Workers: 1})
	require.NoError(t, err)
	require.Equal(t, checker.Violated, res.Verdicts[0].Status)
	var idx []string
	for _, s := range res.Verdicts[0].Trace.Steps {
		idx = append(idx, strconv.Itoa(s.Index))
	}
	ctx := browser(t)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(url+"/#/path/"+strings.Join(idx, ",")),
		steps(len(idx)),
		waitFor(`document.querySelector('li[data-property="no-half-open-acceptance"]').classList.contains("violated")`),
	))
	screenshot(t, ctx, "counterexample.png")

	// A search from the initial state of the RFC model to a state matching a pattern.
	_, rfc := serve(t, fsm.RFC, "no-half-open-acceptance")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(rfc+"/"),
		steps(0),
		chromedp.SendKeys(chromedp.CSS("#pattern"), "A=FIN-WAIT-2 B=CLOSE-WAIT"),
		chromedp.Click(chromedp.CSS("#search button")),
		waitFor(field("A.state")+` === "FIN-WAIT-2" && `+field("B.state")+` === "CLOSE-WAIT"`),
	))
	out, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#searchout")))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(out, "found "), out)
	screenshot(t, ctx, "search.png")
}
