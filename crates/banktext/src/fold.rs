//! A diacritics-free, lower-case copy of a text that remembers where each of
//! its characters came from, so matches found in the copy can be cut out of
//! the original.

use std::ops::Range;

/// Latin letters with diacritics (Vietnamese first, then other Latin-1 and
/// Latin Extended-A vowels seen in names), grouped by the plain letter they
/// fold to. Only lower-case forms: characters are lower-cased first.
const ACCENTED: [(&str, char); 8] = [
    ("àáảãạăằắẳẵặâầấẩẫậäåāą", 'a'),
    ("èéẻẽẹêềếểễệëēęě", 'e'),
    ("ìíỉĩịîïī", 'i'),
    ("òóỏõọôồốổỗộơờớởỡợöøō", 'o'),
    ("ùúủũụưừứửữựûüūů", 'u'),
    ("ỳýỷỹỵÿ", 'y'),
    ("đď", 'd'),
    ("çč", 'c'),
];

/// A text and its folded copy.
///
/// Folding maps each character of the original to at most one character:
///
/// - ASCII letters are lower-cased; Vietnamese (and common Latin) letters
///   with diacritics become their plain lower-case letter (`Đ`/`đ` -> `d`,
///   `Ấ` -> `a`);
/// - combining marks (U+0300..U+036F, as in decomposed input), zero-width
///   characters and the byte-order mark are dropped;
/// - `\r` becomes `\n`, every other whitespace character (no-break spaces,
///   tabs) becomes a plain space;
/// - the minus sign `−` and the en dash `–` become `-`;
/// - anything else is lower-cased when that gives one character, else kept.
#[derive(Debug)]
pub(crate) struct Text<'a> {
    original: &'a str,
    folded: String,
    /// For each byte of `folded`, the byte offset in `original` of the
    /// character it came from; one extra entry holds `original.len()`.
    origin: Vec<usize>,
}

impl<'a> Text<'a> {
    /// Folds `original`.
    pub(crate) fn new(original: &'a str) -> Self {
        let mut folded = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len() + 1);
        for (at, c) in original.char_indices() {
            if let Some(f) = fold_char(c) {
                folded.push(f);
                origin.extend(std::iter::repeat_n(at, f.len_utf8()));
            }
        }
        origin.push(original.len());
        Text {
            original,
            folded,
            origin,
        }
    }

    /// The folded copy.
    pub(crate) fn folded(&self) -> &str {
        &self.folded
    }

    /// The part of the original text that `range` of the folded copy came
    /// from (including combining marks that followed its last character).
    /// An out-of-range `range` gives `""`.
    pub(crate) fn original_of(&self, range: Range<usize>) -> &'a str {
        let start = self.origin.get(range.start).copied();
        let end = self.origin.get(range.end).copied();
        match (start, end) {
            (Some(start), Some(end)) => self.original.get(start..end).unwrap_or(""),
            _ => "",
        }
    }
}

/// Folds one character (see [`Text`]); `None` drops it.
fn fold_char(c: char) -> Option<char> {
    match c {
        '\u{300}'..='\u{36f}' | '\u{200b}'..='\u{200d}' | '\u{feff}' | '\u{ad}' => None,
        '\r' | '\n' => Some('\n'),
        '\u{2212}' | '\u{2013}' => Some('-'),
        c if c.is_ascii() => Some(c.to_ascii_lowercase()),
        c if c.is_whitespace() => Some(' '),
        c => {
            let mut lower = c.to_lowercase();
            let l = match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => return Some(c),
            };
            Some(
                ACCENTED
                    .iter()
                    .find(|(group, _)| group.contains(l))
                    .map_or(l, |&(_, plain)| plain),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn folds_vietnamese_and_maps_back() {
        let original = "Số dư TK VCB: +150,000 VND lúc 12-03. Nội dung: Đơn hàng DH1";
        let text = Text::new(original);
        assert_eq!(
            text.folded(),
            "so du tk vcb: +150,000 vnd luc 12-03. noi dung: don hang dh1"
        );
        let at = text.folded().find("don hang").unwrap();
        assert_eq!(text.original_of(at..text.folded().len()), "Đơn hàng DH1");
    }

    #[test]
    fn decomposed_marks_are_dropped_but_kept_in_slices() {
        // "Nguyễn" written with combining marks (e + circumflex + tilde).
        let original = "Nguye\u{302}\u{303}n Va\u{306}n";
        let text = Text::new(original);
        assert_eq!(text.folded(), "nguyen van");
        assert_eq!(text.original_of(0..6), "Nguye\u{302}\u{303}n");
        assert_eq!(text.original_of(7..10), "Va\u{306}n");
        assert_eq!(text.original_of(0..99), "");
    }

    #[test]
    fn whitespace_and_odd_characters() {
        let text = Text::new("A\u{a0}B\r\nC\u{2212}1 İ 日本");
        assert_eq!(text.folded(), "a b\n\nc-1 İ 日本");
    }
}
