//! The CLI as users run it: stdout, stderr and exit code of the real executable, pinned by insta snapshots.
//! Fixtures come from `tests/fixtures/build.sh` (the README's test command builds them).

use std::path::PathBuf;
use std::process::Command;

fn fixtures() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/fixtures");
    assert!(
        dir.join(".stamp").is_file(),
        "fixtures missing: run tests/fixtures/build.sh (scripts/test.sh does)"
    );
    dir
}

/// Run `static-build` in the fixture directory and render exit code, stdout and stderr for a snapshot.
fn run(args: &[&str]) -> String {
    run_in(&fixtures(), args)
}

/// Run `static-build` in `dir`.
fn run_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_static-build"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run static-build");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({filters => vec![
            (r"\b[0-9a-f]{40}\b", "[build-id]"),
            (r"GCC: \([^)]*\) [0-9.]+", "GCC: [version]"),
            (r"go1\.[0-9.]+", "go[version]"),
            (r"static-build [0-9]+\.[0-9]+\.[0-9]+", "static-build [version]"),
            (r"go build-id  \S+", "go build-id  [go-build-id]"),
            (r"/\S*/cli-[0-9]+-ThreadId\([0-9]+\)", "[tmp]"),
            // The cache volume's project key is a hash of where the checkout is.
            (r"_[0-9a-f]{16} at /static-build-cache", "_[project-key] at /static-build-cache"),
        ]}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn static_pie_passes() {
    snap!(
        "static_pie_passes",
        run(&["inspect", "glibc-static-pie", "i386-static-pie"])
    );
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn dynamic_fails_with_the_library_named() {
    snap!("dynamic_fails", run(&["inspect", "dynamic-rpath"]));
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn allow_dynamic_turns_the_finding_off() {
    let out = run(&[
        "inspect",
        "--allow-dynamic",
        "--fail-on",
        "error",
        "dynamic-pie",
    ]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn go_pie_needs_a_loader() {
    snap!("go_pie", run(&["inspect", "go-pie"]));
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn non_elf_and_truncated() {
    snap!(
        "non_elf_and_truncated",
        run(&[
            "inspect",
            "-v",
            "script.sh",
            "empty",
            "truncated-64",
            "missing-file"
        ])
    );
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn json_output_has_schema_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_static-build"))
        .args(["inspect", "--format", "json", "glibc-static"])
        .current_dir(fixtures())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["files"][0]["binary"]["linkage"]["verdict"], "static");
    assert_eq!(v["summary"]["passed"], true);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn sarif_output() {
    let out = Command::new(env!("CARGO_BIN_EXE_static-build"))
        .args(["inspect", "--format", "sarif", "dynamic-pie"])
        .current_dir(fixtures())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "require-static");
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn policy_file_and_flags() {
    let dir = tempdir();
    let policy = dir.join("policy.toml");
    std::fs::write(
        &policy,
        "max-glibc = \"2.17\"\nallowed-needed = [\"libc.so.*\"]\n[rules]\nrequire-static = \"off\"\n",
    )
    .unwrap();
    snap!(
        "policy_file",
        run(&[
            "inspect",
            "--policy",
            policy.to_str().unwrap(),
            "dynamic-rpath"
        ])
    );
    // A bad policy is an error (2) with a message naming the file.
    std::fs::write(&policy, "max-glibc = \"two\"\n").unwrap();
    let out = run(&[
        "inspect",
        "--policy",
        policy.to_str().unwrap(),
        "dynamic-pie",
    ]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("policy.toml"), "{out}");
}

// The mistakes a newcomer makes, each failing closed with what to do about it.

/// A typo in a policy file would leave the setting at its default and pass a binary that the flag fails.
#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn a_typo_in_a_policy_file_fails_instead_of_passing() {
    let dir = tempdir();
    let policy = dir.join("typo-policy.toml");
    std::fs::write(
        &policy,
        "fail-on = \"error\"\nmax_glibc = \"2.17\"\n[rules]\nrequire-pi = \"error\"\n",
    )
    .unwrap();
    snap!(
        "mistake_policy_key",
        run(&[
            "inspect",
            "--policy",
            policy.to_str().unwrap(),
            "dynamic-pie"
        ])
    );
    std::fs::write(
        &policy,
        "max-glibc = \"2.17\"\n[rules]\nrequire-pi = \"error\"\n",
    )
    .unwrap();
    snap!(
        "mistake_policy_rule",
        run(&[
            "inspect",
            "--policy",
            policy.to_str().unwrap(),
            "dynamic-pie"
        ])
    );
}

/// An unknown key of static-build.toml, with the nearest known key; the `[policy]` table is checked too.
#[test]
fn a_typo_in_the_configuration_is_an_error_with_a_suggestion() {
    let dir = tempdir().join("config-typo");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/app\n\ngo 1.22\n").unwrap();
    std::fs::write(
        dir.join("static-build.toml"),
        "name = \"app\"\ntarget = [\"amd64\", \"arm64\"]\n\n[go]\ncgo = false\nld-flags = \"-s -w\"\n",
    )
    .unwrap();
    snap!("mistake_config_key", run_in(&dir, &["plan"]));
    std::fs::write(
        dir.join("static-build.toml"),
        "name = \"app\"\n[policy]\nmax_glibc = \"2.17\"\n",
    )
    .unwrap();
    snap!("mistake_config_policy_key", run_in(&dir, &["build"]));
}

/// Inspecting a directory that holds no ELF file (an output directory the build never filled) judged
/// nothing, so it cannot pass.
#[test]
fn nothing_to_judge_is_an_error_unless_allowed() {
    let dir = tempdir().join("empty-out");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("out")).unwrap();
    snap!("mistake_empty", run_in(&dir, &["inspect", "out"]));
    std::fs::write(dir.join("out/README.txt"), "no binary here\n").unwrap();
    snap!("mistake_no_elf", run_in(&dir, &["inspect", "out"]));
    let out = run_in(&dir, &["inspect", "--allow-empty", "out"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
}

/// `--image`, `--target` and `--package` take comma-separated lists, as the action's list inputs do.
#[test]
fn list_flags_take_commas() {
    let out = run_in(
        &repo(),
        &[
            "plan",
            "--format",
            "json",
            "--target",
            "amd64,386",
            "--image",
            "amd64=debian:bookworm,386=i386/debian:bookworm",
            "--package",
            "zlib1g-dev,libpcre2-dev",
            "examples/go-pure",
        ],
    );
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let json = &out[out.find("--- stdout\n").unwrap() + 11..out.find("--- stderr\n").unwrap()];
    let plan: serde_json::Value = serde_json::from_str(json).unwrap();
    let images: Vec<(&str, &str)> = plan["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["target"].as_str().unwrap(), t["image"].as_str().unwrap()))
        .collect();
    assert_eq!(
        images,
        [
            ("amd64", "debian:bookworm"),
            ("386", "i386/debian:bookworm")
        ]
    );
    assert!(json.contains("libpcre2-dev"), "{json}");
    snap!(
        "list_flags",
        run_in(
            &repo(),
            &[
                "plan",
                "--target",
                "amd64,386",
                "--image",
                "amd64=debian:bookworm,386=i386/debian:bookworm",
                "examples/go-pure",
            ],
        )
    );
    // One image for every target still works, and so does the repeated flag.
    let out = run_in(
        &repo(),
        &[
            "plan",
            "--format",
            "json",
            "-t",
            "amd64",
            "-t",
            "arm64",
            "--image",
            "debian:bookworm",
            "examples/go-pure",
        ],
    );
    assert_eq!(
        out.matches("\"image\": \"debian:bookworm\"").count(),
        2,
        "{out}"
    );
}

/// Colour follows `--color`, then `NO_COLOR`, `FORCE_COLOR`/`CLICOLOR_FORCE` and CI logs that show ANSI
/// colour (GitHub, Gitea, Forgejo); a pipe gets none otherwise.
#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn colour_follows_the_flag_and_the_environment() {
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_static-build"));
        cmd.args(args).current_dir(fixtures());
        for name in [
            "NO_COLOR",
            "FORCE_COLOR",
            "CLICOLOR_FORCE",
            "GITHUB_ACTIONS",
            "GITEA_ACTIONS",
            "FORGEJO_ACTIONS",
        ] {
            cmd.env_remove(name);
        }
        cmd.envs(env.iter().copied());
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        out.stdout.contains(&0x1b)
    };
    let inspect = ["inspect", "musl-static"];
    assert!(!coloured(&inspect, &[]), "a pipe gets no colour");
    assert!(coloured(&inspect, &[("FORCE_COLOR", "1")]));
    assert!(coloured(&inspect, &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&inspect, &[("FORCE_COLOR", "0")]));
    assert!(coloured(&inspect, &[("GITHUB_ACTIONS", "true")]));
    assert!(coloured(&inspect, &[("GITEA_ACTIONS", "true")]));
    assert!(!coloured(
        &inspect,
        &[("GITHUB_ACTIONS", "true"), ("NO_COLOR", "1")]
    ));
    assert!(coloured(
        &["inspect", "--color", "always", "musl-static"],
        &[("NO_COLOR", "1")]
    ));
    assert!(!coloured(
        &["inspect", "--color", "never", "musl-static"],
        &[("FORCE_COLOR", "1")]
    ));
    // A report written to a file is never coloured.
    let file = tempdir().join("coloured-report.txt");
    assert!(!coloured(
        &["inspect", "-o", file.to_str().unwrap(), "musl-static"],
        &[("FORCE_COLOR", "1")]
    ));
    assert!(!std::fs::read(&file).unwrap().contains(&0x1b));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_static-build"));
    cmd.args(["inspect", "musl-static"])
        .current_dir(fixtures())
        .env("FORCE_COLOR", "1")
        .env_remove("NO_COLOR");
    snap!(
        "colour_forced",
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).replace('\u{1b}', "<ESC>")
    );
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn unknown_rule_is_an_error() {
    let out = run(&["inspect", "--require", "no-such-rule", "dynamic-pie"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("unknown rule `no-such-rule`"), "{out}");
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn detail_view() {
    snap!(
        "detail_view",
        run(&["inspect", "--detail", "tiny-static-pie"])
    );
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn diff_reports_regressions() {
    let dir = tempdir();
    let base = dir.join("base.json");
    let head = dir.join("head.json");
    let write = |path: &PathBuf, file: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_static-build"))
            .args([
                "inspect",
                "--format",
                "json",
                "--output",
                path.to_str().unwrap(),
                file,
            ])
            .current_dir(fixtures())
            .output()
            .expect("run");
        assert!(out.status.code().is_some());
        // Both reports describe "app" so the diff matches them.
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        v["files"][0]["path"] = "app".into();
        std::fs::write(path, v.to_string()).unwrap();
    };
    write(&base, "glibc-static-pie");
    write(&head, "dynamic-pie");
    let out = run(&["diff", base.to_str().unwrap(), head.to_str().unwrap()]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    snap!("diff_regression", out);
}

fn tempdir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn plan_of_the_cgo_example() {
    snap!(
        "plan_go_cgo_zlib",
        run_in(&repo(), &["plan", "examples/go-cgo-zlib"])
    );
}

#[test]
fn every_example_plans_cleanly_for_alpine_and_debian() {
    for example in ["go-cgo-zlib", "c-zlib", "go-pure"] {
        for image in [None, Some("debian:bookworm")] {
            let dir = format!("examples/{example}");
            let mut args = vec!["plan", "--format", "json", dir.as_str()];
            if let Some(i) = image {
                args.extend(["--image", i]);
            }
            let out = Command::new(env!("CARGO_BIN_EXE_static-build"))
                .args(&args)
                .current_dir(repo())
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{example}: {stderr}");
            assert!(stderr.is_empty(), "{example}: warnings: {stderr}");
            let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON plan");
            let targets = plan["targets"].as_array().expect("targets");
            let names: Vec<&str> = targets
                .iter()
                .filter_map(|t| t["target"].as_str())
                .collect();
            assert_eq!(names, ["amd64", "386", "arm64"], "{example}");
            for t in targets {
                let manager = if image.is_some() { "apt" } else { "apk" };
                assert_eq!(t["package_manager"], manager, "{example}");
                assert!(!t["commands"].as_array().unwrap().is_empty());
                assert!(t["outputs"][0]["to"].as_str().unwrap().starts_with("out/"));
                // Every target of every preset gets the static pkg-config: named by PKG_CONFIG, put in
                // the tools directory that is first on PATH.
                let env = t["env"].as_array().unwrap();
                assert!(
                    env.iter()
                        .any(|e| e[0] == "PKG_CONFIG" && e[1] == "/static-build/bin/pkg-config"),
                    "{example} {image:?}: {env:?}"
                );
                assert_eq!(t["path"][0], "/static-build/bin", "{example}");
                let tool = &t["tools"][0];
                assert_eq!(tool["name"], "pkg-config", "{example}");
                assert!(tool["content"]
                    .as_str()
                    .unwrap()
                    .contains("--static \"$@\""));
                // The package that holds the static archive, in the image's distribution's name.
                // For a cross-built target (arm64 here), the library is the target's package.
                if example != "go-pure" {
                    let packages: Vec<&serde_json::Value> = t["packages"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .chain(t["target_packages"].as_array().into_iter().flatten())
                        .collect();
                    let wanted = if image.is_some() {
                        "zlib1g-dev"
                    } else {
                        "zlib-static"
                    };
                    assert!(
                        packages.iter().any(|p| *p == wanted),
                        "{example}: {packages:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn plan_errors_are_clear() {
    let out = run_in(&repo(), &["plan", "examples/go-pure", "--target", "mips"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("unknown target `mips`"), "{out}");
    let out = run_in(&repo(), &["plan", "docs"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("hint: set `preset`"), "{out}");
}

#[test]
fn the_real_projects_plan_static_pkg_config_for_alpine_and_debian() {
    // The configurations of the real-project tests (tests/real/*.toml), planned for the default Alpine
    // images and for Debian: every target gets the static pkg-config, and the packages that hold the
    // static archives under each distribution's names (Alpine's -static packages).
    let cases: [(&str, &str, &[&str]); 4] = [
        ("runc", "go.mod", &["libseccomp-static"]),
        ("ripgrep", "Cargo.toml", &["pcre2-static"]),
        ("mozjpeg", "configure", &["libpng-static", "zlib-static"]),
        (
            "libgit2",
            "CMakeLists.txt",
            &["libssh2-static", "openssl-libs-static", "zlib-static"],
        ),
    ];
    for (name, marker, apk_static) in cases {
        let dir = tempdir().join(format!("real-plan-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(
            repo().join(format!("tests/real/{name}.toml")),
            dir.join("static-build.toml"),
        )
        .unwrap();
        std::fs::write(dir.join(marker), "").unwrap();
        for image in [None, Some("debian:bookworm")] {
            let mut args = vec!["plan", "--format", "json"];
            if let Some(i) = image {
                args.extend(["--image", i]);
            }
            let out = Command::new(env!("CARGO_BIN_EXE_static-build"))
                .args(&args)
                .current_dir(&dir)
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
            assert!(stderr.is_empty(), "{name}: warnings: {stderr}");
            let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let targets = plan["targets"].as_array().unwrap();
            assert_eq!(targets.len(), 3, "{name}");
            for t in targets {
                let env = t["env"].as_array().unwrap();
                assert!(
                    env.iter()
                        .any(|e| e[0] == "PKG_CONFIG" && e[1] == "/static-build/bin/pkg-config"),
                    "{name}: {env:?}"
                );
                assert_eq!(t["tools"][0]["name"], "pkg-config");
                // The project's packages of a cross-built target (arm64) are the target's.
                let packages: Vec<&str> = t["packages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .chain(t["target_packages"].as_array().into_iter().flatten())
                    .filter_map(|p| p.as_str())
                    .collect();
                if image.is_none() {
                    assert_eq!(t["package_manager"], "apk");
                    assert!(packages.contains(&"pkgconf"), "{name}: {packages:?}");
                    for p in apk_static {
                        assert!(packages.contains(p), "{name}: {p} not in {packages:?}");
                    }
                } else {
                    assert_eq!(t["package_manager"], "apt");
                    assert!(packages.contains(&"pkg-config"), "{name}: {packages:?}");
                }
            }
        }
    }
}
