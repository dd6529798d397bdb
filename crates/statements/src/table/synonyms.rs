//! The built-in header names recognized by header auto-detection, and the
//! labels of summary rows. The lists are documented in the [module
//! documentation](super#header-auto-detection); keep the two in step.

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::fold::{self, starts_with_words};
use super::mapping::Field;

/// Header names per field. Matching folds case, diacritics, punctuation and
/// spacing, except for the names in [`STRICT`].
const SYNONYMS: [(Field, &[&str]); 10] = [
    (
        Field::Date,
        &[
            "Ngày giao dịch",
            "Ngày GD",
            "Ngày hạch toán",
            "Ngày hiệu lực",
            "Ngày giờ giao dịch",
            "Thời gian giao dịch",
            "Thời gian",
            "Ngày",
            "Date",
            "Transaction date",
            "Posting date",
            "Value date",
            "Booking date",
            "Transaction time",
        ],
    ),
    (
        Field::Description,
        &[
            "Nội dung",
            "Nội dung giao dịch",
            "Nội dung chi tiết",
            "Diễn giải",
            "Mô tả",
            "Chi tiết giao dịch",
            "Description",
            "Transaction description",
            "Details",
            "Transaction details",
            "Narrative",
            "Remarks",
        ],
    ),
    (
        Field::Amount,
        &[
            "Số tiền",
            "Số tiền giao dịch",
            "Amount",
            "Transaction amount",
        ],
    ),
    (
        Field::Credit,
        &[
            "Ghi có",
            "Số tiền ghi có",
            "Phát sinh có",
            "Tiền vào",
            "Có",
            "Credit",
            "Credit amount",
            "Money in",
        ],
    ),
    (
        Field::Debit,
        &[
            "Ghi nợ",
            "Số tiền ghi nợ",
            "Phát sinh nợ",
            "Tiền ra",
            "Nợ",
            "Debit",
            "Debit amount",
            "Money out",
        ],
    ),
    (
        Field::Balance,
        &[
            "Số dư",
            "Số dư sau giao dịch",
            "Số dư cuối",
            "Balance",
            "Running balance",
        ],
    ),
    (
        Field::Reference,
        &[
            "Số tham chiếu",
            "Mã giao dịch",
            "Số bút toán",
            "Số chứng từ",
            "Mã GD",
            "Reference",
            "Reference number",
            "Reference no",
            "Transaction ID",
            "Ref",
            "Ref no",
        ],
    ),
    (
        Field::CounterpartyName,
        &[
            "Tên đối ứng",
            "Tên tài khoản đối ứng",
            "Tên người chuyển",
            "Người chuyển",
            "Đơn vị thụ hưởng",
            "Counterparty",
            "Counterparty name",
        ],
    ),
    (
        Field::CounterpartyAccount,
        &[
            "Tài khoản đối ứng",
            "Số tài khoản đối ứng",
            "TK đối ứng",
            "Số TK đối ứng",
            "Counterparty account",
        ],
    ),
    (
        Field::CounterpartyBank,
        &["Ngân hàng đối ứng", "NH đối ứng", "Counterparty bank"],
    ),
];

/// Names that only match when written with their diacritics: without them
/// they are common words of other meaning (`No.` is a row number).
const STRICT: [&str; 2] = ["Có", "Nợ"];

/// Labels that mark a summary row when a cell starts with them (as keys,
/// see [`fold::key`]), and labels that must be the whole cell.
const SUMMARY_PREFIXES: [&str; 15] = [
    "tong",
    "cong phat sinh",
    "phat sinh trong ky",
    "so du dau ky",
    "so du cuoi ky",
    "total",
    "totals",
    "subtotal",
    "sub total",
    "grand total",
    "opening balance",
    "closing balance",
    "beginning balance",
    "ending balance",
    "balance brought forward",
];
const SUMMARY_WHOLE: [&str; 1] = ["cong"];

/// How well a header cell matches a field's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tier {
    /// The whole cell is the name.
    Exact,
    /// A part of the cell is the name: `Ghi có / Credit`, `Số dư (VND)`.
    Part,
}

/// A recognized name: the field and the name's key.
struct Synonym {
    field: Field,
    key: String,
    /// Compare [`marked_key`]s instead of [`fold::key`]s.
    strict: bool,
}

fn synonyms() -> &'static [Synonym] {
    static TABLE: OnceLock<Vec<Synonym>> = OnceLock::new();
    TABLE.get_or_init(|| {
        SYNONYMS
            .iter()
            .flat_map(|(field, names)| {
                names.iter().map(move |name| {
                    let strict = STRICT.contains(name);
                    Synonym {
                        field: *field,
                        key: if strict {
                            marked_key(name)
                        } else {
                            fold::key(name)
                        },
                        strict,
                    }
                })
            })
            .collect()
    })
}

/// Like [`fold::key`] but keeping diacritics (in NFC).
fn marked_key(text: &str) -> String {
    let lower: String = text.nfc().flat_map(char::to_lowercase).collect();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field whose name `text` is, if exactly one.
fn field_named(text: &str, drop_units: bool) -> Option<Field> {
    let keys =
        [fold::key(text), marked_key(text)].map(
            |key| {
                if drop_units {
                    without_units(&key)
                } else {
                    key
                }
            },
        );
    let mut found = synonyms().iter().filter(|synonym| {
        let key = &keys[usize::from(synonym.strict)];
        !key.is_empty() && *key == synonym.key
    });
    let field = found.next()?.field;
    found.all(|other| other.field == field).then_some(field)
}

/// `key` without the currency words `vnd`/`vnđ`/`đ`.
fn without_units(key: &str) -> String {
    key.split(' ')
        .filter(|word| !matches!(*word, "vnd" | "vnđ" | "d" | "đ"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The parts of a header cell that may each be a name: split at `/ ( ) [ ]
/// | : \`, line breaks, dashes and ` - `.
pub(crate) fn parts(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(" - ")
        .flat_map(|piece| {
            piece.split([
                '/', '(', ')', '[', ']', '|', ':', '\\', '\n', '\r', '–', '—',
            ])
        })
        .filter(|part| !part.trim().is_empty())
}

/// The field a header cell names and how well, if it names exactly one.
pub(crate) fn classify(cell: &str) -> Option<(Field, Tier)> {
    if let Some(field) = field_named(cell, false) {
        return Some((field, Tier::Exact));
    }
    let mut fields = parts(cell).filter_map(|part| field_named(part, true));
    let field = fields.next()?;
    fields
        .all(|other| other == field)
        .then_some((field, Tier::Part))
}

/// Whether `text` is a summary label such as `Tổng cộng`, `Total` or
/// `Số dư cuối kỳ`.
pub(crate) fn is_summary_label(text: &str) -> bool {
    let key = fold::key(text);
    SUMMARY_PREFIXES
        .iter()
        .any(|label| starts_with_words(&key, label))
        || SUMMARY_WHOLE.contains(&key.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonym_keys_are_unique_across_fields() {
        let all = synonyms();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    a.key != b.key || a.field == b.field,
                    "{:?} is a name of both {} and {}",
                    a.key,
                    a.field,
                    b.field
                );
            }
        }
    }

    #[test]
    fn exact_matches_fold_case_diacritics_and_spacing() {
        for cell in ["Ngày GD", "ngay gd", "NGÀY GD", " Ngày  GD: "] {
            assert_eq!(classify(cell), Some((Field::Date, Tier::Exact)), "{cell:?}");
        }
        assert_eq!(classify("Ghi Có"), Some((Field::Credit, Tier::Exact)));
        assert_eq!(classify("ghi co"), Some((Field::Credit, Tier::Exact)));
        assert_eq!(
            classify("So tien ghi no"),
            Some((Field::Debit, Tier::Exact))
        );
        assert_eq!(classify("Money In"), Some((Field::Credit, Tier::Exact)));
        assert_eq!(classify("Ref."), Some((Field::Reference, Tier::Exact)));
        assert_eq!(
            classify("Đơn vị thụ hưởng"),
            Some((Field::CounterpartyName, Tier::Exact))
        );
    }

    #[test]
    fn short_vietnamese_names_need_their_diacritics() {
        assert_eq!(classify("Có"), Some((Field::Credit, Tier::Exact)));
        assert_eq!(classify("NỢ"), Some((Field::Debit, Tier::Exact)));
        assert_eq!(classify("No."), None);
        assert_eq!(classify("Co"), None);
    }

    #[test]
    fn parts_and_units() {
        assert_eq!(
            classify("Ngày giao dịch / Transaction date"),
            Some((Field::Date, Tier::Part))
        );
        assert_eq!(classify("Số dư (VND)"), Some((Field::Balance, Tier::Part)));
        assert_eq!(classify("Số tiền VNĐ"), Some((Field::Amount, Tier::Part)));
        assert_eq!(
            classify("Ghi có\nCredit"),
            Some((Field::Credit, Tier::Part))
        );
        assert_eq!(
            classify("Số dư - Balance"),
            Some((Field::Balance, Tier::Part))
        );
        // Parts naming different fields name none.
        assert_eq!(classify("Ghi nợ / Ghi có"), None);
        assert_eq!(classify("STT"), None);
        assert_eq!(classify("Số tiền phí"), None);
        assert_eq!(classify(""), None);
    }

    #[test]
    fn summary_labels() {
        for label in [
            "Tổng cộng",
            "TỔNG",
            "Total:",
            "Số dư cuối kỳ",
            "So du dau ky",
            "Cộng",
            "Closing balance",
            "Cộng phát sinh",
        ] {
            assert!(is_summary_label(label), "{label:?}");
        }
        for text in ["Cong ty ABC", "Tongkhoan", "CK DH1234", "", "Balance"] {
            assert!(!is_summary_label(text), "{text:?}");
        }
    }
}
