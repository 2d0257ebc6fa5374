//! One entry in full: its banner, findings, facts and the `objdump -x`-like tables.

use super::*;

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

pub(super) fn banner(report: &FileReport, b: &Binary) -> Html {
    let v = b.linkage.verdict;
    let (cls, icon, headline) = category(v);
    html! {
        <div class={classes!("banner", cls)} data-testid="banner" data-verdict={v.id()}>
            <span class="icon" aria-hidden="true">{ icon }</span>
            <div>
                <h2 data-testid="verdict">{ headline }<span class="verdict-id">{ format!(" · {}", v.label()) }</span></h2>
                <p class="reason" data-testid="reason">{ &*b.linkage.reason }</p>
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

pub(super) fn findings(report: &FileReport) -> Html {
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

pub(super) fn linkage(b: &Binary) -> Html {
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

pub(super) fn hardening(b: &Binary) -> Html {
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
                        <td class="why">{ &*h.relro.reason }</td>
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

pub(super) fn toolchain(b: &Binary) -> Html {
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

pub(super) fn problems(b: &Binary) -> Html {
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

pub(super) fn tables(b: &Binary) -> Html {
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
                        <tr><td>{ &*p.kind }</td><td><code>{ hex(p.offset) }</code></td><td><code>{ hex(p.vaddr) }</code></td><td><code>{ hex(p.filesz) }</code></td><td><code>{ hex(p.memsz) }</code></td><td>{ &p.flags }</td><td><code>{ hex(p.align) }</code></td></tr>
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
                            <tr><td>{ &*e.tag }</td><td><code>{ hex(e.value) }</code></td><td>{ e.text.clone().unwrap_or_default() }</td></tr>
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
                            <tr><td><code>{ &s.name }</code></td><td>{ &*s.kind }</td><td><code>{ hex(s.addr) }</code></td><td><code>{ hex(s.offset) }</code></td><td><code>{ hex(s.size) }</code></td><td>{ &s.flags }</td></tr>
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
