//! Read-only fetching of new messages from one IMAP folder.
//!
//! [`fetch_new`] opens one connection, logs in, opens the folder with `EXAMINE` (read-only, so
//! no flag is changed and nothing is deleted), asks for the messages after the caller's stored
//! [`Position`], downloads at most `limit` of them with `BODY.PEEK[]` and logs out.
//!
//! The caller stores the [`Position`] of the last message it has durably processed and passes it
//! back on the next call. A position is only meaningful together with the folder's
//! `UIDVALIDITY`: when the server reports a different one (the folder was recreated or the
//! server's index was rebuilt), UIDs may have been reused, so every message in the folder is
//! fetched again from the start. The caller's deduplication absorbs the repeats.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use async_imap::imap_proto::{AttributeValue, MailboxDatum, Response, ResponseCode, Status};
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

/// How many messages one `UID FETCH` command asks for.
const FETCH_CHUNK: usize = 50;
/// How long the closing `LOGOUT` may take.
const LOGOUT_TIMEOUT: Duration = Duration::from_secs(1);

type Session<T> = async_imap::Session<T>;

/// How the connection to the IMAP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Implicit TLS from the first byte (IMAPS, usually port 993). The server's certificate is
    /// checked against the public web PKI roots plus [`Server::extra_roots`].
    Tls,
    /// No encryption at all: the password crosses the network in clear text. Only for a server
    /// on the same machine, such as a test server.
    Plain,
}

/// Where and as whom to log in.
#[derive(Clone)]
pub struct Server {
    /// Host name or IP address of the IMAP server; with [`Security::Tls`] it must match the
    /// server's certificate.
    pub host: String,
    /// TCP port, usually 993 for [`Security::Tls`].
    pub port: u16,
    /// Whether to speak TLS.
    pub security: Security,
    /// The login name.
    pub username: String,
    /// The password, sent with the IMAP `LOGIN` command. It is never logged nor shown by
    /// `Debug`.
    pub password: String,
    /// Certificates trusted as roots besides the public web PKI ones, e.g. the self-signed
    /// certificate of a private or test server.
    pub extra_roots: Vec<CertificateDer<'static>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

/// How far a caller has read a folder: store it durably after processing a batch and pass it to
/// the next [`fetch_new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// The folder's `UIDVALIDITY` when `last_uid` was read.
    pub uid_validity: u32,
    /// The highest UID already processed.
    pub last_uid: u32,
}

/// One message as stored on the server.
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    /// The message's UID in its folder.
    pub uid: u32,
    /// The complete RFC 822 message (headers and body) exactly as the server returned it.
    pub raw: Vec<u8>,
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("uid", &self.uid)
            .field("raw_len", &self.raw.len())
            .finish()
    }
}

/// The result of one [`fetch_new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The folder's current `UIDVALIDITY`.
    pub uid_validity: u32,
    /// The new messages, in ascending UID order.
    pub messages: Vec<Message>,
    /// True when more new messages were found than `limit` allowed: fetch again from
    /// [`Fetched::position`] to get them.
    pub more: bool,
}

impl Fetched {
    /// The position after the last message of this batch, to store once the batch has been
    /// processed; `None` when the batch is empty (keep the previous position then).
    pub fn position(&self) -> Option<Position> {
        self.messages.last().map(|message| Position {
            uid_validity: self.uid_validity,
            last_uid: message.uid,
        })
    }
}

/// The certificates of a PEM text (`-----BEGIN CERTIFICATE-----` blocks), for
/// [`Server::extra_roots`].
pub fn certificates_from_pem(pem: &str) -> Result<Vec<CertificateDer<'static>>, MailboxError> {
    use rustls_pki_types::pem::PemObject;
    let certificates = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| MailboxError::InvalidSettings(format!("unreadable certificate: {e}")))?;
    if certificates.is_empty() {
        return Err(MailboxError::InvalidSettings(
            "no certificate in the PEM text".into(),
        ));
    }
    Ok(certificates)
}

/// Why [`fetch_new`] failed. The messages are written for the owner of the mailbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailboxError {
    /// The sender filter cannot be sent to the server.
    #[error("the sender filter {filter:?} cannot be used: {reason}")]
    InvalidFilter {
        /// The rejected filter.
        filter: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The server settings cannot be used (bad host name for TLS, unusable extra root
    /// certificate, a line break in the user name or password).
    #[error("the mail server settings cannot be used: {0}")]
    InvalidSettings(String),
    /// The TCP connection could not be made: refused, unreachable, unknown host.
    #[error("could not connect to the mail server {host}:{port}: {source}")]
    Connect {
        /// The server's host.
        host: String,
        /// The server's port.
        port: u16,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The server did not finish in time.
    #[error("the mail server {host}:{port} did not answer within {timeout:?} (while {stage})")]
    Timeout {
        /// The server's host.
        host: String,
        /// The server's port.
        port: u16,
        /// What was going on when the time ran out.
        stage: &'static str,
        /// The time allowed for the whole fetch.
        timeout: Duration,
    },
    /// The TLS handshake failed, e.g. the certificate is not trusted or does not match the
    /// host, or the port does not speak TLS.
    #[error("the secure (TLS) connection to the mail server {host}:{port} failed: {source}")]
    Tls {
        /// The server's host.
        host: String,
        /// The server's port.
        port: u16,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The server answered `LOGIN` with a refusal (wrong user name or password, account
    /// locked, app password required, ...).
    #[error("the server refused the login for user {username:?}: {reply}")]
    LoginRejected {
        /// The user name that was refused.
        username: String,
        /// The server's explanation.
        reply: String,
    },
    /// The folder could not be opened, usually because it does not exist.
    #[error("the server could not open the folder {folder:?} (does it exist?): {reply}")]
    FolderUnavailable {
        /// The folder asked for.
        folder: String,
        /// The server's explanation.
        reply: String,
    },
    /// The conversation with the server failed: unexpected or unparsable answer, a refused
    /// command, or the connection broke.
    #[error("the conversation with the mail server failed while {stage}: {detail}")]
    Protocol {
        /// What was going on.
        stage: &'static str,
        /// What went wrong.
        detail: String,
    },
}

/// Fetches the messages of `folder` that are newer than `since`.
///
/// * `from`: when set, only messages whose `From` header contains this text (server-side
///   `SEARCH FROM`, case-insensitive substring) are returned. It must be printable ASCII without
///   `"`.
/// * `since`: the position stored after the previous batch. With `None`, or when its
///   `uid_validity` differs from the folder's current `UIDVALIDITY`, every message of the folder
///   is fetched again from the beginning (the caller deduplicates).
/// * `limit`: at most this many messages are returned, the oldest first; [`Fetched::more`] tells
///   whether more are waiting.
/// * `timeout`: the time allowed for connecting, logging in and downloading the batch. The
///   closing `LOGOUT` then gets at most one more second, and its failure is ignored.
///
/// The folder is opened read-only: flags are not changed (messages stay unread) and nothing is
/// deleted. Non-ASCII folder names are sent in IMAP's modified UTF-7. A message that is
/// expunged between the search and the download is left out.
pub async fn fetch_new(
    server: &Server,
    folder: &str,
    from: Option<&str>,
    since: Option<Position>,
    limit: usize,
    timeout: Duration,
) -> Result<Fetched, MailboxError> {
    let from = from.map(quote_filter).transpose()?;
    let request = Request {
        server,
        folder,
        from: from.as_deref(),
        since,
        limit,
        timeout,
        deadline: Instant::now() + timeout,
    };
    tracing::debug!(
        host = %server.host,
        port = server.port,
        username = %server.username,
        folder,
        "fetching new mail over IMAP"
    );

    // Settings errors surface before any connection is made.
    let tls = match server.security {
        Security::Plain => None,
        Security::Tls => {
            let name = ServerName::try_from(server.host.clone()).map_err(|_| {
                MailboxError::InvalidSettings(format!(
                    "{:?} is not a valid host name for TLS",
                    server.host
                ))
            })?;
            Some((tls_connector(&server.extra_roots)?, name))
        }
    };

    let tcp = request
        .in_time(
            "connecting",
            TcpStream::connect((server.host.as_str(), server.port)),
        )
        .await?
        .map_err(|source| MailboxError::Connect {
            host: server.host.clone(),
            port: server.port,
            source,
        })?;
    match tls {
        None => request.run(tcp).await,
        Some((connector, name)) => {
            let tls = request
                .in_time("setting up TLS", connector.connect(name, tcp))
                .await?
                .map_err(|source| MailboxError::Tls {
                    host: server.host.clone(),
                    port: server.port,
                    source,
                })?;
            request.run(tls).await
        }
    }
}

/// The arguments of one [`fetch_new`], after validation.
struct Request<'a> {
    server: &'a Server,
    folder: &'a str,
    /// The sender filter as an IMAP quoted string.
    from: Option<&'a str>,
    since: Option<Position>,
    limit: usize,
    timeout: Duration,
    deadline: Instant,
}

impl Request<'_> {
    /// Runs `future` until the request's deadline.
    async fn in_time<F: Future>(
        &self,
        stage: &'static str,
        future: F,
    ) -> Result<F::Output, MailboxError> {
        timeout_at(self.deadline, future)
            .await
            .map_err(|_| MailboxError::Timeout {
                host: self.server.host.clone(),
                port: self.server.port,
                stage,
                timeout: self.timeout,
            })
    }

    async fn run<T>(&self, stream: T) -> Result<Fetched, MailboxError>
    where
        T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
    {
        let (mut session, fetched) = self
            .in_time("talking IMAP", self.converse(stream))
            .await??;
        // The batch is complete: a server slow to say goodbye must not cost it.
        match tokio::time::timeout(LOGOUT_TIMEOUT, session.logout()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(error = %e, "IMAP LOGOUT failed after a complete batch"),
            Err(_) => tracing::debug!("IMAP LOGOUT timed out after a complete batch"),
        }
        Ok(fetched)
    }

    /// Greeting, login and the fetch itself.
    async fn converse<T>(&self, stream: T) -> Result<(Session<T>, Fetched), MailboxError>
    where
        T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
    {
        let mut client = async_imap::Client::new(stream);
        let greeting = client
            .read_response()
            .await
            .map_err(|e| protocol("reading the greeting", e))?
            .ok_or_else(|| protocol("reading the greeting", "the server closed the connection"))?;
        match greeting.parsed() {
            Response::Data {
                status: Status::Ok, ..
            } => {}
            Response::Data {
                status: Status::Bye,
                code,
                information,
            } => {
                return Err(protocol(
                    "reading the greeting",
                    format!(
                        "the server closed the connection: {}",
                        reply_text(code.as_ref(), information.as_deref())
                    ),
                ))
            }
            other => {
                return Err(protocol(
                    "reading the greeting",
                    format!("unexpected greeting {other:?}"),
                ))
            }
        }

        let mut session = client
            .login(&self.server.username, &self.server.password)
            .await
            .map_err(|(e, _)| self.login_error(e))?;
        let fetched = self.fetch(&mut session).await?;
        Ok((session, fetched))
    }

    fn login_error(&self, error: async_imap::error::Error) -> MailboxError {
        use async_imap::error::Error;
        match error {
            Error::No(reply) => MailboxError::LoginRejected {
                username: self.server.username.clone(),
                reply: tidy_reply(&reply),
            },
            Error::Validate(_) => MailboxError::InvalidSettings(
                "the user name or password contains a line break, which IMAP LOGIN cannot send"
                    .to_owned(),
            ),
            Error::Bad(reply) => protocol("logging in", tidy_reply(&reply)),
            other => protocol("logging in", other),
        }
    }

    async fn fetch<T>(&self, session: &mut Session<T>) -> Result<Fetched, MailboxError>
    where
        T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
    {
        let encoded_folder = encode_folder_name(self.folder);
        let examine = format!("EXAMINE {}", quote(&encoded_folder));
        let mut uid_validity = None;
        let mut exists = None;
        let done = command(
            session,
            &examine,
            "opening the folder",
            |response| match response {
                Response::Data {
                    status: Status::Ok,
                    code: Some(ResponseCode::UidValidity(value)),
                    ..
                } => uid_validity = Some(*value),
                Response::MailboxData(MailboxDatum::Exists(count)) => exists = Some(*count),
                _ => {}
            },
        )
        .await?;
        if let Err(reply) = done {
            return Err(MailboxError::FolderUnavailable {
                folder: self.folder.to_owned(),
                reply,
            });
        }
        let uid_validity = uid_validity.ok_or_else(|| {
            protocol(
                "opening the folder",
                "the server did not report the folder's UIDVALIDITY",
            )
        })?;

        // Only UIDs above `after` are new.
        let after = match self.since {
            Some(position) if position.uid_validity == uid_validity => position.last_uid,
            Some(position) => {
                tracing::info!(
                    folder = self.folder,
                    stored = position.uid_validity,
                    current = uid_validity,
                    "the folder's UIDVALIDITY changed: fetching all of its mail again"
                );
                0
            }
            None => 0,
        };
        let mut found = match (exists, after.checked_add(1)) {
            (Some(0), _) | (_, None) => Vec::new(),
            (_, Some(first)) => self.search(session, first).await?,
        };
        // `UID SEARCH UID n:*` also matches the highest UID when it is below n.
        found.retain(|&uid| uid > after);
        found.sort_unstable();
        found.dedup();
        let more = found.len() > self.limit;
        found.truncate(self.limit);

        let mut messages = Vec::with_capacity(found.len());
        for chunk in found.chunks(FETCH_CHUNK) {
            messages.extend(fetch_chunk(session, chunk).await?);
        }
        tracing::debug!(
            folder = self.folder,
            uid_validity,
            after,
            fetched = messages.len(),
            more,
            "IMAP fetch done"
        );
        Ok(Fetched {
            uid_validity,
            messages,
            more,
        })
    }

    async fn search<T>(
        &self,
        session: &mut Session<T>,
        first: u32,
    ) -> Result<Vec<u32>, MailboxError>
    where
        T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
    {
        const STAGE: &str = "searching for new mail";
        let mut query = format!("UID SEARCH UID {first}:*");
        if let Some(from) = self.from {
            query.push_str(" FROM ");
            query.push_str(from);
        }
        let mut found = Vec::new();
        let done = command(session, &query, STAGE, |response| {
            if let Response::MailboxData(MailboxDatum::Search(uids)) = response {
                found.extend_from_slice(uids);
            }
        })
        .await?;
        done.map_err(|reply| protocol(STAGE, format!("the server refused the search: {reply}")))?;
        Ok(found)
    }
}

/// Downloads the given UIDs. A UID the server does not return although it answered OK was
/// expunged meanwhile and is left out.
async fn fetch_chunk<T>(
    session: &mut Session<T>,
    uids: &[u32],
) -> Result<Vec<Message>, MailboxError>
where
    T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    const STAGE: &str = "fetching messages";
    let set = uids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut bodies = BTreeMap::new();
    let query = format!("UID FETCH {set} BODY.PEEK[]");
    let done = command(session, &query, STAGE, |response| {
        let Response::Fetch(_, attributes) = response else {
            return;
        };
        let uid = attributes.iter().find_map(|attribute| match attribute {
            AttributeValue::Uid(uid) => Some(*uid),
            _ => None,
        });
        let body = attributes.iter().find_map(|attribute| match attribute {
            AttributeValue::BodySection {
                section: None,
                data: Some(data),
                ..
            } => Some(data),
            _ => None,
        });
        // Unsolicited FETCH responses (e.g. flag changes) carry no body.
        if let (Some(uid), Some(body)) = (uid, body) {
            if uids.binary_search(&uid).is_ok() {
                bodies.insert(uid, body.to_vec());
            }
        }
    })
    .await?;
    done.map_err(|reply| {
        protocol(
            STAGE,
            format!("the server refused to send messages: {reply}"),
        )
    })?;
    if bodies.len() < uids.len() {
        tracing::debug!(
            requested = uids.len(),
            returned = bodies.len(),
            "some messages were expunged before they could be fetched"
        );
    }
    Ok(bodies
        .into_iter()
        .map(|(uid, raw)| Message { uid, raw })
        .collect())
}

/// Sends a tagged command, hands every untagged response to `on_untagged` and reads until the
/// command's completion: `Ok(())` for a tagged OK, `Err(reply)` for NO or BAD.
async fn command<T>(
    session: &mut Session<T>,
    command: &str,
    stage: &'static str,
    mut on_untagged: impl FnMut(&Response<'_>),
) -> Result<Result<(), String>, MailboxError>
where
    T: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    let tag = session
        .run_command(command)
        .await
        .map_err(|e| protocol(stage, e))?;
    let mut farewell = None;
    loop {
        let response = session
            .read_response()
            .await
            .map_err(|e| protocol(stage, e))?;
        let Some(response) = response else {
            let detail = match farewell {
                Some(text) => format!("the server closed the connection: {text}"),
                None => "the server closed the connection".to_owned(),
            };
            return Err(protocol(stage, detail));
        };
        match response.parsed() {
            Response::Done {
                tag: done_tag,
                status,
                code,
                information,
            } if *done_tag == tag => {
                let outcome = match status {
                    Status::Ok => Ok(()),
                    _ => Err(reply_text(code.as_ref(), information.as_deref())),
                };
                return Ok(outcome);
            }
            Response::Data {
                status: Status::Bye,
                code,
                information,
            } => farewell = Some(reply_text(code.as_ref(), information.as_deref())),
            other => on_untagged(other),
        }
    }
}

fn protocol(stage: &'static str, detail: impl fmt::Display) -> MailboxError {
    MailboxError::Protocol {
        stage,
        detail: detail.to_string(),
    }
}

/// A server reply as text for the owner, e.g. `[ALERT] Application-specific password required`.
fn reply_text(code: Option<&ResponseCode<'_>>, information: Option<&str>) -> String {
    let information = information.unwrap_or("(no explanation)");
    match code {
        Some(ResponseCode::Alert) => format!("[ALERT] {information}"),
        _ => information.to_owned(),
    }
}

/// async-imap renders a NO/BAD reply as `code: {code:?}, info: Some("...")`; keep the text.
fn tidy_reply(raw: &str) -> String {
    let text = raw
        .split_once("info: Some(\"")
        .and_then(|(_, rest)| rest.strip_suffix("\")"))
        .map(|text| text.replace("\\\"", "\"").replace("\\\\", "\\"));
    match (text, raw.starts_with("code: Some(Alert)")) {
        (Some(text), true) => format!("[ALERT] {text}"),
        (Some(text), false) => text,
        (None, _) => raw.to_owned(),
    }
}

/// Checks the sender filter and returns it as an IMAP quoted string.
fn quote_filter(filter: &str) -> Result<String, MailboxError> {
    let reason = if filter.is_empty() {
        Some("it is empty")
    } else if filter.contains(['\r', '\n']) {
        Some("it contains a line break")
    } else if filter.contains('"') {
        Some("it contains a double quote")
    } else if !filter.chars().all(|c| (' '..='~').contains(&c)) {
        Some("it may only contain printable ASCII characters")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(MailboxError::InvalidFilter {
            filter: filter.to_owned(),
            reason,
        }),
        None => Ok(quote(filter)),
    }
}

/// An IMAP quoted string; `value` must not contain CR or LF (callers ensure it).
fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// Encodes a folder name in IMAP's modified UTF-7 (RFC 3501, section 5.1.3). Everything outside
/// printable ASCII, control characters included, ends up base64-encoded.
fn encode_folder_name(name: &str) -> String {
    fn flush(out: &mut String, pending: &mut Vec<u16>) {
        if pending.is_empty() {
            return;
        }
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
        let bytes: Vec<u8> = pending.iter().flat_map(|unit| unit.to_be_bytes()).collect();
        out.push('&');
        for group in bytes.chunks(3) {
            let b = [
                group[0],
                group.get(1).copied().unwrap_or(0),
                group.get(2).copied().unwrap_or(0),
            ];
            let sextets = [
                b[0] >> 2,
                ((b[0] & 0x03) << 4) | (b[1] >> 4),
                ((b[1] & 0x0f) << 2) | (b[2] >> 6),
                b[2] & 0x3f,
            ];
            for &sextet in &sextets[..=group.len()] {
                out.push(char::from(ALPHABET[usize::from(sextet)]));
            }
        }
        out.push('-');
        pending.clear();
    }

    let mut out = String::with_capacity(name.len());
    let mut pending = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut out, &mut pending);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            pending.extend_from_slice(c.encode_utf16(&mut [0; 2]));
        }
    }
    flush(&mut out, &mut pending);
    out
}

fn tls_connector(
    extra_roots: &[CertificateDer<'static>],
) -> Result<tokio_rustls::TlsConnector, MailboxError> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for root in extra_roots {
        roots.add(root.clone()).map_err(|e| {
            MailboxError::InvalidSettings(format!("an extra root certificate is unusable: {e}"))
        })?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| MailboxError::InvalidSettings(format!("TLS setup failed: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_use_modified_utf7() {
        assert_eq!(encode_folder_name("INBOX"), "INBOX");
        assert_eq!(encode_folder_name("Banks & Cards"), "Banks &- Cards");
        assert_eq!(encode_folder_name("Entwürfe"), "Entw&APw-rfe");
        // The example of RFC 3501, section 5.1.3.
        assert_eq!(
            encode_folder_name("~peter/mail/日本語/台北"),
            "~peter/mail/&ZeVnLIqe-/&U,BTFw-"
        );
        // Outside the BMP: a surrogate pair.
        assert_eq!(encode_folder_name("💰"), "&2D3csA-");
        assert_eq!(encode_folder_name("a\r\nb"), "a&AA0ACg-b");
    }

    #[test]
    fn sender_filters_are_checked_and_quoted() {
        assert_eq!(
            quote_filter("alerts@bank.example").unwrap(),
            "\"alerts@bank.example\""
        );
        assert_eq!(quote_filter(r"odd\name").unwrap(), r#""odd\\name""#);
        for bad in ["", "a\r\nb", "a\"b", "b\u{e4}nk", "tab\there"] {
            let error = quote_filter(bad).unwrap_err();
            assert!(
                matches!(error, MailboxError::InvalidFilter { .. }),
                "{bad:?}: {error}"
            );
        }
    }

    #[test]
    fn async_imap_replies_are_tidied() {
        assert_eq!(
            tidy_reply(
                r#"code: None, info: Some("[AUTHENTICATIONFAILED] Authentication failed.")"#
            ),
            "[AUTHENTICATIONFAILED] Authentication failed."
        );
        assert_eq!(
            tidy_reply(r#"code: Some(Alert), info: Some("Use an \"app password\"")"#),
            "[ALERT] Use an \"app password\""
        );
        assert_eq!(tidy_reply("something else"), "something else");
    }

    #[test]
    fn debug_hides_the_password() {
        let server = Server {
            host: "imap.example".into(),
            port: 993,
            security: Security::Tls,
            username: "shop".into(),
            password: "hunter2".into(),
            extra_roots: Vec::new(),
        };
        let shown = format!("{server:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("shop"), "{shown}");
    }

    #[test]
    fn position_is_the_last_message() {
        let mut fetched = Fetched {
            uid_validity: 7,
            messages: Vec::new(),
            more: false,
        };
        assert_eq!(fetched.position(), None);
        fetched.messages = vec![
            Message {
                uid: 3,
                raw: b"a".to_vec(),
            },
            Message {
                uid: 9,
                raw: b"b".to_vec(),
            },
        ];
        assert_eq!(
            fetched.position(),
            Some(Position {
                uid_validity: 7,
                last_uid: 9
            })
        );
    }
}
