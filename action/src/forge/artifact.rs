//! The base branch's report, found in a workflow artifact: the regression view of a pull request without a
//! report file at hand.
//!
//! GitHub (REST API 2022-11-28, tests/fixtures/api/github.json):
//! 1. `GET /repos/{o}/{r}/actions/artifacts?name=NAME&per_page=100` (actions/list-artifacts-for-repo),
//!    following `Link: rel="next"` for at most five pages. The artifact taken is the newest (`created_at`,
//!    then the highest id) that is not `expired`, whose `workflow_run.head_branch` is the pull request's
//!    base branch, and whose run was of this repository (`head_repository_id == repository_id`: a fork's
//!    branch can be called `main` too).
//! 2. `GET /repos/{o}/{r}/actions/artifacts/{id}/zip` (actions/download-artifact). GitHub answers 302 with a
//!    short-lived signed address on a storage host; that one is fetched **without** the Authorization
//!    header. A 200 with the archive itself is taken as well.
//! 3. The first entry of the zip whose file name is exactly `static-build-report.json`, at the top or in a
//!    folder. The archive is read in memory and nothing is written to disk, so entry paths cannot point
//!    anywhere; still, everything is bounded: 50 MiB of download, 10,000 entries, 64 MiB of report, no
//!    encrypted entries, only stored or deflated ones.
//!
//! Gitea and Forgejo: the Gitea API description static-build is checked against (templates/swagger/
//! v1_json.tmpl at 67ce9ca) has no artifact operations, so they get a clear message instead of a guess.
//!
//! Every failure is a message for one warning ("no regression view: …"); none fails the job.

use std::io::{Cursor, Read};

use http::Method;
use serde_json::Value;

use super::client::{Client, Download, Failure};
use super::sanitize::sanitize;
use super::{split_repository, Context, Settings};

pub(crate) use static_build_core::limits::{
    MAX_ARTIFACT_ENTRIES as MAX_ENTRIES, MAX_ARTIFACT_ZIP as MAX_ZIP,
    MAX_REPORT_BYTES as MAX_REPORT,
};
/// The file the report is taken from.
pub use static_build_core::REPORT_FILE;
/// Pages of 100 artifacts read at most.
const MAX_PAGES: u32 = 5;
const PER_PAGE: u32 = 100;

/// The base report as found: its bytes (still to be parsed) and where they came from.
#[derive(Debug)]
pub struct BaseReport {
    pub json: Vec<u8>,
    /// E.g. "artifact static-build-report (id 12, run 34 on main)".
    pub source: String,
}

/// Find, download and unpack the newest artifact `name` of the base branch; Err is the reason, already fit
/// for a log line.
pub async fn base_report(ctx: &Context, name: &str) -> Result<BaseReport, String> {
    let settings = Settings::from_env(&|name| std::env::var(name).ok());
    base_report_with(ctx, name, &settings).await
}

pub(crate) async fn base_report_with(
    ctx: &Context,
    name: &str,
    settings: &Settings,
) -> Result<BaseReport, String> {
    if ctx.kind.is_gitea_like() {
        return Err(format!(
            "--base-artifact needs the GitHub artifacts API; the Gitea API description static-build \
             follows has none for {}. Download the base branch's report yourself and pass it with \
             --base-report (input base-report)",
            ctx.kind.name()
        ));
    }
    let token = ctx.token.as_deref().ok_or_else(|| {
        "no token to read the base branch's artifact with (STATIC_BUILD_TOKEN or GITHUB_TOKEN)"
            .to_string()
    })?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 256 || name.chars().any(char::is_control) {
        return Err(format!(
            "{:?} is not an artifact name",
            sanitize(name, token)
        ));
    }
    let Some(base_ref) = ctx.base_ref.as_deref() else {
        return Err(
            "the pull request's base branch is unknown (GITHUB_BASE_REF is set on pull_request events \
             only); pass the base report with --base-report"
                .to_string(),
        );
    };
    let Some((owner, repo)) = split_repository(&ctx.repository) else {
        return Err(format!(
            "GITHUB_REPOSITORY is not of the form owner/name ({:?})",
            sanitize(&ctx.repository, token)
        ));
    };
    let client = Client::new(ctx.kind, &ctx.api_url, token, settings.clone())?;
    let repo_path = format!("/repos/{owner}/{repo}");

    let chosen = newest(&client, &repo_path, name, base_ref)
        .await?
        .ok_or_else(|| {
            format!(
                "no unexpired artifact {:?} from a run on {:?} in this repository (the default branch's \
                 workflow has to upload it, and artifacts expire)",
                sanitize(name, token),
                sanitize(base_ref, token)
            )
        })?;
    if chosen.size.is_some_and(|s| s > MAX_ZIP as u64) {
        return Err(format!(
            "artifact {} is {} MiB, more than the {} MiB static-build downloads",
            chosen.id,
            chosen.size.unwrap_or(0) >> 20,
            MAX_ZIP >> 20
        ));
    }
    let archive = download(&client, &repo_path, chosen.id).await?;
    let json = extract_report(&archive).map_err(|e| format!("artifact {}: {e}", chosen.id))?;
    let run = chosen
        .run_id
        .map(|r| format!("run {r} on "))
        .unwrap_or_default();
    Ok(BaseReport {
        json,
        source: format!(
            "artifact {} (id {}, {run}{})",
            sanitize(name, token),
            chosen.id,
            sanitize(base_ref, token)
        ),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    id: u64,
    /// RFC 3339 in UTC (`…Z`), compared as text; empty when missing or in another form.
    created_at: String,
    size: Option<u64>,
    run_id: Option<u64>,
}

/// Whether a listed artifact qualifies, and as what.
fn candidate(item: &Value, name: &str, base_ref: &str) -> Option<Candidate> {
    if item.get("name").and_then(Value::as_str) != Some(name) {
        return None;
    }
    if item.get("expired").and_then(Value::as_bool) != Some(false) {
        return None;
    }
    let run = item.get("workflow_run")?;
    if run.get("head_branch").and_then(Value::as_str) != Some(base_ref) {
        return None;
    }
    let repository = run.get("repository_id").and_then(Value::as_u64);
    let head_repository = run.get("head_repository_id").and_then(Value::as_u64);
    if let (Some(a), Some(b)) = (repository, head_repository) {
        if a != b {
            return None;
        }
    }
    let created_at = item
        .get("created_at")
        .and_then(Value::as_str)
        .filter(|t| is_utc_timestamp(t))
        .unwrap_or_default()
        .to_string();
    Some(Candidate {
        id: item.get("id").and_then(Value::as_u64)?,
        created_at,
        size: item.get("size_in_bytes").and_then(Value::as_u64),
        run_id: run.get("id").and_then(Value::as_u64),
    })
}

/// `2024-01-31T12:00:00Z`, optionally with fractions: the form in which text order is time order.
fn is_utc_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let fixed = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    let rest = t.get(19..).unwrap_or("");
    let rest = rest.strip_suffix('Z');
    fixed
        && match rest {
            Some("") => true,
            Some(frac) => {
                frac.len() > 1
                    && frac.starts_with('.')
                    && frac[1..].bytes().all(|c| c.is_ascii_digit())
            }
            None => false,
        }
}

/// The newest qualifying artifact over at most `MAX_PAGES` pages of the listing.
async fn newest(
    client: &Client,
    repo_path: &str,
    name: &str,
    base_ref: &str,
) -> Result<Option<Candidate>, String> {
    let mut path = client.path(&format!(
        "{repo_path}/actions/artifacts?name={}&per_page={PER_PAGE}&page=1",
        query_escape(name)
    ));
    let mut best: Option<Candidate> = None;
    for _ in 0..MAX_PAGES {
        let reply = client
            .send(Method::GET, &path, None)
            .await
            .map_err(|f| describe(&f, "list the repository's artifacts"))?;
        let listing = reply.json().map_err(|f| f.to_string())?;
        let items = listing
            .get("artifacts")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                "unexpected answer from the API: the listing has no artifacts".to_string()
            })?;
        for c in items.iter().filter_map(|i| candidate(i, name, base_ref)) {
            let newer = best
                .as_ref()
                .is_none_or(|b| (&c.created_at, c.id) > (&b.created_at, b.id));
            if newer {
                best = Some(c);
            }
        }
        match client.next_link(&reply.headers) {
            Some(next) => path = next,
            None => break,
        }
    }
    Ok(best)
}

/// The archive: straight from the API, or from where it redirects to, without the token.
async fn download(client: &Client, repo_path: &str, id: u64) -> Result<Vec<u8>, String> {
    let path = client.path(&format!("{repo_path}/actions/artifacts/{id}/zip"));
    let what = "download the artifact";
    let bytes = match client.download(&path, MAX_ZIP).await {
        Ok(Download::Body(bytes)) => bytes,
        Ok(Download::Redirect(target)) => client
            .fetch_plain(target, MAX_ZIP)
            .await
            .map_err(|f| format!("could not {what} from its storage: {f}"))?,
        Err(Failure::Status { status: 410, .. }) => {
            return Err(format!("artifact {id} has expired (HTTP 410)"));
        }
        Err(f) => return Err(describe(&f, what)),
    };
    Ok(bytes.to_vec())
}

/// 403/404 on GitHub mean the token lacks `actions: read` (or the artifact is gone).
fn describe(failure: &Failure, what: &str) -> String {
    match failure {
        Failure::Status { status, message } if *status == 403 || *status == 404 => format!(
            "the token may not {what} (HTTP {status}: {message}); the job needs `permissions: actions: read`"
        ),
        other => format!("could not {what}: {other}"),
    }
}

/// Percent-encoding for a query value: unreserved characters stay, every other byte is %XX.
fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The report out of an artifact archive held in memory.
pub(crate) fn extract_report(archive: &[u8]) -> Result<Vec<u8>, String> {
    let entries = declared_entries(archive)?;
    if entries > MAX_ENTRIES {
        return Err(format!(
            "the archive declares {entries} entries, more than the {MAX_ENTRIES} static-build reads"
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(archive))
        .map_err(|e| format!("not a zip archive ({e})"))?;
    let index = (0..zip.len())
        .find(|&i| {
            zip.by_index_data(i).is_ok_and(|entry| {
                let name = entry.name_raw();
                let file = name.rsplit(|&b| b == b'/').next().unwrap_or(name);
                file == REPORT_FILE.as_bytes() && !entry.is_dir()
            })
        })
        .ok_or_else(|| format!("the archive holds no {REPORT_FILE}"))?;
    {
        let entry = zip
            .by_index_data(index)
            .map_err(|e| format!("cannot read the archive ({e})"))?;
        if entry.encrypted() {
            return Err(format!("{REPORT_FILE} in the archive is encrypted"));
        }
        match entry.compression() {
            zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated => {}
            other => {
                return Err(format!(
                    "{REPORT_FILE} in the archive is compressed with {other:?}, which static-build does not read"
                ))
            }
        }
        if entry.size() > MAX_REPORT {
            return Err(too_big());
        }
    }
    let file = zip
        .by_index(index)
        .map_err(|e| format!("cannot read {REPORT_FILE} in the archive ({e})"))?;
    let mut json = Vec::new();
    // The declared size can lie: the limit holds whatever the stream inflates to.
    file.take(MAX_REPORT + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("cannot unpack {REPORT_FILE} ({e})"))?;
    if json.len() as u64 > MAX_REPORT {
        return Err(too_big());
    }
    Ok(json)
}

fn too_big() -> String {
    format!(
        "{REPORT_FILE} in the archive unpacks to more than {} MiB (refused: a report is never that large)",
        MAX_REPORT >> 20
    )
}

/// The entry count of the end-of-central-directory record (the last one in the file), read before the
/// zip reader loads the central directory into memory. ZIP64 counts (0xFFFF) are refused: an archive of at
/// most 50 MiB holding a report never needs them.
fn declared_entries(archive: &[u8]) -> Result<usize, String> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const EOCD_LEN: usize = 22;
    if archive.len() < EOCD_LEN {
        return Err("not a zip archive (too short)".to_string());
    }
    let earliest = archive.len().saturating_sub(EOCD_LEN + u16::MAX as usize);
    let start = (earliest..=archive.len() - EOCD_LEN)
        .rev()
        .find(|&i| archive[i..i + 4] == EOCD)
        .ok_or_else(|| "not a zip archive (no end of central directory)".to_string())?;
    let total = u16::from_le_bytes([archive[start + 10], archive[start + 11]]);
    if total == u16::MAX {
        return Err("the archive is a ZIP64 archive, which static-build does not read".to_string());
    }
    Ok(usize::from(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_that_sort_as_text() {
        assert!(is_utc_timestamp("2024-01-31T12:00:00Z"));
        assert!(is_utc_timestamp("2024-01-31T12:00:00.123Z"));
        for bad in [
            "2024-01-31T12:00:00+01:00",
            "2024-01-31 12:00:00Z",
            "2024-01-31T12:00:00.Z",
            "yesterday",
            "",
        ] {
            assert!(!is_utc_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn query_values_are_escaped() {
        assert_eq!(
            query_escape("static-build_report.1~"),
            "static-build_report.1~"
        );
        assert_eq!(query_escape("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}
