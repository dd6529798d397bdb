//! Webhook delivery: ingest writes the outbox (a delivery per matching webhook, in the same
//! database transaction as the transaction); the [`worker::Worker`] claims due deliveries with a
//! lease, sends them in the webhook's format through the guarded [`sender::Sender`], and retries
//! on the [`policy::Policy`] schedule.

pub mod guard;
pub mod listen;
pub mod payload;
pub mod policy;
pub mod replay;
pub mod sender;
pub mod settings;
pub mod signing;
pub mod worker;
