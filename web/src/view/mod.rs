//! How one entry, or two compared, look: banners, fact lists and the `objdump -x`-like tables. Every value
//! shown is a field of core's report model; nothing is decided here except colours and words.

use static_build_core::units::human_size;
use static_build_core::{
    diff_reports, Binary, Check, FileReport, Outcome, Policy, Report, Severity, Status, Verdict,
};
use yew::prelude::*;

use crate::state::{Entry, State};

mod compare;
mod detail;

pub use compare::compare;
pub use detail::entry_detail;

/// The verdict category a banner shows: words for people, from core's verdict.
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

pub(super) fn hex(v: u64) -> String {
    format!("{v:#x}")
}

pub(super) fn status_class(s: Status) -> &'static str {
    match s {
        Status::Yes => "yes",
        Status::No => "no",
        Status::NotApplicable => "na",
        Status::Unknown => "unknown",
    }
}

pub(super) fn status_word(s: Status) -> &'static str {
    match s {
        Status::Yes => "yes",
        Status::No => "no",
        Status::NotApplicable => "not applicable",
        Status::Unknown => "unknown",
    }
}

pub(super) fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "bad",
        Severity::Warning => "warn",
        Severity::Note => "info",
    }
}

/// A definition-list row; `fact` is the test hook (`data-fact`).
pub(super) fn row(fact: &'static str, label: &'static str, value: Html) -> Html {
    html! {
        <>
            <dt>{ label }</dt>
            <dd data-fact={fact}>{ value }</dd>
        </>
    }
}

pub(super) fn list_or_none(items: &[String]) -> Html {
    if items.is_empty() {
        html! { <span class="muted">{"none"}</span> }
    } else {
        html! { <ul class="plain">{ for items.iter().map(|s| html! { <li><code>{ s }</code></li> }) }</ul> }
    }
}

pub(super) fn opt_code(v: &Option<String>) -> Html {
    match v {
        Some(s) => html! { <code>{ s }</code> },
        None => html! { <span class="muted">{"none"}</span> },
    }
}

pub(super) fn check_row(name: &'static str, c: &Check) -> Html {
    html! {
        <tr data-check={name}>
            <th scope="row">{ name }</th>
            <td><span class={classes!("pill", status_class(c.status))}>{ status_word(c.status) }</span></td>
            <td class="why">{ &*c.reason }</td>
        </tr>
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
