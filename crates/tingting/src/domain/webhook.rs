//! Webhooks: where a business wants its new transactions pushed, and in which format.

use std::fmt;

use rand::distr::Alphanumeric;
use rand::Rng;

use super::BusinessId;

/// Longest webhook URL accepted.
pub const MAX_URL_LEN: usize = 2048;
/// Longest `secure_token` accepted.
pub const MAX_TOKEN_LEN: usize = 512;

/// The body and signature format a webhook receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhookFormat {
    /// Casso's original format: `secure-token` header, `data` an array (the default, as Casso's
    /// API creates).
    #[default]
    Legacy,
    /// Casso's Webhook V2: one transaction per POST, `X-Casso-Signature` (HMAC-SHA512).
    CassoV2,
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` (HMAC-SHA256).
    Standard,
}

impl WebhookFormat {
    /// Parses the API name: `legacy`, `casso_v2` or `standard`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "legacy" => Ok(Self::Legacy),
            "casso_v2" | "v2" => Ok(Self::CassoV2),
            "standard" => Ok(Self::Standard),
            other => Err(format!(
                "format must be legacy, casso_v2 or standard, got {other:?}"
            )),
        }
    }

    /// The API and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Legacy => "legacy",
            Self::CassoV2 => "casso_v2",
            Self::Standard => "standard",
        }
    }

    /// Whether bodies are signed with a secret.
    pub fn is_signed(self) -> bool {
        self != Self::Legacy
    }

    /// A new random signing secret in the form this format uses.
    pub fn generate_secret(self) -> String {
        use base64::Engine;
        match self {
            Self::Legacy => String::new(),
            Self::CassoV2 => rand::rng()
                .sample_iter(&Alphanumeric)
                .take(64)
                .map(char::from)
                .collect(),
            Self::Standard => {
                let key: [u8; 32] = rand::rng().random();
                format!(
                    "whsec_{}",
                    base64::engine::general_purpose::STANDARD.encode(key)
                )
            }
        }
    }
}

impl fmt::Display for WebhookFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An absolute `http` or `https` URL with a host, at most [`MAX_URL_LEN`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    /// Parses a webhook URL.
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        if input.is_empty() {
            return Err("webhook must be a URL".into());
        }
        if input.len() > MAX_URL_LEN {
            return Err(format!("webhook must be at most {MAX_URL_LEN} characters"));
        }
        let url = url::Url::parse(input)
            .map_err(|e| format!("webhook must be an absolute http(s) URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "webhook must be an http or https URL, not {}",
                url.scheme()
            ));
        }
        if url.host().is_none() {
            return Err("webhook URL has no host".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("webhook URL must not contain credentials".into());
        }
        Ok(Self(url))
    }

    /// The URL.
    pub fn url(&self) -> &url::Url {
        &self.0
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// A webhook's settings, as created or replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSpec {
    /// Where to POST.
    pub url: WebhookUrl,
    /// Sent as `secure-token` in the legacy format.
    pub secure_token: String,
    /// Only money in (amount > 0).
    pub income_only: bool,
    /// Body and signature format.
    pub format: WebhookFormat,
    /// Signing secret of the signed formats ("" for legacy).
    pub secret: String,
    /// Restrict to these accounts of the business; None means all accounts.
    pub account_ids: Option<Vec<i64>>,
    /// What it is sent.
    pub events: Subscriptions,
}

/// What a webhook is sent: new transactions (Casso's webhooks), payment request events, or
/// both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscriptions {
    /// Each new transaction (`transaction`).
    pub transactions: bool,
    /// Each `payment_request.*` event (`payment_request`).
    pub payments: bool,
}

impl Default for Subscriptions {
    /// Transactions only, as Casso's webhooks.
    fn default() -> Self {
        Self {
            transactions: true,
            payments: false,
        }
    }
}

impl Subscriptions {
    /// Parses the API list: `transaction` and/or `payment_request`, at least one.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        let mut s = Self {
            transactions: false,
            payments: false,
        };
        for name in names {
            match name.as_ref().trim() {
                "transaction" => s.transactions = true,
                "payment_request" => s.payments = true,
                other => {
                    return Err(format!(
                        "events: {other:?} is not transaction or payment_request"
                    ))
                }
            }
        }
        if !s.transactions && !s.payments {
            return Err("events: name at least one of transaction, payment_request".into());
        }
        Ok(s)
    }

    /// The API list.
    pub fn names(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.transactions {
            names.push("transaction");
        }
        if self.payments {
            names.push("payment_request");
        }
        names
    }
}

/// A stored webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Webhook id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// Its settings.
    pub spec: WebhookSpec,
    /// False once disabled (410 Gone, or failing for too long).
    pub enabled: bool,
    /// Why it was disabled ("" while enabled).
    pub disabled_reason: String,
    /// Since when every delivery has failed, if it is failing.
    pub failing_since: Option<i64>,
    /// Creation instant (ms).
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriptions_parse_and_name() {
        assert_eq!(
            Subscriptions::parse(&["transaction"]),
            Ok(Subscriptions::default())
        );
        let both = Subscriptions::parse(&["payment_request", "transaction"]).unwrap();
        assert_eq!(both.names(), ["transaction", "payment_request"]);
        assert!(Subscriptions::parse::<&str>(&[]).is_err());
        assert!(Subscriptions::parse(&["payment"])
            .unwrap_err()
            .contains("\"payment\""));
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(WebhookUrl::parse("https://shop.vn/hook?x=1").is_ok());
        assert!(WebhookUrl::parse("http://127.0.0.1:8080/h").is_ok());
        for bad in [
            "",
            "shop.vn/hook",
            "ftp://shop.vn/x",
            "https://user:pw@shop.vn/",
            "http://",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(WebhookUrl::parse(&format!("https://a.vn/{}", "x".repeat(MAX_URL_LEN))).is_err());
    }

    #[test]
    fn formats_and_secrets() {
        assert_eq!(
            WebhookFormat::parse("CASSO_V2").unwrap(),
            WebhookFormat::CassoV2
        );
        assert!(WebhookFormat::parse("xml").is_err());
        assert_eq!(WebhookFormat::Legacy.generate_secret(), "");
        assert_eq!(WebhookFormat::CassoV2.generate_secret().len(), 64);
        let standard = WebhookFormat::Standard.generate_secret();
        assert!(crate::delivery::signing::StandardSecret::parse(&standard).is_ok());
    }
}
