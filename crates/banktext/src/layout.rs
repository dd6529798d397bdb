//! The machinery shared by every bank family: layouts written as regexes
//! over the folded text, and turning a layout's match into a
//! [`Notification`].
//!
//! # Writing a family
//!
//! A [`Family`] lists complete *layouts*, a *signature* and an amount
//! *marker*, all regexes over the folded text (lower case, no diacritics;
//! see [`Text`]). Layouts are anchored (`^...$`): every character of the text
//! must be accounted for, so a text only reads when it is entirely in a
//! known shape. They may use these placeholders:
//!
//! | placeholder | stands for | group |
//! |---|---|---|
//! | `{ACCT}` | account, digits with `x`/`*` masks | `acct` |
//! | `{SIGN}` | `+` or `-` | `sign` |
//! | `{AMT}` | the unsigned transaction amount | `amt` |
//! | `{BAL}` | the balance after, optionally signed | `bal` |
//! | `{OPEN}` | the balance before, optionally signed | `open` |
//! | `{DATE}` / `{TIME}` | day-first date, time of day | `date` / `time` |
//! | `{MEMO}` | the memo, lazily, across lines | `memo` |
//! | `{TK}` | an account label (`tk`, `tai khoan`, `so tk`) | |
//! | `{CUR}` | an optional currency (`vnd`, `d`, `dong`) | |
//! | `{SEP}` | optional whitespace and one of `\|` `,` `;` newline | |
//! | `{BAR}` | a `\|` or newline between whitespace | |
//! | `{DATE_}` / `{TIME_}` / `{AMT_}` | as above, without a group | |
//!
//! Other groups a layout may have: `dir` (`tang`/`giam` instead of a sign),
//! `ref` (the reference), `vcbref` (a Vietcombank `Ref` field, see
//! [`split_vcb_ref`]) and `cp` (the counterparty).
//!
//! The signature says the text is meant to be in one of the family's
//! layouts even when none matched (it is then reported as unparsed with a
//! reason, not ignored); the marker finds the transaction amounts in such a
//! text to tell a missing amount from conflicting ones.

use std::sync::LazyLock;

use regex::{Captures, Match, Regex};

use crate::fold::Text;
use crate::reference::split_vcb_ref;
use crate::{amount, when, Bank, Context, Notification};

/// One bank family's layouts, as regex sources with placeholders.
pub(crate) struct Family {
    /// The bank.
    pub(crate) bank: Bank,
    /// Words (folded) that name the bank in a text.
    pub(crate) names: &'static str,
    /// Complete layouts, tried in order.
    pub(crate) layouts: &'static [&'static str],
    /// Says a text is meant to be one of this family's.
    pub(crate) signature: &'static str,
    /// Finds transaction amounts (`amt`, with `sign` or `dir`).
    pub(crate) marker: &'static str,
}

/// A [`Family`] with its regexes compiled.
pub(crate) struct Compiled {
    /// The bank.
    pub(crate) bank: Bank,
    names: Regex,
    layouts: Vec<Regex>,
    signature: Regex,
    marker: Regex,
}

/// What a family makes of a text.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The text is not in this family's layouts.
    NotMine,
    /// The text is meant to be in this family's layouts but cannot be read
    /// with confidence; the reason.
    Broken(String),
    /// The text was read.
    Read(Notification),
}

/// Replaces the placeholders of a layout source.
fn expand(source: &str) -> String {
    let amt = amount::PATTERN;
    let date = when::DATE_PATTERN;
    let time = when::TIME_PATTERN;
    source
        .replace("{ACCT}", "(?P<acct>[0-9x*]*[0-9][0-9x*]*)")
        .replace("{SIGN}", "(?P<sign>[+-])")
        .replace("{AMT}", &format!("(?P<amt>{amt})"))
        .replace("{BAL}", &format!("(?P<bal>[+-]? ?{amt})"))
        .replace("{OPEN}", &format!("(?P<open>[+-]? ?{amt})"))
        .replace("{DATE}", &format!("(?P<date>{date})"))
        .replace("{TIME}", &format!("(?P<time>{time})"))
        .replace("{MEMO}", "(?P<memo>(?s:.*?))")
        .replace("{TK}", "(?:tk|tai khoan|so tk|so tai khoan)")
        .replace("{CUR}", r"(?:\s*(?:vnd|dong|d)\b)?")
        .replace("{SEP}", r"\s*[|,;\n]?\s*")
        .replace("{BAR}", r"\s*[|\n]\s*")
        .replace("{DATE_}", date)
        .replace("{TIME_}", time)
        .replace("{AMT_}", amt)
}

/// Compiles a pattern written by this crate.
fn compile(source: &str) -> Regex {
    Regex::new(&expand(source)).expect("layout patterns are valid")
}

/// A memo or counterparty that swallowed a balance the layout could not
/// read: such a text is not read with confidence.
static SWALLOWED_BALANCE: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"\b(?:so du|sodu|sdc|sd cuoi|sd kha dung)\b[^0-9\n]{0,24}[0-9]",
        r"|\bsd\s*:\s*[+-]?[0-9]",
    ))
});

impl Family {
    /// Compiles the family's regexes.
    pub(crate) fn compile(&self) -> Compiled {
        Compiled {
            bank: self.bank,
            names: compile(&format!(r"\b(?:{})\b", self.names)),
            layouts: self.layouts.iter().map(|l| compile(l)).collect(),
            signature: compile(self.signature),
            marker: compile(self.marker),
        }
    }
}

impl Compiled {
    /// Whether the text names this family's bank.
    pub(crate) fn named_in(&self, text: &Text<'_>) -> bool {
        self.names.is_match(text.folded())
    }

    /// Reads `text` with this family's layouts.
    pub(crate) fn read(&self, text: &Text<'_>, ctx: &Context) -> Outcome {
        let folded = text.folded();
        let mut failure = None;
        for layout in &self.layouts {
            if let Some(caps) = layout.captures(folded) {
                match build(self.bank, text, &caps, ctx) {
                    Ok(notification) => return Outcome::Read(notification),
                    Err(why) => failure = failure.or(Some(why)),
                }
            }
        }
        let name = self.bank.name();
        if let Some(why) = failure {
            return Outcome::Broken(format!("reads as a {name} text, but {why}"));
        }
        if !self.signature.is_match(folded) {
            return Outcome::NotMine;
        }
        let mut amounts: Vec<i64> = self
            .marker
            .captures_iter(folded)
            .filter_map(|caps| signed_amount(&caps).ok())
            .collect();
        amounts.sort_unstable();
        amounts.dedup();
        Outcome::Broken(match amounts.as_slice() {
            [] => {
                format!("looks like a {name} notification but has no readable transaction amount")
            }
            [_] => {
                format!("looks like a {name} notification but matches none of its known layouts")
            }
            many => format!(
                "looks like a {name} notification but has conflicting amounts {}",
                many.iter()
                    .map(|a| format!("{a:+}"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        })
    }
}

/// The value of an amount group; the amount must not touch other digits.
fn group_value(folded: &str, m: Match<'_>) -> Result<i64, String> {
    let before = folded.as_bytes().get(m.start().wrapping_sub(1));
    let after = folded.as_bytes().get(m.end());
    let touches = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_digit());
    if touches(before) || touches(after) {
        return Err(format!(
            "the amount {:?} runs into other digits",
            m.as_str()
        ));
    }
    amount::value(m.as_str()).ok_or_else(|| format!("the amount {:?} is out of range", m.as_str()))
}

/// The signed transaction amount of a layout or marker match.
fn signed_amount(caps: &Captures<'_>) -> Result<i64, String> {
    let m = caps.name("amt").ok_or("there is no transaction amount")?;
    let magnitude = amount::value(m.as_str())
        .ok_or_else(|| format!("the amount {:?} is out of range", m.as_str()))?;
    let negative = match (caps.name("sign"), caps.name("dir")) {
        (Some(sign), _) => sign.as_str() == "-",
        (None, Some(dir)) => dir.as_str() == "giam",
        (None, None) => return Err("the amount has no direction".to_owned()),
    };
    Ok(if negative { -magnitude } else { magnitude })
}

/// The original text of a group, trimmed.
fn original<'a>(text: &Text<'a>, m: Option<Match<'_>>) -> Option<&'a str> {
    m.map(|m| text.original_of(m.range()).trim())
}

/// Turns a layout match into a notification, checking what can be checked.
fn build(
    bank: Bank,
    text: &Text<'_>,
    caps: &Captures<'_>,
    ctx: &Context,
) -> Result<Notification, String> {
    let folded = text.folded();
    if let Some(m) = caps.name("amt") {
        group_value(folded, m)?;
    }
    let amount = signed_amount(caps)?;
    if amount == 0 {
        return Err("the amount is zero".to_owned());
    }
    let balance = caps
        .name("bal")
        .map(|m| group_value(folded, m))
        .transpose()?;
    if let Some(open) = caps.name("open") {
        let open = group_value(folded, open)?;
        if let Some(balance) = balance {
            if open.checked_add(amount) != Some(balance) {
                return Err(format!(
                    "the amounts conflict: opening balance {open} and amount {amount:+} \
                     do not give the closing balance {balance}"
                ));
            }
        }
    }
    if let Some(memo) = caps.name("memo").filter(|m| !m.as_str().trim().is_empty()) {
        for name in ["amt", "bal"] {
            if let Some(m) = caps.name(name) {
                let between = folded.get(m.end()..memo.start()).unwrap_or("x");
                if m.as_str().contains(' ') && between.trim().is_empty() {
                    return Err(format!(
                        "the space-grouped amount {:?} runs into the memo, so where it ends is unclear",
                        m.as_str()
                    ));
                }
            }
        }
    }
    // A memo before the balance field can swallow a balance the layout
    // could not read; when no balance was read, such a memo is suspect.
    for free in ["memo", "cp"].into_iter().filter(|_| balance.is_none()) {
        if let Some(m) = caps.name(free) {
            if SWALLOWED_BALANCE.is_match(m.as_str()) {
                return Err("the memo holds a balance that could not be read".to_owned());
            }
        }
    }
    let (booked_at, time_precision) = when::resolve(
        caps.name("date").map(|m| m.as_str()),
        caps.name("time").map(|m| m.as_str()),
        ctx.received_at,
    )?;
    let (reference, description) = match original(text, caps.name("vcbref")) {
        Some(field) => split_vcb_ref(field),
        None => (
            original(text, caps.name("ref")).unwrap_or(""),
            original(text, caps.name("memo")).unwrap_or(""),
        ),
    };
    Ok(Notification {
        bank,
        amount,
        balance,
        booked_at,
        time_precision,
        account_hint: original(text, caps.name("acct")).map(str::to_owned),
        description: description.to_owned(),
        reference: reference.to_owned(),
        counterparty: original(text, caps.name("cp"))
            .filter(|cp| !cp.is_empty())
            .map(str::to_owned),
    })
}
