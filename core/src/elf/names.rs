//! The symbol names the walk of a symbol table looks for, in one table built at compile time: a name read
//! from a file is looked up in a constant number of steps (its length and three of its bytes pick a slot),
//! instead of being compared with each list in turn (a bisection of [`FORTIFIABLE`] alone cost seven
//! `memcmp` calls for every import).

use super::symbols::{Loads, CANARY_IMPORTS, GO_SYMBOLS, MARKER_SYMBOLS, RUNTIME_LOADING};

/// glibc functions that have a `__*_chk` variant under `_FORTIFY_SOURCE` (sorted, to be read and kept easily).
pub(crate) const FORTIFIABLE: &[&str] = &[
    "asprintf",
    "confstr",
    "dprintf",
    "explicit_bzero",
    "fdelt",
    "fgets",
    "fgets_unlocked",
    "fgetws",
    "fgetws_unlocked",
    "fprintf",
    "fread",
    "fread_unlocked",
    "fwprintf",
    "getcwd",
    "getdomainname",
    "getgroups",
    "gethostname",
    "getlogin_r",
    "gets",
    "getwd",
    "longjmp",
    "mbsnrtowcs",
    "mbsrtowcs",
    "mbstowcs",
    "memcpy",
    "memmove",
    "mempcpy",
    "memset",
    "obstack_printf",
    "obstack_vprintf",
    "poll",
    "ppoll",
    "pread",
    "pread64",
    "printf",
    "ptsname_r",
    "read",
    "readlink",
    "readlinkat",
    "realpath",
    "recv",
    "recvfrom",
    "snprintf",
    "sprintf",
    "stpcpy",
    "stpncpy",
    "strcat",
    "strcpy",
    "strlcat",
    "strlcpy",
    "strncat",
    "strncpy",
    "swprintf",
    "syslog",
    "ttyname_r",
    "vasprintf",
    "vdprintf",
    "vfprintf",
    "vfwprintf",
    "vprintf",
    "vsnprintf",
    "vsprintf",
    "vswprintf",
    "vsyslog",
    "vwprintf",
    "wcpcpy",
    "wcpncpy",
    "wcrtomb",
    "wcscat",
    "wcscpy",
    "wcsncat",
    "wcsncpy",
    "wcsnrtombs",
    "wcsrtombs",
    "wcstombs",
    "wctomb",
    "wmemcpy",
    "wmemmove",
    "wmempcpy",
    "wmemset",
    "wprintf",
];

/// What a known name is. A name may be several things (`__stack_chk_fail` is a canary import and a marker).
#[derive(Clone, Copy)]
pub(crate) struct Known {
    name: &'static [u8],
    roles: u8,
    /// Its index in [`MARKER_SYMBOLS`] (with [`Known::MARKER`]).
    marker: u8,
    /// Its index in [`RUNTIME_LOADING`] (with [`Known::LOADING`]).
    loading: u8,
}

impl Known {
    /// An import that hardening checks look at ([`CANARY_IMPORTS`], [`FORTIFIABLE`]).
    const HARDENING: u8 = 1;
    /// One of [`MARKER_SYMBOLS`].
    const MARKER: u8 = 2;
    /// One of [`GO_SYMBOLS`].
    const GO: u8 = 4;
    /// `rust_begin_unwind`.
    const RUST: u8 = 8;
    /// One of [`RUNTIME_LOADING`].
    const LOADING: u8 = 16;

    pub fn hardening(&self) -> bool {
        self.roles & Known::HARDENING != 0
    }

    pub fn go(&self) -> bool {
        self.roles & Known::GO != 0
    }

    pub fn rust(&self) -> bool {
        self.roles & Known::RUST != 0
    }

    pub fn marker(&self) -> Option<&'static str> {
        (self.roles & Known::MARKER != 0).then(|| MARKER_SYMBOLS[self.marker as usize])
    }

    pub fn loading(&self) -> Option<&'static (&'static str, Loads, bool)> {
        (self.roles & Known::LOADING != 0).then(|| &RUNTIME_LOADING[self.loading as usize])
    }
}

/// The slots of the table: a power of two, at least four times the number of names, so that a name that is
/// not there meets an empty slot at once or after a step or two.
const SLOTS: usize = 1024;

const EMPTY: Known = Known {
    name: b"",
    roles: 0,
    marker: 0,
    loading: 0,
};

/// The longest known name: longer names are not looked up.
pub(crate) const LONGEST: usize = longest();

/// The slot a name starts its search at: its length, first, middle and last bytes, mixed. (Not every byte:
/// the lookup is on the walk's path for every candidate symbol, and the names are compared in full anyway.)
const fn slot(name: &[u8]) -> usize {
    let n = name.len();
    if n == 0 {
        return 0;
    }
    let h = (n as u32).wrapping_mul(0x9E37_79B1)
        ^ (name[0] as u32).wrapping_mul(0x85EB_CA6B)
        ^ (name[n / 2] as u32).wrapping_mul(0xC2B2_AE35)
        ^ (name[n - 1] as u32).wrapping_mul(0x27D4_EB2F);
    ((h ^ (h >> 15)) as usize) & (SLOTS - 1)
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn insert(t: &mut [Known; SLOTS], name: &'static [u8], role: u8, index: usize) {
    let mut s = slot(name);
    loop {
        if t[s].name.is_empty() {
            t[s].name = name;
            break;
        }
        if same(t[s].name, name) {
            break;
        }
        s = (s + 1) & (SLOTS - 1);
    }
    t[s].roles |= role;
    if role == Known::MARKER {
        t[s].marker = index as u8;
    }
    if role == Known::LOADING {
        t[s].loading = index as u8;
    }
}

const fn build() -> [Known; SLOTS] {
    let mut t = [EMPTY; SLOTS];
    let lists: [(&[&str], u8); 4] = [
        (CANARY_IMPORTS, Known::HARDENING),
        (FORTIFIABLE, Known::HARDENING),
        (MARKER_SYMBOLS, Known::MARKER),
        (GO_SYMBOLS, Known::GO),
    ];
    let mut l = 0;
    while l < lists.len() {
        let (names, role) = lists[l];
        let mut i = 0;
        while i < names.len() {
            insert(&mut t, names[i].as_bytes(), role, i);
            i += 1;
        }
        l += 1;
    }
    insert(&mut t, b"rust_begin_unwind", Known::RUST, 0);
    let mut i = 0;
    while i < RUNTIME_LOADING.len() {
        insert(&mut t, RUNTIME_LOADING[i].0.as_bytes(), Known::LOADING, i);
        i += 1;
    }
    t
}

const fn longest() -> usize {
    let mut max = 0;
    let mut s = 0;
    while s < SLOTS {
        if TABLE[s].name.len() > max {
            max = TABLE[s].name.len();
        }
        s += 1;
    }
    max
}

static TABLE: [Known; SLOTS] = build();

const _: () = {
    let mut used = 0;
    let mut s = 0;
    while s < SLOTS {
        if !TABLE[s].name.is_empty() {
            used += 1;
        }
        s += 1;
    }
    // Sparse enough that a search ends soon, and never full (an empty slot ends every search).
    assert!(used * 4 <= SLOTS);
    // The indices fit their bytes.
    assert!(MARKER_SYMBOLS.len() <= 256 && RUNTIME_LOADING.len() <= 256);
};

/// The known name `name` is, if any.
pub(crate) fn known(name: &[u8]) -> Option<&'static Known> {
    if name.is_empty() || name.len() > LONGEST {
        return None;
    }
    let mut s = slot(name);
    // At most every slot once; the table is never full, so an empty slot ends the search before.
    for _ in 0..SLOTS {
        let k = &TABLE[s];
        if k.name.is_empty() {
            return None;
        }
        if k.name == name {
            return Some(k);
        }
        s = (s + 1) & (SLOTS - 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_is_known_with_its_roles_and_nothing_else_is() {
        for c in CANARY_IMPORTS.iter().chain(FORTIFIABLE) {
            assert!(known(c.as_bytes()).is_some_and(|k| k.hardening()), "{c}");
        }
        for m in MARKER_SYMBOLS {
            assert_eq!(known(m.as_bytes()).and_then(|k| k.marker()), Some(*m));
        }
        for g in GO_SYMBOLS {
            assert!(known(g.as_bytes()).is_some_and(|k| k.go()), "{g}");
        }
        assert!(known(b"rust_begin_unwind").is_some_and(|k| k.rust() && k.marker().is_some()));
        for (l, _, _) in RUNTIME_LOADING {
            assert_eq!(
                known(l.as_bytes()).and_then(|k| k.loading()).map(|e| e.0),
                Some(*l)
            );
        }
        // Roles are not lent to other names.
        let s = known(b"__stack_chk_fail").unwrap();
        assert!(s.hardening() && s.marker().is_some() && !s.go() && s.loading().is_none());
        assert!(known(b"memcpy").is_some_and(|k| k.marker().is_none() && k.loading().is_none()));
        for other in [
            &b"memcpy2"[..],
            b"emcpy",
            b"",
            b"main.mai",
            b"runtime.mainx",
            b"__stack_chk_fai",
            b"getaddrinfo_a",
            &[0xff; 40],
        ] {
            assert!(known(other).is_none(), "{other:?}");
        }
    }
}
