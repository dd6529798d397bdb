//! QR rendering throughput: VietQR payloads built and drawn as PNG and SVG.
//! Run with `cargo bench -p tingting --bench qr`; prints codes per second.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tingting::domain::BankAccount;
use tingting::payments::qr;

/// Runs `f` repeatedly for about `budget`; returns runs per second.
fn rate(budget: Duration, mut f: impl FnMut(u64)) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        f(n);
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let account = BankAccount {
        id: 1,
        business_id: 1,
        bank_bin: 970436,
        account_number: "0071001234567".into(),
        account_name: None,
        balance: None,
        created_at: 0,
    };
    let budget = Duration::from_secs(3);
    let payload = |n: u64| {
        qr::payload(
            &account,
            Some(&(100_000 + n).to_string()),
            Some(&format!("DH{n}")),
        )
        .map(|p| p.build())
        .unwrap_or_default()
    };
    let built = rate(budget, |n| {
        black_box(payload(n));
    });
    let png = rate(budget, |n| {
        black_box(qr::png(&payload(n), 8).map(|b| b.len()).unwrap_or(0));
    });
    let svg = rate(budget, |n| {
        black_box(qr::svg(&payload(n)).map(|s| s.len()).unwrap_or(0));
    });
    println!("VietQR payload build:        {built:>10.0} /s");
    println!("payload + PNG (8 px/module): {png:>10.0} /s");
    println!("payload + SVG:               {svg:>10.0} /s");
}
