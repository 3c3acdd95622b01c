//! `exercises`: the workshop's hands-on exercises. The list with where the
//! learner stands, the checker (build, run, compare with the room's run),
//! a watch mode that checks again on every save, and the hints.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand};
use pqxdh_lab::exercises::check::{self, Verdict};
use pqxdh_lab::exercises::runner::RunnerError;
use pqxdh_lab::exercises::{
    EXERCISES, Exercise, Expectations, Package, Progress, Status, Workspace, catalog,
};
use pqxdh_lab::room::{self, RoomSeed, SeedSource};

use super::output;

pub(crate) const EXERCISES_ABOUT: &str = "Hands-on exercises: small Rust programs in \
exercises/ with todo!()s to fill in, one or two per chapter of the book, and a checker that \
builds your program, runs it, and compares what it prints with the room's run byte for byte.

Every exercise names its chapter at the top of its file and has a hint; when a value is wrong \
the checker says which byte differs and hints at what to try. The room's seed (PQXDH_LAB_SEED, \
else 7, the book's) decides the bytes, so the whole room checks against the same values.";

pub(crate) const EXERCISES_EXAMPLES: &str = "Examples:
  pqxdh-lab exercises                    the list, and where you are
  pqxdh-lab exercises check 07_dh        check one exercise (07 or dh is enough)
  pqxdh-lab exercises check              check them all
  pqxdh-lab exercises watch              check the next exercise on every save
  pqxdh-lab exercises hint 07_dh         the chapter, the goal and every hint
  pqxdh-lab exercises check --solutions  check the reference solutions (instructors)";

#[derive(Debug, Args)]
pub(crate) struct ExercisesArgs {
    #[command(subcommand)]
    pub(crate) command: Option<ExercisesCommand>,

    /// Check against this seed instead of the room's (PQXDH_LAB_SEED, else 7).
    // Its own id: clap hands a global argument's value to every level, and
    // the top level's `--seed` has another type.
    #[arg(id = "exercises_seed", long = "seed", global = true, value_name = "N", value_parser = room::parse_seed)]
    pub(crate) seed: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ExercisesCommand {
    /// List the exercises, their chapters and where you stand (the default).
    List,
    /// Build and run exercises and compare what they print with the room's run.
    Check(CheckArgs),
    /// Check an exercise again every time its file is saved, then go on to the next.
    Watch(WatchArgs),
    /// Show an exercise's chapter, goal and every hint.
    Hint(HintArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The exercise, such as 07_dh (or 07, or dh); without it, all of them.
    pub(crate) name: Option<String>,
    /// Check the reference solutions in solutions/ instead: that the kit
    /// works on this machine (for instructors; it spoils the exercises).
    #[arg(long)]
    pub(crate) solutions: bool,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// The exercise to watch; without it, the first one not done, then the next.
    pub(crate) name: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct HintArgs {
    /// The exercise, such as 07_dh.
    pub(crate) name: String,
}

/// `exercises`: runs one subcommand (the list when none is given).
pub(crate) fn run(args: ExercisesArgs) -> Result<ExitCode, String> {
    let seed = match args.seed {
        Some(seed) => RoomSeed {
            seed,
            source: SeedSource::CommandLine,
        },
        None => room::seed().map_err(|e| e.to_string())?,
    };
    match args.command.unwrap_or(ExercisesCommand::List) {
        ExercisesCommand::List => list(seed),
        ExercisesCommand::Check(args) => {
            let package = if args.solutions {
                Package::Solutions
            } else {
                Package::Exercises
            };
            let chosen = match &args.name {
                Some(name) => vec![catalog::find(name)?],
                None => EXERCISES.iter().collect(),
            };
            check_all(&chosen, package, seed, args.name.is_some())
        }
        ExercisesCommand::Watch(args) => {
            let chosen = args.name.as_deref().map(catalog::find).transpose()?;
            watch(chosen, seed)
        }
        ExercisesCommand::Hint(args) => hint(catalog::find(&args.name)?),
    }
}

fn say(text: &str) -> Result<(), String> {
    output::print(text, "the report")
}

fn workspace() -> Result<Workspace, String> {
    Workspace::find().map_err(|e| e.to_string())
}

/// An exercise's program in a package: the learner's `07_dh`, or `07_dh_solution`.
fn bin_name(exercise: &Exercise, package: Package) -> String {
    match package {
        Package::Exercises => exercise.name.to_string(),
        Package::Solutions => format!("{}_solution", exercise.name),
    }
}

fn source_text(ws: &Workspace, package: Package, exercise: &Exercise) -> String {
    std::fs::read_to_string(ws.source(package, exercise.name)).unwrap_or_default()
}

/// `exercises` / `exercises list`.
fn list(seed: RoomSeed) -> Result<ExitCode, String> {
    let ws = workspace()?;
    let progress = Progress::load(&ws);
    let mut text = format!(
        "Exercises, checked with {seed}.\n\
         Edit a file in exercises/, then: pqxdh-lab exercises check NAME\n\n"
    );
    let mut done = 0;
    let mut next = None;
    for e in EXERCISES {
        let status = progress.status(e.name, seed.seed, &source_text(&ws, Package::Exercises, e));
        let label = match status {
            Status::Done => {
                done += 1;
                "✓ done       "
            }
            Status::ToDo => "· to do      ",
            Status::NotChecked => "? not checked",
        };
        if status != Status::Done && next.is_none() {
            next = Some(e);
        }
        text.push_str(&format!("  {label}  {:24} {}\n", e.name, e.chapter));
    }
    text.push_str(&format!("\n{done} of {} done.", EXERCISES.len()));
    match next {
        Some(e) => text.push_str(&format!(
            " Next: {}, {} (exercises/{}.rs).\n",
            e.name, e.goal, e.name
        )),
        None => text.push_str(" All of them: well done.\n"),
    }
    say(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `exercises hint NAME`.
fn hint(e: &Exercise) -> Result<ExitCode, String> {
    let mut text = format!(
        "{}: {}.\n{} (book/book/{}.html), file exercises/{}.rs\n\n",
        e.name, e.goal, e.chapter, e.chapter.page, e.name
    );
    for v in e.values {
        let words: Vec<&str> = v.hint.split_whitespace().collect();
        text.push_str(&format!("  {}: {}\n", v.name, words.join(" ")));
    }
    say(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Checks exercises and prints a verdict for each; exit 0 when all passed.
fn check_all(
    chosen: &[&'static Exercise],
    package: Package,
    seed: RoomSeed,
    one: bool,
) -> Result<ExitCode, String> {
    let ws = workspace()?;
    let expectations = expectations(seed)?;
    let what = match package {
        Package::Exercises => "exercises/",
        Package::Solutions => "the reference solutions in solutions/",
    };
    say(&format!("Checking {what} with {seed}.\n"))?;
    let passed = check_batch(&ws, chosen, package, &expectations, one)?;
    if !one {
        let more = if passed < chosen.len() {
            " For the details and a hint: pqxdh-lab exercises check NAME"
        } else {
            ""
        };
        say(&format!("\n{passed} of {} pass.{more}\n", chosen.len()))?;
    }
    Ok(if passed == chosen.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn expectations(seed: RoomSeed) -> Result<Expectations, String> {
    Expectations::compute(seed.seed).map_err(|e| {
        format!(
            "the checker could not compute the room's values for seed {}: {e}",
            seed.seed
        )
    })
}

/// Builds the chosen programs (one cargo run for all), runs each and prints
/// its verdict. Returns how many passed.
fn check_batch(
    ws: &Workspace,
    chosen: &[&'static Exercise],
    package: Package,
    expectations: &Expectations,
    one: bool,
) -> Result<usize, String> {
    let bin = if one {
        Some(bin_name(chosen[0], package))
    } else {
        None
    };
    let built = ws
        .build(package, bin.as_deref(), true, false)
        .map_err(|e| e.to_string())?;
    let mut progress = Progress::load(ws);
    let mut passed = 0;
    for exercise in chosen {
        let verdict = match built.executables.get(&bin_name(exercise, package)) {
            None => Verdict::DoesNotCompile,
            Some(exe) => {
                let out = ws
                    .run(exe, expectations.seed)
                    .map_err(|e: RunnerError| e.to_string())?;
                check::judge(
                    expectations.for_exercise(exercise.name),
                    expectations.known(),
                    &out,
                )
            }
        };
        let text = check::describe(exercise, &verdict, &|path| ws.read(path));
        // Checking them all, each gets its first line; one at a time, all of it.
        match text.lines().next() {
            Some(first) if !one && !verdict.passed() => say(&format!("{first}\n"))?,
            _ => say(&text)?,
        }
        if verdict.passed() {
            passed += 1;
        }
        if package == Package::Exercises {
            let source = source_text(ws, package, exercise);
            progress.record(
                ws,
                exercise.name,
                expectations.seed,
                &source,
                verdict.passed(),
            );
        }
    }
    Ok(passed)
}

/// When a file last changed, and how long it is: enough to notice a save.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// `exercises watch [NAME]`: check, wait for a save, check again. Without a
/// name, it starts at the first exercise not done and moves on after each
/// pass. Ctrl-C stops it.
fn watch(chosen: Option<&'static Exercise>, seed: RoomSeed) -> Result<ExitCode, String> {
    let ws = workspace()?;
    let expectations = expectations(seed)?;
    let first_open = || {
        let progress = Progress::load(&ws);
        EXERCISES.iter().find(|e| {
            progress.status(e.name, seed.seed, &source_text(&ws, Package::Exercises, e))
                != Status::Done
        })
    };
    let Some(mut current) = chosen.or_else(first_open) else {
        say("Every exercise is done. `pqxdh-lab exercises` lists them.\n")?;
        return Ok(ExitCode::SUCCESS);
    };
    say(&format!("Watching with {seed}. Ctrl-C stops.\n"))?;
    loop {
        let path = ws.source(Package::Exercises, current.name);
        let seen = stamp(&path);
        say(&format!("\n── {} ({}) ──\n", current.name, current.chapter))?;
        let passed = check_batch(&ws, &[current], Package::Exercises, &expectations, true)? == 1;
        if passed && chosen.is_none() {
            match first_open() {
                Some(next) => {
                    say(&format!("Next: {}, {}.\n", next.name, next.goal))?;
                    current = next;
                    continue;
                }
                None => {
                    say("Every exercise is done: well done.\n")?;
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
        say(&format!(
            "Waiting for you to save exercises/{}.rs …\n",
            current.name
        ))?;
        while stamp(&path) == seen {
            std::thread::sleep(Duration::from_millis(300));
        }
    }
}
