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
    /// The conversation after the handshake, and back.
    OpenConversation,
    CloseConversation,
    /// In the conversation: steal Alice's, then Bob's session state after the
    /// current message, then nobody's.
    NextAttacker,
    /// In the conversation: the next traffic pattern.
    NextPattern,
    /// The list of attack labs; running the one selected; back to the normal run.
    OpenLabList,
    RunLab,
    CloseLab,
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
