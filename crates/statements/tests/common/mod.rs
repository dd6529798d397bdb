//! Helpers shared by the statement parser tests.

/// `value` with `separator` between groups of three digits (`1,200,000`).
pub fn grouped(value: i64, separator: &str) -> String {
    let digits = value.unsigned_abs().to_string();
    let head = (digits.len() - 1) % 3 + 1;
    let mut out = String::from(if value < 0 { "-" } else { "" });
    out.push_str(&digits[..head]);
    for group in digits.as_bytes()[head..].chunks(3) {
        out.push_str(separator);
        out.push_str(std::str::from_utf8(group).expect("ASCII digits"));
    }
    out
}
