//! VPBank: `TK 123456789 tai VPB tang 1,500,000VND do DH9960 thanh toan. So
//! du TK sau GD la 6,500,000VND` (no date: the time is when it was
//! received), optionally with `luc HH:MM dd/mm/yyyy` (either order) after
//! the amount; `tang`/`giam` (increase/decrease) give the direction.

use crate::layout::Family;
use crate::Bank;

/// The VPBank family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::VpBank,
    names: "vpbank|vpb",
    layouts: &[
        concat!(
            r"^\s*(?:vpbank\s*:?\s*)?{TK}\s*:?\s*{ACCT}\s+tai\s+vpb(?:ank)?\s*:?\s*",
            r"(?P<dir>tang|giam)\s*:?\s*{AMT}{CUR}",
            r"(?:\s+(?:luc|vao)\s+{TIME}\s+{DATE})?",
            r"(?:\s*[.,]?\s+(?:do\s|nd\s*:|noi dung\s*:)\s*{MEMO})?\s*\.?\s*",
            r"(?:so du(?: tk)?(?: sau gd)?(?: la)?\s*:?\s*{BAL}{CUR}\s*\.?)?\s*$",
        ),
        concat!(
            r"^\s*(?:vpbank\s*:?\s*)?{TK}\s*:?\s*{ACCT}\s+tai\s+vpb(?:ank)?\s*:?\s*",
            r"(?P<dir>tang|giam)\s*:?\s*{AMT}{CUR}",
            r"\s+(?:luc|vao)\s+{DATE}\s+{TIME}",
            r"(?:\s*[.,]?\s+(?:do\s|nd\s*:|noi dung\s*:)\s*{MEMO})?\s*\.?\s*",
            r"(?:so du(?: tk)?(?: sau gd)?(?: la)?\s*:?\s*{BAL}{CUR}\s*\.?)?\s*$",
        ),
    ],
    signature: r"\btai vpb(?:ank)?\s*:?\s*(?:tang|giam)\b|^\s*vpbank\s*:?\s*{TK}\b",
    marker: r"\b(?P<dir>tang|giam)\s*:?\s*{AMT}",
};
