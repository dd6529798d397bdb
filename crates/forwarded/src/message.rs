//! What decoding a payload gives: the messages inside it, or why there are
//! none.

use chrono::{DateTime, Utc};

/// One forwarded message: the text a bank sent, with what the forwarder
/// told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message text, trimmed, never empty. SMS texts are kept as sent
    /// (only `\r\n` becomes `\n`); e-mail and HTML bodies are converted to
    /// plain text, one item per line, whitespace collapsed, in Unicode NFC.
    pub text: String,
    /// Who sent it, when the payload says: an SMS sender name or number
    /// (`VCB`, `Vietcombank`, `+84901234567`), or for an e-mail the `From`
    /// as `Display Name <address>` (or the bare address when it has no
    /// display name).
    pub sender: Option<String>,
    /// When the message was sent or received, as the payload says.
    pub received_at: Option<DateTime<Utc>>,
    /// Which payload shape it came in.
    pub kind: Kind,
    /// The e-mail subject (e-mails only).
    pub subject: Option<String>,
    /// The forwarder's own id for the message when it gives one (the SMS
    /// Gateway's `messageId`, a template's `id`, an e-mail's `Message-ID`
    /// without angle brackets). Useful for spotting retries; not guaranteed
    /// unique (the SMS Gateway derives it from the content).
    pub id: Option<String>,
}

/// The payload shape a [`Message`] came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A plain-text body: the message itself.
    PlainText,
    /// An HTML body (`text/html`), converted to text.
    Html,
    /// A JSON object from a template-based forwarder
    /// (`{"from":"VCB","text":"...","sentStamp":1714000000000}`).
    TemplateJson,
    /// An `sms:received` webhook of the SMS Gateway for Android app.
    SmsGateway,
    /// A raw RFC 822 / MIME e-mail.
    Email,
    /// An `application/x-www-form-urlencoded` form.
    Form,
}

impl Kind {
    /// A short lower-case name for logs and storage: `plain_text`, `html`,
    /// `template_json`, `sms_gateway`, `email` or `form`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PlainText => "plain_text",
            Kind::Html => "html",
            Kind::TemplateJson => "template_json",
            Kind::SmsGateway => "sms_gateway",
            Kind::Email => "email",
            Kind::Form => "form",
        }
    }
}

/// The result of decoding a payload that is well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// The messages in the payload, in order; never empty.
    Messages(Vec<Message>),
    /// A well-formed payload that carries no message to ingest, such as an
    /// SMS Gateway `sms:sent` or `system:ping` event; the reason says which
    /// (`"sms:sent event"`). Answer it with success so the sender does not
    /// retry.
    Ignored(String),
}
