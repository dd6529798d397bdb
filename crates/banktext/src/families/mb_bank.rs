//! MB Bank: `TK 0801xxxx5678|GD: +350,000VND 21/04/25 14:05|SD:2,350,000VND|ND:
//! DH4410 NGUYEN VAN B chuyen tien`, with an optional `TU:` (sender) field;
//! fields split by `|` or new lines.

use crate::layout::Family;
use crate::Bank;

/// The MB Bank family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::MbBank,
    names: "mbbank|mb bank|mb",
    layouts: &[concat!(
        r"^\s*(?:(?:mbbank|mb bank|mb)\s*:?\s*)?{TK}\s*:?\s*{ACCT}",
        r"{BAR}gd\s*:\s*{SIGN}\s*{AMT}{CUR}\s+{DATE}\s+{TIME}",
        r"(?:{BAR}sd\s*:\s*{BAL}{CUR})?",
        r"(?:{BAR}(?:tu|nguoi chuyen)\s*:\s*(?P<cp>[^|\n]*?))?",
        r"(?:{BAR}(?:nd|noi dung)\s*:\s*{MEMO})?\s*$",
    )],
    signature: r"^\s*(?:(?:mbbank|mb bank|mb)\s*:?\s*)?{TK}\s*:?\s*[0-9x*]+\s*[|\n]\s*gd\s*:",
    marker: r"\bgd\s*:\s*{SIGN}\s*{AMT}",
};
