//! Money amounts as the notification texts write them.
//!
//! The layouts find amounts with [`PATTERN`]; [`value`] turns the matched
//! text into whole VND.

use std::sync::LazyLock;

use regex::Regex;

/// Largest magnitude accepted for an amount or a balance: 10^15 VND.
pub(crate) const MAX_ABS_VND: i64 = 1_000_000_000_000_000;

/// A regex (no capture groups) for an unsigned VND amount:
///
/// - digits grouped by threes with `,` (`2,500,000`), optionally followed by
///   the decimal part `.00` (`2,500,000.00`);
/// - digits grouped by threes with `.` (`1.500.000`), optionally `,00`;
/// - digits grouped by threes with spaces (`1 500 000`), optionally
///   `.00`/`,00`;
/// - plain digits (`1500000`); four or more of them may be followed by
///   `.00`/`,00`.
///
/// A separator followed by three digits is always a thousands separator
/// (`1.500` is 1500 VND). VND has no subunit, so a decimal part is only
/// accepted as an explicit `00` after a number that cannot be misread:
/// `420,00` (a cut-short `420,000`?) is not an amount. Layouts put the
/// pattern between other fixed text, so a partial match (`1,50`, `12.5`)
/// makes the layout fail rather than misread.
pub(crate) const PATTERN: &str = concat!(
    "(?:",
    "[0-9]{1,3}(?:,[0-9]{3})+(?:\\.00)?",
    "|[0-9]{1,3}(?:\\.[0-9]{3})+(?:,00)?",
    "|[0-9]{1,3}(?: [0-9]{3})+(?:[.,]00)?",
    "|[0-9]{4,}(?:[.,]00)?",
    "|[0-9]+",
    ")"
);

/// A whole signed amount: [`PATTERN`] after an optional sign.
static SIGNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!("^[+-]? ?{PATTERN}$")).expect("the amount pattern is valid")
});

/// The value of an amount matched by [`PATTERN`], optionally preceded by a
/// sign (`+` or `-`, then an optional space). `None` when the text is not
/// such an amount or the magnitude exceeds [`MAX_ABS_VND`].
pub(crate) fn value(text: &str) -> Option<i64> {
    let text = text.trim();
    if !SIGNED.is_match(text) {
        return None;
    }
    let negative = text.starts_with('-');
    // Drop the decimal part, which the pattern only allows as `00`.
    let integer = match text.strip_suffix("00") {
        Some(rest) if rest.ends_with(['.', ',']) => rest,
        _ => text,
    };
    let mut magnitude: i64 = 0;
    for b in integer.bytes().filter(u8::is_ascii_digit) {
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(i64::from(b - b'0'))?;
        if magnitude > MAX_ABS_VND {
            return None;
        }
    }
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::{value, PATTERN};
    use regex::Regex;

    #[test]
    fn values() {
        let cases = [
            ("2,500,000", 2_500_000),
            ("1.500.000", 1_500_000),
            ("99.000", 99_000),
            ("1 500 000", 1_500_000),
            ("2,500,000.00", 2_500_000),
            ("1.500.000,00", 1_500_000),
            ("1500000", 1_500_000),
            ("1500.00", 1_500),
            ("1500,00", 1_500),
            ("1.500", 1_500),
            ("+1,000", 1_000),
            ("- 1,000", -1_000),
            ("0", 0),
        ];
        for (text, expected) in cases {
            assert_eq!(value(text), Some(expected), "{text}");
        }
        for text in [
            "",
            "+",
            "1.5",
            "12,50",
            "abc",
            "99999999999999999999",
            "1e5",
            "150.0",
            "420,00",
            "1,500.0",
            "1 500,000",
            "+-1",
            "1.500,000",
        ] {
            assert_eq!(value(text), None, "{text}");
        }
    }

    #[test]
    fn pattern_matches_whole_amounts_only() {
        let re = Regex::new(&format!("^{PATTERN}$")).unwrap();
        for ok in [
            "2,500,000",
            "1.500.000",
            "1 500 000",
            "2,500,000.00",
            "1.500.000,00",
            "7",
            "1500,00",
        ] {
            assert!(re.is_match(ok), "{ok}");
        }
        for bad in [
            "1,50",
            "12.5",
            "1,500.000",
            "1.500,000",
            "1,5000",
            "1 50",
            ",100",
            "420,00",
            "150.0",
        ] {
            assert!(!re.is_match(bad), "{bad}");
        }
    }
}
