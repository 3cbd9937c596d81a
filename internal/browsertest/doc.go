// Package browsertest drives Parley's web app in a real headless Chromium
// (chromedp) against the real server: it starts the app with the demo
// seed, opens isolated browser contexts (one per signed-in person, each with
// its own cookies), and checks pages with axe-core (accessibility) and the
// Nu HTML Checker (vnu).
//
// Chromium is Debian's /usr/bin/chromium (PARLEY_CHROMIUM overrides it).
// axe-core and vnu-jar are npm packages installed at test time into the
// gitignored directory .tools/ at the repository root (.ci/run installs them
// first); vnu needs java. Without them the tests skip, and with CI=true
// they fail instead.
package browsertest
