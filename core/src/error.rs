//! The one error type of the inspector: every variant says what was being read and where.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a file got no report.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InspectError {
    /// The file is not ELF; `looks_like` says what it seems to be instead.
    #[error("not an ELF file ({looks_like})")]
    NotElf { looks_like: String },
    /// The ELF file ends or breaks before a structure the verdict needs.
    #[error("malformed ELF: {what} at offset {offset:#x}: {message}")]
    Malformed {
        what: String,
        offset: u64,
        message: String,
    },
    /// The underlying reader failed (I/O error, file changed while read).
    #[error("read failed: {what} at offset {offset:#x}")]
    Read { what: String, offset: u64 },
}

impl InspectError {
    pub(crate) fn malformed(
        what: impl Into<String>,
        offset: u64,
        message: impl Into<String>,
    ) -> Self {
        InspectError::Malformed {
            what: what.into(),
            offset,
            message: message.into(),
        }
    }
}
