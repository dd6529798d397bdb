//! Streaming reader for tingting's canonical CSV statement format.
//!
//! The format itself is specified in the [crate documentation](crate#canonical-csv-format).

use std::fmt;
use std::io::Read;

use csv::{ByteRecord, StringRecord};

use crate::csv_lines::{encode_cells, is_blank, start_line, LineTracker};
use crate::{excerpt, parse_time, parse_vnd, Entry};

/// Most header names listed in a [`HeaderError`] message.
const MAX_LISTED_COLUMNS: usize = 20;

/// A problem with the header row that makes the whole file unreadable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The input has no non-blank row at all.
    #[error("the file is empty: expected a header row naming the columns (time, description, amount, ...)")]
    Empty,
    /// The header row is not valid UTF-8.
    #[error("the header row is not valid UTF-8 (save the file as UTF-8)")]
    NotUtf8,
    /// A required column (`time` or `description`) is missing.
    #[error("the header has no \"{column}\" column ({})", list_columns(.found))]
    MissingColumn {
        /// The missing column's name.
        column: &'static str,
        /// The header's column names as found (trimmed, possibly shortened).
        found: Vec<String>,
    },
    /// Neither `amount` nor `credit`/`debit` is present.
    #[error(
        "the header has no money column: add \"amount\" (signed), or \"credit\" and/or \"debit\" ({})",
        list_columns(.found)
    )]
    MissingMoney {
        /// The header's column names as found (trimmed, possibly shortened).
        found: Vec<String>,
    },
    /// Both `amount` and `credit`/`debit` are present.
    #[error(
        "the header has both \"amount\" and \"credit\"/\"debit\" columns: use either a signed \"amount\" or \"credit\"/\"debit\", not both"
    )]
    MixedMoney,
    /// A known column appears more than once.
    #[error("the header has more than one \"{column}\" column")]
    DuplicateColumn {
        /// The repeated column's name.
        column: &'static str,
    },
    /// Reading the underlying input failed before the header was complete.
    #[error("could not read the header row: {message}")]
    Read {
        /// The underlying error, rendered as text.
        message: String,
    },
}

fn list_columns(found: &[String]) -> String {
    if found.iter().all(String::is_empty) {
        return "the header row has no column names".to_owned();
    }
    let mut listed: Vec<String> = found
        .iter()
        .take(MAX_LISTED_COLUMNS)
        .map(|name| format!("{name:?}"))
        .collect();
    if found.len() > MAX_LISTED_COLUMNS {
        listed.push(format!("and {} more", found.len() - MAX_LISTED_COLUMNS));
    }
    format!("found columns: {}", listed.join(", "))
}

/// A problem with one data row. The row is skipped; reading continues.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RowError {
    /// 1-based physical line number where the row starts (the header is
    /// line 1 unless blank lines precede it).
    pub line: u64,
    /// What is wrong, naming the column and quoting the offending value,
    /// e.g. `amount "12.5" is not a whole number of VND`. When a row has
    /// several problems they are joined with `"; "`.
    pub message: String,
}

/// Where each known column sits in a row.
#[derive(Debug, Clone)]
struct Columns {
    time: usize,
    description: usize,
    money: Money,
    balance: Option<usize>,
    reference: Option<usize>,
    counterparty_name: Option<usize>,
    counterparty_account: Option<usize>,
    counterparty_bank: Option<usize>,
}

#[derive(Debug, Clone)]
enum Money {
    Amount(usize),
    CreditDebit {
        credit: Option<usize>,
        debit: Option<usize>,
    },
}

impl Columns {
    fn from_header(header: &StringRecord) -> Result<Self, HeaderError> {
        let mut slots: [Option<usize>; KNOWN.len()] = [None; KNOWN.len()];
        for (index, name) in header.iter().enumerate() {
            let name = name.trim();
            if let Some(known) = KNOWN.iter().position(|k| k.eq_ignore_ascii_case(name)) {
                if slots[known].is_some() {
                    return Err(HeaderError::DuplicateColumn {
                        column: KNOWN[known],
                    });
                }
                slots[known] = Some(index);
            }
        }
        let slot = |name: &str| KNOWN.iter().position(|k| *k == name).and_then(|i| slots[i]);
        let found = || -> Vec<String> { header.iter().map(|name| excerpt(name.trim())).collect() };
        let time = slot("time").ok_or_else(|| HeaderError::MissingColumn {
            column: "time",
            found: found(),
        })?;
        let description = slot("description").ok_or_else(|| HeaderError::MissingColumn {
            column: "description",
            found: found(),
        })?;
        let money = match (slot("amount"), slot("credit"), slot("debit")) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => return Err(HeaderError::MixedMoney),
            (Some(amount), None, None) => Money::Amount(amount),
            (None, None, None) => return Err(HeaderError::MissingMoney { found: found() }),
            (None, credit, debit) => Money::CreditDebit { credit, debit },
        };
        Ok(Self {
            time,
            description,
            money,
            balance: slot("balance"),
            reference: slot("reference"),
            counterparty_name: slot("counterparty_name"),
            counterparty_account: slot("counterparty_account"),
            counterparty_bank: slot("counterparty_bank"),
        })
    }
}

/// Known column names (lower case).
const KNOWN: [&str; 10] = [
    "time",
    "description",
    "amount",
    "credit",
    "debit",
    "balance",
    "reference",
    "counterparty_name",
    "counterparty_account",
    "counterparty_bank",
];

/// Streams [`Entry`] values out of a canonical CSV statement.
///
/// Created with [`CanonicalCsvReader::new`], which reads and checks the
/// header; then iterate to get one `Result<Entry, RowError>` per non-blank
/// data row. A bad row yields a [`RowError`] and iteration carries on with
/// the next row, except after an I/O error from the underlying reader, which
/// is reported once and ends the iteration.
///
/// Rows are read one at a time through an internal buffer, so memory use is
/// bounded by the longest row, not the size of the file.
///
/// ```
/// use statements::CanonicalCsvReader;
///
/// let csv = "\u{feff}Time,Credit,Debit,Description\n\
///            22/04/2025 09:30,\"1,200,000\",,CK DH1234\n\
///            22/04/2025 10:00,,50.000,Phi\n\
///            22/04/2025 11:00,12.5,,Lai\n";
/// let rows: Vec<_> = CanonicalCsvReader::new(csv.as_bytes())?.collect();
/// assert_eq!(rows[0].as_ref().unwrap().amount, 1_200_000);
/// assert_eq!(rows[1].as_ref().unwrap().amount, -50_000);
/// let error = rows[2].as_ref().unwrap_err();
/// assert_eq!(error.line, 4);
/// assert_eq!(error.message, "credit \"12.5\" is not a whole number of VND");
/// # Ok::<(), statements::HeaderError>(())
/// ```
pub struct CanonicalCsvReader<R> {
    csv: csv::Reader<LineTracker<R>>,
    columns: Columns,
    header_len: usize,
    header_names: Vec<String>,
    record: ByteRecord,
    done: bool,
}

impl<R> fmt::Debug for CanonicalCsvReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CanonicalCsvReader")
            .field("columns", &self.columns)
            .field("header_len", &self.header_len)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R: Read> CanonicalCsvReader<R> {
    /// Reads the header row from `reader` and checks it names the required
    /// columns (`time`, `description`, and one money style).
    ///
    /// Blank lines before the header and a leading UTF-8 byte-order mark are
    /// skipped. `reader` is buffered internally; there is no need to wrap it
    /// in a [`std::io::BufReader`].
    pub fn new(reader: R) -> Result<Self, HeaderError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineTracker::new(reader));
        let mut record = ByteRecord::new();
        let mut first = true;
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(false) => return Err(HeaderError::Empty),
                Ok(true) => {
                    // Forget line-ending runs already passed (bounded memory).
                    let at = csv.position().byte();
                    csv.get_mut().newlines_at(at);
                    if std::mem::take(&mut first) {
                        strip_bom(&mut record);
                    }
                    if !is_blank(&record) {
                        break;
                    }
                }
                // With `flexible` and byte records only I/O errors are expected;
                // treat any error as an unreadable header rather than loop.
                Err(e) => {
                    return Err(HeaderError::Read {
                        message: e.to_string(),
                    })
                }
            }
        }
        let header = StringRecord::from_byte_record(record).map_err(|_| HeaderError::NotUtf8)?;
        let columns = Columns::from_header(&header)?;
        let header_names = header.iter().map(|name| excerpt(name.trim())).collect();
        Ok(Self {
            csv,
            columns,
            header_len: header.len(),
            header_names,
            record: header.into_byte_record(),
            done: false,
        })
    }
}

impl<R: Read> Iterator for CanonicalCsvReader<R> {
    type Item = Result<Entry, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    let line = self.start_line();
                    if is_blank(&self.record) {
                        continue;
                    }
                    return Some(self.convert_record(line));
                }
                Err(e) => {
                    let line = e
                        .position()
                        .map_or_else(|| self.csv.position().line(), csv::Position::line);
                    // Only malformed-record errors leave the reader usable;
                    // anything else (I/O) ends the iteration.
                    if !matches!(
                        e.kind(),
                        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                    ) {
                        self.done = true;
                    }
                    let message = match e.kind() {
                        csv::ErrorKind::Io(io) => format!("could not read the file: {io}"),
                        _ => format!("malformed CSV: {e}"),
                    };
                    return Some(Err(RowError { line, message }));
                }
            }
        }
        None
    }
}

impl<R: Read> CanonicalCsvReader<R> {
    /// The physical line on which the record just read starts.
    ///
    /// The csv reader's own record position is where the read began, which
    /// is before any blank lines it skipped; those are exactly the run of
    /// `\n`s (if any) starting at that byte offset.
    fn start_line(&mut self) -> u64 {
        start_line(&mut self.csv, &self.record)
    }

    /// Converts the record just read, keeping its buffer for reuse.
    fn convert_record(&mut self, line: u64) -> Result<Entry, RowError> {
        let record = std::mem::take(&mut self.record);
        let (result, record) = match StringRecord::from_byte_record(record) {
            Ok(row) => {
                let result = self.convert_row(&row, line);
                (result, row.into_byte_record())
            }
            Err(e) => {
                let column = self
                    .header_names
                    .get(e.utf8_error().field())
                    .filter(|name| !name.is_empty())
                    .map_or_else(String::new, |name| format!(" (column {name:?})"));
                let message = format!("the row is not valid UTF-8{column}: save the file as UTF-8");
                (Err(message), e.into_byte_record())
            }
        };
        self.record = record;
        result.map_err(|message| RowError { line, message })
    }

    fn convert_row(&self, row: &StringRecord, line: u64) -> Result<Entry, String> {
        let columns = &self.columns;
        if row.len() > self.header_len {
            let extra = row
                .iter()
                .skip(self.header_len)
                .any(|cell| !cell.trim().is_empty());
            if extra {
                return Err(format!(
                    "the row has {} cells but the header has {} columns (quote values that contain commas, e.g. \"1,200,000\")",
                    row.len(),
                    self.header_len
                ));
            }
        }
        let cell = |index: usize| row.get(index).map(str::trim);
        let optional = |index: Option<usize>| {
            index
                .and_then(cell)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let mut problems = Vec::new();

        let booked_at = match cell(columns.time) {
            None | Some("") => {
                problems.push("time is empty".to_owned());
                None
            }
            Some(value) => parse_time(value)
                .map_err(|e| problems.push(format!("time {e}")))
                .ok(),
        };

        let description = cell(columns.description);
        if description.is_none() {
            problems.push("description is missing (the row is shorter than the header)".to_owned());
        }

        let amount = match columns.money {
            Money::Amount(index) => match cell(index) {
                None | Some("") => {
                    problems.push("amount is empty".to_owned());
                    None
                }
                Some(value) => match parse_vnd(value) {
                    Ok(0) => {
                        problems.push(format!("amount {:?} must not be zero", excerpt(value)));
                        None
                    }
                    Ok(amount) => Some(amount),
                    Err(e) => {
                        problems.push(format!("amount {e}"));
                        None
                    }
                },
            },
            Money::CreditDebit { credit, debit } => {
                let credit = match credit.and_then(cell).filter(|v| !v.is_empty()) {
                    None => Some(0),
                    Some(value) => match parse_vnd(value) {
                        Ok(amount) if amount < 0 => {
                            problems.push(format!(
                                "credit {:?} must not be negative (put money out in \"debit\")",
                                excerpt(value)
                            ));
                            None
                        }
                        Ok(amount) => Some(amount),
                        Err(e) => {
                            problems.push(format!("credit {e}"));
                            None
                        }
                    },
                };
                let debit = match debit.and_then(cell).filter(|v| !v.is_empty()) {
                    None => Some(0),
                    Some(value) => match parse_vnd(value) {
                        Ok(amount) => Some(-amount.abs()),
                        Err(e) => {
                            problems.push(format!("debit {e}"));
                            None
                        }
                    },
                };
                crate::amount::credit_or_debit(credit, debit, &mut problems)
            }
        };

        let balance = match columns.balance.and_then(cell).filter(|v| !v.is_empty()) {
            None => None,
            Some(value) => match parse_vnd(value) {
                Ok(balance) => Some(balance),
                Err(e) => {
                    problems.push(format!("balance {e}"));
                    None
                }
            },
        };

        match (booked_at, description, amount) {
            (Some(booked_at), Some(description), Some(amount)) if problems.is_empty() => {
                Ok(Entry {
                    booked_at,
                    amount,
                    description: description.to_owned(),
                    reference: optional(columns.reference),
                    balance,
                    counterparty_name: optional(columns.counterparty_name),
                    counterparty_account: optional(columns.counterparty_account),
                    counterparty_bank: optional(columns.counterparty_bank),
                    account: None,
                    line,
                    raw: encode_cells(row.iter(), b','),
                })
            }
            _ => Err(problems.join("; ")),
        }
    }
}

/// Removes a UTF-8 byte-order mark from the start of the first field.
/// (The csv crate strips one already when it arrives in one piece; this
/// covers the rest.)
fn strip_bom(record: &mut ByteRecord) {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    if record.get(0).is_some_and(|first| first.starts_with(BOM)) {
        let mut stripped = ByteRecord::with_capacity(record.as_slice().len(), record.len());
        for (index, field) in record.iter().enumerate() {
            stripped.push_field(if index == 0 {
                &field[BOM.len()..]
            } else {
                field
            });
        }
        stripped.set_position(record.position().cloned());
        *record = stripped;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_readers::{Failing, Trickle};
    use chrono::{TimeZone, Utc};

    fn read(input: &str) -> Vec<Result<Entry, RowError>> {
        CanonicalCsvReader::new(input.as_bytes())
            .expect("header should be valid")
            .collect()
    }

    fn header_error(input: &str) -> HeaderError {
        CanonicalCsvReader::new(input.as_bytes()).unwrap_err()
    }

    fn only_error(input: &str) -> RowError {
        let rows = read(input);
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows.into_iter().next().unwrap().unwrap_err()
    }

    fn only_entry(input: &str) -> Entry {
        let rows = read(input);
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows.into_iter().next().unwrap().unwrap()
    }

    #[test]
    fn full_row_with_amount_style() {
        let row = "2025-04-22 09:30:00, CK DH1234 ,\"1,200,000\",\"15,200,000\", FT25112ABC ,NGUYEN VAN A,0123456789,VCB";
        let entry = only_entry(&format!(
            "time,description,amount,balance,reference,counterparty_name,counterparty_account,counterparty_bank\n{row}\n"
        ));
        assert_eq!(
            entry,
            Entry {
                booked_at: Utc.with_ymd_and_hms(2025, 4, 22, 2, 30, 0).unwrap(),
                amount: 1_200_000,
                description: "CK DH1234".into(),
                reference: Some("FT25112ABC".into()),
                balance: Some(15_200_000),
                counterparty_name: Some("NGUYEN VAN A".into()),
                counterparty_account: Some("0123456789".into()),
                counterparty_bank: Some("VCB".into()),
                account: None,
                line: 2,
                raw: row.into(),
            }
        );
    }

    #[test]
    fn minimal_columns_and_empty_optionals() {
        let entry =
            only_entry("time,description,amount,reference,balance\n2025-04-22,,-5000,  ,\n");
        assert_eq!(entry.amount, -5000);
        assert_eq!(entry.description, "");
        assert_eq!(entry.reference, None);
        assert_eq!(entry.balance, None);
        assert_eq!(entry.counterparty_name, None);
    }

    #[test]
    fn header_is_case_insensitive_trimmed_any_order_and_ignores_unknown_columns() {
        let entry = only_entry(
            " Amount ,Notes,DESCRIPTION,TiMe ,Balance\n-11.000,ignored,Phi SMS,22/04/2025 14:05,-3\n",
        );
        assert_eq!(entry.amount, -11_000);
        assert_eq!(entry.description, "Phi SMS");
        assert_eq!(entry.balance, Some(-3));
        assert_eq!(
            entry.booked_at,
            Utc.with_ymd_and_hms(2025, 4, 22, 7, 5, 0).unwrap()
        );
    }

    #[test]
    fn bom_and_blank_lines_are_skipped_and_lines_are_physical() {
        let input = "\u{feff}time,description,amount\n\
                     \n\
                     2025-04-22,a,1\n\
                     ,,\n\
                     \n\
                     2025-04-22,\"multi\nline\",2\n\
                     2025-04-22,c,x\n";
        let rows = read(input);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].as_ref().unwrap().amount, 1);
        assert_eq!(rows[1].as_ref().unwrap().description, "multi\nline");
        assert_eq!(rows[1].as_ref().unwrap().line, 6);
        assert_eq!(
            rows[1].as_ref().unwrap().raw,
            "2025-04-22,\"multi\nline\",2"
        );
        assert_eq!(rows[2].as_ref().unwrap_err().line, 8);
    }

    #[test]
    fn blank_lines_before_the_header_count_towards_line_numbers() {
        let rows = read("\n\ntime,description,amount\n2025-04-22,a,0\n");
        assert_eq!(rows[0].as_ref().unwrap_err().line, 4);
    }

    #[test]
    fn raw_keeps_untrimmed_cells_and_requotes_only_when_needed() {
        let entry = only_entry(
            "time,description,amount,notes\n\"2025-04-22\",\" say \"\"hi\"\" \",\"-1,000\",\"a,b\"\n",
        );
        assert_eq!(entry.description, "say \"hi\"");
        assert_eq!(
            entry.raw,
            "2025-04-22,\" say \"\"hi\"\" \",\"-1,000\",\"a,b\""
        );
    }

    #[test]
    fn line_numbers_with_every_line_ending() {
        let lf = "time,description,amount\n\n2025-04-22,a,0\n\"2025-04-22\",\"x\ny\",0\n\n\n2025-04-22,b,0";
        for (name, input) in [
            ("LF", lf.to_owned()),
            ("CRLF", lf.replace('\n', "\r\n")),
            ("CR", lf.replace('\n', "\r")),
            ("LF + final LF", format!("{lf}\n")),
            ("CRLF + final CRLF", format!("{lf}\n").replace('\n', "\r\n")),
        ] {
            let lines: Vec<u64> = read(&input)
                .iter()
                .map(|r| r.as_ref().unwrap_err().line)
                .collect();
            assert_eq!(lines, [3, 4, 8], "{name}");
        }
    }

    #[test]
    fn line_tracking_memory_stays_bounded() {
        let mut input = ",\n".repeat(10_000);
        input.push_str("time,description,amount\n");
        input.push_str(&"2025-04-22,a,1\n,\n\n".repeat(10_000));
        let mut reader = CanonicalCsvReader::new(input.as_bytes()).unwrap();
        assert!(reader.csv.get_ref().runs.len() < 1000);
        let mut count = 0;
        while let Some(row) = reader.next() {
            assert_eq!(row.unwrap().line, 10_002 + 3 * count);
            assert!(reader.csv.get_ref().runs.len() < 1000);
            count += 1;
        }
        assert_eq!(count, 10_000);
    }

    #[test]
    fn unterminated_quote_at_the_end() {
        for input in [
            "time,description,amount\n\n2025-04-22,\"a",
            "time,description,amount\n\n2025-04-22,\"a\n",
            "time,description,amount\r\n\r\n2025-04-22,\"a\r\n\r\n",
        ] {
            let rows = read(input);
            assert_eq!(rows.len(), 1, "{input:?}");
            assert_eq!(rows[0].as_ref().unwrap_err().line, 3, "{input:?}");
        }
    }

    #[test]
    fn crlf_line_endings() {
        let rows =
            read("time,description,amount\r\n2025-04-22,a,1\r\n2025-04-22,\"b\r\nc\",-2\r\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].as_ref().unwrap().line, 2);
        assert_eq!(rows[1].as_ref().unwrap().amount, -2);
        assert_eq!(rows[1].as_ref().unwrap().description, "b\nc");
        assert_eq!(rows[1].as_ref().unwrap().line, 3);
    }

    #[test]
    fn crlf_split_across_reads() {
        let input = "time,description,amount\r\n\r\n2025-04-22,a,1\r\n2025-04-22,b,x\r\n";
        let rows: Vec<_> = CanonicalCsvReader::new(Trickle(input.as_bytes()))
            .unwrap()
            .collect();
        assert_eq!(rows[0].as_ref().unwrap().line, 3);
        assert_eq!(rows[1].as_ref().unwrap_err().line, 4);
    }

    #[test]
    fn credit_debit_style() {
        let rows = read(
            "time,description,credit,debit\n\
             2025-04-22,in,\"1,000\",\n\
             2025-04-22,out,,2.000\n\
             2025-04-22,out with minus,0,-3000\n\
             2025-04-22,in with zero debit,+4000,0.00\n",
        );
        let amounts: Vec<i64> = rows.iter().map(|r| r.as_ref().unwrap().amount).collect();
        assert_eq!(amounts, [1000, -2000, -3000, 4000]);
    }

    #[test]
    fn credit_only_or_debit_only_headers() {
        assert_eq!(
            only_entry("time,description,credit\n2025-04-22,a,5\n").amount,
            5
        );
        assert_eq!(
            only_entry("time,description,debit\n2025-04-22,a,5\n").amount,
            -5
        );
    }

    #[test]
    fn credit_debit_errors() {
        let header = "time,description,credit,debit\n";
        assert_eq!(
            only_error(&format!("{header}2025-04-22,a,5,6\n")).message,
            "the row has both credit and debit"
        );
        assert_eq!(
            only_error(&format!("{header}2025-04-22,a,,\n")).message,
            "the row has neither a credit nor a debit amount"
        );
        assert_eq!(
            only_error(&format!("{header}2025-04-22,a,0,0\n")).message,
            "the row has neither a credit nor a debit amount"
        );
        assert_eq!(
            only_error(&format!("{header}2025-04-22,a,-5,\n")).message,
            "credit \"-5\" must not be negative (put money out in \"debit\")"
        );
        assert_eq!(
            only_error(&format!("{header}2025-04-22,a,,1.5\n")).message,
            "debit \"1.5\" is not a whole number of VND"
        );
    }

    #[test]
    fn amount_errors_name_column_and_value() {
        let header = "time,description,amount\n";
        let error = only_error(&format!("{header}2025-04-22,a,12.5\n"));
        assert_eq!(error.line, 2);
        assert_eq!(
            error.message,
            "amount \"12.5\" is not a whole number of VND"
        );
        assert_eq!(
            only_error(&format!("{header}2025-04-22,a,0\n")).message,
            "amount \"0\" must not be zero"
        );
        assert_eq!(
            only_error(&format!("{header}2025-04-22,a,\n")).message,
            "amount is empty"
        );
        assert_eq!(
            only_error(&format!("{header}2025-04-22,a,10000000000000000\n")).message,
            "amount \"10000000000000000\" is out of range (at most 1,000,000,000,000,000 VND either way)"
        );
        assert!(only_error(&format!("{header}2025-04-22,a,abc\n"))
            .message
            .starts_with("amount \"abc\" is not a valid VND amount"));
    }

    #[test]
    fn time_errors_name_column_and_value() {
        let header = "time,description,amount\n";
        assert!(only_error(&format!("{header}2025-13-01,a,1\n"))
            .message
            .starts_with("time \"2025-13-01\" is not a valid time"));
        assert!(only_error(&format!("{header}hôm qua,a,1\n"))
            .message
            .starts_with("time \"hôm qua\" is not a valid time"));
        assert_eq!(
            only_error(&format!("{header} ,a,1\n")).message,
            "time is empty"
        );
    }

    #[test]
    fn balance_errors() {
        assert_eq!(
            only_error("time,description,amount,balance\n2025-04-22,a,1,1.5\n").message,
            "balance \"1.5\" is not a whole number of VND"
        );
        assert_eq!(
            only_entry("time,description,amount,balance\n2025-04-22,a,1,0\n").balance,
            Some(0)
        );
    }

    #[test]
    fn several_problems_are_all_reported() {
        let error = only_error("time,description,amount,balance\nsoon,a,1.5,x\n");
        let parts: Vec<&str> = error.message.split("; ").collect();
        assert_eq!(parts.len(), 3, "{error}");
        assert!(parts[0].starts_with("time \"soon\""));
        assert!(parts[1].starts_with("amount \"1.5\""));
        assert!(parts[2].starts_with("balance \"x\""));
    }

    #[test]
    fn short_rows_treat_missing_cells_as_empty() {
        let rows = read(
            "time,description,amount,reference\n\
             2025-04-22,a,7\n\
             2025-04-22,a\n\
             2025-04-22\n",
        );
        assert_eq!(rows[0].as_ref().unwrap().amount, 7);
        assert_eq!(rows[1].as_ref().unwrap_err().message, "amount is empty");
        assert_eq!(
            rows[2].as_ref().unwrap_err().message,
            "description is missing (the row is shorter than the header); amount is empty"
        );
    }

    #[test]
    fn long_rows_are_errors_unless_the_extra_cells_are_empty() {
        let rows = read(
            "time,description,amount\n\
             2025-04-22,a,1,200,000\n\
             2025-04-22,b,5,,\n",
        );
        let error = rows[0].as_ref().unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error
            .message
            .starts_with("the row has 5 cells but the header has 3 columns"));
        assert_eq!(rows[1].as_ref().unwrap().amount, 5);
    }

    #[test]
    fn invalid_utf8_row_is_an_error_and_reading_continues() {
        let mut input = b"time,description,amount\n2025-04-22,".to_vec();
        input.extend_from_slice(b"caf\xe9,1\n2025-04-22,ok,2\n");
        let rows: Vec<_> = CanonicalCsvReader::new(&input[..]).unwrap().collect();
        assert_eq!(rows.len(), 2);
        let error = rows[0].as_ref().unwrap_err();
        assert_eq!(error.line, 2);
        assert_eq!(
            error.message,
            "the row is not valid UTF-8 (column \"description\"): save the file as UTF-8"
        );
        assert_eq!(rows[1].as_ref().unwrap().amount, 2);
    }

    #[test]
    fn row_error_display_includes_line() {
        let error = RowError {
            line: 7,
            message: "amount is empty".into(),
        };
        assert_eq!(error.to_string(), "line 7: amount is empty");
    }

    #[test]
    fn header_errors() {
        assert_eq!(header_error(""), HeaderError::Empty);
        assert_eq!(header_error("\u{feff}"), HeaderError::Empty);
        assert_eq!(header_error("\n\n , \n"), HeaderError::Empty);
        assert_eq!(
            CanonicalCsvReader::new(&b"time,desc\xc3\x28,amount"[..]).unwrap_err(),
            HeaderError::NotUtf8
        );
        assert!(matches!(
            header_error("Ngày,description,amount"),
            HeaderError::MissingColumn { column: "time", .. }
        ));
        assert!(matches!(
            header_error("time,amount\n2025-04-22,1"),
            HeaderError::MissingColumn {
                column: "description",
                ..
            }
        ));
        assert!(matches!(
            header_error("time,description,balance"),
            HeaderError::MissingMoney { .. }
        ));
        assert_eq!(
            header_error("time,description,amount,debit"),
            HeaderError::MixedMoney
        );
        assert_eq!(
            header_error("time,description,credit,amount"),
            HeaderError::MixedMoney
        );
        assert_eq!(
            header_error("time,description,amount,Amount"),
            HeaderError::DuplicateColumn { column: "amount" }
        );
    }

    #[test]
    fn header_error_messages() {
        assert_eq!(
            header_error("Ngày, Số tiền ,description").to_string(),
            "the header has no \"time\" column (found columns: \"Ngày\", \"Số tiền\", \"description\")"
        );
        assert_eq!(
            header_error("time,description,balance").to_string(),
            "the header has no money column: add \"amount\" (signed), or \"credit\" and/or \"debit\" \
             (found columns: \"time\", \"description\", \"balance\")"
        );
        let many: Vec<String> = (0..30).map(|i| format!("c{i}")).collect();
        let message = header_error(&many.join(",")).to_string();
        assert!(message.ends_with("\"c19\", and 10 more)"), "{message}");
    }

    #[test]
    fn io_errors_end_iteration() {
        assert!(matches!(
            CanonicalCsvReader::new(Failing(b"")),
            Err(HeaderError::Read { .. })
        ));
        let rows: Vec<_> =
            CanonicalCsvReader::new(Failing(b"time,description,amount\n2025-04-22,a,1\n"))
                .unwrap()
                .collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].as_ref().unwrap().amount, 1);
        let error = rows[1].as_ref().unwrap_err();
        assert!(error.message.contains("disk on fire"), "{error}");
    }

    #[test]
    fn bom_split_across_reads_is_ignored() {
        let input = "\u{feff}time,description,amount\n2025-04-22,a,1\n";
        let rows: Vec<_> = CanonicalCsvReader::new(Trickle(input.as_bytes()))
            .unwrap()
            .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].as_ref().unwrap().amount, 1);
    }
}
