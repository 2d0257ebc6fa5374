//! `static-build build` against a real Docker engine (started by scripts/docker.sh) with builder images made
//! from Debian's packages (scripts/builder-images.sh; there is no registry on these machines, so the tests
//! pass `--image` and `--package-manager none`; the defaults stay Alpine for users).
//!
//! The test command (scripts/test.sh) prepares the engine, QEMU and the images; a test that finds them
//! missing fails and says how to get them.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::*;

/// Builds an example for amd64 and 386 (natively) and for arm64 and armv7 (cross-compiled in the amd64
/// builder image, no QEMU), and checks each output: static, its architecture, owned by the user, running
/// alone (foreign ones under QEMU, which runs them, never the build).
fn build_example(example: &str, expected: &str) {
    const ARCHES: [(&str, &str); 4] = [
        ("amd64", "x86_64"),
        ("386", "i386"),
        ("arm64", "aarch64"),
        ("armv7", "arm"),
    ];
    let arches: Vec<&str> = ARCHES.iter().map(|(a, _)| *a).collect();
    let dir = copy_example(example);
    // Each output also runs alone in the product's own proof (`verify`, no arguments).
    let mut args = vec![
        "build".to_string(),
        "--jobs".into(),
        "4".into(),
        "--verify=".into(),
    ];
    args.extend(cross_args(&arches));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = static_build(&dir, &args);
    let t = text(&out);
    remove_caches(&dir, &args[4..]);
    assert_eq!(out.status.code(), Some(0), "{t}");
    for a in ["arm64", "armv7"] {
        assert!(
            t.contains(&format!("[{a}] cross-building in ")),
            "{a} not cross-built: {t}"
        );
    }
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("out/static-build-report.json"))
            .expect("JSON report next to the outputs"),
    )
    .unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), ARCHES.len(), "{t}");
    for (file, (arch, elf_arch)) in files.iter().zip(ARCHES) {
        let verdict = file["binary"]["linkage"]["verdict"].as_str().unwrap();
        assert!(verdict == "static" || verdict == "static-pie", "{file}");
        assert_eq!(file["binary"]["format"]["arch"], elf_arch);
        let path = dir.join(file["path"].as_str().unwrap());
        assert!(path.ends_with(format!(
            "{example_bin}-{arch}",
            example_bin = binary_name(example)
        )));
        // Owned by the user who ran the build, not by the container's root.
        use std::os::unix::fs::MetadataExt;
        let uid = unsafe_free_uid();
        assert_eq!(std::fs::metadata(&path).unwrap().uid(), uid);
        let printed = run_alone(&path);
        assert!(printed.contains(expected), "{arch}: {printed}");
        // Static glibc, and no run-time load: glibc's own dlopen and setlocale are in every static program,
        // and calls to them are what counts (none here, on any architecture).
        assert_eq!(file["binary"]["hazards"], serde_json::json!([]), "{arch}");
        let run = &file["verify"];
        assert_eq!(run["exit_code"], 0, "{arch}: {run}");
        assert!(
            run["output"].to_string().contains(expected),
            "{arch}: {run}"
        );
        assert_eq!(
            run["command"][0],
            format!("/{}", path.file_name().unwrap().to_string_lossy())
        );
    }
    assert!(t.contains("verify amd64: `/"), "{t}");
    assert!(
        leftover_containers(&dir).is_empty(),
        "{:?}",
        leftover_containers(&dir)
    );
}

/// The effective uid of this process, read from /proc (no unsafe, no libc crate).
fn unsafe_free_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|u| u.parse().ok())
        .unwrap()
}

fn binary_name(example: &str) -> &str {
    match example {
        "c-zlib" => "hello-zlib",
        other => other,
    }
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn go_with_cgo_and_zlib_for_four_architectures_two_cross_compiled() {
    build_example("go-cgo-zlib", "zlib 1.2.13: 832 bytes -> 29 bytes");
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn c_with_zlib_for_four_architectures_two_cross_compiled() {
    build_example("c-zlib", "zlib 1.2.13: 51 bytes -> 24 bytes");
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn the_go_caches_live_in_a_named_volume_between_builds() {
    let dir = copy_example("go-pure");
    let mut args = vec!["build".to_string()];
    args.extend(images_args(&["amd64"]));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = static_build(&dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The plan names the volume; after the build it holds Go's build cache.
    let plan = static_build(
        &dir,
        &[&["plan", "--format", "json"][..], &args[1..]].concat(),
    );
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let volume = plan["targets"][0]["cache_volume"]
        .as_str()
        .expect("cache volume")
        .to_string();
    let image = builder("amd64");
    let ls = docker(&[
        "run",
        "--rm",
        "-v",
        &format!("{volume}:/c"),
        &image,
        "sh",
        "-c",
        "ls /c/go-build | head -n 3",
    ]);
    assert!(ls.status.success(), "{}", text(&ls));
    assert!(
        !String::from_utf8_lossy(&ls.stdout).trim().is_empty(),
        "empty Go build cache in {volume}"
    );
    // The binary is built in the volume: the next build of the unchanged project finds it up to date (by
    // its build ID) and does not link it again. A mark appended to the kept file (the build ID stays) must
    // come out with the next build's output.
    let mark = docker(&[
        "run",
        "--rm",
        "-v",
        &format!("{volume}:/c"),
        &image,
        "sh",
        "-c",
        "printf static-build-kept >> /c/go-out/go-pure",
    ]);
    assert!(mark.status.success(), "{}", text(&mark));
    let out = static_build(&dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let binary = std::fs::read(dir.join("out/go-pure-amd64")).unwrap();
    assert!(
        binary.ends_with(b"static-build-kept"),
        "linked again: {}",
        text(&out)
    );
    assert!(run_alone(&dir.join("out/go-pure-amd64")).contains("go-pure linux/amd64"));
    remove_caches(&dir, &args[1..]);
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn pure_go_cross_compiled_and_emulated() {
    build_example("go-pure", "parsed 192.0.2.1");
    // arm64 again, under QEMU (cross = "emulate") in the arm64 builder image: the emulated path stays.
    let dir = copy_example("go-pure");
    let mut args = vec!["build".to_string(), "--cross".into(), "emulate".into()];
    args.extend(images_args(&["arm64"]));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = static_build(&dir, &args);
    let t = text(&out);
    remove_caches(&dir, &args[1..]);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("(linux/arm64, emulated)"), "{t}");
    assert!(run_alone(&dir.join("out/go-pure-arm64")).contains("go-pure linux/arm64"));
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_dynamic_link_fails_the_policy_naming_the_library() {
    // Linked without -static: libz is found as a shared library and the binary needs it at run time.
    let (dir, out, t) = build_with_config(
        "c-zlib",
        "outputs = [\"hello-zlib\"]\ncommand = \"cc -O2 -o hello-zlib main.c -lz\"\nverify = []\n",
        &["amd64"],
    );
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("error[require-static]"), "{t}");
    assert!(t.contains("libz.so.1"), "{t}");
    assert!(t.contains("hint: the link was not static"), "{t}");
    // And run alone, it cannot even start: its loader is not there (the runtime says so as the start's
    // error or, with newer runc, as the container's output with exit code 1).
    let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("error[run-in-empty-root]"), "{t}");
    assert!(
        flat.contains("exec /hello-zlib-amd64: no such file or directory")
            || flat.contains("stat /hello-zlib-amd64: no such file or directory"),
        "{t}"
    );
    assert!(leftover_containers(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_failing_build_shows_its_exit_code_and_last_lines() {
    let (dir, out, t) = build_with_config(
        "c-zlib",
        "outputs = [\"hello-zlib\"]\ncommand = \"echo about to fail; echo from the second line; exit 7\"\n",
        &["amd64"],
    );
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("exit code 7"), "{t}");
    assert!(t.contains("about to fail"), "{t}");
    // The report's part of the output: the last lines each on a line of their own, never joined by a
    // literal `\n`, and the summary counting the target as unreadable, not as an error finding.
    let at = t.find(" (amd64): error").expect(&t);
    let report = &t[t[..at].rfind('\n').map_or(0, |n| n + 1)..];
    let report = &report[..report.find("--- stderr").unwrap_or(report.len())];
    insta::with_settings!({filters => vec![(r"build-c-zlib-[0-9]+-[0-9]+", "[project]")]}, {
        insta::assert_snapshot!("failed_build_report", report);
    });
    assert!(leftover_containers(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_build_that_times_out_is_stopped_and_removed() {
    let start = Instant::now();
    let (dir, out, t) = build_with_config(
        "c-zlib",
        "outputs = [\"hello-zlib\"]\ncommand = \"sleep 60\"\ntimeout = 3\n",
        &["amd64"],
    );
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("timed out"), "{t}");
    assert!(
        start.elapsed() < Duration::from_secs(50),
        "the timeout did not stop the build"
    );
    assert!(leftover_containers(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn no_bind_mounts_and_each_build_has_its_own_network() {
    // Two builds whose steps both listen on the same localhost port run at the same time: each container
    // has its own network namespace. While they run, their configuration shows no bind mount.
    let listen = "mkdir -p srv && cat > srv/main.go <<'EOF'\npackage main\nimport (\"net\"; \"time\")\nfunc main() { l, err := net.Listen(\"tcp\", \"127.0.0.1:7070\"); if err != nil { panic(err) }; defer l.Close(); time.Sleep(8 * time.Second) }\nEOF\ngo run ./srv && CGO_ENABLED=0 go build -o go-pure .";
    let mut children = Vec::new();
    let mut dirs = Vec::new();
    for i in 0..2 {
        let dir = copy_example("go-pure");
        let _ = i;
        std::fs::write(
            dir.join("static-build.toml"),
            format!("outputs = [\"go-pure\"]\ncommand = '''{listen}'''\n"),
        )
        .unwrap();
        let mut args = vec!["build".to_string()];
        args.extend(images_args(&["amd64"]));
        children.push(
            Command::new(env!("CARGO_BIN_EXE_static-build"))
                .args(&args)
                .current_dir(&dir)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap(),
        );
        dirs.push(dir);
    }
    // Catch both containers while they run and read their configuration.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut checked = 0;
    while Instant::now() < deadline && checked < 2 {
        let names: Vec<String> = dirs.iter().flat_map(|d| leftover_containers(d)).collect();
        if names.len() == 2 {
            for n in &names {
                let out = docker(&[
                    "inspect",
                    "--format",
                    "{{json .HostConfig.Binds}} {{range .Mounts}}{{.Type}} {{end}}",
                    n,
                ]);
                // No bind mount: the only mount is the named cache volume, which lives in the engine.
                let s = String::from_utf8_lossy(&out.stdout);
                assert_eq!(s.trim(), "null volume", "{n} has host mounts: {s}");
            }
            checked = 2;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        checked, 2,
        "never saw both build containers running at once"
    );
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    for d in &dirs {
        assert!(leftover_containers(d).is_empty());
    }
}

#[test]
fn an_unreachable_daemon_is_a_clear_error() {
    let dir = copy_example("go-pure");
    let out = Command::new(env!("CARGO_BIN_EXE_static-build"))
        .args(["build", "--target", "amd64"])
        .current_dir(&dir)
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("cannot reach the Docker engine"), "{t}");
    assert!(t.contains("hint:"), "{t}");
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_missing_image_that_cannot_be_pulled_is_named() {
    let dir = copy_example("go-pure");
    let out = static_build(
        &dir,
        &[
            "build",
            "--target",
            "amd64",
            "--image",
            "static-build-test/no-such-image:1",
            "--package-manager",
            "none",
        ],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("cannot pull image `static-build-test/no-such-image:1`"),
        "{t}"
    );
    assert!(leftover_containers(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn sigint_during_a_build_removes_its_containers() {
    let dir = copy_example("c-zlib");
    std::fs::write(
        dir.join("static-build.toml"),
        "outputs = [\"hello-zlib\"]\ncommand = \"sleep 60\"\n",
    )
    .unwrap();
    let mut args = vec!["build".to_string()];
    args.extend(images_args(&["amd64", "386"]));
    let child = Command::new(env!("CARGO_BIN_EXE_static-build"))
        .args(&args)
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while leftover_containers(&dir).len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        leftover_containers(&dir).len(),
        2,
        "the builds never started"
    );
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("interrupted: removed 2 build container(s)"),
        "{t}"
    );
    assert!(
        leftover_containers(&dir).is_empty(),
        "{:?}",
        leftover_containers(&dir)
    );
}

#[test]
fn a_foreign_target_without_qemu_fails_before_pulling() {
    // riscv64 emulation is not registered by scripts/qemu.sh (only aarch64 and arm are).
    assert!(
        !Path::new("/proc/sys/fs/binfmt_misc/qemu-riscv64").exists(),
        "this test needs a host without riscv64 emulation"
    );
    let dir = copy_example("go-pure");
    // Emulated on purpose: cross-compiled, pure Go needs no QEMU at all (the next test).
    let out = static_build(
        &dir,
        &["build", "--target", "riscv64", "--cross", "emulate"],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("needs QEMU user emulation"), "{t}");
    assert!(t.contains("docker/setup-qemu-action"), "{t}");
    assert!(!t.contains("pulling"), "{t}");
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn packages_install_with_apt_and_land_in_the_cache_volume() {
    // The Debian builder image reaches Debian's mirror through the default bridge network; the preset's
    // packages (build-essential, pkg-config) and the example's (zlib1g-dev) are installed by apt, and the
    // downloaded .deb files stay in the cache volume for the next run.
    let dir = copy_example("c-zlib");
    let image = builder("amd64");
    let out = static_build(
        &dir,
        &[
            "build",
            "--target",
            "amd64",
            "--image",
            &image,
            "--package-manager",
            "apt",
        ],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("[amd64]"), "{t}");
    let plan = static_build(
        &dir,
        &[
            "plan",
            "--format",
            "json",
            "--target",
            "amd64",
            "--image",
            &image,
            "--package-manager",
            "apt",
        ],
    );
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert!(plan["targets"][0]["install"]
        .as_str()
        .unwrap()
        .contains("apt-get install"));
    let volume = plan["targets"][0]["cache_volume"]
        .as_str()
        .unwrap()
        .to_string();
    let ls = docker(&[
        "run",
        "--rm",
        "-v",
        &format!("{volume}:/c"),
        &image,
        "sh",
        "-c",
        "ls /c/apt/archives /c/apt/lists; echo ccache-files=$(find /c/ccache -type f | wc -l)",
    ]);
    let listed = String::from_utf8_lossy(&ls.stdout);
    // The packages and apt's index (so that a build whose volume comes back from a CI cache downloads
    // nothing).
    assert!(listed.contains(".deb"), "{}", text(&ls));
    assert!(listed.contains("_Packages"), "{}", text(&ls));
    // The c preset installed ccache and the compiler ran through it: its cache is in the volume.
    assert!(plan["targets"][0]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "ccache"));
    let files: usize = listed
        .split("ccache-files=")
        .nth(1)
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(files > 0, "ccache stored nothing: {}", text(&ls));
    remove_caches(
        &dir,
        &[
            "--target",
            "amd64",
            "--image",
            &image,
            "--package-manager",
            "apt",
        ],
    );
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn installed_packages_are_kept_for_the_next_build_of_the_project_only() {
    // The install runs once in a container of its own, committed as static-build-env:<key>; the next build
    // of the same project starts from it and installs nothing; another project installs for itself.
    let image = builder("amd64");
    let args = [
        "build",
        "--target",
        "amd64",
        "--image",
        &image,
        "--package-manager",
        "apt",
    ];
    let plan_args = &args[1..];
    let dir = copy_example("c-zlib");
    let first = static_build(&dir, &args);
    let t1 = text(&first);
    assert_eq!(first.status.code(), Some(0), "{t1}");
    assert!(t1.contains("Unpacking"), "{t1}");
    let kept = env_images(&dir);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].starts_with("static-build-env:"), "{kept:?}");
    let second = static_build(&dir, &args);
    let t2 = text(&second);
    assert_eq!(second.status.code(), Some(0), "{t2}");
    assert!(
        t2.contains(&format!(
            "packages: reusing the installed environment {}",
            kept[0]
        )),
        "{t2}"
    );
    assert!(!t2.contains("Unpacking") && !t2.contains("apt-get"), "{t2}");
    assert!(leftover_containers(&dir).is_empty());
    // The install left a snapshot in the cache volume: without the image (a runner that starts empty and
    // got the volume back from a CI cache), the environment is made from it, with no package manager run.
    assert!(
        t1.contains("packages: snapshot of the install kept in the cache volume"),
        "{t1}"
    );
    docker(&["rmi", "-f", &kept[0]]);
    let fourth = static_build(&dir, &args);
    let t4 = text(&fourth);
    assert_eq!(fourth.status.code(), Some(0), "{t4}");
    assert!(
        t4.contains(&format!(
            "packages: installed environment {} made from the snapshot in the cache volume",
            kept[0]
        )),
        "{t4}"
    );
    assert!(
        !t4.contains("Unpacking") && !t4.contains("Reading package lists"),
        "{t4}"
    );
    assert_eq!(env_images(&dir), kept);
    assert!(leftover_containers(&dir).is_empty());
    // A snapshot as old as an image that would be pruned is not used: the packages are installed afresh.
    let plan = static_build(&dir, &[&["plan", "--format", "json"], plan_args].concat());
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let volume = plan["targets"][0]["cache_volume"]
        .as_str()
        .unwrap()
        .to_string();
    let aged = docker(&[
        "run",
        "--rm",
        "-v",
        &format!("{volume}:/c"),
        &image,
        "sh",
        "-c",
        "touch -d '8 days ago' /c/environments/*.tar",
    ]);
    assert!(aged.status.success(), "{}", text(&aged));
    docker(&["rmi", "-f", &kept[0]]);
    let fifth = static_build(&dir, &args);
    let t5 = text(&fifth);
    assert_eq!(fifth.status.code(), Some(0), "{t5}");
    assert!(
        t5.contains("snapshot of an earlier install is older than 7 days: installing afresh"),
        "{t5}"
    );
    assert!(
        t5.contains("Unpacking") && !t5.contains("made from the snapshot"),
        "{t5}"
    );
    // Another project with the same packages: its own install, its own image.
    let other = copy_example("c-zlib");
    let third = static_build(&other, &args);
    let t3 = text(&third);
    assert_eq!(third.status.code(), Some(0), "{t3}");
    assert!(!t3.contains("reusing the installed environment"), "{t3}");
    assert_eq!(env_images(&other).len(), 1);
    assert_ne!(env_images(&other), kept);
    remove_caches(&dir, plan_args);
    remove_caches(&other, plan_args);
    assert!(env_images(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_build_over_its_memory_limit_is_reported_as_such() {
    // `tail -n 1` keeps a line without a newline in memory: 200 MB of zeros in a 32 MiB container.
    let config = "outputs = [\"hello-zlib\"]\nmemory = \"32m\"\n\
                  command = \"head -c 200000000 /dev/zero | tail -n 1 >/dev/null\"\n";
    let (dir, out, t) = build_with_config("c-zlib", config, &["amd64"]);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("killed for lack of memory"), "{t}");
    assert!(leftover_containers(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_missing_output_is_an_error_of_that_target() {
    let (dir, out, t) = build_with_config(
        "c-zlib",
        "outputs = [\"hello-zlib\"]\ncommand = \"true\"\n",
        &["amd64", "386"],
    );
    assert_eq!(out.status.code(), Some(2), "{t}");
    // Both targets are reported, each with its own error.
    assert!(
        t.contains("(amd64): error:") && t.contains("(386): error:"),
        "{t}"
    );
    assert!(t.contains("did not produce `hello-zlib`"), "{t}");
    assert!(leftover_containers(&dir).is_empty());
}

/// A cgo program whose C library is found through `#cgo pkg-config:` and whose static archive needs another
/// library (`Libs.private: -lm`): the library is built in the container, its .pc file is in the project.
fn pkg_config_project(pkg_config: Option<&str>) -> std::path::PathBuf {
    let dir = tempdir("pkgconfig");
    let files: [(&str, &str); 6] = [
        ("go.mod", "module example.com/app\n\ngo 1.19\n"),
        (
            "main.go",
            "package main\n\n/*\n#cgo pkg-config: foo\n#include \"foo.h\"\n*/\nimport \"C\"\nimport \"fmt\"\n\nfunc main() { fmt.Printf(\"foo says %.1f\\n\", float64(C.foo(27))) }\n",
        ),
        ("foo/foo.h", "double foo(double x);\n"),
        (
            "foo/foo.c",
            "#include <math.h>\n#include \"foo.h\"\ndouble foo(double x) { return cbrt(x) + pow(x, 0.0) - 1.0; }\n",
        ),
        (
            "foo/foo.pc",
            "prefix=/src/foo\nName: foo\nDescription: needs libm when linked statically\nVersion: 1.0\nLibs: -L${prefix} -lfoo\nLibs.private: -lm\nCflags: -I${prefix}\n",
        ),
        (
            "static-build.toml",
            "name = \"app\"\ncommand = '''\ngcc -O2 -c -o foo/foo.o foo/foo.c && ar rcs foo/libfoo.a foo/foo.o\nPKG_CONFIG_PATH=$PWD/foo go build -trimpath -ldflags '-linkmode external -extldflags \"-static\"' -o static-build-out/app .\n'''\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    if let Some(p) = pkg_config {
        let mut toml = std::fs::read_to_string(dir.join("static-build.toml")).unwrap();
        toml.push_str(&format!("\n[env]\nPKG_CONFIG = \"{p}\"\n"));
        std::fs::write(dir.join("static-build.toml"), toml).unwrap();
    }
    dir
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_library_found_through_pkg_config_brings_its_private_libraries() {
    let dir = pkg_config_project(None);
    let mut args = vec!["build".to_string(), "--jobs".into(), "2".into()];
    args.extend(images_args(&["amd64", "386"]));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = static_build(&dir, &args);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    for arch in ["amd64", "386"] {
        let printed = run_alone(&dir.join(format!("out/app-{arch}")));
        assert_eq!(printed, "foo says 3.0\n", "{arch}");
    }
    // The plan says so.
    let plan = static_build(&dir, &["plan", "--target", "amd64"]);
    let p = text(&plan);
    assert!(
        p.contains("env      PKG_CONFIG=/static-build/bin/pkg-config"),
        "{p}"
    );
    assert!(
        p.contains("tool     /static-build/bin/pkg-config: pkg-config --static"),
        "{p}"
    );

    // The check can fail: the image's own pkg-config, without --static, leaves out Libs.private.
    let dir = pkg_config_project(Some("/usr/bin/pkg-config"));
    let mut args = vec!["build".to_string()];
    args.extend(images_args(&["amd64"]));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = static_build(&dir, &args);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    // The log's last lines, each on its own line, then the cause in plain words.
    assert!(
        t.contains("\n    foo.c:(.text+0x5): undefined reference to `cbrt'\n"),
        "{t}"
    );
    assert!(!t.contains("\\n"), "{t}");
    assert!(
        t.contains("error[link-undefined-reference]: undefined reference to cbrt (needed by"),
        "{t}"
    );
    let report = std::fs::read_to_string(dir.join("out/static-build-report.json")).unwrap();
    assert!(
        report.contains(
            "undefined reference to cbrt (needed by /src/foo/libfoo.a): libm provides it"
        ),
        "{report}"
    );
    assert!(leftover_containers(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_library_the_distribution_ships_no_static_archive_of_is_explained() {
    // Debian builds libsystemd as a shared library only (Debian's libpcap needs it through D-Bus).
    let (dir, out, t) = build_with_config(
        "c-zlib",
        "outputs = [\"hello-zlib\"]\ncommand = \"gcc -static -o hello-zlib main.c -lz -lsystemd\"\n",
        &["amd64"],
    );
    assert_eq!(out.status.code(), Some(2), "{t}");
    // The report (JSON) holds the finding whole; the text wraps it.
    let report = std::fs::read_to_string(dir.join("out/static-build-report.json")).unwrap();
    assert!(
        report.contains("cannot find -lsystemd: the static link needs libsystemd.a, and the image has no such static archive. No distribution package ships one: Debian builds libsystemd as a shared library only"),
        "{report}"
    );
    assert!(
        t.contains("error[link-missing-library]: cannot find -lsystemd:"),
        "{t}"
    );
    assert!(leftover_containers(&dir).is_empty());
}

/// A fresh checkout (a hosted runner's, or a second clone) gives every file a new modification time. The
/// source ledger in the cache volume gives the unchanged ones back the times the last build saw, so the
/// build kept in the volume is up to date and only what changed is compiled again.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_fresh_checkout_rebuilds_only_what_changed() {
    let dir = autoconf_project();
    let args = autoconf_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let build = |expected: &str| build_autoconf(&dir, &args, expected);
    let t = build("hello, first");
    assert!(t.contains("stand-in configure ran"), "{t}");
    assert!(!t.contains("sources:"), "a new volume has no ledger: {t}");
    // Every file written again with the same content, later: what a checkout does.
    let checkout = || {
        std::thread::sleep(Duration::from_millis(1100));
        for name in ["configure", "Makefile.in", "hello.c", "static-build.toml"] {
            let path = dir.join(name);
            let bytes = std::fs::read(&path).unwrap();
            std::fs::remove_file(&path).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
        make_executable(&dir.join("configure"));
    };
    checkout();
    let t = build("hello, first");
    assert!(
        t.contains("sources: 4 unchanged since the last build in this cache volume (their times kept), 0 changed, 0 new"),
        "{t}"
    );
    assert!(!t.contains("stand-in configure ran"), "{t}");
    assert!(t.contains("'hello' is up to date"), "{t}");
    // A fresh checkout with one source changed, with a time older than the build kept in the volume (as a
    // checkout of an older commit may give): compiled again all the same, and nothing configured.
    checkout();
    std::fs::write(
        dir.join("hello.c"),
        "#include <stdio.h>\nint main(void) { puts(\"hello, second\"); return 0; }\n",
    )
    .unwrap();
    let old = std::fs::File::options()
        .write(true)
        .open(dir.join("hello.c"))
        .unwrap();
    old.set_modified(std::time::UNIX_EPOCH + Duration::from_secs(1_000_000_000))
        .unwrap();
    drop(old);
    let t = build("hello, second");
    assert!(t.contains("3 unchanged"), "{t}");
    assert!(t.contains("1 changed, 0 new"), "{t}");
    assert!(!t.contains("stand-in configure ran"), "{t}");
    remove_caches(&dir, &args[1..]);
    assert!(leftover_containers(&dir).is_empty());
}

/// An Autoconf project in miniature: a `configure` that says it was generated by Autoconf and writes a
/// Makefile from an automake-style Makefile.in (VPATH, `$(srcdir)`), as the real ones do, without the
/// thousands of lines (the real autotools build, mozjpeg's, is in tests/real.rs).
fn autoconf_project() -> std::path::PathBuf {
    let dir = tempdir("autoconf");
    let files: [(&str, &str); 4] = [
        (
            "configure",
            "#!/bin/sh\n# Generated by GNU Autoconf 2.71 (a stand-in for the test).\nsrcdir=$(cd \"$(dirname \"$0\")\" && pwd)\necho \"stand-in configure ran in $(pwd) with $*\"\nsed \"s|@srcdir@|$srcdir|g\" \"$srcdir/Makefile.in\" > Makefile\nprintf '#!/bin/sh\\n' > config.status\n",
        ),
        (
            "Makefile.in",
            "# Makefile.in generated by automake 1.16.5 from Makefile.am (a stand-in for the test).\nsrcdir = @srcdir@\nVPATH = @srcdir@\nhello: hello.c\n\t$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<\n",
        ),
        (
            "hello.c",
            "#include <stdio.h>\nint main(void) { puts(\"hello, first\"); return 0; }\n",
        ),
        (
            "static-build.toml",
            "name = \"hello\"\npreset = \"c\"\noutputs = [\"hello\"]\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    make_executable(&dir.join("configure"));
    dir
}

/// `build` of the autoconf project for amd64 in the builder image.
fn autoconf_args() -> Vec<String> {
    let mut args = vec!["build".to_string()];
    args.extend(images_args(&["amd64"]));
    args
}

/// Build it; it must pass and its program print `expected`. The build's output, for more assertions.
fn build_autoconf(dir: &std::path::Path, args: &[&str], expected: &str) -> String {
    let out = static_build(dir, args);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    let printed = run_alone(&dir.join("out/hello-amd64"));
    assert!(printed.contains(expected), "{printed}\n{t}");
    t
}

/// `configure` executable, as a checkout leaves it.
fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn an_autoconf_build_is_kept_in_the_cache_volume_and_the_next_build_reuses_it() {
    let dir = autoconf_project();
    let args = autoconf_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let build = |expected: &str| build_autoconf(&dir, &args, expected);
    // The first build configures out of the project tree, in the cache volume; the output is copied back
    // to where `outputs` names it.
    let t = build("hello, first");
    assert!(
        t.contains("stand-in configure ran in /static-build-cache/autoconf/"),
        "{t}"
    );
    assert!(
        t.contains("--cache-file=config.cache --disable-shared --enable-static"),
        "{t}"
    );
    // The next one (a new upload of the same tree) neither configures nor compiles.
    let t = build("hello, first");
    assert!(t.contains("configured by an earlier build"), "{t}");
    assert!(!t.contains("stand-in configure ran"), "{t}");
    assert!(t.contains("'hello' is up to date"), "{t}");
    // A changed source is compiled again, without configure.
    std::thread::sleep(Duration::from_millis(1100));
    std::fs::write(
        dir.join("hello.c"),
        "#include <stdio.h>\nint main(void) { puts(\"hello, second\"); return 0; }\n",
    )
    .unwrap();
    let t = build("hello, second");
    assert!(!t.contains("stand-in configure ran"), "{t}");
    // A changed configure runs again.
    let configure = std::fs::read_to_string(dir.join("configure")).unwrap();
    std::fs::write(dir.join("configure"), format!("{configure}# changed\n")).unwrap();
    let t = build("hello, second");
    assert!(
        t.contains("stand-in configure ran in /static-build-cache/"),
        "{t}"
    );
    // A Makefile.in that automake did not write may not survive a build out of the tree: in the tree then.
    let makefile = std::fs::read_to_string(dir.join("Makefile.in")).unwrap();
    std::fs::write(
        dir.join("Makefile.in"),
        makefile.replace("generated by automake", "written by hand"),
    )
    .unwrap();
    let t = build("hello, second");
    assert!(
        t.contains("not generated by automake, so it builds in the project tree"),
        "{t}"
    );
    assert!(t.contains("stand-in configure ran in /src with"), "{t}");
    remove_caches(&dir, &args[1..]);
    assert!(leftover_containers(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_cross_build_that_makes_a_host_binary_fails_the_architecture_check() {
    // The project's own command calls the build machine's cc, not $CC: the output is an x86-64 program,
    // static and otherwise fine, for the arm64 target. The proof does not trust the mode: expected-arch
    // fails it, and the message says the target was cross-compiled and how to mend it.
    let args = cross_args(&["arm64"]);
    let (dir, out, t) = build_with_config_args(
        "c-zlib",
        "outputs = [\"hello-zlib\"]\ncross = \"always\"\ncommand = \"cc -O2 -static -o hello-zlib main.c -lz\"\n",
        &args,
    );
    remove_caches(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("[arm64] cross-building in "), "{t}");
    assert!(t.contains("error[expected-arch]"), "{t}");
    assert!(t.contains("is built for x86_64, expected aarch64"), "{t}");
    // The text report wraps long messages: compare with the line breaks undone.
    let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("hint: arm64 was cross-compiled in a linux/amd64 container"),
        "{t}"
    );
    assert!(flat.contains("set cross = \"emulate\""), "{t}");
    assert!(leftover_containers(&dir).is_empty());
}

/// The amd64 builder image without its package lists, as the distributions' images come (debian:bookworm has
/// none): a cross build's choice of packages must read the index that its install downloads. Made once.
fn builder_without_package_lists() -> String {
    let base = builder("amd64");
    let tag = format!(
        "static-build-test/no-lists:{}",
        base.rsplit(':').next().unwrap()
    );
    if docker(&["image", "inspect", &tag]).status.success() {
        return tag;
    }
    let name = format!("sb-no-lists-{}", std::process::id());
    let run = docker(&[
        "run",
        "--name",
        &name,
        &base,
        "sh",
        "-c",
        "rm -rf /var/lib/apt/lists/*",
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let commit = docker(&["commit", &name, &tag]);
    docker(&["rm", "-f", &name]);
    assert!(commit.status.success(), "{}", text(&commit));
    tag
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_cross_build_installs_libraries_for_the_target_and_tools_for_the_build_machine() {
    // zlib1g-dev is Multi-Arch: same (the target's), nasm a tool with no Multi-Arch field (the build
    // machine's), golang-golang-x-sys-dev is Architecture: all and named like a library (as it is, since
    // `<package>:arm64` of it does not exist). The image has no package lists of its own.
    let image = builder_without_package_lists();
    let args: Vec<String> = [
        "--target",
        "arm64",
        "--image",
        &format!("arm64={image}"),
        "--package-manager",
        "apt",
    ]
    .map(String::from)
    .to_vec();
    let (dir, out, t) = build_with_config_args(
        "c-zlib",
        "outputs = [\"hello-zlib\"]\n[packages]\napt = [\"zlib1g-dev\", \"nasm\", \"golang-golang-x-sys-dev\"]\n",
        &args,
    );
    remove_caches(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("[arm64] cross-building in "), "{t}");
    assert!(t.contains("Setting up zlib1g-dev:arm64 "), "{t}");
    assert!(t.contains("Setting up nasm ("), "{t}");
    assert!(!t.contains("nasm:arm64"), "{t}");
    assert!(t.contains("Setting up golang-golang-x-sys-dev ("), "{t}");
    assert!(run_alone(&dir.join("out/hello-zlib-arm64")).contains("zlib 1.2.13"));
    assert!(leftover_containers(&dir).is_empty());
}

/// A copy of the c-zlib example whose program is `main_c`, built by a plain Makefile (the preset's CC,
/// CFLAGS and LDFLAGS) into its one output, `hello-zlib`.
fn c_program(main_c: &str) -> std::path::PathBuf {
    let dir = copy_example("c-zlib");
    std::fs::write(dir.join("main.c"), main_c).unwrap();
    std::fs::write(
        dir.join("Makefile"),
        "hello-zlib: main.c\n\t$(CC) $(CFLAGS) -o $@ main.c $(LDFLAGS)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("static-build.toml"),
        "outputs = [\"hello-zlib\"]\n",
    )
    .unwrap();
    dir
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn the_run_time_loads_of_static_glibc_are_found_on_four_architectures() {
    // A C program that calls dlopen, iconv_open, setlocale and getpwnam, built statically against the Debian
    // images' glibc for amd64 and 386 natively, arm64 and armv7 cross-compiled (Thumb-2). glibc carries dlopen
    // and setlocale in every static program, so those two are found by decoding each architecture's call
    // instructions: the real compilers' output is what this checks.
    let dir = c_program(
        r#"#include <dlfcn.h>
#include <iconv.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc > 2 && argv[1][0] == 'd')
        return dlopen(argv[2], RTLD_NOW) == NULL;
    if (argc > 1 && argv[1][0] == 'i')
        return iconv_open("UTF-16", "UTF-8") == (iconv_t)-1;
    if (argc > 1 && argv[1][0] == 'l')
        return setlocale(LC_ALL, "") == NULL;
    if (argc > 1 && argv[1][0] == 'p')
        return getpwnam("root") == NULL;
    puts("loads nothing yet");
    return 0;
}
"#,
    );
    let arches = ["amd64", "386", "arm64", "armv7"];
    let mut args = vec!["build".to_string(), "--jobs".into(), "4".into()];
    args.extend(cross_args(&arches));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = static_build(&dir, &args);
    let t = text(&out);
    remove_caches(&dir, &args[3..]);
    // dlopen and NSS are errors under the default policy.
    assert_eq!(out.status.code(), Some(1), "{t}");
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("out/static-build-report.json")).expect("the JSON report"),
    )
    .unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), arches.len(), "{t}");
    for file in files {
        let b = &file["binary"];
        assert_eq!(b["linkage"]["verdict"], "static", "{file}");
        assert_eq!(b["libc"]["family"], "glibc", "{file}");
        let hazards: Vec<(&str, String)> = b["hazards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["id"].as_str().unwrap(), h["evidence"].to_string()))
            .collect();
        let ids: Vec<&str> = hazards.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids,
            [
                "glibc-static-nss",
                "glibc-static-dlopen",
                "glibc-static-iconv",
                "glibc-static-locale"
            ],
            "{}: {hazards:?}",
            file["path"]
        );
        assert!(hazards[1].1.contains("1 call to dlopen"), "{hazards:?}");
        assert!(hazards[3].1.contains("1 call to setlocale"), "{hazards:?}");
        assert!(
            hazards[0]
                .1
                .contains("getpwnam, getpwnam_r (passwd database)"),
            "{hazards:?}"
        );
    }
    assert!(t.contains("error[glibc-static-dlopen]"), "{t}");
    assert!(leftover_containers(&dir).is_empty());
}

#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn verify_runs_each_output_alone_and_a_static_glibc_iconv_program_fails_it() {
    // Static glibc that converts to UTF-16: judged static (with the iconv hazard as a warning), and then
    // proven not to work alone: in an empty root there are no gconv modules, iconv_open fails, the program
    // says so and exits with 1. The run's finding carries the program's own words.
    let dir = c_program(
        r#"#include <iconv.h>
#include <stdio.h>

int main(void)
{
    iconv_t cd = iconv_open("UTF-16", "UTF-8");
    if (cd == (iconv_t)-1) {
        perror("iconv_open(UTF-16, UTF-8)");
        return 1;
    }
    puts("converted");
    return 0;
}
"#,
    );
    let mut args = vec!["build".to_string(), "--verify=--charset 'UTF 16'".into()];
    args.extend(cross_args(&["amd64"]));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = static_build(&dir, &args);
    let t = text(&out);
    remove_caches(&dir, &args[2..]);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("warning[glibc-static-iconv]"), "{t}");
    let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("error[run-in-empty-root]: `/hello-zlib-amd64 --charset 'UTF 16'` failed when run alone in an empty root filesystem (linux/amd64, no network): exited with code 1; its output: iconv_open(UTF-16, UTF-8): Invalid argument"),
        "{t}"
    );
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("out/static-build-report.json")).expect("the JSON report"),
    )
    .unwrap();
    let run = &report["files"][0]["verify"];
    assert_eq!(
        run["command"],
        serde_json::json!(["/hello-zlib-amd64", "--charset", "UTF 16"])
    );
    assert_eq!(run["exit_code"], 1, "{run}");
    assert_eq!(run["platform"], "linux/amd64");
    assert_eq!(
        run["output"][0], "iconv_open(UTF-16, UTF-8): Invalid argument",
        "{run}"
    );
    // Nothing of the run is left: no container, no one-program image of this project.
    assert!(leftover_containers(&dir).is_empty());
    let project = std::fs::canonicalize(&dir).unwrap();
    let images = docker(&[
        "images",
        "-q",
        "--filter",
        &format!("label=static-build.project={}", project.display()),
    ]);
    assert!(
        String::from_utf8_lossy(&images.stdout).trim().is_empty(),
        "{}",
        text(&images)
    );
}
