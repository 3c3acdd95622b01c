//! What a key press asks the UI to do. The key table (`keymap.rs`) maps keys
//! to these; the model (`app.rs`) applies them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Next,
    Previous,
    First,
    Last,
    /// Index into `stages::STAGES`.
    JumpToStage(usize),
    OpenInspector,
    /// On a small screen, which shows one party at a time: the next one.
    NextParty,
    SelectNext,
    SelectPrevious,
    ScrollDown,
    ScrollUp,
    ToggleOneTimePrekey,
    NewSeed,
    ToggleHex,
    ToggleHelp,
    CloseOverlay,
    Quit,
}
