//! Fuzzes the camt.052/053/054 reader: any input must be read to the end
//! without panicking, and what it yields must respect the reader's
//! guarantees. Run with `cargo +nightly fuzz run camt` from
//! `crates/statements`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use statements::{CamtReader, MAX_ABS_VND};

fuzz_target!(|data: &[u8]| {
    let mut last_line = 0;
    for row in CamtReader::new(data) {
        match row {
            Ok(entry) => {
                assert!(entry.amount != 0 && entry.amount.abs() <= MAX_ABS_VND);
                assert!(entry.line >= 1 && entry.line >= last_line);
                assert!(entry.raw.chars().count() <= 4_000);
                last_line = entry.line;
            }
            Err(error) => {
                assert!(!error.message.is_empty());
                assert!(error.line >= 1);
            }
        }
    }
});
