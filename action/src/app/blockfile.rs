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
    use static_build_core::blocks::{Arena, ArenaReader};

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
}
