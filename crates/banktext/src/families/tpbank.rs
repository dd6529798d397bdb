//! TPBank, one field a line: `(TPBank): 24/04/25;08:12` / `TK: xxxx4567` /
//! `PS:+99.000VND` / `SD KHA DUNG: 1.099.000VND` / `ND: DH8850 mua hang` /
//! `SO GD: 123ABC4567890` (the reference). The lines may also come joined
//! by spaces or `|`.

use crate::layout::Family;
use crate::Bank;

/// The TPBank family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::TpBank,
    names: "tpbank",
    layouts: &[concat!(
        r"^\s*(?:\(?\s*tpbank\s*\)?\s*:?\s*)?{DATE}\s*[;,]?\s*{TIME}{SEP}{TK}\s*:\s*{ACCT}",
        r"{SEP}ps\s*:\s*{SIGN}\s*{AMT}{CUR}",
        r"(?:{SEP}(?:sd kha dung|so du kha dung|so du|sd)\s*:\s*{BAL}{CUR})?",
        r"(?:{SEP}(?:nd|noi dung)\s*:\s*{MEMO})?",
        r"(?:{SEP}(?:so gd|ma gd)\s*:\s*(?P<ref>[0-9a-z]+))?\s*$",
    )],
    signature: r"^\s*\(?\s*tpbank\s*\)?\s*:",
    marker: r"\bps\s*:\s*{SIGN}\s*{AMT}",
};
