//! Endian- and class-aware reads over any [`ReadRef`], with bounds and errors that name what was read.
//!
//! Every read is bounded by the file length (checked by the `ReadRef`) and by the caller's own limit, so a
//! count field read from the file can never make us allocate in proportion to it.

use object::ReadRef;

use crate::blocks::ReadScan;
use crate::error::InspectError;
use crate::limits::{MAX_READ, MAX_STRING};

#[derive(Clone, Copy)]
pub struct Reader<'a, R: ReadRef<'a>> {
    data: R,
    pub len: u64,
    pub is64: bool,
    pub big: bool,
    _marker: core::marker::PhantomData<&'a ()>,
}

impl<'a, R: ReadRef<'a>> Reader<'a, R> {
    pub fn new(data: R, len: u64, is64: bool, big: bool) -> Self {
        Reader {
            data,
            len,
            is64,
            big,
            _marker: core::marker::PhantomData,
        }
    }

    /// Read `size` bytes at `offset`; the error says what was being read.
    pub fn bytes(&self, offset: u64, size: u64, what: &str) -> Result<&'a [u8], InspectError> {
        self.check(offset, size, what)?;
        self.data
            .read_bytes_at(offset, size)
            .map_err(|()| InspectError::Read {
                what: what.to_string(),
                offset,
            })
    }

    /// The range is within the file and the read limit.
    fn check(&self, offset: u64, size: u64, what: &str) -> Result<(), InspectError> {
        if size > MAX_READ {
            return Err(InspectError::malformed(
                what,
                offset,
                format!("size {size} exceeds the {MAX_READ}-byte read limit"),
            ));
        }
        match offset.checked_add(size) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(InspectError::malformed(
                what,
                offset,
                format!("needs {size} bytes but the file ends at {:#x}", self.len),
            )),
        }
    }

    /// Read a NUL-terminated string of at most `limit` bytes (and at most [`MAX_STRING`]) starting at
    /// `offset`.
    pub fn cstr(&self, offset: u64, limit: u64, what: &str) -> Result<&'a [u8], InspectError> {
        if offset >= self.len {
            return Err(InspectError::malformed(
                what,
                offset,
                format!("string starts past the end of the file ({:#x})", self.len),
            ));
        }
        let end = offset.saturating_add(limit.min(MAX_STRING)).min(self.len);
        self.data
            .read_bytes_at_until(offset..end, 0)
            // `object::ReadCache` keeps a string by its start only, and may hand back one found earlier with
            // a wider limit: the NUL must lie within this limit, as it must in a byte slice.
            .ok()
            .filter(|s| (s.len() as u64) < end - offset)
            .ok_or_else(|| InspectError::malformed(what, offset, "unterminated string"))
    }

    // The field readers below take slices that the caller read with the structure's full size; an
    // out-of-range index (a bug, not bad input) reads as 0 rather than panicking.
    pub fn u16(&self, b: &[u8], at: usize) -> u16 {
        let v: [u8; 2] = field(b, at);
        if self.big {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        }
    }

    pub fn u32(&self, b: &[u8], at: usize) -> u32 {
        let v: [u8; 4] = field(b, at);
        if self.big {
            u32::from_be_bytes(v)
        } else {
            u32::from_le_bytes(v)
        }
    }

    pub fn u64(&self, b: &[u8], at: usize) -> u64 {
        let v: [u8; 8] = field(b, at);
        if self.big {
            u64::from_be_bytes(v)
        } else {
            u64::from_le_bytes(v)
        }
    }

    /// A class-sized word (4 bytes in ELF32, 8 in ELF64).
    pub fn word(&self, b: &[u8], at: usize) -> u64 {
        if self.is64 {
            self.u64(b, at)
        } else {
            u64::from(self.u32(b, at))
        }
    }

    pub fn word_size(&self) -> usize {
        if self.is64 {
            8
        } else {
            4
        }
    }
}

fn field<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    b.get(at..at.saturating_add(N))
        .and_then(|s| <[u8; N]>::try_from(s).ok())
        .unwrap_or([0; N])
}

impl<'a, R: ReadScan<'a>> Reader<'a, R> {
    /// `f` applied to the `size` bytes at `offset`, read for this look only (a chunk of a scan, which the
    /// reader need not keep); the error says what was being read.
    pub fn scan<T>(
        &self,
        offset: u64,
        size: u64,
        what: &str,
        f: impl FnOnce(&[u8]) -> T,
    ) -> Result<T, InspectError> {
        self.lend(offset, size, what, |data| data.scan_at(offset, size, f))
    }

    /// `f` applied to a table that `f` looks at while it scans others ([`ReadScan::table_at`]).
    pub fn table<T>(
        &self,
        offset: u64,
        size: u64,
        what: &str,
        f: impl FnOnce(&[u8]) -> T,
    ) -> Result<T, InspectError> {
        self.lend(offset, size, what, |data| data.table_at(offset, size, f))
    }

    /// `read` of a checked range, its failure named.
    fn lend<T>(
        &self,
        offset: u64,
        size: u64,
        what: &str,
        read: impl FnOnce(R) -> Result<T, ()>,
    ) -> Result<T, InspectError> {
        self.check(offset, size, what)?;
        read(self.data).map_err(|()| InspectError::Read {
            what: what.to_string(),
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_must_end_within_its_limit_however_it_is_read() {
        let data = b"abcdef\0";
        let slice = Reader::new(&data[..], 7, true, false);
        let cache = object::ReadCache::new(std::io::Cursor::new(&data[..]));
        let lazy = Reader::new(&cache, 7, true, false);
        assert_eq!(slice.cstr(0, 7, "s").unwrap(), b"abcdef");
        assert_eq!(lazy.cstr(0, 7, "s").unwrap(), b"abcdef");
        // The cache now holds "abcdef" for offset 0; a limit of 3 still finds no NUL.
        assert!(slice.cstr(0, 3, "s").is_err());
        assert!(lazy.cstr(0, 3, "s").is_err());
    }
}
