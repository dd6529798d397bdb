//! Fuzzes the bank CSV reader with header auto-detection: any input must be
//! read to the end without panicking. Run with
//! `cargo +nightly fuzz run table_csv` from `crates/statements`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use statements::table::TableCsvReader;

fuzz_target!(|data: &[u8]| {
    if let Ok(reader) = TableCsvReader::new(data, None) {
        let header = reader.layout().header_line();
        for row in reader {
            match row {
                Ok(entry) => {
                    assert!(entry.amount != 0);
                    assert!(Some(entry.line) > header);
                }
                Err(error) => assert!(!error.message.is_empty()),
            }
        }
    }
});
