//! Cross-source deduplication: the rules that decide whether a transaction reported by one
//! feed (a statement entry, say) is a transfer already stored from another feed (an SMS)
//! under a different dedup key, and what the later report adds to the stored one.
//!
//! A transaction's dedup key (see [`NewTransaction::dedup_key`]) catches repeats from one
//! source. Different sources describe one transfer differently (an SMS has no bank reference
//! and a truncated memo; an MT940 statement has no time of day), so their keys differ. Two
//! reports are one transfer when all of these hold:
//!
//! - they come from different sources (`notify` texts, `email`, and each statement format:
//!   `mt940`, `camt`, `csv`, `xlsx`; `demo`, `command`, `api`), and the stored transaction
//!   has not already absorbed a report from the incoming one's source: two entries of one
//!   statement, or two different SMS, are never merged with each other (the same entry or
//!   SMS again has the same dedup key);
//! - same account and same signed amount;
//! - times agree: within [`TIME_WINDOW_MS`] when both carry a time of day, the same
//!   Vietnam-local day when either is a date only ([`is_date_only`]);
//! - running balances are equal when both are known;
//! - references, counterparty accounts and memos agree when both sides have one: compared
//!   without diacritics, case, spaces or punctuation, one contains the other (so a memo cut
//!   short by an SMS, or a bank's `MBVCB.123.` prefix, still agrees; `DH1042` and `DH1043`
//!   do not).
//!
//! A report is merged only when exactly one stored transaction qualifies; when several do
//! (same amount, same minute, memos that do not tell them apart) it is stored separately
//! rather than merged with the wrong one.

use super::time::{vn_day, DAY_MS};
use super::NewTransaction;

/// The widest gap between two timed reports of one transfer (a text stamped when the phone
/// received it may lag the bank's booking).
pub const TIME_WINDOW_MS: i64 = 15 * 60 * 1000;

/// The widest gap between two reports of one transfer when either has no time of day; a
/// cheap bound for the candidate query, refined by [`Reported::matches`].
pub const CANDIDATE_WINDOW_MS: i64 = DAY_MS;

/// Vietnam's offset from UTC (ms), for telling a date-only instant.
const VN_OFFSET_MS: i64 = statements::VIETNAM_UTC_OFFSET_SECONDS as i64 * 1000;

/// True when `booked_at` is exactly 00:00:00.000 Vietnam time, which is how a date without a
/// time of day is stored (statement dates, texts without a time).
pub fn is_date_only(booked_at: i64) -> bool {
    (booked_at + VN_OFFSET_MS).rem_euclid(DAY_MS) == 0
}

/// Whether two booking instants can be one transfer's.
fn times_agree(a: i64, b: i64) -> bool {
    if is_date_only(a) || is_date_only(b) {
        vn_day(a) == vn_day(b)
    } else {
        (a - b).abs() <= TIME_WINDOW_MS
    }
}

/// A text as matching compares it: folded (no diacritics, lower case), letters and digits only.
fn comparable(text: &str) -> String {
    banktext::fold(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Whether two optional texts agree: either is empty, or one contains the other.
fn texts_agree(a: &str, b: &str) -> bool {
    let (a, b) = (comparable(a), comparable(b));
    a.is_empty() || b.is_empty() || a.contains(&b) || b.contains(&a)
}

/// A transaction as matching sees it: its fields, and the sources that have reported it
/// besides the one that first stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    /// The transaction's fields (`raw` may be left empty: matching never reads it).
    pub fields: NewTransaction,
    /// Sources merged into it, besides `fields.source`.
    merged: Vec<String>,
}

impl Reported {
    /// A transaction and its stored list of merged sources (comma-separated, as
    /// [`Reported::merged_sources`] writes it).
    pub fn new(fields: NewTransaction, merged_sources: &str) -> Self {
        let merged = merged_sources
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect();
        Self { fields, merged }
    }

    /// Whether reports from other sources were merged into it.
    pub fn has_merged(&self) -> bool {
        !self.merged.is_empty()
    }

    /// The merged sources, comma-separated and sorted, for storage.
    pub fn merged_sources(&self) -> String {
        self.merged.join(",")
    }

    /// Whether `source` has reported this transaction.
    fn has_source(&self, source: &str) -> bool {
        self.fields.source == source || self.merged.iter().any(|f| f == source)
    }

    /// Whether `incoming`, from a source that has not reported this transaction yet, is the
    /// same transfer (see the module documentation). Accounts are the caller's to compare.
    pub fn matches(&self, incoming: &NewTransaction) -> bool {
        let s = &self.fields;
        !self.has_source(&incoming.source)
            && s.amount == incoming.amount
            && times_agree(s.booked_at, incoming.booked_at)
            && s.running_balance
                .zip(incoming.running_balance)
                .is_none_or(|(a, b)| a == b)
            && texts_agree(&s.reference, &incoming.reference)
            && texts_agree(&s.counterparty_account, &incoming.counterparty_account)
            && texts_agree(&s.description, &incoming.description)
    }

    /// Takes in a matching report of the same transfer: records its source and fills what
    /// this transaction lacks (a reference, balance, counterparty, virtual account or
    /// channel it has not got; a time of day for a date-only time; a memo it holds more of).
    /// True when a field changed.
    pub fn absorb(&mut self, incoming: &NewTransaction) -> bool {
        if let Err(at) = self.merged.binary_search(&incoming.source) {
            self.merged.insert(at, incoming.source.clone());
        }
        let s = &mut self.fields;
        let mut changed = false;
        for (mine, theirs) in [
            (&mut s.reference, &incoming.reference),
            (&mut s.counterparty_name, &incoming.counterparty_name),
            (&mut s.counterparty_account, &incoming.counterparty_account),
            (&mut s.counterparty_bank_id, &incoming.counterparty_bank_id),
            (&mut s.counterparty_bank, &incoming.counterparty_bank),
            (&mut s.virtual_account, &incoming.virtual_account),
            (&mut s.virtual_account_name, &incoming.virtual_account_name),
            (&mut s.payment_channel, &incoming.payment_channel),
        ] {
            if mine.is_empty() && !theirs.is_empty() {
                theirs.clone_into(mine);
                changed = true;
            }
        }
        if s.running_balance.is_none() && incoming.running_balance.is_some() {
            s.running_balance = incoming.running_balance;
            changed = true;
        }
        if is_date_only(s.booked_at) && !is_date_only(incoming.booked_at) {
            s.booked_at = incoming.booked_at;
            changed = true;
        }
        if comparable(&incoming.description).len() > comparable(&s.description).len() {
            incoming.description.clone_into(&mut s.description);
            changed = true;
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-04-22 09:30 Vietnam time.
    const AT: i64 = 1_745_289_000_000;
    /// 2025-04-22 00:00 Vietnam time.
    const DAY: i64 = 1_745_254_800_000;

    fn sms() -> NewTransaction {
        NewTransaction {
            amount: 500_000,
            booked_at: AT,
            description: "DH5520 thanh toan".into(),
            running_balance: Some(7_500_000),
            source: "notify".into(),
            ..Default::default()
        }
    }

    fn statement() -> NewTransaction {
        NewTransaction {
            amount: 500_000,
            booked_at: DAY,
            description: "DH5520 thanh toán đơn hàng".into(),
            reference: "FT25112".into(),
            counterparty_name: "NGUYEN VAN A".into(),
            running_balance: Some(7_500_000),
            source: "mt940".into(),
            ..Default::default()
        }
    }

    #[test]
    fn date_only_is_vietnam_midnight() {
        assert!(is_date_only(DAY));
        assert!(!is_date_only(AT));
        assert!(!is_date_only(DAY + 1));
    }

    #[test]
    fn an_sms_and_its_statement_entry_match_and_merge() {
        let mut stored = Reported::new(sms(), "");
        assert!(stored.matches(&statement()));
        assert!(stored.absorb(&statement()));
        assert_eq!(stored.fields.reference, "FT25112");
        assert_eq!(stored.fields.counterparty_name, "NGUYEN VAN A");
        assert_eq!(stored.fields.booked_at, AT, "the SMS's time of day is kept");
        assert_eq!(stored.fields.description, "DH5520 thanh toán đơn hàng");
        assert_eq!(stored.merged_sources(), "mt940");
        // A second statement entry of that amount cannot merge into it any more.
        assert!(!stored.matches(&statement()));
        // An e-mail still can.
        let email = NewTransaction {
            source: "email".into(),
            ..sms()
        };
        assert!(stored.matches(&email));
        assert!(!stored.absorb(&email), "the e-mail adds nothing");
        assert_eq!(stored.merged_sources(), "email,mt940");
    }

    #[test]
    fn the_statement_first_takes_the_time_of_day() {
        let mut stored = Reported::new(statement(), "");
        assert!(stored.matches(&sms()));
        assert!(stored.absorb(&sms()));
        assert_eq!(stored.fields.booked_at, AT);
        assert_eq!(stored.fields.description, "DH5520 thanh toán đơn hàng");
    }

    #[test]
    fn disagreements_keep_them_apart() {
        let stored = Reported::new(
            NewTransaction {
                counterparty_account: "0123".into(),
                ..sms()
            },
            "",
        );
        let differ: [fn(&mut NewTransaction); 7] = [
            |t| t.amount += 1,
            |t| t.running_balance = Some(1),
            |t| t.description = "DH5521 thanh toan".into(),
            |t| t.booked_at = DAY + DAY_MS,
            |t| t.source = "notify".into(),
            |t| t.counterparty_account = "999".into(),
            |t| t.amount = -t.amount,
        ];
        for (i, change) in differ.iter().enumerate() {
            let mut t = statement();
            change(&mut t);
            assert!(!stored.matches(&t), "case {i}");
        }
    }

    #[test]
    fn timed_reports_must_be_close() {
        let stored = Reported::new(sms(), "");
        let mut email = sms();
        email.source = "email".into();
        email.booked_at = AT + TIME_WINDOW_MS;
        assert!(stored.matches(&email));
        email.booked_at = AT + TIME_WINDOW_MS + 1;
        assert!(!stored.matches(&email));
    }

    #[test]
    fn references_agree_by_containment() {
        let mut vcb = sms();
        vcb.reference = "MBVCB.9876543210".into();
        let stored = Reported::new(vcb, "");
        let mut entry = statement();
        entry.reference = "9876543210".into();
        assert!(stored.matches(&entry));
        entry.reference = "9876543211".into();
        assert!(!stored.matches(&entry));
    }

    #[test]
    fn merged_sources_survive_storage() {
        let r = Reported::new(sms(), "email,mt940");
        assert_eq!(r.merged_sources(), "email,mt940");
        assert!(!r.matches(&statement()));
        let camt = NewTransaction {
            source: "camt".into(),
            ..statement()
        };
        assert!(
            r.matches(&camt),
            "another statement format is another source"
        );
    }
}
