//! Decimal number text, taken exactly: the lexer that timestamps and number filters share,
//! and [`Decimal`] for exact comparison (`7.5` equals `"7.50"`; no binary rounding).

use std::cmp::Ordering;

/// The parts of `[-+]digits[.digits][(e|E)[-+]digits]` (also `.5` and `5.`), borrowed from
/// the text: value = `int.frac x 10^exp`, negative when `neg`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberText<'a> {
    /// A leading `-`.
    pub neg: bool,
    /// Digits before the point (ASCII).
    pub int: &'a [u8],
    /// Digits after the point (ASCII).
    pub frac: &'a [u8],
    /// The exponent, clamped to ±[`MAX_EXPONENT`] so that arithmetic on it cannot overflow.
    pub exp: i64,
}

/// Exponents are clamped to this magnitude: any number with a larger one is far outside
/// every range this crate compares against (timestamps, scores), and clamping keeps
/// `len + exp` and friends from overflowing.
pub const MAX_EXPONENT: i64 = 1_000_000_000_000;

/// Splits number text into its parts without allocating; `None` unless the whole text is
/// one number.
pub fn lex(s: &str) -> Option<NumberText<'_>> {
    let b = s.as_bytes();
    let mut i = 0;
    let neg = match b.first()? {
        b'-' => {
            i += 1;
            true
        }
        b'+' => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        &b[start..*i]
    };
    let int = digits(&mut i);
    let mut frac: &[u8] = &[];
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac = digits(&mut i);
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp: i64 = 0;
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let eneg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let e = digits(&mut i);
        if e.is_empty() {
            return None;
        }
        for d in e {
            exp = exp.saturating_mul(10).saturating_add((d - b'0') as i64);
        }
        if eneg {
            exp = -exp;
        }
        exp = exp.clamp(-MAX_EXPONENT, MAX_EXPONENT);
    }
    (i == b.len()).then_some(NumberText {
        neg,
        int,
        frac,
        exp,
    })
}

impl NumberText<'_> {
    /// Digit `k` of `int ++ frac` (0 past the end).
    #[inline]
    pub fn digit(&self, k: usize) -> u8 {
        if k < self.int.len() {
            self.int[k] - b'0'
        } else if k < self.int.len() + self.frac.len() {
            self.frac[k - self.int.len()] - b'0'
        } else {
            0
        }
    }

    /// How many digits `int ++ frac` has.
    pub fn len(&self) -> usize {
        self.int.len() + self.frac.len()
    }

    /// True when there are no digits (never, for lexed text).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A decimal number: `0.DIGITS x 10^exp`, sign apart; no leading or trailing zero digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    neg: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// Parses `[-+]digits[.digits][(e|E)[-+]digits]` (also `.5` and `5.`). `None` for
    /// anything else.
    pub fn parse(s: &str) -> Option<Decimal> {
        let n = lex(s)?;
        let mut digits: Vec<u8> = (0..n.len()).map(|k| n.digit(k)).collect();
        let int_len = n.int.len() as i64;
        // Normalise: drop leading zeros (each moves the point left) and trailing zeros.
        let lead = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..lead);
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Some(Decimal {
                neg: false,
                digits,
                exp: 0,
            });
        }
        Some(Decimal {
            neg: n.neg,
            digits,
            exp: (int_len - lead as i64).saturating_add(n.exp),
        })
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn cmp_magnitude(&self, o: &Decimal) -> Ordering {
        match (self.is_zero(), o.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        self.exp
            .cmp(&o.exp)
            .then_with(|| self.digits.cmp(&o.digits))
    }
}

impl Ord for Decimal {
    fn cmp(&self, o: &Decimal) -> Ordering {
        let sa = if self.is_zero() {
            0
        } else if self.neg {
            -1
        } else {
            1
        };
        let sb = if o.is_zero() {
            0
        } else if o.neg {
            -1
        } else {
            1
        };
        match sa.cmp(&sb) {
            Ordering::Equal if sa < 0 => o.cmp_magnitude(self),
            Ordering::Equal => self.cmp_magnitude(o),
            other => other,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, o: &Decimal) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn exact_order() {
        assert_eq!(d("7.5"), d("7.50"));
        assert_eq!(d("75e-1"), d("7.5"));
        assert_eq!(d("0"), d("-0.000"));
        assert_eq!(d("100"), d("1e2"));
        assert!(d("7.5") < d("7.5000000000000000001"));
        assert!(d("-1") < d("0"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("0.00024") < d("0.0003"));
        assert!(d("9.9") < d("10"));
        assert!(d("0.1") > d("0.099999"));
        assert!(d(".5") == d("0.5") && d("5.") == d("5"));
        assert!(d("1e99999999999999999999999") > d("1e999999"));
        assert!(d("1e-99999999999999999999999") < d("1e-999999"));
        for bad in ["", "-", ".", "1e", "abc", "1.2.3", "1,5", " 1"] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
    }
}
