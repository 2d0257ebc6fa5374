//! A fake forge, for the forge client's tests (static-build's `forge` unit tests and its publish test):
//! a small HTTP/1.1 server on 127.0.0.1 that holds comments, check runs, statuses and workflow
//! artifacts, and checks every request against the contract fixture (tests/fixtures/api/*.json), which
//! transcribes the public API descriptions. Anything off the contract is recorded as a violation; failures
//! can be scripted. A second server stands for the storage host an artifact download redirects to; it
//! records whether a request to it carried an Authorization header.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    GitHub,
    Gitea,
}

/// Failures to act out.
#[derive(Default, Clone)]
pub struct Script {
    /// Answer this many requests (after checking them) with 502 Bad Gateway.
    pub fail_first: u32,
    /// Answer this many requests with GitHub's secondary-rate-limit 403 (x-ratelimit-remaining: 0).
    pub rate_limit_first: u32,
    /// Operation ids answered with 403 and the forge's real "not permitted" body.
    pub forbid: Vec<&'static str>,
    /// Gitea: the comment list ignores page/limit and returns every comment each time.
    pub ignore_paging: bool,
    /// Put the request's Authorization header into error messages (a server that echoes secrets).
    pub echo_authorization: bool,
    /// Answer an artifact download with 200 and the archive instead of a 302 to the storage host.
    pub artifact_direct: bool,
}

/// An artifact to seed: what the listing says about it, and its archive.
#[derive(Clone, Debug)]
pub struct NewArtifact {
    pub name: String,
    /// `workflow_run.head_branch` of the run that uploaded it.
    pub head_branch: String,
    pub expired: bool,
    pub created_at: String,
    /// Uploaded by a run of a fork (`head_repository_id` differs from `repository_id`).
    pub from_fork: bool,
    /// `size_in_bytes` in the listing when it should not be the archive's size.
    pub listed_size: Option<u64>,
    pub zip: Vec<u8>,
}

impl NewArtifact {
    /// An unexpired artifact of a run on `head_branch` of this repository.
    pub fn new(name: &str, head_branch: &str, created_at: &str, zip: Vec<u8>) -> NewArtifact {
        NewArtifact {
            name: name.to_string(),
            head_branch: head_branch.to_string(),
            expired: false,
            created_at: created_at.to_string(),
            from_fork: false,
            listed_size: None,
            zip,
        }
    }
}

#[derive(Clone, Debug)]
pub struct StoredArtifact {
    pub id: u64,
    pub run_id: u64,
    pub artifact: NewArtifact,
}

/// A request the storage host received.
#[derive(Clone, Debug)]
pub struct BlobHit {
    pub path: String,
    pub authorization: Option<String>,
}

#[derive(Clone, Debug)]
pub struct StoredComment {
    pub issue: u64,
    pub id: u64,
    pub body: String,
    pub login: String,
    pub user_type: String,
}

#[derive(Clone, Debug)]
pub struct StoredRun {
    pub id: u64,
    pub body: Value,
    pub annotations: Vec<Value>,
    pub updates: u32,
}

#[derive(Clone, Debug)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub operation: Option<String>,
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
}

pub struct State {
    pub flavour: Flavour,
    contract: Value,
    pub script: Script,
    pub comments: Vec<StoredComment>,
    pub runs: Vec<StoredRun>,
    pub statuses: Vec<Value>,
    pub artifacts: Vec<StoredArtifact>,
    pub blob_hits: Vec<BlobHit>,
    pub log: Vec<Logged>,
    pub violations: Vec<String>,
    next_id: u64,
    port: u16,
    blob_port: u16,
}

pub struct Fake {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
    blob_task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
        self.blob_task.abort();
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Api,
    Blob,
}

const GITHUB_CONTRACT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/api/github.json"
));
const GITEA_CONTRACT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/api/gitea.json"
));

impl Fake {
    pub async fn start(flavour: Flavour, script: Script) -> Fake {
        let contract: Value = serde_json::from_str(match flavour {
            Flavour::GitHub => GITHUB_CONTRACT,
            Flavour::Gitea => GITEA_CONTRACT,
        })
        .expect("contract fixture is JSON");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let blob_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let blob_port = blob_listener.local_addr().expect("address").port();
        let state = Arc::new(Mutex::new(State {
            flavour,
            contract,
            script,
            comments: Vec::new(),
            runs: Vec::new(),
            statuses: Vec::new(),
            artifacts: Vec::new(),
            blob_hits: Vec::new(),
            log: Vec::new(),
            violations: Vec::new(),
            next_id: 1000,
            port: addr.port(),
            blob_port,
        }));
        let spawn = |listener: TcpListener, role: Role| {
            let shared = state.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(serve(stream, shared.clone(), role));
                }
            })
        };
        let task = spawn(listener, Role::Api);
        let blob_task = spawn(blob_listener, Role::Blob);
        Fake {
            addr,
            state,
            task,
            blob_task,
        }
    }

    /// Store an artifact as uploaded by a finished run; returns its id.
    pub fn seed_artifact(&self, artifact: NewArtifact) -> u64 {
        let mut state = self.state.lock().unwrap();
        let run_id = state.new_id();
        let id = state.new_id();
        state.artifacts.push(StoredArtifact {
            id,
            run_id,
            artifact,
        });
        id
    }

    /// Requests the storage host received.
    pub fn blob_hits(&self) -> Vec<BlobHit> {
        self.state.lock().unwrap().blob_hits.clone()
    }

    /// The API URL a job on this forge would have in GITHUB_API_URL.
    pub fn api_url(&self) -> String {
        let state = self.state.lock().unwrap();
        format!("http://{}{}", self.addr, state.base_path())
    }

    pub fn seed_comment(&self, issue: u64, body: &str, login: &str, user_type: &str) -> u64 {
        let mut state = self.state.lock().unwrap();
        let id = state.new_id();
        state.comments.push(StoredComment {
            issue,
            id,
            body: body.to_string(),
            login: login.to_string(),
            user_type: user_type.to_string(),
        });
        id
    }

    pub fn violations(&self) -> Vec<String> {
        self.state.lock().unwrap().violations.clone()
    }

    pub fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    /// "METHOD operationId" of every request, in order.
    pub fn calls(&self) -> Vec<String> {
        self.log()
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l.method,
                    l.operation.clone().unwrap_or_else(|| l.path.clone())
                )
            })
            .collect()
    }

    pub fn comments(&self) -> Vec<StoredComment> {
        self.state.lock().unwrap().comments.clone()
    }

    pub fn runs(&self) -> Vec<StoredRun> {
        self.state.lock().unwrap().runs.clone()
    }

    pub fn statuses(&self) -> Vec<Value> {
        self.state.lock().unwrap().statuses.clone()
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    content_type: &'static str,
    body: Vec<u8>,
}

fn respond(status: u16, body: Value) -> Response {
    Response {
        status,
        headers: Vec::new(),
        content_type: "application/json; charset=utf-8",
        body: body.to_string().into_bytes(),
    }
}

fn respond_zip(zip: &[u8]) -> Response {
    Response {
        status: 200,
        headers: Vec::new(),
        content_type: "application/zip",
        body: zip.to_vec(),
    }
}

/// A zip archive of `entries` (name, content), deflated, as an artifact upload would make it.
pub fn zip_archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, content) in entries {
        writer.start_file(*name, options).expect("zip entry");
        writer.write_all(content).expect("zip write");
    }
    writer.finish().expect("zip finish").into_inner()
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>, role: Role) {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let head_end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos;
            }
            let mut chunk = [0u8; 16 * 1024];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default().to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        if headers.iter().any(|(k, _)| k == "transfer-encoding") {
            state.lock().unwrap().violations.push(format!(
                "{request_line}: chunked body instead of Content-Length"
            ));
            return;
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let body_start = head_end + 4;
        while buf.len() < body_start + length {
            let mut chunk = [0u8; 64 * 1024];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buf[body_start..body_start + length].to_vec();
        buf.drain(..body_start + length);

        let response = match role {
            Role::Api => state.lock().unwrap().handle(&request_line, &headers, &body),
            Role::Blob => state.lock().unwrap().handle_blob(&request_line, &headers),
        };
        let mut out = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\n",
            response.status,
            reason(response.status),
            response.content_type,
            response.body.len()
        );
        for (k, v) in &response.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&response.body);
        if stream.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        302 => "Found",
        403 => "Forbidden",
        410 => "Gone",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        502 => "Bad Gateway",
        _ => "Status",
    }
}

/// `/a/{x}/b` against `/a/1/b`: the captured parameters, or None.
fn match_template(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut params = BTreeMap::new();
    for (t, p) in t.iter().zip(&p) {
        if let Some(name) = t.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            if p.is_empty() {
                return None;
            }
            params.insert(name.to_string(), p.to_string());
        } else if t != p {
            return None;
        }
    }
    Some(params)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl State {
    fn base_path(&self) -> String {
        self.contract["base_path"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn handle(
        &mut self,
        request_line: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Response {
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let (path, query_text) = target.split_once('?').unwrap_or((&target, ""));
        let mut query = BTreeMap::new();
        for pair in query_text.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if query.insert(k.to_string(), v.to_string()).is_some() {
                self.violations
                    .push(format!("{method} {path}: query parameter {k} given twice"));
            }
        }
        let body_json: Option<Value> = if body.is_empty() {
            None
        } else {
            match serde_json::from_slice(body) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.violations
                        .push(format!("{method} {path}: body is not JSON ({e})"));
                    None
                }
            }
        };

        let base = self.base_path();
        let operation = path.strip_prefix(&base).and_then(|rel| {
            self.contract["operations"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|op| {
                    (op["method"] == method.as_str())
                        .then(|| match_template(op["path"].as_str()?, rel).map(|p| (op.clone(), p)))
                        .flatten()
                })
        });
        let entry = Logged {
            method: method.clone(),
            path: path.to_string(),
            query: query.clone(),
            operation: operation
                .as_ref()
                .and_then(|(op, _)| op["operationId"].as_str().map(str::to_string)),
            status: 0,
            body: body_json.clone(),
            headers: headers.to_vec(),
        };
        self.log.push(entry);
        let response = match operation {
            None => {
                self.violations.push(format!(
                    "{method} {path}: no documented operation has this method and path"
                ));
                respond(404, json!({"message": "Not Found"}))
            }
            Some((op, params)) => {
                let what = format!("{method} {path}");
                self.check_request(
                    &what,
                    &op,
                    &params,
                    &query,
                    headers,
                    body,
                    body_json.as_ref(),
                );
                self.act(&op, &params, &query, headers, body_json.as_ref())
            }
        };
        if let Some(last) = self.log.last_mut() {
            last.status = response.status;
        }
        response
    }

    #[allow(clippy::too_many_arguments)]
    fn check_request(
        &mut self,
        what: &str,
        op: &Value,
        params: &BTreeMap<String, String>,
        query: &BTreeMap<String, String>,
        headers: &[(String, String)],
        raw_body: &[u8],
        body: Option<&Value>,
    ) {
        let mut v = Vec::new();
        // Headers required on every request.
        for rule in self.contract["headers"].as_array().into_iter().flatten() {
            let name = rule["name"].as_str().unwrap_or_default();
            let values: Vec<&String> = headers
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v)
                .collect();
            if values.len() != 1 {
                v.push(format!(
                    "{what}: header {name} given {} times",
                    values.len()
                ));
                continue;
            }
            let value = values[0];
            if let Some(expected) = rule["equals"].as_str() {
                if value != expected {
                    v.push(format!(
                        "{what}: header {name} is {value:?}, not {expected:?}"
                    ));
                }
            }
            if let Some(part) = rule["contains"].as_str() {
                if !value.contains(part) {
                    v.push(format!("{what}: header {name} lacks {part:?}"));
                }
            }
            if let Some(schemes) = rule["schemes"].as_array() {
                let any_case = rule["case_insensitive_scheme"].as_bool().unwrap_or(false);
                let ok = value.split_once(' ').is_some_and(|(scheme, credential)| {
                    !credential.trim().is_empty()
                        && schemes.iter().filter_map(Value::as_str).any(|s| {
                            if any_case {
                                s.eq_ignore_ascii_case(scheme)
                            } else {
                                s == scheme
                            }
                        })
                });
                if !ok {
                    v.push(format!("{what}: header {name} has no accepted scheme"));
                }
            }
        }
        // Path parameters.
        for (name, value) in params {
            let spec = &op["path_params"][name];
            if spec.is_null() {
                v.push(format!("{what}: path parameter {name} is not documented"));
            } else if spec["type"] == "integer" && value.parse::<u64>().is_err() {
                v.push(format!(
                    "{what}: path parameter {name}={value} is not an integer"
                ));
            } else if let Some(allowed) = spec["enum"].as_array() {
                if !allowed.iter().any(|a| a == value.as_str()) {
                    v.push(format!(
                        "{what}: path parameter {name}={value} is not one of {allowed:?}"
                    ));
                }
            }
        }
        // Query parameters.
        for (name, value) in query {
            let spec = if !op["query"][name].is_null() {
                &op["query"][name]
            } else {
                &op["x-tolerated-query"][name]
            };
            if spec.is_null() {
                v.push(format!("{what}: query parameter {name} is not documented"));
            } else if spec["type"] == "integer" && value.parse::<u64>().is_err() {
                v.push(format!(
                    "{what}: query parameter {name}={value} is not an integer"
                ));
            }
        }
        // Body.
        let schema = &op["request_body"];
        if schema.is_null() {
            if !raw_body.is_empty() {
                v.push(format!("{what}: a body where the operation takes none"));
            }
        } else {
            let content_type = headers
                .iter()
                .find(|(k, _)| k == "content-type")
                .map(|(_, v)| v.as_str());
            let expected = op["content_type"].as_str().unwrap_or("application/json");
            if !content_type.is_some_and(|c| c.starts_with(expected)) {
                v.push(format!(
                    "{what}: content-type {content_type:?}, not {expected}"
                ));
            }
            match body {
                None => v.push(format!("{what}: no JSON body")),
                Some(body) => check_value(schema, body, "body", what, &mut v),
            }
        }
        self.violations.extend(v);
    }

    fn act(
        &mut self,
        op: &Value,
        params: &BTreeMap<String, String>,
        query: &BTreeMap<String, String>,
        headers: &[(String, String)],
        body: Option<&Value>,
    ) -> Response {
        let op_id = op["operationId"].as_str().unwrap_or_default();
        if self.script.fail_first > 0 {
            self.script.fail_first -= 1;
            return respond(502, json!({"message": "Bad Gateway"}));
        }
        if self.script.rate_limit_first > 0 {
            self.script.rate_limit_first -= 1;
            let mut r = respond(
                403,
                json!({"message": "API rate limit exceeded for installation.",
                       "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}),
            );
            r.headers.push(("x-ratelimit-remaining".into(), "0".into()));
            r.headers
                .push(("x-ratelimit-reset".into(), now().to_string()));
            return r;
        }
        if self.script.forbid.contains(&op_id) {
            let mut message = match self.flavour {
                Flavour::GitHub => "Resource not accessible by integration".to_string(),
                Flavour::Gitea => "user should have permission to write issue".to_string(),
            };
            if self.script.echo_authorization {
                let auth = headers
                    .iter()
                    .find(|(k, _)| k == "authorization")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                // Also broken up by zero-width characters: a redaction that runs before they are removed
                // would miss it, and removing them would make it whole.
                let split: String = auth.chars().flat_map(|c| [c, '\u{200b}']).collect();
                message = format!("{message}\n\u{1b}[31mtoken was: {auth}\u{0} and {split}");
            }
            let body = match self.flavour {
                Flavour::GitHub => json!({
                    "message": message,
                    "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
                    "status": "403"
                }),
                Flavour::Gitea => {
                    json!({"message": message, "url": "http://localhost/api/swagger"})
                }
            };
            return respond(403, body);
        }
        let success = op["success"].as_u64().unwrap_or(200) as u16;
        let number = |name: &str| params.get(name).and_then(|v| v.parse::<u64>().ok());
        let (owner, repo) = (params["owner"].clone(), params["repo"].clone());
        match op_id {
            "issues/list-comments" => {
                let issue = number("issue_number").unwrap_or(0);
                let per_page = query
                    .get("per_page")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(30)
                    .clamp(1, 100);
                let page = query
                    .get("page")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .max(1);
                let all: Vec<StoredComment> = self
                    .comments
                    .iter()
                    .filter(|c| c.issue == issue)
                    .cloned()
                    .collect();
                let items: Vec<Value> = all
                    .iter()
                    .skip((page - 1) * per_page)
                    .take(per_page)
                    .map(|c| self.comment_json(c, &owner, &repo))
                    .collect();
                let mut r = respond(success, Value::Array(items));
                let pages = all.len().div_ceil(per_page).max(1);
                if page < pages {
                    let link = |p: usize| {
                        format!(
                            "<http://127.0.0.1:{}/repos/{owner}/{repo}/issues/{issue}/comments?per_page={per_page}&page={p}>",
                            self.port
                        )
                    };
                    r.headers.push((
                        "link".into(),
                        format!(
                            "{}; rel=\"next\", {}; rel=\"last\"",
                            link(page + 1),
                            link(pages)
                        ),
                    ));
                }
                r
            }
            "issueGetComments" => {
                let issue = number("index").unwrap_or(0);
                let all: Vec<StoredComment> = self
                    .comments
                    .iter()
                    .filter(|c| c.issue == issue)
                    .cloned()
                    .collect();
                let items: Vec<&StoredComment> = if self.script.ignore_paging {
                    all.iter().collect()
                } else {
                    let limit = query
                        .get("limit")
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(30)
                        .clamp(1, 50);
                    let page = query
                        .get("page")
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(1)
                        .max(1);
                    all.iter().skip((page - 1) * limit).take(limit).collect()
                };
                let items = items
                    .into_iter()
                    .map(|c| self.comment_json(c, &owner, &repo))
                    .collect();
                respond(success, Value::Array(items))
            }
            "issues/create-comment" | "issueCreateComment" => {
                let issue = number("issue_number").or(number("index")).unwrap_or(0);
                let id = self.new_id();
                let (login, user_type) = match self.flavour {
                    Flavour::GitHub => ("github-actions[bot]", "Bot"),
                    Flavour::Gitea => ("gitea-actions", ""),
                };
                let comment = StoredComment {
                    issue,
                    id,
                    body: body
                        .and_then(|b| b["body"].as_str())
                        .unwrap_or_default()
                        .to_string(),
                    login: login.to_string(),
                    user_type: user_type.to_string(),
                };
                let out = self.comment_json(&comment, &owner, &repo);
                self.comments.push(comment);
                respond(success, out)
            }
            "issues/update-comment" | "issueEditComment" => {
                let id = number("comment_id").or(number("id")).unwrap_or(0);
                let text = body
                    .and_then(|b| b["body"].as_str())
                    .unwrap_or_default()
                    .to_string();
                let Some(index) = self.comments.iter().position(|c| c.id == id) else {
                    return respond(404, json!({"message": "Not Found"}));
                };
                self.comments[index].body = text;
                let out = self.comment_json(&self.comments[index].clone(), &owner, &repo);
                respond(success, out)
            }
            "checks/create" => {
                let id = self.new_id();
                let body = body.cloned().unwrap_or(Value::Null);
                let annotations = body["output"]["annotations"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                self.runs.push(StoredRun {
                    id,
                    body: body.clone(),
                    annotations,
                    updates: 0,
                });
                respond(
                    success,
                    json!({"id": id, "head_sha": body["head_sha"], "status": "completed",
                           "conclusion": body["conclusion"], "name": body["name"],
                           "html_url": format!("https://github.example/{owner}/{repo}/runs/{id}")}),
                )
            }
            "checks/update" => {
                let id = number("check_run_id").unwrap_or(0);
                let Some(run) = self.runs.iter_mut().find(|r| r.id == id) else {
                    return respond(404, json!({"message": "Not Found"}));
                };
                if let Some(more) = body.and_then(|b| b["output"]["annotations"].as_array()) {
                    run.annotations.extend(more.iter().cloned());
                }
                run.updates += 1;
                respond(success, json!({"id": id, "status": "completed"}))
            }
            "repos/create-commit-status" | "repoCreateStatus" => {
                let id = self.new_id();
                let body = body.cloned().unwrap_or(Value::Null);
                self.statuses.push(body.clone());
                let state_field = match self.flavour {
                    Flavour::GitHub => "state",
                    Flavour::Gitea => "status",
                };
                let mut out = json!({"id": id, "context": body["context"],
                                     "description": body["description"], "target_url": body["target_url"]});
                out[state_field] = body["state"].clone();
                respond(success, out)
            }
            "actions/list-artifacts-for-repo" => {
                let name = query.get("name").map(|n| percent_decode(n));
                let per_page = query
                    .get("per_page")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(30)
                    .clamp(1, 100);
                let page = query
                    .get("page")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .max(1);
                let all: Vec<&StoredArtifact> = self
                    .artifacts
                    .iter()
                    .filter(|a| name.as_ref().is_none_or(|n| &a.artifact.name == n))
                    .collect();
                let items: Vec<Value> = all
                    .iter()
                    .skip((page - 1) * per_page)
                    .take(per_page)
                    .map(|a| artifact_json(a, &owner, &repo))
                    .collect();
                let mut r = respond(
                    success,
                    json!({"total_count": all.len(), "artifacts": items}),
                );
                let pages = all.len().div_ceil(per_page).max(1);
                if page < pages {
                    let name = query
                        .get("name")
                        .map(|n| format!("name={n}&"))
                        .unwrap_or_default();
                    let link = |p: usize| {
                        format!(
                            "<http://127.0.0.1:{}/repos/{owner}/{repo}/actions/artifacts?{name}per_page={per_page}&page={p}>",
                            self.port
                        )
                    };
                    r.headers.push((
                        "link".into(),
                        format!(
                            "{}; rel=\"next\", {}; rel=\"last\"",
                            link(page + 1),
                            link(pages)
                        ),
                    ));
                }
                r
            }
            "actions/download-artifact" => {
                let id = number("artifact_id").unwrap_or(0);
                let Some(stored) = self.artifacts.iter().find(|a| a.id == id) else {
                    return respond(404, json!({"message": "Not Found"}));
                };
                if stored.artifact.expired {
                    return respond(410, json!({"message": "Artifact has expired"}));
                }
                if self.script.artifact_direct {
                    return respond_zip(&stored.artifact.zip);
                }
                Response {
                    status: success,
                    headers: vec![(
                        "location".into(),
                        format!(
                            "http://127.0.0.1:{}/blob/{id}.zip?sv=2025-01-05&sig=c2lnbmVk",
                            self.blob_port
                        ),
                    )],
                    content_type: "text/plain",
                    body: Vec::new(),
                }
            }
            other => respond(
                500,
                json!({"message": format!("fake has no handler for {other}")}),
            ),
        }
    }

    /// The storage host: serves `/blob/{id}.zip` to anyone and notes who asked how.
    fn handle_blob(&mut self, request_line: &str, headers: &[(String, String)]) -> Response {
        let target = request_line.split(' ').nth(1).unwrap_or_default();
        let path = target.split('?').next().unwrap_or_default().to_string();
        self.blob_hits.push(BlobHit {
            path: path.clone(),
            authorization: headers
                .iter()
                .find(|(k, _)| k == "authorization")
                .map(|(_, v)| v.clone()),
        });
        let id = path
            .strip_prefix("/blob/")
            .and_then(|p| p.strip_suffix(".zip"))
            .and_then(|p| p.parse::<u64>().ok());
        match self.artifacts.iter().find(|a| Some(a.id) == id) {
            Some(a) => respond_zip(&a.artifact.zip),
            None => respond(
                404,
                json!({"message": "The specified blob does not exist."}),
            ),
        }
    }

    fn comment_json(&self, c: &StoredComment, owner: &str, repo: &str) -> Value {
        match self.flavour {
            Flavour::GitHub => json!({
                "id": c.id,
                "node_id": format!("IC_{}", c.id),
                "url": format!("https://api.github.example/repos/{owner}/{repo}/issues/comments/{}", c.id),
                "html_url": format!("https://github.example/{owner}/{repo}/pull/{}#issuecomment-{}", c.issue, c.id),
                "body": c.body,
                "user": {"login": c.login, "id": 41898282, "type": c.user_type},
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z",
                "author_association": "NONE"
            }),
            Flavour::Gitea => json!({
                "id": c.id,
                "html_url": format!("https://gitea.example/{owner}/{repo}/pulls/{}#issuecomment-{}", c.issue, c.id),
                "pull_request_url": format!("https://gitea.example/{owner}/{repo}/pulls/{}", c.issue),
                "issue_url": "",
                "user": {"id": -2, "login": c.login, "full_name": ""},
                "original_author": "",
                "original_author_id": 0,
                "body": c.body,
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z"
            }),
        }
    }
}

/// The listing's view of an artifact (components/schemas/artifact).
fn artifact_json(a: &StoredArtifact, owner: &str, repo: &str) -> Value {
    let api = format!(
        "https://api.github.example/repos/{owner}/{repo}/actions/artifacts/{}",
        a.id
    );
    json!({
        "id": a.id,
        "node_id": format!("MDg6QXJ0aWZhY3Q{}", a.id),
        "name": a.artifact.name,
        "size_in_bytes": a.artifact.listed_size.unwrap_or(a.artifact.zip.len() as u64),
        "url": api,
        "archive_download_url": format!("{api}/zip"),
        "expired": a.artifact.expired,
        "created_at": a.artifact.created_at,
        "expires_at": "2099-01-01T00:00:00Z",
        "updated_at": a.artifact.created_at,
        "digest": null,
        "workflow_run": {
            "id": a.run_id,
            "repository_id": 42,
            "head_repository_id": if a.artifact.from_fork { 4242 } else { 42 },
            "head_branch": a.artifact.head_branch,
            "head_sha": "0123456789abcdef0123456789abcdef01234567"
        }
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A small subset of JSON Schema: type, properties (unknown ones rejected), required, x-required-if, enum,
/// maxLength, items, maxItems, nullable.
fn check_value(schema: &Value, value: &Value, at: &str, what: &str, out: &mut Vec<String>) {
    if value.is_null() && schema["nullable"] == true {
        return;
    }
    match schema["type"].as_str() {
        Some("object") => {
            let Some(object) = value.as_object() else {
                out.push(format!("{what}: {at} is not an object"));
                return;
            };
            for (key, item) in object {
                let property = &schema["properties"][key];
                if property.is_null() {
                    out.push(format!("{what}: {at}.{key} is not a documented property"));
                } else {
                    check_value(property, item, &format!("{at}.{key}"), what, out);
                }
            }
            for key in schema["required"].as_array().into_iter().flatten() {
                let key = key.as_str().unwrap_or_default();
                if !object.contains_key(key) {
                    out.push(format!("{what}: required {at}.{key} is missing"));
                }
            }
            for rule in schema["x-required-if"].as_array().into_iter().flatten() {
                let property = rule["property"].as_str().unwrap_or_default();
                if object.get(property) == Some(&rule["equals"]) {
                    for key in rule["required"].as_array().into_iter().flatten() {
                        let key = key.as_str().unwrap_or_default();
                        if !object.contains_key(key) {
                            out.push(format!(
                                "{what}: {at}.{key} is required when {property} is {}",
                                rule["equals"]
                            ));
                        }
                    }
                }
            }
        }
        Some("array") => {
            let Some(items) = value.as_array() else {
                out.push(format!("{what}: {at} is not an array"));
                return;
            };
            if let Some(max) = schema["maxItems"].as_u64() {
                if items.len() as u64 > max {
                    out.push(format!(
                        "{what}: {at} has {} items, at most {max} allowed",
                        items.len()
                    ));
                }
            }
            for (i, item) in items.iter().enumerate() {
                check_value(&schema["items"], item, &format!("{at}[{i}]"), what, out);
            }
        }
        Some("string") => {
            let Some(text) = value.as_str() else {
                out.push(format!("{what}: {at} is not a string"));
                return;
            };
            if let Some(allowed) = schema["enum"].as_array() {
                if !allowed.iter().any(|a| a == value) {
                    out.push(format!("{what}: {at}={text:?} is not one of {allowed:?}"));
                }
            }
            if let Some(max) = schema["maxLength"].as_u64() {
                if text.chars().count() as u64 > max {
                    out.push(format!("{what}: {at} is longer than {max} characters"));
                }
            }
        }
        Some("integer") => {
            if !(value.is_u64() || value.is_i64()) {
                out.push(format!("{what}: {at} is not an integer"));
            }
        }
        Some("boolean") => {
            if !value.is_boolean() {
                out.push(format!("{what}: {at} is not a boolean"));
            }
        }
        _ => out.push(format!("{what}: the contract has no type for {at}")),
    }
}
