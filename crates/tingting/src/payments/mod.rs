//! Payments: VietQR codes for the business's accounts, and payment requests matched to
//! incoming transfers.

pub mod events;
pub mod expiry;
pub mod matching;
pub mod qr;
pub mod requests;
