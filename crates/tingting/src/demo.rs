//! The demo business: two bank accounts (ACB and Vietcombank) with 30 days of realistic
//! transactions, and a demo bank feed on each that keeps transfers coming, so a newcomer can
//! try the API and watch webhooks arrive at once.

use std::net::SocketAddr;

use rand::Rng;

use crate::domain::time::{day_start_ms, now_ms, vn_day};
use crate::domain::{
    AccountNumber, BankAccount, DemoSettings, Email, FeedSettings, NewBankAccount, NewFeed,
    NewTransaction, User,
};
use crate::ingest::ingest_batch;
use crate::ingest::pull::demo_bank::Teller;
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

/// Live transfers per minute and account, from the demo bank feed.
pub const DEMO_RATE_PER_MINUTE: f64 = 3.0;
/// How often the demo bank feeds are polled (ms).
pub const DEMO_POLL_MS: i64 = 10_000;

/// A demo account: bank code, number, holder, opening balance.
const ACCOUNTS: [(&str, u32, &str, &str, i64); 2] = [
    ("ACB", 970416, "12345678", "NGUYEN VAN A", 5_000_000),
    ("VCB", 970436, "0123456789", "NGUYEN VAN A", 12_000_000),
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
    /// The demo's first account (ACB).
    pub account: BankAccount,
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
            let live = NewFeed::pull(
                FeedSettings::Demo(
                    DemoSettings::new(DEMO_RATE_PER_MINUTE).map_err(anyhow::Error::msg)?,
                ),
                DEMO_POLL_MS,
            )
            .map_err(anyhow::Error::msg)?;
            store
                .create_feed(user.business_id, account.id, &live)
                .await?;
        }
    }
    let key = keys::issue(store, &user, "demo", None).await?;
    let account = store
        .find_account(user.business_id, ACCOUNTS[0].2)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo account {} is missing", ACCOUNTS[0].2))?;
    Ok(Seeded {
        user,
        created,
        transactions: stored,
        api_key: key.expose().to_string(),
        account,
    })
}

/// What `serve --demo` prints: the key, curl commands to try the API, and two more that
/// create a payment request and pay it.
pub fn instructions(seeded: &Seeded, database: &str, addr: SocketAddr) -> String {
    let what = if seeded.created {
        format!(
            "Created the demo business {DEMO_BUSINESS:?} ({DEMO_EMAIL}) with 2 bank accounts and {} transactions in {database}.\n\
             The demo bank adds about {DEMO_RATE_PER_MINUTE} transfers a minute to each account; register a webhook to see them arrive.",
            seeded.transactions
        )
    } else {
        format!("Reusing the demo business already in {database} ({DEMO_EMAIL}); its history is kept and its demo bank feeds go on.")
    };
    let key = &seeded.api_key;
    let base = format!("http://{addr}");
    format!(
        "{what}\n\nAPI key (shown once; earlier keys keep working): {key}\n\nTry:\n  \
         curl -s -H 'Authorization: Apikey {key}' {base}/v2/userInfo\n  \
         curl -s -H 'Authorization: Apikey {key}' '{base}/v2/transactions?pageSize=5&sort=DESC'\n  \
         curl -s -H 'Authorization: Apikey {key}' {base}/v2/accounts\n  \
         curl -s -H 'Authorization: Apikey {key}' -H 'Content-Type: application/json' -d '{{\"bank_acc_id\":\"12345678\"}}' {base}/v2/sync\n\n\
         A payment request: open its checkoutUrl under {base} in a browser, then pay it by pushing the transfer with its code:\n  \
         curl -s -H 'Authorization: Apikey {key}' -H 'Content-Type: application/json' -d '{{\"accountId\":{account},\"amount\":150000}}' {base}/v2/payment-requests\n  \
         curl -s -H 'Authorization: Apikey {key}' -H 'Content-Type: application/json' -d '{{\"account\":\"{number}\",\"transactions\":[{{\"amount\":150000,\"bookedAt\":\"{booked}\",\"description\":\"CODE thanh toan\"}}]}}' {base}/v2/ingest\n\n",
        booked = crate::domain::time::render_vn(now_ms()),
        account = seeded.account.id,
        number = seeded.account.account_number,
    )
}

/// Generates `count` transactions for one account over the last [`DEMO_DAYS`] days, oldest
/// first, with running balances that add up from `opening`. Deterministic for a given `seed`
/// and `now`.
pub fn generate(seed: u64, now: i64, count: usize, opening: i64) -> Vec<NewTransaction> {
    let mut teller = Teller::new(seed, opening, 1000 + (seed as i64) * 40);
    let first_day = vn_day(now) - DEMO_DAYS + 1;
    let rng = teller.rng();
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
    times
        .into_iter()
        .enumerate()
        .map(|(i, booked_at)| {
            let mut t = teller.next(booked_at);
            t.reference = format!("FT{seed:02}{:05}{:06}", i, (booked_at / 1000) % 1_000_000);
            t
        })
        .collect()
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
