//! Property tests: `decode` never panics and stays within its answers; a
//! text sent through a template, a form or an SMS Gateway webhook comes
//! back as sent; HTML soup converts to tidy lines; signatures round-trip.

use forwarded::{decode, verify_signature, DecodeError, Decoded, Kind};
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::Sha256;

/// Content types worth mixing with arbitrary bodies, and arbitrary ones.
fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            "",
            "text/plain",
            "text/plain; charset=windows-1258",
            "text/plain; charset=\"x-unknown\"",
            "text/html",
            "application/json",
            "application/json; charset=utf-8",
            "application/x-www-form-urlencoded",
            "message/rfc822",
            "application/octet-stream",
            "multipart/form-data",
        ])
        .prop_map(|s| Some(s.to_owned())),
        ".{0,40}".prop_map(Some),
    ]
}

/// Bodies that look a bit like each payload shape, plus arbitrary bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        "\"text\":",
        "\"from\":",
        "\"event\":\"sms:received\"",
        "\"payload\":",
        "\"message\":",
        ",",
        "\"",
        "1714000000000",
        "From: a@b.vn\r\n",
        "Received: x\r\n",
        "MIME-Version: 1.0\r\n",
        "Content-Type: multipart/mixed; boundary=B\r\n",
        "Content-Type: text/html; charset=windows-1258\r\n",
        "Content-Transfer-Encoding: base64\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n",
        "\r\n",
        "--B\r\n",
        "--B--",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</tr>",
        "</table>",
        "<br>",
        "<p>",
        "</p>",
        "<div style=display:none>",
        "</div>",
        "<!--",
        "-->",
        "<head>",
        "<script>",
        "&amp;",
        "&#7889;",
        "&#x;",
        "&",
        "<",
        ">",
        "text=",
        "%2B",
        "&from=",
        "Số tiền",
        "+2,500,000 VND",
        " ",
        "\n",
        "=C3=",
        "%text%",
        "$aes-256-cbc/",
    ]);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec(pieces, 0..60).prop_map(|parts| parts.concat().into_bytes()),
    ]
}

/// Text an SMS could hold that survives as itself: anything whose tidy form
/// is not empty and is no template placeholder nor encrypted.
fn sms_text() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("a usable text", |text| {
        let tidy = tidy(text);
        !tidy.is_empty() && !tidy.starts_with("$aes-256-cbc/") && !looks_like_placeholder(&tidy)
    })
}

/// What the decoder keeps of an SMS text.
fn tidy(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

fn looks_like_placeholder(text: &str) -> bool {
    let wrapped = |open: &str, close: &str| {
        text.starts_with(open) && text.ends_with(close) && text.len() >= open.len() + close.len()
    };
    wrapped("%", "%") || wrapped("{{", "}}") || wrapped("[", "]")
}

fn only_message(result: Result<Decoded, DecodeError>) -> forwarded::Message {
    match result {
        Ok(Decoded::Messages(mut messages)) if messages.len() == 1 => messages.remove(0),
        other => panic!("expected one message, got {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_never_panics(content_type in content_type(), body in body()) {
        match decode(content_type.as_deref(), &body) {
            Ok(Decoded::Messages(messages)) => {
                prop_assert!(!messages.is_empty());
                for message in messages {
                    prop_assert!(!message.text.is_empty());
                    prop_assert_eq!(message.text.trim(), message.text.as_str());
                }
            }
            Ok(Decoded::Ignored(why)) => prop_assert!(!why.is_empty()),
            Err(DecodeError::Malformed(why)) => prop_assert!(!why.is_empty()),
            Err(DecodeError::Empty | DecodeError::TooLarge | DecodeError::UnsupportedContentType(_)) => {}
        }
    }

    #[test]
    fn template_round_trips_the_text(
        text in sms_text(),
        from in "[A-Za-z0-9+]{1,12}",
        stamp in 1_000_000_000_i64..4_000_000_000,
        millis in any::<bool>(),
    ) {
        let count = if millis { stamp * 1000 } else { stamp };
        let body = serde_json::json!({"from": from, "text": text, "sentStamp": count}).to_string();
        let message = only_message(decode(Some("application/json"), body.as_bytes()));
        prop_assert_eq!(message.kind, Kind::TemplateJson);
        prop_assert_eq!(&message.text, &tidy(&text));
        prop_assert_eq!(message.sender.as_deref(), Some(from.as_str()));
        prop_assert_eq!(message.received_at.map(|t| t.timestamp()), Some(stamp));
        // Without a content type the JSON is found too.
        let again = only_message(decode(None, body.as_bytes()));
        prop_assert_eq!(again.text, message.text);
    }

    #[test]
    fn form_round_trips_the_text(text in sms_text()) {
        let body: String = form_encode(&[("from", "VCB"), ("msg", &text)]);
        let message = only_message(decode(Some("application/x-www-form-urlencoded"), body.as_bytes()));
        prop_assert_eq!(message.kind, Kind::Form);
        prop_assert_eq!(message.text, tidy(&text));
    }

    #[test]
    fn sms_gateway_round_trips_the_text(text in sms_text(), id in "[A-Za-z0-9]{1,20}") {
        let body = serde_json::json!({
            "deviceId": "d", "event": "sms:received", "id": "e", "webhookId": "w",
            "payload": {"messageId": id, "message": text, "phoneNumber": "VCB", "simNumber": 1,
                        "receivedAt": "2025-05-03T10:15:22.000+07:00"}
        }).to_string();
        let message = only_message(decode(Some("application/json"), body.as_bytes()));
        prop_assert_eq!(message.kind, Kind::SmsGateway);
        prop_assert_eq!(message.text, tidy(&text));
        prop_assert_eq!(message.id, Some(id));
    }

    #[test]
    fn html_converts_to_tidy_lines(body in body()) {
        let html = String::from_utf8_lossy(&body).into_owned();
        if let Ok(Decoded::Messages(messages)) = decode(Some("text/html"), html.as_bytes()) {
            for line in messages[0].text.lines() {
                prop_assert!(!line.is_empty());
                prop_assert_eq!(line.trim(), line);
                prop_assert!(!line.contains("  "));
            }
        }
    }

    #[test]
    fn signatures_round_trip(secret in prop::collection::vec(any::<u8>(), 1..64), body in body(), flip in any::<prop::sample::Index>()) {
        let mut mac = Hmac::<Sha256>::new_from_slice(&secret).expect("any key length");
        mac.update(&body);
        let digest = hex::encode(mac.finalize().into_bytes());
        prop_assert!(verify_signature(&secret, &body, &digest));
        let prefixed = format!("sha256={}", digest.to_uppercase());
        prop_assert!(verify_signature(&secret, &body, &prefixed));
        if !body.is_empty() {
            let mut tampered = body.clone();
            tampered[flip.index(body.len())] ^= 1;
            prop_assert!(!verify_signature(&secret, &tampered, &digest));
        }
    }
}

/// `application/x-www-form-urlencoded` serialization of `pairs`.
fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
