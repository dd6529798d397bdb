//! Fuzzes the MT940 reader: any input must be read to the end without
//! panicking, and every entry must respect the [`statements::Entry`]
//! invariants. Run with `cargo +nightly fuzz run mt940` from
//! `crates/statements`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use statements::mt940::MAX_FIELD_CHARS;
use statements::{Mt940Reader, MAX_ABS_VND};

fuzz_target!(|data: &[u8]| {
    for row in Mt940Reader::new(data) {
        match row {
            Ok(entry) => {
                assert!(entry.amount != 0 && entry.amount.abs() <= MAX_ABS_VND);
                assert!(entry.line >= 1);
                assert!(entry.raw.chars().count() <= MAX_FIELD_CHARS);
            }
            Err(error) => assert!(!error.message.is_empty() && error.line >= 1),
        }
    }
});
