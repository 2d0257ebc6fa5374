//! Helpers shared by the integration tests: the builder images and private copies of the examples (for the
//! tests that run `static-build build` against the real Docker engine), running the executable, a CI job's
//! environment, reading its output as a CI runner would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn docker(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .output()
        .expect("the docker CLI is missing: run scripts/docker.sh")
}

/// The builder image for an architecture (built and cached by scripts/builder-images.sh).
pub fn builder(arch: &str) -> String {
    set_up(
        "scripts/builder-images.sh",
        arch,
        "run scripts/docker.sh, scripts/qemu.sh and scripts/builder-images.sh (scripts/test.sh does)",
    )
}

/// Run one of the test set-up scripts (cached: it prints `<name> <what>` lines) for `name`, and return
/// what it made; a failure says how to get it.
pub fn set_up(script: &str, name: &str, how: &str) -> String {
    let out = Command::new(repo().join(script))
        .arg(name)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    assert!(
        out.status.success(),
        "{script} {name} failed: {}\n{how}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("{script} printed no line for {name}: {stdout}"))
        .trim()
        .to_string()
}

/// A private copy of an example (outputs land in it, not in the repository).
pub fn copy_example(name: &str) -> PathBuf {
    static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dst = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("build-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(repo().join("examples").join(name)).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
    }
    dst
}

pub fn static_build(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_static-build"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run static-build")
}

pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Build a copy of `example` whose static-build.toml is replaced by `config`, for `arches`, with the
/// builder images; returns the project directory, the process output and its text.
pub fn build_with_config(
    example: &str,
    config: &str,
    arches: &[&str],
) -> (PathBuf, Output, String) {
    build_with_config_args(example, config, &images_args(arches))
}

/// [`build_with_config`] with the given arguments of `build` (targets, images, package manager).
pub fn build_with_config_args(
    example: &str,
    config: &str,
    build_args: &[String],
) -> (PathBuf, Output, String) {
    let dir = copy_example(example);
    std::fs::write(dir.join("static-build.toml"), config).unwrap();
    let mut args = vec!["build"];
    args.extend(build_args.iter().map(String::as_str));
    let out = static_build(&dir, &args);
    let t = text(&out);
    (dir, out, t)
}

pub fn images_args(arches: &[&str]) -> Vec<String> {
    let mut args = Vec::new();
    for a in arches {
        args.push("--target".to_string());
        args.push(a.to_string());
        args.push("--image".to_string());
        args.push(format!("{a}={}", builder(a)));
    }
    args.push("--package-manager".into());
    args.push("none".into());
    args
}

/// `--target A --image A=IMAGE ...` for a build in which the targets this machine (x86-64) does not run
/// natively (arm64, armv7) are cross-compiled: they build in the amd64 builder image, 386 in its own; the
/// packages are installed by apt (the cross toolchain and the target's libraries).
pub fn cross_args(arches: &[&str]) -> Vec<String> {
    let mut args = Vec::new();
    for a in arches {
        let image = match *a {
            "amd64" | "386" => builder(a),
            _ => builder("amd64"),
        };
        args.extend([
            "--target".to_string(),
            a.to_string(),
            "--image".into(),
            format!("{a}={image}"),
        ]);
    }
    args.extend(["--package-manager".into(), "apt".into()]);
    args
}

/// Containers of the project in `dir` that still exist: none may survive a run.
pub fn leftover_containers(dir: &Path) -> Vec<String> {
    let project = std::fs::canonicalize(dir).unwrap();
    let filter = format!("label=static-build.project={}", project.display());
    let out = docker(&["ps", "-a", "--filter", &filter, "--format", "{{.Names}}"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Run a binary inside an image that contains nothing but that binary: no libc, no loader.
pub fn run_alone(binary: &Path) -> String {
    String::from_utf8_lossy(&run_alone_output(binary, &[], None).stdout).into_owned()
}

/// [`run_alone`] with arguments and, optionally, text on its standard input; no network. Returns what it
/// printed on both streams.
pub fn run_alone_with(binary: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = run_alone_output(binary, args, stdin.map(str::as_bytes));
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// [`run_alone_with`], with bytes on standard input and the raw output; it must exit with 0.
pub fn run_alone_output(binary: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let dir = tempdir("alone");
    std::fs::copy(binary, dir.join("app")).unwrap();
    let tag = format!(
        "static-build-test/alone:{}",
        dir.file_name().unwrap().to_string_lossy()
    );
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "tar -C {} -c app | docker import - {tag} >/dev/null",
            dir.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let mut run = vec!["run", "--rm", "--network", "none"];
    if stdin.is_some() {
        run.push("-i");
    }
    run.push(&tag);
    run.push("/app");
    run.extend(args);
    let mut child = Command::new("docker")
        .args(&run)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the docker CLI is missing: run scripts/docker.sh");
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    docker(&["rmi", "-f", &tag]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{} {args:?} failed alone: {}",
        binary.display(),
        text(&out)
    );
    out
}

/// Remove the cache volumes and installed environments (static-build-env images) that builds of the
/// project in `dir` made, so that the big ones (toolchains, compiled dependencies) do not pile up from run to
/// run of the tests.
pub fn remove_caches(dir: &Path, plan_args: &[&str]) {
    for image in env_images(dir) {
        docker(&["rmi", "-f", &image]);
    }
    let mut args = vec!["plan", "--format", "json"];
    args.extend(plan_args);
    let out = static_build(dir, &args);
    let Ok(plan) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
        return;
    };
    for t in plan["targets"].as_array().into_iter().flatten() {
        if let Some(v) = t["cache_volume"].as_str() {
            docker(&["volume", "rm", "-f", v]);
        }
    }
}

pub fn tempdir(name: &str) -> PathBuf {
    static DIRS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = DIRS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The variables of this process that a CI job or a forge would read (GITHUB_*, GITEA_*, FORGEJO_*,
/// *_TOKEN): a test's job starts without them, so that the machine running the tests cannot leak into it.
pub fn forge_vars() -> Vec<String> {
    std::env::vars()
        .map(|(k, _)| k)
        .filter(|k| {
            k.starts_with("GITHUB_")
                || k.starts_with("GITEA_")
                || k.starts_with("FORGEJO_")
                || k.ends_with("_TOKEN")
        })
        .collect()
}

/// `static-build ARGS` in `dir` as a step of a GitHub Actions job: the runner's variables (GITHUB_ACTIONS,
/// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE), none inherited from this process. Returns the
/// command, ready to run, and the paths of the outputs and summary files.
pub fn in_github_job(dir: &Path, args: &[&str]) -> (Command, PathBuf, PathBuf) {
    let outputs = dir.join("github_output");
    let summary = dir.join("step_summary.md");
    std::fs::write(&outputs, "").unwrap();
    std::fs::write(&summary, "").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_static-build"));
    cmd.args(args).current_dir(dir);
    for k in forge_vars() {
        cmd.env_remove(k);
    }
    cmd.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_WORKSPACE", dir)
        .env("NO_COLOR", "1");
    (cmd, outputs, summary)
}

/// A workflow command as GitHub's runner reads it.
#[derive(Debug, Clone)]
pub struct RunnerCommand {
    pub name: String,
    /// The properties as written (escaped), between the name and the second `::`.
    pub props: String,
    /// The message, unescaped.
    pub data: String,
}

/// The workflow commands GitHub's runner would act on in `log`, read as it reads them: lines end at `\n`, `\r`
/// or `\r\n` (.NET's `ReadLine`); each line is trimmed at the start (`TrimStart`, i.e. Unicode whitespace)
/// and is a command when it then starts with `::` and has a second `::`; from `::stop-commands::TOKEN` to
/// the line `::TOKEN::` nothing is a command. (act and the Gitea/Forgejo runners are no stricter.)
pub fn github_runner_commands(log: &str) -> Vec<RunnerCommand> {
    let mut out = Vec::new();
    let mut stopped: Option<String> = None;
    for line in log.split(['\n', '\r']) {
        let line = line.trim_start();
        let Some(rest) = line.strip_prefix("::") else {
            continue;
        };
        let Some(end) = rest.find("::") else { continue };
        let head = &rest[..end];
        let data = &rest[end + 2..];
        let (name, props) = head.split_once(' ').unwrap_or((head, ""));
        if let Some(token) = &stopped {
            if name == token.as_str() {
                stopped = None;
            }
            continue;
        }
        if name.eq_ignore_ascii_case("stop-commands") {
            stopped = Some(data.to_string());
        }
        out.push(RunnerCommand {
            name: name.to_ascii_lowercase(),
            props: props.to_string(),
            data: data
                .replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%25", "%"),
        });
    }
    out
}

/// Check that every command the runner would act on in `stderr` is one of static-build's own, and that
/// `stdout` carries none at all; returns the commands of `stderr`.
pub fn assert_only_own_commands(stdout: &str, stderr: &str) -> Vec<RunnerCommand> {
    let on_stdout = github_runner_commands(stdout);
    assert!(
        on_stdout.is_empty(),
        "the runner would act on these lines of standard output: {on_stdout:?}\n--- stdout\n{stdout}"
    );
    let cmds = github_runner_commands(stderr);
    for c in &cmds {
        let own = match c.name.as_str() {
            "error" | "warning" | "notice" => c.props.contains("title=static-build"),
            "group" | "endgroup" | "add-mask" => true,
            "stop-commands" => {
                c.data.len() == "static-build-".len() + 32
                    && c.data.starts_with("static-build-")
                    && c.data["static-build-".len()..]
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit())
            }
            _ => false,
        };
        assert!(
            own,
            "the runner would act on a command static-build did not mean to give: {c:?}\n--- stderr\n{stderr}"
        );
    }
    cmds
}

/// The installed environments (static-build-env images) of the project in `dir`.
pub fn env_images(dir: &Path) -> Vec<String> {
    let project = std::fs::canonicalize(dir).unwrap();
    let filter = format!("label=static-build.project={}", project.display());
    let out = docker(&[
        "images",
        "--filter",
        "label=static-build.env",
        "--filter",
        &filter,
        "--format",
        "{{.Repository}}:{{.Tag}}",
    ]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}
