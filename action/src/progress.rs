//! What a build shows while it runs: on a terminal, one live line per target (state and elapsed time) with
//! the build logs scrolling above; elsewhere (CI logs, pipes), plain prefixed lines.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    live: Option<MultiProgress>,
    bars: Mutex<Vec<(String, ProgressBar)>>,
}

impl Progress {
    pub fn new() -> Self {
        let live = std::io::stderr()
            .is_terminal()
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Progress {
            live,
            bars: Mutex::new(Vec::new()),
        }
    }

    /// A line of output (a build log line, a pull status): above the live lines, or plain.
    pub fn line(&self, text: &str) {
        match &self.live {
            Some(m) => {
                let _ = m.println(text);
            }
            None => eprintln!("{text}"),
        }
    }

    /// A target's state changed (`building in IMAGE`, `done`, `failed`...).
    pub fn state(&self, target: &str, state: &str, finished: bool) {
        let Some(m) = &self.live else {
            eprintln!("[{target}] {state}");
            return;
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
}
