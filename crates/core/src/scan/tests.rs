//! The scanner against every chunking of its input, and its errors.

use super::*;

/// Feeds `input` in chunks of `chunk` bytes, keeping a rolling buffer as a driver
/// would, and returns the items as strings.
pub(crate) fn scan_chunks(input: &[u8], chunk: usize) -> Result<Vec<String>, ScanError> {
    scan_all(input, chunk).map(|(items, _)| items)
}

/// [`scan_chunks`], and the pages' own members ([`Outcome::Members`]) as strings, the
/// members before a page's `findings` marked with a `<` in front.
fn scan_all(input: &[u8], chunk: usize) -> Result<(Vec<String>, Vec<String>), ScanError> {
    let mut s = Scanner::new(0, 128, 1 << 20);
    let (mut items, mut members) = (Vec::new(), Vec::new());
    let mut fed = 0usize; // bytes of input made available
    let mut pos = 0usize; // next byte the scanner has not consumed
    let text = |start: u64, end: u64| {
        String::from_utf8(input[start as usize..end as usize].to_vec()).unwrap()
    };
    loop {
        let eof = fed == input.len();
        let (o, used) = s.scan(&input[pos..fed], eof)?;
        pos += used;
        match o {
            Outcome::Item { start, end } => items.push(text(start, end)),
            Outcome::Members {
                start,
                end,
                before_findings,
            } => {
                let mark = if before_findings { "<" } else { "" };
                members.push(format!("{mark}{}", text(start, end)));
            }
            Outcome::NeedInput => fed = (fed + chunk).min(input.len()),
            Outcome::End => return Ok((items, members)),
        }
    }
}

#[test]
fn a_pages_own_members_go_to_the_caller_at_any_read_size() {
    let input = br#"{"a":1, "findings":[{"x":1}], "nextToken":"t\"}", "m":{"k":[1]},"n":tru}
{"findings":[]}
{"status":"ACTIVE","findings_":"not a page"}"#;
    for chunk in 1..=input.len() {
        let (items, members) = scan_all(input, chunk).unwrap();
        assert_eq!(
            items,
            [
                r#"{"x":1}"#,
                r#"{"status":"ACTIVE","findings_":"not a page"}"#
            ],
            "{chunk}"
        );
        assert_eq!(
            members,
            [
                r#"<{"a":1, "#,
                r#""nextToken":"t\"}""#,
                r#""m":{"k":[1]}"#,
                r#""n":tru"#,
                "<{",
            ],
            "{chunk}"
        );
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
