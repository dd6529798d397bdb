//! The reference vectors: each must parse to the described values, and
//! building from those values must reproduce it byte for byte.

mod common;

use common::{seal, tlv};
use vietqr::{
    AccountNumber, AdditionalData, AdditionalField, Amount, Bin, Initiation, Memo, Payload,
    RawField, Service,
};

fn bin(s: &str) -> Bin {
    Bin::new(s).expect("valid BIN")
}

fn acct(s: &str) -> AccountNumber {
    AccountNumber::new(s).expect("valid account")
}

fn amount(v: u64) -> Amount {
    Amount::new(v).expect("valid amount")
}

fn memo(s: &str) -> Memo {
    Memo::new(s).expect("valid memo")
}

/// Parse equals the described payload; building it gives the exact string;
/// so does re-building the parsed value.
fn check(s: &str, expected: &Payload) {
    let parsed = vietqr::parse(s).expect("vector parses");
    assert_eq!(&parsed, expected);
    assert_eq!(expected.build(), s);
    assert_eq!(parsed.build(), s);
    assert_eq!(parsed.to_string(), s);
    assert_eq!(s.parse::<Payload>().as_ref(), Ok(expected));
    assert_eq!(parsed.currency(), "704");
    assert_eq!(parsed.country(), "VN");
}

const V1_STATIC_CARD: &str = "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52";
const V2_DYNAMIC_ACCOUNT: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";
const V3_DYNAMIC_CARD: &str = "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203";
const V4_STATIC_ACCOUNT: &str = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F";
const V5_VIETINBANK: &str = "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C";
const V6_ACB: &str = "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA5303704540410005802VN62150811Chuyen tien6304BBB8";
const V7_VIETCOMBANK: &str = "00020101021238570010A00000072701270006970436011300710012345670208QRIBFTTA530370454068500005802VN62120808DH4821136304E529";
const V8_LEADING_ZERO_CRC: &str = "00020101021138580010A000000727012800069704070114190304136010180208QRIBFTTA53037045802VN63040283";

#[test]
fn v1_static_card() {
    let expected = Payload::static_card(bin("970403"), acct("9704031101234567"));
    check(V1_STATIC_CARD, &expected);
    assert_eq!(expected.initiation(), Initiation::Static);
    assert_eq!(expected.service(), Service::ToCard);
    assert_eq!(expected.bin().as_str(), "970403");
    assert_eq!(expected.account().as_str(), "9704031101234567");
    assert_eq!(expected.amount(), None);
    assert!(expected.additional_data().is_empty());
}

#[test]
fn v2_dynamic_account_with_bill_and_memo() {
    let expected = Payload::builder(bin("970403"), acct("0011012345678"))
        .amount(amount(180_000))
        .bill_number("NPS6869")
        .memo(memo("thanh toan don hang"))
        .finish()
        .expect("valid payload");
    check(V2_DYNAMIC_ACCOUNT, &expected);
    assert_eq!(expected.initiation(), Initiation::Dynamic);
    assert_eq!(expected.service(), Service::ToAccount);
    assert_eq!(expected.amount().map(Amount::get), Some(180_000));
    assert_eq!(expected.additional_data().bill_number(), Some("NPS6869"));
    assert_eq!(expected.purpose(), Some("thanh toan don hang"));
}

#[test]
fn v3_dynamic_card_with_bill_and_memo() {
    let expected = Payload::builder(bin("970403"), acct("9704031101234567"))
        .service(Service::ToCard)
        .initiation(Initiation::Dynamic)
        .amount(amount(180_000))
        .additional(AdditionalField::BillNumber, "NPS6869")
        .additional(AdditionalField::Purpose, "thanh toan don hang")
        .finish()
        .expect("valid payload");
    check(V3_DYNAMIC_CARD, &expected);
    assert_eq!(expected.service(), Service::ToCard);
    assert_eq!(expected.additional_data().bill_number(), Some("NPS6869"));
}

#[test]
fn v4_static_account() {
    let expected = Payload::static_account(bin("970403"), acct("0011012345678"));
    check(V4_STATIC_ACCOUNT, &expected);
    // The builder infers "static" when no amount is given.
    let built = Payload::builder(bin("970403"), acct("0011012345678"))
        .finish()
        .expect("valid payload");
    assert_eq!(built, expected);
}

#[test]
fn v5_vietinbank() {
    let expected = Payload::dynamic_account(
        bin("970415"),
        acct("0011001932418"),
        amount(120_000),
        Some(memo("ung ho lu lut")),
    );
    check(V5_VIETINBANK, &expected);
    assert_eq!(expected.purpose(), Some("ung ho lu lut"));
    assert_eq!(expected.additional_data().bill_number(), None);
}

#[test]
fn v6_acb_nine_digit_account() {
    let expected = Payload::dynamic_account(
        bin("970416"),
        acct("257678859"),
        amount(1_000),
        Some(memo("Chuyen tien")),
    );
    check(V6_ACB, &expected);
    assert_eq!(expected.account().as_str().len(), 9);
    // Memo::sanitize of the accented text gives the same memo.
    assert_eq!(Memo::sanitize("Chuyển tiền"), Some(memo("Chuyen tien")));
}

#[test]
fn v7_vietcombank_order_code_in_purpose() {
    let expected = Payload::dynamic_account(
        bin("970436"),
        acct("0071001234567"),
        amount(850_000),
        Some(memo("DH482113")),
    );
    check(V7_VIETCOMBANK, &expected);
    assert_eq!(expected.purpose(), Some("DH482113"));
}

#[test]
fn v8_crc_with_leading_zero() {
    let expected = Payload::static_account(bin("970407"), acct("19030413601018"));
    check(V8_LEADING_ZERO_CRC, &expected);
    assert!(V8_LEADING_ZERO_CRC.ends_with("63040283"));
}

#[test]
fn all_vectors_carry_their_own_crc() {
    for v in [
        V1_STATIC_CARD,
        V2_DYNAMIC_ACCOUNT,
        V3_DYNAMIC_CARD,
        V4_STATIC_ACCOUNT,
        V5_VIETINBANK,
        V6_ACB,
        V7_VIETCOMBANK,
        V8_LEADING_ZERO_CRC,
    ] {
        let (body, crc) = v.split_at(v.len() - 4);
        let computed = vietqr::crc16_ccitt_false(body.as_bytes());
        assert_eq!(format!("{computed:04X}"), crc, "{v}");
    }
}

#[test]
fn crc_check_value() {
    assert_eq!(vietqr::crc16_ccitt_false(b"123456789"), 0x29B1);
}

#[test]
fn lower_case_crc_is_accepted() {
    for (v, lower) in [
        (V1_STATIC_CARD, "4f52"),
        (V2_DYNAMIC_ACCOUNT, "2e2e"),
        (V3_DYNAMIC_CARD, "a203"),
        (V5_VIETINBANK, "c15c"),
        (V6_ACB, "bbb8"),
        (V7_VIETCOMBANK, "e529"),
    ] {
        let s = format!("{}{lower}", &v[..v.len() - 4]);
        let parsed = vietqr::parse(&s).expect("lower-case CRC parses");
        // Re-building normalises to upper case.
        assert_eq!(parsed.build(), v);
    }
}

#[test]
fn surrounding_whitespace_is_trimmed() {
    let parsed = vietqr::parse(&format!(" \n\t{V2_DYNAMIC_ACCOUNT}\r\n ")).expect("parses");
    assert_eq!(parsed.build(), V2_DYNAMIC_ACCOUNT);
}

#[test]
fn amount_with_leading_zeros_is_accepted_and_normalised() {
    let body = format!(
        "000201010212{}53037045408001800005802VN",
        common::napas("970403", "0011012345678", "QRIBFTTA")
    );
    let parsed = vietqr::parse(&seal(&body)).expect("parses");
    assert_eq!(parsed.amount().map(Amount::get), Some(180_000));
    assert!(parsed.build().contains("5406180000"));
}

#[test]
fn non_ascii_text_is_counted_in_characters() {
    let name = "Cửa hàng Tiến Phát";
    let city = "Hà Nội";
    assert_eq!(name.chars().count(), 18);
    assert_ne!(name.len(), 18);

    // Building writes character counts...
    let qr = Payload::builder(bin("970436"), acct("0071001234567"))
        .merchant_name(name)
        .merchant_city(city)
        .finish()
        .expect("valid payload");
    let s = qr.build();
    assert!(s.contains("5918Cửa hàng Tiến Phát6006Hà Nội"), "{s}");

    // ...and parsing reads them, from an independently assembled string.
    let body = format!(
        "000201010211{}53037045802VN{}{}",
        common::napas("970436", "0071001234567", "QRIBFTTA"),
        tlv("59", name),
        tlv("60", city)
    );
    let sealed = seal(&body);
    assert_eq!(sealed, s);
    let parsed = vietqr::parse(&sealed).expect("parses");
    assert_eq!(parsed.merchant_name(), Some(name));
    assert_eq!(parsed.merchant_city(), Some(city));
    assert_eq!(parsed, qr);

    // A 25-character Vietnamese name is fine, 26 is not, whatever its bytes.
    let long = "ệ".repeat(25);
    assert!(Payload::builder(bin("970436"), acct("1"))
        .merchant_name(long.as_str())
        .finish()
        .is_ok());
    assert!(Payload::builder(bin("970436"), acct("1"))
        .merchant_name(format!("{long}ệ"))
        .finish()
        .is_err());
}

#[test]
fn all_optional_fields_round_trip_in_canonical_order() {
    let mut data = AdditionalData::new();
    for (field, value) in [
        (AdditionalField::ConsumerDataRequest, "AME"),
        (AdditionalField::BillNumber, "B1"),
        (AdditionalField::MobileNumber, "0901234567"),
        (AdditionalField::StoreLabel, "S1"),
        (AdditionalField::LoyaltyNumber, "L1"),
        (AdditionalField::ReferenceLabel, "R1"),
        (AdditionalField::CustomerLabel, "C1"),
        (AdditionalField::TerminalLabel, "T1"),
        (AdditionalField::Purpose, "P1"),
    ] {
        data.set(field, value).expect("fits");
    }
    data.push_other(RawField::new(50, "0004abcd").expect("valid"))
        .expect("fits");
    data.push_other(RawField::new(10, "TAX").expect("valid"))
        .expect("fits");
    let qr = Payload::builder(bin("970436"), acct("0071001234567"))
        .initiation(Initiation::Static)
        .amount(amount(5_000))
        .merchant_category(vietqr::MerchantCategory::new("5812").expect("valid"))
        .merchant_name("Pho 24")
        .merchant_city("HCM")
        .additional_data(data)
        .other(RawField::new(26, "0010A000000775").expect("valid"))
        .other(RawField::new(64, "0002vi0106Phở 24").expect("valid"))
        .finish()
        .expect("valid payload");
    assert_eq!(qr.initiation(), Initiation::Static);
    let s = qr.build();
    let expected_body = format!(
        "000201010211{}52045812530370454045000\
         5802VN5906Pho 246003HCM\
         6282{}{}{}{}{}{}{}{}{}{}{}\
         26140010A0000007756416{}",
        common::napas("970436", "0071001234567", "QRIBFTTA"),
        tlv("01", "B1"),
        tlv("02", "0901234567"),
        tlv("03", "S1"),
        tlv("04", "L1"),
        tlv("05", "R1"),
        tlv("06", "C1"),
        tlv("07", "T1"),
        tlv("08", "P1"),
        tlv("09", "AME"),
        tlv("50", "0004abcd"),
        tlv("10", "TAX"),
        "0002vi0106Phở 24",
    );
    assert_eq!(s, seal(&expected_body));
    let parsed = vietqr::parse(&s).expect("parses");
    assert_eq!(parsed, qr);
    let d = parsed.additional_data();
    assert_eq!(
        (
            d.bill_number(),
            d.mobile_number(),
            d.store_label(),
            d.loyalty_number(),
            d.reference_label(),
            d.customer_label(),
            d.terminal_label(),
            d.purpose(),
            d.consumer_data_request()
        ),
        (
            Some("B1"),
            Some("0901234567"),
            Some("S1"),
            Some("L1"),
            Some("R1"),
            Some("C1"),
            Some("T1"),
            Some("P1"),
            Some("AME")
        )
    );
    let others: Vec<_> = d.others().iter().map(|f| (f.id(), f.value())).collect();
    assert_eq!(others, [(50, "0004abcd"), (10, "TAX")]);
    let top: Vec<_> = parsed
        .others()
        .iter()
        .map(|f| (f.id(), f.value()))
        .collect();
    assert_eq!(top, [(26, "0010A000000775"), (64, "0002vi0106Phở 24")]);
    assert_eq!(parsed.merchant_category().map(|m| m.as_str()), Some("5812"));
}

#[test]
fn foreign_order_is_accepted_and_rebuilt_canonically() {
    // Same content as V2 but with 58 before 53 and 62 sub-tags swapped.
    let body = format!(
        "000201010212{}5802VN530370454061800006234{}{}",
        common::napas("970403", "0011012345678", "QRIBFTTA"),
        tlv("08", "thanh toan don hang"),
        tlv("01", "NPS6869"),
    );
    let parsed = vietqr::parse(&seal(&body)).expect("parses");
    assert_eq!(parsed.build(), V2_DYNAMIC_ACCOUNT);
}

#[test]
fn into_builder_modifies_a_copy() {
    let base = vietqr::parse(V4_STATIC_ACCOUNT).expect("parses");
    let dynamic = base
        .clone()
        .into_builder()
        .initiation(Initiation::Dynamic)
        .amount(amount(120_000))
        .memo(memo("ung ho lu lut"))
        .finish()
        .expect("valid payload");
    assert_eq!(dynamic.amount().map(Amount::get), Some(120_000));
    let back = dynamic
        .into_builder()
        .initiation(Initiation::Static)
        .no_amount()
        .additional_data(AdditionalData::new())
        .finish()
        .expect("valid payload");
    assert_eq!(back, base);
}
