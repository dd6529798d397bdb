//! Choosing the family that reads a text, and what to say when none does.

use crate::families;
use crate::fold::Text;
use crate::layout::Outcome;
use crate::{screen, Bank, Context, Notification, Parsed};

/// Parses a balance-change notification text (SMS, banking-app push text,
/// or the text body of an alert e-mail).
///
/// Matching is done on a folded copy of the text (lower case, diacritics
/// removed, `đ` -> `d`); the account, memo, reference and counterparty are
/// cut out of the original text, so they keep their case and diacritics.
/// Layouts are anchored: a text is read only when all of it fits one of a
/// family's known layouts (leading and trailing whitespace aside).
///
/// Choosing the family:
///
/// - **`ctx.bank` given**: that bank's layouts are tried first. If the text
///   fits one, that is the answer; if the text is meant to be that bank's
///   (its signature matches) but cannot be read, the answer is
///   [`Parsed::Unparsed`] without looking further. If the text is not in
///   that bank's layouts at all, the other families are tried as below,
///   and a unique match is accepted with the bank *it* belongs to
///   (senders are sometimes mapped wrongly; the notification's `bank` says
///   which layout read it).
/// - **`ctx.bank` is `None`**: every family is tried. Exactly one reading
///   family is accepted. When several read it, they must agree on amount,
///   balance and time *and* exactly one of them must be named in the text;
///   otherwise the text is [`Parsed::Unparsed`] as ambiguous.
///
/// When no family reads the text, it is [`Parsed::Ignored`] if it is a
/// one-time password, an advert or a login alert (without the shape of a
/// transaction) or mentions no money at all; otherwise
/// [`Parsed::Unparsed`] with the reason (the families that recognized it
/// and why they could not read it, or that the layout is unknown).
///
/// `parse` never panics, whatever the input.
///
/// ```
/// use banktext::{parse, Bank, Context, Parsed, TimePrecision};
///
/// let ctx = Context { bank: None, received_at: "2025-04-22T09:46:00Z".parse().unwrap() };
/// let text = "VietinBank:22/04/2025 16:45|TK:100012345678|GD:+2,000,000VND|\
///             SDC:9,000,000VND|ND:DH6630 chuyen tien hang";
/// let Parsed::Transaction(n) = parse(text, &ctx) else { panic!() };
/// assert_eq!(n.bank, Bank::VietinBank);
/// assert_eq!(n.amount, 2_000_000);
/// assert_eq!(n.balance, Some(9_000_000));
/// assert_eq!(n.booked_at.to_rfc3339(), "2025-04-22T09:45:00+00:00");
/// assert_eq!(n.time_precision, TimePrecision::Minutes);
/// assert_eq!(n.description, "DH6630 chuyen tien hang");
///
/// assert!(matches!(parse("Ma OTP cua ban la 123456", &ctx), Parsed::Ignored(_)));
/// ```
pub fn parse(text: &str, ctx: &Context) -> Parsed {
    let text = Text::new(text);
    let Some(bank) = ctx.bank else {
        return detect(&text, ctx, None);
    };
    let Some(family) = families::all().iter().find(|f| f.bank == bank) else {
        return detect(&text, ctx, None);
    };
    match family.read(&text, ctx) {
        Outcome::Read(notification) => Parsed::Transaction(notification),
        Outcome::Broken(why) => unread(&text, &[why], None),
        Outcome::NotMine => detect(&text, ctx, Some(bank)),
    }
}

/// Tries every family but `skip` (the context's bank, already tried).
fn detect(text: &Text<'_>, ctx: &Context, skip: Option<Bank>) -> Parsed {
    let mut read: Vec<(Notification, bool)> = Vec::new();
    let mut broken = Vec::new();
    for family in families::all().iter().filter(|f| Some(f.bank) != skip) {
        match family.read(text, ctx) {
            Outcome::NotMine => {}
            Outcome::Broken(why) => broken.push(why),
            Outcome::Read(notification) => read.push((notification, family.named_in(text))),
        }
    }
    if read.is_empty() {
        return unread(text, &broken, skip);
    }
    match choose(read) {
        Ok(notification) => Parsed::Transaction(notification),
        Err(why) => Parsed::Unparsed(why),
    }
}

/// Picks the reading among several families' (each with whether the text
/// names that family's bank): the only one, or, when all agree on amount,
/// balance and time, the one whose bank the text names (if exactly one).
fn choose(mut read: Vec<(Notification, bool)>) -> Result<Notification, String> {
    if read.len() == 1 {
        if let Some((notification, _)) = read.pop() {
            return Ok(notification);
        }
    }
    let first = read
        .first()
        .map(|(n, _)| (n.amount, n.balance, n.booked_at));
    let agree = read
        .iter()
        .all(|(n, _)| Some((n.amount, n.balance, n.booked_at)) == first);
    let banks: Vec<&str> = read.iter().map(|(n, _)| n.bank.name()).collect();
    let banks = banks.join(" and ");
    let mut named = read.into_iter().filter(|(_, named)| *named);
    match (agree, named.next(), named.next()) {
        (true, Some((chosen, _)), None) => Ok(chosen),
        (true, _, _) => Err(format!(
            "ambiguous: the text fits the layouts of {banks} and names none of them alone"
        )),
        (false, _, _) => Err(format!(
            "ambiguous: the text fits the layouts of {banks}, which read it differently"
        )),
    }
}

/// The answer for a text no family read; `broken` are the reasons of the
/// families that recognized it, `tried` the context's bank if it was tried
/// first and did not recognize it.
fn unread(text: &Text<'_>, broken: &[String], tried: Option<Bank>) -> Parsed {
    let folded = text.folded();
    if folded.trim().is_empty() {
        return Parsed::Ignored("empty text".to_owned());
    }
    if let Some(why) = screen::not_a_transaction(folded) {
        return Parsed::Ignored(why.to_owned());
    }
    if !broken.is_empty() {
        return Parsed::Unparsed(broken.join("; "));
    }
    if !screen::has_money(folded) {
        return Parsed::Ignored("no amount of money in the text".to_owned());
    }
    Parsed::Unparsed(match tried {
        Some(bank) => format!(
            "the text fits none of the known {} layouts (nor another bank's)",
            bank.name()
        ),
        None => "the text fits none of the known notification layouts".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::choose;
    use crate::{Bank, Notification, TimePrecision};

    fn reading(bank: Bank, amount: i64) -> Notification {
        Notification {
            bank,
            amount,
            balance: Some(1_000),
            booked_at: chrono::DateTime::UNIX_EPOCH,
            time_precision: TimePrecision::Minutes,
            account_hint: None,
            description: String::new(),
            reference: String::new(),
            counterparty: None,
        }
    }

    #[test]
    fn one_reading_is_taken() {
        let only = reading(Bank::Ocb, 5);
        assert_eq!(choose(vec![(only.clone(), false)]), Ok(only));
    }

    #[test]
    fn agreeing_readings_need_exactly_one_named_bank() {
        let ocb = reading(Bank::Ocb, 5);
        let msb = reading(Bank::Msb, 5);
        assert_eq!(
            choose(vec![(ocb.clone(), true), (msb.clone(), false)]),
            Ok(ocb.clone())
        );
        let none = choose(vec![(ocb.clone(), false), (msb.clone(), false)]);
        assert!(none.is_err_and(|why| why.contains("names none")));
        let both = choose(vec![(ocb, true), (msb, true)]);
        assert!(both.is_err_and(|why| why.contains("OCB and MSB")));
    }

    #[test]
    fn disagreeing_readings_are_ambiguous() {
        let got = choose(vec![
            (reading(Bank::Ocb, 5), true),
            (reading(Bank::Msb, -5), false),
        ]);
        assert!(got.is_err_and(|why| why.contains("read it differently")));
    }
}
