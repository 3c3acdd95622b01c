//! Judging an exercise: what its program printed and how it ended, against
//! what the room's seed says it must print. No processes here, only the
//! verdict and its words, so that every message can be tested directly.
//!
//! The program prints `NAME = value` lines (the kit's `show`); other lines
//! are the learner's own and are ignored. Values are judged in the order the
//! exercise prints them, and the first one that is wrong or missing is the
//! one the learner hears about, with its hint: one thing at a time.

use std::fmt::Write as _;

use super::catalog::Exercise;
use super::expected::Expected;

/// How an exercise program ended, and what it printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOutput {
    /// The exit code (None: killed by a signal, or stopped for taking too long).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Stopped because it ran longer than the checker waits.
    pub timed_out: bool,
}

/// A place in the learner's source: `exercises/07_dh.rs:35:24`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

/// What is wrong, first thing first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The program reached a `todo!()`.
    NotDone {
        location: Option<Location>,
        /// The text inside `todo!("…")`, if any.
        todo: Option<String>,
    },
    /// Another panic: an `unwrap` on an error, an index out of range, …
    Panicked {
        location: Option<Location>,
        message: String,
    },
    /// `main` returned an error, or the program exited with a failure.
    Failed {
        message: String,
    },
    TimedOut,
    /// The program finished without printing this value.
    Missing {
        name: &'static str,
    },
    /// The value is printed but cannot be read.
    Unreadable {
        name: &'static str,
        printed: String,
    },
    /// The value differs from the room's.
    Differs {
        name: &'static str,
        difference: Difference,
    },
}

/// How a printed value differs from the expected one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Bytes: where they first differ, and the two values.
    Bytes {
        expected: Vec<u8>,
        yours: Vec<u8>,
        /// The first byte that differs (or where the shorter one ends).
        at: usize,
        /// The room's other value these bytes are, if any ("the room's DH3").
        is_other: Option<String>,
    },
    Text {
        expected: String,
        yours: String,
    },
}

/// The checker's verdict on one run of an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed {
        /// The values that were right before the first problem.
        matched: Vec<&'static str>,
        problem: Problem,
    },
    /// The program does not compile; the compiler has said why.
    DoesNotCompile,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Passed)
    }
}

/// The value printed under `name`, if any (the first one, when printed twice).
fn printed<'a>(stdout: &'a str, name: &str) -> Option<&'a str> {
    stdout.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// Reads hex the way people print it: optional `0x`, spaces or colons between bytes.
fn read_hex(text: &str) -> Option<Vec<u8>> {
    let digits: String = text
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    hex::decode(digits).ok()
}

/// Where a panic happened and what it said, from Rust's standard message:
/// "thread 'main' panicked at exercises/07_dh.rs:35:24:\nnot yet implemented: …".
fn panic_of(stderr: &str) -> Option<(Option<Location>, String)> {
    let mut lines = stderr.lines();
    let at = lines.find_map(|l| l.split_once("panicked at ").map(|(_, at)| at))?;
    let at = at.trim_end_matches(':');
    let mut parts = at.rsplitn(3, ':');
    let (_column, line, file) = (parts.next(), parts.next(), parts.next());
    let location = match (file, line.and_then(|l| l.parse().ok())) {
        // Windows records `exercises\07_dh.rs`; both systems read `/`.
        (Some(file), Some(line)) => Some(Location {
            file: file.replace('\\', "/"),
            line,
        }),
        _ => None,
    };
    let message = lines
        .take_while(|l| !l.starts_with("note: "))
        .collect::<Vec<_>>()
        .join("\n");
    Some((location, message))
}

/// Why the program stopped, when it did not finish normally.
fn stopped(out: &RunOutput) -> Option<Problem> {
    if out.timed_out {
        return Some(Problem::TimedOut);
    }
    if out.code == Some(0) {
        return None;
    }
    if let Some((location, message)) = panic_of(&out.stderr) {
        return Some(match message.strip_prefix("not yet implemented") {
            Some(rest) => Problem::NotDone {
                location,
                todo: rest
                    .strip_prefix(": ")
                    .map(str::to_string)
                    .filter(|t| !t.is_empty()),
            },
            None => Problem::Panicked { location, message },
        });
    }
    let message = out
        .stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .trim()
        .to_string();
    Some(Problem::Failed { message })
}

fn difference(
    expected: &Expected,
    printed: &str,
    known: &[(String, Vec<u8>)],
) -> Result<Option<Difference>, ()> {
    match expected {
        Expected::Text(expected) => Ok((printed != expected).then(|| Difference::Text {
            expected: expected.clone(),
            yours: printed.to_string(),
        })),
        Expected::Bytes(expected) => {
            let yours = read_hex(printed).ok_or(())?;
            if &yours == expected {
                return Ok(None);
            }
            let at = expected
                .iter()
                .zip(&yours)
                .position(|(a, b)| a != b)
                .unwrap_or(expected.len().min(yours.len()));
            let is_other = known
                .iter()
                .find(|(_, bytes)| *bytes == yours)
                .map(|(name, _)| name.clone());
            Ok(Some(Difference::Bytes {
                expected: expected.clone(),
                yours,
                at,
                is_other,
            }))
        }
    }
}

/// Judges one run: every expected value in order, then how the program ended.
pub fn judge(
    expected: &[(&'static str, Expected)],
    known: &[(String, Vec<u8>)],
    out: &RunOutput,
) -> Verdict {
    let mut matched = Vec::new();
    let stop = stopped(out);
    for (name, value) in expected {
        let problem = match printed(&out.stdout, name) {
            None => stop.clone().unwrap_or(Problem::Missing { name }),
            Some(text) => match difference(value, text, known) {
                Ok(None) => {
                    matched.push(*name);
                    continue;
                }
                Ok(Some(difference)) => Problem::Differs { name, difference },
                Err(()) => Problem::Unreadable {
                    name,
                    printed: text.to_string(),
                },
            },
        };
        return Verdict::Failed { matched, problem };
    }
    // Every value is right; a program that then fails has still not finished.
    match stop {
        Some(problem) => Verdict::Failed { matched, problem },
        None => Verdict::Passed,
    }
}

/// Hex of `bytes`, whole when short, otherwise a window of 24 bytes around
/// `at` with its byte range.
fn hex_window(bytes: &[u8], at: usize) -> String {
    const WHOLE: usize = 48;
    const WINDOW: usize = 24;
    if bytes.len() <= WHOLE {
        return hex::encode(bytes);
    }
    let start = at.saturating_sub(8).min(bytes.len().saturating_sub(WINDOW));
    let end = (start + WINDOW).min(bytes.len());
    format!(
        "{}{}{} (bytes {start}–{} of {})",
        if start > 0 { "…" } else { "" },
        hex::encode(&bytes[start..end]),
        if end < bytes.len() { "…" } else { "" },
        end - 1,
        bytes.len()
    )
}

/// The learner's line of code at a location, if the file is at hand.
fn source_line(location: &Location, read: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let text = read(&location.file)?;
    let line = text.lines().nth(location.line.checked_sub(1)? as usize)?;
    Some(format!("{:>6} | {}", location.line, line.trim()))
}

/// The verdict in words, as `pqxdh-lab exercises check` prints it. `read`
/// gives a source file's text (to quote the learner's line), by the path the
/// compiler recorded.
pub fn describe(
    exercise: &Exercise,
    verdict: &Verdict,
    read: &dyn Fn(&str) -> Option<String>,
) -> String {
    let name = exercise.name;
    let mut text = String::new();
    let (matched, problem) = match verdict {
        Verdict::Passed => {
            let values = exercise.value_names();
            let verb = if exercise.values.len() == 1 {
                "matches"
            } else {
                "match"
            };
            return format!("✓ {name}: {values} {verb}\n");
        }
        Verdict::DoesNotCompile => {
            return format!(
                "✗ {name}: does not compile yet; the compiler's messages are above \
                 (a todo!() compiles, so the error is in a line you changed)\n"
            );
        }
        Verdict::Failed { matched, problem } => (matched, problem),
    };
    let so_far = if matched.is_empty() {
        String::new()
    } else {
        let verb = if matched.len() == 1 {
            "matches"
        } else {
            "match"
        };
        format!("{} {verb}; ", matched.join(", "))
    };
    // The value the learner is at: the first one not matched yet.
    let current = exercise.values.iter().find(|v| !matched.contains(&v.name));
    let at_line = |location: &Option<Location>| match location {
        Some(l) => format!(" ({}:{})", l.file, l.line),
        None => String::new(),
    };
    match problem {
        Problem::NotDone { location, todo } => {
            let what = match (todo, current) {
                (Some(todo), _) => format!("the todo!() \"{todo}\""),
                (None, Some(v)) => format!("{} is still a todo!()", v.name),
                (None, None) => "a todo!() is left".to_string(),
            };
            let _ = writeln!(
                text,
                "✗ {name}: {so_far}not done yet: {what}{}",
                at_line(location)
            );
            if let Some(code) = location.as_ref().and_then(|l| source_line(l, read)) {
                let _ = writeln!(text, "{code}");
            }
        }
        Problem::Panicked { location, message } => {
            let _ = writeln!(
                text,
                "✗ {name}: {so_far}your program stopped with a panic{}:",
                at_line(location)
            );
            if let Some(code) = location.as_ref().and_then(|l| source_line(l, read)) {
                let _ = writeln!(text, "{code}");
            }
            for line in message.lines() {
                let _ = writeln!(text, "    {line}");
            }
        }
        Problem::Failed { message } => {
            let _ = writeln!(
                text,
                "✗ {name}: {so_far}your program stopped with an error:"
            );
            let _ = writeln!(text, "    {message}");
        }
        Problem::TimedOut => {
            let _ = writeln!(
                text,
                "✗ {name}: {so_far}your program ran too long and was stopped (a loop that never ends?)"
            );
        }
        Problem::Missing { name: value } => {
            let _ = writeln!(
                text,
                "✗ {name}: {so_far}{value} is not printed: the program ended without a line \
                 `{value} = …` (kit::show prints one)"
            );
        }
        Problem::Unreadable {
            name: value,
            printed,
        } => {
            let _ = writeln!(
                text,
                "✗ {name}: {so_far}{value} is printed as {printed:?}, which is not hex: print \
                 bytes with kit::show"
            );
        }
        Problem::Differs {
            name: value,
            difference,
        } => match difference {
            Difference::Bytes {
                expected,
                yours,
                at,
                is_other,
            } => {
                let what = if expected.len() == yours.len() {
                    format!("differs from byte {at} on ({} bytes)", expected.len())
                } else {
                    format!(
                        "has {} bytes where the room's has {}",
                        yours.len(),
                        expected.len()
                    )
                };
                let _ = writeln!(text, "✗ {name}: {so_far}{value} {what}");
                let _ = writeln!(text, "    expected {}", hex_window(expected, *at));
                let _ = writeln!(text, "    yours    {}", hex_window(yours, *at));
                if let Some(other) = is_other {
                    let _ = writeln!(
                        text,
                        "    yours is the room's {other}: check which keys or bytes you used"
                    );
                } else if yours.len() + 1 == expected.len() && expected[1..] == yours[..] {
                    let _ = writeln!(
                        text,
                        "    yours lacks the first byte, {:02x}: libsignal's encodings start with a type byte",
                        expected[0]
                    );
                } else if yours.len() == expected.len() + 1 && yours[1..] == expected[..] {
                    let _ = writeln!(
                        text,
                        "    yours has one byte too many at the start, {:02x}",
                        yours[0]
                    );
                }
            }
            Difference::Text { expected, yours } => {
                let _ = writeln!(text, "✗ {name}: {so_far}{value} is not right");
                let _ = writeln!(text, "    expected {expected}");
                let _ = writeln!(text, "    yours    {yours}");
            }
        },
    }
    // The hint of the value at fault; for a panic or an error, of the value
    // the program was at.
    let hinted = match problem {
        Problem::Missing { name }
        | Problem::Unreadable { name, .. }
        | Problem::Differs { name, .. } => exercise.value(name),
        _ => current,
    };
    if let Some(value) = hinted {
        let _ = writeln!(text, "  hint ({}): {}", value.name, one_line(value.hint));
    }
    text
}

/// A hint written across source lines, as one line of words.
fn one_line(hint: &str) -> String {
    hint.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::catalog;

    fn dh() -> &'static Exercise {
        catalog::find("07_dh").unwrap()
    }

    fn bytes(b: u8) -> Expected {
        Expected::Bytes(vec![b; 32])
    }

    fn expected() -> Vec<(&'static str, Expected)> {
        vec![("DH1", bytes(1)), ("DH2", bytes(2)), ("DH3", bytes(3))]
    }

    fn known() -> Vec<(String, Vec<u8>)> {
        vec![
            ("DH1".into(), vec![1; 32]),
            ("DH2".into(), vec![2; 32]),
            ("DH3".into(), vec![3; 32]),
        ]
    }

    fn ok(stdout: &str) -> RunOutput {
        RunOutput {
            code: Some(0),
            stdout: stdout.into(),
            ..RunOutput::default()
        }
    }

    fn line(name: &str, b: u8) -> String {
        format!("{name} = {}\n", hex::encode([b; 32]))
    }

    fn no_source(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn all_values_right_passes() {
        let out = ok(&format!(
            "DH1 = {}\nsome debugging\n{}{}",
            hex::encode([1; 32]),
            line("DH2", 2),
            line("DH3", 3)
        ));
        let verdict = judge(&expected(), &known(), &out);
        assert_eq!(verdict, Verdict::Passed);
        assert_eq!(
            describe(dh(), &verdict, &no_source),
            "✓ 07_dh: DH1, DH2, DH3 match\n"
        );
    }

    #[test]
    fn an_untouched_exercise_is_not_done_with_its_line_and_hint() {
        let out = RunOutput {
            code: Some(101),
            stderr: "07_dh: seed 7 (from PQXDH_LAB_SEED)\n\
                     thread 'main' panicked at exercises/07_dh.rs:3:24:\n\
                     not yet implemented: DH1 = DH(IK_A, SPK_B)\n\
                     note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"
                .into(),
            ..RunOutput::default()
        };
        let verdict = judge(&expected(), &known(), &out);
        let source = |file: &str| {
            (file == "exercises/07_dh.rs").then(|| {
                "fn main() {\n\n    let dh1 = todo!(\"DH1 = DH(IK_A, SPK_B)\");\n".to_string()
            })
        };
        let text = describe(dh(), &verdict, &source);
        assert_eq!(
            text,
            "✗ 07_dh: not done yet: the todo!() \"DH1 = DH(IK_A, SPK_B)\" (exercises/07_dh.rs:3)\n\
             \x20    3 | let dh1 = todo!(\"DH1 = DH(IK_A, SPK_B)\");\n\
             \x20 hint (DH1): DH1 = DH(IK_A, SPK_B): Alice's identity private key with Bob's \
             signed prekey (PrivateKey::calculate_agreement).\n"
        );
        assert!(!text.contains("panicked") && !text.contains("RUST_BACKTRACE"));
    }

    #[test]
    fn progress_is_kept_and_the_first_wrong_value_is_named_with_its_byte() {
        let mut wrong = [2u8; 32];
        wrong[5] = 0xee;
        let out = ok(&format!(
            "{}DH2 = {}\n{}",
            line("DH1", 1),
            hex::encode(wrong),
            line("DH3", 3)
        ));
        let verdict = judge(&expected(), &known(), &out);
        let text = describe(dh(), &verdict, &no_source);
        assert!(
            text.starts_with("✗ 07_dh: DH1 matches; DH2 differs from byte 5 on (32 bytes)\n"),
            "{text}"
        );
        assert!(
            text.contains("  hint (DH2): DH2 = DH(EK_A, IK_B)"),
            "{text}"
        );
    }

    #[test]
    fn a_value_of_the_wrong_name_is_recognised() {
        let out = ok(&format!(
            "{}{}{}",
            line("DH1", 3),
            line("DH2", 2),
            line("DH3", 1)
        ));
        let text = describe(dh(), &judge(&expected(), &known(), &out), &no_source);
        assert!(text.contains("yours is the room's DH3"), "{text}");
    }

    #[test]
    fn a_missing_type_byte_is_pointed_out() {
        let mut ik = vec![0x05];
        ik.extend([9u8; 32]);
        let expected = vec![("IK_A", Expected::Bytes(ik)), ("IK_A.priv", bytes(1))];
        let out = ok(&format!("IK_A = {}\n", hex::encode([9u8; 32])));
        let exercise = catalog::find("02_identity_key").unwrap();
        let text = describe(exercise, &judge(&expected, &[], &out), &no_source);
        assert!(
            text.contains("IK_A has 32 bytes where the room's has 33"),
            "{text}"
        );
        assert!(text.contains("lacks the first byte, 05"), "{text}");
    }

    #[test]
    fn missing_unreadable_and_errors_are_told_apart() {
        let e = expected();
        let missing = judge(&e, &known(), &ok(&line("DH1", 1)));
        assert_eq!(
            missing,
            Verdict::Failed {
                matched: vec!["DH1"],
                problem: Problem::Missing { name: "DH2" }
            }
        );
        let unreadable = judge(&e, &known(), &ok("DH1 = hello\n"));
        assert!(matches!(
            unreadable,
            Verdict::Failed {
                problem: Problem::Unreadable { name: "DH1", .. },
                ..
            }
        ));
        let error = RunOutput {
            code: Some(1),
            stderr: "Error: InvalidArgument(\"bad key\")\n".into(),
            ..RunOutput::default()
        };
        let text = describe(dh(), &judge(&e, &known(), &error), &no_source);
        assert!(
            text.contains("your program stopped with an error:\n    Error: InvalidArgument"),
            "{text}"
        );
        let panic = RunOutput {
            code: Some(101),
            // Rust 1.88's form, with a Windows path.
            stderr: "thread 'main' panicked at exercises\\07_dh.rs:9:5:\nindex out of bounds\n"
                .into(),
            ..RunOutput::default()
        };
        let text = describe(dh(), &judge(&e, &known(), &panic), &no_source);
        assert!(
            text.contains("stopped with a panic (exercises/07_dh.rs:9):\n    index out of bounds"),
            "{text}"
        );
        let slow = RunOutput {
            timed_out: true,
            ..RunOutput::default()
        };
        assert!(describe(dh(), &judge(&e, &known(), &slow), &no_source).contains("ran too long"));
    }

    #[test]
    fn text_values_compare_as_text() {
        let expected = vec![("registration_id", Expected::Text("1234".into()))];
        assert_eq!(
            judge(&expected, &[], &ok("registration_id = 1234\n")),
            Verdict::Passed
        );
        assert!(!judge(&expected, &[], &ok("registration_id = 0x4d2\n")).passed());
    }

    #[test]
    fn long_values_show_a_window_around_the_difference() {
        let mut a = vec![0u8; 1569];
        let b = a.clone();
        a[1000] = 1;
        let shown = hex_window(&a, 1000);
        assert!(
            shown.starts_with('…') && shown.contains("(bytes 992–1015 of 1569)"),
            "{shown}"
        );
        assert_eq!(hex_window(&b[..4], 0), "00000000");
    }
}
