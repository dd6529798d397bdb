//! A small W3C WebDriver client driving headless Chromium through `chromedriver`, for
//! integration tests that look at pages the way a phone user would.
//!
//! Needs Debian's `chromium` and `chromium-driver` packages (fonts: `fonts-dejavu-core` covers
//! Vietnamese diacritics). When they are missing, [`Browser::start`] returns `None` with a note on
//! stderr, unless `TINGTING_TEST_REQUIRE_CHROMIUM=1` makes that a failure. WebDriver errors panic
//! with the endpoint and the error JSON.
//!
//! Found while writing this (Chromium 156, Debian 12, running as root):
//! - As root Chromium only starts with `--no-sandbox`; without it the session fails with
//!   "Chrome instance exited".
//! - Headless Chromium keeps windows at least 500 px wide, so `--window-size=390,844` alone gives
//!   a 500x701 viewport; the 390x844 viewport (`mobile`, `touch`, device pixel ratio 2) comes from
//!   chromedriver's `mobileEmulation`. The user agent stays desktop `HeadlessChrome`.
//! - `http://127.0.0.1` (and `localhost`) is a secure context, so `navigator.clipboard` exists.
//!   Out of the box `writeText` works from a click (a user gesture) but not from a script run by
//!   [`Browser::eval`], and `readText` is refused. [`Browser::start`] allows the clipboard on
//!   every origin (a profile preference), so a test can read back what a page copied with
//!   `browser.eval("return navigator.clipboard.readText();", vec![])` (a returned promise is
//!   awaited); scripts may then write without a click too. The clipboard is headless Chromium's
//!   own, not the desktop's.
//! - `EventSource` (server-sent events) works, over HTTP/1.1 on loopback.
//! - If chromedriver is killed while a session is open, Chromium outlives it; so dropping a
//!   [`Browser`] (a failed test) first ends the session with a blocking request.

#![allow(dead_code)] // each test binary uses only part of this module

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Once;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::process::{Child, Command};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The real binary of Debian's `chromium` package. `/usr/bin/chromium` is a shell wrapper whose
/// `/etc/chromium.d` snippets add desktop flags; chromedriver does not need it.
const CHROMIUM: &str = "/usr/lib/chromium/chromium";
/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The emulated phone's viewport in CSS pixels.
const VIEWPORT: (u32, u32) = (390, 844);
/// Device pixels per CSS pixel: screenshots are 780x1688, sharp enough to check diacritics.
const PIXEL_RATIO: u32 = 2;
/// The window of [`Screen::Desktop`].
const DESKTOP: (u32, u32) = (1280, 900);

/// The screen a [`Browser`] emulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// A 390x844 phone (touch, device pixel ratio 2).
    Phone,
    /// A 1280x900 desktop window.
    Desktop,
}

/// A headless Chromium session, with the chromedriver process that serves it.
///
/// Dropping it ends the session and kills chromedriver; [`Browser::quit`] does the same without
/// blocking.
pub struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:<port>`, chromedriver's address.
    base: String,
    port: u16,
    /// `/session/<id>`.
    session: String,
    /// False once [`Browser::quit`] has ended the session.
    open: bool,
    driver: Child,
    /// Chromium's user-data-dir and chromedriver's log. Declared last: removed after the rest.
    _scratch: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and a headless Chromium session with a
    /// 390x844 mobile viewport, a fresh user-data-dir and `lang` (e.g. `"vi"`, `"en"`) as the
    /// UI language and Accept-Language. Pages may read the clipboard (see the module docs).
    ///
    /// Returns `None`, with a note on stderr, when chromedriver or Chromium is not installed,
    /// unless the environment has `TINGTING_TEST_REQUIRE_CHROMIUM=1`: then it panics.
    pub async fn start(lang: &str) -> Option<Browser> {
        Self::start_on(lang, Screen::Phone).await
    }

    /// [`Browser::start`] on a `screen` of choice.
    pub async fn start_on(lang: &str, screen: Screen) -> Option<Browser> {
        if let Some(missing) = [CHROMEDRIVER, CHROMIUM]
            .into_iter()
            .find(|path| !Path::new(path).exists())
        {
            if std::env::var("TINGTING_TEST_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
                panic!(
                    "{missing} is missing and TINGTING_TEST_REQUIRE_CHROMIUM=1: \
                     apt-get install chromium chromium-driver"
                );
            }
            // Once per test binary, written past the test harness's output capture so that the
            // skip is always visible.
            static NOTE: Once = Once::new();
            NOTE.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "NOTE: {missing} is missing: the browser tests are skipped \
                     (apt-get install chromium chromium-driver)"
                );
            });
            return None;
        }

        let scratch = tempfile::tempdir().expect("create a temp dir for Chromium");
        let log = scratch.path().join("chromedriver.log");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("find a free loopback port")
            .port();
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .arg("--enable-chrome-logs")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {CHROMEDRIVER}: {e}"));
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("build the WebDriver HTTP client");
        let base = format!("http://127.0.0.1:{port}");
        wait_ready(&http, &base, &mut driver, &log).await;

        let (width, height) = match screen {
            Screen::Phone => VIEWPORT,
            Screen::Desktop => DESKTOP,
        };
        let mut capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "timeouts": {"implicit": 0, "pageLoad": 30_000, "script": 30_000},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    format!("--window-size={width},{height}"),
                    format!("--lang={lang}"),
                    format!("--user-data-dir={}", scratch.path().join("profile").display()),
                ],
                "prefs": {
                    "intl.accept_languages": lang,
                    // Allowed (1) on every origin: tests can read back what a page copied.
                    "profile.default_content_setting_values.clipboard": 1,
                    // Open about:blank, not the new-tab page: with our own user-data-dir Chromium
                    // opens that otherwise, and the first command waits up to ~5 s for it.
                    "session.restore_on_startup": 4,
                    "session.startup_urls": ["about:blank"],
                },
                "mobileEmulation": {"deviceMetrics": {
                    "width": width,
                    "height": height,
                    "pixelRatio": PIXEL_RATIO,
                    "mobile": true,
                    "touch": true,
                }},
            },
        }}});
        if screen == Screen::Desktop {
            capabilities["capabilities"]["alwaysMatch"]["goog:chromeOptions"]
                .as_object_mut()
                .expect("chrome options")
                .remove("mobileEmulation");
        }
        let created = request(
            &http,
            Method::POST,
            &format!("{base}/session"),
            Some(&capabilities),
        )
        .await
        .unwrap_or_else(|error| {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            panic!(
                "WebDriver POST /session failed: {error}\nchromedriver log (last lines):\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            )
        });
        let id = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("POST /session answered without a sessionId: {created}"));
        let browser = Browser {
            http,
            base,
            port,
            session: format!("/session/{id}"),
            open: true,
            driver,
            _scratch: scratch,
        };
        Some(browser)
    }

    /// Loads `url` and waits for the page's load event.
    pub async fn goto(&self, url: &str) {
        self.call(Method::POST, "url", Some(&json!({ "url": url })))
            .await;
    }

    /// The current page's URL.
    pub async fn url(&self) -> String {
        string(self.call(Method::GET, "url", None).await)
    }

    /// The rendered text of the first element matching the CSS selector `css` (empty when it is
    /// hidden), or `None` when no element matches.
    pub async fn text(&self, css: &str) -> Option<String> {
        self.on_element(css, Method::GET, "text").await.map(string)
    }

    /// The attribute `name` of the first element matching `css`; `None` when no element matches
    /// or it has no such attribute.
    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        match self
            .on_element(css, Method::GET, &format!("attribute/{name}"))
            .await?
        {
            Value::Null => None,
            value => Some(string(value)),
        }
    }

    /// Clicks the first element matching `css` like a user would (scrolled into view, real input
    /// events); waits for a navigation it starts. Panics when no element matches.
    pub async fn click(&self, css: &str) {
        if self.on_element(css, Method::POST, "click").await.is_none() {
            panic!("click: no element matches {css:?} on {}", self.url().await);
        }
    }

    /// Types `text` into the first element matching `css` (an input), after clearing it, like a
    /// user would. Panics when no element matches.
    pub async fn fill(&self, css: &str, text: &str) {
        let Some(element) = self.find(css).await else {
            panic!("fill: no element matches {css:?} on {}", self.url().await);
        };
        let element = format!("element/{element}");
        self.call(Method::POST, &format!("{element}/clear"), Some(&json!({})))
            .await;
        self.call(
            Method::POST,
            &format!("{element}/value"),
            Some(&json!({ "text": text })),
        )
        .await;
    }

    /// Waits, for at most 10 seconds, until the first element matching `css` has the text
    /// `expected`; panics with the last text seen otherwise.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text(css).await;
            if text.as_deref() == Some(expected) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{css:?} still has the text {text:?} after 10 s, expected {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Runs `script` as the body of a synchronous JavaScript function called with `args`
    /// (`arguments[0]`, ...) and gives its return value (`return ...;`). A returned promise is
    /// awaited.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        let body = json!({ "script": script, "args": args });
        self.call(Method::POST, "execute/sync", Some(&body)).await
    }

    /// Saves a PNG screenshot of the viewport to `path`, creating its parent directories.
    pub async fn screenshot(&self, path: &Path) {
        let encoded = string(self.call(Method::GET, "screenshot", None).await);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("screenshot is base64");
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        tokio::fs::write(path, png)
            .await
            .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Ends the session (Chromium exits) and stops chromedriver.
    pub async fn quit(mut self) {
        let url = format!("{}{}", self.base, self.session);
        let result = request(&self.http, Method::DELETE, &url, None).await;
        self.open = false;
        expect(&Method::DELETE, &self.session, result);
        let _ = self.driver.kill().await;
    }

    /// Sends a command to `<session>/<command>`: its value, or the error object.
    async fn try_call(
        &self,
        method: &Method,
        command: &str,
        body: Option<&Value>,
    ) -> Result<Value, Value> {
        let url = format!("{}{}/{command}", self.base, self.session);
        request(&self.http, method.clone(), &url, body).await
    }

    /// Sends a command to `<session>/<command>` and gives its value; panics on an error.
    async fn call(&self, method: Method, command: &str, body: Option<&Value>) -> Value {
        let result = self.try_call(&method, command, body).await;
        expect(&method, &format!("{}/{command}", self.session), result)
    }

    /// The reference of the first element matching `css`, or `None`.
    async fn find(&self, css: &str) -> Option<String> {
        let body = json!({ "using": "css selector", "value": css });
        match self.try_call(&Method::POST, "element", Some(&body)).await {
            Err(error) if error["error"] == "no such element" => None,
            result => {
                let path = format!("{}/element", self.session);
                Some(string(expect(&Method::POST, &path, result)[ELEMENT].take()))
            }
        }
    }

    /// Sends `command` (`text`, `click`, ...) to the first element matching `css`; `None` when
    /// no element matches.
    async fn on_element(&self, css: &str, method: Method, command: &str) -> Option<Value> {
        // A page that re-renders can replace the element between finding and using it.
        for _ in 0..5 {
            let command = format!("element/{}/{command}", self.find(css).await?);
            let body = (method == Method::POST).then(|| json!({}));
            match self.try_call(&method, &command, body.as_ref()).await {
                Err(error) if is_stale(&error) => continue,
                result => {
                    let path = format!("{}/{command}", self.session);
                    return Some(expect(&method, &path, result));
                }
            }
        }
        panic!("{command} on {css:?}: the element kept being replaced");
    }
}

impl Drop for Browser {
    /// Ends a session still open (a test that panicked) before `kill_on_drop` kills
    /// chromedriver: killed chromedriver leaves Chromium running.
    fn drop(&mut self) {
        if !self.open {
            return;
        }
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let delete = format!(
            "DELETE {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.session, self.port
        );
        if stream.write_all(delete.as_bytes()).is_ok() {
            // chromedriver answers once Chromium has exited (and keeps the connection open).
            let _ = stream.read(&mut [0; 256]);
        }
    }
}

/// Where tests keep artifacts (screenshots, ...): `<target dir>/test-artifacts/`, created. The
/// target dir is `CARGO_TARGET_DIR` (relative to the workspace root) when set, else the
/// workspace's `target/`.
pub fn artifacts_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the crate sits in <workspace>/crates/<name>");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), |dir| workspace.join(dir));
    let dir = target.join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// Polls chromedriver's `/status` until it is ready, for at most 10 seconds.
async fn wait_ready(http: &reqwest::Client, base: &str, driver: &mut Child, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(status)) = driver.try_wait() {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("chromedriver exited ({status}) before it was ready; its log:\n{log}");
        }
        let status = request(http, Method::GET, &format!("{base}/status"), None).await;
        if status.is_ok_and(|status| status["ready"] == true) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver on {base} not ready after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One WebDriver request: the response's `value`, or the error object (without chromedriver's
/// unsymbolized `stacktrace`) when chromedriver answers with an error. A connection error is given
/// as an `error` too.
async fn request(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<&Value>,
) -> Result<Value, Value> {
    let mut builder = http.request(method, url);
    if let Some(body) = body {
        builder = builder.json(body);
    }
    let response = builder
        .send()
        .await
        .map_err(|e| json!({ "error": "no answer", "message": e.to_string() }))?;
    let ok = response.status().is_success();
    let text = response
        .text()
        .await
        .map_err(|e| json!({ "error": "no answer", "message": e.to_string() }))?;
    let mut value = serde_json::from_str::<Value>(&text)
        .map_err(|_| json!({ "error": "not JSON", "message": text }))?["value"]
        .take();
    if ok {
        return Ok(value);
    }
    if let Some(error) = value.as_object_mut() {
        error.remove("stacktrace");
    }
    Err(value)
}

/// The value of a WebDriver answer; panics with the endpoint and the error JSON on an error.
fn expect(method: &Method, path: &str, result: Result<Value, Value>) -> Value {
    result.unwrap_or_else(|error| panic!("WebDriver {method} {path} failed: {error}"))
}

/// Whether a WebDriver error says the element is gone: "stale element reference", or, while
/// a navigation replaces the document, chromedriver's "unknown error" that the node "does not
/// belong to the document".
fn is_stale(error: &Value) -> bool {
    error["error"] == "stale element reference"
        || error["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not belong to the document"))
}

/// A JSON value that must be a string.
fn string(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => panic!("expected a string from WebDriver, got {other}"),
    }
}
