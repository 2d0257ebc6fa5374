//! The worker's reader and inspector in a real browser: headless Chromium, inside a dedicated worker
//! (`FileReaderSync` exists only in workers). Run with `web/test.sh` (or see it for the cargo command).
//! Every `File` is built here from bytes in the test, so nothing depends on files outside the repository.
#![cfg(target_arch = "wasm32")]

use std::io::{Read, Seek, SeekFrom};

use static_build_core::blocks::{BlockReader, RangeSource, BLOCK};
use static_build_core::{inspect, FileReport, Outcome, Policy, Verdict};
use static_build_web::protocol::{Request, Response};
use static_build_web::worker::{inspect_file, worker_inspect, SliceSource};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, File};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// A browser `File` holding `bytes`.
fn file_from(bytes: &[u8], name: &str) -> File {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    File::new_with_u8_array_sequence(&parts, name).expect("File from bytes")
}

/// A browser `File` made of these parts (Blobs are referenced, not copied).
fn file_from_blobs(parts: &[Blob], name: &str) -> File {
    let array = js_sys::Array::new();
    for part in parts {
        array.push(part);
    }
    File::new_with_blob_sequence(&array, name).expect("File from Blobs")
}

/// Bytes that differ from their neighbours and do not repeat within 64 KiB, so a read at the wrong
/// offset shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 8)) as u8)
        .collect()
}

/// The smallest static program: a 64-bit x86-64 ELF executable with one PT_LOAD (R+X, the whole
/// 128-byte file at 0x400000) whose code is `exit(0)`. `static-build inspect` calls it "static" and
/// passes it under the default policy.
fn tiny_static_elf() -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"); // 64-bit, LSB, version 1, SYSV
    v.extend_from_slice(&2u16.to_le_bytes()); // e_type ET_EXEC
    v.extend_from_slice(&62u16.to_le_bytes()); // e_machine EM_X86_64
    v.extend_from_slice(&1u32.to_le_bytes()); // e_version
    v.extend_from_slice(&0x40_0078u64.to_le_bytes()); // e_entry
    v.extend_from_slice(&64u64.to_le_bytes()); // e_phoff
    v.extend_from_slice(&0u64.to_le_bytes()); // e_shoff: no section table
    v.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    v.extend_from_slice(&64u16.to_le_bytes()); // e_ehsize
    v.extend_from_slice(&56u16.to_le_bytes()); // e_phentsize
    v.extend_from_slice(&1u16.to_le_bytes()); // e_phnum
    v.extend_from_slice(&64u16.to_le_bytes()); // e_shentsize
    v.extend_from_slice(&0u16.to_le_bytes()); // e_shnum
    v.extend_from_slice(&0u16.to_le_bytes()); // e_shstrndx
    v.extend_from_slice(&1u32.to_le_bytes()); // p_type PT_LOAD
    v.extend_from_slice(&5u32.to_le_bytes()); // p_flags R+X
    v.extend_from_slice(&0u64.to_le_bytes()); // p_offset
    v.extend_from_slice(&0x40_0000u64.to_le_bytes()); // p_vaddr
    v.extend_from_slice(&0x40_0000u64.to_le_bytes()); // p_paddr
    v.extend_from_slice(&0x80u64.to_le_bytes()); // p_filesz
    v.extend_from_slice(&0x80u64.to_le_bytes()); // p_memsz
    v.extend_from_slice(&0x1000u64.to_le_bytes()); // p_align
    v.extend_from_slice(&[0xb8, 60, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05]); // mov eax,60; xor edi,edi; syscall
    v.resize(0x80, 0);
    v
}

fn request(id: u32, name: &str) -> Request {
    Request {
        id,
        name: name.into(),
        read_delay_ms: 0,
    }
}

/// The `Done` answer's parts; any other answer fails the test.
fn done(response: Response, id: u32) -> (FileReport, u64) {
    match response {
        Response::Done {
            id: got,
            entry,
            bytes_read,
            millis,
        } => {
            assert_eq!(got, id, "the answer carries the request's id");
            assert!(millis.is_finite() && millis >= 0.0, "millis = {millis}");
            (*entry, bytes_read)
        }
        other => panic!("expected Done, got {other:?}"),
    }
}

fn verdict(entry: &FileReport) -> Verdict {
    match &entry.outcome {
        Outcome::Elf { binary } => binary.linkage.verdict,
        other => panic!("expected an ELF entry, got {other:?}"),
    }
}

#[wasm_bindgen_test]
fn slice_source_reads_the_right_bytes_across_block_boundaries() {
    let block = BLOCK as usize;
    let data = pattern(3 * block + 123);
    let mut source = SliceSource::new(file_from(&data, "pattern.bin"), 0).expect("in a worker");
    assert_eq!(source.len(), data.len() as u64);

    // (offset, length): inside the first block, straddling each boundary, a whole block that starts
    // mid-block, the very end, and an empty read at the end.
    let cases = [
        (0, 16),
        (block - 5, 10),
        (block - 1, 2),
        (block, block),
        (block / 2, block),
        (2 * block - 3, block + 6),
        (3 * block - 1, 124),
        (data.len() - 7, 7),
        (data.len(), 0),
    ];
    for (offset, len) in cases {
        let mut buf = vec![0xAAu8; len];
        source
            .read_at(offset as u64, &mut buf)
            .unwrap_or_else(|e| panic!("read_at({offset}, {len}): {e}"));
        assert_eq!(
            buf,
            data[offset..offset + len],
            "bytes at {offset}..{}",
            offset + len
        );
    }
    assert_eq!(
        source.reads,
        cases.len() as u32,
        "one File.slice per read_at"
    );

    // The same through core's block cache: a 10-byte read across the first boundary loads two whole
    // blocks; reading inside them again costs nothing.
    let mut reader = BlockReader::new(source);
    let mut buf = [0u8; 10];
    reader
        .seek(SeekFrom::Start(BLOCK - 5))
        .expect("seek before the boundary");
    reader.read_exact(&mut buf).expect("read across blocks 0|1");
    assert_eq!(buf[..], data[block - 5..block + 5]);
    assert_eq!(reader.bytes_read(), 2 * BLOCK);
    reader.seek(SeekFrom::Start(100)).expect("seek back");
    reader.read_exact(&mut buf).expect("read inside block 0");
    assert_eq!(buf[..], data[100..110]);
    assert_eq!(
        reader.bytes_read(),
        2 * BLOCK,
        "block 0 came from the cache"
    );
    // The last, short block: only its 123 bytes are read.
    let mut tail = Vec::new();
    reader
        .seek(SeekFrom::Start(3 * BLOCK))
        .expect("seek to the last block");
    reader.read_to_end(&mut tail).expect("read the tail");
    assert_eq!(tail, data[3 * block..]);
    assert_eq!(reader.bytes_read(), 2 * BLOCK + 123);
}

#[wasm_bindgen_test]
fn slice_source_read_past_the_end_is_an_error() {
    let data = pattern(1000);
    let mut source = SliceSource::new(file_from(&data, "short.bin"), 0).expect("in a worker");
    let mut buf = [0u8; 8];
    let straddling = source.read_at(996, &mut buf);
    assert!(
        straddling.as_ref().is_err_and(|e| e.contains("short read")),
        "{straddling:?}"
    );
    let beyond = source.read_at(5000, &mut buf);
    assert!(beyond.is_err(), "{beyond:?}");
    // An end offset that does not fit in a u64: an error, not an arithmetic overflow.
    let overflowing = source.read_at(u64::MAX - 2, &mut buf);
    assert!(overflowing.is_err(), "{overflowing:?}");
    // The source is still usable after the errors.
    source.read_at(992, &mut buf).expect("the last 8 bytes");
    assert_eq!(buf[..], data[992..]);
}

#[wasm_bindgen_test]
fn inspect_file_on_a_static_elf_matches_core() {
    let bytes = tiny_static_elf();
    let (entry, bytes_read) = done(
        inspect_file(&request(5, "bin/tiny"), file_from(&bytes, "tiny")),
        5,
    );
    let expected = FileReport::new(
        "bin/tiny".into(),
        bytes.len() as u64,
        inspect(&bytes[..]),
        &Policy::default(),
    );
    assert_eq!(entry, expected);
    assert_eq!(verdict(&entry), Verdict::Static);
    assert!(entry.findings.is_empty(), "{:?}", entry.findings);
    assert!(
        bytes_read > 0 && bytes_read <= bytes.len() as u64,
        "bytes_read = {bytes_read}"
    );
}

#[wasm_bindgen_test]
fn inspect_file_skips_a_file_that_is_not_elf() {
    let bytes = b"#!/bin/sh\necho hello\n";
    let (entry, _) = done(
        inspect_file(&request(6, "hello.sh"), file_from(bytes, "hello.sh")),
        6,
    );
    assert!(
        matches!(entry.outcome, Outcome::Skipped { .. }),
        "{:?}",
        entry.outcome
    );
    assert_eq!(
        entry,
        FileReport::new(
            "hello.sh".into(),
            bytes.len() as u64,
            inspect(&bytes[..]),
            &Policy::default()
        )
    );
}

#[wasm_bindgen_test]
fn inspect_file_reports_a_truncated_elf_as_an_error_entry() {
    // The ELF header promises program headers at offset 64; the file ends at 40.
    let bytes = &tiny_static_elf()[..40];
    let (entry, _) = done(
        inspect_file(&request(7, "truncated"), file_from(bytes, "truncated")),
        7,
    );
    assert!(
        matches!(entry.outcome, Outcome::Error { .. }),
        "{:?}",
        entry.outcome
    );
    assert_eq!(
        entry,
        FileReport::new("truncated".into(), 40, inspect(bytes), &Policy::default())
    );
}

#[wasm_bindgen_test]
fn inspect_file_reads_little_of_a_200_mib_file() {
    const MIB: usize = 1024 * 1024;
    const ZERO_MIBS: usize = 200;
    let elf = tiny_static_elf();
    // One 1 MiB Blob of zeros referenced 200 times: the browser does not copy it.
    let zeros = js_sys::Array::of1(&js_sys::Uint8Array::new_with_length(MIB as u32));
    let zero_mib = Blob::new_with_u8_array_sequence(&zeros).expect("1 MiB Blob");
    let elf_blob =
        Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&js_sys::Uint8Array::from(&elf[..])))
            .expect("ELF Blob");
    let mut parts = vec![elf_blob];
    parts.extend(std::iter::repeat_n(zero_mib, ZERO_MIBS));
    let file = file_from_blobs(&parts, "big");
    let size = (elf.len() + ZERO_MIBS * MIB) as u64;
    assert_eq!(file.size(), size as f64);

    let (entry, bytes_read) = done(inspect_file(&request(8, "big"), file), 8);
    console_log!("200 MiB file: {bytes_read} of {size} bytes read");
    assert_eq!(entry.size, size);
    assert_eq!(verdict(&entry), Verdict::Static);
    match &entry.outcome {
        Outcome::Elf { binary } => assert_eq!(binary.format.file_size, size),
        other => panic!("{other:?}"),
    }
    assert!(
        bytes_read > 0 && bytes_read < MIB as u64,
        "bytes_read = {bytes_read} of {size}"
    );
}

#[wasm_bindgen_test]
fn worker_inspect_answers_a_malformed_request_with_failed() {
    let file = file_from(&tiny_static_elf(), "tiny");
    let answer = worker_inspect("{not json", file);
    let parsed: Response = serde_json::from_str(&answer).expect("the answer is JSON");
    match parsed {
        Response::Failed { id, error } => {
            assert_eq!(id, 0);
            assert!(error.contains("bad request"), "{error}");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    let value: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
    assert_eq!(value["kind"], "failed");
}

#[wasm_bindgen_test]
fn worker_inspect_answers_a_good_request_with_done_json() {
    let bytes = tiny_static_elf();
    let json = serde_json::to_string(&request(9, "x/tiny")).expect("request JSON");
    let answer = worker_inspect(&json, file_from(&bytes, "tiny"));
    let parsed: Response = serde_json::from_str(&answer).expect("the answer is JSON");
    let (entry, _) = done(parsed, 9);
    assert_eq!(entry.path, "x/tiny");
    assert_eq!(verdict(&entry), Verdict::Static);
}
