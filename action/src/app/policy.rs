//! The policy of a run: the policy file, or the `[policy]` table of the build configuration, with the
//! command line's flags on top.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use static_build_core::{FailOn, Level, Policy};

/// The policy flags; they override the policy file.
#[derive(Clone, Debug, Default)]
pub struct PolicyOptions {
    /// The policy file (TOML).
    pub policy: Option<PathBuf>,
    /// Turns off `require-static`.
    pub allow_dynamic: bool,
    /// NEEDED libraries allowed (globs).
    pub allow_needed: Vec<String>,
    pub max_glibc: Option<String>,
    pub expect_arch: Vec<String>,
    /// Rules made errors.
    pub require: Vec<String>,
    /// `RULE=LEVEL` settings.
    pub rule: Vec<String>,
    pub fail_on: Option<FailOn>,
}

impl PolicyOptions {
    /// The policy file (if any) with the flags applied on top.
    pub fn resolve(&self) -> Result<Policy> {
        self.resolve_with_config(None)
    }

    /// As [`resolve`](Self::resolve), with the `[policy]` table of the build configuration as the base when
    /// no `--policy` file is given.
    pub fn resolve_with_config(&self, config: Option<&Path>) -> Result<Policy> {
        let from_config = match (&self.policy, config) {
            (None, Some(path)) => {
                let text = crate::bounded::read_text(
                    path,
                    static_build_core::limits::MAX_CONFIG_BYTES,
                    "configuration",
                )?;
                Policy::from_config_toml(&text)
                    .with_context(|| format!("in the [policy] table of `{}`", path.display()))?
            }
            _ => None,
        };
        let mut policy = match &self.policy {
            Some(path) => {
                let text = crate::bounded::read_text(
                    path,
                    static_build_core::limits::MAX_CONFIG_BYTES,
                    "policy file",
                )?;
                Policy::from_toml(&text)
                    .with_context(|| format!("in policy file `{}`", path.display()))?
            }
            None => from_config.unwrap_or_default(),
        };
        if self.allow_dynamic {
            policy.set("require-static", Level::Off)?;
        }
        policy
            .allowed_needed
            .extend(self.allow_needed.iter().cloned());
        if let Some(v) = &self.max_glibc {
            policy.max_glibc = Some(v.clone());
        }
        policy
            .expected_arch
            .extend(self.expect_arch.iter().cloned());
        for r in &self.require {
            policy.set(r, Level::Error)?;
        }
        for r in &self.rule {
            let (id, level) = r
                .split_once('=')
                .with_context(|| format!("`--rule {r}`: expected RULE=LEVEL"))?;
            let level = match Level::from_label(level) {
                Some(l) => l,
                None => anyhow::bail!(
                    "`--rule {r}`: unknown level `{level}` (off, note, warning, error)"
                ),
            };
            policy.set(id, level)?;
        }
        if let Some(f) = self.fail_on {
            policy.fail_on = f;
        }
        policy.validate()?;
        Ok(policy)
    }
}
