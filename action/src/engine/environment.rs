//! Installed environments: a target's packages installed once in a container committed as an image
//! (`static-build-env:<key>`), reused by the next builds of the project until it is too old, then pruned.
//!
//! Each install also leaves a snapshot in the target's cache volume (`environments/<key>.tar`: the files the
//! install added or changed, as the engine lists them), so that a runner that starts empty and gets the
//! volume back from the CI cache (`static-build cache import`) makes the same image by unpacking it, without
//! running the package manager again.

use super::*;
use static_build_core::limits::MAX_ENV_SNAPSHOT_PATHS;

/// Where a target's packages get installed.
pub(super) enum Environment {
    /// In an image that already holds them: the build skips the install.
    Ready(String),
    /// In the build container, first (caching off, or nothing to install).
    InBuild,
    /// The install failed (or ran out of time): the target's result.
    Failed(TargetResult),
}

impl Engine {
    /// The image a target builds in. With packages to install and the cache on, the install runs once in
    /// a container of its own (the base image, the plan's confinement, the cache volume, and nothing of the
    /// project: no project code runs there), which is committed as `static-build-env:<key>`; the next
    /// build of the project finds it and skips the install, for [`ENV_MAX_AGE`]. The key covers the base
    /// image's ID, the platform, the install command, the environment, the personality and the cache
    /// volume (which names the project), so no other project and no other package list ever gets it.
    pub(super) async fn environment(
        &self,
        run_id: &str,
        plan: &BuildPlan,
        target: &TargetPlan,
        labels: &HashMap<String, String>,
        started: Instant,
    ) -> Result<Environment> {
        let t = &target.target;
        let (Some(install), Some(volume)) = (&target.install, &target.cache_volume) else {
            return Ok(Environment::InBuild);
        };
        let base = self
            .docker
            .inspect_image(&target.image)
            .await
            .with_context(|| format!("{t}: cannot inspect the image `{}`", target.image))?;
        let key = env_image_key(base.id.as_deref().unwrap_or(&target.image), target, volume);
        let tag = format!("{ENV_IMAGE_REPO}:{key}");
        if let Some(existing) = self.env_images(Some(&tag)).await.first() {
            let age = age_of(existing.created);
            if age < ENV_MAX_AGE {
                self.progress.target_line(
                    t,
                    &format!(
                        "packages: reusing the installed environment {tag} (made {} ago)",
                        human_age(age)
                    ),
                );
                return Ok(Environment::Ready(tag));
            }
        }
        if self
            .restore_snapshot(run_id, plan, target, &key, &tag, labels, started)
            .await
        {
            self.progress.target_line(
                t,
                &format!(
                    "packages: installed environment {tag} made from the snapshot in the cache volume (no package manager run)"
                ),
            );
            return Ok(Environment::Ready(tag));
        }
        let name = format!("static-build-{run_id}-{t}-install");
        let body = self.container_body(
            plan,
            target,
            target.image.clone(),
            install.clone(),
            labels.clone(),
        );
        self.create(&name, target, body, "install").await?;
        let result = self
            .install_and_commit(&name, plan, target, &tag, labels, started)
            .await;
        if matches!(result, Ok(Environment::Ready(_))) {
            self.snapshot(run_id, &name, plan, target, &key, &tag, started)
                .await;
        }
        self.remove(&name).await;
        result
    }

    /// Make the installed environment `tag` from the snapshot `environments/<key>.tar` in the target's cache
    /// volume: the base image with the snapshot unpacked (by the image's own `tar`), committed. False when
    /// there is no snapshot, it is older than [`ENV_MAX_AGE`] (as the images are, so that the distribution's
    /// updates reach the builds), or it did not unpack: then the packages are installed as usual.
    #[allow(clippy::too_many_arguments)]
    async fn restore_snapshot(
        &self,
        run_id: &str,
        plan: &BuildPlan,
        target: &TargetPlan,
        key: &str,
        tag: &str,
        labels: &HashMap<String, String>,
        started: Instant,
    ) -> bool {
        let file = snapshot_file(key);
        let script = format!(
            r#"[ -f {file} ] || exit 3
[ -n "$(find {file} -mmin -{minutes} 2>/dev/null)" ] || exit 4
cd /
tar -xpf {file}
echo "static-build: unpacked the snapshot of an earlier install ({file})""#,
            minutes = ENV_MAX_AGE.as_secs() / 60
        );
        let name = format!("static-build-{run_id}-{}-restore", target.target);
        let body = self.container_body(plan, target, target.image.clone(), script, labels.clone());
        if self.create(&name, target, body, "restore").await.is_err() {
            return false;
        }
        // Quietly: when there is no snapshot, nothing was restored and the install runs as usual.
        let ran = self.run_quietly(&name, plan, started).await;
        let done = match ran {
            Some(0) => matches!(
                self.commit(&name, target, tag, labels).await,
                Ok(Environment::Ready(_))
            ),
            Some(3) | None => false,
            Some(4) => {
                self.progress.target_line(
                    &target.target,
                    &format!(
                        "packages: the snapshot of an earlier install is older than {}: installing afresh",
                        human_age(ENV_MAX_AGE)
                    ),
                );
                false
            }
            Some(code) => {
                self.progress.target_line(
                    &target.target,
                    &format!(
                        "packages: the snapshot of an earlier install did not unpack (exit {code}); installing"
                    ),
                );
                false
            }
        };
        self.remove(&name).await;
        done
    }

    /// Run a created container to its end without showing its log; its exit code, `None` when it could not
    /// run or ran out of the target's time.
    async fn run_quietly(&self, name: &str, plan: &BuildPlan, started: Instant) -> Option<i64> {
        self.docker
            .start_container(
                name,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await
            .ok()?;
        let deadline = Duration::from_secs(plan.timeout_secs).saturating_sub(started.elapsed());
        let wait = async {
            let mut w = self.docker.wait_container(
                name,
                None::<bollard::query_parameters::WaitContainerOptions>,
            );
            match w.next().await? {
                Ok(s) => Some(s.status_code),
                // A non-zero exit comes as an error that carries the code.
                Err(bollard::errors::Error::DockerContainerWaitError { code, .. }) => Some(code),
                Err(_) => None,
            }
        };
        tokio::time::timeout(deadline, wait).await.ok().flatten()
    }

    /// Leave a snapshot of what the install container `name` added or changed in the target's cache volume
    /// (`environments/<key>.tar`, the only one there), written by a container of the new environment `tag`
    /// that runs its own `tar`. Best effort: without it, a runner that starts empty installs again.
    #[allow(clippy::too_many_arguments)]
    async fn snapshot(
        &self,
        run_id: &str,
        name: &str,
        plan: &BuildPlan,
        target: &TargetPlan,
        key: &str,
        tag: &str,
        started: Instant,
    ) {
        let t = &target.target;
        let changes = match self.docker.container_changes(name).await {
            Ok(c) => c.unwrap_or_default(),
            Err(_) => return,
        };
        let Some(list) = snapshot_list(&changes) else {
            self.progress.target_line(
                t,
                &format!(
                    "packages: the install changed more than {MAX_ENV_SNAPSHOT_PATHS} paths: no snapshot in the cache volume"
                ),
            );
            return;
        };
        let file = snapshot_file(key);
        // Directories come back with their files; a path that is gone since is left out.
        let script = format!(
            r#"cd /
mkdir -p {dir}
find {dir} -name '*.tar*' ! -name {key}.tar -exec rm -f {{}} +
while IFS= read -r p; do
  if [ -d "$p" ] && [ ! -L "$p" ]; then continue; fi
  if [ -e "$p" ] || [ -L "$p" ]; then printf '%s\n' "$p"; fi
done </tmp/static-build-snapshot.list >/tmp/static-build-snapshot.files
tar -cf {file}.part -T /tmp/static-build-snapshot.files
mv {file}.part {file}"#,
            dir = snapshot_dir(),
        );
        let helper = format!("static-build-{run_id}-{t}-snapshot");
        let body = self.container_body(
            plan,
            target,
            tag.to_string(),
            script,
            HashMap::from([(RUN_LABEL.to_string(), run_id.to_string())]),
        );
        if self
            .create(&helper, target, body, "snapshot")
            .await
            .is_err()
        {
            return;
        }
        let mut tar = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(list.len() as u64);
        header.set_mode(0o644);
        let ok = tar
            .append_data(
                &mut header,
                "tmp/static-build-snapshot.list",
                list.as_bytes(),
            )
            .and_then(|()| tar.into_inner());
        let uploaded = match ok {
            Ok(bytes) => self
                .docker
                .upload_to_container(
                    &helper,
                    Some(UploadToContainerOptionsBuilder::new().path("/").build()),
                    bollard::body_full(bytes.into()),
                )
                .await
                .is_ok(),
            Err(_) => false,
        };
        if uploaded {
            match self.run_quietly(&helper, plan, started).await {
                Some(0) => self.progress.target_line(
                    t,
                    &format!("packages: snapshot of the install kept in the cache volume ({file})"),
                ),
                code => self.progress.target_line(
                    t,
                    &format!(
                        "packages: no snapshot of the install in the cache volume (exit {code:?})"
                    ),
                ),
            }
        }
        self.remove(&helper).await;
    }

    async fn install_and_commit(
        &self,
        name: &str,
        plan: &BuildPlan,
        target: &TargetPlan,
        tag: &str,
        labels: &HashMap<String, String>,
        started: Instant,
    ) -> Result<Environment> {
        let t = &target.target;
        match self.run_to_end(name, plan, t, "install", started).await? {
            Some(failed) => Ok(Environment::Failed(failed)),
            None => self.commit(name, target, tag, labels).await,
        }
    }

    /// Commit the container `name` as the installed environment `tag`.
    async fn commit(
        &self,
        name: &str,
        target: &TargetPlan,
        tag: &str,
        labels: &HashMap<String, String>,
    ) -> Result<Environment> {
        let t = &target.target;
        {
            {
                let (repo, tag_part) = tag.split_once(':').unwrap_or((tag, "latest"));
                let mut env_labels = labels.clone();
                env_labels.remove(RUN_LABEL);
                env_labels.insert(ENV_LABEL.to_string(), target.packages.join(" "));
                let options = bollard::query_parameters::CommitContainerOptionsBuilder::new()
                    .container(name)
                    .repo(repo)
                    .tag(tag_part)
                    .pause(true)
                    .build();
                let config = bollard::models::ContainerConfig {
                    labels: Some(env_labels),
                    ..Default::default()
                };
                self.docker
                    .commit_container(options, config)
                    .await
                    .with_context(|| {
                        format!("{t}: cannot keep the installed environment as {tag}")
                    })?;
                Ok(Environment::Ready(tag.to_string()))
            }
        }
    }

    /// The installed environments ([`ENV_LABEL`]), all or the one named `reference`.
    pub(super) async fn env_images(
        &self,
        reference: Option<&str>,
    ) -> Vec<bollard::models::ImageSummary> {
        let mut filters = HashMap::from([("label", vec![ENV_LABEL.to_string()])]);
        if let Some(r) = reference {
            filters.insert("reference", vec![r.to_string()]);
        }
        let options = bollard::query_parameters::ListImagesOptionsBuilder::new()
            .filters(&filters)
            .build();
        self.docker
            .list_images(Some(options))
            .await
            .unwrap_or_default()
    }

    /// Remove the installed environments ([`ENV_IMAGE_REPO`]) older than [`ENV_MAX_AGE`]; returns how many.
    /// An image still used by a container stays.
    pub async fn prune_environments(&self) -> usize {
        let images = self.env_images(None).await;
        let mut removed = 0;
        for image in images {
            if age_of(image.created) > ENV_MAX_AGE {
                let options = bollard::query_parameters::RemoveImageOptionsBuilder::new().build();
                if self
                    .docker
                    .remove_image(&image.id, Some(options), None)
                    .await
                    .is_ok()
                {
                    removed += 1;
                }
            }
        }
        removed
    }
}

/// Where the snapshots of installs are kept in a cache volume.
fn snapshot_dir() -> String {
    format!("{CACHE_DIR}/environments")
}

/// The snapshot of the install whose environment has `key`.
fn snapshot_file(key: &str) -> String {
    format!("{}/{key}.tar", snapshot_dir())
}

/// The paths (relative to `/`, one per line) that an install added or changed, as the engine lists them:
/// deletions, the temporary directories, the package managers' own caches, logs and the cache volume left
/// out; `None` when there are more than
/// [`MAX_ENV_SNAPSHOT_PATHS`].
fn snapshot_list(changes: &[bollard::models::FilesystemChange]) -> Option<String> {
    if changes.len() > MAX_ENV_SNAPSHOT_PATHS {
        return None;
    }
    let mut list = String::new();
    for c in changes {
        if c.kind == bollard::models::ChangeType::_2 {
            continue;
        }
        let p = c.path.trim_start_matches('/');
        let skipped = [
            "tmp",
            "var/tmp",
            "run",
            "proc",
            "sys",
            "dev",
            "static-build-cache",
            "var/cache/apt",
            "var/cache/apk",
            "var/log",
        ]
        .iter()
        .any(|d| p == *d || p.starts_with(&format!("{d}/")));
        if p.is_empty() || skipped || p.contains(['\n', '\r']) {
            continue;
        }
        list.push_str(p);
        list.push('\n');
    }
    Some(list)
}

/// The key of a target's installed environment: what the install's result depends on.
pub(super) fn env_image_key(base_id: &str, target: &TargetPlan, volume: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        "static-build environment 1",
        env!("CARGO_PKG_VERSION"),
        base_id,
        &target.build_platform,
        target.install.as_deref().unwrap_or(""),
        target.personality.as_deref().unwrap_or(""),
        volume,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for (k, v) in &target.env {
        h.update(k.as_bytes());
        h.update([b'=']);
        h.update(v.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize()[..8])
}

/// The age of an image made at `created` (seconds since the epoch, as the images API says).
pub(super) fn age_of(created: i64) -> Duration {
    let now = i64::try_from(unix_now()).unwrap_or(i64::MAX);
    Duration::from_secs(now.saturating_sub(created).max(0) as u64)
}

pub(super) fn human_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}
