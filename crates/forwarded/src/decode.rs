//! The entry point: choosing a reader by content type, or by looking at
//! the body when the content type leaves it open.

use serde_json::Value;

use crate::content_type::MediaType;
use crate::text::{decode_charset, tidy_sms};
use crate::{email, form, html, json, DecodeError, Decoded, Kind, Message};

/// The largest body [`decode`] reads: 1 MiB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Decodes one request body posted to the notification ingest URL into
/// the messages it carries.
///
/// `content_type` is the request's `Content-Type` header, if any. Which
/// reader runs:
///
/// | content type | reader |
/// |---|---|
/// | none, `text/plain`, other `text/*`, `application/octet-stream` | looked at: a JSON object (or array of objects) is read as JSON; a body that starts with a mail header block is read as an e-mail; anything else is one plain-text message |
/// | `application/json`, `text/json`, `*+json` | JSON: a template object, an SMS Gateway webhook, or an array of them |
/// | `application/x-www-form-urlencoded` | form, read like a template object |
/// | `message/rfc822`, `message/global` | e-mail |
/// | `text/html`, `application/xhtml+xml` | HTML converted to text |
/// | anything else | [`DecodeError::UnsupportedContentType`] |
///
/// A leading UTF-8 byte-order mark is ignored. Text bodies are decoded in
/// the `charset` the content type names (UTF-8 when none; invalid bytes
/// become U+FFFD).
///
/// # Errors
///
/// [`DecodeError::TooLarge`] over [`MAX_BODY_BYTES`],
/// [`DecodeError::Empty`] for an empty or blank body,
/// [`DecodeError::Malformed`] when the body does not hold what its type
/// promises (invalid JSON, no or empty text field, an unreplaced template
/// placeholder, an e-mail without a body, ...), and
/// [`DecodeError::UnsupportedContentType`].
pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<Decoded, DecodeError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(DecodeError::TooLarge);
    }
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.trim_ascii().is_empty() {
        return Err(DecodeError::Empty);
    }
    let media = content_type.map(MediaType::parse).unwrap_or_default();
    let charset = media.charset.as_deref();
    match media.essence.as_str() {
        "" | "application/octet-stream" => sniffed(body, charset),
        essence if essence.starts_with("text/") && !is_html(essence) && !media.is_json() => {
            sniffed(body, charset)
        }
        _ if media.is_json() => json::decode(&json::parse(body)?),
        "application/x-www-form-urlencoded" => form::message(body).map(one),
        "message/rfc822" | "message/global" => email::message(body.trim_ascii_start()).map(one),
        essence if is_html(essence) => html_body(body, charset).map(one),
        _ => Err(DecodeError::UnsupportedContentType(
            content_type.unwrap_or_default().trim().to_owned(),
        )),
    }
}

/// Whether a media type is HTML.
fn is_html(essence: &str) -> bool {
    matches!(essence, "text/html" | "application/xhtml+xml")
}

/// A body whose type leaves its shape open: JSON, e-mail or plain text.
fn sniffed(body: &[u8], charset: Option<&str>) -> Result<Decoded, DecodeError> {
    let start = body.trim_ascii_start();
    if matches!(start.first(), Some(b'{' | b'[')) {
        match serde_json::from_slice::<Value>(start) {
            Ok(value @ Value::Object(_)) => return json::decode(&value),
            Ok(Value::Array(items)) if items.iter().all(Value::is_object) => {
                return json::decode(&Value::Array(items))
            }
            _ => {}
        }
    }
    if email::looks_like_email(start) {
        return email::message(start).map(one);
    }
    let text = tidy_sms(&decode_charset(body, charset));
    if text.is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(one(Message {
        text,
        sender: None,
        received_at: None,
        kind: Kind::PlainText,
        subject: None,
        id: None,
    }))
}

/// An HTML body as one message.
fn html_body(body: &[u8], charset: Option<&str>) -> Result<Message, DecodeError> {
    let text = html::to_text(&decode_charset(body, charset));
    if text.is_empty() {
        return Err(DecodeError::Malformed("HTML body has no text".to_owned()));
    }
    Ok(Message {
        text,
        sender: None,
        received_at: None,
        kind: Kind::Html,
        subject: None,
        id: None,
    })
}

/// One message as a result.
fn one(message: Message) -> Decoded {
    Decoded::Messages(vec![message])
}
