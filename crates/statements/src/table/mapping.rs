//! [`ColumnMapping`]: which column of a bank export holds which field, as a
//! user writes it (`date=Ngày giao dịch,credit=Ghi có,debit=Ghi nợ`).
//!
//! The syntax is described in the [module documentation](super#column-mappings).

use std::fmt;
use std::str::FromStr;

use super::fold;

/// Most columns a mapping may refer to: Excel's limit, 16384 (`XFD`).
pub(crate) const MAX_COLUMNS: usize = 16_384;

/// A field of an [`Entry`](crate::Entry) that a column of a bank export can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// When the entry was booked (required).
    Date,
    /// The bank's description of the entry.
    Description,
    /// Signed amount: positive = money in, negative = money out.
    Amount,
    /// Money in, unsigned.
    Credit,
    /// Money out, unsigned (a leading `-` is tolerated).
    Debit,
    /// Running balance after the entry.
    Balance,
    /// The bank's reference for the entry.
    Reference,
    /// Name of the other party.
    CounterpartyName,
    /// Account number of the other party.
    CounterpartyAccount,
    /// Bank of the other party.
    CounterpartyBank,
}

impl Field {
    /// Every field, in the order mappings list them.
    pub const ALL: [Field; 10] = [
        Field::Date,
        Field::Description,
        Field::Amount,
        Field::Credit,
        Field::Debit,
        Field::Balance,
        Field::Reference,
        Field::CounterpartyName,
        Field::CounterpartyAccount,
        Field::CounterpartyBank,
    ];

    /// The field's name in a mapping: `date`, `counterparty_name`, ...
    pub fn name(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Description => "description",
            Field::Amount => "amount",
            Field::Credit => "credit",
            Field::Debit => "debit",
            Field::Balance => "balance",
            Field::Reference => "reference",
            Field::CounterpartyName => "counterparty_name",
            Field::CounterpartyAccount => "counterparty_account",
            Field::CounterpartyBank => "counterparty_bank",
        }
    }

    /// Whether the field holds the entry's amount (`amount`, `credit`, `debit`).
    pub(crate) fn is_money(self) -> bool {
        matches!(self, Field::Amount | Field::Credit | Field::Debit)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a column is: by its header name or by its position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnRef {
    /// A header name, matched case-insensitively with diacritics, punctuation
    /// and spacing ignored (`Ngày GD` matches `NGAY GD`).
    Name(String),
    /// A 0-based column position (column `A` or `1` is 0).
    Index(usize),
}

impl ColumnRef {
    /// Reads a column written without quotes: a 1-based number (`3`), one to
    /// three upper-case letters (`C`, `AA`), or else a header name.
    fn parse(field: Field, value: &str) -> Result<Self, MappingError> {
        let out_of_range = || MappingError::ColumnOutOfRange {
            field,
            value: value.to_owned(),
        };
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return match value.parse::<usize>() {
                Ok(number @ 1..=MAX_COLUMNS) => Ok(ColumnRef::Index(number - 1)),
                _ => Err(out_of_range()),
            };
        }
        if let Some(index) = letters_index(value) {
            return if index < MAX_COLUMNS {
                Ok(ColumnRef::Index(index))
            } else {
                Err(out_of_range())
            };
        }
        Ok(ColumnRef::Name(value.to_owned()))
    }
}

impl fmt::Display for ColumnRef {
    /// A name as written (quoted when it would otherwise read as a letter or
    /// number, or contains `,` `;` `=` `"` or surrounding spaces); a position as
    /// spreadsheet letters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnRef::Index(index) => f.write_str(&letters(*index)),
            ColumnRef::Name(name) => {
                let plain = !name.is_empty()
                    && name.trim() == name
                    && !name.contains([',', ';', '=', '"'])
                    && !name.bytes().all(|b| b.is_ascii_digit())
                    && letters_index(name).is_none();
                if plain {
                    f.write_str(name)
                } else {
                    write!(f, "\"{}\"", name.replace('"', "\"\""))
                }
            }
        }
    }
}

/// The spreadsheet letters of 0-based column `index`: 0 → `A`, 26 → `AA`.
pub(crate) fn letters(index: usize) -> String {
    let mut out = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// The 0-based column of one to three upper-case ASCII letters, if `value` is that.
fn letters_index(value: &str) -> Option<usize> {
    if !(1..=3).contains(&value.len()) || !value.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let number = value
        .bytes()
        .fold(0usize, |acc, b| acc * 26 + usize::from(b - b'A' + 1));
    Some(number - 1)
}

/// Which column holds each field of a bank export, given by the user instead
/// of being detected from the header.
///
/// Build one with [`ColumnMapping::new`] or parse the text form (see the
/// [module documentation](super#column-mappings)):
///
/// ```
/// use statements::table::{ColumnMapping, ColumnRef, Field};
///
/// let mapping: ColumnMapping =
///     "date=Ngày giao dịch; description=Nội dung; credit=Ghi có; debit=Ghi nợ".parse()?;
/// assert_eq!(mapping.column(Field::Credit), Some(&ColumnRef::Name("Ghi có".into())));
///
/// let by_letters: ColumnMapping = "date=A,amount=C,header_row=4".parse()?;
/// assert_eq!(by_letters.column(Field::Amount), Some(&ColumnRef::Index(2)));
/// assert_eq!(by_letters.header_row(), Some(4));
/// assert_eq!(by_letters.to_string(), "date=A,amount=C,header_row=4");
/// # Ok::<(), statements::table::MappingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnMapping {
    /// Sorted by field; each field at most once.
    columns: Vec<(Field, ColumnRef)>,
    header_row: Option<u64>,
}

impl ColumnMapping {
    /// Checks and builds a mapping.
    ///
    /// `header_row` is the 1-based line (CSV) or sheet row (xlsx) of the
    /// header; without it, a mapping that uses names finds the header by
    /// them, and a mapping by positions only has no header (see the [module
    /// documentation](super#column-mappings)).
    ///
    /// # Errors
    ///
    /// A field given twice, an empty name, a position beyond 16384, a
    /// `header_row` of 0, no `date`, no money column, or both `amount` and
    /// `credit`/`debit`.
    pub fn new(
        columns: impl IntoIterator<Item = (Field, ColumnRef)>,
        header_row: Option<u64>,
    ) -> Result<Self, MappingError> {
        let mut checked: Vec<(Field, ColumnRef)> = Vec::new();
        for (field, column) in columns {
            if checked.iter().any(|(f, _)| *f == field) {
                return Err(MappingError::DuplicateField { field });
            }
            match &column {
                ColumnRef::Name(name) if fold::key(name).is_empty() => {
                    return Err(MappingError::EmptyColumn { field });
                }
                ColumnRef::Index(index) if *index >= MAX_COLUMNS => {
                    return Err(MappingError::ColumnOutOfRange {
                        field,
                        value: (index + 1).to_string(),
                    });
                }
                _ => {}
            }
            checked.push((field, column));
        }
        if header_row == Some(0) {
            return Err(MappingError::BadHeaderRow { value: "0".into() });
        }
        checked.sort_by_key(|(field, _)| *field);
        let has = |field| checked.iter().any(|(f, _)| *f == field);
        if !has(Field::Date) {
            return Err(MappingError::MissingDate);
        }
        match (has(Field::Amount), has(Field::Credit) || has(Field::Debit)) {
            (false, false) => return Err(MappingError::MissingMoney),
            (true, true) => return Err(MappingError::MixedMoney),
            _ => {}
        }
        Ok(Self {
            columns: checked,
            header_row,
        })
    }

    /// A mapping by positions from a layout, which is valid by construction
    /// (a date, one money style, positions in range), in [`Field::ALL`] order.
    pub(crate) fn of_positions(columns: Vec<(Field, usize)>, header_row: Option<u64>) -> Self {
        Self {
            columns: columns
                .into_iter()
                .map(|(field, index)| (field, ColumnRef::Index(index)))
                .collect(),
            header_row,
        }
    }

    /// The column given for `field`, if any.
    pub fn column(&self, field: Field) -> Option<&ColumnRef> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, column)| column)
    }

    /// The fields given and their columns, in [`Field::ALL`] order.
    pub fn columns(&self) -> impl Iterator<Item = (Field, &ColumnRef)> + '_ {
        self.columns.iter().map(|(field, column)| (*field, column))
    }

    /// The 1-based line (CSV) or sheet row (xlsx) of the header, if given.
    pub fn header_row(&self) -> Option<u64> {
        self.header_row
    }

    /// Whether any column is given by name (so the file needs a header row).
    pub fn uses_names(&self) -> bool {
        self.columns
            .iter()
            .any(|(_, column)| matches!(column, ColumnRef::Name(_)))
    }
}

impl fmt::Display for ColumnMapping {
    /// The text form, which [`FromStr`] reads back to the same mapping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (field, column)) in self.columns.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            write!(f, "{field}={column}")?;
        }
        if let Some(row) = self.header_row {
            write!(f, ",header_row={row}")?;
        }
        Ok(())
    }
}

impl FromStr for ColumnMapping {
    type Err = MappingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut columns = Vec::new();
        let mut header_row = None;
        for item in split_items(text)? {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (key, value) = item.split_once('=').ok_or_else(|| MappingError::Syntax {
                item: crate::excerpt(item),
            })?;
            let key = key.trim();
            let value = value.trim();
            if key.eq_ignore_ascii_case("header_row") {
                if header_row.is_some() {
                    return Err(MappingError::DuplicateHeaderRow);
                }
                header_row = Some(match value.parse::<u64>() {
                    Ok(row) if row > 0 && value.bytes().all(|b| b.is_ascii_digit()) => row,
                    _ => {
                        return Err(MappingError::BadHeaderRow {
                            value: crate::excerpt(value),
                        })
                    }
                });
                continue;
            }
            let field = Field::ALL
                .into_iter()
                .find(|f| f.name().eq_ignore_ascii_case(key))
                .ok_or_else(|| MappingError::UnknownField {
                    name: crate::excerpt(key),
                })?;
            let column = match value.strip_prefix('"') {
                Some(rest) => match rest.strip_suffix('"') {
                    Some(inner) => ColumnRef::Name(inner.replace("\"\"", "\"")),
                    None => {
                        return Err(MappingError::Syntax {
                            item: crate::excerpt(item),
                        })
                    }
                },
                None if value.is_empty() => return Err(MappingError::EmptyColumn { field }),
                None => ColumnRef::parse(field, value)?,
            };
            columns.push((field, column));
        }
        if columns.is_empty() && header_row.is_none() {
            return Err(MappingError::Empty);
        }
        Self::new(columns, header_row)
    }
}

/// Splits a mapping's text at `,` and `;` outside double quotes.
fn split_items(text: &str) -> Result<Vec<&str>, MappingError> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (index, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' | ';' if !quoted => {
                items.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if quoted {
        return Err(MappingError::UnterminatedQuote);
    }
    items.push(&text[start..]);
    Ok(items)
}

/// Why a column mapping is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
pub enum MappingError {
    /// Nothing was given.
    #[error(
        "the column mapping is empty: expected e.g. \"date=Ngày giao dịch,credit=Ghi có,debit=Ghi nợ\" or \"date=A,amount=C\""
    )]
    Empty,
    /// An item is not `field=column`.
    #[error(
        "{item:?} is not field=column (e.g. \"date=Ngày giao dịch\", \"amount=C\" or \"reference=\\\"Ref\\\"\")"
    )]
    Syntax {
        /// The offending item (possibly shortened).
        item: String,
    },
    /// A quote was opened and never closed.
    #[error("the column mapping has an unterminated quote")]
    UnterminatedQuote,
    /// The field name is not one of [`Field::ALL`] nor `header_row`.
    #[error(
        "unknown field {name:?}: expected date, description, amount, credit, debit, balance, reference, counterparty_name, counterparty_account, counterparty_bank or header_row"
    )]
    UnknownField {
        /// The unknown name (possibly shortened).
        name: String,
    },
    /// A field is given more than once.
    #[error("field \"{field}\" is given more than once")]
    DuplicateField {
        /// The repeated field.
        field: Field,
    },
    /// `header_row` is given more than once.
    #[error("header_row is given more than once")]
    DuplicateHeaderRow,
    /// A field has no column, or a name without letters or digits.
    #[error("field \"{field}\" has no column: give a header name, a letter (A, B, ..., AA) or a number (1, 2, ...)")]
    EmptyColumn {
        /// The field without a column.
        field: Field,
    },
    /// A column letter or number beyond 16384 (`XFD`), or the number 0.
    #[error("column {value:?} for \"{field}\" is out of range (columns are 1 to 16384, A to XFD)")]
    ColumnOutOfRange {
        /// The field.
        field: Field,
        /// The column as written.
        value: String,
    },
    /// `header_row` is not a number of 1 or more.
    #[error("header_row {value:?} is not a row number (1 or more)")]
    BadHeaderRow {
        /// The value as written (possibly shortened).
        value: String,
    },
    /// No `date` column.
    #[error("the column mapping has no \"date\" column")]
    MissingDate,
    /// Neither `amount` nor `credit`/`debit`.
    #[error("the column mapping has no money column: give amount=... (signed), or credit=... and/or debit=...")]
    MissingMoney,
    /// Both `amount` and `credit`/`debit`.
    #[error("the column mapping has both \"amount\" and \"credit\"/\"debit\": use either a signed amount or credit/debit")]
    MixedMoney,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ColumnMapping, MappingError> {
        text.parse()
    }

    fn name(text: &str) -> ColumnRef {
        ColumnRef::Name(text.into())
    }

    #[test]
    fn names_with_commas_or_semicolons() {
        let mapping = parse(
            "date=Ngày giao dịch,description=Nội dung,credit=Ghi có,debit=Ghi nợ,balance=Số dư,reference=Số tham chiếu",
        )
        .unwrap();
        assert_eq!(mapping.column(Field::Date), Some(&name("Ngày giao dịch")));
        assert_eq!(mapping.column(Field::Debit), Some(&name("Ghi nợ")));
        assert_eq!(
            mapping.column(Field::Reference),
            Some(&name("Số tham chiếu"))
        );
        assert_eq!(mapping.column(Field::Amount), None);
        assert!(mapping.uses_names());
        assert_eq!(mapping.header_row(), None);
        let semicolons = parse(" date = Ngày giao dịch ; amount = Số tiền ; ").unwrap();
        assert_eq!(semicolons.column(Field::Amount), Some(&name("Số tiền")));
    }

    #[test]
    fn letters_numbers_and_quoted_names() {
        let mapping =
            parse("DATE=A;amount=3;Description=AB;reference=\"REF\";balance=\"a, b\"\"c\"")
                .unwrap();
        assert_eq!(mapping.column(Field::Date), Some(&ColumnRef::Index(0)));
        assert_eq!(mapping.column(Field::Amount), Some(&ColumnRef::Index(2)));
        assert_eq!(
            mapping.column(Field::Description),
            Some(&ColumnRef::Index(27))
        );
        assert_eq!(mapping.column(Field::Reference), Some(&name("REF")));
        assert_eq!(mapping.column(Field::Balance), Some(&name("a, b\"c")));
        // Lower case is a name, not a letter.
        assert_eq!(
            parse("date=a,amount=C").unwrap().column(Field::Date),
            Some(&name("a"))
        );
        assert!(!parse("date=A,amount=C").unwrap().uses_names());
        assert_eq!(
            parse("date=XFD,amount=16384")
                .unwrap()
                .column(Field::Amount),
            Some(&ColumnRef::Index(16_383))
        );
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "date=Ngày giao dịch,description=Nội dung,credit=Ghi có,debit=Ghi nợ",
            "date=A,amount=C,header_row=4",
            "date=B,description=\"Nội dung, ghi chú\",amount=\"REF\",balance=\"12\",reference=\" x \"",
            "date=\"say \"\"hi\"\"\",credit=Ghi có",
        ] {
            let mapping = parse(text).unwrap();
            assert_eq!(mapping.to_string(), text);
            assert_eq!(parse(&mapping.to_string()).unwrap(), mapping);
        }
        assert_eq!(
            parse("amount=C;date=A").unwrap().to_string(),
            "date=A,amount=C"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(parse(""), Err(MappingError::Empty));
        assert_eq!(parse(" ; , "), Err(MappingError::Empty));
        assert_eq!(
            parse("date"),
            Err(MappingError::Syntax {
                item: "date".into()
            })
        );
        assert_eq!(
            parse("when=A,amount=B"),
            Err(MappingError::UnknownField {
                name: "when".into()
            })
        );
        assert_eq!(
            parse("date=A,date=B,amount=C"),
            Err(MappingError::DuplicateField { field: Field::Date })
        );
        assert_eq!(
            parse("date=,amount=C"),
            Err(MappingError::EmptyColumn { field: Field::Date })
        );
        assert_eq!(
            parse("date=\"--\",amount=C"),
            Err(MappingError::EmptyColumn { field: Field::Date })
        );
        assert_eq!(parse("amount=C"), Err(MappingError::MissingDate));
        assert_eq!(
            parse("date=A,description=B"),
            Err(MappingError::MissingMoney)
        );
        assert_eq!(
            parse("date=A,amount=B,debit=C"),
            Err(MappingError::MixedMoney)
        );
        assert_eq!(
            parse("date=A,amount=0"),
            Err(MappingError::ColumnOutOfRange {
                field: Field::Amount,
                value: "0".into()
            })
        );
        assert!(matches!(
            parse("date=XFE,amount=C"),
            Err(MappingError::ColumnOutOfRange { .. })
        ));
        assert!(matches!(
            parse("date=A,amount=99999999999999999999999"),
            Err(MappingError::ColumnOutOfRange { .. })
        ));
        assert_eq!(
            parse("date=A,amount=C,header_row=0"),
            Err(MappingError::BadHeaderRow { value: "0".into() })
        );
        assert_eq!(
            parse("date=A,amount=C,header_row=+3"),
            Err(MappingError::BadHeaderRow { value: "+3".into() })
        );
        assert_eq!(
            parse("date=A,amount=C,header_row=1,header_row=2"),
            Err(MappingError::DuplicateHeaderRow)
        );
        assert_eq!(
            parse("date=\"A,amount=C"),
            Err(MappingError::UnterminatedQuote)
        );
        assert!(matches!(
            parse("date=\"A\"x,amount=C"),
            Err(MappingError::Syntax { .. })
        ));
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            parse("date=A,date=B,amount=C").unwrap_err().to_string(),
            "field \"date\" is given more than once"
        );
        assert_eq!(
            parse("amount=C").unwrap_err().to_string(),
            "the column mapping has no \"date\" column"
        );
        assert!(parse("when=A")
            .unwrap_err()
            .to_string()
            .starts_with("unknown field \"when\": expected date, description"));
    }

    #[test]
    fn new_checks_like_parsing() {
        assert_eq!(
            ColumnMapping::new(
                [
                    (Field::Date, ColumnRef::Index(0)),
                    (Field::Credit, ColumnRef::Index(MAX_COLUMNS))
                ],
                None
            ),
            Err(MappingError::ColumnOutOfRange {
                field: Field::Credit,
                value: "16385".into()
            })
        );
        let mapping = ColumnMapping::new(
            [
                (Field::Credit, name("Ghi có")),
                (Field::Date, ColumnRef::Index(1)),
            ],
            Some(3),
        )
        .unwrap();
        let fields: Vec<Field> = mapping.columns().map(|(field, _)| field).collect();
        assert_eq!(fields, [Field::Date, Field::Credit]);
    }

    #[test]
    fn column_letters() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(701), "ZZ");
        assert_eq!(letters(702), "AAA");
        assert_eq!(letters(16_383), "XFD");
        for index in [0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383] {
            assert_eq!(letters_index(&letters(index)), Some(index));
        }
    }
}
