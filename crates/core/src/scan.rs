//! The scanner: cuts findings out of a byte stream without building a DOM.
//!
//! # ADVICE FOR HACKERS
//!
//! This is a pure state machine in the csv-core mould. It is fed `&[u8]` windows of one
//! input stream, in order, and answers with an [`Outcome`] plus how many bytes it
//! consumed. It does no I/O, allocates nothing, and knows nothing about files: the
//! [`crate::read`] layer owns the buffer, the `io::Read` and the names. Positions it
//! reports are absolute offsets in the stream, so the driver can roll its buffer freely
//! as long as it keeps the bytes from [`Scanner::retain_from`] onwards.
//!
//! What it understands is only the *frame* around findings (spec section 1):
//!
//! * a sequence of top-level values separated by whitespace;
//! * a top-level object is a *page* as soon as it shows a `findings` key at its first
//!   level; until then it may be a finding (NDJSON) or an EventBridge event, so its bytes
//!   are retained from its `{`. Keys of a page other than `findings` are skipped;
//! * a top-level array, or a page's `findings` array, holds one item per element, and
//!   every element must be an object.
//!
//! Inside an item it only tracks strings, escapes and bracket depth: enough to find the
//! closing `}` exactly. Full validation of an item is the decoder's job (it parses each
//! item anyway), which is why this loop can be so small. The decoder also tells findings
//! from events (`detail-type`), so the scanner does not look at keys inside items.
//!
//! The hot loop is `Nest::blocks`: it classifies 64 bytes at a time into bit masks
//! (`classify`) and follows escapes, strings and brackets with bit arithmetic. Where that
//! is not exact (the block where the item may close, the depth limit, a backslash outside a
//! string) `Nest::run` goes on byte by byte: inside strings it jumps with `memchr2` to the
//! next quote or backslash, outside them it jumps to the next quote or bracket of a word.
//!
//! # Termination
//!
//! Feed an empty slice with `eof = true` to say the stream ended. The scanner then
//! answers [`Outcome::End`] if the stream ended between top-level values, or an error if
//! it ended inside one (a truncated file).

use crate::bytes::classify;
use crate::bytes::swar::{byte_flags, first_flagged, structure_flags, word};
use memchr::memchr2;

/// What one call to [`Scanner::scan`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every byte given was consumed without completing an item; feed more.
    NeedInput,
    /// One item (a finding or an event object) spans `start..end` in absolute offsets.
    Item {
        /// Absolute offset of its `{`.
        start: u64,
        /// Absolute offset one past its `}`.
        end: u64,
    },
    /// The stream ended cleanly between top-level values.
    End,
}

/// Why the frame is malformed, and where (absolute offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    /// Absolute offset of the offending byte (or of the end of input).
    pub offset: u64,
    /// Index of the item the error is in or before.
    pub item: u64,
    /// What was wrong.
    pub kind: ScanErrorKind,
}

/// The kinds of frame error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanErrorKind {
    /// Some byte other than what the grammar allows; the string says what was expected.
    Expected(&'static str, Found),
    /// The input ended inside a value; the string says inside what.
    Eof(&'static str),
    /// An array element where a finding belongs is not an object.
    NotAnObject(Found),
    /// An item grew past the limit.
    TooLarge(usize),
    /// Nesting past the limit.
    TooDeep(usize),
}

/// A short description of a byte that was found where another was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found(pub u8);

impl Found {
    /// What the byte starts, in words a user understands.
    pub fn describe(self) -> String {
        match self.0 {
            b'"' => "a string".into(),
            b'[' => "an array".into(),
            b'{' => "an object".into(),
            b'-' | b'0'..=b'9' => "a number".into(),
            b',' => "`,`".into(),
            b']' => "`]`".into(),
            b'}' => "`}`".into(),
            b':' => "`:`".into(),
            c if c.is_ascii_graphic() => format!("`{}`", c as char),
            c => format!("byte 0x{c:02x}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between top-level values.
    Top,
    /// After `[`: an element or `]`.
    ArrFirst { page: bool },
    /// After `,` in an array: an element.
    ArrElem { page: bool },
    /// After an element: `,` or `]`.
    ArrNext { page: bool },
    /// Inside an item; `nest` tracks it.
    Item { page: bool },
    /// After a top-level `{`: a key or `}`.
    ObjFirst,
    /// After `,` in a top-level object: a key.
    ObjKey,
    /// Inside a key of a top-level object.
    ObjKeyStr { escape: bool },
    /// After a key: `:`.
    ObjColon,
    /// After `:`: a value.
    ObjValue,
    /// Skipping a string, object or array value of a top-level object (`nest` tracks it).
    ObjSkip,
    /// Skipping a number, `true`, `false` or `null` value of a top-level object.
    ObjSkipScalar,
    /// After a value: `,` or `}`.
    ObjNext,
    /// After `"findings":`: `[` or `null`.
    FindingsValue,
    /// Matching the letters of `null` after `"findings":`; the count matched so far.
    FindingsNull(u8),
}

/// Is a top-level object known to be a page yet?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// No `findings` key seen: it may be an item (NDJSON finding or event).
    Unknown,
    /// A `findings` key was seen: it is a page; its other keys are skipped.
    Page,
}

/// Bracket and string tracking inside an item or a skipped value.
#[derive(Clone, Copy, Debug, Default)]
struct Nest {
    depth: usize,
    in_string: bool,
    escape: bool,
}

impl Nest {
    /// Runs from `data[i..]` until the value closes. Returns `Ok(Some(j))` with `j` one
    /// past the closing byte, `Ok(None)` if `data` ran out first.
    /// `base` is the nesting level already above this value (for the depth limit).
    #[inline]
    fn run(
        &mut self,
        data: &[u8],
        mut i: usize,
        base: usize,
        max_depth: usize,
    ) -> Result<(Option<usize>, usize), (usize, ScanErrorKind)> {
        let n = data.len();
        i = self.blocks(data, i, base, max_depth);
        loop {
            if self.in_string {
                if self.escape {
                    // The byte after a backslash never ends the string; the decoder
                    // checks that the escape is valid.
                    if i >= n {
                        return Ok((None, n));
                    }
                    self.escape = false;
                    i += 1;
                }
                // Most strings (keys, enums, ids) end within a word or two: look at eight
                // bytes in registers before paying for a memchr call.
                let found = if i + 8 <= n {
                    let w = word(data, i);
                    let flags = byte_flags(w, b'"') | byte_flags(w, b'\\');
                    if flags != 0 {
                        Some(first_flagged(flags))
                    } else {
                        memchr2(b'"', b'\\', &data[i + 8..]).map(|k| k + 8)
                    }
                } else {
                    memchr2(b'"', b'\\', &data[i..])
                };
                match found {
                    None => return Ok((None, n)),
                    Some(k) => {
                        i += k;
                        if data[i] == b'\\' {
                            self.escape = true;
                            i += 1;
                            continue;
                        }
                        self.in_string = false;
                        i += 1;
                        if self.depth == 0 {
                            return Ok((Some(i), i));
                        }
                    }
                }
            } else {
                while i < n {
                    // Indentation, numbers and literals between strings are skipped eight
                    // bytes at a time, straight to the first quote or bracket of a word.
                    while i + 8 <= n {
                        let flags = structure_flags(word(data, i));
                        if flags != 0 {
                            i += first_flagged(flags);
                            break;
                        }
                        i += 8;
                    }
                    if i >= n {
                        break;
                    }
                    match data[i] {
                        b'"' => {
                            self.in_string = true;
                            break;
                        }
                        b'{' | b'[' => {
                            self.depth += 1;
                            if base + self.depth > max_depth {
                                return Err((i, ScanErrorKind::TooDeep(max_depth)));
                            }
                        }
                        b'}' | b']' => {
                            // An unbalanced close inside an item is caught by the decoder,
                            // but it must not underflow here.
                            if self.depth == 0 {
                                return Err((
                                    i,
                                    ScanErrorKind::Expected("a value", Found(data[i])),
                                ));
                            }
                            self.depth -= 1;
                            if self.depth == 0 {
                                return Ok((Some(i + 1), i + 1));
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                if i >= n {
                    return Ok((None, n));
                }
                i += 1; // the opening quote
            }
        }
    }
}

impl Nest {
    /// Follows the value through whole 64-byte blocks while that is exact, and returns
    /// where the byte-at-a-time loop of [`Nest::run`] must take over: at the block where
    /// the value may close, where the depth limit may be crossed, where a backslash stands
    /// outside a string (invalid JSON, whose bytes the two loops could read differently),
    /// or at the last partial block.
    ///
    /// A block costs about 80 instructions ([`crate::bytes::classify`]) against about 4 per byte
    /// for the loop, and the scanner feeds every worker.
    #[inline]
    fn blocks(&mut self, data: &[u8], mut i: usize, base: usize, max_depth: usize) -> usize {
        while self.depth > 0 && i + 64 <= data.len() {
            let block: &[u8; 64] = data[i..i + 64].try_into().expect("64 bytes");
            let s = classify::structure(block);
            let (escaped, carry) = classify::escaped(s.backslash, self.escape);
            let inside = classify::in_string(s.quote & !escaped, self.in_string);
            let (open, close) = (s.open & !inside, s.close & !inside);
            // Escapes were assumed inside strings. They are exact unless a backslash
            // stands outside one: the first byte read wrongly would have to follow it.
            let stray = s.backslash & !inside;
            if stray != 0 {
                break;
            }
            // Bracket by bracket (a block of findings holds only a few, and baseline
            // x86-64 has no popcount instruction): stop where the value may close or the
            // limit may be crossed.
            let mut depth = self.depth;
            let mut brackets = open | close;
            while brackets != 0 {
                let b = brackets & brackets.wrapping_neg();
                if close & b != 0 {
                    depth -= 1;
                    if depth == 0 {
                        return i;
                    }
                } else {
                    depth += 1;
                    if base + depth > max_depth {
                        return i;
                    }
                }
                brackets ^= b;
            }
            self.depth = depth;
            self.in_string = inside >> 63 == 1;
            self.escape = carry;
            i += 64;
        }
        i
    }
}

/// Cuts items (finding or event objects) out of one input stream.
#[derive(Clone, Debug)]
pub struct Scanner {
    state: State,
    role: Role,
    nest: Nest,
    /// Absolute offset of the next byte to be fed.
    offset: u64,
    /// Absolute offset of the `{` of the item (or candidate top-level object) in progress.
    item_start: u64,
    /// Items emitted so far.
    items: u64,
    /// The first bytes of the current top-level key, to recognise `findings`.
    key: [u8; 8],
    key_len: usize,
    max_depth: usize,
    max_item_bytes: usize,
}

const FINDINGS: &[u8] = b"findings";

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

impl Scanner {
    /// A scanner for a stream whose first byte fed will be at absolute offset `offset`
    /// (non-zero when the driver skipped a byte-order mark).
    pub fn new(offset: u64, max_depth: usize, max_item_bytes: usize) -> Scanner {
        Scanner {
            state: State::Top,
            role: Role::Unknown,
            nest: Nest::default(),
            offset,
            item_start: 0,
            items: 0,
            key: [0; 8],
            key_len: 0,
            max_depth,
            max_item_bytes,
        }
    }

    /// Absolute offset of the next byte the scanner expects.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Items emitted so far.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// The driver must keep every byte from this absolute offset on, because an item that
    /// started there is not complete yet. `None` when nothing needs keeping.
    pub fn retain_from(&self) -> Option<u64> {
        match self.state {
            State::Item { .. } => Some(self.item_start),
            State::ObjFirst
            | State::ObjKey
            | State::ObjKeyStr { .. }
            | State::ObjColon
            | State::ObjValue
            | State::ObjSkip
            | State::ObjSkipScalar
            | State::ObjNext
                if self.role == Role::Unknown =>
            {
                Some(self.item_start)
            }
            _ => None,
        }
    }

    #[cold]
    fn err(&self, i: usize, kind: ScanErrorKind) -> ScanError {
        ScanError {
            offset: self.offset + i as u64,
            item: self.items,
            kind,
        }
    }

    /// Scans `data`, whose first byte is at [`Scanner::offset`]. `eof` says no bytes follow
    /// `data`. Returns what was found and how many bytes of `data` were consumed; the
    /// caller feeds the rest (and more) next time.
    pub fn scan(&mut self, data: &[u8], eof: bool) -> Result<(Outcome, usize), ScanError> {
        let r = self.scan_inner(data, eof);
        if let Ok((_, used)) = r {
            self.offset += used as u64;
        }
        r
    }

    fn scan_inner(&mut self, data: &[u8], eof: bool) -> Result<(Outcome, usize), ScanError> {
        let n = data.len();
        let mut i = 0;
        while i < n {
            let b = data[i];
            match self.state {
                State::Top => {
                    if is_ws(b) {
                        i += 1;
                        continue;
                    }
                    match b {
                        b'{' => {
                            self.item_start = self.offset + i as u64;
                            self.role = Role::Unknown;
                            self.state = State::ObjFirst;
                        }
                        b'[' => self.state = State::ArrFirst { page: false },
                        _ => {
                            return Err(self.err(
                                i,
                                ScanErrorKind::Expected(
                                    "`{` or `[` to start a page, finding, event or array",
                                    Found(b),
                                ),
                            ))
                        }
                    }
                    i += 1;
                }
                State::ArrFirst { page } | State::ArrElem { page } => {
                    if is_ws(b) {
                        i += 1;
                        continue;
                    }
                    match b {
                        b'{' => {
                            self.item_start = self.offset + i as u64;
                            self.nest = Nest {
                                depth: 1,
                                in_string: false,
                                escape: false,
                            };
                            self.state = State::Item { page };
                            i += 1;
                        }
                        b']' if matches!(self.state, State::ArrFirst { .. }) => {
                            self.state = if page { State::ObjNext } else { State::Top };
                            i += 1;
                        }
                        _ => return Err(self.err(i, ScanErrorKind::NotAnObject(Found(b)))),
                    }
                }
                State::ArrNext { page } => {
                    if is_ws(b) {
                        i += 1;
                        continue;
                    }
                    match b {
                        b',' => self.state = State::ArrElem { page },
                        b']' => self.state = if page { State::ObjNext } else { State::Top },
                        _ => {
                            return Err(self.err(
                                i,
                                ScanErrorKind::Expected("`,` or `]` after a finding", Found(b)),
                            ))
                        }
                    }
                    i += 1;
                }
                State::Item { page } => {
                    let (done, j) = self
                        .nest
                        .run(data, i, 0, self.max_depth)
                        .map_err(|(at, k)| self.err(at, k))?;
                    match done {
                        Some(end) => {
                            self.state = State::ArrNext { page };
                            self.items += 1;
                            return Ok((
                                Outcome::Item {
                                    start: self.item_start,
                                    end: self.offset + end as u64,
                                },
                                end,
                            ));
                        }
                        None => i = j,
                    }
                }
                State::ObjFirst | State::ObjKey => {
                    if is_ws(b) {
                        i += 1;
                        continue;
                    }
                    match b {
                        b'"' => {
                            self.key_len = 0;
                            self.state = State::ObjKeyStr { escape: false };
                        }
                        b'}' if self.state == State::ObjFirst => {
                            i += 1;
                            if let Some(out) = self.close_top_object(i) {
                                return Ok((out, i));
                            }
                            continue;
                        }
                        _ => {
                            return Err(self.err(
                                i,
                                ScanErrorKind::Expected(
                                    if self.state == State::ObjFirst {
                                        "a key or `}`"
                                    } else {
                                        "a key"
                                    },
                                    Found(b),
                                ),
                            ))
                        }
                    }
                    i += 1;
                }
                State::ObjKeyStr { escape } => {
                    if escape {
                        self.state = State::ObjKeyStr { escape: false };
                        self.push_key(b);
                    } else if b == b'\\' {
                        self.state = State::ObjKeyStr { escape: true };
                        self.push_key(b);
                    } else if b == b'"' {
                        self.state = State::ObjColon;
                    } else {
                        self.push_key(b);
                    }
                    i += 1;
                }
                State::ObjColon => {
                    if is_ws(b) {
                        i += 1;
                        continue;
                    }
                    if b != b':' {
                        return Err(
                            self.err(i, ScanErrorKind::Expected("`:` after a key", Found(b)))
                        );
                    }
                    self.state = if self.key_len == FINDINGS.len()
                        && &self.key[..self.key_len] == FINDINGS
                    {
                        // From here on this object is a page: its bytes need not be kept.
                        self.role = Role::Page;
                        State::FindingsValue
                    } else {
                        State::ObjValue
                    };
                    i += 1;
                }
                State::FindingsValue => {
                    if is_ws(b) {
                        i += 1;
                        continue;
                    }
                    match b {
                        b'[' => self.state = State::ArrFirst { page: true },
                        b'n' => self.state = State::FindingsNull(1),
                        _ => {
                            return Err(self.err(
                                i,
                                ScanErrorKind::Expected("the `findings` array (or null)", Found(b)),
                            ))
                        }
                    }
                    i += 1;
                }
                State::FindingsNull(k) => {
                    if b != b"null"[k as usize] {
                        return Err(self.err(
                            i,
                            ScanErrorKind::Expected("the `findings` array (or null)", Found(b)),
                        ));
                    }
                    self.state = if k == 3 {
                        State::ObjNext
                    } else {
                        State::FindingsNull(k + 1)
                    };
                    i += 1;
                }
                State::ObjValue => {
                    if is_ws(b) {
                        i += 1;
                        continue;
                    }
                    match b {
                        b'"' => {
                            self.nest = Nest {
                                depth: 0,
                                in_string: true,
                                escape: false,
                            };
                            self.state = State::ObjSkip;
                        }
                        b'{' | b'[' => {
                            self.nest = Nest {
                                depth: 1,
                                in_string: false,
                                escape: false,
                            };
                            if 2 > self.max_depth {
                                return Err(self.err(i, ScanErrorKind::TooDeep(self.max_depth)));
                            }
                            self.state = State::ObjSkip;
                        }
                        b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                            self.state = State::ObjSkipScalar;
                        }
                        _ => {
                            return Err(
                                self.err(i, ScanErrorKind::Expected("a value after `:`", Found(b)))
                            )
                        }
                    }
                    i += 1;
                }
                State::ObjSkip => {
                    let (done, j) = self
                        .nest
                        .run(data, i, 1, self.max_depth)
                        .map_err(|(at, k)| self.err(at, k))?;
                    i = j;
                    if done.is_some() {
                        self.state = State::ObjNext;
                    }
                }
                State::ObjSkipScalar => {
                    if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-') {
                        i += 1;
                    } else {
                        self.state = State::ObjNext;
                    }
                }
                State::ObjNext => {
                    if is_ws(b) {
                        i += 1;
                        continue;
                    }
                    match b {
                        b',' => {
                            self.state = State::ObjKey;
                            i += 1;
                        }
                        b'}' => {
                            i += 1;
                            if let Some(out) = self.close_top_object(i) {
                                return Ok((out, i));
                            }
                        }
                        _ => {
                            return Err(self.err(
                                i,
                                ScanErrorKind::Expected("`,` or `}` after a value", Found(b)),
                            ))
                        }
                    }
                }
            }
        }
        // All of `data` is consumed.
        if let Some(start) = self.retain_from() {
            let held = self.offset + n as u64 - start;
            if held > self.max_item_bytes as u64 {
                return Err(ScanError {
                    offset: start,
                    item: self.items,
                    kind: ScanErrorKind::TooLarge(self.max_item_bytes),
                });
            }
        }
        if !eof {
            return Ok((Outcome::NeedInput, n));
        }
        match self.state {
            State::Top => Ok((Outcome::End, n)),
            State::ObjSkipScalar => {
                // A scalar right at the end of input: the object is still open.
                Err(self.err(n, ScanErrorKind::Eof("a top-level object")))
            }
            State::Item { .. } => Err(self.err(n, ScanErrorKind::Eof("a finding"))),
            State::ArrFirst { .. } | State::ArrElem { .. } | State::ArrNext { .. } => {
                Err(self.err(n, ScanErrorKind::Eof("an array of findings")))
            }
            _ => Err(self.err(n, ScanErrorKind::Eof("a top-level object"))),
        }
    }

    #[inline]
    fn push_key(&mut self, b: u8) {
        if self.key_len < self.key.len() {
            self.key[self.key_len] = b;
        }
        // Saturate one past the buffer so a longer key never equals `findings`.
        self.key_len = (self.key_len + 1).min(self.key.len() + 1);
    }

    /// A top-level object just closed at `data[..i]`. A page ends quietly; an object that
    /// never showed a `findings` key is itself an item.
    fn close_top_object(&mut self, i: usize) -> Option<Outcome> {
        self.state = State::Top;
        match self.role {
            Role::Page => None,
            Role::Unknown => {
                self.items += 1;
                Some(Outcome::Item {
                    start: self.item_start,
                    end: self.offset + i as u64,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in chunks of `chunk` bytes, keeping a rolling buffer as a driver
    /// would, and returns the items as strings.
    pub(crate) fn scan_chunks(input: &[u8], chunk: usize) -> Result<Vec<String>, ScanError> {
        let mut s = Scanner::new(0, 128, 1 << 20);
        let mut out = Vec::new();
        let mut fed = 0usize; // bytes of input made available
        let mut pos = 0usize; // next byte the scanner has not consumed
        loop {
            let eof = fed == input.len();
            let (o, used) = s.scan(&input[pos..fed], eof)?;
            pos += used;
            match o {
                Outcome::Item { start, end } => out
                    .push(String::from_utf8(input[start as usize..end as usize].to_vec()).unwrap()),
                Outcome::NeedInput => fed = (fed + chunk).min(input.len()),
                Outcome::End => return Ok(out),
            }
        }
    }

    /// The 64-byte block path and the byte loop agree on items and on errors (offset and
    /// kind), on random token soups that are mostly valid JSON and often not: one byte per
    /// read never reaches the block path, whole input always does.
    #[test]
    fn block_path_agrees_with_the_byte_loop() {
        let tokens: [&[u8]; 16] = [
            b"{",
            b"}",
            b"[",
            b"]",
            b"\"",
            b"\\",
            b"\\\"",
            b"\\\\",
            b"a",
            b"    ",
            b",",
            b":",
            b"\"key\":",
            b"\"long string with [brackets] and {braces} inside it\"",
            b"\n",
            b"1",
        ];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..3000 {
            let mut input = b"[{\"a\":".to_vec();
            let n = 20 + next() % 200;
            for _ in 0..n {
                input.extend_from_slice(tokens[(next() % tokens.len() as u64) as usize]);
            }
            // Mostly close what was opened, so that many items end well.
            if round % 2 == 0 {
                input.extend_from_slice(b"\"}]");
            }
            let bytewise = format!("{:?}", scan_chunks(&input, 1));
            let whole = format!("{:?}", scan_chunks(&input, usize::MAX / 2));
            assert_eq!(bytewise, whole, "{}", String::from_utf8_lossy(&input));
        }
    }

    fn all_chunkings(input: &str) -> Vec<String> {
        let whole = scan_chunks(input.as_bytes(), usize::MAX / 2).unwrap();
        for c in [1, 2, 3, 7, 64] {
            assert_eq!(
                scan_chunks(input.as_bytes(), c).unwrap(),
                whole,
                "chunk {c}"
            );
        }
        whole
    }

    #[test]
    fn page_with_keys_in_any_order() {
        let items = all_chunkings(
            r#"{"nextToken":"a}b\"]","other":{"x":[1,{"y":"}"}]},"findings":[{"a":1},
            {"b":"}{"}],"n":null}"#,
        );
        assert_eq!(items, vec![r#"{"a":1}"#, r#"{"b":"}{"}"#]);
    }

    #[test]
    fn concatenated_pages_and_null_findings() {
        let items = all_chunkings(
            "{\"findings\":[{\"a\":1}]}\n{\"findings\":null}\r\n{\"findings\":[]}{\"findings\":[{\"c\":[]}],\"nextToken\":\"t\"}",
        );
        assert_eq!(items, vec![r#"{"a":1}"#, r#"{"c":[]}"#]);
    }

    #[test]
    fn array_ndjson_and_events() {
        assert_eq!(
            all_chunkings(r#" [ {"a":"\\"} , {"b":2} ] "#),
            vec![r#"{"a":"\\"}"#, r#"{"b":2}"#]
        );
        assert_eq!(all_chunkings("[]"), Vec::<String>::new());
        assert_eq!(
            all_chunkings("{\"a\":1}\n{\"detail-type\":\"x\",\"detail\":{\"findings2\":[]}}\n"),
            vec![
                r#"{"a":1}"#,
                r#"{"detail-type":"x","detail":{"findings2":[]}}"#
            ]
        );
        // An NDJSON object spread over lines, and a key that only starts like `findings`.
        assert_eq!(
            all_chunkings("{\n \"findingsX\": [1],\n \"b\": true\n}"),
            vec!["{\n \"findingsX\": [1],\n \"b\": true\n}"]
        );
        assert_eq!(all_chunkings("  \n "), Vec::<String>::new());
        assert_eq!(all_chunkings("{}"), vec!["{}"]);
    }

    #[test]
    fn errors_name_offsets() {
        let e = scan_chunks(br#"{"findings":[{"a":1},7]}"#, 3).unwrap_err();
        assert_eq!(e.offset, 21);
        assert_eq!(e.item, 1);
        assert!(matches!(e.kind, ScanErrorKind::NotAnObject(Found(b'7'))));

        let e = scan_chunks(br#"{"findings":[{"a":1}"#, 1).unwrap_err();
        assert!(matches!(e.kind, ScanErrorKind::Eof(_)));
        let e = scan_chunks(br#"{"findings":[{"a":"#, 1).unwrap_err();
        assert_eq!(e.kind, ScanErrorKind::Eof("a finding"));
        assert_eq!(e.offset, 18);

        let e = scan_chunks(b"[{\"a\":1}] xyz", 4).unwrap_err();
        assert_eq!(e.offset, 10);
        let e = scan_chunks(b"[{\"a\":1} {\"b\":1}]", 4).unwrap_err();
        assert!(matches!(e.kind, ScanErrorKind::Expected(_, Found(b'{'))));
        let e = scan_chunks(br#"{"findings":"no"}"#, 4).unwrap_err();
        assert!(matches!(e.kind, ScanErrorKind::Expected(_, Found(b'"'))));
        let e = scan_chunks(br#"{"findings":nul}"#, 4).unwrap_err();
        assert!(matches!(e.kind, ScanErrorKind::Expected(_, _)));
    }

    #[test]
    fn depth_limit() {
        let deep = |n: usize| format!("[{}{}]", "{\"a\":".repeat(n - 1) + "{", "}".repeat(n));
        let mut s = Scanner::new(0, 4, 1 << 20);
        assert!(matches!(
            s.scan(deep(4).as_bytes(), true).unwrap().0,
            Outcome::Item { .. }
        ));
        let mut s = Scanner::new(0, 4, 1 << 20);
        let e = s.scan(deep(5).as_bytes(), true).unwrap_err();
        assert_eq!(e.kind, ScanErrorKind::TooDeep(4));
    }

    #[test]
    fn size_limit_counts_retained_bytes() {
        let mut s = Scanner::new(0, 128, 16);
        let input = br#"[{"a":"0123456789abcdefghij"}]"#;
        let (o, used) = s.scan(&input[..10], false).unwrap();
        assert_eq!((o, used), (Outcome::NeedInput, 10));
        let e = s.scan(&input[10..25], false).unwrap_err();
        assert_eq!(e.kind, ScanErrorKind::TooLarge(16));
        assert_eq!(e.offset, 1);
    }
}
