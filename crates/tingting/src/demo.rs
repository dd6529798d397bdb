//! The demo business: two bank accounts (ACB and Vietcombank) with 30 days of realistic
//! transactions, so a newcomer can try the API at once.

use std::net::SocketAddr;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::time::{day_start_ms, now_ms, vn_day};
use crate::domain::{AccountNumber, Email, NewBankAccount, NewTransaction, User};
use crate::ingest::ingest_batch;
use crate::keys;
use crate::storage::Store;

/// The demo owner's login.
pub const DEMO_EMAIL: &str = "demo@tingting.local";
/// The demo business's name.
pub const DEMO_BUSINESS: &str = "Cửa hàng Hoa Sen (demo)";
/// Transactions generated over the demo period.
pub const DEMO_TRANSACTIONS: usize = 200;
/// Length of the demo period in days.
pub const DEMO_DAYS: i64 = 30;

/// A demo account: bank code, number, holder, opening balance.
const ACCOUNTS: [(&str, u32, &str, &str, i64); 2] = [
    ("ACB", 970416, "12345678", "NGUYEN VAN A", 5_000_000),
    ("VCB", 970436, "0123456789", "NGUYEN VAN A", 12_000_000),
];

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

/// What seeding did.
#[derive(Debug)]
pub struct Seeded {
    /// The demo owner.
    pub user: User,
    /// True when this run created the business; false when it was already there.
    pub created: bool,
    /// Transactions stored by this run.
    pub transactions: usize,
    /// A new API key for the demo owner.
    pub api_key: String,
}

/// Creates the demo business on first use (reusing it afterwards) and a fresh API key.
pub async fn seed(store: &dyn Store) -> anyhow::Result<Seeded> {
    let email = Email::parse(DEMO_EMAIL).map_err(anyhow::Error::msg)?;
    let (user, created, mut stored) = match store.find_user_by_email(&email).await? {
        Some(user) => (user, false, 0),
        None => (store.create_user(&email, DEMO_BUSINESS).await?, true, 0),
    };
    if created {
        let now = now_ms();
        for (index, (_, bin, number, holder, opening)) in ACCOUNTS.iter().enumerate() {
            let account = store
                .add_account(
                    user.business_id,
                    &NewBankAccount {
                        bank_bin: *bin,
                        account_number: AccountNumber::parse(number).map_err(anyhow::Error::msg)?,
                        account_name: Some(holder.to_string()),
                    },
                )
                .await?;
            let batch = generate(
                index as u64,
                now,
                DEMO_TRANSACTIONS / ACCOUNTS.len(),
                *opening,
            );
            stored += ingest_batch(store, &account, batch)
                .await?
                .iter()
                .filter(|o| o.created)
                .count();
        }
    }
    let key = keys::issue(store, &user, "demo").await?;
    Ok(Seeded {
        user,
        created,
        transactions: stored,
        api_key: key.expose().to_string(),
    })
}

/// What `serve --demo` prints: the key and three curl commands to try.
pub fn instructions(seeded: &Seeded, database: &str, addr: SocketAddr) -> String {
    let what = if seeded.created {
        format!(
            "Created the demo business {DEMO_BUSINESS:?} ({DEMO_EMAIL}) with 2 bank accounts and {} transactions in {database}.",
            seeded.transactions
        )
    } else {
        format!("Reusing the demo business already in {database} ({DEMO_EMAIL}); its data is unchanged.")
    };
    let key = &seeded.api_key;
    let base = format!("http://{addr}");
    format!(
        "{what}\n\nAPI key (shown once; earlier keys keep working): {key}\n\nTry:\n  \
         curl -s -H 'Authorization: Apikey {key}' {base}/v2/userInfo\n  \
         curl -s -H 'Authorization: Apikey {key}' '{base}/v2/transactions?pageSize=5&sort=DESC'\n  \
         curl -s -H 'Authorization: Apikey {key}' {base}/v2/accounts\n\n"
    )
}

/// Generates `count` transactions for one account over the last [`DEMO_DAYS`] days, oldest
/// first, with running balances that add up from `opening`. Deterministic for a given `seed`
/// and `now`.
pub fn generate(seed: u64, now: i64, count: usize, opening: i64) -> Vec<NewTransaction> {
    let mut rng = StdRng::seed_from_u64(0x7469_6e67 ^ seed);
    let first_day = vn_day(now) - DEMO_DAYS + 1;
    let mut times: Vec<i64> = std::iter::repeat_with(|| {
        let day = first_day + rng.random_range(0..DEMO_DAYS);
        // Shop hours, 07:00 to 22:00 Vietnam time, whole seconds.
        let t = day_start_ms(day) + rng.random_range(7 * 3_600_000..22 * 3_600_000);
        (t / 1000) * 1000
    })
    .filter(|t| *t <= now)
    .take(count)
    .collect();
    times.sort_unstable();
    let mut balance = opening;
    let mut order: i64 = 1000 + rng.random_range(0..40);
    times
        .into_iter()
        .enumerate()
        .map(|(i, booked_at)| {
            let income = rng.random_bool(0.75) || balance < 2_000_000;
            let mut t = if income {
                order += rng.random_range(1..4);
                income_txn(&mut rng, order)
            } else {
                expense_txn(&mut rng, balance)
            };
            balance += t.amount;
            t.booked_at = booked_at;
            t.running_balance = Some(balance);
            t.reference = format!("FT{seed:02}{:05}{:06}", i, (booked_at / 1000) % 1_000_000);
            t.source = "demo".into();
            t.raw = format!("demo bank: {} {}", t.amount, t.description);
            t
        })
        .collect()
}

fn income_txn(rng: &mut StdRng, order: i64) -> NewTransaction {
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

fn expense_txn(rng: &mut StdRng, balance: i64) -> NewTransaction {
    let (payee, memo) = PAYEES[rng.random_range(0..PAYEES.len())];
    let cap = (balance / 2).max(20_000);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::DAY_MS;

    #[test]
    fn demo_data_is_realistic_and_adds_up() {
        let now = now_ms();
        let txns = generate(0, now, 100, 5_000_000);
        assert_eq!(txns.len(), 100);
        let mut balance = 5_000_000;
        for pair in txns.windows(2) {
            assert!(pair[0].booked_at <= pair[1].booked_at);
        }
        for t in &txns {
            balance += t.amount;
            assert_eq!(t.running_balance, Some(balance));
            assert!(t.booked_at <= now && t.booked_at > now - (DEMO_DAYS + 1) * DAY_MS);
            assert!(t.validate().is_ok());
        }
        assert!(txns.iter().any(|t| t.amount < 0));
        assert!(txns.iter().any(|t| t.description.contains("DH")));
        let keys: std::collections::HashSet<_> = txns.iter().map(|t| t.dedup_key()).collect();
        assert_eq!(keys.len(), txns.len());
    }
}
