//! VIB: `10:11;26/04/2025 TK:012345678901234VND PS:+420,000 ND:DH1290
//! CHUYEN KHOAN SODU:+1,420,000` (time first; the memo before the
//! balance).

use crate::layout::Family;
use crate::Bank;

/// The VIB family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Vib,
    names: "vib",
    layouts: &[concat!(
        r"^\s*(?:vib\s*:?\s*)?{TIME}\s*[;,]\s*{DATE}\s+{TK}\s*:\s*{ACCT}\s*(?:vnd)?",
        r"\s+ps\s*:\s*{SIGN}\s*{AMT}{CUR}",
        r"(?:\s*(?:nd|noi dung)\s*:\s*{MEMO})?\s*",
        r"(?:so ?du\s*:\s*{BAL}{CUR})?\s*$",
    )],
    signature: r"^\s*vib\s*:?\s*[0-9]|^\s*{TIME_}\s*;\s*{DATE_}\s+{TK}\s*:",
    marker: r"\bps\s*:\s*{SIGN}\s*{AMT}",
};
