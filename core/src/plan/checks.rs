//! The checks of every value a plan carries into a container or a shell command: names, paths, images,
//! packages, sizes; and the quoting of words for `sh`.

use super::*;

/// Parse a size such as `512m`, `4g`, `1024k` or a plain number of bytes, at least `min` bytes.
pub(crate) fn parse_size(
    what: &'static str,
    s: &str,
    min: u64,
    why: &'static str,
) -> Result<u64, PlanError> {
    let bad = || PlanError::Invalid {
        what,
        value: s.to_string(),
        why,
    };
    let t = s.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (num, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1u64 << 10),
        Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('g') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    let n: u64 = num.trim().parse().map_err(|_| bad())?;
    let bytes = n.checked_mul(mult).ok_or_else(bad)?;
    if bytes < min {
        return Err(bad());
    }
    Ok(bytes)
}

/// Parse a memory limit; Docker refuses limits under 6 MiB.
pub(crate) fn parse_memory(s: &str) -> Result<u64, PlanError> {
    parse_size(
        "memory",
        s,
        6 << 20,
        "use a number with an optional unit: 512m, 4g, 1024k (at least 6m)",
    )
}

/// A project key or `cache-key`: what Docker allows in a volume name, at most 64 characters.
pub(crate) fn check_cache_key(value: &str) -> Result<(), PlanError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(PlanError::Invalid {
            what: "cache-key",
            value: value.into(),
            why: "use 1 to 64 letters, digits, `-`, `_` and `.`",
        })
    }
}

/// A value that becomes a path, a name or a label: no control or invisible characters, no leading `::`.
pub(crate) fn check_text(what: &'static str, value: &str) -> Result<(), PlanError> {
    match crate::escape::unsafe_text(value) {
        None => Ok(()),
        Some(why) => Err(PlanError::Invalid {
            what,
            value: value.into(),
            why,
        }),
    }
}

/// An image reference: registry, repository, tag and digest characters only.
pub(crate) fn check_image(value: &str) -> Result<(), PlanError> {
    let ok = !value.is_empty()
        && !value.starts_with(['-', ':', '/', '.'])
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@+".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(PlanError::Invalid {
            what: "image",
            value: value.into(),
            why: "an image reference has letters, digits and `-_./:@` only (e.g. alpine:3.21 or ghcr.io/org/builder:1)",
        })
    }
}

/// A package name for the package manager's command line.
pub(crate) fn check_package(value: &str) -> Result<(), PlanError> {
    let ok = !value.is_empty()
        && !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '\'' && c != '"');
    if ok {
        Ok(())
    } else {
        Err(PlanError::Invalid {
            what: "package",
            value: value.into(),
            why: "a package name has no spaces, quotes or control characters and does not start with `-`",
        })
    }
}

/// A capability name as Docker takes it (`NET_ADMIN`, with or without `CAP_`), upper-cased.
pub(crate) fn check_capability(value: &str) -> Result<String, PlanError> {
    let upper = value.trim().to_ascii_uppercase();
    let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        Ok(name.to_string())
    } else {
        Err(PlanError::Invalid {
            what: "capability",
            value: value.into(),
            why: "a Linux capability name such as NET_ADMIN or SYS_PTRACE",
        })
    }
}

/// Quote a word for `sh` when it needs it.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

pub(crate) fn check_name(what: &'static str, value: &str) -> Result<(), PlanError> {
    let ok = !value.is_empty()
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(PlanError::Invalid {
            what,
            value: value.into(),
            why: "use letters, digits, `-`, `_`, `.` and `+` only",
        })
    }
}

pub(crate) fn check_relative(what: &'static str, value: &str) -> Result<(), PlanError> {
    check_text(what, value)?;
    if value.is_empty() || value.starts_with('/') || value.split('/').any(|c| c == "..") {
        return Err(PlanError::Invalid {
            what,
            value: value.into(),
            why: "must be a path inside the project (relative, without `..`)",
        });
    }
    Ok(())
}

/// An output names a file inside the project.
pub(crate) fn check_output(value: &str) -> Result<(), PlanError> {
    check_relative("output", value)?;
    let last = value.rsplit('/').next().unwrap_or(value);
    if last.is_empty() || last == "." {
        return Err(PlanError::Invalid {
            what: "output",
            value: value.into(),
            why: "must name a file, not a directory",
        });
    }
    Ok(())
}

const _: () = assert!(
    crate::limits::MAX_VERIFY_ARGS == 64,
    "the message below says 64"
);

/// The `verify` arguments, checked: at most [`MAX_VERIFY_ARGS`], none with a NUL byte (it could not reach the
/// program).
pub(crate) fn verify_args(args: Option<&[String]>) -> Result<Option<Vec<String>>, PlanError> {
    let Some(args) = args else {
        return Ok(None);
    };
    if args.len() > crate::limits::MAX_VERIFY_ARGS {
        return Err(PlanError::Invalid {
            what: "verify",
            value: format!("{} arguments", args.len()),
            why: "at most 64 arguments",
        });
    }
    if let Some(a) = args.iter().find(|a| a.contains('\0')) {
        return Err(PlanError::Invalid {
            what: "verify argument",
            value: a.clone(),
            why: "contains a NUL byte",
        });
    }
    Ok(Some(args.to_vec()))
}
