//! What the page holds: the files in the queue with their state, and the page's choices (pane, export
//! format). The views read these; the app changes them.

use static_build_core::FileReport;

/// One file of the queue.
pub struct Entry {
    pub id: u32,
    pub name: String,
    pub size: u64,
    pub state: State,
}

/// Where a file is: queued, being read by the worker, answered, or failed.
pub enum State {
    Queued,
    Reading,
    Done {
        report: Box<FileReport>,
        bytes_read: u64,
        millis: f64,
    },
    /// The worker stopped or timed out on this file: core's entry for a file that could not be read.
    Failed(Box<FileReport>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Detail,
    Compare,
}

#[derive(Clone, Copy)]
pub enum ExportFormat {
    Json,
    Markdown,
    Sarif,
}

impl Entry {
    /// The entry's answer, once there is one (what the summary counts and the export writes).
    pub fn answer(&self) -> Option<&FileReport> {
        match &self.state {
            State::Done { report, .. } | State::Failed(report) => Some(report),
            State::Queued | State::Reading => None,
        }
    }
}
