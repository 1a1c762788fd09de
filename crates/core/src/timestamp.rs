//! Every timestamp form of spec section 1.2, to whole UTC milliseconds and back.
//!
//! All arithmetic is on integers taken from the decimal text: `1748539687.919` is
//! 1748539687 s + 919 ms exactly, where an `f64` would give `...918.99999`. Digits past
//! the millisecond are dropped (floor, so a negative epoch still renders the instant's
//! own digits truncated). Only years 0001 to 9999 are timestamps.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type EpochMillis = i64;

/// 0001-01-01T00:00:00Z.
const MIN_MS: i64 = -62_135_596_800_000;
/// 9999-12-31T23:59:59.999Z.
const MAX_MS: i64 = 253_402_300_799_999;

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
const WEEKDAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];

/// Parses a JSON number's text or a string's contents in any form of spec 1.2.
/// `None` means the value is not a timestamp (the caller keeps it as it is and warns).
pub fn parse(text: &str) -> Option<EpochMillis> {
    let b = text.as_bytes();
    let first = *b.first()?;
    let ms = if first.is_ascii_digit() && b.len() >= 10 && b[4] == b'-' {
        parse_iso(b)?
    } else if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
        match epoch_seconds_plain(b) {
            Some(ms) => ms,
            None => parse_epoch_seconds(text)?,
        }
    } else if first.is_ascii_uppercase() {
        parse_eventbridge(b)?
    } else {
        return None;
    };
    (MIN_MS..=MAX_MS).contains(&ms).then_some(ms)
}

/// Renders as `YYYY-MM-DDTHH:MM:SS.sssZ` into `out`.
pub fn render(ms: EpochMillis, out: &mut Vec<u8>) {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (mi, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    let mut buf = *b"0000-00-00T00:00:00.000Z";
    // Two digits per table lookup: a digit-by-digit loop was most of this function.
    let y = y as u32;
    pair(&mut buf[0..2], y / 100);
    pair(&mut buf[2..4], y);
    pair(&mut buf[5..7], m);
    pair(&mut buf[8..10], d);
    pair(&mut buf[11..13], h as u32);
    pair(&mut buf[14..16], mi as u32);
    pair(&mut buf[17..19], s as u32);
    let milli = milli as u32;
    buf[20] = b'0' + (milli / 100) as u8;
    pair(&mut buf[21..23], milli);
    out.extend_from_slice(&buf);
}

/// `"00"` to `"99"`.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The last two decimal digits of `v`.
#[inline(always)]
fn pair(dst: &mut [u8], v: u32) {
    let k = (v % 100) as usize * 2;
    dst.copy_from_slice(&PAIRS[k..k + 2]);
}

/// Renders into a new `String` (for tests and messages).
pub fn to_string(ms: EpochMillis) -> String {
    let mut v = Vec::with_capacity(24);
    render(ms, &mut v);
    String::from_utf8(v).unwrap_or_default()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A byte cursor over a timestamp's text.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }
    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as u32;
        }
        self.i += n;
        Some(v)
    }
    /// One to `max` digits.
    fn digits_upto(&mut self, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v = 0u32;
        while self.i - start < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + (c - b'0') as u32;
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i > start).then_some(v)
    }
    /// Optional `.` and 0-9 digits, as milliseconds (truncated).
    fn fraction_ms(&mut self) -> Option<i64> {
        if self.eat(b'.').is_none() {
            return Some(0);
        }
        let start = self.i;
        let mut ms = 0i64;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            let k = self.i - start;
            if k >= 9 {
                return None;
            }
            if k < 3 {
                ms = ms * 10 + (c - b'0') as i64;
            }
            self.i += 1;
        }
        let k = self.i - start;
        if k == 0 {
            return None;
        }
        for _ in k..3 {
            ms *= 10;
        }
        Some(ms)
    }
    fn word<const N: usize>(&mut self, table: &[&[u8; N]]) -> Option<usize> {
        let s = self.b.get(self.i..self.i + N)?;
        let k = table.iter().position(|w| &w[..] == s)?;
        self.i += N;
        Some(k)
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

fn date_ms(y: i64, m: u32, d: u32, h: u32, mi: u32, s: u32, ms: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let secs = days_from_civil(y, m, d) * 86_400 + (h * 3600 + mi * 60 + s) as i64;
    Some(secs * 1000 + ms)
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±HH:MM]`; no zone means UTC.
fn parse_iso(b: &[u8]) -> Option<i64> {
    let mut c = Cur { b, i: 0 };
    let y = c.digits(4)? as i64;
    c.eat(b'-')?;
    let m = c.digits(2)?;
    c.eat(b'-')?;
    let d = c.digits(2)?;
    if c.eat(b'T').is_none() {
        c.eat(b' ')?;
    }
    let h = c.digits(2)?;
    c.eat(b':')?;
    let mi = c.digits(2)?;
    c.eat(b':')?;
    let s = c.digits(2)?;
    let frac = c.fraction_ms()?;
    let local = date_ms(y, m, d, h, mi, s, frac)?;
    let offset_min: i64 = match c.peek() {
        None => 0,
        Some(b'Z') => {
            c.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c.digits(2)?;
            c.eat(b':')?;
            let om = c.digits(2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let v = (oh * 60 + om) as i64;
            if sign == b'-' {
                -v
            } else {
                v
            }
        }
        Some(_) => return None,
    };
    if !c.done() {
        return None;
    }
    // Local time minus its offset is UTC.
    Some(local - offset_min * 60_000)
}

/// `Dec 3, 2021, 6:02:30 PM` or `Wed Sep 04 16:59:44.356 UTC 2024`.
fn parse_eventbridge(b: &[u8]) -> Option<i64> {
    let mut c = Cur { b, i: 0 };
    if let Some(m) = c.word(&MONTHS) {
        // Dec 3, 2021, 6:02:30 PM
        c.eat(b' ')?;
        let d = c.digits_upto(2)?;
        c.eat(b',')?;
        c.eat(b' ')?;
        let y = c.digits(4)? as i64;
        c.eat(b',')?;
        c.eat(b' ')?;
        let h12 = c.digits_upto(2)?;
        c.eat(b':')?;
        let mi = c.digits(2)?;
        c.eat(b':')?;
        let s = c.digits(2)?;
        c.eat(b' ')?;
        let pm = c.word(&[b"AM", b"PM"])? == 1;
        if !c.done() || !(1..=12).contains(&h12) {
            return None;
        }
        let h = (h12 % 12) + if pm { 12 } else { 0 };
        return date_ms(y, m as u32 + 1, d, h, mi, s, 0);
    }
    // Wed Sep 04 16:59:44.356 UTC 2024
    c.word(&WEEKDAYS)?;
    c.eat(b' ')?;
    let m = c.word(&MONTHS)? as u32 + 1;
    c.eat(b' ')?;
    let d = c.digits(2)?;
    c.eat(b' ')?;
    let h = c.digits(2)?;
    c.eat(b':')?;
    let mi = c.digits(2)?;
    c.eat(b':')?;
    let s = c.digits(2)?;
    let frac = c.fraction_ms()?;
    c.eat(b' ')?;
    c.word(&[b"UTC"])?;
    c.eat(b' ')?;
    let y = c.digits(4)? as i64;
    if !c.done() {
        return None;
    }
    date_ms(y, m, d, h, mi, s, frac)
}

/// A decimal number of epoch seconds: `[-+]digits[.digits][(e|E)[-+]digits]`, taken
/// exactly and floored to the millisecond.
/// The common epoch form, `1728645380.219`: ten digits of seconds (no leading zero) and up
/// to nine of fraction, as Inspector's API and the AWS CLI write it. The same milliseconds
/// as [`parse_epoch_seconds`] (a test compares them), at a tenth of its cost: it was half
/// of the timestamp columns' time. `None` for anything else, which takes the general path.
#[inline]
fn epoch_seconds_plain(b: &[u8]) -> Option<i64> {
    let digit = |c: u8| {
        let d = c.wrapping_sub(b'0');
        (d <= 9).then_some(d as i64)
    };
    let (secs, rest) = b.split_at_checked(10)?;
    if secs[0] == b'0' {
        return None;
    }
    let mut ms = 0i64;
    for &c in secs {
        ms = ms * 10 + digit(c)?;
    }
    let frac = match rest {
        [] => &[][..],
        [b'.', frac @ ..] if !frac.is_empty() && frac.len() <= 9 => frac,
        _ => return None,
    };
    for k in 0..3 {
        ms = ms * 10 + frac.get(k).map_or(Some(0), |&c| digit(c))?;
    }
    // The digits past milliseconds are floored away, but must be digits.
    frac.iter().skip(3).try_for_each(|&c| digit(c).map(drop))?;
    Some(ms)
}

fn parse_epoch_seconds(text: &str) -> Option<i64> {
    let n = crate::number::lex(text)?;
    let (int, exp, neg, total) = (n.int, n.exp, n.neg, n.len());
    let digit = |k: usize| n.digit(k);
    // value = 0.DIGITS x 10^point where DIGITS = int ++ frac and point = len(int) + exp.
    // Milliseconds are the digits left of position point+3, floored.
    let point = int.len() as i64 + exp;
    let ms_point = point.checked_add(3)?;
    // Skip leading zeros so a long zero prefix does not look like a huge number.
    let Some(first_nz) = (0..total).find(|&k| digit(k) != 0) else {
        return Some(0);
    };
    // Digits before ms_point form the integer part in ms; too many means out of range.
    if ms_point - first_nz as i64 > 18 {
        return None;
    }
    let mut ms: i64 = 0;
    for k in first_nz as i64..ms_point.max(0) {
        ms = ms * 10 + digit(k as usize) as i64;
    }
    let rest_nonzero = (ms_point.max(0) as usize..total).any(|k| digit(k) != 0);
    if neg {
        ms = -ms;
        if rest_nonzero {
            ms -= 1;
        }
    }
    Some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::BorrowedFormatItem;
    use time::{Date, Month, UtcDateTime};

    fn ts(s: &str) -> Option<String> {
        parse(s).map(to_string)
    }

    /// Each text of `renders` parses to the instant its rendering there names; no text of
    /// `rejects` is a timestamp.
    #[track_caller]
    fn check_forms(renders: &[(&str, &str)], rejects: &[&str]) {
        for (text, want) in renders {
            assert_eq!(ts(text).as_deref(), Some(*want), "{text:?}");
        }
        for text in rejects {
            assert_eq!(ts(text), None, "{text:?}");
        }
    }

    /// The same pseudo-random numbers on every run (a 64-bit LCG).
    fn lcg(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 1
        }
    }

    /// The rendered form in the `time` crate's format description, for its parser.
    fn rendered_form() -> Vec<BorrowedFormatItem<'static>> {
        time::format_description::parse_borrowed::<2>(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z",
        )
        .unwrap()
    }

    /// `ms` written from the `time` crate's calendar: the reference the calendar and the
    /// rendering are checked against, none of whose arithmetic is this module's.
    fn time_crate_text(ms: i64) -> String {
        let t = UtcDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    /// `render` writes for `ms` what the `time` crate's calendar writes, and `parse` reads
    /// that text back as `ms`.
    #[track_caller]
    fn check_text(ms: i64) -> String {
        let text = time_crate_text(ms);
        assert_eq!(to_string(ms), text, "{ms}");
        assert_eq!(parse(&text), Some(ms), "{text}");
        text
    }

    /// [`check_text`], and the `time` crate's parser reads the text as `ms` too.
    #[track_caller]
    fn check_instant(ms: i64, form: &[BorrowedFormatItem<'_>]) {
        let text = check_text(ms);
        let read = UtcDateTime::parse(&text, form)
            .unwrap()
            .unix_timestamp_nanos();
        assert_eq!(
            read,
            i128::from(ms) * 1_000_000,
            "the time crate reads {text}"
        );
    }

    /// Every day from 0001-01-01 to 9999-12-31: the day count and the civil date agree with
    /// the `time` crate's both ways, and so do month lengths. The rendered text is checked
    /// both ways on every 13th day (every day of the month, month and year comes up), at a
    /// time of day that changes from day to day, and on both sides of every month boundary,
    /// where the crate's parser reads it too. The text of every day would take ten seconds
    /// unoptimised.
    #[test]
    fn the_calendar_agrees_with_the_time_crate_on_every_day() {
        const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;
        let form = rendered_form();
        let mut next = lcg(3);
        let mut date = Date::from_calendar_date(1, Month::January, 1).unwrap();
        let mut checked = 0;
        loop {
            let days = i64::from(date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY);
            let (y, m, d) = (
                i64::from(date.year()),
                u32::from(u8::from(date.month())),
                u32::from(date.day()),
            );
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            assert_eq!(days_from_civil(y, m, d), days, "{date}");
            if days % 13 == 0 {
                check_text(days * 86_400_000 + (next() % 86_400_000) as i64);
            }
            if d == 1 {
                let length = date.month().length(date.year());
                assert_eq!(days_in_month(y, m), u32::from(length), "{date}");
                check_instant(days * 86_400_000, &form);
                if days * 86_400_000 > MIN_MS {
                    check_text(days * 86_400_000 - 1);
                }
            }
            checked += 1;
            match date.next_day() {
                Some(n) if n.year() <= 9999 => date = n,
                _ => break,
            }
        }
        assert_eq!(checked, 3_652_059, "days from 0001-01-01 to 9999-12-31");
    }

    #[test]
    fn render_and_parse_agree_with_the_time_crate() {
        let form = rendered_form();
        let mut next = lcg(5);
        let span = (MAX_MS - MIN_MS) as u64;
        let mut values = vec![MIN_MS, MAX_MS, 0, -1, 5, 86_399_999, 951_782_400_000];
        values.extend((0..20_000).map(|_| MIN_MS + (next() % span) as i64));
        for ms in values {
            check_instant(ms, &form);
        }
        assert_eq!(to_string(MIN_MS), "0001-01-01T00:00:00.000Z");
        assert_eq!(to_string(MAX_MS), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn the_plain_epoch_form_agrees_with_the_general_path() {
        let mut next = lcg(11);
        let mut tried = 0;
        for _ in 0..50_000 {
            let len = 8 + (next() >> 32) as usize % 14;
            let s: String = (0..len)
                .map(|_| {
                    b"0123456789012345678901234567890.e-x"[(next() >> 32) as usize % 35] as char
                })
                .collect();
            if let Some(fast) = epoch_seconds_plain(s.as_bytes()) {
                tried += 1;
                assert_eq!(Some(fast), parse_epoch_seconds(&s), "{s}");
            }
        }
        for s in [
            "1728645380",
            "1728645380.2",
            "1728645380.219",
            "1728645380.219999999",
        ] {
            assert_eq!(
                epoch_seconds_plain(s.as_bytes()),
                parse_epoch_seconds(s),
                "{s}"
            );
            assert!(epoch_seconds_plain(s.as_bytes()).is_some(), "{s}");
        }
        for s in [
            "0728645380.2",
            "1728645380.",
            "1728645380.1234567890",
            "172864538",
            "1728645380e3",
        ] {
            assert_eq!(epoch_seconds_plain(s.as_bytes()), None, "{s}");
        }
        assert!(tried > 100, "only {tried} plain forms generated");
    }

    #[test]
    fn epoch_numbers_are_exact() {
        check_forms(
            &[
                ("1748539687.919", "2025-05-29T17:28:07.919Z"),
                ("1744827364", "2025-04-16T18:16:04.000Z"),
                ("1.663703546405E9", "2022-09-20T19:52:26.405Z"),
                ("1.6637035464059e9", "2022-09-20T19:52:26.405Z"),
                ("1748539687.9199999", "2025-05-29T17:28:07.919Z"),
                ("0", "1970-01-01T00:00:00.000Z"),
                ("-1.5005", "1969-12-31T23:59:58.499Z"),
                ("-1", "1969-12-31T23:59:59.000Z"),
                ("1e3", "1970-01-01T00:16:40.000Z"),
                ("1E-3", "1970-01-01T00:00:00.001Z"),
                ("000000000000000000000000001", "1970-01-01T00:00:01.000Z"),
                (".5", "1970-01-01T00:00:00.500Z"),
                ("253402300799.9999", "9999-12-31T23:59:59.999Z"),
                ("-62135596800", "0001-01-01T00:00:00.000Z"),
                // Found by the `timestamp` fuzz target: an exponent past i64 overflowed
                // `len + exp`.
                ("1.663E-5040340000000001601189", "1970-01-01T00:00:00.000Z"),
                ("-1.663E-5040340000000001601189", "1969-12-31T23:59:59.999Z"),
                ("1e-400", "1970-01-01T00:00:00.000Z"),
            ],
            &[
                "253402300800",
                "-62135596800.001",
                "1e400",
                "1.663E5040340000000001601189",
                &"9".repeat(10_000),
                "",
                "-",
                ".",
                "1.2.3",
                "1e",
                "12a",
                "NaN",
                "1_000",
                " 1",
            ],
        );
    }

    #[test]
    fn iso_forms() {
        check_forms(
            &[
                (
                    "2024-02-02T16:30:33.045000+01:00",
                    "2024-02-02T15:30:33.045Z",
                ),
                (
                    "2025-12-26 14:21:44.742000+01:00",
                    "2025-12-26T13:21:44.742Z",
                ),
                ("2023-01-01T00:00:00Z", "2023-01-01T00:00:00.000Z"),
                ("2023-01-01T00:00:00", "2023-01-01T00:00:00.000Z"),
                ("2023-01-01T00:00:00.1-05:30", "2023-01-01T05:30:00.100Z"),
                ("2023-01-01T00:00:00.123456789Z", "2023-01-01T00:00:00.123Z"),
                ("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"),
            ],
            &[
                "0001-01-01T00:30:00+01:00",
                "2023-02-29T00:00:00Z",
                "2023-01-01T24:00:00Z",
                "2023-01-01T00:00:00.Z",
                "2023-01-01T00:00:00.1234567890Z",
                "2023-01-01t00:00:00Z",
                "2023-01-01T00:00:00z",
                "2023-01-01T00:00Z",
                "2023-01-01T00:00:00+0100",
                "2023-13-01T00:00:00Z",
                "2023-01-01T00:00:00Z ",
            ],
        );
    }

    #[test]
    fn eventbridge_forms() {
        check_forms(
            &[
                ("Dec 3, 2021, 6:02:30 PM", "2021-12-03T18:02:30.000Z"),
                ("Dec 3, 2021, 12:02:30 AM", "2021-12-03T00:02:30.000Z"),
                ("Dec 13, 2021, 12:02:30 PM", "2021-12-13T12:02:30.000Z"),
                (
                    "Wed Sep 04 16:59:44.356 UTC 2024",
                    "2024-09-04T16:59:44.356Z",
                ),
                ("Thu Sep 05 13:06:56 UTC 2024", "2024-09-05T13:06:56.000Z"),
            ],
            &[
                "dec 3, 2021, 6:02:30 PM",
                "Dec 3, 2021, 13:02:30 PM",
                "Dec 3, 2021, 6:02:30 pm",
                "Wed Sep 04 16:59:44.356 GMT 2024",
                "Xyz Sep 04 16:59:44.356 UTC 2024",
            ],
        );
    }
}
