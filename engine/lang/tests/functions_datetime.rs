//! Date and time functions, checked against Terraform 1.11.4.

mod support;

use support::{check, check_err_containing as check_err};

#[test]
fn formatdate() {
    for (src, want) in [
        (r#"formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")"#, r#""02 Jan 2018 23:12 UTC""#),
        (r#"formatdate("HH:mmaa", "2018-01-02T23:12:01Z")"#, r#""11:12pm""#),
        (
            r#"formatdate("EEEE EEE MMMM MMM M D H h AA aa m s Z ZZZ ZZZZ ZZZZZ YY", "2017-01-02T03:04:05.123+05:30")"#,
            r#""Monday Mon January Jan 1 2 3 3 AM am 4 5 +05:30 +0530 +0530 +05:30 17""#,
        ),
        (r#"formatdate("hh:mm:ssZZZZZ", "2006-01-02T15:04:05Z")"#, r#""15:04:05+00:00""#),
        (r#"formatdate("'' 'a''b' YYYY", "2017-11-22T00:00:00Z")"#, r#""' a'b 2017""#),
        (r#"formatdate("HH h", "2017-11-22T00:00:00Z")"#, r#""12 0""#),
        (r#"formatdate("", "2006-01-02T15:04:05Z")"#, r#""""#),
        (r#"formatdate("hh:mm ZZZ Z", "2017-02-03T05:00:00+00:00")"#, r#""05:00 UTC Z""#),
        (r#"formatdate("YYYY", var.unknown_string)"#, "(known after apply)"),
    ] {
        check(src, want);
    }
    for (src, want) in [
        (
            r#"formatdate("YYYYY", "2017-11-22T00:00:00Z")"#,
            r#"invalid date format verb "YYYYY": year must either be "YY" or "YYYY"."#,
        ),
        (r#"formatdate("x", "2017-11-22T00:00:00Z")"#, r#"invalid date format verb "x"."#),
        (r#"formatdate("'abc", "2017-11-22T00:00:00Z")"#, "unterminated literal '."),
        (r#"formatdate("A", "2017-11-22T00:00:00Z")"#, r#"invalid date format verb "A": must be "AA"."#),
        (r#"formatdate("YYYY", "bad")"#, r#"not a valid RFC3339 timestamp: cannot use "bad" as year."#),
        (r#"formatdate("YYYY", "2017-13-22T00:00:00Z")"#, r#"cannot use "-22T00:00:00Z" as month."#),
        (r#"formatdate("YYYY", "2017-02-30T00:00:00Z")"#, "not a valid RFC3339 timestamp: day out of range."),
        (r#"formatdate("YYYY", "2017-02-03T25:00:00Z")"#, "hour must be between 0 and 23 inclusive."),
        (r#"formatdate("YYYY", "2017-02-03T5:00:00+01:00")"#, "hour must have exactly two digits."),
        (r#"formatdate("YYYY", "2017-02-03T05:00:00Zjunk")"#, r#"cannot use "junk" as timestamp segment."#),
        (r#"formatdate("YYYY", "2017-02-03")"#, "missing required time introducer 'T'."),
    ] {
        check_err(src, want);
    }
}

#[test]
fn timeadd_and_timecmp() {
    for (src, want) in [
        (r#"timeadd("2017-11-22T00:00:00Z", "10m")"#, r#""2017-11-22T00:10:00Z""#),
        (r#"timeadd("2017-11-22T00:00:00.5+01:00", "-1.5h30m")"#, r#""2017-11-21T22:00:00+01:00""#),
        (r#"timeadd("2017-11-22T00:00:00Z", "8760h")"#, r#""2018-11-22T00:00:00Z""#),
        (r#"timeadd("2017-11-22T00:00:00Z", "1.5us300ms")"#, r#""2017-11-22T00:00:00Z""#),
        (r#"timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")"#, "0"),
        (r#"timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z")"#, "1"),
        (r#"timecmp("2017-11-22T01:00:00+01:00", "2017-11-22T01:00:00-01:00")"#, "-1"),
        (r#"timecmp("2017-11-22T00:00:00.1Z", "2017-11-22T00:00:00Z")"#, "1"),
    ] {
        check(src, want);
    }
    for (src, want) in [
        (r#"timeadd("2017-11-22T00:00:00Z", "1d")"#, r#"time: unknown unit "d" in duration "1d"."#),
        (r#"timeadd("2017-11-22T00:00:00Z", "")"#, r#"time: invalid duration ""."#),
        (r#"timeadd("2017-11-22T00:00:00Z", "1")"#, r#"time: missing unit in duration "1"."#),
        (r#"timeadd("2017-11-22T00:00:00Z", "99999999999h")"#, r#"time: invalid duration "99999999999h"."#),
        (r#"timeadd("x", "1h")"#, r#"not a valid RFC3339 timestamp: cannot use "x" as year."#),
        (r#"timeadd("2017-11-22T00:00:00z", "1h")"#, r#"cannot use "z" as UTC offset."#),
        (r#"timecmp("2017-11-22T00:00:00Z", "bad")"#, r#"Invalid value for "timestamp_b" parameter"#),
    ] {
        check_err(src, want);
    }
}

#[test]
fn timestamps() {
    check(r#"length(timestamp())"#, "20");
    check(r#"formatdate("YYYY", timestamp()) >= "2024""#, "true");
    check(r#"plantimestamp()"#, "(known after apply)");
}
