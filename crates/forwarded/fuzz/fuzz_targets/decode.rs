//! Fuzzes the payload decoder: any body with any content type must give
//! an answer without panicking, and every message it finds must have a
//! trimmed, non-empty text. Run with `cargo +nightly fuzz run decode` from
//! `crates/forwarded`.

#![no_main]

use forwarded::{decode, verify_signature, DecodeError, Decoded};
use libfuzzer_sys::fuzz_target;

/// Content types the first byte chooses from; past the list, the bytes up
/// to the first newline are the content type as given.
const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("text/plain"),
    Some("text/plain; charset=windows-1258"),
    Some("text/html; charset=utf-8"),
    Some("application/json"),
    Some("application/x-www-form-urlencoded"),
    Some("message/rfc822"),
    Some("application/octet-stream"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (content_type, body) = match CONTENT_TYPES.get(usize::from(selector)) {
        Some(content_type) => (content_type.map(str::to_owned), rest),
        None => {
            let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let (head, body) = rest.split_at(split);
            (Some(String::from_utf8_lossy(head).into_owned()), body)
        }
    };
    match decode(content_type.as_deref(), body) {
        Ok(Decoded::Messages(messages)) => {
            assert!(!messages.is_empty());
            for message in messages {
                assert!(!message.text.is_empty());
                assert_eq!(message.text.trim(), message.text);
            }
        }
        Ok(Decoded::Ignored(why)) => assert!(!why.is_empty()),
        Err(DecodeError::Malformed(why)) => assert!(!why.is_empty()),
        Err(_) => {}
    }
    // The signature check takes any header.
    let header = String::from_utf8_lossy(body.get(..80).unwrap_or(body));
    let _ = verify_signature(b"secret", body, &header);
});
