//! The source ledger: the modification times a build's cache volume has seen.
//!
//! Build tools decide what to rebuild from modification times: make compares an object with its sources,
//! automake's `config.status` with `configure`, cargo a build script's fingerprint with the files it watches.
//! A fresh checkout (every run of a hosted CI runner, or a second clone) gives every file the time of the
//! checkout, so with the build directories restored from the cache (`static-build cache import`) all of them
//! look older than their sources and everything is rebuilt.
//!
//! So each target's cache volume keeps a ledger ([`LEDGER_PATH`]): for every regular file of the project
//! sent to the last build, its size, its SHA-256 and the modification time the build saw. The next upload
//! gives each file whose size and content are unchanged the time in the ledger ([`carry_times`]), and every
//! other file (changed or new) a time no earlier than now, which is later than anything the last build wrote;
//! so what changed is rebuilt and nothing else is. Without a ledger (a new volume), the files keep their own
//! times, as before.
//!
//! The ledger lives in a volume that a build (perhaps a pull request's) can write. The worst a forged
//! ledger can do is what a forged build directory in the same volume can do already: make that volume's
//! next build use stale objects. A time in the future is brought back to now; a ledger over
//! [`MAX_SOURCE_LEDGER`](crate::limits::MAX_SOURCE_LEDGER) or not of this format is ignored.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_SOURCE_LEDGER, MAX_SOURCE_LEDGER_FILES};

/// Where the ledger is, in the cache volume (mounted at the plan's cache directory in a build container).
pub const LEDGER_PATH: &str = "static-build/sources.json";

/// The ledger's layout; another format is not read.
pub const LEDGER_FORMAT: u32 = 1;

/// One regular file of the project as it is sent to a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Relative to the project's root, `/`-separated.
    pub path: String,
    pub size: u64,
    /// SHA-256 of the content, in hex.
    pub sha256: String,
    /// Seconds since the epoch.
    pub mtime: u64,
}

/// The files of the last upload, with the times the build saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLedger {
    pub format: u32,
    pub files: Vec<SourceFile>,
}

/// Why a ledger found in a volume was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("the source ledger is {size} bytes, over the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("the source ledger lists {count} files, over the limit of {limit}")]
    TooManyFiles { count: usize, limit: usize },
    #[error("the source ledger is of format {found}, not {LEDGER_FORMAT}")]
    Format { found: u32 },
    #[error("the source ledger cannot be read: {0}")]
    Json(String),
}

impl SourceLedger {
    pub fn new(files: Vec<SourceFile>) -> Self {
        SourceLedger {
            format: LEDGER_FORMAT,
            files,
        }
    }

    /// Read a ledger from a volume (untrusted).
    pub fn from_json(bytes: &[u8]) -> Result<Self, LedgerError> {
        if bytes.len() > MAX_SOURCE_LEDGER {
            return Err(LedgerError::TooLarge {
                size: bytes.len(),
                limit: MAX_SOURCE_LEDGER,
            });
        }
        #[derive(Deserialize)]
        struct Head {
            format: u32,
        }
        let head: Head =
            serde_json::from_slice(bytes).map_err(|e| LedgerError::Json(e.to_string()))?;
        if head.format != LEDGER_FORMAT {
            return Err(LedgerError::Format { found: head.format });
        }
        let ledger: SourceLedger =
            serde_json::from_slice(bytes).map_err(|e| LedgerError::Json(e.to_string()))?;
        if ledger.files.len() > MAX_SOURCE_LEDGER_FILES {
            return Err(LedgerError::TooManyFiles {
                count: ledger.files.len(),
                limit: MAX_SOURCE_LEDGER_FILES,
            });
        }
        Ok(ledger)
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// What [`carry_times`] did, for the build's log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Carried {
    /// Files whose size and content match the ledger: they keep the time the last build saw.
    pub kept: usize,
    /// Files in the ledger with another size or content.
    pub changed: usize,
    /// Files the ledger does not list.
    pub new: usize,
}

/// The modification time each of `files` gets in this build (in the same order), given the ledger of the
/// last build in the same volume (if any) and the present time; and the counts for the log.
///
/// Unchanged files get the ledger's time (at most `now`); changed and new files get their own time, or
/// `now` if that is earlier, so that they are newer than whatever the last build produced from the old
/// content. Without a ledger every file keeps its own time. Linear in the number of files.
pub fn carry_times(
    files: &[SourceFile],
    previous: Option<&SourceLedger>,
    now: u64,
) -> (Vec<u64>, Carried) {
    let Some(previous) = previous else {
        return (files.iter().map(|f| f.mtime).collect(), Carried::default());
    };
    let before: HashMap<&str, &SourceFile> = previous
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut carried = Carried::default();
    let times = files
        .iter()
        .map(|f| match before.get(f.path.as_str()) {
            Some(old) if old.size == f.size && old.sha256 == f.sha256 => {
                carried.kept += 1;
                old.mtime.min(now)
            }
            Some(_) => {
                carried.changed += 1;
                f.mtime.max(now)
            }
            None => {
                carried.new += 1;
                f.mtime.max(now)
            }
        })
        .collect();
    (times, carried)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, content: &str, mtime: u64) -> SourceFile {
        SourceFile {
            path: path.into(),
            size: content.len() as u64,
            sha256: format!("hash-of-{content}"),
            mtime,
        }
    }

    #[test]
    fn without_a_ledger_files_keep_their_own_times() {
        let files = [file("a.c", "x", 5), file("b.c", "y", 7)];
        let (times, carried) = carry_times(&files, None, 100);
        assert_eq!(times, [5, 7]);
        assert_eq!(carried, Carried::default());
    }

    #[test]
    fn unchanged_files_get_the_ledgers_time_and_the_rest_are_newer_than_the_last_build() {
        // The last build saw a.c, b.c, c.c at 10, 11, 12; a fresh checkout at 1000 gives every file 1000.
        let ledger = SourceLedger::new(vec![
            file("a.c", "x", 10),
            file("b.c", "y", 11),
            file("c.c", "z", 12),
        ]);
        let files = [
            file("a.c", "x", 1000),
            file("b.c", "changed", 1000),
            file("c.c", "w", 1000),  // same size, other content
            file("d.c", "new", 900), // new, with a time before now
        ];
        let (times, carried) = carry_times(&files, Some(&ledger), 2000);
        assert_eq!(times, [10, 2000, 2000, 2000]);
        assert_eq!(
            carried,
            Carried {
                kept: 1,
                changed: 2,
                new: 1
            }
        );
    }

    #[test]
    fn a_time_in_the_future_is_brought_back_to_now() {
        let ledger = SourceLedger::new(vec![file("a.c", "x", u64::MAX)]);
        let (times, _) = carry_times(&[file("a.c", "x", 3)], Some(&ledger), 50);
        assert_eq!(times, [50]);
    }

    #[test]
    fn a_ledger_round_trips_and_a_bad_one_is_refused() {
        let ledger = SourceLedger::new(vec![file("src/main.rs", "fn main() {}", 42)]);
        assert_eq!(SourceLedger::from_json(&ledger.to_json()), Ok(ledger));
        assert_eq!(
            SourceLedger::from_json(br#"{"format": 99, "files": "whatever"}"#),
            Err(LedgerError::Format { found: 99 })
        );
        assert!(matches!(
            SourceLedger::from_json(b"{\"format\": 1, \"files\": [{\"path\": 3}]}"),
            Err(LedgerError::Json(_))
        ));
        let big = vec![b' '; MAX_SOURCE_LEDGER + 1];
        assert!(matches!(
            SourceLedger::from_json(&big),
            Err(LedgerError::TooLarge { .. })
        ));
    }
}
