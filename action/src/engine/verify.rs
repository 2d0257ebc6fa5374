//! `verify`: an output run once, alone, in a container whose root filesystem holds nothing but the program
//! (an image imported from a one-file tar stream), with no network, a read-only root, no capabilities, no
//! environment of ours, a nobody user, a time, memory and process limit, as the target's platform (QEMU runs
//! a foreign one). The program is the project's own build output, run because the project asked; the
//! inspector never runs what it inspects.

use super::*;
use bollard::query_parameters::RemoveImageOptionsBuilder;
use static_build_core::limits::{
    VERIFY_MEMORY, VERIFY_OUTPUT_LINES, VERIFY_PIDS_LIMIT, VERIFY_TIMEOUT_SECS,
};
use static_build_core::verify::VerifyRun;

/// The image repository of the one-program images (removed after each run).
const VERIFY_REPO: &str = "static-build-verify";

/// The user the program runs as: nobody, so that not even the empty root is its own.
const NOBODY: &str = "65534:65534";

impl Engine {
    /// Run `file` (the output of `target` numbered `index` in this run) with `args`, alone. Whatever goes
    /// wrong, including here, is the run's `error`: a proof that could not be made is not a pass.
    pub async fn verify_output(
        &self,
        run_id: &str,
        host_root: &Path,
        target: &TargetPlan,
        index: usize,
        file: &Path,
        args: &[String],
    ) -> VerifyRun {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "program".into());
        let mut run = VerifyRun {
            command: std::iter::once(format!("/{name}"))
                .chain(args.iter().cloned())
                .collect(),
            platform: target.platform.clone(),
            exit_code: None,
            error: None,
            output: Vec::new(),
            output_truncated: false,
            millis: 0,
        };
        if let Some(why) = cannot_emulate(&target.platform) {
            run.error = Some(why);
            return run;
        }
        let tag = format!("{run_id}-{}-{index}", target.target);
        let image = format!("{VERIFY_REPO}:{tag}");
        let container = format!("static-build-verify-{tag}");
        let labels = HashMap::from([
            (RUN_LABEL.to_string(), run_id.to_string()),
            (PROJECT_LABEL.to_string(), project_label(host_root)),
        ]);
        let result = self
            .verify_in(&labels, target, file, &name, &image, &container, &mut run)
            .await;
        if let Err(e) = result {
            run.error = Some(format!("could not be run: {}", one_line(&format!("{e:#}"))));
        }
        self.remove(&container).await;
        let _ = self
            .docker
            .remove_image(
                &image,
                Some(RemoveImageOptionsBuilder::new().force(true).build()),
                None,
            )
            .await;
        run
    }

    #[allow(clippy::too_many_arguments)]
    async fn verify_in(
        &self,
        labels: &HashMap<String, String>,
        target: &TargetPlan,
        file: &Path,
        name: &str,
        image: &str,
        container: &str,
        run: &mut VerifyRun,
    ) -> Result<()> {
        // The root filesystem: one entry, the program, mode 0755, streamed from disk.
        let size = tokio::fs::metadata(file)
            .await
            .with_context(|| format!("cannot read `{}`", file.display()))?
            .len();
        let mut header = tar::Header::new_gnu();
        header.set_path(name)?;
        header.set_size(size);
        header.set_mode(0o755);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        let head = bytes::Bytes::copy_from_slice(header.as_bytes());
        // Padding to the 512-byte block, then the two empty blocks that end an archive.
        let pad = (512 - size % 512) % 512;
        let tail = bytes::Bytes::from(vec![0u8; pad as usize + 1024]);
        let content = tokio::fs::File::open(file)
            .await
            .with_context(|| format!("cannot open `{}`", file.display()))?;
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(head)])
            .chain(tokio_util::io::ReaderStream::new(content))
            .chain(futures_util::stream::iter([Ok(tail)]));
        let options = CreateImageOptionsBuilder::new()
            .from_src("-")
            .repo(VERIFY_REPO)
            .tag(image.rsplit(':').next().unwrap_or("latest"))
            .platform(&target.platform)
            .changes(
                labels
                    .iter()
                    .map(|(k, v)| {
                        format!("LABEL {k}={}", serde_json::to_string(v).unwrap_or_default())
                    })
                    .collect(),
            )
            .build();
        let mut import =
            self.docker
                .create_image(Some(options), Some(bollard::body_try_stream(stream)), None);
        while let Some(step) = import.next().await {
            step.context("cannot make the one-program image")?;
        }

        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            cmd: Some(run.command.clone()),
            // Nothing of the build's or the host's environment: the program gets Docker's PATH only.
            env: Some(Vec::new()),
            working_dir: Some("/".into()),
            user: Some(NOBODY.into()),
            labels: Some(labels.clone()),
            host_config: Some(HostConfig {
                network_mode: Some("none".into()),
                readonly_rootfs: Some(true),
                cap_drop: Some(vec!["ALL".into()]),
                security_opt: Some(vec!["no-new-privileges".into()]),
                memory: Some(VERIFY_MEMORY as i64),
                memory_swap: Some(VERIFY_MEMORY as i64),
                pids_limit: Some(VERIFY_PIDS_LIMIT),
                ..Default::default()
            }),
            ..Default::default()
        };
        // No platform asked at creation: the engine may record the imported image as its own platform
        // whatever was asked at import, and then refuses a mismatch. The kernel runs the program by its ELF
        // header, a foreign one through its binfmt_misc (QEMU) handler, checked above.
        let options = CreateContainerOptionsBuilder::new().name(container).build();
        self.docker
            .create_container(Some(options), body)
            .await
            .context("cannot create its container")?;

        let started = Instant::now();
        if let Err(e) = self
            .docker
            .start_container(
                container,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await
        {
            // A program the kernel cannot start: a dynamic one's loader is missing ("exec /app: no such file
            // or directory"), a foreign one without its QEMU handler ("exec format error").
            run.error = Some(format!("could not start: {}", start_error(&e.to_string())));
            run.millis = started.elapsed().as_millis() as u64;
            return Ok(());
        }
        let logs_options = LogsOptionsBuilder::new()
            .follow(true)
            .stdout(true)
            .stderr(true)
            .build();
        let mut logs = self.docker.logs(container, Some(logs_options));
        let mut lines = LineSplitter::new(MAX_LOG_LINE);
        let output = &mut run.output;
        let mut truncated = false;
        let mut keep = |line: &str| {
            if output.len() < VERIFY_OUTPUT_LINES {
                output.push(neutralize(line));
            } else {
                truncated = true;
            }
        };
        let follow = async {
            while let Some(item) = logs.next().await {
                match item {
                    Ok(LogOutput::StdOut { message })
                    | Ok(LogOutput::StdErr { message })
                    | Ok(LogOutput::Console { message }) => lines.push(&message, &mut keep),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        };
        let timed_out = tokio::time::timeout(Duration::from_secs(VERIFY_TIMEOUT_SECS), follow)
            .await
            .is_err();
        lines.finish(&mut keep);
        run.output_truncated = truncated;
        run.millis = started.elapsed().as_millis() as u64;
        if timed_out {
            self.kill(container).await;
            run.error = Some(format!(
                "did not exit within {VERIFY_TIMEOUT_SECS} s and was killed"
            ));
            return Ok(());
        }
        let state = self
            .exit_state(container)
            .await
            .context("cannot read its exit status")?;
        if state.oom_killed == Some(true) {
            run.error = Some(format!(
                "was killed for lack of memory (its limit is {} MiB)",
                VERIFY_MEMORY >> 20
            ));
        }
        run.exit_code = state.exit_code;
        Ok(())
    }
}

/// Why programs of `platform` cannot run here, when this host needs QEMU for them and has not registered it.
fn cannot_emulate(platform: &str) -> Option<String> {
    let handler = emulation::missing_handler(platform)?;
    Some(format!(
        "could not start: {platform} programs need QEMU user emulation here and {handler} is not registered with binfmt_misc (on GitHub Actions: `- uses: docker/setup-qemu-action@v3`; elsewhere qemu-user-static and binfmt-support)"
    ))
}

/// The part of the engine's error that says why the program did not start: the runtime wraps it in layers
/// (`failed to create task for container: ... exec /app: no such file or directory: unknown`).
fn start_error(message: &str) -> String {
    let message = one_line(message).into_owned();
    let cause = ["exec: ", "exec "]
        .iter()
        .find_map(|m| message.rfind(m))
        .map(|at| &message[at..])
        .unwrap_or(&message);
    let cause = cause.trim_end_matches(": unknown").trim();
    cause.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cause_of_a_failed_start_is_kept() {
        assert_eq!(
            start_error("Docker responded with status code 400: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/app\": stat /app: no such file or directory: unknown"),
            "exec: \"/app\": stat /app: no such file or directory"
        );
        assert_eq!(start_error("no such image"), "no such image");
    }
}
