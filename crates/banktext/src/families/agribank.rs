//! Agribank: `Agribank: 10h05p 25/04 TK 1500201234567: +300,000VND (DH1070
//! chuyen khoan). SD: 1,300,000VND.` (often no year; the memo in
//! parentheses, possibly cut short without its closing parenthesis).

use crate::layout::Family;
use crate::Bank;

/// The Agribank family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Agribank,
    names: "agribank",
    layouts: &[concat!(
        r"^\s*(?:agribank\s*:?\s*)?{TIME}\s+{DATE}\s+{TK}\s*:?\s*{ACCT}\s*:\s*{SIGN}\s*{AMT}{CUR}",
        r"\s*(?:\({MEMO}(?:\)|$))?\s*\.?\s*",
        r"(?:sd\s*:\s*{BAL}{CUR}\s*\.?)?\s*$",
    )],
    signature: r"^\s*agribank\s*:?\s*[0-9]|^\s*{TIME_}\s+{DATE_}\s+{TK}\s*:?\s*[0-9x*]+\s*:",
    marker: r"{TK}\s*:?\s*[0-9x*]+\s*:\s*{SIGN}\s*{AMT}",
};
