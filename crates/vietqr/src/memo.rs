//! Transfer memos (the purpose of transaction, tag `62.08`).

use core::fmt;
use core::str::FromStr;

use crate::ValueError;

/// A transfer memo that every bank app shows and keeps the same way.
///
/// A `Memo` is 1 to 25 characters from `[A-Za-z0-9 ]`, with no leading,
/// trailing or repeated space. Banks differ in how they count non-ASCII
/// characters and many upper-case, strip or truncate memos, so anything a
/// reconciliation process has to match later (an order code, say) should be
/// in this safe subset.
///
/// Three constructors, from strict to lenient:
///
/// | constructor | diacritics & symbols | longer than 25 |
/// |---|---|---|
/// | [`Memo::new`] | error | error |
/// | [`Memo::normalize`] | folded / replaced | error |
/// | [`Memo::sanitize`] | folded / replaced | **truncated** |
///
/// Normalization folds Vietnamese (and other Latin) diacritics to their base
/// letter (`ơ` → `o`, `đ`/`Đ` → `d`/`D`, also in decomposed form), drops
/// combining marks and zero-width characters, replaces every other character
/// outside `[A-Za-z0-9 ]` with a space, collapses runs of spaces and trims.
/// Case is preserved.
///
/// ```
/// use vietqr::Memo;
///
/// assert_eq!(Memo::sanitize("Đơn hàng #DH-482113").unwrap().as_str(), "Don hang DH 482113");
/// assert_eq!(
///     Memo::sanitize("Thanh toán hóa đơn tháng 10 năm 2024").unwrap().as_str(),
///     "Thanh toan hoa don thang" // cut at 25 characters, trailing space trimmed
/// );
/// assert!(Memo::normalize("Thanh toán hóa đơn tháng 10 năm 2024").is_err());
/// assert!(Memo::new("Đơn hàng").is_err());
/// assert!(Memo::new("Don hang").is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Memo(String);

impl Memo {
    /// Maximum length in characters (the EMVCo limit for tag `62.08`).
    pub const MAX_LEN: usize = 25;

    /// Accepts `text` only if it is already a valid memo: 1 to 25 characters
    /// from `[A-Za-z0-9 ]`, no leading, trailing or repeated space. The memo
    /// is then exactly `text`.
    pub fn new(text: &str) -> Result<Memo, ValueError> {
        if text.is_empty() {
            return Err(ValueError::Empty);
        }
        if let Some((index, ch)) = text
            .chars()
            .enumerate()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == ' '))
        {
            return Err(ValueError::InvalidChar { ch, index });
        }
        // ASCII from here on: bytes are characters.
        if text.len() > Self::MAX_LEN {
            return Err(ValueError::TooLong {
                len: text.len(),
                max: Self::MAX_LEN,
            });
        }
        if text.starts_with(' ') || text.ends_with(' ') || text.contains("  ") {
            return Err(ValueError::Spacing);
        }
        Ok(Memo(text.to_owned()))
    }

    /// Normalizes `text` (see the type docs) and fails if nothing is left
    /// ([`ValueError::Empty`]) or the result is longer than 25 characters
    /// ([`ValueError::TooLong`], with the normalized length). Use this when a
    /// truncated memo would be wrong, e.g. when it must contain an order code.
    pub fn normalize(text: &str) -> Result<Memo, ValueError> {
        let clean = clean(text);
        if clean.is_empty() {
            Err(ValueError::Empty)
        } else if clean.len() > Self::MAX_LEN {
            Err(ValueError::TooLong {
                len: clean.len(),
                max: Self::MAX_LEN,
            })
        } else {
            Ok(Memo(clean))
        }
    }

    /// Normalizes `text` (see the type docs) and truncates the result to 25
    /// characters, trimming any space left at the end. Returns `None` only
    /// when nothing usable is left (empty input, only punctuation, …).
    #[must_use]
    pub fn sanitize(text: &str) -> Option<Memo> {
        let clean = clean(text);
        let cut: String = clean.chars().take(Self::MAX_LEN).collect();
        let cut = cut.trim_end();
        if cut.is_empty() {
            None
        } else {
            Some(Memo(cut.to_owned()))
        }
    }

    /// The memo text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Memo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Memo {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Memo {
    type Err = ValueError;

    /// Same as [`Memo::new`] (strict).
    fn from_str(s: &str) -> Result<Memo, ValueError> {
        Memo::new(s)
    }
}

impl From<Memo> for String {
    fn from(memo: Memo) -> String {
        memo.0
    }
}

/// Folds, replaces, collapses and trims, without any length limit.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.chars() {
        let mapped = if ch.is_ascii_alphanumeric() {
            Some(ch)
        } else if is_invisible(ch) {
            continue;
        } else {
            fold(ch)
        };
        match mapped {
            Some(c) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
            None => pending_space = true,
        }
    }
    out
}

/// Combining marks (as in decomposed Vietnamese text) and zero-width or
/// formatting characters: removed without leaving a space.
fn is_invisible(ch: char) -> bool {
    matches!(ch,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{00AD}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}')
}

/// The ASCII base letter of a precomposed Latin letter with diacritics.
fn fold(ch: char) -> Option<char> {
    FOLD.binary_search_by_key(&ch, |&(c, _)| c)
        .ok()
        .and_then(|i| FOLD.get(i))
        .map(|&(_, base)| char::from(base))
}

/// Precomposed letters of Latin-1 Supplement, Latin Extended-A, the
/// Vietnamese letters of Latin Extended-B (ơ, ư) and the Vietnamese block of
/// Latin Extended Additional (U+1EA0–U+1EF9), mapped to the first character
/// of their canonical decomposition; plus Đ/đ (and look-alikes Ð, Ɖ), Ø/ø
/// and Ł/ł, which do not decompose. Sorted by character.
#[rustfmt::skip]
static FOLD: &[(char, u8)] = &[
    ('\u{00C0}', b'A'), ('\u{00C1}', b'A'), ('\u{00C2}', b'A'), ('\u{00C3}', b'A'),
    ('\u{00C4}', b'A'), ('\u{00C5}', b'A'), ('\u{00C7}', b'C'), ('\u{00C8}', b'E'),
    ('\u{00C9}', b'E'), ('\u{00CA}', b'E'), ('\u{00CB}', b'E'), ('\u{00CC}', b'I'),
    ('\u{00CD}', b'I'), ('\u{00CE}', b'I'), ('\u{00CF}', b'I'), ('\u{00D0}', b'D'),
    ('\u{00D1}', b'N'), ('\u{00D2}', b'O'), ('\u{00D3}', b'O'), ('\u{00D4}', b'O'),
    ('\u{00D5}', b'O'), ('\u{00D6}', b'O'), ('\u{00D8}', b'O'), ('\u{00D9}', b'U'),
    ('\u{00DA}', b'U'), ('\u{00DB}', b'U'), ('\u{00DC}', b'U'), ('\u{00DD}', b'Y'),
    ('\u{00E0}', b'a'), ('\u{00E1}', b'a'), ('\u{00E2}', b'a'), ('\u{00E3}', b'a'),
    ('\u{00E4}', b'a'), ('\u{00E5}', b'a'), ('\u{00E7}', b'c'), ('\u{00E8}', b'e'),
    ('\u{00E9}', b'e'), ('\u{00EA}', b'e'), ('\u{00EB}', b'e'), ('\u{00EC}', b'i'),
    ('\u{00ED}', b'i'), ('\u{00EE}', b'i'), ('\u{00EF}', b'i'), ('\u{00F0}', b'd'),
    ('\u{00F1}', b'n'), ('\u{00F2}', b'o'), ('\u{00F3}', b'o'), ('\u{00F4}', b'o'),
    ('\u{00F5}', b'o'), ('\u{00F6}', b'o'), ('\u{00F8}', b'o'), ('\u{00F9}', b'u'),
    ('\u{00FA}', b'u'), ('\u{00FB}', b'u'), ('\u{00FC}', b'u'), ('\u{00FD}', b'y'),
    ('\u{00FF}', b'y'), ('\u{0100}', b'A'), ('\u{0101}', b'a'), ('\u{0102}', b'A'),
    ('\u{0103}', b'a'), ('\u{0104}', b'A'), ('\u{0105}', b'a'), ('\u{0106}', b'C'),
    ('\u{0107}', b'c'), ('\u{0108}', b'C'), ('\u{0109}', b'c'), ('\u{010A}', b'C'),
    ('\u{010B}', b'c'), ('\u{010C}', b'C'), ('\u{010D}', b'c'), ('\u{010E}', b'D'),
    ('\u{010F}', b'd'), ('\u{0110}', b'D'), ('\u{0111}', b'd'), ('\u{0112}', b'E'),
    ('\u{0113}', b'e'), ('\u{0114}', b'E'), ('\u{0115}', b'e'), ('\u{0116}', b'E'),
    ('\u{0117}', b'e'), ('\u{0118}', b'E'), ('\u{0119}', b'e'), ('\u{011A}', b'E'),
    ('\u{011B}', b'e'), ('\u{011C}', b'G'), ('\u{011D}', b'g'), ('\u{011E}', b'G'),
    ('\u{011F}', b'g'), ('\u{0120}', b'G'), ('\u{0121}', b'g'), ('\u{0122}', b'G'),
    ('\u{0123}', b'g'), ('\u{0124}', b'H'), ('\u{0125}', b'h'), ('\u{0128}', b'I'),
    ('\u{0129}', b'i'), ('\u{012A}', b'I'), ('\u{012B}', b'i'), ('\u{012C}', b'I'),
    ('\u{012D}', b'i'), ('\u{012E}', b'I'), ('\u{012F}', b'i'), ('\u{0130}', b'I'),
    ('\u{0134}', b'J'), ('\u{0135}', b'j'), ('\u{0136}', b'K'), ('\u{0137}', b'k'),
    ('\u{0139}', b'L'), ('\u{013A}', b'l'), ('\u{013B}', b'L'), ('\u{013C}', b'l'),
    ('\u{013D}', b'L'), ('\u{013E}', b'l'), ('\u{0141}', b'L'), ('\u{0142}', b'l'),
    ('\u{0143}', b'N'), ('\u{0144}', b'n'), ('\u{0145}', b'N'), ('\u{0146}', b'n'),
    ('\u{0147}', b'N'), ('\u{0148}', b'n'), ('\u{014C}', b'O'), ('\u{014D}', b'o'),
    ('\u{014E}', b'O'), ('\u{014F}', b'o'), ('\u{0150}', b'O'), ('\u{0151}', b'o'),
    ('\u{0154}', b'R'), ('\u{0155}', b'r'), ('\u{0156}', b'R'), ('\u{0157}', b'r'),
    ('\u{0158}', b'R'), ('\u{0159}', b'r'), ('\u{015A}', b'S'), ('\u{015B}', b's'),
    ('\u{015C}', b'S'), ('\u{015D}', b's'), ('\u{015E}', b'S'), ('\u{015F}', b's'),
    ('\u{0160}', b'S'), ('\u{0161}', b's'), ('\u{0162}', b'T'), ('\u{0163}', b't'),
    ('\u{0164}', b'T'), ('\u{0165}', b't'), ('\u{0168}', b'U'), ('\u{0169}', b'u'),
    ('\u{016A}', b'U'), ('\u{016B}', b'u'), ('\u{016C}', b'U'), ('\u{016D}', b'u'),
    ('\u{016E}', b'U'), ('\u{016F}', b'u'), ('\u{0170}', b'U'), ('\u{0171}', b'u'),
    ('\u{0172}', b'U'), ('\u{0173}', b'u'), ('\u{0174}', b'W'), ('\u{0175}', b'w'),
    ('\u{0176}', b'Y'), ('\u{0177}', b'y'), ('\u{0178}', b'Y'), ('\u{0179}', b'Z'),
    ('\u{017A}', b'z'), ('\u{017B}', b'Z'), ('\u{017C}', b'z'), ('\u{017D}', b'Z'),
    ('\u{017E}', b'z'), ('\u{0189}', b'D'), ('\u{01A0}', b'O'), ('\u{01A1}', b'o'),
    ('\u{01AF}', b'U'), ('\u{01B0}', b'u'), ('\u{1EA0}', b'A'), ('\u{1EA1}', b'a'),
    ('\u{1EA2}', b'A'), ('\u{1EA3}', b'a'), ('\u{1EA4}', b'A'), ('\u{1EA5}', b'a'),
    ('\u{1EA6}', b'A'), ('\u{1EA7}', b'a'), ('\u{1EA8}', b'A'), ('\u{1EA9}', b'a'),
    ('\u{1EAA}', b'A'), ('\u{1EAB}', b'a'), ('\u{1EAC}', b'A'), ('\u{1EAD}', b'a'),
    ('\u{1EAE}', b'A'), ('\u{1EAF}', b'a'), ('\u{1EB0}', b'A'), ('\u{1EB1}', b'a'),
    ('\u{1EB2}', b'A'), ('\u{1EB3}', b'a'), ('\u{1EB4}', b'A'), ('\u{1EB5}', b'a'),
    ('\u{1EB6}', b'A'), ('\u{1EB7}', b'a'), ('\u{1EB8}', b'E'), ('\u{1EB9}', b'e'),
    ('\u{1EBA}', b'E'), ('\u{1EBB}', b'e'), ('\u{1EBC}', b'E'), ('\u{1EBD}', b'e'),
    ('\u{1EBE}', b'E'), ('\u{1EBF}', b'e'), ('\u{1EC0}', b'E'), ('\u{1EC1}', b'e'),
    ('\u{1EC2}', b'E'), ('\u{1EC3}', b'e'), ('\u{1EC4}', b'E'), ('\u{1EC5}', b'e'),
    ('\u{1EC6}', b'E'), ('\u{1EC7}', b'e'), ('\u{1EC8}', b'I'), ('\u{1EC9}', b'i'),
    ('\u{1ECA}', b'I'), ('\u{1ECB}', b'i'), ('\u{1ECC}', b'O'), ('\u{1ECD}', b'o'),
    ('\u{1ECE}', b'O'), ('\u{1ECF}', b'o'), ('\u{1ED0}', b'O'), ('\u{1ED1}', b'o'),
    ('\u{1ED2}', b'O'), ('\u{1ED3}', b'o'), ('\u{1ED4}', b'O'), ('\u{1ED5}', b'o'),
    ('\u{1ED6}', b'O'), ('\u{1ED7}', b'o'), ('\u{1ED8}', b'O'), ('\u{1ED9}', b'o'),
    ('\u{1EDA}', b'O'), ('\u{1EDB}', b'o'), ('\u{1EDC}', b'O'), ('\u{1EDD}', b'o'),
    ('\u{1EDE}', b'O'), ('\u{1EDF}', b'o'), ('\u{1EE0}', b'O'), ('\u{1EE1}', b'o'),
    ('\u{1EE2}', b'O'), ('\u{1EE3}', b'o'), ('\u{1EE4}', b'U'), ('\u{1EE5}', b'u'),
    ('\u{1EE6}', b'U'), ('\u{1EE7}', b'u'), ('\u{1EE8}', b'U'), ('\u{1EE9}', b'u'),
    ('\u{1EEA}', b'U'), ('\u{1EEB}', b'u'), ('\u{1EEC}', b'U'), ('\u{1EED}', b'u'),
    ('\u{1EEE}', b'U'), ('\u{1EEF}', b'u'), ('\u{1EF0}', b'U'), ('\u{1EF1}', b'u'),
    ('\u{1EF2}', b'Y'), ('\u{1EF3}', b'y'), ('\u{1EF4}', b'Y'), ('\u{1EF5}', b'y'),
    ('\u{1EF6}', b'Y'), ('\u{1EF7}', b'y'), ('\u{1EF8}', b'Y'), ('\u{1EF9}', b'y'),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(FOLD.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn folds_all_vietnamese_letters() {
        let lower = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
        let expect = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd";
        assert_eq!(clean(lower), expect);
        assert_eq!(clean(&lower.to_uppercase()), expect.to_uppercase());
    }

    #[test]
    fn decomposed_input() {
        // "Đơn hàng" with combining marks: o + horn, a + grave.
        assert_eq!(clean("Đo\u{031B}n ha\u{0300}ng"), "Don hang");
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean("  Đơn   hàng\t#1,2  "), "Don hang 1 2");
        assert_eq!(clean("a\u{200B}b"), "ab");
        assert_eq!(clean("!!!"), "");
        assert_eq!(clean("Ðào Ɖức Łódź Øre"), "Dao Duc Lodz Ore");
        assert_eq!(clean("中文abc"), "abc");
    }

    #[test]
    fn constructors() {
        assert_eq!(
            Memo::new("Chuyen tien").map(String::from),
            Ok("Chuyen tien".into())
        );
        assert_eq!(Memo::new(""), Err(ValueError::Empty));
        assert_eq!(Memo::new(" a"), Err(ValueError::Spacing));
        assert_eq!(Memo::new("a "), Err(ValueError::Spacing));
        assert_eq!(Memo::new("a  b"), Err(ValueError::Spacing));
        assert_eq!(
            Memo::new("a-b"),
            Err(ValueError::InvalidChar { ch: '-', index: 1 })
        );
        assert_eq!(
            Memo::new("abcdefghijklmnopqrstuvwxyz"),
            Err(ValueError::TooLong { len: 26, max: 25 })
        );
        assert_eq!(Memo::normalize("?!"), Err(ValueError::Empty));
        assert_eq!(
            Memo::normalize("Đơn hàng").map(|m| m.to_string()),
            Ok("Don hang".into())
        );
        assert_eq!(Memo::sanitize(""), None);
        assert_eq!(
            Memo::sanitize("abcdefghijklmnopqrstuvwxyz").map(String::from),
            Some("abcdefghijklmnopqrstuvwxy".into())
        );
        assert_eq!("x y".parse::<Memo>().map(String::from), Ok("x y".into()));
    }
}
