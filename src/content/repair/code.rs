//! Where a Markdown text quotes code: fenced blocks (``` or ~~~) and inline code spans.
//!
//! Repair asks this only for files with suspicious runs, to tell mojibake quoted on purpose (in
//! code, in a file whose prose is clean) from damage. A light line scanner, not a full parser.

use std::ops::Range;

/// The byte ranges of a text that are code, sorted.
#[derive(Debug, Default)]
pub(super) struct CodeMap {
    ranges: Vec<Range<usize>>,
    /// The fenced blocks alone, sorted.
    blocks: Vec<Range<usize>>,
}

impl CodeMap {
    pub(super) fn new(text: &str) -> Self {
        let mut ranges = Vec::new();
        let mut blocks = Vec::new();
        let mut fence: Option<(u8, usize, usize)> = None; // (char, length, start offset)
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let end = offset + line.len();
            let trimmed = line.trim_start();
            match fence {
                Some((ch, len, start)) => {
                    if fence_of(trimmed).is_some_and(|(c, l)| c == ch && l >= len) {
                        ranges.push(start..end);
                        blocks.push(start..end);
                        fence = None;
                    }
                }
                None => match fence_of(trimmed) {
                    Some((ch, len)) => fence = Some((ch, len, offset)),
                    None => spans(line, offset, &mut ranges),
                },
            }
            offset = end;
        }
        if let Some((_, _, start)) = fence {
            ranges.push(start..text.len());
            blocks.push(start..text.len());
        }
        ranges.sort_by_key(|r| r.start);
        CodeMap { ranges, blocks }
    }

    /// The fenced block holding byte `offset`.
    pub(super) fn block_of(&self, offset: usize) -> Option<Range<usize>> {
        self.blocks.iter().find(|b| b.contains(&offset)).cloned()
    }

    /// Whether byte `offset` is inside code.
    pub(super) fn contains(&self, offset: usize) -> bool {
        let i = self.ranges.partition_point(|r| r.start <= offset);
        i > 0 && self.ranges[i - 1].contains(&offset)
    }
}

/// The fence character and length when the line opens or closes a fenced block.
fn fence_of(trimmed: &str) -> Option<(u8, usize)> {
    let first = *trimmed.as_bytes().first()?;
    if first != b'`' && first != b'~' {
        return None;
    }
    let len = trimmed.bytes().take_while(|&b| b == first).count();
    (len >= 3).then_some((first, len))
}

/// Inline code spans of one line: a run of N backticks up to the next run of exactly N.
fn spans(line: &str, offset: usize, ranges: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut open: Option<(usize, usize)> = None; // (start, length)
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let len = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        match open {
            Some((start, n)) if n == len => {
                ranges.push(offset + start..offset + i + len);
                open = None;
            }
            Some(_) => {}
            None => open = Some((i, len)),
        }
        i += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fences_and_spans() {
        let text = "a `RÃ©` b\n```\nRÃ©\n```\nc ``x ` y`` d\n~~~\nopen";
        let map = CodeMap::new(text);
        assert!(map.contains(text.find("RÃ©").unwrap()));
        assert!(!map.contains(text.find(" b").unwrap()));
        assert!(map.contains(text.find("\nRÃ©").unwrap() + 1));
        assert!(map.contains(text.find("` y").unwrap()));
        assert!(!map.contains(text.find(" d").unwrap()));
        assert!(map.contains(text.find("open").unwrap()));
    }
}
