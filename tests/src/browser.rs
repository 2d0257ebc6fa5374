//! A real browser for the checker page's tests and benchmark: Debian's Chromium, headless, driven through
//! chromedriver (WebDriver) with fantoccini, and a small static file server that serves `web/dist` and logs
//! every request it gets (so a test can tell that the page made none after loading).
//!
//! Needs `scripts/web-setup.sh` (Chromium, chromedriver) and `web/build.sh` (the page); the README's test
//! command runs both. Anything missing fails with the command that makes it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::root;

/// Where the page is served: below a sub-path, as on a GitHub Pages project site, so that any absolute URL
/// in the page would break.
pub const PAGE_PREFIX: &str = "/pages/static-build/";

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The built page (`web/build.sh`).
pub fn dist() -> PathBuf {
    let dist = std::env::var_os("STATIC_BUILD_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("web/dist"));
    for f in ["index.html", "static_build_web_bg.wasm", "worker.js"] {
        assert!(
            dist.join(f).is_file(),
            "{} is missing: build the page with `web/build.sh` (the README's test command does)",
            dist.join(f).display()
        );
    }
    dist
}

/// One request the server got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub at: Instant,
    pub method: String,
    pub path: String,
}

/// A static file server on 127.0.0.1 that logs requests.
pub struct Server {
    pub port: u16,
    pub log: Arc<Mutex<Vec<Hit>>>,
}

impl Server {
    pub fn start(dir: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port for the page");
        let port = listener.local_addr().expect("local address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let dir = dir.clone();
                let log = log2.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &dir, &log);
                });
            }
        });
        Server { port, log }
    }

    pub fn url(&self, query: &str) -> String {
        format!("http://127.0.0.1:{}{PAGE_PREFIX}{query}", self.port)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn serve(stream: TcpStream, dir: &Path, log: &Mutex<Vec<Hit>>) -> std::io::Result<()> {
    // Browsers open spare connections they may never use: do not keep a thread on them forever.
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    let path = target.split('?').next().unwrap_or("").to_string();
    if let Ok(mut l) = log.lock() {
        l.push(Hit {
            at: Instant::now(),
            method: method.clone(),
            path: path.clone(),
        });
    }
    let mut out = stream;
    let file = path
        .strip_prefix(PAGE_PREFIX)
        .map(|rel| if rel.is_empty() { "index.html" } else { rel })
        .filter(|rel| !rel.contains("..") && !rel.contains('/'))
        .map(|rel| dir.join(rel))
        .filter(|p| p.is_file());
    match (method.as_str(), file) {
        ("GET" | "HEAD", Some(p)) => {
            let body = std::fs::read(&p)?;
            let mime = match p.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("wasm") => "application/wasm",
                _ => "application/octet-stream",
            };
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            if method == "GET" {
                out.write_all(&body)?;
            }
        }
        _ => {
            write!(
                out,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )?;
        }
    }
    out.flush()
}

/// chromedriver in its own process group (so Chromium goes with it), killed on drop.
struct Driver {
    child: Child,
    port: u16,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // End the session through WebDriver first, so that Chromium quits by itself, then stop chromedriver.
        // (Killing Chromium's process group outright while it runs took down unrelated processes on this
        // machine's sandbox; a polite shutdown does not.)
        if let Some(session) = &self.session {
            http_request(self.port, "DELETE", &format!("/session/{session}"), "");
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// A headless Chromium session on the served page.
pub struct Browser {
    pub client: Client,
    pub server: Server,
    driver: Driver,
    session: String,
    _profile: TempDir,
    _short_tmp: Option<TempDir>,
}

/// A temporary directory inside the build tree (Chromium writes profiles; keep them out of /tmp).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        TempDir::under(&root().join("target/web-tmp"), label)
    }

    /// A new directory in `base`.
    pub fn under(base: &Path, label: &str) -> TempDir {
        let dir = base.join(format!("{label}-{}-{:x}", std::process::id(), rand_u64()));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("create the temporary directory {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}

impl Browser {
    /// Start chromedriver and Chromium (headless, `dark` for prefers-color-scheme: dark) and open the page
    /// with `query` (e.g. `?read-delay-ms=200`). Waits until the page says it is ready and locked down.
    pub async fn open(query: &str, dark: bool) -> Browser {
        for (bin, what) in [(CHROMIUM, "Chromium"), (CHROMEDRIVER, "chromedriver")] {
            assert!(
                Path::new(bin).is_file(),
                "{what} ({bin}) is not installed: run scripts/web-setup.sh (the README's test command does)"
            );
        }
        let server = Server::start(dist());
        let port = free_port();
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let profile = TempDir::new("chromium");
        // Chromium makes its singleton socket in TMPDIR (`org.chromium.Chromium.XXXXXX/SingletonSocket`) and
        // exits at start ("Socket path too long") when that path passes the 107 bytes a Unix socket address
        // holds, which a deep checkout does. Then TMPDIR is a short folder in the system's temporary
        // directory instead; the profile stays in the build tree either way.
        let socket_path_len =
            profile.0.as_os_str().len() + "/org.chromium.Chromium.XXXXXX/SingletonSocket".len();
        let short_tmp =
            (socket_path_len > 107).then(|| TempDir::under(&std::env::temp_dir(), "sb-chromium"));
        cmd.env("TMPDIR", short_tmp.as_ref().map_or(&profile.0, |d| &d.0));
        let child = cmd.spawn().expect("start chromedriver");
        let driver = Driver {
            child,
            port,
            session: None,
        };
        wait_for_port(port);

        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.0.join("profile").display()),
        ];
        if dark {
            args.push("--force-dark-mode".into());
            args.push("--blink-settings=preferredColorScheme=0".into());
        }
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
            "goog:loggingPrefs": { "performance": "ALL", "browser": "ALL" },
        });
        let caps = match caps {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        trace("chromedriver is up; opening a session");
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("open a WebDriver session in Chromium");
        let session = client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("WebDriver session id");
        let mut driver = driver;
        driver.session = Some(session.clone());
        let b = Browser {
            client,
            server,
            driver,
            session,
            _profile: profile,
            _short_tmp: short_tmp,
        };
        trace("session open; loading the page");
        b.client
            .goto(&b.server.url(query))
            .await
            .expect("load the page");
        trace("page loaded; waiting for the worker");
        // The first start of Chromium on a new machine can be slow (font and profile caches).
        b.wait_js_for(
            "return document.querySelector('#app-root[data-ready=true][data-locked=true]') !== null",
            "the page to load its worker and lock down",
            Duration::from_secs(120),
        )
        .await;
        b
    }

    /// Close the session (Chromium exits) and stop chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.driver.session = None;
    }

    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    pub async fn js_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("async script failed: {e}\n{script}"))
    }

    /// Poll `script` (returning a boolean) until true; fails after 60 s with `what`.
    pub async fn wait_js(&self, script: &str, what: &str) {
        self.wait_js_for(script, what, Duration::from_secs(60))
            .await
    }

    /// [`Browser::wait_js`] with another limit.
    pub async fn wait_js_for(&self, script: &str, what: &str, limit: Duration) {
        let start = Instant::now();
        loop {
            if self.client.execute(script, vec![]).await.ok() == Some(Value::Bool(true)) {
                return;
            }
            if start.elapsed() > limit {
                let console = self.console_log().await;
                panic!("timed out waiting for {what}; browser console:\n{console}");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Drop files on the page the way a browser does: `dragenter`, `dragover` and `drop` events whose
    /// `DataTransfer` holds `File`s made in the page from these bytes.
    pub async fn drop_files(&self, files: &[(&str, &[u8])]) {
        let names: Vec<Value> = files.iter().map(|(n, _)| json!(n)).collect();
        let data: Vec<Value> = files.iter().map(|(_, b)| json!(base64(b))).collect();
        self.js(
            r#"
            const [names, data] = arguments;
            const dt = new DataTransfer();
            names.forEach((name, i) => {
              const bin = atob(data[i]);
              const bytes = new Uint8Array(bin.length);
              for (let j = 0; j < bin.length; j++) bytes[j] = bin.charCodeAt(j);
              dt.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
            });
            const target = document.getElementById('app-root');
            for (const type of ['dragenter', 'dragover', 'drop']) {
              target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
            }
            return true;
            "#,
            vec![json!(names), json!(data)],
        )
        .await;
    }

    /// Choose files with the file picker (`<input type=file>`), as WebDriver does: the paths are typed in.
    pub async fn pick_files(&self, input_id: &str, paths: &[&Path]) {
        let input = self
            .client
            .find(Locator::Id(input_id))
            .await
            .unwrap_or_else(|e| panic!("no #{input_id}: {e}"));
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        input
            .send_keys(&list.join("\n"))
            .await
            .unwrap_or_else(|e| panic!("choose {list:?}: {e}"));
    }

    /// Wait until the entry at `index` has an answer (done or failed) and return its `data-verdict`.
    pub async fn wait_verdict(&self, index: usize) -> String {
        self.wait_js(
            &format!(
                "const li = document.querySelector('#files li[data-index=\"{index}\"]');
                 return !!li && (li.dataset.state === 'done' || li.dataset.state === 'failed');"
            ),
            &format!("file #{index} to get a verdict"),
        )
        .await;
        self.js(
            &format!("return document.querySelector('#files li[data-index=\"{index}\"]').dataset.verdict"),
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// The text of the first element matching `selector`, or "" when there is none.
    pub async fn text(&self, selector: &str) -> String {
        self.js(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : ''",
            vec![json!(selector)],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    pub async fn click(&self, selector: &str) {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("no {selector}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {selector}: {e}"));
    }

    /// Save a PNG screenshot of the page into `target/web-screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = root().join("target/web-screenshots");
        std::fs::create_dir_all(&dir).expect("create target/web-screenshots");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).expect("write the screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a screenshot is a PNG");
        path
    }

    /// Chromium's performance log since the last call (chromedriver's `goog:loggingPrefs`): the DevTools
    /// events, each as JSON.
    pub fn performance_log(&self) -> Vec<Value> {
        self.driver_log("performance")
            .into_iter()
            .filter_map(|e| {
                e.get("message")
                    .and_then(|m| m.as_str())
                    .and_then(|m| serde_json::from_str::<Value>(m).ok())
            })
            .map(|m| m.get("message").cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// The URLs of network requests in Chromium's performance log since the last call.
    pub fn network_requests(&self) -> Vec<String> {
        self.performance_log()
            .into_iter()
            .filter(|m| {
                m.get("method").and_then(|x| x.as_str()) == Some("Network.requestWillBeSent")
            })
            .filter_map(|m| {
                m.pointer("/params/request/url")
                    .and_then(|u| u.as_str())
                    .map(String::from)
            })
            .collect()
    }

    pub async fn console_log(&self) -> String {
        self.driver_log("browser")
            .iter()
            .filter_map(|e| e.get("message").and_then(|m| m.as_str()).map(String::from))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// chromedriver's log endpoint (`POST /session/{id}/se/log`), which fantoccini does not wrap.
    fn driver_log(&self, kind: &str) -> Vec<Value> {
        let body = json!({ "type": kind }).to_string();
        let resp = http_request(
            self.driver.port,
            "POST",
            &format!("/session/{}/se/log", self.session),
            &body,
        );
        serde_json::from_str::<Value>(&resp)
            .ok()
            .and_then(|v| v.get("value").cloned())
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    }
}

/// Progress lines on stderr (shown by `cargo test -- --nocapture`, or when a test fails).
fn trace(what: &str) {
    eprintln!("browser: {what}");
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver did not start listening on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A minimal HTTP/1.1 request with a JSON body to chromedriver; returns the response body ("" on any error).
/// The body is read by its `Content-Length` (or chunks), not to the end of the stream: chromedriver may keep
/// the connection open.
fn http_request(port: u16, method: &str, path: &str, body: &str) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let sent = write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if sent.is_err() {
        return String::new();
    }
    let mut reader = BufReader::new(s);
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return String::new(),
            Ok(_) => {}
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut out = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            if reader.read_line(&mut size).unwrap_or(0) == 0 {
                break;
            }
            let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
                break;
            };
            if n == 0 {
                break;
            }
            let mut chunk = vec![0u8; n + 2];
            if reader.read_exact(&mut chunk).is_err() {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        out.resize(n, 0);
        if reader.read_exact(&mut out).is_err() {
            return String::new();
        }
    } else {
        let _ = reader.read_to_end(&mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 (for handing file bytes to a script in the page).
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(i.as_bytes()), o);
        }
    }
}
