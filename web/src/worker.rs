//! The Web Worker's side: inspect one `File` by reading only the slices the inspector asks for.
//!
//! `File.slice(a, b)` read with `FileReaderSync` (synchronous, allowed in workers only) is the
//! [`RangeSource`] under core's [`BlockReader`]; `object::ReadCache` sits on top, as in the CLI. A 4 GB
//! file costs what a small one does: the headers, the dynamic section and the few sections the facts need.

use object::ReadCache;
use static_build_core::blocks::{BlockReader, RangeSource};
use static_build_core::{inspect_with, FileReport, InspectOptions, Policy};
use wasm_bindgen::prelude::*;
use web_sys::{File, FileReaderSync};

use crate::protocol::{Request, Response};

/// A browser `File` as a range source.
pub struct SliceSource {
    file: File,
    reader: FileReaderSync,
    len: u64,
    /// Testing aid: milliseconds to wait before each read.
    delay_ms: u32,
    /// Number of reads made (for tests).
    pub reads: u32,
}

impl SliceSource {
    /// Fails outside a worker (no `FileReaderSync` on the main thread).
    pub fn new(file: File, delay_ms: u32) -> Result<Self, String> {
        let reader = FileReaderSync::new().map_err(|e| js_message(&e))?;
        let size = file.size();
        let len = if size.is_finite() && size >= 0.0 {
            size as u64
        } else {
            0
        };
        Ok(SliceSource {
            file,
            reader,
            len,
            delay_ms,
            reads: 0,
        })
    }
}

impl RangeSource for SliceSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        if self.delay_ms > 0 {
            busy_wait(self.delay_ms);
        }
        self.reads += 1;
        let end = offset
            .checked_add(buf.len() as u64)
            .ok_or_else(|| format!("read of {} bytes at {offset} is out of range", buf.len()))?;
        let blob = self
            .file
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(|e| js_message(&e))?;
        let data = self
            .reader
            .read_as_array_buffer(&blob)
            .map_err(|e| format!("cannot read the file: {}", js_message(&e)))?;
        let bytes = js_sys::Uint8Array::new(&data);
        if bytes.length() as usize != buf.len() {
            return Err(format!(
                "short read at offset {offset}: {} of {} bytes (was the file changed or removed?)",
                bytes.length(),
                buf.len()
            ));
        }
        bytes.copy_to(buf);
        Ok(())
    }
}

/// Wait in the worker (it has nothing else to do; `Atomics.wait` needs a cross-origin-isolated page).
fn busy_wait(ms: u32) {
    let until = js_sys::Date::now() + f64::from(ms);
    while js_sys::Date::now() < until {}
}

/// A JavaScript exception as text.
pub fn js_message(v: &JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    v.as_string().unwrap_or_else(|| format!("{v:?}"))
}

/// Inspect one file; the answer as JSON. Called by `worker.js` for each message.
#[wasm_bindgen]
pub fn worker_inspect(request: &str, file: File) -> String {
    let request: Request = match serde_json::from_str(request) {
        Ok(r) => r,
        Err(e) => {
            return Response::Failed {
                id: 0,
                error: format!("bad request from the page: {e}"),
            }
            .to_json()
        }
    };
    inspect_file(&request, file).to_json()
}

/// Inspect `file` for `request` (the worker's whole job, callable from tests).
pub fn inspect_file(request: &Request, file: File) -> Response {
    let started = js_sys::Date::now();
    let source = match SliceSource::new(file, request.read_delay_ms) {
        Ok(s) => s,
        Err(error) => {
            return Response::Failed {
                id: request.id,
                error,
            }
        }
    };
    let size = source.len();
    let cache = ReadCache::new(BlockReader::new(source));
    let result = inspect_with(&cache, InspectOptions { detail: true });
    let bytes_read = cache.into_inner().bytes_read();
    let entry = FileReport::new(request.name.clone(), size, result, &Policy::default());
    Response::Done {
        id: request.id,
        entry: Box::new(entry),
        bytes_read,
        millis: js_sys::Date::now() - started,
    }
}
