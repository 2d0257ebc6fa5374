//! The line layout of the text report: a label padded to the value column, lists that wrap with their
//! continuation lines under the first item, and words wrapped to [`WIDTH`], all written into the one output
//! buffer.

use super::*;

/// The items of a hardening line as the parts [`list_painted`] writes.
pub(super) fn parts<'s>(
    row: &'s [(&'static str, Cow<'static, str>, usize)],
) -> impl ExactSizeIterator<Item = ([&'s str; 2], usize)> {
    row.iter().map(|(n, v, w)| ([*n, v.as_ref()], *w))
}

pub(super) fn cleaned(items: &[String]) -> Vec<Cow<'_, str>> {
    items.iter().map(|s| clean(s)).collect()
}

/// The visible width of `s` (its characters; ASCII by its length).
pub(super) fn width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Write `  label` padded to the value column; returns the column reached.
pub(super) fn label_head(out: &mut String, label: &str) -> usize {
    out.push_str("  ");
    out.push_str(label);
    let w = 2 + width(label);
    for _ in w..LABEL {
        out.push(' ');
    }
    w.max(LABEL)
}

/// Remove the spaces that end the line started at `start`, then end it.
pub(super) fn end_line(out: &mut String, start: usize) {
    let trimmed = out[start..].trim_end().len();
    out.truncate(start + trimmed);
    out.push('\n');
}

/// `  label          value`, with long values wrapped under the value column.
pub(super) fn fact(out: &mut String, label: &str, value: &str) {
    let start = out.len();
    let col = label_head(out, label);
    wrap_rest(out, start, col, LABEL, value);
}

/// A labelled list of items joined by `sep`, wrapped between items.
pub(super) fn list<S: AsRef<str>>(out: &mut String, label: &str, items: &[S], sep: &str) {
    list_painted(
        out,
        label,
        items.iter().map(|s| ([s.as_ref(), ""], width(s.as_ref()))),
        sep,
    );
}

/// Like [`list`], for items that may carry colour codes: each is written as its two parts, one after the
/// other, and comes with its visible width.
pub(super) fn list_painted<'s>(
    out: &mut String,
    label: &str,
    items: impl ExactSizeIterator<Item = ([&'s str; 2], usize)>,
    sep: &str,
) {
    let mut start = out.len();
    let mut col = label_head(out, label);
    let sep_w = width(sep);
    let sep_end = sep.trim_end();
    let trail_w = width(sep_end);
    let n = items.len();
    for (i, (item, w)) in items.enumerate() {
        // Room for the separator that ends the line if the next item has to wrap.
        let trail = if i + 1 < n { trail_w } else { 0 };
        if i > 0 {
            if col + sep_w + w + trail > WIDTH && col > LABEL {
                out.push_str(sep_end);
                end_line(out, start);
                start = out.len();
                for _ in 0..LABEL {
                    out.push(' ');
                }
                col = LABEL;
            } else {
                out.push_str(sep);
                col += sep_w;
            }
        }
        out.push_str(item[0]);
        out.push_str(item[1]);
        col += w;
    }
    end_line(out, start);
}

/// Write `first` then `text`, wrapped at word boundaries to [`WIDTH`]; continuation lines start with
/// `indent` spaces. `first_width` is the visible width of `first` (which may carry colour codes).
pub(in crate::render) fn wrap_words(
    out: &mut String,
    first: &str,
    first_width: usize,
    indent: usize,
    text: &str,
) {
    let start = out.len();
    out.push_str(first);
    wrap_rest(out, start, first_width, indent, text);
}

/// The words of `text` after a line begun at `start` that has reached column `col`.
pub(super) fn wrap_rest(
    out: &mut String,
    mut start: usize,
    mut col: usize,
    indent: usize,
    text: &str,
) {
    // Most values fit on their line as they are (single spaces, none at the ends): written in one piece.
    if col + width(text) <= WIDTH
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
    {
        out.push_str(text);
        end_line(out, start);
        return;
    }
    let mut at_start = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = width(word);
        if !at_start && col + 1 + w > WIDTH && col > indent {
            out.push('\n');
            start = out.len();
            for _ in 0..indent {
                out.push(' ');
            }
            col = indent;
            at_start = true;
        }
        if !at_start {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
        at_start = false;
    }
    end_line(out, start);
}
