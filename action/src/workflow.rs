//! The syntax of Actions workflow commands (`::name k=v,k=v::message`), escaped by the toolkit's rules
//! (message data: `%`, CR, LF; property values also `:` and `,`; `%` first), and the guard around untrusted
//! output: a group inside `::stop-commands::` with a random token. What a CI job publishes is `ci`'s; this
//! is only how it is written, so that the engine's progress can write its groups without knowing about CI.

/// A random token for stop-commands and output delimiters: 128 bits from the kernel.
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .is_ok();
    if !ok {
        // No /dev/urandom: fall back on what differs between runs (never reached on a Linux runner).
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
            ^ (u128::from(std::process::id()) << 64);
        bytes = seed.to_le_bytes();
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("static-build-{hex}")
}

/// Escape the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::name k=v,k=v::message`, escaped; properties with empty values are left out.
pub fn command(name: &str, properties: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = properties
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    if props.is_empty() {
        format!("::{name}::{}", escape_data(message))
    } else {
        format!("::{name} {}::{}", props.join(","), escape_data(message))
    }
}

/// Print workflow commands (to standard error; see the module documentation).
pub fn emit(lines: &[String]) {
    crate::term::commands(lines);
}

/// The lines of a group of untrusted output (a build log): `::group::`, stop-commands with a fresh token,
/// the lines, the resume token, `::endgroup::`.
pub fn guarded_group(title: &str, body: &[String]) -> Vec<String> {
    let (stop, resume) = stop_commands();
    let mut lines = Vec::with_capacity(body.len() + 4);
    lines.push(command("group", &[], title));
    lines.push(stop);
    // Guarded twice: inside stop-commands, and each line unable to start a command by itself.
    lines.extend(body.iter().map(|l| crate::term::guard(l).into_owned()));
    lines.push(resume);
    lines.push("::endgroup::".to_string());
    lines
}

/// The line that stops workflow-command processing, with a fresh random token, and the line that resumes it.
pub fn stop_commands() -> (String, String) {
    let token = random_token();
    (format!("::stop-commands::{token}"), format!("::{token}::"))
}
