//! What a build shows while it runs: on a terminal, one live line per target (state and elapsed time) with
//! the build logs scrolling above; in a CI job, one collapsible group per target whose lines cannot act as
//! workflow commands; elsewhere (pipes, files), plain prefixed lines.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use static_build_core::limits::MAX_BUFFERED_LOG;

use crate::term;
use crate::workflow;

/// Where a build's progress goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    /// A CI job: one collapsible group of guarded lines per target.
    CiGroups,
    /// Live lines on a terminal, or plain prefixed lines when standard error is not one.
    Terminal,
}

enum Mode {
    Live(MultiProgress),
    Plain,
    /// In CI: with one target building at a time the group is streamed as it comes; with several, each
    /// target's lines are kept and printed as one group when it finishes, so groups never interleave.
    Ci {
        stream: bool,
    },
}

/// A target's build log in CI: its lines so far (buffered mode, at most [`MAX_BUFFERED_LOG`] bytes; the rest
/// is counted), or the line that closes its open group (stream mode).
struct TargetLog {
    target: String,
    lines: Vec<String>,
    bytes: usize,
    dropped_lines: usize,
    dropped_bytes: usize,
    resume: Option<String>,
}

#[derive(Default)]
struct CiState {
    targets: Vec<TargetLog>,
}

pub struct Progress {
    mode: Mode,
    bars: Mutex<Vec<(String, ProgressBar)>>,
    ci: Mutex<CiState>,
}

impl Progress {
    /// Progress shown as `display` says (the caller knows whether this is a CI job; a terminal that is
    /// not one gets the live lines only when standard error is a terminal).
    pub fn new(display: Display) -> Self {
        let mode = match display {
            Display::CiGroups => Mode::Ci { stream: false },
            Display::Terminal if std::io::stderr().is_terminal() => {
                Mode::Live(MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
            }
            Display::Terminal => Mode::Plain,
        };
        Progress {
            mode,
            bars: Mutex::new(Vec::new()),
            ci: Mutex::new(CiState::default()),
        }
    }

    /// Only one target builds at a time: in CI, stream each target's group live instead of buffering it.
    pub fn set_sequential(&mut self, sequential: bool) {
        if let Mode::Ci { stream } = &mut self.mode {
            *stream = sequential;
        }
    }

    /// A line of output that belongs to no target (a pull status, a warning).
    pub fn line(&self, text: &str) {
        match &self.mode {
            Mode::Live(m) => {
                let _ = m.println(term::guard(text));
            }
            Mode::Plain | Mode::Ci { .. } => term::err_line(text),
        }
    }

    /// A line of a target's build log (already neutralised by the engine).
    pub fn target_line(&self, target: &str, text: &str) {
        let stream = match &self.mode {
            Mode::Ci { stream } => *stream,
            _ => return self.line(&format!("[{target}] {text}")),
        };
        let Ok(mut st) = self.ci.lock() else {
            return;
        };
        let i = match st.targets.iter().position(|l| l.target == target) {
            Some(i) => i,
            None => {
                st.targets.push(TargetLog {
                    target: target.to_string(),
                    lines: Vec::new(),
                    bytes: 0,
                    dropped_lines: 0,
                    dropped_bytes: 0,
                    resume: None,
                });
                st.targets.len() - 1
            }
        };
        let log = &mut st.targets[i];
        if stream {
            if log.resume.is_none() {
                // Open the group and stop commands now; the resume line closes them when the target ends.
                let (stop, resume) = workflow::stop_commands();
                workflow::emit(&[
                    workflow::command("group", &[], &format!("{target}: build log")),
                    stop,
                ]);
                log.resume = Some(resume);
            }
            term::err_line(text);
        } else if log.bytes + text.len() <= MAX_BUFFERED_LOG {
            log.bytes += text.len();
            log.lines.push(text.to_string());
        } else {
            log.dropped_lines += 1;
            log.dropped_bytes += text.len();
        }
    }

    /// A target's state changed (`building in IMAGE`, `built in 12.3 s`, ...).
    pub fn state(&self, target: &str, state: &str, finished: bool) {
        let m = match &self.mode {
            Mode::Live(m) => m,
            Mode::Plain => {
                term::err_line(&format!("[{target}] {state}"));
                return;
            }
            Mode::Ci { .. } => {
                if finished {
                    self.close_group(target);
                }
                term::err_line(&format!("[{target}] {state}"));
                return;
            }
        };
        let Ok(mut bars) = self.bars.lock() else {
            return;
        };
        let bar = match bars.iter().find(|(t, _)| t == target) {
            Some((_, b)) => b.clone(),
            None => {
                let b = m.add(ProgressBar::new_spinner());
                b.set_style(
                    ProgressStyle::with_template("{spinner} [{prefix}] {msg} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                b.set_prefix(target.to_string());
                b.enable_steady_tick(Duration::from_millis(120));
                bars.push((target.to_string(), b.clone()));
                b
            }
        };
        if finished {
            bar.finish_with_message(state.to_string());
        } else {
            bar.set_message(state.to_string());
        }
    }

    /// In CI, a finished target: close its streamed group, or print its buffered lines as one group.
    fn close_group(&self, target: &str) {
        let Ok(mut st) = self.ci.lock() else {
            return;
        };
        let Some(i) = st.targets.iter().position(|l| l.target == target) else {
            return;
        };
        let mut log = st.targets.remove(i);
        if log.dropped_lines > 0 {
            log.lines.push(format!(
                "[{} more lines ({} bytes) of this log not shown: with several targets building at once, each log is kept up to {} MiB until its target ends; --jobs 1 streams the whole log]",
                log.dropped_lines,
                log.dropped_bytes,
                MAX_BUFFERED_LOG >> 20
            ));
        }
        match log.resume {
            Some(resume) => workflow::emit(&[resume, "::endgroup::".to_string()]),
            None if !log.lines.is_empty() => workflow::emit(&workflow::guarded_group(
                &format!("{target}: build log"),
                &log.lines,
            )),
            None => {}
        }
    }
}
