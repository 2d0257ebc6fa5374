//! Reading files whose size the project controls (configuration, policies, reports), with a bound.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The text of `path`, which must not be larger than `limit` bytes; `what` names the file in errors.
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read {what} `{}`", path.display()))?;
    let mut text = String::new();
    file.take(limit.saturating_add(1))
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {what} `{}`", path.display()))?;
    if text.len() as u64 > limit {
        bail!(
            "{what} `{}` is larger than {} KiB: static-build reads no larger {what}",
            path.display(),
            limit >> 10
        );
    }
    Ok(text)
}

/// At most `limit` bytes from the start of `path` (for a look at the head of a source file).
pub fn read_head(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut head)?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn larger_files_are_refused_with_their_name() {
        let p = std::env::temp_dir().join(format!("sb-bounded-{}", std::process::id()));
        std::fs::write(&p, "x".repeat(2048)).unwrap();
        assert_eq!(read_text(&p, 4096, "configuration").unwrap().len(), 2048);
        let err = read_text(&p, 1024, "configuration")
            .unwrap_err()
            .to_string();
        assert!(err.contains("larger than 1 KiB"), "{err}");
        assert_eq!(read_head(&p, 10).unwrap().len(), 10);
        std::fs::remove_file(&p).unwrap();
    }
}
