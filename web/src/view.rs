//! How one entry, or two compared, look: banners, fact lists and the `objdump -x`-like tables. Every value
//! shown is a field of core's report model; nothing is decided here except colours and words.

use static_build_core::units::human_size;
use static_build_core::{
    diff_reports, Binary, Check, FileReport, Outcome, Policy, Report, Severity, Status, Verdict,
};
use yew::prelude::*;

use crate::app::{Entry, State};

/// The verdict category a banner shows: the words for people, from core's verdict.
pub fn category(v: Verdict) -> (&'static str, &'static str, &'static str) {
    // (css class, icon, headline)
    match v {
        Verdict::Static => ("ok", "✔", "Static"),
        Verdict::StaticPie => ("ok", "✔", "Static PIE"),
        Verdict::DynamicExecutable | Verdict::DynamicPie => ("bad", "✘", "Dynamic"),
        Verdict::InterpreterWithoutNeeded => ("warn", "⚠", "Needs a loader"),
        Verdict::SharedLibrary | Verdict::RunnableSharedLibrary => ("info", "◧", "Shared library"),
        Verdict::Relocatable => ("info", "◌", "Object file"),
        Verdict::Core => ("info", "◌", "Core dump"),
        Verdict::Ambiguous => ("warn", "?", "Ambiguous"),
    }
}

pub fn state_id(s: &State) -> &'static str {
    match s {
        State::Queued => "queued",
        State::Reading => "reading",
        State::Done { .. } => "done",
        State::Failed(_) => "failed",
    }
}

/// `data-verdict` of a list item: the verdict id, `not-elf`, `error`, or empty while pending.
pub fn verdict_id(s: &State) -> &'static str {
    match s {
        State::Done { report, .. } => match &report.outcome {
            Outcome::Elf { binary } => binary.linkage.verdict.id(),
            Outcome::Skipped { .. } => "not-elf",
            Outcome::Error { .. } => "error",
        },
        State::Failed(_) => "error",
        State::Queued | State::Reading => "",
    }
}

/// Icon, css class and short label of a list item.
pub fn entry_badge(e: &Entry) -> (&'static str, &'static str, String) {
    match &e.state {
        State::Queued => ("…", "pending", "queued".into()),
        State::Reading => ("⟳", "pending", "reading…".into()),
        State::Failed(_) => ("✘", "bad", "failed".into()),
        State::Done { report, .. } => match &report.outcome {
            Outcome::Elf { binary } => {
                let (cls, icon, _) = category(binary.linkage.verdict);
                (icon, cls, binary.linkage.verdict.label().into())
            }
            Outcome::Skipped { .. } => ("–", "muted", "not ELF".into()),
            Outcome::Error { .. } => ("✘", "bad", "unreadable".into()),
        },
    }
}

fn hex(v: u64) -> String {
    format!("{v:#x}")
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Yes => "yes",
        Status::No => "no",
        Status::NotApplicable => "na",
        Status::Unknown => "unknown",
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Yes => "yes",
        Status::No => "no",
        Status::NotApplicable => "not applicable",
        Status::Unknown => "unknown",
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "bad",
        Severity::Warning => "warn",
        Severity::Note => "info",
    }
}

/// The detail pane of one entry.
pub fn entry_detail(e: &Entry) -> Html {
    match &e.state {
        State::Queued | State::Reading => html! {
            <article class="detail" data-testid="detail">
                <div class="banner pending" data-testid="banner" data-verdict="">
                    <span class="spinner" aria-hidden="true"></span>
                    <div><h2 data-testid="verdict">{"Reading…"}</h2>
                    <p class="reason">{ &e.name }{" · "}{ human_size(e.size) }</p></div>
                </div>
            </article>
        },
        State::Failed(report) => html! {
            <article class="detail" data-testid="detail">
                <div class="banner bad" data-testid="banner" data-verdict="error">
                    <span class="icon" aria-hidden="true">{"✘"}</span>
                    <div><h2 data-testid="verdict">{"Could not read this file"}</h2>
                    <p class="reason" data-testid="reason">{ match &report.outcome {
                        Outcome::Error { error } => error.as_str(),
                        Outcome::Elf { .. } | Outcome::Skipped { .. } => "",
                    } }</p></div>
                </div>
            </article>
        },
        State::Done {
            report,
            bytes_read,
            millis,
        } => {
            let read_line = html! {
                <p class="read-stats" data-testid="bytes-read" data-bytes={bytes_read.to_string()}>
                    {format!("Read {} of {} ({} bytes) in {:.0} ms, in this browser.", human_size(*bytes_read), human_size(report.size), bytes_read, millis)}
                </p>
            };
            match &report.outcome {
                Outcome::Skipped { looks_like } => html! {
                    <article class="detail" data-testid="detail">
                        <div class="banner muted" data-testid="banner" data-verdict="not-elf">
                            <span class="icon" aria-hidden="true">{"–"}</span>
                            <div><h2 data-testid="verdict">{"Not ELF"}</h2>
                            <p class="reason" data-testid="reason">{ format!("{} is not an ELF file: {looks_like}.", report.path) }</p></div>
                        </div>
                        { read_line }
                    </article>
                },
                Outcome::Error { error } => html! {
                    <article class="detail" data-testid="detail">
                        <div class="banner bad" data-testid="banner" data-verdict="error">
                            <span class="icon" aria-hidden="true">{"✘"}</span>
                            <div><h2 data-testid="verdict">{"Malformed ELF"}</h2>
                            <p class="reason" data-testid="reason">{ error }</p></div>
                        </div>
                        { read_line }
                    </article>
                },
                Outcome::Elf { binary } => html! {
                    <article class="detail" data-testid="detail">
                        { banner(report, binary) }
                        { read_line }
                        { findings(report) }
                        { linkage(binary) }
                        { hardening(binary) }
                        { toolchain(binary) }
                        { problems(binary) }
                        { tables(binary) }
                    </article>
                },
            }
        }
    }
}

fn banner(report: &FileReport, b: &Binary) -> Html {
    let v = b.linkage.verdict;
    let (cls, icon, headline) = category(v);
    html! {
        <div class={classes!("banner", cls)} data-testid="banner" data-verdict={v.id()}>
            <span class="icon" aria-hidden="true">{ icon }</span>
            <div>
                <h2 data-testid="verdict">{ headline }<span class="verdict-id">{ format!(" · {}", v.label()) }</span></h2>
                <p class="reason" data-testid="reason">{ &b.linkage.reason }</p>
                <p class="file-line">
                    <span class="name">{ &report.path }</span>
                    { format!(" · {} · {}-bit {} · {}", human_size(report.size), b.format.bits, b.format.arch, b.libc.family.label()) }
                </p>
                if !b.linkage.evidence.is_empty() {
                    <ul class="evidence" data-testid="evidence">
                        { for b.linkage.evidence.iter().map(|e| html! { <li>{ e }</li> }) }
                    </ul>
                }
            </div>
        </div>
    }
}

fn findings(report: &FileReport) -> Html {
    html! {
        <section class="card" data-testid="findings">
            <h3>{"Policy findings"}</h3>
            if report.findings.is_empty() {
                <p class="ok-text" data-testid="no-findings">{"✔ No findings: this file passes the policy."}</p>
            } else {
                <ul class="findings">
                    { for report.findings.iter().map(|f| html! {
                        <li class={severity_class(f.severity)} data-rule={f.rule.clone()}>
                            <span class="sev">{ f.severity.label() }</span>
                            <code>{ &f.rule }</code>
                            <span>{ &f.message }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

/// A definition-list row; `fact` is the test hook (`data-fact`).
fn row(fact: &'static str, label: &'static str, value: Html) -> Html {
    html! {
        <>
            <dt>{ label }</dt>
            <dd data-fact={fact}>{ value }</dd>
        </>
    }
}

fn list_or_none(items: &[String]) -> Html {
    if items.is_empty() {
        html! { <span class="muted">{"none"}</span> }
    } else {
        html! { <ul class="plain">{ for items.iter().map(|s| html! { <li><code>{ s }</code></li> }) }</ul> }
    }
}

fn opt_code(v: &Option<String>) -> Html {
    match v {
        Some(s) => html! { <code>{ s }</code> },
        None => html! { <span class="muted">{"none"}</span> },
    }
}

fn linkage(b: &Binary) -> Html {
    let d = &b.dynamic;
    let floor = match (&b.versions.glibc_floor, b.versions.glibc_private) {
        (Some(f), false) => html! { <code>{ format!("GLIBC_{f}") }</code> },
        (Some(f), true) => {
            html! { <><code>{ format!("GLIBC_{f}") }</code>{" and GLIBC_PRIVATE (tied to one glibc build)"}</> }
        }
        (None, true) => html! { {"GLIBC_PRIVATE (tied to one glibc build)"} },
        (None, false) => html! { <span class="muted">{"none required"}</span> },
    };
    html! {
        <section class="card" data-testid="linkage">
            <h3>{"Linkage"}</h3>
            <dl class="facts">
                { row("interpreter", "Interpreter", opt_code(&d.interpreter)) }
                { row("needed", "NEEDED", list_or_none(&d.needed)) }
                { row("rpath", "RPATH", list_or_none(&d.rpath)) }
                { row("runpath", "RUNPATH", list_or_none(&d.runpath)) }
                { row("soname", "SONAME", opt_code(&d.soname)) }
                { row("libc", "C library", html! { <>{ b.libc.family.label() }<span class="why">{ format!(" ({})", b.libc.basis) }</span></> }) }
                { row("glibc-floor", "glibc floor", floor) }
                { row("arch", "Architecture", html! { { format!("{} ({}-bit, {}-endian, {})", b.format.arch, b.format.bits, if matches!(b.format.endian, static_build_core::Endian::Little) { "little" } else { "big" }, b.format.machine_description) } }) }
            </dl>
            if !b.hazards.is_empty() {
                <div class="hazards" data-testid="hazards">
                    { for b.hazards.iter().map(|h| html! {
                        <div class="hazard" data-hazard={h.id.clone()}>
                            <strong>{"⚠ "}{ &h.message }</strong>
                            <ul class="plain small">{ for h.evidence.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
                        </div>
                    }) }
                </div>
            }
        </section>
    }
}

fn check_row(name: &'static str, c: &Check) -> Html {
    html! {
        <tr data-check={name}>
            <th scope="row">{ name }</th>
            <td><span class={classes!("pill", status_class(c.status))}>{ status_word(c.status) }</span></td>
            <td class="why">{ &c.reason }</td>
        </tr>
    }
}

fn hardening(b: &Binary) -> Html {
    let h = &b.hardening;
    let relro_status = match h.relro.level {
        static_build_core::RelroLevel::Full => "yes",
        static_build_core::RelroLevel::Partial => "unknown",
        static_build_core::RelroLevel::None => "no",
        static_build_core::RelroLevel::NotApplicable => "na",
    };
    html! {
        <section class="card" data-testid="hardening">
            <h3>{"Hardening"}</h3>
            <table class="checks">
                <tbody>
                    { check_row("PIE", &h.pie) }
                    <tr data-check="RELRO">
                        <th scope="row">{"RELRO"}</th>
                        <td><span class={classes!("pill", relro_status)}>{ if h.relro.level == static_build_core::RelroLevel::NotApplicable { "not applicable" } else { h.relro.level.label() } }</span></td>
                        <td class="why">{ &h.relro.reason }</td>
                    </tr>
                    { check_row("BIND_NOW", &h.bind_now) }
                    { check_row("NX stack", &h.nx) }
                    { check_row("Stack canary", &h.canary) }
                    <tr data-check="FORTIFY">
                        <th scope="row">{"FORTIFY"}</th>
                        <td><span class={classes!("pill", status_class(h.fortify.status))}>{ status_word(h.fortify.status) }</span></td>
                        <td class="why">{ &h.fortify.reason }
                            if !h.fortify.fortified.is_empty() {
                                <div class="small">{"fortified: "}{ h.fortify.fortified.join(", ") }</div>
                            }
                            if !h.fortify.unfortified.is_empty() {
                                <div class="small">{"unfortified: "}{ h.fortify.unfortified.join(", ") }</div>
                            }
                        </td>
                    </tr>
                    { check_row("CET IBT", &h.ibt) }
                    { check_row("CET shadow stack", &h.shstk) }
                    <tr data-check="RWX">
                        <th scope="row">{"RWX segments"}</th>
                        <td><span class={classes!("pill", if h.rwx_segments.is_empty() { "yes" } else { "no" })}>{ if h.rwx_segments.is_empty() { "none" } else { "present" } }</span></td>
                        <td class="why">{ if h.rwx_segments.is_empty() { "no segment is writable and executable at once".to_string() } else { h.rwx_segments.join(", ") } }</td>
                    </tr>
                </tbody>
            </table>
        </section>
    }
}

fn toolchain(b: &Binary) -> Html {
    let t = &b.toolchain;
    html! {
        <section class="card" data-testid="toolchain">
            <h3>{"Toolchain"}</h3>
            <dl class="facts">
                { row("language", "Language", html! { { t.language.clone().unwrap_or_else(|| "unknown".into()) } }) }
                if let Some(go) = &t.go {
                    { row("go-version", "Go", html! { <code>{ &go.go_version }</code> }) }
                    if let Some(p) = &go.path { { row("go-path", "Go main package", html! { <code>{ p }</code> }) } }
                    if let Some(m) = &go.main { { row("go-main", "Go module", html! { <code>{ format!("{} {}", m.path, m.version) }</code> }) } }
                    if !go.settings.is_empty() {
                        { row("go-settings", "Go build settings", html! {
                            <table class="kv">{ for go.settings.iter().map(|(k, v)| html! { <tr><th>{ k }</th><td><code>{ v }</code></td></tr> }) }</table>
                        }) }
                    }
                    if !go.deps.is_empty() {
                        { row("go-deps", "Go dependencies", html! {
                            <details><summary>{ format!("{} modules", go.deps.len()) }</summary>
                                <ul class="plain small">{ for go.deps.iter().map(|d| html! { <li><code>{ format!("{} {}", d.path, d.version) }</code></li> }) }</ul>
                            </details>
                        }) }
                    }
                }
                if let Some(rust) = &t.rust {
                    { row("rustc", "Rust compiler", opt_code(&rust.rustc)) }
                    if !rust.packages.is_empty() {
                        { row("rust-packages", "Rust packages", html! {
                            <details><summary>{ format!("{} packages (cargo-auditable)", rust.packages.len()) }</summary>
                                <ul class="plain small">{ for rust.packages.iter().map(|p| html! { <li><code>{ format!("{} {}", p.name, p.version) }</code></li> }) }</ul>
                            </details>
                        }) }
                    }
                }
                { row("comments", "Compiler strings", list_or_none(&t.comments)) }
                { row("build-id", "Build ID", opt_code(&t.build_id)) }
                if t.go_build_id.is_some() { { row("go-build-id", "Go build ID", opt_code(&t.go_build_id)) } }
                { row("stripped", "Stripped", html! { { match t.stripped { Some(true) => "yes", Some(false) => "no", None => "unknown (no section table)" } } }) }
                { row("debug-info", "Debug info", html! { { match t.debug_info { Some(true) => "yes", Some(false) => "no", None => "unknown" } } }) }
            </dl>
        </section>
    }
}

fn problems(b: &Binary) -> Html {
    if b.problems.is_empty() {
        return html! {};
    }
    html! {
        <section class="card warn-card" data-testid="problems">
            <h3>{"Parts that could not be read"}</h3>
            <ul class="plain">
                { for b.problems.iter().map(|p| html! {
                    <li><strong>{ &p.what }</strong>{ p.offset.map(|o| format!(" at {o:#x}")).unwrap_or_default() }{": "}{ &p.message }</li>
                }) }
            </ul>
        </section>
    }
}

fn tables(b: &Binary) -> Html {
    let f = &b.format;
    let d = &b.detail;
    html! {
        <section class="card tables" data-testid="tables">
            <h3>{"Headers and tables"}<span class="hint">{" what objdump -x and readelf would show"}</span></h3>
            <details open=true data-table="elf-header">
                <summary>{"ELF header"}</summary>
                <table class="grid">
                    <tbody>
                        <tr><th>{"Class"}</th><td>{ format!("ELF{}", f.bits) }</td></tr>
                        <tr><th>{"Data"}</th><td>{ if matches!(f.endian, static_build_core::Endian::Little) { "little-endian" } else { "big-endian" } }</td></tr>
                        <tr><th>{"Type"}</th><td>{ f.elf_type.mnemonic() }</td></tr>
                        <tr><th>{"Machine"}</th><td>{ format!("{} ({})", f.machine_description, f.machine) }</td></tr>
                        <tr><th>{"OS/ABI"}</th><td>{ format!("{} ({})", f.os_abi_name, f.os_abi) }</td></tr>
                        <tr><th>{"Entry point"}</th><td><code>{ hex(f.entry) }</code></td></tr>
                        <tr><th>{"Flags"}</th><td><code>{ format!("{:#x}", f.flags) }</code></td></tr>
                        <tr><th>{"File size"}</th><td>{ format!("{} bytes", f.file_size) }</td></tr>
                    </tbody>
                </table>
            </details>
            <details data-table="program-headers">
                <summary>{ format!("Program headers ({})", d.program_headers.len()) }</summary>
                <div class="scroll"><table class="grid">
                    <thead><tr><th>{"Type"}</th><th>{"Offset"}</th><th>{"VirtAddr"}</th><th>{"FileSiz"}</th><th>{"MemSiz"}</th><th>{"Flags"}</th><th>{"Align"}</th></tr></thead>
                    <tbody>{ for d.program_headers.iter().map(|p| html! {
                        <tr><td>{ &p.kind }</td><td><code>{ hex(p.offset) }</code></td><td><code>{ hex(p.vaddr) }</code></td><td><code>{ hex(p.filesz) }</code></td><td><code>{ hex(p.memsz) }</code></td><td>{ &p.flags }</td><td><code>{ hex(p.align) }</code></td></tr>
                    }) }</tbody>
                </table></div>
            </details>
            <details data-table="dynamic">
                <summary>{ format!("Dynamic section ({})", d.dynamic.len()) }</summary>
                if d.dynamic.is_empty() {
                    <p class="muted">{"No dynamic section."}</p>
                } else {
                    <div class="scroll"><table class="grid">
                        <thead><tr><th>{"Tag"}</th><th>{"Value"}</th><th>{"Meaning"}</th></tr></thead>
                        <tbody>{ for d.dynamic.iter().map(|e| html! {
                            <tr><td>{ &e.tag }</td><td><code>{ hex(e.value) }</code></td><td>{ e.text.clone().unwrap_or_default() }</td></tr>
                        }) }</tbody>
                    </table></div>
                }
            </details>
            <details data-table="sections">
                <summary>{ format!("Section headers ({})", d.sections.len()) }</summary>
                if d.sections.is_empty() {
                    <p class="muted">{"No section table (or it could not be read)."}</p>
                } else {
                    <div class="scroll"><table class="grid">
                        <thead><tr><th>{"Name"}</th><th>{"Type"}</th><th>{"Address"}</th><th>{"Offset"}</th><th>{"Size"}</th><th>{"Flags"}</th></tr></thead>
                        <tbody>{ for d.sections.iter().map(|s| html! {
                            <tr><td><code>{ &s.name }</code></td><td>{ &s.kind }</td><td><code>{ hex(s.addr) }</code></td><td><code>{ hex(s.offset) }</code></td><td><code>{ hex(s.size) }</code></td><td>{ &s.flags }</td></tr>
                        }) }</tbody>
                    </table></div>
                }
            </details>
            <details data-table="symbol-versions">
                <summary>{ format!("Symbol versions needed ({})", b.versions.requirements.len()) }</summary>
                if b.versions.requirements.is_empty() {
                    <p class="muted">{"No version requirements."}</p>
                } else {
                    <div class="scroll"><table class="grid">
                        <thead><tr><th>{"Library"}</th><th>{"Versions"}</th></tr></thead>
                        <tbody>{ for b.versions.requirements.iter().map(|v| html! {
                            <tr><td><code>{ &v.file }</code></td><td>{ v.versions.join(", ") }</td></tr>
                        }) }</tbody>
                    </table></div>
                }
            </details>
            <details data-table="notes">
                <summary>{ format!("Notes ({})", d.notes.len()) }</summary>
                <div class="scroll"><table class="grid">
                    <thead><tr><th>{"Owner"}</th><th>{"Type"}</th><th>{"Size"}</th></tr></thead>
                    <tbody>{ for d.notes.iter().map(|n| html! {
                        <tr><td>{ &n.owner }</td><td>{ &n.kind }</td><td>{ n.size }</td></tr>
                    }) }</tbody>
                </table></div>
            </details>
        </section>
    }
}

/// One row of the side-by-side table: label and the two values; rows that differ are marked.
fn cmp_row(label: &'static str, a: String, b: String) -> Html {
    let changed = a != b;
    html! {
        <tr class={classes!(changed.then_some("changed"))} data-compare={label} data-changed={changed.to_string()}>
            <th scope="row">{ label }</th><td>{ a }</td><td>{ b }</td>
        </tr>
    }
}

fn facts_for_compare(r: &FileReport) -> Vec<(&'static str, String)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_has_a_banner() {
        for v in [
            Verdict::Static,
            Verdict::StaticPie,
            Verdict::DynamicExecutable,
            Verdict::DynamicPie,
            Verdict::InterpreterWithoutNeeded,
            Verdict::SharedLibrary,
            Verdict::RunnableSharedLibrary,
            Verdict::Relocatable,
            Verdict::Core,
            Verdict::Ambiguous,
        ] {
            let (_, _, headline) = category(v);
            assert!(!headline.is_empty());
        }
        assert_eq!(category(Verdict::StaticPie).2, "Static PIE");
        assert_eq!(
            category(Verdict::InterpreterWithoutNeeded).2,
            "Needs a loader"
        );
    }
}
