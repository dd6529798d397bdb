//! Property tests: round trips, robustness and error detection.

mod common;

use proptest::prelude::*;
use proptest::sample::select;
use vietqr::{
    AccountNumber, AdditionalData, AdditionalField, Amount, Bin, Initiation, Memo,
    MerchantCategory, Payload, RawField, Service,
};

/// Text a payload may carry: printable ASCII mixed with Vietnamese and other
/// non-ASCII characters (so byte and character counts differ).
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range(' ', '~'),
            2 => select(vec!['ă', 'â', 'đ', 'Đ', 'ê', 'ô', 'ơ', 'ư', 'ệ', 'ỹ', 'Ở']),
            1 => any::<char>().prop_filter("no control characters", |c| !c.is_control()),
        ],
        1..=max,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Top-level ids this crate does not model.
fn other_top_id() -> impl Strategy<Value = u8> {
    (0u8..=99).prop_filter("unmodelled", |id| {
        ![0, 1, 38, 52, 53, 54, 58, 59, 60, 62, 63].contains(id)
    })
}

prop_compose! {
    fn additional_data()(
        known in prop::collection::vec((1u8..=9, text(25)), 0..5),
        raw in prop::collection::vec((prop_oneof![Just(0u8), 10u8..=99], text(20)), 0..3),
    ) -> AdditionalData {
        let mut data = AdditionalData::new();
        for (id, value) in known {
            if let Some(field) = AdditionalField::from_id(id) {
                let value: String = value.chars().take(field.max_len()).collect();
                // Ignore values that would overflow tag 62; the rest is valid.
                let _ = data.set(field, value);
            }
        }
        for (id, value) in raw {
            if let Ok(field) = RawField::new(id, value) {
                // Ignore duplicates and overflow.
                let _ = data.push_other(field);
            }
        }
        data
    }
}

prop_compose! {
    fn payload()(
        bin in "[0-9]{6}",
        account in "[A-Za-z0-9]{1,19}",
        card in any::<bool>(),
        dynamic in any::<bool>(),
        amount in prop::option::of(Amount::MIN..=Amount::MAX),
        mcc in prop::option::of("[0-9]{4}"),
        name in prop::option::of(text(25)),
        city in prop::option::of(text(15)),
        data in additional_data(),
        others in prop::collection::vec((other_top_id(), text(99)), 0..3),
    ) -> Payload {
        let mut b = Payload::builder(
            Bin::new(&bin).expect("6 digits"),
            AccountNumber::new(&account).expect("alphanumeric"),
        )
        .service(if card { Service::ToCard } else { Service::ToAccount })
        .additional_data(data);
        if let Some(a) = amount {
            b = b.amount(Amount::new(a).expect("in range"));
        }
        b = b.initiation(if dynamic && amount.is_some() {
            Initiation::Dynamic
        } else {
            Initiation::Static
        });
        if let Some(m) = mcc {
            b = b.merchant_category(MerchantCategory::new(&m).expect("4 digits"));
        }
        if let Some(n) = name {
            b = b.merchant_name(n);
        }
        if let Some(c) = city {
            b = b.merchant_city(c);
        }
        let mut seen = Vec::new();
        for (id, value) in others {
            if !seen.contains(&id) {
                seen.push(id);
                b = b.other(RawField::new(id, value).expect("valid raw field"));
            }
        }
        b.finish().expect("generated payload is valid")
    }
}

/// Random TLV-shaped strings: plausible ids and correct lengths, sometimes
/// sealed with a correct checksum, so parsing gets past the CRC check.
fn tlv_ish() -> impl Strategy<Value = String> {
    let field = (
        prop_oneof![
            select(vec![
                "00", "01", "38", "52", "53", "54", "58", "59", "60", "62", "63"
            ])
            .prop_map(str::to_owned),
            "[0-9]{2}",
        ],
        prop_oneof![
            select(vec![
                "01",
                "11",
                "12",
                "704",
                "VN",
                "0",
                "180000",
                "QRIBFTTA",
                "0010A000000727",
                "0006970403",
                "0813ung ho lu lut",
            ])
            .prop_map(str::to_owned),
            "[0-9A-Za-z ]{0,30}",
            text(40),
        ],
    );
    (prop::collection::vec(field, 0..10), any::<bool>()).prop_map(|(fields, sealed)| {
        let body: String = fields
            .iter()
            .map(|(id, value)| common::tlv(id, value))
            .collect();
        if sealed {
            common::seal(&body)
        } else {
            body
        }
    })
}

/// Whatever parses must re-build to something that parses back equal.
fn assert_parse_consistent(s: &str) {
    if let Ok(p) = vietqr::parse(s) {
        let built = p.build();
        assert_eq!(vietqr::parse(&built).as_ref(), Ok(&p));
        assert_eq!(vietqr::parse(&built).map(|q| q.build()), Ok(built));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_build_round_trip(p in payload()) {
        let s = p.build();
        let parsed = vietqr::parse(&s);
        prop_assert_eq!(parsed.as_ref(), Ok(&p));
        prop_assert_eq!(parsed.map(|q| q.build()), Ok(s.clone()));
        // Lower-case checksum and surrounding whitespace change nothing.
        let lower = format!("  {}{}\n", &s[..s.len() - 4], s[s.len() - 4..].to_ascii_lowercase());
        prop_assert_eq!(vietqr::parse(&lower), Ok(p));
    }

    #[test]
    fn parse_never_panics_on_arbitrary_strings(s in any::<String>()) {
        assert_parse_consistent(&s);
    }

    #[test]
    fn parse_never_panics_on_digit_strings(s in "[0-9]{0,200}") {
        assert_parse_consistent(&s);
    }

    #[test]
    fn parse_never_panics_on_tlv_ish_strings(s in tlv_ish()) {
        assert_parse_consistent(&s);
    }

    #[test]
    fn parse_never_panics_on_mutated_payloads(
        p in payload(),
        cut in any::<prop::sample::Index>(),
        insert in any::<char>(),
    ) {
        let s = p.build();
        let chars: Vec<char> = s.chars().collect();
        let i = cut.index(chars.len());
        let truncated: String = chars[..i].iter().collect();
        assert_parse_consistent(&truncated);
        let mut inserted = chars.clone();
        inserted.insert(i, insert);
        let text: String = inserted.iter().collect();
        assert_parse_consistent(&text);
        // A tampered body with a recomputed checksum still must not panic.
        let body: String = inserted[..inserted.len().saturating_sub(8)].iter().collect();
        assert_parse_consistent(&common::seal(&body));
    }

    #[test]
    fn single_character_corruption_is_rejected(
        p in payload(),
        pos in any::<prop::sample::Index>(),
        replacement in prop::char::range(' ', '~'),
    ) {
        let s = p.build();
        let chars: Vec<char> = s.chars().collect();
        let i = pos.index(chars.len());
        let original = chars[i];
        // An ASCII-for-ASCII swap changes exactly one byte, which a CRC-16
        // always detects. Changing only the case of a checksum hex digit is
        // not corruption (lower case is accepted).
        prop_assume!(original.is_ascii() && replacement != original);
        prop_assume!(!(i + 4 >= chars.len() && replacement.eq_ignore_ascii_case(&original)));
        let mut corrupted = chars;
        corrupted[i] = replacement;
        let corrupted: String = corrupted.into_iter().collect();
        prop_assert!(vietqr::parse(&corrupted).is_err(), "accepted {corrupted:?}");
    }

    #[test]
    fn crc_residue_is_zero(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let crc = vietqr::crc16_ccitt_false(&bytes);
        let mut with_crc = bytes;
        with_crc.extend_from_slice(&crc.to_be_bytes());
        prop_assert_eq!(vietqr::crc16_ccitt_false(&with_crc), 0);
    }

    #[test]
    fn sanitized_memos_are_valid(s in any::<String>()) {
        if let Some(m) = Memo::sanitize(&s) {
            let text = m.as_str();
            prop_assert!(!text.is_empty() && text.len() <= Memo::MAX_LEN);
            prop_assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || c == ' '));
            // Sanitizing is idempotent and its output passes the strict check.
            let strict = Memo::new(text);
            prop_assert_eq!(strict.as_ref(), Ok(&m));
            let again = Memo::sanitize(text);
            prop_assert_eq!(again.as_ref(), Some(&m));
        }
        match Memo::normalize(&s) {
            Ok(m) => prop_assert_eq!(Memo::sanitize(&s), Some(m)),
            Err(_) => {
                let sanitized = Memo::sanitize(&s);
                prop_assert!(sanitized.is_none_or(|m| m.as_str().len() == Memo::MAX_LEN
                    || m.as_str().len() == Memo::MAX_LEN - 1));
            }
        }
    }

    #[test]
    fn vietnamese_text_folds_to_ascii(s in "[a-zA-Z àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ]{1,60}") {
        // Every letter survives folding: only spacing changes, plus truncation.
        let letters = s.chars().filter(|c| !c.is_whitespace()).count();
        match Memo::sanitize(&s) {
            Some(m) => {
                let kept = m.as_str().chars().filter(|c| *c != ' ').count();
                prop_assert!(kept == letters || m.as_str().len() >= Memo::MAX_LEN - 1);
            }
            None => prop_assert_eq!(letters, 0),
        }
    }

    #[test]
    fn typed_values_accept_exactly_their_domain(s in "[0-9A-Za-z\\-]{0,22}") {
        let digits = s.chars().all(|c| c.is_ascii_digit());
        prop_assert_eq!(Bin::new(&s).is_ok(), digits && s.len() == 6);
        prop_assert_eq!(MerchantCategory::new(&s).is_ok(), digits && s.len() == 4);
        prop_assert_eq!(
            AccountNumber::new(&s).is_ok(),
            !s.is_empty() && s.len() <= 19 && s.chars().all(|c| c.is_ascii_alphanumeric())
        );
        let amount_ok = digits && !s.is_empty() && s.len() <= 13 && s.chars().any(|c| c != '0');
        prop_assert_eq!(s.parse::<Amount>().is_ok(), amount_ok);
    }
}
