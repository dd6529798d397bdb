//! Streaming reader for SWIFT MT940 customer statements.
//!
//! [`Mt940Reader`] turns an MT940 export into [`Entry`] values, one booked
//! entry (`:61:` statement line) at a time, across every statement message in
//! the file.
//!
//! # MT940 format
//!
//! MT940 is the SWIFT "customer statement" message that many banks, in
//! Vietnam (e.g. Vietcombank, BIDV, Techcombank) and elsewhere, offer as an
//! export. Only statements in Vietnamese đồng (VND) are supported.
//!
//! ## File
//!
//! - Text, preferably UTF-8 (a leading byte-order mark is ignored). A line
//!   that is not valid UTF-8 is read as ISO-8859-1 (each byte one character),
//!   so nothing is dropped.
//! - Lines may end with `\r\n`, `\n` or `\r`. Lines may be indented and may
//!   have trailing spaces; blank lines are ignored.
//! - A line may be at most [`MAX_LINE_BYTES`] (64 KiB) long; the entry a
//!   longer line belongs to is reported as an error.
//! - A file holds one or more *statement messages*. Each message starts with
//!   a `:20:` line. Messages may be bare or wrapped in SWIFT blocks:
//!   `{1:F01...}{2:...}{4:` before the message (on one or several lines) and
//!   `-}` after it, optionally followed by trailer blocks such as
//!   `{5:{CHK:...}}`. A line `-` alone also ends a message.
//!
//! ## Tags
//!
//! Each field starts on a line with a tag `:NN:` or `:NNA:` (two digits,
//! optionally an upper-case letter). The field runs on over the following
//! lines (its *continuation lines*) until the next tag line, a message end
//! (`-` or `-}`) or a SWIFT block line (`{1:`, `{5:`, ...).
//!
//! | tag | content | use |
//! |---|---|---|
//! | `:20:` | transaction reference | starts a message |
//! | `:21:`, `:28C:` | related reference, statement/sequence number (`00001/001`) | ignored |
//! | `:25:` | the statement's account: `0123456789012`, `970436/0123456789012` or an IBAN | [`Entry::account`]: the text after the last `/`, trimmed |
//! | `:60F:`, `:60M:` | opening balance: mark `C`/`D`, date `YYMMDD`, currency, amount (`C250401VND10000000,00`) | starts the running balance |
//! | `:61:` | statement line: one booked entry | one [`Entry`] |
//! | `:86:` | narrative of the `:61:` just before it | description, counterparty |
//! | `:62F:`, `:62M:` | closing balance, as `:60F:` | checked, see *Balances* |
//! | `:64:`, `:65:` | available balances | ignored |
//! | any other | | ignored |
//!
//! Dates `YYMMDD` with `YY` from `00` to `79` are in 2000–2079, `80` to `99`
//! in 1980–1999.
//!
//! ## Amounts
//!
//! Amounts are written as digits with a decimal comma and no thousands
//! separators: `1500000,00`, `1500000,` and `1500000` all mean 1,500,000 VND.
//! The decimal part must be all zeros (`12,50` is an error), the magnitude
//! at most [`MAX_ABS_VND`], and an entry amount must not be zero.
//!
//! ## Statement line (`:61:`)
//!
//! ```text
//! :61:2504220422C1500000,00NTRFNONREF//FT25112345678901
//! SUPPLEMENTARY DETAILS
//! ```
//!
//! In order, without separators:
//!
//! 1. value date `YYMMDD`;
//! 2. optionally the entry (booking) date `MMDD`; its year is the one that
//!    puts it closest to the value date, so value date `251231` with entry
//!    date `0101` books on 2026-01-01;
//! 3. the mark: `C` (credit, money in), `D` (debit, money out), `RC`
//!    (reversal of a credit: money out) or `RD` (reversal of a debit: money
//!    in);
//! 4. optionally a one-letter funds code (ignored);
//! 5. the amount, e.g. `1500000,00`;
//! 6. the transaction type: `N`, `F` or `S` and three characters (`NTRF`,
//!    `NMSC`, `FCHG`, ...; not used further);
//! 7. the customer reference (`NONREF` means none), then optionally `//` and
//!    the bank's reference;
//! 8. optionally, on the continuation line(s), supplementary details.
//!
//! The entry is booked at 00:00 Vietnam time (UTC+7) on the entry date, or on
//! the value date when there is no entry date.
//!
//! [`Entry::reference`] is the bank's reference (after `//`) when present,
//! otherwise the customer reference unless it is `NONREF`.
//!
//! ## Narrative (`:86:`) and description
//!
//! The `:86:` field after a `:61:` describes that entry; it may span several
//! lines and at most [`MAX_FIELD_CHARS`] characters (longer: an error for the
//! entry). It comes in two styles:
//!
//! - **Free text**, as Vietnamese banks write it — the transfer memo itself,
//!   e.g. `DH1042 NGUYEN VAN A chuyen tien`. The description is the lines,
//!   each trimmed, joined with a single space. Counterparty fields stay empty.
//! - **Structured** (German and other banks): subfields `?NN` (two digits),
//!   optionally after a three-digit transaction code, e.g.
//!   `166?00GUTSCHRIFT?20EREF+DH1042?21SVWZ+Thanh toan?30BFTVVNVX?31VN12...?32CONG TY ABC`.
//!   A narrative is structured when it starts with three digits and `?`, or
//!   with `?` and two digits, or contains `?20`. The lines are joined without
//!   separator (a line break is not part of the text), then split at each
//!   `?NN`; each subfield's value is trimmed and runs of whitespace in it
//!   become one space. Then:
//!   - the description is the remittance subfields `?20`–`?29` and
//!     `?60`–`?63`, in file order, joined with a single space (when there are
//!     none, the posting text `?00`);
//!   - `?30` is the counterparty's bank, `?31` its account, `?32` and `?33`
//!     (joined with a space) its name.
//!
//! Without a `:86:` (or when the description would be empty), the
//! description is the `:61:` supplementary details, lines trimmed and joined
//! with a space (or empty).
//!
//! ## Balances
//!
//! Each message's opening balance (`:60F:` or `:60M:`; a `D` mark means a
//! negative balance) starts a running balance; [`Entry::balance`] is the
//! opening balance plus the amounts of the message's entries up to and
//! including this one. A message without an opening balance gives entries
//! without a balance.
//!
//! At the closing balance (`:62F:` or `:62M:`), if it differs from the
//! opening balance plus all the message's entries, the reader yields one
//! [`RowError`] at the `:62x:` line stating both values (the entries already
//! yielded stay yielded): an entry is probably missing or duplicated. The
//! check is skipped when the running balance is unknown (no opening balance,
//! or an entry whose amount could not be read).
//!
//! ## Errors
//!
//! Problems are reported as [`RowError`]s with a 1-based line number and a
//! message naming the tag and quoting the offending value, e.g.
//! `:61: amount "12,50" is not a whole number of VND`. Reading always
//! continues with the next field. An entry (`:61:` plus its `:86:`) is an
//! error when:
//!
//! - its `:61:` cannot be read (bad date, mark, amount or transaction type);
//! - it is outside a statement message, or its message has no `:20:` or no
//!   usable `:25:` account before it;
//! - its message's opening balance is in another currency than VND (MT940
//!   entries have no currency of their own; the message's `:60x:` currency
//!   applies);
//! - one of its lines is longer than 64 KiB, or its `:61:` or `:86:` field is
//!   longer than 4,000 characters.
//!
//! A `:25:`, `:60x:` or `:62x:` field that cannot be read, a closing balance
//! in another currency, and a closing balance mismatch are reported at their
//! own line. A file with no MT940 tag at all gives a single error at line 1.
//!
//! [`Entry::line`] is the line of the `:61:`, and [`Entry::raw`] is the
//! `:61:` field, a line break and the `:86:` field as they are in the file
//! (tags included, line breaks as `\n`), cut to 4,000 characters.
//!
//! ## Example
//!
//! ```
//! use statements::Mt940Reader;
//!
//! let mt940 = "\
//! :20:VCB250422
//! :25:970436/0123456789012
//! :28C:00001/001
//! :60F:C250421VND10000000,00
//! :61:2504220422C1500000,00NTRFNONREF//FT25112345678901
//! :86:DH1042 NGUYEN VAN A chuyen tien
//! :61:250422D11000,NMSCNONREF
//! :86:Phi SMS Banking
//! :62F:C250422VND11489000,00
//! -
//! ";
//! let entries: Vec<_> = Mt940Reader::new(mt940.as_bytes()).collect::<Result<_, _>>()?;
//! assert_eq!(entries.len(), 2);
//! assert_eq!(entries[0].amount, 1_500_000);
//! assert_eq!(entries[0].balance, Some(11_500_000));
//! assert_eq!(entries[0].reference.as_deref(), Some("FT25112345678901"));
//! assert_eq!(entries[0].description, "DH1042 NGUYEN VAN A chuyen tien");
//! assert_eq!(entries[0].account.as_deref(), Some("0123456789012"));
//! assert_eq!(entries[0].booked_at.to_rfc3339(), "2025-04-21T17:00:00+00:00");
//! assert_eq!(entries[1].amount, -11_000);
//! assert_eq!(entries[1].reference, None);
//! assert_eq!(entries[1].balance, Some(11_489_000));
//! # Ok::<(), statements::RowError>(())
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead};

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc};

use crate::{excerpt, AmountErrorKind, Entry, RowError, MAX_ABS_VND, VIETNAM_UTC_OFFSET_SECONDS};

/// Longest line [`Mt940Reader`] reads in full, in bytes (64 KiB, line ending
/// excluded). The rest of a longer line is skipped, and the entry it belongs
/// to is an error.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Longest `:61:` or `:86:` field, in characters (tag and line breaks
/// included). A longer field makes its entry an error; [`Entry::raw`] is cut
/// to this length too.
pub const MAX_FIELD_CHARS: usize = 4_000;

/// Longest account number accepted in `:25:`, in characters.
const MAX_ACCOUNT_CHARS: usize = 64;

/// The only currency accepted.
const VND: &str = "VND";

/// Streams [`Entry`] values out of an MT940 file.
///
/// Created with [`Mt940Reader::new`]; iterate to get one
/// `Result<Entry, RowError>` per `:61:` statement line of every message, plus
/// an error for each closing balance that does not match and each unreadable
/// account or balance field. The format is described in the [module
/// documentation](self).
///
/// Lines are read one at a time, so memory use is bounded by one line
/// ([`MAX_LINE_BYTES`]) plus one entry ([`MAX_FIELD_CHARS`] per field), not
/// the size of the file. An I/O error from the underlying reader is reported
/// once and ends the iteration. The iterator never panics and always ends,
/// whatever the input.
///
/// ```
/// use statements::Mt940Reader;
///
/// let mt940 = ":20:S1\n:25:0123456789012\n:60F:C250421VND0,\n\
///              :61:250422C12,50NTRFNONREF\n:61:250422C500000,NTRFREF1\n";
/// let rows: Vec<_> = Mt940Reader::new(mt940.as_bytes()).collect();
/// let error = rows[0].as_ref().unwrap_err();
/// assert_eq!(error.line, 4);
/// assert_eq!(error.message, ":61: amount \"12,50\" is not a whole number of VND");
/// let entry = rows[1].as_ref().unwrap();
/// assert_eq!((entry.amount, entry.reference.as_deref()), (500_000, Some("REF1")));
/// ```
pub struct Mt940Reader<R> {
    input: LineReader<R>,
    state: State,
    done: bool,
}

impl<R> fmt::Debug for Mt940Reader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mt940Reader")
            .field("line", &self.input.number)
            .field("queued", &self.state.out.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R: BufRead> Mt940Reader<R> {
    /// Creates a reader over `reader`. Nothing is read until the first call
    /// to [`Iterator::next`].
    pub fn new(reader: R) -> Self {
        Self {
            input: LineReader {
                reader,
                bytes: Vec::new(),
                text: String::new(),
                number: 0,
                skip_lf: false,
                too_long: false,
            },
            state: State::default(),
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Mt940Reader<R> {
    type Item = Result<Entry, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.state.out.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            match self.input.next_line() {
                Ok(true) => {
                    let input = &self.input;
                    self.state
                        .process_line(input.number, &input.text, input.too_long);
                }
                Ok(false) => {
                    self.done = true;
                    self.state.finish(self.input.number);
                }
                Err(e) => {
                    // The entry being read is incomplete: drop it.
                    self.done = true;
                    self.state.out.push_back(Err(RowError {
                        line: self.input.number + 1,
                        message: format!("could not read the file: {e}"),
                    }));
                }
            }
        }
    }
}

/// Splits the input into lines of at most [`MAX_LINE_BYTES`] bytes.
struct LineReader<R> {
    reader: R,
    /// The current line's bytes (terminator excluded, cut to the cap).
    bytes: Vec<u8>,
    /// The current line as text.
    text: String,
    /// 1-based number of the current line (0 before the first).
    number: u64,
    /// The previous line ended with `\r`: a `\n` right after belongs to it.
    skip_lf: bool,
    /// The current line was longer than the cap.
    too_long: bool,
}

/// `fill_buf`, retrying on [`io::ErrorKind::Interrupted`].
fn fill<R: BufRead>(reader: &mut R) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    reader.fill_buf()
}

impl<R: BufRead> LineReader<R> {
    /// Reads the next line into `text`; `false` at the end of the input.
    fn next_line(&mut self) -> io::Result<bool> {
        self.bytes.clear();
        self.too_long = false;
        if std::mem::take(&mut self.skip_lf) && fill(&mut self.reader)?.first() == Some(&b'\n') {
            self.reader.consume(1);
        }
        let mut any = false;
        loop {
            let buf = fill(&mut self.reader)?;
            if buf.is_empty() {
                if !any {
                    return Ok(false);
                }
                break;
            }
            any = true;
            let end = buf.iter().position(|&b| b == b'\n' || b == b'\r');
            let len = end.unwrap_or(buf.len());
            let room = MAX_LINE_BYTES - self.bytes.len();
            if len > room {
                self.too_long = true;
            }
            self.bytes.extend_from_slice(&buf[..len.min(room)]);
            match end {
                Some(at) => {
                    self.skip_lf = buf[at] == b'\r';
                    self.reader.consume(len + 1);
                    break;
                }
                None => self.reader.consume(len),
            }
        }
        self.number += 1;
        let mut bytes = &self.bytes[..];
        if self.number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        self.text.clear();
        match std::str::from_utf8(bytes) {
            Ok(text) => self.text.push_str(text),
            // Not UTF-8: read as ISO-8859-1 so no byte is lost.
            Err(_) => self.text.extend(bytes.iter().map(|&b| char::from(b))),
        }
        Ok(true)
    }
}

/// Which field continuation lines belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Current {
    /// No field, or one whose continuation lines are ignored.
    #[default]
    Other,
    /// The pending entry's `:61:`.
    StatementLine,
    /// The pending entry's `:86:`.
    Narrative,
}

/// What is known about the statement message being read.
#[derive(Debug, Default)]
struct Message {
    /// The message started with `:20:` (rather than implicitly, at another tag).
    has_reference: bool,
    /// The account from `:25:`, if any and usable.
    account: Option<String>,
    /// The currency of the opening balance, upper case.
    currency: Option<String>,
    /// Opening balance plus the entries so far; None when unknown.
    running: Option<i64>,
    /// Number of `:61:` entries read so far.
    entries: u64,
}

impl Message {
    fn foreign_currency(&self) -> Option<&str> {
        self.currency.as_deref().filter(|c| *c != VND)
    }
}

/// Text kept up to [`MAX_FIELD_CHARS`], remembering how long it really was.
#[derive(Debug)]
struct Capped {
    text: String,
    chars: usize,
}

impl Capped {
    fn new(first_line: &str) -> Self {
        let mut capped = Self {
            text: String::new(),
            chars: 0,
        };
        capped.push(first_line);
        capped
    }

    fn push(&mut self, piece: &str) {
        let room = MAX_FIELD_CHARS.saturating_sub(self.chars);
        let count = piece.chars().count();
        let cut = if count <= room {
            piece.len()
        } else {
            piece
                .char_indices()
                .nth(room)
                .map_or(piece.len(), |(at, _)| at)
        };
        self.text.push_str(&piece[..cut]);
        self.chars += count;
    }

    fn push_line(&mut self, line: &str) {
        self.push("\n");
        self.push(line);
    }

    fn overflowed(&self) -> bool {
        self.chars > MAX_FIELD_CHARS
    }
}

/// The `:61:` being read, with its `:86:` if any.
#[derive(Debug)]
struct Pending {
    line: u64,
    statement_line: Capped,
    narrative: Option<(u64, Capped)>,
    /// First line of the entry longer than [`MAX_LINE_BYTES`].
    long_line: Option<u64>,
}

/// The parser's state between lines.
#[derive(Debug, Default)]
struct State {
    message: Option<Message>,
    pending: Option<Pending>,
    current: Current,
    saw_tag: bool,
    out: VecDeque<Result<Entry, RowError>>,
}

/// Splits `:NN:value` or `:NNA:value` into tag and value.
fn split_tag(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 4 || b[0] != b':' || !b[1].is_ascii_digit() || !b[2].is_ascii_digit() {
        return None;
    }
    if b[3] == b':' {
        return Some((&line[1..3], &line[4..]));
    }
    if b.len() >= 5 && b[3].is_ascii_uppercase() && b[4] == b':' {
        return Some((&line[1..4], &line[5..]));
    }
    None
}

/// A SWIFT block line: `{` + a block identifier + `:`, e.g. `{1:`, `{5:`.
fn is_block_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 3 && b[0] == b'{' && b[1].is_ascii_alphanumeric() && b[2] == b':'
}

impl State {
    fn error(&mut self, line: u64, message: String) {
        self.out.push_back(Err(RowError { line, message }));
    }

    fn process_line(&mut self, number: u64, text: &str, too_long: bool) {
        let line = text.trim_start();
        if line.trim_end().is_empty() {
            return;
        }
        if is_block_line(line) {
            self.current = Current::Other;
            // `{1:...}{2:...}{4:` may be followed by the first field.
            if let Some(at) = line.find("{4:") {
                let rest = line[at + 3..].trim_start();
                if let Some((tag, value)) = split_tag(rest) {
                    self.process_tag(number, tag, value, rest, too_long);
                }
            }
            return;
        }
        let bare = line.trim_end();
        if bare == "-" || bare.starts_with("-}") {
            self.finish_entry();
            self.message = None;
            self.current = Current::Other;
            return;
        }
        if let Some((tag, value)) = split_tag(line) {
            self.process_tag(number, tag, value, text, too_long);
            return;
        }
        // A continuation line.
        match (self.current, self.pending.as_mut()) {
            (Current::StatementLine, Some(pending)) => {
                pending.statement_line.push_line(text);
                if too_long {
                    pending.long_line.get_or_insert(number);
                }
            }
            (Current::Narrative, Some(pending)) => {
                if let Some((_, narrative)) = pending.narrative.as_mut() {
                    narrative.push_line(text);
                }
                if too_long {
                    pending.long_line.get_or_insert(number);
                }
            }
            _ => {}
        }
    }

    /// Handles a tag line; `line` is the line as written (kept for [`Entry::raw`]).
    fn process_tag(&mut self, number: u64, tag: &str, value: &str, line: &str, too_long: bool) {
        self.saw_tag = true;
        self.current = Current::Other;
        match tag {
            "20" => {
                self.finish_entry();
                self.message = Some(Message {
                    has_reference: true,
                    ..Message::default()
                });
            }
            "86" => {
                if let Some(pending) = self.pending.as_mut() {
                    if pending.narrative.is_none() {
                        pending.narrative = Some((number, Capped::new(line)));
                        if too_long {
                            pending.long_line.get_or_insert(number);
                        }
                        self.current = Current::Narrative;
                    }
                }
            }
            "21" | "25" | "28" | "28C" | "60F" | "60M" | "61" | "62F" | "62M" | "64" | "65" => {
                self.finish_entry();
                self.message.get_or_insert_with(Message::default);
                match tag {
                    "25" => self.account(number, value),
                    "60F" | "60M" => self.opening_balance(number, tag, value),
                    "62F" | "62M" => self.closing_balance(number, tag, value),
                    "61" => {
                        self.pending = Some(Pending {
                            line: number,
                            statement_line: Capped::new(line),
                            narrative: None,
                            long_line: too_long.then_some(number),
                        });
                        self.current = Current::StatementLine;
                    }
                    _ => {}
                }
            }
            // Unknown tags are skipped; they do not end the pending entry,
            // so a `:86:` after them still belongs to it.
            _ => {}
        }
    }

    fn account(&mut self, number: u64, value: &str) {
        let value = value.trim();
        let account = value.rsplit('/').next().unwrap_or(value).trim();
        let usable = if account.chars().count() > MAX_ACCOUNT_CHARS {
            self.error(
                number,
                format!(
                    ":25: account {:?} is longer than {MAX_ACCOUNT_CHARS} characters",
                    excerpt(account)
                ),
            );
            None
        } else {
            Some(account).filter(|a| !a.is_empty()).map(str::to_owned)
        };
        if let Some(message) = self.message.as_mut() {
            message.account = usable;
        }
    }

    fn opening_balance(&mut self, number: u64, tag: &str, value: &str) {
        let result = parse_balance(tag, value);
        let Some(message) = self.message.as_mut() else {
            return;
        };
        message.running = None;
        match result {
            Ok(balance) => {
                message.currency = Some(balance.currency);
                // An opening balance after entries cannot start a sound running balance.
                if message.foreign_currency().is_none() && message.entries == 0 {
                    message.running = Some(balance.amount);
                }
            }
            Err((currency, problem)) => {
                if let Some(currency) = currency {
                    message.currency = Some(currency);
                }
                // A foreign currency is reported on every entry instead.
                if message.foreign_currency().is_none() {
                    self.error(number, problem);
                }
            }
        }
    }

    fn closing_balance(&mut self, number: u64, tag: &str, value: &str) {
        let Some(message) = self.message.as_ref() else {
            return;
        };
        if message.foreign_currency().is_some() {
            return; // every entry is already an error
        }
        let running = message.running;
        match parse_balance(tag, value) {
            Err((_, problem)) => self.error(number, problem),
            Ok(balance) if balance.currency != VND => self.error(
                number,
                format!(
                    ":{tag}: currency {:?} is not VND (only VND statements are supported)",
                    balance.currency
                ),
            ),
            Ok(balance) => {
                if let Some(expected) = running.filter(|r| *r != balance.amount) {
                    let difference = i128::from(balance.amount) - i128::from(expected);
                    self.error(
                        number,
                        format!(
                            ":{tag}: closing balance {} VND does not match the opening balance \
                             plus the entries, {} VND (difference {} VND): an entry may be \
                             missing or duplicated",
                            crate::amount::group_thousands(i128::from(balance.amount)),
                            crate::amount::group_thousands(i128::from(expected)),
                            crate::amount::group_thousands(difference),
                        ),
                    );
                }
            }
        }
    }

    /// Turns the pending `:61:` (and its `:86:`) into an entry or an error.
    fn finish_entry(&mut self) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let mut problems: Vec<(u64, String)> = Vec::new();
        let parsed = parse_statement_line(&pending.statement_line.text);

        let (account, balance) = match self.message.as_mut() {
            None => {
                problems.push((pending.line, OUTSIDE.to_owned()));
                (None, None)
            }
            Some(message) => {
                if !message.has_reference && message.account.is_none() {
                    problems.push((pending.line, OUTSIDE.to_owned()));
                } else if !message.has_reference {
                    problems.push((
                        pending.line,
                        ":61: the statement message has no :20: transaction reference \
                         before this entry (each message starts with :20:)"
                            .to_owned(),
                    ));
                } else if message.account.is_none() {
                    problems.push((
                        pending.line,
                        ":61: the statement message has no usable :25: account before this entry"
                            .to_owned(),
                    ));
                }
                if let Some(currency) = message.foreign_currency() {
                    problems.push((
                        pending.line,
                        format!(
                            ":61: the statement's currency is {currency:?} (from :60F:/:60M:); \
                             only VND statements are supported"
                        ),
                    ));
                }
                message.entries += 1;
                message.running = match (&parsed, message.running) {
                    (Ok(line), Some(running)) => running.checked_add(line.amount),
                    _ => None,
                };
                (message.account.clone(), message.running)
            }
        };

        if let Err(problem) = &parsed {
            problems.push((pending.line, problem.clone()));
        }
        if let Some(line) = pending.long_line {
            problems.push((
                line,
                format!("line {line} is longer than {MAX_LINE_BYTES} bytes"),
            ));
        }
        if pending.statement_line.overflowed() {
            problems.push((
                pending.line,
                format!(":61: is longer than {MAX_FIELD_CHARS} characters"),
            ));
        }
        if let Some((line, narrative)) = &pending.narrative {
            if narrative.overflowed() {
                problems.push((
                    *line,
                    format!(":86: is longer than {MAX_FIELD_CHARS} characters"),
                ));
            }
        }

        let result = match parsed {
            Ok(statement_line) if problems.is_empty() => {
                match vietnam_midnight(statement_line.booking_date) {
                    Some(booked_at) => Ok(build_entry(
                        pending,
                        statement_line,
                        booked_at,
                        account,
                        balance,
                    )),
                    None => Err(RowError {
                        line: pending.line,
                        message: ":61: the booking date is out of range".to_owned(),
                    }),
                }
            }
            _ => Err(RowError {
                line: problems.first().map_or(pending.line, |(line, _)| *line),
                message: problems
                    .into_iter()
                    .map(|(_, message)| message)
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        };
        self.out.push_back(result);
    }

    /// End of input.
    fn finish(&mut self, lines: u64) {
        self.finish_entry();
        if !self.saw_tag {
            let message = if lines == 0 {
                "the file is empty: expected an MT940 statement (:20:, :25:, :60F:, :61:, ... lines)"
            } else {
                "no MT940 statement found: expected lines starting with tags such as :20:, :25:, \
                 :60F:, :61:"
            };
            self.error(1, message.to_owned());
        }
    }
}

const OUTSIDE: &str = ":61: is outside a statement message (expected :20: and :25: before it)";

fn build_entry(
    pending: Pending,
    statement_line: StatementLine,
    booked_at: DateTime<Utc>,
    account: Option<String>,
    balance: Option<i64>,
) -> Entry {
    let narrative = pending
        .narrative
        .as_ref()
        .map(|(_, text)| parse_narrative(&text.text))
        .unwrap_or_default();
    let description = if narrative.description.is_empty() {
        statement_line.details
    } else {
        narrative.description
    };
    let mut raw = pending.statement_line.text;
    if let Some((_, narrative)) = &pending.narrative {
        raw.push('\n');
        raw.push_str(&narrative.text);
    }
    if let Some((cut, _)) = raw.char_indices().nth(MAX_FIELD_CHARS) {
        raw.truncate(cut);
    }
    Entry {
        booked_at,
        amount: statement_line.amount,
        description,
        reference: statement_line.reference,
        balance,
        counterparty_name: narrative.counterparty_name,
        counterparty_account: narrative.counterparty_account,
        counterparty_bank: narrative.counterparty_bank,
        account,
        line: pending.line,
        raw,
    }
}

/// 00:00 Vietnam time on `date`, as an instant.
fn vietnam_midnight(date: NaiveDate) -> Option<DateTime<Utc>> {
    date.and_time(NaiveTime::MIN)
        .checked_sub_signed(TimeDelta::seconds(i64::from(VIETNAM_UTC_OFFSET_SECONDS)))
        .map(|naive| naive.and_utc())
}

/// Parses two ASCII digits at the start of `b` (the caller checked them).
fn two_digits(b: &[u8]) -> u32 {
    u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0')
}

/// Parses six ASCII digits `YYMMDD`.
fn parse_yymmdd(b: &[u8]) -> Option<NaiveDate> {
    if b.len() < 6 || !b[..6].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let yy = two_digits(b) as i32;
    let year = if yy < 80 { 2000 + yy } else { 1900 + yy };
    NaiveDate::from_ymd_opt(year, two_digits(&b[2..]), two_digits(&b[4..]))
}

/// The date with `month` and `day` closest to `value` (a year before, the
/// same year or a year after).
fn entry_date(value: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    [value.year() - 1, value.year(), value.year() + 1]
        .into_iter()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .min_by_key(|date| (*date - value).num_days().abs())
}

/// Parses an MT940 amount: digits, optionally a decimal comma and zeros.
fn parse_amount(value: &str) -> Result<i64, AmountErrorKind> {
    if value.is_empty() {
        return Err(AmountErrorKind::Empty);
    }
    let (integer, fraction) = value.split_once(',').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if integer.is_empty() || !digits(integer) || !digits(fraction) {
        return Err(AmountErrorKind::Invalid);
    }
    let mut magnitude: i64 = 0;
    for digit in integer.bytes() {
        magnitude = magnitude * 10 + i64::from(digit - b'0');
        if magnitude > MAX_ABS_VND {
            return Err(AmountErrorKind::OutOfRange);
        }
    }
    if fraction.bytes().any(|b| b != b'0') {
        return Err(AmountErrorKind::NotWhole);
    }
    Ok(magnitude)
}

/// `TAG amount "VALUE" REASON`.
fn amount_problem(tag: &str, value: &str, kind: AmountErrorKind) -> String {
    let reason = match kind {
        AmountErrorKind::Empty => return format!(":{tag}: amount is missing"),
        AmountErrorKind::Invalid => {
            "is not a valid MT940 amount (expected digits with a decimal comma and no \
             thousands separators, e.g. 1500000,00)"
                .to_owned()
        }
        other => other.to_string(),
    };
    format!(":{tag}: amount {:?} {reason}", excerpt(value))
}

/// An opening or closing balance.
#[derive(Debug)]
struct Balance {
    /// Signed: a `D` mark makes it negative.
    amount: i64,
    /// Upper case.
    currency: String,
}

/// Parses `:60x:`/`:62x:` content. On error, also returns the currency when
/// it could be read.
fn parse_balance(tag: &str, value: &str) -> Result<Balance, (Option<String>, String)> {
    let value = value.trim();
    let b = value.as_bytes();
    let layout = || {
        (
            None,
            format!(
                ":{tag}: {:?} is not a valid balance (expected mark C or D, date YYMMDD, \
                 currency and amount, e.g. C250422VND15000000,00)",
                excerpt(value)
            ),
        )
    };
    let sign = match b.first() {
        Some(b'C') => 1,
        Some(b'D') => -1,
        _ => return Err(layout()),
    };
    if b.len() < 10 || !b[1..7].iter().all(u8::is_ascii_digit) {
        return Err(layout());
    }
    if !b[7..10].iter().all(u8::is_ascii_alphabetic) {
        return Err(layout());
    }
    let Some(_date) = parse_yymmdd(&b[1..7]) else {
        return Err((
            None,
            format!(
                ":{tag}: date {:?} is not a valid date (YYMMDD)",
                &value[1..7]
            ),
        ));
    };
    let currency = value[7..10].to_ascii_uppercase();
    let amount = value[10..].trim();
    match parse_amount(amount) {
        Ok(amount) => Ok(Balance {
            amount: sign * amount,
            currency,
        }),
        Err(kind) => Err((Some(currency), amount_problem(tag, amount, kind))),
    }
}

/// A parsed `:61:` field.
#[derive(Debug)]
struct StatementLine {
    booking_date: NaiveDate,
    /// Signed, never zero.
    amount: i64,
    reference: Option<String>,
    /// Supplementary details (continuation lines), trimmed and joined.
    details: String,
}

/// Trims each line and joins the non-empty ones with a space.
fn join_trimmed<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines.map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Parses a `:61:` field (tag included, lines separated by `\n`).
fn parse_statement_line(field: &str) -> Result<StatementLine, String> {
    let mut lines = field.split('\n');
    let first = lines.next().unwrap_or_default().trim_start();
    let first = first.strip_prefix(":61:").unwrap_or(first).trim();
    let details = join_trimmed(lines);
    let b = first.as_bytes();

    if b.len() < 6 || !b[..6].iter().all(u8::is_ascii_digit) {
        return Err(format!(
            ":61: {:?} is not a valid statement line (expected value date YYMMDD, optional \
             entry date MMDD, mark C, D, RC or RD, amount such as 1500000,00, transaction \
             type such as NTRF, then the reference)",
            excerpt(first)
        ));
    }
    let value_date = parse_yymmdd(b).ok_or_else(|| {
        format!(
            ":61: value date {:?} is not a valid date (YYMMDD)",
            &first[..6]
        )
    })?;
    let mut pos = 6;
    let mut booking_date = value_date;
    if b.len() >= 10 && b[6..10].iter().all(u8::is_ascii_digit) {
        booking_date = entry_date(value_date, two_digits(&b[6..]), two_digits(&b[8..]))
            .ok_or_else(|| {
                format!(
                    ":61: entry date {:?} is not a valid date (MMDD)",
                    &first[6..10]
                )
            })?;
        pos = 10;
    }

    let rest = &first[pos..];
    let (sign, mark_len) = if rest.starts_with("RC") {
        (-1, 2)
    } else if rest.starts_with("RD") {
        (1, 2)
    } else if rest.starts_with('C') {
        (1, 1)
    } else if rest.starts_with('D') {
        (-1, 1)
    } else {
        let mark: String = rest
            .chars()
            .take_while(|c| !c.is_ascii_digit())
            .take(4)
            .collect();
        return Err(if mark.is_empty() {
            ":61: the debit/credit mark is missing (expected C, D, RC or RD before the amount)"
                .to_owned()
        } else {
            format!(":61: debit/credit mark {mark:?} is not C, D, RC or RD")
        });
    };
    pos += mark_len;
    // Optional funds code (third letter of the currency code).
    if b.get(pos).is_some_and(u8::is_ascii_alphabetic) {
        pos += 1;
    }

    let amount_len = b[pos..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b',' || **c == b'.')
        .count();
    let amount_text = &first[pos..pos + amount_len];
    let amount = match parse_amount(amount_text) {
        Ok(0) => {
            return Err(format!(
                ":61: amount {:?} must not be zero",
                excerpt(amount_text)
            ))
        }
        Ok(amount) => sign * amount,
        Err(kind) => return Err(amount_problem("61", amount_text, kind)),
    };
    pos += amount_len;

    let type_ok = matches!(b.get(pos), Some(b'N' | b'F' | b'S'))
        && b.len() >= pos + 4
        && b[pos + 1..pos + 4].iter().all(u8::is_ascii_alphanumeric);
    if !type_ok {
        let found: String = first[pos..].chars().take(4).collect();
        return Err(format!(
            ":61: transaction type {found:?} is not N, F or S followed by three characters \
             (e.g. NTRF)"
        ));
    }
    pos += 4;

    let references = &first[pos..];
    let (customer, bank) = references.split_once("//").unwrap_or((references, ""));
    let customer = customer.trim();
    let bank = bank.trim();
    let reference = if !bank.is_empty() {
        Some(bank)
    } else if !customer.is_empty() && !customer.eq_ignore_ascii_case("NONREF") {
        Some(customer)
    } else {
        None
    };

    Ok(StatementLine {
        booking_date,
        amount,
        reference: reference.map(str::to_owned),
        details,
    })
}

/// What a `:86:` narrative says.
#[derive(Debug, Default, PartialEq, Eq)]
struct Narrative {
    description: String,
    counterparty_name: Option<String>,
    counterparty_account: Option<String>,
    counterparty_bank: Option<String>,
}

/// Whether `text` (trimmed at the start) is a structured `?NN` narrative.
fn is_structured(text: &str) -> bool {
    let b = text.as_bytes();
    let code_first = b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b'?';
    let subfield_first = b.len() >= 3 && b[0] == b'?' && b[1..3].iter().all(u8::is_ascii_digit);
    code_first || subfield_first || text.contains("?20")
}

/// Collapses whitespace runs into single spaces and trims.
fn clean(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Appends `value` to `out` with a space between, skipping empty values.
fn append(out: &mut String, value: &str) {
    if value.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(value);
}

/// Parses a `:86:` field (tag included, lines separated by `\n`).
fn parse_narrative(field: &str) -> Narrative {
    let mut lines = field.split('\n');
    let first = lines.next().unwrap_or_default().trim_start();
    let first = first.strip_prefix(":86:").unwrap_or(first);
    let joined = if field.contains('?') {
        let mut joined = first.to_owned();
        joined.extend(lines.clone());
        joined
    } else {
        String::new() // cannot be structured
    };
    let joined = joined.trim_start();
    if !is_structured(joined) {
        return Narrative {
            description: join_trimmed(std::iter::once(first).chain(lines)),
            ..Narrative::default()
        };
    }

    // Split at every `?NN`; whatever precedes the first is the transaction code.
    let b = joined.as_bytes();
    let mut subfields: Vec<(u32, &str)> = Vec::new();
    let mut open: Option<(u32, usize)> = None;
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'?' && b[i + 1].is_ascii_digit() && b[i + 2].is_ascii_digit() {
            if let Some((code, start)) = open {
                subfields.push((code, &joined[start..i]));
            }
            open = Some((two_digits(&b[i + 1..]), i + 3));
            i += 3;
        } else {
            i += 1;
        }
    }
    if let Some((code, start)) = open {
        subfields.push((code, &joined[start..]));
    }

    let mut remittance = String::new();
    let mut posting_text = String::new();
    let mut name = String::new();
    let mut account = String::new();
    let mut bank = String::new();
    for (code, value) in subfields {
        let value = clean(value);
        match code {
            0 => append(&mut posting_text, &value),
            20..=29 | 60..=63 => append(&mut remittance, &value),
            30 => append(&mut bank, &value),
            31 => append(&mut account, &value),
            32 | 33 => append(&mut name, &value),
            _ => {}
        }
    }
    let some = |s: String| Some(s).filter(|s| !s.is_empty());
    Narrative {
        description: if remittance.is_empty() {
            posting_text
        } else {
            remittance
        },
        counterparty_name: some(name),
        counterparty_account: some(account),
        counterparty_bank: some(bank),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_readers::{Failing, Trickle};
    use chrono::TimeZone;

    fn read(input: &str) -> Vec<Result<Entry, RowError>> {
        Mt940Reader::new(input.as_bytes()).collect()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const HEAD: &str = ":20:REF\n:25:0123456789012\n:60F:C250101VND1000000,00\n";

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("1500000,00"), Ok(1_500_000));
        assert_eq!(parse_amount("1500000,"), Ok(1_500_000));
        assert_eq!(parse_amount("1500000"), Ok(1_500_000));
        assert_eq!(parse_amount("0,"), Ok(0));
        assert_eq!(parse_amount("0001,000"), Ok(1));
        assert_eq!(parse_amount("12,50"), Err(AmountErrorKind::NotWhole));
        assert_eq!(parse_amount("1,500"), Err(AmountErrorKind::NotWhole));
        assert_eq!(parse_amount(""), Err(AmountErrorKind::Empty));
        for bad in [",00", "1.500,00", "1,500,000", "1500000.00", "1 000", "-5,"] {
            assert_eq!(parse_amount(bad), Err(AmountErrorKind::Invalid), "{bad}");
        }
        assert_eq!(parse_amount("1000000000000000,"), Ok(MAX_ABS_VND));
        assert_eq!(
            parse_amount("1000000000000001,"),
            Err(AmountErrorKind::OutOfRange)
        );
        assert_eq!(
            parse_amount(&"9".repeat(100)),
            Err(AmountErrorKind::OutOfRange)
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_yymmdd(b"250422"), Some(date(2025, 4, 22)));
        assert_eq!(parse_yymmdd(b"790101"), Some(date(2079, 1, 1)));
        assert_eq!(parse_yymmdd(b"991231"), Some(date(1999, 12, 31)));
        assert_eq!(parse_yymmdd(b"250230"), None);
        assert_eq!(parse_yymmdd(b"25043"), None);
        assert_eq!(entry_date(date(2025, 12, 31), 1, 1), Some(date(2026, 1, 1)));
        assert_eq!(
            entry_date(date(2026, 1, 1), 12, 31),
            Some(date(2025, 12, 31))
        );
        assert_eq!(
            entry_date(date(2025, 4, 22), 4, 23),
            Some(date(2025, 4, 23))
        );
        // Only 2024 has a 29 February near this value date.
        assert_eq!(entry_date(date(2025, 1, 2), 2, 29), Some(date(2024, 2, 29)));
        assert_eq!(entry_date(date(2025, 1, 2), 2, 30), None);
        assert_eq!(entry_date(date(2025, 1, 2), 13, 1), None);
    }

    #[test]
    fn statement_line_layouts() {
        let line =
            parse_statement_line(":61:2504220423CN1500000,00NTRFABC//FT1\nDETAILS  ").unwrap();
        assert_eq!(line.booking_date, date(2025, 4, 23));
        assert_eq!(line.amount, 1_500_000);
        assert_eq!(line.reference.as_deref(), Some("FT1"));
        assert_eq!(line.details, "DETAILS");

        let line = parse_statement_line(":61:250422RC5,NMSCNONREF").unwrap();
        assert_eq!(line.amount, -5);
        assert_eq!(line.reference, None);
        let line = parse_statement_line(":61:250422RD5,S103nonref//").unwrap();
        assert_eq!(line.amount, 5);
        assert_eq!(line.reference, None);
        let line = parse_statement_line("  :61:250422D7FCHGCUST1  ").unwrap();
        assert_eq!(line.amount, -7);
        assert_eq!(line.reference.as_deref(), Some("CUST1"));
        assert_eq!(line.booking_date, date(2025, 4, 22));
    }

    #[test]
    fn statement_line_errors() {
        let err = |s: &str| parse_statement_line(s).unwrap_err();
        assert!(err(":61:ABC").starts_with(":61: \"ABC\" is not a valid statement line"));
        assert_eq!(
            err(":61:251341C1,NTRF"),
            ":61: value date \"251341\" is not a valid date (YYMMDD)"
        );
        assert_eq!(
            err(":61:2504221332C1,NTRF"),
            ":61: entry date \"1332\" is not a valid date (MMDD)"
        );
        assert_eq!(
            err(":61:250422X1,NTRF"),
            ":61: debit/credit mark \"X\" is not C, D, RC or RD"
        );
        assert_eq!(
            err(":61:2504221,NTRF"),
            ":61: the debit/credit mark is missing (expected C, D, RC or RD before the amount)"
        );
        assert_eq!(
            err(":61:250422C12,50NTRF"),
            ":61: amount \"12,50\" is not a whole number of VND"
        );
        assert_eq!(err(":61:250422CNTRF"), ":61: amount is missing");
        assert_eq!(
            err(":61:250422C0,00NTRF"),
            ":61: amount \"0,00\" must not be zero"
        );
        assert!(err(":61:250422C1.500,00NTRF")
            .starts_with(":61: amount \"1.500,00\" is not a valid MT940 amount"));
        assert_eq!(
            err(":61:250422C1,00XTRF"),
            ":61: transaction type \"XTRF\" is not N, F or S followed by three characters (e.g. NTRF)"
        );
        assert!(err(":61:250422C1,00N").starts_with(":61: transaction type \"N\""));
    }

    #[test]
    fn balances() {
        let ok = parse_balance("60F", " D250101vnd1500000, ").unwrap();
        assert_eq!((ok.amount, ok.currency.as_str()), (-1_500_000, "VND"));
        let (currency, message) = parse_balance("60F", "C250101USD12,50").unwrap_err();
        assert_eq!(currency.as_deref(), Some("USD"));
        assert_eq!(
            message,
            ":60F: amount \"12,50\" is not a whole number of VND"
        );
        let (_, message) = parse_balance("62M", "X250101VND1,").unwrap_err();
        assert!(message.starts_with(":62M: \"X250101VND1,\" is not a valid balance"));
        let (_, message) = parse_balance("60M", "C251301VND1,").unwrap_err();
        assert_eq!(
            message,
            ":60M: date \"251301\" is not a valid date (YYMMDD)"
        );
        assert!(parse_balance("60F", "C2501").is_err());
        assert!(parse_balance("60F", "Cđ50101VND1,").is_err());
    }

    #[test]
    fn narratives() {
        assert_eq!(
            parse_narrative(":86:DH1042 NGUYEN VAN A\n   chuyen tien  "),
            Narrative {
                description: "DH1042 NGUYEN VAN A chuyen tien".into(),
                ..Narrative::default()
            }
        );
        let structured = parse_narrative(
            ":86:166?00GUTSCHRIFT?109251?20EREF+DH1042?21SVWZ+Thanh to\nan don?30BFTVVNVX\n?31VN1234?32CONG TY  TNHH?33ABC?34997",
        );
        assert_eq!(structured.description, "EREF+DH1042 SVWZ+Thanh toan don");
        assert_eq!(
            structured.counterparty_name.as_deref(),
            Some("CONG TY TNHH ABC")
        );
        assert_eq!(structured.counterparty_account.as_deref(), Some("VN1234"));
        assert_eq!(structured.counterparty_bank.as_deref(), Some("BFTVVNVX"));
        let posting_only = parse_narrative(":86:?00PHI QUAN LY?10000");
        assert_eq!(posting_only.description, "PHI QUAN LY");
        assert_eq!(posting_only.counterparty_name, None);
        // A `?` not followed by two digits is text.
        assert_eq!(parse_narrative(":86:?20a?b?2").description, "a?b?2");
    }

    #[test]
    fn tags() {
        assert_eq!(split_tag(":20:X"), Some(("20", "X")));
        assert_eq!(split_tag(":60F:C"), Some(("60F", "C")));
        assert_eq!(split_tag(":61:"), Some(("61", "")));
        assert_eq!(split_tag(":6:"), None);
        assert_eq!(split_tag(":60f:"), None);
        assert_eq!(split_tag("20:"), None);
        assert_eq!(split_tag(":NS:"), None);
    }

    #[test]
    fn capped_text_counts_beyond_the_cap() {
        let mut capped = Capped::new(&"đ".repeat(MAX_FIELD_CHARS - 1));
        assert!(!capped.overflowed());
        capped.push_line("x");
        assert!(capped.overflowed());
        assert_eq!(capped.text.chars().count(), MAX_FIELD_CHARS);
        assert_eq!(capped.chars, MAX_FIELD_CHARS + 1);
    }

    #[test]
    fn running_balance_and_booking_time() {
        let rows = read(&format!(
            "{HEAD}:61:250102C500000,NTRFA\n:61:250103D200000,NTRFB\n:62F:C250103VND1300000,\n"
        ));
        let entries: Vec<Entry> = rows.into_iter().map(Result::unwrap).collect();
        assert_eq!(entries[0].balance, Some(1_500_000));
        assert_eq!(entries[1].balance, Some(1_300_000));
        assert_eq!(
            entries[0].booked_at,
            Utc.with_ymd_and_hms(2025, 1, 1, 17, 0, 0).unwrap()
        );
    }

    #[test]
    fn lone_cr_line_endings() {
        let input = HEAD.replace('\n', "\r") + ":61:250102C5,NTRFA\r:86:x\r\n:61:250102C6,NTRFB\r";
        let entries: Vec<Entry> = read(&input).into_iter().map(Result::unwrap).collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].line, 4);
        assert_eq!(entries[0].description, "x");
        assert_eq!(entries[1].line, 6);
    }

    #[test]
    fn latin1_fallback() {
        let mut input = HEAD.as_bytes().to_vec();
        input.extend_from_slice(b":61:250102C5,NTRFA\n:86:M\xfcller\n");
        let rows: Vec<_> = Mt940Reader::new(&input[..]).collect();
        assert_eq!(rows[0].as_ref().unwrap().description, "Müller");
    }

    #[test]
    fn bom_is_ignored() {
        let input = format!("\u{feff}{HEAD}:61:250102C5,NTRFA\n");
        assert_eq!(read(&input)[0].as_ref().unwrap().amount, 5);
    }

    #[test]
    fn empty_and_tagless_inputs() {
        let rows = read("");
        assert_eq!(rows.len(), 1);
        assert!(rows[0]
            .as_ref()
            .unwrap_err()
            .message
            .starts_with("the file is empty"));
        let rows = read("time,description,amount\n2025-04-22,a,1\n");
        assert_eq!(rows.len(), 1);
        let error = rows[0].as_ref().unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.starts_with("no MT940 statement found"));
        // A message with no entries yields nothing.
        assert!(read(":20:X\n:25:1\n-\n").is_empty());
    }

    #[test]
    fn io_errors_end_iteration() {
        let input = b":20:X\n:25:1\n:61:250101C1,NTRFA\n:61:250101C2,NTRFB\n";
        let rows: Vec<_> = Mt940Reader::new(io::BufReader::new(Failing(input))).collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].as_ref().unwrap().amount, 1);
        let error = rows[1].as_ref().unwrap_err();
        assert_eq!(error.line, 5);
        assert_eq!(error.message, "could not read the file: disk on fire");
    }

    #[test]
    fn byte_by_byte_reads_match() {
        let input = format!(
            "\u{feff}{}:61:250102C5,NTRFA\r\n:86:a\r\n b\r\r\n:61:250102C6,NTRFB\r",
            HEAD.replace('\n', "\r\n")
        );
        let whole = read(&input);
        let trickled: Vec<_> =
            Mt940Reader::new(io::BufReader::with_capacity(1, Trickle(input.as_bytes()))).collect();
        assert_eq!(whole, trickled);
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[0].as_ref().unwrap().description, "a b");
        assert_eq!(whole[1].as_ref().unwrap().line, 8);
    }
}
