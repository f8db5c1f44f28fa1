//! RFC 3339 timestamps (`2026-01-31T10:00:00Z`, `2026-01-31T11:00:00.5+01:00`) as the status
//! endpoint writes them, to and from milliseconds since the Unix epoch (UTC). No time zone
//! database: an offset is part of the text.

/// Milliseconds since 1970-01-01T00:00:00Z of an RFC 3339 date-time, or `None` when `text` is
/// not one: a date (`YYYY-MM-DD`), `T` (or `t` or a space), a time (`HH:MM:SS`, optional
/// fraction), and `Z` or an offset (`+01:00`). Every field is range-checked (no 31 April); a
/// leap second (`:60`) counts as `:59`.
pub fn parse(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0i64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    let at = |index: usize, allowed: &[u8]| bytes.get(index).is_some_and(|b| allowed.contains(b));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // An optional fraction: its first three digits are milliseconds.
    let mut index = 19;
    let mut millis = 0;
    if at(index, b".") {
        let digits = bytes[index + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        for place in 0..3 {
            millis = millis * 10
                + if place < digits {
                    number(index + 1 + place..index + 2 + place)?
                } else {
                    0
                };
        }
        index += 1 + digits;
    }
    let offset_minutes = match bytes.get(index..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (number(index + 1..index + 3)?, number(index + 4..index + 6)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 60 + minutes;
            if *sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second.min(59)
            - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// The moments RFC 3339 can write: years 0000 to 9999.
pub const RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200_000..=253_402_300_799_999;

/// The RFC 3339 text of a moment in UTC, to the second when there are no milliseconds
/// (`2026-01-31T10:00:00Z`, `2026-01-31T10:00:00.250Z`); `None` outside [`RANGE`].
pub fn format(ms: i64) -> Option<String> {
    if !RANGE.contains(&ms) {
        return None;
    }
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second, millis) = (
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1_000 % 60,
        rest % 1_000,
    );
    let fraction = if millis == 0 {
        String::new()
    } else {
        format!(".{millis:03}")
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z"
    ))
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_rfc_3339() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2026-01-31T10:00:00Z"), Some(1_769_853_600_000));
        assert_eq!(parse("2026-01-31T11:00:00+01:00"), Some(1_769_853_600_000));
        assert_eq!(parse("2026-01-31t05:30:00-04:30"), Some(1_769_853_600_000));
        assert_eq!(parse("2026-01-31 10:00:00.25z"), Some(1_769_853_600_250));
        assert_eq!(
            parse("2026-01-31T10:00:00.123456789Z"),
            Some(1_769_853_600_123)
        );
        assert_eq!(parse("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        assert_eq!(parse("2016-12-31T23:59:60Z"), parse("2016-12-31T23:59:59Z"));
        assert_eq!(parse("1969-12-31T23:59:59Z"), Some(-1_000));
        for bad in [
            "",
            "2026-01-31",
            "2026-01-31T10:00:00",
            "2026-01-31T10:00Z",
            "2026-02-29T10:00:00Z",
            "2025-04-31T10:00:00Z",
            "2026-13-01T10:00:00Z",
            "2026-00-01T10:00:00Z",
            "2026-01-00T10:00:00Z",
            "2026-01-31T24:00:00Z",
            "2026-01-31T10:60:00Z",
            "2026-01-31T10:00:61Z",
            "2026-01-31T10:00:00.Z",
            "2026-01-31T10:00:00+1:00",
            "2026-01-31T10:00:00+01:60",
            "2026-01-31T10:00:00+0100",
            "2026-01-31T10:00:00ZZ",
            "2026-01-31X10:00:00Z",
            "+026-01-31T10:00:00Z",
            "2026-01-31T10:00:00Z ",
            "２０２6-01-31T10:00:00Z",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn writes_utc() {
        assert_eq!(format(0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            format(1_769_853_600_250).unwrap(),
            "2026-01-31T10:00:00.250Z"
        );
        assert_eq!(format(-1_000).unwrap(), "1969-12-31T23:59:59Z");
        assert_eq!(format(*RANGE.start()).unwrap(), "0000-01-01T00:00:00Z");
        assert_eq!(format(*RANGE.end()).unwrap(), "9999-12-31T23:59:59.999Z");
        assert_eq!(format(RANGE.end() + 1), None);
        assert_eq!(format(RANGE.start() - 1), None);
        assert_eq!(format(i64::MIN), None);
    }

    proptest! {
        #[test]
        fn format_and_parse_agree(ms in RANGE) {
            prop_assert_eq!(parse(&format(ms).unwrap()), Some(ms));
        }

        #[test]
        fn any_text_is_read_without_panicking(text in ".{0,40}") {
            let _ = parse(&text);
        }
    }
}
