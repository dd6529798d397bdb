//! Every bank family's texts: the spec example and variants, each read both
//! with the bank given and with the bank detected.

mod common;

use banktext::{parse, Bank, Parsed};
use common::{cases, check_all, ctx, transaction};

/// The cases of one bank.
fn cases_of(bank: Bank) -> Vec<common::Expect> {
    cases::all()
        .into_iter()
        .find(|(b, _)| *b == bank)
        .map(|(_, cases)| cases)
        .unwrap_or_default()
}

macro_rules! bank_test {
    ($name:ident, $bank:expr) => {
        #[test]
        fn $name() {
            assert!(check_all($bank, &cases_of($bank)) >= 5);
        }
    };
}

bank_test!(vietcombank, Bank::Vietcombank);
bank_test!(techcombank, Bank::Techcombank);
bank_test!(mb_bank, Bank::MbBank);
bank_test!(acb, Bank::Acb);
bank_test!(vietinbank, Bank::VietinBank);
bank_test!(bidv, Bank::Bidv);
bank_test!(tpbank, Bank::TpBank);
bank_test!(vpbank, Bank::VpBank);
bank_test!(agribank, Bank::Agribank);
bank_test!(ocb, Bank::Ocb);
bank_test!(vib, Bank::Vib);
bank_test!(scb, Bank::Scb);
bank_test!(seabank, Bank::SeABank);
bank_test!(msb, Bank::Msb);

#[test]
fn every_family_has_cases() {
    let all = cases::all();
    assert_eq!(
        all.iter().map(|(b, _)| *b).collect::<Vec<_>>(),
        Bank::ALL.to_vec()
    );
    for (bank, cases) in all {
        assert!(cases.len() >= 5, "{bank} has {} cases", cases.len());
    }
}

#[test]
fn spec_examples_are_detected_without_a_bank() {
    for (bank, cases) in cases::all() {
        let spec = cases.first().expect("a spec example");
        let n = transaction(spec.text, &ctx(None, spec.received));
        assert_eq!(n.bank, bank, "{}", spec.text);
    }
}

#[test]
fn a_wrong_sender_bank_falls_back_to_the_text_s_own_family() {
    let text = "VietinBank:22/04/2025 16:45|TK:100012345678|GD:+2,000,000VND|SDC:9,000,000VND|ND:DH6630 chuyen tien hang";
    let n = transaction(text, &ctx(Some(Bank::Acb), "2025-04-22T09:46:00Z"));
    assert_eq!(n.bank, Bank::VietinBank);
    assert_eq!(n.amount, 2_000_000);
}

#[test]
fn a_text_broken_in_the_sender_s_own_layout_is_not_reread_by_others() {
    // MB-shaped text with an unreadable amount, sent by MB.
    let text = "TK 0801xxxx5678|GD: +350,000.5VND 21/04/25 14:05|SD:2,350,000VND|ND: DH4410";
    let got = parse(text, &ctx(Some(Bank::MbBank), "2025-04-21T07:05:30Z"));
    assert!(
        matches!(&got, Parsed::Unparsed(why) if why.contains("MB Bank")),
        "{got:?}"
    );
}

#[test]
fn decomposed_diacritics_read_like_precomposed_ones() {
    // "Số dư ... lúc ... Thanh toán đơn hàng" in NFD (combining marks).
    let text = "So\u{302}\u{301} du\u{31b} TK VCB 0123456789 thay đo\u{302}\u{309}i -45,000 VND lu\u{301}c 12-03-2025 21:30:00. So\u{302}\u{301} du\u{31b} 3,105,000 VND. Ref MBVCB.1122334455.Thanh toa\u{301}n đo\u{31b}n ha\u{300}ng DH2002";
    let n = transaction(text, &ctx(None, "2025-03-12T14:30:05Z"));
    assert_eq!(n.bank, Bank::Vietcombank);
    assert_eq!(n.amount, -45_000);
    assert_eq!(n.balance, Some(3_105_000));
    assert_eq!(
        n.description,
        "Thanh toa\u{301}n đo\u{31b}n ha\u{300}ng DH2002"
    );
}

#[test]
fn surrounding_whitespace_and_no_break_spaces_are_fine() {
    let text = "\n  ACB: TK 12345678(VND) +\u{a0}500,000 luc 09:30 22/04/2025. So du 7,500,000.GD: DH5520 thanh toan  \n";
    let n = transaction(text, &ctx(Some(Bank::Acb), "2025-04-22T02:31:00Z"));
    assert_eq!(n.amount, 500_000);
    assert_eq!(n.description, "DH5520 thanh toan");
}

#[test]
fn a_memo_may_mention_a_balance_when_the_balance_was_read() {
    let text = "TK 123456789 tai VPB tang 500,000VND do tra no so du 5 trieu. So du TK sau GD la 7,000,000VND";
    let n = transaction(text, &ctx(None, "2025-04-24T08:00:00Z"));
    assert_eq!(n.description, "tra no so du 5 trieu");
    assert_eq!(n.balance, Some(7_000_000));
}

#[test]
fn a_vietcombank_ref_may_hold_anything() {
    let text = "SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22. SD 12,345,678VND. Ref MBVCB.9876543210.tra tien SD: 100,000 OTP";
    let n = transaction(text, &ctx(None, "2025-05-03T03:15:30Z"));
    assert_eq!(n.reference, "MBVCB.9876543210");
    assert_eq!(n.description, "tra tien SD: 100,000 OTP");
}
