//! Installed environments: a target's packages installed once in a container committed as an image
//! (`static-build-env:<key>`), reused by the next builds of the project until it is too old, then pruned.

use super::*;

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
        self.remove(&name).await;
        result
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
            None => {
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

/// The key of a target's installed environment: what the install's result depends on.
pub(super) fn env_image_key(base_id: &str, target: &TargetPlan, volume: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        "static-build environment 1",
        env!("CARGO_PKG_VERSION"),
        base_id,
        &target.platform,
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
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The age of an image made at `created` (seconds since the epoch, as the images API says).
pub(super) fn age_of(created: i64) -> Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
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
