//! The action's install step (`action/scripts/install.sh`) run directly with bash, as the runner runs it:
//! the inputs and the runner's variables in the environment (INPUT_VERSION, INPUT_RELEASE_URL,
//! INPUT_BUILD_FROM_SOURCE, GITHUB_ACTION_PATH, GITHUB_ACTION_REPOSITORY, GITHUB_SERVER_URL, GITHUB_OUTPUT,
//! GITHUB_PATH, RUNNER_TOOL_CACHE, RUNNER_TEMP...), and a local HTTP server for the forge's releases.
//!
//! Each test makes a throwaway tree under `target/install-tests/<name>/`: a minimal copy of the action
//! (`action/scripts/`, a Cargo.toml that names the source's version, optionally `dist/`), a tool cache, a
//! temporary directory and a `bin/` first on PATH with a stand-in `cargo`.
//!
//! Stand-ins, and why:
//! - The "release binary" the server publishes is a two-line shell script that answers `--version` like
//!   static-build. install.sh runs the binary only for `--version`; what it checks is the file's SHA-256.
//! - `cargo` is a shell script that writes such a script where `cargo build --release` would put
//!   static-build, and logs each call. The real build of static-build takes minutes, and what is under test
//!   is what install.sh does around the build (labelling, the recorded sum, the cache's check), not cargo.
//!
//! Nothing here needs Docker or the network; PATH holds only the stand-ins and the system's directories, so
//! the real cargo is never reached.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use static_build_tests::server::Server;
use static_build_tests::{root, sha256};

/// The release the server publishes.
const VERSION: &str = "1.2.3";
/// The version in the copy of the action's Cargo.toml: what a build from its source is.
const SOURCE_VERSION: &str = "9.8.7";
const ASSET: &str = "static-build-linux-amd64";
/// The repository the action runs from (GITHUB_ACTION_REPOSITORY).
const ACTION_REPO: &str = "acme/static-build";

/// The stand-in release binary (see the module's doc).
fn release_binary(version: &str) -> Vec<u8> {
    format!("#!/bin/sh\necho \"static-build {version}\"\n").into_bytes()
}

/// The stand-in cargo: `cargo build` writes a script that answers `--version` with the version in
/// FAKE_CARGO_VERSION, at `$CARGO_TARGET_DIR/release/static-build`, and appends its arguments to FAKE_CARGO_LOG.
const FAKE_CARGO: &str = r#"#!/bin/sh
# Stand-in for cargo in tests/tests/it/install.rs: a real build of static-build takes minutes.
set -eu
echo "$*" >>"$FAKE_CARGO_LOG"
[ "$1" = build ] || { echo "fake cargo: only 'build'" >&2; exit 1; }
mkdir -p "$CARGO_TARGET_DIR/release"
out=$CARGO_TARGET_DIR/release/static-build
printf '#!/bin/sh\necho "static-build %s"\n# built from source by the stand-in cargo\n' "$FAKE_CARGO_VERSION" >"$out"
chmod 0755 "$out"
"#;

/// A throwaway action checkout, tool cache and environment for install.sh.
struct Setup {
    dir: PathBuf,
    env: Vec<(String, String)>,
}

/// What one run of install.sh did.
struct Run {
    success: bool,
    log: String,
    outputs: Vec<(String, String)>,
}

impl Run {
    fn output(&self, key: &str) -> Option<&str> {
        self.outputs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn check(&self, cond: bool, what: &str) {
        assert!(
            cond,
            "{what}\n--- install.sh {}; outputs {:?}; its log:\n{}",
            if self.success { "succeeded" } else { "failed" },
            self.outputs,
            self.log
        );
    }

    /// The `::error` / `::warning` workflow commands install.sh printed.
    fn commands(&self, kind: &str) -> Vec<&str> {
        let prefix = format!("::{kind} ");
        self.log
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .collect()
    }
}

/// What the action pins: (dist/VERSION, dist/SHA256SUMS), or None for no dist/.
type Dist = Option<(&'static str, String)>;

fn setup(name: &str, dist: Dist) -> Setup {
    let dir = root().join("target/install-tests").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove the previous test tree");
    }
    let action = dir.join("action-checkout");
    std::fs::create_dir_all(action.join("action/scripts")).unwrap();
    for script in ["common.sh", "install.sh"] {
        std::fs::copy(
            root().join("action/scripts").join(script),
            action.join("action/scripts").join(script),
        )
        .unwrap_or_else(|e| panic!("copy action/scripts/{script}: {e}"));
    }
    std::fs::write(
        action.join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = [\"action\"]\n\n[workspace.package]\nversion = \"{SOURCE_VERSION}\"\n"
        ),
    )
    .unwrap();
    std::fs::write(action.join("Cargo.lock"), "# stand-in\n").unwrap();
    if let Some((version, sums)) = dist {
        std::fs::create_dir_all(action.join("dist")).unwrap();
        std::fs::write(action.join("dist/VERSION"), format!("{version}\n")).unwrap();
        std::fs::write(action.join("dist/SHA256SUMS"), sums).unwrap();
    }
    let bin = dir.join("bin");
    for d in [&bin, &dir.join("home"), &dir.join("temp")] {
        std::fs::create_dir_all(d).unwrap();
    }
    let cargo = bin.join("cargo");
    std::fs::write(&cargo, FAKE_CARGO).unwrap();
    run_ok(Command::new("chmod").arg("0755").arg(&cargo), "chmod cargo");

    let path = |p: &Path| p.display().to_string();
    let env = vec![
        (
            "PATH",
            format!("{}:/usr/local/bin:/usr/bin:/bin", path(&bin)),
        ),
        ("HOME", path(&dir.join("home"))),
        ("LC_ALL", "C".to_string()),
        ("GITHUB_ACTION_PATH", path(&action)),
        ("GITHUB_ACTION_REPOSITORY", ACTION_REPO.to_string()),
        ("GITHUB_SERVER_URL", "https://github.com".to_string()),
        ("GITHUB_OUTPUT", path(&dir.join("github-output"))),
        ("GITHUB_PATH", path(&dir.join("github-path"))),
        ("RUNNER_OS", "Linux".to_string()),
        ("RUNNER_ARCH", "X64".to_string()),
        ("RUNNER_TOOL_CACHE", path(&dir.join("toolcache"))),
        ("RUNNER_TEMP", path(&dir.join("temp"))),
        ("INPUT_VERSION", String::new()),
        ("INPUT_RELEASE_URL", String::new()),
        ("INPUT_BUILD_FROM_SOURCE", "false".to_string()),
        ("FAKE_CARGO_LOG", path(&dir.join("cargo.log"))),
        ("FAKE_CARGO_VERSION", SOURCE_VERSION.to_string()),
    ];
    Setup {
        dir,
        env: env.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    }
}

fn run_ok(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(out.status.success(), "{what} failed");
}

impl Setup {
    fn set(&mut self, key: &str, value: &str) -> &mut Self {
        match self.env.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_string(),
            None => self.env.push((key.to_string(), value.to_string())),
        }
        self
    }

    /// Run install.sh as the action's step does (`bash --noprofile --norc install.sh`), with only the
    /// setup's environment; GITHUB_OUTPUT starts empty, so the outputs are this run's.
    fn run(&self) -> Run {
        let output_file = self.dir.join("github-output");
        let _ = std::fs::remove_file(&output_file);
        let script = self.dir.join("action-checkout/action/scripts/install.sh");
        let out = Command::new("bash")
            .args(["--noprofile", "--norc"])
            .arg(&script)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .output()
            .expect("run bash");
        let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        let outputs = std::fs::read_to_string(&output_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Run {
            success: out.status.success(),
            log,
            outputs,
        }
    }

    /// The calls of the stand-in cargo so far.
    fn cargo_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("cargo.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

fn pinned(sha: &str) -> Dist {
    Some((VERSION, format!("{sha}  {ASSET}\n")))
}

/// The release's files under `prefix` (a release URL's path): the binary and its SHA256SUMS.
fn release_files(prefix: &str, sums_sha: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        (
            format!("{prefix}/v{VERSION}/{ASSET}"),
            release_binary(VERSION),
        ),
        (
            format!("{prefix}/v{VERSION}/SHA256SUMS"),
            format!("{sums_sha}  {ASSET}\n").into_bytes(),
        ),
    ]
}

#[test]
fn a_pinned_sum_is_checked_whatever_the_release_url() {
    let sha = sha256(&release_binary(VERSION));
    let server = Server::start(release_files("", &sha));
    let mut s = setup("pinned", pinned(&sha));
    // Not a release of the action's repository: the pinned sum is what makes it acceptable.
    s.set("INPUT_RELEASE_URL", &server.url());

    let run = s.run();
    run.check(run.success, "the pinned download should be accepted");
    run.check(
        run.log.contains(&format!(
            "sha256 {sha} verified against the sum pinned in the action (dist/SHA256SUMS)"
        )),
        "the log should say the sum was the pinned one",
    );
    run.check(
        run.output("version") == Some(VERSION) && run.output("source") == Some("download"),
        "outputs: version 1.2.3, source download",
    );
    let path = PathBuf::from(run.output("path").unwrap_or_default());
    run.check(
        std::fs::read(&path).ok() == Some(release_binary(VERSION)),
        "output `path` should be the downloaded binary",
    );
    let on_path = std::fs::read_to_string(s.dir.join("github-path")).unwrap_or_default();
    run.check(
        on_path
            .lines()
            .any(|l| Path::new(l) == path.parent().unwrap()),
        "the binary's directory should be added to GITHUB_PATH",
    );
    assert_eq!(
        server.requests(),
        [format!("200 /v{VERSION}/{ASSET}")],
        "one download of the binary, and no SHA256SUMS"
    );

    // The second use takes it from the tool cache, after checking its sum.
    let run = s.run();
    run.check(
        run.success && run.output("source") == Some("cache"),
        "the second run should use the cache",
    );
    assert_eq!(server.requests().len(), 1, "the cache was not used");

    // A cached download that is not the expected file is downloaded again, not used.
    std::fs::write(&path, b"#!/bin/sh\necho tampered\n").unwrap();
    let run = s.run();
    run.check(
        run.success && run.output("source") == Some("download"),
        "a changed cached download should be downloaded again",
    );
    run.check(
        std::fs::read(&path).ok() == Some(release_binary(VERSION)),
        "the cached binary should be the release again",
    );
    assert_eq!(server.requests().len(), 2);
    assert!(s.cargo_calls().is_empty(), "nothing may be built");
}

#[test]
fn a_release_url_without_a_pinned_sum_is_refused_unless_it_is_the_actions_own() {
    let sha = sha256(&release_binary(VERSION));
    // The server publishes the release (with matching sums) everywhere a case below points: a request
    // would succeed, so only install.sh's refusal keeps the list of requests empty.
    let mut files = release_files("", &sha);
    for prefix in [
        "/acme/static-build/releases/download",
        "/acme/static-build-fork/releases/download",
        "/acme/static-build/releases/download/x",
    ] {
        files.extend(release_files(prefix, &sha));
    }
    let server = Server::start(files);
    let url = server.url();
    // (test tree, what the action pins, release-url, GITHUB_SERVER_URL)
    let cases: Vec<(&str, Dist, String, &str)> = vec![
        ("refused-no-dist", None, url.clone(), "https://github.com"),
        // dist/ pins another version than the one asked for.
        (
            "refused-other-version",
            Some(("1.2.2", format!("{sha}  {ASSET}\n"))),
            url.clone(),
            "https://github.com",
        ),
        // dist/ pins the version, but not this asset.
        (
            "refused-asset-not-pinned",
            Some((VERSION, format!("{sha}  static-build-linux-arm64\n"))),
            url.clone(),
            "https://github.com",
        ),
        // Shaped like a release of the action's repository, but not on this server.
        (
            "refused-not-the-server",
            None,
            format!("{url}/acme/static-build/releases/download"),
            "https://github.com",
        ),
        // On the server, but another repository, or below the releases.
        (
            "refused-other-repository",
            None,
            format!("{url}/acme/static-build-fork/releases/download"),
            &url,
        ),
        (
            "refused-longer-path",
            None,
            format!("{url}/acme/static-build/releases/download/x"),
            &url,
        ),
    ];
    for (name, dist, release_url, server_url) in cases {
        let mut s = setup(name, dist);
        s.set("INPUT_VERSION", VERSION)
            .set("INPUT_RELEASE_URL", &release_url)
            .set("GITHUB_SERVER_URL", server_url);
        let run = s.run();
        run.check(!run.success, &format!("{name}: install.sh should fail"));
        let errors = run.commands("error");
        run.check(
            errors.iter().any(|e| {
                e.contains("refusing to download")
                    && e.contains(&release_url)
                    && e.contains("dist/SHA256SUMS")
                    && e.contains(&format!("{server_url}/{ACTION_REPO}/releases/download"))
                    && e.contains("build-from-source: true")
                    && e.contains("Nothing was downloaded")
            }),
            &format!("{name}: an ::error should refuse the URL and name the three fixes"),
        );
        run.check(
            run.outputs.is_empty(),
            &format!("{name}: no output may be set"),
        );
        assert!(
            s.cargo_calls().is_empty(),
            "{name}: nothing may be built instead"
        );
        assert_eq!(
            server.requests(),
            Vec::<String>::new(),
            "{name}: nothing may be downloaded"
        );
    }
}

#[test]
fn a_release_of_the_actions_own_repository_is_checked_against_its_own_sums() {
    // The forge is the local server: GITHUB_SERVER_URL points at it, as on GitHub Enterprise Server, Gitea
    // or Forgejo, so `${GITHUB_SERVER_URL}/${GITHUB_ACTION_REPOSITORY}/releases/download` reaches it.
    let sha = sha256(&release_binary(VERSION));
    let prefix = format!("/{ACTION_REPO}/releases/download");
    let server = Server::start(release_files(&prefix, &sha));
    let release_url = format!("{}{prefix}", server.url());
    let mut s = setup("own-repository", None);
    s.set("INPUT_VERSION", VERSION)
        .set("INPUT_RELEASE_URL", &format!("{release_url}/"))
        .set("GITHUB_SERVER_URL", &server.url());
    let run = s.run();
    run.check(
        run.success,
        "a release of the action's own repository should be accepted",
    );
    run.check(
        run.log.lines().any(|l| {
            l.contains(&format!(
                "sha256 {sha} verified against the release's SHA256SUMS"
            )) && l.contains("is trusted only from the releases of the action's own repository")
                && l.contains(&format!("{ACTION_REPO} on {}", server.url()))
        }),
        "the log should say which sum was used and by which rule it is trusted",
    );
    run.check(
        run.output("version") == Some(VERSION) && run.output("source") == Some("download"),
        "outputs: version 1.2.3, source download",
    );
    assert_eq!(
        server.requests(),
        [
            format!("200 {prefix}/v{VERSION}/SHA256SUMS"),
            format!("200 {prefix}/v{VERSION}/{ASSET}"),
        ]
    );

    // The release's sums still have to match: a mismatch fails hard and builds nothing.
    let wrong = sha256(b"not the release binary");
    let server = Server::start(release_files(&prefix, &wrong));
    let mut s = setup("own-repository-mismatch", None);
    s.set("INPUT_VERSION", VERSION)
        .set("INPUT_RELEASE_URL", &format!("{}{prefix}", server.url()))
        .set("GITHUB_SERVER_URL", &server.url());
    let run = s.run();
    run.check(!run.success, "a mismatch should fail");
    run.check(
        run.commands("error")
            .iter()
            .any(|e| e.contains("checksum mismatch") && e.contains(&wrong)),
        "an ::error should report the mismatch",
    );
    run.check(run.outputs.is_empty(), "no output may be set");
    assert!(s.cargo_calls().is_empty(), "nothing may be built");
}

#[test]
fn a_pinned_sum_mismatch_fails_and_builds_nothing() {
    let server = Server::start(release_files("", &sha256(&release_binary(VERSION))));
    let wrong = sha256(b"not the release binary");
    let mut s = setup("pinned-mismatch", pinned(&wrong));
    s.set("INPUT_RELEASE_URL", &server.url());
    let run = s.run();
    run.check(!run.success, "a mismatch should fail");
    run.check(
        run.commands("error").iter().any(|e| {
            e.contains("checksum mismatch") && e.contains(&wrong) && e.contains("dist/SHA256SUMS")
        }),
        "an ::error should report the mismatch against the pinned sum",
    );
    run.check(run.outputs.is_empty(), "no output may be set");
    assert!(s.cargo_calls().is_empty(), "nothing may be built");
    assert_eq!(server.requests(), [format!("200 /v{VERSION}/{ASSET}")]);
}

#[test]
fn a_build_from_source_is_labelled_as_one_not_as_the_release() {
    // The pinned release is missing (404): install.sh falls back to building the action's source, whose
    // version (9.8.7) is not the release's (1.2.3).
    let server = Server::start(Vec::new());
    let mut s = setup("source-fallback", pinned(&sha256(&release_binary(VERSION))));
    s.set("INPUT_RELEASE_URL", &server.url());
    let run = s.run();
    run.check(run.success, "the build from source should succeed");
    assert_eq!(server.requests(), [format!("404 /v{VERSION}/{ASSET}")]);
    assert_eq!(
        s.cargo_calls(),
        [format!(
            "build --release --locked -p static-build --manifest-path {}",
            s.dir.join("action-checkout/Cargo.toml").display()
        )]
    );
    let label = format!("{SOURCE_VERSION}+source");
    run.check(
        run.output("version") == Some(label.as_str()) && run.output("source") == Some("cargo"),
        &format!("outputs: version {label}, source cargo"),
    );
    run.check(
        run.log.contains(&format!(
            "using static-build {SOURCE_VERSION} from the action's source, not the published release v{VERSION}"
        )) && run.log.contains(&format!(
            "building static-build {SOURCE_VERSION} from the action's source with cargo"
        )),
        "the log should say what is built, and that it is not the release",
    );
    run.check(
        run.log.lines().any(|l| {
            l.starts_with("static-build: using ")
                && l.contains("(cargo)")
                && l.contains("built from the action's source")
                && l.contains(&format!("not the published release v{VERSION}"))
        }),
        "the line that names the binary in use should say it is a build from source",
    );

    // Asked for with build-from-source: true: the same label.
    let mut s2 = setup("source-asked", None);
    s2.set("INPUT_BUILD_FROM_SOURCE", "true")
        .set("INPUT_VERSION", VERSION);
    let run = s2.run();
    run.check(
        run.success
            && run.output("version") == Some(label.as_str())
            && run.output("source") == Some("cargo"),
        "build-from-source: true labels the build the same way",
    );
}

#[test]
fn a_tampered_cached_build_from_source_is_detected_and_rebuilt() {
    let mut s = setup("source-cache", None);
    s.set("INPUT_BUILD_FROM_SOURCE", "true");
    let first = s.run();
    first.check(first.success, "the first build should succeed");
    let bin = PathBuf::from(first.output("path").unwrap_or_default());
    let built = std::fs::read(&bin).expect("the built binary");
    let recorded = std::fs::read_to_string(bin.with_file_name("static-build.sha256"))
        .expect("the sum recorded next to the build");
    assert_eq!(recorded, format!("{}  static-build\n", sha256(&built)));
    assert_eq!(s.cargo_calls().len(), 1);

    // Unchanged: reused after its check, and still labelled a build from source.
    let run = s.run();
    run.check(
        run.success
            && run.output("source") == Some("cargo")
            && run.output("version") == Some(&format!("{SOURCE_VERSION}+source"))
            && run.output("path") == Some(&bin.display().to_string()),
        "an unchanged cached build should be reused",
    );
    run.check(
        run.log
            .contains("reused from the cache: its sha256 is the one recorded"),
        "the log should say the cached build was checked",
    );
    assert_eq!(
        s.cargo_calls().len(),
        1,
        "an unchanged cached build was rebuilt"
    );

    // Each way the cache can be changed: (what is done, a word the warning must hold).
    let marker = s.dir.join("tampered-binary-ran");
    let tampered_script = format!(
        "#!/bin/sh\ntouch '{}'\necho \"static-build {SOURCE_VERSION}\"\n",
        marker.display()
    );
    let other_version = "#!/bin/sh\necho \"static-build 6.6.6\"\n";
    type Tamper = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Tamper, &str)> = vec![
        (
            "another binary that claims the right version",
            Box::new(move |bin: &Path| std::fs::write(bin, &tampered_script).unwrap()),
            "sha256",
        ),
        (
            "another binary, its sum recorded too, with another version",
            Box::new(move |bin: &Path| {
                std::fs::write(bin, other_version).unwrap();
                std::fs::write(
                    bin.with_file_name("static-build.sha256"),
                    format!("{}  static-build\n", sha256(other_version.as_bytes())),
                )
                .unwrap();
            }),
            "--version",
        ),
        (
            "the recorded sum removed",
            Box::new(|bin: &Path| {
                std::fs::remove_file(bin.with_file_name("static-build.sha256")).unwrap()
            }),
            "no sha256 was recorded",
        ),
    ];
    for (i, (what, tamper, why)) in cases.into_iter().enumerate() {
        tamper(&bin);
        let run = s.run();
        run.check(
            run.success,
            &format!("{what}: install.sh should rebuild and succeed"),
        );
        run.check(
            run.commands("warning").iter().any(|w| {
                w.contains(&bin.display().to_string())
                    && w.contains("is not used")
                    && w.contains(why)
                    && w.contains("Rebuilding it from scratch")
            }),
            &format!("{what}: a ::warning should say the cached build is not used ({why}) and is rebuilt"),
        );
        assert_eq!(
            s.cargo_calls().len(),
            2 + i,
            "{what}: the build should run again"
        );
        run.check(
            std::fs::read(&bin).ok() == Some(built.clone())
                && run.output("path") == Some(&bin.display().to_string())
                && run.output("source") == Some("cargo"),
            &format!("{what}: the binary in use should be the new build"),
        );
        run.check(
            std::fs::read_to_string(bin.with_file_name("static-build.sha256")).ok()
                == Some(recorded.clone()),
            &format!("{what}: the new build's sum should be recorded"),
        );
    }
    assert!(
        !marker.exists(),
        "a cached binary whose sum does not match was run"
    );
}
