//! Every error variant is reachable and names the tag or position involved.

mod common;

use common::{napas, seal, static_body, tlv};
use vietqr::{
    AccountNumber, AdditionalData, AdditionalField, Amount, Bin, BuildError, Initiation, Memo,
    ParseError, Payload, RawField, Tag, ValueError,
};

const ACCOUNT: &str = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F";

fn tag(s: &str) -> Tag {
    s.parse().expect("valid tag path")
}

fn err(s: &str) -> ParseError {
    vietqr::parse(s).expect_err("must be rejected")
}

/// The `ValueError` inside a `ParseError::Tag` for `expected_tag`.
fn tag_kind(s: &str, expected_tag: &str) -> ValueError {
    match err(s) {
        ParseError::Tag { tag, kind } => {
            assert_eq!(tag, expected_tag, "wrong tag");
            kind
        }
        other => panic!("expected a Tag error for {expected_tag}, got {other:?}"),
    }
}

fn napas_raw(inner: &str) -> String {
    tlv("38", inner)
}

fn aid() -> String {
    tlv("00", "A000000727")
}

fn beneficiary(bin: &str, account: &str) -> String {
    tlv("01", &format!("{}{}", tlv("00", bin), tlv("01", account)))
}

/// A complete sealed static payload whose tag 38 is `template`.
fn with_napas(template: &str) -> String {
    seal(&format!("000201010211{template}53037045802VN"))
}

#[test]
fn empty() {
    assert_eq!(err(""), ParseError::Empty);
    assert_eq!(err(" \n\t "), ParseError::Empty);
}

#[test]
fn truncated() {
    let s = &ACCOUNT[..ACCOUNT.len() - 1];
    assert_eq!(
        err(s),
        ParseError::Truncated {
            at: ACCOUNT.len() - 8
        }
    );
    assert_eq!(err("0"), ParseError::Truncated { at: 0 });
    assert_eq!(err("000"), ParseError::Truncated { at: 0 });
    // Nested: the 38 template ends inside a sub-field; position is absolute.
    let s = with_napas(&napas_raw(&format!("{}0105123", aid())));
    assert_eq!(err(&s), ParseError::Truncated { at: 12 + 4 + 14 });
}

#[test]
fn bad_tag() {
    assert_eq!(err("0X020101021163040000"), ParseError::BadTag { at: 0 });
    let s = with_napas(&napas_raw(&format!("{}A1020000", aid())));
    assert_eq!(err(&s), ParseError::BadTag { at: 12 + 4 + 14 });
}

#[test]
fn bad_length() {
    assert_eq!(
        err("00x201"),
        ParseError::BadLength {
            tag: tag("00"),
            at: 2
        }
    );
    let e = err(&seal(&format!("{}62ab", static_body())));
    assert!(
        matches!(e, ParseError::BadLength { tag: t, .. } if t == "62"),
        "{e:?}"
    );
    assert!(e.to_string().contains("62"), "{e}");
}

#[test]
fn duplicate_tag() {
    assert_eq!(
        err(&seal(&format!("{}5802VN", static_body()))),
        ParseError::DuplicateTag(tag("58"))
    );
    let data = format!("{}{}", tlv("08", "a"), tlv("08", "b"));
    assert_eq!(
        err(&seal(&format!("{}{}", static_body(), tlv("62", &data)))),
        ParseError::DuplicateTag(tag("62.08"))
    );
    assert_eq!(
        err(&seal(&format!(
            "{}{}{}",
            static_body(),
            tlv("26", "x"),
            tlv("26", "y")
        ))),
        ParseError::DuplicateTag(tag("26"))
    );
    assert_eq!(
        err(&format!("{ACCOUNT}6304ABCD")),
        ParseError::DuplicateTag(tag("63"))
    );
}

#[test]
fn misplaced_tag() {
    let body = static_body();
    let swapped = format!("010211000201{}", &body[12..]);
    assert_eq!(err(&seal(&swapped)), ParseError::MisplacedTag(tag("00")));
    assert_eq!(
        err(&format!("{ACCOUNT}9902ab")),
        ParseError::MisplacedTag(tag("63"))
    );
}

#[test]
fn missing_tag() {
    let body = static_body();
    assert_eq!(err(&seal(&body[6..])), ParseError::MissingTag(tag("00")));
    assert_eq!(err(&body), ParseError::MissingTag(tag("63")));
    let no_initiation = format!("000201{}", &body[12..]);
    assert_eq!(
        err(&seal(&no_initiation)),
        ParseError::MissingTag(tag("01"))
    );
    let no_currency = body.replace("5303704", "");
    assert_eq!(err(&seal(&no_currency)), ParseError::MissingTag(tag("53")));
    let no_country = body.replace("5802VN", "");
    assert_eq!(err(&seal(&no_country)), ParseError::MissingTag(tag("58")));
    // Dynamic without amount reports the amount tag.
    let dynamic = body.replacen("010211", "010212", 1);
    let e = err(&seal(&dynamic));
    assert_eq!(e, ParseError::MissingTag(tag("54")));
    assert!(e.to_string().contains("54"), "{e}");
    // Inside the NAPAS template.
    let t = napas_raw(&format!(
        "{}{}",
        beneficiary("970403", "1"),
        tlv("02", "QRIBFTTA")
    ));
    assert_eq!(err(&with_napas(&t)), ParseError::MissingTag(tag("38.00")));
    let t = napas_raw(&format!("{}{}", aid(), tlv("02", "QRIBFTTA")));
    assert_eq!(err(&with_napas(&t)), ParseError::MissingTag(tag("38.01")));
    let t = napas_raw(&format!("{}{}", aid(), beneficiary("970403", "1")));
    assert_eq!(err(&with_napas(&t)), ParseError::MissingTag(tag("38.02")));
    let t = napas_raw(&format!(
        "{}{}{}",
        aid(),
        tlv("01", &tlv("01", "123")),
        tlv("02", "QRIBFTTA")
    ));
    assert_eq!(
        err(&with_napas(&t)),
        ParseError::MissingTag(tag("38.01.00"))
    );
    let t = napas_raw(&format!(
        "{}{}{}",
        aid(),
        tlv("01", &tlv("00", "970403")),
        tlv("02", "QRIBFTTA")
    ));
    assert_eq!(
        err(&with_napas(&t)),
        ParseError::MissingTag(tag("38.01.01"))
    );
}

#[test]
fn unexpected_tag() {
    let t = napas_raw(&format!(
        "{}{}{}{}",
        aid(),
        beneficiary("970403", "1"),
        tlv("02", "QRIBFTTA"),
        tlv("03", "x")
    ));
    assert_eq!(
        err(&with_napas(&t)),
        ParseError::UnexpectedTag(tag("38.03"))
    );
    let t = napas_raw(&format!(
        "{}{}{}",
        aid(),
        tlv(
            "01",
            &format!(
                "{}{}{}",
                tlv("00", "970403"),
                tlv("01", "1"),
                tlv("02", "x")
            )
        ),
        tlv("02", "QRIBFTTA")
    ));
    assert_eq!(
        err(&with_napas(&t)),
        ParseError::UnexpectedTag(tag("38.01.02"))
    );
}

#[test]
fn crc_mismatch() {
    let s = format!("{}9E6E", &ACCOUNT[..ACCOUNT.len() - 4]);
    assert_eq!(
        err(&s),
        ParseError::CrcMismatch {
            expected: 0x9E6F,
            found: 0x9E6E
        }
    );
    // Any change to the content is caught.
    let s = ACCOUNT.replace("0011012345678", "0011012345679");
    assert!(matches!(err(&s), ParseError::CrcMismatch { .. }));
    assert!(err(&s).to_string().contains("9E6F"));
}

#[test]
fn crc_value_errors_name_tag_63() {
    let base = &ACCOUNT[..ACCOUNT.len() - 8];
    assert_eq!(
        tag_kind(&format!("{base}63049E6G"), "63"),
        ValueError::InvalidChar { ch: 'G', index: 3 }
    );
    assert_eq!(
        tag_kind(&format!("{base}6304+E6F"), "63"),
        ValueError::InvalidChar { ch: '+', index: 0 }
    );
    assert_eq!(
        tag_kind(&format!("{base}63039E6"), "63"),
        ValueError::WrongLength {
            len: 3,
            expected: 4
        }
    );
}

#[test]
fn not_napas() {
    // No tag 38 at all (only another scheme's template).
    let body = format!("000201010211{}53037045802VN", tlv("26", "0010A000000775"));
    assert_eq!(err(&seal(&body)), ParseError::NotNapas);
    // Tag 38 with another application id.
    let t = napas_raw(&format!(
        "{}{}{}",
        tlv("00", "A000000775"),
        beneficiary("970403", "1"),
        tlv("02", "QRIBFTTA")
    ));
    assert_eq!(err(&with_napas(&t)), ParseError::NotNapas);
}

#[test]
fn unsupported_currency_and_country() {
    let body = static_body();
    assert_eq!(
        err(&seal(&body.replace("5303704", "5303840"))),
        ParseError::UnsupportedCurrency("840".into())
    );
    assert_eq!(
        err(&seal(&body.replace("5802VN", "5802US"))),
        ParseError::UnsupportedCountry("US".into())
    );
}

#[test]
fn invalid_values_name_their_tag() {
    let body = static_body();
    let n = || napas("970403", "0011012345678", "QRIBFTTA");

    assert_eq!(
        tag_kind(&seal(&format!("000202{}", &body[6..])), "00"),
        ValueError::Unrecognized("02".into())
    );
    assert_eq!(
        tag_kind(&seal(&body.replacen("010211", "010213", 1)), "01"),
        ValueError::Unrecognized("13".into())
    );
    assert_eq!(
        tag_kind(&seal(&format!("{body}5204581A")), "52"),
        ValueError::InvalidChar { ch: 'A', index: 3 }
    );
    let amount = |a: &str| seal(&format!("000201010212{}5303704{}5802VN", n(), tlv("54", a)));
    assert_eq!(tag_kind(&amount("0"), "54"), ValueError::OutOfRange);
    assert_eq!(
        tag_kind(&amount("1000.00"), "54"),
        ValueError::InvalidChar { ch: '.', index: 4 }
    );
    assert_eq!(
        tag_kind(&amount("12345678901234"), "54"),
        ValueError::TooLong { len: 14, max: 13 }
    );
    assert_eq!(
        tag_kind(
            &seal(&format!("{body}{}", tlv("59", &"ệ".repeat(26)))),
            "59"
        ),
        ValueError::TooLong { len: 26, max: 25 }
    );
    assert_eq!(
        tag_kind(&seal(&format!("{body}{}", tlv("59", "a\u{7}b"))), "59"),
        ValueError::InvalidChar {
            ch: '\u{7}',
            index: 1
        }
    );
    assert_eq!(
        tag_kind(
            &seal(&format!("{body}{}", tlv("60", &"x".repeat(16)))),
            "60"
        ),
        ValueError::TooLong { len: 16, max: 15 }
    );
    let data = |d: &str| seal(&format!("{body}{}", tlv("62", d)));
    assert_eq!(
        tag_kind(&data(&tlv("08", &"x".repeat(26))), "62.08"),
        ValueError::TooLong { len: 26, max: 25 }
    );
    assert_eq!(
        tag_kind(&data(&tlv("09", "AMEX")), "62.09"),
        ValueError::TooLong { len: 4, max: 3 }
    );
    assert_eq!(
        tag_kind(&data(&format!("{}5000", tlv("01", "x"))), "62.50"),
        ValueError::Empty
    );
    assert_eq!(
        tag_kind(&data(&tlv("50", "a\nb")), "62.50"),
        ValueError::InvalidChar { ch: '\n', index: 1 }
    );
    assert_eq!(
        tag_kind(&seal(&format!("{body}6200")), "62"),
        ValueError::Empty
    );
    assert_eq!(
        tag_kind(&seal(&format!("{body}{}", tlv("99", "\u{0}"))), "99"),
        ValueError::InvalidChar { ch: '\0', index: 0 }
    );

    let t = |bin: &str, account: &str, service: &str| {
        napas_raw(&format!(
            "{}{}{}",
            aid(),
            beneficiary(bin, account),
            tlv("02", service)
        ))
    };
    assert_eq!(
        tag_kind(&with_napas(&t("97040", "1", "QRIBFTTA")), "38.01.00"),
        ValueError::WrongLength {
            len: 5,
            expected: 6
        }
    );
    assert_eq!(
        tag_kind(
            &with_napas(&t("970403", "0011-012", "QRIBFTTA")),
            "38.01.01"
        ),
        ValueError::InvalidChar { ch: '-', index: 4 }
    );
    assert_eq!(
        tag_kind(
            &with_napas(&t("970403", &"1".repeat(20), "QRIBFTTA")),
            "38.01.01"
        ),
        ValueError::TooLong { len: 20, max: 19 }
    );
    assert_eq!(
        tag_kind(&with_napas(&t("970403", "1", "QRPUSH")), "38.02"),
        ValueError::Unrecognized("QRPUSH".into())
    );
}

#[test]
fn error_messages_mention_the_tag() {
    let body = static_body();
    let e = err(&seal(&format!(
        "{body}{}",
        tlv("62", &tlv("08", &"x".repeat(26)))
    )));
    assert_eq!(
        e.to_string(),
        "invalid value in tag 62.08: value is 26 characters long; at most 25 allowed"
    );
    assert_eq!(
        ParseError::MissingTag(tag("38.01.00")).to_string(),
        "required tag 38.01.00 is missing"
    );
}

#[test]
fn build_errors() {
    let bin = Bin::new("970403").expect("valid");
    let account = AccountNumber::new("0011012345678").expect("valid");
    let builder = || Payload::builder(bin.clone(), account.clone());

    assert_eq!(
        builder().initiation(Initiation::Dynamic).finish(),
        Err(BuildError::DynamicWithoutAmount)
    );
    assert_eq!(
        builder().merchant_name("x".repeat(26)).finish(),
        Err(BuildError::Tag {
            tag: tag("59"),
            kind: ValueError::TooLong { len: 26, max: 25 }
        })
    );
    assert_eq!(
        builder().merchant_city("").finish(),
        Err(BuildError::Tag {
            tag: tag("60"),
            kind: ValueError::Empty
        })
    );
    assert_eq!(
        builder().bill_number("a\tb").finish(),
        Err(BuildError::Tag {
            tag: tag("62.01"),
            kind: ValueError::InvalidChar { ch: '\t', index: 1 }
        })
    );
    // Tag 62 as a whole must fit in 99 characters.
    let e = builder()
        .bill_number("x".repeat(25))
        .reference_label("x".repeat(25))
        .additional(AdditionalField::StoreLabel, "x".repeat(25))
        .memo(Memo::new("abcdefghi").expect("valid"))
        .finish();
    assert_eq!(
        e,
        Err(BuildError::Tag {
            tag: tag("62"),
            kind: ValueError::TooLong { len: 100, max: 99 }
        })
    );
    // The first error wins.
    assert_eq!(
        builder().merchant_name("").merchant_city("").finish(),
        Err(BuildError::Tag {
            tag: tag("59"),
            kind: ValueError::Empty
        })
    );
    let raw = |id, v: &str| RawField::new(id, v).expect("valid");
    for reserved in [0, 1, 38, 52, 53, 54, 58, 59, 60, 62, 63] {
        assert_eq!(
            builder().other(raw(reserved, "x")).finish(),
            Err(BuildError::ReservedTag(
                Tag::new(reserved).expect("in range")
            ))
        );
    }
    assert_eq!(
        builder().other(raw(26, "x")).other(raw(26, "y")).finish(),
        Err(BuildError::DuplicateTag(tag("26")))
    );
    let mut data = AdditionalData::new();
    assert_eq!(
        data.push_other(raw(8, "x")),
        Err(BuildError::ReservedTag(tag("62.08")))
    );
    assert_eq!(
        BuildError::DynamicWithoutAmount.to_string(),
        "a dynamic payload requires an amount (tag 54)"
    );
}

#[test]
fn value_errors() {
    assert_eq!(Bin::new(""), Err(ValueError::Empty));
    assert_eq!(
        AccountNumber::new(&"1".repeat(20)),
        Err(ValueError::TooLong { len: 20, max: 19 })
    );
    assert_eq!(Amount::new(0), Err(ValueError::OutOfRange));
    assert_eq!(Amount::new(10_000_000_000_000), Err(ValueError::OutOfRange));
    assert_eq!(RawField::new(100, "x"), Err(ValueError::OutOfRange));
    assert_eq!(
        RawField::new(26, "x".repeat(100)),
        Err(ValueError::TooLong { len: 100, max: 99 })
    );
    assert_eq!(Memo::new("a  b"), Err(ValueError::Spacing));
    assert_eq!(
        Memo::new("Đơn"),
        Err(ValueError::InvalidChar { ch: 'Đ', index: 0 })
    );
    assert_eq!(
        Memo::normalize("Thanh toán hóa đơn tháng 10"),
        Err(ValueError::TooLong { len: 27, max: 25 })
    );
    assert_eq!(
        ValueError::WrongLength {
            len: 5,
            expected: 6
        }
        .to_string(),
        "value is 5 characters long; exactly 6 required"
    );
}
