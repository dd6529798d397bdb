//! Fuzzes the notification parser: any text, with or without a bank in the
//! context, must give an answer without panicking, and a transaction must
//! never have a zero amount. Run with `cargo +nightly fuzz run parse` from
//! `crates/banktext`.

#![no_main]

use banktext::{parse, Bank, Context, Parsed};
use chrono::DateTime;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the bank (or none), the next eight the receive
    // time; the rest is the text.
    let (head, rest) = data.split_at(data.len().min(9));
    let bank = head
        .first()
        .and_then(|&b| Bank::ALL.get(usize::from(b) % (Bank::ALL.len() + 1)))
        .copied();
    let mut secs = [0u8; 8];
    for (slot, byte) in secs.iter_mut().zip(head.iter().skip(1)) {
        *slot = *byte;
    }
    let received_at = DateTime::from_timestamp(i64::from_le_bytes(secs) % 20_000_000_000, 0)
        .unwrap_or(DateTime::UNIX_EPOCH);
    let text = String::from_utf8_lossy(rest);
    for bank in [bank, None] {
        match parse(&text, &Context { bank, received_at }) {
            Parsed::Transaction(n) => assert!(n.amount != 0),
            Parsed::Ignored(why) | Parsed::Unparsed(why) => assert!(!why.is_empty()),
        }
    }
});
