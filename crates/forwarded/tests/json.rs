//! JSON payloads: template forwarders (field-name variants, times, batches,
//! signatures) and SMS Gateway for Android webhooks.

mod common;

use common::*;
use forwarded::{decode, verify_signature, verify_signature_with_timestamp, DecodeError, Kind};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const JSON: Option<&str> = Some("application/json");

fn template(from: &str, text: &str, stamp: &str) -> String {
    format!(
        r#"{{"from":{},"text":{},"sentStamp":{stamp},"receivedStamp":{stamp},"sim":"SIM1"}}"#,
        serde_json::to_string(from).expect("string"),
        serde_json::to_string(text).expect("string"),
    )
}

#[test]
fn template_with_millisecond_stamp() {
    let body = template("VCB", VCB, "1746242122000");
    let m = message(JSON, body.as_bytes());
    assert_eq!(m.kind, Kind::TemplateJson);
    assert_eq!(m.text, VCB);
    assert_eq!(m.sender.as_deref(), Some("VCB"));
    // 03-05-2025 10:15:22 in Vietnam.
    assert_eq!(m.received_at, utc("2025-05-03T03:15:22Z"));
    assert_eq!(m.subject, None);
    assert_eq!(m.id, None);
}

#[test]
fn template_with_second_stamp_and_string_stamp() {
    let m = message(JSON, template("MBBANK", MB, "1745219100").as_bytes());
    assert_eq!(m.received_at, utc("2025-04-21T07:05:00Z"));
    let m = message(JSON, template("MBBANK", MB, "\"1745219100000\"").as_bytes());
    assert_eq!(m.received_at, utc("2025-04-21T07:05:00Z"));
}

#[test]
fn template_with_rfc3339_time() {
    let body = format!(
        r#"{{"sender":"Techcombank","message":"{TECHCOMBANK}","timestamp":"2025-04-21T14:05:00+07:00"}}"#
    );
    let m = message(JSON, body.as_bytes());
    assert_eq!(m.sender.as_deref(), Some("Techcombank"));
    assert_eq!(m.received_at, utc("2025-04-21T07:05:00Z"));
}

#[test]
fn field_name_variants() {
    let cases = [
        (
            r#"{"msg":"T","phoneNumber":"+84901234567","time":1745219100}"#,
            "+84901234567",
        ),
        (
            r#"{"body":"T","address":"VietinBank","date":1745219100000}"#,
            "VietinBank",
        ),
        (
            r#"{"content":"T","title":"Vietcombank","receivedStamp":1745219100000}"#,
            "Vietcombank",
        ),
        (
            r#"{"Message":"T","Phone_Number":"ACB","Time_Stamp":1745219100}"#,
            "ACB",
        ),
        (
            r#"{"sms":"T","sender":"BIDV","received_at":"2025-04-21 14:05:00"}"#,
            "BIDV",
        ),
    ];
    for (body, sender) in cases {
        let m = message(
            JSON,
            body.replace("\"T\"", &format!("\"{AGRIBANK}\"")).as_bytes(),
        );
        assert_eq!(m.text, AGRIBANK, "{body}");
        assert_eq!(m.sender.as_deref(), Some(sender), "{body}");
        assert_eq!(m.received_at, utc("2025-04-21T07:05:00Z"), "{body}");
    }
}

#[test]
fn multi_line_sms_keeps_its_lines() {
    let body =
        serde_json::json!({"from": "TPBank", "text": TPBANK.replace('\n', "\r\n")}).to_string();
    let m = message(JSON, body.as_bytes());
    assert_eq!(m.text, TPBANK);
    assert_eq!(m.received_at, None);
}

#[test]
fn unknown_and_placeholder_times_are_left_unknown() {
    for stamp in [
        "\"%sentStamp%\"",
        "0",
        "-1",
        "\"yesterday\"",
        "null",
        "true",
    ] {
        let m = message(JSON, template("VCB", VCB, stamp).as_bytes());
        assert_eq!(m.received_at, None, "{stamp}");
    }
}

#[test]
fn ids_and_numbers() {
    let body = format!(r#"{{"id":42,"from":84901234567,"text":"{MB}"}}"#);
    let m = message(JSON, body.as_bytes());
    assert_eq!(m.id.as_deref(), Some("42"));
    assert_eq!(m.sender.as_deref(), Some("84901234567"));
}

#[test]
fn nested_data_object() {
    let body = format!(
        r#"{{"type":"sms","data":{{"from":"VCB","text":"{VCB}","timestamp":1746242122}}}}"#
    );
    let m = message(JSON, body.as_bytes());
    assert_eq!(m.text, VCB);
    assert_eq!(m.sender.as_deref(), Some("VCB"));
    assert_eq!(m.received_at, utc("2025-05-03T03:15:22Z"));
}

#[test]
fn batch_array() {
    let body = format!(
        "[{},{},{}]",
        template("VCB", VCB, "1746242122000"),
        template("MBBANK", MB, "1745219100"),
        template("TPBank", TPBANK, "0")
    );
    let all = messages(JSON, body.as_bytes());
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].text, VCB);
    assert_eq!(all[1].sender.as_deref(), Some("MBBANK"));
    assert_eq!(all[2].text, TPBANK);
    assert!(all.iter().all(|m| m.kind == Kind::TemplateJson));
}

#[test]
fn batch_problems_name_the_item() {
    let body = format!(r#"[{},{{"from":"VCB"}}]"#, template("VCB", VCB, "0"));
    let why = malformed(JSON, body.as_bytes());
    assert!(
        why.starts_with("item 1: JSON body has no text field"),
        "{why}"
    );
    assert_eq!(malformed(JSON, b"[]"), "JSON array is empty");
    assert_eq!(malformed(JSON, b"[1]"), "item 0: a number, not an object");
}

#[test]
fn template_problems_are_named() {
    assert_eq!(
        malformed(JSON, br#"{"from":"VCB","sentStamp":1}"#),
        "JSON body has no text field (looked for text, message, msg, body, content, sms)"
    );
    assert_eq!(
        malformed(JSON, br#"{"text":"   ","from":"VCB"}"#),
        "field `text` is empty"
    );
    assert_eq!(
        malformed(JSON, br#"{"text":12}"#),
        "field `text` is a number, not a string"
    );
    let why = malformed(JSON, br#"{"from":"%from%","text":"%text%"}"#);
    assert!(why.contains("unreplaced placeholder %text%"), "{why}");
    let why = malformed(JSON, br#"{"from":"VCB","text":"SD TK 1"#);
    assert!(why.starts_with("invalid JSON: EOF while parsing"), "{why}");
    assert_eq!(
        malformed(JSON, br#""SD TK 0123""#),
        "JSON body is a string, not an object or an array of objects"
    );
}

#[test]
fn sms_gateway_received() {
    let body = format!(
        r#"{{"deviceId":"ffffffffceb0b1db0000018e937c815b","event":"sms:received","id":"Ey6ECgOkVVFjz3CL48B8C",
            "payload":{{"messageId":"abc123","message":"{VCB}","phoneNumber":"Vietcombank","simNumber":1,
            "receivedAt":"2025-05-03T10:15:25.000+07:00"}},"webhookId":"LreFUt-Z3sSq0JufY9uWB"}}"#
    );
    let m = message(JSON, body.as_bytes());
    assert_eq!(m.kind, Kind::SmsGateway);
    assert_eq!(m.text, VCB);
    assert_eq!(m.sender.as_deref(), Some("Vietcombank"));
    assert_eq!(m.received_at, utc("2025-05-03T03:15:25Z"));
    assert_eq!(m.id.as_deref(), Some("abc123"));
}

#[test]
fn sms_gateway_received_with_null_sim_and_phone_number() {
    let body = format!(
        r#"{{"event":"sms:received","id":"evt1","payload":{{"message":"{MB}","phoneNumber":"+84901234567","simNumber":null,"receivedAt":"2025-04-21T14:05:00.000+07:00"}}}}"#
    );
    let m = message(JSON, body.as_bytes());
    assert_eq!(m.sender.as_deref(), Some("+84901234567"));
    // Without a messageId, the event id is the next best thing.
    assert_eq!(m.id.as_deref(), Some("evt1"));
}

#[test]
fn sms_gateway_other_events_are_ignored() {
    let sent = br#"{"deviceId":"d","event":"sms:sent","id":"x","payload":{"messageId":"m","phoneNumber":"+84901234567","simNumber":1,"sentAt":"2024-06-22T15:46:11.000+07:00"},"webhookId":"w"}"#;
    assert_eq!(ignored(JSON, sent), "sms:sent event");
    let ping = br#"{"deviceId":"d","event":"system:ping","id":"x","payload":{"health":{"status":"pass"}},"webhookId":"w"}"#;
    assert_eq!(ignored(JSON, ping), "system:ping event");
    let failed = br#"{"event":"sms:failed","payload":{"messageId":"m","reason":"no signal"},"webhookId":"w"}"#;
    assert_eq!(ignored(JSON, failed), "sms:failed event");
}

#[test]
fn sms_gateway_problems() {
    assert_eq!(
        malformed(JSON, br#"{"event":"sms:received","deviceId":"d"}"#),
        "sms:received event has no payload"
    );
    assert_eq!(
        malformed(
            JSON,
            br#"{"event":"sms:received","payload":{"phoneNumber":"VCB"}}"#
        ),
        "sms:received payload has no message"
    );
    let why = malformed(
        JSON,
        br#"{"event":"sms:received","payload":{"message":"$aes-256-cbc/pbkdf2-sha1$i=75000$c2FsdA==$ZGF0YQ=="}}"#,
    );
    assert!(why.contains("end-to-end encrypted"), "{why}");
}

#[test]
fn template_with_its_own_event_field_is_no_webhook() {
    let body = format!(r#"{{"event":"sms","deviceId":"pixel-7","from":"VCB","text":"{VCB}"}}"#);
    let m = message(JSON, body.as_bytes());
    assert_eq!(m.kind, Kind::TemplateJson);
    assert_eq!(m.text, VCB);
}

#[test]
fn batch_of_events_mixes_messages_and_ignored() {
    let body = format!(
        r#"[{{"event":"system:ping","payload":{{}}}},{{"event":"sms:received","payload":{{"message":"{MB}"}}}}]"#
    );
    assert_eq!(messages(JSON, body.as_bytes()).len(), 1);
    let body = r#"[{"event":"system:ping","payload":{}},{"event":"sms:sent","payload":{}}]"#;
    assert_eq!(
        ignored(JSON, body.as_bytes()),
        "system:ping event; sms:sent event"
    );
}

#[test]
fn json_is_found_without_the_right_content_type() {
    let body = template("VCB", VCB, "1746242122000");
    for content_type in [
        None,
        Some("text/plain; charset=UTF-8"),
        Some("application/octet-stream"),
    ] {
        let m = message(content_type, body.as_bytes());
        assert_eq!(m.kind, Kind::TemplateJson, "{content_type:?}");
        assert_eq!(m.text, VCB);
    }
    assert_eq!(
        message(Some("application/vnd.forwarder+json"), body.as_bytes()).text,
        VCB
    );
    // A byte-order mark is no problem.
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), body.as_bytes()].concat();
    assert_eq!(message(JSON, &with_bom).text, VCB);
}

fn hmac_hex(secret: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn signed_template() {
    let secret = b"tingting-account-secret";
    let body = template("VCB", VCB, "1746242122000");
    let digest = hmac_hex(secret, &[body.as_bytes()]);
    assert!(verify_signature(secret, body.as_bytes(), &digest));
    assert!(verify_signature(
        secret,
        body.as_bytes(),
        &digest.to_uppercase()
    ));
    assert!(verify_signature(
        secret,
        body.as_bytes(),
        &format!("sha256={digest}")
    ));
    // A tampered body, another secret, a garbled header.
    let tampered = body.replace("+2,500,000", "+9,500,000");
    assert!(!verify_signature(secret, tampered.as_bytes(), &digest));
    assert!(!verify_signature(
        b"another-secret",
        body.as_bytes(),
        &digest
    ));
    assert!(!verify_signature(secret, body.as_bytes(), "sha256=zz"));
    assert!(!verify_signature(secret, body.as_bytes(), ""));
    // Verifying does not depend on decoding and vice versa.
    assert!(decode(JSON, body.as_bytes()).is_ok());
}

#[test]
fn signed_sms_gateway_webhook() {
    let secret = b"gateway-signing-key";
    let body = format!(r#"{{"event":"sms:received","payload":{{"message":"{VCB}"}}}}"#);
    let timestamp = "1746242125";
    let digest = hmac_hex(secret, &[body.as_bytes(), timestamp.as_bytes()]);
    assert!(verify_signature_with_timestamp(
        secret,
        body.as_bytes(),
        timestamp,
        &digest
    ));
    assert!(!verify_signature_with_timestamp(
        secret,
        body.as_bytes(),
        "1746242126",
        &digest
    ));
    assert!(!verify_signature(secret, body.as_bytes(), &digest));
}

#[test]
fn limits() {
    let big = vec![b'a'; forwarded::MAX_BODY_BYTES + 1];
    assert_eq!(decode(JSON, &big), Err(DecodeError::TooLarge));
    let items = vec![template("VCB", VCB, "0"); forwarded::MAX_BATCH + 1].join(",");
    let why = malformed(JSON, format!("[{items}]").as_bytes());
    assert!(why.contains("at most 1000"), "{why}");
}
