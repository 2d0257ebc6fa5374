//! Benchmark: time to verdict on the checker page (`web/dist`) in headless Chromium, side by side with the
//! native CLI (`static-build inspect --format json FILE`) on the same files in the same session, and the
//! size of what the page downloads.
//!
//!   bench/web.sh [--runs N]     (builds the page and runs this example in release mode)
//!
//! Files, made under `target/web-tmp/` and removed at the end, for each of the fixtures `musl-static` and
//! `go-static` as the head:
//! - 100 MB: the fixture followed by random bytes, really written (not sparse);
//! - 4 GiB: the fixture, then `set_len` (sparse).
//!
//! The CLI goes first, before Chromium starts: hyperfine (`-N`, 1 warm-up, N runs) when it is on PATH, else
//! this program's clock. Then the page, loaded once: one warm-up run per file (its verdict must be the
//! CLI's), then N rounds (default 5) that take the files in turn. A run is: clear the list, pick the file
//! through WebDriver (`<input type=file>`), wait for the verdict. Times are taken in the page with
//! `performance.now()`: just before the pick (a script call), when the input's `change` event fires, when the
//! file shows in the list and when its `data-state` turns `done` (a `MutationObserver`, so no polling delay).
//! The worker's own time and the bytes it read are what the page shows.
//!
//! Needs `web/build.sh` (the page), `tests/fixtures/build.sh` (the fixtures), `scripts/release-build.sh`
//! (the CLI), `scripts/web-setup.sh` (Chromium, chromedriver). Anything missing stops it with the command
//! that makes it. `STATIC_BUILD_WEB_DIST`, `STATIC_BUILD_FIXTURES` and `STATIC_BUILD_CLI` point elsewhere.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use fantoccini::Locator;
use serde_json::Value;
use static_build_tests::browser::{Browser, TempDir, CHROMEDRIVER, CHROMIUM};
use static_build_tests::root;

const HEADS: [&str; 2] = ["musl-static", "go-static"];
const REAL_SIZE: u64 = 100_000_000;
const SPARSE_SIZE: u64 = 4 << 30;
const PAGE_FILES: [&str; 3] = ["index.html", "static_build_web_bg.wasm", "worker.js"];

fn die(msg: &str) -> ! {
    eprintln!("web_bench: ERROR: {msg}");
    std::process::exit(2);
}

fn progress(msg: &str) {
    eprintln!("web_bench: {msg}");
}

struct Args {
    runs: usize,
}

fn args() -> Args {
    let mut runs = 5;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or_else(|| die("--runs needs a positive number"));
            }
            "-h" | "--help" => {
                println!("usage: web_bench [--runs N]   (N runs per file and side, default 5)");
                std::process::exit(0);
            }
            other => die(&format!(
                "unknown argument {other:?} (usage: web_bench [--runs N])"
            )),
        }
    }
    Args { runs }
}

/// What the benchmark needs, checked before anything starts.
struct Inputs {
    dist: PathBuf,
    cli: PathBuf,
    heads: Vec<PathBuf>,
}

fn inputs() -> Result<Inputs, String> {
    let root = root();
    let dist = std::env::var_os("STATIC_BUILD_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("web/dist"));
    for f in PAGE_FILES {
        if !dist.join(f).is_file() {
            return Err(format!(
                "{} is missing: build the page with web/build.sh (bench/web.sh does)",
                dist.join(f).display()
            ));
        }
    }
    let cli = std::env::var_os("STATIC_BUILD_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release-assets/static-build-linux-amd64"));
    if !cli.is_file() {
        return Err(format!(
            "the release binary {} is missing: run scripts/release-build.sh",
            cli.display()
        ));
    }
    let fixtures = std::env::var_os("STATIC_BUILD_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/fixtures"));
    let heads: Vec<PathBuf> = HEADS.iter().map(|h| fixtures.join(h)).collect();
    if !fixtures.join(".stamp").is_file() || heads.iter().any(|h| !h.is_file()) {
        return Err(format!(
            "the fixtures {} are missing or incomplete in {}: run tests/fixtures/build.sh",
            HEADS.join(", "),
            fixtures.display()
        ));
    }
    for (bin, what) in [(CHROMIUM, "Chromium"), (CHROMEDRIVER, "chromedriver")] {
        if !Path::new(bin).is_file() {
            return Err(format!(
                "{what} ({bin}) is not installed: run scripts/web-setup.sh"
            ));
        }
    }
    Ok(Inputs { dist, cli, heads })
}

/// One benchmarked file.
struct Case {
    label: String,
    path: PathBuf,
    size: u64,
    sparse: bool,
}

/// splitmix64: fast, good enough to make bytes nothing can compress or mistake for structure.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

/// The fixture followed by random bytes up to `size`, written out.
fn make_real(dir: &Path, head: &Path, size: u64) -> Result<PathBuf, String> {
    let name = head.file_name().and_then(|n| n.to_str()).unwrap_or("head");
    let path = dir.join(format!("{name}-100M"));
    let fail = |e: std::io::Error| format!("write {}: {e}", path.display());
    let head_bytes = std::fs::read(head).map_err(|e| format!("read {}: {e}", head.display()))?;
    let mut f = File::create(&path).map_err(fail)?;
    f.write_all(&head_bytes).map_err(fail)?;
    let mut left = size.saturating_sub(head_bytes.len() as u64);
    let mut rng = Rng(seed());
    let mut buf = vec![0u8; 1 << 20];
    while left > 0 {
        for chunk in buf.chunks_exact_mut(8) {
            chunk.copy_from_slice(&rng.next().to_le_bytes());
        }
        let n = left.min(buf.len() as u64) as usize;
        f.write_all(&buf[..n]).map_err(fail)?;
        left -= n as u64;
    }
    f.sync_all().map_err(fail)?;
    Ok(path)
}

/// The fixture, then a hole up to `size`.
fn make_sparse(dir: &Path, head: &Path, size: u64) -> Result<PathBuf, String> {
    let name = head.file_name().and_then(|n| n.to_str()).unwrap_or("head");
    let path = dir.join(format!("{name}-4G"));
    std::fs::copy(head, &path).map_err(|e| format!("copy {}: {e}", head.display()))?;
    File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(size))
        .map_err(|e| format!("extend {}: {e}", path.display()))?;
    Ok(path)
}

fn human(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else if bytes >= 1_000_000 {
        format!("{:.0} MB", bytes as f64 / 1e6)
    } else {
        format!("{bytes} B")
    }
}

/// Thousands separators, as BENCHMARKS.md writes counts.
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn min_max(xs: &[f64]) -> (f64, f64) {
    xs.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// One page run, in milliseconds of the page's clock.
struct PageRun {
    /// Script call just before the pick → verdict shown (`data-state` done).
    total: f64,
    /// Script call just before the pick → the input's `change` event (WebDriver's part).
    pick: f64,
    /// `change` → verdict shown (the page's part: hand-off, worker, render).
    page: f64,
    /// `change` → the file listed (first list item in the DOM).
    listed: f64,
    /// Listed → verdict shown (the worker's round trip and the render of the verdict).
    after_listed: f64,
    /// The worker's own time, as the page shows it (whole milliseconds).
    worker: f64,
    bytes: u64,
    verdict: String,
    /// Wall time seen from this program: before the pick call → the verdict reported back.
    outside: f64,
}

/// In the page: timestamps of the pick, the `change` event and the first list item's state changes.
const OBSERVER: &str = r#"
const B = window.__bench = { pick: null, change: null, shown: null, done: null, state: null, resolve: null };
document.addEventListener('change', (e) => {
  if (e.target && e.target.id === 'file-input' && B.pick !== null && B.change === null) B.change = performance.now();
}, true);
new MutationObserver(() => {
  if (B.pick === null || B.done !== null) return;
  const li = document.querySelector('#files li[data-index="0"]');
  if (!li) return;
  const t = performance.now();
  if (B.shown === null) B.shown = t;
  const s = li.dataset.state;
  if (s === 'done' || s === 'failed') {
    B.done = t;
    B.state = s;
    if (B.resolve) B.resolve();
  }
}).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
return true;
"#;

const RESET: &str = r#"
const B = window.__bench;
B.pick = B.change = B.shown = B.done = B.state = B.resolve = null;
const c = document.getElementById('clear');
if (c) c.click();
return true;
"#;

const WAIT_DONE: &str = r#"
const reply = arguments[arguments.length - 1];
const B = window.__bench;
const finish = () => reply({ pick: B.pick, change: B.change, shown: B.shown, done: B.done, state: B.state });
if (B.done !== null) { finish(); return; }
B.resolve = finish;
setTimeout(() => { if (B.done === null) reply(null); }, 20000);
"#;

const RESULT: &str = r#"
const li = document.querySelector('#files li[data-index="0"]');
const read = document.querySelector('[data-testid=bytes-read]');
if (!li || !read) return null;
return { verdict: li.dataset.verdict || '', bytes: Number(read.dataset.bytes), text: read.innerText };
"#;

/// The worker's milliseconds in "... in N ms, in this browser."
fn worker_ms(text: &str) -> Option<f64> {
    let head = &text[..text.rfind(" ms")?];
    head[head.rfind(" in ")? + 4..].trim().parse().ok()
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

async fn page_run(b: &Browser, case: &Case) -> Result<PageRun, String> {
    b.js(RESET, vec![]).await;
    b.wait_js(
        "return document.querySelectorAll('#files li').length === 0",
        "the list to clear",
    )
    .await;
    let input = b
        .client
        .find(Locator::Id("file-input"))
        .await
        .map_err(|e| format!("no #file-input on the page: {e}"))?;
    let started = Instant::now();
    b.js(
        "window.__bench.pick = performance.now(); return true",
        vec![],
    )
    .await;
    input
        .send_keys(&case.path.display().to_string())
        .await
        .map_err(|e| format!("pick {}: {e}", case.path.display()))?;
    let mut times = Value::Null;
    for _ in 0..6 {
        times = b.js_async(WAIT_DONE, vec![]).await;
        if !times.is_null() {
            break;
        }
    }
    let outside = started.elapsed().as_secs_f64() * 1e3;
    if times.is_null() {
        return Err(format!("{}: no verdict after 2 minutes", case.label));
    }
    if times.get("state").and_then(Value::as_str) != Some("done") {
        let error = b.text("[data-testid=reason]").await;
        return Err(format!("{}: the page failed: {error}", case.label));
    }
    b.wait_js(
        "return !!document.querySelector('[data-testid=bytes-read]')",
        "the bytes-read line",
    )
    .await;
    let result = b.js(RESULT, vec![]).await;
    let text = result
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (Some(pick), Some(done)) = (num(&times, "pick"), num(&times, "done")) else {
        return Err(format!(
            "{}: the page recorded no times: {times}",
            case.label
        ));
    };
    // Without a `change` timestamp (it should not happen) the split is unknown; the total stands.
    let change = num(&times, "change").unwrap_or(f64::NAN);
    let shown = num(&times, "shown").unwrap_or(f64::NAN);
    Ok(PageRun {
        total: done - pick,
        pick: change - pick,
        page: done - change,
        listed: shown - change,
        after_listed: done - shown,
        worker: worker_ms(text).ok_or_else(|| format!("no worker time in {text:?}"))?,
        bytes: result.get("bytes").and_then(Value::as_u64).unwrap_or(0),
        verdict: result
            .get("verdict")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        outside,
    })
}

/// The CLI's verdict on `path` (to check that both sides answer the same).
fn cli_verdict(cli: &Path, path: &Path) -> Result<String, String> {
    let out = Command::new(cli)
        .args(["inspect", "--format", "json"])
        .arg(path)
        .output()
        .map_err(|e| format!("run {}: {e}", cli.display()))?;
    let json: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "{} inspect printed no JSON ({e}): {}",
            cli.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    Ok(json
        .pointer("/files/0/binary/linkage/verdict")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string())
}

fn has_hyperfine() -> bool {
    Command::new("hyperfine")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The CLI's wall times in ms: hyperfine (`-N`: no shell in between, 1 warm-up) or, without it, this
/// program's clock around the same process (also 1 warm-up).
fn cli_times(cli: &Path, path: &Path, runs: usize, json_out: &Path) -> Result<Vec<f64>, String> {
    if has_hyperfine() {
        let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
        let command = format!("{} inspect --format json {}", quote(cli), quote(path));
        let out = Command::new("hyperfine")
            .args(["-N", "--warmup", "1", "--style", "none", "--runs"])
            .arg(runs.to_string())
            .arg("--export-json")
            .arg(json_out)
            .arg(&command)
            .output()
            .map_err(|e| format!("run hyperfine: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "hyperfine failed on {command}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let text = std::fs::read_to_string(json_out)
            .map_err(|e| format!("read {}: {e}", json_out.display()))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("hyperfine's JSON: {e}"))?;
        v.pointer("/results/0/times")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_f64)
                    .map(|s| s * 1e3)
                    .collect()
            })
            .ok_or_else(|| "hyperfine's JSON has no times".to_string())
    } else {
        let once = || -> Result<f64, String> {
            let t = Instant::now();
            let status = Command::new(cli)
                .args(["inspect", "--format", "json"])
                .arg(path)
                .stdout(Stdio::null())
                .status()
                .map_err(|e| format!("run {}: {e}", cli.display()))?;
            if !status.success() {
                return Err(format!("{} inspect failed: {status}", cli.display()));
            }
            Ok(t.elapsed().as_secs_f64() * 1e3)
        };
        once()?;
        (0..runs).map(|_| once()).collect()
    }
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn gzip9_len(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip -9 {} failed", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

struct Row {
    label: String,
    size: String,
    runs: Vec<PageRun>,
    warmup: PageRun,
    cli: Vec<f64>,
}

/// The page's runs of every case, with the browser open: one warm-up each (its verdict checked against
/// the CLI's), then `runs` rounds that take the cases in turn, so that drift on the machine and the page's
/// own warming up fall on all of them alike.
async fn page_runs(
    b: &Browser,
    cases: &[Case],
    verdicts: &[String],
    runs: usize,
) -> Result<Vec<(PageRun, Vec<PageRun>)>, String> {
    b.js(OBSERVER, vec![]).await;
    let mut out = Vec::new();
    for (case, cli_says) in cases.iter().zip(verdicts) {
        let warmup = page_run(b, case).await?;
        progress(&format!(
            "{} warm-up: {:.1} ms to verdict, worker {} ms, verdict {}",
            case.label, warmup.total, warmup.worker, warmup.verdict
        ));
        if warmup.verdict != *cli_says {
            return Err(format!(
                "{}: the page says {:?}, the CLI {cli_says:?}",
                case.label, warmup.verdict
            ));
        }
        out.push((warmup, Vec::new()));
    }
    for i in 0..runs {
        for (case, (_, page)) in cases.iter().zip(out.iter_mut()) {
            let r = page_run(b, case).await?;
            progress(&format!(
                "{} run {}: {:.1} ms to verdict (pick → change {:.1}, change → listed {:.1}, listed → verdict {:.1}), worker {} ms, {} bytes read, {:.1} ms seen from outside",
                case.label,
                i + 1,
                r.total,
                r.pick,
                r.listed,
                r.after_listed,
                r.worker,
                r.bytes,
                r.outside
            ));
            page.push(r);
        }
    }
    Ok(out)
}

fn main() {
    let args = args();
    if let Err(e) = run(&args) {
        die(&e);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let inputs = inputs()?;
    let started = Instant::now();
    progress(&format!(
        "{} runs per file and side; page {}; CLI {}",
        args.runs,
        inputs.dist.display(),
        inputs.cli.display()
    ));

    let dir = TempDir::new("bench");
    let mut cases = Vec::new();
    for head in &inputs.heads {
        let name = head.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        progress(&format!(
            "writing {name} + random bytes to {REAL_SIZE} bytes"
        ));
        cases.push(Case {
            label: format!("{name} + random bytes"),
            path: make_real(&dir.0, head, REAL_SIZE)?,
            size: REAL_SIZE,
            sparse: false,
        });
        cases.push(Case {
            label: format!("{name} + hole"),
            path: make_sparse(&dir.0, head, SPARSE_SIZE)?,
            size: SPARSE_SIZE,
            sparse: true,
        });
    }
    for c in &cases {
        let meta =
            std::fs::metadata(&c.path).map_err(|e| format!("stat {}: {e}", c.path.display()))?;
        let allocated = meta.blocks() * 512;
        if meta.len() != c.size || (!c.sparse && allocated < c.size) {
            return Err(format!(
                "{}: {} bytes, {allocated} allocated; wanted {} bytes{}",
                c.path.display(),
                meta.len(),
                c.size,
                if c.sparse { "" } else { ", all written" }
            ));
        }
        progress(&format!(
            "{}: {} bytes, {allocated} allocated",
            c.label,
            meta.len()
        ));
    }

    // The CLI first, before Chromium starts, so that neither side runs beside the other's processes.
    let mut verdicts = Vec::new();
    let mut cli = Vec::new();
    for case in &cases {
        verdicts.push(cli_verdict(&inputs.cli, &case.path)?);
        let times = cli_times(
            &inputs.cli,
            &case.path,
            args.runs,
            &dir.0.join("hyperfine.json"),
        )?;
        progress(&format!(
            "{}: CLI median {:.2} ms over {} runs",
            case.label,
            median(&times),
            times.len()
        ));
        cli.push(times);
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let (page, ready) = runtime.block_on(async {
        let b = Browser::open("", false).await;
        // The harness polls for readiness every 25 ms: an upper bound, not a measurement.
        let ready = b.js("return performance.now()", vec![]).await.as_f64();
        let page = page_runs(&b, &cases, &verdicts, args.runs).await;
        b.close().await;
        page.map(|p| (p, ready))
    })?;
    let rows: Vec<Row> = cases
        .iter()
        .zip(page)
        .zip(cli)
        .map(|((case, (warmup, runs)), cli)| Row {
            label: case.label.clone(),
            size: format!(
                "{}{}",
                human(case.size),
                if case.sparse { " (sparse)" } else { "" }
            ),
            runs,
            warmup,
            cli,
        })
        .collect();

    println!("## Web checker: time to verdict, page vs CLI");
    println!();
    println!(
        "machine: {} cores, {}; {}; CLI: {} (timed with {}); {} runs per file and side after 1 warm-up each; the CLI ran first, then the page",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        cpu_model(),
        first_line(CHROMIUM, &["--version"]),
        first_line(&inputs.cli.display().to_string(), &["--version"]),
        if has_hyperfine() {
            "hyperfine -N"
        } else {
            "this program's clock"
        },
        args.runs
    );
    println!();
    println!("| file | size | page: pick → verdict, median (min–max) | WebDriver's pick → `change` | `change` → listed | listed → verdict | worker's own time | bytes read by the page | CLI median (min–max) | page/CLI | page from `change`/CLI |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let col = |f: fn(&PageRun) -> f64| r.runs.iter().map(f).collect::<Vec<f64>>();
        let total = col(|x| x.total);
        let page = col(|x| x.page);
        let (tlo, thi) = min_max(&total);
        let (clo, chi) = min_max(&r.cli);
        let mut bytes: Vec<u64> = r.runs.iter().map(|x| x.bytes).collect();
        bytes.sort_unstable();
        let bytes_shown = match (bytes.first(), bytes.last()) {
            (Some(lo), Some(hi)) if lo == hi => grouped(*lo),
            (Some(lo), Some(hi)) => format!("{}–{}", grouped(*lo), grouped(*hi)),
            _ => "?".into(),
        };
        println!(
            "| {} | {} | {:.1} ms ({:.1}–{:.1}) | {:.1} ms | {:.1} ms | {:.1} ms | {:.0} ms | {} | {:.2} ms ({:.2}–{:.2}) | {:.0}× | {:.0}× |",
            r.label,
            r.size,
            median(&total),
            tlo,
            thi,
            median(&col(|x| x.pick)),
            median(&col(|x| x.listed)),
            median(&col(|x| x.after_listed)),
            median(&col(|x| x.worker)),
            bytes_shown,
            median(&r.cli),
            clo,
            chi,
            median(&total) / median(&r.cli),
            median(&page) / median(&r.cli),
        );
    }
    println!();
    println!(
        "warm-up runs (not counted; the first one is the first file after the page loaded): {}",
        rows.iter()
            .map(|r| format!(
                "{} {:.1} ms (worker {:.0} ms)",
                r.label, r.warmup.total, r.warmup.worker
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    if let Some(ms) = ready {
        println!(
            "page load from the local server: worker loaded and page locked down within {ms:.0} ms of navigation start (an upper bound: readiness is polled)"
        );
    }
    println!(
        "seen from this program (WebDriver round trips included), median: {}",
        rows.iter()
            .map(|r| format!(
                "{} {:.1} ms",
                r.label,
                median(&r.runs.iter().map(|x| x.outside).collect::<Vec<_>>())
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );

    println!();
    println!(
        "## Web checker: what the page downloads ({})",
        inputs.dist.display()
    );
    println!();
    println!("| file | bytes | gzip -9 |");
    println!("|---|---|---|");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&inputs.dist)
        .map_err(|e| format!("list {}: {e}", inputs.dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let (mut raw, mut gz) = (0, 0);
    for f in &files {
        let n = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        let g = gzip9_len(f)?;
        raw += n;
        gz += g;
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        println!("| `{name}` | {} | {} |", grouped(n), grouped(g));
    }
    println!("| total | {} | {} |", grouped(raw), grouped(gz));
    println!();
    println!(
        "benchmark run time: {:.0} s (page build not included)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
