//! The command line: clap's types, their translation into the options of the commands below, and the one
//! place where an outcome becomes an exit code: 0 pass, 1 policy findings at or above the fail level (or
//! regressions for `diff`), 2 error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use static_build_core::plan::{CrossSetting, Network, PackageManager, Preset};
use static_build_core::FailOn;

use crate::app::cache::CacheOptions;
use crate::app::policy::PolicyOptions;
use crate::app::project::ConfigOptions;
use crate::app::Outcome;
use crate::ci::publish::PublishOptions;
use crate::commands;
use crate::term::Color;

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
    Build(Box<BuildArgs>),
    /// Print the resolved build plan (images, packages, environment, commands, outputs per target) without
    /// running anything
    Plan(PlanArgs),
    /// Merge the JSON reports of several jobs, or publish a report from a CI job
    Report(ReportArgs),
    /// List the policy rules with their ids and default levels
    Rules,
    /// Carry the build caches between CI runs that start on empty machines: export the cache volumes to a
    /// directory, import them from it, print the CI cache key; or remove the volumes
    Cache(CacheArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Markdown,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailLevel {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Args)]
struct InspectArgs {
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
    /// Accept paths that hold no ELF file (without it, that is an error: nothing was judged, say an output
    /// directory the build never filled)
    #[arg(long)]
    pub allow_empty: bool,
    /// Inspect this many files at a time (default: one per core, at most 64)
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// Policy flags; they override the policy file.
#[derive(Args, Default)]
struct PolicyArgs {
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
struct DiffArgs {
    /// Report of the base (e.g. the target branch), as written by `inspect --format json`
    pub base: PathBuf,
    /// Report of the head (e.g. the pull request)
    pub head: PathBuf,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

/// Configuration flags shared by `plan` and `build`; they override `static-build.toml`.
#[derive(Args, Default)]
struct ConfigArgs {
    /// Project directory
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Configuration file (default: DIR/static-build.toml when it exists)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What kind of project: go, c, rust or script (default: detected)
    #[arg(long, value_enum)]
    pub preset: Option<PresetArg>,
    /// Target to build for (repeatable, or a comma-separated list): amd64, 386, arm64, armv7, armv6, ppc64le, s390x, riscv64
    #[arg(
        long = "target",
        short = 't',
        value_name = "TARGET",
        value_delimiter = ','
    )]
    pub targets: Vec<String>,
    /// Build image: IMAGE for every target, or TARGET=IMAGE for one (repeatable, or a comma-separated list;
    /// default: the pinned Alpine image)
    #[arg(long = "image", value_name = "[TARGET=]IMAGE", value_delimiter = ',')]
    pub images: Vec<String>,
    /// Package manager of the image: apk, apt or none (default: detected from the image name)
    #[arg(long, value_enum)]
    pub package_manager: Option<PackageManagerArg>,
    /// How targets foreign to this machine build: auto (cross-compiled where the preset can, else under
    /// QEMU), emulate (under QEMU) or always (cross-compiled, or an error); default auto
    #[arg(long, value_enum, value_name = "MODE")]
    pub cross: Option<CrossArg>,
    /// Extra package to install in the build container (repeatable, or a comma-separated list)
    #[arg(
        long = "package",
        short = 'p',
        value_name = "PACKAGE",
        value_delimiter = ','
    )]
    pub packages: Vec<String>,
    /// Build command, replacing the preset's (a shell command run in the project directory)
    #[arg(long, value_name = "COMMAND")]
    pub command: Option<String>,
    /// Directory that receives the outputs (default: out)
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<String>,
    /// After the build, run each output once alone in an empty root filesystem (no network, read-only, time
    /// and memory limits) with these arguments, split as a shell splits them: `--verify=--version`; `""` runs
    /// it without arguments. A failed run is a finding (run-in-empty-root)
    #[arg(long, value_name = "ARGS", allow_hyphen_values = true)]
    pub verify: Option<String>,
    /// Network of the build containers: bridge (default) or none
    #[arg(long, value_enum)]
    pub network: Option<NetworkArg>,
    /// Seconds a target's build may take (default 3600)
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// How many targets build at once (default 2)
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Memory limit of each build container (e.g. 4g)
    #[arg(long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// CPU limit of each build container (e.g. 2)
    #[arg(long, value_name = "N")]
    pub cpus: Option<f64>,
    /// The most a cache export writes, compressed (e.g. 4g; default 2g)
    #[arg(long, value_name = "SIZE")]
    pub cache_max_size: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum NetworkArg {
    Bridge,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum PresetArg {
    Go,
    C,
    Rust,
    Script,
}

#[derive(Clone, Copy, ValueEnum)]
enum CrossArg {
    Auto,
    Emulate,
    Always,
}

#[derive(Clone, Copy, ValueEnum)]
enum PackageManagerArg {
    Apk,
    Apt,
    None,
}

#[derive(Args)]
struct PlanArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum PlanFormat {
    Text,
    Json,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Colour in the report
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Before building, fill the cache volumes that are not here from this directory (written by
    /// --cache-export or `cache export`); what cannot be used is a warning and a cold build
    #[arg(long, value_name = "CACHE_DIR")]
    pub cache_import: Option<PathBuf>,
    /// After building, write the cache volumes to this directory (one zstd-compressed tar per target and a
    /// manifest), within cache-max-size; archives of volumes this build did not use are removed
    #[arg(long, value_name = "CACHE_DIR")]
    pub cache_export: Option<PathBuf>,
    #[command(flatten)]
    pub ci: CiArgs,
}

#[derive(Args)]
struct CacheArgs {
    #[command(subcommand)]
    command: CacheCommand,
}

#[derive(Subcommand)]
enum CacheCommand {
    /// Write the project's cache volumes to CACHE_DIR (one zstd-compressed tar per target and a manifest)
    Export(CacheDirArgs),
    /// Fill the project's cache volumes that are not here from CACHE_DIR
    Import(CacheDirArgs),
    /// Print the CI cache key of the project's caches and the prefix of its fallbacks (`key=`,
    /// `restore-key=` lines, as `$GITHUB_OUTPUT` takes them)
    Key(CacheKeyArgs),
    /// Remove the project's cache volumes (the next build is cold)
    Clear(CacheClearArgs),
}

#[derive(Args)]
struct CacheDirArgs {
    /// The cache directory
    #[arg(value_name = "CACHE_DIR")]
    cache_dir: PathBuf,
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Args)]
struct CacheKeyArgs {
    /// Extra key material (the action's `cache-key` input): another value, another cache
    #[arg(long, value_name = "TEXT", default_value = "")]
    extra: String,
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Args)]
struct CacheClearArgs {
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Args)]
struct ReportArgs {
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Fold the JSON reports of several jobs (e.g. a CI matrix) into one report
    Merge(MergeArgs),
    /// Publish a JSON report from a CI job: annotations, job summary, step outputs, pull-request comment and
    /// check (each can be turned off)
    Publish(PublishArgs),
}

#[derive(Args)]
struct MergeArgs {
    /// Reports to merge; a directory stands for every `static-build-report.json` below it (as
    /// actions/download-artifact lays them out)
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// Write the merged report here instead of standard output
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct PublishArgs {
    /// The JSON report (from `build`, `inspect --format json` or `report merge`)
    #[arg(value_name = "REPORT")]
    report: PathBuf,
    /// The configuration file that annotations may point at (default: ./static-build.toml when it exists)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    ci: CiArgs,
}

/// What a run inside CI publishes. Outside CI these flags do nothing.
#[derive(Args, Clone, Debug)]
struct CiArgs {
    /// In CI: annotate the run with the findings (workflow commands)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    pub annotate: bool,
    /// In CI: write the report to the job summary
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    pub summary: bool,
    /// In CI on a pull request: keep one report comment up to date (needs a token that may write
    /// pull-request comments, in STATIC_BUILD_TOKEN)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    pub comment: bool,
    /// In CI: a check run (GitHub) or a commit status (Gitea, Forgejo, or GitHub without checks: write)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    pub check: bool,
    /// The base branch's JSON report: its regressions (newly dynamic, new NEEDED, glibc floor raised,
    /// hardening lost, size) head the summary and the comment
    #[arg(long, value_name = "FILE")]
    pub base_report: Option<PathBuf>,
    /// On a pull request without --base-report: take the base report from the newest unexpired artifact
    /// NAME of a run on the base branch (its static-build-report.json; GitHub, needs `actions: read`)
    #[arg(long, value_name = "NAME")]
    pub base_artifact: Option<String>,
    /// Tells this step's comment apart from other static-build comments of the same job
    #[arg(long, value_name = "KEY")]
    pub comment_key: Option<String>,
    /// The pull request to comment on, instead of the one of the job's event (for a `workflow_run`
    /// workflow that publishes the report of a pull request's build)
    #[arg(long, value_name = "NUMBER")]
    pub pull_request: Option<u64>,
    /// The commit the check or commit status is for, instead of the event's (pull-request head or
    /// GITHUB_SHA)
    #[arg(long, value_name = "SHA")]
    pub sha: Option<String>,
}

/// Parse the command line, run the command, and turn how it ended into the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let outcome = match cli.command {
        Command::Inspect(a) => commands::inspect::run(commands::inspect::Options {
            paths: a.paths,
            format: match a.format {
                Format::Text => commands::inspect::Format::Text,
                Format::Json => commands::inspect::Format::Json,
                Format::Markdown => commands::inspect::Format::Markdown,
                Format::Sarif => commands::inspect::Format::Sarif,
            },
            detail: a.detail,
            verbose: a.verbose,
            output: a.output,
            color: a.color.into(),
            allow_empty: a.allow_empty,
            jobs: a.jobs.map(usize::from),
            policy: a.policy.options(),
        }),
        Command::Diff(a) => commands::diff::run(
            &a.base,
            &a.head,
            match a.format {
                DiffFormat::Text => commands::diff::Format::Text,
                DiffFormat::Markdown => commands::diff::Format::Markdown,
                DiffFormat::Json => commands::diff::Format::Json,
            },
        ),
        Command::Plan(a) => commands::plan::run(
            &a.config.options(),
            match a.format {
                PlanFormat::Text => commands::plan::Format::Text,
                PlanFormat::Json => commands::plan::Format::Json,
            },
        ),
        Command::Build(a) => commands::build::run(
            &a.config.options(),
            &a.policy.options(),
            a.color.into(),
            &a.ci.options(),
            &CacheOptions {
                import: a.cache_import.clone(),
                export: a.cache_export.clone(),
            },
        ),
        Command::Cache(a) => match a.command {
            CacheCommand::Export(c) => commands::cache::export(&c.config.options(), &c.cache_dir),
            CacheCommand::Import(c) => commands::cache::import(&c.config.options(), &c.cache_dir),
            CacheCommand::Key(c) => commands::cache::key(&c.config.options(), &c.extra),
            CacheCommand::Clear(c) => commands::cache::clear(&c.config.options()),
        },
        Command::Report(a) => match a.command {
            ReportCommand::Merge(m) => commands::report::merge(&m.reports, m.output.as_deref()),
            ReportCommand::Publish(p) => {
                commands::report::publish(&p.report, p.config.as_deref(), &p.ci.options())
            }
        },
        Command::Rules => commands::rules::run(),
    };
    match outcome {
        Ok(o) => exit_code(o),
        Err(e) => {
            print_error(&e);
            exit_code(Outcome::Errors)
        }
    }
}

/// An error as a person reads it: `error: ` and its first line, the rest (a list, a hint) indented under it.
fn print_error(e: &anyhow::Error) {
    let text = format!("{e:#}");
    let mut lines = text.lines();
    crate::term::errln!("error: {}", lines.next().unwrap_or_default());
    for line in lines {
        crate::term::errln!("  {line}");
    }
}

/// The exit code of every subcommand, as README.md and docs/configuration.md document it.
fn exit_code(outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Pass => ExitCode::SUCCESS,
        Outcome::Findings => ExitCode::from(1),
        Outcome::Errors => ExitCode::from(2),
    }
}

impl From<ColorChoice> for Color {
    fn from(c: ColorChoice) -> Color {
        match c {
            ColorChoice::Auto => Color::Auto,
            ColorChoice::Always => Color::Always,
            ColorChoice::Never => Color::Never,
        }
    }
}

impl PolicyArgs {
    fn options(&self) -> PolicyOptions {
        PolicyOptions {
            policy: self.policy.clone(),
            allow_dynamic: self.allow_dynamic,
            allow_needed: self.allow_needed.clone(),
            max_glibc: self.max_glibc.clone(),
            expect_arch: self.expect_arch.clone(),
            require: self.require.clone(),
            rule: self.rule.clone(),
            fail_on: self.fail_on.map(|f| match f {
                FailLevel::Error => FailOn::Error,
                FailLevel::Warning => FailOn::Warning,
                FailLevel::Note => FailOn::Note,
                FailLevel::Never => FailOn::Never,
            }),
        }
    }
}

impl ConfigArgs {
    fn options(&self) -> ConfigOptions {
        ConfigOptions {
            dir: self.dir.clone(),
            config: self.config.clone(),
            preset: self.preset.map(|p| match p {
                PresetArg::Go => Preset::Go,
                PresetArg::C => Preset::C,
                PresetArg::Rust => Preset::Rust,
                PresetArg::Script => Preset::Script,
            }),
            targets: self.targets.clone(),
            images: self.images.clone(),
            package_manager: self.package_manager.map(|pm| match pm {
                PackageManagerArg::Apk => PackageManager::Apk,
                PackageManagerArg::Apt => PackageManager::Apt,
                PackageManagerArg::None => PackageManager::None,
            }),
            cross: self.cross.map(|c| match c {
                CrossArg::Auto => CrossSetting::Auto,
                CrossArg::Emulate => CrossSetting::Emulate,
                CrossArg::Always => CrossSetting::Always,
            }),
            packages: self.packages.clone(),
            command: self.command.clone(),
            out_dir: self.out_dir.clone(),
            verify: self.verify.clone(),
            network: self.network.map(|n| match n {
                NetworkArg::Bridge => Network::Bridge,
                NetworkArg::None => Network::None,
            }),
            timeout: self.timeout,
            jobs: self.jobs,
            memory: self.memory.clone(),
            cpus: self.cpus,
            cache_max_size: self.cache_max_size.clone(),
        }
    }
}

impl CiArgs {
    fn options(&self) -> PublishOptions {
        PublishOptions {
            annotate: self.annotate,
            summary: self.summary,
            comment: self.comment,
            check: self.check,
            base_report: self.base_report.clone(),
            base_artifact: self.base_artifact.clone(),
            comment_key: self.comment_key.clone(),
            pull_request: self.pull_request,
            sha: self.sha.clone(),
        }
    }
}
