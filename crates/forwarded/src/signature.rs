//! HMAC-SHA256 request signatures, checked in constant time.

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Whether `header` (the `X-Signature` value) is the HMAC-SHA256 of `body`
/// under `secret`, written as 64 hex digits in either case, optionally
/// after `sha256=` (as GitHub-style senders write it) and surrounded by
/// whitespace.
///
/// The comparison is constant-time (`Mac::verify_slice`). An empty secret
/// never verifies: it would mean no secret was set up.
///
/// ```
/// use forwarded::verify_signature;
///
/// let body = br#"{"from":"VCB","text":"SD TK 0123 +2,500,000VND"}"#;
/// let digest = "1e3449e2cc5638de5eda8e056d62d0336bc104a1638980acc5d29813f113b8ba";
/// assert!(verify_signature(b"s3cret", body, digest));
/// assert!(verify_signature(b"s3cret", body, &format!("sha256={}", digest.to_uppercase())));
/// assert!(!verify_signature(b"other", body, digest));
/// ```
pub fn verify_signature(secret: &[u8], body: &[u8], header: &str) -> bool {
    verify_parts(secret, &[body], header)
}

/// Whether `header` is the HMAC-SHA256 of `body` followed by `timestamp`
/// under `secret`: the scheme of the SMS Gateway for Android app, which
/// sends the digest in `X-Signature` and the Unix time in seconds it
/// signed in `X-Timestamp`. The signature is read as by
/// [`verify_signature`]; check the timestamp's age with
/// [`timestamp_is_fresh`] to refuse replays.
pub fn verify_signature_with_timestamp(
    secret: &[u8],
    body: &[u8],
    timestamp: &str,
    header: &str,
) -> bool {
    verify_parts(secret, &[body, timestamp.trim().as_bytes()], header)
}

/// Whether `timestamp` (Unix seconds, as in `X-Timestamp`) is within
/// `tolerance` of `now`, either way. A value that is not a number is never
/// fresh.
pub fn timestamp_is_fresh(timestamp: &str, now: DateTime<Utc>, tolerance: TimeDelta) -> bool {
    let Ok(seconds) = timestamp.trim().parse::<i64>() else {
        return false;
    };
    let Some(then) = DateTime::from_timestamp(seconds, 0) else {
        return false;
    };
    (now - then).abs() <= tolerance.abs()
}

/// Checks `header` against the HMAC of the concatenated `parts`.
fn verify_parts(secret: &[u8], parts: &[&[u8]], header: &str) -> bool {
    if secret.is_empty() {
        return false;
    }
    let Some(expected) = signature_bytes(header) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(&expected).is_ok()
}

/// The 32 bytes a signature header spells in hex, if it does.
fn signature_bytes(header: &str) -> Option<Vec<u8>> {
    let header = header.trim();
    let hex_digits = match header.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sha256=") => header.get(7..)?.trim(),
        _ => header,
    };
    if hex_digits.len() != 64 {
        return None;
    }
    hex::decode(hex_digits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], message: &[u8]) -> String {
        let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
        mac.update(message);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn known_vector() {
        // RFC 4231 test case 2.
        let header = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert!(verify_signature(
            b"Jefe",
            b"what do ya want for nothing?",
            header
        ));
    }

    #[test]
    fn header_forms() {
        let body = b"SD TK 0123456789012 +2,500,000VND";
        let digest = sign(b"k", body);
        assert!(verify_signature(b"k", body, &digest));
        assert!(verify_signature(b"k", body, &digest.to_uppercase()));
        assert!(verify_signature(b"k", body, &format!(" sha256={digest} ")));
        assert!(verify_signature(
            b"k",
            body,
            &format!("SHA256={}", digest.to_uppercase())
        ));
        assert!(!verify_signature(b"k", body, &digest[..62]));
        assert!(!verify_signature(b"k", body, &format!("{digest}00")));
        assert!(!verify_signature(b"k", body, "sha256="));
        assert!(!verify_signature(b"k", body, "Ố"));
        assert!(!verify_signature(b"other", body, &digest));
        assert!(!verify_signature(
            b"k",
            b"SD TK 0123456789012 +9,500,000VND",
            &digest
        ));
        assert!(!verify_signature(b"", body, &sign(b"", body)));
    }

    #[test]
    fn timestamped() {
        let body = br#"{"event":"sms:received"}"#;
        let digest = sign(b"key", b"{\"event\":\"sms:received\"}1719046000");
        assert!(verify_signature_with_timestamp(
            b"key",
            body,
            "1719046000",
            &digest
        ));
        assert!(!verify_signature_with_timestamp(
            b"key",
            body,
            "1719046001",
            &digest
        ));
        assert!(!verify_signature(b"key", body, &digest));
        let now = DateTime::from_timestamp(1_719_046_100, 0).expect("valid");
        assert!(timestamp_is_fresh("1719046000", now, TimeDelta::minutes(5)));
        assert!(!timestamp_is_fresh(
            "1719045000",
            now,
            TimeDelta::minutes(5)
        ));
        assert!(!timestamp_is_fresh("soon", now, TimeDelta::minutes(5)));
        assert!(!timestamp_is_fresh(
            "99999999999999999",
            now,
            TimeDelta::MAX
        ));
    }
}
