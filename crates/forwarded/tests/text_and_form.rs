//! Plain-text, HTML and form payloads, and the general rules: content
//! types, empty and oversized bodies.

mod common;

use common::*;
use forwarded::{decode, DecodeError, Kind};

#[test]
fn plain_text_body() {
    for content_type in [
        None,
        Some("text/plain"),
        Some("text/plain; charset=utf-8"),
        Some(""),
    ] {
        let m = message(content_type, format!("  {VCB}\r\n").as_bytes());
        assert_eq!(m.kind, Kind::PlainText);
        assert_eq!(m.text, VCB);
        assert_eq!(m.sender, None);
        assert_eq!(m.received_at, None);
        assert_eq!(m.id, None);
    }
}

#[test]
fn plain_text_keeps_lines_and_diacritics() {
    let m = message(Some("text/plain"), TPBANK.as_bytes());
    assert_eq!(m.text, TPBANK);
    let text = "Số dư TK VCB 0123456789 thay đổi +150,000 VND lúc 12-03-2025 08:01:09. Số dư 3,150,000 VND.";
    assert_eq!(message(None, text.as_bytes()).text, text);
}

#[test]
fn plain_text_that_looks_like_json_but_is_not() {
    let text = "[TPBank] TK xxxx4567 PS:+99.000VND";
    assert_eq!(message(Some("text/plain"), text.as_bytes()).text, text);
    let text = "{broken template TK 123 +1,000VND";
    assert_eq!(message(None, text.as_bytes()).text, text);
}

#[test]
fn plain_text_in_a_legacy_charset() {
    let m = message(
        Some("text/plain; charset=windows-1258"),
        b"S\xf4\xec d\xfd: 1,600,000 VND",
    );
    assert_eq!(m.text, "Số dư: 1,600,000 VND");
    let m = message(Some("text/plain"), b"caf\xe9 +1,000VND");
    assert_eq!(m.text, "caf\u{fffd} +1,000VND");
}

#[test]
fn html_body() {
    let html = "<p>Số tài khoản: <b>0123456789</b></p><table><tr><td>Số tiền</td><td>+2,500,000 VND</td></tr></table>";
    let m = message(Some("text/html; charset=utf-8"), html.as_bytes());
    assert_eq!(m.kind, Kind::Html);
    assert_eq!(m.text, "Số tài khoản: 0123456789\nSố tiền: +2,500,000 VND");
    assert_eq!(
        malformed(
            Some("text/html"),
            b"<html><head><title>x</title></head><body> </body></html>"
        ),
        "HTML body has no text"
    );
}

#[test]
fn form_body() {
    let body = "from=VCB&text=SD+TK+0123456789012+%2B2%2C500%2C000VND+luc+03-05-2025+10%3A15%3A22.+SD+12%2C345%2C678VND.+Ref+MBVCB.9876543210.DH1042.Thanh+toan&sentStamp=1746242122000";
    let m = message(Some("application/x-www-form-urlencoded"), body.as_bytes());
    assert_eq!(m.kind, Kind::Form);
    assert_eq!(m.text, VCB);
    assert_eq!(m.sender.as_deref(), Some("VCB"));
    assert_eq!(m.received_at, utc("2025-05-03T03:15:22Z"));
}

#[test]
fn form_field_variants_and_utf8() {
    let body = "sender=BIDV&content=S%E1%BB%91+d%C6%B0+t%C4%83ng+750%2C000VND&timestamp=1745382000&id=sms-17";
    let m = message(
        Some("application/x-www-form-urlencoded; charset=UTF-8"),
        body.as_bytes(),
    );
    assert_eq!(m.text, "Số dư tăng 750,000VND");
    assert_eq!(m.sender.as_deref(), Some("BIDV"));
    assert_eq!(m.id.as_deref(), Some("sms-17"));
    assert_eq!(m.received_at, utc("2025-04-23T04:20:00Z"));
    // A repeated name keeps its first value.
    let m = message(
        Some("application/x-www-form-urlencoded"),
        b"msg=first&msg=second",
    );
    assert_eq!(m.text, "first");
}

#[test]
fn form_problems() {
    let form = Some("application/x-www-form-urlencoded");
    assert_eq!(
        malformed(form, b"from=VCB&sentStamp=1"),
        "form has no text field (looked for text, message, msg, body, content, sms)"
    );
    assert_eq!(
        malformed(form, b"text=+++&from=VCB"),
        "field `text` is empty"
    );
    assert_eq!(malformed(form, b"&&&"), "form has no fields");
}

#[test]
fn empty_bodies() {
    assert_eq!(decode(None, b""), Err(DecodeError::Empty));
    assert_eq!(
        decode(Some("application/json"), b"  \r\n\t"),
        Err(DecodeError::Empty)
    );
    assert_eq!(
        decode(Some("text/plain"), b"\xEF\xBB\xBF \n"),
        Err(DecodeError::Empty)
    );
    assert_eq!(
        decode(Some("text/plain"), "\u{a0}\u{3000}".as_bytes()),
        Err(DecodeError::Empty)
    );
}

#[test]
fn too_large_bodies() {
    let body = vec![b'x'; forwarded::MAX_BODY_BYTES + 1];
    assert_eq!(
        decode(Some("text/plain"), &body),
        Err(DecodeError::TooLarge)
    );
    let body = vec![b'x'; forwarded::MAX_BODY_BYTES];
    assert!(decode(Some("text/plain"), &body).is_ok());
}

#[test]
fn unsupported_content_types() {
    for content_type in [
        "image/png",
        "multipart/form-data; boundary=x",
        "application/xml",
    ] {
        assert_eq!(
            decode(Some(content_type), VCB.as_bytes()),
            Err(DecodeError::UnsupportedContentType(content_type.to_owned()))
        );
    }
}

#[test]
fn errors_read_well() {
    assert_eq!(DecodeError::Empty.to_string(), "the body is empty");
    assert_eq!(
        DecodeError::TooLarge.to_string(),
        "the body is larger than 1048576 bytes"
    );
    assert_eq!(
        DecodeError::UnsupportedContentType("image/png".into()).to_string(),
        "unsupported content type \"image/png\""
    );
    assert_eq!(Kind::SmsGateway.as_str(), "sms_gateway");
}
