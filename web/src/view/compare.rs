//! Two entries side by side, with core's diff of their reports.

use super::*;

/// One row of the side-by-side table: label and the two values; rows that differ are marked.
pub(super) fn cmp_row(label: &'static str, a: String, b: String) -> Html {
    let changed = a != b;
    html! {
        <tr class={classes!(changed.then_some("changed"))} data-compare={label} data-changed={changed.to_string()}>
            <th scope="row">{ label }</th><td>{ a }</td><td>{ b }</td>
        </tr>
    }
}

pub(super) fn facts_for_compare(r: &FileReport) -> Vec<(&'static str, String)> {
    let Outcome::Elf { binary: b } = &r.outcome else {
        return Vec::new();
    };
    let h = &b.hardening;
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    vec![
        ("Verdict", b.linkage.verdict.label().to_string()),
        ("Size", human_size(r.size)),
        (
            "Architecture",
            format!("{} ({}-bit)", b.format.arch, b.format.bits),
        ),
        ("C library", b.libc.family.label().to_string()),
        (
            "Interpreter",
            b.dynamic
                .interpreter
                .clone()
                .unwrap_or_else(|| "none".into()),
        ),
        ("NEEDED", list(&b.dynamic.needed)),
        ("RPATH / RUNPATH", {
            let mut v = b.dynamic.rpath.clone();
            v.extend(b.dynamic.runpath.iter().cloned());
            list(&v)
        }),
        (
            "glibc floor",
            b.versions
                .glibc_floor
                .clone()
                .unwrap_or_else(|| "none".into()),
        ),
        ("PIE", status_word(h.pie.status).into()),
        ("RELRO", h.relro.level.label().into()),
        ("BIND_NOW", status_word(h.bind_now.status).into()),
        ("NX stack", status_word(h.nx.status).into()),
        ("Stack canary", status_word(h.canary.status).into()),
        ("FORTIFY", status_word(h.fortify.status).into()),
        ("CET IBT", status_word(h.ibt.status).into()),
        ("CET shadow stack", status_word(h.shstk.status).into()),
        (
            "Language",
            b.toolchain
                .language
                .clone()
                .unwrap_or_else(|| "unknown".into()),
        ),
        ("Findings", r.findings.len().to_string()),
    ]
}

/// The compare view: a side-by-side table, then what core's diff calls a change (regressions first).
pub fn compare(a: &Entry, b: &Entry) -> Html {
    let (State::Done { report: ra, .. }, State::Done { report: rb, .. }) = (&a.state, &b.state)
    else {
        return html! { <p class="muted">{"Both files must be read first."}</p> };
    };
    let fa = facts_for_compare(ra);
    let fb = facts_for_compare(rb);
    // Core's diff matches entries by path: compare the two files under one name.
    let one = |r: &FileReport| {
        let mut rep = Report::new(env!("CARGO_PKG_VERSION"), Policy::default());
        let mut e = r.clone();
        e.path = "binary".into();
        rep.push(e);
        rep
    };
    let diff = diff_reports(&one(ra), &one(rb));
    let size_change = rb.size as i128 - ra.size as i128;
    html! {
        <div class="card compare-card">
            <div class="scroll"><table class="grid side-by-side" data-testid="compare-table">
                <thead><tr><th></th><th title={a.name.clone()}>{ format!("A: {}", a.name) }</th><th title={b.name.clone()}>{ format!("B: {}", b.name) }</th></tr></thead>
                <tbody>
                    { for fa.iter().zip(fb.iter()).map(|((label, va), (_, vb))| cmp_row(label, va.clone(), vb.clone())) }
                </tbody>
            </table></div>
            <p class="size-change" data-testid="size-change">
                { if size_change == 0 { "Same size.".to_string() } else { format!("Size: {} {} ({:+.1}%)", if size_change > 0 { "grew by" } else { "shrank by" }, human_size(size_change.unsigned_abs() as u64), if ra.size > 0 { size_change as f64 * 100.0 / ra.size as f64 } else { 0.0 }) } }
            </p>
            <h3>{"What changed from A to B"}</h3>
            if diff.changes.is_empty() {
                <p class="muted" data-testid="no-changes">{"No change in linkage, glibc floor or hardening."}</p>
            } else {
                <ul class="changes" data-testid="changes">
                    { for diff.changes.iter().map(|c| html! {
                        <li class={if c.regression { "bad" } else { "ok" }} data-regression={c.regression.to_string()}>
                            <span class="sev">{ if c.regression { "regression" } else { "change" } }</span>{ &c.message }
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}
