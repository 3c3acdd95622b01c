//! The model of the terminal UI: which run, which step, which overlay. Key
//! presses become [`Action`]s (see `keymap.rs`); `update` applies them. No
//! drawing and no terminal here, so tests can drive it directly.

use ratatui::crossterm::event::KeyEvent;

use super::action::Action;
use super::conversation::{self as conversation_screen, ConversationScreen};
use super::holdings::{self, Held};
use super::keymap::{self, Context};
use super::stages;
use crate::conversation::ConversationOptions;
use crate::engine::{self, RunOptions};
use crate::labs;
use crate::transcript::{Actor, Transcript, Value};
use crate::transcript::{Lab, StepId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help {
        scroll: u16,
    },
    Inspector {
        selected: usize,
        scroll: u16,
    },
    /// Every key and byte of the conversation's current message.
    Details {
        scroll: u16,
    },
    /// The attack labs to choose from.
    Labs {
        selected: usize,
    },
}

pub struct App {
    pub transcript: Transcript,
    /// Index into `transcript.steps`.
    pub step: usize,
    pub full_hex: bool,
    pub overlay: Overlay,
    /// The party a small screen shows; None follows the current step's actor.
    pub focus: Option<Actor>,
    /// Rows of the explanation scrolled away, on a screen too small for all of
    /// it; back to 0 at every new step.
    pub explain_scroll: u16,
    pub quit: bool,
    /// A problem to show in the status line (e.g. a re-run that failed).
    pub status: Option<String>,
    /// The conversation after the handshake, when it is on screen.
    pub conversation: Option<ConversationScreen>,
    /// The attack lab on screen (its run is `transcript`), if any, and the
    /// step of the normal run to come back to.
    pub lab: Option<Lab>,
    step_before_lab: usize,
    /// Where new random seeds come from (`r`); tests pass a fixed one.
    seed_source: fn() -> u64,
}

impl App {
    pub fn new(options: RunOptions) -> Result<Self, engine::EngineError> {
        Ok(Self {
            transcript: engine::run(options)?,
            step: 0,
            full_hex: false,
            overlay: Overlay::None,
            focus: None,
            explain_scroll: 0,
            quit: false,
            status: None,
            conversation: None,
            lab: None,
            step_before_lab: 0,
            seed_source: engine::random_seed,
        })
    }

    /// Replaces the source of `r`'s new seeds (tests use a fixed one).
    pub fn with_seed_source(mut self, source: fn() -> u64) -> Self {
        self.seed_source = source;
        self
    }

    pub fn options(&self) -> RunOptions {
        RunOptions {
            seed: self.transcript.seed,
            one_time_prekey: self.transcript.one_time_prekey,
        }
    }

    pub fn context(&self) -> Context {
        match self.overlay {
            Overlay::None if self.conversation.is_some() => Context::Conversation,
            Overlay::None if self.lab.is_some() => Context::Lab,
            Overlay::None => Context::Main,
            Overlay::Labs { .. } => Context::LabList,
            Overlay::Help { .. } => Context::Help,
            Overlay::Inspector { .. } | Overlay::Details { .. } => Context::Inspector,
        }
    }

    /// Feeds one key press through the key table.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if let Some(action) = keymap::action_for(key, self.context()) {
            self.update(action);
        }
    }

    pub fn current_step(&self) -> &crate::transcript::Step {
        &self.transcript.steps[self.step]
    }

    /// The party a small screen shows now.
    pub fn shown_party(&self) -> Actor {
        self.focus.unwrap_or(self.current_step().actor)
    }

    /// Every value a party holds at the current step, as the inspector lists them.
    pub fn inspectable(&self) -> Vec<(Actor, Held<'_>)> {
        let mut list = Vec::new();
        for party in [Actor::Alice, Actor::Bob] {
            for held in holdings::held_by(&self.transcript, party, self.step) {
                list.push((party, held));
            }
        }
        for (object, new) in holdings::server_holds(&self.transcript, self.step) {
            if let Some(value) = self.transcript.value(&object.name) {
                list.push((
                    Actor::Server,
                    Held {
                        value,
                        new,
                        received: true,
                        deleted: None,
                    },
                ));
            }
        }
        list
    }

    /// The value selected in the inspector, with the column it was chosen from.
    pub fn selected_value(&self) -> Option<(Actor, &Value)> {
        let Overlay::Inspector { selected, .. } = self.overlay else {
            return None;
        };
        self.inspectable()
            .get(selected)
            .map(|(party, held)| (*party, held.value))
    }

    pub fn update(&mut self, action: Action) {
        if self.conversation.is_some() && self.context() == Context::Conversation {
            self.update_conversation(action);
            return;
        }
        let before = self.step;
        self.apply(action);
        if self.step != before {
            self.explain_scroll = 0;
        }
    }

    /// Keys on the conversation screen (overlays on top of it are handled
    /// like everywhere else).
    fn update_conversation(&mut self, action: Action) {
        let Some(screen) = self.conversation.as_mut() else {
            return;
        };
        let last = screen.events().len().saturating_sub(1);
        let rerun = match action {
            Action::Next => {
                screen.step(screen.event + 1);
                Ok(())
            }
            Action::Previous => {
                screen.step(screen.event.saturating_sub(1));
                Ok(())
            }
            Action::First => {
                screen.step(0);
                Ok(())
            }
            Action::Last => {
                screen.step(last);
                Ok(())
            }
            Action::ScrollDown | Action::ScrollUp => {
                let rows: i32 = if action == Action::ScrollDown { 3 } else { -3 };
                screen.explain_scroll =
                    (i32::from(screen.explain_scroll) + rows).clamp(0, 1_000) as u16;
                Ok(())
            }
            Action::NextAttacker => screen.next_compromise(),
            Action::NextParty => {
                let shown = self.focus.unwrap_or_else(|| match screen.acting_party() {
                    crate::conversation::Party::Alice => Actor::Alice,
                    crate::conversation::Party::Bob => Actor::Bob,
                });
                self.focus = Some(next_party(shown));
                Ok(())
            }
            Action::NextPattern => screen.next_pattern(),
            Action::OpenInspector => {
                self.overlay = Overlay::Details { scroll: 0 };
                Ok(())
            }
            Action::CloseConversation => {
                self.conversation = None;
                Ok(())
            }
            Action::ToggleHelp => {
                self.overlay = Overlay::Help { scroll: 0 };
                Ok(())
            }
            Action::Quit => {
                self.quit = true;
                Ok(())
            }
            // Handshake-only actions have no binding on this screen.
            Action::JumpToStage(_)
            | Action::OpenLabList
            | Action::RunLab
            | Action::CloseLab
            | Action::OpenConversation
            | Action::SelectNext
            | Action::SelectPrevious
            | Action::ToggleOneTimePrekey
            | Action::NewSeed
            | Action::ToggleHex
            | Action::CloseOverlay => Ok(()),
        };
        self.status = rerun
            .err()
            .map(|e| format!("the conversation could not run again: {e}"));
    }

    /// Runs an attack lab on this run's seed and shows it from the step where
    /// it changes the normal run.
    fn open_lab(&mut self, lab: Lab) {
        match labs::run(lab, self.options()) {
            Ok(transcript) => {
                if self.lab.is_none() {
                    self.step_before_lab = self.step;
                }
                self.step = transcript
                    .steps
                    .iter()
                    .position(|s| matches!(s.id, StepId::Lab(_)))
                    .unwrap_or(0);
                self.transcript = transcript;
                self.lab = Some(lab);
                self.explain_scroll = 0;
                self.status = None;
            }
            Err(e) => self.status = Some(format!("the lab {lab} could not run: {e}")),
        }
    }

    /// Back from a lab to the normal run, at the step left.
    fn close_lab(&mut self) {
        match engine::run(self.options()) {
            Ok(transcript) => {
                self.step = self.step_before_lab.min(transcript.steps.len() - 1);
                self.transcript = transcript;
                self.lab = None;
                self.explain_scroll = 0;
                self.status = None;
            }
            Err(e) => self.status = Some(format!("the normal run could not run again: {e}")),
        }
    }

    /// Opens the conversation that follows this run's handshake.
    fn open_conversation(&mut self) {
        let options = ConversationOptions {
            seed: self.transcript.seed,
            one_time_prekey: self.transcript.one_time_prekey,
            messages: conversation_screen::MESSAGES,
            ..ConversationOptions::default()
        };
        match ConversationScreen::open(options) {
            Ok(screen) => {
                self.conversation = Some(screen);
                self.status = None;
            }
            Err(e) => self.status = Some(format!("the conversation could not run: {e}")),
        }
    }

    fn apply(&mut self, action: Action) {
        let last = self.transcript.steps.len() - 1;
        match action {
            Action::Next => self.step = (self.step + 1).min(last),
            Action::Previous => self.step = self.step.saturating_sub(1),
            Action::First => self.step = 0,
            Action::Last => self.step = last,
            Action::JumpToStage(stage) => {
                let first = stages::STAGES
                    .get(stage)
                    .and_then(|&stage| stages::first_step_of(&self.transcript, stage));
                if let Some(i) = first {
                    self.step = i;
                }
            }
            Action::OpenInspector => {
                // Start on the newest value, the one the current step is about.
                let list = self.inspectable();
                let selected = list.iter().rposition(|(_, h)| h.new).unwrap_or(0);
                self.overlay = Overlay::Inspector {
                    selected,
                    scroll: 0,
                }
            }
            Action::SelectNext | Action::SelectPrevious => {
                if let Overlay::Labs { selected } = self.overlay {
                    let count = Lab::ALL.len();
                    let selected = if action == Action::SelectNext {
                        (selected + 1) % count
                    } else {
                        (selected + count - 1) % count
                    };
                    self.overlay = Overlay::Labs { selected };
                }
                if let Overlay::Inspector { selected, .. } = self.overlay {
                    let count = self.inspectable().len().max(1);
                    let selected = if action == Action::SelectNext {
                        (selected + 1) % count
                    } else {
                        (selected + count - 1) % count
                    };
                    self.overlay = Overlay::Inspector {
                        selected,
                        scroll: 0,
                    };
                }
            }
            Action::ScrollDown | Action::ScrollUp => {
                let delta: i32 = if action == Action::ScrollDown {
                    10
                } else {
                    -10
                };
                let apply = |s: u16| (i32::from(s) + delta).clamp(0, 10_000) as u16;
                self.overlay = match self.overlay {
                    Overlay::Inspector { selected, scroll } => Overlay::Inspector {
                        selected,
                        scroll: apply(scroll),
                    },
                    Overlay::Help { scroll } => Overlay::Help {
                        scroll: apply(scroll),
                    },
                    Overlay::Details { scroll } => Overlay::Details {
                        scroll: apply(scroll),
                    },
                    Overlay::Labs { selected } => Overlay::Labs { selected },
                    Overlay::None => {
                        // The explanation pane scrolls by a few rows at a time.
                        let rows: i32 = if action == Action::ScrollDown { 3 } else { -3 };
                        self.explain_scroll =
                            (i32::from(self.explain_scroll) + rows).clamp(0, 1_000) as u16;
                        Overlay::None
                    }
                };
            }
            Action::ToggleOneTimePrekey => {
                let options = RunOptions {
                    one_time_prekey: !self.transcript.one_time_prekey,
                    ..self.options()
                };
                self.rerun(options);
            }
            Action::NewSeed => {
                let options = RunOptions {
                    seed: (self.seed_source)(),
                    ..self.options()
                };
                self.rerun(options);
            }
            Action::OpenConversation => self.open_conversation(),
            Action::OpenLabList => {
                let selected = self
                    .lab
                    .and_then(|lab| Lab::ALL.iter().position(|&l| l == lab))
                    .unwrap_or(0);
                self.overlay = Overlay::Labs { selected };
            }
            Action::RunLab => {
                if let Overlay::Labs { selected } = self.overlay {
                    self.overlay = Overlay::None;
                    self.open_lab(Lab::ALL[selected]);
                }
            }
            Action::CloseLab => self.close_lab(),
            // Conversation-only actions have no binding on the handshake screen.
            Action::CloseConversation | Action::NextAttacker | Action::NextPattern => {}
            Action::NextParty => self.focus = Some(next_party(self.shown_party())),
            Action::ToggleHex => self.full_hex = !self.full_hex,
            Action::ToggleHelp => {
                self.overlay = match self.overlay {
                    Overlay::Help { .. } => Overlay::None,
                    _ => Overlay::Help { scroll: 0 },
                }
            }
            Action::CloseOverlay => self.overlay = Overlay::None,
            Action::Quit => self.quit = true,
        }
    }

    /// Runs the handshake again and stays on the same step where it still exists.
    fn rerun(&mut self, options: RunOptions) {
        // In a lab, its own run again; otherwise the normal run.
        let run = match self.lab {
            Some(lab) => labs::run(lab, options).map_err(|e| e.to_string()),
            None => engine::run(options).map_err(|e| e.to_string()),
        };
        match run {
            Ok(transcript) => {
                // The same step, or the nearest one before it that both runs have
                // (turning the one-time prekey off removes DH4).
                let step = self.transcript.steps[..=self.step]
                    .iter()
                    .rev()
                    .find_map(|old| transcript.steps.iter().position(|s| s.id == old.id))
                    .unwrap_or(0);
                self.transcript = transcript;
                self.step = step;
                self.status = None;
            }
            Err(e) => self.status = Some(format!("the run with seed {} failed: {e}", options.seed)),
        }
    }
}

/// The party a small screen shows after `shown`: Alice, the server, Bob.
fn next_party(shown: Actor) -> Actor {
    match shown {
        Actor::Alice => Actor::Server,
        // An attack lab's attacker stands in the server's column.
        Actor::Server | Actor::Attacker => Actor::Bob,
        Actor::Bob => Actor::Alice,
    }
}
