//! SeABank: `SeABank: Ngay 27/04/2025 TK: 10200012345678 Phat sinh: +600,000
//! VND. So du: 1,600,000 VND. Nguoi chuyen: TRAN THI C. Noi dung: DH1410`
//! (often a date without a time).

use crate::layout::Family;
use crate::Bank;

/// The SeABank family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::SeABank,
    names: "seabank|seab",
    layouts: &[concat!(
        r"^\s*(?:seabank\s*:?\s*)?ngay\s*:?\s*{DATE}(?:\s+(?:luc\s+)?{TIME})?\s*[.,]?\s*",
        r"{TK}\s*:?\s*{ACCT}\s*[.,]?\s*phat sinh\s*:?\s*{SIGN}\s*{AMT}{CUR}\s*\.?\s*",
        r"(?:so du\s*:?\s*{BAL}{CUR}\s*\.?\s*)?",
        r"(?:nguoi chuyen\s*:\s*(?P<cp>[^\n]*?)\s*(?:\.\s*|$))?",
        r"(?:(?:noi dung|nd)\s*:\s*{MEMO})?\s*$",
    )],
    signature: r"^\s*seabank\s*:|\bphat sinh\s*:?\s*[+-]",
    marker: r"\bphat sinh\s*:?\s*{SIGN}\s*{AMT}",
};
