//! The versioned report model shared by every front end: one entry per file, with its facts and findings.
//!
//! JSON schema: see `docs/report-schema.md`. `schema_version` changes only when a field is removed or its
//! meaning changes; new fields may appear within a version.

use serde::{Deserialize, Serialize};

use crate::error::InspectError;
use crate::model::Binary;
use crate::policy::{Finding, Policy, Severity};

/// The report schema version written into every JSON report.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub policy: Policy,
    pub files: Vec<FileReport>,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// One inspected path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    pub size: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// The entry for one inspected file, judged by `policy`.
    pub fn new(
        path: String,
        size: u64,
        result: Result<Binary, InspectError>,
        policy: &Policy,
    ) -> Self {
        let (outcome, findings) = match result {
            Ok(b) => {
                let findings = policy.evaluate(&b);
                (
                    Outcome::Elf {
                        binary: Box::new(b),
                    },
                    findings,
                )
            }
            Err(InspectError::NotElf { looks_like }) => {
                (Outcome::Skipped { looks_like }, Vec::new())
            }
            Err(e) => (
                Outcome::Error {
                    error: e.to_string(),
                },
                Vec::new(),
            ),
        };
        FileReport {
            path,
            size,
            outcome,
            findings,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// An ELF file with its facts.
    Elf { binary: Box<Binary> },
    /// Not an ELF file; `looks_like` says what it is.
    Skipped { looks_like: String },
    /// An ELF file that could not be read far enough for a verdict, or an I/O error.
    Error { error: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub files: usize,
    pub elf: usize,
    /// ELF files judged static or static-pie.
    pub static_files: usize,
    /// Programs and libraries that are not static (dynamic, needs loader, shared library, ambiguous).
    pub not_static: usize,
    pub skipped: usize,
    pub errors: usize,
    pub findings_error: usize,
    pub findings_warning: usize,
    pub findings_note: usize,
    /// Whether the run passes the policy's `fail-on` level (and had no errors).
    pub passed: bool,
}

impl Report {
    pub fn new(tool_version: &str, policy: Policy) -> Self {
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "static-build".into(),
                version: tool_version.into(),
            },
            policy,
            files: Vec::new(),
            // Nothing inspected yet: nothing fails.
            summary: Summary {
                passed: true,
                ..Summary::default()
            },
        }
    }

    /// Add the result of inspecting one file; the report's policy is applied here.
    pub fn add(&mut self, path: String, size: u64, result: Result<Binary, InspectError>) {
        let entry = FileReport::new(path, size, result, &self.policy);
        self.push(entry);
    }

    /// Add the result of inspecting one file judged by `policy` (e.g. the report's policy with the file's
    /// expected architecture filled in).
    pub fn add_with(
        &mut self,
        path: String,
        size: u64,
        result: Result<Binary, InspectError>,
        policy: &Policy,
    ) {
        self.push(FileReport::new(path, size, result, policy));
    }

    /// Add a file that could not be opened or read at all.
    pub fn add_error(&mut self, path: String, error: String) {
        self.push(FileReport {
            path,
            size: 0,
            outcome: Outcome::Error { error },
            findings: Vec::new(),
        });
    }

    /// Append an entry and update the summary by that entry alone, so a run over thousands of files does
    /// not recount all of them each time.
    fn push(&mut self, entry: FileReport) {
        let was_passing = self.summary.passed;
        let fails = entry
            .findings
            .iter()
            .any(|f| self.policy.fail_on.fails(f.severity));
        self.summary.files += 1;
        count(&mut self.summary, &entry);
        self.summary.passed = was_passing && !fails && self.summary.errors == 0;
        self.files.push(entry);
    }

    /// Recompute the summary from the entries.
    pub fn summarize(&mut self) {
        let mut s = Summary {
            files: self.files.len(),
            ..Summary::default()
        };
        for f in &self.files {
            count(&mut s, f);
        }
        let failing = self
            .files
            .iter()
            .flat_map(|f| &f.findings)
            .any(|f| self.policy.fail_on.fails(f.severity));
        s.passed = !failing && s.errors == 0;
        self.summary = s;
    }

    /// The findings at or above the policy's fail level.
    pub fn failing_findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files.iter().flat_map(move |f| {
            f.findings
                .iter()
                .filter(move |x| self.policy.fail_on.fails(x.severity))
                .map(move |x| (f, x))
        })
    }
}

/// Add one entry's counts to a summary.
fn count(s: &mut Summary, f: &FileReport) {
    match &f.outcome {
        Outcome::Elf { binary } => {
            s.elf += 1;
            if binary.linkage.verdict.is_static() {
                s.static_files += 1;
            } else if binary.linkage.verdict.is_linked() {
                s.not_static += 1;
            }
        }
        Outcome::Skipped { .. } => s.skipped += 1,
        Outcome::Error { .. } => s.errors += 1,
    }
    for finding in &f.findings {
        match finding.severity {
            Severity::Error => s.findings_error += 1,
            Severity::Warning => s.findings_warning += 1,
            Severity::Note => s.findings_note += 1,
        }
    }
}
