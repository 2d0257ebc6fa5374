//! The proof by running (`verify`): each output of a build run once, alone, in a container whose root
//! filesystem holds nothing but that program, with no network. What a run gave and how it is judged; the
//! engine runs it. Nothing runs unless the project asks: running a program is a choice its owner makes for
//! their own build outputs, never something the inspector does to a file.

use serde::{Deserialize, Serialize};

use crate::plan::shell_quote;
use crate::policy::{Finding, Policy};

/// The rule of a run that failed.
pub const RULE: &str = "run-in-empty-root";

/// What one output did when run alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRun {
    /// The command: the program's path in the empty root, then the arguments.
    pub command: Vec<String>,
    /// The platform it ran as (`linux/arm64`); a foreign one runs under QEMU.
    pub platform: String,
    /// Its exit code, when it exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i64>,
    /// Why it did not run to an exit code: it could not start (a missing loader), it timed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The first lines of its output, standard output and standard error as they came, control characters
    /// replaced.
    pub output: Vec<String>,
    /// Whether lines were left out after those.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub output_truncated: bool,
    /// Wall time, in milliseconds.
    pub millis: u64,
}

/// What programs print when a file they need is not there (the C library's strerror, the loader's own
/// message).
const MISSING_FILE: &[&str] = &[
    "No such file or directory",
    "cannot open shared object file",
];

impl VerifyRun {
    /// The command as one line (`/app --version`), each word quoted when it needs it.
    pub fn command_line(&self) -> String {
        self.command
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The lines of its output that say something (the blank ones left out).
    pub fn said(&self) -> impl Iterator<Item = &str> {
        self.output
            .iter()
            .map(String::as_str)
            .filter(|l| !l.trim().is_empty())
    }

    /// The first line of the output that says a file is missing.
    pub fn missing_file(&self) -> Option<&str> {
        self.output
            .iter()
            .find(|l| MISSING_FILE.iter().any(|m| l.contains(m)))
            .map(String::as_str)
    }

    /// What went wrong, in a few words, or `None` for a run that exited with 0 and missed no file.
    pub fn problem(&self) -> Option<String> {
        if let Some(e) = &self.error {
            return Some(e.clone());
        }
        match self.exit_code {
            Some(0) => self
                .missing_file()
                .map(|_| "exited with 0 but said that a file it needs is missing".to_string()),
            Some(code) => Some(format!("exited with code {code}")),
            None => Some("ended without an exit code".to_string()),
        }
    }

    /// What happened, in a few words with the time: `exited with 0 in 12 ms`.
    pub fn outcome(&self) -> String {
        let what = self
            .problem()
            .unwrap_or_else(|| "exited with 0".to_string());
        format!("{what} in {} ms", self.millis)
    }

    pub fn passed(&self) -> bool {
        self.problem().is_none()
    }

    /// The finding of a failed run, at the policy's level of [`RULE`] (none when it passed or the rule is
    /// off).
    pub fn finding(&self, policy: &Policy) -> Option<Finding> {
        let problem = self.problem()?;
        let severity = policy.level(RULE).severity()?;
        let shown: Vec<&str> = self.said().take(3).collect();
        let said = if shown.is_empty() {
            "it printed nothing".to_string()
        } else {
            format!("its output: {}", shown.join(" / "))
        };
        Some(Finding {
            rule: RULE.to_string(),
            severity,
            message: format!(
                "`{}` failed when run alone in an empty root filesystem ({}, no network): {problem}; {said}",
                self.command_line(),
                self.platform
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(exit_code: Option<i64>, error: Option<&str>, output: &[&str]) -> VerifyRun {
        VerifyRun {
            command: vec!["/app".into(), "--version".into()],
            platform: "linux/amd64".into(),
            exit_code,
            error: error.map(String::from),
            output: output.iter().map(|s| s.to_string()).collect(),
            output_truncated: false,
            millis: 12,
        }
    }

    #[test]
    fn a_run_passes_on_exit_zero_without_a_missing_file() {
        let p = Policy::default();
        assert!(run(Some(0), None, &["app 1.0"]).finding(&p).is_none());
        let f = run(
            Some(1),
            None,
            &["iconv_open(UTF-16, UTF-8): Invalid argument"],
        )
        .finding(&p)
        .unwrap();
        assert_eq!(f.rule, RULE);
        assert_eq!(
            f.message,
            "`/app --version` failed when run alone in an empty root filesystem (linux/amd64, no network): exited with code 1; its output: iconv_open(UTF-16, UTF-8): Invalid argument"
        );
        let f = run(
            Some(0),
            None,
            &[
                "",
                "cannot open /usr/share/app/data: No such file or directory",
            ],
        )
        .finding(&p)
        .unwrap();
        assert!(f
            .message
            .contains("exited with 0 but said that a file it needs is missing"));
        let f = run(
            None,
            Some("could not start: exec /app: no such file or directory"),
            &[],
        )
        .finding(&p)
        .unwrap();
        assert!(f.message.ends_with(
            "could not start: exec /app: no such file or directory; it printed nothing"
        ));
        let mut off = Policy::default();
        off.set(RULE, crate::policy::Level::Off).unwrap();
        assert!(run(Some(1), None, &[]).finding(&off).is_none());
    }

    #[test]
    fn the_command_line_quotes_what_needs_it() {
        let mut r = run(Some(0), None, &[]);
        r.command = vec![
            "/app".into(),
            "--name".into(),
            "a b".into(),
            "it's".into(),
            "".into(),
        ];
        assert_eq!(r.command_line(), "/app --name 'a b' 'it'\\''s' ''");
    }
}
