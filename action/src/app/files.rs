//! Files to inspect: the one directory walk, and the one reader of a file for the inspector (`pread` into an
//! arena, only the parts the inspector asks for), used for `inspect`'s paths, on one thread per core, and for a
//! build's outputs alike.

use std::fs::File;
use std::path::{Path, PathBuf};

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

use static_build_core::blocks::{Arena, ArenaReader, RangeSource, Tables};
use static_build_core::limits::MAX_JOBS;
use static_build_core::{inspect_with, FileReport, InspectOptions, Policy, Report};

use super::blockfile::PreadSource;

/// Every regular file under `paths`, in a stable order, handed to `file` as the walk finds it; directories are
/// walked recursively without following symbolic links (an explicitly named symbolic link to a file is
/// followed). What cannot be read is an error entry of the report.
pub fn collect(paths: &[PathBuf], report: &mut Report, file: &mut dyn FnMut(PathBuf)) {
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, file, &mut |d, e| {
                report.add_error(
                    display(d),
                    format!("cannot read directory: {}", io_reason(e)),
                )
            }),
            Ok(m) if m.is_file() => file(p.clone()),
            Ok(_) => report.add_error(display(p), "not a regular file or directory".into()),
            Err(e) => report.add_error(display(p), format!("cannot open: {}", io_reason(&e))),
        }
    }
}

/// The one directory walk: every regular file under `dir`, depth first in the order of their names, without
/// following symbolic links; a directory that cannot be read goes to `error`. Iterative, so that a deep tree
/// costs memory, not stack.
pub fn walk(
    dir: &Path,
    file: &mut dyn FnMut(PathBuf),
    error: &mut dyn FnMut(&Path, &std::io::Error),
) {
    let mut stack: Vec<std::vec::IntoIter<std::fs::DirEntry>> = Vec::new();
    let mut open =
        |d: &Path, stack: &mut Vec<std::vec::IntoIter<std::fs::DirEntry>>| match std::fs::read_dir(
            d,
        ) {
            Ok(entries) => {
                let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
                entries.sort_by_cached_key(|e| e.file_name());
                stack.push(entries.into_iter());
            }
            Err(e) => error(d, &e),
        };
    open(dir, &mut stack);
    while let Some(top) = stack.last_mut() {
        let Some(e) = top.next() else {
            stack.pop();
            continue;
        };
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            open(&e.path(), &mut stack);
        } else if ft.is_file() {
            file(e.path());
        }
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Inspect the files that `list` hands to its sink, on `jobs` threads (the calling one included), each with its
/// own arena; judge each by `policy`, and apply `each` to the entry on the thread that made it (the text
/// renderer's work per entry, say). The entries come back in the order of the list, whatever the order the
/// threads took them in.
///
/// `list` (the directory walk) runs on the calling thread while the helpers inspect what it has found so far:
/// the walk of a tree of hundreds of directories is an eighth of the run, which one thread alone would wait
/// out. One helper is started before the walk (a core that slept takes a millisecond or two to wake, which the
/// walk hides), the others as files come, so that one file does not start a thread per core. A helper that
/// starts on the caller's CPU moves off it ([`move_off`]).
pub fn inspect_all<T: Send>(
    list: impl FnOnce(&mut dyn FnMut(PathBuf)),
    options: InspectOptions,
    policy: &Policy,
    jobs: usize,
    each: impl Fn(&FileReport) -> T + Sync,
) -> Vec<(FileReport, T)> {
    let one = |path: &PathBuf, arena: &mut Arena| {
        let entry = match inspect_in(path, options, arena) {
            Inspected::Done { size, result } => {
                FileReport::new(display(path), size, result, policy)
            }
            Inspected::Unreadable(why) => FileReport::error(display(path), why),
        };
        let extra = each(&entry);
        (entry, extra)
    };
    let queue = Queue::default();
    let tables = Arc::new(Tables::default());
    // Each entry is boxed where it is made: a list of a few hundred entries of about 270 bytes each, grown by
    // doubling, took memory of a new size each time, and each thread's list touched fresh huge pages (three
    // of the eighteen a run over /usr/bin touched); a list of boxes grows by 16 bytes an entry.
    let work = || {
        let mut arena = Arena::sharing(&tables);
        let mut done = Vec::new();
        while let Some((i, path)) = queue.take() {
            done.push((i, Box::new(one(&path, &mut arena))));
        }
        done
    };
    let jobs = jobs.clamp(1, MAX_JOBS);
    // Only when there will be helpers: the question costs a read of /proc.
    let caller = if jobs > 1 { current_cpu() } else { None };
    let parts: Vec<Vec<Numbered<T>>> = std::thread::scope(|s| {
        // A thread that cannot be started leaves its share to the others.
        let spawn = || {
            std::thread::Builder::new()
                .spawn_scoped(s, || {
                    move_off(caller);
                    work()
                })
                .ok()
        };
        let mut helpers: Vec<_> = (1..jobs.min(2)).filter_map(|_| spawn()).collect();
        // A kernel that queued the helper behind this thread, on this CPU, runs it now, and it moves off
        // (move_off); elsewhere the yield returns at once. Over /usr/bin here: paired median 0.95 (64 of 80).
        if !helpers.is_empty() {
            std::thread::yield_now();
        }
        // Should `list` panic, the helpers see the end of the list instead of waiting for ever.
        struct End<'a>(&'a Queue);
        impl Drop for End<'_> {
            fn drop(&mut self) {
                self.0.end();
            }
        }
        let end = End(&queue);
        let mut listed = 0usize;
        list(&mut |path| {
            queue.give(listed, path);
            listed += 1;
            // Another helper once more files wait than threads work on them.
            if helpers.len() + 1 < jobs && listed > helpers.len() + 1 {
                helpers.extend(spawn());
            }
        });
        drop(end);
        let mut parts = vec![work()];
        for h in helpers {
            parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        parts
    });
    let mut done: Vec<Numbered<T>> = parts.into_iter().flatten().collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, entry)| *entry).collect()
}

/// An entry of [`inspect_all`] with its place in the list.
type Numbered<T> = (usize, Box<(FileReport, T)>);

/// A helper that starts on the CPU of the thread that started it (`cpu`) moves to another of the CPUs it may
/// run on, and may then run on any of them again: a nudge, not a pin. A kernel that spreads new threads onto
/// idle CPUs never starts one there (this does nothing then); one that packs threads onto fewer CPUs, as the
/// development machine's does (`sched_vcpu_pack`), ran the helper and the walk on one CPU for milliseconds
/// while the other idled. Over /usr/bin the nudge made runs 4-6% faster (paired medians, BENCHMARKS.md).
/// Nothing changes when the thread may run on one CPU only, or when its CPUs cannot be read or set.
fn move_off(cpu: Option<usize>) {
    use rustix::thread::{sched_getaffinity, sched_setaffinity};
    let Some(here) = current_cpu() else {
        return;
    };
    if Some(here) != cpu {
        return;
    }
    let Ok(all) = sched_getaffinity(None) else {
        return;
    };
    let mut others = all;
    others.unset(here);
    if others.count() == 0 {
        return;
    }
    // Moved by the first call (the kernel takes a thread off a CPU it may no longer run on), unpinned by the
    // second.
    if sched_setaffinity(None, &others).is_ok() {
        let _ = sched_setaffinity(None, &all);
    }
}

/// The CPU the calling thread runs on, from /proc (`None` if it cannot be read): the 39th field of its `stat`,
/// counted after the command name, which ends at the last `)` and may hold spaces. Not `getcpu` through the vDSO
/// (rustix): rustix finds the vDSO through /proc/self/auxv, and where that names a vDSO the process does not
/// have mapped (under valgrind) the lookup crashed the process.
fn current_cpu() -> Option<usize> {
    use std::io::Read;
    // A `stat` line is about 300 bytes (the command name is at most 16): what is past this bound is not read.
    const MAX_STAT: u64 = 4096;
    let mut stat = Vec::new();
    File::open("/proc/thread-self/stat")
        .ok()?
        .take(MAX_STAT)
        .read_to_end(&mut stat)
        .ok()?;
    cpu_in_stat(&stat)
}

fn cpu_in_stat(stat: &[u8]) -> Option<usize> {
    let after = stat.iter().rposition(|&b| b == b')')?;
    let fields = std::str::from_utf8(&stat[after + 1..]).ok()?;
    // Fields 3 onwards; the CPU is field 39.
    fields.split_ascii_whitespace().nth(39 - 3)?.parse().ok()
}

/// The files found so far and not yet taken, with their place in the list.
#[derive(Default)]
struct Queue {
    state: Mutex<Listed>,
    ready: Condvar,
}

#[derive(Default)]
struct Listed {
    files: VecDeque<(usize, PathBuf)>,
    /// The list is complete.
    ended: bool,
    /// Threads waiting for a file: only then is there anyone to wake (a wake is a system call, which the walk
    /// would otherwise make for every file).
    waiting: usize,
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Listed> {
        // A thread that panicked holding the lock left the queue whole (it only pushes and pops).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn give(&self, i: usize, path: PathBuf) {
        let mut q = self.lock();
        q.files.push_back((i, path));
        if q.waiting > 0 {
            self.ready.notify_one();
        }
    }

    fn end(&self) {
        self.lock().ended = true;
        self.ready.notify_all();
    }

    /// The next file, waiting for the walk to find one; `None` once the list is complete and taken.
    fn take(&self) -> Option<(usize, PathBuf)> {
        let mut q = self.lock();
        loop {
            if let Some(f) = q.files.pop_front() {
                return Some(f);
            }
            if q.ended {
                return None;
            }
            q.waiting += 1;
            q = self.ready.wait(q).unwrap_or_else(|e| e.into_inner());
            q.waiting -= 1;
        }
    }
}

/// How many threads `inspect` uses by default: one per core it may run on, at most [`MAX_JOBS`].
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_JOBS)
}

/// What reading one file gave.
#[allow(clippy::large_enum_variant)] // one per file, returned and consumed at once
pub enum Inspected {
    Done {
        size: u64,
        result: Result<static_build_core::Binary, static_build_core::InspectError>,
    },
    /// The file could not be opened or read: why.
    Unreadable(String),
}

/// Inspect one file, reading only what the inspector asks for: a multi-gigabyte file costs what a small one
/// does.
pub fn inspect_file(path: &Path, options: InspectOptions) -> Inspected {
    inspect_in(path, options, &mut Arena::new())
}

/// Inspect one file with `pread` into `arena` (reset after): the blocks and pieces the inspector asks for,
/// and nothing else.
fn inspect_in(path: &Path, options: InspectOptions, arena: &mut Arena) -> Inspected {
    let file = match open(path) {
        Ok(f) => f,
        Err(e) => return Inspected::Unreadable(format!("cannot open: {}", io_reason(&e))),
    };
    let source = match PreadSource::new(file) {
        Ok(s) => s,
        Err(e) => return Inspected::Unreadable(format!("cannot read: {}", io_reason(&e))),
    };
    let size = source.len();
    let result = {
        let reader = ArenaReader::new(source, arena);
        inspect_with(&reader, options)
    };
    arena.reset();
    Inspected::Done { size, result }
}

/// `path` opened for reading in one system call: musl's `open` follows `O_CLOEXEC` with an `fcntl` (816 more
/// calls over /usr/bin). Without blocking: should a FIFO have taken a listed file's place, the open does
/// not wait for a writer (a regular file's reads ignore the flag).
fn open(path: &Path) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK;
    Ok(File::from(rustix::fs::open(path, flags, Mode::empty())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_is_read_past_a_command_name_with_spaces_and_parentheses() {
        let fields: Vec<String> = (3..=52).map(|f| f.to_string()).collect();
        let stat = format!("4242 (a) b (c)) {}\n", fields.join(" "));
        assert_eq!(cpu_in_stat(stat.as_bytes()), Some(39));
        assert_eq!(cpu_in_stat(b"4242 (x) R 1 2"), None);
        assert_eq!(cpu_in_stat(b"no parenthesis"), None);
    }

    /// The nudge leaves a thread free to run on every CPU it could run on before, whether it moved or not, and
    /// does nothing to a thread that may run on one CPU only.
    #[test]
    fn a_helper_moved_off_the_caller_s_cpu_is_not_pinned() {
        use rustix::thread::{sched_getaffinity, sched_setaffinity, CpuSet};
        std::thread::spawn(|| {
            let all = sched_getaffinity(None).unwrap();
            let here = current_cpu().unwrap();
            assert!(all.is_set(here), "{here}");
            move_off(Some(here));
            assert!(sched_getaffinity(None).unwrap() == all);
            let mut one = CpuSet::new();
            one.set(current_cpu().unwrap());
            sched_setaffinity(None, &one).unwrap();
            move_off(current_cpu());
            assert!(sched_getaffinity(None).unwrap() == one);
            // The field read is the CPU: a thread allowed one CPU at a time is found on it.
            for cpu in (0..CpuSet::MAX_CPU).filter(|&c| all.is_set(c)) {
                let mut only = CpuSet::new();
                only.set(cpu);
                sched_setaffinity(None, &only).unwrap();
                assert_eq!(current_cpu(), Some(cpu));
            }
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_fifo_in_a_listed_file_s_place_is_not_waited_on() {
        // The walk saw a regular file; by the time it is opened, a FIFO with no writer has taken its place.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("was-a-file");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(inspect_file(&fifo, InspectOptions::default()));
        });
        let got = rx.recv_timeout(std::time::Duration::from_secs(10));
        // Inspected as what it holds (nothing), without waiting for a writer.
        assert!(
            matches!(
                got,
                Ok(Inspected::Done {
                    size: 0,
                    result: Err(_)
                })
            ),
            "the open waited for a writer, or the entry is wrong"
        );
    }

    #[test]
    fn entries_come_back_in_the_order_of_the_list_with_what_each_made() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for i in 0..40 {
            let p = dir.path().join(format!("f{i:02}"));
            std::fs::write(&p, format!("not an ELF file {i}")).unwrap();
            files.push(p);
        }
        files.push(dir.path().join("missing"));
        let policy = Policy::default();
        for jobs in [1, 2, 3, 64] {
            let list = files.clone();
            let done = inspect_all(
                move |sink| list.into_iter().for_each(sink),
                InspectOptions::default(),
                &policy,
                jobs,
                |e| e.path.clone(),
            );
            assert_eq!(done.len(), files.len(), "{jobs} jobs");
            for ((entry, made), path) in done.iter().zip(&files) {
                assert_eq!(entry.path, display(path));
                assert_eq!(made, &entry.path);
            }
            let last = &done.last().unwrap().0;
            assert!(matches!(
                last.outcome,
                static_build_core::Outcome::Error { .. }
            ));
        }
        // Files handed over while the walk goes on are inspected as they come, in the list's order.
        let slow = files.clone();
        let done = inspect_all(
            move |sink| {
                for f in slow {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    sink(f);
                }
            },
            InspectOptions::default(),
            &policy,
            3,
            |e| e.path.clone(),
        );
        let made: Vec<&String> = done.iter().map(|(_, p)| p).collect();
        let want: Vec<String> = files.iter().map(|p| display(p)).collect();
        assert_eq!(made, want.iter().collect::<Vec<_>>());
        // A walk that panics ends the list: the helpers stop instead of waiting for ever, and the panic
        // reaches the caller.
        let some = files[..3].to_vec();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            inspect_all(
                move |sink| {
                    some.into_iter().for_each(&mut *sink);
                    panic!("the walk failed");
                },
                InspectOptions::default(),
                &policy,
                4,
                |_| (),
            )
        }));
        assert!(panicked.is_err());
        // Nothing to inspect: no entry, and no thread waits for ever.
        let done = inspect_all(|_| {}, InspectOptions::default(), &policy, 8, |_| ());
        assert!(done.is_empty());
    }
}
