//! HTTP handlers, one module per resource.

pub mod accounts;
pub mod authorize;
pub mod checkout;
pub mod dashboard;
pub mod deliveries;
pub mod feeds;
pub mod health;
pub mod ingest;
pub mod login;
pub mod notify;
pub mod oauth;
pub mod payments;
pub mod qr;
pub mod statements;
pub mod sync;
pub mod transactions;
pub mod user_info;
pub mod webhooks;
