//! Streams a synthetic statement in tingting's canonical CSV format (see the `statements` crate):
//! `time,description,amount,balance,reference`, Vietnam local times in ascending order over the
//! last 365 days, whole-thousand VND amounts, a consistent running balance and unique `FT...`
//! references. Rows are written as they are made; nothing is held in memory.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The canonical CSV header the generator writes.
pub const HEADER: &str = "time,description,amount,balance,reference";

/// Days of history the rows spread over.
pub const HISTORY_DAYS: i64 = 365;

/// Balance before the first row, VND.
const OPENING_BALANCE: i64 = 50_000_000;

/// Below this balance every row is money in, so the balance stays positive.
const LOW_BALANCE: i64 = 30_000_000;

/// One row as written, read back (by the converters to other formats).
pub struct Row<'a> {
    /// `YYYY-MM-DD HH:MM:SS`, Vietnam local time.
    pub time: &'a str,
    /// The description.
    pub description: &'a str,
    /// Signed VND.
    pub amount: i64,
    /// Balance after the row.
    pub balance: i64,
    /// The `FT...` reference.
    pub reference: &'a str,
}

impl<'a> Row<'a> {
    /// Reads a data row (the generator's descriptions hold no comma).
    pub fn parse(line: &'a str) -> anyhow::Result<Self> {
        let mut cells = line.split(',');
        let mut next = || cells.next().context("short CSV row");
        Ok(Row {
            time: next()?,
            description: next()?,
            amount: next()?.parse()?,
            balance: next()?.parse()?,
            reference: next()?,
        })
    }
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Data rows (the header excluded).
    pub rows: u64,
    /// File size.
    pub bytes: u64,
    /// Time of the first row, Vietnam local.
    pub first: NaiveDateTime,
    /// Time of the last row, Vietnam local.
    pub last: NaiveDateTime,
    /// Rows with money in.
    pub credits: u64,
    /// Rows whose description carries an order code `DH...`.
    pub with_order_code: u64,
    /// Balance after the last row.
    pub closing_balance: i64,
}

/// Writes `rows` rows to `path`, the last one shortly before `now` (Vietnam local time).
pub fn generate(path: &Path, rows: u64, seed: u64, now: NaiveDateTime) -> anyhow::Result<Summary> {
    anyhow::ensure!(rows > 0, "--rows must be at least 1");
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "{HEADER}")?;

    let mut rng = SmallRng::seed_from_u64(seed);
    // Work in "local epoch seconds": a Vietnam wall-clock time read as if it were UTC.
    let end = now.and_utc().timestamp() - 60;
    let start = end - HISTORY_DAYS * 86_400;
    let span = (end - start) as u128;
    let step = (span / rows as u128) as i64;

    let mut balance = OPENING_BALANCE;
    let mut summary = Summary {
        rows,
        bytes: 0,
        first: now,
        last: now,
        credits: 0,
        with_order_code: 0,
        closing_balance: 0,
    };
    let mut description = String::with_capacity(128);
    for i in 0..rows {
        // Evenly spaced slots with a jitter inside each slot keep the times ascending.
        let slot = start + (i as u128 * span / rows as u128) as i64;
        let jitter = if step > 1 {
            rng.random_range(0..step)
        } else {
            0
        };
        let t = DateTime::from_timestamp(slot + jitter, 0)
            .context("time out of range")?
            .naive_utc();
        if i == 0 {
            summary.first = t;
        }
        summary.last = t;

        description.clear();
        let credit = balance < LOW_BALANCE || rng.random_bool(0.6);
        let (amount, order) = if credit {
            credit_entry(&mut rng, &mut description, t.month())
        } else {
            debit_entry(&mut rng, &mut description, t.month(), balance)
        };
        balance += amount;
        summary.credits += u64::from(amount > 0);
        summary.with_order_code += u64::from(order);

        writeln!(
            out,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{},{},{},FT{:02}{:03}{:07}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            description,
            amount,
            balance,
            t.year() % 100,
            t.ordinal(),
            i + 1
        )?;
    }
    out.flush()?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    summary.bytes = file.metadata()?.len();
    summary.closing_balance = balance;
    Ok(summary)
}

const FAMILY: &[&str] = &[
    "NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG", "BUI", "DO",
    "HO", "NGO", "DUONG", "LY",
];
const MIDDLE: &[&str] = &[
    "VAN", "THI", "MINH", "NGOC", "THANH", "DUC", "HOANG", "QUOC", "THU", "KIM", "GIA", "BAO",
];
const GIVEN: &[&str] = &[
    "AN", "BINH", "CUONG", "DUNG", "HA", "HANH", "HUNG", "LAN", "LINH", "MAI", "NAM", "PHUONG",
    "QUANG", "SON", "TAM", "THAO", "TRANG", "TUAN", "VY", "YEN", "KHOA", "NHI", "HIEU", "DAT",
];
const BANKS: &[&str] = &[
    "VCB", "TCB", "MB", "ACB", "BIDV", "VPB", "TPB", "STB", "VIB", "OCB",
];
const MERCHANTS: &[&str] = &[
    "SHOPEE",
    "GRAB",
    "LAZADA",
    "TIKI",
    "HIGHLANDS COFFEE",
    "CIRCLE K",
    "WINMART",
    "BACH HOA XANH",
];

fn pick<'a>(rng: &mut SmallRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn push_name(rng: &mut SmallRng, out: &mut String) {
    let _ = write!(
        out,
        "{} {} {}",
        pick(rng, FAMILY),
        pick(rng, MIDDLE),
        pick(rng, GIVEN)
    );
}

/// Whole thousands of VND between `lo` and `hi` thousand.
fn thousands(rng: &mut SmallRng, lo: i64, hi: i64) -> i64 {
    rng.random_range(lo..=hi) * 1000
}

/// Money in: mostly customer payments, often with an order code. Returns (amount, has code).
fn credit_entry(rng: &mut SmallRng, d: &mut String, month: u32) -> (i64, bool) {
    let order = rng.random_range(1000..1_000_000);
    let amount = if rng.random_bool(0.9) {
        thousands(rng, 20, 3_000)
    } else {
        thousands(rng, 3_000, 80_000)
    };
    let has_code = match rng.random_range(0..10) {
        0 | 1 => {
            let _ = write!(d, "CK DH{order} thanh toan don hang");
            true
        }
        2 => {
            push_name(rng, d);
            let _ = write!(d, " chuyen tien DH{order}");
            true
        }
        3 => {
            let _ = write!(d, "MBVCB.{}.", rng.random_range(1_000_000..10_000_000));
            push_name(rng, d);
            let _ = write!(d, " chuyen khoan DH{order}");
            true
        }
        4 => {
            let _ = write!(d, "IBFT ");
            push_name(rng, d);
            let _ = write!(d, " thanh toan hoa don DH{order}");
            true
        }
        5 => {
            let _ = write!(d, "Thanh toán đơn hàng DH{order}");
            true
        }
        6 => {
            let _ = write!(d, "Nhận tiền từ ");
            push_name(rng, d);
            false
        }
        7 => {
            let _ = write!(d, "{} ", pick(rng, BANKS));
            push_name(rng, d);
            let _ = write!(d, " chuyen tien");
            false
        }
        8 => {
            let _ = write!(
                d,
                "TT QR {} ma GD {}",
                pick(rng, MERCHANTS),
                rng.random_range(100_000_000..1_000_000_000u64)
            );
            false
        }
        _ => {
            if rng.random_bool(0.5) {
                let _ = write!(d, "Lai tien gui thang {month}");
                return (thousands(rng, 1, 200), false);
            }
            let _ = write!(
                d,
                "Hoan tien giao dich FT{}",
                rng.random_range(10_000_000..100_000_000)
            );
            false
        }
    };
    (amount, has_code)
}

/// Money out, never more than `balance`. Returns (negative amount, has code).
fn debit_entry(rng: &mut SmallRng, d: &mut String, month: u32, balance: i64) -> (i64, bool) {
    let amount = match rng.random_range(0..10) {
        0 => {
            let _ = write!(d, "Phi SMS Banking thang {month}");
            11_000
        }
        1 => {
            let _ = write!(d, "Phi quan ly tai khoan");
            22_000
        }
        2 => {
            let _ = write!(
                d,
                "Thanh toan tien dien EVN ma KH PE{}",
                rng.random_range(10_000_000..100_000_000)
            );
            thousands(rng, 300, 5_000)
        }
        3 => {
            let _ = write!(d, "Tra luong thang {month} cho ");
            push_name(rng, d);
            thousands(rng, 5_000, 25_000)
        }
        4 => {
            let _ = write!(d, "Chuyen tien cho ");
            push_name(rng, d);
            let _ = write!(d, " nha cung cap");
            thousands(rng, 500, 30_000)
        }
        5 => {
            let _ = write!(d, "Rut tien mat tai ATM {}", pick(rng, BANKS));
            thousands(rng, 500, 5_000)
        }
        6 => {
            let _ = write!(d, "Nộp thuế GTGT quý {}", (month - 1) / 3 + 1);
            thousands(rng, 1_000, 20_000)
        }
        7 => {
            let _ = write!(
                d,
                "Hoan tien DH{} cho khach",
                rng.random_range(1000..1_000_000)
            );
            return (-thousands(rng, 20, 2_000).min(balance), true);
        }
        _ => {
            let _ = write!(d, "Thanh toan QR {}", pick(rng, MERCHANTS));
            thousands(rng, 20, 2_000)
        }
    };
    (-amount.min(balance), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn rows_are_ascending_consistent_and_unique() {
        let dir = std::env::temp_dir().join(format!("tingting-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.csv");
        let now = NaiveDate::from_ymd_opt(2025, 6, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let s = generate(&path, 5000, 7, now).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADER));
        let mut prev_time = String::new();
        let mut balance = OPENING_BALANCE;
        let mut refs = std::collections::HashSet::new();
        let mut n = 0;
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 5, "{line}");
            assert!(cells[0] >= prev_time.as_str());
            prev_time = cells[0].to_string();
            let amount: i64 = cells[2].parse().unwrap();
            assert!(amount != 0 && amount % 1000 == 0, "{line}");
            balance += amount;
            assert_eq!(cells[3].parse::<i64>().unwrap(), balance);
            assert!(balance >= 0);
            assert!(cells[4].starts_with("FT") && refs.insert(cells[4].to_string()));
            n += 1;
        }
        assert_eq!(n, 5000);
        assert_eq!(s.rows, 5000);
        assert_eq!(s.closing_balance, balance);
        assert!(s.with_order_code > 500 && s.credits > 2000);
        assert!(s.first.date() >= NaiveDate::from_ymd_opt(2024, 6, 1).unwrap());
        assert!(s.last < now);
    }
}
