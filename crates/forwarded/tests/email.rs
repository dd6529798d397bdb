//! E-mail payloads: bank alert e-mails forwarded by mail rules, as
//! `message/rfc822` or as a text body that starts with mail headers.

mod common;

use common::*;
use forwarded::Kind;

const RFC822: Option<&str> = Some("message/rfc822");

#[test]
fn quoted_printable_plain_text() {
    let m = message(RFC822, include_bytes!("data/qp_plain.eml"));
    assert_eq!(m.kind, Kind::Email);
    assert_eq!(
        m.text,
        "Kính gửi Quý khách,\n\
         Số dư TK VCB 0123456789 thay đổi +150,000 VND lúc 12-03-2025 08:01:09. Số dư 3,150,000 VND. Ref 5123.120325.080109.DH2001\n\
         Trân trọng,\n\
         Vietcombank"
    );
    assert_eq!(
        m.sender.as_deref(),
        Some("Vietcombank <VCBDigibank@info.vietcombank.com.vn>")
    );
    assert_eq!(m.received_at, utc("2025-03-12T01:01:12Z"));
    assert_eq!(
        m.subject.as_deref(),
        Some("Thông báo biến động số dư tài khoản")
    );
    assert_eq!(
        m.id.as_deref(),
        Some("20250312080112.5123@info.vietcombank.com.vn")
    );
}

#[test]
fn base64_utf8_with_diacritics() {
    let m = message(RFC822, include_bytes!("data/base64_plain.eml"));
    assert_eq!(
        m.text,
        "BIDV thông báo: TK12010000123456 tại BIDV +750,000VND vào 11:20 23/04/2025. \
         Số dư:3,750,000VND. ND: DH7740 TT đơn hàng của Nguyễn Thị Hằng"
    );
    assert_eq!(
        m.sender.as_deref(),
        Some("Ngân hàng BIDV <bidvsmartbanking@bidv.com.vn>")
    );
    assert_eq!(m.subject.as_deref(), Some("BIDV thông báo giao dịch"));
    assert_eq!(m.received_at, utc("2025-04-23T04:20:40Z"));
    assert_eq!(m.id.as_deref(), Some("a1b2c3@bidv.com.vn"));
}

#[test]
fn html_only_table_alert() {
    let m = message(RFC822, include_bytes!("data/html_alert.eml"));
    let lines: Vec<&str> = m.text.lines().collect();
    assert_eq!(
        lines,
        [
            "Kính gửi Quý khách hàng CÔNG TY TNHH ABC,",
            "Techcombank trân trọng thông báo tài khoản của Quý khách vừa phát sinh giao dịch như sau:",
            "Số tài khoản: 19030000001234",
            "Số tiền: +2,500,000 VND",
            "Số dư: 12,345,678 VND",
            "Thời gian: 03/05/2025 10:15:22",
            "Nội dung: DH1042 Thanh toán & giao hàng",
            "Trân trọng,",
            "Ngân hàng TMCP Kỹ Thương Việt Nam",
        ]
    );
    // Nothing from the head, the hidden preview text or Outlook-only parts.
    for absent in [
        "Biến động số dư",
        "font-family",
        "vừa tăng",
        "Outlook",
        "logo",
    ] {
        assert!(!m.text.contains(absent), "{absent} in {}", m.text);
    }
    assert_eq!(
        m.sender.as_deref(),
        Some("Techcombank <alert@techcombank.com.vn>")
    );
    assert_eq!(
        m.subject.as_deref(),
        Some("[Techcombank] Thông báo giao dịch")
    );
    assert_eq!(m.received_at, utc("2025-05-03T03:15:30Z"));
}

#[test]
fn multipart_alternative_prefers_plain_text() {
    let m = message(RFC822, include_bytes!("data/alternative.eml"));
    assert_eq!(
        m.text,
        "ACB: TK 12345678(VND) + 500,000 luc 09:30 22/04/2025. So du 7,500,000.GD: DH5520 thanh toan"
    );
    assert!(!m.text.contains("HTML version"));
    assert_eq!(m.sender.as_deref(), Some("ACB <mailalert@acb.com.vn>"));
}

#[test]
fn attachments_are_ignored() {
    let m = message(RFC822, include_bytes!("data/attachment.eml"));
    assert_eq!(
        m.text,
        "VietinBank:22/04/2025 16:45|TK:100012345678|GD:+2,000,000VND|SDC:9,000,000VND|ND:DH6630 chuyen tien hang"
    );
    assert!(!m.text.contains("99,999,999"));
    assert!(!m.text.contains("PDF"));
    assert_eq!(m.id, None);
}

#[test]
fn windows_1258_body_and_subject() {
    let m = message(RFC822, include_bytes!("data/windows1258.eml"));
    assert_eq!(
        m.text,
        "SeABank: Ngày 27/04/2025 TK: 10200012345678 Phát sinh: +600,000 VND. Số dư: 1,600,000 VND. \
         Người chuyển: TRẦN THỊ C. Nội dung: DH1410"
    );
    assert_eq!(m.subject.as_deref(), Some("Thông báo giao dịch"));
}

#[test]
fn forwarded_as_attachment_reads_the_attached_alert() {
    let m = message(RFC822, include_bytes!("data/forwarded_attachment.eml"));
    assert!(
        m.text.starts_with("ACB: TK 12345678(VND) + 500,000"),
        "{}",
        m.text
    );
    // The bank's headers, not the forwarding mailbox's.
    assert_eq!(m.sender.as_deref(), Some("ACB <mailalert@acb.com.vn>"));
    assert_eq!(m.id.as_deref(), Some("alt-1@acb.com.vn"));
}

#[test]
fn email_posted_as_text_is_recognized() {
    let raw = include_bytes!("data/qp_plain.eml");
    for content_type in [None, Some("text/plain"), Some("text/plain; charset=utf-8")] {
        let m = message(content_type, raw);
        assert_eq!(m.kind, Kind::Email, "{content_type:?}");
        assert!(m.text.contains("+150,000 VND"));
        assert!(!m.text.contains("=E1"), "quoted-printable decoded");
    }
    // Starting with From: and LF line ends.
    let simple = "From: MB Bank <mbbank@mbbank.com.vn>\nDate: Mon, 21 Apr 2025 14:05:10 +0700\nSubject: Bien dong so du\n\nTK 0801xxxx5678|GD: +350,000VND 21/04/25 14:05|SD:2,350,000VND|ND: DH4410 NGUYEN VAN B chuyen tien\n";
    let m = message(Some("text/plain"), simple.as_bytes());
    assert_eq!(m.kind, Kind::Email);
    assert_eq!(m.text, MB);
    assert_eq!(m.sender.as_deref(), Some("MB Bank <mbbank@mbbank.com.vn>"));
    assert_eq!(m.received_at, utc("2025-04-21T07:05:10Z"));
}

#[test]
fn html_mislabelled_as_plain_text() {
    let raw = "From: alert@vpbank.com.vn\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
               <html><body><table><tr><td>Số tiền</td><td>+1,500,000 VND</td></tr></table></body></html>\r\n";
    let m = message(RFC822, raw.as_bytes());
    assert_eq!(m.text, "Số tiền: +1,500,000 VND");
    assert_eq!(m.sender.as_deref(), Some("alert@vpbank.com.vn"));
}

#[test]
fn email_without_body_is_malformed() {
    let raw = b"From: alert@vpbank.com.vn\r\nSubject: empty\r\nMIME-Version: 1.0\r\n\r\n  \r\n";
    assert_eq!(malformed(RFC822, raw), "e-mail has no text or HTML body");
    let only_pdf = "From: a@b.vn\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\
                    Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=x.pdf\r\n\r\nJVBERi0=\r\n--B--\r\n";
    assert_eq!(
        malformed(RFC822, only_pdf.as_bytes()),
        "e-mail has no text or HTML body"
    );
}

#[test]
fn corrupt_nested_mime_gives_an_answer() {
    // Found by fuzzing: colliding boundaries in nested parts trip a
    // `debug_assert!` inside mail-parser in debug builds.
    let raw = include_bytes!("data/nested_boundary_crash.eml");
    match forwarded::decode(RFC822, raw) {
        Ok(forwarded::Decoded::Messages(messages)) => assert!(!messages[0].text.is_empty()),
        Err(forwarded::DecodeError::Malformed(why)) => assert!(!why.is_empty()),
        other => panic!("{other:?}"),
    }
}
