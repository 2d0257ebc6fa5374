//! A file read with `pread`, as the [`RangeSource`] of core's readers (the browser's worker reads
//! `File.slice` under the same block reader).

use std::fs::File;
use std::io;
use std::mem::MaybeUninit;
use std::os::unix::fs::FileExt;

use static_build_core::blocks::RangeSource;

/// A file as a [`RangeSource`]: its length taken once, reads with `pread`.
pub struct PreadSource {
    file: File,
    len: u64,
}

impl PreadSource {
    pub fn new(file: File) -> io::Result<Self> {
        let len = file.metadata()?.len();
        Ok(PreadSource { file, len })
    }
}

impl RangeSource for PreadSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        self.file
            .read_exact_at(buf, offset)
            .map_err(|e| super::files::io_reason(&e))
    }

    const READS_UNINIT: bool = true;

    fn read_uninit<'b>(
        &mut self,
        offset: u64,
        buf: &'b mut [MaybeUninit<u8>],
    ) -> Result<&'b [u8], String> {
        rustix::io::pread(&self.file, buf, offset)
            .map(|(filled, _)| &*filled)
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::ReadRef;
    use static_build_core::blocks::{Arena, ArenaReader, ReadScan, Tables};
    use std::sync::Arc;

    #[test]
    fn reads_across_blocks_match_the_file() {
        let path = std::env::temp_dir().join(format!("blockfile-{}", std::process::id()));
        let data: Vec<u8> = (0..400_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let arena = Arena::new();
        let f = ArenaReader::new(
            PreadSource::new(File::open(&path).unwrap()).unwrap(),
            &arena,
        );
        assert_eq!(f.len(), 400_000);
        for (start, len) in [
            (0usize, 10usize),
            (16_380, 10),
            (50_000, 40_000),
            (99_990, 10),
            (0, 300_000),
            (399_990, 10),
        ] {
            let got = (&f).read_bytes_at(start as u64, len as u64).unwrap();
            assert_eq!(got, &data[start..start + len]);
        }
        assert!((&f).read_bytes_at(399_999, 2).is_err());
        std::fs::remove_file(&path).unwrap();
    }

    /// Large string tables read with `pread` into the shared buffers, which are not cleared first: the
    /// contents are the file's, one buffer serves two threads' tables in turn (sized to the power of two above
    /// the first), two tables at once take two, and a file cut short is an error, not stale bytes.
    #[test]
    fn string_tables_are_read_into_shared_buffers() {
        let path = std::env::temp_dir().join(format!("blockfile-tables-{}", std::process::id()));
        let data: Vec<u8> = (0..12u32 << 20).map(|i| (i % 241) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let tables = Arc::new(Tables::default());
        let (one, two) = (Arena::sharing(&tables), Arena::sharing(&tables));
        let open = || PreadSource::new(File::open(&path).unwrap()).unwrap();
        let lend = |arena: &Arena, at: u64, size: u64| {
            let r = ArenaReader::new(open(), arena);
            let same = (&r)
                .table_at(at, size, |t| t == &data[at as usize..(at + size) as usize])
                .unwrap();
            assert!(same, "{size} bytes at {at}");
        };
        lend(&one, 3, 4_981_544);
        assert_eq!(tables.free_lengths(), [8 << 20]);
        lend(&two, 1_000_000, 5_333_110);
        lend(&one, 77, 1_280_997);
        assert_eq!(tables.free_lengths(), [8 << 20]);
        let r = ArenaReader::new(open(), &one);
        let both = (&r)
            .table_at(0, 600_000, |a| {
                (&r).table_at(9_000_000, 2_000_000, |b| {
                    (a == &data[..600_000], b == &data[9_000_000..11_000_000])
                })
            })
            .unwrap()
            .unwrap();
        assert_eq!(both, (true, true));
        assert_eq!(tables.free_lengths(), [2 << 20, 8 << 20]);
        // Cut under the reader (which took the length before): the read comes up short.
        let r = ArenaReader::new(open(), &two);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(6 << 20)
            .unwrap();
        assert!((&r).table_at(5 << 20, 2 << 20, |_| ()).is_err());
        assert_eq!(tables.free_lengths(), [2 << 20, 8 << 20]);
        std::fs::remove_file(&path).unwrap();
    }
}
