//! SCB: `TK 0100012345670001 NGAY 26/04/25 09:48 SD DAU 1,000,000 TANG
//! 250,000 SD CUOI 1,250,000 VND (DH1300 TT)`; the opening balance plus
//! the amount must give the closing balance.

use crate::layout::Family;
use crate::Bank;

/// The SCB family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Scb,
    names: "scb",
    layouts: &[concat!(
        r"^\s*(?:scb\s*:?\s*)?{TK}\s*:?\s*{ACCT}\s+ngay\s*:?\s*{DATE}\s+{TIME}\s+",
        r"(?:sd dau\s*:?\s*{OPEN}{CUR}\s+)?(?P<dir>tang|giam)\s*:?\s*{AMT}{CUR}\s*",
        r"(?:sd cuoi\s*:?\s*{BAL}{CUR})?\s*",
        r"(?:\({MEMO}(?:\)|$))?\s*\.?\s*$",
    )],
    signature: r"^\s*scb\s*:?\s*{TK}|^\s*{TK}\s*:?\s*[0-9x*]+\s+ngay\b|\bsd dau\b",
    marker: r"\b(?P<dir>tang|giam)\s*:?\s*{AMT}",
};
