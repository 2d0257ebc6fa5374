//! The sticky pull-request comment, over REST only (Gitea and Forgejo have no GraphQL).

use std::collections::HashSet;

use http::Method;
use serde_json::{json, Value};

use super::client::{Client, Failure};
use super::Kind;

/// GitHub answers 422 "Body is too long (maximum is 65536 characters)"; Gitea has no documented limit,
/// the same cap keeps the two alike.
pub(crate) const MAX_COMMENT_CHARS: usize = 65_536;
/// Pages of comments read at most (GitHub: 100 a page, Gitea: 50).
const MAX_PAGES: u32 = 100;
const GITHUB_PER_PAGE: usize = 100;
/// Gitea's default `MAX_RESPONSE_ITEMS`.
const GITEA_LIMIT: usize = 50;

/// One comment of the listing, with only what the search needs.
#[derive(Debug, Clone)]
struct Listed {
    id: u64,
    body: String,
    login: String,
    is_bot: bool,
}

impl Listed {
    fn from_json(value: &Value) -> Option<Listed> {
        let id = value.get("id")?.as_u64()?;
        let body = value
            .get("body")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let user = value.get("user");
        let login = user
            .and_then(|u| u.get("login"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let is_bot = user
            .and_then(|u| u.get("type"))
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("bot"));
        Some(Listed {
            id,
            body,
            login,
            is_bot,
        })
    }
}

/// Create the comment or edit ours in place; Ok says which, with the comment's address.
pub(crate) async fn sticky(
    client: &Client,
    repo_path: &str,
    number: u64,
    marker: &str,
    comment: &str,
) -> Result<String, Failure> {
    let body = comment_body(comment, marker);
    let existing = list(client, repo_path, number).await?;
    if let Some(id) = find_ours(&existing, marker, client.kind) {
        let path = client.path(&format!("{repo_path}/issues/comments/{id}"));
        match client
            .send(Method::PATCH, &path, Some(&json!({ "body": body })))
            .await
        {
            Ok(reply) => {
                let (id, url) = id_and_url(&reply.json()?, Some(id))?;
                return Ok(format!("updated comment {id}: {url}"));
            }
            // Someone else's comment (or gone since the listing): post our own instead.
            Err(Failure::Status { status, .. }) if status == 403 || status == 404 => {}
            Err(other) => return Err(other),
        }
    }
    let path = client.path(&format!("{repo_path}/issues/{number}/comments"));
    let reply = client
        .send(Method::POST, &path, Some(&json!({ "body": body })))
        .await?;
    let (id, url) = id_and_url(&reply.json()?, None)?;
    Ok(format!("created comment {id}: {url}"))
}

fn id_and_url(value: &Value, expected: Option<u64>) -> Result<(u64, String), Failure> {
    let id = value
        .get("id")
        .and_then(Value::as_u64)
        .or(expected)
        .ok_or_else(|| Failure::Response("the comment has no id".to_string()))?;
    // Shown to the user: the address must be a plain http(s) URL, nothing else gets through.
    let url = value
        .get("html_url")
        .and_then(Value::as_str)
        .filter(|u| {
            (u.starts_with("https://") || u.starts_with("http://"))
                && u.len() <= 2048
                && !u.chars().any(|c| c.is_whitespace() || c.is_control())
        })
        .unwrap_or("(no address given)");
    Ok((id, url.to_string()))
}

/// The comment followed by the marker line; over the limit, the comment is cut on a character boundary
/// with a note, and the marker stays.
pub(crate) fn comment_body(comment: &str, marker: &str) -> String {
    let full = format!("{comment}\n\n{marker}");
    if full.chars().count() <= MAX_COMMENT_CHARS {
        return full;
    }
    let note = "\n\n**Report truncated**: it is longer than a pull-request comment may be; \
                the full report is in the job summary.";
    let tail = format!("\n\n{marker}");
    let keep = MAX_COMMENT_CHARS.saturating_sub(note.chars().count() + tail.chars().count());
    let cut = comment
        .char_indices()
        .nth(keep)
        .map_or(comment.len(), |(i, _)| i);
    format!("{}{note}{tail}", &comment[..cut])
}

/// Ours: a comment with the marker as one of its lines. The Actions bot's (or any bot's) comments are
/// preferred over a person's; among equals the oldest (lowest id) wins.
fn find_ours(comments: &[Listed], marker: &str, kind: Kind) -> Option<u64> {
    let marker = marker.trim();
    let actions_login = match kind {
        Kind::GitHub => "github-actions[bot]",
        Kind::Gitea | Kind::Forgejo => "gitea-actions",
    };
    comments
        .iter()
        .filter(|c| c.body.lines().any(|line| line.trim() == marker))
        .min_by_key(|c| {
            let by_bot = c.is_bot || c.login == actions_login;
            (!by_bot, c.id)
        })
        .map(|c| c.id)
}

/// All comments of the pull request, page by page.
async fn list(client: &Client, repo_path: &str, number: u64) -> Result<Vec<Listed>, Failure> {
    let route = client.path(&format!("{repo_path}/issues/{number}/comments"));
    let mut all = Vec::new();
    let mut seen = HashSet::new();
    match client.kind {
        Kind::GitHub => {
            let mut next = Some(format!("{route}?per_page={GITHUB_PER_PAGE}&page=1"));
            let mut pages = 0;
            while let Some(url) = next.take() {
                pages += 1;
                let reply = client.send(Method::GET, &url, None).await?;
                for c in page_items(&reply.json()?)? {
                    if seen.insert(c.id) {
                        all.push(c);
                    }
                }
                if pages < MAX_PAGES {
                    next = client.next_link(&reply.headers);
                }
            }
        }
        Kind::Gitea | Kind::Forgejo => {
            // Some Gitea versions ignore page/limit here and send everything every time: a page with
            // nothing new ends the listing as surely as a short one.
            for page in 1..=MAX_PAGES {
                let url = format!("{route}?page={page}&limit={GITEA_LIMIT}");
                let reply = client.send(Method::GET, &url, None).await?;
                let items = page_items(&reply.json()?)?;
                let count = items.len();
                let mut new = 0;
                for c in items {
                    if seen.insert(c.id) {
                        all.push(c);
                        new += 1;
                    }
                }
                if count < GITEA_LIMIT || new == 0 {
                    break;
                }
            }
        }
    }
    Ok(all)
}

fn page_items(value: &Value) -> Result<Vec<Listed>, Failure> {
    let items = value
        .as_array()
        .ok_or_else(|| Failure::Response("the comment list is not a JSON array".to_string()))?;
    Ok(items.iter().filter_map(Listed::from_json).collect())
}

#[cfg(test)]
mod unit {
    use super::*;

    fn listed(id: u64, body: &str, login: &str, is_bot: bool) -> Listed {
        Listed {
            id,
            body: body.to_string(),
            login: login.to_string(),
            is_bot,
        }
    }

    #[test]
    fn forge_marker_must_be_a_whole_line() {
        let marker = "<!-- static-build: ci.yml/build -->";
        let comments = [
            listed(
                1,
                "quoting <!-- static-build: ci.yml/build --> inline",
                "a",
                false,
            ),
            listed(
                2,
                "x\n\n<!-- static-build: ci.yml/build-2 -->",
                "github-actions[bot]",
                true,
            ),
        ];
        assert_eq!(find_ours(&comments, marker, Kind::GitHub), None);
    }

    #[test]
    fn forge_prefers_actions_bot_then_oldest() {
        let marker = "<!-- m -->";
        let body = "report\n\n<!-- m -->";
        let comments = [
            listed(3, body, "alice", false),
            listed(9, body, "gitea-actions", false),
            listed(7, body, "gitea-actions", false),
        ];
        assert_eq!(find_ours(&comments, marker, Kind::Gitea), Some(7));
        // On GitHub the Gitea login means nothing, so the oldest of all wins.
        assert_eq!(find_ours(&comments, marker, Kind::GitHub), Some(3));
        let people = [
            listed(5, body, "bob", false),
            listed(4, body, "alice", false),
        ];
        assert_eq!(find_ours(&people, marker, Kind::GitHub), Some(4));
    }

    #[test]
    fn forge_truncation_keeps_marker_and_char_boundaries() {
        let marker = "<!-- static-build: ci.yml/build -->";
        let short = comment_body("hello", marker);
        assert_eq!(short, format!("hello\n\n{marker}"));

        // Multi-byte characters all the way: a byte-based cut would panic or split one.
        let long = "é€".repeat(40_000);
        let body = comment_body(&long, marker);
        assert_eq!(body.chars().count(), MAX_COMMENT_CHARS);
        assert!(body.ends_with(&format!("\n\n{marker}")));
        assert!(body.contains("full report is in the job summary"));
        assert!(body.starts_with("é€é€"));
    }
}
