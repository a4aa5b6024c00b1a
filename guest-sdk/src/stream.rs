//! Streamed text (`write_stream`): each piece is appended where it is shown,
//! so a long answer costs its own bytes once, not the whole text again per
//! piece. Text reaches the browser as plain text; each Markdown block (up
//! to a blank line outside a code fence) is drawn as Markdown once it is
//! complete, in place of its plain text.

use crate::bindings::wasmlit::page::ui::Element;
use crate::Ui;

impl Ui {
    /// Shows text as it is produced, like `st.write_stream`, and returns
    /// the whole text. Each piece is sent as it comes; each finished
    /// Markdown block is redrawn as Markdown once.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let words = ["Streaming ", "one ", "word ", "at ", "a ", "time."];
    /// let text = st.write_stream(words.iter().map(|w| {
    ///     wasmlit::sleep(std::time::Duration::from_millis(50));
    ///     *w
    /// }));
    /// # }
    /// ```
    pub fn write_stream<S: AsRef<str>>(&self, chunks: impl IntoIterator<Item = S>) -> String {
        // The stream's blocks go in a container of their own, so each
        // finished block keeps its place even when the stream is drawn into
        // a placeholder.
        let area = self.container(false);
        let mut whole = String::new();
        // The unfinished block and the placeholder showing it; `sent` bytes
        // of it are there as plain text.
        let mut tail = String::new();
        let mut place: Option<Ui> = None;
        let mut sent = 0;
        let mut blocks = Blocks::default();
        for chunk in chunks {
            let chunk = chunk.as_ref();
            if chunk.is_empty() {
                continue;
            }
            whole.push_str(chunk);
            tail.push_str(chunk);
            let cut = blocks.scan(&tail);
            if cut > 0 {
                let done: String = tail.drain(..cut).collect();
                place
                    .take()
                    .unwrap_or_else(|| area.empty())
                    .emit(Element::Markdown(done));
                sent = 0;
                blocks = Blocks::default();
                blocks.scan(&tail);
            }
            if tail.len() > sent {
                place
                    .get_or_insert_with(|| area.empty())
                    .emit(Element::TextAppend(tail[sent..].to_owned()));
                sent = tail.len();
            }
        }
        if !tail.is_empty() {
            place
                .unwrap_or_else(|| area.empty())
                .emit(Element::Markdown(tail));
        }
        whole
    }
}

/// Where growing Markdown text can be cut between finished blocks: after a
/// blank line outside a fenced code block. It scans each line once, however
/// the text grows.
#[derive(Default)]
struct Blocks {
    /// Where the line being read starts.
    line_start: usize,
    /// The open fence's character and length, if inside one.
    fence: Option<(u8, usize)>,
    /// The last cut found.
    cut: usize,
}

impl Blocks {
    /// Reads the complete lines of `text` not read yet (`text` only grows)
    /// and returns the last cut: the start of the line after the last blank
    /// line outside a fence, or 0.
    fn scan(&mut self, text: &str) -> usize {
        while let Some(end) = text[self.line_start..].find('\n') {
            let end = self.line_start + end;
            self.line(&text[self.line_start..end], end + 1);
            self.line_start = end + 1;
        }
        self.cut
    }

    fn line(&mut self, line: &str, next: usize) {
        // Fences are recognised at any indent (one inside a list item is
        // indented further), so no cut falls inside one.
        let body = line
            .trim_start_matches([' ', '\t', '>', '-', '*', '+'])
            .trim_start();
        {
            let marker = body.as_bytes().first().copied();
            if let Some(c @ (b'`' | b'~')) = marker {
                let run = body.bytes().take_while(|&b| b == c).count();
                if run >= 3 {
                    match self.fence {
                        None => self.fence = Some((c, run)),
                        Some((open, length))
                            if open == c && run >= length && body[run..].trim().is_empty() =>
                        {
                            self.fence = None
                        }
                        Some(_) => {}
                    }
                    return;
                }
            }
        }
        if self.fence.is_none() && line.trim().is_empty() {
            self.cut = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Blocks;

    fn cut(text: &str) -> usize {
        Blocks::default().scan(text)
    }

    #[test]
    fn blocks_end_at_blank_lines_outside_fences() {
        assert_eq!(cut("one\n\ntwo"), 5);
        assert_eq!(cut("no blank line yet"), 0);
        assert_eq!(cut("```\ncode\n\nmore\n"), 0);
        assert_eq!(cut("```\ncode\n\n```\n\nafter"), 15);
        assert_eq!(cut("~~~~\n```\n\n~~~~\n\nx"), 16);
    }

    #[test]
    fn growing_text_is_read_once_and_gives_the_same_cuts() {
        let text = "para one\n\n```rust\nfn main() {\n\n}\n```\n\npara two\n\nthree";
        let mut blocks = Blocks::default();
        let mut grown = String::new();
        let mut last = 0;
        for c in text.chars() {
            grown.push(c);
            last = blocks.scan(&grown);
        }
        assert_eq!(last, cut(text));
        assert_eq!(&text[last..], "three");
    }
}
