//! The mailbox feed: fetches new bank alert e-mails from an IMAP folder (read-only: nothing is
//! marked read or deleted) and reads each as if it had been forwarded to a notification feed:
//! decoded by the `forwarded` crate, parsed by `banktext`, stored with source `email` (so the
//! e-mail and the SMS of one transfer are one transaction, see [`crate::domain::dedup`]).
//!
//! The cursor is `UIDVALIDITY:UID` of the last message read. The scheduler stores a poll's
//! transactions before it records the new cursor, so a restart of tingting or of the mail
//! server neither misses nor repeats mail (a message fetched again after a crash between the
//! two is recognised by its dedup key). When the folder's `UIDVALIDITY` changes, the whole
//! folder is read again, and what was stored before is recognised the same way.

use std::time::Duration;

use chrono::{DateTime, Utc};
use mailbox::{certificates_from_pem, fetch_new, Position, Security, Server};

use super::{Polled, Unread};
use crate::domain::{BankAccount, MailSecurity, MailboxSettings, NewTransaction};
use crate::ingest::notify::{read, Read, EMAIL_SOURCE};

/// Messages fetched per IMAP connection.
const BATCH: usize = 100;
/// Messages read by one poll at most (the next poll goes on from there).
const MAX_PER_POLL: usize = 1000;
/// Longest one IMAP connection may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Reads the stored cursor (`""` at first).
fn position(cursor: &str) -> Option<Position> {
    let (validity, uid) = cursor.split_once(':')?;
    Some(Position {
        uid_validity: validity.parse().ok()?,
        last_uid: uid.parse().ok()?,
    })
}

/// The server to log in to.
fn server(settings: &MailboxSettings) -> Result<Server, String> {
    let extra_roots = match &settings.ca_pem {
        Some(pem) => certificates_from_pem(pem).map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    Ok(Server {
        host: settings.host.clone(),
        port: settings.port,
        security: match settings.security {
            MailSecurity::Tls => Security::Tls,
            MailSecurity::Plain => Security::Plain,
        },
        username: settings.username.clone(),
        password: settings.password.clone(),
        extra_roots,
    })
}

/// Fetches the mail that arrived since `cursor` and reads it as transactions of `account`
/// (at `bank`, when known).
pub async fn poll(
    settings: &MailboxSettings,
    cursor: &str,
    account: &BankAccount,
    bank: Option<banktext::Bank>,
) -> Polled {
    let server = match server(settings) {
        Ok(server) => server,
        Err(e) => return Polled::failed(e),
    };
    let mut since = position(cursor);
    let mut polled = Polled::default();
    let (mut fetched, mut ignored) = (0usize, 0usize);
    loop {
        let batch = match fetch_new(
            &server,
            &settings.folder,
            settings.from.as_deref(),
            since,
            BATCH,
            TIMEOUT,
        )
        .await
        {
            Ok(batch) => batch,
            Err(e) => {
                // What was read so far is kept, and the cursor advances to it.
                polled.error = Some(e.to_string());
                break;
            }
        };
        for message in &batch.messages {
            fetched += 1;
            let (mut transactions, mut unread) = read_mail(&message.raw, account, bank);
            if transactions.is_empty() && unread.is_empty() {
                ignored += 1;
            }
            polled.transactions.append(&mut transactions);
            polled.unparsed.append(&mut unread);
        }
        since = batch.position().or(since);
        if !batch.more || fetched >= MAX_PER_POLL {
            break;
        }
    }
    polled.cursor = since.map(|p| format!("{}:{}", p.uid_validity, p.last_uid));
    polled.log = format!(
        "{fetched} message(s) fetched from {}: {} transaction(s), {ignored} ignored, {} unread",
        settings.folder,
        polled.transactions.len(),
        polled.unparsed.len()
    );
    polled
}

/// Reads one raw e-mail: the transactions in it, and the texts that could not be read (both
/// empty for mail that is not a bank alert).
fn read_mail(
    raw: &[u8],
    account: &BankAccount,
    bank: Option<banktext::Bank>,
) -> (Vec<NewTransaction>, Vec<Unread>) {
    let messages = match forwarded::decode(Some("message/rfc822"), raw) {
        Ok(forwarded::Decoded::Messages(messages)) => messages,
        Ok(forwarded::Decoded::Ignored(_)) => return (Vec::new(), Vec::new()),
        Err(e) => {
            let unread = Unread {
                sender: String::new(),
                text: String::from_utf8_lossy(&raw[..raw.len().min(4000)]).into_owned(),
                reason: format!("unreadable e-mail: {e}"),
            };
            return (Vec::new(), vec![unread]);
        }
    };
    let mut transactions = Vec::new();
    let mut unread = Vec::new();
    for m in messages {
        let sender = m.sender.as_deref().unwrap_or("");
        let received_at: DateTime<Utc> = m.received_at.unwrap_or_else(Utc::now);
        match read(&m.text, sender, received_at, account, bank, EMAIL_SOURCE) {
            Read::Transaction(t) => transactions.push(*t),
            Read::Ignored(_) => {}
            Read::Unparsed(reason) => unread.push(Unread {
                sender: sender.to_string(),
                text: m.text,
                reason,
            }),
        }
    }
    (transactions, unread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        assert_eq!(position(""), None);
        assert_eq!(position("x:1"), None);
        let p = position("1700000000:42").unwrap();
        assert_eq!((p.uid_validity, p.last_uid), (1_700_000_000, 42));
    }
}
