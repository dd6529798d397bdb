//! Pure, I/O-free parsers for bank statement files.
//!
//! This crate turns statement files into [`Entry`] values. It performs no I/O
//! of its own: parsers read from whatever [`std::io::Read`] the caller hands
//! them and stream entries one at a time, so memory use does not grow with the
//! number of rows (it is proportional to the longest single row; callers that
//! accept untrusted uploads should cap the input size).
//!
//! Today it understands tingting's *canonical CSV* format
//! ([`CanonicalCsvReader`]), SWIFT MT940 statements ([`Mt940Reader`], format
//! described in the [`mt940`] module) and ISO 20022 camt.052/053/054
//! ([`CamtReader`], described in the [`camt`] module).
//!
//! It also reads the CSV and Excel (.xlsx) statements that Vietnamese banks
//! let customers export ([`TableCsvReader`](table::TableCsvReader),
//! [`TableXlsxReader`](table::TableXlsxReader)): title rows before a header
//! in Vietnamese or English, credit/debit or signed amount columns,
//! day-first dates, summary rows at the end. The columns come from a
//! user-written [`ColumnMapping`](table::ColumnMapping) or are recognized
//! from the header; the [`table`] module describes both.
//!
//! The money and time parsers ([`parse_vnd`], [`parse_time`]) are public so
//! other inputs (such as the HTTP ingest endpoint's `bookedAt`) can share
//! exactly the same rules.
//!
//! # Canonical CSV format
//!
//! The canonical CSV format is the simplest way to get a statement into
//! tingting: export from the bank or a spreadsheet, rename the columns, done.
//!
//! ## File
//!
//! - UTF-8 text (a leading byte-order mark is ignored), comma-separated, with
//!   standard CSV quoting (`"..."`, a quote inside a quoted value is written
//!   `""`). Values that contain a comma — such as `1,200,000` — must be quoted.
//! - Lines may end with `\n`, `\r\n` or `\r`; a line break inside a quoted
//!   value is read as `\n`.
//! - The first non-blank row is the header. Column names are matched
//!   case-insensitively after trimming surrounding whitespace, in any order.
//!   Unknown columns are ignored; a known column may appear only once.
//! - Blank lines (and rows whose cells are all blank) are skipped.
//! - A row may be shorter than the header (missing trailing cells count as
//!   empty), but a row with more non-empty cells than the header has columns
//!   is an error, because it almost always means an unquoted comma.
//! - Errors are reported per row with the 1-based physical line number
//!   (the header is line 1 unless blank lines precede it); a bad row never
//!   stops the rows after it from being read.
//!
//! ## Columns
//!
//! | column | required | content |
//! |---|---|---|
//! | `time` | yes | when the entry was booked, see *Times* |
//! | `description` | yes | the bank's transaction description; may be empty in a row |
//! | `amount` | one money style | signed amount: positive = money in, negative = money out |
//! | `credit` | one money style | money in, unsigned (a leading `-` is an error) |
//! | `debit` | one money style | money out, unsigned (a leading `-` is tolerated) |
//! | `balance` | no | running balance after the entry; may be negative |
//! | `reference` | no | the bank's reference for the entry |
//! | `counterparty_name` | no | name of the other party |
//! | `counterparty_account` | no | account number of the other party |
//! | `counterparty_bank` | no | bank of the other party |
//!
//! Money comes in one of two styles, chosen by the header:
//!
//! - **`amount`**: a signed, non-zero amount per row.
//! - **`credit` and/or `debit`**: each row has a non-zero value in exactly one
//!   of them; an empty cell (or a missing column) means 0. Debits become
//!   negative amounts.
//!
//! A header with neither style, or with both `amount` and `credit`/`debit`,
//! is rejected.
//!
//! Text values (`description`, `reference`, `counterparty_*`) are trimmed of
//! surrounding whitespace; for the optional ones an empty value means "none".
//!
//! ## Amounts
//!
//! Amounts are whole Vietnamese đồng (VND), written as:
//!
//! - an optional leading `+` or `-`,
//! - digits, optionally with thousands separators — `,`, `.`, space (also
//!   no-break space) or `_` — in groups of three, the same separator
//!   throughout: `1200000`, `1,200,000`, `1.200.000`, `-250 000`, `1_000`,
//! - optionally a decimal part of one or two zeros, with `.` or `,` (different
//!   from the thousands separator, if any): `1200000.00`, `1.200.000,00`.
//!
//! Any other decimal part (`12.5`, `1,50`), a magnitude beyond 10^15 VND, a
//! zero `amount`, or a row whose `credit` and `debit` are both zero or empty
//! is an error for that row.
//! A separator followed by exactly three digits is always read as a
//! thousands separator, so `1.500` is one thousand five hundred đồng.
//!
//! `balance` uses the same syntax, may be zero or negative, and may be empty.
//!
//! ## Times
//!
//! Either an instant with an explicit offset (RFC 3339):
//!
//! - `2025-04-22T09:30:00+07:00`, `2025-04-22T02:30:00Z`,
//!   `2025-04-22 09:30:00.123+07:00`
//!
//! or a Vietnam local time, which is UTC+7 all year (no daylight saving):
//!
//! - `2025-04-22 09:30:00`, `2025-04-22 09:30`, `2025-04-22T09:30:00`
//! - `22/04/2025 09:30:00`, `22/04/2025 09:30` (day first)
//! - `2025-04-22`, `22/04/2025` (a date alone means 00:00 local time)
//!
//! Seconds may carry a fraction (`09:30:00.5`); in local times the hour, and
//! in day-first dates the day and month, may have one digit (`1/4/2025 9:05`).
//! Leap seconds are not accepted.
//!
//! ## Example
//!
//! ```text
//! time,description,amount,balance,reference,counterparty_name
//! 2025-04-22 09:30:00,CK DH1234 thanh toan,"1,200,000","15,200,000",FT25112ABC,NGUYEN VAN A
//! 22/04/2025 14:05,Phi SMS,-11.000,15.189.000,,
//! ```
//!
//! ```
//! use statements::CanonicalCsvReader;
//!
//! let csv = "time,description,amount\n2025-04-22 09:30:00,CK DH1234,\"1,200,000\"\n";
//! let reader = CanonicalCsvReader::new(csv.as_bytes())?;
//! for row in reader {
//!     let entry = row?;
//!     assert_eq!(entry.amount, 1_200_000);
//!     assert_eq!(entry.booked_at.to_rfc3339(), "2025-04-22T02:30:00+00:00");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod amount;
pub mod camt;
pub mod canonical_csv;
mod csv_lines;
mod entry;
pub mod mt940;
pub mod table;
#[cfg(test)]
mod test_readers;
pub mod time;

pub use amount::{parse_vnd, AmountError, AmountErrorKind, MAX_ABS_VND};
pub use camt::{CamtKind, CamtReader};
pub use canonical_csv::{CanonicalCsvReader, HeaderError, RowError};
pub use entry::Entry;
pub use mt940::Mt940Reader;
pub use time::{parse_time, vietnam_offset, TimeError, TimeErrorKind, VIETNAM_UTC_OFFSET_SECONDS};

/// Longest excerpt of an offending value quoted in an error message, in chars.
const EXCERPT_CHARS: usize = 64;

/// Copies `value` for use in an error message, cut to [`EXCERPT_CHARS`]
/// characters (with a trailing `…`) so messages stay small.
pub(crate) fn excerpt(value: &str) -> String {
    match value.char_indices().nth(EXCERPT_CHARS) {
        None => value.to_owned(),
        Some((cut, _)) => format!("{}…", &value[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpt_keeps_short_values_and_cuts_long_ones() {
        assert_eq!(excerpt("abc"), "abc");
        let long = "đ".repeat(100);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), super::EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
