//! CSV plumbing shared by the CSV readers: physical line numbers, blank
//! records and re-encoding a row for [`Entry::raw`](crate::Entry::raw).

use std::collections::VecDeque;
use std::io::Read;

use csv::ByteRecord;

/// Normalizes line endings (`\r\n` and a lone `\r` become `\n`, also inside
/// quoted values) so the csv reader counts physical lines for any line-ending
/// style, and remembers where runs of `\n`s are so the start line of a record
/// can be recovered after the csv reader has skipped blank lines.
pub(crate) struct LineTracker<R> {
    inner: R,
    /// The last byte handed out was a `\r` turned into `\n`; a `\n` right
    /// after it belongs to the same line ending and is dropped.
    after_cr: bool,
    /// Bytes handed out so far.
    offset: u64,
    /// Byte ranges `start..end` of maximal runs of `\n` handed out and not
    /// yet passed by [`LineTracker::newlines_at`], oldest first. Only runs
    /// within the csv reader's read-ahead and the current record are kept.
    pub(crate) runs: VecDeque<(u64, u64)>,
}

impl<R> LineTracker<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            after_cr: false,
            offset: 0,
            runs: VecDeque::new(),
        }
    }

    /// How many `\n`s follow consecutively from byte `offset` on. Forgets
    /// runs that end at or before `offset`, so offsets must not decrease.
    pub(crate) fn newlines_at(&mut self, offset: u64) -> u64 {
        while self.runs.front().is_some_and(|&(_, end)| end <= offset) {
            self.runs.pop_front();
        }
        match self.runs.front() {
            Some(&(start, end)) if start <= offset => end - offset,
            _ => 0,
        }
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut out = 0;
            for i in 0..n {
                let byte = buf[i];
                let after_cr = std::mem::replace(&mut self.after_cr, byte == b'\r');
                if byte == b'\n' && after_cr {
                    continue;
                }
                if matches!(byte, b'\r' | b'\n') {
                    let at = self.offset + out as u64;
                    match self.runs.back_mut() {
                        Some((_, end)) if *end == at => *end += 1,
                        _ => self.runs.push_back((at, at + 1)),
                    }
                    buf[out] = b'\n';
                } else {
                    buf[out] = byte;
                }
                out += 1;
            }
            if out > 0 {
                self.offset += out as u64;
                return Ok(out);
            }
            // Only the `\n` of a `\r\n` split across reads: read on.
        }
    }
}

/// Whether every cell of the record is empty or whitespace.
pub(crate) fn is_blank(record: &ByteRecord) -> bool {
    record
        .iter()
        .all(|field| field.iter().all(u8::is_ascii_whitespace))
}

/// The physical line on which `record`, just read by `csv`, starts.
///
/// The csv reader's own record position is where the read began, which is
/// before any blank lines it skipped; those are exactly the run of `\n`s (if
/// any) starting at that byte offset.
pub(crate) fn start_line<R: Read>(
    csv: &mut csv::Reader<LineTracker<R>>,
    record: &ByteRecord,
) -> u64 {
    let (line, byte) = record
        .position()
        .map_or((1, 0), |start| (start.line(), start.byte()));
    line + csv.get_mut().newlines_at(byte)
}

/// Joins `cells` into one CSV record separated by `delimiter`, quoting only
/// the cells that need it (no line terminator).
pub(crate) fn encode_cells<'a>(cells: impl IntoIterator<Item = &'a str>, delimiter: u8) -> String {
    let delimiter = char::from(delimiter);
    let mut out = String::new();
    for (index, cell) in cells.into_iter().enumerate() {
        if index > 0 {
            out.push(delimiter);
        }
        if cell.contains(['"', '\r', '\n', delimiter]) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_cells;

    #[test]
    fn encode_cells_quotes_only_when_needed() {
        assert_eq!(encode_cells(["a", "b c", ""], b','), "a,b c,");
        assert_eq!(encode_cells(["1,200", "x;y"], b','), "\"1,200\",x;y");
        assert_eq!(encode_cells(["1,200", "x;y"], b';'), "1,200;\"x;y\"");
        assert_eq!(
            encode_cells(["say \"hi\"", "a\nb"], b'\t'),
            "\"say \"\"hi\"\"\"\t\"a\nb\""
        );
    }
}
