//! The command feed: runs a configured program on each poll and reads the transactions it
//! prints, one JSON object per line (the fields of `POST /v2/ingest`'s items), plus an
//! optional `{"cursor": "..."}` line that is handed back to it on the next poll.
//!
//! The program runs in its own process group with a timeout; on timeout the whole group is
//! killed. Its standard error is kept as the feed's log; a non-zero exit, a timeout or a line
//! that is not a valid transaction makes the poll a failure (the valid lines are still stored:
//! deduplication makes a repeated line harmless), and the cursor only advances on success.

use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

use super::Polled;
use crate::domain::CommandSettings;
use crate::ingest::IngestItem;

/// Most standard output read from one run.
const MAX_STDOUT: usize = 16 * 1024 * 1024;
/// Most standard error kept from one run (its end is the feed's log).
const MAX_STDERR: usize = 64 * 1024;
/// Characters of standard error kept in the feed's log.
const LOG_CHARS: usize = 4000;
/// Bad lines named in the error.
const BAD_LINES_NAMED: usize = 3;

/// What the program is told about the feed, as environment variables.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    /// `TINGTING_FEED_ID`.
    pub feed_id: i64,
    /// `TINGTING_ACCOUNT_NUMBER`.
    pub account_number: &'a str,
    /// `TINGTING_BANK_BIN`.
    pub bank_bin: u32,
    /// `TINGTING_BANK_CODE` (e.g. `VCB`; "" when unknown).
    pub bank_code: &'a str,
    /// `TINGTING_CURSOR`: what the program printed as its cursor last time ("" at first).
    pub cursor: &'a str,
    /// `TINGTING_LAST_SUCCESS`: when the last successful poll finished (RFC 3339, "" never).
    pub last_success: String,
}

/// Runs the program once and reads what it printed.
pub async fn poll(settings: &CommandSettings, invocation: &Invocation<'_>) -> Polled {
    let mut command = Command::new(&settings.program);
    command
        .args(&settings.args)
        .env("TINGTING_FEED_ID", invocation.feed_id.to_string())
        .env("TINGTING_ACCOUNT_NUMBER", invocation.account_number)
        .env("TINGTING_BANK_BIN", invocation.bank_bin.to_string())
        .env("TINGTING_BANK_CODE", invocation.bank_code)
        .env("TINGTING_CURSOR", invocation.cursor)
        .env("TINGTING_LAST_SUCCESS", &invocation.last_success)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Polled::failed(format!("cannot run {:?}: {e}", settings.program)),
    };
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Polled::failed("the program's output could not be captured".into());
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    let timeout = Duration::from_millis(settings.timeout_ms);
    let finished = tokio::time::timeout(timeout, async {
        let (out_full, _, status) = tokio::join!(
            read_capped(stdout, &mut out, MAX_STDOUT),
            read_capped(stderr, &mut err, MAX_STDERR),
            child.wait()
        );
        (out_full, status)
    })
    .await;
    let failure = match finished {
        Ok((_, Err(e))) => Some(format!("waiting for the program failed: {e}")),
        Ok((true, Ok(_))) => Some(format!(
            "the program printed more than {} MiB",
            MAX_STDOUT >> 20
        )),
        Ok((false, Ok(status))) if status.success() => None,
        Ok((false, Ok(status))) => Some(match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "killed by a signal".to_string(),
        }),
        Err(_) => {
            kill_group(&mut child).await;
            Some(format!("timed out after {}", humanize(timeout)))
        }
    };
    let log = tail(&String::from_utf8_lossy(&err), LOG_CHARS);
    let read = read_lines(&String::from_utf8_lossy(&out));
    let mut error = failure.map(|f| match log.lines().rev().find(|l| !l.trim().is_empty()) {
        Some(last) => format!("{f}: {}", last.trim()),
        None => f,
    });
    if error.is_none() && !read.bad.is_empty() {
        let named: Vec<&str> = read
            .bad
            .iter()
            .take(BAD_LINES_NAMED)
            .map(String::as_str)
            .collect();
        error = Some(format!(
            "{} unreadable line(s): {}",
            read.bad.len(),
            named.join("; ")
        ));
    }
    Polled {
        transactions: read.transactions,
        cursor: if error.is_none() { read.cursor } else { None },
        log,
        error,
        unparsed: Vec::new(),
    }
}

/// Reads `from` to its end into `buf`, keeping at most `cap` bytes (draining the rest, so the
/// program is never blocked on a full pipe). True when output was dropped.
async fn read_capped(mut from: impl AsyncRead + Unpin, buf: &mut Vec<u8>, cap: usize) -> bool {
    let mut chunk = [0u8; 8192];
    let mut dropped = false;
    loop {
        match from.read(&mut chunk).await {
            Ok(0) | Err(_) => return dropped,
            Ok(n) => {
                let room = cap.saturating_sub(buf.len()).min(n);
                buf.extend_from_slice(&chunk[..room]);
                dropped |= room < n;
            }
        }
    }
}

/// Kills the program and everything it started (its process group).
async fn kill_group(child: &mut tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) with a negative pid signals the process group the child leads
        // (it was spawned with `process_group(0)`); it touches no memory of ours.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill().await;
}

/// The last `n` characters of `s`.
fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

fn humanize(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The lines a program printed, read.
#[derive(Debug, Default)]
struct Lines {
    transactions: Vec<crate::domain::NewTransaction>,
    cursor: Option<String>,
    /// `line N: why` for each line that is not a transaction or a cursor.
    bad: Vec<String>,
}

/// A cursor line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CursorLine {
    cursor: String,
}

fn read_lines(text: &str) -> Lines {
    let mut read = Lines::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        if let Ok(c) = serde_json::from_str::<CursorLine>(line) {
            read.cursor = Some(c.cursor);
            continue;
        }
        let item: IngestItem = match serde_json::from_str(line) {
            Ok(item) => item,
            Err(e) => {
                read.bad.push(format!("line {n}: {e}"));
                continue;
            }
        };
        match item.into_transaction("command").and_then(|t| {
            let t = crate::ingest::normalize(t);
            t.validate()
                .map(|()| t)
                .map_err(|e| format!("{}: {}", e.field, e.message))
        }) {
            Ok(t) => read.transactions.push(t),
            Err(e) => read.bad.push(format!("line {n}: {e}")),
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_transactions_a_cursor_or_named_as_bad() {
        let text = r#"
{"amount": 250000, "bookedAt": "2025-04-22 09:30:00", "description": "DH1042 chuyen tien", "reference": "FT1"}
{"cursor": "page-7"}
not json
{"amount": 0, "bookedAt": "2025-04-22 09:30:00", "description": "zero"}
{"amount": -50000, "bookedAt": "2025-04-22T02:31:00Z", "description": " phi ", "runningBalance": 200000}
"#;
        let read = read_lines(text);
        assert_eq!(read.transactions.len(), 2);
        assert_eq!(read.transactions[0].amount, 250_000);
        assert_eq!(read.transactions[0].reference, "FT1");
        assert_eq!(read.transactions[0].source, "command");
        assert_eq!(read.transactions[1].description, "phi");
        assert_eq!(read.transactions[1].running_balance, Some(200_000));
        assert_eq!(read.cursor.as_deref(), Some("page-7"));
        assert_eq!(read.bad.len(), 2);
        assert!(read.bad[0].starts_with("line 4: "), "{:?}", read.bad);
        assert!(read.bad[1].starts_with("line 5: amount"), "{:?}", read.bad);
    }

    #[test]
    fn tails_keep_the_end() {
        assert_eq!(tail("abcdef", 3), "def");
        assert_eq!(tail("ab", 3), "ab");
        assert_eq!(tail("ăâđêôơư", 2), "ơư");
    }
}
