//! `fetch_new` against a real dovecot (skipped when dovecot is not installed).

mod support;

use std::time::Duration;

use mailbox::{fetch_new, Fetched, MailboxError, Position, Security, Server};
use support::dovecot::Dovecot;

const TIMEOUT: Duration = Duration::from_secs(20);
const BANK: &str = "alerts@bank.example";

fn server(dovecot: &Dovecot, security: Security) -> Server {
    let (username, password) = dovecot.user();
    Server {
        host: "127.0.0.1".to_owned(),
        port: match security {
            Security::Plain => dovecot.imap_port(),
            Security::Tls => dovecot.imaps_port(),
        },
        security,
        username: username.to_owned(),
        password: password.to_owned(),
        extra_roots: vec![dovecot.ca_cert()],
    }
}

fn mail(from: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: shop@example.com\r\nSubject: {subject}\r\n\
         Date: Mon, 1 Jun 2026 10:00:00 +0000\r\nMessage-ID: <{subject}@test>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nPayment received: {subject}\r\n"
    )
    .into_bytes()
}

async fn fetch(
    server: &Server,
    since: Option<Position>,
    limit: usize,
) -> Result<Fetched, MailboxError> {
    fetch_new(server, "INBOX", None, since, limit, TIMEOUT).await
}

fn subjects(fetched: &Fetched) -> Vec<String> {
    fetched
        .messages
        .iter()
        .map(|message| {
            let text = String::from_utf8_lossy(&message.raw);
            text.lines()
                .find_map(|line| line.strip_prefix("Subject: "))
                .unwrap_or("<no subject>")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn plain_fetch_returns_the_raw_messages_and_leaves_them_unread() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let first = mail(BANK, "one");
    dovecot.deliver("INBOX", &first);
    dovecot.deliver("INBOX", &mail(BANK, "two"));

    let fetched = fetch(&server(&dovecot, Security::Plain), None, 10)
        .await
        .unwrap();
    assert_eq!(subjects(&fetched), ["one", "two"]);
    assert_eq!(fetched.messages[0].raw, first, "raw bytes unchanged");
    assert!(fetched.messages[0].uid < fetched.messages[1].uid);
    assert!(!fetched.more);
    assert_eq!(
        dovecot.seen_count("INBOX"),
        0,
        "EXAMINE + BODY.PEEK set no flag"
    );
}

#[tokio::test]
async fn tls_fetch_trusts_the_extra_root() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    dovecot.deliver("INBOX", &mail(BANK, "over-tls"));

    let fetched = fetch(&server(&dovecot, Security::Tls), None, 10)
        .await
        .unwrap();
    assert_eq!(subjects(&fetched), ["over-tls"]);
}

#[tokio::test]
async fn tls_without_the_extra_root_fails_with_a_tls_error() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let mut server = server(&dovecot, Security::Tls);
    server.extra_roots.clear();

    let error = fetch(&server, None, 10).await.unwrap_err();
    assert!(matches!(error, MailboxError::Tls { .. }), "{error}");
    assert!(error.to_string().contains("TLS"), "{error}");
}

#[tokio::test]
async fn a_position_fetches_only_newer_mail() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let server = server(&dovecot, Security::Plain);
    dovecot.deliver("INBOX", &mail(BANK, "a"));
    dovecot.deliver("INBOX", &mail(BANK, "b"));

    let first = fetch(&server, None, 10).await.unwrap();
    assert_eq!(subjects(&first), ["a", "b"]);
    let position = first.position().unwrap();

    dovecot.deliver("INBOX", &mail(BANK, "c"));
    dovecot.deliver("INBOX", &mail(BANK, "d"));
    let second = fetch(&server, Some(position), 10).await.unwrap();
    assert_eq!(subjects(&second), ["c", "d"]);
    assert_eq!(second.uid_validity, first.uid_validity);
    let position = second.position().unwrap();

    // `UID SEARCH UID n:*` matches the last message even when nothing is newer.
    let third = fetch(&server, Some(position), 10).await.unwrap();
    assert!(third.messages.is_empty(), "{:?}", subjects(&third));
    assert!(!third.more);
    assert_eq!(third.position(), None);
}

#[tokio::test]
async fn limit_sets_more_and_the_rest_follows() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let server = server(&dovecot, Security::Plain);
    for subject in ["m1", "m2", "m3", "m4", "m5"] {
        dovecot.deliver("INBOX", &mail(BANK, subject));
    }

    let mut batches = Vec::new();
    let mut since = None;
    loop {
        let fetched = fetch(&server, since, 2).await.unwrap();
        batches.push((subjects(&fetched), fetched.more));
        if !fetched.more {
            break;
        }
        since = fetched.position();
        assert!(batches.len() < 5, "no end: {batches:?}");
    }
    assert_eq!(
        batches,
        [
            (vec!["m1".to_owned(), "m2".to_owned()], true),
            (vec!["m3".to_owned(), "m4".to_owned()], true),
            (vec!["m5".to_owned()], false),
        ]
    );
}

#[tokio::test]
async fn the_sender_filter_is_applied_by_the_server() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    dovecot.deliver(
        "INBOX",
        &mail("Bank Alerts <alerts@bank.example>", "from-bank"),
    );
    dovecot.deliver("INBOX", &mail("newsletter@shop.example", "spam"));
    dovecot.deliver("INBOX", &mail(BANK, "from-bank-too"));

    let server = server(&dovecot, Security::Plain);
    let fetched = fetch_new(&server, "INBOX", Some(BANK), None, 10, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(subjects(&fetched), ["from-bank", "from-bank-too"]);

    let position = fetched.position();
    dovecot.deliver("INBOX", &mail("newsletter@shop.example", "spam-2"));
    dovecot.deliver("INBOX", &mail(BANK, "later"));
    let later = fetch_new(&server, "INBOX", Some(BANK), position, 10, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(subjects(&later), ["later"]);
}

#[tokio::test]
async fn a_filter_that_cannot_be_sent_is_rejected_before_connecting() {
    let server = Server {
        host: "127.0.0.1".to_owned(),
        port: 9, // nothing is contacted
        security: Security::Plain,
        username: "u".to_owned(),
        password: "p".to_owned(),
        extra_roots: Vec::new(),
    };
    let filter = "x\" OR ALL \"";
    let error = fetch_new(&server, "INBOX", Some(filter), None, 10, TIMEOUT)
        .await
        .unwrap_err();
    assert!(
        matches!(error, MailboxError::InvalidFilter { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_a_refused_login() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let mut server = server(&dovecot, Security::Plain);
    server.password = "not-the-password".to_owned();

    let error = fetch(&server, None, 10).await.unwrap_err();
    assert!(
        matches!(error, MailboxError::LoginRejected { .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(text.contains("the server refused the login"), "{text}");
    assert!(text.contains("Authentication failed"), "{text}");
    assert!(!text.contains("not-the-password"), "{text}");
}

#[tokio::test]
async fn a_missing_folder_is_reported() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let server = server(&dovecot, Security::Plain);

    let error = fetch_new(&server, "Bank Alerts", None, None, 10, TIMEOUT)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, MailboxError::FolderUnavailable { folder, .. } if folder == "Bank Alerts"),
        "{error}"
    );
}

#[tokio::test]
async fn other_folders_and_non_ascii_names_work() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let server = server(&dovecot, Security::Plain);
    dovecot.deliver("INBOX", &mail(BANK, "inbox"));
    dovecot.deliver("Entw&APw-rfe", &mail(BANK, "umlaut"));
    dovecot.deliver("Banks", &mail(BANK, "banks"));

    let umlaut = fetch_new(&server, "Entwürfe", None, None, 10, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(subjects(&umlaut), ["umlaut"]);
    let banks = fetch_new(&server, "Banks", None, None, 10, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(subjects(&banks), ["banks"]);
}

#[tokio::test]
async fn a_restarted_server_keeps_uids() {
    let Some(mut dovecot) = Dovecot::start() else {
        return;
    };
    let server = server(&dovecot, Security::Plain);
    dovecot.deliver("INBOX", &mail(BANK, "before-1"));
    dovecot.deliver("INBOX", &mail(BANK, "before-2"));
    let before = fetch(&server, None, 10).await.unwrap();
    assert_eq!(subjects(&before), ["before-1", "before-2"]);

    dovecot.restart();
    dovecot.deliver("INBOX", &mail(BANK, "after"));
    let after = fetch(&server, before.position(), 10).await.unwrap();
    assert_eq!(after.uid_validity, before.uid_validity);
    assert_eq!(subjects(&after), ["after"]);
    assert!(after.messages[0].uid > before.messages[1].uid);
}

#[tokio::test]
async fn a_changed_uid_validity_fetches_everything_again() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let server = server(&dovecot, Security::Plain);
    dovecot.deliver("INBOX", &mail(BANK, "x"));
    dovecot.deliver("INBOX", &mail(BANK, "y"));
    let all = fetch(&server, None, 10).await.unwrap();
    let position = all.position().unwrap();

    let stale = Position {
        uid_validity: position.uid_validity.wrapping_add(1),
        ..position
    };
    let again = fetch(&server, Some(stale), 10).await.unwrap();
    assert_eq!(subjects(&again), ["x", "y"]);
    assert_eq!(again.uid_validity, all.uid_validity);
}

#[tokio::test]
async fn a_stopped_server_refuses_the_connection() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let server = server(&dovecot, Security::Plain);
    drop(dovecot);

    // Also shows that dropping the harness leaves nothing listening on its ports.
    let error = fetch(&server, None, 10).await.unwrap_err();
    assert!(matches!(error, MailboxError::Connect { .. }), "{error}");
    assert!(error.to_string().contains("could not connect"), "{error}");
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts the connection but never sends the IMAP greeting.
    let silent = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    });
    let server = Server {
        host: "127.0.0.1".to_owned(),
        port,
        security: Security::Plain,
        username: "u".to_owned(),
        password: "p".to_owned(),
        extra_roots: Vec::new(),
    };

    let started = std::time::Instant::now();
    let error = fetch_new(&server, "INBOX", None, None, 10, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(matches!(error, MailboxError::Timeout { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
    silent.abort();
}

/// A scripted IMAP server for one connection: sends `greeting`, then answers each tagged
/// command with `reply(tag, command)`. Returns its port.
async fn scripted_server(greeting: &'static str, reply: fn(&str, &str) -> String) -> u16 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        write.write_all(greeting.as_bytes()).await.unwrap();
        let mut lines = BufReader::new(read).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let (tag, command) = line.split_once(' ').unwrap_or((&line, ""));
            if write
                .write_all(reply(tag, command).as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
    });
    port
}

fn scripted(port: u16) -> Server {
    Server {
        host: "127.0.0.1".to_owned(),
        port,
        security: Security::Plain,
        username: "u".to_owned(),
        password: "p".to_owned(),
        extra_roots: Vec::new(),
    }
}

#[tokio::test]
async fn a_refused_search_is_an_error_not_an_empty_batch() {
    let port = scripted_server("* OK ready\r\n", |tag, command| {
        if command.starts_with("LOGIN") {
            format!("{tag} OK logged in\r\n")
        } else if command.starts_with("EXAMINE") {
            format!("* 3 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n{tag} OK [READ-ONLY] done\r\n")
        } else if command.starts_with("UID SEARCH") {
            format!("{tag} NO Search backend unavailable\r\n")
        } else {
            format!("{tag} OK\r\n")
        }
    })
    .await;

    let error = fetch(&scripted(port), None, 10).await.unwrap_err();
    assert!(matches!(error, MailboxError::Protocol { .. }), "{error}");
    assert!(
        error.to_string().contains("Search backend unavailable"),
        "{error}"
    );
}

#[tokio::test]
async fn a_bye_greeting_is_reported_with_its_text() {
    let port = scripted_server("* BYE Too many connections\r\n", |tag, _| {
        format!("{tag} BAD no\r\n")
    })
    .await;

    let error = fetch(&scripted(port), None, 10).await.unwrap_err();
    assert!(matches!(error, MailboxError::Protocol { .. }), "{error}");
    assert!(
        error.to_string().contains("Too many connections"),
        "{error}"
    );
}

#[tokio::test]
async fn unsolicited_and_unrequested_fetch_responses_are_ignored() {
    let port = scripted_server("* OK ready\r\n", |tag, command| {
        if command.starts_with("LOGIN") {
            format!("{tag} OK logged in\r\n")
        } else if command.starts_with("EXAMINE") {
            format!("* 2 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n{tag} OK [READ-ONLY] done\r\n")
        } else if command.starts_with("UID SEARCH") {
            // As `UID SEARCH UID 8:*` does: 7 is the highest UID, below the range.
            format!("* SEARCH 7 9\r\n{tag} OK done\r\n")
        } else if command.starts_with("UID FETCH") {
            assert_eq!(command, "UID FETCH 9 BODY.PEEK[]");
            format!(
                "* 1 FETCH (FLAGS (\\Seen) UID 7)\r\n\
                 * 2 FETCH (UID 9 BODY[] {{5}}\r\nhello)\r\n\
                 {tag} OK done\r\n"
            )
        } else {
            format!("{tag} OK\r\n")
        }
    })
    .await;
    let since = Position {
        uid_validity: 42,
        last_uid: 7,
    };

    let fetched = fetch(&scripted(port), Some(since), 10).await.unwrap();
    assert_eq!(fetched.uid_validity, 42);
    assert_eq!(fetched.messages.len(), 1);
    assert_eq!(fetched.messages[0].uid, 9);
    assert_eq!(fetched.messages[0].raw, b"hello");
}
