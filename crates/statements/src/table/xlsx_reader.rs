//! [`TableXlsxReader`]: entries out of a bank's Excel (.xlsx) export.

use std::fmt;
use std::io::{Read, Seek, SeekFrom};

use calamine::{Data, Range, Reader, SheetType, Xlsx, XlsxError};

use super::cells::{Cell, END_SERIAL_DATE};
use super::error::TableError;
use super::layout::{resolve, Layout, ScanRow, SCAN_ROWS};
use super::rows::RowConverter;
use super::ColumnMapping;
use crate::csv_lines::encode_cells;
use crate::{Entry, RowError};

/// The start of an OLE compound file: an old `.xls` workbook (or an
/// encrypted `.xlsx`, which calamine recognizes itself).
const OLE_MAGIC: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

/// Reads [`Entry`] values out of one worksheet of an Excel `.xlsx`
/// workbook, with a [`ColumnMapping`] or header auto-detection.
///
/// [`TableXlsxReader::new`] loads the whole worksheet into memory (one sheet
/// only, never the whole workbook) and finds the header (see the [module
/// documentation](super)); then iterate to get one `Result<Entry, RowError>`
/// per data row, as with [`CanonicalCsvReader`](crate::CanonicalCsvReader).
/// [`Entry::line`] is the 1-based sheet row; [`Entry::raw`] is the row's
/// cells as shown (trailing empty cells dropped) joined as one CSV record.
///
/// Number cells must hold whole VND; date cells are Vietnam local time.
pub struct TableXlsxReader {
    sheet: String,
    range: Range<Data>,
    layout: Layout,
    rows: RowConverter,
    /// Next row to read, as an index into `range`.
    next: usize,
}

impl fmt::Debug for TableXlsxReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableXlsxReader")
            .field("sheet", &self.sheet)
            .field("layout", &self.layout)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl TableXlsxReader {
    /// Opens the workbook in `reader`, loads worksheet `sheet` (the first
    /// worksheet if `None`; the name is matched exactly, or else ignoring
    /// case and surrounding spaces) and finds the header: by `mapping` if given, else
    /// by auto-detection.
    ///
    /// # Errors
    ///
    /// A [`TableError`] when the workbook cannot be read (not an `.xlsx`,
    /// password-protected, damaged), has no such sheet, the sheet is empty,
    /// has no recognizable header, or does not fit `mapping`.
    pub fn new<R: Read + Seek>(
        mut reader: R,
        sheet: Option<&str>,
        mapping: Option<&ColumnMapping>,
    ) -> Result<Self, TableError> {
        let ole = starts_with_ole_magic(&mut reader)?;
        let mut workbook = Xlsx::new(reader).map_err(|e| open_error(&e, ole))?;
        let worksheets: Vec<String> = workbook
            .sheets_metadata()
            .iter()
            .filter(|sheet| sheet.typ == SheetType::WorkSheet)
            .map(|sheet| sheet.name.clone())
            .collect();
        let name = match sheet {
            None => worksheets.first().cloned().ok_or(TableError::NoSheets)?,
            Some(wanted) => worksheets
                .iter()
                .find(|name| *name == wanted)
                .or_else(|| {
                    let wanted = wanted.trim().to_lowercase();
                    worksheets
                        .iter()
                        .find(|name| name.trim().to_lowercase() == wanted)
                })
                .cloned()
                .ok_or_else(|| TableError::SheetNotFound {
                    name: wanted.to_owned(),
                    available: worksheets.clone(),
                })?,
        };
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| TableError::Workbook {
                message: format!("sheet {name:?}: {e}"),
            })?;
        drop(workbook);

        let mut scanned = Vec::new();
        for index in 0..range.height() {
            if scanned.len() > SCAN_ROWS {
                break;
            }
            let cells = row_cells(&range, index);
            if cells.iter().all(Cell::is_blank) {
                continue;
            }
            scanned.push(ScanRow {
                position: index,
                line: sheet_row(&range, index),
                cells,
            });
        }
        let (layout, next) = resolve(&scanned, mapping)?;
        Ok(Self {
            sheet: name,
            rows: RowConverter::new(&layout),
            range,
            layout,
            next,
        })
    }

    /// The name of the worksheet being read.
    pub fn sheet(&self) -> &str {
        &self.sheet
    }

    /// Where each field is and where the header was found.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}

impl Iterator for TableXlsxReader {
    type Item = Result<Entry, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.next < self.range.height() {
            let index = self.next;
            self.next += 1;
            let cells = row_cells(&self.range, index);
            let raw = || {
                let shown: Vec<_> = cells.iter().map(Cell::shown).collect();
                encode_cells(shown.iter().map(|cell| cell.as_ref()), b',')
            };
            if let Some(row) = self
                .rows
                .convert(&cells, sheet_row(&self.range, index), raw)
            {
                return Some(row);
            }
        }
        None
    }
}

/// Whether `reader` starts with [`OLE_MAGIC`]; leaves it where it was.
fn starts_with_ole_magic<R: Read + Seek>(reader: &mut R) -> Result<bool, TableError> {
    let read_error = |e: std::io::Error| TableError::Read {
        message: e.to_string(),
    };
    let start = reader.stream_position().map_err(read_error)?;
    let mut magic = Vec::with_capacity(OLE_MAGIC.len());
    reader
        .by_ref()
        .take(OLE_MAGIC.len() as u64)
        .read_to_end(&mut magic)
        .map_err(read_error)?;
    reader.seek(SeekFrom::Start(start)).map_err(read_error)?;
    Ok(magic == OLE_MAGIC)
}

fn open_error(error: &XlsxError, ole: bool) -> TableError {
    let message = match error {
        XlsxError::Password => {
            "the workbook is password-protected: remove the password and save it again".to_owned()
        }
        _ if ole => "this is an old Excel .xls workbook, not .xlsx: open it in Excel or \
                     LibreOffice and save it as .xlsx or CSV UTF-8"
            .to_owned(),
        _ => format!("not a readable .xlsx workbook ({error})"),
    };
    TableError::Workbook { message }
}

/// The 1-based sheet row of row `index` of `range`.
fn sheet_row(range: &Range<Data>, index: usize) -> u64 {
    let first = range.start().map_or(0, |(row, _)| u64::from(row));
    first + index as u64 + 1
}

/// The cells of row `index` of `range`, by absolute column (column `A` is
/// index 0), without trailing empty cells.
fn row_cells(range: &Range<Data>, index: usize) -> Vec<Cell> {
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    let Some(row) = range.rows().nth(index) else {
        return Vec::new();
    };
    let used = row
        .iter()
        .rposition(|data| !matches!(data, Data::Empty))
        .map_or(0, |last| last + 1);
    std::iter::repeat_n(Cell::Empty, first_column)
        .chain(row[..used].iter().map(cell))
        .collect()
}

/// A calamine cell as a [`Cell`].
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            Cell::Text(text.clone())
        }
        Data::Int(value) => Cell::Int(*value),
        Data::Float(value) => Cell::Float(*value),
        Data::Bool(value) => Cell::Bool(*value),
        Data::Error(error) => Cell::Error(error.to_string()),
        Data::DateTime(value) => {
            let serial = value.as_f64();
            // Within Excel's range the conversion cannot overflow.
            if value.is_datetime() && (0.0..END_SERIAL_DATE).contains(&serial) {
                value
                    .as_datetime()
                    .map_or(Cell::Float(serial), Cell::DateTime)
            } else {
                Cell::Float(serial)
            }
        }
    }
}
