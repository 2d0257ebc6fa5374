//! The policy engine: rules with stable kebab-case ids that turn facts into findings.
//!
//! A policy is data (TOML). Its defaults fit "must run on any Linux": every program static, no hidden loader
//! dependency, no static-glibc name-service hazard, no `GLIBC_PRIVATE`. Hardening rules are available and off
//! or warnings by default. A check whose answer is "unknown" or "not applicable" never produces a finding:
//! a policy fails on facts, not on guesses.

use serde::{Deserialize, Serialize};

use crate::model::*;
use crate::strict::{self, struct_fields, Segment, StrictError};
use crate::units::parse_version;

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule's level in a policy: a severity, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Off,
    Note,
    Warning,
    Error,
}

impl Level {
    /// The name used in TOML and on the command line.
    pub fn label(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// Every level, in order.
    pub const ALL: [Level; 4] = [Level::Off, Level::Note, Level::Warning, Level::Error];

    /// The level named `off`, `note`, `warning` or `error`.
    pub fn from_label(name: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.label() == name)
    }

    pub(crate) fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Note => Some(Severity::Note),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// The severity at or above which the run fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Note => true,
        }
    }
}

/// Every rule, with its stable id, what it checks and its default level.
pub const RULES: &[(&str, &str, Level)] = &[
    (
        "require-static",
        "every program is static or static-pie: it needs no loader and no shared library",
        Level::Error,
    ),
    (
        "interpreter-without-needed",
        "no program names an interpreter without needing any library (it still needs that loader)",
        Level::Error,
    ),
    (
        "needed-not-allowed",
        "every NEEDED library matches the `allowed-needed` list (when one is given)",
        Level::Error,
    ),
    (
        "glibc-floor",
        "no binary requires a glibc newer than `max-glibc` (when one is given)",
        Level::Error,
    ),
    (
        "glibc-private",
        "no binary requires GLIBC_PRIVATE (tied to one exact glibc build)",
        Level::Error,
    ),
    (
        "glibc-static-nss",
        "no static glibc binary loads name-service modules (libnss_*.so) at run time",
        Level::Error,
    ),
    (
        "glibc-static-dlopen",
        "no static glibc binary calls dlopen (what it loads needs the build's glibc)",
        Level::Error,
    ),
    (
        "glibc-static-iconv",
        "no static glibc binary calls iconv_open (charsets beyond the built-in ones load gconv modules)",
        Level::Warning,
    ),
    (
        "glibc-static-locale",
        "no static glibc binary calls setlocale (locales other than C and POSIX are files of the build's glibc)",
        Level::Warning,
    ),
    (
        "glibc-static-unchecked",
        "every static glibc binary keeps the symbol table that shows whether it calls dlopen, iconv_open or setlocale",
        Level::Note,
    ),
    (
        "run-in-empty-root",
        "every output that `verify` runs alone in an empty root filesystem exits with 0 and misses no file",
        Level::Error,
    ),
    (
        "expected-arch",
        "every binary is for one of the `expected-arch` architectures (when given)",
        Level::Error,
    ),
    ("forbid-rpath", "no DT_RPATH", Level::Warning),
    ("forbid-runpath", "no DT_RUNPATH", Level::Warning),
    (
        "forbid-rwx-segments",
        "no loadable segment is writable and executable at once",
        Level::Warning,
    ),
    ("require-nx", "the stack is not executable", Level::Warning),
    (
        "require-pie",
        "programs are position-independent (PIE or static-pie)",
        Level::Off,
    ),
    ("require-full-relro", "full RELRO", Level::Off),
    (
        "require-bind-now",
        "BIND_NOW where there is dynamic binding",
        Level::Off,
    ),
    (
        "require-canary",
        "stack protector where it can be told",
        Level::Off,
    ),
    (
        "require-fortify",
        "_FORTIFY_SOURCE where something is fortifiable",
        Level::Off,
    ),
    (
        "unreadable-parts",
        "every part of the file could be read",
        Level::Warning,
    ),
];

/// A policy as data. Unknown keys are errors of [`Policy::from_toml`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Policy {
    pub fail_on: FailOn,
    /// Globs (`*`, `?`) of NEEDED libraries that are allowed; empty means no allow-list.
    pub allowed_needed: Vec<String>,
    /// Highest glibc version a binary may require, e.g. `2.17`.
    pub max_glibc: Option<String>,
    /// Architectures (`x86_64`, `aarch64`, `i386`, `arm`...) that binaries must be built for.
    pub expected_arch: Vec<String>,
    /// Rule id -> level; rules not named keep their default.
    pub rules: std::collections::BTreeMap<String, Level>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_on: FailOn::Error,
            allowed_needed: Vec::new(),
            max_glibc: None,
            expected_arch: Vec::new(),
            rules: Default::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("invalid policy: {0}")]
    Toml(String),
    /// A rule id no rule has, with the nearest one or the list of all.
    #[error("unknown rule `{}` ({})", crate::escape::one_line(.0), .1)]
    UnknownRule(String, String),
    /// Keys the policy does not know, one per line with its line number and a suggestion.
    #[error("{0}")]
    UnknownKeys(String),
    #[error("invalid glibc version `{}`: expected something like 2.17", crate::escape::one_line(.0))]
    BadVersion(String),
    #[error("allowed-needed: {0}")]
    TooManyGlobs(String),
}

impl From<StrictError> for PolicyError {
    fn from(e: StrictError) -> Self {
        match e {
            StrictError::Toml(m) => PolicyError::Toml(m),
            unknown => PolicyError::UnknownKeys(unknown.to_string()),
        }
    }
}

/// An error naming the nearest known rule (or all of them) unless `rule` is one.
fn check_rule(rule: &str) -> Result<(), PolicyError> {
    if RULES.iter().any(|(id, _, _)| *id == rule) {
        return Ok(());
    }
    let ids = || RULES.iter().map(|(id, _, _)| *id);
    let hint = match strict::suggest(rule, ids()) {
        Some(near) => format!("did you mean `{near}`? `static-build rules` lists them all"),
        None => format!("known rules: {}", ids().collect::<Vec<_>>().join(", ")),
    };
    Err(PolicyError::UnknownRule(rule.into(), hint))
}

/// A policy violation, or a note, about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case rule id, also the SARIF `ruleId`.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
}

impl Policy {
    /// Parse a TOML policy strictly: an unknown key (`max_glibc` for `max-glibc`) or rule is an error that
    /// names its line and the nearest known one, never a setting quietly left at its default (core `strict`).
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = strict::from_toml(
            text,
            |_| false,
            |parent| {
                if parent.is_empty() {
                    struct_fields::<Policy>().to_vec()
                } else {
                    Vec::new()
                }
            },
        )
        .map_err(PolicyError::from)?;
        policy.validate()?;
        Ok(policy)
    }

    /// The `[policy]` table of a `static-build.toml`, if it has one (its other keys are the configuration's,
    /// checked by its own reader).
    pub fn from_config_toml(text: &str) -> Result<Option<Policy>, PolicyError> {
        #[derive(Deserialize)]
        struct Doc {
            policy: Option<Policy>,
        }
        let in_policy = |p: &[Segment]| matches!(p.first(), Some(Segment::Key(k)) if k == "policy");
        let doc: Doc = strict::from_toml(
            text,
            |p| !in_policy(p),
            |parent| {
                if parent.len() == 1 && in_policy(parent) {
                    struct_fields::<Policy>().to_vec()
                } else {
                    Vec::new()
                }
            },
        )
        .map_err(PolicyError::from)?;
        if let Some(p) = &doc.policy {
            p.validate()?;
        }
        Ok(doc.policy)
    }

    /// Check values that TOML types cannot.
    pub fn validate(&self) -> Result<(), PolicyError> {
        for rule in self.rules.keys() {
            check_rule(rule)?;
        }
        if let Some(v) = &self.max_glibc {
            if parse_version(v).is_none() {
                return Err(PolicyError::BadVersion(v.clone()));
            }
        }
        // Matching costs pattern length times name length: both sides are bounded.
        use crate::limits::{MAX_GLOBS, MAX_GLOB_LEN};
        if self.allowed_needed.len() > MAX_GLOBS {
            return Err(PolicyError::TooManyGlobs(format!(
                "{} patterns; at most {MAX_GLOBS} are read",
                self.allowed_needed.len()
            )));
        }
        if let Some(long) = self
            .allowed_needed
            .iter()
            .find(|g| g.chars().count() > MAX_GLOB_LEN)
        {
            return Err(PolicyError::TooManyGlobs(format!(
                "a pattern of {} characters (`{}…`); at most {MAX_GLOB_LEN} are read",
                long.chars().count(),
                crate::escape::one_line(&long.chars().take(40).collect::<String>())
            )));
        }
        Ok(())
    }

    /// Set a rule's level by id; errors on an unknown id.
    pub fn set(&mut self, rule: &str, level: Level) -> Result<(), PolicyError> {
        check_rule(rule)?;
        self.rules.insert(rule.to_string(), level);
        Ok(())
    }

    /// The level in force for a rule.
    pub fn level(&self, rule: &str) -> Level {
        self.rules.get(rule).copied().unwrap_or_else(|| {
            RULES
                .iter()
                .find(|(id, _, _)| *id == rule)
                .map(|(_, _, l)| *l)
                .unwrap_or(Level::Off)
        })
    }

    /// Apply the policy to one binary.
    pub fn evaluate(&self, b: &Binary) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut add = |rule: &str, message: String| {
            if let Some(severity) = self.level(rule).severity() {
                out.push(Finding {
                    rule: rule.to_string(),
                    severity,
                    message,
                });
            }
        };
        let v = b.linkage.verdict;
        let judged = v.is_linked();
        if judged && !v.is_static() {
            let what = match v {
                Verdict::SharedLibrary | Verdict::RunnableSharedLibrary => {
                    "is a shared library, not a static program".to_string()
                }
                Verdict::Ambiguous => format!("cannot be proven static: {}", b.linkage.reason),
                _ => {
                    let mut needs = Vec::new();
                    if let Some(i) = &b.dynamic.interpreter {
                        needs.push(format!("the loader {i}"));
                    }
                    needs.extend(b.dynamic.needed.iter().cloned());
                    if needs.is_empty() {
                        format!("is not static ({})", v.label())
                    } else {
                        format!("is not static ({}): needs {}", v.label(), needs.join(", "))
                    }
                }
            };
            add("require-static", what);
        }
        if v == Verdict::InterpreterWithoutNeeded {
            add(
                "interpreter-without-needed",
                format!(
                    "names the interpreter {} but needs no library: it fails to start where that loader is missing (e.g. Go -buildmode=pie without cgo)",
                    b.dynamic.interpreter.as_deref().unwrap_or("<unreadable>")
                ),
            );
        }
        if !self.allowed_needed.is_empty() {
            for n in &b.dynamic.needed {
                if !self.allowed_needed.iter().any(|g| glob_match(g, n)) {
                    add(
                        "needed-not-allowed",
                        format!("needs {n}, which is not in allowed-needed"),
                    );
                }
            }
        }
        if let (Some(max), Some(floor)) = (&self.max_glibc, &b.versions.glibc_floor) {
            if let (Some(m), Some(f)) = (parse_version(max), parse_version(floor)) {
                if f > m {
                    add(
                        "glibc-floor",
                        format!("requires glibc {floor}, newer than the allowed {max}"),
                    );
                }
            }
        }
        if b.versions.glibc_private {
            add(
                "glibc-private",
                "requires GLIBC_PRIVATE symbols: runs only with the exact glibc it was built against".into(),
            );
        }
        // Every hazard is the rule of the same id (the hazards of static glibc).
        for h in &b.hazards {
            if let Some((id, _, _)) = RULES.iter().find(|(id, _, _)| *id == h.id) {
                let message = if h.evidence.is_empty() {
                    h.message.clone()
                } else {
                    format!("{}. Shown by: {}", h.message, h.evidence.join("; "))
                };
                add(id, message);
            }
        }
        if !self.expected_arch.is_empty()
            && judged
            && !self
                .expected_arch
                .iter()
                .any(|a| arch_matches(a, &b.format.arch))
        {
            add(
                "expected-arch",
                format!(
                    "is built for {}, expected {}",
                    b.format.arch,
                    self.expected_arch.join(" or ")
                ),
            );
        }
        if !b.dynamic.rpath.is_empty() {
            add(
                "forbid-rpath",
                format!("has DT_RPATH {}", b.dynamic.rpath.join(":")),
            );
        }
        if !b.dynamic.runpath.is_empty() {
            add(
                "forbid-runpath",
                format!("has DT_RUNPATH {}", b.dynamic.runpath.join(":")),
            );
        }
        if !b.hardening.rwx_segments.is_empty() {
            add(
                "forbid-rwx-segments",
                format!(
                    "has writable and executable segments: {}",
                    b.hardening.rwx_segments.join(", ")
                ),
            );
        }
        let h = &b.hardening;
        if h.nx.status == Status::No {
            add("require-nx", format!("executable stack: {}", h.nx.reason));
        }
        if h.pie.status == Status::No {
            add(
                "require-pie",
                format!("not position-independent: {}", h.pie.reason),
            );
        }
        if matches!(h.relro.level, RelroLevel::None | RelroLevel::Partial) {
            add(
                "require-full-relro",
                format!("RELRO is {}: {}", h.relro.level.label(), h.relro.reason),
            );
        }
        if h.bind_now.status == Status::No {
            add(
                "require-bind-now",
                format!("no BIND_NOW: {}", h.bind_now.reason),
            );
        }
        if h.canary.status == Status::No {
            add(
                "require-canary",
                format!("no stack canary: {}", h.canary.reason),
            );
        }
        if h.fortify.status == Status::No {
            add(
                "require-fortify",
                format!("not fortified: {}", h.fortify.reason),
            );
        }
        if !b.problems.is_empty() {
            let parts: Vec<String> = b
                .problems
                .iter()
                .take(3)
                .map(|p| match p.offset {
                    Some(o) => format!("{} at {o:#x}: {}", p.what, p.message),
                    None => format!("{}: {}", p.what, p.message),
                })
                .collect();
            add(
                "unreadable-parts",
                format!("parts of the file could not be read: {}", parts.join("; ")),
            );
        }
        out
    }
}

fn arch_matches(want: &str, arch: &str) -> bool {
    let norm = |a: &str| -> String {
        match a {
            "amd64" | "x86-64" | "x86_64" => "x86_64".into(),
            "386" | "i386" | "i686" | "x86" => "i386".into(),
            "arm64" | "aarch64" => "aarch64".into(),
            "armv6" | "armv7" | "armhf" | "armel" | "arm" => "arm".into(),
            "ppc64el" | "ppc64le" => "ppc64le".into(),
            other => other.to_ascii_lowercase(),
        }
    };
    norm(want) == norm(arch)
}

/// Shell-style glob with `*` and `?` (no classes), matched against the whole name.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    #[test]
    fn policy_table_of_a_config_file() {
        let text = "targets = [\"amd64\"]\n[policy]\nmax-glibc = \"2.17\"\nfail-on = \"warning\"\n";
        let p = Policy::from_config_toml(text).unwrap().unwrap();
        assert_eq!(p.max_glibc.as_deref(), Some("2.17"));
        assert_eq!(p.fail_on, FailOn::Warning);
        assert!(Policy::from_config_toml("targets = []\n")
            .unwrap()
            .is_none());
        assert!(Policy::from_config_toml("policy = 3\n").is_err());
    }

    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("libc.so.*", "libc.so.6"));
        assert!(glob_match("lib?.so", "libm.so"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("libc.so.*", "libcrypto.so.3"));
        assert!(glob_match("*crypto*", "libcrypto.so.3"));
    }

    #[test]
    fn allowed_needed_patterns_are_bounded() {
        let long = format!("[policy]\nallowed-needed = [\"{}\"]\n", "*a".repeat(200));
        let err = Policy::from_config_toml(&long).unwrap_err().to_string();
        assert!(err.contains("a pattern of 400 characters"), "{err}");
        let many = format!(
            "[policy]\nallowed-needed = [{}]\n",
            vec!["\"lib*.so\""; 300].join(", ")
        );
        assert!(Policy::from_config_toml(&many).is_err());
    }

    #[test]
    fn toml_policy_with_unknown_key() {
        let err =
            Policy::from_config_toml("name = \"x\"\n[policy]\nmax-glibc = 2.17\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let err = Policy::from_config_toml("[policy]\nmax-glibc = \"2.17\\n::warning::x\"\n")
            .unwrap_err();
        assert!(!err.to_string().contains('\n'), "{err}");
        let p = Policy::from_toml(
            "fail-on = \"warning\"\nmax-glibc = \"2.17\"\n[rules]\nrequire-pie = \"error\"\n",
        )
        .unwrap();
        assert_eq!(p.fail_on, FailOn::Warning);
        assert_eq!(p.level("require-pie"), Level::Error);
        assert_eq!(p.level("require-static"), Level::Error);
        assert!(Policy::from_toml("max-glibc = \"two\"").is_err());
    }

    /// A typo must not leave a setting at its default: the policy would pass what it was meant to fail.
    #[test]
    fn unknown_keys_and_rules_are_errors_with_the_nearest_known_one() {
        let err = Policy::from_toml("fail-on = \"warning\"\nmax_glibc = \"2.17\"\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "2 unknown keys:\nline 2: unknown key `max_glibc` (did you mean `max-glibc`?)\nline 3: unknown key `bogus`"
        );
        let err =
            Policy::from_config_toml("name = \"x\"\nimage = 3\n[policy]\nexpected_arch = []\n")
                .unwrap_err()
                .to_string();
        assert_eq!(
            err,
            "line 4: unknown key `policy.expected_arch` (did you mean `expected-arch`?)"
        );
        let err = Policy::from_toml("[rules]\nrequire-pi = \"error\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "unknown rule `require-pi` (did you mean `require-pie`? `static-build rules` lists them all)"
        );
        let err = Policy::from_toml("[rules]\nzzz = \"error\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("unknown rule `zzz` (known rules: require-static, "),
            "{err}"
        );
    }

    #[test]
    fn arch_aliases() {
        assert!(arch_matches("amd64", "x86_64"));
        assert!(arch_matches("arm64", "aarch64"));
        assert!(!arch_matches("arm64", "x86_64"));
    }

    /// Every hazard the inspector reports is a rule of the same id, so a policy can set its level.
    #[test]
    fn every_hazard_is_a_rule() {
        for (id, message) in crate::analyze::GLIBC_HAZARDS {
            assert!(RULES.iter().any(|(r, _, _)| r == id), "{id} is not a rule");
            assert!(message.contains("Fix: "), "{id}: {message}");
        }
    }
}
