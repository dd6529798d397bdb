//! Integration tests for bank CSV and Excel exports (`statements::table`):
//! realistic files built in the test, malformed inputs and property tests.

mod common;

use std::io::Cursor;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use common::grouped;
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use statements::table::{
    ColumnMapping, Field, Layout, TableCsvReader, TableError, TableXlsxReader,
};
use statements::{Entry, RowError, MAX_ABS_VND};

/// Vietnam local time as an instant.
fn vn(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, s).unwrap() - TimeDelta::hours(7)
}

fn csv_rows(input: &str, mapping: Option<&str>) -> Vec<Result<Entry, RowError>> {
    let mapping: Option<ColumnMapping> = mapping.map(|m| m.parse().unwrap());
    TableCsvReader::new(input.as_bytes(), mapping.as_ref())
        .unwrap_or_else(|e| panic!("{e}"))
        .collect()
}

fn csv_layout(input: &str, mapping: Option<&str>) -> Result<Layout, TableError> {
    let mapping: Option<ColumnMapping> = mapping.map(|m| m.parse().unwrap());
    TableCsvReader::new(input.as_bytes(), mapping.as_ref()).map(|r| r.layout().clone())
}

fn entries(rows: Vec<Result<Entry, RowError>>) -> Vec<Entry> {
    rows.into_iter()
        .map(|row| row.unwrap_or_else(|e| panic!("unexpected error: {e}")))
        .collect()
}

/// (line, amount) of each entry, or (line, message) of each error.
fn outline(rows: &[Result<Entry, RowError>]) -> Vec<(u64, Result<i64, String>)> {
    rows.iter()
        .map(|row| match row {
            Ok(entry) => (entry.line, Ok(entry.amount)),
            Err(error) => (error.line, Err(error.message.clone())),
        })
        .collect()
}

/// A statement as a Vietnamese bank might export it to CSV: title rows,
/// a header with diacritics, credit/debit columns, totals at the end.
const VIETNAMESE_CSV: &str = "\
NGÂN HÀNG TMCP VÍ DỤ,,,,,,,
SAO KÊ TÀI KHOẢN,,,,,,,
Số tài khoản: 0123456789,,,,,,,
\"Từ ngày 01/04/2025 đến ngày 30/04/2025\",,,,,,,
,,,,,,,
STT,Ngày giao dịch,Số tham chiếu,Nội dung,Ghi nợ,Ghi có,Số dư,Tên đối ứng
1,22/04/2025 09:30:15,FT25112ABC,CK DH1234 thanh toan,,\"1,200,000\",\"15,200,000\",NGUYEN VAN A
2,22/04/2025 14:05:00,FT25112ABD,Phi SMS thang 4,\"11,000\",,\"15,189,000\",
3,23-04-2025,=\"0001234\",\"Lai tien gui, thang 4\",,\"1,500\",\"15,190,500\",
,,,,,,,
,Tổng cộng,,,\"11,000\",\"1,201,500\",,
,Số dư cuối kỳ,,,,,\"15,190,500\",
Người lập biểu,,,Kế toán trưởng,,,,
";

#[test]
fn vietnamese_header_with_preamble_and_totals() {
    let reader = TableCsvReader::new(VIETNAMESE_CSV.as_bytes(), None).unwrap();
    assert_eq!(reader.delimiter(), b',');
    let layout = reader.layout().clone();
    assert!(layout.is_detected());
    assert_eq!(layout.header_line(), Some(6));
    assert_eq!(
        layout.to_string(),
        "date=\"Ngày giao dịch\" (B), description=\"Nội dung\" (D), credit=\"Ghi có\" (F), \
         debit=\"Ghi nợ\" (E), balance=\"Số dư\" (G), reference=\"Số tham chiếu\" (C), \
         counterparty_name=\"Tên đối ứng\" (H); header on line 6"
    );
    let entries = entries(reader.collect());
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries[0],
        Entry {
            booked_at: vn(2025, 4, 22, 9, 30, 15),
            amount: 1_200_000,
            description: "CK DH1234 thanh toan".into(),
            reference: Some("FT25112ABC".into()),
            balance: Some(15_200_000),
            counterparty_name: Some("NGUYEN VAN A".into()),
            counterparty_account: None,
            counterparty_bank: None,
            account: None,
            line: 7,
            raw: "1,22/04/2025 09:30:15,FT25112ABC,CK DH1234 thanh toan,,\"1,200,000\",\"15,200,000\",NGUYEN VAN A".into(),
        }
    );
    assert_eq!(entries[1].amount, -11_000);
    assert_eq!(entries[1].counterparty_name, None);
    assert_eq!(entries[2].booked_at, vn(2025, 4, 23, 0, 0, 0));
    assert_eq!(entries[2].reference.as_deref(), Some("0001234"));
    assert_eq!(entries[2].description, "Lai tien gui, thang 4");
    assert_eq!(entries[2].line, 9);
}

#[test]
fn header_without_diacritics_and_semicolons() {
    let input = "\
NGAN HANG TMCP VI DU
Tai khoan;0123456789
Ngay GD;Dien giai;So tien ghi no;So tien ghi co;So du;Ma GD
22/04/2025;CK DH1234;;1.200.000;15.200.000;FT1
22.04.2025 10:00;Phi, SMS;11.000;;15.189.000;FT2
";
    let reader = TableCsvReader::new(input.as_bytes(), None).unwrap();
    assert_eq!(reader.delimiter(), b';');
    assert_eq!(reader.layout().column(Field::Debit), Some(2));
    assert_eq!(reader.layout().header_name(Field::Reference), Some("Ma GD"));
    let entries = entries(reader.collect());
    assert_eq!(entries[0].amount, 1_200_000);
    assert_eq!(entries[1].amount, -11_000);
    assert_eq!(entries[1].booked_at, vn(2025, 4, 22, 10, 0, 0));
    assert_eq!(entries[1].description, "Phi, SMS");
    assert_eq!(
        entries[1].raw,
        "22.04.2025 10:00;Phi, SMS;11.000;;15.189.000;FT2"
    );
}

#[test]
fn english_header_with_tabs_and_signed_amounts() {
    let input = "Account statement\n\
                 Account no\t0123456789\n\
                 \n\
                 Transaction date\tDescription\tAmount\tRunning balance\tReference number\tCounterparty account\tCounterparty bank\n\
                 2025-04-22 09:30:00\tTransfer in\t1,200,000\t15,200,000\tREF1\t0987654321\tVCB\n\
                 22/04/2025\tFee\t-11,000\t15,189,000\tREF2\t\t\n";
    let reader = TableCsvReader::new(input.as_bytes(), None).unwrap();
    assert_eq!(reader.delimiter(), b'\t');
    let entries = entries(reader.collect());
    assert_eq!(entries[0].amount, 1_200_000);
    assert_eq!(
        entries[0].counterparty_account.as_deref(),
        Some("0987654321")
    );
    assert_eq!(entries[0].counterparty_bank.as_deref(), Some("VCB"));
    assert_eq!(entries[1].amount, -11_000);
    assert_eq!(entries[1].balance, Some(15_189_000));
    assert_eq!(entries[1].line, 6);
}

#[test]
fn bilingual_header_cells() {
    let input = "\
\"Ngày giao dịch\nTransaction date\",\"Nội dung / Description\",\"Ghi nợ (VND)\",\"Ghi có (VND)\"
22/04/2025,a,,5
";
    let layout = csv_layout(input, None).unwrap();
    assert_eq!(layout.column(Field::Credit), Some(3));
    assert_eq!(entries(csv_rows(input, None))[0].line, 3);
}

/// Two date columns: auto-detection refuses to choose.
const TWO_DATES: &str = "\
Ngày giao dịch,Ngày hiệu lực,Mô tả,Số tiền
22/04/2025 09:30,23/04/2025,CK,\"1,000\"
";

#[test]
fn ambiguous_header_is_reported() {
    let error = csv_layout(TWO_DATES, None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the header on line 1 has more than one column for \"date\": A \"Ngày giao dịch\" and \
         B \"Ngày hiệu lực\"; give a column mapping that names the one to use"
    );
    let mixed = "Date,Amount,Debit\n2025-04-22,1,\n";
    assert!(matches!(
        csv_layout(mixed, None),
        Err(TableError::MixedMoney { line: 1, .. })
    ));
}

#[test]
fn explicit_mapping_by_names() {
    let rows = csv_rows(
        TWO_DATES,
        Some("date=ngay hieu luc;description=Mô tả;amount=SỐ TIỀN"),
    );
    let entries = entries(rows);
    assert_eq!(entries[0].booked_at, vn(2025, 4, 23, 0, 0, 0));
    assert_eq!(entries[0].amount, 1000);
    let layout = csv_layout(TWO_DATES, Some("date=Ngày giao dịch,amount=Số tiền")).unwrap();
    assert!(!layout.is_detected());
    assert_eq!(
        layout.to_string(),
        "date=\"Ngày giao dịch\" (A), amount=\"Số tiền\" (D); header on line 1"
    );
    // The same names in the wrong file.
    let error = csv_layout(VIETNAMESE_CSV, Some("date=Ngày hiệu lực,credit=Ghi có")).unwrap_err();
    assert!(
        error.to_string().starts_with(
            "no row in the first 11 non-blank rows (lines 1–13) has all the columns named in the mapping (\"Ngày hiệu lực\", \"Ghi có\"); line 6 comes closest but lacks \"Ngày hiệu lực\""
        ),
        "{error}"
    );
}

#[test]
fn explicit_mapping_by_letters() {
    // Letters only: rows before the first date in column B are preamble.
    let rows = csv_rows(
        VIETNAMESE_CSV,
        Some("date=B,description=D,debit=E,credit=F"),
    );
    let got = outline(&rows);
    assert_eq!(got, [(7, Ok(1_200_000)), (8, Ok(-11_000)), (9, Ok(1_500))]);
    let entry = rows[0].as_ref().unwrap();
    assert_eq!(entry.balance, None);
    assert_eq!(entry.description, "CK DH1234 thanh toan");
    // With header_row, the names shown come from that row.
    let layout = csv_layout(VIETNAMESE_CSV, Some("date=2,credit=6,debit=5,header_row=6")).unwrap();
    assert_eq!(
        layout.to_string(),
        "date=\"Ngày giao dịch\" (B), credit=\"Ghi có\" (F), debit=\"Ghi nợ\" (E); header on line 6"
    );
    // A detected layout's mapping reads the file the same way.
    let detected = csv_layout(VIETNAMESE_CSV, None).unwrap();
    let again = csv_rows(VIETNAMESE_CSV, Some(&detected.to_mapping().to_string()));
    assert_eq!(again, csv_rows(VIETNAMESE_CSV, None));
    // A letter mapping that finds no date.
    assert_eq!(
        csv_layout(VIETNAMESE_CSV, Some("date=C,amount=F")).unwrap_err().to_string(),
        "no row in the first 11 non-blank rows (lines 1–13) has a date in column C: check the mapping, or give header_row"
    );
}

#[test]
fn no_header_found() {
    let input = "Bank XYZ\nfoo,bar\n1,2\n";
    let error = csv_layout(input, None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "no header row found in the first 3 non-blank rows (lines 1–3): need a date column (e.g. \
         \"Ngày giao dịch\") and credit/debit columns (e.g. \"Ghi có\", \"Ghi nợ\") or an amount \
         column (e.g. \"Số tiền\"); give a column mapping such as \
         \"date=Ngày giao dịch,credit=Ghi có,debit=Ghi nợ\""
    );
    // A header after the rows searched is not found.
    let late = format!("{}Date,Amount\n2025-04-22,1\n", "title\n".repeat(30));
    assert!(matches!(
        csv_layout(&late, None),
        Err(TableError::NoHeader { scanned }) if scanned.rows == 30 && scanned.last_line == 30
    ));
}

#[test]
fn bad_rows_are_reported_and_reading_continues() {
    let input = "\
Sao kê
Ngày,Nội dung,Ghi nợ,Ghi có
22/04/2025,ok,,1.000
31/04/2025,bad date,,2.000
23/04/2025,bad amount,,12.5
23/04/2025,both,1,1
hôm qua,not a date,,3
24/04/2025,ok again,500,
";
    let got = outline(&csv_rows(input, None));
    assert_eq!(
        got,
        [
            (3, Ok(1000)),
            (4, Err("date \"31/04/2025\" is not a valid date (no such date or time of day)".into())),
            (5, Err("credit \"12.5\" is not a whole number of VND".into())),
            (6, Err("the row has both credit and debit".into())),
            (7, Err("date \"hôm qua\" is not a valid date (expected day first, such as 22/04/2025, 22-04-2025, 22.04.2025 or 22/04/2025 09:30:15, or ISO such as 2025-04-22)".into())),
            (8, Ok(-500)),
        ]
    );
}

#[test]
fn summary_rows_at_the_end_are_skipped() {
    let input = "\
Date,Description,Money in,Money out,Balance
2025-04-22,a,100,,100
,,,,
Total,,100,0,
Closing balance,,,,100
Printed by: someone,,,,
2025-04-30,late entry,,40,60
,,,,
,,\"100\",\"40\",
";
    let got = outline(&csv_rows(input, None));
    assert_eq!(got, [(2, Ok(100)), (7, Ok(-40))]);
}

#[test]
fn an_unlabelled_total_is_an_error_not_silently_skipped() {
    let input = "Date,Description,Amount\n2025-04-22,a,100\n,,100\n";
    let got = outline(&csv_rows(input, None));
    assert_eq!(got, [(2, Ok(100)), (3, Err("date is empty".into()))]);
}

#[test]
fn crlf_and_quoted_line_breaks_keep_physical_lines() {
    let input = "Bank\r\n\r\nNgày,Nội dung,Số tiền\r\n22/04/2025,\"two\r\nlines\",1\r\n\r\n22/04/2025,x,2\r\n";
    let got = outline(&csv_rows(input, None));
    assert_eq!(got, [(4, Ok(1)), (7, Ok(2))]);
}

#[test]
fn readers_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<TableCsvReader<std::fs::File>>();
    send::<TableXlsxReader>();
}

// ---------------------------------------------------------------- xlsx ----

fn xlsx(build: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
    let mut workbook = Workbook::new();
    workbook.add_worksheet().set_name("Notes").unwrap();
    build(workbook.add_worksheet().set_name("Sao kê").unwrap());
    workbook.save_to_buffer().unwrap()
}

fn xlsx_reader(bytes: &[u8], mapping: Option<&str>) -> Result<TableXlsxReader, TableError> {
    let mapping: Option<ColumnMapping> = mapping.map(|m| m.parse().unwrap());
    TableXlsxReader::new(Cursor::new(bytes), Some("Sao kê"), mapping.as_ref())
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[&str]) {
    for (col, text) in cells.iter().enumerate() {
        if !text.is_empty() {
            sheet.write_string(row, col as u16, *text).unwrap();
        }
    }
}

/// A workbook with numbers and real date cells.
fn numeric_workbook() -> Vec<u8> {
    xlsx(|sheet| {
        let date = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
        let day = Format::new().set_num_format("dd/mm/yyyy");
        let money = Format::new().set_num_format("#,##0");
        sheet
            .merge_range(
                0,
                0,
                0,
                5,
                "NGÂN HÀNG TMCP VÍ DỤ - SAO KÊ TÀI KHOẢN",
                &Format::new(),
            )
            .unwrap();
        write_row(sheet, 1, &["Số tài khoản", "0123456789"]);
        write_row(
            sheet,
            3,
            &[
                "Ngày GD",
                "Nội dung",
                "Ghi nợ",
                "Ghi có",
                "Số dư",
                "Số bút toán",
            ],
        );
        let when = ExcelDateTime::from_ymd(2025, 4, 22)
            .unwrap()
            .and_hms(9, 30, 15)
            .unwrap();
        sheet
            .write_datetime_with_format(4, 0, &when, &date)
            .unwrap();
        sheet.write_string(4, 1, "CK DH1234").unwrap();
        sheet
            .write_number_with_format(4, 3, 1_200_000, &money)
            .unwrap();
        sheet
            .write_number_with_format(4, 4, 15_200_000, &money)
            .unwrap();
        sheet.write_number(4, 5, 123_456_789).unwrap();
        let next = ExcelDateTime::from_ymd(2025, 4, 23).unwrap();
        sheet.write_datetime_with_format(5, 0, &next, &day).unwrap();
        sheet.write_string(5, 1, "Phi SMS").unwrap();
        sheet.write_number(5, 2, 11_000).unwrap();
        sheet.write_number(5, 4, 15_189_000).unwrap();
        sheet.write_datetime_with_format(6, 0, &next, &day).unwrap();
        sheet.write_string(6, 1, "Lai").unwrap();
        sheet.write_number(6, 3, 1_500.5).unwrap();
        sheet.write_string(8, 1, "Tổng cộng").unwrap();
        sheet.write_number(8, 2, 11_000).unwrap();
        sheet.write_number(8, 3, 1_201_500.5).unwrap();
    })
}

#[test]
fn xlsx_with_numbers_and_date_cells() {
    let bytes = numeric_workbook();
    let reader = xlsx_reader(&bytes, None).unwrap();
    assert_eq!(reader.sheet(), "Sao kê");
    assert_eq!(reader.layout().header_line(), Some(4));
    let rows: Vec<_> = reader.collect();
    assert_eq!(
        outline(&rows),
        [
            (5, Ok(1_200_000)),
            (6, Ok(-11_000)),
            (7, Err("credit 1500.5 is not a whole number of VND".into())),
        ]
    );
    let first = rows[0].as_ref().unwrap();
    assert_eq!(first.booked_at, vn(2025, 4, 22, 9, 30, 15));
    assert_eq!(first.balance, Some(15_200_000));
    assert_eq!(first.reference.as_deref(), Some("123456789"));
    assert_eq!(
        first.raw,
        "2025-04-22 09:30:15,CK DH1234,,1200000,15200000,123456789"
    );
    let second = rows[1].as_ref().unwrap();
    assert_eq!(second.booked_at, vn(2025, 4, 23, 0, 0, 0));
    assert_eq!(second.account, None);
}

#[test]
fn xlsx_first_worksheet_and_sheet_names() {
    let bytes = numeric_workbook();
    // The first worksheet ("Notes") is empty.
    assert_eq!(
        TableXlsxReader::new(Cursor::new(&bytes), None, None).unwrap_err(),
        TableError::Empty
    );
    assert_eq!(
        TableXlsxReader::new(Cursor::new(&bytes), Some("Sheet9"), None).unwrap_err(),
        TableError::SheetNotFound {
            name: "Sheet9".into(),
            available: vec!["Notes".into(), "Sao kê".into()],
        }
    );
    for name in ["SAO KÊ", "sao kê", " Sao kê "] {
        let reader = TableXlsxReader::new(Cursor::new(&bytes), Some(name), None).unwrap();
        assert_eq!(reader.sheet(), "Sao kê");
    }
}

#[test]
fn xlsx_with_text_cells() {
    let bytes = xlsx(|sheet| {
        write_row(sheet, 0, &["SAO KE TAI KHOAN"]);
        write_row(
            sheet,
            2,
            &["Ngay giao dich", "Noi dung giao dich", "So tien", "So du"],
        );
        write_row(
            sheet,
            3,
            &[
                "22/04/2025 09:30:15",
                "CK DH1234",
                "1.200.000",
                "15.200.000",
            ],
        );
        write_row(
            sheet,
            4,
            &["22-04-2025", "Phi SMS", "-11.000 VND", "15.189.000"],
        );
        write_row(sheet, 5, &["22/04/2025", "x", "abc", ""]);
        write_row(sheet, 7, &["Tong cong", "", "1.189.000", ""]);
    });
    let rows: Vec<_> = xlsx_reader(&bytes, None).unwrap().collect();
    let got = outline(&rows);
    assert_eq!(got[..2], [(4, Ok(1_200_000)), (5, Ok(-11_000))]);
    assert_eq!(got[2].0, 6);
    assert!(got[2]
        .1
        .as_ref()
        .unwrap_err()
        .starts_with("amount \"abc\" is not a valid VND amount"));
    assert_eq!(got.len(), 3);
    assert_eq!(
        rows[0].as_ref().unwrap().booked_at,
        vn(2025, 4, 22, 9, 30, 15)
    );
    assert_eq!(
        rows[1].as_ref().unwrap().booked_at,
        vn(2025, 4, 22, 0, 0, 0)
    );
}

#[test]
fn xlsx_two_row_header_and_mapping_by_letters() {
    let bytes = xlsx(|sheet| {
        let day = Format::new().set_num_format("dd/mm/yyyy");
        write_row(sheet, 0, &["Ngày", "Diễn giải", "", "", "Số dư"]);
        sheet
            .merge_range(0, 2, 0, 3, "Số tiền", &Format::new())
            .unwrap();
        write_row(sheet, 1, &["", "", "Nợ", "Có", ""]);
        let date = ExcelDateTime::from_ymd(2025, 4, 22).unwrap();
        sheet.write_datetime_with_format(2, 0, &date, &day).unwrap();
        sheet.write_string(2, 1, "CK").unwrap();
        sheet.write_number(2, 3, 5_000).unwrap();
        // A serial date without a date format.
        sheet.write_number(3, 0, 45_770).unwrap();
        sheet.write_string(3, 1, "Phi").unwrap();
        sheet.write_number(3, 2, 1_000).unwrap();
    });
    let reader = xlsx_reader(&bytes, None).unwrap();
    assert_eq!(
        reader.layout().to_string(),
        "date=\"Ngày\" (A), description=\"Diễn giải\" (B), credit=\"Có\" (D), \
         debit=\"Số tiền / Nợ\" (C), balance=\"Số dư\" (E); header on lines 1–2"
    );
    let rows: Vec<_> = reader.collect();
    assert_eq!(outline(&rows), [(3, Ok(5_000)), (4, Ok(-1_000))]);
    assert_eq!(
        rows[1].as_ref().unwrap().booked_at,
        vn(2025, 4, 23, 0, 0, 0)
    );

    let by_letters: Vec<_> = xlsx_reader(&bytes, Some("date=A,debit=C,credit=D"))
        .unwrap()
        .collect();
    assert_eq!(outline(&by_letters), [(3, Ok(5_000)), (4, Ok(-1_000))]);
}

#[test]
fn xlsx_errors() {
    let not_zip = TableXlsxReader::new(Cursor::new(b"Date,Amount\n"), None, None).unwrap_err();
    assert!(matches!(not_zip, TableError::Workbook { .. }), "{not_zip}");
    let mut ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    ole.resize(2048, 0);
    let old = TableXlsxReader::new(Cursor::new(ole), None, None).unwrap_err();
    assert!(
        old.to_string().contains("password") || old.to_string().contains(".xls"),
        "{old}"
    );
    let bytes = xlsx(|sheet| write_row(sheet, 0, &["Hello", "World"]));
    assert!(matches!(
        xlsx_reader(&bytes, None),
        Err(TableError::NoHeader { .. })
    ));
}

#[test]
fn xlsx_given_as_csv_is_rejected() {
    let bytes = numeric_workbook();
    let error = TableCsvReader::new(&bytes[..], None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "this is not a CSV text file: it looks like an Excel .xlsx workbook (a zip archive): read it as xlsx"
    );
}

// ---------------------------------------------------------- properties ----

/// One generated entry: local date and time, whether the time is written,
/// amount, balance, description, reference.
#[derive(Debug, Clone)]
struct Row {
    local: chrono::NaiveDateTime,
    with_time: bool,
    amount: i64,
    balance: Option<i64>,
    description: String,
    reference: Option<String>,
}

fn row_strategy() -> impl Strategy<Value = Row> {
    (
        0i64..(30 * 365 * 86_400),
        any::<bool>(),
        prop_oneof![1i64..=MAX_ABS_VND, 1i64..=100_000_000],
        any::<bool>(),
        proptest::option::of(-MAX_ABS_VND..=MAX_ABS_VND),
        "[a-zA-Z0-9đĐàáạảãâầấậăằắêềếôồốơờớưừứ.,;:/ -]{0,24}",
        proptest::option::of("[A-Z0-9]{1,12}"),
    )
        .prop_map(
            |(secs, with_time, magnitude, negative, balance, description, reference)| {
                let start = NaiveDate::from_ymd_opt(2000, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap();
                let mut local = start + TimeDelta::seconds(secs);
                if !with_time {
                    local = local.date().and_hms_opt(0, 0, 0).unwrap();
                }
                Row {
                    local,
                    with_time,
                    amount: if negative { -magnitude } else { magnitude },
                    balance,
                    description: description.trim().to_owned(),
                    reference,
                }
            },
        )
}

const DATE_NAMES: [&str; 6] = [
    "Ngày giao dịch",
    "Ngay GD",
    "NGÀY HẠCH TOÁN",
    "Date",
    "Transaction date",
    "Thời gian giao dịch",
];
const DESCRIPTION_NAMES: [&str; 5] = ["Nội dung", "Dien giai", "Mô tả", "Description", "Remarks"];
const CREDIT_NAMES: [&str; 5] = ["Ghi có", "So tien ghi co", "Có", "Credit", "Money in"];
const DEBIT_NAMES: [&str; 5] = ["Ghi nợ", "So tien ghi no", "Nợ", "Debit", "Money out"];
const AMOUNT_NAMES: [&str; 3] = ["Số tiền", "so tien giao dich", "Amount"];
const BALANCE_NAMES: [&str; 3] = ["Số dư", "So du sau giao dich", "Running balance"];
const REFERENCE_NAMES: [&str; 4] = ["Số tham chiếu", "Ma GD", "Reference", "Transaction ID"];
const PREAMBLE: [&str; 6] = [
    "NGÂN HÀNG TMCP VÍ DỤ",
    "SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT",
    "Số tài khoản: 0123456789",
    "Từ ngày 01/04/2025, đến ngày 30/04/2025",
    "",
    "Loại tiền: VND",
];

/// How a generated file is written.
#[derive(Debug, Clone)]
struct Style {
    delimiter: u8,
    thousands: &'static str,
    date_format: &'static str,
    credit_debit: bool,
    names: [usize; 7],
    preamble: Vec<usize>,
    totals: bool,
}

fn style_strategy() -> impl Strategy<Value = Style> {
    (
        prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
        prop_oneof![Just(""), Just(","), Just("."), Just(" ")],
        prop_oneof![
            Just("%d/%m/%Y"),
            Just("%d-%m-%Y"),
            Just("%d.%m.%Y"),
            Just("%Y-%m-%d")
        ],
        any::<bool>(),
        proptest::array::uniform7(0usize..100),
        proptest::collection::vec(0..PREAMBLE.len(), 0..8),
        any::<bool>(),
    )
        .prop_map(
            |(delimiter, thousands, date_format, credit_debit, names, preamble, totals)| Style {
                delimiter,
                thousands,
                date_format,
                credit_debit,
                names,
                preamble,
                totals,
            },
        )
}

/// Writes `rows` as a bank export in `style`; returns the file and the line
/// of each row.
fn write_bank_csv(rows: &[Row], style: &Style) -> (String, Vec<u64>) {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(style.delimiter)
        .flexible(true)
        .from_writer(Vec::new());
    for &line in &style.preamble {
        writer.write_record([PREAMBLE[line]]).unwrap();
    }
    let pick = |names: &[&'static str], i: usize| names[style.names[i] % names.len()];
    let mut header = vec![
        pick(&REFERENCE_NAMES, 0),
        pick(&DATE_NAMES, 1),
        pick(&DESCRIPTION_NAMES, 2),
    ];
    if style.credit_debit {
        header.extend([pick(&DEBIT_NAMES, 3), pick(&CREDIT_NAMES, 4)]);
    } else {
        header.push(pick(&AMOUNT_NAMES, 5));
    }
    header.push(pick(&BALANCE_NAMES, 6));
    writer.write_record(&header).unwrap();
    let money = |value: i64| grouped(value, style.thousands);
    for row in rows {
        let format = if row.with_time {
            format!("{} %H:%M:%S", style.date_format)
        } else {
            style.date_format.to_owned()
        };
        let mut record = vec![
            row.reference.clone().unwrap_or_default(),
            row.local.format(&format).to_string(),
            row.description.clone(),
        ];
        if style.credit_debit {
            if row.amount < 0 {
                record.extend([money(-row.amount), String::new()]);
            } else {
                record.extend([String::new(), money(row.amount)]);
            }
        } else {
            record.push(money(row.amount));
        }
        record.push(row.balance.map(money).unwrap_or_default());
        writer.write_record(&record).unwrap();
    }
    if style.totals {
        writer
            .write_record(["", "Tổng cộng", "", "1", "2"])
            .unwrap();
        writer
            .write_record(["Số dư cuối kỳ", "", "", "", "3"])
            .unwrap();
    }
    let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let first = style.preamble.len() as u64 + 2;
    let lines = (0..rows.len() as u64).map(|i| first + i).collect();
    (text, lines)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn bank_csv_round_trips(
        rows in proptest::collection::vec(row_strategy(), 1..12),
        style in style_strategy(),
    ) {
        let (text, lines) = write_bank_csv(&rows, &style);
        let reader = TableCsvReader::new(text.as_bytes(), None)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(reader.delimiter(), style.delimiter);
        let mapping = reader.layout().to_mapping();
        let read: Vec<_> = reader.collect();
        prop_assert_eq!(read.len(), rows.len(), "{}", text);
        for ((got, row), line) in read.iter().zip(&rows).zip(&lines) {
            let got = got.as_ref().map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let want = row.local - TimeDelta::hours(7);
            prop_assert_eq!(got.booked_at, want.and_utc());
            prop_assert_eq!(got.amount, row.amount);
            prop_assert_eq!(&got.description, &row.description);
            prop_assert_eq!(&got.reference, &row.reference);
            prop_assert_eq!(got.balance, row.balance);
            prop_assert_eq!(got.line, *line);
            prop_assert!(!got.raw.is_empty());
        }
        // The detected layout, written as a mapping, reads the same.
        let again: Vec<_> = TableCsvReader::new(text.as_bytes(), Some(&mapping)).unwrap().collect();
        prop_assert_eq!(again, read);
    }

    #[test]
    fn mappings_round_trip_through_text(
        fields in proptest::sample::subsequence(Field::ALL.to_vec(), 1..=10),
        columns in proptest::collection::vec(
            prop_oneof![
                (0usize..16_384).prop_map(statements::table::ColumnRef::Index),
                "[^\"]{1,12}".prop_map(statements::table::ColumnRef::Name),
                "[A-Z]{1,3}|[0-9]{1,3}|[a-z ,;=\"]{1,8}".prop_map(statements::table::ColumnRef::Name),
            ],
            10,
        ),
        header_row in proptest::option::of(1u64..1000),
    ) {
        if let Ok(mapping) = ColumnMapping::new(fields.into_iter().zip(columns), header_row) {
            let text = mapping.to_string();
            prop_assert_eq!(text.parse::<ColumnMapping>(), Ok(mapping), "{}", text);
        }
    }

    #[test]
    fn csv_reader_never_panics_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        header in prop_oneof![
            Just(""),
            Just("Ngày,Nội dung,Ghi nợ,Ghi có,Số dư\n"),
            Just("Date;Amount;Balance\n"),
        ],
        mapping in prop_oneof![
            Just(None),
            Just(Some("date=A,amount=B")),
            Just(Some("date=Ngày,credit=Ghi có,header_row=1")),
        ],
    ) {
        let mut input = header.as_bytes().to_vec();
        input.extend_from_slice(&bytes);
        let mapping: Option<ColumnMapping> = mapping.map(|m| m.parse().unwrap());
        if let Ok(reader) = TableCsvReader::new(&input[..], mapping.as_ref()) {
            for row in reader {
                match row {
                    Ok(entry) => prop_assert!(entry.amount != 0),
                    Err(error) => prop_assert!(!error.message.is_empty()),
                }
            }
        }
    }

    #[test]
    fn csv_reader_never_panics_on_csv_like_input(
        body in proptest::collection::vec("[0-9a-zA-Z ,;.\"\\-+:/\t\n\r=đ]{0,30}|Tổng cộng|Ngày|Số tiền|Ghi có|22/04/2025", 0..30),
    ) {
        let input = body.concat();
        if let Ok(reader) = TableCsvReader::new(input.as_bytes(), None) {
            let header = reader.layout().header_line().unwrap_or(0);
            for row in reader {
                let line = match row {
                    Ok(entry) => entry.line,
                    Err(error) => error.line,
                };
                prop_assert!(line > header);
            }
        }
    }

    #[test]
    fn xlsx_reader_never_panics_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        zip_magic: bool,
    ) {
        let mut input = if zip_magic { b"PK\x03\x04".to_vec() } else { Vec::new() };
        input.extend_from_slice(&bytes);
        prop_assert!(TableXlsxReader::new(Cursor::new(input), None, None).is_err());
    }
}
