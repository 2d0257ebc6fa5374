//! A file read on demand in aligned blocks, for `object::ReadCache`, over any source of byte ranges: the CLI
//! reads them with `pread`, the browser's worker with `File.slice` (see web/DESIGN.md). The I/O is the
//! source's; this module only decides what to read and keeps it.
//!
//! The inspector asks for many small pieces (headers, a string, a 16-byte version record); served from
//! 16 KiB blocks, a verdict costs a handful of reads while only the parts of the file that are asked for are
//! read, so a multi-gigabyte file costs what a small one does. The reader counts the bytes it read.
//!
//! The inspector's scans (symbol tables, read-only data, code) read through [`ReadScan::scan_at`], which
//! lends a range for one look: [`ArenaReader`] reads it into one reused buffer instead of its arena, so that a
//! file's scans do not stay in memory until the next file. A large string table, which a symbol table's walk
//! looks names up in, is lent the same way by [`ReadScan::table_at`], from buffers that the threads share
//! ([`Tables`]).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom};
use std::mem::MaybeUninit;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use bumpalo::Bump;
use object::ReadRef;

use crate::limits::{MAX_READ, SCAN_CHUNK};

/// Size of a cached block of a [`BlockReader`] (a browser file read by slices: each read is a round trip).
pub const BLOCK: u64 = 16 * 1024;
/// Size of a block of an [`ArenaReader`] (a file read with `pread`): a page. What a typical program needs
/// (its headers, dynamic section, symbol and version tables, section headers) lies in a few pieces of a page
/// or so; 16 KiB blocks copied twice the bytes over the corpus (110 MB instead of 55) for a third fewer
/// reads, and cost more system time than the reads they saved.
pub const ARENA_BLOCK: u64 = 4 * 1024;
/// Reads at least this large go straight to the source instead of through the block cache.
pub const DIRECT: usize = 256 * 1024;

/// Something that can fill a buffer from an offset: a file, a browser `File`, memory.
pub trait RangeSource {
    /// Length of the whole file.
    fn len(&self) -> u64;
    /// Whether the file is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fill all of `buf` with the bytes at `offset` (the caller keeps `offset + buf.len()` within `len`).
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String>;
    /// Whether [`RangeSource::read_uninit`] reads: then [`ArenaReader`] hands it memory that it did not clear
    /// first.
    const READS_UNINIT: bool = false;
    /// Read the bytes at `offset` into `buf`, which need not be initialised, and return the part filled (all
    /// of it unless the read came up short).
    fn read_uninit<'b>(
        &mut self,
        offset: u64,
        buf: &'b mut [MaybeUninit<u8>],
    ) -> Result<&'b [u8], String> {
        let _ = (offset, buf);
        Err("this source reads only into initialised memory".into())
    }
}

/// `Read + Seek` over a [`RangeSource`], reading it in cached blocks.
pub struct BlockReader<S> {
    source: S,
    len: u64,
    pos: u64,
    blocks: BTreeMap<u64, Box<[u8]>>,
    bytes_read: u64,
}

impl<S: RangeSource> BlockReader<S> {
    pub fn new(source: S) -> Self {
        let len = source.len();
        BlockReader {
            source,
            len,
            pos: 0,
            blocks: BTreeMap::new(),
            bytes_read: 0,
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many bytes were read from the source so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn fill(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.source.read_at(offset, buf).map_err(io::Error::other)?;
        self.bytes_read += buf.len() as u64;
        Ok(())
    }

    fn block(&mut self, index: u64) -> io::Result<&[u8]> {
        if !self.blocks.contains_key(&index) {
            let start = index * BLOCK;
            let size = BLOCK.min(self.len.saturating_sub(start)) as usize;
            let mut buf = vec![0u8; size];
            self.fill(start, &mut buf)?;
            self.blocks.insert(index, buf.into_boxed_slice());
        }
        Ok(self.blocks.get(&index).map(|b| &b[..]).unwrap_or(&[]))
    }
}

impl<S: RangeSource> Read for BlockReader<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.len - self.pos).unwrap_or(usize::MAX));
        if want >= DIRECT {
            let pos = self.pos;
            self.fill(pos, &mut buf[..want])?;
            self.pos += want as u64;
            return Ok(want);
        }
        let index = self.pos / BLOCK;
        let offset = (self.pos % BLOCK) as usize;
        let block = self.block(index)?;
        let n = want.min(block.len().saturating_sub(offset));
        buf[..n].copy_from_slice(&block[offset..offset + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<S: RangeSource> Seek for BlockReader<S> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let new = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match new {
            Some(p) => {
                self.pos = p;
                Ok(p)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek out of range",
            )),
        }
    }
}

/// A [`ReadRef`] that can also lend a range for one look without keeping it: the inspector's scans of
/// megabytes of data or code (the C library's marker strings, calls to `dlopen`) read through it chunk by
/// chunk, so that what they read is not kept for the rest of the file. A byte slice and `object::ReadCache`
/// lend what [`ReadRef::read_bytes_at`] gives; [`ArenaReader`] reads into one buffer that it reuses.
pub trait ReadScan<'a>: ReadRef<'a> {
    /// `f` applied to the `size` bytes at `offset`; `Err(())` when they cannot be read, as with
    /// [`ReadRef`] (the inspector's reader names what was being read).
    #[allow(clippy::result_unit_err)]
    fn scan_at<T>(self, offset: u64, size: u64, f: impl FnOnce(&[u8]) -> T) -> Result<T, ()>;

    /// `f` applied to the `size` bytes at `offset`, like [`ReadScan::scan_at`] but for a table that `f` looks
    /// at while it scans others (a string table while its symbol table is scanned).
    #[allow(clippy::result_unit_err)]
    fn table_at<T>(self, offset: u64, size: u64, f: impl FnOnce(&[u8]) -> T) -> Result<T, ()> {
        self.scan_at(offset, size, f)
    }
}

impl<'a> ReadScan<'a> for &'a [u8] {
    fn scan_at<T>(self, offset: u64, size: u64, f: impl FnOnce(&[u8]) -> T) -> Result<T, ()> {
        self.read_bytes_at(offset, size).map(f)
    }
}

impl<'a, R: object::ReadCacheOps> ReadScan<'a> for &'a object::ReadCache<R> {
    fn scan_at<T>(self, offset: u64, size: u64, f: impl FnOnce(&[u8]) -> T) -> Result<T, ()> {
        self.read_bytes_at(offset, size).map(f)
    }
}

/// What one thread reads files into: the blocks and small pieces of its current file (emptied by
/// [`Arena::reset`] between files, their memory kept), its large pieces (released by the reset), the one
/// buffer, of at most [`SCAN_CHUNK`] bytes, that its scans read through, one chunk after the other, and the
/// buffers, shared with the other threads, that its large string tables are lent in ([`Tables`]).
#[derive(Default)]
pub struct Arena {
    bump: Bump,
    /// The pieces of at least [`LARGE_PIECE`] bytes: a large header table, note or section that a file names
    /// (string tables go to [`Tables`]). Kept with the small ones, they made the arena's chunk double past the
    /// largest file (a chunk sized to a 5 MB string table, then one of 10 MB for the next piece, both held until
    /// the next file), and every thread kept the largest chunk it had needed. Released at each reset, their
    /// memory goes back to the allocator: over /usr/bin, the peak of live memory fell from 17 to 7 MB.
    large: Bump,
    scratch: RefCell<Vec<u8>>,
    /// Where its string tables of at least [`LARGE_PIECE`] bytes are read, shared with the other threads.
    tables: Arc<Tables>,
}

/// Pieces at least this large go to [`Arena`]'s large pieces.
pub const LARGE_PIECE: usize = 256 * 1024;

/// The buffers that the threads read their large string tables into ([`ReadScan::table_at`]), each lent to one
/// table at a time and kept for the next, of any thread.
///
/// Memory that a process touches for the first time costs several times what a read into it does (the
/// kernel clears the page and, on a virtual machine, the host backs it): reading Debian's `node` (a 5.3 MB
/// dynamic string table) into fresh memory took 2.6 to 4.2 ms, and into a buffer read before 0.6 to 0.8 ms.
/// Given back to the allocator after each file, a table's memory was rarely where the next, larger one went:
/// over /usr/bin, `containerd`'s 5.0 MB and then `node`'s 5.3 MB each took fresh memory. Sized to powers of
/// two, one buffer takes both.
///
/// The buffers are not cleared: a source that reads into memory that is not initialised (the CLI's `pread`,
/// [`RangeSource::READS_UNINIT`]) touches only the pages a table fills. Cleared, `node`'s table cleared 8 MiB,
/// four huge pages, where it fills three, and each fresh huge page costs 0.4 ms on the development machine. A
/// source that reads only into initialised memory reads a table into a cleared buffer of its own.
///
/// Bounded: a buffer is at most [`MAX_READ`] bytes, and there are at most as many as tables read at the same
/// time (one per thread).
#[derive(Default)]
pub struct Tables {
    free: Mutex<Vec<Box<[MaybeUninit<u8>]>>>,
}

impl Tables {
    /// A buffer of at least `size` bytes (at most [`MAX_READ`]): the smallest free one that holds it, or a new
    /// one sized to the power of two above it. When every free one is too small, the largest is released
    /// first, so that the allocator can place the new one where it was.
    fn take(&self, size: usize) -> Box<[MaybeUninit<u8>]> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let fits = (0..free.len())
            .filter(|&i| free[i].len() >= size)
            .min_by_key(|&i| free[i].len());
        if let Some(i) = fits {
            return free.swap_remove(i);
        }
        if let Some(i) = (0..free.len()).max_by_key(|&i| free[i].len()) {
            drop(free.swap_remove(i));
        }
        drop(free);
        Box::new_uninit_slice(size.next_power_of_two().min(MAX_READ as usize).max(size))
    }

    /// The lengths of the buffers free to lend, smallest first (for tests).
    pub fn free_lengths(&self) -> Vec<usize> {
        let free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let mut lengths: Vec<usize> = free.iter().map(|b| b.len()).collect();
        lengths.sort_unstable();
        lengths
    }

    fn give(&self, buffer: Box<[MaybeUninit<u8>]>) {
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buffer);
    }
}

impl Arena {
    pub fn new() -> Self {
        Arena::default()
    }

    /// An arena that reads its large string tables into `tables`' buffers, which other threads' arenas share.
    pub fn sharing(tables: &Arc<Tables>) -> Self {
        Arena {
            tables: Arc::clone(tables),
            ..Arena::default()
        }
    }

    /// Forget the pieces of the last file: the small ones' memory is reused for the next file, the large ones'
    /// goes back to the allocator.
    pub fn reset(&mut self) {
        self.bump.reset();
        self.large = Bump::new();
    }
}

/// A file read on demand into an arena, as the inspector's [`ReadRef`]: what it asks for is handed out as
/// slices of [`ARENA_BLOCK`]-sized blocks (read once each, kept for the file) or, for a piece that spans blocks, of
/// one read into the arena. Nothing is allocated per read: the [`Arena`] belongs to the caller, who resets it
/// between files, so that inspecting many files reuses the same memory (one arena per thread).
pub struct ArenaReader<'a, S> {
    source: RefCell<S>,
    len: u64,
    /// Where the blocks and pieces go, and the buffer that [`ReadScan::scan_at`] reads into and reuses (scans
    /// of megabytes do not stay in the arena).
    arena: &'a Arena,
    blocks: RefCell<BTreeMap<u64, &'a [u8]>>,
    bytes_read: Cell<u64>,
}

impl<'a, S: RangeSource> ArenaReader<'a, S> {
    pub fn new(source: S, arena: &'a Arena) -> Self {
        let len = source.len();
        ArenaReader {
            source: RefCell::new(source),
            len,
            arena,
            blocks: RefCell::new(BTreeMap::new()),
            bytes_read: Cell::new(0),
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many bytes were read from the source so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.get()
    }

    /// `size` bytes at `offset` read from the source into the arena (the caller checked the range).
    fn fill(&self, offset: u64, size: usize) -> Result<&'a [u8], ()> {
        let bump = if size >= LARGE_PIECE {
            &self.arena.large
        } else {
            &self.arena.bump
        };
        if S::READS_UNINIT {
            // Read into memory that is not cleared first (the read overwrites it all)...
            let buf = bump.alloc_slice_fill_with(size, |_| MaybeUninit::<u8>::uninit());
            if let Some(got) = self.read_whole_uninit(offset, buf) {
                return Ok(got);
            }
            // ...and after a failed or short read, once more the plain way, which says why.
        }
        let buf = bump.alloc_slice_fill_copy(size, 0u8);
        self.read_whole(offset, buf)?;
        Ok(buf)
    }

    /// All of `buf` read from the source at `offset`, and counted.
    fn read_whole(&self, offset: u64, buf: &mut [u8]) -> Result<(), ()> {
        self.source
            .borrow_mut()
            .read_at(offset, buf)
            .map_err(|_| ())?;
        self.bytes_read
            .set(self.bytes_read.get() + buf.len() as u64);
        Ok(())
    }

    /// All of `buf` read from the source at `offset` into memory that is not cleared first, and counted; `None`
    /// after a failed or short read (the file was cut while it was read).
    fn read_whole_uninit<'b>(
        &self,
        offset: u64,
        buf: &'b mut [MaybeUninit<u8>],
    ) -> Option<&'b [u8]> {
        let size = buf.len();
        let read = self.source.borrow_mut().read_uninit(offset, buf);
        let got = read.ok().filter(|got| got.len() == size)?;
        self.bytes_read.set(self.bytes_read.get() + size as u64);
        Some(got)
    }

    /// The end of the `size` bytes at `offset`, when they lie within the file and the read limit.
    fn end_of(&self, offset: u64, size: u64) -> Result<u64, ()> {
        offset
            .checked_add(size)
            .filter(|&e| e <= self.len && size <= MAX_READ)
            .ok_or(())
    }

    fn block(&self, index: u64) -> Result<&'a [u8], ()> {
        if let Some(&b) = self.blocks.borrow().get(&index) {
            return Ok(b);
        }
        let start = index.checked_mul(ARENA_BLOCK).ok_or(())?;
        let size = ARENA_BLOCK.min(self.len.saturating_sub(start)) as usize;
        let b = self.fill(start, size)?;
        self.blocks.borrow_mut().insert(index, b);
        Ok(b)
    }
}

impl<'a, S: RangeSource> ReadRef<'a> for &'a ArenaReader<'a, S> {
    fn len(self) -> Result<u64, ()> {
        Ok(self.len)
    }

    fn read_bytes_at(self, offset: u64, size: u64) -> Result<&'a [u8], ()> {
        if size == 0 {
            return Ok(&[]);
        }
        let end = self.end_of(offset, size)?;
        let first = offset / ARENA_BLOCK;
        if (end - 1) / ARENA_BLOCK == first {
            let at = (offset - first * ARENA_BLOCK) as usize;
            return self.block(first)?.get(at..at + size as usize).ok_or(());
        }
        // Across a block boundary: one read of exactly these bytes (a symbol table, a note segment).
        self.fill(offset, usize::try_from(size).map_err(|_| ())?)
    }

    fn read_bytes_at_until(self, range: Range<u64>, delimiter: u8) -> Result<&'a [u8], ()> {
        if range.start >= range.end || range.end > self.len {
            return Err(());
        }
        // Most strings end in the block they start in: a slice of it.
        let first = range.start / ARENA_BLOCK;
        let block = self.block(first)?;
        let at = (range.start - first * ARENA_BLOCK) as usize;
        let stop = (range.end - first * ARENA_BLOCK).min(block.len() as u64) as usize;
        let head = block.get(at..stop).ok_or(())?;
        if let Some(n) = memchr::memchr(delimiter, head) {
            return Ok(&head[..n]);
        }
        // Otherwise gather the pieces, block by block, up to the delimiter or the end of the range.
        // (Rare: only a string across a block boundary gathers.)
        let mut out = head.to_vec();
        let mut index = first + 1;
        while index * ARENA_BLOCK < range.end {
            let block = self.block(index)?;
            let stop = (range.end - index * ARENA_BLOCK).min(block.len() as u64) as usize;
            let piece = block.get(..stop).ok_or(())?;
            if let Some(n) = memchr::memchr(delimiter, piece) {
                out.extend_from_slice(&piece[..n]);
                return Ok(self.arena.bump.alloc_slice_copy(&out));
            }
            out.extend_from_slice(piece);
            index += 1;
        }
        Err(())
    }
}

impl<'a, S: RangeSource> ReadScan<'a> for &'a ArenaReader<'a, S> {
    fn table_at<T>(self, offset: u64, size: u64, f: impl FnOnce(&[u8]) -> T) -> Result<T, ()> {
        self.end_of(offset, size)?;
        // A small table: read as any piece is (its blocks may be read already, or be wanted again).
        if size < LARGE_PIECE as u64 {
            return self.read_bytes_at(offset, size).map(f);
        }
        let size = usize::try_from(size).map_err(|_| ())?;
        if !S::READS_UNINIT {
            let mut buffer = vec![0; size];
            self.read_whole(offset, &mut buffer)?;
            return Ok(f(&buffer));
        }
        let mut buffer = self.arena.tables.take(size);
        let out = self
            .read_whole_uninit(offset, &mut buffer[..size])
            .map(f)
            .ok_or(());
        self.arena.tables.give(buffer);
        out
    }

    fn scan_at<T>(self, offset: u64, size: u64, f: impl FnOnce(&[u8]) -> T) -> Result<T, ()> {
        let end = self.end_of(offset, size)?;
        // Within one block (a small symbol table): the block, which is kept anyway and may be read already.
        if size == 0 || (end - 1) / ARENA_BLOCK == offset / ARENA_BLOCK {
            return self.read_bytes_at(offset, size).map(f);
        }
        // A scan inside a scan (none today) cannot share the buffer, nor can a piece larger than it fit: they
        // are read through the arena.
        let mut scratch = match self.arena.scratch.try_borrow_mut() {
            Ok(scratch) if size <= SCAN_CHUNK => scratch,
            _ => return self.read_bytes_at(offset, size).map(f),
        };
        let size = usize::try_from(size).map_err(|_| ())?;
        // Grown to the largest chunk a scan asked for (once per thread), then reused.
        if scratch.len() < size {
            scratch.resize(size, 0);
        }
        let buf = &mut scratch[..size];
        self.read_whole(offset, buf)?;
        Ok(f(buf))
    }
}

/// A [`RangeSource`] over bytes in memory (tests, and callers that already hold the file).
pub struct MemorySource<'a>(pub &'a [u8]);

impl RangeSource for MemorySource<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        let start = usize::try_from(offset).map_err(|_| "offset out of range".to_string())?;
        let end = start
            .checked_add(buf.len())
            .filter(|&e| e <= self.0.len())
            .ok_or_else(|| format!("read of {} bytes at {offset} past the end", buf.len()))?;
        buf.copy_from_slice(&self.0[start..end]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the calls, to show the cache at work.
    struct Counting<'a>(MemorySource<'a>, usize);

    impl RangeSource for Counting<'_> {
        fn len(&self) -> u64 {
            self.0.len()
        }
        fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
            self.1 += 1;
            self.0.read_at(offset, buf)
        }
    }

    #[test]
    fn reads_across_blocks_match_the_data() {
        let data: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
        let mut r = BlockReader::new(MemorySource(&data));
        for (start, len) in [
            (0usize, 10usize),
            (16_380, 10),
            (50_000, 40_000),
            (99_990, 10),
            (0, 300_000),
            (599_990, 10),
        ] {
            r.seek(SeekFrom::Start(start as u64)).unwrap();
            let mut buf = vec![0u8; len];
            r.read_exact(&mut buf).unwrap();
            assert_eq!(buf, &data[start..start + len]);
        }
        r.seek(SeekFrom::Start(600_000)).unwrap();
        assert_eq!(r.read(&mut [0u8; 4]).unwrap(), 0);
        assert!(r.seek(SeekFrom::Current(-1_000_000)).is_err());
    }

    #[test]
    fn small_reads_hit_the_cache_and_are_counted() {
        let data = vec![7u8; 1 << 20];
        let mut r = BlockReader::new(Counting(MemorySource(&data), 0));
        let mut b = [0u8; 64];
        for _ in 0..100 {
            r.seek(SeekFrom::Start(100)).unwrap();
            r.read_exact(&mut b).unwrap();
        }
        assert_eq!(r.source.1, 1);
        assert_eq!(r.bytes_read(), BLOCK);
        // A read past the first block loads only the block it needs.
        r.seek(SeekFrom::Start(5 * BLOCK + 1)).unwrap();
        r.read_exact(&mut b).unwrap();
        assert_eq!(r.bytes_read(), 2 * BLOCK);
    }

    #[test]
    fn scans_reuse_one_buffer_and_leave_the_arena_alone() {
        let data: Vec<u8> = (0..8u32 << 20).map(|i| (i % 253) as u8).collect();
        let arena = Arena::new();
        let r = ArenaReader::new(Counting(MemorySource(&data), 0), &arena);
        // Chunks of SCAN_CHUNK bytes, each overlapping the one before by 7 (as a scan's do).
        let step = SCAN_CHUNK - 7;
        let mut sum = 0u64;
        let mut at = 0;
        while at + SCAN_CHUNK <= data.len() as u64 {
            let same = (&r)
                .scan_at(at, SCAN_CHUNK, |b| {
                    sum += b.iter().map(|&x| u64::from(x)).sum::<u64>();
                    b == &data[at as usize..(at + SCAN_CHUNK) as usize]
                })
                .unwrap();
            assert!(same, "chunk at {at}");
            at += step;
        }
        assert!(sum > 0);
        // A range past the end is refused, not read.
        assert!((&r).scan_at(at, SCAN_CHUNK, |_| ()).is_err());
        // Eight chunks, megabytes, and none of it went into the arena.
        assert_eq!(r.bytes_read(), 8 * SCAN_CHUNK);
        assert_eq!(arena.bump.allocated_bytes(), 0);
        assert_eq!(arena.scratch.borrow().len() as u64, SCAN_CHUNK);
        // A scan inside a scan reads through the arena instead of failing.
        let inner = (&r)
            .scan_at(ARENA_BLOCK - 4, 16, |_| {
                (&r).scan_at(ARENA_BLOCK - 8, 16, |b| b.to_vec())
            })
            .unwrap()
            .unwrap();
        assert_eq!(
            inner,
            &data[ARENA_BLOCK as usize - 8..ARENA_BLOCK as usize + 8]
        );
        assert!(arena.bump.allocated_bytes() > 0);
        // So is a piece larger than the buffer.
        let big = (&r).scan_at(0, SCAN_CHUNK + 1, |b| b.len()).unwrap();
        assert_eq!(big as u64, SCAN_CHUNK + 1);
        assert_eq!(arena.scratch.borrow().len() as u64, SCAN_CHUNK);
    }

    #[test]
    fn large_pieces_are_released_at_each_reset_and_small_ones_kept() {
        let data: Vec<u8> = (0..6u32 << 20).map(|i| (i % 249) as u8).collect();
        let mut arena = Arena::new();
        for round in 0..3 {
            {
                let r = ArenaReader::new(MemorySource(&data), &arena);
                // A few blocks and a small piece across two of them...
                for at in [0u64, 40_000, 900_000] {
                    let b = (&r).read_bytes_at(at, 64).unwrap();
                    assert_eq!(b, &data[at as usize..at as usize + 64]);
                }
                let small = (&r).read_bytes_at(ARENA_BLOCK - 10, 100).unwrap();
                assert_eq!(
                    small,
                    &data[ARENA_BLOCK as usize - 10..ARENA_BLOCK as usize + 90]
                );
                // ...then two large ones, a string table of megabytes and another after it.
                let (a, b) = (5_000_000 + round, LARGE_PIECE as u64);
                let table = (&r).read_bytes_at(100, a).unwrap();
                let other = (&r).read_bytes_at(5_500_000, b).unwrap();
                assert_eq!(table, &data[100..100 + a as usize]);
                assert_eq!(other, &data[5_500_000..5_500_000 + b as usize]);
                // The small pieces' memory does not grow to hold the large ones.
                assert!(arena.bump.allocated_bytes() < LARGE_PIECE, "round {round}");
                assert!(arena.large.allocated_bytes() >= (a + b) as usize);
            }
            arena.reset();
            // The large pieces' memory is given back; the small pieces' chunk stays for the next file.
            assert_eq!(arena.large.allocated_bytes(), 0);
            assert!(arena.bump.allocated_bytes() > 0);
        }
    }

    /// The pool's choices: a buffer sized to the power of two above the first table serves the next, larger
    /// one; two tables at once take two buffers, both kept; a table larger than every free buffer takes the
    /// place of the largest; no buffer is larger than MAX_READ. (Reads through the pool: the action crate's
    /// blockfile tests, with a source that reads into memory that is not initialised.)
    #[test]
    fn string_table_buffers_are_reused_and_bounded() {
        let tables = Tables::default();
        let round = |size: usize| {
            let b = tables.take(size);
            let len = b.len();
            tables.give(b);
            len
        };
        // containerd's table, then node's larger one: the same buffer.
        assert_eq!(round(4_981_544), 8 << 20);
        assert_eq!(round(5_333_110), 8 << 20);
        assert_eq!(tables.free_lengths(), [8 << 20]);
        let (a, b) = (tables.take(600_000), tables.take(2_000_000));
        assert_eq!((a.len(), b.len()), (8 << 20, 2 << 20));
        tables.give(a);
        tables.give(b);
        assert_eq!(tables.free_lengths(), [2 << 20, 8 << 20]);
        // The smallest that holds it.
        assert_eq!(round(1_500_000), 2 << 20);
        assert_eq!(round(9_000_000), 16 << 20);
        assert_eq!(tables.free_lengths(), [2 << 20, 16 << 20]);
        assert_eq!(tables.take(MAX_READ as usize - 1).len() as u64, MAX_READ);
    }

    /// A source that reads only into initialised memory (this one, the browser's) reads a large table into a
    /// buffer of its own, not the pool's; the contents are the file's, and a range past the end of the file
    /// or past MAX_READ reads nothing.
    #[test]
    fn a_table_from_an_initialising_source_is_read_whole_outside_the_pool() {
        let data: Vec<u8> = (0..12u32 << 20).map(|i| (i % 241) as u8).collect();
        let tables = Arc::new(Tables::default());
        let arena = Arena::sharing(&tables);
        let r = ArenaReader::new(MemorySource(&data), &arena);
        for (at, size) in [(3u64, 4_981_544u64), (77, 1000), (1_000_000, 5_333_110)] {
            let same = (&r)
                .table_at(at, size, |t| t == &data[at as usize..(at + size) as usize])
                .unwrap();
            assert!(same, "{size} bytes at {at}");
        }
        assert_eq!(tables.free_lengths(), Vec::<usize>::new());
        assert_eq!(arena.large.allocated_bytes(), 0);
        assert!((&r).table_at(12 << 20, 1 << 20, |_| ()).is_err());
        assert!((&r).table_at(0, MAX_READ + 1, |_| ()).is_err());
    }

    #[test]
    fn a_failing_source_is_an_error_not_a_panic() {
        struct Broken;
        impl RangeSource for Broken {
            fn len(&self) -> u64 {
                1 << 40
            }
            fn read_at(&mut self, _: u64, _: &mut [u8]) -> Result<(), String> {
                Err("the file went away".into())
            }
        }
        let mut r = BlockReader::new(Broken);
        let e = r.read(&mut [0u8; 16]).unwrap_err();
        assert_eq!(e.to_string(), "the file went away");
        // And the inspector turns it into an error for that file.
        let cache = object::ReadCache::new(BlockReader::new(Broken));
        assert!(crate::inspect(&cache).is_err());
    }
}
