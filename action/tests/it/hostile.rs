//! A hostile pull request against the real build engine: each test reproduces one attack (a project that
//! plants links, floods the log, returns huge or fake outputs, forges workflow commands, poisons a cache)
//! and asserts the safe outcome. The inspector's crafted files (symbol tables,
//! NEEDED bombs) are in hostile_inspect.rs and tests/tests/hostile_elf.rs.
//!
//! Like build.rs, these need the Docker engine and the Debian builder images (scripts/test.sh prepares them);
//! memory is read with GNU time (`/usr/bin/time`, Debian package `time`, installed by scripts/setup.sh).

use crate::support::*;

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A project with only a `static-build.toml` (c preset with a build command that does everything).
fn project(name: &str, config: &str) -> PathBuf {
    let dir = tempdir(name);
    std::fs::write(dir.join("static-build.toml"), config).unwrap();
    // The c preset is detected from a Makefile; the command replaces its `make`.
    std::fs::write(dir.join("Makefile"), "all:\n\ttrue\n").unwrap();
    dir
}

/// The build arguments for one target with the builder image.
fn build_args(arches: &[&str]) -> Vec<String> {
    let mut args = vec!["build".to_string()];
    args.extend(images_args(arches));
    args
}

/// A shell command that makes `app`, a static program, in the build container.
const STATIC_APP: &str = "printf 'int main(void){return 0;}\\n' > m.c && gcc -static -o app m.c";

/// Run `cmd` under GNU time; its output and its peak resident memory in MiB. With `stderr_to`, standard
/// error goes to that file instead of memory.
fn measured(cmd: &mut Command, dir: &Path) -> (Output, u64) {
    measured_to(cmd, dir, None)
}

fn measured_to(cmd: &mut Command, dir: &Path, stderr_to: Option<&Path>) -> (Output, u64) {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.is_file(),
        "/usr/bin/time is missing: install the Debian package `time` (scripts/setup.sh does)"
    );
    let rss_file = dir.join("maxrss.txt");
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let mut timed = Command::new(time);
    timed
        .arg("-o")
        .arg(&rss_file)
        .arg("-f")
        .arg("%M")
        .arg(program)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1");
    if let Some(path) = stderr_to {
        timed.stderr(Stdio::from(std::fs::File::create(path).unwrap()));
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    let out = timed
        .output()
        .expect("run static-build under /usr/bin/time");
    let kib: u64 = std::fs::read_to_string(&rss_file)
        .unwrap()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("GNU time's %M");
    (out, kib / 1024)
}

fn static_build_cmd(dir: &Path, args: &[String]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_static-build"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

// 1. Host file write through a symlink.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn links_in_the_output_directory_are_never_written_through() {
    let victims = tempdir("victims");
    let keys = victims.join("authorized_keys");
    let rc = victims.join("bashrc");
    std::fs::write(&keys, "ssh-ed25519 AAAA the-owner\n").unwrap();
    std::fs::write(&rc, "export PS1='$ '\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o600)).unwrap();

    // The project commits links where the output and the report go.
    let dir = project(
        "links-files",
        &format!("outputs = [\"app\"]\ncommand = \"{STATIC_APP}\"\n"),
    );
    std::fs::create_dir(dir.join("out")).unwrap();
    std::os::unix::fs::symlink(&keys, dir.join("out/app-amd64")).unwrap();
    std::os::unix::fs::symlink(&rc, dir.join("out/static-build-report.json")).unwrap();
    let out = static_build(&dir, &str_args(&build_args(&["amd64"])));
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("out/app-amd64` is a symbolic link") && t.contains("authorized_keys"),
        "the error names the link and where it points: {t}"
    );
    assert!(
        t.contains("static-build-report.json` is a symbolic link"),
        "{t}"
    );
    assert_eq!(
        std::fs::read_to_string(&keys).unwrap(),
        "ssh-ed25519 AAAA the-owner\n"
    );
    assert_eq!(
        std::fs::metadata(&keys).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(std::fs::read_to_string(&rc).unwrap(), "export PS1='$ '\n");
    assert!(leftover_containers(&dir).is_empty());

    // The project commits the output directory itself as a link: refused before anything is built.
    let dir = project(
        "links-dir",
        &format!("outputs = [\"app\"]\ncommand = \"{STATIC_APP}\"\n"),
    );
    std::os::unix::fs::symlink(&victims, dir.join("out")).unwrap();
    let before: Vec<_> = std::fs::read_dir(&victims).unwrap().collect();
    let out = static_build(&dir, &str_args(&build_args(&["amd64"])));
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("`") && t.contains("is a symbolic link"), "{t}");
    assert!(!t.contains("building in"), "refused before building: {t}");
    assert_eq!(
        std::fs::read_dir(&victims).unwrap().count(),
        before.len(),
        "nothing was written into the link's target"
    );
}

fn str_args(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

// 2. Workflow commands from untrusted text: NEEDED names and build-log lines.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn nothing_a_build_prints_or_links_becomes_a_workflow_command() {
    // Shared libraries whose sonames are workflow commands, and a program that needs them all: the NEEDED
    // list of the text report wraps, so a name starts a line. The log forges commands too, some indented.
    let long = "libpadding-so-that-the-next-name-starts-a-wrapped-line-of-the-report.so";
    let script = format!(
        r#"printf '::error title=Forged::from the log\n'
printf '   ::set-output name=passed::true\n'
printf '\t::warning title=Forged::tab\n'
printf '::stop-commands::forged\n'
printf '\033]0;title\007 bell and escape\n'
printf 'int f(void){{return 0;}}\n' > f.c
gcc -shared -fPIC -o liba.so f.c -Wl,-soname,{long}
gcc -shared -fPIC -o libb.so f.c -Wl,-soname,'::stop-commands::pwned'
gcc -shared -fPIC -o libc1.so f.c -Wl,-soname,'  ::warning title=Forged::needed'
gcc -shared -fPIC -o libd.so f.c -Wl,-soname,'::set-output name=static::true'
printf 'int main(void){{return 0;}}\n' > m.c
gcc -o app m.c -Wl,--no-as-needed ./liba.so ./libb.so ./libc1.so ./libd.so
"#
    );
    let dir = project(
        "commands",
        &format!("outputs = [\"app\"]\ncommand = '''\n{script}'''\n"),
    );
    let (mut cmd, outputs, _) = in_github_job(&dir, &str_args(&build_args(&["amd64"])));
    let out = cmd.output().unwrap();
    let (so, se) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let cmds = assert_only_own_commands(&so, &se);
    // The hostile names are shown (as text), and static-build's own annotation still reaches the runner: no
    // forged stop-commands silenced it.
    assert!(so.contains("::stop-commands::pwned"), "{so}");
    let line = so
        .lines()
        .find(|l| l.contains("::stop-commands::pwned"))
        .unwrap();
    assert!(
        !line.trim_start().starts_with("::"),
        "the name starts a line of the report but not a command: {line:?}"
    );
    assert!(
        cmds.iter().any(|c| c.name == "error"
            && c.props.contains("require-static")
            && c.data.contains("::stop-commands::pwned")),
        "{cmds:?}"
    );
    let outputs = std::fs::read_to_string(outputs).unwrap();
    assert!(outputs.contains("passed<<"), "{outputs}");
    assert!(!se.contains("set-output name=passed::true\n::"), "{se}");
}

// 2. Workflow commands from untrusted text: configuration values and keys.
#[test]
fn hostile_configuration_values_are_refused_or_shown_on_one_line() {
    let forged = r"\n::warning title=Forged::x";
    let ok = "outputs = [\"app\"]\n";
    let cases = [
        (
            "out-dir",
            format!("{ok}out-dir = \"::warning title=Forged::x\"\n"),
        ),
        ("name", format!("{ok}name = \"::notice title=Forged::x\"\n")),
        ("image", format!("{ok}image = \"alpine{forged}\"\n")),
        ("target", format!("{ok}targets = [\"amd64{forged}\"]\n")),
        ("output", format!("outputs = [\"app{forged}\"]\n")),
        ("env name", format!("{ok}[env]\n\"A{forged}\" = \"1\"\n")),
        (
            "glibc",
            format!("{ok}[policy]\nmax-glibc = \"2.17{forged}\"\n"),
        ),
        ("unknown key", format!("{ok}\"k{forged}\" = 1\n")),
        (
            "unknown rule",
            format!("{ok}[policy.rules]\n\"r{forged}\" = \"error\"\n"),
        ),
        (
            "type",
            format!("{ok}targets = \"\"\"amd64\n::warning title=Forged::x\"\"\"\n"),
        ),
    ];
    for (what, config) in cases {
        let dir = project(&format!("config-{}", what.replace(' ', "-")), &config);
        let (mut cmd, _, _) = in_github_job(&dir, &["build"]);
        // No engine is needed: every case ends before anything is built (or at the unreachable engine).
        cmd.env("DOCKER_HOST", "unix:///nonexistent/docker.sock");
        let out = cmd.output().unwrap();
        let (so, se) = (stdout(&out), stderr(&out));
        assert_only_own_commands(&so, &se);
        let all = format!("{so}{se}");
        assert!(all.contains("Forged"), "{what}: the value is shown: {all}");
        assert!(
            all.lines()
                .all(|l| !l.trim_start().starts_with("::warning title=Forged")),
            "{what}: {all}"
        );
    }
}

// 3. One project's build cannot poison another's cache.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_second_project_sees_nothing_of_the_first_projects_cache() {
    let plant = format!(
        "outputs = [\"app\"]\ncommand = '''\nmkdir -p /static-build-cache/go-build && echo planted > /static-build-cache/go-build/poison && echo planted > /static-build-cache/poison\n{STATIC_APP}\n'''\n"
    );
    let check = format!(
        "outputs = [\"app\"]\ncommand = '''\nif [ -e /static-build-cache/poison ] || [ -e /static-build-cache/go-build/poison ]; then echo CACHE-POISONED; exit 3; fi\n{STATIC_APP}\n'''\n"
    );
    let a = project("cache-a", &plant);
    let out = static_build(&a, &str_args(&build_args(&["amd64"])));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Project B: same image, target and preset; another project.
    let b = project("cache-b", &check);
    let out = static_build(&b, &str_args(&build_args(&["amd64"])));
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(!t.contains("CACHE-POISONED"), "{t}");
    // The check can fail: project A's own next build does see what it planted (the cache is kept).
    std::fs::write(a.join("static-build.toml"), &check).unwrap();
    let out = static_build(&a, &str_args(&build_args(&["amd64"])));
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("CACHE-POISONED"), "{t}");
}

// 4. Unbounded output: sparse files of 1 GiB and 100 GiB.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn huge_sparse_outputs_are_refused_in_bounded_memory() {
    let dir = project(
        "sparse-100g",
        "outputs = [\"app\"]\ncommand = \"truncate -s 100G app\"\n",
    );
    let start = std::time::Instant::now();
    let (out, rss) = measured(&mut static_build_cmd(&dir, &build_args(&["amd64"])), &dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("over the max-output-size"), "{t}");
    assert!(rss < 100, "peak memory {rss} MiB\n{t}");
    assert!(!dir.join("out/app-amd64").exists());
    // Refused from the archive's header: none of the 100 GiB is read (this would take minutes).
    assert!(start.elapsed() < std::time::Duration::from_secs(120));
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("out")).unwrap().collect();
    assert!(leftovers.len() <= 1, "only the report: {leftovers:?}");

    // 1 GiB is within the default limit: it streams to disk in bounded memory, and is then refused for
    // not being a program.
    let dir = project(
        "sparse-1g",
        "outputs = [\"app\"]\ncommand = \"truncate -s 1G app\"\n",
    );
    let (out, rss) = measured(&mut static_build_cmd(&dir, &build_args(&["amd64"])), &dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("not an ELF program"), "{t}");
    assert!(rss < 100, "peak memory {rss} MiB\n{t}");
    assert_eq!(
        std::fs::metadata(dir.join("out/app-amd64")).unwrap().len(),
        1 << 30
    );
    // With a lower limit, the same output is refused before it is written.
    std::fs::write(
        dir.join("static-build.toml"),
        "outputs = [\"app\"]\ncommand = \"truncate -s 1G app\"\nmax-output-size = \"512m\"\n",
    )
    .unwrap();
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    let out = static_build(&dir, &str_args(&build_args(&["amd64"])));
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("is 1073741824 bytes, over the max-output-size of 536870912 bytes"),
        "{t}"
    );
    assert!(!dir.join("out/app-amd64").exists());
}

// 5. One log line without a newline.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_500_mb_log_line_takes_linear_time_and_bounded_memory() {
    let dir = project(
        "log-line",
        &format!(
            "outputs = [\"app\"]\ncommand = '''\nhead -c 500000000 /dev/zero | tr '\\0' x\necho\n{STATIC_APP}\n'''\n"
        ),
    );
    let log = dir.join("stderr.log");
    let mut cmd = static_build_cmd(&dir, &build_args(&["amd64"]));
    let start = std::time::Instant::now();
    let (out, rss) = measured_to(&mut cmd, &dir, Some(&log));
    let elapsed = start.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(rss < 100, "peak memory {rss} MiB");
    // Quadratic took 300 s without finishing; linear is the daemon's and the pipe's speed.
    assert!(elapsed < std::time::Duration::from_secs(240), "{elapsed:?}");
    // Every printed line is bounded: `[amd64] ` and at most MAX_LOG_LINE bytes of the log.
    let max = static_build_core::limits::MAX_LOG_LINE + "[amd64] ".len();
    let mut xs = 0usize;
    let mut reader = std::io::BufReader::new(std::fs::File::open(&log).unwrap());
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader
            .by_ref()
            .take(max as u64 + 2)
            .read_until(b'\n', &mut line)
            .unwrap();
        if n == 0 {
            break;
        }
        assert!(
            line.len() <= max + 1,
            "a line of {} bytes was printed",
            line.len()
        );
        if let Some(body) = line.strip_prefix(b"[amd64] ") {
            if body.first() == Some(&b'x') {
                xs += body.iter().filter(|&&b| b == b'x').count();
            }
        }
    }
    assert_eq!(xs, 500_000_000, "nothing of the log was lost");
    std::fs::remove_file(&log).unwrap();
}

// 9, 10. Links in summaries and control characters in annotations, from a failing build's log.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn a_failing_builds_log_plants_no_link_and_no_control_character() {
    let dir = project(
        "tail",
        "outputs = [\"app\"]\ncommand = '''\nprintf 'see https://evil.example/phish and www.evil.example\\n'\nprintf 'red \\033[31mALERT\\033[0m bell\\007 done\\n'\nexit 3\n'''\n",
    );
    let (mut cmd, _, summary) = in_github_job(&dir, &str_args(&build_args(&["amd64"])));
    let out = cmd.output().unwrap();
    let (so, se) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let cmds = assert_only_own_commands(&so, &se);
    let error = cmds
        .iter()
        .find(|c| c.name == "error" && c.data.contains("exit code 3"))
        .unwrap_or_else(|| panic!("{cmds:?}"));
    assert!(error.data.contains("ALERT"), "{error:?}");
    assert!(
        !error.data.chars().any(|c| c.is_control() && c != '\n'),
        "control characters reached the annotation: {:?}",
        error.data
    );
    assert!(!so.contains('\u{1b}') && !so.contains('\u{7}'), "{so:?}");
    // The summary says where the build failed, without a link GitHub would make from a bare URL.
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(md.contains("evil.example/phish"), "{md}");
    let prose = strip_code(&md);
    assert!(
        !prose.contains("://") && !prose.to_ascii_lowercase().contains("www."),
        "an autolink outside code: {prose}"
    );
}

/// Markdown without its code spans and `<code>` elements (where GitHub makes no links).
fn strip_code(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(i) = rest.find(['`', '<']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("<code>") {
            rest = after.split_once("</code>").map_or("", |(_, r)| r);
        } else if tail.starts_with('`') {
            let fence = tail.len() - tail.trim_start_matches('`').len();
            let body = &tail[fence..];
            rest = body
                .find(&"`".repeat(fence))
                .map_or("", |j| &body[j + fence..]);
        } else {
            out.push('<');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

// 12. Outputs that should fail.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn empty_non_elf_and_directory_outputs_fail_the_build() {
    for (name, command, output, want) in [
        ("empty", "touch app", "app", "is empty"),
        (
            "script",
            "printf '#!/bin/sh\\necho hi\\n' > app",
            "app",
            "not an ELF program (it looks like: script",
        ),
        (
            "directory",
            "mkdir -p build && touch build/x",
            "build",
            "is a directory",
        ),
        (
            "link",
            "ln -s /bin/sh app",
            "app",
            "is a link (to `/bin/sh`)",
        ),
    ] {
        let dir = project(
            &format!("outputs-{name}"),
            &format!("outputs = [\"{output}\"]\ncommand = \"{command}\"\n"),
        );
        let out = static_build(&dir, &str_args(&build_args(&["amd64"])));
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {t}");
        assert!(t.contains(want), "{name}: {t}");
        assert!(t.contains("FAIL"), "{name}: {t}");
    }
    // Two outputs with one file name: refused by the plan, before anything is built.
    let dir = project(
        "outputs-duplicate",
        "outputs = [\"a/app\", \"b/app\"]\ncommand = \"true\"\n",
    );
    let out = static_build(&dir, &str_args(&build_args(&["amd64"])));
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("outputs `a/app` and `b/app` would both be written to `out/app-amd64`"),
        "{t}"
    );
    assert!(!t.contains("building in"), "{t}");
}

// 14. Confinement of the build container, the streamed project archive, TOML errors with lines.
#[test]
#[ignore = "needs the Docker engine and the builder images: scripts/docker.sh, scripts/builder-images.sh amd64 386 arm64 (scripts/test.sh runs them)"]
fn build_containers_are_confined_and_the_project_streams() {
    let dir = project(
        "confined",
        &format!(
            "outputs = [\"app\"]\ncommand = '''\ngrep -E '^(NoNewPrivs|CapEff)' /proc/self/status\necho pids.max=$(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max)\nls -l big.bin\n{STATIC_APP}\n'''\n"
        ),
    );
    // A 1 GiB file in the project: the archive streams from disk, it is never held in memory.
    std::fs::File::create(dir.join("big.bin"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let (out, rss) = measured(&mut static_build_cmd(&dir, &build_args(&["amd64"])), &dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(rss < 100, "peak memory {rss} MiB with a 1 GiB project\n{t}");
    assert!(t.contains("1073741824"), "the file arrived whole: {t}");
    assert!(t.contains("NoNewPrivs:\t1"), "{t}");
    // CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID: bits 0, 1, 3, 4, 5, 6, 7.
    assert!(t.contains("CapEff:\t00000000000000fb"), "{t}");
    assert!(t.contains("pids.max=4096"), "{t}");

    // Each is a setting.
    std::fs::write(
        dir.join("static-build.toml"),
        "outputs = [\"app\"]\nno-new-privileges = false\npids-limit = 0\ncapabilities = [\"NET_RAW\"]\ncommand = '''\ngrep -E '^(NoNewPrivs|CapEff)' /proc/self/status\necho pids.max=$(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max)\nprintf 'int main(void){return 0;}\\n' > m.c && gcc -static -o app m.c\n'''\n",
    )
    .unwrap();
    std::fs::remove_file(dir.join("big.bin")).unwrap();
    let out = static_build(&dir, &str_args(&build_args(&["amd64"])));
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("NoNewPrivs:\t0"), "{t}");
    // NET_RAW is bit 13.
    assert!(t.contains("CapEff:\t00000000000020fb"), "{t}");
    assert!(t.contains("pids.max=max"), "{t}");

    // A TOML type error names its line.
    std::fs::write(
        dir.join("static-build.toml"),
        "name = \"x\"\n\ntargets = 3\n",
    )
    .unwrap();
    let out = static_build(&dir, &["plan"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("line 3"), "{t}");
}

// 8. A configuration with 20,000 unknown keys.
#[test]
fn twenty_thousand_unknown_keys_are_read_in_linear_time_and_capped() {
    let dir = project("keys", "");
    // As in the audit: 20,000 keys in about 200 KB (and as many in the policy table).
    let mut config = String::from("outputs = [\"app\"]\n");
    for i in 0..20_000 {
        config.push_str(&format!("k{i} = 1\n"));
    }
    config.push_str("[policy]\n");
    for i in 0..20_000 {
        config.push_str(&format!("p{i} = 1\n"));
    }
    std::fs::write(dir.join("static-build.toml"), &config).unwrap();
    let start = std::time::Instant::now();
    let (mut cmd, _, _) = in_github_job(&dir, &["build"]);
    cmd.env("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    let out = cmd.output().unwrap();
    let elapsed = start.elapsed();
    let se = stderr(&out);
    // The quadratic search took 19 s; linear takes milliseconds (1 s is a wide margin for a slow machine).
    assert!(elapsed < std::time::Duration::from_secs(1), "{elapsed:?}");
    // An error (a typo must not pass), listing the first keys in the file's order and counting the rest.
    assert_eq!(out.status.code(), Some(2), "{se}");
    let max = static_build_core::limits::MAX_CONFIG_WARNINGS;
    let listed = se.lines().filter(|l| l.contains("unknown key `")).count();
    assert_eq!(listed, max, "{se}");
    assert!(se.contains("20000 unknown keys:"), "{se}");
    assert!(se.contains("  line 2: unknown key `k0`\n"), "{se}");
    assert!(se.contains(&format!("  and {} more", 20_000 - max)), "{se}");
    // The policy table is read too, as strictly.
    std::fs::write(
        dir.join("static-build.toml"),
        format!(
            "outputs = [\"app\"]\n{}",
            &config[config.find("[policy]").unwrap()..]
        ),
    )
    .unwrap();
    let (mut cmd, _, _) = in_github_job(&dir, &["build"]);
    cmd.env("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    let out = cmd.output().unwrap();
    let se = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{se}");
    assert!(se.contains("line 3: unknown key `policy.p0`"), "{se}");
    assert!(se.contains(&format!("  and {} more", 20_000 - max)), "{se}");
}
