//! Rewrites a generated canonical CSV statement (see [`crate::csvgen`]) as an MT940 file of the
//! same entries: messages of [`ENTRIES_PER_MESSAGE`] `:61:`/`:86:` pairs in SWIFT blocks, with
//! opening and closing balances that add up. Streams line by line; nothing is held in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::Context;

use crate::csvgen::Row;

/// Entries per statement message (a day's statement of a busy account).
pub const ENTRIES_PER_MESSAGE: u64 = 1000;

fn mark(amount: i64) -> char {
    if amount < 0 {
        'D'
    } else {
        'C'
    }
}

/// Writes `csv`'s rows to `out` as MT940 for account `account`; returns the file size.
pub fn from_csv(csv: &Path, out: &Path, account: &str) -> anyhow::Result<u64> {
    let input = BufReader::with_capacity(1 << 20, File::open(csv)?);
    let file = File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut in_message = 0u64;
    let mut messages = 0u64;
    // The last row's balance and date (`YYMMDD`), for the closing balance.
    let mut last: Option<(i64, String)> = None;
    for line in input.lines().skip(1) {
        let line = line?;
        let row = Row::parse(&line)?;
        // `YYYY-MM-DD HH:MM:SS` → `YYMMDD`.
        let t = row.time;
        let date = format!("{}{}{}", &t[2..4], &t[5..7], &t[8..10]);
        if in_message == ENTRIES_PER_MESSAGE {
            close(&mut w, last.as_ref())?;
            in_message = 0;
        }
        if in_message == 0 {
            messages += 1;
            let opening = row.balance - row.amount;
            write!(
                w,
                "{{1:F01ASCBVNVXAXXX0000000000}}{{2:O940}}{{4:\r\n:20:STMT{messages:08}\r\n:25:970416/{account}\r\n:28C:{messages:05}/001\r\n:60F:{}{date}VND{},00\r\n",
                mark(opening),
                opening.abs()
            )?;
        }
        write!(
            w,
            ":61:{date}{}{}{},00NTRFNONREF//{}\r\n:86:{}\r\n",
            &date[2..],
            mark(row.amount),
            row.amount.abs(),
            row.reference,
            row.description
        )?;
        in_message += 1;
        last = Some((row.balance, date));
    }
    close(&mut w, last.as_ref())?;
    w.flush()?;
    Ok(w.into_inner()
        .map_err(|e| e.into_error())?
        .metadata()?
        .len())
}

fn close(w: &mut impl Write, last: Option<&(i64, String)>) -> anyhow::Result<()> {
    if let Some((balance, date)) = last {
        write!(
            w,
            ":62F:{}{date}VND{},00\r\n-}}\r\n",
            mark(*balance),
            balance.abs()
        )?;
    }
    Ok(())
}
