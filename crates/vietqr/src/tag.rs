//! Tag identifiers and paths used in error reports.

use core::fmt;
use core::str::FromStr;

/// The position of a data object in a payload: a top-level id such as `54`,
/// or a path into nested templates such as `62.08` or `38.01.00`.
///
/// Each id is a two-digit number (`00`–`99`); paths are at most
/// [`Tag::MAX_DEPTH`] levels deep, which is as deep as VietQR nests.
/// `Tag` is displayed as dot-separated two-digit ids and compares equal to
/// that string form, so error handling can match on it directly:
///
/// ```
/// use vietqr::{parse, ParseError};
///
/// // Amount "0" is not a valid whole-VND amount.
/// let body = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA53037045401058\
///             02VN6304";
/// let s = format!("{body}{:04X}", vietqr::crc16_ccitt_false(body.as_bytes()));
/// match parse(&s) {
///     Err(ParseError::Tag { tag, .. }) => assert_eq!(tag, "54"),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    ids: [u8; 3],
    depth: u8,
}

impl Tag {
    /// The deepest path a `Tag` can hold.
    pub const MAX_DEPTH: usize = 3;

    /// A top-level tag, or `None` if `id` is above 99.
    #[must_use]
    pub const fn new(id: u8) -> Option<Tag> {
        if id > 99 {
            None
        } else {
            Some(Tag {
                ids: [id, 0, 0],
                depth: 1,
            })
        }
    }

    /// The tag `id` nested inside `self`, or `None` if `id` is above 99 or
    /// the path would exceed [`Tag::MAX_DEPTH`].
    #[must_use]
    pub const fn child(self, id: u8) -> Option<Tag> {
        if id > 99 || self.depth as usize >= Self::MAX_DEPTH {
            return None;
        }
        let mut ids = self.ids;
        ids[self.depth as usize] = id;
        Some(Tag {
            ids,
            depth: self.depth + 1,
        })
    }

    /// The innermost id, e.g. `8` for `62.08`.
    #[must_use]
    pub const fn id(self) -> u8 {
        self.ids[self.depth as usize - 1]
    }

    /// The ids from outermost to innermost, e.g. `[62, 8]` for `62.08`.
    #[must_use]
    pub fn path(&self) -> &[u8] {
        self.ids.get(..usize::from(self.depth)).unwrap_or(&self.ids)
    }

    /// The enclosing template, or `None` for a top-level tag.
    #[must_use]
    pub const fn parent(self) -> Option<Tag> {
        if self.depth <= 1 {
            return None;
        }
        let mut ids = self.ids;
        ids[self.depth as usize - 1] = 0;
        Some(Tag {
            ids,
            depth: self.depth - 1,
        })
    }

    /// Top-level tag for an id known to be in range (internal use).
    pub(crate) const fn top(id: u8) -> Tag {
        Tag {
            ids: [id % 100, 0, 0],
            depth: 1,
        }
    }

    /// Nested tag for an id known to be in range at a depth known to be
    /// allowed (internal use). Falls back to `self` rather than panicking.
    pub(crate) const fn sub(self, id: u8) -> Tag {
        match self.child(id) {
            Some(tag) => tag,
            None => self,
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, id) in self.path().iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{id:02}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag(\"{self}\")")
    }
}

impl PartialEq<str> for Tag {
    fn eq(&self, other: &str) -> bool {
        let mut path = self.path().iter();
        for part in other.split('.') {
            match (path.next(), two_digits(part)) {
                (Some(&id), Some(n)) if id == n => {}
                _ => return false,
            }
        }
        path.next().is_none()
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

/// Error returned when a string is not a valid [`Tag`] path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid tag path {0:?}: expected one to three dot-separated two-digit ids")]
pub struct InvalidTag(pub String);

impl FromStr for Tag {
    type Err = InvalidTag;

    /// Parses `"54"`, `"62.08"` or `"38.01.00"`.
    fn from_str(s: &str) -> Result<Tag, InvalidTag> {
        let mut tag: Option<Tag> = None;
        for part in s.split('.') {
            let id = two_digits(part).ok_or_else(|| InvalidTag(s.to_owned()))?;
            tag = match tag {
                None => Tag::new(id),
                Some(parent) => parent.child(id),
            };
            if tag.is_none() {
                return Err(InvalidTag(s.to_owned()));
            }
        }
        tag.ok_or_else(|| InvalidTag(s.to_owned()))
    }
}

/// Parses exactly two ASCII digits.
pub(crate) fn two_digits(s: &str) -> Option<u8> {
    match s.as_bytes() {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Tag;

    #[test]
    fn display_and_compare() {
        let t = Tag::top(38).sub(1).sub(0);
        assert_eq!(t.to_string(), "38.01.00");
        assert_eq!(t, "38.01.00");
        assert_ne!(t, "38.01");
        assert_ne!(t, "38.01.00.00");
        assert_eq!(t.parent().map(|p| p.to_string()), Some("38.01".into()));
        assert_eq!(t.id(), 0);
        assert_eq!(t.path(), &[38, 1, 0]);
        assert_eq!(format!("{t:?}"), "Tag(\"38.01.00\")");
        assert_eq!(Tag::new(7), Some(Tag::top(7)));
        assert_eq!(Tag::new(7).map(|t| t.to_string()), Some("07".into()));
        assert!(Tag::new(100).is_none());
        assert!(t.child(1).is_none());
        assert_eq!("62.08".parse::<Tag>(), Ok(Tag::top(62).sub(8)));
        assert!("62.8".parse::<Tag>().is_err());
        assert!("".parse::<Tag>().is_err());
        assert!("01.02.03.04".parse::<Tag>().is_err());
    }
}
