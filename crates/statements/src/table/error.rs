//! [`TableError`]: why a bank export cannot be read at all.

use std::fmt;

use super::mapping::Field;

/// The rows searched for a header (or, for a mapping by letters only, for
/// the first data row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScanRange {
    /// How many non-blank rows were searched.
    pub rows: usize,
    /// The 1-based line (CSV) or sheet row (xlsx) of the first of them.
    pub first_line: u64,
    /// The 1-based line (CSV) or sheet row (xlsx) of the last of them.
    pub last_line: u64,
}

impl fmt::Display for ScanRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rows {
            1 => write!(f, "the first non-blank row (line {})", self.first_line),
            rows => write!(
                f,
                "the first {rows} non-blank rows (lines {}–{})",
                self.first_line, self.last_line
            ),
        }
    }
}

/// A problem that makes a whole bank export unreadable: no usable header, a
/// mapping that does not fit the file, or a file that is not a CSV or
/// workbook at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// The file (or sheet) has no non-blank row.
    #[error("the file has no rows")]
    Empty,
    /// The bytes are not CSV text.
    #[error("this is not a CSV text file: {hint}")]
    NotCsv {
        /// What it seems to be instead, and what to do.
        hint: &'static str,
    },
    /// No header was found and the text is not valid UTF-8.
    #[error(
        "the file is not UTF-8 text: save it as \"CSV UTF-8\" (or UTF-16 with a byte-order mark)"
    )]
    NotUtf8,
    /// Auto-detection found no row naming a date column and a money column.
    #[error(
        "no header row found in {scanned}: need a date column (e.g. \"Ngày giao dịch\") and credit/debit columns (e.g. \"Ghi có\", \"Ghi nợ\") or an amount column (e.g. \"Số tiền\"); give a column mapping such as \"date=Ngày giao dịch,credit=Ghi có,debit=Ghi nợ\""
    )]
    NoHeader {
        /// The rows searched.
        scanned: ScanRange,
    },
    /// More than one column of the header could hold one field.
    #[error(
        "the header on line {line} has more than one column for \"{field}\": {}; give a column mapping that names the one to use",
        .candidates.join(" and ")
    )]
    Ambiguous {
        /// The header's line (CSV) or sheet row (xlsx).
        line: u64,
        /// The field.
        field: Field,
        /// The candidate columns, e.g. `B "Ngày giao dịch"`.
        candidates: Vec<String>,
    },
    /// The header has both a signed amount column and credit/debit columns.
    #[error(
        "the header on line {line} has both a signed amount column ({amount}) and credit/debit columns ({}); give a column mapping that uses one or the other",
        .credit_debit.join(", ")
    )]
    MixedMoney {
        /// The header's line (CSV) or sheet row (xlsx).
        line: u64,
        /// The amount column, e.g. `D "Số tiền"`.
        amount: String,
        /// The credit/debit columns.
        credit_debit: Vec<String>,
    },
    /// The mapping's `header_row` is not one of the non-blank rows searched.
    #[error("header_row {row} is not a non-blank row within {scanned}")]
    HeaderRowNotFound {
        /// The `header_row` given.
        row: u64,
        /// The rows searched.
        scanned: ScanRange,
    },
    /// Names of the mapping are missing from the header row it gives.
    #[error(
        "the header on line {line} has no column named {}; found columns: {}",
        quoted(.missing),
        quoted(.found)
    )]
    MissingColumns {
        /// The header's line (CSV) or sheet row (xlsx).
        line: u64,
        /// The mapping's names not found.
        missing: Vec<String>,
        /// The header's cells (possibly shortened).
        found: Vec<String>,
    },
    /// No row has all the names the mapping gives.
    #[error(
        "no row in {scanned} has all the columns named in the mapping ({}){}",
        quoted(.names),
        closest_row(.closest)
    )]
    MappedHeaderNotFound {
        /// The mapping's names.
        names: Vec<String>,
        /// The rows searched.
        scanned: ScanRange,
        /// The row with the most of the names, and the names it lacks.
        closest: Option<(u64, Vec<String>)>,
    },
    /// Two fields are mapped to one column.
    #[error("\"{first}\" and \"{second}\" are mapped to the same column {column}")]
    SameColumn {
        /// One field.
        first: Field,
        /// The other field.
        second: Field,
        /// The column, e.g. `C "Số tiền"`.
        column: String,
    },
    /// A mapping by letters only: no row has a date in the date column.
    #[error(
        "no row in {scanned} has a date in column {column}: check the mapping, or give header_row"
    )]
    NoDataRow {
        /// The date column's letters.
        column: String,
        /// The rows searched.
        scanned: ScanRange,
    },
    /// The workbook has no sheet of that name.
    #[error("the workbook has no sheet named {name:?} (sheets: {})", quoted(.available))]
    SheetNotFound {
        /// The name asked for.
        name: String,
        /// The workbook's sheets.
        available: Vec<String>,
    },
    /// The workbook has no worksheet.
    #[error("the workbook has no worksheets")]
    NoSheets,
    /// The workbook could not be opened or its sheet not read.
    #[error("could not read the workbook: {message}")]
    Workbook {
        /// What went wrong.
        message: String,
    },
    /// Reading the input failed before the header was found.
    #[error("could not read the file: {message}")]
    Read {
        /// The underlying error, rendered as text.
        message: String,
    },
}

/// `"a", "b"`.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("{name:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn closest_row(closest: &Option<(u64, Vec<String>)>) -> String {
    match closest {
        Some((line, missing)) => {
            format!("; line {line} comes closest but lacks {}", quoted(missing))
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        let scanned = ScanRange {
            rows: 30,
            first_line: 1,
            last_line: 34,
        };
        assert_eq!(
            TableError::NoHeader { scanned }.to_string(),
            "no header row found in the first 30 non-blank rows (lines 1–34): need a date column \
             (e.g. \"Ngày giao dịch\") and credit/debit columns (e.g. \"Ghi có\", \"Ghi nợ\") or an \
             amount column (e.g. \"Số tiền\"); give a column mapping such as \
             \"date=Ngày giao dịch,credit=Ghi có,debit=Ghi nợ\""
        );
        assert_eq!(
            TableError::Ambiguous {
                line: 5,
                field: Field::Date,
                candidates: vec!["B \"Ngày giao dịch\"".into(), "C \"Ngày hiệu lực\"".into()],
            }
            .to_string(),
            "the header on line 5 has more than one column for \"date\": B \"Ngày giao dịch\" and \
             C \"Ngày hiệu lực\"; give a column mapping that names the one to use"
        );
        let one = ScanRange {
            rows: 1,
            first_line: 3,
            last_line: 3,
        };
        assert_eq!(
            TableError::MappedHeaderNotFound {
                names: vec!["Ngày".into(), "Có".into()],
                scanned: one,
                closest: Some((3, vec!["Có".into()])),
            }
            .to_string(),
            "no row in the first non-blank row (line 3) has all the columns named in the mapping \
             (\"Ngày\", \"Có\"); line 3 comes closest but lacks \"Có\""
        );
    }
}
