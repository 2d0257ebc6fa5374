//! Small helpers shared by the renderers, the diff, the analysis and the web page: sizes and counts as
//! people write them, versions as numbers. A leaf: it imports nothing of this crate.

/// `1.2 MiB`, `16.0 KiB`, `512 B`.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = UNITS[0];
    for u in UNITS.iter().skip(1) {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

/// `1 file`, `3 files`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Parse `2.17` / `2.2.5` into its numbers, compared element by element (a prefix first: `2.3 < 2.3.0`).
pub fn parse_version(v: &str) -> Option<Version> {
    let mut parts = [0u32; 4];
    let mut len = 0;
    for p in v.split('.') {
        let n: u32 = p.parse().ok()?;
        if len == parts.len() {
            let all: Option<Vec<u32>> = v.split('.').map(|p| p.parse().ok()).collect();
            return all.map(Version::Long);
        }
        parts[len] = n;
        len += 1;
    }
    Some(Version::Short(parts, len))
}

/// A dotted version's numbers; up to four without allocating (every glibc version has at most three).
#[derive(Debug, Clone)]
pub enum Version {
    Short([u32; 4], usize),
    Long(Vec<u32>),
}

impl Version {
    pub fn numbers(&self) -> &[u32] {
        match self {
            Version::Short(parts, len) => &parts[..*len],
            Version::Long(v) => v,
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.numbers() == other.numbers()
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.numbers().cmp(other.numbers())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts_read_like_people_write_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(104_857_600), "100.0 MiB");
        assert_eq!(human_size(4 << 30), "4.0 GiB");
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(3, "file", "files"), "3 files");
    }

    #[test]
    fn versions_order_as_lists_of_numbers() {
        let vs = [
            "2",
            "2.3",
            "2.3.0",
            "2.3.4",
            "2.17",
            "2.34",
            "2.4",
            "10",
            "2.3.4.5",
            "2.3.4.5.6",
            "2.3.4.5.7",
            "1.0.0.0.0.0",
        ];
        let list = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap()).collect() };
        for a in vs {
            for b in vs {
                let (pa, pb) = (parse_version(a).unwrap(), parse_version(b).unwrap());
                assert_eq!(pa.cmp(&pb), list(a).cmp(&list(b)), "{a} vs {b}");
                assert_eq!(pa.numbers(), list(a));
            }
        }
        assert!(parse_version("2.x").is_none());
        assert!(parse_version("").is_none());
    }
}
