//! A webhook's settings as submitted (through the API or the dashboard's form), validated
//! into a [`WebhookSpec`] the same way for both, and the rotation of a signing secret.

use std::fmt;

use crate::domain::webhook::MAX_TOKEN_LEN;
use crate::domain::{BankAccount, Subscriptions, WebhookFormat, WebhookSpec, WebhookUrl};

/// An account as a submission names it: its id, or its account number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountRef {
    /// The account id.
    Id(i64),
    /// The account number.
    Number(String),
}

/// Webhook settings as submitted, before validation.
#[derive(Debug, Clone, Default)]
pub struct WebhookInput {
    /// The receiver's URL.
    pub url: String,
    /// The legacy format's `secure-token` ("" or absent for none).
    pub secure_token: Option<String>,
    /// Only money in.
    pub income_only: bool,
    /// `legacy`, `casso_v2` or `standard`; absent or "" for the default.
    pub format: Option<String>,
    /// Restrict to these accounts; None for all.
    pub accounts: Option<Vec<AccountRef>>,
    /// The signing secret of the signed formats; kept or generated when absent.
    pub secret: Option<String>,
    /// `transaction` and/or `payment_request`; None for the default (transactions).
    pub events: Option<Vec<String>>,
}

/// Why submitted settings were refused. Its text is the API's error message; [`Self::code`]
/// names the kind (the dashboard's texts are keyed by it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// The URL is not an absolute http(s) URL.
    Url(String),
    /// The secure token is too long.
    TokenTooLong,
    /// Unknown format.
    Format(String),
    /// An account that is not the business's.
    UnknownAccount(String),
    /// An empty account selection.
    NoAccounts,
    /// Unknown or no events.
    Events(String),
    /// Payment events asked in another format than `standard`.
    PaymentsNeedStandard,
    /// A secret given for the unsigned (legacy) format.
    SecretUnsigned,
    /// A secret in the wrong form.
    Secret(String),
}

impl SettingsError {
    /// A short name of the kind: `url`, `token`, `format`, `account`, `no_accounts`,
    /// `events`, `payments_standard`, `secret_unsigned` or `secret`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Url(_) => "url",
            Self::TokenTooLong => "token",
            Self::Format(_) => "format",
            Self::UnknownAccount(_) => "account",
            Self::NoAccounts => "no_accounts",
            Self::Events(_) => "events",
            Self::PaymentsNeedStandard => "payments_standard",
            Self::SecretUnsigned => "secret_unsigned",
            Self::Secret(_) => "secret",
        }
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(m) | Self::Format(m) | Self::Events(m) | Self::Secret(m) => f.write_str(m),
            Self::TokenTooLong => {
                write!(f, "secure_token must be at most {MAX_TOKEN_LEN} characters")
            }
            Self::UnknownAccount(which) => write!(
                f,
                "bank_accounts: {which} is not an account of this business"
            ),
            Self::NoAccounts => f.write_str(
                "bank_accounts must name at least one account (omit it for all accounts)",
            ),
            Self::PaymentsNeedStandard => f.write_str(
                "events: payment_request events are sent in the Standard Webhooks format; \
                 set format to standard",
            ),
            Self::SecretUnsigned => {
                f.write_str("secret: only the casso_v2 and standard formats are signed")
            }
        }
    }
}

impl std::error::Error for SettingsError {}

/// Validates submitted settings against the business's `accounts`. `previous` (on update)
/// keeps a signed webhook's secret when the format stays. Returns the settings and whether a
/// secret was generated.
pub fn validate(
    input: WebhookInput,
    accounts: &[BankAccount],
    previous: Option<&WebhookSpec>,
) -> Result<(WebhookSpec, bool), SettingsError> {
    let url = WebhookUrl::parse(&input.url).map_err(SettingsError::Url)?;
    let secure_token = input.secure_token.unwrap_or_default();
    if secure_token.chars().count() > MAX_TOKEN_LEN {
        return Err(SettingsError::TokenTooLong);
    }
    let format = match input.format.as_deref() {
        None | Some("") => WebhookFormat::default(),
        Some(f) => WebhookFormat::parse(f).map_err(SettingsError::Format)?,
    };
    let account_ids = input
        .accounts
        .map(|refs| account_ids(&refs, accounts))
        .transpose()?;
    let events = match &input.events {
        None => Subscriptions::default(),
        Some(names) => Subscriptions::parse(names).map_err(SettingsError::Events)?,
    };
    if events.payments && format != WebhookFormat::Standard {
        return Err(SettingsError::PaymentsNeedStandard);
    }
    let (secret, generated) = match input.secret {
        Some(_) if !format.is_signed() => return Err(SettingsError::SecretUnsigned),
        Some(secret) => {
            validate_secret(format, &secret)?;
            (secret, false)
        }
        None => match previous {
            Some(p) if p.format == format && format.is_signed() => (p.secret.clone(), false),
            _ if format.is_signed() => (format.generate_secret(), true),
            _ => (String::new(), false),
        },
    };
    Ok((
        WebhookSpec {
            url,
            secure_token,
            income_only: input.income_only,
            format,
            secret,
            account_ids,
            events,
        },
        generated,
    ))
}

/// The ids of the named accounts, sorted, each once; at least one.
fn account_ids(refs: &[AccountRef], accounts: &[BankAccount]) -> Result<Vec<i64>, SettingsError> {
    let mut ids = refs
        .iter()
        .map(|r| {
            accounts
                .iter()
                .find(|a| match r {
                    AccountRef::Id(id) => a.id == *id,
                    AccountRef::Number(n) => a.account_number == n.trim(),
                })
                .map(|a| a.id)
                .ok_or_else(|| {
                    SettingsError::UnknownAccount(match r {
                        AccountRef::Id(id) => id.to_string(),
                        AccountRef::Number(n) => format!("{n:?}"),
                    })
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(SettingsError::NoAccounts);
    }
    Ok(ids)
}

fn validate_secret(format: WebhookFormat, secret: &str) -> Result<(), SettingsError> {
    match format {
        WebhookFormat::Standard => super::signing::StandardSecret::parse(secret)
            .map(|_| ())
            .map_err(|e| SettingsError::Secret(format!("secret: {e}"))),
        _ if (16..=MAX_TOKEN_LEN).contains(&secret.chars().count()) => Ok(()),
        _ => Err(SettingsError::Secret(format!(
            "secret must be 16 to {MAX_TOKEN_LEN} characters"
        ))),
    }
}

/// The settings with a new signing secret, or None for the unsigned (legacy) format.
pub fn rotated(spec: &WebhookSpec) -> Option<WebhookSpec> {
    spec.format.is_signed().then(|| WebhookSpec {
        secret: spec.format.generate_secret(),
        ..spec.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str) -> WebhookInput {
        WebhookInput {
            url: url.into(),
            ..WebhookInput::default()
        }
    }

    #[test]
    fn errors_name_their_kind() {
        let err = validate(input("shop.vn/hook"), &[], None).unwrap_err();
        assert_eq!(err.code(), "url");
        let err = validate(
            WebhookInput {
                accounts: Some(vec![AccountRef::Id(7)]),
                ..input("https://shop.vn/h")
            },
            &[],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "bank_accounts: 7 is not an account of this business"
        );
        let err = validate(
            WebhookInput {
                accounts: Some(Vec::new()),
                ..input("https://shop.vn/h")
            },
            &[],
            None,
        )
        .unwrap_err();
        assert_eq!(err, SettingsError::NoAccounts);
    }

    #[test]
    fn signed_formats_get_a_secret_that_rotation_replaces() {
        let (spec, generated) = validate(
            WebhookInput {
                format: Some("standard".into()),
                ..input("https://shop.vn/h")
            },
            &[],
            None,
        )
        .unwrap();
        assert!(generated && spec.secret.starts_with("whsec_"));
        let new = rotated(&spec).unwrap();
        assert!(new.secret.starts_with("whsec_") && new.secret != spec.secret);
        assert_eq!(new.url, spec.url);
        let (legacy, _) = validate(input("https://shop.vn/h"), &[], None).unwrap();
        assert!(rotated(&legacy).is_none());
    }
}
