//! The build caches between CI runs: the action's cache steps as action.yml writes them, its key step
//! (`action/scripts/run.sh key`) run as the runner runs it, and, against the real Docker engine, a cache
//! exported, its volume removed as on a runner that starts empty, and imported: warm when the archive is
//! good; a warning and a cold build that passes when it is cut short, changed, made for another image, or
//! hostile.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// The lines of one step of action.yml's `runs.steps`, from its `- id: ID` line to the next step.
fn step<'a>(action: &'a str, id: &str) -> Vec<&'a str> {
    let start = format!("    - id: {id}");
    let mut lines = action.lines().skip_while(|l| *l != start);
    let mut out: Vec<&str> = lines.next().into_iter().collect();
    out.extend(lines.take_while(|l| !l.starts_with("    - ")));
    assert!(!out.is_empty(), "action.yml has no step `{id}`");
    out
}

fn field<'a>(lines: &[&'a str], key: &str) -> Option<&'a str> {
    lines
        .iter()
        .find_map(|l| l.trim_start().strip_prefix(&format!("{key}: ")))
}

#[test]
fn the_action_restores_and_saves_with_the_documented_key_and_conditions() {
    let action = std::fs::read_to_string(repo().join("action.yml")).expect("action.yml");
    // The key step runs the key mode of run.sh with every input that decides the plan.
    let key = step(&action, "cache-key");
    assert!(
        key.iter()
            .any(|l| l.contains("action/scripts/run.sh\" key")),
        "{key:?}"
    );
    for input in [
        "cache",
        "cache-key",
        "save-cache",
        "reports",
        "path",
        "config",
        "preset",
        "targets",
        "image",
        "package-manager",
        "packages",
        "command",
        "out-dir",
    ] {
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert_eq!(
            field(&key, &var),
            Some(format!("${{{{ inputs.{input} }}}}").as_str()),
            "the key step should get input `{input}` as {var}"
        );
    }
    assert_eq!(field(&key, "RUNNER_OS"), Some("${{ runner.os }}"));
    assert_eq!(field(&key, "RUNNER_ARCH"), Some("${{ runner.arch }}"));

    // Restore: only when the key step set a key, the exact key first, then the newest of the same setup.
    let restore = step(&action, "cache-restore");
    assert_eq!(field(&restore, "uses"), Some("actions/cache/restore@v4"));
    assert_eq!(
        field(&restore, "if"),
        Some("${{ steps.cache-key.outputs.key != '' }}")
    );
    assert_eq!(
        field(&restore, "path"),
        Some("${{ steps.cache-key.outputs.dir }}")
    );
    assert_eq!(
        field(&restore, "key"),
        Some("${{ steps.cache-key.outputs.key }}")
    );
    assert_eq!(
        field(&restore, "restore-keys"),
        Some("${{ steps.cache-key.outputs.restore-key }}")
    );

    // The build imports the directory, and exports it only when it is to be saved and the exact key was not
    // restored.
    let run = step(&action, "run");
    assert_eq!(
        field(&run, "INPUT_CACHE_DIR"),
        Some("${{ steps.cache-key.outputs.dir }}")
    );
    assert_eq!(
        field(&run, "INPUT_CACHE_SAVE"),
        Some("${{ steps.cache-key.outputs.save == 'true' && steps.cache-restore.outputs.cache-hit != 'true' }}")
    );

    // Save: after the build whatever its verdict (not when cancelled), only what the build exported.
    let save = step(&action, "cache-save");
    assert_eq!(field(&save, "uses"), Some("actions/cache/save@v4"));
    assert_eq!(
        field(&save, "if"),
        Some("${{ !cancelled() && steps.cache-key.outputs.key != '' && steps.run.outputs.cache-exported == 'true' }}")
    );
    assert_eq!(
        field(&save, "path"),
        Some("${{ steps.cache-key.outputs.dir }}")
    );
    assert_eq!(
        field(&save, "key"),
        Some("${{ steps.cache-key.outputs.key }}")
    );
    // actions/cache is referenced by these two steps only, each behind the key step's key.
    let uses: Vec<&str> = action
        .lines()
        .filter(|l| l.contains("uses:") && l.contains("actions/cache"))
        .collect();
    assert_eq!(uses.len(), 2, "{uses:?}");
}

/// `run.sh key` as the runner runs it: the inputs in the environment, the outputs in GITHUB_OUTPUT.
fn key_step(project: &Path, env: &[(&str, &str)]) -> (bool, String, String) {
    let work = tempdir("key-step");
    let output = work.join("github_output");
    std::fs::write(&output, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("action/scripts/run.sh"))
        .arg("key")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("STATIC_BUILD_BIN", env!("CARGO_BIN_EXE_static-build"))
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", &work)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("INPUT_PATH", project)
        .env("INPUT_IMAGE", "debian:12")
        .env("INPUT_PACKAGE_MANAGER", "apt")
        .current_dir(&work);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash");
    (
        out.status.success(),
        std::fs::read_to_string(&output).unwrap(),
        text(&out),
    )
}

fn output<'a>(outputs: &'a str, name: &str) -> Option<&'a str> {
    outputs
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
}

#[test]
fn the_key_step_sets_the_key_and_decides_whether_to_save() {
    let project = copy_example("go-cgo-zlib");
    let (ok, outputs, log) = key_step(&project, &[("GITHUB_EVENT_NAME", "push")]);
    assert!(ok, "{log}");
    let key = output(&outputs, "key").unwrap_or_else(|| panic!("no key: {outputs}\n{log}"));
    let prefix = output(&outputs, "restore-key").expect("restore-key");
    assert!(key.starts_with(prefix) && prefix.starts_with("static-build-linux-x64-"));
    assert!(output(&outputs, "dir").is_some_and(|d| d.ends_with("/static-build-cache")));
    assert_eq!(output(&outputs, "save"), Some("true"));

    // The lock files are part of the key, not of the prefix.
    std::fs::write(project.join("go.sum"), "example.com/x v1.0.0 h1:x\n").unwrap();
    let (_, outputs2, _) = key_step(&project, &[("GITHUB_EVENT_NAME", "push")]);
    assert_ne!(output(&outputs2, "key"), Some(key));
    assert_eq!(output(&outputs2, "restore-key"), Some(prefix));
    // The cache-key input changes the prefix.
    let (_, outputs3, _) = key_step(
        &project,
        &[("GITHUB_EVENT_NAME", "push"), ("INPUT_CACHE_KEY", "v2")],
    );
    assert_ne!(output(&outputs3, "restore-key"), Some(prefix));

    // A pull request restores but does not save, unless told to.
    let pr = [
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_REF", "refs/pull/5/merge"),
    ];
    let (_, outputs, _) = key_step(&project, &pr);
    assert_eq!(output(&outputs, "save"), Some("false"));
    assert!(output(&outputs, "key").is_some());
    let (_, outputs, _) = key_step(&project, &[pr[0], pr[1], ("INPUT_SAVE_CACHE", "true")]);
    assert_eq!(output(&outputs, "save"), Some("true"));

    // cache: false, or a merge of reports: no key, so neither cache step runs.
    for off in [
        vec![("INPUT_CACHE", "false")],
        vec![("INPUT_REPORTS", "a.json")],
    ] {
        let (ok, outputs, log) = key_step(&project, &off);
        assert!(ok, "{log}");
        assert!(!outputs.contains("key="), "{off:?}: {outputs}");
        assert!(log.contains("cache: off"), "{log}");
    }
    // Nor when the configuration turns caching off.
    std::fs::write(
        project.join("static-build.toml"),
        "name = \"x\"\ncache = false\n",
    )
    .unwrap();
    let (ok, outputs, log) = key_step(&project, &[]);
    assert!(
        ok && !outputs.contains("key=") && log.contains("cache: off"),
        "{log}"
    );
    // A value that is neither true nor false is an error, not a guess.
    let (ok, _, log) = key_step(&project, &[("INPUT_CACHE", "yes")]);
    assert!(
        !ok && log.contains("input cache must be true or false"),
        "{log}"
    );
}

/// A project whose build downloads nothing and leaves something in its cache volume: a C program built
/// by a script that also writes a marker into the cache.
fn cache_project() -> PathBuf {
    let dir = tempdir("cache-project");
    std::fs::write(
        dir.join("main.c"),
        "#include <stdio.h>\nint main(void) { puts(\"cached\"); return 0; }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("build_static.sh"),
        "set -eu\nif [ -f /static-build-cache/marker ]; then echo WARM-CACHE; else echo COLD-CACHE; fi\nmkdir -p /static-build-cache/sub && echo kept >/static-build-cache/sub/marker-data && touch /static-build-cache/marker\nln -sf sub /static-build-cache/link\ngcc -O2 -static -o app main.c\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("static-build.toml"),
        "name = \"app\"\npreset = \"script\"\noutputs = [\"app\"]\n",
    )
    .unwrap();
    dir
}

fn build_args(image: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "build",
        "--target",
        "amd64",
        "--image",
        image,
        "--package-manager",
        "none",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run(dir: &Path, args: &[String]) -> (bool, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = static_build(dir, &args);
    (out.status.success(), text(&out))
}

/// The archive file of the one volume in a cache directory.
fn archive(cache: &Path) -> PathBuf {
    std::fs::read_dir(cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".tar.zst"))
        .expect("an archive in the cache directory")
}

#[test]
#[ignore = "needs the Docker engine and the amd64 builder image: scripts/docker.sh, scripts/builder-images.sh amd64"]
fn a_cache_survives_the_loss_of_its_volume_and_a_bad_one_is_a_warning_and_a_cold_build() {
    let image = builder("amd64");
    let dir = cache_project();
    let cache = dir.join("ci-cache");
    let cache_arg = cache.to_string_lossy().into_owned();
    let plan_args = [
        "--target",
        "amd64",
        "--image",
        &image,
        "--package-manager",
        "none",
    ];
    remove_caches(&dir, &plan_args);

    // Cold, exported.
    let (ok, t) = run(&dir, &build_args(&image, &["--cache-export", &cache_arg]));
    assert!(ok, "{t}");
    assert!(
        t.contains("COLD-CACHE") && t.contains("1 volume(s) exported"),
        "{t}"
    );
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(cache.join("static-build-cache.json")).expect("the manifest"),
    )
    .unwrap();
    assert_eq!(manifest["format"], 1);
    let entry = &manifest["volumes"][0];
    assert_eq!(entry["target"], "amd64");
    assert_eq!(entry["image"], image.as_str());
    assert_eq!(entry["preset"], "script");
    assert!(entry["bytes"].as_u64().unwrap() > 0 && entry["sha256"].as_str().unwrap().len() == 64);

    // As on a runner that starts empty: the volume is gone; the import brings it back and the build is warm.
    remove_caches(&dir, &plan_args);
    let import = ["--cache-import", cache_arg.as_str()];
    let (ok, t) = run(&dir, &build_args(&image, &import));
    assert!(ok, "{t}");
    assert!(t.contains("WARM-CACHE"), "{t}");
    assert!(
        t.contains("1 volume(s) imported") && t.contains("cache hit: true"),
        "{t}"
    );
    // The volume is here now: a second import leaves it alone.
    let (ok, t) = run(&dir, &build_args(&image, &import));
    assert!(
        ok && t.contains("is here already") && t.contains("WARM-CACHE"),
        "{t}"
    );

    let good = std::fs::read(archive(&cache)).unwrap();
    // A copy cut short, and one with a byte changed.
    type Damage = fn(&[u8]) -> Vec<u8>;
    let damaged: [(&str, Damage); 2] = [
        ("cut short", |good| good[..good.len() / 2].to_vec()),
        ("changed", |good| {
            let mut bytes = good.to_vec();
            let last = bytes.len() - 1;
            bytes[last] ^= 0xff;
            bytes
        }),
    ];
    for (what, damage) in damaged {
        std::fs::write(archive(&cache), damage(&good)).unwrap();
        remove_caches(&dir, &plan_args);
        let (ok, t) = run(&dir, &build_args(&image, &import));
        assert!(
            ok,
            "a {what} archive should give a cold build that passes:\n{t}"
        );
        assert!(t.contains("COLD-CACHE"), "{what}: {t}");
        assert!(
            t.contains("warning: amd64: cache not used, cold build")
                && t.contains("not the one its manifest describes"),
            "{what}: {t}"
        );
        assert!(t.contains("cache hit: false"), "{what}: {t}");
        std::fs::write(archive(&cache), &good).unwrap();
    }

    // A cache made for another image: a warning naming both, and a cold build.
    let other = format!("static-build-test/other-image:{}", std::process::id());
    docker(&["tag", &image, &other]);
    let other_args = build_args(&other, &import);
    let (ok, t) = run(&dir, &other_args);
    let other_plan = [
        "--target",
        "amd64",
        "--image",
        &other,
        "--package-manager",
        "none",
    ];
    remove_caches(&dir, &other_plan);
    docker(&["rmi", &other]);
    assert!(ok, "{t}");
    assert!(
        t.contains("COLD-CACHE")
            && t.contains(&format!("made for the image `{image}`, not `{other}`")),
        "{t}"
    );

    // A hostile archive (a link, then a file written through it) with a manifest that matches it: refused
    // entry by entry, the half-filled volume removed, a cold build.
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "marker", "/etc").unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_size(2);
    h.set_mode(0o644);
    b.append_data(&mut h, "marker/evil", &b"x\n"[..]).unwrap();
    let hostile = zstd::encode_all(&b.into_inner().unwrap()[..], 3).unwrap();
    std::fs::write(archive(&cache), &hostile).unwrap();
    let mut m = manifest.clone();
    m["volumes"][0]["compressed"] = hostile.len().into();
    m["volumes"][0]["sha256"] = static_build_tests::sha256(&hostile).into();
    std::fs::write(
        cache.join("static-build-cache.json"),
        serde_json::to_vec(&m).unwrap(),
    )
    .unwrap();
    remove_caches(&dir, &plan_args);
    let (ok, t) = run(&dir, &build_args(&image, &import));
    assert!(ok, "{t}");
    assert!(
        t.contains("COLD-CACHE") && t.contains("under a symbolic link of the archive"),
        "{t}"
    );
    remove_caches(&dir, &plan_args);
    assert!(leftover_containers(&dir).is_empty());
}
