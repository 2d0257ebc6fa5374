//! Report diff (base vs head) for pull requests: what changed in each binary between two reports, and which
//! of those changes are regressions (a binary no longer static, a new library, a higher glibc floor, lost
//! hardening, a new error or warning).
//!
//! Both reports usually come from JSON files written by other jobs, so nothing here trusts their contents:
//! duplicate paths, missing facts and odd version strings give fewer changes, never a panic.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::model::{Binary, Hardening, RelroLevel, Status, Verdict};
use crate::policy::Severity;
use crate::report::{FileReport, Outcome, Report};
use crate::units::human_size;
use crate::units::parse_version;

/// Everything that changed between two reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDiff {
    /// Changes to files present in both reports, in head order (and for added files, their findings).
    pub changes: Vec<Change>,
    /// Paths only in head.
    pub added: Vec<String>,
    /// Paths only in base.
    pub removed: Vec<String>,
}

impl ReportDiff {
    /// Whether any change makes head worse than base.
    pub fn has_regressions(&self) -> bool {
        self.changes.iter().any(|c| c.regression)
    }

    /// The changes that make head worse than base.
    pub fn regressions(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.regression)
    }

    /// Whether the two reports describe the same files with the same facts (as far as the diff looks).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
}

/// One change to one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The path in head.
    pub path: String,
    pub kind: ChangeKind,
    /// One line for people, e.g. `no longer static: was static-pie, now dynamic PIE`.
    pub message: String,
    pub regression: bool,
}

/// What changed. In JSON: `{"type": "glibc-floor-raised", "from": "2.17", "to": "2.34"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Was static or static-pie, is not any more.
    NewlyDynamic {
        from: Verdict,
        to: Verdict,
    },
    /// Was not static, is now.
    NewlyStatic {
        from: Verdict,
        to: Verdict,
    },
    /// Another verdict on the same side of static (e.g. static to static-pie).
    VerdictChanged {
        from: Verdict,
        to: Verdict,
    },
    /// The file changed between ELF, not ELF and unreadable; `from`/`to` are verdict ids, `skipped` or `error`.
    OutcomeChanged {
        from: String,
        to: String,
    },
    NewNeeded {
        lib: String,
    },
    RemovedNeeded {
        lib: String,
    },
    /// Requires a newer glibc (`from` is `None` when base required no glibc version).
    GlibcFloorRaised {
        from: Option<String>,
        to: String,
    },
    /// Requires an older glibc (`to` is `None` when head requires no glibc version).
    GlibcFloorLowered {
        from: String,
        to: Option<String>,
    },
    /// A hardening check went from better to worse; `check` is the `Hardening` field name (`pie`, `relro`,
    /// `bind_now`, `nx`, `canary`, `fortify`, `ibt`, `shstk`), `from`/`to` the labels (`yes`, `partial`...).
    /// Changes to or from "unknown" and "n/a" are neither losses nor gains.
    HardeningLost {
        check: String,
        from: String,
        to: String,
    },
    HardeningGained {
        check: String,
        from: String,
        to: String,
    },
    /// File size in bytes; reported when it changes by more than 1% or more than 4 KiB.
    SizeChanged {
        from: u64,
        to: u64,
    },
    /// An error or warning finding that base did not have.
    NewFinding {
        rule: String,
        severity: Severity,
    },
}

/// Compare two reports: base (e.g. the target branch) and head (the pull request).
pub fn diff_reports(base: &Report, head: &Report) -> ReportDiff {
    let (pairs, base_used) = match_files(&base.files, &head.files);
    let mut diff = ReportDiff::default();
    let mut by_head: HashMap<usize, usize> = pairs.iter().map(|&(b, h)| (h, b)).collect();
    for (hi, h) in head.files.iter().enumerate() {
        match by_head.remove(&hi).and_then(|bi| base.files.get(bi)) {
            Some(b) => compare(&mut diff.changes, b, h),
            None => {
                diff.added.push(h.path.clone());
                new_findings(&mut diff.changes, None, h, false);
            }
        }
    }
    for (bi, b) in base.files.iter().enumerate() {
        if !base_used.get(bi).copied().unwrap_or(false) {
            diff.removed.push(b.path.clone());
        }
    }
    diff
}

/// The pairs (base index, head index) and which base entries were paired.
type Matched = (Vec<(usize, usize)>, Vec<bool>);

/// Pair base and head entries: same path and architecture, then same path (in order, so duplicated paths
/// pair up one by one), then the same file name when only the directory differs and the name is unique
/// among what is left on both sides.
fn match_files(base: &[FileReport], head: &[FileReport]) -> Matched {
    let mut pairs = Vec::new();
    let mut base_used = vec![false; base.len()];
    let mut head_used = vec![false; head.len()];

    let arch = |f: &FileReport| match &f.outcome {
        Outcome::Elf { binary } => Some(binary.format.arch.clone()),
        _ => None,
    };
    let passes: [&dyn Fn(&FileReport) -> String; 2] = [
        &|f| format!("{}\0{}", f.path, arch(f).unwrap_or_default()),
        &|f| f.path.clone(),
    ];
    for key in passes {
        let mut index: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (i, f) in base.iter().enumerate() {
            if !base_used.get(i).copied().unwrap_or(true) {
                index.entry(key(f)).or_default().push_back(i);
            }
        }
        for (hi, f) in head.iter().enumerate() {
            if head_used.get(hi).copied().unwrap_or(true) {
                continue;
            }
            if let Some(bi) = index.get_mut(&key(f)).and_then(|q| q.pop_front()) {
                mark(&mut base_used, bi);
                mark(&mut head_used, hi);
                pairs.push((bi, hi));
            }
        }
    }

    let unique_names = |files: &[FileReport], used: &[bool]| -> HashMap<String, Option<usize>> {
        let mut m: HashMap<String, Option<usize>> = HashMap::new();
        for (i, f) in files.iter().enumerate() {
            if used.get(i).copied().unwrap_or(true) {
                continue;
            }
            m.entry(file_name(&f.path).to_string())
                .and_modify(|e| *e = None)
                .or_insert(Some(i));
        }
        m
    };
    let base_names = unique_names(base, &base_used);
    let head_names = unique_names(head, &head_used);
    for (name, hi) in &head_names {
        if let (Some(hi), Some(Some(bi))) = (hi, base_names.get(name)) {
            mark(&mut base_used, *bi);
            mark(&mut head_used, *hi);
            pairs.push((*bi, *hi));
        }
    }
    (pairs, base_used)
}

fn mark(used: &mut [bool], i: usize) {
    if let Some(u) = used.get_mut(i) {
        *u = true;
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn outcome_label(f: &FileReport) -> String {
    match &f.outcome {
        Outcome::Elf { binary } => binary.linkage.verdict.id().to_string(),
        Outcome::Skipped { .. } => "skipped".into(),
        Outcome::Error { .. } => "error".into(),
    }
}

fn judged_not_static(v: Verdict) -> bool {
    !v.is_static() && v.is_linked()
}

fn compare(out: &mut Vec<Change>, b: &FileReport, h: &FileReport) {
    let path = &h.path;
    let mut push = |kind: ChangeKind, message: String, regression: bool| {
        out.push(Change {
            path: path.clone(),
            kind,
            message,
            regression,
        })
    };
    let mut verdict_reported = false;
    match (&b.outcome, &h.outcome) {
        (Outcome::Elf { binary: bb }, Outcome::Elf { binary: hb }) => {
            verdict_reported = compare_binaries(&mut push, bb, hb);
            size(&mut push, b.size, h.size);
        }
        (Outcome::Skipped { .. }, Outcome::Skipped { .. })
        | (Outcome::Error { .. }, Outcome::Error { .. }) => {}
        _ => {
            let (from, to) = (outcome_label(b), outcome_label(h));
            let regression = match (&b.outcome, &h.outcome) {
                (_, Outcome::Error { .. }) => true,
                (_, Outcome::Elf { binary }) => judged_not_static(binary.linkage.verdict),
                (Outcome::Elf { .. }, Outcome::Skipped { .. }) => true,
                _ => false,
            };
            let detail = match &h.outcome {
                Outcome::Error { error } => format!(": {error}"),
                Outcome::Skipped { looks_like } => format!(" (not ELF: {looks_like})"),
                Outcome::Elf { binary } => format!(" ({})", binary.linkage.verdict.label()),
            };
            push(
                ChangeKind::OutcomeChanged {
                    from: from.clone(),
                    to: to.clone(),
                },
                format!("was {from}, now {to}{detail}"),
                regression,
            );
            verdict_reported = true;
        }
    }
    new_findings(out, Some(b), h, verdict_reported);
}

/// Compare the facts of two binaries; returns whether the verdict changed.
fn compare_binaries(
    push: &mut impl FnMut(ChangeKind, String, bool),
    b: &Binary,
    h: &Binary,
) -> bool {
    let (from, to) = (b.linkage.verdict, h.linkage.verdict);
    let verdict_changed = from != to;
    if verdict_changed {
        if from.is_static() && judged_not_static(to) {
            push(
                ChangeKind::NewlyDynamic { from, to },
                match &h.dynamic.interpreter {
                    Some(i) => format!(
                        "no longer static: was {}, now {} (loader {i})",
                        from.label(),
                        to.label()
                    ),
                    None => format!(
                        "no longer static: was {}, now {} ({})",
                        from.label(),
                        to.label(),
                        h.linkage.reason
                    ),
                },
                true,
            );
        } else if !from.is_static() && to.is_static() {
            push(
                ChangeKind::NewlyStatic { from, to },
                format!("now static: was {}, now {}", from.label(), to.label()),
                false,
            );
        } else {
            push(
                ChangeKind::VerdictChanged { from, to },
                format!("verdict changed from {} to {}", from.label(), to.label()),
                false,
            );
        }
    }

    let base_needed: HashSet<&str> = b.dynamic.needed.iter().map(String::as_str).collect();
    let head_needed: HashSet<&str> = h.dynamic.needed.iter().map(String::as_str).collect();
    let mut seen = HashSet::new();
    for lib in &h.dynamic.needed {
        if !base_needed.contains(lib.as_str()) && seen.insert(lib.as_str()) {
            push(
                ChangeKind::NewNeeded { lib: lib.clone() },
                format!("new NEEDED {lib}"),
                true,
            );
        }
    }
    for lib in &b.dynamic.needed {
        if !head_needed.contains(lib.as_str()) && seen.insert(lib.as_str()) {
            push(
                ChangeKind::RemovedNeeded { lib: lib.clone() },
                format!("no longer needs {lib}"),
                false,
            );
        }
    }

    glibc_floor(
        push,
        b.versions.glibc_floor.as_deref(),
        h.versions.glibc_floor.as_deref(),
    );
    hardening(push, &b.hardening, &h.hardening);
    verdict_changed
}

fn glibc_floor(
    push: &mut impl FnMut(ChangeKind, String, bool),
    from: Option<&str>,
    to: Option<&str>,
) {
    match (from, to) {
        (Some(f), Some(t)) => {
            let (Some(fv), Some(tv)) = (parse_version(f), parse_version(t)) else {
                return;
            };
            if tv > fv {
                push(
                    ChangeKind::GlibcFloorRaised {
                        from: Some(f.into()),
                        to: t.into(),
                    },
                    format!("glibc floor raised from {f} to {t}"),
                    true,
                );
            } else if tv < fv {
                push(
                    ChangeKind::GlibcFloorLowered {
                        from: f.into(),
                        to: Some(t.into()),
                    },
                    format!("glibc floor lowered from {f} to {t}"),
                    false,
                );
            }
        }
        (None, Some(t)) => push(
            ChangeKind::GlibcFloorRaised {
                from: None,
                to: t.into(),
            },
            format!("now requires glibc {t}"),
            true,
        ),
        (Some(f), None) => push(
            ChangeKind::GlibcFloorLowered {
                from: f.into(),
                to: None,
            },
            format!("no longer requires a glibc version (was {f})"),
            false,
        ),
        (None, None) => {}
    }
}

/// Better is higher; `None` for answers that are not comparable (unknown, not applicable).
fn status_rank(s: Status) -> Option<u8> {
    match s {
        Status::Yes => Some(1),
        Status::No => Some(0),
        Status::Unknown | Status::NotApplicable => None,
    }
}

fn relro_rank(l: RelroLevel) -> Option<u8> {
    match l {
        RelroLevel::None => Some(0),
        RelroLevel::Partial => Some(1),
        RelroLevel::Full => Some(2),
        RelroLevel::NotApplicable => None,
    }
}

fn hardening(push: &mut impl FnMut(ChangeKind, String, bool), b: &Hardening, h: &Hardening) {
    let status = |id: &'static str, name: &'static str, f: Status, t: Status| {
        (
            id,
            name,
            status_rank(f),
            status_rank(t),
            f.label(),
            t.label(),
        )
    };
    let checks = [
        status("pie", "PIE", b.pie.status, h.pie.status),
        (
            "relro",
            "RELRO",
            relro_rank(b.relro.level),
            relro_rank(h.relro.level),
            b.relro.level.label(),
            h.relro.level.label(),
        ),
        status("bind_now", "BIND_NOW", b.bind_now.status, h.bind_now.status),
        status("nx", "NX", b.nx.status, h.nx.status),
        status("canary", "stack canary", b.canary.status, h.canary.status),
        status("fortify", "FORTIFY", b.fortify.status, h.fortify.status),
        status("ibt", "IBT", b.ibt.status, h.ibt.status),
        status("shstk", "SHSTK", b.shstk.status, h.shstk.status),
    ];
    for (id, name, fr, tr, fl, tl) in checks {
        let (Some(fr), Some(tr)) = (fr, tr) else {
            continue;
        };
        let (from, to, check) = (fl.to_string(), tl.to_string(), id.to_string());
        if tr < fr {
            push(
                ChangeKind::HardeningLost { check, from, to },
                format!("{name} lost: {fl} → {tl}"),
                true,
            );
        } else if tr > fr {
            push(
                ChangeKind::HardeningGained { check, from, to },
                format!("{name} gained: {fl} → {tl}"),
                false,
            );
        }
    }
}

/// Sizes are noisy; only changes over 1% or over 4 KiB are reported, and never as regressions.
fn size(push: &mut impl FnMut(ChangeKind, String, bool), from: u64, to: u64) {
    let delta = from.abs_diff(to);
    if delta == 0 || !(u128::from(delta) * 100 > u128::from(from) || delta > 4096) {
        return;
    }
    let sign = if to > from { "+" } else { "-" };
    let pct = if from > 0 {
        format!(", {sign}{:.1}%", delta as f64 * 100.0 / from as f64)
    } else {
        String::new()
    };
    push(
        ChangeKind::SizeChanged { from, to },
        format!(
            "size {} → {} ({sign}{}{pct})",
            human_size(from),
            human_size(to),
            human_size(delta)
        ),
        false,
    );
}

/// Error and warning findings in head that base did not have. A finding counts as new when base had no
/// finding of that rule, or had fewer of that rule and none with the same message (so a reworded message
/// is not news, a second disallowed library is). `require-static` is left out when the verdict change
/// already says it.
fn new_findings(
    out: &mut Vec<Change>,
    b: Option<&FileReport>,
    h: &FileReport,
    verdict_reported: bool,
) {
    let base = b.map(|b| b.findings.as_slice()).unwrap_or(&[]);
    for f in &h.findings {
        if !matches!(f.severity, Severity::Error | Severity::Warning) {
            continue;
        }
        if verdict_reported
            && matches!(
                f.rule.as_str(),
                "require-static" | "interpreter-without-needed"
            )
        {
            continue;
        }
        let base_same_rule: Vec<_> = base.iter().filter(|x| x.rule == f.rule).collect();
        let head_same_rule = h.findings.iter().filter(|x| x.rule == f.rule).count();
        let is_new = base_same_rule.is_empty()
            || (head_same_rule > base_same_rule.len()
                && !base_same_rule.iter().any(|x| x.message == f.message));
        if is_new {
            out.push(Change {
                path: h.path.clone(),
                kind: ChangeKind::NewFinding {
                    rule: f.rule.clone(),
                    severity: f.severity,
                },
                message: format!("new {}[{}]: {}", f.severity.label(), f.rule, f.message),
                regression: true,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VersionNeed;
    use crate::policy::Policy;
    use crate::render::fixtures::sample_binary;

    fn report(files: Vec<(&str, u64, Binary)>) -> Report {
        let mut r = Report::new("0.1.0", Policy::default());
        for (path, size, b) in files {
            r.add(path.into(), size, Ok(b));
        }
        r
    }

    fn kinds(d: &ReportDiff) -> Vec<&ChangeKind> {
        d.changes.iter().map(|c| &c.kind).collect()
    }

    #[test]
    fn identical_reports_have_no_changes() {
        let r = report(vec![("out/app", 100, sample_binary(Verdict::StaticPie))]);
        let d = diff_reports(&r, &r);
        assert!(d.is_empty());
        assert!(!d.has_regressions());
    }

    #[test]
    fn newly_dynamic_with_new_needed_and_floor() {
        let base = report(vec![("out/app", 18_744, sample_binary(Verdict::StaticPie))]);
        let head = report(vec![(
            "out/app",
            18_800,
            sample_binary(Verdict::DynamicPie),
        )]);
        let d = diff_reports(&base, &head);
        assert!(d.has_regressions());
        let k = kinds(&d);
        assert!(matches!(
            k[0],
            ChangeKind::NewlyDynamic {
                from: Verdict::StaticPie,
                to: Verdict::DynamicPie
            }
        ));
        assert!(k.contains(&&ChangeKind::NewNeeded {
            lib: "libc.so.6".into()
        }));
        assert!(k.contains(&&ChangeKind::GlibcFloorRaised {
            from: None,
            to: "2.34".into()
        }));
        // The verdict change already says it: no separate "new error[require-static]".
        assert!(!k.iter().any(|k| matches!(k, ChangeKind::NewFinding { .. })));
        // 56 bytes on 18 KiB is noise.
        assert!(!k
            .iter()
            .any(|k| matches!(k, ChangeKind::SizeChanged { .. })));
        assert!(d.changes[0]
            .message
            .starts_with("no longer static: was static-pie, now dynamic PIE (loader /lib64/"));
    }

    #[test]
    fn raised_glibc_floor_and_lost_hardening() {
        let old = sample_binary(Verdict::DynamicPie);
        let mut new = old.clone();
        new.versions.glibc_floor = Some("2.38".into());
        new.versions.requirements = vec![VersionNeed {
            file: "libc.so.6".into(),
            versions: vec!["GLIBC_2.38".into()],
        }];
        new.hardening.relro.level = RelroLevel::Partial;
        new.hardening.canary.status = Status::Unknown;
        new.hardening.ibt.status = Status::Yes;
        let d = diff_reports(
            &report(vec![("a/tool", 16_000, old)]),
            &report(vec![("a/tool", 32_000, new)]),
        );
        let k = kinds(&d);
        assert!(k.contains(&&ChangeKind::GlibcFloorRaised {
            from: Some("2.34".into()),
            to: "2.38".into()
        }));
        assert!(k.contains(&&ChangeKind::HardeningLost {
            check: "relro".into(),
            from: "full".into(),
            to: "partial".into()
        }));
        assert!(k.contains(&&ChangeKind::HardeningGained {
            check: "ibt".into(),
            from: "no".into(),
            to: "yes".into()
        }));
        assert!(!k
            .iter()
            .any(|k| matches!(k, ChangeKind::HardeningLost { check, .. } if check == "canary")));
        assert!(k.contains(&&ChangeKind::SizeChanged {
            from: 16_000,
            to: 32_000
        }));
        assert_eq!(d.regressions().count(), 2);
    }

    #[test]
    fn matching_by_file_name_added_removed() {
        let base = report(vec![
            ("base/x86_64/app", 100, sample_binary(Verdict::StaticPie)),
            ("base/old", 100, sample_binary(Verdict::Static)),
        ]);
        let head = report(vec![
            ("head/x86_64/app", 100, sample_binary(Verdict::Static)),
            ("head/new", 100, sample_binary(Verdict::DynamicPie)),
        ]);
        let d = diff_reports(&base, &head);
        assert_eq!(d.added, vec!["head/new"]);
        assert_eq!(d.removed, vec!["base/old"]);
        assert_eq!(d.changes[0].path, "head/x86_64/app");
        assert!(matches!(
            d.changes[0].kind,
            ChangeKind::VerdictChanged { .. }
        ));
        assert!(!d.changes[0].regression);
        // A new dynamic binary brings its error finding along.
        assert!(d.changes.iter().any(|c| c.path == "head/new"
            && c.regression
            && matches!(&c.kind, ChangeKind::NewFinding { rule, .. } if rule == "require-static")));
    }

    #[test]
    fn duplicate_paths_pair_by_arch() {
        let mut arm = sample_binary(Verdict::StaticPie);
        arm.format.arch = "aarch64".into();
        let mut arm_dyn = sample_binary(Verdict::DynamicPie);
        arm_dyn.format.arch = "aarch64".into();
        let base = report(vec![
            ("out/app", 100, sample_binary(Verdict::StaticPie)),
            ("out/app", 100, arm),
        ]);
        let head = report(vec![
            ("out/app", 100, arm_dyn),
            ("out/app", 100, sample_binary(Verdict::StaticPie)),
        ]);
        let d = diff_reports(&base, &head);
        let dynamic: Vec<_> = d
            .changes
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::NewlyDynamic { .. }))
            .collect();
        assert_eq!(dynamic.len(), 1);
        assert!(d.added.is_empty() && d.removed.is_empty());
    }

    #[test]
    fn outcome_changes_and_serde() {
        let mut base = report(vec![("out/app", 100, sample_binary(Verdict::Static))]);
        base.add_error("out/gone".into(), "permission denied".into());
        let mut head = Report::new("0.1.0", Policy::default());
        head.add_error("out/app".into(), "truncated".into());
        head.add("out/gone".into(), 100, Ok(sample_binary(Verdict::Static)));
        let d = diff_reports(&base, &head);
        assert_eq!(
            d.changes[0].kind,
            ChangeKind::OutcomeChanged {
                from: "static".into(),
                to: "error".into()
            }
        );
        assert!(d.changes[0].regression);
        assert!(!d.changes[1].regression);
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains(r#""kind":{"type":"outcome-changed","from":"static","to":"error"}"#));
        let back: ReportDiff = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn findings_only_new_when_new() {
        let p = Policy {
            allowed_needed: vec!["libc.so.6".into()],
            ..Policy::default()
        };
        let mut b1 = sample_binary(Verdict::DynamicPie);
        b1.dynamic.needed.push("libz.so.1".into());
        let mut b2 = b1.clone();
        b2.dynamic.needed.push("libpcap.so.1".into());
        let mut base = Report::new("0.1.0", p.clone());
        base.add("t".into(), 1, Ok(b1));
        let mut head = Report::new("0.1.0", p);
        head.add("t".into(), 1, Ok(b2));
        let d = diff_reports(&base, &head);
        let new: Vec<_> = d
            .changes
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::NewFinding { .. }))
            .collect();
        assert_eq!(new.len(), 1, "{new:?}");
        assert!(new[0].message.contains("libpcap.so.1"));
    }

    #[test]
    fn garbage_versions_do_not_panic() {
        let mut a = sample_binary(Verdict::DynamicPie);
        a.versions.glibc_floor = Some("two.x".into());
        let mut b = a.clone();
        b.versions.glibc_floor = Some("".into());
        let d = diff_reports(
            &report(vec![("x", 0, a)]),
            &report(vec![("x", u64::MAX, b)]),
        );
        assert!(!d.changes.iter().any(|c| matches!(
            c.kind,
            ChangeKind::GlibcFloorRaised { .. } | ChangeKind::GlibcFloorLowered { .. }
        )));
    }
}
