//! OCB: `OCB 25/04 10:03 TK 0012100001234567 (+) 2,000,000 VND N/dung:
//! DH1180 thanh toan So du: 4,000,000 VND` (the memo before the balance).

use crate::layout::Family;
use crate::Bank;

/// The OCB family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Ocb,
    names: "ocb",
    layouts: &[concat!(
        r"^\s*(?:ocb\s*:?\s*)?{DATE}\s+{TIME}\s+{TK}\s*:?\s*{ACCT}\s*\(\s*{SIGN}\s*\)\s*{AMT}{CUR}",
        r"(?:\s*[.,]?\s*(?:n/dung|noi dung|nd)\s*:\s*{MEMO})?\s*\.?\s*",
        r"(?:so du\s*:?\s*{BAL}{CUR}\s*\.?)?\s*$",
    )],
    signature: r"^\s*ocb\s*:?\s*[0-9]|{TK}\s*:?\s*[0-9x*]+\s*\(\s*[+-]\s*\)",
    marker: r"\(\s*{SIGN}\s*\)\s*{AMT}",
};
