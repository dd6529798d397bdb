//! Finding an order code in a bank transaction description.
//!
//! Banks rewrite the memo a customer typed before it reaches the shop: they
//! upper-case it, strip Vietnamese diacritics, drop or insert spaces and
//! punctuation, prepend their own text (`MBVCB.123.456.`, `IBFT`, the sender's
//! name), append references, and cut long memos. Matching is therefore
//! lenient and works on a *comparable* form of the text.
//!
//! # Comparable text
//!
//! [`comparable`] folds a text to upper-case ASCII letters and digits:
//!
//! * ASCII letters are upper-cased, ASCII digits kept;
//! * precomposed Vietnamese letters (`à á ả ã ạ ă ằ … ự ỳ … ỵ`, `đ`/`Đ`, both
//!   cases) are folded to their base letter (`Ầ` → `A`, `đ` → `D`);
//! * combining marks U+0300..=U+036F (decomposed diacritics) are dropped, so
//!   `a\u{301}` → `A`;
//! * everything else (spaces, punctuation, other scripts, emoji) is dropped.
//!
//! # When a code is found ([`contains_code`])
//!
//! The code must appear as a contiguous substring of the comparable
//! description. Because separators are dropped, **separators anywhere inside
//! the code are ignored**: `DH 1042`, `DH-1042`, `D H1042` and `CK DH 10 42`
//! (banks wrap long memos by inserting spaces) all contain `DH1042`.
//!
//! The match must not be merely a piece of a longer *number*. This is judged
//! on the original text, where a separator (anything [`comparable`] drops,
//! except combining marks) ends a run of characters:
//!
//! * **End:** if the code ends with a digit, the character right after the
//!   match must not be a digit *glued to it* in the original text. `DH10421`
//!   does not contain `DH1042`; `DH1042 7`, `DH1042-230512` and `DH1042.`
//!   do.
//! * **Start:** if the code starts with a digit (only possible for codes from
//!   [`OrderCode::parse`](crate::code::OrderCode::parse)), the character right
//!   before the match must not be a digit glued to it. `MBVCB.123.1042AB`
//!   contains `1042AB`; `91042AB` does not.
//! * **Letters may be glued on either side.** Banks concatenate their own
//!   words with the memo (`IBFTDH1042`, `ThanhtoanDH1042`,
//!   `DH1042CAMON`), so a letter next to the match never rejects it. In
//!   particular **`ADH1042` contains `DH1042`**: every code of a shop starts
//!   with the same prefix, so letters in front cannot turn the text into
//!   another code of that shop (as long as the shop does not use two prefixes
//!   where one ends with the other, such as `DH` and `ADH`).
//! * **`D H1042` contains `DH1042`**: a separator inside the prefix is
//!   treated like any other separator inside the code.
//!
//! ## Ambiguity callers must handle
//!
//! A separator between two digit groups may be a bank's line wrap inside one
//! id or a real boundary (`DH1042 0912345678`: code then phone number). These
//! rules take the separator as a boundary *and* ignore it inside codes, so
//! `CK DH 10 42` contains both `DH10` and `DH1042`, and `DH 1042 7` contains
//! both `DH1042` and `DH10427`. Codes of equal length — such as those from
//! [`generate`](crate::code::generate) — never have this problem. For
//! variable-length (sequential) codes, a caller that finds more than one open
//! payment request in one description must not settle any of them
//! automatically.
//!
//! # Truncated memos ([`contains_truncated`])
//!
//! Banks cut long memos, so a description may end with only the first part of
//! a code. [`contains_truncated`] detects that; it is a weaker signal than
//! [`contains_code`] (a short code prefix such as `DH10` is shared by many
//! codes) and should only lead to a suggested match or a match confirmed by
//! other evidence (amount, time), never to settling a request on its own.

use crate::code::OrderCode;

/// Vietnamese precomposed letters, lower- and upper-case, by base letter.
const VIETNAMESE_FOLD: &[(u8, &str)] = &[
    (b'A', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"),
    (b'E', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ"),
    (b'I', "ìíỉĩịÌÍỈĨỊ"),
    (b'O', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"),
    (b'U', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ"),
    (b'Y', "ỳýỷỹỵỲÝỶỸỴ"),
    (b'D', "đĐ"),
];

/// What one character of the original text becomes in comparable text.
enum Fold {
    /// An upper-case ASCII letter or digit.
    Keep(u8),
    /// A combining mark: dropped without ending the current run.
    Ignore,
    /// Anything else: dropped, and it ends the current run.
    Separator,
}

fn fold_char(c: char) -> Fold {
    if c.is_ascii_alphanumeric() {
        return Fold::Keep(c.to_ascii_uppercase() as u8);
    }
    if c.is_ascii() {
        return Fold::Separator;
    }
    if ('\u{0300}'..='\u{036F}').contains(&c) {
        return Fold::Ignore;
    }
    VIETNAMESE_FOLD
        .iter()
        .find(|(_, variants)| variants.contains(c))
        .map_or(Fold::Separator, |&(base, _)| Fold::Keep(base))
}

/// One comparable character with its place in the original run structure.
#[derive(Clone, Copy)]
struct Unit {
    /// Upper-case ASCII letter or digit.
    ch: u8,
    /// Whether it directly followed the previous comparable character in the
    /// original text (nothing but combining marks in between).
    glued: bool,
}

fn fold_units(text: &str) -> Vec<Unit> {
    let mut units = Vec::with_capacity(text.len());
    let mut glued = false;
    for c in text.chars() {
        match fold_char(c) {
            Fold::Keep(ch) => {
                units.push(Unit { ch, glued });
                glued = true;
            }
            Fold::Ignore => {}
            Fold::Separator => glued = false,
        }
    }
    units
}

/// Folds `text` to upper-case ASCII letters and digits only.
///
/// Vietnamese diacritics are removed (`Đơn hàng` → `DONHANG`), combining
/// marks U+0300..=U+036F are dropped, and every other character that is not
/// an ASCII letter or digit (spaces, punctuation, other scripts) is dropped.
/// The result is idempotent: `comparable(&comparable(s)) == comparable(s)`.
///
/// ```
/// use paymatch::find::comparable;
/// assert_eq!(comparable("MBVCB.123.Đơn hàng DH-1042"), "MBVCB123DONHANGDH1042");
/// ```
pub fn comparable(text: &str) -> String {
    fold_units(text).iter().map(|u| char::from(u.ch)).collect()
}

fn matches_at(units: &[Unit], code: &[u8], start: usize) -> bool {
    units[start..start + code.len()]
        .iter()
        .zip(code)
        .all(|(u, c)| u.ch == *c)
}

/// The match starting at `start` does not continue a glued digit run before.
fn start_ok(units: &[Unit], code: &[u8], start: usize) -> bool {
    if start == 0 || !units[start].glued {
        return true;
    }
    !(code[0].is_ascii_digit() && units[start - 1].ch.is_ascii_digit())
}

/// The match ending before `end` is not continued by a glued digit after.
fn end_ok(units: &[Unit], code: &[u8], end: usize) -> bool {
    if end == units.len() || !units[end].glued {
        return true;
    }
    !(code[code.len() - 1].is_ascii_digit() && units[end].ch.is_ascii_digit())
}

/// Whether `description` contains `code`, matched leniently.
///
/// Case, Vietnamese diacritics and separators (anywhere, including inside the
/// code) are ignored, and the match may be surrounded by any bank text, but a
/// code ending (starting) with a digit is not found where a digit is glued
/// right after (before) it. See the [module docs](self) for the full rules
/// and the ambiguous cases.
///
/// ```
/// use paymatch::code::OrderCode;
/// use paymatch::find::contains_code;
/// let code = OrderCode::parse("DH1042").unwrap();
/// assert!(contains_code("MBVCB.9876543210.DH1042.Thanh toan", &code));
/// assert!(contains_code("IBFTDH 10 42", &code));
/// assert!(!contains_code("DH10421", &code));
/// ```
pub fn contains_code(description: &str, code: &OrderCode) -> bool {
    let units = fold_units(description);
    let code = code.as_str().as_bytes();
    if code.is_empty() || units.len() < code.len() {
        return false;
    }
    (0..=units.len() - code.len()).any(|start| {
        matches_at(&units, code, start)
            && start_ok(&units, code, start)
            && end_ok(&units, code, start + code.len())
    })
}

/// Whether `description` ends with the beginning of `code` — at least
/// `min_len` comparable characters of it — as a bank's truncation of a long
/// memo would leave it.
///
/// Trailing separators (and anything else [`comparable`] drops) are ignored.
/// The full code at the end also counts. The start rule of
/// [`contains_code`] applies (a code starting with a digit must not continue
/// a glued digit run). `min_len` is raised to at least 1; a `min_len` longer
/// than the code never matches.
///
/// This is a **weaker signal** than [`contains_code`]: many codes share a
/// short beginning. Use it only to suggest a match or together with other
/// evidence, and choose `min_len` well above the prefix length (for
/// generated codes, the prefix plus at least 5 characters).
///
/// ```
/// use paymatch::code::OrderCode;
/// use paymatch::find::contains_truncated;
/// let code = OrderCode::parse("DHK7M3QX9P").unwrap();
/// assert!(contains_truncated("NGUYEN VAN A chuyen tien DHK7M3Q", &code, 7));
/// assert!(!contains_truncated("NGUYEN VAN A chuyen tien DHK7", &code, 7));
/// ```
pub fn contains_truncated(description: &str, code: &OrderCode, min_len: usize) -> bool {
    let code = code.as_str().as_bytes();
    let min_len = min_len.max(1);
    if min_len > code.len() {
        return false;
    }
    let units = fold_units(description);
    let longest = code.len().min(units.len());
    (min_len..=longest).any(|k| {
        let start = units.len() - k;
        matches_at(&units, &code[..k], start) && start_ok(&units, code, start)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> OrderCode {
        OrderCode::parse(s).unwrap()
    }

    #[test]
    fn comparable_folds_vietnamese() {
        assert_eq!(comparable("Đơn hàng số 5"), "DONHANGSO5");
        assert_eq!(
            comparable("Nguyễn Văn Ánh chuyển tiền, cảm ơn!"),
            "NGUYENVANANHCHUYENTIENCAMON"
        );
        assert_eq!(comparable("ỲÝỶỸỴỳýỷỹỵ"), "YYYYYYYYYY");
        assert_eq!(comparable("ƯỪỨỬỮỰưừứửữự"), "UUUUUUUUUUUU");
        assert_eq!(comparable("ơờớởỡợƠỜỚỞỠỢ"), "OOOOOOOOOOOO");
        // Decomposed: e + circumflex + acute, a + grave.
        assert_eq!(comparable("e\u{302}\u{301}a\u{300}"), "EA");
        assert_eq!(comparable("  .-_/\t\n😀中文"), "");
    }

    #[test]
    fn fold_table_covers_both_cases() {
        for (base, variants) in VIETNAMESE_FOLD {
            let lower: Vec<char> = variants.chars().filter(|c| c.is_lowercase()).collect();
            let upper: Vec<char> = variants.chars().filter(|c| c.is_uppercase()).collect();
            assert_eq!(lower.len(), upper.len(), "{}", char::from(*base));
            for c in lower {
                let up: String = c.to_uppercase().collect();
                assert!(variants.contains(up.as_str()), "{c}");
            }
        }
        let total: usize = VIETNAMESE_FOLD.iter().map(|(_, v)| v.chars().count()).sum();
        assert_eq!(total, 2 * (17 + 11 + 5 + 17 + 11 + 5 + 1));
    }

    #[test]
    fn found_cases() {
        let dh = code("DH1042");
        for d in [
            "DH1042",
            "dh1042",
            "DH 1042",
            "DH-1042",
            "DH.1042",
            "MBVCB.9876543210.DH1042.Thanh toan",
            "IBFT DH1042",
            "IBFTDH1042",
            "NGUYEN VAN A chuyen tien DH1042",
            "ThanhtoanDH1042",
            "Đơn hàng DH1042",
            "DH1042 cam on",
            "DH1042.",
            "CK DH 10 42",
            // Decided cases (see module docs).
            "ADH1042",
            "D H1042",
            "DH1042 7",
            "DH1042-230512",
            "DH1042CAMON",
            "TKThe :0123456789, tai BIDV. DH1042 -CTLNHIDI000012345678-1/3",
            "D\u{301}H1042",
        ] {
            assert!(contains_code(d, &dh), "should find DH1042 in {d:?}");
        }
        assert!(contains_code("dhk7m3 qx9p", &code("DHK7M3QX9P")));
        assert!(contains_code("IBFTdhk7m3-qx9pcamon", &code("DHK7M3QX9P")));
    }

    #[test]
    fn not_found_cases() {
        let dh = code("DH1042");
        for d in [
            "DH10421",
            "DH104",
            "DH1043",
            "DH 10421",
            "DH1042\u{301}1",
            "",
            "DH",
            "1042",
            "DX1042",
        ] {
            assert!(!contains_code(d, &dh), "should not find DH1042 in {d:?}");
        }
        assert!(!contains_code("dhk7m3 qx9", &code("DHK7M3QX9P")));
    }

    #[test]
    fn ambiguous_digit_groups_are_documented() {
        assert!(contains_code("CK DH 10 42", &code("DH10")));
        assert!(contains_code("DH 1042 7", &code("DH10427")));
        assert!(contains_code("DH 1042 7", &code("DH1042")));
        assert!(!contains_code("DH 10427", &code("DH1042")));
    }

    #[test]
    fn digit_leading_codes() {
        let c = code("1042AB");
        assert!(contains_code("MBVCB.123.1042AB", &c));
        assert!(contains_code("THANHTOAN1042AB", &c));
        assert!(!contains_code("91042AB", &c));
        assert!(contains_code("9 1042AB", &c));
    }

    #[test]
    fn later_occurrence_can_match() {
        // First occurrence is a longer number, second is a real match.
        assert!(contains_code("DH10421 DH1042", &code("DH1042")));
    }

    #[test]
    fn truncated() {
        let dh = code("DH1042");
        assert!(contains_truncated("MBVCB.123.DH10", &dh, 4));
        assert!(contains_truncated("MBVCB.123.DH10 . ", &dh, 4));
        assert!(contains_truncated("chuyen tien DH1042", &dh, 6));
        assert!(!contains_truncated("MBVCB.123.DH1", &dh, 4));
        assert!(!contains_truncated("DH1042 cam on", &dh, 4));
        assert!(!contains_truncated("DH10", &dh, 7));
        assert!(!contains_truncated("", &dh, 0));
        assert!(contains_truncated("xyz D", &dh, 0));
        let c = code("1042AB");
        assert!(contains_truncated("MBVCB.123.1042A", &c, 4));
        assert!(!contains_truncated("MBVCB.1231042A", &c, 4));
    }
}
