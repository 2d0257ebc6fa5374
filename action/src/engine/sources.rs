//! Sending the project into a build container with the modification times its cache volume's last build saw
//! (core `sources`): a fresh checkout over a restored cache rebuilds what changed, not everything.

use static_build_core::limits::MAX_SOURCE_LEDGER;
use static_build_core::sources::{carry_times, SourceFile, SourceLedger, LEDGER_PATH};

use super::archive::append_dir;
use super::*;

impl Engine {
    /// Upload the project into the created container `name`. With a cache volume, the files get the times
    /// of the volume's ledger and the new ledger goes into the volume; a ledger that cannot be read is said
    /// in the log and the files keep their own times.
    pub(super) async fn send_project(
        &self,
        name: &str,
        target: &TargetPlan,
        project: &ProjectTar,
    ) -> Result<()> {
        let t = &target.target;
        let mut retimed = None;
        let mut ledger = None;
        if target.cache_volume.is_some() && project.files.len() <= MAX_SOURCE_LEDGER_FILES {
            let previous = match self.read_ledger(name).await {
                Ok(previous) => previous,
                Err(why) => {
                    self.progress.target_line(
                        t,
                        &format!("sources: the ledger in the cache volume is not used ({why}); the files keep their own times"),
                    );
                    None
                }
            };
            let (times, carried) = carry_times(&project.files, previous.as_ref(), unix_now());
            if previous.is_some() {
                self.progress.target_line(
                    t,
                    &format!(
                        "sources: {} unchanged since the last build in this cache volume (their times kept), {} changed, {} new",
                        carried.kept, carried.changed, carried.new
                    ),
                );
            }
            retimed = project
                .retimed(&times)
                .with_context(|| format!("{t}: cannot write the project archive"))?;
            ledger = Some(ledger_tar(&project.files, &times)?);
        }
        let path = retimed
            .as_ref()
            .map(|f| f.path())
            .unwrap_or_else(|| project.path());
        // Streamed from the file, never held in memory.
        let file = tokio::fs::File::open(path)
            .await
            .with_context(|| format!("{t}: cannot read the project archive"))?;
        let body = bollard::body_try_stream(tokio_util::io::ReaderStream::new(file));
        let upload = UploadToContainerOptionsBuilder::new().path("/").build();
        self.docker
            .upload_to_container(name, Some(upload), body)
            .await
            .with_context(|| format!("{t}: cannot copy the project into the container"))?;
        if let Some(ledger) = ledger {
            let upload = UploadToContainerOptionsBuilder::new().path("/").build();
            self.docker
                .upload_to_container(name, Some(upload), bollard::body_full(ledger.into()))
                .await
                .with_context(|| {
                    format!("{t}: cannot write the source ledger into the cache volume")
                })?;
        }
        Ok(())
    }

    /// The ledger in the cache volume of the created container `name`: `None` when there is none (a new
    /// volume, or one of an earlier static-build).
    async fn read_ledger(&self, name: &str) -> Result<Option<SourceLedger>, String> {
        let path = format!("{CACHE_DIR}/{LEDGER_PATH}");
        let options = DownloadFromContainerOptionsBuilder::new()
            .path(&path)
            .build();
        let mut stream = self.docker.download_from_container(name, Some(options));
        // The tar of one file: its header blocks and its content, padded.
        let limit = MAX_SOURCE_LEDGER + 64 * 1024;
        let mut tar = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(bytes) => {
                    if tar.len() + bytes.len() > limit {
                        return Err(format!("over {MAX_SOURCE_LEDGER} bytes"));
                    }
                    tar.extend_from_slice(&bytes);
                }
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 404, ..
                }) => return Ok(None),
                Err(e) => return Err(one_line(&e.to_string()).into_owned()),
            }
        }
        let mut archive = tar::Archive::new(tar.as_slice());
        let mut entries = archive.entries().map_err(|e| e.to_string())?;
        let mut entry = match entries.next() {
            Some(Ok(entry)) if entry.header().entry_type().is_file() => entry,
            _ => return Err("it is not a regular file".into()),
        };
        let mut json = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut json).map_err(|e| e.to_string())?;
        SourceLedger::from_json(&json)
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

/// A tar that writes the ledger of `files` with the times `times` into the cache volume (uploaded at `/`).
fn ledger_tar(files: &[SourceFile], times: &[u64]) -> Result<Vec<u8>> {
    let ledger = SourceLedger::new(
        files
            .iter()
            .zip(times)
            .map(|(f, &mtime)| SourceFile { mtime, ..f.clone() })
            .collect(),
    );
    let json = ledger.to_json();
    let path = format!("{}/{LEDGER_PATH}", CACHE_DIR.trim_start_matches('/'));
    let mut builder = tar::Builder::new(Vec::new());
    let parent = path.rsplit_once('/').map(|(d, _)| d).unwrap_or(&path);
    append_dir(&mut builder, &format!("{parent}/"))?;
    let mut header = tar::Header::new_gnu();
    header.set_mode(0o644);
    header.set_size(json.len() as u64);
    header.set_mtime(unix_now());
    builder.append_data(&mut header, &path, json.as_slice())?;
    Ok(builder.into_inner()?)
}
