//! Fuzzes the canonical CSV reader: any input must be read to the end
//! without panicking. Run with `cargo +nightly fuzz run canonical_csv` from
//! `crates/statements`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use statements::CanonicalCsvReader;

fuzz_target!(|data: &[u8]| {
    if let Ok(reader) = CanonicalCsvReader::new(data) {
        for row in reader {
            match row {
                Ok(entry) => assert!(entry.amount != 0),
                Err(error) => assert!(!error.message.is_empty()),
            }
        }
    }
});
