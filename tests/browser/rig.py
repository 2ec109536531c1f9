# SPDX-License-Identifier: GPL-2.0-or-later
"""The rig of the browser tests: a real tetra-bridged with simulated
terminals (one plays the responders of a scenario the test writes),
tetra-web in front of it over HTTPS (a certificate made here with openssl,
a users file made with `tetractl web-user add`, its own CURVE key listed
as a dispatcher gateway in the bridge's clients file), and headless
Chromium (Debian's chromium and chromium-driver) driven with Debian's
python3-selenium.

Every wait is a WebDriverWait on a condition of the page, or a bounded
wait on a log line or a reply: none waits for time to pass.
"""

import json
import os
import sys
import threading

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import tbtest  # noqa: E402,F401 (test_console takes it from here)
import tbweb  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Headless on a closed network, as root: no sandbox, nothing fetched from
# outside; the certificate is the test's own, self-signed.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required", "--ignore-certificate-errors",
                 "--window-size=1600,1000"]
# Generous: the daemons run under AddressSanitizer on a shared machine.
WAIT_S = 60


# tetra-web itself, its users and certificate: as the other web tests.
add_user = tbweb.add_user
make_certificate = tbweb.make_certificate


class Web(tbweb.Web):
    """tetra-web with the address of its page."""

    def __init__(self, build, cfg):
        super().__init__(build, cfg)
        self.url = f"https://127.0.0.1:{self.port}/"


def chromium(profile):
    """A headless Chromium with its own profile folder (its own cookies)."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in CHROMIUM_ARGS:
        opts.add_argument(a)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(CHROMEDRIVER, log_path=profile + ".chromedriver.log")
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_script_timeout(WAIT_S)
    return driver


def chromiums(profiles):
    """One Chromium per profile, started at once (each takes seconds)."""
    got, errors = {}, []

    def start(p):
        try:
            got[p] = chromium(p)
        except Exception as e:  # reported below, after every start ended
            errors.append(e)

    threads = [threading.Thread(target=start, args=(p,)) for p in profiles]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        for d in got.values():
            d.quit()
        raise errors[0]
    return [got[p] for p in profiles]


class Page:
    """One browser on tetra-web's page, through the hooks the page gives
    tests (ids and data- attributes)."""

    def __init__(self, driver, url):
        self.driver = driver
        self.url = url

    def wait(self, condition, what, timeout=WAIT_S):
        """Until condition(driver) is true; fails naming what did not happen."""
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(
            condition, f"{what} (not within {timeout} s)")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    # Reads go through one script each: the page draws a card anew on every
    # change of its call-out, so an element handle kept across two calls
    # may be gone (stale) by the second.

    def one(self, css):
        """The element (a handle, for a click or typing) or None."""
        got = self.driver.find_elements(By.CSS_SELECTOR, css)
        return got[0] if got else None

    def count(self, css):
        return self.js("return document.querySelectorAll(arguments[0]).length", css)

    def attr(self, css, name):
        """The attribute of the first element css matches, or None."""
        return self.js("const e = document.querySelector(arguments[0]);"
                       "return e ? e.getAttribute(arguments[1]) : null;", css, name)

    def text(self, css):
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css)

    def shown(self, css):
        """css matches an element that is on the screen."""
        return self.js("const e = document.querySelector(arguments[0]);"
                       "return !!e && e.checkVisibility({visibilityProperty: true});", css)

    def shown_texts(self, css):
        """The texts of the elements css matches that are on the screen."""
        return self.js("return [...document.querySelectorAll(arguments[0])]"
                       ".filter((e) => e.checkVisibility({visibilityProperty: true})).map((e) => e.textContent);", css)

    def fetch(self, path, method="GET", body=None, headers=None, credentials="same-origin"):
        """A request from the page's own origin: {status, body}."""
        return self.driver.execute_async_script("""
            const [path, method, body, headers, credentials, done] = arguments;
            const init = {method, headers: headers || {}, credentials, cache: 'no-store'};
            if (body !== null) {
                init.headers['Content-Type'] = 'application/json';
                init.body = JSON.stringify(body);
            }
            fetch(path, init).then(async (r) => done({status: r.status, body: await r.text()}),
                                   (e) => done({status: 0, body: String(e)}));
        """, path, method, body, headers, credentials)

    def csrf(self):
        """The session's CSRF token, as the page gets it (GET /api/session)."""
        r = self.fetch("/api/session")
        assert r["status"] == 200, r
        return json.loads(r["body"])["csrf"]

    def signed_in_as(self):
        """The user name the page shows as signed in, or None."""
        if not self.js("return document.body.classList.contains('signed-in')"):
            return None
        return self.js("return document.getElementById('user-name').textContent")

    def open(self):
        if not self.driver.current_url.startswith(self.url):
            self.driver.get(self.url)

    def sign_out(self):
        self.open()
        if self.signed_in_as():
            self.driver.find_element(By.ID, "logout").click()
        self.wait(lambda d: self.shown("#login-view"), "the sign-in form")

    def try_sign_in(self, user, password):
        """Fill in and send the sign-in form (the page must show it)."""
        self.sign_out()
        d = self.driver
        for field, value in (("login-user", user), ("login-password", password)):
            e = d.find_element(By.ID, field)
            e.clear()
            e.send_keys(value)
        d.find_element(By.ID, "login-submit").click()

    def sign_in(self, user, password):
        """Signed in as user with the live board open (the WebSocket's
        snapshot came)."""
        self.open()
        if self.signed_in_as() != user:
            self.try_sign_in(user, password)
            self.wait(lambda d: self.signed_in_as() == user, f"{user} signed in")
        self.wait(lambda d: self.count('#connection-state[data-state="open"]'),
                  "the page's WebSocket open")

    def script_errors(self):
        """The browser's log entries from scripts or the security policy
        (a CSP violation, an exception); network refusals the test asked
        for are not among them."""
        return [e for e in self.driver.get_log("browser")
                if e.get("source") in ("javascript", "security") and e.get("level") == "SEVERE"]

    def log_rows(self, bridge):
        """[(seq, kind, radio)] of the event log's rows for bridge."""
        return [(int(s), k, r) for s, k, r in self.js("""
            return [...document.querySelectorAll('#event-log .event-row')]
                .filter((e) => e.dataset.bridge === arguments[0])
                .map((e) => [e.dataset.seq, e.dataset.kind, e.dataset.radio]);""", bridge)]
