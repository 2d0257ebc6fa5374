//! A file read on demand with `pread`, in the cached blocks of `static_build_core::blocks` (the browser's
//! worker uses the same reader over `File.slice`).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use static_build_core::blocks::{BlockReader, RangeSource};

/// A file as a [`RangeSource`]: its length taken once, reads with `pread`.
pub struct PreadSource {
    file: File,
    len: u64,
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
}

/// The file, read in cached blocks.
pub type BlockFile = BlockReader<PreadSource>;

pub fn open(file: File) -> io::Result<BlockFile> {
    let len = file.metadata()?.len();
    Ok(BlockReader::new(PreadSource { file, len }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, SeekFrom};

    #[test]
    fn reads_across_blocks_match_the_file() {
        let path = std::env::temp_dir().join(format!("blockfile-{}", std::process::id()));
        let data: Vec<u8> = (0..400_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut f = open(File::open(&path).unwrap()).unwrap();
        assert_eq!(f.len(), 400_000);
        for (start, len) in [
            (0usize, 10usize),
            (16_380, 10),
            (50_000, 40_000),
            (99_990, 10),
            (0, 300_000),
        ] {
            f.seek(SeekFrom::Start(start as u64)).unwrap();
            let mut buf = vec![0u8; len];
            f.read_exact(&mut buf).unwrap();
            assert_eq!(buf, &data[start..start + len]);
        }
        f.seek(SeekFrom::Start(400_000)).unwrap();
        assert_eq!(f.read(&mut [0u8; 4]).unwrap(), 0);
        std::fs::remove_file(&path).unwrap();
    }
}
