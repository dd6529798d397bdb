//! The mailbox feed's IMAP side: read bank alert e-mails from a mailbox without changing it.
//!
//! See [`fetch_new`] for the fetch semantics and [`Position`] for what a caller stores between
//! polls.

pub mod imap;

pub use imap::{
    certificates_from_pem, fetch_new, Fetched, MailboxError, Message, Position, Security, Server,
};
/// The certificate type of [`Server::extra_roots`].
pub use rustls_pki_types::CertificateDer;
