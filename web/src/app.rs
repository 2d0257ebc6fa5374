//! The page: a Yew app that queues dropped or picked files, sends them to the Web Worker one at a time,
//! keeps the core report of what came back, judges it by the policy set on the page and shows it.
//!
//! Presentation only: every verdict, fact, finding, diff and export comes from `static-build-core`.

use std::collections::{HashMap, VecDeque};

use gloo_timers::callback::Timeout;
use static_build_core::{
    render, FailOn, FileReport, Level, Outcome, Policy, Report, Summary, RULES,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, HtmlInputElement, HtmlSelectElement, KeyboardEvent, MessageEvent};
use yew::prelude::*;

use crate::files;
use crate::protocol::{Request, Response};
use crate::state::{Entry, ExportFormat, Pane, State};
use crate::view;

/// How long one file may take before its worker is stopped and the file marked failed.
const JOB_TIMEOUT_MS: u32 = 30_000;

pub enum Msg {
    Add(Vec<(String, File)>),
    Picked(Event),
    OpenPicker(bool),
    DragEnter(DragEvent),
    DragOver(DragEvent),
    DragLeave(DragEvent),
    Drop(DragEvent),
    FromWorker(String),
    WorkerCrashed(String),
    TimedOut(u32),
    Select(usize),
    ListKey(KeyboardEvent),
    Remove(usize),
    Clear,
    ShowPane(Pane),
    CompareA(usize),
    CompareB(usize),
    Export(ExportFormat),
    PolicyRequireStatic(bool),
    PolicyAllowed(String),
    PolicyMaxGlibc(String),
    PolicyArch(String),
    PolicyFailOn(String),
    PolicyRule(String, String),
    PolicyReset,
    Notice(Option<String>),
}

/// The worker and the closures that must live as long as it does.
struct WorkerHandle {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

pub struct App {
    entries: Vec<Entry>,
    files: HashMap<u32, File>,
    queue: VecDeque<u32>,
    in_flight: Option<(u32, Timeout)>,
    next_id: u32,
    selected: Option<usize>,
    pane: Pane,
    compare: (Option<usize>, Option<usize>),
    policy: Policy,
    policy_text: PolicyText,
    policy_error: Option<String>,
    worker: Option<WorkerHandle>,
    worker_ready: bool,
    locked: bool,
    dragging: u32,
    read_delay_ms: u32,
    notice: Option<String>,
    file_input: NodeRef,
    dir_input: NodeRef,
    list: NodeRef,
}

/// What the user typed in the policy fields (kept even while it does not parse).
#[derive(Default)]
struct PolicyText {
    allowed: String,
    max_glibc: String,
    arch: String,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let mut app = App {
            entries: Vec::new(),
            files: HashMap::new(),
            queue: VecDeque::new(),
            in_flight: None,
            next_id: 1,
            selected: None,
            pane: Pane::Detail,
            compare: (None, None),
            policy: Policy::default(),
            policy_text: PolicyText::default(),
            policy_error: None,
            worker: None,
            worker_ready: false,
            locked: false,
            dragging: 0,
            read_delay_ms: query_number("read-delay-ms").unwrap_or(0),
            notice: None,
            file_input: NodeRef::default(),
            dir_input: NodeRef::default(),
            list: NodeRef::default(),
        };
        app.start_worker(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Add(files) => self.add(ctx, files),
            Msg::Picked(e) => {
                if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                    let picked = input
                        .files()
                        .map(|l| files::from_list(&l))
                        .unwrap_or_default();
                    // Let the same file be picked again.
                    input.set_value("");
                    self.add(ctx, picked);
                }
            }
            Msg::OpenPicker(directory) => {
                let input = if directory {
                    &self.dir_input
                } else {
                    &self.file_input
                };
                if let Some(input) = input.cast::<HtmlInputElement>() {
                    input.click();
                }
                return false;
            }
            Msg::DragEnter(e) => {
                e.prevent_default();
                self.dragging += 1;
            }
            Msg::DragOver(e) => {
                e.prevent_default();
                if let Some(dt) = e.data_transfer() {
                    dt.set_drop_effect("copy");
                }
                return false;
            }
            Msg::DragLeave(e) => {
                e.prevent_default();
                self.dragging = self.dragging.saturating_sub(1);
            }
            Msg::Drop(e) => {
                e.prevent_default();
                self.dragging = 0;
                if let Some(dt) = e.data_transfer() {
                    let link = ctx.link().clone();
                    let (now, walking) = files::from_drop(&dt);
                    self.add(ctx, now);
                    if !walking.is_empty() {
                        self.notice = Some("Reading the folder…".into());
                        files::walk_folders(walking, move |result| match result {
                            Ok(found) => {
                                link.send_message(Msg::Notice(None));
                                link.send_message(Msg::Add(found));
                            }
                            Err(e) => link.send_message(Msg::Notice(Some(e))),
                        });
                    }
                }
            }
            Msg::FromWorker(json) => self.on_worker_message(ctx, &json),
            Msg::WorkerCrashed(error) => {
                // The worker stopped (a trap in the module, a script error): fail the file it held, start a
                // new worker and go on with the rest.
                if let Some((id, _)) = self.in_flight.take() {
                    self.fail(id, format!("the inspector stopped: {error}"));
                }
                self.start_worker(ctx);
            }
            Msg::TimedOut(id) => {
                if self.in_flight.as_ref().map(|(i, _)| *i) == Some(id) {
                    self.in_flight = None;
                    self.fail(
                        id,
                        format!(
                            "no verdict after {} s; the reader was stopped",
                            JOB_TIMEOUT_MS / 1000
                        ),
                    );
                    self.start_worker(ctx);
                }
            }
            Msg::Select(i) => {
                if i < self.entries.len() {
                    self.selected = Some(i);
                    self.pane = Pane::Detail;
                }
            }
            Msg::ListKey(e) => {
                let n = self.entries.len();
                if n == 0 {
                    return false;
                }
                let cur = self.selected.unwrap_or(0);
                let next = match e.key().as_str() {
                    "ArrowDown" | "j" => (cur + 1).min(n - 1),
                    "ArrowUp" | "k" => cur.saturating_sub(1),
                    "Home" => 0,
                    "End" => n - 1,
                    "Delete" => {
                        e.prevent_default();
                        return Component::update(self, ctx, Msg::Remove(cur));
                    }
                    _ => return false,
                };
                e.prevent_default();
                self.selected = Some(next);
                self.pane = Pane::Detail;
                self.focus_selected();
            }
            Msg::Remove(i) => {
                if i < self.entries.len() {
                    let e = self.entries.remove(i);
                    self.files.remove(&e.id);
                    self.queue.retain(|q| *q != e.id);
                    self.selected = match self.selected {
                        _ if self.entries.is_empty() => None,
                        Some(s) if s > i => Some(s - 1),
                        Some(s) => Some(s.min(self.entries.len() - 1)),
                        None => None,
                    };
                    self.compare = (None, None);
                }
            }
            Msg::Clear => {
                self.entries.clear();
                self.files.clear();
                self.queue.clear();
                self.selected = None;
                self.compare = (None, None);
                self.pane = Pane::Detail;
            }
            Msg::ShowPane(p) => {
                self.pane = p;
                if p == Pane::Compare {
                    let done: Vec<usize> = self.done_indices();
                    let a = self
                        .compare
                        .0
                        .filter(|i| done.contains(i))
                        .or_else(|| done.first().copied());
                    let b = self
                        .compare
                        .1
                        .filter(|i| done.contains(i) && Some(*i) != a)
                        .or_else(|| {
                            self.selected
                                .filter(|s| done.contains(s) && Some(*s) != a)
                                .or_else(|| done.iter().copied().find(|i| Some(*i) != a))
                        });
                    self.compare = (a, b);
                }
            }
            Msg::CompareA(i) => self.compare.0 = Some(i),
            Msg::CompareB(i) => self.compare.1 = Some(i),
            Msg::Export(format) => {
                self.export(format);
                return false;
            }
            Msg::PolicyRequireStatic(on) => self.edit_policy(|p| {
                p.rules.insert(
                    "require-static".into(),
                    if on { Level::Error } else { Level::Off },
                );
            }),
            Msg::PolicyAllowed(text) => {
                self.edit_policy(|p| p.allowed_needed = split_list(&text));
                self.policy_text.allowed = text;
            }
            Msg::PolicyMaxGlibc(text) => {
                let t = text.trim().to_string();
                self.edit_policy(|p| p.max_glibc = (!t.is_empty()).then_some(t));
                self.policy_text.max_glibc = text;
            }
            Msg::PolicyArch(text) => {
                self.edit_policy(|p| p.expected_arch = split_list(&text));
                self.policy_text.arch = text;
            }
            Msg::PolicyFailOn(v) => self.edit_policy(|p| {
                p.fail_on = match v.as_str() {
                    "warning" => FailOn::Warning,
                    "note" => FailOn::Note,
                    "never" => FailOn::Never,
                    _ => FailOn::Error,
                };
            }),
            Msg::PolicyRule(rule, level) => {
                let Some(l) = Level::from_label(&level) else {
                    return false;
                };
                let mut p = self.policy.clone();
                if p.set(&rule, l).is_err() {
                    return false;
                }
                self.apply_policy(p);
            }
            Msg::PolicyReset => {
                self.policy_text = PolicyText::default();
                self.apply_policy(Policy::default());
            }
            Msg::Notice(n) => self.notice = n,
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let mut summary = Summary::of(
            self.entries.iter().filter_map(Entry::answer),
            self.policy.fail_on,
        );
        // As `static-build inspect` without --allow-empty: files that hold no ELF file judged nothing.
        if summary.files > 0 {
            summary.fail_if_nothing_judged();
        }
        let dragging = self.dragging > 0;
        html! {
            <div id="app-root" class={classes!("root", dragging.then_some("dragging"))}
                data-ready={(self.worker_ready).to_string()}
                data-locked={self.locked.to_string()}
                ondragenter={link.callback(Msg::DragEnter)}
                ondragover={link.callback(Msg::DragOver)}
                ondragleave={link.callback(Msg::DragLeave)}
                ondrop={link.callback(Msg::Drop)}>
                <header class="top">
                    <div class="brand">
                        <span class="logo" aria-hidden="true">{"◆"}</span>
                        <div>
                            <h1>{"static-build checker"}</h1>
                            <p class="tagline">{"Is this binary static? Drop it here and see why, computed in your browser."}</p>
                        </div>
                    </div>
                    <div class="actions">
                        <button id="pick-files" class="primary" onclick={link.callback(|_| Msg::OpenPicker(false))}>{"Choose files…"}</button>
                        <button id="pick-folder" onclick={link.callback(|_| Msg::OpenPicker(true))}>{"Choose a folder…"}</button>
                        <input id="file-input" type="file" multiple=true class="hidden" tabindex="-1" aria-hidden="true"
                            ref={self.file_input.clone()} onchange={link.callback(Msg::Picked)} />
                        <input id="dir-input" type="file" multiple=true class="hidden" tabindex="-1" aria-hidden="true"
                            webkitdirectory=true ref={self.dir_input.clone()} onchange={link.callback(Msg::Picked)} />
                    </div>
                </header>
                { self.privacy_line() }
                if let Some(n) = &self.notice {
                    <p class="notice" role="status">{ n }</p>
                }
                if self.entries.is_empty() {
                    { self.empty_view(ctx) }
                } else {
                    <main class="layout">
                        <aside class="side files-area">
                            { self.list_view(ctx, &summary) }
                        </aside>
                        <section class="main" aria-live="polite">
                            { self.pane_tabs(ctx) }
                            { match self.pane {
                                Pane::Detail => self.detail_view(),
                                Pane::Compare => self.compare_view(ctx),
                            } }
                        </section>
                        <aside class="side policy-area">
                            { self.policy_view(ctx) }
                        </aside>
                    </main>
                }
                <div class="drop-overlay" aria-hidden="true"><div>{"Drop files or folders to check them"}</div></div>
                <footer class="foot">
                    {"static-build "}{env!("CARGO_PKG_VERSION")}{" · the same inspector as the "}
                    <code>{"static-build"}</code>{" command line and GitHub Action · "}
                    <a href="https://github.com/static-build/static-build" rel="noopener noreferrer">{"source"}</a>
                </footer>
            </div>
        }
    }
}

impl App {
    fn start_worker(&mut self, ctx: &Context<Self>) {
        self.worker = None;
        self.worker_ready = false;
        let link = ctx.link().clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(s) = e.data().as_string() {
                link.send_message(Msg::FromWorker(s));
            }
        });
        let link = ctx.link().clone();
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
                e.prevent_default();
                link.send_message(Msg::WorkerCrashed(e.message()));
            });
        match web_sys::Worker::new("worker.js") {
            Ok(worker) => {
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
                self.worker = Some(WorkerHandle {
                    worker,
                    _on_message: on_message,
                    _on_error: on_error,
                });
            }
            Err(e) => {
                self.notice = Some(format!(
                    "This browser could not start the inspector's worker ({}).",
                    crate::worker::js_message(&e)
                ));
            }
        }
    }

    fn add(&mut self, ctx: &Context<Self>, files: Vec<(String, File)>) {
        if files.is_empty() {
            return;
        }
        let first_new = self.entries.len();
        for (name, file) in files {
            let id = self.next_id;
            self.next_id += 1;
            let size = file.size().max(0.0) as u64;
            self.entries.push(Entry {
                id,
                name,
                size,
                state: State::Queued,
            });
            self.files.insert(id, file);
            self.queue.push_back(id);
        }
        self.selected = Some(first_new);
        self.pane = Pane::Detail;
        self.pump(ctx);
    }

    /// Send the next queued file to the worker, if it is free.
    fn pump(&mut self, ctx: &Context<Self>) {
        if self.in_flight.is_some() || !self.worker_ready {
            return;
        }
        let Some(worker) = &self.worker else { return };
        while let Some(id) = self.queue.pop_front() {
            let Some(file) = self.files.remove(&id) else {
                continue;
            };
            let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) else {
                continue;
            };
            let request = Request {
                id,
                name: entry.name.clone(),
                read_delay_ms: self.read_delay_ms,
            };
            let msg = js_sys::Object::new();
            let json = serde_json::to_string(&request).unwrap_or_default();
            let sent = js_sys::Reflect::set(&msg, &"request".into(), &json.into())
                .and_then(|_| js_sys::Reflect::set(&msg, &"id".into(), &id.into()))
                .and_then(|_| js_sys::Reflect::set(&msg, &"file".into(), &file))
                .and_then(|_| worker.worker.post_message(&msg));
            match sent {
                Ok(_) => {
                    entry.state = State::Reading;
                    let link = ctx.link().clone();
                    let timeout =
                        Timeout::new(JOB_TIMEOUT_MS, move || link.send_message(Msg::TimedOut(id)));
                    self.in_flight = Some((id, timeout));
                    return;
                }
                Err(e) => {
                    entry.state = State::Failed(Box::new(FileReport::error(
                        entry.name.clone(),
                        format!(
                            "could not hand the file to the worker: {}",
                            crate::worker::js_message(&e)
                        ),
                    )));
                }
            }
        }
    }

    fn on_worker_message(&mut self, ctx: &Context<Self>, json: &str) {
        let response: Response = match serde_json::from_str(json) {
            Ok(r) => r,
            Err(e) => {
                self.notice = Some(format!("unexpected answer from the worker: {e}"));
                return;
            }
        };
        match response {
            Response::Ready => {
                self.worker_ready = true;
                if !self.locked {
                    self.locked = lock_down();
                }
            }
            Response::Done {
                id,
                mut entry,
                bytes_read,
                millis,
            } => {
                entry.rejudge(&self.policy);
                self.finish(
                    id,
                    State::Done {
                        report: entry,
                        bytes_read,
                        millis,
                    },
                );
            }
            Response::Failed { id, error } => {
                let was_in_flight = self.in_flight.as_ref().map(|(i, _)| *i) == Some(id);
                if !was_in_flight && id == 0 {
                    // The worker could not load at all.
                    self.notice = Some(error);
                    return;
                }
                self.fail(id, error);
                if was_in_flight {
                    // The worker may have stopped itself (a trap): start a fresh one for the rest.
                    self.in_flight = None;
                    self.start_worker(ctx);
                    return;
                }
            }
        }
        self.pump(ctx);
    }

    fn finish(&mut self, id: u32, state: State) {
        if self.in_flight.as_ref().map(|(i, _)| *i) == Some(id) {
            self.in_flight = None;
        }
        self.set_state(id, state);
    }

    /// Mark a file failed, with core's error entry under its name.
    fn fail(&mut self, id: u32, error: String) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.state = State::Failed(Box::new(FileReport::error(e.name.clone(), error)));
        }
    }

    fn set_state(&mut self, id: u32, state: State) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.state = state;
        }
    }

    /// Change a copy of the policy and apply it.
    fn edit_policy(&mut self, edit: impl FnOnce(&mut Policy)) {
        let mut p = self.policy.clone();
        edit(&mut p);
        self.apply_policy(p);
    }

    fn apply_policy(&mut self, policy: Policy) {
        if let Err(e) = policy.validate() {
            self.policy_error = Some(e.to_string());
            return;
        }
        self.policy_error = None;
        for e in &mut self.entries {
            if let State::Done { report, .. } = &mut e.state {
                report.rejudge(&policy);
            }
        }
        self.policy = policy;
    }

    fn done_indices(&self) -> Vec<usize> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(&e.state, State::Done { report, .. } if matches!(report.outcome, Outcome::Elf { .. })))
            .map(|(i, _)| i)
            .collect()
    }

    /// The core report of every file with an answer, in list order, judged by the page's policy: what the
    /// export writes.
    pub fn report(&self) -> Report {
        let mut r = Report::new(env!("CARGO_PKG_VERSION"), self.policy.clone());
        for answer in self.entries.iter().filter_map(Entry::answer) {
            r.push(answer.clone());
        }
        if r.summary.files > 0 {
            r.summary.fail_if_nothing_judged();
        }
        r
    }

    fn export(&mut self, format: ExportFormat) {
        let report = self.report();
        let (text, name, mime) = match format {
            ExportFormat::Json => (
                render::json(&report),
                "static-build-report.json",
                "application/json",
            ),
            ExportFormat::Markdown => (
                render::markdown(&report, &render::MarkdownOptions::default()),
                "static-build-report.md",
                "text/markdown",
            ),
            ExportFormat::Sarif => (
                render::sarif(&report),
                "static-build-report.sarif",
                "application/sarif+json",
            ),
        };
        if let Err(e) = files::download(&text, name, mime) {
            self.notice = Some(format!("Could not save the report: {e}"));
        }
    }

    fn focus_selected(&self) {
        if let (Some(list), Some(i)) = (self.list.cast::<web_sys::Element>(), self.selected) {
            if let Ok(Some(el)) = list.query_selector(&format!("[data-index=\"{i}\"]")) {
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        }
    }

    fn privacy_line(&self) -> Html {
        let text = if self.locked {
            "Nothing leaves this machine: files are read here, in your browser, and this page now blocks every network connection (Content-Security-Policy connect-src 'none')."
        } else {
            "Nothing leaves this machine: files are read here, in your browser. Loading the checker…"
        };
        html! {
            <p id="privacy" class={classes!("privacy", self.locked.then_some("locked"))}>
                <span aria-hidden="true">{ if self.locked { "✔ " } else { "… " } }</span>{ text }
            </p>
        }
    }

    fn empty_view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        html! {
            <main class="empty">
                <button id="drop-target" class="drop-target" onclick={link.callback(|_| Msg::OpenPicker(false))}
                    aria-describedby="drop-help">
                    <span class="big" aria-hidden="true">{"⇩"}</span>
                    <span class="drop-title">{"Drop binaries anywhere on this page"}</span>
                    <span id="drop-help" class="drop-help">{"or press to choose files. Several files and whole folders work; any size: only the parts of a file that matter are read."}</span>
                </button>
                <ul class="what">
                    <li><b>{"Verdict"}</b>{": static, static-pie, dynamic, needs a loader, shared library, with the evidence."}</li>
                    <li><b>{"Facts"}</b>{": NEEDED, interpreter, RPATH/RUNPATH, libc and glibc floor, hardening (with “not applicable”), what static glibc loads at run time (NSS, dlopen, iconv, locales), Go and Rust build info."}</li>
                    <li><b>{"Policy"}</b>{": require static, allowed libraries, a glibc floor; findings update as you change it."}</li>
                    <li><b>{"Compare and export"}</b>{": two binaries side by side; the report as JSON, Markdown or SARIF, the same as the command line writes."}</li>
                </ul>
            </main>
        }
    }

    fn list_view(&self, ctx: &Context<Self>, summary: &Summary) -> Html {
        let link = ctx.link();
        let pending = self
            .entries
            .iter()
            .filter(|e| matches!(e.state, State::Queued | State::Reading))
            .count();
        html! {
            <div class="panel files-panel">
                <div class="panel-head">
                    <h2 id="files-label">{"Files"}</h2>
                    <button class="small" id="clear" onclick={link.callback(|_| Msg::Clear)}>{"Clear"}</button>
                </div>
                <p id="summary" class={classes!("summary", if summary.passed { "pass" } else { "fail" })}>
                    { render::summary_line(summary) }{": "}
                    <strong>{ if summary.passed { "PASS" } else { "FAIL" } }</strong>
                    if summary.files > 0 && summary.nothing_judged() { {" · no ELF file to judge"} }
                    if pending > 0 { { format!(" · {pending} in progress") } }
                </p>
                <ul id="files" role="listbox" aria-labelledby="files-label" ref={self.list.clone()}
                    onkeydown={link.callback(Msg::ListKey)}>
                    { for self.entries.iter().enumerate().map(|(i, e)| {
                        let selected = self.selected == Some(i);
                        let (icon, cls, label) = view::entry_badge(e);
                        html! {
                            <li role="option" aria-selected={selected.to_string()} data-index={i.to_string()}
                                data-state={view::state_id(&e.state)} data-verdict={view::verdict_id(&e.state)}
                                class={classes!("file", cls, selected.then_some("selected"))}
                                tabindex={ if selected || (self.selected.is_none() && i == 0) { "0" } else { "-1" } }
                                onclick={link.callback(move |_| Msg::Select(i))}>
                                <span class="icon" aria-hidden="true">{ icon }</span>
                                <span class="name" title={e.name.clone()}>{ &e.name }</span>
                                <span class="label">{ label }</span>
                                <span class="size">{ static_build_core::units::human_size(e.size) }</span>
                            </li>
                        }
                    }) }
                </ul>
                <div class="exports" role="group" aria-label="Export the report">
                    <span>{"Export:"}</span>
                    <button class="small" id="export-json" onclick={link.callback(|_| Msg::Export(ExportFormat::Json))}>{"JSON"}</button>
                    <button class="small" id="export-markdown" onclick={link.callback(|_| Msg::Export(ExportFormat::Markdown))}>{"Markdown"}</button>
                    <button class="small" id="export-sarif" onclick={link.callback(|_| Msg::Export(ExportFormat::Sarif))}>{"SARIF"}</button>
                </div>
            </div>
        }
    }

    fn policy_view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let require_static = self.policy.level("require-static") != Level::Off;
        let fail_on = match self.policy.fail_on {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Note => "note",
            FailOn::Never => "never",
        };
        html! {
            <form class="panel policy" id="policy" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <div class="panel-head">
                    <h2>{"Policy"}</h2>
                    <button type="button" class="small" id="policy-reset" onclick={link.callback(|_| Msg::PolicyReset)}>{"Defaults"}</button>
                </div>
                <label class="check">
                    <input id="policy-require-static" type="checkbox" checked={require_static}
                        onchange={link.callback(|e: Event| Msg::PolicyRequireStatic(checked(&e)))} />
                    {" Require static (static or static-pie)"}
                </label>
                <label for="policy-allowed">{"Allowed libraries"}<span class="hint">{" globs, one per line or comma-separated; empty: any"}</span></label>
                <textarea id="policy-allowed" rows="2" placeholder="libc.so.6, libm.so.*" value={self.policy_text.allowed.clone()}
                    oninput={link.callback(|e: InputEvent| Msg::PolicyAllowed(input_value(&e)))} />
                <label for="policy-max-glibc">{"Highest glibc version allowed"}</label>
                <input id="policy-max-glibc" type="text" inputmode="decimal" placeholder="e.g. 2.17" value={self.policy_text.max_glibc.clone()}
                    aria-invalid={self.policy_error.is_some().to_string()}
                    oninput={link.callback(|e: InputEvent| Msg::PolicyMaxGlibc(input_value(&e)))} />
                <label for="policy-arch">{"Expected architectures"}<span class="hint">{" e.g. x86_64, aarch64; empty: any"}</span></label>
                <input id="policy-arch" type="text" value={self.policy_text.arch.clone()}
                    oninput={link.callback(|e: InputEvent| Msg::PolicyArch(input_value(&e)))} />
                if let Some(err) = &self.policy_error {
                    <p class="error" id="policy-error" role="alert">{ err }</p>
                }
                <label for="policy-fail-on">{"Fail on"}</label>
                <select id="policy-fail-on" onchange={link.callback(|e: Event| Msg::PolicyFailOn(select_value(&e)))}>
                    { for ["error", "warning", "note", "never"].iter().map(|v| html! {
                        <option value={*v} selected={*v == fail_on}>{ *v }</option>
                    }) }
                </select>
                <details class="rules">
                    <summary>{"All rules"}</summary>
                    <table>
                        <tbody>
                        { for RULES.iter().map(|(id, what, _)| {
                            let level = self.policy.level(id).label();
                            let rule = id.to_string();
                            html! {
                                <tr>
                                    <td><label for={format!("rule-{id}")} title={*what}><code>{ *id }</code></label></td>
                                    <td>
                                        <select id={format!("rule-{id}")} onchange={link.callback(move |e: Event| Msg::PolicyRule(rule.clone(), select_value(&e)))}>
                                            { for ["off", "note", "warning", "error"].iter().map(|l| html! {
                                                <option value={*l} selected={*l == level}>{ *l }</option>
                                            }) }
                                        </select>
                                    </td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                </details>
            </form>
        }
    }

    fn pane_tabs(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let can_compare = self.done_indices().len() >= 2;
        html! {
            <div class="tabs" role="tablist">
                <button role="tab" id="tab-detail" aria-selected={(self.pane == Pane::Detail).to_string()}
                    onclick={link.callback(|_| Msg::ShowPane(Pane::Detail))}>{"Details"}</button>
                <button role="tab" id="tab-compare" aria-selected={(self.pane == Pane::Compare).to_string()}
                    disabled={!can_compare} title={ if can_compare { "Compare two binaries" } else { "Add a second ELF file to compare" } }
                    onclick={link.callback(|_| Msg::ShowPane(Pane::Compare))}>{"Compare"}</button>
            </div>
        }
    }

    fn detail_view(&self) -> Html {
        match self.selected.and_then(|i| self.entries.get(i)) {
            None => html! { <p class="muted">{"Select a file."}</p> },
            Some(e) => view::entry_detail(e),
        }
    }

    fn compare_view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let done = self.done_indices();
        let pick = |id: &'static str,
                    label: &'static str,
                    current: Option<usize>,
                    cb: Callback<usize>| {
            html! {
                <label class="pick">{ label }
                    <select id={id} onchange={Callback::from(move |e: Event| {
                        if let Ok(i) = select_value(&e).parse() { cb.emit(i) }
                    })}>
                        { for done.iter().map(|&i| html! {
                            <option value={i.to_string()} selected={current == Some(i)}>{ &self.entries[i].name }</option>
                        }) }
                    </select>
                </label>
            }
        };
        let a = self.compare.0.and_then(|i| self.entries.get(i));
        let b = self.compare.1.and_then(|i| self.entries.get(i));
        html! {
            <div id="compare" class="compare">
                <div class="pickers">
                    { pick("compare-a", "Before (A)", self.compare.0, link.callback(Msg::CompareA)) }
                    { pick("compare-b", "After (B)", self.compare.1, link.callback(Msg::CompareB)) }
                </div>
                { match (a, b) {
                    (Some(a), Some(b)) => view::compare(a, b),
                    _ => html! { <p class="muted">{"Choose two ELF files."}</p> },
                } }
            </div>
        }
    }
}

fn checked(e: &Event) -> bool {
    e.target_dyn_into::<HtmlInputElement>()
        .map(|i| i.checked())
        .unwrap_or(false)
}

fn input_value(e: &InputEvent) -> String {
    let target = e.target();
    if let Some(i) = target
        .clone()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    {
        return i.value();
    }
    target
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .unwrap_or_default()
}

fn select_value(e: &Event) -> String {
    e.target_dyn_into::<HtmlSelectElement>()
        .map(|s| s.value())
        .unwrap_or_default()
}

/// Items of a list typed by a person: split on commas and line breaks, trimmed, empty ones dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// A number from the page's query string (`?name=N`), for testing aids.
fn query_number(name: &str) -> Option<u32> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)?.parse().ok()
}

/// Forbid every connection from now on: the page and its worker are loaded, nothing else is needed. A
/// `<meta>` Content-Security-Policy added to the head is enforced from that moment, on top of the one
/// `index.html` started with (which allowed this origin only, to fetch the WebAssembly).
fn lock_down() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(head) = doc.head() else { return false };
    let Ok(meta) = doc.create_element("meta") else {
        return false;
    };
    let ok = meta
        .set_attribute("http-equiv", "Content-Security-Policy")
        .and_then(|_| meta.set_attribute("content", "connect-src 'none'"))
        .and_then(|_| meta.set_attribute("id", "csp-lock"))
        .and_then(|_| head.append_child(&meta).map(|_| ()));
    ok.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_commas_and_lines() {
        assert_eq!(
            split_list(" libc.so.6, libm.so.*\n\n libpthread.so.0 ,"),
            ["libc.so.6", "libm.so.*", "libpthread.so.0"]
        );
        assert!(split_list(" , \n").is_empty());
    }
}
