//! Helpers shared by the integration tests.

#![allow(dead_code)]

pub mod cases;

use banktext::{parse, Bank, Context, Notification, Parsed, TimePrecision};
use chrono::{DateTime, Utc};

/// What a text must read as.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    pub text: &'static str,
    /// When the text was received (RFC 3339).
    pub received: &'static str,
    pub amount: i64,
    pub balance: Option<i64>,
    /// The booking instant (RFC 3339, UTC).
    pub booked: &'static str,
    pub precision: TimePrecision,
    pub account: Option<&'static str>,
    pub description: &'static str,
    pub reference: &'static str,
    pub counterparty: Option<&'static str>,
}

impl Default for Expect {
    fn default() -> Self {
        Expect {
            text: "",
            received: "2025-01-01T00:00:00Z",
            amount: 0,
            balance: None,
            booked: "2025-01-01T00:00:00Z",
            precision: TimePrecision::Minutes,
            account: None,
            description: "",
            reference: "",
            counterparty: None,
        }
    }
}

/// Parses an RFC 3339 instant.
pub fn utc(s: &str) -> DateTime<Utc> {
    s.parse()
        .unwrap_or_else(|e| panic!("bad instant {s:?}: {e}"))
}

/// A context.
pub fn ctx(bank: Option<Bank>, received: &str) -> Context {
    Context {
        bank,
        received_at: utc(received),
    }
}

/// Parses `text`, which must be a transaction.
pub fn transaction(text: &str, ctx: &Context) -> Notification {
    match parse(text, ctx) {
        Parsed::Transaction(n) => n,
        other => panic!("{text:?} with {:?} gave {other:?}", ctx.bank),
    }
}

/// Checks that every case reads as expected, both with the bank given and
/// detected; returns how many cases there were.
pub fn check_all(bank: Bank, cases: &[Expect]) -> usize {
    for case in cases {
        for given in [Some(bank), None] {
            let n = transaction(case.text, &ctx(given, case.received));
            let expected = Notification {
                bank,
                amount: case.amount,
                balance: case.balance,
                booked_at: utc(case.booked),
                time_precision: case.precision,
                account_hint: case.account.map(str::to_owned),
                description: case.description.to_owned(),
                reference: case.reference.to_owned(),
                counterparty: case.counterparty.map(str::to_owned),
            };
            assert_eq!(n, expected, "{:?} with bank {given:?}", case.text);
        }
    }
    cases.len()
}

/// Parses `text`, which must be ignored.
pub fn ignored(text: &str, bank: Option<Bank>) -> String {
    match parse(text, &ctx(bank, "2025-04-25T03:00:00Z")) {
        Parsed::Ignored(why) => why,
        other => panic!("{text:?} with {bank:?} gave {other:?}"),
    }
}

/// Parses `text`, which must be unparsed.
pub fn unparsed(text: &str, bank: Option<Bank>) -> String {
    match parse(text, &ctx(bank, "2025-04-25T03:00:00Z")) {
        Parsed::Unparsed(why) => why,
        other => panic!("{text:?} with {bank:?} gave {other:?}"),
    }
}
