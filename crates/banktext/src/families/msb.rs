//! MSB: `27/04 13:59 TK 040xx1234 VND (+) 1.500.000 ND: DH1520 thanh toan SD:
//! 2.500.000` (often no year; the memo before the balance).

use crate::layout::Family;
use crate::Bank;

/// The MSB family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Msb,
    names: "msb|maritime bank|maritimebank",
    layouts: &[concat!(
        r"^\s*(?:msb\s*:?\s*)?{DATE}\s+{TIME}\s+{TK}\s*:?\s*{ACCT}\s*vnd\s*\(\s*{SIGN}\s*\)\s*{AMT}{CUR}",
        r"(?:\s*(?:nd|noi dung)\s*:\s*{MEMO})?\s*",
        r"(?:sd\s*:\s*{BAL}{CUR}\s*\.?)?\s*$",
    )],
    signature: r"^\s*msb\s*:?\s*[0-9]|{TK}\s*:?\s*[0-9x*]+\s*vnd\s*\(\s*[+-]\s*\)",
    marker: r"\(\s*{SIGN}\s*\)\s*{AMT}",
};
