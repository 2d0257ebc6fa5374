//! The messages between the page and its Web Worker. JSON strings through `postMessage`; the `File` being
//! inspected travels beside the JSON (a `File` cannot go through serde): `{ request: "<json>", file: File }`.

use serde::{Deserialize, Serialize};
use static_build_core::FileReport;

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The page's id for this file.
    pub id: u32,
    /// The name shown and written into the report's `path` (a relative path when a folder was given).
    pub name: String,
    /// Testing aid (`?read-delay-ms=N` on the page): wait this long before each read of the file, to show
    /// that the page stays responsive while a slow file is read. 0 in normal use.
    #[serde(default)]
    pub read_delay_ms: u32,
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Response {
    /// The worker has loaded its WebAssembly and takes requests.
    Ready,
    /// One file inspected. The entry is judged by the default policy; the page judges it again by its own.
    Done {
        id: u32,
        entry: Box<FileReport>,
        /// Bytes of the file the inspector read.
        bytes_read: u64,
        /// Time the inspection took, in milliseconds.
        millis: f64,
    },
    /// The worker could not even start on the file (a reader error ends up in `Done` as an error entry).
    Failed { id: u32, error: String },
}

impl Response {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"kind":"failed","id":0,"error":"cannot encode the answer: {e}"}}"#)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_as_json() {
        let r = Request {
            id: 7,
            name: "bin/app".into(),
            read_delay_ms: 0,
        };
        let back: Request = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        let f = Response::Failed {
            id: 3,
            error: "x".into(),
        };
        assert_eq!(f.to_json(), r#"{"kind":"failed","id":3,"error":"x"}"#);
        let back: Response = serde_json::from_str(&Response::Ready.to_json()).unwrap();
        assert_eq!(back, Response::Ready);
        // The worker's JavaScript wrapper writes this shape by hand when the module traps.
        let crashed: Response =
            serde_json::from_str(r#"{"kind":"failed","id":9,"error":"unreachable"}"#).unwrap();
        assert!(matches!(crashed, Response::Failed { id: 9, .. }));
    }
}
