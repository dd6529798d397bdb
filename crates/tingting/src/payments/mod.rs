//! Payments: VietQR codes for the business's accounts (and, next, payment requests matched to
//! incoming transfers).

pub mod qr;
