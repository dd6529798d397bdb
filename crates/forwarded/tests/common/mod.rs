//! Helpers shared by the integration tests.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use forwarded::{decode, DecodeError, Decoded, Message};

/// Spec example texts (feeds.md), one per bank family used here.
pub const VCB: &str = "SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22. SD 12,345,678VND. Ref MBVCB.9876543210.DH1042.Thanh toan";
pub const MB: &str = "TK 0801xxxx5678|GD: +350,000VND 21/04/25 14:05|SD:2,350,000VND|ND: DH4410 NGUYEN VAN B chuyen tien";
pub const TPBANK: &str = "(TPBank): 24/04/25;08:12\nTK: xxxx4567\nPS:+99.000VND\nSD KHA DUNG: 1.099.000VND\nND: DH8850 mua hang\nSO GD: 123ABC4567890";
pub const TECHCOMBANK: &str =
    "TK 19030000001234 So tien GD:+1,200,000 So du:8,456,000 DH3301 chuyen khoan";
pub const AGRIBANK: &str =
    "Agribank: 10h05p 25/04 TK 1500201234567: +300,000VND (DH1070 chuyen khoan). SD: 1,300,000VND.";

/// The messages `decode` finds, or a panic naming what it gave instead.
pub fn messages(content_type: Option<&str>, body: &[u8]) -> Vec<Message> {
    match decode(content_type, body) {
        Ok(Decoded::Messages(messages)) => messages,
        other => panic!("expected messages, got {other:?}"),
    }
}

/// The one message `decode` finds.
pub fn message(content_type: Option<&str>, body: &[u8]) -> Message {
    let mut all = messages(content_type, body);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

/// The reason `decode` ignores a body.
pub fn ignored(content_type: Option<&str>, body: &[u8]) -> String {
    match decode(content_type, body) {
        Ok(Decoded::Ignored(why)) => why,
        other => panic!("expected Ignored, got {other:?}"),
    }
}

/// The problem `decode` reports for a malformed body.
pub fn malformed(content_type: Option<&str>, body: &[u8]) -> String {
    match decode(content_type, body) {
        Err(DecodeError::Malformed(why)) => why,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// A UTC instant from RFC 3339 text.
pub fn utc(text: &str) -> Option<DateTime<Utc>> {
    Some(text.parse().expect("valid test time"))
}
