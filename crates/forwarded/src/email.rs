//! Raw RFC 822 / MIME e-mails, as mail rules forward bank alerts: parsed
//! with `mail-parser` (transfer encodings, charsets including
//! Windows-1258 and 1252, encoded-word headers), then the body read as
//! text.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use mail_parser::{Message as Mail, MessageParser, MimeHeaders, PartType};

use crate::text::tidy_lines;
use crate::{html, DecodeError, Kind, Message};

/// Header names that only e-mails start with, one of which a text body
/// must have to be taken for an e-mail.
const MAIL_HEADERS: &[&str] = &[
    "from",
    "received",
    "return-path",
    "mime-version",
    "message-id",
    "delivered-to",
    "dkim-signature",
    "x-received",
    "arc-seal",
    "authentication-results",
    "x-original-to",
];

/// How far a body is looked at to tell whether it is an e-mail.
const SNIFF_BYTES: usize = 64 * 1024;

/// How deep forwarded-as-attachment e-mails are opened.
const MAX_NESTING: usize = 3;

/// Whether a text body is an e-mail: it starts with a header block (an
/// optional mbox `From ` line, then at least two `Name: value` lines,
/// continuation lines allowed) that ends with an empty line and has one of
/// `From`, `Received`, `Return-Path`, `MIME-Version`, `Message-ID`,
/// `Delivered-To`, `DKIM-Signature` and the like.
pub(crate) fn looks_like_email(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(body.get(..SNIFF_BYTES).unwrap_or(body));
    let mut headers = 0;
    let mut mail_header = false;
    for (index, line) in head.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if index == 0 && line.starts_with("From ") {
            continue;
        }
        if line.is_empty() {
            return headers >= 2 && mail_header;
        }
        if line.starts_with([' ', '\t']) {
            if headers == 0 {
                return false;
            }
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || name.len() > 76 || !name.bytes().all(|b| (33..=126).contains(&b)) {
            return false;
        }
        headers += 1;
        mail_header |= MAIL_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h));
    }
    false
}

/// Reads an e-mail into one message.
///
/// `mail-parser` never panics in release builds, but a few of its
/// `debug_assert!`s fire on some corrupt MIME structures (nested parts
/// whose boundaries collide); in a build with debug assertions such a
/// panic is caught here and reported as a malformed e-mail, so that
/// [`decode`](crate::decode) keeps its promise in every build (with
/// `panic = "unwind"`, the default).
pub(crate) fn message(body: &[u8]) -> Result<Message, DecodeError> {
    std::panic::catch_unwind(|| {
        let mail = MessageParser::default()
            .parse(body)
            .ok_or_else(|| DecodeError::Malformed("e-mail has no headers".to_owned()))?;
        from_mail(&mail, 0)
    })
    .unwrap_or_else(|_| {
        Err(DecodeError::Malformed(
            "e-mail has a corrupt MIME structure".to_owned(),
        ))
    })
}

/// The message in `mail`, or in the first e-mail attached to it when it
/// has no body of its own (a mail rule that forwards as attachment).
fn from_mail(mail: &Mail<'_>, depth: usize) -> Result<Message, DecodeError> {
    let text = body_text(mail);
    if text.is_empty() {
        if depth < MAX_NESTING {
            for part in mail.attachments() {
                if let Some(inner) = part.message() {
                    if let Ok(message) = from_mail(inner, depth + 1) {
                        return Ok(message);
                    }
                }
            }
        }
        return Err(DecodeError::Malformed(
            "e-mail has no text or HTML body".to_owned(),
        ));
    }
    Ok(Message {
        text,
        sender: sender(mail),
        received_at: date(mail),
        kind: Kind::Email,
        subject: mail
            .subject()
            .map(|subject| tidy_lines(subject).replace('\n', " "))
            .filter(|subject| !subject.is_empty()),
        id: mail
            .message_id()
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty()),
    })
}

/// The body as text: the `text/plain` body parts when they say anything,
/// else the HTML body parts converted. Attachments are never read.
fn body_text(mail: &Mail<'_>) -> String {
    let plain: Vec<String> = mail
        .text_bodies()
        .filter(|part| {
            part.content_type().is_none_or(|ct| {
                ct.ctype().eq_ignore_ascii_case("text")
                    && ct
                        .subtype()
                        .is_none_or(|sub| sub.eq_ignore_ascii_case("plain"))
            })
        })
        .filter_map(|part| match &part.body {
            PartType::Text(text) if looks_like_html(text) => Some(html::to_text(text)),
            PartType::Text(text) => Some(text.to_string()),
            _ => None,
        })
        .collect();
    let text = tidy_lines(&plain.join("\n"));
    if !text.is_empty() {
        return text;
    }
    let html: Vec<String> = mail
        .html_bodies()
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(html::to_text(html)),
            _ => None,
        })
        .collect();
    tidy_lines(&html.join("\n"))
}

/// Whether a part labelled `text/plain` is really HTML (some senders get
/// the label wrong): it starts with a tag and closes one.
fn looks_like_html(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with('<')
        && text.contains("</")
        && text
            .get(..64)
            .unwrap_or(text)
            .to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '!')
            .any(|word| ["html", "!doctype", "body", "table", "div", "p", "span"].contains(&word))
}

/// `Display Name <address>`, the bare address, or the bare name, of the
/// first `From` (else `Sender`) address.
fn sender(mail: &Mail<'_>) -> Option<String> {
    let addr = mail
        .from()
        .and_then(|from| from.first())
        .or_else(|| mail.sender().and_then(|sender| sender.first()))?;
    let name = addr
        .name()
        .map(|name| tidy_lines(name).replace('\n', " "))
        .filter(|name| !name.is_empty());
    let address = addr
        .address()
        .map(str::trim)
        .filter(|address| !address.is_empty());
    match (name, address) {
        (Some(name), Some(address)) if name != address => Some(format!("{name} <{address}>")),
        (_, Some(address)) => Some(address.to_owned()),
        (name, None) => name,
    }
}

/// The `Date` header as a UTC instant, when it is a valid date.
fn date(mail: &Mail<'_>) -> Option<DateTime<Utc>> {
    let date = mail.date().filter(|date| date.is_valid())?;
    let local = NaiveDate::from_ymd_opt(
        i32::from(date.year),
        u32::from(date.month),
        u32::from(date.day),
    )?
    .and_hms_opt(
        u32::from(date.hour),
        u32::from(date.minute),
        u32::from(date.second),
    )?;
    let offset = (i32::from(date.tz_hour) * 3600 + i32::from(date.tz_minute) * 60)
        * if date.tz_before_gmt { -1 } else { 1 };
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&local)
        .single()
        .map(|time| time.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_header_blocks() {
        assert!(looks_like_email(b"From: a@b.vn\r\nSubject: x\r\n\r\nbody"));
        assert!(looks_like_email(
            b"From MAILER-DAEMON Sat Jan  3 01:05:34 1996\nReturn-Path: <a@b.vn>\nX-Thing: 1\n  folded\n\nbody"
        ));
        assert!(!looks_like_email(b"Subject: x\nTo: y\n\nbody"));
        assert!(!looks_like_email(
            b"From: a@b.vn\nSubject: x\nno blank line"
        ));
        assert!(!looks_like_email(
            "(TPBank): 24/04/25;08:12\nTK: xxxx4567\nPS:+99.000VND\nSD KHA DUNG: 1.099.000VND"
                .as_bytes()
        ));
        assert!(!looks_like_email(b"From: a\n"));
        assert!(!looks_like_email(b""));
    }

    #[test]
    fn html_in_plain_parts() {
        assert!(looks_like_html("<html><body>x</body></html>"));
        assert!(looks_like_html("  <table><tr><td>x</td></tr></table>"));
        assert!(!looks_like_html("<3 thanks </3"));
        assert!(!looks_like_html("SD TK 0123 +2,500,000VND"));
    }
}
