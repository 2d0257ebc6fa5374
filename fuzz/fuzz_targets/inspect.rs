//! Fuzz the inspector and everything downstream of it (policy, renderers) with arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use static_build_core::{inspect, render, Policy, Report};

fuzz_target!(|data: &[u8]| {
    let result = inspect(data);
    let mut report = Report::new("fuzz", Policy::default());
    report.add("input".into(), data.len() as u64, result);
    let _ = render::text(&report, &render::TextOptions { detail: true, color: false, verbose: true });
    let _ = render::sarif(&report);
    let _ = render::markdown(&report, &render::MarkdownOptions::default());
});
