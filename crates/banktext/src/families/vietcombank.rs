//! Vietcombank: `SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22.
//! SD 12,345,678VND. Ref MBVCB.9876543210.DH1042.Thanh toan` (SMS) and
//! `So du TK VCB 0123456789 thay doi +150,000 VND luc 12-03-2025 08:01:09.
//! So du 3,150,000 VND. Ref 5123.120325.080109.DH2001` (newer, also with
//! diacritics). The `Ref` field is split by
//! [`split_vcb_ref`](crate::reference::split_vcb_ref).

use crate::layout::Family;
use crate::Bank;

/// The Vietcombank family.
pub(crate) const FAMILY: Family = Family {
    bank: Bank::Vietcombank,
    names: "vietcombank|vcb",
    layouts: &[concat!(
        r"^\s*(?:(?:vietcombank|vcb)\s*:?\s*)?(?:sd|so du)\s+{TK}\s*:?\s*(?:vcb\s+)?{ACCT}\s*:?\s*",
        r"(?:thay doi\s*:?\s*)?{SIGN}\s*{AMT}{CUR}\s+(?:luc|vao)\s+{DATE}\s+{TIME}\s*\.?\s*",
        r"(?:(?:sd|so du)\s*:?\s*{BAL}{CUR}\s*\.?\s*)?",
        r"(?:ref\s*:?\s*(?P<vcbref>(?s:.*?)))?\s*$",
    )],
    signature: r"^\s*(?:(?:vietcombank|vcb)\s*:?\s*)?(?:sd|so du)\s+{TK}\b",
    marker: r"{SIGN}\s*{AMT}{CUR}\s+(?:luc|vao)\b",
};
