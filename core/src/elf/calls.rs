//! Direct calls to a few functions, found by decoding the branch instructions of the executable segments.
//!
//! A static program has no relocations and no imports to say what it calls, and glibc's start-up code pulls
//! `dlopen` and `setlocale` into every static glibc program, called or not: their presence proves nothing.
//! A call instruction whose target is the function's first byte does. Each decoder looks at one
//! instruction form per position (the call and tail-call branches of the architecture) and compares its
//! target with a handful of addresses: linear in the bytes scanned, which [`MAX_CALL_SCAN`] bounds. A call
//! through a pointer is not seen; a run of data bytes that happens to decode as a call to the exact first
//! byte of one of these functions is possible but vanishingly rare.

use super::*;
use crate::limits::{MAX_CALL_SCAN, SCAN_CHUNK};

/// The call sites found for one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Calls {
    pub name: &'static str,
    /// How many call sites, and the address of the first.
    pub sites: usize,
    pub first: u64,
}

const EM_PPC: u16 = 20;
const EM_PPC64: u16 = 21;
const EM_S390: u16 = 22;
const EM_ARM: u16 = 40;
const EM_MIPS: u16 = 8;

/// A decoder: the target of the call or branch at `pc` whose bytes start `code` (at least 8 bytes, or what
/// is left of the segment), if the bytes there are one.
type Decode = fn(&[u8], u64, bool) -> Option<u64>;

/// The calls to each of `targets` in the executable segments; `None` when this architecture's calls are not
/// decoded here (the caller cannot tell).
pub(crate) fn find_calls<'a, R: ReadScan<'a>>(
    r: &Reader<'a, R>,
    raw: &Raw,
    targets: &[(&'static str, FunctionAddr)],
) -> Option<Vec<Calls>> {
    // (instruction alignment, decoder); x86 is scanned by its opcode bytes instead.
    // ARM code may be A32 or Thumb, which the bytes do not say: both are decoded everywhere they can be.
    let (step, decode, also): (u64, Option<Decode>, Option<Decode>) = match raw.machine {
        EM_X86_64 | EM_386 => (1, None, None),
        EM_AARCH64 => (4, Some(aarch64), None),
        EM_ARM => (2, Some(thumb), Some(a32)),
        EM_RISCV => (2, Some(riscv), None),
        EM_PPC | EM_PPC64 => (4, Some(ppc), None),
        EM_S390 => (2, Some(s390), None),
        EM_MIPS => (4, Some(mips), None),
        EM_LOONGARCH => (4, Some(loongarch), None),
        _ => return None,
    };
    // (address, index into targets), sorted for bisection. ppc64's ELFv2 functions are entered at a local
    // entry point by direct calls.
    let mut addrs: Vec<(u64, usize)> = Vec::new();
    for (i, (_, a)) in targets.iter().enumerate() {
        // ARM keeps bit 0 (set for a Thumb function): the decoders give the state that each call switches
        // to, so a call must reach the function in its own state (BL stays, BLX switches), which rules out
        // most data or Thumb code that merely reads as an A32 BL.
        let value = a.value;
        addrs.push((value, i));
        if raw.machine == EM_PPC64 {
            let local = match a.other >> 5 {
                v @ 2..=6 => 1u64 << v,
                _ => 0,
            };
            if local != 0 {
                addrs.push((value.wrapping_add(local), i));
            }
        }
    }
    addrs.sort_unstable();
    let mut sites = vec![(0usize, 0u64); targets.len()];
    let mut hit = |target: u64, pc: u64| {
        if let Ok(at) = addrs.binary_search_by(|(a, _)| a.cmp(&target)) {
            let s = &mut sites[addrs[at].1];
            if s.0 == 0 {
                s.1 = pc;
            }
            s.0 += 1;
        }
    };
    // The bytes a decoder may read past its position (a RISC-V auipc and jalr pair, a Thumb BL), read with
    // each chunk: a chunk is at most SCAN_CHUNK bytes.
    const TAIL: u64 = 8;
    const CHUNK: u64 = SCAN_CHUNK - TAIL;
    let mut scanned = 0u64;
    let mask = if r.is64 {
        u64::MAX
    } else {
        u64::from(u32::MAX)
    };
    for seg in raw
        .segments
        .iter()
        .filter(|s| s.p_type == PT_LOAD && s.flags & PF_X != 0)
    {
        let mut pos = 0u64;
        while pos < seg.filesz && scanned < MAX_CALL_SCAN {
            let own = (seg.filesz - pos).min(CHUNK).min(MAX_CALL_SCAN - scanned);
            let n = (seg.filesz - pos).min(own + TAIL);
            let look = |chunk: &[u8]| {
                let base = seg.vaddr.wrapping_add(pos);
                match decode {
                    None => {
                        // E8 rel32 (call) and E9 rel32 (jmp, a tail call); the target is relative to the next
                        // instruction.
                        for p in memchr::memchr2_iter(0xe8, 0xe9, &chunk[..own as usize]) {
                            if let Some(rel) = chunk.get(p + 1..p + 5) {
                                let rel =
                                    i32::from_le_bytes([rel[0], rel[1], rel[2], rel[3]]) as i64;
                                let pc = base.wrapping_add(p as u64);
                                hit(pc.wrapping_add(5).wrapping_add(rel as u64) & mask, pc);
                            }
                        }
                    }
                    Some(decode) => {
                        // Instructions are aligned to `step` in the address space.
                        let mut p = (step - base % step) % step;
                        while p < own {
                            let pc = base.wrapping_add(p);
                            let code = &chunk[p as usize..];
                            for d in std::iter::once(decode).chain(also) {
                                if let Some(t) = d(code, pc, r.big) {
                                    hit(t & mask, pc);
                                }
                            }
                            p += step;
                        }
                    }
                }
            };
            if r.scan(
                seg.offset.saturating_add(pos),
                n,
                "executable segment",
                look,
            )
            .is_err()
            {
                break;
            }
            scanned += own;
            pos += own;
        }
    }
    Some(
        targets
            .iter()
            .zip(sites)
            .filter(|(_, (n, _))| *n > 0)
            .map(|((name, _), (sites, first))| Calls { name, sites, first })
            .collect(),
    )
}

fn word(code: &[u8], at: usize, big: bool) -> Option<u32> {
    let b: [u8; 4] = code.get(at..at + 4)?.try_into().ok()?;
    Some(if big {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

fn half(code: &[u8], at: usize, big: bool) -> Option<u16> {
    let b: [u8; 2] = code.get(at..at + 2)?.try_into().ok()?;
    Some(if big {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    })
}

/// `value`'s low `bits` bits as a signed number.
fn sext(value: u64, bits: u32) -> u64 {
    let shift = 64 - bits;
    (((value << shift) as i64) >> shift) as u64
}

/// BL and B: imm26 words from the instruction.
fn aarch64(code: &[u8], pc: u64, big: bool) -> Option<u64> {
    // AArch64 instructions are little-endian even in big-endian data.
    let _ = big;
    let w = word(code, 0, false)?;
    match w & 0xfc00_0000 {
        0x9400_0000 | 0x1400_0000 => {
            Some(pc.wrapping_add(sext(u64::from(w & 0x03ff_ffff) << 2, 28)))
        }
        _ => None,
    }
}

/// A32 BL and BLX (immediate), at word-aligned addresses. The target carries the state the call runs it in,
/// as a symbol value does: bit 0 set for Thumb (BLX), clear for ARM (BL).
fn a32(code: &[u8], pc: u64, big: bool) -> Option<u64> {
    if !pc.is_multiple_of(4) {
        return None;
    }
    let w = word(code, 0, big)?;
    let imm = sext(u64::from(w & 0x00ff_ffff) << 2, 26);
    if w >> 28 != 0xf && (w & 0x0f00_0000) == 0x0b00_0000 {
        return Some(pc.wrapping_add(8).wrapping_add(imm));
    }
    if w & 0xfe00_0000 == 0xfa00_0000 {
        let h = u64::from((w >> 24) & 1) << 1;
        return Some(pc.wrapping_add(8).wrapping_add(imm).wrapping_add(h) | 1);
    }
    None
}

/// The Thumb-2 BL and BLX pair of halfwords, the target with its state as [`a32`] gives it.
fn thumb(code: &[u8], pc: u64, big: bool) -> Option<u64> {
    let hi = u32::from(half(code, 0, big)?);
    let lo = u32::from(half(code, 2, big)?);
    // 11110 S imm10, then 11 J1 1 J2 imm11 (BL) or 11 J1 0 J2 imm10 0 (BLX).
    if hi & 0xf800 != 0xf000 || lo & 0xc000 != 0xc000 {
        return None;
    }
    let s = (hi >> 10) & 1;
    let j1 = (lo >> 13) & 1;
    let j2 = (lo >> 11) & 1;
    let i1 = !(j1 ^ s) & 1;
    let i2 = !(j2 ^ s) & 1;
    let imm = (s << 24) | (i1 << 23) | (i2 << 22) | ((hi & 0x3ff) << 12) | ((lo & 0x7ff) << 1);
    let imm = sext(u64::from(imm), 25);
    // BL stays in Thumb (bit 0 set, as in a Thumb function's symbol value); BLX switches to ARM.
    if lo & 0x1000 != 0 {
        Some(pc.wrapping_add(4).wrapping_add(imm) | 1)
    } else {
        Some((pc & !3).wrapping_add(4).wrapping_add(imm))
    }
}

/// JAL, and the AUIPC + JALR pair that reaches farther.
fn riscv(code: &[u8], pc: u64, _big: bool) -> Option<u64> {
    let w = word(code, 0, false)?;
    match w & 0x7f {
        0x6f => {
            let imm = ((w >> 31) << 20)
                | (((w >> 12) & 0xff) << 12)
                | (((w >> 20) & 1) << 11)
                | (((w >> 21) & 0x3ff) << 1);
            Some(pc.wrapping_add(sext(u64::from(imm), 21)))
        }
        0x17 => {
            let rd = (w >> 7) & 0x1f;
            let next = word(code, 4, false)?;
            // jalr rd', imm(rs1) with rs1 = the auipc's register.
            if next & 0x7f != 0x67 || (next >> 12) & 7 != 0 || (next >> 15) & 0x1f != rd || rd == 0
            {
                return None;
            }
            let hi = sext(u64::from(w & 0xffff_f000), 32);
            let lo = sext(u64::from(next >> 20), 12);
            Some(pc.wrapping_add(hi).wrapping_add(lo))
        }
        _ => None,
    }
}

/// `bl` and `b` (relative, AA = 0).
fn ppc(code: &[u8], pc: u64, big: bool) -> Option<u64> {
    let w = word(code, 0, big)?;
    (w & 0xfc00_0002 == 0x4800_0000).then(|| pc.wrapping_add(sext(u64::from(w & 0x03ff_fffc), 26)))
}

/// BRASL and BRCL (`jg`): opcode C0, then r1/m1 and 5 or 4, then a signed count of halfwords.
fn s390(code: &[u8], pc: u64, _big: bool) -> Option<u64> {
    let op = code.get(0..2)?;
    if op[0] != 0xc0 || !matches!(op[1] & 0x0f, 4 | 5) {
        return None;
    }
    let rel: [u8; 4] = code.get(2..6)?.try_into().ok()?;
    let rel = i32::from_be_bytes(rel) as i64;
    Some(pc.wrapping_add((rel * 2) as u64))
}

/// JAL: a 26-bit word index within the 256 MiB region of the delay slot.
fn mips(code: &[u8], pc: u64, big: bool) -> Option<u64> {
    let w = word(code, 0, big)?;
    (w >> 26 == 3).then(|| (pc.wrapping_add(4) & !0x0fff_ffff) | (u64::from(w & 0x03ff_ffff) << 2))
}

/// BL and B: offs26 split as offs[15:0] in bits 25..10 and offs[25:16] in bits 9..0.
fn loongarch(code: &[u8], pc: u64, _big: bool) -> Option<u64> {
    let w = word(code, 0, false)?;
    if !matches!(w >> 26, 0x14 | 0x15) {
        return None;
    }
    let offs = ((w & 0x3ff) << 16) | ((w >> 10) & 0xffff);
    Some(pc.wrapping_add(sext(u64::from(offs) << 2, 28)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoders_find_their_targets() {
        // x86 is covered by the fixtures; these are hand-assembled from each architecture's manual.
        // aarch64: bl +0x100 at 0x1000.
        assert_eq!(
            aarch64(&0x9400_0040u32.to_le_bytes(), 0x1000, false),
            Some(0x1100)
        );
        // aarch64: b -8.
        assert_eq!(
            aarch64(&0x17ff_fffeu32.to_le_bytes(), 0x1000, false),
            Some(0xff8)
        );
        // A32: bl +0x20 (imm24 = 6: 8 + 24).
        assert_eq!(
            a32(&0xeb00_0006u32.to_le_bytes(), 0x1000, false),
            Some(0x1020)
        );
        // Thumb-2: bl at 0x2002 with S=0, imm10=1, J1=J2=1 (so I1=I2=0), imm11=0x7fe: +0x1ffc from pc+4.
        let t = [0xf000u16 | 0x0001, 0xf800 | 0x07fe];
        let bytes: Vec<u8> = t.iter().flat_map(|h| h.to_le_bytes()).collect();
        assert_eq!(
            thumb(&bytes, 0x2002, false),
            Some((0x2002 + 4 + 0x1ffc) | 1)
        );
        // A Thumb BL at a word-aligned address, whose bytes also read as an A32 BLX (from an armhf build of
        // glibc's setlocale caller): both readings are made, and the Thumb one is right.
        let bl = [0x08u8, 0xf0, 0xa2, 0xfa];
        assert_eq!(thumb(&bl, 0x103a8, false), Some(0x188f1));
        assert_ne!(a32(&bl, 0x103a8, false), Some(0x188f1));
        // Thumb code that reads as an A32 BL to a Thumb function's address (`ldr r3, [sp, #24]; cmp r3, #0`
        // in glibc's __gconv_transform_internal_ucs2, read as a BL to dlmopen at 0x51029): BL cannot reach a
        // Thumb function, so it does not count.
        assert_eq!(
            a32(&[0x06, 0x9b, 0x00, 0x2b], 0x2a408, false),
            Some(0x51028)
        );
        // RISC-V: jal ra, +0x800 (imm[11] = 1).
        let jal = 0x6f | (1 << 7) | (1 << 20);
        assert_eq!(
            riscv(&(jal as u32).to_le_bytes(), 0x1000, false),
            Some(0x1800)
        );
        // RISC-V: auipc t1, 0x1 ; jalr ra, -4(t1).
        let auipc = 0x17u32 | (6 << 7) | 0x1000;
        let jalr = 0x67u32 | (1 << 7) | (6 << 15) | (0xffc << 20);
        let mut pair = auipc.to_le_bytes().to_vec();
        pair.extend(jalr.to_le_bytes());
        assert_eq!(riscv(&pair, 0x1000, false), Some(0x1ffc));
        // PowerPC: bl -0x10.
        assert_eq!(
            ppc(&0x4bff_fff1u32.to_be_bytes(), 0x1000, true),
            Some(0xff0)
        );
        // s390x: brasl %r14, +0x20 halfwords.
        assert_eq!(
            s390(&[0xc0, 0xe5, 0, 0, 0, 0x20], 0x1000, true),
            Some(0x1040)
        );
        // MIPS: jal 0x400100.
        assert_eq!(
            mips(
                &(0x0c00_0000u32 | (0x40_0100 >> 2)).to_be_bytes(),
                0x40_0000,
                true
            ),
            Some(0x40_0100)
        );
        // LoongArch: bl +0x40 (offs = 0x10).
        assert_eq!(
            loongarch(
                &(0x5400_0000u32 | (0x10 << 10)).to_le_bytes(),
                0x1000,
                false
            ),
            Some(0x1040)
        );
        // Not branches.
        assert_eq!(aarch64(&0xd503_201fu32.to_le_bytes(), 0x1000, false), None);
        assert_eq!(riscv(&0x0000_0013u32.to_le_bytes(), 0x1000, false), None);
    }
}
