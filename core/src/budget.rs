//! The budget of strings kept from one inspected file ([`MAX_FILE_STRINGS`]).
//!
//! Every string the inspector takes from a file, and every further copy of one that it puts in the report,
//! is paid for here. A string that does not fit becomes [`STRING_PLACEHOLDER`]; the inspector then records
//! one problem with the count. Without it, a file can name the same long string many times over (65,534
//! NEEDED entries, a million section headers) and make a report thousands of times its own size.

use object::ReadRef;

use crate::error::InspectError;
use crate::limits::{MAX_FILE_STRINGS, MAX_STRING, STRING_PLACEHOLDER};
use crate::model::Problem;
use crate::reader::Reader;

/// Bytes left to keep, and what was dropped.
#[derive(Debug)]
pub(crate) struct StringBudget {
    left: usize,
    dropped: usize,
}

impl Default for StringBudget {
    fn default() -> Self {
        StringBudget::new(MAX_FILE_STRINGS)
    }
}

impl StringBudget {
    pub fn new(bytes: usize) -> Self {
        StringBudget {
            left: bytes,
            dropped: 0,
        }
    }

    /// Pay for `n` bytes if they fit; otherwise count a dropped string of that size.
    pub fn pay(&mut self, n: usize) -> bool {
        if n <= self.left {
            self.left -= n;
            true
        } else {
            self.drop_one();
            false
        }
    }

    fn drop_one(&mut self) {
        self.dropped = self.dropped.saturating_add(1);
    }

    /// Keep `bytes` (decoded lossily as UTF-8), or the placeholder.
    pub fn keep(&mut self, bytes: &[u8]) -> String {
        // The decoded text is at least as long as the bytes: refuse before decoding what cannot fit.
        if bytes.len() > self.left {
            self.pay(bytes.len());
            return STRING_PLACEHOLDER.to_string();
        }
        let s = String::from_utf8_lossy(bytes);
        if self.pay(s.len()) {
            s.into_owned()
        } else {
            STRING_PLACEHOLDER.to_string()
        }
    }

    /// A copy of `s` for another place in the report, or the placeholder.
    pub fn copy(&mut self, s: &str) -> String {
        if self.pay(s.len()) {
            s.to_string()
        } else {
            STRING_PLACEHOLDER.to_string()
        }
    }

    /// Read the NUL-terminated string at `offset` (at most `limit` bytes) and keep it. Reads no more than the
    /// budget could keep: once it is spent, strings are not read at all, so a lazily read file caches no more
    /// of them either. `Err` only when the string itself is malformed or unreadable.
    pub fn read_cstr<'a, R: ReadRef<'a>>(
        &mut self,
        r: &Reader<'a, R>,
        offset: u64,
        limit: u64,
        what: &str,
    ) -> Result<String, InspectError> {
        // One byte more than fits, for the NUL: a string that ends in time is kept whole.
        let limit = limit.min(MAX_STRING);
        let room = (self.left as u64).saturating_add(1);
        if room < limit && offset < r.len {
            return match r.cstr(offset, room, what) {
                Ok(s) => Ok(self.keep(s)),
                // The file ends before the budget's cut: unterminated whatever the budget.
                Err(e) if offset.saturating_add(room) >= r.len => Err(e),
                // Longer than the budget's cut (or unterminated further on: the two are not told apart once
                // the budget is this low; neither is kept).
                Err(_) => {
                    self.drop_one();
                    Ok(STRING_PLACEHOLDER.to_string())
                }
            };
        }
        r.cstr(offset, limit, what).map(|s| self.keep(s))
    }

    /// Whether a string was dropped.
    pub fn spent(&self) -> bool {
        self.dropped > 0
    }

    /// The one problem that says what was dropped, if anything was.
    pub fn problem(&self) -> Option<Problem> {
        self.spent().then(|| Problem {
            what: "strings".into(),
            offset: None,
            message: format!(
                "{} strings were not kept: they exceed the {} bytes of strings kept per file; they read `{}`",
                self.dropped, MAX_FILE_STRINGS, STRING_PLACEHOLDER
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_until_spent_then_placeholders_and_counts() {
        let mut b = StringBudget::new(10);
        assert_eq!(b.keep(b"libc.so"), "libc.so");
        assert_eq!(b.copy("abc"), "abc");
        assert!(!b.spent());
        assert_eq!(b.keep(b"x"), STRING_PLACEHOLDER);
        assert_eq!(b.copy("yz"), STRING_PLACEHOLDER);
        assert_eq!(b.keep(b""), "");
        let p = b.problem().expect("a problem");
        assert!(
            p.message.starts_with("2 strings were not kept"),
            "{}",
            p.message
        );
    }

    #[test]
    fn invalid_utf8_is_paid_for_as_decoded() {
        // Each invalid byte becomes U+FFFD, three bytes: four of them do not fit in ten.
        let mut b = StringBudget::new(10);
        assert_eq!(b.keep(&[0xff; 4]), STRING_PLACEHOLDER);
        assert_eq!(b.keep(&[0xff; 3]), "\u{fffd}\u{fffd}\u{fffd}");
    }

    #[test]
    fn reads_no_more_than_it_can_keep() {
        let mut data = vec![b'a'; 100];
        data.extend_from_slice(b"\0short\0");
        let r = Reader::new(&data[..], data.len() as u64, true, false);
        let mut b = StringBudget::new(20);
        // The long string is dropped: it ends within its limit, but not within the budget.
        assert_eq!(b.read_cstr(&r, 0, 4096, "s").unwrap(), STRING_PLACEHOLDER);
        assert_eq!(b.read_cstr(&r, 101, 4096, "s").unwrap(), "short");
        assert_eq!(b.problem().map(|p| p.what), Some("strings".to_string()));
        // With room for any string, one without a NUL within MAX_STRING is malformed, not dropped.
        let long = vec![b'a'; 5 * MAX_STRING as usize];
        let r3 = Reader::new(&long[..], long.len() as u64, true, false);
        let room = 2 * MAX_STRING as usize;
        assert!(StringBudget::new(room)
            .read_cstr(&r3, 0, 1 << 30, "s")
            .is_err());
        // A string that runs off the end of the file is still an error.
        let r2 = Reader::new(&data[..100], 100, true, false);
        assert!(StringBudget::new(1000)
            .read_cstr(&r2, 0, 4096, "s")
            .is_err());
    }
}
