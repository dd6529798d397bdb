//! Webhook delivery: the bodies and signatures of each format, the retry policy, and the guard
//! against non-public targets. (The outbox is written by ingest; its workers come next.)

pub mod guard;
pub mod payload;
pub mod policy;
pub mod signing;
