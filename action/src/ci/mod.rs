//! The Actions runtime side of static-build: what a run inside GitHub Actions, Gitea Actions or Forgejo
//! Actions writes besides its report.
//!
//! - Workflow commands (`::error file=…,line=…,title=…::message`), escaped by the toolkit's rules: message
//!   data `%`, CR, LF; property values also `:` and `,`. `%` is escaped first.
//! - Annotations capped at what GitHub shows (10 errors and 10 warnings per step); what is over the cap is
//!   counted in one notice, never dropped silently. They point at the line of the configuration file that
//!   requested the offending target (or its packages) when there is one.
//! - Build logs in one `::group::` per target, inside `::stop-commands::` with a random token, so nothing a
//!   build prints can act as a workflow command.
//! - Outputs through `GITHUB_OUTPUT` with the multiline delimiter protocol (a random delimiter that the value
//!   may not contain), the job summary through `GITHUB_STEP_SUMMARY` (under the 1 MiB limit).
//!
//! All workflow commands go to standard error, the stream the build logs use, so that a resume token and the
//! commands after it cannot be reordered by the runner reading two pipes.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use static_build_core::{FileReport, Outcome, Report, Severity};

pub mod publish;

pub use crate::workflow::{command, emit, random_token};

pub use crate::forge::Kind as Forge;

/// The CI job static-build runs in.
#[derive(Debug, Clone)]
pub struct Ci {
    pub forge: Forge,
    /// `GITHUB_OUTPUT`: the step's outputs file.
    pub output_file: Option<PathBuf>,
    /// `GITHUB_STEP_SUMMARY`: the step's summary file.
    pub summary_file: Option<PathBuf>,
    /// `GITHUB_WORKSPACE`: annotation paths are relative to it.
    pub workspace: Option<PathBuf>,
}

/// A variable of this process's environment; empty counts as unset.
pub fn process_env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

impl Ci {
    /// The job from the process environment; `None` outside CI.
    pub fn detect() -> Option<Ci> {
        Ci::from_env(&process_env)
    }

    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<Ci> {
        let forge = Forge::detect(env)?;
        Some(Ci {
            forge,
            output_file: env("GITHUB_OUTPUT").map(PathBuf::from),
            summary_file: env("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            workspace: env("GITHUB_WORKSPACE").map(PathBuf::from),
        })
    }

    /// Set step outputs, each with a fresh random delimiter.
    pub fn set_outputs(&self, outputs: &[(&str, String)]) -> Result<()> {
        let Some(path) = &self.output_file else {
            return Ok(());
        };
        let mut text = String::new();
        for (name, value) in outputs {
            text.push_str(&output_entry(name, value, &random_token())?);
        }
        append(path, &text)
            .with_context(|| format!("cannot write the step outputs to `{}`", path.display()))
    }

    /// Append Markdown to the job summary.
    pub fn append_summary(&self, markdown: &str) -> Result<()> {
        let Some(path) = &self.summary_file else {
            return Ok(());
        };
        append(path, markdown)
            .with_context(|| format!("cannot write the job summary to `{}`", path.display()))
    }

    /// A path as the forge wants it in an annotation: relative to the workspace when it is inside it.
    pub fn repo_path(&self, path: &Path) -> String {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(path)
        };
        let rel = self
            .workspace
            .as_ref()
            .and_then(|w| {
                let w = std::fs::canonicalize(w).unwrap_or_else(|_| w.clone());
                let a = std::fs::canonicalize(&abs).unwrap_or_else(|_| abs.clone());
                a.strip_prefix(&w).ok().map(Path::to_path_buf)
            })
            .unwrap_or_else(|| path.to_path_buf());
        rel.to_string_lossy().into_owned()
    }
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// One `name<<DELIM` / value / `DELIM` entry of the output file protocol. Refused when the name or value
/// contains the delimiter (it never does with a random one; the check keeps the protocol honest).
pub fn output_entry(name: &str, value: &str, delimiter: &str) -> Result<String> {
    anyhow::ensure!(
        !name.contains(delimiter) && !value.contains(delimiter),
        "output `{name}`: the value contains the delimiter"
    );
    anyhow::ensure!(
        !name.is_empty() && !name.contains(['\n', '\r']) && !name.contains("<<"),
        "invalid output name `{name}`"
    );
    Ok(format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AnnotationLevel {
    Error,
    Warning,
    Notice,
}

impl AnnotationLevel {
    fn command(self) -> &'static str {
        match self {
            AnnotationLevel::Error => "error",
            AnnotationLevel::Warning => "warning",
            AnnotationLevel::Notice => "notice",
        }
    }
}

/// One annotation, before it becomes a workflow command or a check-run annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub level: AnnotationLevel,
    /// Repository-relative file and 1-based line it points at, when there is one.
    pub file: Option<String>,
    pub line: Option<u32>,
    /// The report entry it is about (a binary's path as the report gives it).
    pub subject: String,
    pub title: String,
    pub message: String,
}

/// GitHub shows this many annotations of each level per step.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// The workflow commands for `annotations`: at most `per_level` errors and warnings each and, keeping room for
/// the overflow line, `per_level - 1` notices; then one notice counting what was not shown.
pub fn annotation_commands(annotations: &[Annotation], per_level: usize) -> Vec<String> {
    let mut shown = [0usize; 3];
    let mut hidden = [0usize; 3];
    let mut lines = Vec::new();
    for a in annotations {
        let i = a.level as usize;
        let cap = if a.level == AnnotationLevel::Notice {
            per_level.saturating_sub(1)
        } else {
            per_level
        };
        if shown[i] >= cap {
            hidden[i] += 1;
            continue;
        }
        shown[i] += 1;
        let props = [
            ("file", a.file.clone().unwrap_or_default()),
            (
                "line",
                a.line
                    .filter(|_| a.file.is_some())
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
            ),
            ("title", a.title.clone()),
        ];
        lines.push(command(a.level.command(), &props, &a.message));
    }
    let names = [
        ("error", "errors"),
        ("warning", "warnings"),
        ("notice", "notices"),
    ];
    let parts: Vec<String> = hidden
        .iter()
        .zip(names)
        .filter(|(n, _)| **n > 0)
        .map(|(n, (one, many))| format!("{n} more {}", if *n == 1 { one } else { many }))
        .collect();
    if !parts.is_empty() {
        lines.push(command(
            "notice",
            &[("title", "static-build: more findings".to_string())],
            &format!(
                "{} not shown as annotations (GitHub shows {per_level} of each kind per step); every finding is in the job summary and the JSON report",
                parts.join(", ")
            ),
        ));
    }
    lines
}

/// Where a target and the packages were set in the configuration file, to point annotations at.
#[derive(Clone, Debug, Default)]
pub struct ConfigLines {
    /// The configuration file as a repository-relative path.
    pub file: String,
    text: String,
}

impl ConfigLines {
    pub fn new(file: String, text: String) -> Self {
        ConfigLines { file, text }
    }

    /// The line (1-based) of `key = ...` or `[key]` at the top level of the file.
    pub fn key(&self, key: &str) -> Option<u32> {
        let mut in_table = false;
        for (n, l) in self.text.lines().enumerate() {
            let t = l.trim_start();
            if t.starts_with('[') {
                if t.trim_end() == format!("[{key}]") {
                    return u32::try_from(n + 1).ok();
                }
                in_table = true;
                continue;
            }
            if !in_table
                && t.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            {
                return u32::try_from(n + 1).ok();
            }
        }
        None
    }

    /// The line that names `target` in the `targets` array (which may span lines), else the `targets` line.
    pub fn target(&self, target: &str) -> Option<u32> {
        let start = self.key("targets")?;
        let quoted = [format!("\"{target}\""), format!("'{target}'")];
        let mut depth = 0i32;
        for (n, l) in self.text.lines().enumerate().skip(start as usize - 1) {
            let code = l.split('#').next().unwrap_or("");
            if quoted.iter().any(|q| code.contains(q.as_str())) {
                return u32::try_from(n + 1).ok();
            }
            depth += code.matches('[').count() as i32 - code.matches(']').count() as i32;
            if depth <= 0 {
                break;
            }
        }
        Some(start)
    }
}

/// The annotations for a report: one per finding and per file that could not be built or inspected.
/// Findings about a binary point at the configuration line that requested its target, and a missing static
/// archive (a NEEDED library other than libc) at the packages line, when the file has them.
pub fn annotations(report: &Report, config: Option<&ConfigLines>) -> Vec<Annotation> {
    let mut out = Vec::new();
    for f in &report.files {
        let place = |packages: bool| -> (Option<String>, Option<u32>) {
            let Some(c) = config else {
                return (None, None);
            };
            let line = if packages {
                c.key("packages")
                    .or_else(|| f.target.as_deref().and_then(|t| c.target(t)))
            } else {
                f.target.as_deref().and_then(|t| c.target(t))
            };
            match line {
                Some(l) => (Some(c.file.clone()), Some(l)),
                None => (None, None),
            }
        };
        // A failed target's entry is named `app (amd64)` already; an output's path is not.
        let who = match &f.target {
            Some(t) if !f.path.ends_with(&format!("({t})")) => format!("{} ({t})", f.path),
            _ => f.path.clone(),
        };
        if let Outcome::Error { error } = &f.outcome {
            let (file, line) = place(false);
            out.push(Annotation {
                level: AnnotationLevel::Error,
                file,
                line,
                subject: f.path.clone(),
                title: "static-build: error".into(),
                message: format!("{who}: {error}"),
            });
        }
        for finding in &f.findings {
            let (file, line) = place(finding.rule == "require-static" && needs_other_libraries(f));
            out.push(Annotation {
                level: match finding.severity {
                    Severity::Error => AnnotationLevel::Error,
                    Severity::Warning => AnnotationLevel::Warning,
                    Severity::Note => AnnotationLevel::Notice,
                },
                file,
                line,
                subject: f.path.clone(),
                title: format!("static-build: {}", finding.rule),
                message: format!("{who}: {}", finding.message),
            });
        }
    }
    // Errors first, so the cap never hides an error behind notes.
    out.sort_by_key(|a| a.level);
    out
}

/// Whether a dynamic binary was linked statically against libc but picked up shared libraries for others:
/// then a static archive was missing and the packages are where to fix it. (When libc itself is NEEDED, the
/// link was not static at all and the target's configuration is the place.)
fn needs_other_libraries(f: &FileReport) -> bool {
    let Outcome::Elf { binary } = &f.outcome else {
        return false;
    };
    static_build_core::linklog::missing_static_archives(&binary.dynamic.needed).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{escape_data, escape_property, guarded_group};

    fn ann(level: AnnotationLevel, msg: &str) -> Annotation {
        Annotation {
            level,
            file: None,
            line: None,
            subject: String::new(),
            title: String::new(),
            message: msg.into(),
        }
    }

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // `%` first: an already escaped-looking input stays what it was.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn hostile_names_stay_inside_one_command() {
        let a = Annotation {
            level: AnnotationLevel::Error,
            file: Some("dir,line=99::x/na:me%0A.toml".into()),
            line: Some(3),
            subject: String::new(),
            title: "t::itle, with=comma".into(),
            message: "bin\n::error::INJECTED\r\n100%".into(),
        };
        let lines = annotation_commands(&[a], 10);
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert!(!l.contains('\n') && !l.contains('\r'));
        assert_eq!(
            l,
            "::error file=dir%2Cline=99%3A%3Ax/na%3Ame%250A.toml,line=3,title=t%3A%3Aitle%2C with=comma::bin%0A::error::INJECTED%0D%0A100%25"
        );
        // The properties split back into exactly three on `,`, as the runner splits them.
        let props = l["::error ".len()..].split("::").next().unwrap();
        assert_eq!(props.split(',').count(), 3);
    }

    #[test]
    fn caps_per_level_and_counts_the_rest() {
        let mut all = Vec::new();
        for i in 0..13 {
            all.push(ann(AnnotationLevel::Error, &format!("e{i}")));
        }
        for i in 0..4 {
            all.push(ann(AnnotationLevel::Warning, &format!("w{i}")));
        }
        for i in 0..12 {
            all.push(ann(AnnotationLevel::Notice, &format!("n{i}")));
        }
        let lines = annotation_commands(&all, 10);
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("::error")).count(),
            10
        );
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("::warning")).count(),
            4
        );
        // 9 notices plus the overflow notice: never more than 10 of a kind.
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("::notice")).count(),
            10
        );
        let last = lines.last().unwrap();
        assert!(
            last.contains("3 more errors, 3 more notices not shown"),
            "{last}"
        );
        // Under the cap nothing is added.
        assert_eq!(annotation_commands(&all[..3], 10).len(), 3);
    }

    #[test]
    fn output_protocol() {
        let e = output_entry("binaries", "[\"a\",\n\"b\"]", "DELIM").unwrap();
        assert_eq!(e, "binaries<<DELIM\n[\"a\",\n\"b\"]\nDELIM\n");
        assert!(output_entry("x", "evil\nDELIM\nstatic<<y", "DELIM").is_err());
        assert!(output_entry("a\nb", "v", "DELIM").is_err());
        let (t1, t2) = (random_token(), random_token());
        assert_ne!(t1, t2);
        assert_eq!(t1.len(), "static-build-".len() + 32);
    }

    #[test]
    fn group_is_guarded() {
        let lines = guarded_group(
            "amd64: build log",
            &["::error::INJECTED".into(), "::endgroup::".into()],
        );
        assert_eq!(lines[2], "\u{200b}::error::INJECTED");
        assert_eq!(lines[0], "::group::amd64: build log");
        let token = lines[1].strip_prefix("::stop-commands::").unwrap();
        assert!(token.len() > 20);
        assert_eq!(lines[4], format!("::{token}::"));
        assert_eq!(lines[5], "::endgroup::");
    }

    #[test]
    fn forge_detection_order() {
        let env = crate::term::fake_env;
        let gh = env(&[("GITHUB_ACTIONS", "true")]);
        assert_eq!(Forge::detect(&gh), Some(Forge::GitHub));
        let gitea = env(&[("GITHUB_ACTIONS", "true"), ("GITEA_ACTIONS", "true")]);
        assert_eq!(Forge::detect(&gitea), Some(Forge::Gitea));
        let fj = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITEA_ACTIONS", "true"),
            ("FORGEJO_ACTIONS", "true"),
        ]);
        assert_eq!(Forge::detect(&fj), Some(Forge::Forgejo));
        assert_eq!(Forge::detect(&env(&[("CI", "true")])), None);
    }

    #[test]
    fn config_lines() {
        let c = ConfigLines::new(
            "static-build.toml".into(),
            "name = \"x\"\n# targets = [\"riscv64\"]\ntargets = [\n  \"amd64\",\n  \"arm64\", # the Pi\n]\npackages = [\"zlib-static\"]\n\n[go]\ncgo = true\n"
                .into(),
        );
        assert_eq!(c.key("targets"), Some(3));
        assert_eq!(c.target("arm64"), Some(5));
        assert_eq!(c.target("amd64"), Some(4));
        // Not listed: the targets line.
        assert_eq!(c.target("386"), Some(3));
        assert_eq!(c.key("packages"), Some(7));
        // Keys inside a table are not top-level keys.
        assert_eq!(c.key("cgo"), None);
        assert_eq!(c.key("go"), Some(9));
        let one_line = ConfigLines::new("f".into(), "targets = ['amd64', '386']\n".into());
        assert_eq!(one_line.target("386"), Some(1));
    }
}
