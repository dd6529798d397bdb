//! The demo bank: a pull feed that makes up realistic transfers for an account (Vietnamese
//! names, order codes, money in and out, running balances that add up) at a configured rate.
//!
//! Each poll produces the transfers that "happened" since the previous one, as a Poisson
//! process. They are a pure function of the feed and its cursor, so a poll repeated after a
//! crash produces the same transfers with the same references, which deduplication absorbs.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::Polled;
use crate::domain::{DemoSettings, NewTransaction};

/// Most transfers one poll produces; the rest follow in the next polls.
const MAX_PER_POLL: usize = 1_000;
/// How far back a feed that was not polled for a long time catches up.
const MAX_CATCH_UP_MS: i64 = 24 * 3_600_000;
/// Balance of an account with no known balance.
const DEFAULT_OPENING: i64 = 10_000_000;

const PAYERS: [&str; 12] = [
    "NGUYEN VAN AN",
    "TRAN THI BINH",
    "LE HOANG NAM",
    "PHAM THI HOA",
    "HOANG MINH TUAN",
    "VU THI LAN",
    "DANG QUOC BAO",
    "BUI THI MAI",
    "DO VAN HUNG",
    "NGO THI THU",
    "DUONG VAN KHOA",
    "LY THI NGOC",
];

const PAYEES: [(&str, &str); 6] = [
    ("CONG TY TNHH BAO BI XANH", "Thanh toan tien bao bi"),
    ("CONG TY CP GIAO HANG NHANH", "Thanh toan phi giao hang"),
    ("EVN HCMC", "Thanh toan tien dien"),
    ("NGUYEN THI HANH", "Chuyen tien luong nhan vien"),
    ("CONG TY TNHH HOA TUOI DA LAT", "Tra tien nha cung cap hoa"),
    ("", "Phi dich vu SMS Banking"),
];

/// Makes up a shop's transfers one after another, keeping the running balance.
pub struct Teller {
    rng: StdRng,
    balance: i64,
    order: i64,
}

impl Teller {
    /// A teller seeded with `seed`, starting from `balance`, numbering orders after `order`.
    pub fn new(seed: u64, balance: i64, order: i64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(0x7469_6e67 ^ seed),
            balance,
            order,
        }
    }

    /// The balance after the transfers made so far.
    pub fn balance(&self) -> i64 {
        self.balance
    }

    /// The last order number used.
    pub fn order(&self) -> i64 {
        self.order
    }

    /// The random source, for callers that also draw times.
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// The next transfer, booked at `booked_at`: mostly customers paying orders, sometimes
    /// the shop paying suppliers and fees (never below zero).
    pub fn next(&mut self, booked_at: i64) -> NewTransaction {
        let income = self.rng.random_bool(0.75) || self.balance < 2_000_000;
        let mut t = if income {
            self.order += self.rng.random_range(1..4);
            self.income()
        } else {
            self.expense()
        };
        self.balance += t.amount;
        t.booked_at = booked_at;
        t.running_balance = Some(self.balance);
        t.source = "demo".into();
        t.raw = format!("demo bank: {} {}", t.amount, t.description);
        t
    }

    fn income(&mut self) -> NewTransaction {
        let rng = &mut self.rng;
        let order = self.order;
        let payer = PAYERS[rng.random_range(0..PAYERS.len())];
        let amount = rng.random_range(5..500) * 10_000;
        let description = match rng.random_range(0..5) {
            0 => format!("DH{order} chuyen tien"),
            1 => format!("{payer} chuyen khoan DH{order}"),
            2 => format!(
                "MBVCB.{}.DH{order}.thanh toan don hang",
                rng.random_range(1_000_000_000u64..9_999_999_999)
            ),
            3 => format!("IBFT Thanh toan don hang DH{order}"),
            _ => format!("{payer} chuyen tien mua hoa"),
        };
        NewTransaction {
            amount,
            description,
            counterparty_name: payer.into(),
            counterparty_account: format!("{}", rng.random_range(100_000_000u64..9_999_999_999)),
            ..Default::default()
        }
    }

    fn expense(&mut self) -> NewTransaction {
        let rng = &mut self.rng;
        let (payee, memo) = PAYEES[rng.random_range(0..PAYEES.len())];
        let cap = (self.balance / 2).max(20_000);
        let amount = if payee.is_empty() {
            11_000
        } else {
            (rng.random_range(20_000..=cap) / 1000) * 1000
        };
        NewTransaction {
            amount: -amount.max(1000),
            description: memo.into(),
            counterparty_name: payee.into(),
            ..Default::default()
        }
    }
}

/// What the demo bank keeps between polls.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Cursor {
    /// Transfers up to this instant have been produced (ms).
    at: i64,
    /// The balance after them.
    balance: i64,
    /// The last order number used.
    order: i64,
    /// How many transfers the feed has produced.
    seq: i64,
}

/// One poll of demo feed `feed_id` at `now`: the transfers since the cursor, and the new
/// cursor. `balance` is the account's known balance, used when the feed starts.
pub fn poll(
    feed_id: i64,
    settings: &DemoSettings,
    cursor: &str,
    balance: Option<i64>,
    now: i64,
) -> Polled {
    let start = match serde_json::from_str::<Cursor>(cursor) {
        Ok(c) => c,
        Err(_) => Cursor {
            at: now,
            balance: balance.unwrap_or(DEFAULT_OPENING),
            order: 10_000 + feed_id * 1_000,
            seq: 0,
        },
    };
    let mut teller = Teller::new(
        (feed_id as u64) << 32 ^ start.seq as u64,
        start.balance,
        start.order,
    );
    let per_ms = settings.per_minute / 60_000.0;
    let mut at = start.at.max(now - MAX_CATCH_UP_MS);
    let mut seq = start.seq;
    let mut transactions = Vec::new();
    loop {
        // Exponential gaps between transfers; whole seconds, as banks report them.
        let u: f64 = teller.rng().random_range(f64::EPSILON..1.0);
        let next = at + ((-u.ln() / per_ms).ceil() as i64).max(1);
        if next > now || transactions.len() == MAX_PER_POLL {
            break;
        }
        at = next;
        seq += 1;
        let mut t = teller.next((at / 1000) * 1000);
        t.reference = format!("FT{feed_id}D{seq:08}");
        transactions.push(t);
    }
    if transactions.len() < MAX_PER_POLL {
        at = now;
    }
    let cursor = Cursor {
        at,
        balance: teller.balance(),
        order: teller.order(),
        seq,
    };
    Polled {
        transactions,
        cursor: serde_json::to_string(&cursor).ok(),
        ..Polled::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(per_minute: f64) -> DemoSettings {
        DemoSettings::new(per_minute).unwrap()
    }

    #[test]
    fn transfers_follow_the_rate_and_balances_add_up() {
        let t0 = 1_700_000_000_000;
        let first = poll(7, &settings(60.0), "", Some(5_000_000), t0);
        assert!(first.transactions.is_empty(), "nothing happened yet");
        let cursor = first.cursor.unwrap();
        // One hour at 60 a minute: about 3,600 transfers, 1,000 per poll.
        let mut balance = 5_000_000;
        let mut cursor = cursor;
        let mut all = Vec::new();
        let mut polls = 0;
        loop {
            let p = poll(7, &settings(60.0), &cursor, None, t0 + 3_600_000);
            polls += 1;
            cursor = p.cursor.unwrap();
            let n = p.transactions.len();
            all.extend(p.transactions);
            if n < MAX_PER_POLL {
                break;
            }
        }
        assert!(polls >= 4);
        assert!((3_300..3_900).contains(&all.len()), "{}", all.len());
        for t in &all {
            balance += t.amount;
            assert_eq!(t.running_balance, Some(balance));
            assert!(t.validate().is_ok());
            assert!(t.booked_at > t0 - 1000 && t.booked_at <= t0 + 3_600_000);
            assert!(balance >= 0);
        }
        let refs: std::collections::HashSet<_> = all.iter().map(|t| &t.reference).collect();
        assert_eq!(refs.len(), all.len(), "references are unique");
        assert!(all.iter().any(|t| t.amount < 0));
        assert!(all.iter().any(|t| t.description.contains("DH")));
    }

    #[test]
    fn a_repeated_poll_makes_the_same_transfers() {
        let start = poll(3, &settings(600.0), "", None, 1_000_000_000_000)
            .cursor
            .unwrap();
        let a = poll(3, &settings(600.0), &start, None, 1_000_000_060_000);
        let b = poll(3, &settings(600.0), &start, None, 1_000_000_060_000);
        assert!(!a.transactions.is_empty());
        assert_eq!(a.transactions, b.transactions);
        assert_eq!(a.cursor, b.cursor);
        // A later poll from the same cursor repeats the earlier transfers, then adds more.
        let c = poll(3, &settings(600.0), &start, None, 1_000_000_120_000);
        assert_eq!(c.transactions[..a.transactions.len()], a.transactions[..]);
        assert!(c.transactions.len() > a.transactions.len());
    }
}
