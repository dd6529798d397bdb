//! Finding the header and the columns of a bank export: [`Layout`], from a
//! [`ColumnMapping`] or by auto-detection over the first rows.
//!
//! The rules are described in the [module documentation](super).

use std::fmt;

use super::cells::Cell;
use super::error::{ScanRange, TableError};
use super::fold;
use super::mapping::{letters, ColumnMapping, ColumnRef, Field};
use super::synonyms::{self, Tier};
use crate::excerpt;

/// How many non-blank rows are searched for the header (or, for a mapping
/// by letters only, for the first data row).
pub const SCAN_ROWS: usize = 30;

/// A non-blank row from the start of a file, searched for the header.
#[derive(Debug, Clone)]
pub(crate) struct ScanRow {
    /// The reader's own position of the row (record ordinal for CSV, sheet
    /// row index for xlsx), so it can skip to the data.
    pub(crate) position: usize,
    /// 1-based line (CSV) or sheet row (xlsx).
    pub(crate) line: u64,
    pub(crate) cells: Vec<Cell>,
}

impl ScanRow {
    /// The trimmed text of the cell at `index` ("" for none or non-text).
    fn text(&self, index: usize) -> &str {
        self.cells
            .get(index)
            .and_then(Cell::text)
            .map_or("", str::trim)
    }
}

/// One field's column in a [`Layout`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LayoutColumn {
    /// The field.
    pub field: Field,
    /// 0-based column position (column `A` is 0).
    pub index: usize,
    /// The column's header text (trimmed, possibly shortened; two header
    /// rows joined with ` / `), if the file has a header.
    pub header: Option<String>,
}

impl LayoutColumn {
    /// `B "Ngày GD"`, or `B` without a header.
    fn describe(&self) -> String {
        match &self.header {
            Some(header) if !header.is_empty() => format!("{} {header:?}", letters(self.index)),
            _ => letters(self.index),
        }
    }
}

/// Where each field is in a bank export and where its header is: the
/// outcome of applying a [`ColumnMapping`] or of header auto-detection.
///
/// Its [`Display`](fmt::Display) tells a person what was chosen, e.g.
/// `date="Ngày GD" (B), credit="Ghi có" (D), debit="Ghi nợ" (E); header on line 5`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Layout {
    /// In [`Field::ALL`] order.
    columns: Vec<LayoutColumn>,
    /// First and last line of the header (they differ for a two-row header).
    header_lines: Option<(u64, u64)>,
    detected: bool,
}

impl Layout {
    /// The fields found and their columns, in [`Field::ALL`] order.
    pub fn columns(&self) -> &[LayoutColumn] {
        &self.columns
    }

    /// The 0-based column of `field`, if the file has it.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.get(field).map(|column| column.index)
    }

    /// The header text of `field`'s column, if the file has a header.
    pub fn header_name(&self, field: Field) -> Option<&str> {
        self.get(field).and_then(|column| column.header.as_deref())
    }

    /// The 1-based line (CSV) or sheet row (xlsx) of the header; the second
    /// of the two for a two-row header. `None` for a mapping by letters only
    /// without `header_row`.
    pub fn header_line(&self) -> Option<u64> {
        self.header_lines.map(|(_, last)| last)
    }

    /// Whether the layout was auto-detected (no mapping was given).
    pub fn is_detected(&self) -> bool {
        self.detected
    }

    /// A mapping by positions that reads the file the same way, e.g. to
    /// show a user what to adjust: `date=B,credit=D,debit=E,header_row=5`.
    pub fn to_mapping(&self) -> ColumnMapping {
        ColumnMapping::of_positions(
            self.columns
                .iter()
                .map(|column| (column.field, column.index))
                .collect(),
            self.header_line(),
        )
    }

    fn get(&self, field: Field) -> Option<&LayoutColumn> {
        self.columns.iter().find(|column| column.field == field)
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, column) in self.columns.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match &column.header {
                Some(header) if !header.is_empty() => {
                    write!(f, "{}={header:?} ({})", column.field, letters(column.index))?
                }
                _ => write!(f, "{}={}", column.field, letters(column.index))?,
            }
        }
        match self.header_lines {
            Some((first, last)) if first == last => write!(f, "; header on line {last}"),
            Some((first, last)) => write!(f, "; header on lines {first}–{last}"),
            None => f.write_str("; no header row"),
        }
    }
}

/// Finds the layout in `rows` (the first non-blank rows of the file: up to
/// [`SCAN_ROWS`] and one more), from `mapping` or by auto-detection.
/// Returns it with the position of the first row that may hold data.
pub(crate) fn resolve(
    rows: &[ScanRow],
    mapping: Option<&ColumnMapping>,
) -> Result<(Layout, usize), TableError> {
    let searched = &rows[..rows.len().min(SCAN_ROWS)];
    let (Some(first), Some(last)) = (searched.first(), searched.last()) else {
        return Err(TableError::Empty);
    };
    let scanned = ScanRange {
        rows: searched.len(),
        first_line: first.line,
        last_line: last.line,
    };
    let (layout, start) = match mapping {
        None => detect(rows, scanned)?,
        Some(mapping) => apply(searched, mapping, scanned)?,
    };
    check_distinct(&layout)?;
    Ok((layout, start))
}

/// Two fields in one column can only come from a mapping.
fn check_distinct(layout: &Layout) -> Result<(), TableError> {
    for (i, a) in layout.columns.iter().enumerate() {
        if let Some(b) = layout.columns[i + 1..].iter().find(|b| b.index == a.index) {
            return Err(TableError::SameColumn {
                first: a.field,
                second: b.field,
                column: a.describe(),
            });
        }
    }
    Ok(())
}

/// Per column of a header: its text and the field it names, if any.
type Classified = Vec<(String, Option<(Field, Tier)>)>;

fn classify_row(row: &ScanRow) -> Classified {
    (0..row.cells.len())
        .map(|index| {
            let text = row.text(index);
            (excerpt(text), synonyms::classify(text))
        })
        .collect()
}

fn names(classified: &Classified, wanted: impl Fn(Field) -> bool) -> bool {
    classified
        .iter()
        .any(|(_, class)| class.is_some_and(|(field, _)| wanted(field)))
}

/// Whether `row` is the second row of a two-row header: it names a money
/// column, names no date column and has no date in it.
fn is_subheader(row: &ScanRow, classified: &Classified) -> bool {
    names(classified, Field::is_money)
        && !names(classified, |field| field == Field::Date)
        && !row
            .cells
            .iter()
            .any(|cell| matches!(cell.to_time(), Ok(Some(_))))
}

/// A two-row header: the second row's cells override the first's.
fn merge(top: Classified, sub: Classified) -> Classified {
    let width = top.len().max(sub.len());
    let mut top = top.into_iter();
    let mut sub = sub.into_iter();
    (0..width)
        .map(|_| {
            let (upper, upper_class) = top.next().unwrap_or_default();
            let (lower, lower_class) = sub.next().unwrap_or_default();
            match (upper.is_empty(), lower.is_empty()) {
                (_, true) => (upper, upper_class),
                (true, false) => (lower, lower_class),
                (false, false) => (format!("{upper} / {lower}"), lower_class),
            }
        })
        .collect()
}

/// Header auto-detection: the first row (with the row after it when that is
/// a second header row) naming a date column and a money column.
fn detect(rows: &[ScanRow], scanned: ScanRange) -> Result<(Layout, usize), TableError> {
    for (i, row) in rows.iter().enumerate().take(SCAN_ROWS) {
        let top = classify_row(row);
        if !names(&top, |field| field == Field::Date) {
            continue;
        }
        let next = rows.get(i + 1).map(|next| (next, classify_row(next)));
        let (classified, last) = match next {
            Some((next, sub)) if is_subheader(next, &sub) => (merge(top, sub), next),
            _ => (top, row),
        };
        if !names(&classified, Field::is_money) {
            continue;
        }
        let layout = choose(&classified, (row.line, last.line))?;
        return Ok((layout, last.position + 1));
    }
    Err(TableError::NoHeader { scanned })
}

/// Picks each field's column from a classified header: the best-matching
/// column, and an error when two match equally well.
fn choose(classified: &Classified, lines: (u64, u64)) -> Result<Layout, TableError> {
    let mut columns = Vec::new();
    for field in Field::ALL {
        let candidates: Vec<(usize, Tier)> = classified
            .iter()
            .enumerate()
            .filter_map(|(index, (_, class))| match class {
                Some((f, tier)) if *f == field => Some((index, *tier)),
                _ => None,
            })
            .collect();
        let Some(best) = candidates.iter().map(|(_, tier)| *tier).min() else {
            continue;
        };
        let best: Vec<LayoutColumn> = candidates
            .iter()
            .filter(|(_, tier)| *tier == best)
            .map(|(index, _)| LayoutColumn {
                field,
                index: *index,
                header: Some(classified[*index].0.clone()),
            })
            .collect();
        if best.len() > 1 {
            return Err(TableError::Ambiguous {
                line: lines.1,
                field,
                candidates: best.iter().map(LayoutColumn::describe).collect(),
            });
        }
        columns.extend(best);
    }
    let layout = Layout {
        columns,
        header_lines: Some(lines),
        detected: true,
    };
    if let Some(amount) = layout.get(Field::Amount) {
        let credit_debit: Vec<String> = [Field::Credit, Field::Debit]
            .into_iter()
            .filter_map(|field| layout.get(field))
            .map(LayoutColumn::describe)
            .collect();
        if !credit_debit.is_empty() {
            return Err(TableError::MixedMoney {
                line: lines.1,
                amount: amount.describe(),
                credit_debit,
            });
        }
    }
    Ok(layout)
}

/// The columns of `row` whose text is `name` (folded), or else contains it
/// as a part (`Ghi có / Credit` for `Ghi có`).
fn find_named(row: &ScanRow, name: &str) -> Vec<usize> {
    let wanted = fold::key(name);
    let matching = |same: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..row.cells.len())
            .filter(|&index| same(row.text(index)))
            .collect()
    };
    let exact = matching(&|text| fold::key(text) == wanted);
    if !exact.is_empty() {
        return exact;
    }
    matching(&|text| synonyms::parts(text).any(|part| fold::key(part) == wanted))
}

/// Applies a user's mapping to the rows searched.
fn apply(
    rows: &[ScanRow],
    mapping: &ColumnMapping,
    scanned: ScanRange,
) -> Result<(Layout, usize), TableError> {
    let names: Vec<String> = mapping
        .columns()
        .filter_map(|(_, column)| match column {
            ColumnRef::Name(name) => Some(name.clone()),
            ColumnRef::Index(_) => None,
        })
        .collect();
    if let Some(line) = mapping.header_row() {
        let row = rows
            .iter()
            .find(|row| row.line == line)
            .ok_or(TableError::HeaderRowNotFound { row: line, scanned })?;
        let missing: Vec<String> = names
            .iter()
            .filter(|name| find_named(row, name).is_empty())
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(TableError::MissingColumns {
                line,
                missing,
                found: (0..row.cells.len())
                    .map(|index| excerpt(row.text(index)))
                    .collect(),
            });
        }
        return Ok((mapped(row, mapping, Some(row.line))?, row.position + 1));
    }
    if names.is_empty() {
        // Letters only: the data starts at the first row with a date.
        let date = mapping
            .column(Field::Date)
            .and_then(|column| match column {
                ColumnRef::Index(index) => Some(*index),
                ColumnRef::Name(_) => None,
            })
            .unwrap_or_default();
        let first = rows.iter().find(|row| {
            row.cells
                .get(date)
                .is_some_and(|cell| matches!(cell.to_time(), Ok(Some(_))))
        });
        return match first {
            Some(row) => Ok((mapped(row, mapping, None)?, row.position)),
            None => Err(TableError::NoDataRow {
                column: letters(date),
                scanned,
            }),
        };
    }
    let mut closest: Option<(u64, Vec<String>)> = None;
    for row in rows {
        let missing: Vec<String> = names
            .iter()
            .filter(|name| find_named(row, name).is_empty())
            .cloned()
            .collect();
        if missing.is_empty() {
            return Ok((mapped(row, mapping, Some(row.line))?, row.position + 1));
        }
        if missing.len() < names.len()
            && closest
                .as_ref()
                .is_none_or(|(_, fewest)| missing.len() < fewest.len())
        {
            closest = Some((row.line, missing));
        }
    }
    Err(TableError::MappedHeaderNotFound {
        names,
        scanned,
        closest,
    })
}

/// The layout of `mapping` with `row` as its header (`header_line` given) or
/// as its first data row (`None`). Names must be found in `row`.
fn mapped(
    row: &ScanRow,
    mapping: &ColumnMapping,
    header_line: Option<u64>,
) -> Result<Layout, TableError> {
    let header = |index: usize| header_line.map(|_| excerpt(row.text(index)));
    let mut columns = Vec::new();
    for (field, column) in mapping.columns() {
        let index = match column {
            ColumnRef::Index(index) => *index,
            ColumnRef::Name(name) => match find_named(row, name).as_slice() {
                [index] => *index,
                found => {
                    return Err(TableError::Ambiguous {
                        line: row.line,
                        field,
                        candidates: found
                            .iter()
                            .map(|&index| {
                                LayoutColumn {
                                    field,
                                    index,
                                    header: header(index),
                                }
                                .describe()
                            })
                            .collect(),
                    })
                }
            },
        };
        columns.push(LayoutColumn {
            field,
            index,
            header: header(index),
        });
    }
    Ok(Layout {
        columns,
        header_lines: header_line.map(|line| (line, line)),
        detected: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<ScanRow> {
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| ScanRow {
                position: i,
                line: i as u64 + 1,
                cells: cells.iter().map(|c| Cell::Text((*c).into())).collect(),
            })
            .collect()
    }

    fn detected(lines: &[&[&str]]) -> Result<(Layout, usize), TableError> {
        resolve(&rows(lines), None)
    }

    #[test]
    fn detects_after_a_preamble() {
        let (layout, start) = detected(&[
            &["NGÂN HÀNG TMCP XYZ"],
            &["Số tài khoản: 0123456789"],
            &["STT", "Ngày GD", "Nội dung", "Ghi có", "Ghi nợ", "Số dư"],
            &["1", "22/04/2025", "CK", "1.000", "", "2.000"],
        ])
        .unwrap();
        assert_eq!(start, 3);
        assert_eq!(layout.header_line(), Some(3));
        assert!(layout.is_detected());
        assert_eq!(layout.column(Field::Date), Some(1));
        assert_eq!(layout.column(Field::Debit), Some(4));
        assert_eq!(layout.header_name(Field::Credit), Some("Ghi có"));
        assert_eq!(
            layout.to_string(),
            "date=\"Ngày GD\" (B), description=\"Nội dung\" (C), credit=\"Ghi có\" (D), \
             debit=\"Ghi nợ\" (E), balance=\"Số dư\" (F); header on line 3"
        );
        assert_eq!(
            layout.to_mapping().to_string(),
            "date=B,description=C,credit=D,debit=E,balance=F,header_row=3"
        );
    }

    #[test]
    fn exact_names_beat_partial_ones() {
        let (layout, _) = detected(&[&["Ngày", "Ngày hiệu lực / Value date", "Số tiền"]]).unwrap();
        assert_eq!(layout.column(Field::Date), Some(0));
    }

    #[test]
    fn ambiguity_is_reported() {
        assert_eq!(
            detected(&[&["Ngày giao dịch", "Ngày hiệu lực", "Số tiền"]]).unwrap_err(),
            TableError::Ambiguous {
                line: 1,
                field: Field::Date,
                candidates: vec!["A \"Ngày giao dịch\"".into(), "B \"Ngày hiệu lực\"".into()],
            }
        );
        assert_eq!(
            detected(&[&["Date", "Amount", "Credit"]]).unwrap_err(),
            TableError::MixedMoney {
                line: 1,
                amount: "B \"Amount\"".into(),
                credit_debit: vec!["C \"Credit\"".into()],
            }
        );
    }

    #[test]
    fn two_row_headers_are_merged() {
        let (layout, start) = detected(&[
            &["Ngày", "Diễn giải", "Số tiền", "", "Số dư"],
            &["", "", "Nợ", "Có", ""],
            &["22/04/2025", "CK", "", "1.000", "5.000"],
        ])
        .unwrap();
        assert_eq!(start, 2);
        assert_eq!(layout.column(Field::Amount), None);
        assert_eq!(layout.column(Field::Debit), Some(2));
        assert_eq!(layout.column(Field::Credit), Some(3));
        assert_eq!(layout.header_name(Field::Debit), Some("Số tiền / Nợ"));
        assert!(layout.to_string().ends_with("; header on lines 1–2"));
    }

    #[test]
    fn no_header() {
        let err = detected(&[&["Ngày", "Nội dung"], &["a", "b"]]).unwrap_err();
        assert_eq!(
            err,
            TableError::NoHeader {
                scanned: ScanRange {
                    rows: 2,
                    first_line: 1,
                    last_line: 2
                }
            }
        );
        assert_eq!(detected(&[]).unwrap_err(), TableError::Empty);
    }

    #[test]
    fn only_the_first_rows_are_searched() {
        let mut lines: Vec<&[&str]> = vec![&["x"]; SCAN_ROWS];
        lines.push(&["Date", "Amount"]);
        assert!(matches!(
            detected(&lines),
            Err(TableError::NoHeader { scanned }) if scanned.rows == SCAN_ROWS
        ));
    }

    #[test]
    fn mapping_by_names_finds_its_header() {
        let mapping: ColumnMapping = "date=ngay gd,amount=SO TIEN".parse().unwrap();
        let (layout, start) = resolve(
            &rows(&[
                &["Ngày GD"],
                &["Ngày GD", "Số tiền (VND)"],
                &["1/1/2025", "5"],
            ]),
            Some(&mapping),
        )
        .unwrap();
        assert_eq!(start, 2);
        assert!(!layout.is_detected());
        assert_eq!(layout.column(Field::Amount), Some(1));
        assert_eq!(layout.header_name(Field::Amount), Some("Số tiền (VND)"));
    }

    #[test]
    fn mapping_errors() {
        let lines: &[&[&str]] = &[&["Ngày", "Có"], &["Ngày", "Số tiền", "Số tiền"]];
        let mapping: ColumnMapping = "date=Ngày,amount=Số tiền".parse().unwrap();
        assert!(matches!(
            resolve(&rows(lines), Some(&mapping)),
            Err(TableError::Ambiguous {
                line: 2,
                field: Field::Amount,
                ..
            })
        ));
        let mapping: ColumnMapping = "date=Ngày,credit=Ghi có".parse().unwrap();
        assert_eq!(
            resolve(&rows(lines), Some(&mapping)).unwrap_err(),
            TableError::MappedHeaderNotFound {
                names: vec!["Ngày".into(), "Ghi có".into()],
                scanned: ScanRange {
                    rows: 2,
                    first_line: 1,
                    last_line: 2
                },
                closest: Some((1, vec!["Ghi có".into()])),
            }
        );
        let mapping: ColumnMapping = "date=Ngày,credit=Ghi có,header_row=2".parse().unwrap();
        assert_eq!(
            resolve(&rows(lines), Some(&mapping)).unwrap_err(),
            TableError::MissingColumns {
                line: 2,
                missing: vec!["Ghi có".into()],
                found: vec!["Ngày".into(), "Số tiền".into(), "Số tiền".into()],
            }
        );
        let mapping: ColumnMapping = "date=A,credit=B,header_row=9".parse().unwrap();
        assert!(matches!(
            resolve(&rows(lines), Some(&mapping)),
            Err(TableError::HeaderRowNotFound { row: 9, .. })
        ));
        let mapping: ColumnMapping = "date=A,credit=Ngày".parse().unwrap();
        assert_eq!(
            resolve(&rows(lines), Some(&mapping)).unwrap_err(),
            TableError::SameColumn {
                first: Field::Date,
                second: Field::Credit,
                column: "A \"Ngày\"".into(),
            }
        );
    }

    #[test]
    fn mapping_by_letters() {
        let lines: &[&[&str]] = &[&["Sao kê"], &["x", "y", "z"], &["22/04/2025", "CK", "5"]];
        let mapping: ColumnMapping = "date=A,description=B,amount=C".parse().unwrap();
        let (layout, start) = resolve(&rows(lines), Some(&mapping)).unwrap();
        assert_eq!(start, 2);
        assert_eq!(layout.header_line(), None);
        assert_eq!(
            layout.to_string(),
            "date=A, description=B, amount=C; no header row"
        );
        let with_header: ColumnMapping = "date=A,amount=C,header_row=2".parse().unwrap();
        let (layout, start) = resolve(&rows(lines), Some(&with_header)).unwrap();
        assert_eq!(start, 2);
        assert_eq!(layout.header_name(Field::Amount), Some("z"));
        let wrong: ColumnMapping = "date=B,amount=C".parse().unwrap();
        assert!(matches!(
            resolve(&rows(lines), Some(&wrong)),
            Err(TableError::NoDataRow { ref column, .. }) if column == "B"
        ));
    }
}
