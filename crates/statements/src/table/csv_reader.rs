//! [`TableCsvReader`]: streaming entries out of a bank's CSV export.

use std::fmt;
use std::io::{self, Chain, Cursor, Read};

use csv::ByteRecord;
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use super::cells::Cell;
use super::error::TableError;
use super::layout::{resolve, Layout, ScanRow, SCAN_ROWS};
use super::mapping::{letters, Field, MAX_COLUMNS};
use super::rows::RowConverter;
use crate::csv_lines::{encode_cells, is_blank, start_line, LineTracker};
use crate::{Entry, RowError};

/// Most bytes read ahead to find the delimiter and the header.
const MAX_PREFIX_BYTES: usize = 256 * 1024;

/// Delimiters tried, in order of preference on a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

type Source<R> = Chain<Cursor<Vec<u8>>, DecodeReaderBytes<R, Vec<u8>>>;

/// Streams [`Entry`] values out of a bank's CSV export, with a
/// [`ColumnMapping`](super::ColumnMapping) or header auto-detection.
///
/// [`TableCsvReader::new`] finds the delimiter and the header (see the
/// [module documentation](super)); then iterate to get one
/// `Result<Entry, RowError>` per data row, exactly like
/// [`CanonicalCsvReader`](crate::CanonicalCsvReader): a bad row yields a
/// [`RowError`] and reading carries on, except after an I/O error, which is
/// reported once and ends the iteration. [`Entry::line`] is the physical
/// line where the row starts; [`Entry::raw`] is the row's cells re-encoded
/// with the file's delimiter.
///
/// The text may be UTF-8 (a byte-order mark is skipped) or UTF-16 with a
/// byte-order mark (decoded on the fly). Memory use is bounded: at most
/// 256 KiB are read ahead to find the header, then rows are read one at a
/// time.
///
/// ```
/// use statements::table::TableCsvReader;
///
/// let csv = "SAO KÊ TÀI KHOẢN\n\
///            Số tài khoản;0123456789\n\
///            Ngày GD;Nội dung;Ghi nợ;Ghi có;Số dư\n\
///            22/04/2025 09:30:15;CK DH1234;;1.200.000;15.200.000\n\
///            22-04-2025;Phi SMS;11.000;;15.189.000\n\
///            Tổng cộng;;11.000;1.200.000;\n";
/// let reader = TableCsvReader::new(csv.as_bytes(), None)?;
/// assert_eq!(reader.delimiter(), b';');
/// assert_eq!(reader.layout().header_line(), Some(3));
/// let amounts: Vec<i64> = reader.map(|row| row.unwrap().amount).collect();
/// assert_eq!(amounts, [1_200_000, -11_000]);
/// # Ok::<(), statements::table::TableError>(())
/// ```
pub struct TableCsvReader<R> {
    csv: csv::Reader<LineTracker<Source<R>>>,
    layout: Layout,
    rows: RowConverter,
    /// The columns values are read from (invalid UTF-8 there is an error).
    used: Vec<usize>,
    delimiter: u8,
    record: ByteRecord,
    /// Records read so far (the position of the next one).
    position: usize,
    /// Position of the first record that may hold data.
    start: usize,
    done: bool,
}

impl<R> fmt::Debug for TableCsvReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableCsvReader")
            .field("layout", &self.layout)
            .field("delimiter", &char::from(self.delimiter))
            .field("position", &self.position)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R: Read> TableCsvReader<R> {
    /// Reads the start of `reader`, picks the delimiter (`,`, `;` or tab) and
    /// finds the header: by `mapping` if given, else by auto-detection.
    ///
    /// `reader` is buffered internally; there is no need to wrap it in a
    /// [`std::io::BufReader`].
    ///
    /// # Errors
    ///
    /// A [`TableError`] when the file is empty, is not CSV text, has no
    /// recognizable header, or does not fit `mapping`.
    pub fn new(reader: R, mapping: Option<&super::ColumnMapping>) -> Result<Self, TableError> {
        let mut source = DecodeReaderBytesBuilder::new()
            .utf8_passthru(true)
            .strip_bom(true)
            .build(reader);
        let (prefix, complete) = read_prefix(&mut source)?;
        check_text(&prefix)?;
        // Only complete lines take part in the search.
        let searched = match (
            complete,
            prefix.iter().rposition(|&b| b == b'\n' || b == b'\r'),
        ) {
            (false, Some(end)) => &prefix[..end],
            _ => &prefix[..],
        };

        let mut best: Option<((usize, usize), u8, Layout, usize)> = None;
        let mut failure: Option<(usize, TableError)> = None;
        for delimiter in DELIMITERS {
            let rows = scan(searched, delimiter);
            match resolve(&rows, mapping) {
                Ok((layout, start)) => {
                    let score = fit(&rows, &layout, start);
                    if best.as_ref().is_none_or(|(s, ..)| score > *s) {
                        best = Some((score, delimiter, layout, start));
                    }
                }
                Err(error) => {
                    // Blank with some delimiter means nothing but delimiters
                    // and spaces: empty whatever the delimiter.
                    let widest = if error == TableError::Empty {
                        usize::MAX
                    } else {
                        rows.iter().map(width).max().unwrap_or_default()
                    };
                    if failure.as_ref().is_none_or(|(w, _)| widest > *w) {
                        failure = Some((widest, error));
                    }
                }
            }
        }
        let (delimiter, layout, start) = match (best, failure) {
            (Some((_, delimiter, layout, start)), _) => (delimiter, layout, start),
            (None, Some((_, TableError::NoHeader { .. })))
                if std::str::from_utf8(searched).is_err_and(|e| e.error_len().is_some()) =>
            {
                return Err(TableError::NotUtf8)
            }
            (None, Some((_, error))) => return Err(error),
            (None, None) => return Err(TableError::Empty),
        };

        let csv =
            builder(delimiter).from_reader(LineTracker::new(Cursor::new(prefix).chain(source)));
        let rows = RowConverter::new(&layout);
        Ok(Self {
            csv,
            used: rows.used_columns().collect(),
            rows,
            layout,
            delimiter,
            record: ByteRecord::new(),
            position: 0,
            start,
            done: false,
        })
    }

    /// Where each field is and where the header was found.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The delimiter in use: `b','`, `b';'` or `b'\t'`.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Turns the record just read into cells, or a message if a column the
    /// layout uses is not valid UTF-8.
    fn cells(&self) -> Result<Vec<Cell>, String> {
        self.record
            .iter()
            .enumerate()
            .map(|(index, field)| match std::str::from_utf8(field) {
                Ok(text) => Ok(Cell::csv(text)),
                Err(_) if self.used.contains(&index) => Err(format!(
                    "the row is not valid UTF-8 (column {}): save the file as UTF-8",
                    letters(index)
                )),
                Err(_) => Ok(Cell::Text(String::from_utf8_lossy(field).into_owned())),
            })
            .collect()
    }
}

impl<R: Read> Iterator for TableCsvReader<R> {
    type Item = Result<Entry, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    let line = start_line(&mut self.csv, &self.record);
                    let position = self.position;
                    self.position += 1;
                    if position < self.start || is_blank(&self.record) {
                        continue;
                    }
                    let cells = match self.cells() {
                        Ok(cells) => cells,
                        Err(message) => return Some(Err(RowError { line, message })),
                    };
                    let delimiter = self.delimiter;
                    let raw = || {
                        let shown: Vec<String> = self
                            .record
                            .iter()
                            .map(|field| String::from_utf8_lossy(field).into_owned())
                            .collect();
                        encode_cells(shown.iter().map(String::as_str), delimiter)
                    };
                    if let Some(row) = self.rows.convert(&cells, line, raw) {
                        return Some(row);
                    }
                }
                Err(e) => {
                    // With `flexible` byte records only I/O errors occur,
                    // and they end the iteration.
                    self.done = true;
                    let line = e
                        .position()
                        .map_or_else(|| self.csv.position().line(), csv::Position::line);
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

/// Non-blank cells in `row`.
fn width(row: &ScanRow) -> usize {
    row.cells.iter().filter(|cell| !cell.is_blank()).count()
}

/// How well a delimiter's layout fits the rows searched: how many rows from
/// the data start have a date in the date column, then how many cells the
/// header (or first data) row has.
fn fit(rows: &[ScanRow], layout: &Layout, start: usize) -> (usize, usize) {
    let date = layout.column(Field::Date).unwrap_or_default();
    let data = rows.iter().filter(|row| row.position >= start);
    let dated = data
        .clone()
        .filter(|row| {
            row.cells
                .get(date)
                .is_some_and(|cell| matches!(cell.to_time(), Ok(Some(_))))
        })
        .count();
    let first = match layout.header_line() {
        Some(line) => rows.iter().find(|row| row.line == line),
        None => data.clone().next(),
    };
    (dated, first.map(width).unwrap_or_default())
}

fn builder(delimiter: u8) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter);
    builder
}

/// Reads the start of the file: until it has more lines with text than
/// are searched, [`MAX_PREFIX_BYTES`], or the end. Returns the bytes and
/// whether the end was reached.
fn read_prefix(source: &mut impl Read) -> Result<(Vec<u8>, bool), TableError> {
    let mut prefix = Vec::new();
    let mut chunk = [0u8; 8 * 1024];
    let mut lines = 0;
    let mut has_text = false;
    loop {
        let n = match source.read(&mut chunk) {
            Ok(0) => return Ok((prefix, true)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(TableError::Read {
                    message: e.to_string(),
                })
            }
        };
        for &byte in &chunk[..n] {
            if matches!(byte, b'\n' | b'\r') {
                lines += usize::from(std::mem::take(&mut has_text));
            } else if byte.is_ascii_alphanumeric() || byte >= 0x80 {
                has_text = true;
            }
        }
        prefix.extend_from_slice(&chunk[..n]);
        if lines > SCAN_ROWS + 1 || prefix.len() >= MAX_PREFIX_BYTES {
            return Ok((prefix, false));
        }
    }
}

/// Rejects a workbook or other binary file handed over as CSV.
fn check_text(prefix: &[u8]) -> Result<(), TableError> {
    let hint = if prefix.starts_with(b"PK\x03\x04") {
        "it looks like an Excel .xlsx workbook (a zip archive): read it as xlsx"
    } else if prefix.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        "it looks like an old Excel .xls workbook: open it in Excel or LibreOffice and save it as .xlsx or CSV UTF-8"
    } else if prefix.iter().take(4096).any(|&b| b == 0) {
        "it contains NUL bytes (UTF-16 text without a byte-order mark, or a binary file): save it as CSV UTF-8"
    } else {
        return Ok(());
    };
    Err(TableError::NotCsv { hint })
}

/// The first non-blank records of `bytes` (up to [`SCAN_ROWS`] and one
/// more) split at `delimiter`.
fn scan(bytes: &[u8], delimiter: u8) -> Vec<ScanRow> {
    let mut csv = builder(delimiter).from_reader(LineTracker::new(bytes));
    let mut record = ByteRecord::new();
    let mut rows = Vec::new();
    let mut position = 0;
    while rows.len() <= SCAN_ROWS {
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
        let line = start_line(&mut csv, &record);
        position += 1;
        if is_blank(&record) {
            continue;
        }
        rows.push(ScanRow {
            position: position - 1,
            line,
            cells: record
                .iter()
                .take(MAX_COLUMNS)
                .map(|field| Cell::csv(&String::from_utf8_lossy(field)))
                .collect(),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_readers::{Failing, Trickle};

    fn amounts(input: &[u8]) -> Vec<Result<i64, String>> {
        TableCsvReader::new(input, None)
            .unwrap()
            .map(|row| row.map(|e| e.amount).map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn delimiters_are_detected() {
        for delimiter in [",", ";", "\t"] {
            let input = format!(
                "Bank{d}XYZ\nNgày{d}Số tiền{d}Nội dung\n22/04/2025{d}\"1,000\"{d}a\n",
                d = delimiter
            );
            let reader = TableCsvReader::new(input.as_bytes(), None).unwrap();
            assert_eq!(char::from(reader.delimiter()).to_string(), delimiter);
            let rows: Vec<_> = reader.collect();
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].as_ref().unwrap().amount, 1000);
        }
    }

    #[test]
    fn semicolons_win_over_unquoted_thousands_commas() {
        let input = "Ngày;Nội dung;Số tiền\n22/04/2025;CK, ABC;1,200,000\n";
        let reader = TableCsvReader::new(input.as_bytes(), None).unwrap();
        assert_eq!(reader.delimiter(), b';');
        let entry = reader.into_iter().next().unwrap().unwrap();
        assert_eq!(entry.amount, 1_200_000);
        assert_eq!(entry.description, "CK, ABC");
        assert_eq!(entry.raw, "22/04/2025;CK, ABC;1,200,000");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let text = "Ngày,Số tiền\r\n22/04/2025,5\r\n23/04/2025,x\r\n";
        let mut input = vec![0xff, 0xfe];
        input.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let rows = amounts(&input);
        assert_eq!(rows[0], Ok(5));
        assert!(rows[1]
            .as_ref()
            .unwrap_err()
            .starts_with("line 3: amount \"x\""));
    }

    #[test]
    fn utf8_bom_and_trickling_reads() {
        let input = "\u{feff}Ngày,Số tiền\r\n\r\n22/04/2025,5\r\n";
        let rows: Vec<_> = TableCsvReader::new(Trickle(input.as_bytes()), None)
            .unwrap()
            .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].as_ref().unwrap().line, 3);
    }

    #[test]
    fn not_csv() {
        assert!(matches!(
            TableCsvReader::new(&b"PK\x03\x04rest"[..], None),
            Err(TableError::NotCsv { .. })
        ));
        assert!(matches!(
            TableCsvReader::new(&b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"[..], None),
            Err(TableError::NotCsv { .. })
        ));
        assert!(matches!(
            TableCsvReader::new(&b"N\x00g\x00"[..], None),
            Err(TableError::NotCsv { .. })
        ));
        assert_eq!(
            TableCsvReader::new(&b"Ng\xe0y,S\xf4 ti\xe8n\n"[..], None).unwrap_err(),
            TableError::NotUtf8
        );
        assert_eq!(
            TableCsvReader::new(&b"\n \n,,\n"[..], None).unwrap_err(),
            TableError::Empty
        );
        assert_eq!(
            TableCsvReader::new(&b""[..], None).unwrap_err(),
            TableError::Empty
        );
    }

    #[test]
    fn invalid_utf8_matters_only_in_used_columns() {
        let input = b"Ng\xc3\xa0y,Ghi ch\xfa,S\xe1\xbb\x91 ti\xe1\xbb\x81n\n22/04/2025,caf\xe9,5\n22/04/2025,ok,\xff\n";
        let rows = amounts(input);
        assert_eq!(rows[0], Ok(5));
        assert_eq!(
            rows[1],
            Err("line 3: the row is not valid UTF-8 (column C): save the file as UTF-8".into())
        );
    }

    #[test]
    fn io_errors() {
        assert!(matches!(
            TableCsvReader::new(Failing(b""), None),
            Err(TableError::Read { .. })
        ));
        // Errors after the header region end the iteration.
        let mut head = String::from("Ngày,Số tiền\n");
        head.push_str(&"22/04/2025,5\n".repeat(40));
        let rows: Vec<_> = TableCsvReader::new(head.as_bytes().chain(Failing(b"")), None)
            .unwrap()
            .collect();
        let last = rows.last().unwrap().as_ref().unwrap_err();
        assert!(last.message.contains("disk on fire"), "{last}");
        assert_eq!(rows.len(), 41);
    }

    #[test]
    fn long_preambles_and_memory() {
        let mut input = "x\n".repeat(SCAN_ROWS - 1);
        input.push_str("Date,Amount\n");
        input.push_str(&"2025-04-22,1\n\n".repeat(5000));
        let mut reader = TableCsvReader::new(input.as_bytes(), None).unwrap();
        let mut count = 0;
        while let Some(row) = reader.next() {
            assert_eq!(row.unwrap().line, SCAN_ROWS as u64 + 1 + 2 * count);
            assert!(reader.csv.get_ref().runs.len() < 1000);
            count += 1;
        }
        assert_eq!(count, 5000);
    }
}
