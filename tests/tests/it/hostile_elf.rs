//! Files crafted to attack the inspector (`static_build_tests::crafted`), inspected by the real inspector:
//! each in under a second (a regression guard with a wide margin: they take milliseconds now, and took from
//! seconds to minutes before), with a report of bounded size, and with the facts still right.
//!
//! Each file is read as a byte slice, through core's `ArenaReader` (the CLI's reader: blocks and pieces kept in
//! an arena until the file is done) and through `object::ReadCache` (the web page's: every distinct read is
//! kept until the end).

use std::time::{Duration, Instant};

use static_build_core::limits::{
    MAX_BUILD_INFO_ENTRIES, MAX_DETAIL_ROWS, MAX_FILE_STRINGS, MAX_NOTES, MAX_RWX_LISTED,
    STRING_PLACEHOLDER,
};
use static_build_core::render::{self, MarkdownOptions, TextOptions};
use static_build_core::{
    inspect, inspect_with, Binary, InspectOptions, LibcFamily, Policy, Report, Verdict,
};
use static_build_tests::crafted::{self, Crafted};

/// Time allowed for one inspection.
const TIME: Duration = Duration::from_secs(1);

/// Largest rendering allowed for one file: what the budget of strings lets through (a kept string escapes
/// into at most six bytes per byte; the policy's findings repeat the NEEDED list once more), plus room for
/// the tables (a dynamic entry or a section header takes up to ~200 bytes of JSON).
const MAX_RENDERED: usize = 8 * MAX_FILE_STRINGS + (8 << 20);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < TIME, "{what} took {took:?} (limit {TIME:?})");
    out
}

/// Inspect `c` every way the front ends do, each within the time limit, and render every format within the
/// size limit; returns the detailed facts.
fn inspect_all_ways(c: &Crafted) -> Binary {
    let slice = timed(&format!("{}: inspect (slice)", c.name), || {
        inspect(&c.bytes[..])
    })
    .unwrap_or_else(|e| panic!("{}: {e}", c.name));
    let facts_only = timed(&format!("{}: inspect without detail", c.name), || {
        inspect_with(&c.bytes[..], InspectOptions { detail: false })
    })
    .unwrap_or_else(|e| panic!("{}: {e}", c.name));
    let cache = object::ReadCache::new(std::io::Cursor::new(&c.bytes[..]));
    let lazy = timed(&format!("{}: inspect (ReadCache)", c.name), || {
        inspect(&cache)
    })
    .unwrap_or_else(|e| panic!("{}: {e}", c.name));
    assert_eq!(lazy, slice, "{}: lazily read, the facts differ", c.name);
    let arena = static_build_core::blocks::Arena::new();
    let blocks = static_build_core::blocks::ArenaReader::new(
        static_build_core::blocks::MemorySource(&c.bytes[..]),
        &arena,
    );
    let arena_read = timed(&format!("{}: inspect (ArenaReader)", c.name), || {
        inspect(&blocks)
    })
    .unwrap_or_else(|e| panic!("{}: {e}", c.name));
    assert_eq!(
        arena_read, slice,
        "{}: read in blocks, the facts differ",
        c.name
    );
    // Without the detail view, the facts are the same (the view's copies are paid for last).
    assert_eq!(facts_only.linkage, slice.linkage, "{}", c.name);
    assert_eq!(facts_only.dynamic, slice.dynamic, "{}", c.name);
    assert_eq!(facts_only.toolchain, slice.toolchain, "{}", c.name);

    let mut report = Report::new("test", Policy::default());
    report.add(c.name.into(), c.bytes.len() as u64, Ok(slice.clone()));
    let renderings = [
        (
            "text",
            timed("text", || {
                render::text(
                    &report,
                    &TextOptions {
                        detail: false,
                        color: false,
                        verbose: false,
                    },
                )
            }),
        ),
        (
            "text --detail --verbose",
            timed("text --detail --verbose", || {
                render::text(
                    &report,
                    &TextOptions {
                        detail: true,
                        color: true,
                        verbose: true,
                    },
                )
            }),
        ),
        ("json", timed("json", || render::json(&report))),
        (
            "markdown",
            timed("markdown", || {
                render::markdown(&report, &MarkdownOptions::default())
            }),
        ),
        ("sarif", timed("sarif", || render::sarif(&report))),
    ];
    for (format, out) in renderings {
        assert!(
            out.len() < MAX_RENDERED,
            "{}: the {format} report is {} bytes (limit {MAX_RENDERED})",
            c.name,
            out.len()
        );
    }
    slice
}

fn crafted(name: &str) -> Crafted {
    crafted::all()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no crafted file {name}"))
}

fn has_problem(b: &Binary, what: &str, message_part: &str) -> bool {
    b.problems
        .iter()
        .any(|p| p.what == what && p.message.contains(message_part))
}

#[test]
fn every_crafted_file_is_quick_and_small() {
    let all = crafted::all();
    assert!(all.len() >= 12);
    for c in &all {
        inspect_all_ways(c);
    }
}

#[test]
fn needed_bomb_lists_the_one_library_once() {
    let b = inspect_all_ways(&crafted("needed-bomb"));
    assert_eq!(b.linkage.verdict, Verdict::DynamicExecutable);
    assert_eq!(b.dynamic.needed, vec![crafted::needed_bomb_name()]);
    assert_eq!(b.dynamic.interpreter.as_deref(), Some(crafted::INTERPRETER));
    assert!(
        has_problem(&b, "NEEDED entries", "65532 entries repeat an earlier name"),
        "{:?}",
        b.problems
    );
    // Every entry is still in the detail view; the copies past the budget are placeholders.
    assert_eq!(b.detail.dynamic.len(), 65_535);
    let texts: Vec<&str> = b
        .detail
        .dynamic
        .iter()
        .filter(|e| e.tag == "NEEDED")
        .filter_map(|e| e.text.as_deref())
        .collect();
    assert_eq!(texts.len(), 65_533);
    assert_eq!(texts[0], crafted::needed_bomb_name());
    assert_eq!(texts.last().copied(), Some(STRING_PLACEHOLDER));
    assert!(has_problem(&b, "strings", "were not kept"));
}

#[test]
fn needed_bomb_reports_are_small() {
    let b = inspect(&crafted("needed-bomb").bytes[..]).expect("report");
    let mut report = Report::new("test", Policy::default());
    report.add("needed-bomb".into(), 0, Ok(b));
    // The CLI's default: text without the raw tables. One NEEDED line of 4 KB, not 65,533 of them.
    let text = render::text(&report, &TextOptions::default());
    assert!(text.len() < 64 << 10, "{} bytes", text.len());
    // JSON keeps the raw tables: all 65,535 dynamic entries (~130 bytes of JSON each), whose texts stop at
    // the budget.
    let json = render::json(&report);
    assert!(
        json.len() < MAX_FILE_STRINGS + 65_535 * 160,
        "{} bytes",
        json.len()
    );
}

#[test]
fn distinct_needed_names_stop_at_the_budget() {
    let b = inspect_all_ways(&crafted("distinct-needed-bomb"));
    assert_eq!(b.linkage.verdict, Verdict::DynamicExecutable);
    // Kept names fit in the budget; the rest collapse into one placeholder.
    let kept: usize = b.dynamic.needed.iter().map(String::len).sum();
    assert!(kept <= MAX_FILE_STRINGS, "{kept} bytes of NEEDED kept");
    assert!(b.dynamic.needed.len() > 100, "{}", b.dynamic.needed.len());
    assert_eq!(
        b.dynamic
            .needed
            .iter()
            .filter(|n| *n == STRING_PLACEHOLDER)
            .count(),
        1
    );
    assert!(has_problem(&b, "strings", "were not kept"));
}

#[test]
fn verneed_bomb_keeps_what_fits() {
    let b = inspect_all_ways(&crafted("verneed-bomb"));
    assert_eq!(b.dynamic.needed, vec!["libc.so.6".to_string()]);
    let reqs = &b.versions.requirements;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].file, "libc.so.6");
    let kept: usize = reqs[0].versions.iter().map(String::len).sum();
    assert!(kept <= MAX_FILE_STRINGS);
    assert!(reqs[0].versions.len() > 100);
    assert!(has_problem(&b, "strings", "were not kept"));
}

#[test]
fn note_segments_are_read_once_in_all() {
    let b = inspect_all_ways(&crafted("note-segments"));
    assert_eq!(b.linkage.verdict, Verdict::Static);
    assert_eq!(b.detail.notes.len(), MAX_NOTES);
    assert!(b.detail.notes.iter().all(|n| n.owner == "GNU"));
}

#[test]
fn comment_strings_are_each_listed_once() {
    let b = inspect_all_ways(&crafted("comment-bomb"));
    assert_eq!(b.toolchain.comments.len(), 16_384);
    assert_eq!(b.toolchain.comments[0], "aaa");
}

#[test]
fn section_name_bomb_keeps_every_header_and_what_fits_of_the_names() {
    let b = inspect_all_ways(&crafted("section-name-bomb"));
    let sections = &b.detail.sections;
    assert_eq!(sections.len(), 32_770);
    let long = "s".repeat(4_095);
    assert_eq!(sections[1].name, long);
    assert_eq!(
        sections.last().map(|s| s.name.as_str()),
        Some(STRING_PLACEHOLDER)
    );
    // As many copies as the budget holds.
    let kept = sections.iter().filter(|s| s.name == long).count();
    let fit = MAX_FILE_STRINGS / 4_095;
    assert!(
        kept <= fit && kept + 2 >= fit,
        "{kept} names kept, {fit} fit"
    );
    assert!(has_problem(&b, "strings", "were not kept"));
}

#[test]
fn symbol_table_walked_once() {
    let b = inspect_all_ways(&crafted("symbol-tables"));
    assert_eq!(b.linkage.verdict, Verdict::Static);
    // The marker defined in the table is found (musl's start-up code).
    assert_eq!(b.libc.family, LibcFamily::Musl, "{:?}", b.libc);
}

#[test]
fn symbol_names_without_nul_are_looked_at_in_a_window() {
    let b = inspect_all_ways(&crafted("symbol-names-without-nul"));
    assert_eq!(b.linkage.verdict, Verdict::Static);
    assert_eq!(b.libc.family, LibcFamily::Musl, "{:?}", b.libc);
    assert_eq!(b.toolchain.stripped, Some(false));
}

#[test]
fn go_build_info_lists_a_bounded_number_of_modules() {
    let b = inspect_all_ways(&crafted("go-modinfo-bomb"));
    let go = b.toolchain.go.as_ref().expect("Go build info");
    assert_eq!(go.go_version, "go1.22.0");
    assert_eq!(go.deps.len(), MAX_BUILD_INFO_ENTRIES);
    assert!(has_problem(
        &b,
        "Go build info",
        &format!("{} dependencies", 300_000 - MAX_BUILD_INFO_ENTRIES)
    ));
}

#[test]
fn endless_gnu_hash_chain_is_followed_in_chunks() {
    let b = inspect_all_ways(&crafted("gnu-hash-chain"));
    assert_eq!(b.linkage.verdict, Verdict::DynamicExecutable);
    assert_eq!(b.dynamic.needed, vec!["libc.so.6".to_string()]);
}

#[test]
fn detail_tables_list_a_bounded_number_of_rows() {
    let b = inspect_all_ways(&crafted("section-headers"));
    assert_eq!(b.detail.sections.len(), MAX_DETAIL_ROWS);
    assert!(has_problem(
        &b,
        "section headers",
        &format!(
            "{} of {} are not listed",
            (1 << 18) - MAX_DETAIL_ROWS,
            1 << 18
        )
    ));
}

#[test]
fn rwx_segments_are_named_up_to_a_bound_and_counted() {
    let b = inspect_all_ways(&crafted("rwx-segments"));
    let rwx = &b.hardening.rwx_segments;
    assert_eq!(rwx.len(), MAX_RWX_LISTED + 1);
    assert_eq!(rwx[0], "segment 1 at 0x0");
    assert_eq!(
        rwx.last().map(String::as_str),
        Some(format!("{} more", (1 << 18) - 1 - MAX_RWX_LISTED).as_str())
    );
    assert_eq!(b.detail.program_headers.len(), MAX_DETAIL_ROWS);
}
