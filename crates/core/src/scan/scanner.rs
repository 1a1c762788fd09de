//! The state machine: the frame of top-level values, pages and arrays around the items.
//!
//! Between items it reads one byte at a time; inside an item or a skipped value, [`Nest`]
//! follows the value to its end, 64 bytes at a time where it can.

use super::nest::Nest;
use super::{Found, Outcome, ScanError, ScanErrorKind};

/// Where the scanner is in the frame.
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
    /// Absolute offset of the opening quote of the top-level object's current key.
    member_start: u64,
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
            member_start: 0,
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

    /// The driver must keep every byte from this absolute offset on, because an item (or a
    /// page's member, [`Outcome::Members`]) that started there is not complete yet. `None`
    /// when nothing needs keeping.
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
            // A page's own member, which the caller checks once it ends.
            State::ObjKeyStr { .. }
            | State::ObjColon
            | State::ObjValue
            | State::ObjSkip
            | State::ObjSkipScalar => Some(self.member_start),
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
                            self.member_start = self.offset + i as u64;
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
                    i += 1;
                    if self.key_len == FINDINGS.len() && &self.key[..self.key_len] == FINDINGS {
                        // From here on this object is a page: its bytes need not be kept,
                        // once the caller has checked the members before this one.
                        self.state = State::FindingsValue;
                        if self.role == Role::Unknown {
                            self.role = Role::Page;
                            let members = Outcome::Members {
                                start: self.item_start,
                                end: self.member_start,
                                before_findings: true,
                            };
                            return Ok((members, i));
                        }
                    } else {
                        self.state = State::ObjValue;
                    }
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
                    if let Some(end) = done {
                        self.state = State::ObjNext;
                        if let Some(out) = self.page_member_ends(end) {
                            return Ok((out, end));
                        }
                    }
                }
                State::ObjSkipScalar => {
                    if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-') {
                        i += 1;
                    } else {
                        self.state = State::ObjNext;
                        if let Some(out) = self.page_member_ends(i) {
                            return Ok((out, i));
                        }
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

    /// A member of a top-level object ended at `data[..end]`: a page's own member goes to
    /// the caller to be checked.
    fn page_member_ends(&self, end: usize) -> Option<Outcome> {
        (self.role == Role::Page).then(|| Outcome::Members {
            start: self.member_start,
            end: self.offset + end as u64,
            before_findings: false,
        })
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
