//! The TLV layer: `id(2) length(2) value(length)`, lengths in characters.

use core::fmt::Write as _;

use crate::tag::two_digits;
use crate::{ParseError, Tag, ValueError};

/// Appends one data object. Callers guarantee `id <= 99` and a value of at
/// most 99 characters (all types in this crate enforce that).
pub(crate) fn push_field(out: &mut String, id: u8, value: &str) {
    // Writing to a `String` cannot fail.
    let _ = write!(out, "{id:02}{:02}", value.chars().count());
    out.push_str(value);
}

/// One data object found by [`split`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'a> {
    /// The two-digit id.
    pub(crate) id: u8,
    /// Full tag path.
    pub(crate) tag: Tag,
    /// The value, borrowed from the input.
    pub(crate) value: &'a str,
    /// Character position of the value (absolute within the payload).
    pub(crate) value_at: usize,
}

/// Splits `s` into `(head, tail)` after `n` characters, or `None` if `s` is
/// shorter than that.
fn take_chars(s: &str, n: usize) -> Option<(&str, &str)> {
    let end = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(core::iter::once(s.len()))
        .nth(n)?;
    Some((s.get(..end)?, s.get(end..)?))
}

/// Splits `s`, which starts at character position `base` of the payload, into
/// data objects. Nested templates pass their own tag as `parent`.
///
/// Checks the TLV structure, that no value is empty and that no id repeats.
pub(crate) fn split(
    s: &str,
    base: usize,
    parent: Option<Tag>,
) -> Result<Vec<Field<'_>>, ParseError> {
    let mut fields: Vec<Field<'_>> = Vec::new();
    let mut rest = s;
    let mut at = base;
    while !rest.is_empty() {
        let (id, tail) = take_chars(rest, 2).ok_or(ParseError::Truncated { at })?;
        let id = two_digits(id).ok_or(ParseError::BadTag { at })?;
        let tag = match parent {
            Some(p) => p.sub(id),
            None => Tag::top(id),
        };
        let (len, tail) = take_chars(tail, 2).ok_or(ParseError::Truncated { at })?;
        let len = usize::from(two_digits(len).ok_or(ParseError::BadLength { tag, at: at + 2 })?);
        let (value, tail) = take_chars(tail, len).ok_or(ParseError::Truncated { at })?;
        if fields.iter().any(|f| f.id == id) {
            return Err(ParseError::DuplicateTag(tag));
        }
        if value.is_empty() {
            return Err(ParseError::Tag {
                tag,
                kind: ValueError::Empty,
            });
        }
        fields.push(Field {
            id,
            tag,
            value,
            value_at: at + 4,
        });
        at += 4 + len;
        rest = tail;
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_characters() {
        let f = split("0003abc5904Việt", 0, None).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!((f[1].id, f[1].value, f[1].value_at), (59, "Việt", 11));
        let mut out = String::new();
        push_field(&mut out, 59, "Việt");
        assert_eq!(out, "5904Việt");
    }

    #[test]
    fn errors() {
        assert_eq!(
            split("0", 0, None).unwrap_err(),
            ParseError::Truncated { at: 0 }
        );
        assert_eq!(
            split("0003abc59", 0, None).unwrap_err(),
            ParseError::Truncated { at: 7 }
        );
        assert_eq!(
            split("0003abc5905abc", 0, None).unwrap_err(),
            ParseError::Truncated { at: 7 }
        );
        assert_eq!(
            split("0a03abc", 0, None).unwrap_err(),
            ParseError::BadTag { at: 0 }
        );
        assert_eq!(
            split("00x3abc", 10, None).unwrap_err(),
            ParseError::BadLength {
                tag: Tag::top(0),
                at: 12
            }
        );
        assert_eq!(take_chars("ab", 3), None);
        assert_eq!(take_chars("ab", 2), Some(("ab", "")));
        assert_eq!(take_chars("ab", 0), Some(("", "ab")));
    }
}
