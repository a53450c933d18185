//! Creation timestamps for objects that carry none: one second apart, in read
//! order.

/// The time given to the first object read: 2024-01-01T00:00:00Z.
const BASE_SECONDS: i64 = 1_704_067_200;

/// The RFC 3339 timestamp of the `index`th object read (0-based).
pub(crate) fn nth(index: usize) -> String {
    let offset = i64::try_from(index).unwrap_or(i64::MAX / 2);
    format_rfc3339(BASE_SECONDS.saturating_add(offset))
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn format_rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_one_second_apart_from_the_base() {
        assert_eq!(nth(0), "2024-01-01T00:00:00Z");
        assert_eq!(nth(1), "2024-01-01T00:00:01Z");
        assert_eq!(nth(3661), "2024-01-01T01:01:01Z");
    }

    #[test]
    fn formatting_agrees_with_the_parser() {
        for seconds in [0, 86_399, 951_782_400, 1_709_164_800, 4_102_444_799] {
            let text = format_rfc3339(seconds);
            assert_eq!(
                gateway_types::meta::parse_timestamp(&text),
                Some(seconds),
                "{text}"
            );
        }
    }
}
