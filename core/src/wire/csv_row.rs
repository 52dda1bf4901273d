//! Writing CSV rows (reading stays with the `csv` crate, in `sheet`).
//!
//! Written here rather than with `csv::Writer`: its writer decides quoting at run time among
//! styles that include "quote what is not a number", which keeps the float parser of `core`
//! and its tables in the browser package; with the writer itself (and number cells parsed by
//! `f64::from_str`, now read by serde_json) that was 17.9 kB of its 200.6
//! kB gzipped (measured build against build on 2026-12-06). The rows here only ever need RFC
//! 4180 quoting, which is this.

/// Appends one row to `out`: cells joined by commas, a cell quoted (quotes doubled) when it
/// holds a comma, a quote, CR or LF, and the row ended by CRLF. A row of one empty cell is
/// written `""`, so that it is not read back as a blank line. The same bytes as
/// `csv::WriterBuilder::new().terminator(CRLF)` writes (tested against it).
pub fn write_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    write_quoting(out, cells, b",\"\r\n");
}

/// [`write_row`] for a file a spreadsheet opens: a cell holding `;` is quoted too, so that a
/// spreadsheet splitting fields at `;` (Excel in many locales) keeps it one cell; split, the
/// text after the `;` could start a formula (`x;=HYPERLINK(...)`).
pub fn write_spreadsheet_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    write_quoting(out, cells, b",\"\r\n;");
}

/// Bytes, not `char` patterns: their searchers cost the browser package about 0.1 kB.
fn write_quoting<S: AsRef<str>>(out: &mut String, cells: &[S], quoted: &[u8]) {
    for (i, cell) in cells.iter().enumerate() {
        let cell = cell.as_ref();
        if i > 0 {
            out.push(',');
        }
        if !super::split::all_bytes(cell, |b| !quoted.contains(&b)) || (cells.len() == 1 && cell.is_empty()) {
            out.push('"');
            let mut first = true;
            for part in super::split::pieces(cell, b'"') {
                if !first {
                    out.push_str("\"\"");
                }
                first = false;
                out.push_str(part);
            }
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

/// One row as text (see [`write_row`]).
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = String::new();
    write_row(&mut out, cells);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_csv_crate(rows: &[Vec<&str>]) -> String {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(Vec::new());
        for r in rows {
            w.write_record(r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn same_bytes_as_the_csv_crate() {
        let rows: Vec<Vec<&str>> = vec![
            vec!["a", "b", "c"],
            vec![""],
            vec!["", ""],
            vec!["x,y", "say \"hi\"", "line\nbreak", "cr\ronly", "crlf\r\n"],
            vec!["'=1+2", " spaced ", "tab\there", "#comment", "1.5", "-3", "ünïcödé"],
            vec!["\"", ",", "\"\""],
        ];
        let mut ours = String::new();
        for r in &rows {
            write_row(&mut ours, r);
        }
        assert_eq!(ours, by_csv_crate(&rows));
    }

    #[test]
    fn spreadsheet_rows_quote_semicolons_too() {
        let mut out = String::new();
        write_spreadsheet_row(&mut out, &["x;=HYPERLINK(\"http://e\")", "plain", "a,b"]);
        assert_eq!(out, "\"x;=HYPERLINK(\"\"http://e\"\")\",plain,\"a,b\"\r\n");
    }
}
