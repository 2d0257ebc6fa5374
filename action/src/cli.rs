//! Command-line parsing and dispatch. Exit codes: 0 pass, 1 policy findings at or above the fail level
//! (or regressions for `diff`), 2 error.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use static_build_core::{FailOn, Level, Policy};

use crate::inspect_cmd;

#[derive(Parser)]
#[command(
    name = "static-build",
    version,
    about = "Build fully static Linux binaries and prove that they are static",
    long_about = None,
    after_help = "Exit codes: 0 pass, 1 policy findings at or above the fail level, 2 error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect ELF files (and directories, recursively) and judge them against a policy
    Inspect(InspectArgs),
    /// Compare two JSON reports (base vs head): newly dynamic, new NEEDED, glibc floor raised, hardening lost
    Diff(DiffArgs),
    /// Build the project statically for each target in containers, then inspect and judge every output
    Build(Box<crate::build_cmd::BuildArgs>),
    /// Print the resolved build plan (images, packages, environment, commands, outputs per target) without
    /// running anything
    Plan(crate::plan_cmd::PlanArgs),
    /// Merge the JSON reports of several jobs, or publish a report from a CI job
    Report(crate::report_cmd::ReportArgs),
    /// List the policy rules with their ids and default levels
    Rules,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailLevel {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Args)]
pub struct InspectArgs {
    /// Files or directories to inspect (directories are walked recursively; symbolic links inside them are
    /// not followed)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Add an `objdump -x`-like view (headers, segments, dynamic section, sections, notes) to text output
    #[arg(long)]
    pub detail: bool,
    /// More in text output: the evidence behind each verdict and hardening answer, every Go build setting
    /// and dependency, and every skipped non-ELF file
    #[arg(long, short)]
    pub verbose: bool,
    /// Write the report to this file instead of standard output (a new file renamed into place; a symbolic
    /// link at FILE is refused, not followed)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// Policy flags; they override the policy file.
#[derive(Args, Default)]
pub struct PolicyArgs {
    /// Policy file (TOML); see `static-build rules` for the rule ids
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Do not require programs to be static (turns off `require-static`)
    #[arg(long)]
    pub allow_dynamic: bool,
    /// Allow a NEEDED library (glob, repeatable); any other NEEDED library is a finding
    #[arg(long, value_name = "GLOB")]
    pub allow_needed: Vec<String>,
    /// Highest glibc version a binary may require, e.g. 2.17
    #[arg(long, value_name = "VERSION")]
    pub max_glibc: Option<String>,
    /// Architecture every binary must be built for (repeatable): amd64, arm64, 386, arm, ...
    #[arg(long, value_name = "ARCH")]
    pub expect_arch: Vec<String>,
    /// Make a rule an error (repeatable), e.g. --require require-pie
    #[arg(long, value_name = "RULE")]
    pub require: Vec<String>,
    /// Set a rule's level (repeatable): RULE=off|note|warning|error
    #[arg(long, value_name = "RULE=LEVEL")]
    pub rule: Vec<String>,
    /// Fail (exit 1) on findings at or above this level
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailLevel>,
}

#[derive(Args)]
pub struct DiffArgs {
    /// Report of the base (e.g. the target branch), as written by `inspect --format json`
    pub base: PathBuf,
    /// Report of the head (e.g. the pull request)
    pub head: PathBuf,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    Text,
    Markdown,
    Json,
}

pub fn run() -> Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return Ok(ExitCode::from(code));
        }
    };
    match cli.command {
        Command::Inspect(args) => inspect_cmd::run(args),
        Command::Diff(args) => inspect_cmd::diff(args),
        Command::Plan(args) => crate::plan_cmd::run(args),
        Command::Build(args) => crate::build_cmd::run(*args),
        Command::Report(args) => crate::report_cmd::run(args),
        Command::Rules => {
            let mut text = String::new();
            for (id, what, level) in static_build_core::RULES {
                text.push_str(&format!("{id:<28} {:<8} {what}\n", level.label()));
            }
            crate::term::out(&text).context("cannot write to standard output")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

impl PolicyArgs {
    /// The policy file (if any) with the flags applied on top; warnings about the file go to stderr.
    pub fn resolve(&self) -> Result<Policy> {
        self.resolve_with_config(None)
    }

    /// As [`resolve`](Self::resolve), with the `[policy]` table of the build configuration as the base when
    /// no `--policy` file is given.
    pub fn resolve_with_config(&self, config: Option<&std::path::Path>) -> Result<Policy> {
        let from_config = match (&self.policy, config) {
            (None, Some(path)) => {
                let text = crate::bounded::read_text(
                    path,
                    static_build_core::limits::MAX_CONFIG_BYTES,
                    "configuration",
                )?;
                Policy::from_config_toml(&text)
                    .with_context(|| format!("in the [policy] table of `{}`", path.display()))?
                    .map(|(p, warnings)| {
                        for w in warnings {
                            crate::term::errln!("warning: {}: [policy]: {w}", path.display());
                        }
                        p
                    })
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
                let (p, warnings) = Policy::from_toml(&text)
                    .with_context(|| format!("in policy file `{}`", path.display()))?;
                for w in warnings {
                    crate::term::errln!("warning: {}: {w}", path.display());
                }
                p
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
            policy.fail_on = match f {
                FailLevel::Error => FailOn::Error,
                FailLevel::Warning => FailOn::Warning,
                FailLevel::Note => FailOn::Note,
                FailLevel::Never => FailOn::Never,
            };
        }
        policy.validate()?;
        Ok(policy)
    }
}

impl ColorChoice {
    pub fn enabled(self, to_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                to_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}
