//! Error types.

use crate::Tag;

/// Why a single value was rejected.
///
/// Returned by the constructors of the typed values ([`Bin::new`],
/// [`Amount::new`], [`Memo::new`], …) and carried, together with the tag it
/// was found in, by [`ParseError::Tag`] and [`BuildError::Tag`].
/// Lengths are counted in characters, as EMVCo lengths are.
///
/// [`Bin::new`]: crate::Bin::new
/// [`Amount::new`]: crate::Amount::new
/// [`Memo::new`]: crate::Memo::new
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The value is empty.
    #[error("value is empty")]
    Empty,
    /// The value is longer than allowed.
    #[error("value is {len} characters long; at most {max} allowed")]
    TooLong {
        /// Actual length in characters.
        len: usize,
        /// Maximum length in characters.
        max: usize,
    },
    /// The value must have an exact length and does not.
    #[error("value is {len} characters long; exactly {expected} required")]
    WrongLength {
        /// Actual length in characters.
        len: usize,
        /// Required length in characters.
        expected: usize,
    },
    /// The value contains a character that is not allowed here.
    #[error("invalid character {ch:?} at index {index}")]
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its index, in characters, within the value.
        index: usize,
    },
    /// A number is outside its permitted range (an amount of zero or above
    /// [`Amount::MAX`](crate::Amount::MAX), or a tag id above 99).
    #[error("value out of range")]
    OutOfRange,
    /// The value is well-formed but not one of the codes allowed here
    /// (e.g. a point-of-initiation method other than `11`/`12`).
    #[error("unrecognised value {0:?}")]
    Unrecognized(String),
    /// A memo has a leading, trailing or repeated space (see
    /// [`Memo::new`](crate::Memo::new)).
    #[error("leading, trailing or repeated space")]
    Spacing,
}

/// Why a string could not be parsed as a VietQR payload.
///
/// Positions (`at`) count characters from the start of the payload after
/// surrounding whitespace has been trimmed. Tags are reported as full paths
/// (e.g. `62.08`), see [`Tag`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is empty or only whitespace.
    #[error("payload is empty")]
    Empty,
    /// The input ends inside the data object starting at `at`.
    #[error("payload is truncated: the data object at position {at} is incomplete")]
    Truncated {
        /// Position of the start of the incomplete data object.
        at: usize,
    },
    /// The two characters at `at` are not a two-digit tag id.
    #[error("invalid tag id at position {at}")]
    BadTag {
        /// Position of the tag id.
        at: usize,
    },
    /// The two characters at `at` are not a two-digit length.
    #[error("invalid length for tag {tag} at position {at}")]
    BadLength {
        /// The tag whose length is invalid.
        tag: Tag,
        /// Position of the length digits.
        at: usize,
    },
    /// A tag occurs more than once in the same template.
    #[error("tag {0} occurs more than once")]
    DuplicateTag(Tag),
    /// Tag `00` is not the first data object or tag `63` is not the last.
    #[error("tag {0} is out of place (00 must come first and 63 last)")]
    MisplacedTag(Tag),
    /// A required tag is absent. A dynamic payload without an amount reports
    /// `MissingTag(54)`.
    #[error("required tag {0} is missing")]
    MissingTag(Tag),
    /// A tag this crate does not allow in that template (inside the NAPAS
    /// template `38` only `00`, `01` and `02`, and inside `38.01` only `00`
    /// and `01`, are allowed).
    #[error("unexpected tag {0}")]
    UnexpectedTag(Tag),
    /// The checksum in tag `63` does not match the payload.
    #[error("CRC mismatch: payload says {found:04X}, computed {expected:04X}")]
    CrcMismatch {
        /// The checksum computed over the payload.
        expected: u16,
        /// The checksum found in tag `63`.
        found: u16,
    },
    /// Tag `38` is absent or is not the NAPAS template (its `00` is not
    /// [`NAPAS_AID`](crate::NAPAS_AID)): this is some other EMVCo QR code.
    #[error("not a VietQR payload: no NAPAS merchant account template (tag 38)")]
    NotNapas,
    /// The currency (tag `53`) is not `704` (Vietnamese đồng).
    #[error("unsupported currency {0:?} (only 704, VND, is supported)")]
    UnsupportedCurrency(String),
    /// The country (tag `58`) is not `VN`.
    #[error("unsupported country {0:?} (only VN is supported)")]
    UnsupportedCountry(String),
    /// The value of `tag` is invalid.
    #[error("invalid value in tag {tag}: {kind}")]
    Tag {
        /// The offending tag.
        tag: Tag,
        /// What is wrong with its value.
        kind: ValueError,
    },
}

/// Why a [`Payload`](crate::Payload) or [`AdditionalData`](crate::AdditionalData)
/// could not be assembled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A dynamic payload (one payment) must carry an amount.
    #[error("a dynamic payload requires an amount (tag 54)")]
    DynamicWithoutAmount,
    /// The value for `tag` is invalid; for tag `62` itself this means the
    /// additional data would exceed 99 characters.
    #[error("invalid value for tag {tag}: {kind}")]
    Tag {
        /// The offending tag.
        tag: Tag,
        /// What is wrong with the value.
        kind: ValueError,
    },
    /// A raw field uses a tag that this crate models itself (use the typed
    /// setter instead).
    #[error("tag {0} is modelled by this crate and cannot be added as a raw field")]
    ReservedTag(Tag),
    /// A raw field repeats a tag already present.
    #[error("tag {0} is already present")]
    DuplicateTag(Tag),
}
