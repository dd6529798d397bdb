//! Folding text for matching header names and labels: case, Vietnamese
//! diacritics, punctuation and spacing do not matter.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The matching key of `text`: lower case, diacritics removed (Unicode NFD
/// with combining marks dropped, and `đ`/`Đ` → `d`), every run of characters
/// other than letters and digits turned into one space, trimmed.
///
/// `Ngày GD`, `ngay gd`, `NGÀY  GD:` all have the key `ngay gd`.
pub(crate) fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for lower in c.to_lowercase() {
                out.push(if lower == 'đ' { 'd' } else { lower });
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// Whether `key` (a [`key`]) starts with the words of `phrase` (also a key):
/// `"tong cong"` starts with `"tong"`, `"tongket"` does not.
pub(crate) fn starts_with_words(key: &str, phrase: &str) -> bool {
    key.strip_prefix(phrase)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(key("Ngày GD"), "ngay gd");
        assert_eq!(key("  NGÀY   GD: "), "ngay gd");
        assert_eq!(key("ngay gd"), "ngay gd");
        assert_eq!(key("Số dư (VND)"), "so du vnd");
        assert_eq!(key("ĐƠN VỊ thụ hưởng"), "don vi thu huong");
        assert_eq!(key("Ghi Có\nCredit"), "ghi co credit");
        // Decomposed input (combining marks) folds the same way.
        assert_eq!(key("Nga\u{300}y"), "ngay");
        assert_eq!(key("---"), "");
    }

    #[test]
    fn word_prefixes() {
        assert!(starts_with_words("tong cong", "tong"));
        assert!(starts_with_words("tong", "tong"));
        assert!(!starts_with_words("tongket", "tong"));
        assert!(!starts_with_words("to", "tong"));
    }
}
