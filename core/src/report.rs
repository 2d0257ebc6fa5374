//! The versioned report model shared by every front end: one entry per file, with its facts and findings.
//!
//! JSON schema: see `docs/report-schema.md`. `schema_version` changes only when a field is removed or its
//! meaning changes; new fields may appear within a version.

use serde::{Deserialize, Serialize};

use crate::error::InspectError;
use crate::model::Binary;
use crate::policy::{FailOn, Finding, Policy, Severity};
use crate::verify::VerifyRun;

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
    /// The build target that produced the file (`static-build build` only; absent for `inspect`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub size: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
    /// The run of this output alone in an empty root filesystem (`verify`), when the build asked for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerifyRun>,
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
            target: None,
            size,
            outcome,
            findings,
            verify: None,
        }
    }

    /// The entry for a file that could not be opened or read at all.
    pub fn error(path: String, error: String) -> Self {
        FileReport {
            path,
            target: None,
            size: 0,
            outcome: Outcome::Error { error },
            findings: Vec::new(),
            verify: None,
        }
    }

    /// Record the run of this output alone (`verify`), with its finding under `policy` when it failed.
    pub fn set_verify(&mut self, run: VerifyRun, policy: &Policy) {
        self.findings.extend(run.finding(policy));
        self.verify = Some(run);
    }

    /// Replace the findings with `policy`'s, from the facts already read. Entries without facts (not ELF,
    /// unreadable) have no policy findings under any policy; an error's own findings (why a build's link
    /// failed) are facts, not the policy's, and stay.
    pub fn rejudge(&mut self, policy: &Policy) {
        match &self.outcome {
            Outcome::Elf { binary } => self.findings = policy.evaluate(binary),
            Outcome::Skipped { .. } => self.findings.clear(),
            Outcome::Error { .. } => return,
        }
        // The run is a fact too; its finding follows the policy.
        if let Some(run) = &self.verify {
            self.findings.extend(run.finding(policy));
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

impl Summary {
    /// No ELF file was among the files, and none failed to be read: nothing was judged. A run like that
    /// (an output directory the build never filled, a text file dropped on the page) cannot pass.
    pub fn nothing_judged(&self) -> bool {
        self.elf == 0 && self.errors == 0
    }

    /// Not passed when [`nothing_judged`](Self::nothing_judged): `inspect` unless `--allow-empty`, the page
    /// once something was dropped.
    pub fn fail_if_nothing_judged(&mut self) {
        if self.nothing_judged() {
            self.passed = false;
        }
    }

    /// The summary of these entries, failing at `fail_on` (what [`Report::summarize`] computes, without a
    /// report to hold the entries).
    pub fn of<'a>(files: impl IntoIterator<Item = &'a FileReport>, fail_on: FailOn) -> Summary {
        let mut s = Summary::default();
        let mut failing = false;
        for f in files {
            s.files += 1;
            count(&mut s, f);
            failing |= f.findings.iter().any(|x| fail_on.fails(x.severity));
        }
        s.passed = !failing && s.errors == 0;
        s
    }
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
        self.push(FileReport::error(path, error));
    }

    /// Fold the reports of several jobs (e.g. a CI matrix, one job per target or runner) into one. The
    /// entries keep the findings their own job gave them; the result is judged by the first report's policy
    /// (its fail level), and the summary is recomputed. Reports of another schema version are refused.
    pub fn merge(reports: Vec<Report>) -> Result<Report, MergeError> {
        let mut iter = reports.into_iter();
        let Some(mut merged) = iter.next() else {
            return Err(MergeError::Empty);
        };
        if merged.schema_version != SCHEMA_VERSION {
            return Err(MergeError::Schema(merged.schema_version));
        }
        for r in iter {
            if r.schema_version != SCHEMA_VERSION {
                return Err(MergeError::Schema(r.schema_version));
            }
            merged.files.extend(r.files);
        }
        merged.summarize();
        Ok(merged)
    }

    /// Append an entry (judged already) and update the summary by that entry alone, so a run over thousands
    /// of files does not recount all of them each time.
    pub fn push(&mut self, entry: FileReport) {
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

    /// Judge every entry again by `policy`, which becomes the report's policy, without reading any file
    /// again (the browser page's policy panel), and recompute the summary.
    pub fn rejudge(&mut self, policy: Policy) {
        for f in &mut self.files {
            f.rejudge(&policy);
        }
        self.policy = policy;
        self.summarize();
    }

    /// Recompute the summary from the entries.
    pub fn summarize(&mut self) {
        self.summary = Summary::of(&self.files, self.policy.fail_on);
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

/// The JSON report's file name, in a build's output directory and in CI artifacts.
pub const REPORT_FILE: &str = "static-build-report.json";

/// Why some bytes are not a report that this static-build reads (the one reader of reports: files, artifacts,
/// the browser).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("not JSON ({0})")]
    NotJson(String),
    #[error("it has report schema version {0}, and this static-build reads version {SCHEMA_VERSION}; write the reports with the same static-build version")]
    Version(u64),
    #[error("it has no schema_version")]
    NoVersion,
    #[error("{0}")]
    NotReport(String),
}

impl Report {
    /// A JSON report, its schema version checked before anything else is read.
    pub fn from_json(bytes: &[u8]) -> Result<Report, ReadError> {
        // The version alone first (the rest of the document skipped, not built into a tree), then the
        // report itself.
        #[derive(Deserialize)]
        struct Version {
            schema_version: Option<serde_json::Value>,
        }
        let version = match serde_json::from_slice::<Version>(bytes) {
            Ok(v) => v
                .schema_version
                .as_ref()
                .and_then(serde_json::Value::as_u64),
            Err(e) if e.is_syntax() || e.is_eof() => return Err(ReadError::NotJson(e.to_string())),
            // JSON, but not an object.
            Err(_) => None,
        };
        match version {
            None => return Err(ReadError::NoVersion),
            Some(v) if v != u64::from(SCHEMA_VERSION) => return Err(ReadError::Version(v)),
            Some(_) => {}
        }
        serde_json::from_slice(bytes).map_err(|e| ReadError::NotReport(e.to_string()))
    }
}

/// Why reports could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("no report to merge")]
    Empty,
    #[error("report schema version {0} is not supported (this static-build writes version {SCHEMA_VERSION})")]
    Schema(u32),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InspectError;

    #[test]
    fn a_run_that_judged_no_elf_file_cannot_pass() {
        let mut r = Report::new("1.0", Policy::default());
        r.add(
            "notes.txt".into(),
            5,
            Err(InspectError::NotElf {
                looks_like: "text".into(),
            }),
        );
        assert!(r.summary.passed && r.summary.nothing_judged());
        r.summary.fail_if_nothing_judged();
        assert!(!r.summary.passed);
        // One ELF file among them, or a file that could not be read (which fails anyway), is something judged.
        let mut r = Report::new("1.0", Policy::default());
        let s = crate::render::fixtures::sample_binary(crate::Verdict::Static);
        r.add("app".into(), 1000, Ok(s));
        r.summary.fail_if_nothing_judged();
        assert!(r.summary.passed);
        let mut r = Report::new("1.0", Policy::default());
        r.add_error("gone".into(), "cannot read".into());
        assert!(!r.summary.nothing_judged());
    }

    #[test]
    fn rejudge_applies_a_new_policy_without_reading_again() {
        let mut r = Report::new("1.0", Policy::default());
        let dynamic = crate::render::fixtures::sample_binary(crate::Verdict::DynamicPie);
        r.add("d".into(), 1000, Ok(dynamic));
        r.add(
            "t".into(),
            3,
            Err(InspectError::NotElf {
                looks_like: "text".into(),
            }),
        );
        assert!(r.files[0]
            .findings
            .iter()
            .any(|f| f.rule == "require-static"));
        assert!(!r.summary.passed);
        let mut lenient = Policy::default();
        lenient.set("require-static", crate::Level::Off).unwrap();
        lenient.fail_on = crate::FailOn::Never;
        r.rejudge(lenient.clone());
        assert!(!r.files[0]
            .findings
            .iter()
            .any(|f| f.rule == "require-static"));
        assert!(r.files[1].findings.is_empty());
        assert_eq!(r.policy, lenient);
        assert!(r.summary.passed);
        r.rejudge(Policy::default());
        assert!(!r.summary.passed);
    }

    #[test]
    fn merge_folds_files_and_recounts() {
        let mut a = Report::new("1.0", Policy::default());
        a.add(
            "a".into(),
            1,
            Err(InspectError::NotElf {
                looks_like: "text".into(),
            }),
        );
        let mut b = Report::new("1.0", Policy::default());
        b.add_error("b (arm64)".into(), "the build failed".into());
        b.files[0].target = Some("arm64".into());
        let m = Report::merge(vec![a, b.clone()]).unwrap();
        assert_eq!(m.files.len(), 2);
        assert_eq!(
            (m.summary.files, m.summary.skipped, m.summary.errors),
            (2, 1, 1)
        );
        assert!(!m.summary.passed);
        assert_eq!(m.files[1].target.as_deref(), Some("arm64"));
        assert_eq!(Report::merge(vec![]), Err(MergeError::Empty));
        let mut old = b;
        old.schema_version = 99;
        assert_eq!(
            Report::merge(vec![old]).unwrap_err().to_string(),
            "report schema version 99 is not supported (this static-build writes version 1)"
        );
    }

    #[test]
    fn a_report_is_read_only_at_its_schema_version() {
        let report = Report::new("1", Policy::default());
        let json = crate::render::json(&report);
        assert_eq!(Report::from_json(json.as_bytes()).unwrap().files.len(), 0);
        assert!(matches!(
            Report::from_json(b"[1"),
            Err(ReadError::NotJson(_))
        ));
        assert_eq!(Report::from_json(b"{}"), Err(ReadError::NoVersion));
        let other = json.replacen(
            &format!("\"schema_version\": {SCHEMA_VERSION}"),
            "\"schema_version\": 999",
            1,
        );
        assert_eq!(
            Report::from_json(other.as_bytes()),
            Err(ReadError::Version(999))
        );
        assert!(matches!(
            Report::from_json(format!("{{\"schema_version\": {SCHEMA_VERSION}}}").as_bytes()),
            Err(ReadError::NotReport(_))
        ));
    }
}
