//! BIDV: `TK12010000123456 tai BIDV +750,000VND vao 11:20 23/04/2025. So
//! du:3,750,000VND. ND: DH7740 TT don hang` (SMS) and the SmartBanking
//! app's multi-line text `BIDV: Thoi gian giao dich: ...`, `Tai khoan:`,
//! `So tien:`, `So du cuoi:`, `Noi dung:`.

use crate::layout::Family;
use crate::Bank;

/// The BIDV family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Bidv,
    names: "bidv",
    layouts: &[
        concat!(
            r"^\s*(?:bidv\s*:?\s*)?{TK}\s*:?\s*{ACCT}\s+tai\s+bidv\s*:?\s*{SIGN}\s*{AMT}{CUR}",
            r"\s+(?:vao|luc)\s+{TIME}\s+{DATE}\s*\.?\s*",
            r"(?:so du\s*:?\s*{BAL}{CUR}\s*\.?\s*)?",
            r"(?:(?:nd|noi dung)\s*:\s*{MEMO})?\s*$",
        ),
        concat!(
            r"^\s*bidv\s*:?\s*thoi gian(?: giao dich| gd)?\s*:\s*{DATE}\s+{TIME}",
            r"{SEP}{TK}\s*:\s*{ACCT}",
            r"{SEP}so tien(?: giao dich| gd)?\s*:\s*{SIGN}\s*{AMT}{CUR}",
            r"(?:{SEP}so du(?: cuoi)?\s*:\s*{BAL}{CUR})?",
            r"(?:{SEP}(?:noi dung|nd)\s*:\s*{MEMO})?\s*$",
        ),
    ],
    signature: r"\btai bidv\b|^\s*bidv\s*:?\s*thoi gian",
    marker: r"{SIGN}\s*{AMT}",
};
