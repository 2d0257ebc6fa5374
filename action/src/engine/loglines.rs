//! A build's log, cut into lines as it arrives, in linear time and bounded memory.
//!
//! A build may print anything: gigabytes without a newline, invalid UTF-8. Each byte is looked at once (the
//! search for the next newline starts where the last one ended) and at most `max` bytes of the current line are
//! held: a longer line is emitted in pieces of at most `max` bytes, cut on a character boundary.

/// Splits a byte stream into lines of at most `max` bytes.
pub struct LineSplitter {
    buf: Vec<u8>,
    max: usize,
}

impl LineSplitter {
    pub fn new(max: usize) -> LineSplitter {
        LineSplitter {
            buf: Vec::new(),
            max: max.max(4),
        }
    }

    /// Add a chunk; every complete line (without its `\n` and a `\r` before it) goes to `emit`. The line is
    /// lent, not made: the one buffer of the current line is reused from line to line, so that a log of any
    /// length costs no allocation per line (invalid UTF-8 is replaced in a copy).
    pub fn push(&mut self, mut chunk: &[u8], emit: &mut impl FnMut(&str)) {
        while let Some(nl) = memchr::memchr(b'\n', chunk) {
            self.append(&chunk[..nl], emit);
            let end = self.buf.len() - usize::from(self.buf.last() == Some(&b'\r'));
            emit(&String::from_utf8_lossy(&self.buf[..end]));
            self.buf.clear();
            chunk = &chunk[nl + 1..];
        }
        self.append(chunk, emit);
    }

    /// The end of the stream: the last line, if it had no newline.
    pub fn finish(&mut self, emit: &mut impl FnMut(&str)) {
        if !self.buf.is_empty() {
            emit(&String::from_utf8_lossy(&self.buf));
            self.buf.clear();
        }
    }

    /// Add bytes of the current line, emitting full pieces of `max` bytes.
    fn append(&mut self, mut bytes: &[u8], emit: &mut impl FnMut(&str)) {
        while self.buf.len() + bytes.len() > self.max {
            let room = self.max - self.buf.len();
            self.buf.extend_from_slice(&bytes[..room]);
            bytes = &bytes[room..];
            let cut = char_boundary(&self.buf);
            emit(&String::from_utf8_lossy(&self.buf[..cut]));
            // What is left is the start of a character cut by the piece's end: at most three bytes.
            self.buf.drain(..cut);
        }
        self.buf.extend_from_slice(bytes);
    }
}

/// The length of the longest prefix of `buf` that does not end inside a UTF-8 sequence (all of it when the
/// end is not a sequence's start or middle, or when nothing would remain).
fn char_boundary(buf: &[u8]) -> usize {
    let len = buf.len();
    // A sequence is at most 4 bytes: look back at most 3 for its lead byte.
    for back in 1..=3.min(len) {
        let b = buf[len - back];
        if b & 0b1100_0000 == 0b1000_0000 {
            continue; // continuation byte
        }
        let need = match b {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => return len,
        };
        return if need > back && len - back > 0 {
            len - back
        } else {
            len
        };
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]], max: usize) -> Vec<String> {
        let mut s = LineSplitter::new(max);
        let mut out = Vec::new();
        let mut emit = |l: &str| out.push(l.to_string());
        for c in chunks {
            s.push(c, &mut emit);
        }
        s.finish(&mut emit);
        out
    }

    #[test]
    fn lines_across_chunks() {
        assert_eq!(
            split(&[b"ab", b"c\nde", b"f\r\n\ng"], 100),
            ["abc", "def", "", "g"]
        );
        assert_eq!(split(&[b"x\n"], 100), ["x"]);
        assert!(split(&[b""], 100).is_empty());
    }

    #[test]
    fn long_lines_are_cut_on_character_boundaries() {
        assert_eq!(split(&[b"abcdefghij\n"], 4), ["abcd", "efgh", "ij"]);
        // "é" is two bytes: never cut in half.
        let text = "aaé€bb\n";
        let lines = split(&[text.as_bytes()], 4);
        assert_eq!(lines.concat(), "aaé€bb");
        assert!(lines.iter().all(|l| !l.contains('\u{fffd}')), "{lines:?}");
        assert!(lines.iter().all(|l| l.len() <= 4), "{lines:?}");
    }

    #[test]
    fn a_huge_line_without_newline_costs_linear_time_and_bounded_memory() {
        // 64 MiB in 64 KiB chunks with no newline: rescanning from the start on each chunk was quadratic.
        let chunk = vec![b'x'; 64 << 10];
        let mut s = LineSplitter::new(16 << 10);
        let mut count = 0usize;
        let mut longest = 0usize;
        let mut emit = |l: &str| {
            count += 1;
            longest = longest.max(l.len());
        };
        for _ in 0..1024 {
            s.push(&chunk, &mut emit);
            assert!(s.buf.capacity() <= 64 << 10);
        }
        // One buffer for every piece: its memory is reused, not made again for each.
        let capacity = s.buf.capacity();
        for _ in 0..16 {
            s.push(&chunk, &mut emit);
            assert_eq!(s.buf.capacity(), capacity);
        }
        s.finish(&mut emit);
        assert_eq!(count, (65 << 20) / (16 << 10));
        assert_eq!(longest, 16 << 10);
    }
}
