//! Techcombank: `TK 19030000001234 So tien GD:+1,200,000 So du:8,456,000
//! DH3301 chuyen khoan` (SMS, no date: the time is when it was received),
//! and the app's multi-line text with `Thoi gian:` and `Noi dung:` labels.

use crate::layout::Family;
use crate::Bank;

/// The Techcombank family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Techcombank,
    names: "techcombank|tcb",
    layouts: &[concat!(
        r"^\s*(?:techcombank\s*:?\s*)?{TK}\s*:?\s*{ACCT}{SEP}",
        r"so tien(?: gd| giao dich)?\s*:?\s*{SIGN}\s*{AMT}{CUR}",
        r"(?:{SEP}so du\s*:?\s*{BAL}{CUR})?",
        r"(?:{SEP}(?:luc|thoi gian(?: gd| giao dich)?)\s*:?\s*{DATE}\s+{TIME})?",
        r"(?:(?:{SEP}(?:nd|noi dung)\s*:\s*|\s+){MEMO})?\s*$",
    )],
    signature: r"\bso tien gd\b|^\s*techcombank\s*:?\s*{TK}\b",
    marker: r"so tien(?: gd| giao dich)?\s*:?\s*{SIGN}\s*{AMT}",
};
