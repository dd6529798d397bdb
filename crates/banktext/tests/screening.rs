//! Texts that are not transactions (ignored) and texts that cannot be read
//! with confidence (unparsed).

mod common;

use banktext::Bank;
use common::{cases, ignored, unparsed};

#[test]
fn non_transactions_are_ignored_with_or_without_a_bank() {
    for text in cases::IGNORED {
        for bank in [None, Some(Bank::Vietcombank), Some(Bank::VpBank)] {
            let why = ignored(text, bank);
            assert!(!why.is_empty());
        }
    }
}

#[test]
fn reasons_for_ignoring() {
    assert!(ignored("Ma OTP cua ban la 123456", None).contains("one-time password"));
    assert!(ignored(
        "Uu dai thang 6: giam 50% phi chuyen tien quoc te cho chu the Visa",
        None
    )
    .contains("advertising"));
    assert!(ignored(
        "Quy khach vua dang nhap ung dung tren thiet bi moi Samsung SM-A525F",
        None
    )
    .contains("login"));
    assert!(ignored("Chuc mung nam moi!", None).contains("no amount"));
}

#[test]
fn unreadable_texts_are_unparsed_with_or_without_a_bank() {
    for text in cases::UNPARSED {
        for bank in [None, Some(Bank::Vietcombank), Some(Bank::MbBank)] {
            let why = unparsed(text, bank);
            assert!(!why.is_empty());
        }
    }
}

#[test]
fn reasons_for_not_parsing() {
    let conflicting = "TK 0801xxxx5678|GD: +350,000VND 21/04/25 14:05|GD: -120,000VND 21/04/25 14:05|SD:2,350,000VND|ND: DH4410";
    let why = unparsed(conflicting, None);
    assert!(why.contains("conflicting amounts"), "{why}");

    let unbalanced = "TK 0100012345670001 NGAY 26/04/25 09:48 SD DAU 1,000,000 TANG 250,000 SD CUOI 1,350,000 VND (DH1300 TT)";
    let why = unparsed(unbalanced, Some(Bank::Scb));
    assert!(why.contains("conflict"), "{why}");

    let no_amount = "SD TK 0123456789012 luc 03-05-2025 10:15:22. SD 12,345,678VND. Ref MBVCB.9876543210.DH1042.Thanh toan";
    let why = unparsed(no_amount, Some(Bank::Vietcombank));
    assert!(why.contains("no readable transaction amount"), "{why}");

    let why = unparsed("asdf 12,345 qwer +9 zxcv", None);
    assert!(why.contains("none of the known"), "{why}");

    let why = unparsed(
        "VietinBank:31/02/2025 16:45|TK:100012345678|GD:+2,000,000VND|ND:DH6630",
        None,
    );
    assert!(why.contains("impossible date"), "{why}");
}

#[test]
fn an_ad_from_a_bank_with_a_transaction_shape_is_not_silently_ignored() {
    // Adverts have no signed amounts or balances; a text that has them is
    // kept for a person to look at.
    let why = unparsed(
        "Uu dai: hoan tien +50,000d vao TK 0123 khi thanh toan",
        None,
    );
    assert!(!why.is_empty());
}
