//! Order codes: the short token a customer copies into a bank-transfer memo.
//!
//! An order code is a configurable [`Prefix`] (Casso's plugins default to
//! `DH`, "đơn hàng") followed by an id. Codes are stored *normalized*:
//! ASCII upper-case letters and digits only, 3 to 20 characters
//! ([`CODE_MIN_LEN`]..=[`CODE_MAX_LEN`]). Twenty characters keeps a code
//! inside a VietQR memo (at most 25 characters of `[A-Za-z0-9 ]`) with room
//! to spare.
//!
//! Codes come from two places:
//!
//! * [`OrderCode::parse`] accepts a code a person typed or an upstream system
//!   supplied (`DH1042`, `dh-1042`, `DH 1042`) and normalizes it;
//!   [`Prefix::code_for`] builds the Casso-style `prefix + order number`.
//! * [`generate`] makes a random code: prefix plus eight characters from
//!   [`ALPHABET`], an alphabet without look-alike characters, so the code
//!   survives upper-casing, space-stripping, being read aloud and retyped.
//!
//! # The generated part
//!
//! The eight generated characters follow two rules:
//!
//! 1. **The first character is a digit** (from [`DIGITS`]). The boundary
//!    between prefix and random part is therefore always a letter→digit
//!    transition: the random part can never run on from the prefix as more
//!    letters (`DH` + `ANG…` reading as `DHANG…`), never spells a word glued
//!    to the prefix, and a reader can always tell where the prefix ends.
//! 2. **At least one of the remaining seven characters is a letter** (from
//!    [`LETTERS`]). With rule 1 this means every generated part contains a
//!    digit *and* a letter, so it can be mistaken neither for a plain order
//!    number nor for a word.
//!
//! Codes are drawn uniformly from all strings satisfying both rules
//! (rejection sampling).
//!
//! # Collision math
//!
//! [`ALPHABET`] has 25 characters, so eight free characters would give
//! 25^8 = 152,587,890,625 (≈ 2^37.2) codes per prefix. The two rules leave
//! 5 × (25^7 − 5^7) = 30,517,187,500 (≈ 3.05 × 10^10, ≈ 2^34.8) codes per
//! prefix:
//!
//! * the chance that a new code equals one particular existing code is
//!   ≈ 3.3 × 10^-11;
//! * with `n` codes already in use, the chance that a new one collides is
//!   ≈ n / 3.05 × 10^10 (about 3.3 × 10^-7 for n = 10,000);
//! * by the birthday bound, the chance that *any* two of `n` codes collide is
//!   ≈ n² / (2 × 3.05 × 10^10): about 0.16 % for 10,000 codes, 15 % for
//!   100,000.
//!
//! Collisions are therefore rare but not impossible over a shop's lifetime:
//! callers must check a new code against the codes of open payment requests
//! (a unique index) and simply generate again on a clash.

use std::fmt;
use std::str::FromStr;

/// Shortest accepted normalized order code, in characters.
pub const CODE_MIN_LEN: usize = 3;
/// Longest accepted normalized order code, in characters.
pub const CODE_MAX_LEN: usize = 20;
/// Longest accepted prefix, in letters.
pub const PREFIX_MAX_LEN: usize = 8;
/// Number of characters [`generate`] appends to the prefix.
pub const GENERATED_LEN: usize = 8;

/// Digits used by [`generate`]: `3 4 6 7 9`.
///
/// Left out: `0` (looks like `O`), `1` (like `I`/`L`), `2` (like `Z`),
/// `5` (like `S`), `8` (like `B`).
pub const DIGITS: &str = "34679";

/// Letters used by [`generate`]: `A C D E F G H J K M N P Q R T U V W X Y`.
///
/// Left out: `O` (looks like `0`), `I` and `L` (like `1`), `Z` (like `2`),
/// `S` (like `5`), `B` (like `8`).
pub const LETTERS: &str = "ACDEFGHJKMNPQRTUVWXY";

/// The full generation alphabet, [`DIGITS`] followed by [`LETTERS`]
/// (25 characters): `34679ACDEFGHJKMNPQRTUVWXY`.
pub const ALPHABET: &str = "34679ACDEFGHJKMNPQRTUVWXY";

/// Why a string was rejected by [`OrderCode::parse`] or
/// [`Prefix::code_for`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// A character that is neither an ASCII letter or digit nor an accepted
    /// separator (whitespace, `-`, `_`, `.`).
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its position in the input, counted in characters from 0.
        index: usize,
    },
    /// Fewer than [`CODE_MIN_LEN`] letters and digits once separators are
    /// removed.
    TooShort {
        /// Normalized length found.
        len: usize,
        /// Minimum length ([`CODE_MIN_LEN`]).
        min: usize,
    },
    /// More than [`CODE_MAX_LEN`] letters and digits once separators are
    /// removed.
    TooLong {
        /// Normalized length found.
        len: usize,
        /// Maximum length ([`CODE_MAX_LEN`]).
        max: usize,
    },
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::InvalidChar { ch, index } => write!(
                f,
                "order code: invalid character {ch:?} at position {index}; \
                 only letters A-Z, digits 0-9 and the separators space, '-', '_', '.' are allowed"
            ),
            CodeError::TooShort { len, min } => write!(
                f,
                "order code too short: {len} letters/digits, at least {min} required"
            ),
            CodeError::TooLong { len, max } => write!(
                f,
                "order code too long: {len} letters/digits, at most {max} allowed"
            ),
        }
    }
}

impl std::error::Error for CodeError {}

/// Why a string was rejected by [`Prefix::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefixError {
    /// The prefix is empty (after trimming surrounding whitespace).
    Empty,
    /// A character that is not an ASCII letter.
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its position in the trimmed input, counted in characters from 0.
        index: usize,
    },
    /// More than [`PREFIX_MAX_LEN`] letters.
    TooLong {
        /// Length found.
        len: usize,
        /// Maximum length ([`PREFIX_MAX_LEN`]).
        max: usize,
    },
}

impl fmt::Display for PrefixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrefixError::Empty => write!(f, "order-code prefix is empty; at least one letter required"),
            PrefixError::InvalidChar { ch, index } => write!(
                f,
                "order-code prefix: invalid character {ch:?} at position {index}; only letters A-Z are allowed"
            ),
            PrefixError::TooLong { len, max } => write!(
                f,
                "order-code prefix too long: {len} letters, at most {max} allowed"
            ),
        }
    }
}

impl std::error::Error for PrefixError {}

/// A normalized order code: 3 to 20 ASCII upper-case letters and digits.
///
/// Construct it with [`OrderCode::parse`], [`Prefix::code_for`] or
/// [`generate`]; the invariant holds for every value of this type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderCode(String);

/// Separators [`OrderCode::parse`] removes: whitespace, `-`, `_`, `.`.
fn is_code_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '_' | '.')
}

impl OrderCode {
    /// Parses and normalizes a user-given code.
    ///
    /// ASCII letters are upper-cased; whitespace, `-`, `_` and `.` are
    /// removed (`dh-1042`, `DH 1042`, `dh.1042` all become `DH1042`). Any
    /// other character, including letters with diacritics such as `Đ`, is
    /// rejected with [`CodeError::InvalidChar`]; a result shorter than 3 or
    /// longer than 20 characters is rejected with [`CodeError::TooShort`] or
    /// [`CodeError::TooLong`].
    ///
    /// ```
    /// use paymatch::code::OrderCode;
    /// assert_eq!(OrderCode::parse("dh-1042").unwrap().as_str(), "DH1042");
    /// assert!(OrderCode::parse("DH#1042").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<OrderCode, CodeError> {
        let mut out = String::with_capacity(input.len().min(CODE_MAX_LEN + 1));
        let mut len = 0usize;
        for (index, ch) in input.chars().enumerate() {
            if ch.is_ascii_alphanumeric() {
                len += 1;
                if len <= CODE_MAX_LEN {
                    out.push(ch.to_ascii_uppercase());
                }
            } else if !is_code_separator(ch) {
                return Err(CodeError::InvalidChar { ch, index });
            }
        }
        if len < CODE_MIN_LEN {
            return Err(CodeError::TooShort {
                len,
                min: CODE_MIN_LEN,
            });
        }
        if len > CODE_MAX_LEN {
            return Err(CodeError::TooLong {
                len,
                max: CODE_MAX_LEN,
            });
        }
        Ok(OrderCode(out))
    }

    /// The normalized code, e.g. `DH1042`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Number of characters (equal to bytes: the code is ASCII).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a code has at least [`CODE_MIN_LEN`] characters.
    /// Provided for API symmetry with [`OrderCode::len`].
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for OrderCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OrderCode {
    type Err = CodeError;

    /// Same as [`OrderCode::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderCode::parse(s)
    }
}

impl AsRef<str> for OrderCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The letters every order code of a shop starts with: 1 to 8 ASCII
/// letters, stored upper-cased. Defaults to `DH`.
///
/// A shop should not configure two prefixes where one ends with the other
/// (`DH` and `ADH`): matching deliberately allows letters glued in front of a
/// code (see [`crate::find`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Prefix(String);

impl Prefix {
    /// The default prefix, `DH` (as in Casso's plugins: "đơn hàng").
    pub const DEFAULT: &'static str = "DH";

    /// Parses a prefix: surrounding whitespace is trimmed, letters are
    /// upper-cased; anything but 1 to 8 ASCII letters is rejected.
    ///
    /// ```
    /// use paymatch::code::Prefix;
    /// assert_eq!(Prefix::parse(" dh ").unwrap().as_str(), "DH");
    /// assert!(Prefix::parse("DH1").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Prefix, PrefixError> {
        let trimmed = input.trim();
        let mut out = String::new();
        for (index, ch) in trimmed.chars().enumerate() {
            if !ch.is_ascii_alphabetic() {
                return Err(PrefixError::InvalidChar { ch, index });
            }
            out.push(ch.to_ascii_uppercase());
        }
        if out.is_empty() {
            return Err(PrefixError::Empty);
        }
        if out.len() > PREFIX_MAX_LEN {
            return Err(PrefixError::TooLong {
                len: out.len(),
                max: PREFIX_MAX_LEN,
            });
        }
        Ok(Prefix(out))
    }

    /// The upper-case prefix, e.g. `DH`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Casso-style code `prefix + order number`, e.g. `DH` and 1042 give
    /// `DH1042`. Fails when the result is outside 3..=20 characters (a
    /// one-letter prefix with a one-digit number, or a very long number).
    pub fn code_for(&self, order_number: u64) -> Result<OrderCode, CodeError> {
        OrderCode::parse(&format!("{}{}", self.0, order_number))
    }
}

impl Default for Prefix {
    /// The prefix `DH`.
    fn default() -> Self {
        Prefix(Prefix::DEFAULT.to_string())
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Prefix {
    type Err = PrefixError;

    /// Same as [`Prefix::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Prefix::parse(s)
    }
}

/// Picks one character of `set` (an ASCII string) uniformly.
fn pick(set: &str, rng: &mut impl rand::Rng) -> char {
    let bytes = set.as_bytes();
    char::from(bytes[rng.random_range(0..bytes.len())])
}

/// Generates a random order code: `prefix` followed by [`GENERATED_LEN`]
/// (8) characters from [`ALPHABET`].
///
/// The first generated character is a digit and at least one of the other
/// seven is a letter, so the generated part always holds both (see the
/// [module docs](self) for the rules and the collision math). Results are
/// uniform over all such codes. The result is at most 16 characters and is
/// returned unchanged by [`OrderCode::parse`].
///
/// ```
/// use paymatch::code::{generate, Prefix};
/// let code = generate(&Prefix::default(), &mut rand::rng());
/// assert!(code.as_str().starts_with("DH"));
/// assert_eq!(code.len(), 10);
/// ```
pub fn generate(prefix: &Prefix, rng: &mut impl rand::Rng) -> OrderCode {
    let mut code = String::with_capacity(prefix.0.len() + GENERATED_LEN);
    code.push_str(&prefix.0);
    code.push(pick(DIGITS, rng));
    let mut rest = [' '; GENERATED_LEN - 1];
    // Rejection sampling keeps the distribution uniform; a draw without any
    // letter has probability (5/25)^7 ≈ 1.3e-5, so this loop almost never
    // repeats.
    loop {
        for slot in rest.iter_mut() {
            *slot = pick(ALPHABET, rng);
        }
        if rest.iter().any(|c| c.is_ascii_alphabetic()) {
            break;
        }
    }
    code.extend(rest.iter());
    OrderCode(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn parse_normalizes() {
        for input in [
            "DH1042",
            "dh1042",
            "DH 1042",
            "dh-1042",
            "DH_1042",
            "D.H.1042",
            " DH1042\t",
        ] {
            assert_eq!(
                OrderCode::parse(input).unwrap().as_str(),
                "DH1042",
                "{input}"
            );
        }
    }

    #[test]
    fn parse_rejects_bad_chars_with_position() {
        assert_eq!(
            OrderCode::parse("DH#1042"),
            Err(CodeError::InvalidChar { ch: '#', index: 2 })
        );
        assert_eq!(
            OrderCode::parse("ĐH1042"),
            Err(CodeError::InvalidChar { ch: 'Đ', index: 0 })
        );
        assert_eq!(
            OrderCode::parse("DH１０"),
            Err(CodeError::InvalidChar {
                ch: '１', index: 2
            })
        );
        let msg = OrderCode::parse("DH/1").unwrap_err().to_string();
        assert!(msg.contains("'/'") && msg.contains("position 2"), "{msg}");
    }

    #[test]
    fn parse_length_limits() {
        assert_eq!(
            OrderCode::parse("D-1"),
            Err(CodeError::TooShort { len: 2, min: 3 })
        );
        assert_eq!(
            OrderCode::parse(" - "),
            Err(CodeError::TooShort { len: 0, min: 3 })
        );
        assert!(OrderCode::parse("DH1").is_ok());
        assert!(OrderCode::parse(&"A".repeat(20)).is_ok());
        assert_eq!(
            OrderCode::parse(&"A".repeat(21)),
            Err(CodeError::TooLong { len: 21, max: 20 })
        );
        assert!(OrderCode::parse("DH1042").unwrap().to_string().eq("DH1042"));
        assert!(CodeError::TooLong { len: 21, max: 20 }
            .to_string()
            .contains("too long"));
    }

    #[test]
    fn prefix_parse() {
        assert_eq!(Prefix::default().as_str(), "DH");
        assert_eq!(Prefix::parse("dh").unwrap(), Prefix::default());
        assert_eq!(Prefix::parse("  "), Err(PrefixError::Empty));
        assert_eq!(
            Prefix::parse("D-H"),
            Err(PrefixError::InvalidChar { ch: '-', index: 1 })
        );
        assert_eq!(
            Prefix::parse("ĐH"),
            Err(PrefixError::InvalidChar { ch: 'Đ', index: 0 })
        );
        assert!(Prefix::parse("ABCDEFGH").is_ok());
        assert_eq!(
            Prefix::parse("ABCDEFGHI"),
            Err(PrefixError::TooLong { len: 9, max: 8 })
        );
        assert_eq!("shop".parse::<Prefix>().unwrap().to_string(), "SHOP");
    }

    #[test]
    fn code_for_order_numbers() {
        let dh = Prefix::default();
        assert_eq!(dh.code_for(1042).unwrap().as_str(), "DH1042");
        assert_eq!(dh.code_for(7).unwrap().as_str(), "DH7");
        let a = Prefix::parse("a").unwrap();
        assert!(matches!(a.code_for(7), Err(CodeError::TooShort { .. })));
        let long = Prefix::parse("ABCDEFGH").unwrap();
        assert!(matches!(
            long.code_for(u64::MAX),
            Err(CodeError::TooLong { .. })
        ));
    }

    #[test]
    fn alphabet_is_consistent() {
        assert_eq!(ALPHABET, format!("{DIGITS}{LETTERS}"));
        assert_eq!(ALPHABET.len(), 25);
        for banned in "0O1IL2Z5S8B".chars() {
            assert!(!ALPHABET.contains(banned), "{banned}");
        }
        let mut seen: Vec<char> = ALPHABET.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 25);
    }

    #[test]
    fn generate_shape() {
        let mut rng = StdRng::seed_from_u64(7);
        let prefix = Prefix::parse("shop").unwrap();
        for _ in 0..2000 {
            let code = generate(&prefix, &mut rng);
            let s = code.as_str();
            assert_eq!(s.len(), 12);
            let body = s.strip_prefix("SHOP").unwrap();
            assert!(DIGITS.contains(&body[..1]));
            assert!(body.chars().all(|c| ALPHABET.contains(c)));
            assert!(body[1..].chars().any(|c| c.is_ascii_alphabetic()));
            assert_eq!(OrderCode::parse(s).unwrap(), code);
        }
    }
}
