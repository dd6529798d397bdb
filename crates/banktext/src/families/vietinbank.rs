//! VietinBank: `VietinBank:22/04/2025 16:45|TK:100012345678|GD:+2,000,000VND|
//! SDC:9,000,000VND|ND:DH6630 chuyen tien hang`; fields split by `|` or new
//! lines.

use crate::layout::Family;
use crate::Bank;

/// The VietinBank family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::VietinBank,
    names: "vietinbank",
    layouts: &[concat!(
        r"^\s*(?:vietinbank\s*:?\s*)?{DATE}\s+{TIME}{BAR}{TK}\s*:?\s*{ACCT}",
        r"{BAR}gd\s*:\s*{SIGN}\s*{AMT}{CUR}",
        r"(?:{BAR}sdc\s*:\s*{BAL}{CUR})?",
        r"(?:{BAR}(?:nd|noi dung)\s*:\s*{MEMO})?\s*$",
    )],
    signature: r"^\s*vietinbank\s*:?\s*[0-9]|^\s*{DATE_}\s+{TIME_}\s*[|\n]\s*{TK}\s*:",
    marker: r"\bgd\s*:\s*{SIGN}\s*{AMT}",
};
