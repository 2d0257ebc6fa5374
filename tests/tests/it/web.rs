//! The checker page in a real browser: Debian's Chromium, headless, driven through chromedriver (WebDriver).
//! The page is `web/dist` (built by `web/build.sh`), served below a sub-path by a local server that logs
//! every request. Files reach the page the two ways a person uses: a real drop (dragenter/dragover/drop
//! events carrying a `DataTransfer` of `File`s) and the file picker (WebDriver types the paths into
//! `<input type=file>`).
//!
//! What the page shows is checked against `static-build-core` run natively on the same file, and its JSON
//! export against the `static-build inspect --format json` release binary.
//!
//! Needs: `scripts/web-setup.sh` (Chromium, chromedriver, wasm-bindgen), `web/build.sh`, the fixtures
//! (`tests/fixtures/build.sh`) and the release binary (`scripts/release-build.sh`); the README's test
//! command runs them all. Screenshots land in `target/web-screenshots/`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};
use static_build_core::{Outcome, Policy, Report};
use static_build_tests::browser::{Browser, TempDir};
use static_build_tests::{fixture, root};

/// One browser at a time: the machine has two cores, and timings (a slow parse) must not be starved.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

fn run<F: std::future::Future<Output = ()>>(f: F) {
    let _guard = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(async {
            // A hung browser must fail the test, not the CI job's time budget.
            if tokio::time::timeout(Duration::from_secs(300), f)
                .await
                .is_err()
            {
                panic!("the browser test did not finish in 5 minutes");
            }
        });
}

/// Fixtures of each verdict, with the verdict the page must show.
const CASES: &[(&str, &str)] = &[
    ("tiny-static", "static"),
    ("tiny-static-pie", "static-pie"),
    ("i386-static-pie", "static-pie"),
    ("dynamic-pie", "dynamic-pie"),
    ("tiny-interp-noneeded", "interpreter-without-needed"),
    ("go-static", "static"),
    ("not-elf.txt", "not-elf"),
    ("truncated-64", "error"),
];

/// What core says about a file, as the page's `data-verdict`.
fn core_verdict(path: &Path) -> (String, Option<static_build_core::Binary>) {
    let bytes = std::fs::read(path).expect("read fixture");
    let mut r = Report::new("x", Policy::default());
    r.add(
        "f".into(),
        bytes.len() as u64,
        static_build_core::inspect(bytes.as_slice()),
    );
    match r.files.remove(0).outcome {
        Outcome::Elf { binary } => (binary.linkage.verdict.id().to_string(), Some(*binary)),
        Outcome::Skipped { .. } => ("not-elf".into(), None),
        Outcome::Error { .. } => ("error".into(), None),
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

async fn select(b: &Browser, index: usize) {
    b.click(&format!("#files li[data-index=\"{index}\"]")).await;
    b.wait_js(
        &format!("return document.querySelector('#files li[data-index=\"{index}\"]').getAttribute('aria-selected') === 'true'"),
        "the selection",
    )
    .await;
}

async fn fact(b: &Browser, name: &str) -> String {
    b.text(&format!("[data-testid=detail] [data-fact=\"{name}\"]"))
        .await
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn dropped_fixtures_show_the_verdict_and_facts_core_gives() {
    run(async {
        let b = Browser::open("", false).await;
        let owned: Vec<(String, Vec<u8>)> = CASES
            .iter()
            .map(|(n, _)| (n.to_string(), read(&fixture(n))))
            .collect();
        let files: Vec<(&str, &[u8])> = owned
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        b.drop_files(&files).await;
        for (i, (name, want)) in CASES.iter().enumerate() {
            let (core, binary) = core_verdict(&fixture(name));
            assert_eq!(
                &core, want,
                "{name}: core's verdict changed; update the test"
            );
            let shown = b.wait_verdict(i).await;
            assert_eq!(shown, *want, "{name}: the list shows {shown}");
            select(&b, i).await;
            let banner = b
                .js(
                    "return document.querySelector('[data-testid=banner]').dataset.verdict",
                    vec![],
                )
                .await;
            assert_eq!(banner, json!(want), "{name}: banner");
            let headline = b.text("[data-testid=verdict]").await;
            let reason = b.text("[data-testid=reason]").await;
            match binary {
                Some(bin) => {
                    let expected_headline = match *want {
                        "static" => "Static",
                        "static-pie" => "Static PIE",
                        "dynamic-pie" => "Dynamic",
                        "interpreter-without-needed" => "Needs a loader",
                        other => panic!("no headline for {other}"),
                    };
                    assert!(
                        headline.starts_with(expected_headline),
                        "{name}: headline {headline:?}"
                    );
                    assert_eq!(reason, bin.linkage.reason, "{name}: the one-line reason");
                    let interp = fact(&b, "interpreter").await;
                    assert_eq!(
                        interp,
                        bin.dynamic.interpreter.clone().unwrap_or("none".into()),
                        "{name}: interpreter"
                    );
                    let needed = fact(&b, "needed").await;
                    if bin.dynamic.needed.is_empty() {
                        assert_eq!(needed, "none", "{name}: NEEDED");
                    }
                    for lib in &bin.dynamic.needed {
                        assert!(
                            needed.contains(lib.as_str()),
                            "{name}: NEEDED {needed:?} lacks {lib}"
                        );
                    }
                    let libc = fact(&b, "libc").await;
                    assert!(
                        libc.starts_with(bin.libc.family.label()),
                        "{name}: libc {libc:?}"
                    );
                    let arch = fact(&b, "arch").await;
                    assert!(arch.starts_with(&*bin.format.arch), "{name}: arch {arch:?}");
                    let floor = fact(&b, "glibc-floor").await;
                    match &bin.versions.glibc_floor {
                        Some(f) => {
                            assert!(floor.contains(f.as_str()), "{name}: glibc floor {floor:?}")
                        }
                        None => assert!(floor.contains("none"), "{name}: glibc floor {floor:?}"),
                    }
                    // Hardening, with "not applicable" where it cannot apply.
                    let canary = b
                        .text("[data-testid=hardening] tr[data-check=\"Stack canary\"] .pill")
                        .await;
                    let want_canary = match bin.hardening.canary.status {
                        static_build_core::Status::NotApplicable => "not applicable",
                        s => s.label(),
                    };
                    assert_eq!(canary, want_canary, "{name}: canary");
                    if let Some(go) = &bin.toolchain.go {
                        let v = fact(&b, "go-version").await;
                        assert_eq!(v, go.go_version, "{name}: Go version");
                        assert_eq!(canary, "not applicable", "a canary cannot apply to Go code");
                    }
                    // The detail tables: every program header is a row.
                    let rows = b
                        .js(
                            "return document.querySelectorAll('[data-table=program-headers] tbody tr').length",
                            vec![],
                        )
                        .await;
                    assert_eq!(
                        rows,
                        json!(bin.detail.program_headers.len()),
                        "{name}: program headers"
                    );
                    let bytes = b
                        .js(
                            "return Number(document.querySelector('[data-testid=bytes-read]').dataset.bytes)",
                            vec![],
                        )
                        .await;
                    assert!(bytes.as_u64().unwrap_or(0) > 0, "{name}: bytes read shown");
                }
                None if *want == "not-elf" => {
                    assert_eq!(headline, "Not ELF");
                    assert!(reason.contains("is not an ELF file"), "{reason}");
                }
                None => {
                    assert_eq!(headline, "Malformed ELF");
                    assert!(reason.contains("malformed ELF"), "{name}: {reason}");
                }
            }
        }
        // The summary counts what core's report counts.
        let summary = b.text("#summary").await;
        assert!(
            summary.starts_with("8 files: 4 static"),
            "summary: {summary}"
        );
        b.close().await;
    });
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn the_file_picker_takes_several_files_and_a_folder() {
    run(async {
        let b = Browser::open("", false).await;
        let a = fixture("musl-static");
        let d = fixture("dynamic-pie");
        b.pick_files("file-input", &[&a, &d]).await;
        assert_eq!(b.wait_verdict(0).await, "static");
        assert_eq!(b.wait_verdict(1).await, "dynamic-pie");
        assert_eq!(
            b.text("#files li[data-index=\"0\"] .name").await,
            "musl-static"
        );

        // A folder: files inside are named by their path from the folder.
        let dir = TempDir::new("folder");
        let top = dir.0.join("release");
        std::fs::create_dir_all(top.join("bin")).unwrap();
        std::fs::copy(fixture("tiny-static-pie"), top.join("bin/app")).unwrap();
        std::fs::copy(fixture("not-elf.txt"), top.join("README.txt")).unwrap();
        b.pick_files("dir-input", &[&top]).await;
        b.wait_js(
            "return document.querySelectorAll('#files li').length === 4",
            "the folder's two files",
        )
        .await;
        let names = b
            .js(
                "return [...document.querySelectorAll('#files li .name')].map(e => e.textContent).sort()",
                vec![],
            )
            .await;
        assert_eq!(
            names,
            json!([
                "dynamic-pie",
                "musl-static",
                "release/README.txt",
                "release/bin/app"
            ])
        );
        for i in 2..4 {
            let v = b.wait_verdict(i).await;
            assert!(v == "static-pie" || v == "not-elf", "folder entry {i}: {v}");
        }
        b.close().await;
    });
}

/// A 4 GiB sparse file whose first bytes are a real binary.
fn sparse_file(dir: &Path, from: &str, size: u64) -> PathBuf {
    let path = dir.join(format!("{from}-sparse"));
    std::fs::write(&path, read(&fixture(from))).unwrap();
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(size).unwrap();
    path
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn a_4_gib_file_gets_its_verdict_from_under_1_mb_and_the_page_stays_responsive() {
    run(async {
        let dir = TempDir::new("sparse");
        let big = sparse_file(&dir.0, "musl-static", 4 << 30);
        // Each read of the file waits 300 ms in the worker (a testing aid of the page): a slow disk.
        let b = Browser::open("?read-delay-ms=300", false).await;
        b.pick_files("file-input", &[&big]).await;
        b.wait_js(
            "const li = document.querySelector('#files li[data-index=\"0\"]'); return !!li && li.dataset.state === 'reading'",
            "the worker to start reading",
        )
        .await;
        // The page answers while the worker reads: a click changes the policy panel, and the file is still
        // being read when the change shows.
        b.click("#policy-require-static").await;
        let during = b
            .js(
                "return [document.getElementById('policy-require-static').checked,
                         document.querySelector('#files li[data-index=\"0\"]').dataset.state]",
                vec![],
            )
            .await;
        assert_eq!(
            during,
            json!([false, "reading"]),
            "the page must react during the parse"
        );
        b.click("#policy-reset").await;
        let spinner = b
            .js(
                "return !!document.querySelector('.banner .spinner')",
                vec![],
            )
            .await;
        assert_eq!(
            spinner,
            json!(true),
            "a spinner shows while the file is read"
        );

        assert_eq!(b.wait_verdict(0).await, "static");
        let read = b
            .js(
                "return Number(document.querySelector('[data-testid=bytes-read]').dataset.bytes)",
                vec![],
            )
            .await
            .as_u64()
            .unwrap();
        assert!(
            read > 0 && read < 1_000_000,
            "read {read} bytes of a 4 GiB file"
        );
        let shown = b.text("[data-testid=bytes-read]").await;
        assert!(shown.contains("of 4.0 GiB"), "{shown}");
        b.close().await;
    });
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn after_loading_the_page_makes_no_request_and_cannot_connect() {
    run(async {
        let b = Browser::open("", false).await;
        // Everything the page loaded came from below its own folder (relative URLs only).
        let loaded: Vec<String> = b.server.hits().iter().map(|h| h.path.clone()).collect();
        for want in [
            "index.html",
            "style.css",
            "boot.js",
            "static_build_web.js",
            "static_build_web_bg.wasm",
            "worker.js",
        ] {
            let path = format!("{}{want}", static_build_tests::browser::PAGE_PREFIX);
            assert!(
                loaded
                    .iter()
                    .any(|p| *p == path || (want == "index.html" && p.ends_with('/'))),
                "{want} not loaded from {path}: {loaded:?}"
            );
        }
        assert!(
            loaded
                .iter()
                .all(|p| p.starts_with(static_build_tests::browser::PAGE_PREFIX)),
            "a request outside the page's folder: {loaded:?}"
        );
        let before = b.server.hits().len();
        // Chromium's network log up to here holds the page's own loading (so the log works), and is drained.
        let initial = b.network_requests();
        assert!(
            initial
                .iter()
                .any(|u| u.ends_with("/static_build_web_bg.wasm")),
            "the network log should show the page fetching its WebAssembly: {initial:?}"
        );

        // Use everything: drop, pick, select, compare, policy, exports.
        let s = read(&fixture("musl-static"));
        let d = read(&fixture("dynamic-pie"));
        b.drop_files(&[("musl-static", &s), ("dynamic-pie", &d)])
            .await;
        b.pick_files("file-input", &[&fixture("go-static")]).await;
        for i in 0..3 {
            b.wait_verdict(i).await;
        }
        select(&b, 1).await;
        b.click("#tab-compare").await;
        b.click("#policy-require-static").await;
        for id in ["#export-json", "#export-markdown", "#export-sarif"] {
            b.click(id).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;

        let after: Vec<_> = b.server.hits()[before..].to_vec();
        assert!(after.is_empty(), "requests after load: {after:?}");
        let network: Vec<String> = b
            .network_requests()
            .into_iter()
            .filter(|u| !u.starts_with("blob:") && !u.starts_with("data:"))
            .collect();
        assert!(
            network.is_empty(),
            "Chromium's network log after load: {network:?}"
        );

        // And the page cannot connect even if it tried: its Content-Security-Policy forbids it.
        let attempt = b
            .js_async(
                "const done = arguments[arguments.length - 1];
                 fetch('index.html').then(() => done('connected'), (e) => done('blocked: ' + e));",
                vec![],
            )
            .await;
        let attempt = attempt.as_str().unwrap_or_default().to_string();
        assert!(
            attempt.starts_with("blocked"),
            "fetch after load: {attempt}"
        );
        assert_eq!(
            b.server.hits().len(),
            before,
            "the blocked fetch reached the server"
        );
        let privacy = b.text("#privacy").await;
        assert!(privacy.contains("connect-src 'none'"), "{privacy}");
        b.close().await;
    });
}

/// Run the release binary's `inspect` and return its stdout.
fn cli(args: &[&str], file: &Path) -> String {
    let exe = root().join("target/release-assets/static-build-linux-amd64");
    assert!(
        exe.is_file(),
        "{} is missing: run scripts/release-build.sh (the README's test command does)",
        exe.display()
    );
    let out = std::process::Command::new(&exe)
        .arg("inspect")
        .args(args)
        .arg(file)
        .output()
        .expect("run static-build inspect");
    String::from_utf8(out.stdout).expect("UTF-8 report")
}

/// Install a hook that keeps every Blob the page saves, then read the last one back.
async fn export(b: &Browser, button: &str) -> String {
    b.js(
        "if (!window.__saved) { window.__saved = [];
           const orig = URL.createObjectURL;
           URL.createObjectURL = function (blob) { window.__saved.push(blob); return orig.call(URL, blob); }; }
         return true;",
        vec![],
    )
    .await;
    let n = b.js("return window.__saved.length", vec![]).await;
    b.click(button).await;
    b.wait_js(
        &format!("return window.__saved.length > {n}"),
        "the export to be saved",
    )
    .await;
    b.js_async(
        "const done = arguments[arguments.length - 1];
         window.__saved[window.__saved.length - 1].text().then(done);",
        vec![],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn the_exported_report_is_the_command_lines_report() {
    run(async {
        let b = Browser::open("", false).await;
        for name in [
            "musl-static",
            "dynamic-pie",
            "go-static",
            "i386-static-pie",
            "glibc-static-nss",
            "glibc-static-dlopen",
            "glibc-static-setlocale",
            "rust-musl-auditable",
            "truncated-half",
            "truncated-64",
            "not-elf.txt",
        ] {
            let path = fixture(name);
            clear(&b).await;
            b.drop_files(&[(name, &read(&path))]).await;
            b.wait_verdict(0).await;

            let mut page: Value = serde_json::from_str(&export(&b, "#export-json").await)
                .unwrap_or_else(|e| panic!("{name}: the page's JSON does not parse: {e}"));
            let mut cli_report: Value = serde_json::from_str(&cli(&["--format", "json"], &path))
                .unwrap_or_else(|e| panic!("{name}: the CLI's JSON does not parse: {e}"));
            // The path is the one field only the CLI knows (the page knows the file's name).
            assert_eq!(page["files"][0]["path"], json!(name));
            page["files"][0]["path"] = json!("");
            cli_report["files"][0]["path"] = json!("");
            assert_eq!(
                page, cli_report,
                "{name}: the page's JSON export differs from `static-build inspect --format json`"
            );

            // Markdown and SARIF: the CLI's own renderers, so the same text apart from the path.
            let shown_path = path.display().to_string();
            for (button, format) in [("#export-markdown", "markdown"), ("#export-sarif", "sarif")] {
                let page_text = export(&b, button).await;
                let cli_text = cli(&["--format", format], &path);
                let cli_text = cli_text.replace(&shown_path, name);
                let cli_text = if format == "sarif" {
                    // SARIF writes the path as a URI.
                    cli_text.replace(&format!("file://{name}"), name)
                } else {
                    cli_text
                };
                assert_eq!(
                    page_text, cli_text,
                    "{name}: {format} export differs from the CLI"
                );
            }
        }
        b.close().await;
    });
}

/// Empty the file list (the Clear button exists only when there are files).
async fn clear(b: &Browser) {
    b.js(
        "const c = document.getElementById('clear'); if (c) c.click(); return true;",
        vec![],
    )
    .await;
    b.wait_js(
        "return !document.querySelector('#files li')",
        "the list to be empty",
    )
    .await;
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn the_policy_panel_judges_again_at_once() {
    run(async {
        let b = Browser::open("", false).await;
        let d = read(&fixture("dynamic-pie"));
        b.drop_files(&[("dynamic-pie", &d)]).await;
        assert_eq!(b.wait_verdict(0).await, "dynamic-pie");
        let rules = || async {
            b.js(
                "return [...document.querySelectorAll('[data-testid=findings] li')].map(e => e.dataset.rule)",
                vec![],
            )
            .await
        };
        let has = |v: &Value, r: &str| v.as_array().unwrap().iter().any(|x| x == r);
        let r = rules().await;
        assert!(has(&r, "require-static"), "{r}");
        assert!(b.text("#summary").await.contains("FAIL"));

        b.click("#policy-require-static").await;
        let r = rules().await;
        assert!(!has(&r, "require-static"), "{r}");

        // A glibc floor below the file's: a finding, named by core's rule.
        let floor = core_verdict(&fixture("dynamic-pie"))
            .1
            .unwrap()
            .versions
            .glibc_floor
            .expect("dynamic-pie has a glibc floor");
        let input = b
            .client
            .find(fantoccini::Locator::Id("policy-max-glibc"))
            .await
            .unwrap();
        input.send_keys("2.0").await.unwrap();
        b.wait_js(
            "return [...document.querySelectorAll('[data-testid=findings] li')].some(e => e.dataset.rule === 'glibc-floor')",
            "a glibc-floor finding",
        )
        .await;
        let text = b
            .text("[data-testid=findings] li[data-rule=glibc-floor]")
            .await;
        assert!(text.contains(&floor), "{text} should name {floor}");

        // Bad input is refused with a message, and the last good policy stays.
        input.send_keys("x").await.unwrap();
        b.wait_js(
            "return !!document.getElementById('policy-error')",
            "the error",
        )
        .await;
        assert!(b.text("#policy-error").await.contains("2.0x"));
        let r = rules().await;
        assert!(has(&r, "glibc-floor"), "{r}");

        // Allowed libraries: anything else NEEDED is a finding.
        let libs = b
            .client
            .find(fantoccini::Locator::Id("policy-allowed"))
            .await
            .unwrap();
        libs.send_keys("libfoo.so.1").await.unwrap();
        b.wait_js(
            "return [...document.querySelectorAll('[data-testid=findings] li')].some(e => e.dataset.rule === 'needed-not-allowed')",
            "a needed-not-allowed finding",
        )
        .await;
        b.click("#policy-reset").await;
        let r = rules().await;
        assert!(
            has(&r, "require-static") && !has(&r, "needed-not-allowed"),
            "{r}"
        );
        b.close().await;
    });
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn compare_shows_what_changed_between_two_binaries() {
    run(async {
        let b = Browser::open("", false).await;
        let s = read(&fixture("musl-static"));
        let d = read(&fixture("dynamic-pie"));
        b.drop_files(&[("app-v1", &s), ("app-v2", &d)]).await;
        b.wait_verdict(0).await;
        b.wait_verdict(1).await;
        b.click("#tab-compare").await;
        b.wait_js(
            "return !!document.querySelector('[data-testid=compare-table]')",
            "the compare view",
        )
        .await;
        let picked = b
            .js(
                "const a = document.getElementById('compare-a'), b = document.getElementById('compare-b');
                 return [a.options[a.selectedIndex].text, b.options[b.selectedIndex].text]",
                vec![],
            )
            .await;
        assert_eq!(picked, json!(["app-v1", "app-v2"]));
        let verdict_row = b
            .js(
                "return document.querySelector('tr[data-compare=Verdict]').dataset.changed",
                vec![],
            )
            .await;
        assert_eq!(verdict_row, json!("true"));
        let changes = b.text("[data-testid=changes]").await;
        assert!(changes.contains("no longer static"), "{changes}");
        let regression = b
            .js(
                "return document.querySelector('[data-testid=changes] li').dataset.regression",
                vec![],
            )
            .await;
        assert_eq!(regression, json!("true"));
        assert!(b
            .text("[data-testid=size-change]")
            .await
            .starts_with("Size: "));
        b.screenshot("compare").await;
        b.close().await;
    });
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn the_keyboard_reaches_everything() {
    run(async {
        let b = Browser::open("", false).await;
        // The drop zone is a button: focusable, and it opens the picker.
        let tag = b
            .js(
                "return document.getElementById('drop-target').tagName",
                vec![],
            )
            .await;
        assert_eq!(tag, json!("BUTTON"));
        let s = read(&fixture("musl-static"));
        let d = read(&fixture("dynamic-pie"));
        b.drop_files(&[("one", &s), ("two", &d)]).await;
        b.wait_verdict(1).await;
        select(&b, 0).await;
        let item = b
            .client
            .find(fantoccini::Locator::Css("#files li[data-index=\"0\"]"))
            .await
            .unwrap();
        item.send_keys("\u{E015}").await.unwrap(); // ArrowDown
        b.wait_js(
            "return document.querySelector('#files li[data-index=\"1\"]').getAttribute('aria-selected') === 'true'
                && document.activeElement === document.querySelector('#files li[data-index=\"1\"]')",
            "ArrowDown to select and focus the next file",
        )
        .await;
        assert!(b.text("[data-testid=verdict]").await.starts_with("Dynamic"));
        let focused = b
            .client
            .find(fantoccini::Locator::Css("#files li[data-index=\"1\"]"))
            .await
            .unwrap();
        focused.send_keys("\u{E017}").await.unwrap(); // Delete
        b.wait_js(
            "return document.querySelectorAll('#files li').length === 1",
            "Delete to remove the file",
        )
        .await;
        b.close().await;
    });
}

#[test]
#[ignore = "needs Chromium, chromedriver and the built page: scripts/web-setup.sh, web/build.sh (scripts/test.sh runs them)"]
fn screenshots_of_the_page() {
    run(async {
        let b = Browser::open("", false).await;
        let empty = b.screenshot("empty").await;
        let s = read(&fixture("musl-static"));
        b.drop_files(&[("musl-static", &s)]).await;
        b.wait_verdict(0).await;
        b.screenshot("static").await;
        let d = read(&fixture("dynamic-pie"));
        b.drop_files(&[("dynamic-pie", &d)]).await;
        b.wait_verdict(1).await;
        select(&b, 1).await;
        b.screenshot("dynamic").await;
        let wide = b
            .js(
                "const box = (s) => document.querySelector(s).getBoundingClientRect();
                 return box('.main').left >= box('.files-area').right && box('.policy-area').top >= box('.files-area').bottom;",
                vec![],
            )
            .await;
        assert_eq!(
            wide,
            json!(true),
            "wide: list and policy on the left, details on the right"
        );

        // A phone: one column, nothing wider than the screen.
        b.client
            .set_window_size(390, 844)
            .await
            .expect("resize the window");
        b.wait_js("return window.innerWidth <= 400", "the narrow window")
            .await;
        let fits = b
            .js(
                "const d = document.documentElement;
                 const box = (s) => document.querySelector(s).getBoundingClientRect();
                 const files = box('.files-area'), main = box('.main'), policy = box('.policy-area');
                 return [d.scrollWidth <= d.clientWidth, main.top >= files.bottom, policy.top >= main.bottom];",
                vec![],
            )
            .await;
        assert_eq!(
            fits,
            json!([true, true, true]),
            "on a phone: no sideways scrolling; the list, then the details, then the policy"
        );
        b.screenshot("phone").await;
        b.close().await;

        let dark = Browser::open("", true).await;
        let is_dark = dark
            .js(
                "return matchMedia('(prefers-color-scheme: dark)').matches",
                vec![],
            )
            .await;
        assert_eq!(is_dark, json!(true), "dark mode was not applied");
        dark.drop_files(&[("dynamic-pie", &d)]).await;
        dark.wait_verdict(0).await;
        dark.screenshot("dynamic-dark").await;
        dark.close().await;
        assert!(std::fs::metadata(empty).unwrap().len() > 1000);
    });
}
