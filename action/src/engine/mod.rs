//! The container build engine: executes a [`BuildPlan`] through the Docker Engine API (bollard).
//!
//! No bind mounts: the project goes into each build container as a tar stream and the
//! outputs come back as a tar stream, written on the host by this process, so they belong to the user who ran
//! it and the same code works with a local daemon, a remote `DOCKER_HOST` and Docker-in-Docker. Every
//! container carries the run's label and is removed when its target ends, fails, times out or the run is
//! interrupted.
//!
//! A build is hostile (it runs a pull request's code): its container runs with the capabilities that package installs
//! need and no others, `no-new-privileges` and a process limit; its log is read in bounded lines; its outputs
//! stream to disk through the one writer ([`crate::outdir`]), capped in size, and nothing of them is held in
//! memory.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use bollard::container::LogOutput;
use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountTypeEnum};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, DownloadFromContainerOptionsBuilder,
    KillContainerOptionsBuilder, ListContainersOptionsBuilder, LogsOptionsBuilder,
    RemoveContainerOptionsBuilder, UploadToContainerOptionsBuilder,
};
use bollard::Docker;
use futures_util::StreamExt;
use static_build_core::escape::one_line;
use static_build_core::limits::{LOG_TAIL_LINES, MAX_LOG_LINE, MAX_SOURCE_LEDGER_FILES};
use static_build_core::plan::{
    BuildMode, BuildPlan, Network, TargetPlan, CACHE_DIR, TOOLS_DIR, WORKDIR,
};

mod archive;
mod cache;
mod emulation;
mod environment;
mod loglines;
mod progress;
mod script;
mod sources;
mod verify;

use crate::outdir::{OutDir, WriteError};
pub use archive::project_tar;
pub use archive::ProjectTar;
use archive::{extract_one, hex, tools_tar, CountingWriter};
pub use cache::CacheIoError;
pub use emulation::check_emulation;
use environment::*;
use loglines::LineSplitter;
pub use progress::{Display, Progress};
use script::*;

/// Seconds since the epoch, now (0 on a clock before 1970).
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The named cache volume `volume` at [`CACHE_DIR`].
fn cache_mount(volume: &str) -> Mount {
    Mount {
        target: Some(CACHE_DIR.into()),
        source: Some(volume.to_string()),
        typ: Some(MountTypeEnum::VOLUME),
        ..Default::default()
    }
}

/// Label on every container a run creates: `static-build.run=<run id>`.
pub const RUN_LABEL: &str = "static-build.run";
/// The label that names the project directory a container (or a `verify` image) belongs to.
pub const PROJECT_LABEL: &str = "static-build.project";

/// The value of [`PROJECT_LABEL`] for the project in `host_root`: its canonical path.
fn project_label(host_root: &Path) -> String {
    std::fs::canonicalize(host_root)
        .unwrap_or_else(|_| host_root.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// The repository of the images that keep a target's installed packages (the base image after the install
/// step), so that the next build of the project skips the install: `static-build-env:<key>`.
pub const ENV_IMAGE_REPO: &str = "static-build-env";
/// Label on those images, with the project directory's path as on containers.
pub const ENV_LABEL: &str = "static-build.env";
/// How long an installed environment is reused: after that the packages are installed afresh, so that the
/// distribution's updates reach the builds, and the old image is removed.
pub const ENV_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);

pub struct Engine {
    docker: Docker,
    progress: Progress,
}

/// How one target's build ended.
#[derive(Debug)]
pub enum TargetResult {
    /// The build command succeeded; these host files were written.
    Built(Vec<PathBuf>),
    /// The build command failed with this exit code; the last lines of its log (control characters
    /// replaced).
    Failed {
        code: i64,
        tail: Vec<String>,
        oom: bool,
        /// What the whole log said about the link.
        link: static_build_core::linklog::LinkLog,
    },
    TimedOut {
        after: Duration,
    },
}

impl Engine {
    /// Connect as Docker clients do (`DOCKER_HOST`, else the local socket) and agree on an API version.
    pub async fn connect(display: Display) -> Result<Engine> {
        let where_ = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "/var/run/docker.sock".into());
        // The cause on the first line, what to do under it.
        let hint = |e: bollard::errors::Error| {
            anyhow!(
                "cannot reach the Docker engine at {where_}: {e}\nhint: is Docker installed and its daemon running (`docker info` says)? Start it (`sudo systemctl start docker`), or set DOCKER_HOST to the engine to use"
            )
        };
        let docker = Docker::connect_with_defaults().map_err(hint)?;
        let docker = docker.negotiate_version().await.map_err(hint)?;
        docker.ping().await.map_err(hint)?;
        Ok(Engine {
            docker,
            progress: Progress::new(display),
        })
    }

    /// Where build logs and target states are shown.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Only one target builds at a time (see [`Progress::set_sequential`]).
    pub fn set_sequential(&mut self, sequential: bool) {
        self.progress.set_sequential(sequential);
    }

    /// Make sure `image` is present for `platform`: use the local copy, else pull it (progress on stderr).
    /// Never substitutes another image.
    /// When the image is present for another architecture only and cannot be pulled, the error says what
    /// the target's build mode needs.
    async fn ensure_image(
        &self,
        image: &str,
        platform: &str,
        target: Option<&TargetPlan>,
    ) -> Result<()> {
        let mut local_arch = None;
        if let Ok(found) = self.docker.inspect_image(image).await {
            let arch = found.architecture.unwrap_or_default();
            let want = platform.split('/').nth(1).unwrap_or_default();
            if !arch.is_empty() && arch != want {
                local_arch = Some(arch.clone());
                // A local image for another platform is not silently used: pull the right one.
                self.progress.line(&format!(
                    "image {image} is present for {arch}, pulling it for {platform}"
                ));
            } else {
                return Ok(());
            }
        }
        self.progress
            .line(&format!("pulling {image} for {platform}"));
        let options = CreateImageOptionsBuilder::new()
            .from_image(image)
            .platform(platform)
            .build();
        let mut stream = self.docker.create_image(Some(options), None, None);
        let mut last_status = String::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    if let Some(status) = info.status {
                        if status != last_status && info.progress_detail.is_none() {
                            self.progress.line(&format!("  {image}: {status}"));
                        }
                        last_status = status;
                    }
                }
                Err(e) => {
                    let hint = match (target, &local_arch) {
                        (Some(t), Some(arch)) if matches!(t.build, BuildMode::Cross { .. }) => format!(
                            "hint: {} is cross-compiled, so its image runs for this machine's platform ({platform}), and the local `{image}` is for {arch} only: name an image of this machine's architecture (a multi-architecture image has both), or set cross = \"emulate\" to build in the {arch} image under QEMU",
                            t.target
                        ),
                        _ => "hint: check the image name and your registry access, or build the image locally and pass it with --image".to_string(),
                    };
                    return Err(anyhow!(
                        "cannot pull image `{image}` for {platform}: {e}\n{hint}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// [`Engine::ensure_image`] for each distinct image and platform of `targets`, once.
    pub async fn ensure_images<'a>(
        &self,
        targets: impl IntoIterator<Item = &'a TargetPlan>,
    ) -> Result<()> {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for t in targets {
            let key = (t.image.as_str(), t.build_platform.as_str());
            if !seen.contains(&key) {
                self.ensure_image(key.0, key.1, Some(t)).await?;
                seen.push(key);
            }
        }
        Ok(())
    }

    /// Run one target: create its container, send the project, build, fetch the outputs, remove it.
    pub async fn build_target(
        &self,
        run_id: &str,
        plan: &BuildPlan,
        target: &TargetPlan,
        project: &ProjectTar,
        host_root: &Path,
        out: &Arc<OutDir>,
    ) -> Result<TargetResult> {
        let name = format!("static-build-{run_id}-{}", target.target);
        let started = Instant::now();
        let labels = HashMap::from([
            (RUN_LABEL.to_string(), run_id.to_string()),
            ("static-build.target".to_string(), target.target.clone()),
            // Which project a leftover container belonged to.
            (PROJECT_LABEL.to_string(), project_label(host_root)),
        ]);
        let (image, install_here) = match self
            .environment(run_id, plan, target, &labels, started)
            .await?
        {
            Environment::Ready(image) => (image, false),
            Environment::InBuild => (target.image.clone(), true),
            Environment::Failed(result) => return Ok(result),
        };
        let script = build_script(target, install_here);
        let body = self.container_body(plan, target, image, script, labels);
        self.create(&name, target, body, "build").await?;
        let result = self
            .run_container(&name, plan, target, project, out, started)
            .await;
        self.remove(&name).await;
        result
    }

    /// The container for one phase of a target (install or build): the plan's confinement, its only mount
    /// the cache volume.
    fn container_body(
        &self,
        plan: &BuildPlan,
        target: &TargetPlan,
        image: String,
        script: String,
        labels: HashMap<String, String>,
    ) -> ContainerCreateBody {
        ContainerCreateBody {
            image: Some(image),
            cmd: Some(container_command(target, script)),
            env: Some(target.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
            working_dir: Some(target.workdir.clone()),
            labels: Some(labels),
            host_config: Some(HostConfig {
                memory: plan.memory_bytes.and_then(|m| i64::try_from(m).ok()),
                // Without swap beyond the limit, so the limit is the limit.
                memory_swap: plan.memory_bytes.and_then(|m| i64::try_from(m).ok()),
                nano_cpus: plan.cpus.map(|c| (c * 1e9) as i64),
                // A build runs a pull request's code: only the capabilities package installs need, no gain
                // of privileges through set-user-ID programs, a bounded number of processes (a fork bomb
                // stops there). Each is a setting (docs/security.md).
                cap_drop: Some(vec!["ALL".into()]),
                cap_add: Some(plan.container.capabilities.clone()),
                security_opt: plan
                    .container
                    .no_new_privileges
                    .then(|| vec!["no-new-privileges".into()]),
                pids_limit: plan.container.pids_limit,
                network_mode: Some(
                    match plan.network {
                        Network::Bridge => "bridge",
                        Network::None => "none",
                    }
                    .into(),
                ),
                // Decision 2: nothing from the host is mounted. The only mount is the named cache volume,
                // which lives in the engine, not on the host's file system.
                binds: None,
                mounts: target.cache_volume.as_deref().map(|v| vec![cache_mount(v)]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    async fn run_container(
        &self,
        name: &str,
        plan: &BuildPlan,
        target: &TargetPlan,
        project: &ProjectTar,
        out: &Arc<OutDir>,
        started: Instant,
    ) -> Result<TargetResult> {
        let t = &target.target;
        self.send_project(name, target, project).await?;
        if !target.tools.is_empty() {
            let upload = UploadToContainerOptionsBuilder::new().path("/").build();
            self.docker
                .upload_to_container(name, Some(upload), bollard::body_full(tools_tar(target)?))
                .await
                .with_context(|| {
                    format!("{t}: cannot copy static-build's tools into the container")
                })?;
        }
        if let Some(failed) = self.run_to_end(name, plan, t, "build", started).await? {
            return Ok(failed);
        }

        let mut written = Vec::new();
        for output in &target.outputs {
            let from = format!("{WORKDIR}/{}", output.from);
            let file_name = output
                .to
                .rsplit('/')
                .next()
                .unwrap_or(&output.to)
                .to_string();
            let options = DownloadFromContainerOptionsBuilder::new()
                .path(&from)
                .build();
            let missing = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let seen_missing = missing.clone();
            let stream = self
                .docker
                .download_from_container(name, Some(options))
                .map(move |chunk| {
                    chunk.map_err(|e| {
                        if matches!(
                            e,
                            bollard::errors::Error::DockerResponseServerError {
                                status_code: 404,
                                ..
                            }
                        ) {
                            seen_missing.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        std::io::Error::other(e.to_string())
                    })
                });
            // The archive is read as it arrives, in a blocking task (the tar reader is synchronous): its one
            // entry goes to disk through the writer, capped, and the rest of the stream is dropped unread.
            let reader =
                tokio_util::io::SyncIoBridge::new(tokio_util::io::StreamReader::new(stream));
            let out = out.clone();
            let limit = plan.max_output_bytes;
            let shown_from = output.from.clone();
            let result = tokio::task::spawn_blocking(move || {
                extract_one(reader, &out, &shown_from, &file_name, limit)
            })
            .await
            .map_err(|e| anyhow!("{t}: the output reader stopped: {e}"))?;
            match result {
                Ok(path) => written.push(path),
                Err(_) if missing.load(std::sync::atomic::Ordering::Relaxed) => {
                    bail!(
                        "{t}: the build did not produce `{}`",
                        one_line(&output.from)
                    )
                }
                Err(e) => {
                    return Err(e.context(format!("{t}: output `{}`", one_line(&output.from))))
                }
            }
        }
        Ok(TargetResult::Built(written))
    }

    /// Start a created container (the target's `phase`: install or build) and stream its log live (each
    /// line prefixed with its target; the last lines kept for the error; every line read for
    /// [`static_build_core::linklog`]) until it exits or the target's time, counted from `started`, is up
    /// (then it is killed). `None` when it exited with 0, else how the target ended. A line longer than
    /// MAX_LOG_LINE is split: the log costs linear time and bounded memory whatever it holds.
    async fn run_to_end(
        &self,
        name: &str,
        plan: &BuildPlan,
        t: &str,
        phase: &str,
        started: Instant,
    ) -> Result<Option<TargetResult>> {
        self.docker
            .start_container(
                name,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await
            .with_context(|| format!("{t}: cannot start the {phase} container"))?;
        let logs_options = LogsOptionsBuilder::new()
            .follow(true)
            .stdout(true)
            .stderr(true)
            .build();
        let mut logs = self.docker.logs(name, Some(logs_options));
        let mut tail: VecDeque<String> = VecDeque::with_capacity(LOG_TAIL_LINES + 1);
        let mut lines = LineSplitter::new(MAX_LOG_LINE);
        let mut link = static_build_core::linklog::LinkLog::new();
        let deadline = Duration::from_secs(plan.timeout_secs).saturating_sub(started.elapsed());
        let mut show = |line: &str| {
            // Once the tail is full, the memory of its oldest line takes the new one: a log of any length
            // allocates nothing per line.
            let mut kept = match tail.len() {
                LOG_TAIL_LINES => tail.pop_front().unwrap_or_default(),
                _ => String::new(),
            };
            neutralize_into(line, &mut kept);
            link.observe(&kept);
            self.progress.target_line(t, &kept);
            tail.push_back(kept);
        };
        let follow = async {
            while let Some(item) = logs.next().await {
                let bytes = match item {
                    Ok(LogOutput::StdOut { message }) | Ok(LogOutput::StdErr { message }) => {
                        message
                    }
                    Ok(LogOutput::Console { message }) => message,
                    Ok(_) => continue,
                    Err(_) => break,
                };
                lines.push(&bytes, &mut show);
            }
        };
        if tokio::time::timeout(deadline, follow).await.is_err() {
            self.kill(name).await;
            return Ok(Some(TargetResult::TimedOut {
                after: started.elapsed(),
            }));
        }
        lines.finish(&mut show);
        let tail: Vec<String> = tail.into_iter().collect();
        let state = self
            .exit_state(name)
            .await
            .with_context(|| format!("{t}: cannot read the container's exit status"))?;
        let code = state.exit_code.unwrap_or(-1);
        Ok((code != 0).then(|| TargetResult::Failed {
            code,
            tail,
            oom: state.oom_killed.unwrap_or(false),
            link,
        }))
    }

    /// Create the container `name` of `target` (its `role`: install or build, for the error).
    async fn create(
        &self,
        name: &str,
        target: &TargetPlan,
        body: ContainerCreateBody,
        role: &str,
    ) -> Result<()> {
        let options = CreateContainerOptionsBuilder::new()
            .name(name)
            .platform(&target.build_platform)
            .build();
        self.docker
            .create_container(Some(options), body)
            .await
            .with_context(|| format!("{}: cannot create the {role} container", target.target))?;
        Ok(())
    }

    /// Kill a container that ran out of time.
    async fn kill(&self, name: &str) {
        let options = KillContainerOptionsBuilder::new().signal("KILL").build();
        let _ = self.docker.kill_container(name, Some(options)).await;
    }

    /// The state of a container that exited: its exit code, whether it was killed for lack of memory.
    async fn exit_state(&self, name: &str) -> Result<bollard::models::ContainerState> {
        let inspect = self
            .docker
            .inspect_container(
                name,
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await?;
        Ok(inspect.state.unwrap_or_default())
    }

    async fn remove(&self, name: &str) {
        let options = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        let _ = self.docker.remove_container(name, Some(options)).await;
    }

    /// Remove every container of a run (after Ctrl-C or a cancelled job).
    pub async fn remove_run(&self, run_id: &str) -> usize {
        let filters = HashMap::from([("label", vec![format!("{RUN_LABEL}={run_id}")])]);
        let options = ListContainersOptionsBuilder::new()
            .all(true)
            .filters(&filters)
            .build();
        let Ok(list) = self.docker.list_containers(Some(options)).await else {
            return 0;
        };
        let mut removed = 0;
        for c in list {
            if let Some(id) = c.id {
                self.remove(&id).await;
                removed += 1;
            }
        }
        removed
    }
}

/// A line of build output with its control characters (ESC, BEL, CR...) replaced by `?`, so that it can
/// neither drive a terminal nor reach an annotation raw; whether it may start a workflow command is
/// [`crate::term`]'s concern.
fn neutralize(line: &str) -> String {
    let mut out = String::new();
    neutralize_into(line, &mut out);
    out
}

/// [`neutralize`] into `out` (cleared first), whose memory is reused.
fn neutralize_into(line: &str, out: &mut String) {
    out.clear();
    // Printable ASCII and tabs, most of a build's log, are copied at once.
    if line
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        out.push_str(line);
        return;
    }
    out.extend(line.chars().map(|c| {
        if (c.is_control() && c != '\t') || static_build_core::escape::is_invisible(c) {
            '?'
        } else {
            c
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_tar_lists_its_files_and_can_take_other_times() {
        let dir = std::env::temp_dir().join(format!("sb-retime-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // A path over tar's 100 bytes goes through a long-name entry before its own header.
        let long = format!("{}/deep.c", "d".repeat(120));
        std::fs::create_dir_all(dir.join(&long).parent().unwrap()).unwrap();
        std::fs::write(dir.join("a.c"), "int a;").unwrap();
        std::fs::write(dir.join(&long), "x".repeat(700)).unwrap();
        std::fs::write(dir.join("empty.h"), "").unwrap();
        let tar = project_tar(&dir, "out").unwrap();
        let mut files: Vec<_> = tar
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.size))
            .collect();
        files.sort();
        assert_eq!(files, [("a.c", 6), (long.as_str(), 700), ("empty.h", 0)]);
        let a = tar.files.iter().find(|f| f.path == "a.c").unwrap();
        // sha256sum of `int a;`
        assert_eq!(
            a.sha256,
            "68ee7ca0e099b2c45f613f363e4911edbf3f696a3569f0ca666d433db8503c90"
        );
        // The same times: no copy.
        let same: Vec<u64> = tar.files.iter().map(|f| f.mtime).collect();
        assert!(tar.retimed(&same).unwrap().is_none());
        // Other times: every header says its own, the content is unchanged, the checksums are right.
        let times: Vec<u64> = (0..tar.files.len() as u64).map(|i| 1_000 + i).collect();
        let copy = tar.retimed(&times).unwrap().unwrap();
        let read = |path: &Path| {
            let mut archive = tar::Archive::new(std::fs::File::open(path).unwrap());
            archive
                .entries()
                .unwrap()
                .map(|e| {
                    let mut e = e.unwrap();
                    let name = e.path().unwrap().to_string_lossy().into_owned();
                    let mtime = e.header().mtime().unwrap();
                    let file = e.header().entry_type().is_file();
                    let mut body = Vec::new();
                    std::io::Read::read_to_end(&mut e, &mut body).unwrap();
                    (name, mtime, body, file)
                })
                .collect::<Vec<_>>()
        };
        let before = read(tar.path());
        let after = read(copy.path());
        assert_eq!(before.len(), after.len());
        let mut files = tar.files.iter().zip(&times);
        for (b, a) in before.iter().zip(&after) {
            assert_eq!((&b.0, &b.2), (&a.0, &a.2));
            if !b.3 {
                assert_eq!(b.1, a.1);
            } else {
                let (f, &t) = files.next().unwrap();
                assert_eq!(a.0, format!("src/{}", f.path));
                assert_eq!(a.1, t);
            }
        }
        assert!(files.next().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_project_tar_honours_ignore_files() {
        let dir = std::env::temp_dir().join(format!("sb-tar-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for d in ["src", "big", "out", ".git", "keep"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        for (f, text) in [
            ("main.go", "package main"),
            ("src/lib.c", "int x;"),
            (".gitignore", "secret.txt\n"),
            (".static-buildignore", "big/\n"),
            ("secret.txt", "token"),
            ("big/blob", "xxxx"),
            ("out/old-binary", "ELF"),
            (".git/config", "[core]"),
            ("keep/.hidden", "kept"),
        ] {
            std::fs::write(dir.join(f), text).unwrap();
        }
        let tar = project_tar(&dir, "out").unwrap();
        let mut archive = tar::Archive::new(std::fs::File::open(tar.path()).unwrap());
        let mut names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "src/",
                "src/.gitignore",
                "src/.static-buildignore",
                "src/keep",
                "src/keep/.hidden",
                "src/main.go",
                "src/src",
                "src/src/lib.c"
            ]
        );
        // Outside a git work tree a .gitignore means nothing (as for git); `.ignore` files never count.
        std::fs::remove_dir_all(dir.join(".git")).unwrap();
        for d in ["vendor/cc/src/target", "target"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        std::fs::write(dir.join(".gitignore"), "target\n").unwrap();
        std::fs::write(dir.join(".ignore"), "main.go\n").unwrap();
        std::fs::write(dir.join("vendor/cc/src/target/parser.rs"), "fn f() {}").unwrap();
        std::fs::write(dir.join(".static-buildignore"), "big/\n/target/\n").unwrap();
        let tar = project_tar(&dir, "out").unwrap();
        let mut archive = tar::Archive::new(std::fs::File::open(tar.path()).unwrap());
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(names.contains(&"src/vendor/cc/src/target/parser.rs".to_string()));
        assert!(names.contains(&"src/main.go".to_string()));
        assert!(names.contains(&"src/secret.txt".to_string()));
        assert!(!names
            .iter()
            .any(|n| n.starts_with("src/big") || n == "src/target/"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_32_bit_target_builds_under_linux32_when_the_image_has_it() {
        let config = static_build_core::plan::Config {
            targets: vec!["386".into(), "amd64".into()],
            ..Default::default()
        };
        let facts = static_build_core::plan::ProjectFacts {
            project_key: "k".into(),
            dir_name: "app".into(),
            top_level_files: vec!["go.mod".into()],
            go_uses_cgo: false,
            pull_request: None,
            build_arch: Some("amd64".into()),
        };
        let plan = static_build_core::plan::resolve(&config, &facts).unwrap();
        let cmd = container_command(&plan.targets[0], "uname -m".into());
        assert_eq!(cmd[0], "sh");
        assert!(cmd[2].starts_with(
            "if command -v linux32 >/dev/null 2>&1; then exec linux32 sh -euc \"$1\"; fi;"
        ));
        assert_eq!(
            cmd[3..],
            ["static-build".to_string(), "uname -m".to_string()]
        );
        // Run by a real shell: through linux32 uname -m names the 32-bit machine; without linux32 on PATH
        // the script still runs, after a note.
        let uname = std::process::Command::new("sh")
            .args(["-c", "command -v uname"])
            .output()
            .unwrap();
        let uname = String::from_utf8_lossy(&uname.stdout).trim().to_string();
        if cfg!(target_arch = "x86_64") && which("linux32") {
            let out = std::process::Command::new("/bin/sh")
                .args(["-c", &cmd[2], &cmd[3], &cmd[4]])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), "i686\n");
        }
        let bare = std::env::temp_dir().join(format!("sb-linux32-{}", std::process::id()));
        std::fs::create_dir_all(&bare).unwrap();
        let _ = std::os::unix::fs::symlink(&uname, bare.join("uname"));
        let _ = std::os::unix::fs::symlink("/bin/sh", bare.join("sh"));
        let out = std::process::Command::new("/bin/sh")
            .args(["-c", &cmd[2], &cmd[3], &cmd[4]])
            .env("PATH", &bare)
            .output()
            .unwrap();
        std::fs::remove_dir_all(&bare).unwrap();
        assert!(out.status.success());
        assert!(!String::from_utf8_lossy(&out.stdout).is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("the image has no linux32"));
        let cmd = container_command(&plan.targets[1], "true".into());
        assert_eq!(cmd, ["sh", "-euc", "true"]);
    }

    fn which(tool: &str) -> bool {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .status()
            .is_ok_and(|s| s.success())
    }

    #[test]
    fn image_ages_are_shown_in_plain_units() {
        assert!(age_of(0) > ENV_MAX_AGE);
        assert!(age_of(i64::MAX) < Duration::from_secs(1));
        assert_eq!(human_age(Duration::from_secs(90)), "90 s");
        assert_eq!(human_age(Duration::from_secs(3 * 86_400)), "3 days");
    }

    #[test]
    fn build_output_loses_its_control_characters() {
        assert_eq!(neutralize("a\u{1b}[31mb\u{7}"), "a?[31mb?");
        assert_eq!(neutralize("plain\tline"), "plain\tline");
        assert_eq!(neutralize("x\u{202e}y"), "x?y");
        // Into a buffer that held a longer line: only the new line is left.
        let mut kept = "an older, longer line".to_string();
        neutralize_into("new\u{7}", &mut kept);
        assert_eq!(kept, "new?");
        neutralize_into("plain", &mut kept);
        assert_eq!(kept, "plain");
    }

    fn archive(entries: &[(&str, tar::EntryType, &[u8], Option<&str>)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, kind, data, link) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o755);
            if let Some(l) = link {
                h.set_link_name(l).unwrap();
            }
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn only_a_non_empty_regular_file_is_an_output() {
        let project = std::env::temp_dir().join(format!("sb-extract-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&project);
        std::fs::create_dir_all(&project).unwrap();
        let out = OutDir::open(&project, "out").unwrap();
        let ok = archive(&[("app", tar::EntryType::Regular, b"\x7fELF....", None)]);
        let p = extract_one(&ok[..], &out, "build/app", "app-amd64", 1 << 20).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"\x7fELF....");
        for (bytes, want) in [
            (
                archive(&[("build", tar::EntryType::Directory, b"", None)]),
                "is a directory",
            ),
            (
                archive(&[("app", tar::EntryType::Symlink, b"", Some("/etc/passwd"))]),
                "is a link (to `/etc/passwd`)",
            ),
            (
                archive(&[("app", tar::EntryType::Regular, b"", None)]),
                "is empty",
            ),
            (Vec::new(), "empty archive"),
        ] {
            let err = extract_one(&bytes[..], &out, "build/app", "x", 1 << 20)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{err}");
        }
        let big = archive(&[("app", tar::EntryType::Regular, &[1u8; 5000], None)]);
        let err = extract_one(&big[..], &out, "app", "big", 4096)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("over the max-output-size of 4096 bytes"),
            "{err}"
        );
        assert!(!project.join("out/big").exists());
        std::fs::remove_dir_all(&project).unwrap();
    }
}
