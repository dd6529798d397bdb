//! ACB: `ACB: TK 12345678(VND) + 500,000 luc 09:30 22/04/2025. So du
//! 7,500,000.GD: DH5520 thanh toan` (`GD:` introduces the memo).

use crate::layout::Family;
use crate::Bank;

/// The ACB family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Acb,
    names: "acb",
    layouts: &[concat!(
        r"^\s*(?:acb\s*:?\s*)?{TK}\s*:?\s*{ACCT}\s*(?:\(vnd\))?\s*{SIGN}\s*{AMT}{CUR}",
        r"\s+(?:luc|vao)\s+{TIME}\s+{DATE}\s*\.?\s*",
        r"(?:so du\s*:?\s*{BAL}{CUR}\s*\.?\s*)?",
        r"(?:gd\s*:\s*{MEMO})?\s*$",
    )],
    signature: r"^\s*acb\s*:?\s*{TK}\b|^\s*{TK}\s*:?\s*[0-9x*]+\s*\(vnd\)",
    marker: r"{SIGN}\s*{AMT}{CUR}\s+(?:luc|vao)\b",
};
