//! Bank feeds: where an account's transactions come from, and the texts a feed could not read.

use rand::{distr::Alphanumeric, Rng};
use serde::{Deserialize, Serialize};

use super::api_key;
use super::BusinessId;

/// Every notification ingest token starts with this (easy to spot when leaked).
pub const TOKEN_PREFIX: &str = "ttn_";
/// Random alphanumeric characters after the prefix.
const TOKEN_RANDOM_LEN: usize = 40;
/// Leading characters kept in clear to tell feeds apart.
const DISPLAY_PREFIX_LEN: usize = 12;

/// What kind of feed it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Forwarded bank notifications (SMS, app notifications, alert e-mails) posted to the
    /// feed's ingest URL (push).
    Notify,
    /// The demo bank: synthetic transfers at a configured rate (pull).
    Demo,
    /// An external program run on each poll, printing transactions as JSON lines (pull).
    Command,
    /// Bank alert e-mails fetched from an IMAP mailbox (pull).
    Mailbox,
}

impl FeedKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Notify => "notify",
            FeedKind::Demo => "demo",
            FeedKind::Command => "command",
            FeedKind::Mailbox => "mailbox",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "notify" => Some(FeedKind::Notify),
            "demo" => Some(FeedKind::Demo),
            "command" => Some(FeedKind::Command),
            "mailbox" => Some(FeedKind::Mailbox),
            _ => None,
        }
    }
}

/// Shortest poll interval of a pull feed.
pub const MIN_INTERVAL_MS: i64 = 1_000;
/// Longest poll interval of a pull feed.
pub const MAX_INTERVAL_MS: i64 = 24 * 3_600_000;
/// Fastest demo bank (transfers per minute).
pub const MAX_DEMO_RATE: f64 = 60_000.0;
/// Longest a command may run.
pub const MAX_COMMAND_TIMEOUT_MS: u64 = 3_600_000;

/// The demo bank's settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoSettings {
    /// Average transfers per minute (a Poisson process).
    pub per_minute: f64,
}

impl DemoSettings {
    /// Settings with a rate in `(0, MAX_DEMO_RATE]` transfers per minute.
    pub fn new(per_minute: f64) -> Result<Self, String> {
        if per_minute.is_finite() && per_minute > 0.0 && per_minute <= MAX_DEMO_RATE {
            Ok(Self { per_minute })
        } else {
            Err(format!(
                "the demo rate must be above 0 and at most {MAX_DEMO_RATE} transfers per minute"
            ))
        }
    }
}

/// A command feed's settings: what to run and for how long at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandSettings {
    /// The program (a path, or a name looked up in `PATH`).
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// It is killed after this long (ms).
    pub timeout_ms: u64,
}

impl CommandSettings {
    /// Settings with a non-empty program and a timeout of 1 s to 1 h.
    pub fn new(program: &str, args: Vec<String>, timeout_ms: u64) -> Result<Self, String> {
        if program.trim().is_empty() {
            return Err("the command feed needs a program to run".into());
        }
        if !(1_000..=MAX_COMMAND_TIMEOUT_MS).contains(&timeout_ms) {
            return Err("the command timeout must be between 1 s and 1 h".into());
        }
        Ok(Self {
            program: program.to_string(),
            args,
            timeout_ms,
        })
    }
}

/// How a mailbox feed reaches its IMAP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// Implicit TLS (IMAPS, port 993), the server's certificate checked.
    Tls,
    /// No encryption: only for a server on the same machine (local testing).
    Plain,
}

/// A mailbox feed's settings: which IMAP folder to read bank alert e-mails from. The password
/// is kept (it is needed to log in) and never shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxSettings {
    /// IMAP server host name or address.
    pub host: String,
    /// Its port (993 for TLS, 143 for plain, unless given).
    pub port: u16,
    /// TLS or plain.
    pub security: MailSecurity,
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
    /// The folder to read, e.g. `INBOX` or `Bank alerts`.
    pub folder: String,
    /// Only mail whose sender contains this (e.g. `vietcombank.com.vn`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Extra trusted certificate (PEM) for a server with a private or self-signed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
}

impl std::fmt::Debug for MailboxSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("folder", &self.folder)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl MailboxSettings {
    /// Checks the settings: a host, a login, a folder ("" means `INBOX`), a sender filter
    /// without quotes or line breaks; port 0 means the security's usual port.
    pub fn check(mut self) -> Result<Self, String> {
        self.host = self.host.trim().to_string();
        self.username = self.username.trim().to_string();
        self.folder = match self.folder.trim() {
            "" => "INBOX".to_string(),
            folder => folder.to_string(),
        };
        self.from = self
            .from
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty());
        if self.host.is_empty() {
            return Err("the mailbox feed needs the IMAP server's host".into());
        }
        if self.username.is_empty() {
            return Err("the mailbox feed needs a login name".into());
        }
        if self
            .from
            .as_deref()
            .is_some_and(|f| f.contains(['"', '\\', '\r', '\n']) || !f.is_ascii())
        {
            return Err("the sender filter must be plain ASCII without quotes".into());
        }
        if self.port == 0 {
            self.port = match self.security {
                MailSecurity::Tls => 993,
                MailSecurity::Plain => 143,
            };
        }
        Ok(self)
    }
}

/// A feed's kind with its settings.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedSettings {
    /// Forwarded notifications: nothing to configure besides the token and secret.
    Notify,
    /// The demo bank.
    Demo(DemoSettings),
    /// An external program.
    Command(CommandSettings),
    /// An IMAP mailbox.
    Mailbox(MailboxSettings),
}

impl FeedSettings {
    /// The kind.
    pub fn kind(&self) -> FeedKind {
        match self {
            FeedSettings::Notify => FeedKind::Notify,
            FeedSettings::Demo(_) => FeedKind::Demo,
            FeedSettings::Command(_) => FeedKind::Command,
            FeedSettings::Mailbox(_) => FeedKind::Mailbox,
        }
    }

    /// Whether the scheduler polls it.
    pub fn is_pull(&self) -> bool {
        !matches!(self, FeedSettings::Notify)
    }

    /// The stored JSON ("" for notification feeds).
    pub fn to_json(&self) -> String {
        match self {
            FeedSettings::Notify => String::new(),
            FeedSettings::Demo(s) => serde_json::to_string(s).unwrap_or_default(),
            FeedSettings::Command(s) => serde_json::to_string(s).unwrap_or_default(),
            FeedSettings::Mailbox(s) => serde_json::to_string(s).unwrap_or_default(),
        }
    }

    /// The settings as shown to the owner: the stored JSON without secrets (a mailbox's
    /// password), null for notification feeds.
    pub fn shown(&self) -> Option<serde_json::Value> {
        let mut shown: serde_json::Value = serde_json::from_str(&self.to_json()).ok()?;
        if let Some(password) = shown.get_mut("password") {
            *password = serde_json::Value::String("********".into());
        }
        Some(shown)
    }

    /// Reads stored settings.
    pub fn from_stored(kind: FeedKind, json: &str) -> Result<Self, String> {
        let bad = |e: serde_json::Error| format!("unreadable {} settings: {e}", kind.as_str());
        Ok(match kind {
            FeedKind::Notify => FeedSettings::Notify,
            FeedKind::Demo => FeedSettings::Demo(serde_json::from_str(json).map_err(bad)?),
            FeedKind::Command => FeedSettings::Command(serde_json::from_str(json).map_err(bad)?),
            FeedKind::Mailbox => FeedSettings::Mailbox(serde_json::from_str(json).map_err(bad)?),
        })
    }
}

/// Checks a pull feed's poll interval.
pub fn check_interval(ms: i64) -> Result<i64, String> {
    if (MIN_INTERVAL_MS..=MAX_INTERVAL_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err("the poll interval must be between 1 s and 24 h".into())
    }
}

/// The secret in a notification feed's ingest URL: shown once, stored as a SHA-256 digest.
#[derive(Debug, Clone)]
pub struct FeedToken(String);

impl FeedToken {
    /// A new random token.
    pub fn generate() -> Self {
        let random: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(TOKEN_RANDOM_LEN)
            .map(char::from)
            .collect();
        Self(format!("{TOKEN_PREFIX}{random}"))
    }

    /// The token in clear.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The part shown in listings.
    pub fn display_prefix(&self) -> String {
        self.0.chars().take(DISPLAY_PREFIX_LEN).collect()
    }

    /// The stored digest.
    pub fn digest(&self) -> String {
        api_key::digest(&self.0)
    }
}

/// A stored feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// Feed id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// The account it feeds.
    pub account_id: i64,
    /// Its kind and settings.
    pub settings: FeedSettings,
    /// First characters of its token, to recognise it ("" for pull feeds).
    pub token_prefix: String,
    /// HMAC-SHA256 key forwarders sign with (`X-Signature`), or empty.
    pub secret: String,
    /// Whether it accepts input (push) or is polled (pull).
    pub enabled: bool,
    /// How often a pull feed is polled (ms; 0 for push feeds).
    pub interval_ms: i64,
    /// When a pull feed is next due (ms).
    pub next_poll_at: Option<i64>,
    /// When the last finished poll started (ms).
    pub polled_at: Option<i64>,
    /// What a pull feed keeps between polls.
    pub cursor: String,
    /// What the last poll printed (a command's standard error).
    pub last_log: String,
    /// When it last brought something readable (ms).
    pub last_success_at: Option<i64>,
    /// Its last problem ("" when none).
    pub last_error: String,
    /// When that happened (ms).
    pub last_error_at: Option<i64>,
    /// Problems since the last success.
    pub consecutive_failures: i64,
    /// Creation instant (ms).
    pub created_at: i64,
    /// The fencing token of its latest claim: every claim increments it, and a poll records
    /// its outcome only under the token it was claimed with.
    pub lease_token: i64,
}

impl Feed {
    /// The kind.
    pub fn kind(&self) -> FeedKind {
        self.settings.kind()
    }

    /// Whether it is enabled and failing: such a feed turns its account's `connectStatus` to 0.
    pub fn is_failing(&self) -> bool {
        self.enabled && self.consecutive_failures > 0
    }
}

/// A demo feed's rate unless one is given (transfers per minute).
pub const DEFAULT_DEMO_RATE: f64 = 2.0;
/// A demo feed's poll interval unless one is given (seconds).
pub const DEFAULT_DEMO_INTERVAL_S: i64 = 15;

/// Why a demo feed's settings were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoError {
    /// The rate is out of range.
    Rate(String),
    /// The poll interval is out of range.
    Interval(String),
}

/// Longest signing secret of a notification feed.
pub const MAX_SECRET_LEN: usize = 200;

/// A feed to create: build it with [`NewFeed::notify`] or [`NewFeed::pull`], which check it.
#[derive(Debug, Clone)]
pub struct NewFeed<'a> {
    /// Its kind and settings.
    pub settings: FeedSettings,
    /// A notification feed's token (only its digest is stored).
    pub token: Option<&'a FeedToken>,
    /// A notification feed's signing secret, or "".
    pub secret: &'a str,
    /// A pull feed's poll interval (ms); 0 for push feeds.
    pub interval_ms: i64,
}

impl<'a> NewFeed<'a> {
    /// A notification feed reached with `token`, its posts signed with `secret` ("" for
    /// none: at most [`MAX_SECRET_LEN`] characters, without surrounding spaces).
    pub fn notify(token: &'a FeedToken, secret: &'a str) -> Result<Self, String> {
        check_secret(secret)?;
        Ok(Self {
            settings: FeedSettings::Notify,
            token: Some(token),
            secret,
            interval_ms: 0,
        })
    }

    /// A demo bank feed: `per_minute` transfers a minute on average (default
    /// [`DEFAULT_DEMO_RATE`]), polled every `interval_seconds` (default
    /// [`DEFAULT_DEMO_INTERVAL_S`]).
    pub fn demo(per_minute: Option<f64>, interval_seconds: Option<i64>) -> Result<Self, DemoError> {
        let settings =
            DemoSettings::new(per_minute.unwrap_or(DEFAULT_DEMO_RATE)).map_err(DemoError::Rate)?;
        let interval_ms = interval_seconds
            .unwrap_or(DEFAULT_DEMO_INTERVAL_S)
            .saturating_mul(1000);
        Self::pull(FeedSettings::Demo(settings), interval_ms).map_err(DemoError::Interval)
    }

    /// A pull feed polled every `interval_ms` (see [`check_interval`]).
    pub fn pull(settings: FeedSettings, interval_ms: i64) -> Result<Self, String> {
        Ok(Self {
            settings,
            token: None,
            secret: "",
            interval_ms: check_interval(interval_ms)?,
        })
    }
}

/// Checks a notification feed's signing secret: "" (posts unsigned) or at most
/// [`MAX_SECRET_LEN`] characters without surrounding spaces.
fn check_secret(secret: &str) -> Result<(), String> {
    if secret.len() > MAX_SECRET_LEN || secret.trim() != secret {
        return Err(format!(
            "at most {MAX_SECRET_LEN} characters, without surrounding spaces"
        ));
    }
    Ok(())
}

/// What an owner may change of a feed; build it with [`FeedChange::of`], which checks it
/// against the feed. None fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedChange {
    /// A notification feed's new signing secret ("" for unsigned posts).
    pub secret: Option<String>,
    /// A demo feed's new settings.
    pub settings: Option<FeedSettings>,
    /// A demo feed's new poll interval (ms).
    pub interval_ms: Option<i64>,
    /// Turned on or off.
    pub enabled: Option<bool>,
}

/// A requested change, as the API and the dashboard receive it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedChangeRequest {
    /// A notification feed's signing secret ("" for none).
    pub secret: Option<String>,
    /// A demo feed's transfers per minute.
    pub per_minute: Option<f64>,
    /// A demo feed's seconds between polls.
    pub interval_seconds: Option<i64>,
    /// On or off.
    pub enabled: Option<bool>,
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedChangeError {
    /// A secret for a feed that is not a notification feed.
    SecretOfPull,
    /// A rate or interval for a feed that is not a demo feed (notification feeds have none;
    /// command and mailbox feeds are changed on the server).
    NotDemo,
    /// The secret is not acceptable.
    Secret(String),
    /// The demo rate or interval is out of range.
    Demo(DemoError),
}

impl std::fmt::Display for FeedChangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SecretOfPull => f.write_str("secret: only notification feeds have one"),
            Self::NotDemo => {
                f.write_str("perMinute and intervalSeconds are settings of demo feeds")
            }
            Self::Secret(e) => write!(f, "secret: {e}"),
            Self::Demo(DemoError::Rate(e)) => write!(f, "perMinute: {e}"),
            Self::Demo(DemoError::Interval(e)) => write!(f, "intervalSeconds: {e}"),
        }
    }
}

impl FeedChange {
    /// The change `request` makes to `feed`, checked as a new feed's settings are.
    pub fn of(feed: &Feed, request: FeedChangeRequest) -> Result<Self, FeedChangeError> {
        let mut change = FeedChange {
            enabled: request.enabled,
            ..FeedChange::default()
        };
        if let Some(secret) = request.secret {
            if feed.settings.is_pull() {
                return Err(FeedChangeError::SecretOfPull);
            }
            check_secret(&secret).map_err(FeedChangeError::Secret)?;
            change.secret = Some(secret);
        }
        if request.per_minute.is_some() || request.interval_seconds.is_some() {
            let FeedSettings::Demo(current) = &feed.settings else {
                return Err(FeedChangeError::NotDemo);
            };
            let rate = request.per_minute.unwrap_or(current.per_minute);
            let interval = request.interval_seconds.unwrap_or(feed.interval_ms / 1000);
            let new = NewFeed::demo(Some(rate), Some(interval)).map_err(FeedChangeError::Demo)?;
            change.settings = Some(new.settings);
            change.interval_ms = Some(new.interval_ms);
        }
        Ok(change)
    }

    /// Whether it changes how or whether a pull feed is polled (it is then due at once).
    pub fn repolls(&self) -> bool {
        self.settings.is_some() || self.interval_ms.is_some() || self.enabled == Some(true)
    }
}

/// A text a feed received but could not read with confidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnparsedText {
    /// Row id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// The account of the feed.
    pub account_id: i64,
    /// The feed it came through.
    pub feed_id: i64,
    /// Who sent it, as the forwarder said ("" when unknown).
    pub sender: String,
    /// The text as received.
    pub body: String,
    /// Why it was not read.
    pub reason: String,
    /// When it arrived (ms).
    pub received_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_digested() {
        let a = FeedToken::generate();
        let b = FeedToken::generate();
        assert!(a.expose().starts_with(TOKEN_PREFIX));
        assert_eq!(a.expose().len(), TOKEN_PREFIX.len() + TOKEN_RANDOM_LEN);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.digest().len(), 64);
        assert!(a.expose().starts_with(&a.display_prefix()));
        for kind in [
            FeedKind::Notify,
            FeedKind::Demo,
            FeedKind::Command,
            FeedKind::Mailbox,
        ] {
            assert_eq!(FeedKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(FeedKind::parse("nope"), None);
    }

    /// A stored feed of `settings`, polled every `interval_ms`.
    fn stored(settings: FeedSettings, interval_ms: i64) -> Feed {
        Feed {
            id: 1,
            business_id: 1,
            account_id: 1,
            settings,
            token_prefix: String::new(),
            secret: String::new(),
            enabled: true,
            interval_ms,
            next_poll_at: None,
            polled_at: None,
            cursor: String::new(),
            last_log: String::new(),
            last_success_at: None,
            last_error: String::new(),
            last_error_at: None,
            consecutive_failures: 0,
            created_at: 0,
            lease_token: 0,
        }
    }

    #[test]
    fn changes_keep_what_is_not_given_and_fit_the_kind() {
        let demo = stored(FeedSettings::Demo(DemoSettings::new(2.0).unwrap()), 15_000);
        let faster = FeedChange::of(
            &demo,
            FeedChangeRequest {
                per_minute: Some(6.0),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(faster.repolls(), "new settings are polled at once");
        assert_eq!(
            (faster.settings, faster.interval_ms),
            (
                Some(FeedSettings::Demo(DemoSettings::new(6.0).unwrap())),
                Some(15_000)
            )
        );
        let slower = FeedChange::of(
            &demo,
            FeedChangeRequest {
                interval_seconds: Some(60),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (slower.settings, slower.interval_ms),
            (
                Some(FeedSettings::Demo(DemoSettings::new(2.0).unwrap())),
                Some(60_000)
            )
        );
        let off = FeedChange::of(
            &demo,
            FeedChangeRequest {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(!off.repolls() && off.settings.is_none());

        let notify = stored(FeedSettings::Notify, 0);
        let secret = |s: &str| FeedChangeRequest {
            secret: Some(s.into()),
            ..Default::default()
        };
        assert_eq!(
            FeedChange::of(&notify, secret(""))
                .unwrap()
                .secret
                .as_deref(),
            Some("")
        );
        assert!(matches!(
            FeedChange::of(&notify, secret(" k")),
            Err(FeedChangeError::Secret(_))
        ));
        assert_eq!(
            FeedChange::of(&demo, secret("k")),
            Err(FeedChangeError::SecretOfPull)
        );
        let rate = FeedChangeRequest {
            per_minute: Some(1.0),
            ..Default::default()
        };
        assert_eq!(
            FeedChange::of(&notify, rate.clone()),
            Err(FeedChangeError::NotDemo)
        );
        let command = stored(
            FeedSettings::Command(CommandSettings::new("true", vec![], 1_000).unwrap()),
            60_000,
        );
        assert_eq!(
            FeedChange::of(&command, rate),
            Err(FeedChangeError::NotDemo)
        );
        assert!(matches!(
            FeedChange::of(
                &demo,
                FeedChangeRequest {
                    interval_seconds: Some(0),
                    ..Default::default()
                }
            ),
            Err(FeedChangeError::Demo(DemoError::Interval(_)))
        ));
    }

    fn mailbox(host: &str, username: &str) -> Result<MailboxSettings, String> {
        MailboxSettings {
            host: host.into(),
            port: 0,
            security: MailSecurity::Tls,
            username: username.into(),
            password: "secret".into(),
            folder: String::new(),
            from: Some("vietcombank.com.vn".into()),
            ca_pem: None,
        }
        .check()
    }

    #[test]
    fn settings_round_trip_and_check_their_bounds() {
        let demo = FeedSettings::Demo(DemoSettings::new(2.5).unwrap());
        let command = FeedSettings::Command(
            CommandSettings::new("./bank.sh", vec!["--fast".into()], 30_000).unwrap(),
        );
        let imap = FeedSettings::Mailbox(mailbox("imap.example.com", "shop").unwrap());
        for s in [FeedSettings::Notify, demo, command, imap] {
            assert_eq!(FeedSettings::from_stored(s.kind(), &s.to_json()), Ok(s));
        }
        assert!(FeedSettings::from_stored(FeedKind::Demo, "{").is_err());
        assert!(DemoSettings::new(0.0).is_err());
        assert!(DemoSettings::new(f64::NAN).is_err());
        assert!(DemoSettings::new(MAX_DEMO_RATE * 2.0).is_err());
        assert!(CommandSettings::new(" ", vec![], 30_000).is_err());
        assert!(CommandSettings::new("x", vec![], 10).is_err());
        assert!(check_interval(500).is_err());
        let checked = mailbox(" imap.example.com ", "shop").unwrap();
        assert_eq!((checked.port, checked.folder.as_str()), (993, "INBOX"));
        assert!(!format!("{checked:?}").contains("secret"));
        let shown = FeedSettings::Mailbox(checked).shown().unwrap();
        assert_eq!(shown["password"], "********");
        assert_eq!(shown["host"], "imap.example.com");
        assert!(mailbox("", "shop").is_err());
        assert!(mailbox("imap.example.com", " ").is_err());
        let token = FeedToken::generate();
        assert!(NewFeed::notify(&token, "key").is_ok());
        assert!(NewFeed::notify(&token, " key").is_err());
        assert!(NewFeed::notify(&token, &"k".repeat(MAX_SECRET_LEN + 1)).is_err());
        let demo = FeedSettings::Demo(DemoSettings::new(1.0).unwrap());
        assert_eq!(
            NewFeed::pull(demo.clone(), 15_000).unwrap().interval_ms,
            15_000
        );
        assert!(NewFeed::pull(demo, 0).is_err());
        assert_eq!(check_interval(60_000), Ok(60_000));
    }
}
