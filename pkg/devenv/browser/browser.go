// Package browser starts the headless Chromium that the dashboard's browser
// tests and benchmarks drive with chromedp: Debian's
// chromium-headless-shell or chromium (hack/install-browser.sh installs the
// first where neither is present), or $MERIDIAN_CHROME.
package browser

import (
	"context"
	"errors"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Path finds the browser.
func Path() (string, error) {
	if p := os.Getenv("MERIDIAN_CHROME"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no headless Chromium here: run `make browser` (make e2e and make bench do), or set MERIDIAN_CHROME")
}

// Start starts a headless browser with one tab, its profile in
// userDataDir, its window width × height. The flags keep it from dialing
// out: its background connections would be refused on a closed network.
// cancel stops it.
func Start(userDataDir string, width, height int) (tab context.Context, cancel context.CancelFunc, err error) {
	path, err := Path()
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(width, height),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	// The first action starts the browser: fail here, not later.
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		cancelAlloc()
		return nil, nil, err
	}
	return tab, func() { cancelTab(); cancelAlloc() }, nil
}
