//! Reading a TOML file strictly: a key that the type does not know is an error, not a key quietly ignored.
//!
//! A typo in a configuration or policy file (`max_glibc` for `max-glibc`, `target` for `targets`) would
//! otherwise leave the setting at its default, and a policy meant to fail a binary would pass it. So
//! [`from_toml`] deserializes the document once, collecting every key the type ignored (through
//! `serde_ignored`, so the known keys are the type's own fields, never a list kept by hand), and fails with
//! all of them, each with its line and the nearest known key ([`suggest`]) when one is close.
//!
//! The known keys of each table come from the types too: [`struct_fields`] asks a type's `Deserialize` for
//! the field names it expects, without any input.

use serde::de::{DeserializeOwned, Visitor};

use crate::escape::one_line;
use crate::limits::MAX_CONFIG_WARNINGS;

/// A key of the file that its type does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// Dotted, from the top of the file (`go.flavour`); array elements by index (`targets.0.x`).
    pub key: String,
    /// Where the key is set (1-based), when it can be told.
    pub line: Option<u32>,
    /// The nearest known key of the same table, when one is close.
    pub suggestion: Option<String>,
}

impl std::fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        write!(f, "unknown key `{}`", one_line(&self.key))?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        Ok(())
    }
}

/// Why a strict read failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrictError {
    /// Not TOML, or a value of the wrong type: the parser's message, with line and column.
    #[error("{0}")]
    Toml(String),
    /// Keys the type does not know (at most [`MAX_CONFIG_WARNINGS`] listed) and how many more there were.
    #[error("{}", unknown_list(.0, *.1))]
    Unknown(Vec<UnknownKey>, usize),
}

/// One key on one line; several under a line that counts them.
fn unknown_list(keys: &[UnknownKey], more: usize) -> String {
    let lines = keys.iter().map(|k| k.to_string());
    match (keys.len() + more, more) {
        (1, _) => lines.collect(),
        (n, 0) => std::iter::once(format!("{n} unknown keys:"))
            .chain(lines)
            .collect::<Vec<_>>()
            .join("\n"),
        (n, more) => std::iter::once(format!("{n} unknown keys:"))
            .chain(lines)
            .chain(std::iter::once(format!("and {more} more")))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// One step of a key's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Deserialize `text` as `T`; every key `T` ignores is an error, except those under a table for which
/// `skip` says yes (a table read by another parser, like `[policy]` of `static-build.toml`). `known` gives the
/// keys a table takes (its parent path in, usually [`struct_fields`] of the type there), for suggestions.
pub fn from_toml<T: DeserializeOwned>(
    text: &str,
    skip: impl Fn(&[Segment]) -> bool,
    known: impl Fn(&[Segment]) -> Vec<&'static str>,
) -> Result<T, StrictError> {
    let de = toml::Deserializer::parse(text).map_err(|e| StrictError::Toml(e.to_string()))?;
    let mut ignored: Vec<Vec<Segment>> = Vec::new();
    let value: T = serde_ignored::deserialize(de, |path| {
        let segments = segments(&path);
        if !skip(&segments) {
            ignored.push(segments);
        }
    })
    .map_err(|e| StrictError::Toml(e.to_string()))?;
    if ignored.is_empty() {
        return Ok(value);
    }
    // In the order of the file (serde visits a table's keys sorted), then the first ones listed.
    let spans = toml::de::DeTable::parse(text).ok();
    let lines = LineStarts::new(text);
    let mut located: Vec<(Option<u32>, Vec<Segment>)> = ignored
        .into_iter()
        .map(|path| {
            let line = spans
                .as_ref()
                .and_then(|t| key_offset(t.get_ref(), &path))
                .map(|at| lines.line_of(at));
            (line, path)
        })
        .collect();
    located.sort_by_key(|(line, _)| line.unwrap_or(u32::MAX));
    let more = located.len().saturating_sub(MAX_CONFIG_WARNINGS);
    located.truncate(MAX_CONFIG_WARNINGS);
    let keys = located
        .into_iter()
        .map(|(line, path)| {
            let (last, parent) = match path.split_last() {
                Some((Segment::Key(k), parent)) => (Some(k.as_str()), parent),
                _ => (None, &path[..0]),
            };
            UnknownKey {
                key: dotted(&path),
                line,
                suggestion: last.and_then(|k| suggest(k, known(parent)).map(str::to_string)),
            }
        })
        .collect();
    Err(StrictError::Unknown(keys, more))
}

fn segments(path: &serde_ignored::Path<'_>) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = Some(path);
    // The path is a chain from the key up to the root: walked once, then reversed.
    while let Some(p) = at {
        at = match p {
            serde_ignored::Path::Root => None,
            serde_ignored::Path::Seq { parent, index } => {
                out.push(Segment::Index(*index));
                Some(*parent)
            }
            serde_ignored::Path::Map { parent, key } => {
                out.push(Segment::Key(key.clone()));
                Some(*parent)
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => Some(*parent),
        };
    }
    out.reverse();
    out
}

fn dotted(path: &[Segment]) -> String {
    path.iter()
        .map(|s| match s {
            Segment::Key(k) => k.clone(),
            Segment::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Where the key at `path` is written in the document, as a byte offset.
fn key_offset(root: &toml::de::DeTable<'_>, path: &[Segment]) -> Option<usize> {
    let (last, parents) = path.split_last()?;
    let mut table = root;
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    for s in parents {
        let value = match (s, array) {
            (Segment::Key(k), None) => table.get(k.as_str())?,
            (Segment::Index(i), Some(a)) => a.get(*i)?,
            _ => return None,
        };
        match value.get_ref() {
            toml::de::DeValue::Table(t) => {
                table = t;
                array = None;
            }
            toml::de::DeValue::Array(a) => array = Some(a),
            _ => return None,
        }
    }
    match (last, array) {
        (Segment::Key(k), None) => table
            .get_key_value(k.as_str())
            .map(|(key, _)| key.span().start),
        (Segment::Index(i), Some(a)) => a.get(*i).map(|v| v.span().start),
        _ => None,
    }
}

/// The start of every line of a text, to turn byte offsets into line numbers by binary search.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineStarts(starts)
    }

    fn line_of(&self, offset: usize) -> u32 {
        let n = match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// The known key nearest to `word`: one that differs only in `_`/`-` or case, else the most similar one by
/// Jaro-Winkler when it is similar enough (0.8, about what cargo and clap suggest at).
pub fn suggest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('_', "-");
    let word_n = norm(word);
    let mut best: Option<(f64, &'a str)> = None;
    for k in known {
        if norm(k) == word_n {
            return Some(k);
        }
        let score = strsim::jaro_winkler(&word_n, &norm(k));
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| k)
}

/// The field names that a struct's derived `Deserialize` expects (after `rename_all`), asked of the type
/// without any input. Empty for a type that is not a struct.
pub fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    match T::deserialize(FieldProbe) {
        Err(Probed(fields)) => fields,
        Ok(_) => &[],
    }
}

struct FieldProbe;

#[derive(Debug)]
struct Probed(&'static [&'static str]);

impl std::fmt::Display for Probed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probed")
    }
}

impl std::error::Error for Probed {}

impl serde::de::Error for Probed {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Probed(&[])
    }
}

impl<'de> serde::Deserializer<'de> for FieldProbe {
    type Error = Probed;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Probed> {
        Err(Probed(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(rename_all = "kebab-case", default)]
    struct Top {
        max_glibc: Option<String>,
        targets: Vec<String>,
        inner: Inner,
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(rename_all = "kebab-case", default)]
    struct Inner {
        build_system: Option<String>,
    }

    fn known(parent: &[Segment]) -> Vec<&'static str> {
        match parent {
            [] => struct_fields::<Top>().to_vec(),
            [Segment::Key(k), ..] if k == "inner" || k == "items" => {
                struct_fields::<Inner>().to_vec()
            }
            _ => Vec::new(),
        }
    }

    fn read(text: &str) -> Result<Top, StrictError> {
        from_toml(
            text,
            |p| p.first() == Some(&Segment::Key("skipped".into())),
            known,
        )
    }

    #[test]
    fn the_fields_come_from_the_type() {
        assert_eq!(
            struct_fields::<Top>(),
            ["max-glibc", "targets", "inner", "items"]
        );
        assert_eq!(struct_fields::<Inner>(), ["build-system"]);
        assert!(struct_fields::<Vec<String>>().is_empty());
    }

    #[test]
    fn every_unknown_key_is_named_with_its_line_and_the_nearest_known_key() {
        let err = read(
            "max_glibc = \"2.17\"\ntarget = [\"amd64\"]\n\n[inner]\nbuild-sytem = \"make\"\n[[items]]\n[[items]]\nbuildsystem = 1\n[skipped]\nanything = 1\n",
        )
        .unwrap_err();
        let StrictError::Unknown(keys, 0) = &err else {
            panic!("{err:?}")
        };
        let shown: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        assert_eq!(
            shown,
            [
                "line 1: unknown key `max_glibc` (did you mean `max-glibc`?)",
                "line 2: unknown key `target` (did you mean `targets`?)",
                "line 5: unknown key `inner.build-sytem` (did you mean `build-system`?)",
                "line 8: unknown key `items.1.buildsystem` (did you mean `build-system`?)",
            ]
        );
    }

    #[test]
    fn a_key_like_none_gets_no_suggestion_and_known_keys_pass() {
        let err = read("colour = \"red\"\n").unwrap_err();
        assert_eq!(err.to_string(), "line 1: unknown key `colour`");
        let top = read("max-glibc = \"2.17\"\n[skipped]\nx = 1\n").unwrap();
        assert_eq!(top.max_glibc.as_deref(), Some("2.17"));
    }

    #[test]
    fn type_errors_keep_the_parsers_line() {
        let err = read("targets = 3\n").unwrap_err();
        assert!(
            matches!(&err, StrictError::Toml(m) if m.contains("line 1")),
            "{err}"
        );
    }

    #[test]
    fn many_unknown_keys_are_listed_up_to_the_bound() {
        let text: String = (0..MAX_CONFIG_WARNINGS + 5)
            .map(|i| format!("k{i} = 1\n"))
            .collect();
        let StrictError::Unknown(keys, more) = read(&text).unwrap_err() else {
            panic!()
        };
        assert_eq!((keys.len(), more), (MAX_CONFIG_WARNINGS, 5));
        assert_eq!(keys[3].line, Some(4));
    }
}
