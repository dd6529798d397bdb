//! Small text clean-ups shared by the payload readers.

use unicode_normalization::UnicodeNormalization;

/// An SMS or push text as the forwarder sent it: `\r\n` and lone `\r`
/// become `\n`, surrounding whitespace is trimmed, nothing else changes.
pub(crate) fn tidy_sms(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

/// Text converted from an e-mail or HTML body: in each line, runs of
/// whitespace (tabs, no-break spaces) become one space and the line is
/// trimmed; zero-width characters are dropped; empty lines are dropped;
/// the result is in Unicode NFC (Windows-1258 mail decodes to combining
/// tone marks).
pub(crate) fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split(['\n', '\r']) {
        let mut words = line
            .split(|c: char| c.is_whitespace())
            .map(|word| word.replace(is_invisible, ""))
            .filter(|word| !word.is_empty())
            .peekable();
        if words.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for (i, word) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&word);
        }
    }
    out.nfc().collect()
}

/// Characters that take no room and only get in the way of matching.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\u{34f}'
    )
}

/// Whether `value` is a forwarder template placeholder left unreplaced,
/// such as `%text%` or `{{message}}` or `[content]`.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    let inner = value
        .strip_prefix('%')
        .and_then(|v| v.strip_suffix('%'))
        .or_else(|| value.strip_prefix("{{").and_then(|v| v.strip_suffix("}}")))
        .or_else(|| value.strip_prefix('[').and_then(|v| v.strip_suffix(']')));
    inner.is_some_and(|inner| {
        !inner.is_empty()
            && inner.len() <= 40
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ')
    })
}

/// Whether `text` is a message that the SMS Gateway for Android app
/// encrypted end to end (`$aes-256-cbc/pbkdf2-sha1$i=...$...$...`).
pub(crate) fn is_encrypted(text: &str) -> bool {
    text.trim_start().starts_with("$aes-256-cbc/")
}

/// Decodes `bytes` in `charset` (a MIME charset name) when it is given
/// and known, else as UTF-8 with invalid sequences replaced. Text decoded
/// from a legacy charset is put in NFC (Windows-1258 writes tone marks as
/// combining characters).
pub(crate) fn decode_charset(bytes: &[u8], charset: Option<&str>) -> String {
    if let Some(charset) = charset {
        let utf8 = charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8");
        if !utf8 {
            if let Some(decoder) =
                mail_parser::decoders::charsets::map::charset_decoder(charset.as_bytes())
            {
                return decoder(bytes).nfc().collect();
            }
        }
    }
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_keeps_lines() {
        assert_eq!(
            tidy_sms("  (TPBank): 24/04/25;08:12\r\nTK: xxxx4567\rPS:+99.000VND \n"),
            "(TPBank): 24/04/25;08:12\nTK: xxxx4567\nPS:+99.000VND"
        );
    }

    #[test]
    fn lines_are_collapsed() {
        assert_eq!(
            tidy_lines(" Số\u{a0}tiền:\t +2,500,000  VND \n\n\u{200b}\n  Nội dung: DH1042 "),
            "Số tiền: +2,500,000 VND\nNội dung: DH1042"
        );
        // Decomposed "ố" (o + circumflex + acute) is composed.
        assert_eq!(tidy_lines("So\u{302}\u{301}"), "Số");
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("%text%"));
        assert!(is_placeholder(" {{message}} "));
        assert!(is_placeholder("[content]"));
        assert!(!is_placeholder("%"));
        assert!(!is_placeholder("[TPBank] TK 123"));
        assert!(!is_placeholder("+2,500,000 VND"));
    }

    #[test]
    fn charsets() {
        assert_eq!(
            decode_charset(b"S\xf4\xec ti\xea\xccn", Some("windows-1258")),
            "Số tiền"
        );
        assert_eq!(decode_charset("Số".as_bytes(), Some("UTF-8")), "Số");
        assert_eq!(decode_charset("Số".as_bytes(), Some("x-unknown")), "Số");
        assert_eq!(decode_charset(b"caf\xe9", None), "caf\u{fffd}");
    }
}
