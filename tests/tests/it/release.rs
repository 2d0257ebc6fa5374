//! Dogfooding: the release binary of static-build, built by static-build from its own source with the release
//! recipe (`release/static-build.toml`, run here by `scripts/release-build.sh`), must be static by static-build's
//! own verdict, be what the build report says it is, match its checksum, and run.

use std::path::PathBuf;
use std::process::Command;

use static_build_core::{ElfType, LibcFamily, Outcome, Policy, Report, Verdict};
use static_build_tests::{inspect_path, root};

const ASSET: &str = "static-build-linux-amd64";

fn assets() -> PathBuf {
    let dir = root().join("target/release-assets");
    assert!(
        dir.join(ASSET).is_file(),
        "{} is missing: run scripts/release-build.sh (the README's test command, scripts/test.sh, does this)",
        dir.join(ASSET).display()
    );
    dir
}

#[test]
#[ignore = "needs the release build: scripts/release-build.sh (scripts/test.sh runs it)"]
fn release_binary_is_static_by_its_own_verdict() {
    let path = assets().join(ASSET);
    let b = inspect_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        b.linkage.verdict.is_static(),
        "verdict {:?}: {:?}",
        b.linkage.verdict,
        b.linkage.evidence
    );
    // +crt-static on musl gives a static-pie.
    assert_eq!(b.linkage.verdict, Verdict::StaticPie);
    assert_eq!(b.format.elf_type, ElfType::SharedObject);
    assert_eq!(b.format.arch, "x86_64");
    assert_eq!(b.format.bits, 64);
    assert!(b.dynamic.needed.is_empty() && b.dynamic.interpreter.is_none());
    assert_eq!(b.libc.family, LibcFamily::Musl, "{}", b.libc.basis);
    assert_eq!(b.toolchain.language.as_deref(), Some("rust"));
    let rustc = b.toolchain.rust.as_ref().and_then(|r| r.rustc.clone());
    assert!(
        rustc
            .as_deref()
            .is_some_and(|r| r.starts_with("rustc version 1.")),
        "no rustc version in .comment: {:?}",
        b.toolchain.comments
    );

    // The release gate: the default policy with the target's architecture, as `static-build build` judges.
    let policy = Policy {
        expected_arch: vec!["x86_64".into()],
        ..Policy::default()
    };
    let mut report = Report::new("test", policy);
    report.add(ASSET.into(), b.format.file_size, Ok(b));
    assert!(report.summary.passed, "{:?}", report.files[0].findings);
    assert_eq!(report.summary.static_files, 1);
}

#[test]
#[ignore = "needs the release build: scripts/release-build.sh (scripts/test.sh runs it)"]
fn build_report_of_the_recipe_passed() {
    let file = assets().join("static-build-report.json");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/release-build.sh)", file.display()));
    let report: Report = serde_json::from_str(&text).expect("a report of this schema");
    assert!(report.summary.passed, "{:?}", report.summary);
    assert_eq!(report.summary.errors, 0);
    let entry = report
        .files
        .iter()
        .find(|f| f.path.ends_with(ASSET))
        .unwrap_or_else(|| panic!("no entry for {ASSET} in {}", file.display()));
    assert_eq!(entry.target.as_deref(), Some("amd64"));
    assert!(entry.findings.is_empty(), "{:?}", entry.findings);
    match &entry.outcome {
        Outcome::Elf { binary } => {
            assert!(binary.linkage.verdict.is_static());
            assert_eq!(binary.format.arch, "x86_64");
            assert_eq!(binary.libc.family, LibcFamily::Musl);
            // The report describes the file that is there now.
            let size = std::fs::metadata(assets().join(ASSET)).unwrap().len();
            assert_eq!(entry.size, size);
        }
        other => panic!("{ASSET} was not read as ELF: {other:?}"),
    }
    // The report was written by this version of static-build.
    assert_eq!(report.tool.version, env!("CARGO_PKG_VERSION"));
}

#[test]
#[ignore = "needs the release build: scripts/release-build.sh (scripts/test.sh runs it)"]
fn checksum_file_matches_the_asset() {
    let dir = assets();
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS"))
        .expect("SHA256SUMS next to the asset (run scripts/release-build.sh)");
    let line = sums
        .lines()
        .find(|l| l.ends_with(&format!("  {ASSET}")))
        .unwrap_or_else(|| panic!("no line for {ASSET} in SHA256SUMS:\n{sums}"));
    // sha256sum format: 64 hex digits, two spaces, the file name alone (no directory).
    let (hash, name) = line.split_once("  ").unwrap();
    assert_eq!(name, ASSET);
    assert!(hash.len() == 64 && hash.bytes().all(|c| c.is_ascii_hexdigit()));
    let out = Command::new("sha256sum")
        .arg(dir.join(ASSET))
        .output()
        .expect("sha256sum (coreutils)");
    assert!(out.status.success());
    let actual = String::from_utf8_lossy(&out.stdout);
    assert_eq!(actual.split_whitespace().next(), Some(hash));
}

#[test]
#[ignore = "needs the release build: scripts/release-build.sh (scripts/test.sh runs it)"]
fn release_binary_runs_and_is_this_version() {
    // Our own binary, built from this source: running it is fine, and shows that the static binary works.
    let out = Command::new(assets().join(ASSET))
        .arg("--version")
        .env_clear()
        .output()
        .expect("run the release binary");
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.trim(),
        format!("static-build {}", env!("CARGO_PKG_VERSION"))
    );
    // And it inspects itself: static.
    let out = Command::new(assets().join(ASSET))
        .args(["inspect", "--format", "json"])
        .arg(assets().join(ASSET))
        .env_clear()
        .output()
        .expect("run the release binary");
    assert!(out.status.success(), "{out:?}");
    let report: Report = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report.summary.static_files, 1);
    assert!(report.summary.passed);
}

/// `cargo binstall` finds the release assets: every override in action/Cargo.toml names one of the files the
/// release workflow uploads, for a Linux triple of its architecture, as a raw executable.
#[test]
fn binstall_metadata_names_the_release_assets() {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("action/Cargo.toml")).unwrap())
            .unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("bin"));
    let workflow = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let overrides = binstall["overrides"].as_table().unwrap();
    let arch_of = |triple: &str| match triple.split('-').next().unwrap() {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "i686" => "386",
        "armv7" => "armv7",
        other => panic!("no release asset for {other}"),
    };
    let mut seen = std::collections::BTreeSet::new();
    for (triple, o) in overrides {
        assert!(triple.contains("-linux-"), "{triple}");
        let url = o["pkg-url"].as_str().unwrap();
        let asset = format!("static-build-linux-{}", arch_of(triple));
        assert_eq!(
            url,
            format!("{{ repo }}/releases/download/v{{ version }}/{asset}"),
            "{triple}"
        );
        assert!(
            workflow.contains(&format!("\"$ASSETS\"/{asset}")),
            "{asset} is not uploaded"
        );
        seen.insert(asset);
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
}

/// The release builds its foreign assets cross-compiled on the x86-64 runner (no QEMU), with the toolchain
/// the recipe's images give: the recipe planned for an amd64 build machine says so per target, and the time
/// limits (per target, and the workflow job's) are those of native-speed builds.
#[test]
fn the_release_cross_compiles_arm64_and_armv7() {
    use static_build_core::plan::{resolve, BuildMode, Config, ProjectFacts};
    let recipe = std::fs::read_to_string(root().join("release/static-build.toml")).unwrap();
    let config = Config::from_toml(&recipe).unwrap();
    let facts = ProjectFacts {
        project_key: "release".into(),
        dir_name: "static-build".into(),
        top_level_files: vec!["Cargo.toml".into(), "Cargo.lock".into()],
        go_uses_cgo: false,
        pull_request: None,
        build_arch: Some("amd64".into()),
    };
    let plan = resolve(&config, &facts).unwrap();
    let mode = |t: &str| {
        let t = plan.targets.iter().find(|p| p.target == t).unwrap();
        (
            t.build.clone(),
            t.build_platform.clone(),
            t.commands[0].clone(),
        )
    };
    assert_eq!(mode("amd64").0, BuildMode::Native);
    assert_eq!(mode("386").0, BuildMode::Native);
    for (target, compiler, triple) in [
        (
            "arm64",
            "clang --target=aarch64-alpine-linux-musl",
            "aarch64-unknown-linux-musl",
        ),
        (
            "armv7",
            "arm-linux-gnueabihf-gcc",
            "armv7-unknown-linux-musleabihf",
        ),
    ] {
        let (build, platform, host) = mode(target);
        assert!(
            matches!(&build, BuildMode::Cross { toolchain } if toolchain.contains(compiler)),
            "{target}: {build:?}"
        );
        assert_eq!(platform, "linux/amd64", "{target}");
        assert_eq!(host, format!("host={triple}"), "{target}");
    }
    assert!(plan.timeout_secs <= 3600, "{}", plan.timeout_secs);
    let workflow = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let minutes: u64 = workflow
        .lines()
        .find_map(|l| l.trim().strip_prefix("timeout-minutes:"))
        .and_then(|v| v.split('#').next()?.trim().parse().ok())
        .expect("the release job's timeout-minutes");
    assert!(minutes <= 120, "{minutes}");
}
