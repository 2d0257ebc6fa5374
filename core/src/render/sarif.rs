//! The SARIF 2.1.0 renderer, for code-scanning uploads: one run, every policy rule described, one result
//! per finding located at the inspected file.

use serde_json::{json, Value};

use crate::policy::{Level, Severity, RULES};
use crate::report::{Outcome, Report};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/static-build/static-build";

/// Render a report as a SARIF 2.1.0 log (pretty-printed, with a trailing newline).
pub fn sarif(report: &Report) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, description, level)| {
            json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": description },
                "fullDescription": { "text": description },
                "help": { "text": format!("static-build policy rule `{id}`: {description}") },
                "defaultConfiguration": { "level": level_name(*level) },
            })
        })
        .collect();

    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for f in &report.files {
        let uri = artifact_uri(&f.path);
        let properties = match &f.outcome {
            Outcome::Elf { binary } => json!({
                "verdict": binary.linkage.verdict.id(),
                "arch": binary.format.arch,
                "libc": binary.libc.family,
            }),
            Outcome::Skipped { .. } => json!({ "verdict": "skipped" }),
            Outcome::Error { error } => {
                notifications.push(json!({
                    "level": "error",
                    "message": { "text": format!("{}: {error}", f.path) },
                    "locations": [location(&uri)],
                }));
                json!({ "verdict": "error" })
            }
        };
        for (n, finding) in f.findings.iter().enumerate() {
            let rule_index = RULES.iter().position(|(id, _, _)| *id == finding.rule);
            let same_rule_before = f
                .findings
                .iter()
                .take(n)
                .filter(|x| x.rule == finding.rule)
                .count();
            let mut result = json!({
                "ruleId": finding.rule,
                "level": severity_name(finding.severity),
                "message": { "text": format!("{}: {}", f.path, finding.message) },
                "locations": [location(&uri)],
                // Stable across runs (no line hash of a binary file), distinct per file and rule.
                "partialFingerprints": {
                    "staticBuildFinding/v1": format!("{}:{}:{same_rule_before}", finding.rule, f.path),
                },
                "properties": properties,
            });
            if let (Some(i), Some(obj)) = (rule_index, result.as_object_mut()) {
                obj.insert("ruleIndex".into(), json!(i));
            }
            results.push(result);
        }
    }

    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "static-build",
                    "version": report.tool.version,
                    "semanticVersion": report.tool.version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": report.summary.errors == 0,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": { "summary": report.summary },
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| log.to_string());
    s.push('\n');
    s
}

fn location(uri: &str) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri },
            // Code scanning wants a region; a binary has no lines, so the whole file is line 1.
            "region": { "startLine": 1 },
        }
    })
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Off => "none",
        Level::Note => "note",
        Level::Warning => "warning",
        Level::Error => "error",
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Note => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// A path as a SARIF `artifactLocation.uri`: relative paths stay relative references, absolute ones become
/// `file://` URIs. Everything but unreserved characters and `/` is percent-encoded (UTF-8), so spaces,
/// backslashes, `%`, `#`, `?` and a `:` that would look like a scheme survive.
pub(crate) fn artifact_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::report;

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("out/app"), "out/app");
        assert_eq!(artifact_uri("out dir/my app"), "out%20dir/my%20app");
        assert_eq!(artifact_uri("win\\app.exe"), "win%5Capp.exe");
        assert_eq!(artifact_uri("/abs/é"), "file:///abs/%C3%A9");
        assert_eq!(artifact_uri("c:x#1?%"), "c%3Ax%231%3F%25");
    }

    #[test]
    fn log_shape() {
        let s = sarif(&report());
        assert!(s.contains("\"version\": \"2.1.0\""));
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["$schema"], SCHEMA);
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "static-build");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        assert_eq!(rules[0]["id"], "require-static");
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        let pie = rules.iter().find(|r| r["id"] == "require-pie").unwrap();
        assert_eq!(pie["defaultConfiguration"]["level"], "none");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        let r = &results[0];
        assert_eq!(r["ruleId"], "require-static");
        assert_eq!(r["ruleIndex"], 0);
        assert_eq!(r["level"], "error");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "out/tool-glibc"
        );
        assert_eq!(r["properties"]["verdict"], "dynamic-pie");
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert!(
            run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("out/broken: ")
        );
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(sarif(&report()));
    }

    /// Each hazard of static glibc, with its evidence and the finding of its rule.
    #[test]
    fn snapshot_glibc_hazards() {
        insta::assert_snapshot!(sarif(&crate::render::fixtures::hazards_report()));
    }
}
