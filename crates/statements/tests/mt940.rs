//! Integration tests for the MT940 reader: realistic sample files, malformed
//! inputs and property tests.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use statements::mt940::{MAX_FIELD_CHARS, MAX_LINE_BYTES};
use statements::{Entry, Mt940Reader, RowError};

fn read(input: &str) -> Vec<Result<Entry, RowError>> {
    Mt940Reader::new(input.as_bytes()).collect()
}

fn entries(input: &str) -> Vec<Entry> {
    read(input)
        .into_iter()
        .map(|row| row.unwrap_or_else(|e| panic!("unexpected error: {e}")))
        .collect()
}

/// 1-based line number of the `nth` (0-based) line of `input` containing `needle`.
fn line_of(input: &str, needle: &str, nth: usize) -> u64 {
    let index = input
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not found"))
        .0;
    index as u64 + 1
}

/// 00:00 Vietnam time on the given day, in UTC.
fn vn_midnight(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap() - chrono::TimeDelta::hours(7)
}

/// (amount, balance, reference, description) of each entry.
fn summary(entries: &[Entry]) -> Vec<(i64, Option<i64>, Option<&str>, &str)> {
    entries
        .iter()
        .map(|e| {
            (
                e.amount,
                e.balance,
                e.reference.as_deref(),
                e.description.as_str(),
            )
        })
        .collect()
}

/// A Vietcombank-style export: two daily messages, bare (no SWIFT blocks).
const VIETCOMBANK: &str = "\
:20:VCB2504220001
:25:0123456789012
:28C:00001/001
:60F:C250421VND125000000,00
:61:2504220422C1500000,00NTRFNONREF//FT25112000000001
:86:DH1042 chuyen tien
:61:2504220422C2350000,00NTRFNONREF//FT25112000000002
:86:DH1043 TRAN THI B thanh toan don hang
:61:2504220422D500000,00NTRFUNC2504220001//FT25112000000003
:86:CK tra tien hang cho NCC Minh Phat
:61:2504220422D11000,00NMSCNONREF
:86:Phi SMS Banking thang 04/2025
:62F:C250422VND128339000,00
:64:C250422VND128339000,00
-

:20:VCB2504230001
:25:0123456789012
:28C:00002/001
:60F:C250422VND128339000,00
:61:2504230423C3000000,00NTRFNONREF//FT25113000000004
:86:DH1044 LE VAN C
chuyen tien mua hang
:61:2504230423D128000000,00NTRFNONREF//FT25113000000005
:86:Chuyen tien sang TK 0987654321
:61:2504230423D5000000,00NTRFPAYROLL0423
:86:Tra luong thang 04/2025
:62F:D250423VND1661000,00
:64:D250423VND1661000,00
-
";

#[test]
fn vietcombank_export_with_two_messages() {
    let entries = entries(VIETCOMBANK);
    assert_eq!(
        summary(&entries),
        [
            (
                1_500_000,
                Some(126_500_000),
                Some("FT25112000000001"),
                "DH1042 chuyen tien"
            ),
            (
                2_350_000,
                Some(128_850_000),
                Some("FT25112000000002"),
                "DH1043 TRAN THI B thanh toan don hang"
            ),
            (
                -500_000,
                Some(128_350_000),
                Some("FT25112000000003"),
                "CK tra tien hang cho NCC Minh Phat"
            ),
            (
                -11_000,
                Some(128_339_000),
                None,
                "Phi SMS Banking thang 04/2025"
            ),
            (
                3_000_000,
                Some(131_339_000),
                Some("FT25113000000004"),
                "DH1044 LE VAN C chuyen tien mua hang"
            ),
            (
                -128_000_000,
                Some(3_339_000),
                Some("FT25113000000005"),
                "Chuyen tien sang TK 0987654321"
            ),
            (
                -5_000_000,
                Some(-1_661_000),
                Some("PAYROLL0423"),
                "Tra luong thang 04/2025"
            ),
        ]
    );
    for entry in &entries {
        assert_eq!(entry.account.as_deref(), Some("0123456789012"));
        assert_eq!(entry.counterparty_name, None);
        assert_eq!(entry.counterparty_account, None);
        assert_eq!(entry.counterparty_bank, None);
    }
    assert!(entries[..4]
        .iter()
        .all(|e| e.booked_at == vn_midnight(2025, 4, 22)));
    assert!(entries[4..]
        .iter()
        .all(|e| e.booked_at == vn_midnight(2025, 4, 23)));
    assert_eq!(entries[0].line, 5);
    assert_eq!(entries[4].line, line_of(VIETCOMBANK, "FT25113000000004", 0));
    assert_eq!(
        entries[0].raw,
        ":61:2504220422C1500000,00NTRFNONREF//FT25112000000001\n:86:DH1042 chuyen tien"
    );
    assert_eq!(
        entries[4].raw,
        ":61:2504230423C3000000,00NTRFNONREF//FT25113000000004\n:86:DH1044 LE VAN C\nchuyen tien mua hang"
    );
}

/// SWIFT-block wrapped messages with CRLF line endings, indentation, trailing
/// spaces and trailer blocks.
const SWIFT_BLOCKS: &str = concat!(
    "{1:F01BFTVVNVXAXXX0000000000}{2:O9401200250422BFTVVNVXAXXX00000000002504221200N}{4:\r\n",
    ":20:MT940-250422\r\n",
    ":25:970436/0123456789012\r\n",
    ":28C:00012/001\r\n",
    ":60F:C250421VND5000000,\r\n",
    ":61:2504220422C250000,NTRFNONREF//FT25112111111111\r\n",
    ":86:DH2001 PHAM VAN D chuyen khoan\r\n",
    ":61:2504220422D75000,NTRFNONREF//FT25112222222222\r\n",
    ":86:Thanh toan tien dien\r\n",
    ":62F:C250422VND5175000,\r\n",
    "-}{5:{CHK:1A2B3C4D5E6F}}\r\n",
    "\r\n",
    "{1:F01BFTVVNVXAXXX0000000000}\r\n",
    "{2:O9401200250423BFTVVNVXAXXX00000000002504231200N}\r\n",
    "{4:\r\n",
    "  :20:MT940-250423   \r\n",
    "  :25:970436/0123456789012  \r\n",
    "  :28C:00013/001\r\n",
    "  :60F:C250422VND5175000,\r\n",
    "  :61:2504230423C1200000,NTRFDH2002   \r\n",
    "  :86:DH2002 NGO THI E   \r\n",
    "     dat coc   \r\n",
    "  :62F:C250423VND6375000,\r\n",
    "  :65:C250424VND6375000,\r\n",
    "-}\r\n",
    "{5:{MAC:00000000}{CHK:6F5E4D3C2B1A}}\r\n",
);

#[test]
fn swift_block_wrapped_file_with_crlf() {
    let entries = entries(SWIFT_BLOCKS);
    assert_eq!(
        summary(&entries),
        [
            (
                250_000,
                Some(5_250_000),
                Some("FT25112111111111"),
                "DH2001 PHAM VAN D chuyen khoan"
            ),
            (
                -75_000,
                Some(5_175_000),
                Some("FT25112222222222"),
                "Thanh toan tien dien"
            ),
            (
                1_200_000,
                Some(6_375_000),
                Some("DH2002"),
                "DH2002 NGO THI E dat coc"
            ),
        ]
    );
    assert!(entries
        .iter()
        .all(|e| e.account.as_deref() == Some("0123456789012")));
    assert_eq!(entries[0].line, 6);
    assert_eq!(entries[2].line, line_of(SWIFT_BLOCKS, "DH2002   ", 0));
    assert_eq!(entries[2].line, 20);
    assert_eq!(entries[2].booked_at, vn_midnight(2025, 4, 23));
    // Raw keeps the lines as written, without the CR.
    assert_eq!(
        entries[2].raw,
        "  :61:2504230423C1200000,NTRFDH2002   \n  :86:DH2002 NGO THI E   \n     dat coc   "
    );
}

#[test]
fn first_field_on_the_block_header_line() {
    let input = "{1:F01BFTVVNVXAXXX0000000000}{2:O940}{4::20:X\n:25:0123456789012\n\
                 :61:250422C5,NTRFA\n-}";
    let entries = entries(input);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].amount, 5);
    assert_eq!(entries[0].balance, None);
}

/// German-style structured `:86:` narratives (in VND).
const STRUCTURED: &str = "\
:20:STARTUMSE
:25:10020030/VN0123456789
:28C:00045/001
:60F:C250401VND20000000,00
:61:2504010401CR1500000,00NTRFNONREF//BT0401000123
:86:166?00GUTSCHRIFT UEBERWEISUNG?109251?20EREF+DH3001?21SVWZ+Thanh toan don hang
?22DH3001?30BFTVVNVX?31VN88001234567890?32CONG TY TNHH THUONG MAI ABC?33 VIET NAM
:61:2504020402DR250000,00NMSCNONREF
:86:805?00ENTGELTABSCHLUSS?20Kontofuehrung 03/2025?30?31?32
:61:2504020402D1000000,00NTRFKUNDENREF42
:86:?00SEPA UEBERWEISUNG?10931?30COBADEFFXXX?31DE89370400440532013000?32Max Mustermann
:61:2504020402C700000,00NTRFNONREF
?00GUTSCHRIFT
:86:051?00GUTSCHRIFT?109310?32NGUYEN VAN A
:62F:C250402VND20950000,00
-
";

#[test]
fn german_style_structured_narratives() {
    let entries = entries(STRUCTURED);
    assert_eq!(
        summary(&entries),
        [
            (
                1_500_000,
                Some(21_500_000),
                Some("BT0401000123"),
                "EREF+DH3001 SVWZ+Thanh toan don hang DH3001"
            ),
            (-250_000, Some(21_250_000), None, "Kontofuehrung 03/2025"),
            (
                -1_000_000,
                Some(20_250_000),
                Some("KUNDENREF42"),
                "SEPA UEBERWEISUNG"
            ),
            (700_000, Some(20_950_000), None, "GUTSCHRIFT"),
        ]
    );
    let e = &entries[0];
    assert_eq!(
        e.counterparty_name.as_deref(),
        Some("CONG TY TNHH THUONG MAI ABC VIET NAM")
    );
    assert_eq!(e.counterparty_account.as_deref(), Some("VN88001234567890"));
    assert_eq!(e.counterparty_bank.as_deref(), Some("BFTVVNVX"));
    assert_eq!(e.account.as_deref(), Some("VN0123456789"));
    assert_eq!(e.booked_at, vn_midnight(2025, 4, 1));
    // Empty subfields mean "none".
    assert_eq!(entries[1].counterparty_name, None);
    assert_eq!(entries[1].counterparty_account, None);
    assert_eq!(entries[1].counterparty_bank, None);
    assert_eq!(
        entries[2].counterparty_name.as_deref(),
        Some("Max Mustermann")
    );
    assert_eq!(
        entries[2].counterparty_account.as_deref(),
        Some("DE89370400440532013000")
    );
    assert_eq!(entries[2].counterparty_bank.as_deref(), Some("COBADEFFXXX"));
    assert_eq!(
        entries[3].counterparty_name.as_deref(),
        Some("NGUYEN VAN A")
    );
}

#[test]
fn supplementary_details_describe_entries_without_narrative() {
    let input = "\
:20:X
:25:0123456789012
:61:250422C5,NTRFNONREF//B1
 THANH TOAN
 QR CODE
:61:250422C6,NTRFNONREF
:86:
:61:250422C7,NTRFNONREF
";
    let entries = entries(input);
    assert_eq!(entries[0].description, "THANH TOAN QR CODE");
    assert_eq!(
        entries[0].raw,
        ":61:250422C5,NTRFNONREF//B1\n THANH TOAN\n QR CODE"
    );
    assert_eq!(entries[1].description, "");
    assert_eq!(entries[1].raw, ":61:250422C6,NTRFNONREF\n:86:");
    assert_eq!(entries[2].description, "");
}

/// Entry dates across a year boundary, both ways.
const YEAR_END: &str = "\
:20:VCB251231
:25:0123456789012
:28C:00365/001
:60F:C251230VND1000000,00
:61:2512310101C200000,00NTRFNONREF//FT25365000000001
:86:DH9001 chuc mung nam moi
:61:2601011231D50000,00NMSCNONREF
:86:Phi quan ly tai khoan
:61:2601010102C1,00NTRFNONREF//FT26001000000001
:86:Lai tien gui
:62F:C260102VND1150001,00
-
";

#[test]
fn entry_dates_across_a_year_boundary() {
    let entries = entries(YEAR_END);
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].booked_at, vn_midnight(2026, 1, 1));
    assert_eq!(
        entries[0].booked_at.to_rfc3339(),
        "2025-12-31T17:00:00+00:00"
    );
    assert_eq!(entries[1].booked_at, vn_midnight(2025, 12, 31));
    assert_eq!(entries[2].booked_at, vn_midnight(2026, 1, 2));
    assert_eq!(
        entries.iter().map(|e| e.balance).collect::<Vec<_>>(),
        [Some(1_200_000), Some(1_150_000), Some(1_150_001)]
    );
}

/// Reversals: RD (reversal of a debit) is money in, RC money out.
const REVERSALS: &str = "\
:20:VCB250510
:25:0123456789012
:60F:C250509VND2000000,
:61:250510D300000,NTRFNONREF//FT25130000000001
:86:DH5005 hoan tien khach
:61:250510RD300000,NTRFNONREF//FT25130000000001
:86:Huy giao dich FT25130000000001
:61:250510C120000,NTRFNONREF//FT25130000000002
:86:DH5006 chuyen nham
:61:250510RCD120000,NTRFNONREF//FT25130000000002
:86:Hoan tra giao dich chuyen nham
:62F:C250510VND2000000,
-
";

#[test]
fn reversals() {
    let entries = entries(REVERSALS);
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.amount, e.balance))
            .collect::<Vec<_>>(),
        [
            (-300_000, Some(1_700_000)),
            (300_000, Some(2_000_000)),
            (120_000, Some(2_120_000)),
            (-120_000, Some(2_000_000)),
        ]
    );
    assert!(entries
        .iter()
        .all(|e| e.booked_at == vn_midnight(2025, 5, 10)));
}

/// A closing balance that does not match, then a sound message.
const MISMATCH: &str = "\
:20:VCB250601
:25:0123456789012
:60F:C250531VND10000000,00
:61:250601C1000000,00NTRFNONREF//FT25152000000001
:86:DH6001 chuyen tien
:61:250601D200000,00NTRFNONREF//FT25152000000002
:86:DH6002 hoan tien
:62F:C250601VND10900000,00
-
:20:VCB250602
:25:0123456789012
:60M:C250601VND10900000,00
:61:250602C100000,00NTRFNONREF//FT25153000000001
:86:DH6003
:62M:C250602VND11000000,00
-
";

#[test]
fn closing_balance_mismatch() {
    let rows = read(MISMATCH);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[0].as_ref().unwrap().balance, Some(11_000_000));
    assert_eq!(rows[1].as_ref().unwrap().balance, Some(10_800_000));
    let error = rows[2].as_ref().unwrap_err();
    assert_eq!(error.line, 8);
    assert_eq!(
        error.message,
        ":62F: closing balance 10,900,000 VND does not match the opening balance plus the \
         entries, 10,800,000 VND (difference 100,000 VND): an entry may be missing or duplicated"
    );
    let last = rows[3].as_ref().unwrap();
    assert_eq!((last.amount, last.balance), (100_000, Some(11_000_000)));
}

/// A message in US dollars between two VND messages.
const FOREIGN_CURRENCY: &str = "\
:20:VCBVND01
:25:0123456789012
:60F:C250601VND1000000,
:61:250601C1,NTRFNONREF//FT1
:62F:C250601VND1000001,
-
:20:VCBUSD01
:25:0123456789013
:60F:C250601USD1500,00
:61:250602C200,00NTRFNONREF//FT25153000000003
:86:Payment invoice 42
:61:250602D12,50NTRFNONREF//FT25153000000004
:86:Bank fee
:62F:C250602USD1687,50
-
:20:VCBVND02
:25:0123456789012
:60F:C250601VND1000001,
:61:250602D1,NTRFNONREF//FT2
:62F:C250602VND1000000,
-
";

#[test]
fn non_vnd_message_entries_are_errors() {
    let rows = read(FOREIGN_CURRENCY);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[0].as_ref().unwrap().amount, 1);
    let first = rows[1].as_ref().unwrap_err();
    assert_eq!(first.line, 10);
    assert_eq!(
        first.message,
        ":61: the statement's currency is \"USD\" (from :60F:/:60M:); only VND statements are supported"
    );
    let second = rows[2].as_ref().unwrap_err();
    assert_eq!(second.line, 12);
    assert_eq!(
        second.message,
        ":61: the statement's currency is \"USD\" (from :60F:/:60M:); only VND statements are \
         supported; :61: amount \"12,50\" is not a whole number of VND"
    );
    let last = rows[3].as_ref().unwrap();
    assert_eq!((last.amount, last.balance), (-1, Some(1_000_000)));
    assert_eq!(last.account.as_deref(), Some("0123456789012"));
}

#[test]
fn closing_balance_in_another_currency() {
    let rows = read(":20:X\n:25:1\n:61:250602C5,NTRFA\n:62F:C250602EUR5,\n");
    assert_eq!(rows[0].as_ref().unwrap().balance, None);
    let error = rows[1].as_ref().unwrap_err();
    assert_eq!(error.line, 4);
    assert_eq!(
        error.message,
        ":62F: currency \"EUR\" is not VND (only VND statements are supported)"
    );
}

/// The file ends in the middle of a message (and of a line).
const TRUNCATED: &str = "\
:20:VCB250701
:25:0123456789012
:60F:C250630VND500000,
:61:250701C100000,NTRFNONREF//FT25182000000001
:86:DH7001 NGUYEN THI F
 chuyen
:61:250701C2000";

#[test]
fn truncated_file() {
    let rows = read(TRUNCATED);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let entry = rows[0].as_ref().unwrap();
    assert_eq!(entry.amount, 100_000);
    assert_eq!(entry.balance, Some(600_000));
    assert_eq!(entry.description, "DH7001 NGUYEN THI F chuyen");
    let error = rows[1].as_ref().unwrap_err();
    assert_eq!(error.line, 7);
    assert_eq!(
        error.message,
        ":61: transaction type \"\" is not N, F or S followed by three characters (e.g. NTRF)"
    );

    // Cut inside the narrative: the entry is yielded with what is there.
    let cut = &VIETCOMBANK[..VIETCOMBANK.find("thanh toan").unwrap()];
    let entries = entries(cut);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].description, "DH1043 TRAN THI B");
    assert_eq!(entries[1].balance, Some(128_850_000));
}

#[test]
fn an_unreadable_entry_does_not_stop_the_next_ones() {
    let input = "\
:20:VCB250801
:25:0123456789012
:60F:C250731VND1000000,
:61:250801C100000,NTRFNONREF//FT1
:86:DH8001
:61:250801C12,50NTRFNONREF//FT2
:86:DH8002 tien le
:61:250801D5000,NMSCNONREF
:86:Phi dich vu
:62F:C250801VND1095000,
:20:VCB250802
:25:0123456789012
:60F:C250801VND1095000,
:61:250802C5000,NTRFNONREF//FT3
";
    let rows = read(input);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[0].as_ref().unwrap().balance, Some(1_100_000));
    let error = rows[1].as_ref().unwrap_err();
    assert_eq!(error.line, 6);
    assert_eq!(
        error.message,
        ":61: amount \"12,50\" is not a whole number of VND"
    );
    // The running balance is unknown after an unreadable amount; no closing check.
    let fee = rows[2].as_ref().unwrap();
    assert_eq!((fee.amount, fee.balance), (-5_000, None));
    assert_eq!(fee.description, "Phi dich vu");
    let next = rows[3].as_ref().unwrap();
    assert_eq!((next.amount, next.balance), (5_000, Some(1_100_000)));
}

#[test]
fn entries_outside_a_proper_message() {
    let input = "\
:61:250801C1,NTRFA
:25:0123456789012
:61:250801C2,NTRFB
:20:X
:61:250801C3,NTRFC
:25:
:61:250801C4,NTRFD
:25:0123456789012
:61:250801C5,NTRFE
-
:61:250801C6,NTRFF
";
    let rows = read(input);
    assert_eq!(rows.len(), 6, "{rows:?}");
    let outside = ":61: is outside a statement message (expected :20: and :25: before it)";
    let no_account = ":61: the statement message has no usable :25: account before this entry";
    assert_eq!(rows[0].as_ref().unwrap_err().message, outside);
    assert_eq!(rows[0].as_ref().unwrap_err().line, 1);
    assert_eq!(
        rows[1].as_ref().unwrap_err().message,
        ":61: the statement message has no :20: transaction reference before this entry \
         (each message starts with :20:)"
    );
    assert_eq!(rows[2].as_ref().unwrap_err().message, no_account);
    assert_eq!(rows[3].as_ref().unwrap_err().message, no_account);
    assert_eq!(rows[4].as_ref().unwrap().amount, 5);
    assert_eq!(rows[5].as_ref().unwrap_err().message, outside);
    assert_eq!(rows[5].as_ref().unwrap_err().line, 11);
}

#[test]
fn unreadable_header_fields() {
    let input = "\
:20:X
:25:123456789012345678901234567890123456789012345678901234567890123456789
:60F:C250801VND1.000.000,00
:61:250801C5,NTRFA
:62F:C250801VND
";
    let rows = read(input);
    assert_eq!(rows.len(), 4, "{rows:?}");
    let account = rows[0].as_ref().unwrap_err();
    assert_eq!(account.line, 2);
    assert!(account.message.starts_with(":25: account \"1234"));
    assert!(account.message.ends_with("is longer than 64 characters"));
    let opening = rows[1].as_ref().unwrap_err();
    assert_eq!(opening.line, 3);
    assert!(opening
        .message
        .starts_with(":60F: amount \"1.000.000,00\" is not a valid MT940 amount"));
    assert_eq!(rows[2].as_ref().unwrap_err().line, 4);
    let closing = rows[3].as_ref().unwrap_err();
    assert_eq!(
        (closing.line, closing.message.as_str()),
        (5, ":62F: amount is missing")
    );
}

#[test]
fn overlong_lines_and_fields() {
    let long_line = "x".repeat(MAX_LINE_BYTES + 10);
    let long_narrative = "y".repeat(MAX_FIELD_CHARS);
    let input = format!(
        ":20:X\n:25:0123456789012\n:60F:C250801VND0,\n\
         :61:250801C1,NTRFA\n:86:{long_line}\n\
         :61:250801C2,NTRFB\n:86:{long_narrative}\n\
         :61:250801C4,NTRFC\n:86:{}\n:62F:C250801VND7,\n",
        "z".repeat(MAX_FIELD_CHARS - 4)
    );
    let rows = read(&input);
    assert_eq!(rows.len(), 3, "{rows:?}");
    let error = rows[0].as_ref().unwrap_err();
    assert_eq!(error.line, 5);
    assert_eq!(
        error.message,
        format!(
            "line 5 is longer than {MAX_LINE_BYTES} bytes; :86: is longer than 4000 characters"
        )
    );
    let error = rows[1].as_ref().unwrap_err();
    assert_eq!(
        (error.line, error.message.as_str()),
        (7, ":86: is longer than 4000 characters")
    );
    // Exactly at the cap is fine; raw is cut to the cap.
    let entry = rows[2].as_ref().unwrap();
    assert_eq!(entry.description.len(), MAX_FIELD_CHARS - 4);
    assert_eq!(entry.raw.chars().count(), MAX_FIELD_CHARS);
    assert_eq!(entry.balance, Some(7));
}

#[test]
fn binary_garbage_is_reported_once() {
    let garbage: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let rows: Vec<_> = Mt940Reader::new(&garbage[..]).collect();
    assert!(rows.len() <= 1, "{rows:?}");
}

#[test]
fn reader_is_send_and_debug() {
    fn is_send<T: Send>(_: &T) {}
    let reader = Mt940Reader::new(VIETCOMBANK.as_bytes());
    is_send(&reader);
    assert!(format!("{reader:?}").starts_with("Mt940Reader"));
}

// ---------------------------------------------------------------------------
// Property tests

/// One generated entry.
#[derive(Debug, Clone)]
struct GenEntry {
    /// 0 = C, 1 = D, 2 = RC, 3 = RD.
    mark: u8,
    magnitude: i64,
    customer: Option<String>,
    bank: Option<String>,
    narrative: Vec<String>,
    entry_date: bool,
}

impl GenEntry {
    fn amount(&self) -> i64 {
        match self.mark {
            0 | 3 => self.magnitude,
            _ => -self.magnitude,
        }
    }

    fn reference(&self) -> Option<&str> {
        self.bank.as_deref().or(self.customer.as_deref())
    }
}

#[derive(Debug, Clone)]
struct GenMessage {
    account: String,
    opening: i64,
    entries: Vec<GenEntry>,
}

#[derive(Debug, Clone, Copy)]
struct Style {
    crlf: bool,
    blocks: bool,
    indent: bool,
    closing: bool,
}

fn gen_entry() -> impl Strategy<Value = GenEntry> {
    (
        0u8..4,
        prop_oneof![1i64..=10_000_000, 1i64..=1_000_000_000_000],
        proptest::option::of("[A-Z0-9]{1,16}"),
        proptest::option::of("[A-Z0-9]{1,16}"),
        proptest::collection::vec("[A-Za-z0-9][A-Za-z0-9 ./+-]{0,30}[A-Za-z0-9]", 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(mark, magnitude, customer, bank, narrative, entry_date)| GenEntry {
                mark,
                magnitude,
                customer: customer.filter(|c| c != "NONREF"),
                bank,
                narrative,
                entry_date,
            },
        )
}

fn gen_message() -> impl Strategy<Value = GenMessage> {
    (
        "[0-9]{8,19}",
        -1_000_000_000_000i64..=1_000_000_000_000,
        proptest::collection::vec(gen_entry(), 0..6),
    )
        .prop_map(|(account, opening, entries)| GenMessage {
            account,
            opening,
            entries,
        })
}

fn gen_style() -> impl Strategy<Value = Style> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(crlf, blocks, indent, closing)| Style {
            crlf,
            blocks,
            indent,
            closing,
        },
    )
}

fn balance_field(tag: &str, amount: i64) -> String {
    let mark = if amount < 0 { 'D' } else { 'C' };
    format!(":{tag}:{mark}250422VND{},00", amount.unsigned_abs())
}

/// Renders messages; returns the file and the line of each `:61:`.
fn render(messages: &[GenMessage], style: Style) -> (String, Vec<u64>) {
    let mut lines: Vec<String> = Vec::new();
    let mut entry_lines = Vec::new();
    let pad = if style.indent { "  " } else { "" };
    for (m, message) in messages.iter().enumerate() {
        if style.blocks {
            lines.push("{1:F01BFTVVNVXAXXX0000000000}{2:O940BFTVVNVXAXXXN}{4:".into());
        }
        lines.push(format!("{pad}:20:MSG{m}"));
        lines.push(format!("{pad}:25:970436/{}", message.account));
        lines.push(format!("{pad}:28C:{:05}/001", m + 1));
        lines.push(format!("{pad}{}", balance_field("60F", message.opening)));
        let mut running = message.opening;
        for entry in &message.entries {
            running += entry.amount();
            let mark = ["C", "D", "RC", "RD"][usize::from(entry.mark)];
            let date = if entry.entry_date {
                "2504220423"
            } else {
                "250422"
            };
            let customer = entry.customer.as_deref().unwrap_or("NONREF");
            let bank = entry
                .bank
                .as_ref()
                .map_or_else(String::new, |b| format!("//{b}"));
            entry_lines.push(lines.len() as u64 + 1);
            lines.push(format!(
                "{pad}:61:{date}{mark}{},00NTRF{customer}{bank}",
                entry.magnitude
            ));
            for (i, text) in entry.narrative.iter().enumerate() {
                let tag = if i == 0 { ":86:" } else { "" };
                lines.push(format!("{pad}{tag}{text}"));
            }
        }
        if style.closing {
            lines.push(format!("{pad}{}", balance_field("62F", running)));
        }
        lines.push(if style.blocks { "-}" } else { "-" }.into());
        lines.push(String::new());
    }
    let eol = if style.crlf { "\r\n" } else { "\n" };
    (lines.join(eol), entry_lines)
}

proptest! {
    #[test]
    fn generated_files_round_trip(
        messages in proptest::collection::vec(gen_message(), 1..4),
        style in gen_style(),
    ) {
        let (file, lines) = render(&messages, style);
        let rows: Vec<_> = Mt940Reader::new(file.as_bytes()).collect();
        let expected: Vec<&GenEntry> = messages.iter().flat_map(|m| &m.entries).collect();
        prop_assert_eq!(rows.len(), expected.len(), "{:?}", rows);
        let mut index = 0;
        for message in &messages {
            let mut running = message.opening;
            for want in &message.entries {
                let got = rows[index].as_ref().map_err(|e| TestCaseError::fail(e.to_string()))?;
                running += want.amount();
                prop_assert_eq!(got.amount, want.amount());
                prop_assert_eq!(got.balance, Some(running));
                prop_assert_eq!(got.reference.as_deref(), want.reference());
                prop_assert_eq!(&got.description, &want.narrative.join(" "));
                prop_assert_eq!(got.account.as_deref(), Some(message.account.as_str()));
                prop_assert_eq!(got.line, lines[index]);
                let day = if want.entry_date { 23 } else { 22 };
                prop_assert_eq!(got.booked_at, vn_midnight(2025, 4, day));
                index += 1;
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let lines = input.iter().filter(|b| **b == b'\n' || **b == b'\r').count() + 1;
        let mut count = 0;
        for row in Mt940Reader::new(&input[..]) {
            count += 1;
            match row {
                Ok(entry) => prop_assert!(entry.amount != 0),
                Err(error) => prop_assert!(!error.message.is_empty() && error.line >= 1),
            }
        }
        prop_assert!(count <= lines + 1);
    }

    #[test]
    fn tag_soup_never_panics(
        lines in proptest::collection::vec(
            (
                prop_oneof![
                    Just(":20:"), Just(":25:"), Just(":28C:"), Just(":60F:"), Just(":60M:"),
                    Just(":61:"), Just(":86:"), Just(":62F:"), Just(":62M:"), Just(":64:"),
                    Just("-}"), Just("-"), Just("{4:"), Just("  "), Just(":99X:"), Just(""),
                ],
                prop_oneof![
                    "[CDR]{0,2}[0-9]{0,10}[A-Z]{0,3}[0-9,.]{0,20}[NFS]?[A-Z0-9/?]{0,20}",
                    "\\PC{0,40}",
                    "[0-9?/ ]{0,30}",
                ],
            ),
            0..40,
        ),
        crlf: bool,
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let file: String = lines.iter().map(|(tag, value)| format!("{tag}{value}{eol}")).collect();
        for row in Mt940Reader::new(file.as_bytes()) {
            match row {
                Ok(entry) => {
                    prop_assert!(entry.amount != 0);
                    prop_assert!(entry.raw.chars().count() <= MAX_FIELD_CHARS);
                    prop_assert!(entry.line >= 1 && entry.line as usize <= lines.len());
                }
                Err(error) => prop_assert!(!error.message.is_empty()),
            }
        }
    }

    #[test]
    fn mutated_files_never_panic(
        messages in proptest::collection::vec(gen_message(), 1..3),
        style in gen_style(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..10),
    ) {
        let (file, _) = render(&messages, style);
        let mut bytes = file.into_bytes();
        for (at, byte, kind) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        for row in Mt940Reader::new(&bytes[..]) {
            match row {
                Ok(entry) => prop_assert!(entry.amount != 0),
                Err(error) => prop_assert!(!error.message.is_empty()),
            }
        }
    }
}
