//! Streaming reader for ISO 20022 camt.052, camt.053 and camt.054 files.
//!
//! Banks that speak ISO 20022 deliver account information as XML "cash
//! management" (camt) messages. [`CamtReader`] reads the three kinds a
//! business receives and turns their booked entries into [`Entry`] values.
//!
//! # Accepted messages and versions
//!
//! | message | root element | statement element | [`CamtKind`] |
//! |---|---|---|---|
//! | camt.052 account report (intraday) | `BkToCstmrAcctRpt` | `Rpt` | [`CamtKind::Report`] |
//! | camt.053 account statement (end of day) | `BkToCstmrStmt` | `Stmt` | [`CamtKind::Statement`] |
//! | camt.054 debit/credit notification | `BkToCstmrDbtCdtNtfctn` | `Ntfctn` | [`CamtKind::Notification`] |
//!
//! - The message element sits under the `Document` root element (a file whose
//!   root is the message element itself is accepted too). Any other root —
//!   a pain.001 payment file, an MT940 or CSV file renamed to `.xml` — is
//!   rejected with one error at line 1.
//! - Every version is accepted (`urn:iso:std:iso:20022:tech:xsd:camt.053.001.02`
//!   up to `.001.08` and later): elements are matched by their local name,
//!   whatever the namespace or prefix, and the differences between versions
//!   listed below are handled.
//! - A message may hold several statements (several accounts, or several
//!   days); each is read in turn, with its own account and balances.
//! - The file must be UTF-8 (a byte-order mark is ignored); a file that
//!   declares another encoding in its `<?xml ... encoding="..."?>` line is
//!   rejected.
//!
//! # Which entries become transactions
//!
//! Every `Ntry` of a statement whose status (`Sts`, plain text such as
//! `<Sts>BOOK</Sts>` in older versions, `<Sts><Cd>BOOK</Cd></Sts>` in newer
//! ones) is `BOOK` becomes one [`Entry`]; an entry without a status counts as
//! booked. Entries with status `PDNG` (pending, typical of intraday camt.052
//! reports), `INFO` or `FUTR` are skipped without an error and do not count
//! towards the running balance. Any other status is an error for that entry.
//!
//! For each booked entry:
//!
//! - **Amount**: `Amt`, whose `Ccy` attribute must be `VND` (any other
//!   currency is an error naming it), written with a dot as decimal
//!   separator; the fractional part must be all zeros (`1500000`,
//!   `1500000.00` and `1500000.` are 1,500,000 đồng; `12.50` is an error).
//!   The sign comes from `CdtDbtInd`: `CRDT` is money in (positive), `DBIT`
//!   money out (negative). A zero amount is an error.
//! - **Reversals**: `RvslInd` (`true`) marks a reversal. As the ISO 20022
//!   usage rule says, `CdtDbtInd` of a reversal entry already gives the
//!   direction of the reversal itself (a `CRDT` reversal undoes an earlier
//!   debit, so money comes back in), so the indicator does not change the
//!   amount's sign; it only decides which party is the counterparty (see
//!   below).
//! - **Time**: `BookgDt`, or `ValDt` when there is no booking date. A date
//!   alone (`<Dt>2025-04-22</Dt>`) means 00:00 Vietnam time (UTC+7), or
//!   00:00 in the zone it names (`2025-04-22Z`, `2025-04-22+07:00`); a date
//!   and time (`<DtTm>`) with an offset (`2025-04-22T09:30:00+07:00`, `...Z`)
//!   is taken as is, and without an offset it is Vietnam time.
//! - **Reference**: the entry's `AcctSvcrRef`; else, from the entry's
//!   transaction details (`NtryDtls/TxDtls/Refs`), `AcctSvcrRef`, then
//!   `TxId`, then `EndToEndId`. The placeholder `NOTPROVIDED` is ignored.
//! - **Description**: the transaction details' unstructured remittance
//!   information (`RmtInf/Ustrd`; several are each trimmed and joined with a
//!   space); else `AddtlTxInf`; else the entry's `AddtlNtryInf`; trimmed.
//!   It may be empty.
//! - **Counterparty**: for a credit the debtor, for a debit the creditor
//!   (for a reversal the other way round, since the parties named are those
//!   of the original payment): the name from `RltdPties/Dbtr/Nm` (or
//!   `RltdPties/Dbtr/Pty/Nm` in newer versions), the account from
//!   `RltdPties/DbtrAcct/Id/IBAN` or `.../Id/Othr/Id`, the bank from
//!   `RltdAgts/DbtrAgt/FinInstnId`: its `BICFI` (`BIC` in older versions),
//!   else its `Nm`, else `ClrSysMmbId/MmbId`; likewise `Cdtr`, `CdtrAcct`
//!   and `CdtrAgt` for a debit.
//! - **Account**: the statement's own account, `Acct/Id/IBAN` or
//!   `Acct/Id/Othr/Id`, is copied into every entry ([`Entry::account`]);
//!   `Acct/Ccy` is not used (each amount names its own currency).
//! - When an element that holds one value appears more than once, the first
//!   one counts.
//! - **Batch bookings**: an entry with several `TxDtls` (for example a
//!   salary batch booked as one debit) becomes one [`Entry`] with the
//!   entry's total amount; the reference, description and counterparty come
//!   from the first `TxDtls`.
//! - [`Entry::line`] is the line on which `<Ntry>` starts and [`Entry::raw`]
//!   the entry's XML source text, from `<Ntry>` to `</Ntry>` (cut to its
//!   first 4,000 characters).
//!
//! # Balances
//!
//! A statement's opening balance is its `Bal` with type code
//! (`Tp/CdOrPrtry/Cd`) `OPBD` (opening booked), else `PRCD` (previous
//! closing booked); in a camt.052 report, the first `ITBD` (interim booked)
//! balance is used when there is neither. A balance's sign comes from its
//! `CdtDbtInd` (`DBIT` is negative; a zero balance may omit it); it must be
//! in VND and whole, like amounts. Other balance types (`CLAV`, `FWAV`, ...)
//! are ignored. Balances come before the entries in a camt statement; one
//! that comes after the first entry can no longer open the running balance.
//!
//! When there is an opening balance, [`Entry::balance`] is the opening
//! balance plus the amounts of the statement's booked entries up to and
//! including this one, in document order. At the end of the statement, if
//! it has a `CLBD` (closing booked) balance that differs from that running
//! balance, one error is reported at the `CLBD` balance's line, naming both
//! amounts: some entry is missing from the file, or the bank's balances do
//! not add up.
//!
//! Without an opening balance (camt.054 notifications usually carry none),
//! [`Entry::balance`] is `None`. After an entry whose amount cannot be read
//! (an error, another currency, an unknown status), the running balance is
//! no longer known: the rest of that statement's entries have no balance and
//! the closing balance is not checked. An entry with other problems (such
//! as a bad date) still counts towards the running balance, since the bank
//! did book its amount.
//!
//! # Errors
//!
//! - Items come in document order: entries, errors for unreadable balances
//!   (at their `<Bal>` line) and closing-balance mismatches (when the
//!   statement ends).
//! - A problem with one entry (missing or invalid `Amt`, `CdtDbtInd` or date,
//!   another currency, text that is not UTF-8, ...) is reported once for that
//!   entry, at the line of its `<Ntry>`, with all its problems joined by
//!   `"; "`; reading goes on with the next entry.
//! - XML that is not well-formed (a truncated file, a mismatched end tag, an
//!   unclosed reference, ...) is reported once, with the line, and ends the
//!   iteration: entries before that point have already been returned. When
//!   the file ends inside an entry, the error is at that entry's line.
//! - A file that is not camt (another root element, not XML at all, empty)
//!   gives one error at line 1.
//! - For safety and bounded memory, a single XML text or tag longer than
//!   64 KiB, or elements nested more than 256 deep, end the iteration with an
//!   error; a value read (an amount, a name, ...) longer than 64 KiB in all
//!   is an error for its entry.
//! - No DTD is processed: a `<!DOCTYPE ...>` is skipped without being read,
//!   external entities are never loaded and no entity is expanded except the
//!   five predefined ones (`&lt;` `&gt;` `&amp;` `&apos;` `&quot;`) and
//!   character references (`&#7897;`). Any other entity reference in a value
//!   that is read is an error for that value.
//!
//! # Example
//!
//! ```
//! use statements::{CamtKind, CamtReader};
//!
//! let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
//! <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
//!   <BkToCstmrStmt>
//!     <Stmt>
//!       <Acct><Id><Othr><Id>0071001234567</Id></Othr></Id></Acct>
//!       <Bal>
//!         <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
//!         <Amt Ccy="VND">15000000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
//!         <Dt><Dt>2025-04-22</Dt></Dt>
//!       </Bal>
//!       <Ntry>
//!         <Amt Ccy="VND">1200000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
//!         <Sts>BOOK</Sts><BookgDt><DtTm>2025-04-22T09:30:00+07:00</DtTm></BookgDt>
//!         <AcctSvcrRef>FT25112ABC</AcctSvcrRef>
//!         <NtryDtls><TxDtls>
//!           <RltdPties><Dbtr><Nm>NGUYEN VAN A</Nm></Dbtr></RltdPties>
//!           <RmtInf><Ustrd>DH1042 chuyen tien</Ustrd></RmtInf>
//!         </TxDtls></NtryDtls>
//!       </Ntry>
//!     </Stmt>
//!   </BkToCstmrStmt>
//! </Document>"#;
//! let mut reader = CamtReader::new(xml.as_bytes());
//! assert_eq!(reader.kind(), Some(CamtKind::Statement));
//! let entry = reader.next().unwrap()?;
//! assert_eq!(entry.amount, 1_200_000);
//! assert_eq!(entry.balance, Some(16_200_000));
//! assert_eq!(entry.description, "DH1042 chuyen tien");
//! assert_eq!(entry.counterparty_name.as_deref(), Some("NGUYEN VAN A"));
//! assert_eq!(entry.account.as_deref(), Some("0071001234567"));
//! assert_eq!(entry.booked_at.to_rfc3339(), "2025-04-22T02:30:00+00:00");
//! assert_eq!(entry.line, 11);
//! assert!(reader.next().is_none());
//! # Ok::<(), statements::RowError>(())
//! ```

use std::fmt;
use std::io::{self, BufRead, Read};

use chrono::{DateTime, Utc};
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

use crate::{excerpt, parse_time, Entry, RowError, MAX_ABS_VND};

/// Longest [`Entry::raw`] kept, in characters.
const MAX_RAW_CHARS: usize = 4_000;
/// Bytes of an entry's source kept for [`Entry::raw`] (enough for
/// [`MAX_RAW_CHARS`] characters of any UTF-8 text).
const MAX_RAW_BYTES: usize = 4 * MAX_RAW_CHARS;
/// Longest single XML event (a text run, a tag, a comment, ...) in bytes,
/// and longest text collected for one value.
const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Largest slice of the input handed to the XML parser at once, so that an
/// over-long event is caught after at most this many extra bytes.
const MAX_CHUNK: usize = 4 * 1024;
/// Deepest element nesting accepted.
const MAX_DEPTH: usize = 256;

/// Which camt message a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CamtKind {
    /// camt.052 bank-to-customer account report (`BkToCstmrAcctRpt`), usually intraday.
    Report,
    /// camt.053 bank-to-customer statement (`BkToCstmrStmt`), usually end of day.
    Statement,
    /// camt.054 bank-to-customer debit/credit notification (`BkToCstmrDbtCdtNtfctn`).
    Notification,
}

impl CamtKind {
    /// The message's short name: `camt.052`, `camt.053` or `camt.054`.
    pub fn message_name(self) -> &'static str {
        match self {
            Self::Report => "camt.052",
            Self::Statement => "camt.053",
            Self::Notification => "camt.054",
        }
    }
}

impl fmt::Display for CamtKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Report => "camt.052 account report",
            Self::Statement => "camt.053 account statement",
            Self::Notification => "camt.054 debit/credit notification",
        })
    }
}

/// Streams the booked entries of a camt.052, camt.053 or camt.054 file as
/// [`Entry`] values.
///
/// The rules are in the [module documentation](self). Created with
/// [`CamtReader::new`]; iterate to get one `Result<Entry, RowError>` per
/// booked entry, plus an error for each balance that cannot be read and for
/// each statement whose closing balance does not match. A bad entry yields
/// a [`RowError`] and iteration carries on with the next one; malformed XML
/// or an I/O error is reported once and ends the iteration.
///
/// The XML is read as a stream of events: memory use is bounded by one entry
/// (and the 64 KiB limits), not by the size of the file.
pub struct CamtReader<R: BufRead> {
    xml: quick_xml::Reader<Limited<R>>,
    buf: Vec<u8>,
    raw: RawRecorder,
    /// Local names of the open elements, outermost first.
    stack: Vec<Tag>,
    /// A root element has been opened.
    root_seen: bool,
    kind: Option<CamtKind>,
    /// Depth (index in `stack`) of the message element, once known.
    message_depth: Option<usize>,
    statement: Option<Statement>,
    /// The value being collected, if the innermost open element is one we read.
    field: Option<Field>,
    text: String,
    text_problem: Option<String>,
    /// An item produced while [`CamtReader::new`] looked for the message element.
    pending: Option<Result<Entry, RowError>>,
    done: bool,
}

impl<R: BufRead> fmt::Debug for CamtReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CamtReader")
            .field("kind", &self.kind)
            .field("depth", &self.stack.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R: BufRead> CamtReader<R> {
    /// Starts reading a camt document from `reader`.
    ///
    /// Reads just far enough to find the message element (so that
    /// [`CamtReader::kind`] is known); a problem found on the way (not XML,
    /// not camt, an I/O error) is returned by the first call to `next`.
    /// Wrap a [`std::fs::File`] in a [`std::io::BufReader`]; a byte slice
    /// can be passed as is.
    pub fn new(reader: R) -> Self {
        let mut xml = quick_xml::Reader::from_reader(Limited::new(reader));
        let config = xml.config_mut();
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.allow_dangling_amp = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
        let mut camt = Self {
            xml,
            buf: Vec::new(),
            raw: RawRecorder::default(),
            stack: Vec::new(),
            root_seen: false,
            kind: None,
            message_depth: None,
            statement: None,
            field: None,
            text: String::new(),
            text_problem: None,
            pending: None,
            done: false,
        };
        while camt.message_depth.is_none() && camt.pending.is_none() && !camt.done {
            camt.pending = camt.step();
        }
        camt
    }

    /// Which message the file holds, from its message element
    /// (`BkToCstmrStmt`, `BkToCstmrAcctRpt` or `BkToCstmrDbtCdtNtfctn`);
    /// `None` if the file is not a camt.052/053/054 document.
    pub fn kind(&self) -> Option<CamtKind> {
        self.kind
    }

    /// Reads one XML event and acts on it; returns an item if one is ready.
    fn step(&mut self) -> Option<Result<Entry, RowError>> {
        self.xml.get_mut().start_event();
        let mut buf = std::mem::take(&mut self.buf);
        // quick-xml appends each event's bytes to `buf`, delimiters included.
        // Inside an entry they are kept: `buf` then holds the entry's source.
        if !self.raw.in_buf {
            buf.clear();
        }
        let event_start = buf.len();
        let mut item = match self.xml.read_event_into(&mut buf) {
            Ok(event) => self.on_event(event),
            Err(error) => {
                let line = self.line_before(&buf[event_start..]);
                Some(self.xml_error(&error, line))
            }
        };
        if self.raw.complete || self.raw.in_buf && buf.len() > MAX_RAW_BYTES {
            if let Some(raw) = self.raw.after_event(&buf) {
                if let Some(Ok(entry)) = item.as_mut() {
                    entry.raw = raw;
                }
            }
        }
        self.buf = buf;
        item
    }

    /// The line on which the event just read starts, given the bytes it
    /// consumed, or the part of them that can hold line breaks (for a tag,
    /// the text between `<` and `>`).
    fn line_before(&mut self, consumed: &[u8]) -> u64 {
        self.xml.get_mut().line_before(consumed)
    }

    /// The line of the next byte to read.
    fn line_now(&mut self) -> u64 {
        self.xml.get_mut().line()
    }

    /// Acts on the event just read.
    fn on_event(&mut self, event: Event<'_>) -> Option<Result<Entry, RowError>> {
        match event {
            Event::Start(start) => self.on_start(&start),
            Event::Empty(start) => match self.on_start(&start) {
                Some(item) => Some(item),
                None if self.done => None,
                None => self.on_end(),
            },
            Event::End(_) => self.on_end(),
            Event::Text(text) => {
                if self.field.is_some() {
                    self.push_raw_text(&text);
                    None
                } else {
                    self.outside_text(&text)
                }
            }
            Event::CData(cdata) => {
                if self.field.is_some() {
                    self.push_raw_text(&cdata);
                    None
                } else {
                    self.outside_text(b"x")
                }
            }
            Event::GeneralRef(reference) => {
                if self.field.is_some() {
                    match resolve_reference(&reference) {
                        Ok(c) => {
                            let mut utf8 = [0; 4];
                            self.push_text(c.encode_utf8(&mut utf8));
                        }
                        Err(problem) => self.set_text_problem(problem),
                    }
                    None
                } else {
                    self.outside_text(b"x")
                }
            }
            Event::Decl(decl) => match decl.encoding() {
                Some(Ok(encoding)) if !is_utf8_name(&encoding) => Some(self.fatal(
                    1,
                    format!(
                        "the file declares the encoding {:?}: only UTF-8 camt files are \
                         supported (export or save the file as UTF-8)",
                        excerpt(&String::from_utf8_lossy(&encoding))
                    ),
                )),
                _ => None,
            },
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => None,
            Event::Eof => self.on_eof(),
        }
    }

    /// Text outside any value we read: only whitespace is allowed outside
    /// the root element.
    fn outside_text(&mut self, text: &[u8]) -> Option<Result<Entry, RowError>> {
        if !self.stack.is_empty() || text.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(if self.root_seen {
            let line = self.line_before(text);
            self.fatal(
                line,
                "malformed XML: text after the end of the root element".to_owned(),
            )
        } else {
            self.fatal(
                1,
                "not a camt.052/053/054 document: the file does not start with an XML element"
                    .to_owned(),
            )
        })
    }

    fn on_start(&mut self, start: &BytesStart<'_>) -> Option<Result<Entry, RowError>> {
        let name = local_name(start);
        let tag = Tag::of(name);
        let depth = self.stack.len();
        if depth >= MAX_DEPTH {
            let line = self.line_before(start);
            return Some(self.fatal(
                line,
                format!("the XML nests elements more than {MAX_DEPTH} deep"),
            ));
        }
        self.field = None;
        if depth == 0 {
            if self.root_seen {
                let line = self.line_before(start);
                return Some(self.fatal(
                    line,
                    "malformed XML: a second root element after the end of the document".to_owned(),
                ));
            }
            self.root_seen = true;
            if let Some(kind) = tag.message_kind() {
                self.kind = Some(kind);
                self.message_depth = Some(0);
            } else if tag != Tag::Document {
                return Some(self.fatal(
                    1,
                    format!(
                        "not a camt.052/053/054 document: the root element is <{}> \
                         (expected <Document>)",
                        excerpt(&String::from_utf8_lossy(name))
                    ),
                ));
            }
        } else if depth == 1 && self.message_depth.is_none() {
            // The first element inside <Document> names the message.
            match tag.message_kind() {
                Some(kind) => {
                    self.kind = Some(kind);
                    self.message_depth = Some(1);
                }
                None => {
                    return Some(self.fatal(
                        1,
                        format!(
                            "not a camt.052/053/054 document: <Document> holds <{}> \
                             (expected BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn)",
                            excerpt(&String::from_utf8_lossy(name))
                        ),
                    ))
                }
            }
        }
        self.stack.push(tag);

        let message_depth = self.message_depth?;
        if depth == message_depth + 1 {
            if matches!(tag, Tag::Stmt | Tag::Rpt | Tag::Ntfctn) {
                self.statement = Some(Statement::new(depth));
            }
            return None;
        }
        let statement = self.statement.as_mut()?;
        let relative = &self.stack[statement.depth + 1..];
        match relative {
            [Tag::Ntry] => {
                self.raw.start();
                let line = self.xml.get_mut().line_before(start);
                statement.entry = Some(EntryState::new(line));
            }
            [Tag::Bal] => {
                let line = self.xml.get_mut().line_before(start);
                statement.balance = Some(BalanceState::new(line));
            }
            [Tag::Ntry, Tag::NtryDtls, Tag::TxDtls] => {
                if let Some(entry) = statement.entry.as_mut() {
                    entry.tx_count = entry.tx_count.saturating_add(1);
                }
            }
            _ => {
                let field = classify(relative)?;
                let in_first_tx = statement.entry.as_ref().is_some_and(|e| e.tx_count <= 1);
                if matches!(field, Field::Entry(EntryField::Tx(_))) && !in_first_tx {
                    return None;
                }
                match field {
                    Field::Entry(EntryField::Amt) => {
                        if let Some(entry) = statement.entry.as_mut() {
                            if entry.currency.is_none() {
                                entry.currency = Some(currency(start, self.xml.decoder()));
                            }
                        }
                    }
                    Field::BalanceAmt => {
                        if let Some(balance) = statement.balance.as_mut() {
                            if balance.currency.is_none() {
                                balance.currency = Some(currency(start, self.xml.decoder()));
                            }
                        }
                    }
                    _ => {}
                }
                self.field = Some(field);
                self.text.clear();
                self.text_problem = None;
            }
        }
        None
    }

    fn on_end(&mut self) -> Option<Result<Entry, RowError>> {
        let field = self.field.take();
        let tag = self.stack.pop()?;
        let depth = self.stack.len();
        if let Some(field) = field {
            return self.store(field);
        }
        if depth == 0 && self.message_depth.is_none() {
            return Some(
                self.fatal(
                    1,
                    "not a camt.052/053/054 document: <Document> holds no BkToCstmrStmt, \
                 BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn message"
                        .to_owned(),
                ),
            );
        }
        let kind = self.kind;
        let statement = self.statement.as_mut()?;
        if depth == statement.depth {
            let statement = self.statement.take()?;
            return statement.finish(kind);
        }
        if depth != statement.depth + 1 {
            return None;
        }
        match tag {
            Tag::Ntry => {
                let entry = statement.entry.take()?;
                // The source is complete once `</Ntry>` is added, after this
                // event: `step` then fills in `Entry::raw`.
                self.raw.complete = true;
                statement.finish_entry(entry, kind)
            }
            Tag::Bal => {
                let balance = statement.balance.take()?;
                statement.finish_balance(balance, kind)
            }
            _ => None,
        }
    }

    /// Stores the text collected for `field`, which has just ended.
    fn store(&mut self, field: Field) -> Option<Result<Entry, RowError>> {
        let problem = self.text_problem.take();
        // The text buffer is reused: cleared when the next value starts.
        let value = self.text.trim();
        let statement = self.statement.as_mut()?;
        match field {
            Field::Account => {
                if let Some(problem) = problem {
                    return Some(Err(RowError {
                        line: self.xml.get_mut().line(),
                        message: format!("the statement's account (Acct/Id) {problem}"),
                    }));
                }
                if statement.account.is_none() && !value.is_empty() {
                    statement.account = Some(value.to_owned());
                }
            }
            Field::BalanceCode | Field::BalanceAmt | Field::BalanceIndicator => {
                let balance = statement.balance.as_mut()?;
                if let Some(problem) = problem {
                    balance
                        .problems
                        .push(format!("{} {problem}", field.label()));
                    return None;
                }
                let slot = match field {
                    Field::BalanceCode => &mut balance.code,
                    Field::BalanceAmt => &mut balance.amount,
                    _ => &mut balance.indicator,
                };
                if slot.is_none() {
                    *slot = Some(value.to_owned());
                }
            }
            Field::Entry(entry_field) => {
                let entry = statement.entry.as_mut()?;
                if let Some(problem) = problem {
                    entry.problems.push(format!("{} {problem}", field.label()));
                    if entry_field == EntryField::Status {
                        entry.status = Some(Status::Unknown(String::new()));
                    }
                    return None;
                }
                entry.store(entry_field, value);
            }
        }
        None
    }

    fn on_eof(&mut self) -> Option<Result<Entry, RowError>> {
        self.done = true;
        let line = self.line_now();
        if !self.root_seen {
            return Some(Err(RowError {
                line: 1,
                message: "the file is empty: expected a camt.052/053/054 XML document".to_owned(),
            }));
        }
        let innermost = *self.stack.last()?;
        let entry_line = self
            .statement
            .as_ref()
            .and_then(|s| s.entry.as_ref())
            .map(|e| e.line);
        Some(Err(match entry_line {
            Some(entry_line) => RowError {
                line: entry_line,
                message: "the file ends inside this entry (<Ntry> is not closed): \
                          the XML is truncated"
                    .to_owned(),
            },
            None => RowError {
                line,
                message: match innermost.name() {
                    Some(name) => format!("the file ends before </{name}>: the XML is truncated"),
                    None => "the file ends before the XML document is complete: \
                             the XML is truncated"
                        .to_owned(),
                },
            },
        }))
    }

    /// Turns an XML parser error into the final item.
    fn xml_error(&mut self, error: &quick_xml::Error, line: u64) -> Result<Entry, RowError> {
        let message = if self.xml.get_ref().too_long {
            format!(
                "the XML has a text or tag longer than {} KiB: this is not a bank \
                 statement, or it is damaged",
                MAX_TEXT_BYTES / 1024
            )
        } else {
            match error {
                quick_xml::Error::Io(io) => format!("could not read the file: {io}"),
                other => format!("malformed XML: {other}"),
            }
        };
        self.fatal(line, message)
    }

    /// Ends the iteration with an error at `line`.
    fn fatal(&mut self, line: u64, message: String) -> Result<Entry, RowError> {
        self.done = true;
        Err(RowError { line, message })
    }

    /// Adds the bytes of a text or CDATA section to the value being
    /// collected: UTF-8 checked, line ends normalized to `\n` as XML says.
    fn push_raw_text(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(text) if !bytes.contains(&b'\r') => self.push_text(text),
            Ok(text) => self.push_text(&text.replace("\r\n", "\n").replace('\r', "\n")),
            Err(_) => self.set_text_problem(NOT_UTF8.to_owned()),
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.text.len() + text.len() > MAX_TEXT_BYTES {
            self.set_text_problem(format!("is longer than {} KiB", MAX_TEXT_BYTES / 1024));
        } else {
            self.text.push_str(text);
        }
    }

    fn set_text_problem(&mut self, problem: String) {
        self.text_problem.get_or_insert(problem);
    }
}

/// The unsigned VND amount of an `Amt` element (its text and its `Ccy` attribute, as read),
/// or why not: `missing` when there is no amount, and `supported` naming what only VND is
/// supported for in the currency message.
fn vnd_amount(
    amount: &Option<String>,
    currency: &Option<Result<Option<String>, String>>,
    missing: &str,
    supported: &str,
) -> Result<i64, String> {
    match (amount, currency) {
        (None, _) => Err(missing.to_owned()),
        (Some(_), Some(Err(problem))) => Err(format!("amount (Amt) {problem}")),
        (Some(_), None | Some(Ok(None))) => {
            Err("amount (Amt) has no currency (Ccy attribute)".to_owned())
        }
        (Some(_), Some(Ok(Some(ccy)))) if ccy != "VND" => Err(format!(
            "currency {:?} is not VND (only VND {supported} are supported)",
            excerpt(ccy)
        )),
        (Some(text), Some(Ok(Some(_)))) => {
            parse_amount(text).map_err(|problem| format!("amount (Amt) {problem}"))
        }
    }
}

impl<R: BufRead> Iterator for CamtReader<R> {
    type Item = Result<Entry, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(item) = self.pending.take() {
            return Some(item);
        }
        while !self.done {
            if let Some(item) = self.step() {
                return Some(item);
            }
        }
        None
    }
}

const NOT_UTF8: &str = "is not valid UTF-8 (the file must be UTF-8)";

/// The element's name without its namespace prefix (`Ntry` for `ns2:Ntry`).
fn local_name<'a>(start: &'a BytesStart<'_>) -> &'a [u8] {
    let name = start.name().into_inner();
    match name.iter().position(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// Whether an `encoding` declaration names UTF-8 (or its subset ASCII).
fn is_utf8_name(name: &[u8]) -> bool {
    ["utf-8", "utf8", "us-ascii", "ascii"]
        .iter()
        .any(|accepted| name.eq_ignore_ascii_case(accepted.as_bytes()))
}

/// Resolves `&name;`: character references and the five predefined entities
/// only. Anything else is never expanded.
fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<char, String> {
    let name = reference.decode().map_err(|_| NOT_UTF8.to_owned())?;
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            _ => Err(format!(
                "has an invalid character reference &{};",
                excerpt(&name)
            )),
        };
    }
    match name.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(format!(
            "uses the entity &{};, which is not expanded (only &lt; &gt; &amp; &apos; &quot; \
             and character references are)",
            excerpt(other)
        )),
    }
}

/// The `Ccy` attribute of an `Amt` element: `Ok(None)` when absent.
fn currency(start: &BytesStart<'_>, decoder: quick_xml::Decoder) -> Result<Option<String>, String> {
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| format!("has a malformed attribute: {e}"))?;
        if attribute.key.local_name().as_ref() == b"Ccy" {
            return attribute
                .decoded_and_normalized_value(XmlVersion::Implicit1_0, decoder)
                .map(|value| Some(value.trim().to_owned()))
                .map_err(|e| format!("has an unreadable Ccy attribute: {e}"));
        }
    }
    Ok(None)
}

/// State of the statement (`Stmt`, `Rpt` or `Ntfctn`) being read.
#[derive(Debug)]
struct Statement {
    /// Depth (index in the element stack) of the statement element.
    depth: usize,
    account: Option<String>,
    opening_booked: Option<i64>,
    previous_closing: Option<i64>,
    interim_booked: Option<i64>,
    /// The `CLBD` balance and the line of its `<Bal>`.
    closing: Option<(i64, u64)>,
    running: Running,
    entry: Option<EntryState>,
    balance: Option<BalanceState>,
}

/// The running balance of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Running {
    /// No entry read yet: the opening balance may still come.
    NotStarted,
    Known(i64),
    /// No opening balance, or an entry's amount could not be read.
    Unknown,
}

impl Statement {
    fn new(depth: usize) -> Self {
        Self {
            depth,
            account: None,
            opening_booked: None,
            previous_closing: None,
            interim_booked: None,
            closing: None,
            running: Running::NotStarted,
            entry: None,
            balance: None,
        }
    }

    /// Fixes the opening balance when the first entry (or the end) comes.
    fn start_running(&mut self, kind: Option<CamtKind>) {
        if self.running == Running::NotStarted {
            let interim = if kind == Some(CamtKind::Report) {
                self.interim_booked
            } else {
                None
            };
            self.running = match self.opening_booked.or(self.previous_closing).or(interim) {
                Some(opening) => Running::Known(opening),
                None => Running::Unknown,
            };
        }
    }

    fn finish_entry(
        &mut self,
        entry: EntryState,
        kind: Option<CamtKind>,
    ) -> Option<Result<Entry, RowError>> {
        let EntryState {
            line, mut problems, ..
        } = entry;
        let booked = match entry.status {
            None | Some(Status::Booked) => true,
            Some(Status::NotBooked) => return None,
            Some(Status::Unknown(problem)) => {
                // Empty when the problem was reported with the text already.
                if !problem.is_empty() {
                    problems.push(problem);
                }
                false
            }
        };
        self.start_running(kind);

        let magnitude = match vnd_amount(
            &entry.amount,
            &entry.currency,
            "the entry has no amount (Amt)",
            "amounts",
        ) {
            Ok(value) => Some(value),
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        let credit = match entry.indicator {
            None => {
                problems.push("the entry has no credit/debit indicator (CdtDbtInd)".to_owned());
                None
            }
            Some(indicator) => indicator.map_err(|problem| problems.push(problem)).ok(),
        };
        let reversal = match entry.reversal {
            None => false,
            Some(reversal) => reversal
                .map_err(|problem| problems.push(problem))
                .unwrap_or(false),
        };
        let amount = match (magnitude, credit) {
            (Some(magnitude), Some(true)) => Some(magnitude),
            (Some(magnitude), Some(false)) => Some(-magnitude),
            _ => None,
        };
        if amount == Some(0) {
            problems.push(format!(
                "amount (Amt) {:?} must not be zero",
                excerpt(entry.amount.as_deref().unwrap_or_default())
            ));
        }
        self.running = match (self.running, amount) {
            (Running::Known(balance), Some(amount)) if booked => balance
                .checked_add(amount)
                .map_or(Running::Unknown, Running::Known),
            _ => Running::Unknown,
        };

        let booked_at = match (entry.booking_date, entry.value_date) {
            (Some(date), _) | (None, Some(date)) => date,
            (None, None) => {
                Err("the entry has no booking date (BookgDt) or value date (ValDt)".to_owned())
            }
        };
        let booked_at = booked_at.map_err(|problem| problems.push(problem)).ok();

        let (Some(booked_at), Some(amount), true) = (booked_at, amount, problems.is_empty()) else {
            return Some(Err(RowError {
                line,
                message: problems.join("; "),
            }));
        };
        let tx = entry.tx;
        let reference = [
            entry.servicer_ref,
            tx.servicer_ref,
            tx.tx_id,
            tx.end_to_end_id,
        ]
        .into_iter()
        .flatten()
        .find(|r| !r.is_empty() && !r.eq_ignore_ascii_case("NOTPROVIDED"));
        let description = [
            Some(tx.unstructured),
            tx.additional_info,
            entry.additional_info,
        ]
        .into_iter()
        .flatten()
        .find(|d| !d.is_empty())
        .unwrap_or_default();
        // The parties named are those of the (original) payment: money in
        // came from the debtor; a reversal of a debit returns the creditor's.
        let [debtor, creditor] = tx.parties;
        let party = if (amount > 0) != reversal {
            debtor
        } else {
            creditor
        };
        Some(Ok(Entry {
            booked_at,
            amount,
            description,
            reference,
            balance: match self.running {
                Running::Known(balance) => Some(balance),
                _ => None,
            },
            counterparty_name: party.name,
            counterparty_account: party.account,
            counterparty_bank: party.bank.map(|(_, bank)| bank),
            account: self.account.clone(),
            line,
            raw: String::new(),
        }))
    }

    fn finish_balance(
        &mut self,
        balance: BalanceState,
        kind: Option<CamtKind>,
    ) -> Option<Result<Entry, RowError>> {
        let code = balance.code.as_deref()?.to_ascii_uppercase();
        let label = match code.as_str() {
            "OPBD" => "opening booked balance (OPBD)",
            "PRCD" => "previous closing balance (PRCD)",
            "ITBD" if kind == Some(CamtKind::Report) => "interim booked balance (ITBD)",
            "CLBD" => "closing booked balance (CLBD)",
            _ => return None,
        };
        let mut problems = balance.problems;
        let magnitude = match vnd_amount(
            &balance.amount,
            &balance.currency,
            "has no amount (Amt)",
            "statements",
        ) {
            Ok(value) => Some(value),
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        let credit = match balance.indicator.as_deref() {
            // A zero balance may come without an indicator.
            None if magnitude == Some(0) => Some(true),
            None => {
                problems.push("has no credit/debit indicator (CdtDbtInd)".to_owned());
                None
            }
            Some(indicator) => parse_indicator(indicator)
                .map_err(|problem| problems.push(problem))
                .ok(),
        };
        if !problems.is_empty() {
            return Some(Err(RowError {
                line: balance.line,
                message: format!("{label} {}", problems.join("; ")),
            }));
        }
        let value = match (magnitude, credit) {
            (Some(magnitude), Some(true)) => magnitude,
            (Some(magnitude), Some(false)) => -magnitude,
            _ => return None,
        };
        match code.as_str() {
            "OPBD" => self.opening_booked.get_or_insert(value),
            "PRCD" => self.previous_closing.get_or_insert(value),
            "ITBD" => self.interim_booked.get_or_insert(value),
            _ => &mut self.closing.get_or_insert((value, balance.line)).0,
        };
        None
    }

    /// Checks the closing balance at the end of the statement.
    fn finish(mut self, kind: Option<CamtKind>) -> Option<Result<Entry, RowError>> {
        self.start_running(kind);
        let (Running::Known(computed), Some((closing, line))) = (self.running, self.closing) else {
            return None;
        };
        (computed != closing).then(|| {
            Err(RowError {
                line,
                message: format!(
                    "closing booked balance (CLBD) is {} VND but the opening balance plus the \
                     booked entries come to {} VND: the statement is incomplete or its \
                     balances do not add up",
                    crate::amount::group_thousands(i128::from(closing)),
                    crate::amount::group_thousands(i128::from(computed))
                ),
            })
        })
    }
}

/// Values collected from one `Ntry`.
#[derive(Debug, Default)]
struct EntryState {
    line: u64,
    problems: Vec<String>,
    amount: Option<String>,
    /// The `Ccy` attribute of the entry's `Amt`.
    currency: Option<Result<Option<String>, String>>,
    /// `CdtDbtInd`, read: true for a credit.
    indicator: Option<Result<bool, String>>,
    /// `RvslInd`, read.
    reversal: Option<Result<bool, String>>,
    status: Option<Status>,
    /// The booking date, read (from `Dt` or `DtTm`).
    booking_date: Option<Result<DateTime<Utc>, String>>,
    /// The value date, read.
    value_date: Option<Result<DateTime<Utc>, String>>,
    servicer_ref: Option<String>,
    additional_info: Option<String>,
    /// `TxDtls` seen so far; values are read from the first only.
    tx_count: u32,
    tx: TxState,
}

/// Values collected from an entry's first `TxDtls`.
#[derive(Debug, Default)]
struct TxState {
    servicer_ref: Option<String>,
    tx_id: Option<String>,
    end_to_end_id: Option<String>,
    /// `RmtInf/Ustrd` values joined with a space.
    unstructured: String,
    additional_info: Option<String>,
    /// Debtor and creditor.
    parties: [Party; 2],
}

#[derive(Debug, Default)]
struct Party {
    name: Option<String>,
    account: Option<String>,
    /// The bank and the rank of the element it came from (lower is better).
    bank: Option<(u8, String)>,
}

/// An entry's status (`Sts`).
#[derive(Debug)]
enum Status {
    /// `BOOK`.
    Booked,
    /// `PDNG`, `INFO` or `FUTR`: skipped.
    NotBooked,
    /// Anything else (or unreadable text): an error for the entry.
    Unknown(String),
}

impl EntryState {
    fn new(line: u64) -> Self {
        Self {
            line,
            ..Self::default()
        }
    }

    fn store(&mut self, field: EntryField, value: &str) {
        fn first(slot: &mut Option<String>, value: &str) {
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value.to_owned());
            }
        }
        match field {
            EntryField::Amt => {
                if self.amount.is_none() {
                    self.amount = Some(value.to_owned());
                }
            }
            EntryField::Indicator => {
                if self.indicator.is_none() && !value.is_empty() {
                    self.indicator = Some(parse_indicator(value));
                }
            }
            EntryField::Reversal => {
                if self.reversal.is_none() && !value.is_empty() {
                    self.reversal = Some(parse_reversal(value));
                }
            }
            EntryField::Status => {
                if self.status.is_none() && !value.is_empty() {
                    self.status = Some(Status::of(value));
                }
            }
            EntryField::BookingDate(time) => {
                if self.booking_date.is_none() {
                    self.booking_date =
                        Some(parse_entry_date(value, time, "booking date (BookgDt"));
                }
            }
            EntryField::ValueDate(time) => {
                if self.value_date.is_none() {
                    self.value_date = Some(parse_entry_date(value, time, "value date (ValDt"));
                }
            }
            EntryField::ServicerRef => first(&mut self.servicer_ref, value),
            EntryField::AdditionalInfo => first(&mut self.additional_info, value),
            EntryField::Tx(tx_field) => {
                let tx = &mut self.tx;
                match tx_field {
                    TxField::ServicerRef => first(&mut tx.servicer_ref, value),
                    TxField::TxId => first(&mut tx.tx_id, value),
                    TxField::EndToEndId => first(&mut tx.end_to_end_id, value),
                    TxField::Unstructured => {
                        if !value.is_empty() && tx.unstructured.len() + value.len() < MAX_TEXT_BYTES
                        {
                            if !tx.unstructured.is_empty() {
                                tx.unstructured.push(' ');
                            }
                            tx.unstructured.push_str(value);
                        }
                    }
                    TxField::AdditionalInfo => first(&mut tx.additional_info, value),
                    TxField::Name(role) => first(&mut tx.parties[role as usize].name, value),
                    TxField::Account(role) => {
                        first(&mut tx.parties[role as usize].account, value);
                    }
                    TxField::Bank(role, rank) => {
                        let bank = &mut tx.parties[role as usize].bank;
                        let better = bank.as_ref().is_none_or(|(best, _)| rank < *best);
                        if better && !value.is_empty() {
                            *bank = Some((rank, value.to_owned()));
                        }
                    }
                }
            }
        }
    }
}

impl Status {
    fn of(value: &str) -> Self {
        if value.eq_ignore_ascii_case("BOOK") {
            Self::Booked
        } else if ["PDNG", "INFO", "FUTR"]
            .iter()
            .any(|s| value.eq_ignore_ascii_case(s))
        {
            Self::NotBooked
        } else {
            Self::Unknown(format!(
                "entry status (Sts) {:?} is not BOOK, PDNG or INFO",
                excerpt(value)
            ))
        }
    }
}

/// Values collected from one `Bal`.
#[derive(Debug, Default)]
struct BalanceState {
    line: u64,
    problems: Vec<String>,
    code: Option<String>,
    amount: Option<String>,
    currency: Option<Result<Option<String>, String>>,
    indicator: Option<String>,
}

impl BalanceState {
    fn new(line: u64) -> Self {
        Self {
            line,
            ..Self::default()
        }
    }
}

/// A value read from the file, by its place relative to the statement element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Account,
    BalanceCode,
    BalanceAmt,
    BalanceIndicator,
    Entry(EntryField),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryField {
    Amt,
    Indicator,
    Reversal,
    Status,
    /// `BookgDt/Dt` (false) or `BookgDt/DtTm` (true).
    BookingDate(bool),
    /// `ValDt/Dt` (false) or `ValDt/DtTm` (true).
    ValueDate(bool),
    ServicerRef,
    AdditionalInfo,
    Tx(TxField),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxField {
    ServicerRef,
    TxId,
    EndToEndId,
    Unstructured,
    AdditionalInfo,
    Name(Role),
    Account(Role),
    /// The rank orders `BICFI`/`BIC` before `Nm` before `ClrSysMmbId/MmbId`.
    Bank(Role, u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Debtor = 0,
    Creditor = 1,
}

impl Field {
    /// How error messages name the value.
    fn label(self) -> &'static str {
        match self {
            Self::Account => "Acct/Id",
            Self::BalanceCode => "balance type (Tp/CdOrPrtry/Cd)",
            Self::BalanceAmt => "amount (Amt)",
            Self::BalanceIndicator => "credit/debit indicator (CdtDbtInd)",
            Self::Entry(field) => match field {
                EntryField::Amt => "amount (Amt)",
                EntryField::Indicator => "credit/debit indicator (CdtDbtInd)",
                EntryField::Reversal => "reversal indicator (RvslInd)",
                EntryField::Status => "entry status (Sts)",
                EntryField::BookingDate(_) => "booking date (BookgDt)",
                EntryField::ValueDate(_) => "value date (ValDt)",
                EntryField::ServicerRef => "reference (AcctSvcrRef)",
                EntryField::AdditionalInfo => "AddtlNtryInf",
                EntryField::Tx(tx) => match tx {
                    TxField::ServicerRef => "TxDtls/Refs/AcctSvcrRef",
                    TxField::TxId => "TxDtls/Refs/TxId",
                    TxField::EndToEndId => "TxDtls/Refs/EndToEndId",
                    TxField::Unstructured => "TxDtls/RmtInf/Ustrd",
                    TxField::AdditionalInfo => "TxDtls/AddtlTxInf",
                    TxField::Name(_) => "counterparty name (RltdPties)",
                    TxField::Account(_) => "counterparty account (RltdPties)",
                    TxField::Bank(_, _) => "counterparty bank (RltdAgts)",
                },
            },
        }
    }
}

/// Which value, if any, the element at `path` (relative to the statement
/// element, ending with the element just opened) holds.
fn classify(path: &[Tag]) -> Option<Field> {
    use Tag::*;
    Some(match path {
        [Acct, Id, IBAN] | [Acct, Id, Othr, Id] => Field::Account,
        [Bal, Tp, CdOrPrtry, Cd] | [Bal, Tp, Cd] => Field::BalanceCode,
        [Bal, Amt] => Field::BalanceAmt,
        [Bal, CdtDbtInd] => Field::BalanceIndicator,
        [Ntry, rest @ ..] => Field::Entry(match rest {
            [Amt] => EntryField::Amt,
            [CdtDbtInd] => EntryField::Indicator,
            [RvslInd] => EntryField::Reversal,
            [Sts] | [Sts, Cd] | [Sts, Prtry] => EntryField::Status,
            [BookgDt, Dt] => EntryField::BookingDate(false),
            [BookgDt, DtTm] => EntryField::BookingDate(true),
            [ValDt, Dt] => EntryField::ValueDate(false),
            [ValDt, DtTm] => EntryField::ValueDate(true),
            [AcctSvcrRef] => EntryField::ServicerRef,
            [AddtlNtryInf] => EntryField::AdditionalInfo,
            [NtryDtls, TxDtls, tx @ ..] => EntryField::Tx(classify_tx(tx)?),
            _ => return None,
        }),
        _ => return None,
    })
}

/// [`classify`] within a `TxDtls`.
fn classify_tx(path: &[Tag]) -> Option<TxField> {
    use Tag::*;
    let role = |tag: Tag| match tag {
        Dbtr | DbtrAcct | DbtrAgt => Some(Role::Debtor),
        Cdtr | CdtrAcct | CdtrAgt => Some(Role::Creditor),
        _ => None,
    };
    Some(match path {
        [Refs, AcctSvcrRef] => TxField::ServicerRef,
        [Refs, TxId] => TxField::TxId,
        [Refs, EndToEndId] => TxField::EndToEndId,
        [RmtInf, Ustrd] => TxField::Unstructured,
        [AddtlTxInf] => TxField::AdditionalInfo,
        [RltdPties, party @ (Dbtr | Cdtr), Nm] | [RltdPties, party @ (Dbtr | Cdtr), Pty, Nm] => {
            TxField::Name(role(*party)?)
        }
        [RltdPties, account @ (DbtrAcct | CdtrAcct), Id, IBAN]
        | [RltdPties, account @ (DbtrAcct | CdtrAcct), Id, Othr, Id] => {
            TxField::Account(role(*account)?)
        }
        [RltdAgts, agent @ (DbtrAgt | CdtrAgt), FinInstnId, last @ ..] => {
            let rank = match last {
                [BICFI] => 0,
                [BIC] => 1,
                [Nm] => 2,
                [ClrSysMmbId, MmbId] => 3,
                _ => return None,
            };
            TxField::Bank(role(*agent)?, rank)
        }
        _ => return None,
    })
}

/// Parses a `Dt` (`time` false) or `DtTm` value; `label` is the start of
/// the field's name in messages.
fn parse_entry_date(text: &str, time: bool, label: &str) -> Result<DateTime<Utc>, String> {
    if time {
        parse_time(text).map_err(|e| format!("{label}/DtTm) {e}"))
    } else {
        parse_date(text).ok_or_else(|| {
            format!(
                "{label}/Dt) {:?} is not a valid date (expected YYYY-MM-DD)",
                excerpt(text)
            )
        })
    }
}

/// Parses an `RvslInd` (an XML Schema boolean).
fn parse_reversal(text: &str) -> Result<bool, String> {
    if text == "1" || text.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if text == "0" || text.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(format!(
            "reversal indicator (RvslInd) {:?} is not true or false",
            excerpt(text)
        ))
    }
}

/// Parses an ISO date (`2025-04-22`, optionally with a time zone as XML
/// Schema allows: `2025-04-22Z`, `2025-04-22+07:00`) as 00:00 on that day,
/// Vietnam time unless a zone is given.
fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return None;
    }
    let (date, zone) = text.split_at(10);
    let zoned = match zone.as_bytes() {
        [] => return parse_time(date).ok(),
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    if !zoned {
        return None;
    }
    parse_time(&format!("{date}T00:00:00{zone}")).ok()
}

/// Parses a `CdtDbtInd`: `CRDT` is true, `DBIT` false.
fn parse_indicator(text: &str) -> Result<bool, String> {
    if text.eq_ignore_ascii_case("CRDT") {
        Ok(true)
    } else if text.eq_ignore_ascii_case("DBIT") {
        Ok(false)
    } else {
        Err(format!(
            "credit/debit indicator (CdtDbtInd) {:?} is not CRDT or DBIT",
            excerpt(text)
        ))
    }
}

/// Parses an XML decimal amount of whole VND (`1500000`, `1500000.00`,
/// `1500000.`), returning its magnitude. The problem, if any, is phrased to
/// follow the field's name.
fn parse_amount(text: &str) -> Result<i64, String> {
    let quoted = || format!("{:?}", excerpt(text));
    let invalid = || {
        Err(format!(
            "{} is not a valid amount (expected digits with an optional decimal point, \
             e.g. 1500000.00)",
            quoted()
        ))
    };
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (integer, fraction) = body.split_once('.').unwrap_or((body, ""));
    if integer.is_empty() && fraction.is_empty()
        || !integer.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return invalid();
    }
    if fraction.bytes().any(|b| b != b'0') {
        return Err(format!("{} is not a whole number of VND", quoted()));
    }
    let mut value: i64 = 0;
    for digit in integer.bytes() {
        value = value * 10 + i64::from(digit - b'0');
        if value > MAX_ABS_VND {
            return Err(format!(
                "{} is out of range (at most 1,000,000,000,000,000 VND)",
                quoted()
            ));
        }
    }
    if negative && value != 0 {
        return Err(format!(
            "{} must not be negative (the direction is given by CdtDbtInd)",
            quoted()
        ));
    }
    Ok(value)
}

/// The element names the reader cares about, by local name.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Document,
    BkToCstmrStmt,
    BkToCstmrAcctRpt,
    BkToCstmrDbtCdtNtfctn,
    Stmt,
    Rpt,
    Ntfctn,
    Acct,
    Id,
    IBAN,
    Othr,
    Bal,
    Tp,
    CdOrPrtry,
    Cd,
    Prtry,
    Amt,
    CdtDbtInd,
    Dt,
    DtTm,
    Ntry,
    RvslInd,
    Sts,
    BookgDt,
    ValDt,
    AcctSvcrRef,
    AddtlNtryInf,
    NtryDtls,
    TxDtls,
    Refs,
    TxId,
    EndToEndId,
    RmtInf,
    Ustrd,
    AddtlTxInf,
    RltdPties,
    Dbtr,
    Cdtr,
    Pty,
    Nm,
    DbtrAcct,
    CdtrAcct,
    RltdAgts,
    DbtrAgt,
    CdtrAgt,
    FinInstnId,
    BICFI,
    BIC,
    ClrSysMmbId,
    MmbId,
    /// Any other element.
    Other,
}

impl Tag {
    fn of(local_name: &[u8]) -> Self {
        match local_name {
            b"Document" => Self::Document,
            b"BkToCstmrStmt" => Self::BkToCstmrStmt,
            b"BkToCstmrAcctRpt" => Self::BkToCstmrAcctRpt,
            b"Stmt" => Self::Stmt,
            b"Rpt" => Self::Rpt,
            b"Ntfctn" => Self::Ntfctn,
            b"Acct" => Self::Acct,
            b"Id" => Self::Id,
            b"IBAN" => Self::IBAN,
            b"Othr" => Self::Othr,
            b"Bal" => Self::Bal,
            b"Tp" => Self::Tp,
            b"CdOrPrtry" => Self::CdOrPrtry,
            b"Cd" => Self::Cd,
            b"Prtry" => Self::Prtry,
            b"Amt" => Self::Amt,
            b"CdtDbtInd" => Self::CdtDbtInd,
            b"Dt" => Self::Dt,
            b"DtTm" => Self::DtTm,
            b"Ntry" => Self::Ntry,
            b"RvslInd" => Self::RvslInd,
            b"Sts" => Self::Sts,
            b"BookgDt" => Self::BookgDt,
            b"ValDt" => Self::ValDt,
            b"AcctSvcrRef" => Self::AcctSvcrRef,
            b"AddtlNtryInf" => Self::AddtlNtryInf,
            b"NtryDtls" => Self::NtryDtls,
            b"TxDtls" => Self::TxDtls,
            b"Refs" => Self::Refs,
            b"TxId" => Self::TxId,
            b"EndToEndId" => Self::EndToEndId,
            b"RmtInf" => Self::RmtInf,
            b"Ustrd" => Self::Ustrd,
            b"AddtlTxInf" => Self::AddtlTxInf,
            b"RltdPties" => Self::RltdPties,
            b"Dbtr" => Self::Dbtr,
            b"Cdtr" => Self::Cdtr,
            b"Pty" => Self::Pty,
            b"Nm" => Self::Nm,
            b"DbtrAcct" => Self::DbtrAcct,
            b"CdtrAcct" => Self::CdtrAcct,
            b"RltdAgts" => Self::RltdAgts,
            b"DbtrAgt" => Self::DbtrAgt,
            b"CdtrAgt" => Self::CdtrAgt,
            b"FinInstnId" => Self::FinInstnId,
            b"BICFI" => Self::BICFI,
            b"BIC" => Self::BIC,
            b"ClrSysMmbId" => Self::ClrSysMmbId,
            b"MmbId" => Self::MmbId,
            b"BkToCstmrDbtCdtNtfctn" => Self::BkToCstmrDbtCdtNtfctn,
            _ => Self::Other,
        }
    }

    /// The container element's name, for messages.
    fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::Document => "Document",
            Self::BkToCstmrStmt => "BkToCstmrStmt",
            Self::BkToCstmrAcctRpt => "BkToCstmrAcctRpt",
            Self::BkToCstmrDbtCdtNtfctn => "BkToCstmrDbtCdtNtfctn",
            Self::Stmt => "Stmt",
            Self::Rpt => "Rpt",
            Self::Ntfctn => "Ntfctn",
            Self::Bal => "Bal",
            Self::Acct => "Acct",
            _ => return None,
        })
    }

    fn message_kind(self) -> Option<CamtKind> {
        match self {
            Self::BkToCstmrStmt => Some(CamtKind::Statement),
            Self::BkToCstmrAcctRpt => Some(CamtKind::Report),
            Self::BkToCstmrDbtCdtNtfctn => Some(CamtKind::Notification),
            _ => None,
        }
    }
}

/// Keeps the source text of the entry being read, for [`Entry::raw`].
///
/// While an entry is read, the parser's event buffer is not cleared, so it
/// accumulates the entry's source at no extra cost; if the entry grows past
/// [`MAX_RAW_BYTES`], its start is copied aside and the buffer goes back to
/// holding one event at a time.
#[derive(Debug, Default)]
struct RawRecorder {
    /// The event buffer holds the entry's source so far.
    in_buf: bool,
    /// The entry's end tag has been read.
    complete: bool,
    /// The start of an over-long entry's source.
    spilled: Option<Vec<u8>>,
}

impl RawRecorder {
    /// Starts recording at the entry's start tag, the event just read (the
    /// event buffer was cleared before it).
    fn start(&mut self) {
        self.in_buf = true;
        self.complete = false;
        self.spilled = None;
    }

    /// Called with the event buffer after an event that completes the entry
    /// or makes the buffer longer than [`MAX_RAW_BYTES`]; returns the source
    /// once the entry is complete.
    fn after_event(&mut self, buf: &[u8]) -> Option<String> {
        if self.in_buf && buf.len() > MAX_RAW_BYTES {
            self.spilled = Some(buf[..MAX_RAW_BYTES].to_vec());
            self.in_buf = false;
        }
        if !self.complete {
            return None;
        }
        let source = match self.spilled.take() {
            Some(spilled) => std::borrow::Cow::Owned(spilled),
            None => std::borrow::Cow::Borrowed(buf),
        };
        self.in_buf = false;
        self.complete = false;
        let text = match std::str::from_utf8(&source) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&source),
        };
        // A text of at most MAX_RAW_CHARS bytes has at most as many chars.
        let cut = if text.len() <= MAX_RAW_CHARS {
            None
        } else {
            text.char_indices().nth(MAX_RAW_CHARS)
        };
        Some(match cut {
            Some((cut, _)) => text[..cut].to_owned(),
            None => text.into_owned(),
        })
    }
}

/// Wraps the input to cap the size of one XML event, so that a huge text
/// or tag cannot make the parser buffer it whole, and to count lines.
///
/// Line breaks are counted in bulk as [`BufRead::fill_buf`] first hands
/// bytes out; the line of the next byte to consume is that count less the
/// breaks in the bytes handed out but not consumed yet, which the inner
/// reader still holds ([`Limited::line`]). Lines are only needed now and
/// then (where an entry starts, for errors), so this costs next to nothing.
struct Limited<R> {
    inner: R,
    /// Bytes consumed since [`Limited::start_event`].
    event_bytes: usize,
    /// An event exceeded [`MAX_TEXT_BYTES`].
    too_long: bool,
    /// Bytes consumed so far.
    consumed: u64,
    /// Bytes handed out so far, whose line breaks are counted.
    scanned: u64,
    /// The last byte counted was `\r`.
    after_cr: bool,
    /// Line breaks in the bytes handed out so far.
    breaks: u64,
}

impl<R> Limited<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            event_bytes: 0,
            too_long: false,
            consumed: 0,
            scanned: 0,
            after_cr: false,
            breaks: 0,
        }
    }

    fn start_event(&mut self) {
        self.event_bytes = 0;
    }
}

impl<R: BufRead> Limited<R> {
    /// The 1-based line of the next byte to consume.
    ///
    /// Exact wherever the previous byte is not a `\r` followed by a `\n`,
    /// which holds between any two XML events.
    fn line(&mut self) -> u64 {
        let ahead = usize::try_from(self.scanned.saturating_sub(self.consumed)).unwrap_or(0);
        let mut pending = 0;
        if ahead > 0 {
            // Handed out and not consumed: still in the inner reader's buffer.
            if let Ok(window) = self.inner.fill_buf() {
                pending = count_breaks(&window[..ahead.min(window.len())], &mut false);
            }
        }
        self.breaks.saturating_sub(pending) + 1
    }

    /// The line on which the bytes just consumed, `consumed`, start.
    fn line_before(&mut self, consumed: &[u8]) -> u64 {
        self.line()
            .saturating_sub(count_breaks(consumed, &mut false))
            .max(1)
    }
}

impl<R: BufRead> Read for Limited<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Limited<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.event_bytes > MAX_TEXT_BYTES {
            self.too_long = true;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "an XML text or tag is longer than 64 KiB",
            ));
        }
        let available = self.inner.fill_buf()?;
        // Bytes handed out before and not consumed yet; a new stretch of at
        // most MAX_CHUNK bytes is handed out (and counted) only once they are
        // all consumed, so each byte is counted once, in bulk.
        let ahead =
            usize::try_from(self.scanned.saturating_sub(self.consumed)).unwrap_or(usize::MAX);
        let fresh = ahead == 0;
        let len = if fresh { MAX_CHUNK } else { ahead };
        // Hand out at most one byte beyond the event limit, so that a longer
        // event always comes back here for more and fails.
        let len = len
            .min(MAX_TEXT_BYTES + 1 - self.event_bytes)
            .min(available.len());
        let window = &available[..len];
        if fresh {
            self.breaks += count_breaks(window, &mut self.after_cr);
            self.scanned += len as u64;
        }
        Ok(window)
    }

    fn consume(&mut self, amount: usize) {
        self.event_bytes = self.event_bytes.saturating_add(amount);
        self.consumed += amount as u64;
        self.inner.consume(amount);
    }
}

/// Counts line breaks in `bytes`: `\n`, `\r\n` and a lone `\r` count once.
/// `after_cr` carries whether the byte before `bytes` was `\r`.
fn count_breaks(bytes: &[u8], after_cr: &mut bool) -> u64 {
    let Some((&first, _)) = bytes.split_first() else {
        return 0;
    };
    // Summing 64 bytes at a time into `u8`s lets the compiler vectorize.
    let mut blocks = bytes.chunks_exact(64);
    let (mut newlines, mut returns) = (0usize, 0usize);
    for block in blocks.by_ref() {
        let (mut n, mut r) = (0u8, 0u8);
        for &b in block {
            n += u8::from(b == b'\n');
            r += u8::from(b == b'\r');
        }
        newlines += usize::from(n);
        returns += usize::from(r);
    }
    for &b in blocks.remainder() {
        newlines += usize::from(b == b'\n');
        returns += usize::from(b == b'\r');
    }
    let pairs =
        if returns == 0 { 0 } else { count_crlf(bytes) } + usize::from(*after_cr && first == b'\n');
    *after_cr = bytes.last() == Some(&b'\r');
    (newlines + returns - pairs) as u64
}

/// Counts the `\r\n` pairs in `bytes`.
fn count_crlf(bytes: &[u8]) -> usize {
    let (Some(firsts), Some(seconds)) = (bytes.get(..bytes.len().wrapping_sub(1)), bytes.get(1..))
    else {
        return 0;
    };
    let mut a = firsts.chunks_exact(64);
    let mut b = seconds.chunks_exact(64);
    let mut count = 0;
    for (x, y) in a.by_ref().zip(b.by_ref()) {
        let hits: u8 = x
            .iter()
            .zip(y)
            .map(|(&p, &q)| u8::from(p == b'\r') & u8::from(q == b'\n'))
            .sum();
        count += usize::from(hits);
    }
    count
        + a.remainder()
            .iter()
            .zip(b.remainder())
            .filter(|&(&p, &q)| p == b'\r' && q == b'\n')
            .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_readers::Trickle;

    fn read(xml: &str) -> Vec<Result<Entry, RowError>> {
        CamtReader::new(xml.as_bytes()).collect()
    }

    fn document(body: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n\
             <BkToCstmrStmt>\n<Stmt>\n\
             <Acct><Id><Othr><Id>123</Id></Othr></Id></Acct>\n\
             {body}\n</Stmt>\n</BkToCstmrStmt>\n</Document>\n"
        )
    }

    fn ntry(amount: &str, indicator: &str) -> String {
        format!(
            "<Ntry><Amt Ccy=\"VND\">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>\
             <Sts>BOOK</Sts><BookgDt><Dt>2025-04-22</Dt></BookgDt></Ntry>"
        )
    }

    #[test]
    fn parse_amount_accepts_whole_decimals() {
        assert_eq!(parse_amount("1500000"), Ok(1_500_000));
        assert_eq!(parse_amount("1500000.00"), Ok(1_500_000));
        assert_eq!(parse_amount("1500000."), Ok(1_500_000));
        assert_eq!(parse_amount("+7.0"), Ok(7));
        assert_eq!(parse_amount("0.00"), Ok(0));
        assert_eq!(parse_amount("1000000000000000"), Ok(MAX_ABS_VND));
    }

    #[test]
    fn parse_amount_rejects_the_rest() {
        assert_eq!(
            parse_amount("12.50").unwrap_err(),
            "\"12.50\" is not a whole number of VND"
        );
        assert!(parse_amount("1000000000000001")
            .unwrap_err()
            .contains("out of range"));
        assert!(parse_amount("-5")
            .unwrap_err()
            .contains("must not be negative"));
        for bad in [
            "",
            ".",
            "1,000",
            "1.000.000",
            "1e6",
            "abc",
            " 1",
            "1 000",
            "--1",
        ] {
            assert!(
                parse_amount(bad)
                    .unwrap_err()
                    .contains("is not a valid amount"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn parse_date_forms() {
        let midnight = parse_time("2025-04-22").unwrap();
        assert_eq!(parse_date("2025-04-22"), Some(midnight));
        assert_eq!(
            parse_date("2025-04-22Z"),
            Some(parse_time("2025-04-22T00:00:00Z").unwrap())
        );
        assert_eq!(parse_date("2025-04-22+07:00"), Some(midnight));
        for bad in [
            "2025-4-22",
            "22/04/2025",
            "2025-04-22T09:00",
            "2025-13-01",
            "2025-04-22+7",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn count_breaks_matches_a_naive_count() {
        fn naive(bytes: &[u8]) -> u64 {
            let mut breaks = 0;
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'\r' || (b == b'\n' && (i == 0 || bytes[i - 1] != b'\r')) {
                    breaks += 1;
                }
            }
            breaks
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in [0, 1, 2, 63, 64, 65, 127, 128, 300, 1000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    [b'a', b'\n', b'\r', b' '][(state % 4) as usize]
                })
                .collect();
            for split in [0, len / 3, len / 2, len] {
                let mut after_cr = false;
                let (a, b) = bytes.split_at(split);
                let total = count_breaks(a, &mut after_cr) + count_breaks(b, &mut after_cr);
                assert_eq!(total, naive(&bytes), "len {len} split {split}");
            }
        }
    }

    #[test]
    fn count_crlf_counts() {
        assert_eq!(count_crlf(b""), 0);
        assert_eq!(count_crlf(b"\r"), 0);
        assert_eq!(count_crlf(b"\r\n"), 1);
        let long = "ab\r\n\n\r".repeat(50);
        assert_eq!(count_crlf(long.as_bytes()), 50);
        assert_eq!(count_crlf(&long.as_bytes()[1..]), 50);
        assert_eq!(count_crlf(&long.as_bytes()[3..]), 49);
    }

    #[test]
    fn count_breaks_handles_every_line_ending() {
        let mut after_cr = false;
        assert_eq!(count_breaks(b"a\nb\r\nc\rd", &mut after_cr), 3);
        assert!(!after_cr);
        assert_eq!(count_breaks(b"a\r", &mut after_cr), 1);
        assert!(after_cr);
        assert_eq!(count_breaks(b"\nb", &mut after_cr), 0);
        assert!(!after_cr);
        assert_eq!(count_breaks(b"\n\n", &mut after_cr), 2);
        assert_eq!(count_breaks(b"", &mut after_cr), 0);
        assert_eq!(count_breaks(b"\r", &mut after_cr), 1);
        assert_eq!(count_breaks(b"\r", &mut after_cr), 1);
        assert_eq!(count_breaks(b"\n", &mut after_cr), 0);
    }

    #[test]
    fn tag_lookup() {
        assert_eq!(Tag::of(b"Ntry"), Tag::Ntry);
        assert_eq!(Tag::of(b"ntry"), Tag::Other);
        assert_eq!(Tag::of(b"BICFI"), Tag::BICFI);
    }

    #[test]
    fn crlf_and_cr_line_numbers() {
        let xml = document(&format!("{}\n\n{}", ntry("1", "CRDT"), ntry("2", "CRDT")))
            .replace('\n', "\r\n");
        let rows = read(&xml);
        assert_eq!(rows[0].as_ref().unwrap().line, 6);
        assert_eq!(rows[1].as_ref().unwrap().line, 8);
        let xml = document(&format!("{}\r\r{}", ntry("1", "CRDT"), ntry("2", "CRDT")))
            .replace('\n', "\r");
        let rows = read(&xml);
        assert_eq!(rows[0].as_ref().unwrap().line, 6);
        assert_eq!(rows[1].as_ref().unwrap().line, 8);
    }

    #[test]
    fn tiny_reads_give_the_same_result() {
        let xml = document(&format!(
            "{}\n<!-- c -->\n{}",
            ntry("1.00", "CRDT"),
            ntry("2", "DBIT")
        ));
        let whole = read(&xml);
        let trickled: Vec<_> =
            CamtReader::new(io::BufReader::with_capacity(1, Trickle(xml.as_bytes()))).collect();
        assert_eq!(whole, trickled);
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[1].as_ref().unwrap().raw, ntry("2", "DBIT"));
    }

    #[test]
    fn raw_is_capped() {
        let memo = "Đ".repeat(5000);
        let xml = document(&format!(
            "<Ntry><Amt Ccy=\"VND\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
             <BookgDt><Dt>2025-04-22</Dt></BookgDt><AddtlNtryInf>{memo}</AddtlNtryInf></Ntry>"
        ));
        let entry = read(&xml).remove(0).unwrap();
        assert_eq!(entry.raw.chars().count(), MAX_RAW_CHARS);
        assert!(entry.raw.starts_with("<Ntry><Amt"));
        assert_eq!(entry.description, memo);
    }

    #[test]
    fn raw_of_a_long_entry_is_its_start() {
        // Past MAX_RAW_BYTES the source is copied aside; what follows still counts.
        let memo = "Đ".repeat(3 * MAX_RAW_CHARS);
        let long = format!(
            "<Ntry><Amt Ccy=\"VND\">7</Amt><CdtDbtInd>DBIT</CdtDbtInd>\n\
             <AddtlNtryInf>{memo}</AddtlNtryInf>\n<BookgDt><Dt>2025-04-22</Dt></BookgDt></Ntry>"
        );
        let xml = document(&format!("{long}\n{}", ntry("5", "CRDT")));
        let rows = read(&xml);
        assert_eq!(rows.len(), 2);
        let entry = rows[0].as_ref().unwrap();
        assert_eq!(entry.amount, -7);
        assert_eq!(entry.description, memo);
        assert_eq!(
            entry.raw,
            long.chars().take(MAX_RAW_CHARS).collect::<String>()
        );
        let next = rows[1].as_ref().unwrap();
        assert_eq!(next.line, 9);
        assert_eq!(next.raw, ntry("5", "CRDT"));
    }

    #[test]
    fn long_text_is_rejected() {
        let xml = document(&format!(
            "{}<AddtlInf>{}</AddtlInf>{}",
            ntry("1", "CRDT"),
            "x".repeat(MAX_TEXT_BYTES + 10),
            ntry("2", "CRDT")
        ));
        let rows = read(&xml);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_ok());
        let error = rows[1].as_ref().unwrap_err();
        assert!(error.message.contains("longer than 64 KiB"), "{error}");
        assert_eq!(error.line, 6);
    }

    #[test]
    fn collected_text_is_capped() {
        // Entities split the text into many small events.
        let memo = "a&amp;".repeat(MAX_TEXT_BYTES / 2 + 1);
        let xml = document(&format!(
            "<Ntry><Amt Ccy=\"VND\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
             <BookgDt><Dt>2025-04-22</Dt></BookgDt><AddtlNtryInf>{memo}</AddtlNtryInf></Ntry>"
        ));
        let error = read(&xml).remove(0).unwrap_err();
        assert_eq!(error.message, "AddtlNtryInf is longer than 64 KiB");
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let xml = document(&format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH),
            "</a>".repeat(MAX_DEPTH)
        ));
        let rows = read(&xml);
        assert_eq!(rows.len(), 1);
        assert!(rows[0].as_ref().unwrap_err().message.contains("256 deep"));
    }
}
