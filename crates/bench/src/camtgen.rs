//! Rewrites a generated canonical CSV statement (see [`crate::csvgen`]) as one camt.053
//! document of the same entries: a `Stmt` per [`ENTRIES_PER_STATEMENT`] entries with opening
//! and closing balances that add up. Streams line by line; nothing is held in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::Context;

use crate::csvgen::Row;

/// Entries per `Stmt` (a day's statement of a busy account).
pub const ENTRIES_PER_STATEMENT: u64 = 1000;

fn indicator(amount: i64) -> &'static str {
    if amount < 0 {
        "DBIT"
    } else {
        "CRDT"
    }
}

fn balance(w: &mut impl Write, code: &str, amount: i64, date: &str) -> std::io::Result<()> {
    writeln!(
        w,
        "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"VND\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>{date}</Dt></Dt></Bal>",
        amount.abs(),
        indicator(amount)
    )
}

/// Writes `csv`'s rows to `out` as camt.053 for account `account`; returns the file size.
pub fn from_csv(csv: &Path, out: &Path, account: &str) -> anyhow::Result<u64> {
    let input = BufReader::with_capacity(1 << 20, File::open(csv)?);
    let file = File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    writeln!(
        w,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>\n<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2025-01-01T00:00:00+07:00</CreDtTm></GrpHdr>"
    )?;
    let mut in_statement = 0u64;
    let mut statements = 0u64;
    // Entries of the open statement are written after its balances: keep them in a buffer
    // of at most one statement.
    let mut entries = Vec::new();
    let mut opening = (0i64, String::new());
    let mut last = (0i64, String::new());
    for line in input.lines().skip(1) {
        let line = line?;
        let Row {
            time,
            description,
            amount,
            balance: balance_after,
            reference,
        } = Row::parse(&line)?;
        let date = &time[..10];
        if in_statement == 0 {
            opening = (balance_after - amount, date.to_string());
        }
        writeln!(
            entries,
            "<Ntry><Amt Ccy=\"VND\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><DtTm>{}T{}+07:00</DtTm></BookgDt><AcctSvcrRef>{reference}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>{description}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>",
            amount.abs(),
            indicator(amount),
            date,
            &time[11..],
        )?;
        in_statement += 1;
        last = (balance_after, date.to_string());
        if in_statement == ENTRIES_PER_STATEMENT {
            statements += 1;
            statement(&mut w, statements, account, &opening, &last, &entries)?;
            entries.clear();
            in_statement = 0;
        }
    }
    if in_statement > 0 {
        statements += 1;
        statement(&mut w, statements, account, &opening, &last, &entries)?;
    }
    writeln!(w, "</BkToCstmrStmt></Document>")?;
    w.flush()?;
    Ok(w.into_inner()
        .map_err(|e| e.into_error())?
        .metadata()?
        .len())
}

fn statement(
    w: &mut impl Write,
    n: u64,
    account: &str,
    opening: &(i64, String),
    closing: &(i64, String),
    entries: &[u8],
) -> std::io::Result<()> {
    writeln!(
        w,
        "<Stmt><Id>BENCH-{n:08}</Id><Acct><Id><Othr><Id>{account}</Id></Othr></Id><Ccy>VND</Ccy></Acct>"
    )?;
    balance(w, "OPBD", opening.0, &opening.1)?;
    balance(w, "CLBD", closing.0, &closing.1)?;
    w.write_all(entries)?;
    writeln!(w, "</Stmt>")
}
