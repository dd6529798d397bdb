//! Turning the data rows of a bank export into [`Entry`] values: the money
//! rule, and which rows are skipped (blank rows, summary rows and footers).
//!
//! The rules are described in the [module documentation](super#rows).

use super::cells::Cell;
use super::layout::Layout;
use super::mapping::Field;
use super::synonyms::is_summary_label;
use crate::{Entry, RowError};

/// Where the money is.
#[derive(Debug, Clone, Copy)]
enum Money {
    Amount(usize),
    CreditDebit {
        credit: Option<usize>,
        debit: Option<usize>,
    },
}

/// Converts data rows, remembering whether the footer has started.
#[derive(Debug, Clone)]
pub(crate) struct RowConverter {
    date: usize,
    description: Option<usize>,
    money: Money,
    balance: Option<usize>,
    reference: Option<usize>,
    counterparty_name: Option<usize>,
    counterparty_account: Option<usize>,
    counterparty_bank: Option<usize>,
    /// A summary row has been seen: from now on rows without a date are
    /// footer text, not errors.
    in_footer: bool,
}

const EMPTY: Cell = Cell::Empty;

impl RowConverter {
    pub(crate) fn new(layout: &Layout) -> Self {
        let money = match layout.column(Field::Amount) {
            Some(amount) => Money::Amount(amount),
            None => Money::CreditDebit {
                credit: layout.column(Field::Credit),
                debit: layout.column(Field::Debit),
            },
        };
        Self {
            // A layout always has a date column.
            date: layout.column(Field::Date).unwrap_or_default(),
            description: layout.column(Field::Description),
            money,
            balance: layout.column(Field::Balance),
            reference: layout.column(Field::Reference),
            counterparty_name: layout.column(Field::CounterpartyName),
            counterparty_account: layout.column(Field::CounterpartyAccount),
            counterparty_bank: layout.column(Field::CounterpartyBank),
            in_footer: false,
        }
    }

    /// The columns a row's values are read from.
    pub(crate) fn used_columns(&self) -> impl Iterator<Item = usize> {
        let money = match self.money {
            Money::Amount(amount) => [Some(amount), None],
            Money::CreditDebit { credit, debit } => [credit, debit],
        };
        [
            Some(self.date),
            self.description,
            self.balance,
            self.reference,
            self.counterparty_name,
            self.counterparty_account,
            self.counterparty_bank,
        ]
        .into_iter()
        .chain(money)
        .flatten()
    }

    /// The entry in data row `cells` found on `line`, a [`RowError`] if it
    /// is not a valid entry, or `None` if it is to be skipped. `raw` renders
    /// the row for [`Entry::raw`].
    pub(crate) fn convert(
        &mut self,
        cells: &[Cell],
        line: u64,
        raw: impl FnOnce() -> String,
    ) -> Option<Result<Entry, RowError>> {
        if cells.iter().all(Cell::is_blank) {
            return None;
        }
        let cell = |index: usize| cells.get(index).unwrap_or(&EMPTY);
        let money_cells: Vec<&Cell> = match self.money {
            Money::Amount(amount) => vec![cell(amount)],
            Money::CreditDebit { credit, debit } => {
                [credit, debit].into_iter().flatten().map(cell).collect()
            }
        };
        let has_money = money_cells.iter().any(|cell| !cell.is_blank());
        let mut problems = Vec::new();

        let booked_at = match cell(self.date).to_time() {
            Ok(Some(booked_at)) => {
                if !has_money && self.is_summary(cells) {
                    return None;
                }
                Some(booked_at)
            }
            Ok(None) => {
                if self.in_footer || !has_money {
                    return None;
                }
                if self.is_summary(cells) {
                    self.in_footer = true;
                    return None;
                }
                problems.push("date is empty".to_owned());
                None
            }
            Err(message) => {
                if self.in_footer || self.is_summary(cells) {
                    self.in_footer = true;
                    return None;
                }
                problems.push(format!("date {message}"));
                None
            }
        };

        let amount = self.amount(&cell, &mut problems);
        let balance = match self.balance.map(cell).map(Cell::to_vnd) {
            None | Some(Ok(None)) => None,
            Some(Ok(balance)) => balance,
            Some(Err(message)) => {
                problems.push(format!("balance {message}"));
                None
            }
        };
        let text = |index: Option<usize>| index.map(cell).and_then(Cell::to_text);
        match (booked_at, amount) {
            (Some(booked_at), Some(amount)) if problems.is_empty() => Some(Ok(Entry {
                booked_at,
                amount,
                description: text(self.description).unwrap_or_default(),
                reference: text(self.reference),
                balance,
                counterparty_name: text(self.counterparty_name),
                counterparty_account: text(self.counterparty_account),
                counterparty_bank: text(self.counterparty_bank),
                account: None,
                line,
                raw: raw(),
            })),
            _ => Some(Err(RowError {
                line,
                message: problems.join("; "),
            })),
        }
    }

    /// Whether the row is a summary row: its date cell, description cell or
    /// first non-blank cell starts with a label such as `Tổng cộng`.
    fn is_summary(&self, cells: &[Cell]) -> bool {
        let first = cells.iter().find(|cell| !cell.is_blank());
        [
            cells.get(self.date),
            self.description.and_then(|i| cells.get(i)),
            first,
        ]
        .into_iter()
        .flatten()
        .filter_map(Cell::text)
        .any(is_summary_label)
    }

    /// The signed amount of a row, or `None` with the problems recorded.
    fn amount<'a>(
        &self,
        cell: &impl Fn(usize) -> &'a Cell,
        problems: &mut Vec<String>,
    ) -> Option<i64> {
        match self.money {
            Money::Amount(index) => match cell(index).to_vnd() {
                Ok(None) => {
                    problems.push("amount is empty".to_owned());
                    None
                }
                Ok(Some(0)) => {
                    problems.push(format!(
                        "amount {:?} must not be zero",
                        cell(index).shown().trim()
                    ));
                    None
                }
                Ok(amount) => amount,
                Err(message) => {
                    problems.push(format!("amount {message}"));
                    None
                }
            },
            Money::CreditDebit { credit, debit } => {
                let credit = match credit.map(cell).map(Cell::to_vnd) {
                    None | Some(Ok(None)) => Some(0),
                    Some(Ok(Some(amount))) if amount < 0 => {
                        problems.push(format!(
                            "credit {:?} must not be negative (money out belongs in the debit column)",
                            credit.map(cell).map(Cell::shown).unwrap_or_default().trim()
                        ));
                        None
                    }
                    Some(Ok(amount)) => amount,
                    Some(Err(message)) => {
                        problems.push(format!("credit {message}"));
                        None
                    }
                };
                let debit = match debit.map(cell).map(Cell::to_vnd) {
                    None | Some(Ok(None)) => Some(0),
                    Some(Ok(amount)) => amount.map(|amount| -amount.abs()),
                    Some(Err(message)) => {
                        problems.push(format!("debit {message}"));
                        None
                    }
                };
                crate::amount::credit_or_debit(credit, debit, problems)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::layout::{resolve, ScanRow};

    fn converter(header: &[&str]) -> RowConverter {
        let row = ScanRow {
            position: 0,
            line: 1,
            cells: header.iter().map(|c| Cell::Text((*c).into())).collect(),
        };
        let (layout, _) = resolve(&[row], None).unwrap();
        RowConverter::new(&layout)
    }

    fn convert(rows: &mut RowConverter, cells: &[&str]) -> Option<Result<i64, String>> {
        let cells: Vec<Cell> = cells.iter().map(|c| Cell::Text((*c).into())).collect();
        rows.convert(&cells, 7, String::new)
            .map(|row| row.map(|entry| entry.amount).map_err(|e| e.message))
    }

    #[test]
    fn credit_debit_rule() {
        let mut rows = converter(&["Ngày", "Nội dung", "Ghi có", "Ghi nợ", "Số dư"]);
        assert_eq!(
            convert(&mut rows, &["22/04/2025", "a", "1.000", "", "5"]),
            Some(Ok(1000))
        );
        assert_eq!(
            convert(&mut rows, &["22/04/2025", "a", "-", "2.000", ""]),
            Some(Ok(-2000))
        );
        assert_eq!(
            convert(&mut rows, &["22/04/2025", "a", "0", "-3.000", ""]),
            Some(Ok(-3000))
        );
        assert_eq!(
            convert(&mut rows, &["22/04/2025", "a", "1", "2", ""]),
            Some(Err("the row has both credit and debit".into()))
        );
        assert_eq!(
            convert(&mut rows, &["22/04/2025", "a", "-1", "", ""]),
            Some(Err(
                "credit \"-1\" must not be negative (money out belongs in the debit column)".into()
            ))
        );
        assert_eq!(
            convert(&mut rows, &["22/04/2025", "a", "", "", "5"]),
            Some(Err("the row has neither a credit nor a debit amount".into()))
        );
        assert_eq!(
            convert(&mut rows, &["22/04/2025", "a", "1", "", "x"]),
            Some(Err("balance \"x\" is not a valid VND amount (expected digits with an optional sign and optional thousands separators in groups of three, e.g. -1,200,000)".into()))
        );
    }

    #[test]
    fn amount_rule() {
        let mut rows = converter(&["Date", "Amount"]);
        assert_eq!(convert(&mut rows, &["22/04/2025", "-5"]), Some(Ok(-5)));
        assert_eq!(
            convert(&mut rows, &["22/04/2025", "0"]),
            Some(Err("amount \"0\" must not be zero".into()))
        );
        assert_eq!(
            convert(&mut rows, &["22/04/2025", ""]),
            Some(Err("amount is empty".into()))
        );
    }

    #[test]
    fn summary_rows_and_footers_are_skipped() {
        let mut rows = converter(&["STT", "Ngày", "Nội dung", "Ghi có", "Ghi nợ"]);
        assert_eq!(
            convert(&mut rows, &["1", "22/04/2025", "a", "1", ""]),
            Some(Ok(1))
        );
        // A continuation row without date or money.
        assert_eq!(convert(&mut rows, &["", "", "more text", "", ""]), None);
        // A dated row without money that is a balance line.
        assert_eq!(
            convert(&mut rows, &["", "22/04/2025", "Số dư đầu kỳ", "", ""]),
            None
        );
        // A bad date is an error ...
        assert!(convert(&mut rows, &["2", "32/04/2025", "b", "1", ""])
            .unwrap()
            .unwrap_err()
            .starts_with("date \"32/04/2025\" is not a valid date"));
        // ... and so is a missing date in a row with money.
        assert_eq!(
            convert(&mut rows, &["3", "", "c", "1", ""]),
            Some(Err("date is empty".into()))
        );
        // A total row starts the footer.
        assert_eq!(convert(&mut rows, &["Tổng cộng", "", "", "10", "5"]), None);
        assert_eq!(convert(&mut rows, &["", "", "", "7", "5"]), None);
        assert_eq!(
            convert(&mut rows, &["Người lập biểu", "Kế toán trưởng", "", "", ""]),
            None
        );
        // Dated rows still count after it.
        assert_eq!(
            convert(&mut rows, &["4", "23/04/2025", "d", "2", ""]),
            Some(Ok(2))
        );
    }

    #[test]
    fn summary_label_in_the_date_column() {
        let mut rows = converter(&["Ngày", "Số tiền"]);
        assert_eq!(convert(&mut rows, &["Total", "100"]), None);
        assert_eq!(convert(&mut rows, &["soon", "100"]), None);
    }
}
