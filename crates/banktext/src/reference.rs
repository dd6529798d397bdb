//! Splitting a Vietcombank `Ref` field into the bank's reference and the
//! memo.

/// Splits the text after Vietcombank's `Ref` label into
/// `(reference, description)`.
///
/// The text is cut at `.` into segments. Its *technical part* is an
/// optional channel prefix of ASCII letters (`MBVCB`, `IBVCB`, ...)
/// followed by one to three segments of ASCII digits (`9876543210`, or a
/// trace number, `ddmmyy` date and `hhmmss` time: `5123.120325.080109`). The
/// technical part, when there is one, is the reference; what follows the
/// `.` after it is the description:
///
/// - `MBVCB.9876543210.DH1042.Thanh toan` -> (`MBVCB.9876543210`, `DH1042.Thanh toan`)
/// - `5123.120325.080109.DH2001` -> (`5123.120325.080109`, `DH2001`)
/// - `Chuyen tien DH1044` -> (`""`, `Chuyen tien DH1044`)
///
/// Both parts are trimmed.
pub(crate) fn split_vcb_ref(text: &str) -> (&str, &str) {
    let text = text.trim();
    let segments: Vec<&str> = text.split('.').collect();
    let is_digits = |s: &&str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let prefix = match segments.first() {
        Some(first)
            if !first.is_empty()
                && first.len() <= 10
                && first.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            1
        }
        _ => 0,
    };
    let digit_segments = segments
        .iter()
        .skip(prefix)
        .take(3)
        .take_while(|s| is_digits(s))
        .count();
    if digit_segments == 0 {
        return ("", text);
    }
    let taken = prefix + digit_segments;
    // Byte length of the technical part: its segments plus the dots between.
    let length = segments.iter().take(taken).map(|s| s.len()).sum::<usize>() + taken - 1;
    let reference = text.get(..length).unwrap_or("");
    let rest = text.get(length..).unwrap_or("");
    let description = rest.strip_prefix('.').unwrap_or(rest);
    (reference, description.trim())
}

#[cfg(test)]
mod tests {
    use super::split_vcb_ref;

    #[test]
    fn splits() {
        let cases = [
            (
                "MBVCB.9876543210.DH1042.Thanh toan",
                ("MBVCB.9876543210", "DH1042.Thanh toan"),
            ),
            (
                "5123.120325.080109.DH2001",
                ("5123.120325.080109", "DH2001"),
            ),
            ("Chuyen tien DH1044", ("", "Chuyen tien DH1044")),
            ("MBVCB.9876543210", ("MBVCB.9876543210", "")),
            ("MBVCB.Thanh toan", ("", "MBVCB.Thanh toan")),
            ("0123 chuyen tien", ("", "0123 chuyen tien")),
            ("1.2.3.4.5", ("1.2.3", "4.5")),
            ("", ("", "")),
            (".", ("", ".")),
            ("IBVCB.123.Đơn hàng", ("IBVCB.123", "Đơn hàng")),
        ];
        for (text, expected) in cases {
            assert_eq!(split_vcb_ref(text), expected, "{text}");
        }
    }
}
