//! The book's structure: every chapter in SUMMARY.md exists, every internal
//! link (Markdown or HTML, with its `#anchor`) points at something that
//! exists, and every `{{#include}}` names an existing file and anchor. Fast,
//! and needs no mdbook.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("book/src")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The Markdown of a chapter without fenced code blocks (code is not links).
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Targets of `[text](target)` links and of HTML `src="…"` / `href="…"`.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            targets.push(rest[..end].trim().to_string());
        }
    }
    for attr in ["src=\"", "href=\""] {
        let mut rest = text;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                targets.push(rest[..end].to_string());
            }
        }
    }
    targets
}

/// The ids mdbook gives the headings of a chapter: lowercase, spaces to `-`,
/// only alphanumerics, `-` and `_` kept (duplicates get `-1`, `-2`, …).
fn heading_ids(text: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for line in prose(text).lines() {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#').trim();
        let id: String = title
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    Some(c.to_lowercase().next().unwrap_or(c))
                } else if c.is_whitespace() {
                    Some('-')
                } else {
                    None
                }
            })
            .collect();
        let mut unique = id.clone();
        let mut n = 1;
        while ids.contains(&unique) {
            unique = format!("{id}-{n}");
            n += 1;
        }
        ids.insert(unique);
    }
    ids
}

/// Every chapter file listed in SUMMARY.md, relative to book/src.
fn summary_chapters() -> Vec<String> {
    link_targets(&read(&src().join("SUMMARY.md")))
}

fn all_markdown(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_markdown(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn every_summary_chapter_exists() {
    let chapters = summary_chapters();
    assert!(chapters.len() > 20, "SUMMARY.md lists the whole book");
    let missing: Vec<_> = chapters
        .iter()
        .filter(|c| !src().join(c).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "SUMMARY.md lists missing chapters: {missing:?}"
    );
}

#[test]
fn every_part_two_chapter_has_its_example_and_output() {
    for chapter in summary_chapters()
        .iter()
        .filter(|c| c.starts_with("part2/"))
    {
        let text = read(&src().join(chapter));
        let number = &chapter["part2/".len().."part2/".len() + 2];
        let example = std::fs::read_dir(src().join("../../examples"))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .find(|name| name.starts_with(&format!("{number}_")))
            .unwrap_or_else(|| panic!("{chapter}: no examples/{number}_….rs"));
        let stem = example.trim_end_matches(".rs");
        assert!(
            text.contains(&format!("cargo run --example {stem}")),
            "{chapter} does not tell the reader to run {stem}"
        );
        assert!(
            text.contains(&format!("{{{{#include ../generated/{stem}.txt}}}}")),
            "{chapter} does not show the generated output of {stem}"
        );
        assert!(
            text.contains(&format!("examples/{stem}.rs:")),
            "{chapter} does not include code from {stem}"
        );
        assert!(
            text.contains("<details>"),
            "{chapter} has no exercise answer"
        );
    }
}

#[test]
fn internal_links_and_anchors_resolve() {
    let mut files = Vec::new();
    all_markdown(&src(), &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let text = read(file);
        let dir = file.parent().unwrap();
        for target in link_targets(&prose(&text)) {
            if target.contains("://") || target.starts_with("mailto:") || target.is_empty() {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                file.clone()
            } else {
                normalize(&dir.join(path))
            };
            if !resolved.is_file() {
                broken.push(format!("{}: {target} (no such file)", file.display()));
                continue;
            }
            if let Some(anchor) = anchor {
                let is_md = resolved.extension().is_some_and(|e| e == "md");
                if is_md && !heading_ids(&read(&resolved)).contains(anchor) {
                    broken.push(format!("{}: {target} (no such heading)", file.display()));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let mut files = Vec::new();
    all_markdown(&src(), &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let text = read(file);
        let mut rest = text.as_str();
        while let Some(i) = rest.find("{{#include ") {
            rest = &rest[i + "{{#include ".len()..];
            let end = rest.find("}}").expect("an include ends with }}");
            let spec = rest[..end].trim();
            let (path, anchor) = match spec.split_once(':') {
                Some((p, a)) => (p, Some(a)),
                None => (spec, None),
            };
            let resolved = normalize(&file.parent().unwrap().join(path));
            match std::fs::read_to_string(&resolved) {
                Err(_) => broken.push(format!("{}: {spec} (no such file)", file.display())),
                Ok(included) => {
                    // Numeric line ranges are not anchors.
                    let named = anchor.filter(|a| !a.chars().all(|c| c.is_ascii_digit()));
                    if let Some(anchor) = named {
                        let start = included.contains(&format!("ANCHOR: {anchor}"));
                        let end = included.contains(&format!("ANCHOR_END: {anchor}"));
                        if !(start && end) {
                            broken.push(format!("{}: {spec} (no such anchor)", file.display()));
                        }
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken includes:\n  {}",
        broken.join("\n  ")
    );
}

/// Byte values in the book come only from generated files: a run of 16 or
/// more hex digits typed into a chapter is almost certainly a pasted value
/// that would silently go stale.
#[test]
fn no_chapter_types_bytes_by_hand() {
    let mut files = Vec::new();
    all_markdown(&src(), &mut files);
    let mut pasted = Vec::new();
    for file in files
        .iter()
        .filter(|f| !f.starts_with(src().join("generated")))
    {
        for (n, line) in read(file).lines().enumerate() {
            let mut run = 0;
            for c in line.chars() {
                run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
                if run >= 16 {
                    pasted.push(format!("{}:{}: {line}", file.display(), n + 1));
                    break;
                }
            }
        }
    }
    assert!(
        pasted.is_empty(),
        "hex typed into the book (show bytes by including a generated file instead):\n  {}",
        pasted.join("\n  ")
    );
}

/// Part IV has a chapter per attack lab, named after it (`part4/01-forged-signed-prekey.md`
/// for the lab `forged-signed-prekey`): each runs its numbered example (18 on), shows its
/// generated output, includes the lab's own code and the example's, names the command that
/// runs the lab, and has an exercise with its answer. The UI's chapter for a lab step is
/// the same file.
#[test]
fn every_part_four_chapter_has_its_lab_example_output_and_exercise() {
    use pqxdh_lab::transcript::Lab;
    let mut labs_with_a_chapter = Vec::new();
    for chapter in summary_chapters()
        .iter()
        .filter(|c| c.starts_with("part4/"))
    {
        let file = &chapter["part4/".len()..];
        let Some((number, rest)) = file.split_once('-') else {
            continue;
        };
        let Ok(n) = number.parse::<u32>() else {
            continue;
        };
        if n == 0 {
            continue; // the part's introduction
        }
        let name = rest.trim_end_matches(".md");
        let lab = Lab::from_name(name).unwrap_or_else(|| panic!("{chapter}: no lab called {name}"));
        labs_with_a_chapter.push(lab);
        assert_eq!(
            pqxdh_lab::tui::stages::lab_chapter(lab),
            chapter,
            "the UI sends {name}'s steps to another chapter"
        );
        let text = read(&src().join(chapter));
        let example_number = 17 + n;
        let example = std::fs::read_dir(src().join("../../examples"))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .find(|f| f.starts_with(&format!("{example_number}_")))
            .unwrap_or_else(|| panic!("{chapter}: no examples/{example_number}_….rs"));
        let stem = example.trim_end_matches(".rs");
        for needed in [
            format!("cargo run --example {stem}"),
            format!("{{{{#include ../generated/{stem}.txt}}}}"),
            format!("examples/{stem}.rs:"),
            format!("src/labs/{}.rs:", name.replace('-', "_")),
            format!("lab {name} --seed 7"),
            "<details>".to_string(),
        ] {
            assert!(text.contains(&needed), "{chapter} lacks {needed}");
        }
    }
    assert_eq!(
        labs_with_a_chapter,
        Lab::ALL,
        "Part IV has one chapter per lab, in the labs' order"
    );
}

/// Part V's chapters number their examples on from the earlier parts
/// (27_…), so each chapter names its example in its "run it" command; the
/// example, its code and its generated output must all be there.
#[test]
fn every_part_five_chapter_has_its_example_and_output() {
    let chapters: Vec<String> = summary_chapters()
        .into_iter()
        .filter(|c| c.starts_with("part5/"))
        .collect();
    assert!(!chapters.is_empty(), "SUMMARY.md lists Part V");
    for chapter in &chapters {
        let text = read(&src().join(chapter));
        let stem = text
            .split("cargo run --example ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{chapter} does not tell the reader to run an example"));
        assert!(
            src().join(format!("../../examples/{stem}.rs")).is_file(),
            "{chapter}: no examples/{stem}.rs"
        );
        assert!(
            text.contains(&format!("{{{{#include ../generated/{stem}.txt}}}}")),
            "{chapter} does not show the generated output of {stem}"
        );
        assert!(
            text.contains(&format!("examples/{stem}.rs:")),
            "{chapter} does not include code from {stem}"
        );
        assert!(
            text.contains("<details>"),
            "{chapter} has no exercise answer"
        );
    }
}

/// The paragraph of `text` that begins with `label`, its lines joined by
/// spaces, and where it begins.
fn paragraph_starting(text: &str, label: &str) -> Option<(usize, String)> {
    let at = text.find(&format!("\n{label}"))? + 1;
    let end = text[at..].find("\n\n").map_or(text.len(), |e| at + e);
    Some((
        at,
        text[at..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    ))
}

/// " **Exercise:** `07_dh`." for the exercises of a chapter, or nothing.
fn exercise_words(chapter: &str) -> String {
    let names: Vec<String> = pqxdh_lab::exercises::EXERCISES
        .iter()
        .filter(|e| format!("{}.md", e.chapter.page) == chapter)
        .map(|e| format!("`{}`", e.name))
        .collect();
    match names.len() {
        0 => String::new(),
        1 => format!(" **Exercise:** {}.", names[0]),
        _ => format!(" **Exercises:** {}.", names.join(", ")),
    }
}

/// The one character a key binding of the UI's key table starts with.
fn key_of(action: pqxdh_lab::tui::action::Action) -> char {
    use pqxdh_lab::tui::keymap::{BINDINGS, Keys};
    use ratatui::crossterm::event::KeyCode;
    let binding = BINDINGS
        .iter()
        .find(|b| b.action == action)
        .unwrap_or_else(|| panic!("no key for {action:?}"));
    match binding.keys {
        Keys::Codes(codes) => codes
            .iter()
            .find_map(|c| match c {
                KeyCode::Char(c) => Some(*c),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{action:?} has no letter key")),
        other => panic!("{action:?} is bound to {other:?}"),
    }
}

/// Four numbering schemes meet a reader: the UI's stages, its steps, the
/// chapters and the examples. Every Part II chapter says, near its top, which
/// stage of the terminal UI it is (and the digit that jumps there), which
/// example and which exercises go with it; the stage line is derived here
/// from the UI's own mapping of steps to stages and chapters, for the room's
/// run (seed 7, no one-time prekey), so the book cannot drift from the UI.
#[test]
fn every_part_two_chapter_names_its_ui_stage_example_and_exercises() {
    use pqxdh_lab::engine::{self, RunOptions};
    use pqxdh_lab::tui::{chapters, stages};
    use std::collections::BTreeMap;

    let run = engine::run(RunOptions {
        seed: 7,
        one_time_prekey: false,
    })
    .unwrap();
    let mut stages_of: BTreeMap<&str, BTreeSet<stages::Stage>> = BTreeMap::new();
    for step in &run.steps {
        stages_of
            .entry(stages::chapter_for(step.id))
            .or_default()
            .insert(stages::stage_of(step.id));
    }
    let part_two: Vec<String> = summary_chapters()
        .into_iter()
        .filter(|c| c.starts_with("part2/"))
        .collect();
    for chapter in stages_of.keys() {
        assert!(
            part_two.iter().any(|c| c == chapter),
            "the UI sends steps to {chapter}, which is not a Part II chapter"
        );
    }
    for chapter in &part_two {
        let place = match stages_of.get(chapter.as_str()) {
            None => "no stage of its own".to_string(),
            Some(set) => set
                .iter()
                .map(|&stage| {
                    let n = stage.index() + 1;
                    format!("stage {n}, {} (press `{}`)", stage.name(), n % 10)
                })
                .collect::<Vec<_>>()
                .join(" and "),
        };
        let example = chapters::chapter(chapter)
            .unwrap_or_else(|| panic!("{chapter} is not in SUMMARY.md"))
            .example;
        let expected = format!(
            "**Terminal UI:** {place}. **Example:** `{example}`.{}",
            exercise_words(chapter)
        );
        let text = read(&src().join(chapter));
        let (at, paragraph) = paragraph_starting(&text, "**Terminal UI:**")
            .unwrap_or_else(|| panic!("{chapter} has no line `{expected}`"));
        assert!(
            paragraph.starts_with(&expected),
            "{chapter}:\n  expected {expected}\n  found    {paragraph}"
        );
        assert!(
            text.find("## Run it").is_some_and(|run| at < run),
            "{chapter}: the line belongs above \"Run it\""
        );
    }
}

/// Part V's chapters happen on the UI's conversation screen: each says so
/// with the key from the UI's key table, names its example and exercises, and
/// every letter key it mentions there is one the UI binds.
#[test]
fn every_part_five_chapter_names_the_conversation_screen() {
    use pqxdh_lab::tui::action::Action;
    use pqxdh_lab::tui::keymap::{BINDINGS, Keys};
    use ratatui::crossterm::event::KeyCode;

    let bound: BTreeSet<char> = BINDINGS
        .iter()
        .flat_map(|b| match b.keys {
            Keys::Codes(codes) => codes
                .iter()
                .filter_map(|c| match c {
                    KeyCode::Char(c) => Some(*c),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let open = key_of(Action::OpenConversation);
    for chapter in summary_chapters()
        .iter()
        .filter(|c| c.starts_with("part5/"))
    {
        let text = read(&src().join(chapter));
        let example = text
            .split("cargo run --example ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{chapter} runs no example"));
        let expected = format!(
            "**Terminal UI:** the conversation screen, `{open}` after the handshake. \
             **Example:** `{example}`.{}",
            exercise_words(chapter)
        );
        let (at, paragraph) = paragraph_starting(&text, "**Terminal UI:**")
            .unwrap_or_else(|| panic!("{chapter} has no line `{expected}`"));
        assert!(
            paragraph.starts_with(&expected),
            "{chapter}:\n  expected {expected}\n  found    {paragraph}"
        );
        assert!(
            text.find("## Run it").is_some_and(|run| at < run),
            "{chapter}: the line belongs above \"Run it\""
        );
        for key in paragraph.split('`').skip(1).step_by(2) {
            let mut chars = key.chars();
            // A letter alone in backticks is a key (`+` and `−` are glyphs).
            if let (Some(c), None) = (chars.next(), chars.next())
                && c.is_ascii_alphabetic()
            {
                assert!(bound.contains(&c), "{chapter}: `{c}` is no key of the UI");
            }
        }
    }
}
