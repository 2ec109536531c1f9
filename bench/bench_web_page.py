#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The time a browser takes to show tetra-web's board with many call-outs.

Run by bench_web --page (make bench-web) against the tetra-web it started,
once the call-outs are open: headless chromium driven by Debian's
python3-selenium and chromium-driver, a fresh profile.

Measured in the page, on its own clock (performance.now(), 0 = the start of
the navigation): a script added before the page's own
(Page.addScriptToEvaluateOnNewDocument, which the page's CSP does not
govern) watches the document and notes when #connection-state first says
data-state="open" and when #board first holds --cards .callout-card
elements.

  sign in:  the sign-in form sent (#login-submit clicked) -> every card on
            the board (a page that was showing the sign-in form);
  reload:   --reloads fresh navigations with the session cookie: navigation
            start -> every card, with the navigation's own timings.

Every wait is bounded (--timeout). Exits 1 when the cards do not all come.
"""

import argparse
import shutil
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WATCH = """
(function () {
  const want = %d;
  window.__bench = { open: null, cards: null, n: 0 };
  function look() {
    const b = window.__bench;
    const st = document.getElementById('connection-state');
    if (b.open === null && st && st.dataset.state === 'open') b.open = performance.now();
    if (b.cards === null) {
      const n = document.querySelectorAll('#board .callout-card').length;
      b.n = n;
      if (n >= want) b.cards = performance.now();
    }
  }
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ['data-state'] });
})();
"""


def browser(profile):
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--window-size=1600,1000", f"--user-data-dir={profile}"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def wait_cards(driver, timeout, what):
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.05).until(
            lambda d: d.execute_script("return window.__bench && window.__bench.cards !== null"))
    except Exception:
        n = driver.execute_script("return window.__bench ? window.__bench.n : -1")
        sys.exit(f"{what}: only {n} cards on the board after {timeout} s")
    return driver.execute_script("return window.__bench")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="tetra-web's page, e.g. http://127.0.0.1:8080/")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--cards", type=int, required=True, help="call-out cards the board must show")
    ap.add_argument("--reloads", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()

    profile = tempfile.mkdtemp(prefix="bench-web-chromium-")
    driver = None
    try:
        t = time.monotonic()
        driver = browser(profile)
        print(f"  chromium {driver.capabilities.get('browserVersion', '?')} started in "
              f"{time.monotonic() - t:.1f} s (not counted)")
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH % args.cards})
        driver.set_page_load_timeout(args.timeout)

        # Sign in on the page's form.
        driver.get(args.url)
        WebDriverWait(driver, args.timeout).until(lambda d: d.find_element(By.ID, "login-user").is_displayed())
        driver.find_element(By.ID, "login-user").send_keys(args.user)
        driver.find_element(By.ID, "login-password").send_keys(args.password)
        t0 = driver.execute_script("return performance.now()")
        driver.find_element(By.ID, "login-submit").click()
        b = wait_cards(driver, args.timeout, "sign in")
        print(f"  sign in: form sent -> {args.cards} cards on the board {b['cards'] - t0:8.0f} ms "
              f"(socket open at {b['open'] - t0:.0f} ms)")

        # A fresh navigation with the session: as a dispatcher's reload.
        for i in range(args.reloads):
            driver.get(args.url)
            b = wait_cards(driver, args.timeout, f"reload {i + 1}")
            nav = driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0];"
                "return {resp: n.responseEnd, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd};")
            print(f"  reload {i + 1}: navigation start -> {args.cards} cards on the board {b['cards']:8.0f} ms "
                  f"(page loaded {nav['load']:.0f} ms, socket open {b['open']:.0f} ms)")
    finally:
        if driver:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
