//! The instructor notes name segments, minutes, exercises, labs and keys of
//! the UI; each must be real and add up: the timetables run without gaps to
//! 90 minutes and 3 hours, each row lasts what its segment says, and every
//! exercise, lab and key the notes name exists.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pqxdh_lab::exercises::catalog;
use pqxdh_lab::transcript::Lab;

fn notes() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("book/src/appendix/instructor-notes.md");
    std::fs::read_to_string(path).unwrap()
}

/// "1:05" → 65.
fn minutes(clock: &str) -> u32 {
    let (h, m) = clock.split_once(':').expect("h:mm");
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

/// The rows of the timetable under `heading`: (start, end, segment letter or
/// the row's name).
fn timetable(notes: &str, heading: &str) -> Vec<(u32, u32, String)> {
    let start = notes
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading}"));
    let section = &notes[start + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (from, to) = cells.get(1)?.split_once('–')?;
            let what = cells[2];
            let name = match what.split_once(". ") {
                Some((letter, _)) if letter.len() == 1 => letter.to_string(),
                _ => what.trim_matches('*').to_string(),
            };
            Some((minutes(from), minutes(to), name))
        })
        .collect()
}

/// Segment letter → (minutes in the 90-minute plan, in the 3-hour plan),
/// from each segment's "Minutes." line.
fn segment_minutes(notes: &str) -> BTreeMap<String, (Option<u32>, u32)> {
    let mut out = BTreeMap::new();
    for part in notes.split("\n### ").skip(1) {
        let Some((letter, _)) = part.split_once(". ") else {
            continue;
        };
        let line = part
            .lines()
            .find_map(|l| l.strip_prefix("- **Minutes.** "))
            .unwrap_or_else(|| panic!("segment {letter} gives no minutes"));
        let numbers: Vec<u32> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .filter(|&n| n != 90 && n != 3)
            .collect();
        let both = match numbers.as_slice() {
            [only] if line.contains("3-hour plan only") => (None, *only),
            [short, long] => (Some(*short), *long),
            _ => panic!("segment {letter}: cannot read {line:?}"),
        };
        out.insert(letter.to_string(), both);
    }
    out
}

#[test]
fn the_timetables_add_up_and_match_the_segments() {
    let notes = notes();
    let segments = segment_minutes(&notes);
    for (heading, length, long) in [
        ("## The 90-minute plan", 90, false),
        ("## The 3-hour plan", 180, true),
    ] {
        let rows = timetable(&notes, heading);
        assert!(!rows.is_empty(), "{heading} has no timetable");
        let mut at = 0;
        for (from, to, name) in &rows {
            assert_eq!(*from, at, "{heading}: a gap or overlap before {name}");
            at = *to;
            if let Some(&(short, three_hours)) = segments.get(name) {
                let planned = if long { Some(three_hours) } else { short };
                assert_eq!(
                    Some(to - from),
                    planned,
                    "{heading}: segment {name} lasts {} minutes, its section says {planned:?}",
                    to - from
                );
            } else {
                assert_eq!(name, "Break", "{heading}: no segment {name}");
            }
        }
        assert_eq!(at, length, "{heading} ends at minute {at}");
        assert_eq!(
            rows.iter().any(|(_, _, name)| name == "Break"),
            long,
            "{heading}: only the 3-hour plan has a break"
        );
    }
}

/// Every code span that looks like an exercise (`07_dh`) or a lab
/// (`lab forged-signed-prekey`, or a bare `harvest-now-decrypt-later`)
/// names one that exists.
#[test]
fn every_exercise_and_lab_named_exists() {
    let notes = notes();
    let spans: Vec<&str> = notes.split('`').skip(1).step_by(2).collect();
    let mut exercises = 0;
    for span in &spans {
        let numbered = span.len() > 3
            && span.as_bytes()[..2].iter().all(u8::is_ascii_digit)
            && span.as_bytes()[2] == b'_';
        if numbered && !span.contains(' ') {
            let e = catalog::find(span).unwrap_or_else(|e| panic!("`{span}`: {e}"));
            assert_eq!(e.name, *span, "`{span}` is not an exercise's full name");
            exercises += 1;
        }
    }
    assert!(exercises >= 10, "the notes name the exercises they use");
    // `pqxdh-lab lab NAME …` in a command, and "lab `NAME`" in a sentence.
    let mut named: Vec<&str> = spans
        .iter()
        .flat_map(|span| {
            let words: Vec<&str> = span.split_whitespace().collect();
            words
                .windows(2)
                .filter(|w| w[0] == "lab")
                .map(|w| w[1])
                .collect::<Vec<_>>()
        })
        .collect();
    named.extend(
        notes
            .split("lab `")
            .skip(1)
            .filter_map(|rest| rest.split('`').next()),
    );
    let mut labs = 0;
    for name in named {
        assert!(Lab::from_name(name).is_some(), "no lab {name}");
        labs += 1;
    }
    // A bare name of three or more hyphenated words, as in a list of labs.
    for span in &spans {
        let words: Vec<&str> = span.split('-').collect();
        let is_name = words.len() >= 3
            && words
                .iter()
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()));
        if is_name {
            assert!(Lab::from_name(span).is_some(), "no lab {span}");
            labs += 1;
        }
    }
    assert!(labs >= 2, "the notes run labs by name");
}
