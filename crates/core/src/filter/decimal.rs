//! Exact comparison of decimal numbers given as text (`7.5`, `"7.50"`, `1e1`), so that a
//! NumberFilter bound of `7.5` matches a score of `7.50` and no binary rounding creeps in.

use std::cmp::Ordering;

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
        let mut digits = Vec::new();
        let mut point: Option<usize> = None;
        let mut seen = false;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    digits.push(c - b'0');
                    seen = true;
                }
                b'.' if point.is_none() => point = Some(digits.len()),
                _ => break,
            }
            i += 1;
        }
        if !seen {
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
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                exp = exp.saturating_mul(10).saturating_add((b[i] - b'0') as i64);
                i += 1;
            }
            if i == start {
                return None;
            }
            if eneg {
                exp = -exp;
            }
        }
        if i != b.len() {
            return None;
        }
        let int_len = point.unwrap_or(digits.len()) as i64;
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
            neg,
            digits,
            exp: int_len - lead as i64 + exp,
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
        for bad in ["", "-", ".", "1e", "abc", "1.2.3", "1,5", " 1"] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
    }
}
