//! Fuzz the inspector and everything downstream of it (policy, renderers) with arbitrary bytes.
//!
//! Besides "no panic" (and, under `scripts/fuzz.sh`, no slow input and no memory bomb), it checks what
//! must hold for any file: the facts do not depend on how the file is read (a byte slice, core's
//! `ArenaReader` as the CLI reads files, or `object::ReadCache` as the web page does) nor on whether the raw
//! tables are wanted, and
//! the JSON report reads back as the same report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use static_build_core::render::{self, MarkdownOptions, TextOptions};
use static_build_core::{inspect, inspect_with, InspectOptions, Policy, Report};

fuzz_target!(|data: &[u8]| {
    let detailed = inspect(data);
    let cache = object::ReadCache::new(std::io::Cursor::new(data));
    assert_eq!(
        inspect(&cache),
        detailed,
        "read lazily, the file gives other facts"
    );
    let arena = static_build_core::blocks::Arena::new();
    let blocks = static_build_core::blocks::ArenaReader::new(
        static_build_core::blocks::MemorySource(data),
        &arena,
    );
    assert_eq!(
        inspect(&blocks),
        detailed,
        "read in blocks, the file gives other facts"
    );
    let facts = inspect_with(data, InspectOptions { detail: false });
    match (&detailed, &facts) {
        (Ok(d), Ok(f)) => {
            assert_eq!(d.linkage, f.linkage);
            assert_eq!(d.dynamic, f.dynamic);
            assert_eq!(d.libc, f.libc);
            assert_eq!(d.versions, f.versions);
            assert_eq!(d.hardening, f.hardening);
            assert_eq!(d.toolchain, f.toolchain);
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("whether the file can be read depends on the detail view"),
    }
    for result in [detailed, facts] {
        let mut report = Report::new("fuzz", Policy::default());
        report.add("input".into(), data.len() as u64, result);
        for opts in [
            TextOptions::default(),
            TextOptions {
                detail: true,
                color: true,
                verbose: true,
            },
        ] {
            let _ = render::text(&report, &opts);
        }
        let json = render::json(&report);
        let back: Report = serde_json::from_str(&json).expect("the JSON report reads back");
        assert_eq!(back, report, "the JSON report reads back as another report");
        let _ = render::sarif(&report);
        let _ = render::markdown(&report, &MarkdownOptions::default());
    }
});
