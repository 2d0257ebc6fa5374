//! Getting `File`s from the browser (picker, drop, dropped folders) and saving an export.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry};

/// At most this many files are taken from dropped folders (a dropped home directory must not hang the page).
pub use static_build_core::limits::MAX_FOLDER_FILES;

/// The files of a picker's list, named by their path inside a picked folder when there is one.
pub fn from_list(list: &FileList) -> Vec<(String, File)> {
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|f| {
            // `webkitRelativePath` (set when a folder was picked) is not in web-sys' `File`.
            let rel = js_sys::Reflect::get(&f, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let name = if rel.is_empty() { f.name() } else { rel };
            (name, f)
        })
        .collect()
}

/// What a drop holds: the files to add now, and the folders still to walk. The entries must be taken while
/// the drop event runs (the browser empties the `DataTransfer` afterwards).
pub fn from_drop(dt: &DataTransfer) -> (Vec<(String, File)>, Vec<FileSystemDirectoryEntry>) {
    let mut files = Vec::new();
    let mut folders = Vec::new();
    let items = dt.items();
    let mut took_items = false;
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        if item.kind() != "file" {
            continue;
        }
        took_items = true;
        let entry = item.webkit_get_as_entry().ok().flatten();
        if let Some(dir) = entry
            .as_ref()
            .filter(|e| e.is_directory())
            .and_then(|e| e.clone().dyn_into::<FileSystemDirectoryEntry>().ok())
        {
            folders.push(dir);
        } else if let Ok(Some(file)) = item.get_as_file() {
            files.push((file.name(), file));
        }
    }
    if !took_items {
        // Browsers without `items`: the flat list.
        if let Some(list) = dt.files() {
            files = from_list(&list);
        }
    }
    (files, folders)
}

/// Walk dropped folders (depth first, in the order the browser gives) and hand every file found to `done`
/// once, named by its path from the dropped folder.
pub fn walk_folders(
    folders: Vec<FileSystemDirectoryEntry>,
    done: impl FnOnce(Result<Vec<(String, File)>, String>) + 'static,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut found = Vec::new();
        let mut stack: Vec<FileSystemEntry> = folders.into_iter().map(Into::into).collect();
        let mut truncated = false;
        while let Some(entry) = stack.pop() {
            if found.len() >= MAX_FOLDER_FILES {
                truncated = true;
                break;
            }
            if entry.is_directory() {
                let Ok(dir) = entry.dyn_into::<FileSystemDirectoryEntry>() else {
                    continue;
                };
                match read_all_entries(&dir).await {
                    Ok(mut children) => {
                        children.reverse();
                        stack.extend(children);
                    }
                    Err(e) => return done(Err(format!("Could not read a folder: {e}"))),
                }
            } else if entry.is_file() {
                let path = entry.full_path();
                let name = path.trim_start_matches('/').to_string();
                match entry_file(&entry).await {
                    Ok(file) => found.push((name, file)),
                    Err(e) => return done(Err(format!("Could not open {name}: {e}"))),
                }
            }
        }
        if truncated {
            web_sys::console::warn_1(
                &format!("static-build: only the first {MAX_FOLDER_FILES} files of the folder")
                    .into(),
            );
        }
        done(Ok(found));
    });
}

/// All entries of a directory (`readEntries` answers in batches until it returns an empty one).
async fn read_all_entries(dir: &FileSystemDirectoryEntry) -> Result<Vec<FileSystemEntry>, String> {
    let reader = dir.create_reader();
    let mut all = Vec::new();
    loop {
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            if let Err(e) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        });
        let batch = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| crate::worker::js_message(&e))?;
        let batch: js_sys::Array = batch.unchecked_into();
        if batch.length() == 0 {
            return Ok(all);
        }
        all.extend(
            batch
                .iter()
                .filter_map(|v| v.dyn_into::<FileSystemEntry>().ok()),
        );
    }
}

async fn entry_file(entry: &FileSystemEntry) -> Result<File, String> {
    let entry: web_sys::FileSystemFileEntry = entry.clone().unchecked_into();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| crate::worker::js_message(&e))?
        .dyn_into::<File>()
        .map_err(|_| "not a file".to_string())
}

/// Save `text` as a file named `name` through a temporary object URL (no network).
pub fn download(text: &str, name: &str, mime: &str) -> Result<(), String> {
    let err = |e: JsValue| crate::worker::js_message(&e);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoked later: revoking at once can cancel the save in some browsers.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
