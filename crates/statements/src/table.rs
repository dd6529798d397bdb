//! Bank CSV and Excel (.xlsx) exports: statements as Vietnamese banks let
//! customers download them, read with a column mapping or by recognizing
//! the header.
//!
//! Such a file has a few title rows (bank name, account number, period, ...)
//! before the header row, column names in Vietnamese (with or without
//! diacritics) or English, separate credit/debit columns or one signed
//! amount, day-first dates, and often summary rows at the end.
//! [`TableCsvReader`] and [`TableXlsxReader`] turn it into [`Entry`](crate::Entry)
//! values, one `Result<Entry, RowError>` per data row, exactly like
//! [`CanonicalCsvReader`](crate::CanonicalCsvReader). Both take an
//! `Option<&ColumnMapping>`: given, it says where the columns are; `None`
//! detects the header. Either way the outcome is a [`Layout`] that can be
//! shown to the user (`reader.layout()`).
//!
//! # Column mappings
//!
//! A [`ColumnMapping`] names the column of each field: `date` (required),
//! `description`, the money as either a signed `amount` or `credit` and/or
//! `debit`, and optionally `balance`, `reference`, `counterparty_name`,
//! `counterparty_account`, `counterparty_bank`. Its text form is a list of
//! `field=column` items separated by `,` or `;`:
//!
//! ```text
//! date=Ngày giao dịch,description=Nội dung,credit=Ghi có,debit=Ghi nợ,balance=Số dư,reference=Số tham chiếu
//! date=A;description=B;amount=D
//! date=A,amount=4,header_row=6
//! ```
//!
//! A column is
//!
//! - a **header name**, matched against the header's cells ignoring case,
//!   diacritics, punctuation and spacing (`Ngày GD`, `ngay gd` and
//!   `NGÀY GD:` are the same name); a cell that only contains the name as a
//!   part, such as `Ghi có / Credit` or `Số dư (VND)`, matches when no cell
//!   is exactly the name;
//! - one to three **upper-case letters** as in a spreadsheet (`A`, `B`, ...,
//!   `AA`, up to `XFD`), or a **1-based number** (`1` is column `A`);
//! - a name in double quotes, for a name that would otherwise read as
//!   letters or a number or that contains `,` `;` or `"` (written `""`):
//!   `reference="REF"`, `description="Nội dung, ghi chú"`.
//!
//! `header_row=N` gives the header's 1-based line (CSV) or sheet row (xlsx).
//! Without it, the first data row is found as follows:
//!
//! - a mapping with **any name** needs a header row: the first of the rows
//!   searched (see below) that has a column for every name is the header,
//!   and data starts on the row after it; a name matching two columns of
//!   that row is an error;
//! - a mapping by **letters or numbers only** has no header: rows whose
//!   date cell does not parse as a date are skipped as preamble (title rows,
//!   the header itself) until the first row whose date cell parses, which is
//!   the first data row. That row must be among the rows searched.
//!
//! # Header auto-detection
//!
//! Without a mapping, the first [`SCAN_ROWS`] (30) non-blank rows are
//! searched for the header: the first row in which a date column and a money
//! column (an amount, or a credit and/or a debit column) are recognized from
//! the names below. Names match ignoring case, diacritics, punctuation and
//! spacing, except `Có` and `Nợ`, which must keep their diacritics (`No.` is
//! usually a row number). A cell that is exactly a name beats a cell that
//! only has the name as a part (split at `/ ( ) [ ] | :`, line breaks and
//! ` - `, with a currency word `VND`/`VNĐ` ignored): `Ngày` beats
//! `Ngày hiệu lực / Value date`. Two columns matching one field equally
//! well, or both an amount and credit/debit columns, are an error
//! ([`TableError::Ambiguous`], [`TableError::MixedMoney`]): the reader never
//! guesses; give a mapping instead.
//!
//! | field | recognized names |
//! |---|---|
//! | `date` | Ngày giao dịch, Ngày GD, Ngày hạch toán, Ngày hiệu lực, Ngày giờ giao dịch, Thời gian giao dịch, Thời gian, Ngày, Date, Transaction date, Posting date, Value date, Booking date, Transaction time |
//! | `description` | Nội dung, Nội dung giao dịch, Nội dung chi tiết, Diễn giải, Mô tả, Chi tiết giao dịch, Description, Transaction description, Details, Transaction details, Narrative, Remarks |
//! | `amount` | Số tiền, Số tiền giao dịch, Amount, Transaction amount |
//! | `credit` | Ghi có, Số tiền ghi có, Phát sinh có, Tiền vào, Có, Credit, Credit amount, Money in |
//! | `debit` | Ghi nợ, Số tiền ghi nợ, Phát sinh nợ, Tiền ra, Nợ, Debit, Debit amount, Money out |
//! | `balance` | Số dư, Số dư sau giao dịch, Số dư cuối, Balance, Running balance |
//! | `reference` | Số tham chiếu, Mã giao dịch, Số bút toán, Số chứng từ, Mã GD, Reference, Reference number, Reference no, Transaction ID, Ref, Ref no |
//! | `counterparty_name` | Tên đối ứng, Tên tài khoản đối ứng, Tên người chuyển, Người chuyển, Đơn vị thụ hưởng, Counterparty, Counterparty name |
//! | `counterparty_account` | Tài khoản đối ứng, Số tài khoản đối ứng, TK đối ứng, Số TK đối ứng, Counterparty account |
//! | `counterparty_bank` | Ngân hàng đối ứng, NH đối ứng, Counterparty bank |
//!
//! These are generic names, not any particular bank's layout. A header may
//! span two rows, a merged `Số tiền` above `Nợ` and `Có`: when the row after
//! the header names a money column, no date column and holds no date, its
//! cells refine the header's (the `Layout` then reports both lines).
//!
//! # Rows
//!
//! After the header, each row is read as follows:
//!
//! - a row with only blank cells is skipped;
//! - a **summary row** is skipped: its date cell, description cell or first
//!   non-blank cell starts with `Tổng` (`Tổng cộng`, ...), `Cộng phát sinh`,
//!   `Phát sinh trong kỳ`, `Số dư đầu kỳ`, `Số dư cuối kỳ`, `Total`,
//!   `Subtotal`, `Grand total`, `Opening`/`Closing`/`Beginning`/`Ending
//!   balance` or `Balance brought forward`, or is `Cộng` (any case, with or
//!   without diacritics), and its date cell does not hold a date or its
//!   money cells are blank. After one, rows without a valid date are
//!   footer text and skipped too;
//! - a row with a blank date cell and blank money cells (a continuation
//!   line) is skipped;
//! - any other row is an entry, or a [`RowError`](crate::RowError) naming
//!   what is wrong: a date that does not parse, a blank date in a row with
//!   money, an invalid amount. Reading continues after it.
//!
//! Money follows the [canonical CSV](crate#columns) rule: with credit/debit,
//! exactly one of them is non-zero in each row (blank means zero; a debit
//! becomes negative, and a debit written with a leading `-` is tolerated);
//! with a signed amount, it must be non-zero. Text fields are trimmed; an
//! empty optional field is `None`; an unmapped description is empty.
//!
//! # Dates and amounts
//!
//! Text dates are day first, `dd/mm/yyyy`, `dd-mm-yyyy` or `dd.mm.yyyy`
//! (day and month may have one digit), optionally followed by a time
//! `HH:MM` or `HH:MM:SS` (after any whitespace, even a line break), or any
//! form [`parse_time`](crate::parse_time) accepts (ISO `2025-04-22`,
//! RFC 3339). A date without a time is 00:00 Vietnam time (UTC+7).
//! Spreadsheet date cells are Vietnam local time. A plain number in the date
//! column of a spreadsheet is read as an Excel serial date (1900 date
//! system) when it falls on or after 1970-01-01; smaller numbers are errors.
//!
//! Text amounts use [`parse_vnd`](crate::parse_vnd) (`1.200.000`,
//! `1,200,000`, `-50 000`, ...), after dropping a trailing currency (`VND`,
//! `VNĐ`, `đ`, `₫`); a lone `-` means empty. Number cells must be whole VND:
//! a fraction other than `.0` is an error.
//!
//! # CSV specifics
//!
//! The delimiter (`,`, `;` or tab) is the one with which the header (or,
//! for a mapping by letters, the first data row) is found; if several
//! delimiters find one, the one under which more of the rows searched have a
//! date in the date column, then the one giving that row more cells, then
//! the first in the order `,` `;` tab. The text is UTF-8 (a byte-order mark is
//! skipped) or UTF-16 with a byte-order mark; other encodings are rejected
//! with [`TableError::NotUtf8`], and an Excel file given as CSV with
//! [`TableError::NotCsv`]. A cell written `="0123"` (Excel's way of keeping
//! leading zeros) reads as `0123`. [`Entry::line`](crate::Entry::line) is
//! the physical line where the row starts.
//!
//! # Example
//!
//! ```
//! use statements::table::{ColumnMapping, Field, TableCsvReader};
//!
//! let csv = "NGAN HANG TMCP XYZ,,,\n\
//!            \"Tu ngay 01/04/2025 den ngay 30/04/2025\",,,\n\
//!            Ngay giao dich,Dien giai,So tien,So du\n\
//!            22/04/2025 09:30,CK DH1234,\"1,200,000\",\"15,200,000\"\n\
//!            22/04/2025,Phi SMS,\"-11,000\",\"15,189,000\"\n";
//!
//! let reader = TableCsvReader::new(csv.as_bytes(), None)?;
//! assert_eq!(
//!     reader.layout().to_string(),
//!     "date=\"Ngay giao dich\" (A), description=\"Dien giai\" (B), \
//!      amount=\"So tien\" (C), balance=\"So du\" (D); header on line 3"
//! );
//! let entries: Vec<_> = reader.collect::<Result<_, _>>()?;
//! assert_eq!(entries[1].amount, -11_000);
//! assert_eq!(entries[1].line, 5);
//!
//! let mapping: ColumnMapping = "date=A,description=B,amount=C".parse()?;
//! let reader = TableCsvReader::new(csv.as_bytes(), Some(&mapping))?;
//! assert_eq!(reader.layout().column(Field::Amount), Some(2));
//! assert_eq!(reader.count(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cells;
mod csv_reader;
mod error;
mod fold;
mod layout;
mod mapping;
mod rows;
mod synonyms;
mod xlsx_reader;

pub use csv_reader::TableCsvReader;
pub use error::{ScanRange, TableError};
pub use layout::{Layout, LayoutColumn, SCAN_ROWS};
pub use mapping::{ColumnMapping, ColumnRef, Field, MappingError};
pub use xlsx_reader::TableXlsxReader;
