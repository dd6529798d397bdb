//! Parsing whole-VND money amounts as people and banks write them.
//!
//! See [`parse_vnd`] for the accepted syntax.

use std::fmt;

use crate::excerpt;

/// Largest magnitude [`parse_vnd`] accepts: 10^15 VND (a quadrillion đồng).
///
/// Both `MAX_ABS_VND` and `-MAX_ABS_VND` are accepted; anything beyond is an
/// [`AmountErrorKind::OutOfRange`] error.
pub const MAX_ABS_VND: i64 = 1_000_000_000_000_000;

/// Why a value is not an acceptable VND amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmountErrorKind {
    /// The value is empty or only whitespace.
    Empty,
    /// The value is not a number in the accepted syntax (stray characters,
    /// misplaced or mixed separators, groups not of three digits, ...).
    Invalid,
    /// The value has a decimal part other than zeros (`12.5`).
    NotWhole,
    /// The magnitude exceeds [`MAX_ABS_VND`].
    OutOfRange,
}

impl fmt::Display for AmountErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "is empty",
            Self::Invalid => {
                "is not a valid VND amount (expected digits with an optional sign \
                 and optional thousands separators in groups of three, e.g. -1,200,000)"
            }
            Self::NotWhole => "is not a whole number of VND",
            Self::OutOfRange => "is out of range (at most 1,000,000,000,000,000 VND either way)",
        })
    }
}

/// A value rejected by [`parse_vnd`].
///
/// Displays as the quoted value followed by the reason, e.g.
/// `"12.5" is not a whole number of VND`, so callers can prefix the field
/// name: `amount "12.5" is not a whole number of VND`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{input:?} {kind}")]
pub struct AmountError {
    input: String,
    kind: AmountErrorKind,
}

impl AmountError {
    fn new(input: &str, kind: AmountErrorKind) -> Self {
        Self {
            input: excerpt(input),
            kind,
        }
    }

    /// Why the value was rejected.
    pub fn kind(&self) -> AmountErrorKind {
        self.kind
    }

    /// The rejected value (cut to a short excerpt if it was long).
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// Parses a signed amount of whole VND.
///
/// Accepted syntax, after trimming surrounding whitespace:
///
/// - an optional leading `+` or `-` (or the Unicode minus sign `−`),
/// - digits, either plain (`1200000`) or with thousands separators in groups
///   of three; the separator is one of `,` `.` `_` or a space (a no-break
///   space U+00A0 or narrow no-break space U+202F counts as a space), and the
///   same kind is used throughout: `1,200,000`, `1.200.000`, `-250 000`,
/// - optionally a decimal part of one or two zeros introduced by `.` or `,`,
///   which must differ from the thousands separator: `1200.00`,
///   `1.200.000,00`, `1,200,000.0`.
///
/// A separator followed by exactly three digits is always a thousands
/// separator (`1.500` is 1500). A non-zero decimal part (`12.5`, `1,50`) is
/// [`AmountErrorKind::NotWhole`]; a magnitude beyond [`MAX_ABS_VND`] is
/// [`AmountErrorKind::OutOfRange`].
///
/// Zero is a valid result (balances can be zero); callers that need a
/// non-zero transaction amount must check for it themselves.
///
/// ```
/// use statements::{parse_vnd, AmountErrorKind};
///
/// assert_eq!(parse_vnd("1,200,000"), Ok(1_200_000));
/// assert_eq!(parse_vnd("-250 000"), Ok(-250_000));
/// assert_eq!(parse_vnd("1.200.000,00"), Ok(1_200_000));
/// assert_eq!(parse_vnd("12.5").unwrap_err().kind(), AmountErrorKind::NotWhole);
/// assert_eq!(
///     parse_vnd("12.5").unwrap_err().to_string(),
///     "\"12.5\" is not a whole number of VND"
/// );
/// ```
pub fn parse_vnd(input: &str) -> Result<i64, AmountError> {
    let err = |kind| AmountError::new(input, kind);
    let s = input.trim();
    if s.is_empty() {
        return Err(err(AmountErrorKind::Empty));
    }
    let (negative, body) = if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('\u{2212}') {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else {
        (false, s)
    };

    let groups = split_groups(body).ok_or_else(|| err(AmountErrorKind::Invalid))?;
    let (integer, fraction) = split_fraction(&groups);

    // Validate the integer part's grouping.
    if integer.len() > 1 {
        let separator = integer[1].separator;
        let grouped = (1..=3).contains(&integer[0].digits.len())
            && integer[1..]
                .iter()
                .all(|g| g.separator == separator && g.digits.len() == 3);
        if !grouped {
            return Err(err(AmountErrorKind::Invalid));
        }
        if let Some(fraction) = fraction {
            if fraction.separator == separator {
                return Err(err(AmountErrorKind::Invalid));
            }
        }
    }
    if let Some(fraction) = fraction {
        if fraction.digits.bytes().any(|b| b != b'0') {
            return Err(err(AmountErrorKind::NotWhole));
        }
    }

    let mut magnitude: i64 = 0;
    for digit in integer.iter().flat_map(|g| g.digits.bytes()) {
        magnitude = magnitude * 10 + i64::from(digit - b'0');
        if magnitude > MAX_ABS_VND {
            return Err(err(AmountErrorKind::OutOfRange));
        }
    }
    Ok(if negative { -magnitude } else { magnitude })
}

/// Kinds of separator between digit groups; all spaces count as one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    Comma,
    Dot,
    Space,
    Underscore,
}

/// A run of ASCII digits and the separator that preceded it (`None` for the
/// first run).
#[derive(Debug, Clone, Copy)]
struct Group<'a> {
    separator: Option<Separator>,
    digits: &'a str,
}

/// Splits `body` into non-empty digit runs separated by single separators.
/// Returns `None` on any other character, a leading/trailing separator, or
/// two separators in a row.
fn split_groups(body: &str) -> Option<Vec<Group<'_>>> {
    let mut groups = Vec::new();
    let mut separator = None;
    let mut start = 0;
    for (i, c) in body.char_indices() {
        if c.is_ascii_digit() {
            continue;
        }
        let next = match c {
            ',' => Separator::Comma,
            '.' => Separator::Dot,
            ' ' | '\u{a0}' | '\u{202f}' => Separator::Space,
            '_' => Separator::Underscore,
            _ => return None,
        };
        if i == start {
            return None; // empty run: leading or doubled separator
        }
        groups.push(Group {
            separator,
            digits: &body[start..i],
        });
        separator = Some(next);
        start = i + c.len_utf8();
    }
    if start == body.len() {
        return None; // empty body or trailing separator
    }
    groups.push(Group {
        separator,
        digits: &body[start..],
    });
    Some(groups)
}

/// Splits off a trailing decimal part: a last group of one or two digits
/// introduced by `.` or `,`.
fn split_fraction<'g, 'a>(groups: &'g [Group<'a>]) -> (&'g [Group<'a>], Option<Group<'a>>) {
    match groups.split_last() {
        Some((last, rest))
            if !rest.is_empty()
                && matches!(last.separator, Some(Separator::Comma | Separator::Dot))
                && last.digits.len() <= 2 =>
        {
            (rest, Some(*last))
        }
        _ => (groups, None),
    }
}

/// The signed amount of a row with a `credit` and a `debit` cell (0 when empty; `None` when the
/// cell was unreadable, which the caller has reported): exactly one must be non-zero. Adds the
/// problem to `problems` otherwise.
pub(crate) fn credit_or_debit(
    credit: Option<i64>,
    debit: Option<i64>,
    problems: &mut Vec<String>,
) -> Option<i64> {
    match (credit, debit) {
        (Some(0), Some(0)) => {
            problems.push("the row has neither a credit nor a debit amount".to_owned());
            None
        }
        (Some(credit), Some(0)) => Some(credit),
        (Some(0), Some(debit)) => Some(debit),
        (Some(_), Some(_)) => {
            problems.push("the row has both credit and debit".to_owned());
            None
        }
        _ => None, // already reported
    }
}

/// Formats `value` with `,` between groups of three digits (for messages).
pub(crate) fn group_thousands(value: i128) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(-15_700_000), "-15,700,000");
        assert_eq!(
            group_thousands(i128::from(i64::MIN)),
            "-9,223,372,036,854,775,808"
        );
    }

    fn kind(input: &str) -> AmountErrorKind {
        parse_vnd(input).unwrap_err().kind()
    }

    #[test]
    fn plain_and_signed() {
        assert_eq!(parse_vnd("0"), Ok(0));
        assert_eq!(parse_vnd("-0"), Ok(0));
        assert_eq!(parse_vnd("1200000"), Ok(1_200_000));
        assert_eq!(parse_vnd("+1200000"), Ok(1_200_000));
        assert_eq!(parse_vnd("-1200000"), Ok(-1_200_000));
        assert_eq!(parse_vnd("\u{2212}5000"), Ok(-5000));
        assert_eq!(parse_vnd("  42 \t"), Ok(42));
        assert_eq!(parse_vnd("007"), Ok(7));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(parse_vnd("1,200,000"), Ok(1_200_000));
        assert_eq!(parse_vnd("1.200.000"), Ok(1_200_000));
        assert_eq!(parse_vnd("-250 000"), Ok(-250_000));
        assert_eq!(parse_vnd("1_000_000"), Ok(1_000_000));
        assert_eq!(parse_vnd("12\u{a0}345"), Ok(12_345));
        assert_eq!(parse_vnd("12\u{202f}345 678"), Ok(12_345_678));
        assert_eq!(parse_vnd("1.500"), Ok(1_500));
        assert_eq!(parse_vnd("999,999"), Ok(999_999));
    }

    #[test]
    fn zero_decimal_parts() {
        assert_eq!(parse_vnd("1200000.00"), Ok(1_200_000));
        assert_eq!(parse_vnd("1200000,00"), Ok(1_200_000));
        assert_eq!(parse_vnd("1200000.0"), Ok(1_200_000));
        assert_eq!(parse_vnd("1,200,000.00"), Ok(1_200_000));
        assert_eq!(parse_vnd("1.200.000,00"), Ok(1_200_000));
        assert_eq!(parse_vnd("-1 200 000,00"), Ok(-1_200_000));
        assert_eq!(parse_vnd("0.00"), Ok(0));
    }

    #[test]
    fn non_whole_amounts() {
        assert_eq!(kind("12.5"), AmountErrorKind::NotWhole);
        assert_eq!(kind("1,50"), AmountErrorKind::NotWhole);
        assert_eq!(kind("1,200,000.01"), AmountErrorKind::NotWhole);
        assert_eq!(kind("1.200.000,10"), AmountErrorKind::NotWhole);
        assert_eq!(
            parse_vnd("12.5").unwrap_err().to_string(),
            r#""12.5" is not a whole number of VND"#
        );
    }

    #[test]
    fn invalid_syntax() {
        for bad in [
            "abc",
            "-",
            "+",
            "--5",
            "+-5",
            "- 5",
            "1,2,3",
            "12,34,567",
            "1234,567",
            "1,200.000",
            "1.200,000",
            "1,200,000,00",
            "1.200.000.00",
            "1..200",
            ",200",
            "200,",
            "1.",
            ".5",
            "1e6",
            "0x10",
            "12.3456",
            "1 000 000đ",
            "1,000 VND",
            "１２３",
        ] {
            assert_eq!(kind(bad), AmountErrorKind::Invalid, "{bad:?}");
        }
    }

    #[test]
    fn empty() {
        assert_eq!(kind(""), AmountErrorKind::Empty);
        assert_eq!(kind("   "), AmountErrorKind::Empty);
    }

    #[test]
    fn range_limits() {
        assert_eq!(parse_vnd("1000000000000000"), Ok(MAX_ABS_VND));
        assert_eq!(parse_vnd("-1,000,000,000,000,000"), Ok(-MAX_ABS_VND));
        assert_eq!(kind("1000000000000001"), AmountErrorKind::OutOfRange);
        assert_eq!(kind("-1000000000000001"), AmountErrorKind::OutOfRange);
        assert_eq!(
            kind("99999999999999999999999999999"),
            AmountErrorKind::OutOfRange
        );
        assert_eq!(
            parse_vnd(&format!("0000000000000000000000{MAX_ABS_VND}")),
            Ok(MAX_ABS_VND)
        );
    }

    #[test]
    fn error_message_quotes_an_excerpt() {
        let long = "9".repeat(1000);
        let message = parse_vnd(&long).unwrap_err().to_string();
        assert!(message.len() < 200, "{message}");
        assert!(message.contains("is out of range"));
    }
}
