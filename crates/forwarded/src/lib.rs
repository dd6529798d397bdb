//! Pure, I/O-free decoder for what SMS forwarder apps and mail rules post
//! to tingting's notification ingest URL (`POST /ingest/notify/<token>`).
//!
//! [`decode`] turns one request body and its `Content-Type` into the bank
//! message texts inside it ([`Message`]), with the sender, the time and
//! the forwarder's message id when the payload tells them; the sibling
//! crate `banktext` then reads each text into a transaction.
//! [`verify_signature`] checks an optional `X-Signature` HMAC.
//!
//! # Payloads
//!
//! - **Plain text** (`text/plain` or no content type): the body is the
//!   message; the sender is unknown ([`Kind::PlainText`]).
//! - **Template JSON** from SMS forwarder apps
//!   (`{"from":"VCB","text":"...","sentStamp":1714000000000}`,
//!   [`Kind::TemplateJson`]). Field names are matched leniently (case,
//!   `_`, `-` and spaces ignored), first found wins:
//!   - text: `text`, `message`, `msg`, `body`, `content`, `sms`;
//!   - sender: `from`, `sender`, `phoneNumber`, `phone`, `address`,
//!     `number`, `title` (a string or a number);
//!   - time: `sentStamp`, `receivedStamp`, `timestamp`, `time`, `date`,
//!     `sentAt`, `receivedAt`: an epoch count (number or numeric string)
//!     whose unit is told by its magnitude (below 10^11 seconds, below
//!     10^14 milliseconds, then micro- and nanoseconds; 0 and negative
//!     mean unknown), RFC 3339, RFC 2822, or `YYYY-MM-DD HH:MM[:SS]`
//!     taken as Vietnam time (UTC+7); a time that cannot be read is left
//!     unknown, not an error;
//!   - id: `id`, `messageId`, `msgId`, `smsId`.
//!
//!   An object without a text field whose `payload` or `data` is an object
//!   with one is read through it. An array of objects is a batch (at most
//!   [`MAX_BATCH`]); any bad item rejects the whole batch.
//! - **SMS Gateway for Android** webhooks (capcom6/android-sms-gateway,
//!   [`Kind::SmsGateway`]): `{"event":"sms:received","payload":
//!   {"messageId","message","phoneNumber","simNumber","receivedAt"},...}`.
//!   Other events (`sms:sent`, `sms:delivered`, `sms:failed`,
//!   `system:ping`, ...) give [`Decoded::Ignored`]. The app signs
//!   `body + X-Timestamp`: check it with
//!   [`verify_signature_with_timestamp`].
//! - **Forms** (`application/x-www-form-urlencoded`, [`Kind::Form`]): the
//!   same field names as template JSON.
//! - **E-mails** (`message/rfc822`, or a text body that starts with a mail
//!   header block such as `From:`/`Received:`/`Return-Path:`/
//!   `MIME-Version:`, [`Kind::Email`]): parsed with `mail-parser`
//!   (quoted-printable, base64, RFC 2047 headers, charsets including
//!   Windows-1258 and 1252). The text is the `text/plain` body when it
//!   says anything, else the HTML body converted to text: table rows
//!   become `label: value` lines (`Số tiền: +2,500,000 VND`), line breaks
//!   follow `<br>` and blocks, hidden and non-content parts are dropped,
//!   whitespace is collapsed. Attachments are never read, except an
//!   attached e-mail when the outer one has no body (forward as
//!   attachment). The sender is `From` as `Name <address>`, the time is
//!   `Date`, and [`Message::subject`] and [`Message::id`] (`Message-ID`)
//!   are filled.
//! - **HTML** (`text/html`, [`Kind::Html`]): converted like an e-mail's
//!   HTML body.
//!
//! Texts are trimmed and must not be empty; unreplaced template
//! placeholders (`%text%`) and end-to-end encrypted texts are rejected
//! with a [`DecodeError::Malformed`] that says so. Bodies over
//! [`MAX_BODY_BYTES`] (1 MiB) are rejected before reading. Nothing panics,
//! whatever the input.
//!
//! ```
//! use forwarded::{decode, Decoded, Kind};
//!
//! let body = br#"{"from":"VCB","text":"SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22. SD 12,345,678VND. Ref MBVCB.9876543210.DH1042.Thanh toan","sentStamp":1746242122000}"#;
//! let Ok(Decoded::Messages(messages)) = decode(Some("application/json"), body) else {
//!     panic!("a template message");
//! };
//! assert_eq!(messages[0].kind, Kind::TemplateJson);
//! assert_eq!(messages[0].sender.as_deref(), Some("VCB"));
//! assert!(messages[0].text.starts_with("SD TK 0123456789012 +2,500,000VND"));
//! assert_eq!(
//!     messages[0].received_at.map(|t| t.to_rfc3339()).as_deref(),
//!     Some("2025-05-03T03:15:22+00:00")
//! );
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod content_type;
mod decode;
mod email;
mod error;
mod fields;
mod form;
mod gateway;
mod html;
mod json;
mod message;
mod signature;
mod template;
mod text;
mod time;

pub use decode::{decode, MAX_BODY_BYTES};
pub use error::DecodeError;
pub use json::MAX_BATCH;
pub use message::{Decoded, Kind, Message};
pub use signature::{timestamp_is_fresh, verify_signature, verify_signature_with_timestamp};
