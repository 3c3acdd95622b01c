//! Where to read on: a step's chapter of the book, by its title, the page the
//! built book has for it, and the example that goes with it. Titles come from
//! the book's own table of contents, so the UI cannot name a chapter the book
//! does not have.

use super::stages;
use crate::transcript::StepId;

/// The book's table of contents, compiled in.
const SUMMARY: &str = include_str!("../../book/src/SUMMARY.md");

/// One chapter, as the learner should find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// "II.7"
    pub number: String,
    /// "The Diffie-Hellman computations"
    pub title: String,
    /// The page of the built book (`mdbook build book`), e.g. `book/book/part2/07-dh.html`.
    pub page: String,
    /// The chapter's runnable example, e.g. `07_dh` (`cargo run --example 07_dh`).
    pub example: String,
}

/// The chapter that explains a step.
pub fn for_step(step: StepId) -> Option<Chapter> {
    chapter(stages::chapter_for(step))
}

/// The chapter whose source is `path` (relative to `book/src/`).
pub fn chapter(path: &str) -> Option<Chapter> {
    // Each part numbers its examples on from the one before: Part II's
    // chapter n goes with example n, Part IV's with 17 + n, Part V's with 26 + n.
    let (part, first_example) = match path.split('/').next()? {
        "part1" => ("I", None),
        "part2" => ("II", Some(0)),
        "part3" => ("III", None),
        "part4" => ("IV", Some(17)),
        "part5" => ("V", Some(26)),
        _ => return None,
    };
    // "- [7. The Diffie-Hellman computations](part2/07-dh.md)"
    let line = SUMMARY
        .lines()
        .find(|l| l.trim_end().ends_with(&format!("]({path})")))?;
    let label = line.split_once('[')?.1.split_once("](")?.0;
    let (number, title) = label.split_once(". ")?;
    let file = path.rsplit('/').next()?.strip_suffix(".md")?;
    let (file_number, name) = file.split_once('-')?;
    let example = format!(
        "{:02}_{}",
        first_example? + file_number.parse::<u32>().ok()?,
        name.replace('-', "_")
    );
    Some(Chapter {
        number: format!("{part}.{number}"),
        title: title.to_string(),
        page: format!("book/book/{}", path.replace(".md", ".html")),
        example,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunOptions};

    #[test]
    fn every_step_names_a_chapter_of_the_book_and_an_example_that_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let t = engine::run(RunOptions {
            seed: 1,
            one_time_prekey: true,
        })
        .unwrap();
        for step in &t.steps {
            let c = for_step(step.id).unwrap_or_else(|| panic!("{} has no chapter", step.id));
            let example = root.join(format!("examples/{}.rs", c.example));
            assert!(example.exists(), "{}: no {}", step.id, example.display());
            assert!(!c.title.is_empty());
        }
        for lab in crate::transcript::Lab::ALL {
            let c = chapter(stages::lab_chapter(lab)).unwrap();
            assert!(
                root.join(format!("examples/{}.rs", c.example)).exists(),
                "{lab}"
            );
        }
        let dh = chapter("part2/07-dh.md").unwrap();
        assert_eq!(dh.number, "II.7");
        assert_eq!(dh.title, "The Diffie-Hellman computations");
        assert_eq!(dh.page, "book/book/part2/07-dh.html");
        assert_eq!(dh.example, "07_dh");
    }
}
