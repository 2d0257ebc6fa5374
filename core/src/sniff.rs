//! What a file that is not ELF looks like, from its first bytes, so "not an ELF file" can say what it is.

/// Describe the kind of a non-ELF file from its first bytes (up to a few hundred are enough).
pub fn describe(head: &[u8], file_size: u64) -> String {
    if file_size == 0 {
        return "empty file".into();
    }
    if head.starts_with(b"#!") {
        let line = head[2..].split(|&b| b == b'\n').next().unwrap_or_default();
        let line = String::from_utf8_lossy(line);
        let line = line.trim();
        let shown: String = line.chars().take(80).collect();
        return format!("script, interpreter `{shown}`");
    }
    if head.starts_with(b"!<arch>\n") || head.starts_with(b"!<thin>\n") {
        return "ar archive (static library)".into();
    }
    if head.starts_with(b"MZ") {
        return "PE/COFF (Windows executable or DLL)".into();
    }
    for (magic, what) in [
        (&[0xfe, 0xed, 0xfa, 0xce][..], "Mach-O 32-bit (big-endian)"),
        (&[0xce, 0xfa, 0xed, 0xfe][..], "Mach-O 32-bit"),
        (&[0xfe, 0xed, 0xfa, 0xcf][..], "Mach-O 64-bit (big-endian)"),
        (&[0xcf, 0xfa, 0xed, 0xfe][..], "Mach-O 64-bit"),
        (
            &[0xca, 0xfe, 0xba, 0xbe][..],
            "Mach-O universal binary or Java class file",
        ),
        (&[0x00, 0x61, 0x73, 0x6d][..], "WebAssembly module"),
        (&[0x1f, 0x8b][..], "gzip data"),
        (&[0x28, 0xb5, 0x2f, 0xfd][..], "zstd data"),
        (&[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00][..], "xz data"),
        (b"BZh", "bzip2 data"),
        (b"PK\x03\x04", "zip archive"),
        (b"%PDF", "PDF document"),
        (&[0x89, b'P', b'N', b'G'][..], "PNG image"),
        (b"\x7fELF", "ELF"),
    ] {
        if head.starts_with(magic) {
            return what.into();
        }
    }
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return "tar archive".into();
    }
    let sample = &head[..head.len().min(512)];
    if std::str::from_utf8(sample).is_ok()
        && sample
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
    {
        return "text".into();
    }
    "data".into()
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn kinds() {
        assert_eq!(
            describe(b"#!/bin/sh\necho", 14),
            "script, interpreter `/bin/sh`"
        );
        assert_eq!(describe(b"!<arch>\nfoo", 11), "ar archive (static library)");
        assert_eq!(
            describe(b"MZ\x90\x00", 4),
            "PE/COFF (Windows executable or DLL)"
        );
        assert_eq!(describe(&[0xcf, 0xfa, 0xed, 0xfe, 7], 5), "Mach-O 64-bit");
        assert_eq!(describe(b"hello world\n", 12), "text");
        assert_eq!(describe(&[0, 1, 2, 3, 0xff], 5), "data");
        assert_eq!(describe(b"", 0), "empty file");
    }
}
