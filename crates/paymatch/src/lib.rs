//! `paymatch`: order codes for payment requests, and lenient matching of
//! those codes in bank transaction descriptions.
//!
//! A shop creates a payment request for an order and shows the customer an
//! order code ([`code`]); the customer puts it in the memo of a bank
//! transfer; when the transfer's description, as the bank wrote it, contains
//! the code ([`find`]), the request is paid.

#![warn(missing_docs)]

pub mod code;
pub mod find;

pub use code::{generate, CodeError, OrderCode, Prefix, PrefixError};
pub use find::{comparable, contains_code, contains_truncated};
