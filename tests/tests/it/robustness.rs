//! Malformed input never panics, hangs or allocates in proportion to a count field: every fixture is
//! truncated at many offsets and mutated at many places (deterministically), and crafted headers with huge
//! counts are inspected within a memory and time budget.
//!
//! The coverage-guided version of this lives in `fuzz/`, run for a bounded time by `scripts/fuzz.sh`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use static_build_core::{inspect, InspectError};
use static_build_tests::{fixtures, manifest};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn must_not_panic(name: &str, what: &str, data: &[u8]) {
    let result = catch_unwind(AssertUnwindSafe(|| inspect(data)));
    assert!(result.is_ok(), "{name}: inspect panicked on {what}");
}

fn elf_fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = fixtures();
    manifest()
        .into_iter()
        .filter_map(|(name, _)| {
            let data = std::fs::read(dir.join(&name)).ok()?;
            data.starts_with(b"\x7fELF").then_some((name, data))
        })
        .collect()
}

/// Offsets where the structures that matter start or end: the headers, every program header, and the
/// start and end of every segment's file contents (read from the intact file).
fn interesting_offsets(data: &[u8]) -> Vec<usize> {
    let mut v: Vec<usize> = (0..=128.min(data.len())).collect();
    if let Ok(b) = inspect(data) {
        for s in &b.detail.program_headers {
            for o in [s.offset, s.offset + s.filesz] {
                for d in [0u64, 1, 7, 8] {
                    v.push(o.saturating_sub(d) as usize);
                }
            }
        }
        for s in &b.detail.sections {
            v.push(s.offset as usize);
            v.push((s.offset + s.size) as usize);
        }
    }
    v.retain(|&o| o <= data.len());
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
#[ignore = "needs the fixtures and the corpus: tests/fixtures/build.sh, tests/corpus/fetch.sh (scripts/test.sh runs them)"]
fn truncations_never_panic() {
    let mut total = 0;
    for (name, data) in elf_fixtures() {
        let mut offsets = interesting_offsets(&data);
        // Plus 200 evenly spaced cuts.
        offsets.extend((0..200).map(|i| data.len() * i / 200));
        for cut in offsets {
            must_not_panic(&name, &format!("truncation at {cut}"), &data[..cut]);
            total += 1;
        }
    }
    assert!(total > 2000, "only {total} truncations tried");
}

#[test]
#[ignore = "needs the fixtures and the corpus: tests/fixtures/build.sh, tests/corpus/fetch.sh (scripts/test.sh runs them)"]
fn truncated_headers_name_the_offset() {
    for (name, data) in elf_fixtures() {
        for cut in [20usize, 40, 60].into_iter().filter(|&c| c < data.len()) {
            match inspect(&data[..cut]) {
                Err(InspectError::Malformed { what, .. }) => assert!(!what.is_empty()),
                other => panic!("{name} cut at {cut}: expected malformed, got {other:?}"),
            }
        }
    }
}

#[test]
#[ignore = "needs the fixtures and the corpus: tests/fixtures/build.sh, tests/corpus/fetch.sh (scripts/test.sh runs them)"]
fn mutations_never_panic() {
    let mut rng = Rng(0x5eed_0000_0000_0001);
    let mut total = 0;
    for (name, data) in elf_fixtures() {
        let offsets = interesting_offsets(&data);
        let mut copy = data.clone();
        for round in 0..600 {
            copy.copy_from_slice(&data);
            // Mostly near structures (headers, tables), sometimes anywhere.
            let flips = 1 + rng.below(4);
            for _ in 0..flips {
                let at = if round % 3 == 0 {
                    rng.below(copy.len())
                } else {
                    let base = offsets[rng.below(offsets.len())];
                    (base + rng.below(64)).min(copy.len() - 1)
                };
                copy[at] = match rng.below(4) {
                    0 => 0xff,
                    1 => 0x00,
                    2 => copy[at] ^ (1 << rng.below(8)),
                    _ => rng.next() as u8,
                };
            }
            must_not_panic(&name, &format!("mutation round {round}"), &copy);
            total += 1;
        }
    }
    assert!(total > 10_000, "only {total} mutations tried");
}

fn elf64_header(phnum: u16, phoff: u64, shnum: u16, shoff: u64, shstrndx: u16) -> Vec<u8> {
    let mut h = vec![0u8; 64];
    h[..4].copy_from_slice(b"\x7fELF");
    h[4] = 2; // 64-bit
    h[5] = 1; // little endian
    h[6] = 1;
    h[16..18].copy_from_slice(&3u16.to_le_bytes()); // ET_DYN
    h[18..20].copy_from_slice(&62u16.to_le_bytes());
    h[20..24].copy_from_slice(&1u32.to_le_bytes());
    h[32..40].copy_from_slice(&phoff.to_le_bytes());
    h[40..48].copy_from_slice(&shoff.to_le_bytes());
    h[52..54].copy_from_slice(&64u16.to_le_bytes());
    h[54..56].copy_from_slice(&56u16.to_le_bytes());
    h[56..58].copy_from_slice(&phnum.to_le_bytes());
    h[58..60].copy_from_slice(&64u16.to_le_bytes());
    h[60..62].copy_from_slice(&shnum.to_le_bytes());
    h[62..64].copy_from_slice(&shstrndx.to_le_bytes());
    h
}

#[test]
fn huge_counts_do_not_allocate() {
    // 65535 program headers claimed in a 64-byte file: an error naming the table, not a 3.6 MB read.
    let h = elf64_header(0xfffe, 64, 0, 0, 0);
    match inspect(&h[..]) {
        Err(InspectError::Malformed { what, offset, .. }) => {
            assert_eq!(what, "program header table");
            assert_eq!(offset, 64);
        }
        other => panic!("expected malformed, got {other:?}"),
    }
    // Extended section numbering (e_shnum = 0, count in section 0's sh_size) claiming 2^60 sections.
    let mut f = elf64_header(0, 0, 0, 64, 0);
    let mut s0 = vec![0u8; 64];
    s0[32..40].copy_from_slice(&(1u64 << 60).to_le_bytes());
    f.extend_from_slice(&s0);
    let b = inspect(&f[..]).expect("header alone still gives a report");
    assert!(
        !b.problems.is_empty(),
        "the impossible section table is reported"
    );
    // A PT_DYNAMIC segment claiming a petabyte of entries.
    let mut f = elf64_header(1, 64, 0, 0, 0);
    let mut ph = vec![0u8; 56];
    ph[..4].copy_from_slice(&2u32.to_le_bytes()); // PT_DYNAMIC
    ph[8..16].copy_from_slice(&120u64.to_le_bytes());
    ph[32..40].copy_from_slice(&(1u64 << 50).to_le_bytes());
    f.extend_from_slice(&ph);
    let b = inspect(&f[..]).expect("report");
    assert!(!b.problems.is_empty());
}

#[test]
#[ignore = "needs the fixtures and the corpus: tests/fixtures/build.sh, tests/corpus/fetch.sh (scripts/test.sh runs them)"]
fn verneed_loops_terminate() {
    // A version-need chain whose `next` points back to itself must end (the record limit bounds it).
    let dir = fixtures();
    let data = std::fs::read(dir.join("dynamic-pie")).expect("fixture");
    let b = inspect(&data[..]).expect("report");
    assert!(!b.versions.requirements.is_empty());
    // Find the .gnu.version_r section and make the first record's vn_next point at itself.
    let s = b
        .detail
        .sections
        .iter()
        .find(|s| s.name == ".gnu.version_r")
        .expect(".gnu.version_r");
    let mut copy = data.clone();
    let at = s.offset as usize + 12;
    copy[at..at + 4].copy_from_slice(&0u32.to_le_bytes());
    // vn_next = 0 ends the chain; now make aux point to itself with vna_next = 0 replaced by a loop.
    let aux_off = s.offset as usize
        + u32::from_le_bytes(
            copy[s.offset as usize + 8..s.offset as usize + 12]
                .try_into()
                .unwrap(),
        ) as usize;
    copy[aux_off + 12..aux_off + 16].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    // Returning at all is the assertion: the walk is bounded by a record limit, not by the data.
    must_not_panic("dynamic-pie", "self-referencing verneed", &copy);
}
