//! A small, forgiving HTML-to-text converter for alert e-mails.
//!
//! Bank alert e-mails are tables of label and value cells ("Số tài khoản",
//! "Số tiền", "Nội dung"), often nested in layout tables. The converter
//! keeps what a reader sees, one item per line:
//!
//! - a table row whose cells are each one line becomes one line: two cells
//!   as `label: value` (`Số tiền: +2,500,000 VND`; no second colon when the
//!   label ends with one or the value starts with one), more cells joined
//!   with ` | `; a cell holding only `:` is joined to the label before it;
//! - a row with a multi-line cell or a nested table puts its cells' lines one
//!   after another (the first line of a two-cell row's value still follows
//!   its label);
//! - `<br>`, and the start and end of blocks (`<p>`, `<div>`, `<li>`,
//!   headings, tables, ...), break lines; other tags are dropped with no
//!   space (`<b>Số</b>tiền` reads `Sốtiền`, as a browser shows it);
//! - `<head>`, `<script>`, `<style>`, `<title>`, comments (including
//!   Outlook's conditional comments) and elements styled `display:none`
//!   (hidden preview texts) are left out;
//! - character references (`&amp;`, `&nbsp;`, `&#7889;`, `&#x1ED1;`, HTML5
//!   names) are decoded;
//! - in each line whitespace is collapsed and trimmed; empty lines are
//!   dropped.
//!
//! It never fails: broken markup yields whatever text can be read.

use crate::text::{is_invisible, tidy_lines};

/// Tables nested deeper than this are read as plain blocks.
const MAX_TABLE_DEPTH: usize = 32;

/// Converts an HTML document or fragment to text (see the module docs).
pub(crate) fn to_text(html: &str) -> String {
    let mut converter = Converter::default();
    let mut pos = 0;
    while let Some(offset) = html.get(pos..).and_then(|rest| rest.find('<')) {
        let start = pos + offset;
        converter.text(html.get(pos..start).unwrap_or(""));
        pos = converter.markup(html, start);
    }
    converter.text(html.get(pos..).unwrap_or(""));
    converter.finish()
}

/// One table cell being filled.
#[derive(Debug, Default)]
struct Cell {
    /// Raw text with `\n` line breaks.
    text: String,
    /// Whether a nested table's rows were written into it.
    nested: bool,
}

/// One table row being filled.
#[derive(Debug, Default)]
struct Row {
    /// Finished cells.
    cells: Vec<Cell>,
    /// The open cell.
    open: Option<Cell>,
}

impl Row {
    /// Finishes the open cell, if any.
    fn close_cell(&mut self) {
        if let Some(cell) = self.open.take() {
            self.cells.push(cell);
        }
    }
}

/// One open table.
#[derive(Debug, Default)]
struct Table {
    /// The open row.
    row: Option<Row>,
}

/// An element whose content is being skipped because it is hidden.
#[derive(Debug)]
struct Hidden {
    /// Its lower-case tag name.
    name: String,
    /// How many elements of that name are open inside it, plus one.
    depth: usize,
}

/// Converter state.
#[derive(Debug, Default)]
struct Converter {
    /// Text outside any table cell.
    out: String,
    /// Open tables, innermost last.
    tables: Vec<Table>,
    /// `<table>` tags beyond [`MAX_TABLE_DEPTH`] still open.
    overflow: usize,
    /// The hidden element being skipped, if any.
    hidden: Option<Hidden>,
}

/// Elements whose start and end break lines.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "ul",
];

/// Elements that never have content or an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is not text to show and is skipped whole.
const RAW: &[&str] = &["script", "style", "title", "template", "xml", "noembed"];

impl Converter {
    /// Where text goes now: the innermost open cell, else the top level.
    fn sink(&mut self) -> &mut String {
        for table in self.tables.iter_mut().rev() {
            if let Some(cell) = table.row.as_mut().and_then(|row| row.open.as_mut()) {
                return &mut cell.text;
            }
        }
        &mut self.out
    }

    /// Writes a line break.
    fn line_break(&mut self) {
        if self.hidden.is_none() {
            self.sink().push('\n');
        }
    }

    /// Writes a run of character data: references decoded, whitespace made
    /// spaces, invisible characters dropped.
    fn text(&mut self, raw: &str) {
        if raw.is_empty() || self.hidden.is_some() {
            return;
        }
        let decoded = decode_references(raw);
        let sink = self.sink();
        for c in decoded.chars() {
            if c.is_whitespace() {
                sink.push(' ');
            } else if !is_invisible(c) {
                sink.push(c);
            }
        }
    }

    /// Reads the markup starting with the `<` at `start` and returns the
    /// position after it.
    fn markup(&mut self, html: &str, start: usize) -> usize {
        let bytes = html.as_bytes();
        let rest = bytes.get(start..).unwrap_or_default();
        if rest.starts_with(b"<!--") {
            return find(bytes, start + 4, b"-->").map_or(html.len(), |end| end + 3);
        }
        let next = rest.get(1).copied().unwrap_or(b' ');
        if next == b'!'
            || next == b'?'
            || (next == b'/' && !rest.get(2).is_some_and(u8::is_ascii_alphabetic))
        {
            // A declaration, processing instruction or bogus end tag.
            return find(bytes, start + 1, b">").map_or(html.len(), |end| end + 1);
        }
        if !(next == b'/' || next.is_ascii_alphabetic()) {
            // A lone `<` is text.
            self.text("<");
            return start + 1;
        }
        let closing = next == b'/';
        let name_start = start + 1 + usize::from(closing);
        let name_end = bytes
            .get(name_start..)
            .unwrap_or_default()
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_')))
            .map_or(bytes.len(), |length| name_start + length);
        let name = html
            .get(name_start..name_end)
            .unwrap_or("")
            .to_ascii_lowercase();
        let end = tag_end(bytes, name_end);
        let attributes = html.get(name_end..end).unwrap_or("");
        let after = if end < bytes.len() { end + 1 } else { end };
        let self_closing = attributes.trim_end().ends_with('/');
        if closing {
            self.end_tag(&name);
            return after;
        }
        if name == "head" {
            // Skip to `</head>`, or to `<body` when there is none.
            let close = find_tag(bytes, after, b"</head");
            let body = find_tag(bytes, after, b"<body");
            return match (close, body) {
                (Some(close), body) if body.is_none_or(|body| close < body) => {
                    find(bytes, close, b">").map_or(html.len(), |gt| gt + 1)
                }
                (_, Some(body)) => body,
                _ => html.len(),
            };
        }
        if RAW.contains(&name.as_str()) && !self_closing {
            let mut close_tag = b"</".to_vec();
            close_tag.extend_from_slice(name.as_bytes());
            return find_tag(bytes, after, &close_tag)
                .and_then(|close| find(bytes, close, b">"))
                .map_or(html.len(), |gt| gt + 1);
        }
        self.start_tag(&name, attributes, self_closing);
        after
    }

    /// Handles a start tag.
    fn start_tag(&mut self, name: &str, attributes: &str, self_closing: bool) {
        let void = VOID.contains(&name);
        if let Some(hidden) = self.hidden.as_mut() {
            if hidden.name == name && !self_closing && !void {
                hidden.depth += 1;
            }
            return;
        }
        if !self_closing && !void && is_hidden(attributes) {
            self.hidden = Some(Hidden {
                name: name.to_owned(),
                depth: 1,
            });
            return;
        }
        match name {
            "br" => self.line_break(),
            "table" => {
                self.line_break();
                if self.tables.len() < MAX_TABLE_DEPTH {
                    self.tables.push(Table::default());
                } else {
                    self.overflow += 1;
                }
            }
            "tr" => {
                if self.overflow > 0 || self.tables.is_empty() {
                    self.line_break();
                } else {
                    self.close_row();
                    if let Some(table) = self.tables.last_mut() {
                        table.row = Some(Row::default());
                    }
                }
            }
            "td" | "th" => {
                if self.overflow > 0 || self.tables.is_empty() {
                    self.sink().push(' ');
                } else if let Some(table) = self.tables.last_mut() {
                    let row = table.row.get_or_insert_with(Row::default);
                    row.close_cell();
                    row.open = Some(Cell::default());
                }
            }
            "thead" | "tbody" | "tfoot" => self.close_row(),
            _ if BLOCKS.contains(&name) => self.line_break(),
            _ => {}
        }
    }

    /// Handles an end tag.
    fn end_tag(&mut self, name: &str) {
        if let Some(hidden) = self.hidden.as_mut() {
            if hidden.name == name {
                hidden.depth -= 1;
                if hidden.depth == 0 {
                    self.hidden = None;
                }
            }
            return;
        }
        match name {
            "table" => {
                if self.overflow > 0 {
                    self.overflow -= 1;
                } else if !self.tables.is_empty() {
                    self.close_row();
                    self.tables.pop();
                }
                self.line_break();
            }
            "tr" | "thead" | "tbody" | "tfoot" => {
                if self.overflow > 0 || self.tables.is_empty() {
                    self.line_break();
                } else {
                    self.close_row();
                }
            }
            "td" | "th" if self.overflow == 0 => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.close_cell();
                }
            }
            "br" => self.line_break(),
            _ if BLOCKS.contains(&name) => self.line_break(),
            _ => {}
        }
    }

    /// Finishes the innermost table's open row and writes it where the
    /// table stands.
    fn close_row(&mut self) {
        let Some(mut row) = self.tables.last_mut().and_then(|t| t.row.take()) else {
            return;
        };
        row.close_cell();
        let rendered = render_row(row.cells);
        if rendered.is_empty() {
            return;
        }
        // The innermost table now has no open cell, so this finds the cell
        // that holds the table, or the top level.
        let mut target = None;
        for table in self.tables.iter_mut().rev() {
            if let Some(cell) = table.row.as_mut().and_then(|row| row.open.as_mut()) {
                target = Some(cell);
                break;
            }
        }
        let sink = match target {
            Some(cell) => {
                cell.nested = true;
                &mut cell.text
            }
            None => &mut self.out,
        };
        sink.push('\n');
        sink.push_str(&rendered);
        sink.push('\n');
    }

    /// Closes what is still open and tidies the text.
    fn finish(mut self) -> String {
        self.hidden = None;
        while !self.tables.is_empty() {
            self.close_row();
            self.tables.pop();
            self.line_break();
        }
        tidy_lines(&self.out)
    }
}

/// Renders a finished row's cells (see the module docs).
fn render_row(cells: Vec<Cell>) -> String {
    let mut items: Vec<(Vec<String>, bool)> = Vec::new();
    for cell in cells {
        let tidy = tidy_lines(&cell.text);
        if tidy.is_empty() {
            continue;
        }
        let lines: Vec<String> = tidy.lines().map(str::to_owned).collect();
        if tidy == ":" {
            if let Some((previous, _)) = items.last_mut() {
                if let Some(last) = previous.last_mut() {
                    last.push(':');
                    continue;
                }
            }
        }
        items.push((lines, cell.nested));
    }
    let single = |item: &(Vec<String>, bool)| item.0.len() == 1 && !item.1;
    match items.as_slice() {
        [] => String::new(),
        [label, value] if single(label) && !value.1 => {
            let mut lines = value.0.iter();
            let first = lines.next().map_or("", String::as_str);
            let mut out = label_value(&label.0[0], first);
            for line in lines {
                out.push('\n');
                out.push_str(line);
            }
            out
        }
        _ if items.iter().all(single) => items
            .iter()
            .map(|item| item.0[0].as_str())
            .collect::<Vec<_>>()
            .join(" | "),
        _ => items
            .iter()
            .flat_map(|item| item.0.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// `label: value`, without doubling a colon either side already has.
fn label_value(label: &str, value: &str) -> String {
    let label = label.trim_end_matches(':').trim_end();
    let value = value.trim_start_matches(':').trim_start();
    if value.is_empty() {
        format!("{label}:")
    } else {
        format!("{label}: {value}")
    }
}

/// Whether a start tag's attributes hide the element (`display:none` in
/// its style).
fn is_hidden(attributes: &str) -> bool {
    let compact: String = attributes
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    compact.contains("display:none")
}

/// Decodes character references in `raw`. Unknown or unterminated ones
/// are kept as written, except a `&nbsp` without its semicolon.
fn decode_references(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let length = after
            .bytes()
            .take(40)
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
            .count();
        if length > 0 && after.as_bytes().get(length) == Some(&b';') {
            let token = &rest[amp..amp + length + 2];
            mail_parser::decoders::html::add_html_token(&mut out, token.as_bytes(), false);
            rest = &rest[amp + length + 2..];
        } else if after
            .get(..4)
            .is_some_and(|name| name.eq_ignore_ascii_case("nbsp"))
        {
            out.push(' ');
            rest = &after[4..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The position of the `>` that ends a tag whose attributes start at
/// `from`, skipping quoted attribute values; the input's length when there
/// is none.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (offset, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return offset,
            None => {}
        }
    }
    // An unterminated quote: end at the first `>` after all.
    find(bytes, from, b">").unwrap_or(bytes.len())
}

/// The position of `needle` in `bytes` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|position| from + position)
}

/// The position of the tag opening `needle` (`</style`, `<body`, matched
/// case-insensitively and followed by a non-name character) at or after
/// `from`.
fn find_tag(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut at = from;
    loop {
        let position = bytes
            .get(at..)?
            .windows(needle.len())
            .position(|window| window.eq_ignore_ascii_case(needle))?
            + at;
        let next = bytes.get(position + needle.len()).copied();
        if !next.is_some_and(|b| b.is_ascii_alphanumeric()) {
            return Some(position);
        }
        at = position + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn label_value_table() {
        let html = "<table><tr><td>Số tài khoản</td><td>0123456789</td></tr>\
                    <tr><td><b>Số tiền</b></td><td>+2,500,000&nbsp;VND</td></tr>\
                    <tr><td>Nội dung:</td><td>DH1042 Thanh toan</td></tr>\
                    <tr><td>Ref</td><td>:</td><td>MBVCB.9876543210</td></tr></table>";
        assert_eq!(
            to_text(html),
            "Số tài khoản: 0123456789\nSố tiền: +2,500,000 VND\nNội dung: DH1042 Thanh toan\nRef: MBVCB.9876543210"
        );
    }

    #[test]
    fn nested_layout_tables() {
        let html = "<table><tr><td><img src=logo.png alt=VCB></td></tr><tr><td>\
                    <p>Kính gửi Quý khách</p>\
                    <table><tr><td>Số tiền</td><td>+150,000 VND</td></tr>\
                    <tr><td>Số dư</td><td>3,150,000 VND</td></tr></table>\
                    </td></tr></table><p>Trân trọng</p>";
        assert_eq!(
            to_text(html),
            "Kính gửi Quý khách\nSố tiền: +150,000 VND\nSố dư: 3,150,000 VND\nTrân trọng"
        );
    }

    #[test]
    fn skips_invisible_parts() {
        let html = "<!DOCTYPE html><html><head><title>Alert</title><style>td{color:red}</style></head>\
                    <body><div style=\"display: none; max-height:0\">Preview <div>text</div> hidden</div>\
                    <!--[if mso]><p>Outlook only</p><![endif]--><script>alert(1)</script>\
                    Xin ch&agrave;o<br/>S&#7889; d&#x01B0;: 1&#44;000 &amp; more &unknown; &amp</body></html>";
        assert_eq!(
            to_text(html),
            "Xin chào\nSố dư: 1,000 & more &unknown; &amp"
        );
    }

    #[test]
    fn rows_with_many_cells_and_multiline_cells() {
        let html = "<table><tr><th>Ngày</th><th>Số tiền</th><th>Nội dung</th></tr>\
                    <tr><td>03/05/2025</td><td>+2,500,000</td><td>DH1042</td></tr>\
                    <tr><td>Nội dung</td><td>DH1042<br>Thanh toan</td></tr></table>";
        assert_eq!(
            to_text(html),
            "Ngày | Số tiền | Nội dung\n03/05/2025 | +2,500,000 | DH1042\nNội dung: DH1042\nThanh toan"
        );
    }

    #[test]
    fn broken_markup() {
        assert_eq!(to_text("a < b <td>c</td></tr></table> <p"), "a < b c");
        assert_eq!(to_text("<div title='x>y'>z</div><"), "z\n<");
        assert_eq!(to_text("<b>Số</b>tiền"), "Sốtiền");
        assert_eq!(to_text("<table><tr><td>x<td>y<tr><td>z"), "x: y\nz");
        assert_eq!(to_text(""), "");
        assert_eq!(to_text("</>&#xFFFFFFFF;&#;"), "\u{fffd}&#;");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let html = "<table><tr><td>".repeat(100) + "x" + &"</td></tr></table>".repeat(100);
        assert_eq!(to_text(&html), "x");
    }
}
