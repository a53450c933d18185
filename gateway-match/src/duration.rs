//! Gateway API durations (GEP-2257).
//!
//! A Gateway API duration (`timeouts.request`, `retry.backoff`, session
//! persistence `absoluteTimeout`, ...) matches
//! `^([0-9]{1,5}(h|m|s|ms)){1,4}$`: one to four components, each of one to
//! five decimal digits followed by a unit, `h`, `m`, `s` or `ms`. The value is
//! the sum of the components. So `0s` is zero, units may repeat and come in
//! any order (`1h2h` is three hours, `1s1h` is valid), leading zeros are
//! allowed, and nothing else is: no sign, no fraction, no space, no other unit
//! (`d`, `us`, `ns`), no upper case. After `m`, an `s` always makes the unit
//! `ms`, since an `s` cannot start a component. The largest value,
//! `99999h99999h99999h99999h`, fits easily in a [`Duration`].

use std::time::Duration;

/// Why a string is not a Gateway API duration. Offsets are byte offsets into
/// the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// The text is empty.
    #[error("duration is empty; write a number and a unit, such as `10s` or `1h30m`")]
    Empty,
    /// A component does not start with a digit.
    #[error(
        "expected a digit at byte {offset}; a duration is like `10s` or `1h30m`, with no sign or space"
    )]
    ExpectedDigit {
        /// Offset of the unexpected character.
        offset: usize,
    },
    /// A component has more than five digits.
    #[error("number at byte {offset} has more than 5 digits; use a larger unit")]
    TooManyDigits {
        /// Offset of the first digit.
        offset: usize,
    },
    /// A number is followed by something other than `h`, `m`, `s` or `ms`.
    #[error(
        "invalid unit at byte {offset}; the units are `h`, `m`, `s` and `ms`, with no fractions"
    )]
    InvalidUnit {
        /// Offset of the character after the number.
        offset: usize,
    },
    /// The text ends with a number that has no unit.
    #[error("duration ends without a unit; add `h`, `m`, `s` or `ms`")]
    MissingUnit,
    /// The text has more than four components.
    #[error("duration has more than 4 components; combine them, e.g. `90m` for `1h30m`")]
    TooManyComponents,
}

/// The most components a duration may have.
const MAX_COMPONENTS: usize = 4;
/// The most digits a component may have.
const MAX_DIGITS: usize = 5;

/// Parses a GEP-2257 duration such as `10s`, `1h30m` or `500ms`.
///
/// # Errors
///
/// Returns a [`DurationError`] when `text` does not match
/// `^([0-9]{1,5}(h|m|s|ms)){1,4}$`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gateway_match::duration::{parse_duration, DurationError};
///
/// assert_eq!(parse_duration("1h30m")?, Duration::from_secs(90 * 60));
/// assert_eq!(parse_duration("1s500ms")?, Duration::from_millis(1500));
/// assert_eq!(parse_duration("0s")?, Duration::ZERO);
/// assert_eq!(parse_duration("1.5s"), Err(DurationError::InvalidUnit { offset: 1 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(DurationError::Empty);
    }
    let mut millis: u64 = 0;
    let mut components = 0;
    let mut i = 0;
    while i < bytes.len() {
        components += 1;
        if components > MAX_COMPONENTS {
            return Err(DurationError::TooManyComponents);
        }
        let start = i;
        let mut value: u64 = 0;
        while let Some(&digit @ b'0'..=b'9') = bytes.get(i) {
            if i - start == MAX_DIGITS {
                return Err(DurationError::TooManyDigits { offset: start });
            }
            value = value * 10 + u64::from(digit - b'0');
            i += 1;
        }
        if i == start {
            return Err(DurationError::ExpectedDigit { offset: i });
        }
        let (unit_millis, unit_len) = match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'h'), _) => (3_600_000, 1),
            (Some(b'm'), Some(b's')) => (1, 2),
            (Some(b'm'), _) => (60_000, 1),
            (Some(b's'), _) => (1_000, 1),
            (Some(_), _) => return Err(DurationError::InvalidUnit { offset: i }),
            (None, _) => return Err(DurationError::MissingUnit),
        };
        // At most 4 * 99_999 * 3_600_000 < 2^41: no overflow.
        millis += value * unit_millis;
        i += unit_len;
    }
    Ok(Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;

    const SPEC_PATTERN: &str = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

    #[test]
    fn components_are_summed() {
        let cases = [
            ("0s", 0),
            ("0ms", 0),
            ("1ms", 1),
            ("1s", 1_000),
            ("1m", 60_000),
            ("1h", 3_600_000),
            ("1h30m", 5_400_000),
            ("1h2h", 10_800_000),
            ("1s1h", 3_601_000),
            ("1m1s", 61_000),
            ("1m1ms", 60_001),
            ("1h1m1s1ms", 3_661_001),
            ("00010s", 10_000),
            ("99999ms", 99_999),
        ];
        for (text, millis) in cases {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_millis(millis)),
                "{text}"
            );
        }
    }

    #[test]
    fn largest_duration_is_accepted() {
        let max = Duration::from_secs(4 * 99_999 * 3_600);
        assert_eq!(parse_duration("99999h99999h99999h99999h"), Ok(max));
    }

    #[test]
    fn malformed_durations_are_rejected() {
        use DurationError::*;
        let cases = [
            ("", Empty),
            ("s", ExpectedDigit { offset: 0 }),
            ("ms", ExpectedDigit { offset: 0 }),
            ("-1s", ExpectedDigit { offset: 0 }),
            ("+1s", ExpectedDigit { offset: 0 }),
            (" 1s", ExpectedDigit { offset: 0 }),
            ("1s ", ExpectedDigit { offset: 2 }),
            ("1h 30m", ExpectedDigit { offset: 2 }),
            ("1", MissingUnit),
            ("1h30", MissingUnit),
            ("1m5", MissingUnit),
            ("1.5s", InvalidUnit { offset: 1 }),
            ("1d", InvalidUnit { offset: 1 }),
            ("1us", InvalidUnit { offset: 1 }),
            ("1ns", InvalidUnit { offset: 1 }),
            ("1H", InvalidUnit { offset: 1 }),
            ("1S", InvalidUnit { offset: 1 }),
            ("1mS", ExpectedDigit { offset: 2 }),
            ("1hh", ExpectedDigit { offset: 2 }),
            ("123456s", TooManyDigits { offset: 0 }),
            ("1h123456s", TooManyDigits { offset: 2 }),
            ("1h1m1s1ms1h", TooManyComponents),
            ("1s1s1s1s1s", TooManyComponents),
        ];
        for (text, err) in cases {
            assert_eq!(parse_duration(text), Err(err), "{text:?}");
        }
    }

    fn component() -> impl Strategy<Value = (String, u64)> {
        (
            "[0-9]{1,5}",
            prop::sample::select(vec![
                ("h", 3_600_000),
                ("m", 60_000),
                ("s", 1_000),
                ("ms", 1),
            ]),
        )
            .prop_map(|(digits, (unit, scale))| {
                let value: u64 = digits.parse().unwrap_or(0);
                (format!("{digits}{unit}"), value * scale)
            })
    }

    proptest! {
        #[test]
        fn valid_durations_parse_to_the_sum_of_components(
            components in prop::collection::vec(component(), 1..=4),
        ) {
            let text: String = components.iter().map(|(text, _)| text.as_str()).collect();
            let millis = components.iter().map(|(_, millis)| millis).sum();
            prop_assert_eq!(parse_duration(&text), Ok(Duration::from_millis(millis)));
        }

        #[test]
        fn parse_accepts_exactly_the_spec_pattern(text in "[0-9hmsd.u -]{0,14}") {
            let spec = Regex::new(SPEC_PATTERN).unwrap();
            prop_assert_eq!(parse_duration(&text).is_ok(), spec.is_match(&text), "{:?}", text);
        }

        #[test]
        fn parse_duration_never_panics(text in any::<String>()) {
            let spec = Regex::new(SPEC_PATTERN).unwrap();
            prop_assert_eq!(parse_duration(&text).is_ok(), spec.is_match(&text));
        }
    }
}
