//! The conversation screen's model: the messages after the handshake, stepped
//! through event by event (a message sent, a message received), with an
//! optional attacker whose ledger colours the timeline. Computed by
//! `crate::conversation`; nothing here computes cryptography.

use crate::conversation::{
    self, Compromise, Conversation, ConversationError, ConversationOptions, Event, LedgerEntry,
    MessageRecord, Moment, Party, Pattern,
};

/// Messages the screen's conversation has: enough for every pattern to show
/// a DH ratchet step and healing, few enough to list.
pub const MESSAGES: usize = 12;

pub struct ConversationScreen {
    pub conversation: Conversation,
    /// Index into the schedule's events (and `conversation.moments`).
    pub event: usize,
    /// Rows of the explanation scrolled away (small screens).
    pub explain_scroll: u16,
}

impl ConversationScreen {
    /// The conversation after the handshake of `seed`.
    pub fn open(options: ConversationOptions) -> Result<Self, ConversationError> {
        Ok(Self {
            conversation: conversation::run(options)?,
            event: 0,
            explain_scroll: 0,
        })
    }

    pub fn options(&self) -> ConversationOptions {
        let c = &self.conversation;
        ConversationOptions {
            seed: c.seed,
            one_time_prekey: c.one_time_prekey,
            messages: c.messages.len(),
            pattern: c.pattern,
            compromise: c.compromise,
            quantum: c.quantum,
        }
    }

    pub fn events(&self) -> &[Event] {
        &self.conversation.schedule.events
    }

    pub fn current_event(&self) -> Event {
        self.events()[self.event]
    }

    pub fn moment(&self) -> &Moment {
        &self.conversation.moments[self.event]
    }

    /// The message the current event is about.
    pub fn message(&self) -> &MessageRecord {
        let index = match self.current_event() {
            Event::Send(i) | Event::Deliver(i) => i,
        };
        &self.conversation.messages[index - 1]
    }

    /// Who acts at the current event: the sender, or the receiver.
    pub fn acting_party(&self) -> Party {
        let m = self.message();
        match self.current_event() {
            Event::Send(_) => m.from,
            Event::Deliver(_) => m.from.peer(),
        }
    }

    pub fn ledger(&self, index: usize) -> Option<&LedgerEntry> {
        self.conversation.ledger.iter().find(|e| e.index == index)
    }

    pub fn step(&mut self, to: usize) {
        let last = self.events().len().saturating_sub(1);
        let to = to.min(last);
        if to != self.event {
            self.event = to;
            self.explain_scroll = 0;
        }
    }

    /// The next attacker: none → Alice's state stolen after the current
    /// message → Bob's → none. Runs the conversation again.
    pub fn next_compromise(&mut self) -> Result<(), ConversationError> {
        let at = self.message().index;
        let compromise = match self.conversation.compromise {
            None => Some(Compromise {
                at,
                who: Party::Alice,
            }),
            Some(Compromise {
                who: Party::Alice, ..
            }) => Some(Compromise {
                at,
                who: Party::Bob,
            }),
            Some(Compromise {
                who: Party::Bob, ..
            }) => None,
        };
        self.rerun(ConversationOptions {
            compromise,
            ..self.options()
        })
    }

    /// The next traffic pattern; the same seed and attacker.
    pub fn next_pattern(&mut self) -> Result<(), ConversationError> {
        let all = Pattern::ALL;
        let at = all
            .iter()
            .position(|&p| p == self.conversation.pattern)
            .unwrap_or(0);
        let pattern = all[(at + 1) % all.len()];
        self.rerun(ConversationOptions {
            pattern,
            messages: MESSAGES.max(pattern.min_messages()),
            ..self.options()
        })
    }

    /// Runs again and stays at the same event where it still exists.
    fn rerun(&mut self, options: ConversationOptions) -> Result<(), ConversationError> {
        let event = self.event;
        *self = Self::open(options)?;
        self.step(event);
        Ok(())
    }
}
